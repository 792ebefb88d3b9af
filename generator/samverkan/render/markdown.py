"""Writing pandoc Markdown safely: escaping, grid tables, quoting, front matter.

Content is data. Every value from `content/` passes through `escape`, which puts a
backslash before every ASCII punctuation character (pandoc's `all_symbols_escapable`),
so `*`, `#`, `<tag>`, `&`, `{{ x }}` and `[^1]` typed by an editor print as typed and
never turn into emphasis, raw HTML (which pandoc would silently drop) or anything else.
"""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from typing import Any, Iterable, Sequence

import yaml
from markupsafe import Markup

from samverkan.text import COLLAPSIBLE_SPACE

# The reader format for every intermediate: no smart quotes or dashes (text is verbatim),
# no raw HTML or TeX (content can never carry markup).
PANDOC_READER = "markdown-smart-raw_html-raw_tex-raw_attribute-tex_math_dollars-citations-auto_identifiers"

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
GRID_WIDTH = 100   # characters; the writers pass --columns with the same value


def escape(text: Any) -> str:
    """Literal text as pandoc Markdown inline content (one line; runs of white space become one
    space, kept at the ends so that text next to a footnote mark keeps its space). Spaces typed
    on purpose (no-break space in "10 000 kr", narrow no-break space, …) stay as they are:
    pandoc passes them to Word as they are, and to Typst as its no-break space."""
    text = COLLAPSIBLE_SPACE.sub(" ", unicodedata.normalize("NFC", str(text)))
    return _PUNCT.sub(r"\\\1", text)


def unescape(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text)


def md(text: Any) -> Markup:
    """Jinja filter/finaliser: escape unless the value already is Markdown."""
    if isinstance(text, Markup):
        return text
    return Markup(escape(text))


def raw(text: str) -> Markup:
    """Mark Markdown written by code (not content) as ready to print."""
    return Markup(text)


def quote_block(text: str) -> Markup:
    """Prefix every line with '> ' (a fact box)."""
    return Markup("\n".join(f"> {line}" if line.strip() else ">" for line in str(text).strip("\n").split("\n")))


def _wrap_cell(cell: str, width: int) -> list[str]:
    """Escaped, wrapped lines of one cell; a hard line break (trailing backslash) between
    the cell's own lines."""
    out: list[str] = []
    raw = isinstance(cell, Markup)       # Markdown written by a template (e.g. a fill-in field)
    logical = [part if raw else escape(part) for part in str(cell).split("\n")] or [""]
    for index, line in enumerate(logical):
        last = index == len(logical) - 1
        wrapped = textwrap.wrap(line, width=width - (0 if last else 2), break_long_words=False,
                                break_on_hyphens=False) or [""]
        if not last:
            wrapped[-1] += " \\"
        out.extend(wrapped)
    return out


def grid_table(columns: Sequence[str], rows: Iterable[Sequence[str]], caption: str | None = None,
               widths: Sequence[float] | None = None, header_rows: int = 1) -> Markup:
    """A pandoc grid table. Cells may hold several lines (each printed on its own line).
    `header_rows` > 0 marks the first row (the column names) as a header row."""
    rows = [[cell if isinstance(cell, Markup) else str(cell) for cell in row] for row in rows]
    shares = list(widths) if widths else [1.0] * len(columns)
    total = sum(shares)
    # the widest unbreakable word of each column sets its minimum width
    words = [max([len(w) for cell in [columns[i], *[r[i] for r in rows]]
                  for w in (str(cell) if isinstance(cell, Markup) else escape(cell)).split()] or [1])
             for i in range(len(columns))]
    inner = [max(words[i] + 2, int(GRID_WIDTH * shares[i] / total) - 3) for i in range(len(columns))]
    inner = _fit_words(inner, columns, rows)

    def render_row(cells: Sequence[str]) -> list[str]:
        wrapped = [_wrap_cell(cell, inner[i]) for i, cell in enumerate(cells)]
        height = max(len(w) for w in wrapped)
        return ["| " + " | ".join((w[k] if k < len(w) else "").ljust(inner[i])
                                  for i, w in enumerate(wrapped)) + " |" for k in range(height)]

    def rule(char: str) -> str:
        return "+" + "+".join(char * (width + 2) for width in inner) + "+"

    lines = [rule("-")]
    if header_rows:
        lines += render_row(columns) + [rule("=")]
    for row in rows:
        lines += render_row(row) + [rule("-")]
    if caption:
        lines += ["", f": {escape(caption)}"]
    return Markup("\n".join(lines))


# Table layout: a grid table spans the text width (the writers make its columns the shares of
# their dashes), and no column is narrower than its longest word set in the table font, so
# that no word is broken without a hyphen or runs out of its cell.
TEXT_WIDTH_PT = 447.9        # A4 less the margins of document.typ and reference.docx (2 × 2.6 cm)
TABLE_FONT_PT = 9.5          # table text in both
CELL_PADDING_PT = 11         # the cell's inner margins (5 pt each side in the PDF), and a little room
MAX_COLUMN_SHARE = 0.6       # a longer word (a URL) may break rather than squeeze the other columns


def _fit_words(inner: list[int], columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    """Column widths in grid characters: each at least its longest word as set (bold in the
    header), and together the full width."""
    from samverkan import fontmetrics

    char_pt = TEXT_WIDTH_PT / GRID_WIDTH
    regular, bold = fontmetrics.packaged("Regular"), fontmetrics.packaged("Bold")
    result = list(inner)
    for i in range(len(columns)):
        cells = [(columns[i], bold)] + [(row[i], regular) for row in rows]
        widest = 0.0
        for cell, metrics in cells:
            if isinstance(cell, Markup) or metrics is None:
                continue                      # a field's placeholder may wrap
            for word in str(cell).split():
                widest = max(widest, metrics.width(word, TABLE_FONT_PT))
        needed = int((min(widest + CELL_PADDING_PT, TEXT_WIDTH_PT * MAX_COLUMN_SHARE)) / char_pt) + 1
        result[i] = max(result[i], needed - 3)
    short = GRID_WIDTH - sum(width + 3 for width in result) - 1
    if short > 0:
        total = sum(result)
        extra = [short * width // total for width in result]
        extra[-1] += short - sum(extra)
        result = [width + add for width, add in zip(result, extra)]
    return result


SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)    # libyaml when PyYAML has it
# Characters JSON leaves as they are but YAML 1.1 (PyYAML, which reads the block back) takes for
# line breaks or refuses: written as escapes, which both YAML versions read as the character.
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


# A key written as it is: lower-case words joined by hyphens, none a word YAML 1.1 reads as true,
# false or null (`on`, `no`, …); any other key is quoted.
_KEY_WORDS = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*"
_PLAIN_KEY = re.compile(rf"(?!(?:y|n|yes|no|true|false|on|off|null)$){_KEY_WORDS}")


def _flow(value: Any) -> str:
    """A value in YAML's flow style, written as JSON (JSON is YAML): strings double-quoted."""
    text = json.dumps(value, ensure_ascii=False)
    return _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def front_matter(values: dict[str, Any]) -> Markup:
    """A YAML metadata block whose string values are escaped Markdown: one line per key, its
    value in flow style (`key: ["a", {"b": true}]`). pandoc and PyYAML read the data libyaml's
    block style gave them (and U+2028 or U+0085 as they are, which that lost), but writing it
    takes a fifteenth of the time: a routine template's field registry made the block style
    most of the time spent rendering the template (45 of 200 ms before a build's first task)."""

    def prepare(value: Any) -> Any:
        if isinstance(value, Markup):
            return str(value)
        if isinstance(value, str):
            return escape(value)
        if isinstance(value, (list, tuple)):
            return [prepare(v) for v in value]
        if isinstance(value, dict):
            return {k: prepare(v) for k, v in value.items()}
        return value

    lines = [f"{key if _PLAIN_KEY.fullmatch(key) else _flow(key)}: {_flow(prepare(value))}"
             for key, value in values.items()]
    return Markup("---\n" + "".join(line + "\n" for line in lines) + "---\n")


def read_front_matter(markdown: str) -> dict[str, Any]:
    """The metadata block of an intermediate, with Markdown escapes removed."""
    if not markdown.startswith("---\n"):
        return {}
    end = markdown.index("\n---\n", 4)
    block = markdown[4:end]
    data = _written_lines(block)
    if data is None:
        data = yaml.load(block, Loader=SAFE_LOADER) or {}

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return unescape(value)
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    return clean(data)


# a line as front_matter writes it: a key of words (checked against _PLAIN_KEY) or in quotes, its value
_LINE = re.compile(rf'(?:({_KEY_WORDS})|("(?:[^"\\]|\\.)*")): (.+)')


def _refuse(text: str) -> Any:
    raise ValueError(f"not read as YAML reads it: {text}")


# JSON as YAML 1.1 reads it: no fractions or exponents (YAML 1.1 reads 1e+20 as text), no NaN
_JSON = json.JSONDecoder(parse_float=_refuse, parse_constant=_refuse)


def _written_lines(block: str) -> dict[str, Any] | None:
    """A metadata block as `front_matter` writes it (a key a line, its value JSON), read line by
    line with json: what YAML reads from it, in a sixth of the time (a routine template's block,
    with its field registry: 1 ms, where PyYAML's constructor took 6-13 ms, in every process
    that reads it). None for anything else, which YAML reads: another kind of line, a plain key
    YAML 1.1 reads as true, false or null, a number with a fraction."""
    data: dict[str, Any] = {}
    for line in block.split("\n"):
        match = _LINE.fullmatch(line)
        if match is None or (match[1] is not None and not _PLAIN_KEY.fullmatch(match[1])):
            return None
        try:
            data[match[1] if match[1] is not None else json.loads(match[2])] = _JSON.decode(match[3])
        except ValueError:
            return None
    return data
