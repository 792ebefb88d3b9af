"""Rewrite the table of the packaged fonts' characters and widths from the fonts themselves
(fontTools): python tools/font_table.py

The table (generator/samverkan/fonts.json) is what fontmetrics.py and content/glyphs.py would
read from templates/fonts/ with fontTools, kept so that a build's main process never loads
fontTools for the packaged fonts (55 ms of every edit's rebuild). Each font is listed by the
sha256 of its file: a font that is not exactly one of these is read with fontTools as before.
tests/unit/test_fontmetrics.py fails while the table is not what this tool writes."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "generator"))

from samverkan import fontmetrics  # noqa: E402
from samverkan.project import FONTS, TEMPLATES, packaged  # noqa: E402


def main() -> None:
    folder = packaged(TEMPLATES) / FONTS
    text = fontmetrics.table_text(sorted(folder.glob("*.ttf")))
    target = fontmetrics.TABLE
    changed = not target.exists() or target.read_text(encoding="utf-8") != text
    target.write_text(text, encoding="utf-8")
    print(f"{'updated' if changed else 'unchanged'}: {target}")


if __name__ == "__main__":
    main()
