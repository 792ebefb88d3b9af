"""Reading where the text of a built PDF stands on its pages, and where its lines end in a
hyphen: what the layout tests check, the way a reader sees the pages. Both come from poppler
(`pdftotext -bbox-layout` for positions: one fast call per file, which matters for 380 routine
PDFs; plain `pdftotext`, which keeps a hyphenated line's soft hyphen apart from a real hyphen)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

CM = 72 / 2.54
# the text block of every PDF (templates/document.typ): A4 less the margins
LEFT, RIGHT, TOP, BOTTOM = 2.6 * CM, 21.0 * CM - 2.6 * CM, 2.8 * CM, 29.7 * CM - 2.4 * CM
PAGE_HEIGHT = 29.7 * CM
SLACK = 0.75                    # points: glyph side bearings
BODY_SIZE = 10.5
HEADING_SIZE = 17.0
WATERMARK_SIZE = 30             # a line this large is a letter of a watermark ("UTKAST"), set at an angle
BULLET = "•"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _line_height() -> float:
    """poppler's line box for the PDFs' font, in ems (its typographic ascent less descent, as the
    PDF's font descriptor gives them): a line's type size is its height divided by this."""
    from fontTools.ttLib import TTFont

    from samverkan.project import packaged

    font = TTFont(packaged("templates") / "fonts" / "SourceSansPro-Regular.ttf")
    return (font["OS/2"].sTypoAscender - font["OS/2"].sTypoDescender) / font["head"].unitsPerEm


LINE_HEIGHT = _line_height()


@dataclass
class Line:
    page: int                   # 1-based
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def size(self) -> float:
        """The type size, from the line's height (10.5 body, 17 a chapter heading)."""
        return round((self.bottom - self.top) / LINE_HEIGHT * 2) / 2

    @property
    def furniture(self) -> bool:
        """The running header (above the text block) or the footer "Sida 3 (24)" (below it)."""
        return self.bottom <= TOP or self.top >= BOTTOM

    @property
    def watermark(self) -> bool:
        return self.size >= WATERMARK_SIZE


@dataclass
class Page:
    number: int
    lines: list[Line]

    @property
    def body(self) -> list[Line]:
        """The lines of the text block, in reading order (no header, footer or watermark)."""
        return [line for line in self.lines if not line.furniture and not line.watermark]


def pages(path: Path) -> list[Page]:
    out = subprocess.run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True, huge_tree=True))
    result = []
    for number, page in enumerate(root.iter(f"{XHTML}page"), 1):
        lines = []
        for line in page.iter(f"{XHTML}line"):
            words = [w.text or "" for w in line.iter(f"{XHTML}word")]
            lines.append(Line(number, " ".join(words), float(line.get("xMin")), float(line.get("xMax")),
                              float(line.get("yMin")), float(line.get("yMax"))))
        lines.sort(key=lambda line: (round(line.top), line.x0))
        result.append(Page(number, lines))
    return result


def outside_text_block(page: Page) -> list[Line]:
    """Lines (not a watermark's letters) that stand left or right of the text block, or off the
    page: text run off the edge."""
    return [line for line in page.lines if not line.watermark and line.text.strip()
            and (line.x0 < LEFT - SLACK or line.x1 > RIGHT + SLACK or line.top < 0 or line.bottom > PAGE_HEIGHT)]


def item_indent(document: list[Page]) -> float:
    """Where the wrapped lines of list items begin: the indent of the lines that follow a bullet's line."""
    found = [b.x0 for page in document for a, b in zip(page.body, page.body[1:])
             if a.text.startswith(BULLET) and not b.text.startswith(BULLET) and b.size == BODY_SIZE]
    return max(set(found), key=found.count) if found else -1.0


def is_list_line(line: Line, indent: float) -> bool:
    """A line of a bulleted list: the line with the bullet, or a wrapped line of an item (at the
    items' indent `indent`, which a fact box's text is not)."""
    return line.text.startswith(BULLET) or (abs(line.x0 - indent) < 0.8 and line.size == BODY_SIZE)


def hyphenated_lines(path: Path) -> list[list[str]]:
    """Per page, the lines as poppler reads them; a line ending in a soft hyphen was hyphenated."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")
    return [page.split("\n") for page in text.split("\f")]


def hyphenation_problems(path: Path) -> list[str]:
    """Hyphenations a Swedish reader would object to: a fragment under three letters, a
    capitalised word (a name, an abbreviation) hyphenated, three hyphenated lines in a row."""
    problems = []
    for number, lines in enumerate(hyphenated_lines(path), 1):
        run = 0
        for index, line in enumerate(lines):
            if not line.endswith("\u00ad"):
                run = 0
                continue
            run += 1
            head = re.search(r"(\w+)\u00ad$", line)
            tail = re.match(r"\s*(\w+)", lines[index + 1]) if index + 1 < len(lines) else None
            word = (head.group(1) if head else "") + "-" + (tail.group(1) if tail else "")
            if head and len(head.group(1)) < 3 or tail and len(tail.group(1)) < 3:
                problems.append(f"p. {number}: fragment under three letters: {word}")
            if head and head.group(1)[:1].isupper():
                problems.append(f"p. {number}: capitalised word hyphenated: {word}")
            if run == 3:
                problems.append(f"p. {number}: three hyphenated lines in a row, up to {word}")
    return problems
