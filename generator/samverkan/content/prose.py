"""Parser for the prose files (`sections/*.md`): a small, strict Markdown dialect.

Supported: numbered and unnumbered headings, paragraphs, bullet and numbered lists (with
several paragraphs per item and nested lists), fact boxes (`> `), footnotes (`[^n]`) and
directive lines (`[[åtaganden]]`, `[[sammanställning av åtaganden]]`, `[[tabell ID]]`).
Inline text is literal: no emphasis, links or HTML, so whatever an editor types is printed.
Every block keeps its file and line so that problems can be reported precisely.

Hand-made on purpose: markdown-it-py (or the `markdown` package) accepts any text, so what this
dialect refuses would get no file:line message, and past its nesting limit (maxNesting 20)
markdown-it-py silently drops the rest of a list or quote, text and all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from samverkan.content.source import character_problems, read_source
from samverkan.errors import Location, Problems
from samverkan.text import normalise
from samverkan.model import (
    Block, CommitmentSummary, CommitmentsHere, FactBox, Footnote, Inline, ListBlock,
    NoteRef, Paragraph, Section, Subheading, TableRef, Text,
)

HEADING_START = re.compile(r"#{1,6}[ \t]")
NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(\S.*)$")
APPENDIX = re.compile(r"^(Bilaga\s+\d+)\s*[:.–-]?\s+(\S.*)$")
BULLET = re.compile(r"^([-•])\s+(.*)$")
ORDERED = re.compile(r"^(\d+)[.)]\s+(.*)$")
FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:\s*(.*)$")
NOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
PARAGRAPH_NUMBER = re.compile(r"\{¶(\d+)\}\Z")
MARKER = re.compile(r"\{¶[^{}]*\}")

# Lists and fact boxes inside each other: Word numbers lists nine levels deep; real text
# needs two or three. Deeper nesting is refused before it reaches pandoc, Word or Typst.
MAX_NESTING = 8

DIRECTIVES_HELP = "[[åtaganden]], [[sammanställning av åtaganden]] or [[tabell ID]]"

# The line syntax is read without regular expressions that could backtrack: a content line
# may be very long (a paragraph on one line, or a hostile file), and reading stays linear.

def _heading(stripped: str) -> tuple[int, str] | None:
    """(level, text) of `## 3.1 Titel`. A closing sequence of '#' is markup only after a space
    (CommonMark): "## 7.1 Programmering i C#" keeps its '#'."""
    if not HEADING_START.match(stripped):
        return None
    level = len(stripped) - len(stripped.lstrip("#"))
    text = stripped[level:].strip(" \t")
    closed = text.rstrip("#")
    if closed != text and (not closed or closed[-1] in " \t"):
        text = closed.rstrip(" \t")
    return level, text


def _directive(stripped: str) -> str | None:
    """The name in `[[åtaganden]]` (the whole line)."""
    if stripped.startswith("[[") and stripped.endswith("]]") and len(stripped) >= 4:
        return stripped[2:-2].strip()
    return None


def _paragraph_number(text: str) -> tuple[int, int] | None:
    """(number, where the marker starts) of a `{¶4}` ending the text."""
    end = text.rstrip()
    match = PARAGRAPH_NUMBER.search(end, max(0, len(end) - 40))
    if match is None:
        return None
    start = len(end[:match.start()].rstrip())
    return int(match.group(1)), start


@dataclass
class _Line:
    text: str
    number: int


@dataclass
class ParsedFile:
    sections: list[Section]
    footnotes: dict[str, Footnote]


def parse_inlines(text: str, loc: Location, problems: Problems) -> tuple[Inline, ...]:
    text = normalise(text)
    parts: list[Inline] = []
    pos = 0
    for match in NOTE_REF.finditer(text):
        if match.start() > pos:
            parts.append(Text(text[pos:match.start()]))
        parts.append(NoteRef(match.group(1)))
        pos = match.end()
    if pos < len(text):
        parts.append(Text(text[pos:]))
    return tuple(parts)


class _BlockParser:
    def __init__(self, path: Path, problems: Problems):
        self.path = path
        self.problems = problems

    def loc(self, line: _Line) -> Location:
        return Location(self.path, line.number)

    def nested(self, lines: list[_Line], depth: int) -> list[tuple[str, object]]:
        """The blocks inside a list item or fact box, one level deeper."""
        if depth > MAX_NESTING:
            self.problems.add(self.loc(lines[0]) if lines else Location(self.path),
                              f"lists and fact boxes are nested more than {MAX_NESTING} levels deep here",
                              "write the text with fewer levels (a document reads best with two or three)")
            return []
        return self.parse(lines, depth)

    def parse(self, lines: list[_Line], depth: int = 0) -> list[tuple[str, object]]:
        """Blocks, plus ("heading", (level, text, line)) markers, in order."""
        out: list[tuple[str, object]] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            text = line.text
            if not text.strip():
                i += 1
                continue
            stripped = text.strip()
            if text.startswith("#") and (heading := _heading(stripped)):
                self.stray_markers(heading[1], line, "a heading", "headings have no reference marker: delete it")
                out.append(("heading", (heading[0], heading[1], line)))
                i += 1
            elif (name := _directive(stripped)) is not None:
                out.append(("block", self.directive(name, line)))
                i += 1
            elif stripped.startswith(">"):
                j = i
                inner: list[_Line] = []
                while j < len(lines) and lines[j].text.strip().startswith(">"):
                    raw = lines[j].text.strip()[1:]
                    inner.append(_Line(raw[1:] if raw.startswith(" ") else raw, lines[j].number))
                    j += 1
                blocks = self.nested(inner, depth + 1)
                out.append(("block", FactBox(self.only_blocks(blocks, "a fact box"), self.loc(line))))
                i = j
            elif BULLET.match(stripped) or ORDERED.match(stripped):
                block, i = self.parse_list(lines, i, depth)
                out.append(("block", block))
            else:
                j = i
                while j < len(lines) and lines[j].text.strip() and (j == i or not self.starts_block(lines[j].text)):
                    j += 1
                out.append(("block", self.paragraph(lines[i:j])))
                i = j
        return out

    def paragraph(self, lines: list[_Line]) -> Paragraph:
        first, last = lines[0], lines[-1]
        text = " ".join(line.text for line in lines)
        number = None
        if found := _paragraph_number(text):
            number, start = found
            text = text[:start]
            ending = _paragraph_number(last.text)
            lines = lines[:-1] + [_Line(last.text[:ending[1]] if ending else last.text, last.number)]
        for line in lines:
            self.stray_markers(line.text, line, "the middle of a paragraph",
                               "a reference marker ends its paragraph: if a new paragraph starts after it, put a "
                               "blank line there; otherwise delete it")
        return Paragraph(parse_inlines(text, self.loc(first), self.problems), self.loc(first), number, last.number)

    def stray_markers(self, text: str, line: _Line, where: str, hint: str) -> None:
        """A `{¶n}` that is not at the end of a paragraph is not a reference (it would print as
        text); usually two paragraphs lost the blank line between them."""
        for marker in MARKER.findall(text):
            self.problems.add(self.loc(line), f"reference marker {marker} stands in {where}", hint)

    @staticmethod
    def starts_block(text: str) -> bool:
        s = text.strip()
        return bool((text.startswith("#") and _heading(s)) or _directive(s) is not None or s.startswith(">")
                    or BULLET.match(s) or ORDERED.match(s))

    def only_blocks(self, parsed: list[tuple[str, object]], where: str) -> list[Block]:
        blocks = []
        for kind, value in parsed:
            if kind == "heading":
                level, text, line = value  # type: ignore[misc]
                self.problems.add(self.loc(line), f"a heading cannot stand inside {where}",
                                  "end the list or fact box with a blank line and an unindented line first")
            else:
                blocks.append(value)
        return blocks

    def parse_list(self, lines: list[_Line], i: int, depth: int = 0) -> tuple[ListBlock, int]:
        first = lines[i]
        indent = len(first.text) - len(first.text.lstrip())
        ordered = bool(ORDERED.match(first.text.strip()))
        start = int(ORDERED.match(first.text.strip()).group(1)) if ordered else 1  # type: ignore[union-attr]
        items: list[list[Block]] = []
        while i < len(lines):
            line = lines[i]
            s = line.text.strip()
            line_indent = len(line.text) - len(line.text.lstrip())
            m = ORDERED.match(s) if ordered else BULLET.match(s)
            if not s or line_indent != indent or not m:
                break
            item_lines = [_Line(m.group(2), line.number)]
            content_indent = indent + 2
            i += 1
            while i < len(lines):
                nxt = lines[i]
                ns = nxt.text.strip()
                n_indent = len(nxt.text) - len(nxt.text.lstrip())
                if not ns:
                    # blank: the item goes on only if the next non-blank line is indented
                    k = i
                    while k < len(lines) and not lines[k].text.strip():
                        k += 1
                    if k < len(lines) and len(lines[k].text) - len(lines[k].text.lstrip()) >= content_indent:
                        item_lines.extend(_Line("", lines[x].number) for x in range(i, k))
                        i = k
                        continue
                    break
                if n_indent >= content_indent:
                    item_lines.append(_Line(nxt.text[content_indent:], nxt.number))
                    i += 1
                elif n_indent == indent and (BULLET.match(ns) or ORDERED.match(ns)):
                    break
                elif self.starts_block(nxt.text):
                    break
                else:  # lazy continuation of the item's paragraph
                    item_lines.append(_Line(ns, nxt.number))
                    i += 1
            items.append(self.only_blocks(self.nested(item_lines, depth + 1), "a list"))
            while i < len(lines) and not lines[i].text.strip():
                k = i
                while k < len(lines) and not lines[k].text.strip():
                    k += 1
                nxt_is_item = k < len(lines) and (len(lines[k].text) - len(lines[k].text.lstrip()) == indent) and \
                    bool((ORDERED if ordered else BULLET).match(lines[k].text.strip()))
                if nxt_is_item:
                    i = k
                break
        return ListBlock(ordered, items, self.loc(first), start), i

    def directive(self, name: str, line: _Line) -> Block:
        words = name.split()
        key = " ".join(words).lower()
        if key == "åtaganden":
            return CommitmentsHere(self.loc(line))
        if key == "sammanställning av åtaganden":
            return CommitmentSummary(self.loc(line))
        if words and words[0].lower() == "tabell" and len(words) == 2:
            return TableRef(words[1], self.loc(line))
        self.problems.add(self.loc(line), f"unknown directive [[{name}]]", f"use {DIRECTIVES_HELP}")
        return Paragraph((Text(f"[[{name}]]"),), self.loc(line))


def parse_prose(path: Path, problems: Problems) -> ParsedFile:
    raw = read_source(path, problems, "create it or remove it from document.yaml", what="section file")
    if raw is None:
        return ParsedFile([], {})
    character_problems(path, raw, problems)

    body: list[_Line] = []
    footnotes: dict[str, Footnote] = {}
    lines = raw.split("\n")
    parser = _BlockParser(path, problems)
    i = 0
    while i < len(lines):
        text = lines[i].expandtabs(4)
        if m := FOOTNOTE_DEF.match(text):
            label, parts, number = m.group(1), [m.group(2)], i + 1
            i += 1
            while i < len(lines) and lines[i].strip() and lines[i][:1] in (" ", "\t"):
                parts.append(lines[i].strip())
                i += 1
            loc = Location(path, number)
            parser.stray_markers(" ".join(parts), _Line("", number), "a footnote",
                                 "footnotes have no reference marker: delete it")
            if label in footnotes:
                problems.add(loc, f"footnote [^{label}] is defined twice", "give each footnote its own label")
            footnotes[label] = Footnote(label, parse_inlines(" ".join(parts), loc, problems), loc)
            continue
        body.append(_Line(text, i + 1))
        i += 1

    sections: list[Section] = []
    for kind, value in parser.parse(body):
        if kind == "heading":
            level, text, line = value  # type: ignore[misc]
            loc = Location(path, line.number)
            text = normalise(text)
            numbered = NUMBERED.match(text)
            appendix = APPENDIX.match(text)
            if numbered or appendix:
                number, title = (numbered or appendix).groups()  # type: ignore[union-attr]
                number = normalise(number)
                if numbered and number.count(".") + 1 != level:
                    problems.add(loc, f"section {number} has {level} '#' but its number has "
                                      f"{number.count('.') + 1} part(s)",
                                 f"write it as {'#' * (number.count('.') + 1)} {number} {title}")
                if appendix and level != 1:
                    problems.add(loc, f"'{number}' must be a level-1 heading", f"write it as # {number} {title}")
                sections.append(Section(number, title, level, loc))
            elif not sections:
                problems.add(loc, "an unnumbered heading cannot open a file",
                             "start the file with a numbered heading such as '# 3 Prioriterade målgrupper'")
            else:
                current = sections[-1]
                if level <= current.level:
                    problems.add(loc, f"unnumbered heading '{text}' is not deeper than section "
                                      f"{current.number} ({'#' * current.level})",
                                 f"use {'#' * (current.level + 1)} for a subheading of {current.number}, "
                                 "or give it a section number")
                current.blocks.append(Subheading(level, text, loc))
        else:
            if not sections:
                problems.add(value.loc, "text before the first heading",  # type: ignore[union-attr]
                             "start the file with a numbered heading such as '# 1 Inledning'")
                continue
            sections[-1].blocks.append(value)  # type: ignore[arg-type]
    if not sections and not problems:
        problems.add(Location(path), "the file has no numbered heading", "start it with e.g. '# 1 Inledning'")
    return ParsedFile(sections, footnotes)
