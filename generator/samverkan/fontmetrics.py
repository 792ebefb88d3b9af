"""Advance widths of the packaged fonts (TrueType/OpenType files read directly): how wide a
word is when set, so that table columns are made wide enough for their longest word in the
PDF and in Word (render/markdown.py's grid tables, ooxml/layout.py)."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

@dataclass(frozen=True)
class Metrics:
    units_per_em: int
    advances: dict[int, int]          # code point → advance width in font units
    default: int                      # for characters the font lacks

    def width(self, text: str, size_pt: float) -> float:
        """The width of `text` set at `size_pt`, in points (without kerning)."""
        units = sum(self.advances.get(ord(ch), self.default) for ch in text)
        return units * size_pt / self.units_per_em


def font_tables(data: bytes) -> dict[str, tuple[int, int]]:
    count = struct.unpack(">H", data[4:6])[0]
    tables = {}
    for i in range(count):
        tag, _, offset, length = struct.unpack(">4sIII", data[12 + 16 * i:28 + 16 * i])
        tables[tag.decode("latin-1")] = (offset, length)
    return tables


def _cmap(data: bytes, offset: int) -> dict[int, int]:
    """Code point → glyph id from the Unicode BMP subtable (format 4)."""
    _, count = struct.unpack(">HH", data[offset:offset + 4])
    for i in range(count):
        platform, encoding, sub = struct.unpack(">HHI", data[offset + 4 + 8 * i:offset + 12 + 8 * i])
        start = offset + sub
        if (platform, encoding) in ((3, 1), (0, 3)) and struct.unpack(">H", data[start:start + 2])[0] == 4:
            segments = struct.unpack(">H", data[start + 6:start + 8])[0] // 2
            ends = struct.unpack(f">{segments}H", data[start + 14:start + 14 + 2 * segments])
            base = start + 16 + 2 * segments
            starts = struct.unpack(f">{segments}H", data[base:base + 2 * segments])
            deltas = struct.unpack(f">{segments}h", data[base + 2 * segments:base + 4 * segments])
            range_at = base + 4 * segments
            offsets = struct.unpack(f">{segments}H", data[range_at:range_at + 2 * segments])
            result = {}
            for s, (first, last, delta, roff) in enumerate(zip(starts, ends, deltas, offsets)):
                for cp in range(first, min(last, 0xFFFE) + 1):
                    if roff == 0:
                        glyph = (cp + delta) & 0xFFFF
                    else:
                        at = range_at + 2 * s + roff + 2 * (cp - first)
                        glyph = struct.unpack(">H", data[at:at + 2])[0]
                        glyph = (glyph + delta) & 0xFFFF if glyph else 0
                    if glyph:
                        result[cp] = glyph
            return result
    return {}


@lru_cache(maxsize=16)
def metrics(data: bytes) -> Metrics:
    """The advance widths of a TrueType/OpenType font file."""
    tables = font_tables(data)
    units_per_em = struct.unpack(">H", data[tables["head"][0] + 18:tables["head"][0] + 20])[0]
    long_metrics = struct.unpack(">H", data[tables["hhea"][0] + 34:tables["hhea"][0] + 36])[0]
    hmtx = tables["hmtx"][0]
    advances_by_glyph = [struct.unpack(">H", data[hmtx + 4 * g:hmtx + 4 * g + 2])[0] for g in range(long_metrics)]
    glyphs = _cmap(data, tables["cmap"][0])
    last = advances_by_glyph[-1]
    advances = {cp: advances_by_glyph[g] if g < long_metrics else last for cp, g in glyphs.items()}
    return Metrics(units_per_em, advances, advances.get(ord("M"), units_per_em))



TEXT_FONT = {"Regular": "SourceSansPro-Regular.ttf", "Bold": "SourceSansPro-Bold.ttf"}


@lru_cache(maxsize=4)
def packaged(style: str = "Regular") -> Metrics | None:
    """The metrics of the packaged text font (Source Sans Pro), or None if it is missing."""
    from samverkan.project import FONTS, TEMPLATES, packaged as packaged_folder

    path = packaged_folder(TEMPLATES) / FONTS / TEXT_FONT[style]
    return metrics(path.read_bytes()) if path.exists() else None
