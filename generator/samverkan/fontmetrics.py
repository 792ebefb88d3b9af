"""Advance widths of fonts, read with fontTools: how wide a word is when set, so that table
columns are made wide enough for their longest word in the PDF and in Word
(render/markdown.py's grid tables, ooxml/layout.py)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from fontTools.ttLib import TTFont      # here, not in a function: the forkserver imports it once for every worker

from samverkan.errors import FontUnreadable


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
    try:
        return read(TTFont(io.BytesIO(data)))
    except Exception as exc:
        raise FontUnreadable(name) from exc


def _metrics(font) -> Metrics:
    notdef = font.getGlyphOrder()[0]
    advances_by_glyph = font["hmtx"].metrics
    advances = {cp: advances_by_glyph[glyph][0] for cp, glyph in (font.getBestCmap() or {}).items()
                if glyph != notdef}
    units_per_em = font["head"].unitsPerEm
    return Metrics(units_per_em, advances, advances.get(ord("M"), units_per_em))


@lru_cache(maxsize=16)
def metrics(data: bytes, name: str = "a font file") -> Metrics:
    """The advance widths of a TrueType/OpenType font file, for every character its cmap maps
    to a glyph (beyond the BMP too); `name`: the file, for the message when it is damaged."""
    return read_font(data, name, _metrics)


TEXT_FONT = {"Regular": "SourceSansPro-Regular.ttf", "Bold": "SourceSansPro-Bold.ttf"}


@lru_cache(maxsize=4)
def packaged(style: str = "Regular") -> Metrics | None:
    """The metrics of the packaged text font (Source Sans Pro), or None if it is missing."""
    from samverkan.project import FONTS, TEMPLATES, packaged as packaged_folder

    path = packaged_folder(TEMPLATES) / FONTS / TEXT_FONT[style]
    return metrics(path.read_bytes(), str(path)) if path.exists() else None
