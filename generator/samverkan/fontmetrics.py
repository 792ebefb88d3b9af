"""Advance widths of fonts, read with fontTools: how wide a word is when set, so that table
columns are made wide enough for their longest word in the PDF and in Word
(render/markdown.py's grid tables, ooxml/layout.py).

The packaged fonts' characters and widths are also in a table (fonts.json, written by
tools/font_table.py with fontTools, each font by the sha256 of its file): a build's main process
renders the tables and checks the content's characters (content/glyphs.py) without loading
fontTools and reading six fonts (55 ms before the first task of every rebuild). A font that is
not exactly one of those files (a project's own) is read with fontTools. The forkserver loads
fontTools for the workers (engine/runner.py: the Word writer embeds fonts with it)."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from samverkan.errors import FontUnreadable

TABLE = Path(__file__).with_name("fonts.json")


@dataclass(frozen=True)
class Metrics:
    units_per_em: int
    advances: dict[int, int]          # code point → advance width in font units
    default: int                      # for characters the font lacks

    def width(self, text: str, size_pt: float) -> float:
        """The width of `text` set at `size_pt`, in points (without kerning)."""
        units = sum(self.advances.get(ord(ch), self.default) for ch in text)
        return units * size_pt / self.units_per_em


def read_font(data: bytes, name: str, read):
    """`read(font)` of the font file `data` (a fontTools TTFont, its tables decoded on first
    use); a damaged file, or one that is not a font, raises FontUnreadable naming it (`name`)
    instead of whatever fontTools' parsers met (struct.error, KeyError, AssertionError, …)."""
    from fontTools.ttLib import TTFont

    try:
        return read(TTFont(io.BytesIO(data)))
    except Exception as exc:
        raise FontUnreadable(name) from exc


def _read(font) -> dict:
    """What the table keeps of a font: its units per em, every character its cmap maps to a
    glyph with the glyph's advance width, and the characters it maps to .notdef."""
    notdef = font.getGlyphOrder()[0]
    advances_by_glyph = font["hmtx"].metrics
    cmap = font.getBestCmap() or {}
    return {"units_per_em": font["head"].unitsPerEm,
            "advances": [[cp, advances_by_glyph[glyph][0]] for cp, glyph in sorted(cmap.items()) if glyph != notdef],
            "notdef": sorted(cp for cp, glyph in cmap.items() if glyph == notdef)}


def table_text(paths: Sequence[Path]) -> str:
    """The table of `paths` as tools/font_table.py writes it."""
    fonts = {hashlib.sha256(path.read_bytes()).hexdigest(): dict(read_font(path.read_bytes(), str(path), _read),
                                                                   file=path.name) for path in paths}
    return json.dumps({"fonts": fonts}, sort_keys=True, separators=(",", ":")) + "\n"


@lru_cache(maxsize=1)
def _table() -> dict:
    try:
        fonts = json.loads(TABLE.read_text(encoding="utf-8"))["fonts"]
    except (OSError, ValueError, KeyError, TypeError):     # not installed, or damaged: fontTools reads the fonts
        return {}
    return fonts if isinstance(fonts, dict) else {}


def known(data: bytes) -> dict | None:
    """The table's entry for a font file's bytes, if the file is exactly one it lists."""
    entry = _table().get(hashlib.sha256(data).hexdigest())
    return entry if isinstance(entry, dict) else None


def characters(data: bytes) -> frozenset[int] | None:
    """Every code point a packaged font's cmap maps (content/glyphs.py), from the table; None
    for a font it does not list."""
    entry = known(data)
    if entry is None:
        return None
    return frozenset([cp for cp, _ in entry["advances"]] + list(entry["notdef"]))


def _metrics(font) -> Metrics:
    return _from_entry(_read(font))


def _from_entry(entry: dict) -> Metrics:
    """The metrics of a font as the table keeps it (`_read`)."""
    advances = {cp: advance for cp, advance in entry["advances"]}
    units_per_em = entry["units_per_em"]
    return Metrics(units_per_em, advances, advances.get(ord("M"), units_per_em))


@lru_cache(maxsize=16)
def metrics(data: bytes, name: str = "a font file") -> Metrics:
    """The advance widths of a TrueType/OpenType font file, for every character its cmap maps
    to a glyph (beyond the BMP too); `name`: the file, for the message when it is damaged.
    A packaged font's come from the table."""
    entry = known(data)
    return _from_entry(entry) if entry is not None else read_font(data, name, _metrics)


TEXT_FONT = {"Regular": "SourceSansPro-Regular.ttf", "Bold": "SourceSansPro-Bold.ttf"}


@lru_cache(maxsize=4)
def packaged(style: str = "Regular") -> Metrics | None:
    """The metrics of the packaged text font (Source Sans Pro), or None if it is missing."""
    from samverkan.project import FONTS, TEMPLATES, packaged as packaged_folder

    path = packaged_folder(TEMPLATES) / FONTS / TEXT_FONT[style]
    return metrics(path.read_bytes(), str(path)) if path.exists() else None
