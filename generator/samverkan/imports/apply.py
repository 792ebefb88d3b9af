"""`samverkan import --apply`: the accepted proposals written into content/, in place.

Only the lines that change are rewritten: a changed paragraph keeps its line breaks, list
marker, fact-box prefix, footnote markers and `{¶N}`; words are replaced where they stood
(`rewrite_lines`). A deleted paragraph's lines go; a new paragraph is written after (or before)
the paragraph it follows in the edition and gets its reference by the numbering rule
(content/numbering.py); a commitment's text is rewritten in commitments.yaml the same way.

Each proposal is written on its own, and the content is loaded again after it: unless the
paragraph then reads exactly as proposed (and everything else is still valid content), the
file is put back as it was and the proposal is listed as not applied. What cannot be placed
with certainty is never guessed: conflicts, moves, deleted commitments, changes of an edition
whose source was not found, and paragraphs changed since the edition was made.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from samverkan.content import load_content, numbering
from samverkan.content.prose import BULLET, NOTE_REF, ORDERED, _BlockParser
from samverkan.errors import ContentInvalid
from samverkan.fileio import atomic_write
from samverkan.imports.compare import Proposal
from samverkan.imports.review import Entry, Review
from samverkan.model import Content, Paragraph, Section
from samverkan.text import COLLAPSIBLE_SPACE, normalise

PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*")          # indentation and fact-box markers
MARKER = re.compile(r"[ \t]*\{¶\d+\}[ \t]*$")
NOT_AS_TYPED = ("{¶", "[^", "[[")


class NotPlaced(Exception):
    """A proposal that cannot be written with certainty; the message says why (in Swedish, for the review)."""


def _words(text: str) -> list[str]:
    return [w for w in COLLAPSIBLE_SPACE.split(text) if w]


def rewrite_lines(lines: list[str], prefixes: list[str], new_text: str) -> list[str]:
    """`lines` (each starting with its prefix) with their words changed into `new_text`'s: words
    that stay keep their line, new words go where the words they replace stood, a line left
    empty goes. Footnote markers (`[^1]`) stay after the word they followed; if that word is
    changed, NotPlaced."""
    tokens: list[tuple[int, str, bool]] = []          # (line, token, is a note marker)
    for index, line in enumerate(lines):
        for word in _words(line[len(prefixes[index]):]):
            pos = 0
            for found in NOTE_REF.finditer(word):
                if found.start() > pos:
                    tokens.append((index, word[pos:found.start()], False))
                tokens.append((index, found.group(0), True))
                pos = found.end()
            if pos < len(word):
                tokens.append((index, word[pos:], False))
    old = [t for t in tokens if not t[2]]
    new = _words(new_text)
    out: list[list[str]] = [[] for _ in lines]
    placed: dict[int, int] = {}                        # old token position → (line) where it stays
    matcher = difflib.SequenceMatcher(a=[t[1] for t in old], b=new, autojunk=False)
    stays: set[int] = set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                out[old[i1 + k][0]].append(new[j1 + k])
                stays.add(i1 + k)
                placed[i1 + k] = len(out[old[i1 + k][0]]) - 1
            continue
        line = old[i1][0] if i1 < i2 else (old[i1 - 1][0] if i1 else 0)
        out[line].extend(new[j1:j2])
    # footnote markers after the word they followed
    position = -1
    for index, token, is_note in tokens:
        if not is_note:
            position += 1
            continue
        if position < 0 or position not in stays:
            raise NotPlaced("en fotnotshänvisning står vid ett ändrat ord")
        line = old[position][0]
        out[line][placed[position]] += token
    written = [prefixes[i] + " ".join(words) for i, words in enumerate(out) if words]
    if not written:
        raise NotPlaced("texten blev tom")
    if not out[0]:            # the first line carries a list marker: it keeps the first words
        first = next(i for i, words in enumerate(out) if words)
        written[0] = prefixes[0] + " ".join(out[first])
    return written


def _prefixes(lines: list[str]) -> list[str]:
    """Each line's prefix: indentation and fact-box markers, and on the first line a list marker."""
    out = []
    for index, line in enumerate(lines):
        prefix = PREFIX.match(line).group(0)
        if index == 0:
            rest = line[len(prefix):]
            marker = BULLET.match(rest) or ORDERED.match(rest)
            if marker:
                prefix += rest[:marker.start(2)]
        out.append(prefix)
    return out


def _check_typed(text: str) -> None:
    if any(mark in text for mark in NOT_AS_TYPED) or _BlockParser.starts_block(text):
        raise NotPlaced("texten innehåller tecken som innehållsfilerna läser som markering ({¶, [^, [[, rubrik, "
                        "lista eller faktaruta)")


def _find(content: Content, key: str, ref: str) -> tuple[Section, Paragraph]:
    section_number, _, number = ref.rpartition(":")
    doc = content.documents[key]
    for section in doc.sections:
        if section.number == section_number:
            for paragraph in section.paragraphs():
                if str(paragraph.number) == number:
                    return section, paragraph
    raise NotPlaced(f"stycket {ref} finns inte längre")


def _paragraph_lines(paragraph: Paragraph) -> tuple[Path, list[str], int, int]:
    path = paragraph.loc.file
    lines = path.read_text(encoding="utf-8").split("\n")
    return path, lines, paragraph.loc.line - 1, paragraph.end_line


def _change_paragraph(content: Content, p: Proposal) -> tuple[Path, str]:
    _check_typed(p.new)
    _, paragraph = _find(content, p.document, p.ref)
    path, lines, start, end = _paragraph_lines(paragraph)
    own = lines[start:end]
    marker = MARKER.search(own[-1])
    own[-1] = own[-1][:marker.start()] if marker else own[-1]
    new = rewrite_lines(own, _prefixes(own), p.new)
    new[-1] += f" {{¶{paragraph.number}}}"
    lines[start:end] = new
    atomic_write(path, "\n".join(lines).encode("utf-8"))
    return path, f"{path.name}:{start + 1}"


def _delete_paragraph(content: Content, p: Proposal) -> tuple[Path, str]:
    _, paragraph = _find(content, p.document, p.ref)
    path, lines, start, end = _paragraph_lines(paragraph)
    if end < len(lines) and not lines[end].strip():
        end += 1
    elif start > 0 and not lines[start - 1].strip():
        start -= 1
    del lines[start:end]
    atomic_write(path, "\n".join(lines).encode("utf-8"))
    return path, f"{path.name}:{paragraph.loc.line}"


def _add_paragraph(content: Content, p: Proposal) -> tuple[Path, str]:
    _check_typed(p.new)
    _, paragraph = _find(content, p.document, p.ref)
    path, lines, start, end = _paragraph_lines(paragraph)
    prefix = _prefixes(lines[start:start + 1])[0]
    if ">" in prefix:
        raise NotPlaced("ett nytt stycke i en faktaruta placeras för hand")
    new = [prefix + p.new]
    if p.before_ref:
        lines[start:start] = new + [""]
        where = start + 1
    else:
        lines[end:end] = [""] + new
        where = end + 2
    atomic_write(path, "\n".join(lines).encode("utf-8"))
    return path, f"{path.name}:{where}"


def _change_commitment(content: Content, p: Proposal) -> tuple[Path, str]:
    commitment = next(c for c in content.documents[p.document].commitments if c.id == p.ref)
    text = p.new
    if commitment.party is not commitment.group_party:
        lead = commitment.party.lead + " "
        if not text.startswith(lead):
            raise NotPlaced(f"åtagandet börjar inte längre med partens ingress ”{commitment.party.lead}”")
        text = text[len(lead):]
    if not text.strip():
        raise NotPlaced("åtagandets text blev tom")
    path = commitment.loc.file
    lines = path.read_text(encoding="utf-8").split("\n")
    start = commitment.loc.line - 1
    entry_indent = len(lines[start]) - len(lines[start].lstrip(" -"))
    key = None
    for index in range(start, len(lines)):
        if index > start and lines[index].lstrip().startswith("- ") and \
                len(lines[index]) - len(lines[index].lstrip()) < entry_indent:
            break
        found = re.match(r"^(\s*(?:-\s+)?)text:(\s*)(.*)$", lines[index])
        if found:
            key = index
            break
    if key is None:
        raise NotPlaced("åtagandets text hittades inte i filen")
    key_line = lines[key]
    key_indent = len(key_line) - len(key_line.lstrip(" -"))
    value = key_line.split("text:", 1)[1].strip()
    end = key + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > key_indent):
        end += 1
    while end > key + 1 and not lines[end - 1].strip():
        end -= 1
    if value in (">-", ">"):
        body = lines[key + 1:end]
        new = rewrite_lines(body, [PREFIX.match(line).group(0) for line in body], text)
        lines[key + 1:end] = new
    else:
        lines[key:end] = [key_line.split("text:", 1)[0] + "text: >-"] + [" " * (key_indent + 2) + text]
    atomic_write(path, "\n".join(lines).encode("utf-8"))
    return path, f"{path.name}:{key + 1}"


def _verify(content: Content, p: Proposal) -> None:
    """The proposal as the content now reads."""
    doc = content.documents[p.document]
    if p.anchor_kind == "commitment":
        commitment = next(c for c in doc.commitments if c.id == p.ref)
        if normalise(commitment.full_text) != p.new:
            raise NotPlaced("åtagandet läses inte som föreslaget efter ändringen")
        return
    if p.kind == "changed":
        if normalise(_find(content, p.document, p.ref)[1].text) != p.new:
            raise NotPlaced("stycket läses inte som föreslaget efter ändringen")
    elif p.kind == "deleted":
        try:
            _find(content, p.document, p.ref)
        except NotPlaced:
            return
        raise NotPlaced("stycket finns kvar efter strykningen")
    elif p.kind == "added":
        section, paragraph = _find(content, p.document, p.ref)
        paragraphs = section.paragraphs()
        index = paragraphs.index(paragraph) + (-1 if p.before_ref else 1)
        if not 0 <= index < len(paragraphs) or paragraphs[index].number is not None \
                or normalise(paragraphs[index].text) != p.new:
            raise NotPlaced("det nya stycket hamnade inte där det stod i utgåvan")


WRITERS = {("paragraph", "changed"): _change_paragraph, ("paragraph", "deleted"): _delete_paragraph,
           ("paragraph", "added"): _add_paragraph, ("commitment", "changed"): _change_commitment}


def _why_not(entry: Entry, p: Proposal, chosen: list[Proposal]) -> str | None:
    if p.unverified:
        return "overifierad: utgåvans källa hittades inte i historiken"
    if p.kind == "moved":
        return "en flytt görs för hand"
    if entry.stale(p):
        return "stycket har ändrats sedan utgåvan gjordes (konflikt med dagens text)"
    if p.kind in ("changed", "deleted") and len({(q.kind, q.new) for q in chosen if q.kind in ("changed", "deleted")}) > 1:
        return "konflikt: olika förslag för samma stycke (välj med --author)"
    if (p.anchor_kind, p.kind) not in WRITERS:
        return "ett åtagande stryks av sekretariatet (dess id används aldrig igen)" if p.kind == "deleted" else \
            "kan inte placeras med säkerhet"
    if p.kind == "changed" and p.new == entry.current:
        return "redan infört"
    return None


def _matches(p: Proposal, author: str | None, refs: list[str]) -> bool:
    if author and author.casefold() not in {a.casefold() for a in p.authors}:
        return False
    return not refs or p.ref in refs


def apply_review(review: Review, content_dir: Path, author: str | None = None, refs: list[str] | None = None) -> None:
    """Write the review's proposals (those of `author`, of the references `refs`) into content/;
    fills `review.applied` and `review.not_applied`."""
    refs = refs or []
    planned: list[tuple[Entry, Proposal]] = []
    for entry in review.entries:
        chosen = [p for p in entry.proposals if _matches(p, author, refs)]
        for p in entry.proposals:
            if p not in chosen:
                review.not_applied.append((p, "inte valt (--author/--ref)"))
                continue
            why = _why_not(entry, p, chosen)
            if why:
                review.not_applied.append((p, why))
            else:
                planned.append((entry, p))
    # additions last, each written next to its anchor: those after it in reverse order, so that
    # several new paragraphs after one anchor keep the edition's order
    others = [item for item in planned if item[1].kind != "added"]
    before = [item for item in planned if item[1].kind == "added" and item[1].before_ref]
    after = [item for item in planned if item[1].kind == "added" and not item[1].before_ref]
    for entry, p in others + before + after[::-1]:
        content = load_content(content_dir)
        snapshot = {f: f.read_bytes() for f in content_dir.rglob("*") if f.is_file()}
        try:
            path, where = WRITERS[(p.anchor_kind, p.kind)](content, p)
            _verify(load_content(content_dir), p)
        except (NotPlaced, ContentInvalid, StopIteration, KeyError) as exc:
            for f, data in snapshot.items():
                if f.read_bytes() != data:
                    atomic_write(f, data)
            reason = str(exc) if isinstance(exc, NotPlaced) else \
                "innehållet blev ogiltigt" if isinstance(exc, ContentInvalid) else "stycket eller åtagandet finns inte längre"
            review.not_applied.append((p, reason))
            continue
        review.applied.append((p, where))
    added = [p for p, _ in review.applied if p.kind == "added"]
    if added:
        numbering.number_paragraphs(content_dir)
        content = load_content(content_dir)
        given = {}
        for p in added:
            section, paragraph = _find(content, p.document, p.ref)
            for candidate in section.paragraphs():
                if candidate.number is not None and normalise(candidate.text) == p.new and candidate is not paragraph:
                    given[id(p)] = section.ref(candidate)
        review.applied = [(p, where + (f", fick hänvisningen {given[id(p)]}" if id(p) in given else ""))
                          for p, where in review.applied]
