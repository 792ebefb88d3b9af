from __future__ import annotations

from pathlib import Path

from samverkan.content.glyphs import check_glyphs, coverage, families
from samverkan.errors import Problems
from samverkan.project import Templates

FONTS = Templates().font_dirs()


def test_the_packaged_fonts_cover_swedish_typography_but_no_emoji():
    codes = coverage(FONTS)
    assert families(FONTS) == ("Source Sans Pro",)
    assert all(ord(c) in codes for c in "åäöÅÄÖé–—…’”«»§€\u00a0\u202f")
    assert ord("\U0001F600") not in codes and ord("漢") not in codes


def test_characters_the_fonts_lack_are_named_with_file_and_line():
    problems = Problems()
    sources = {
        Path("s.md"): "# 1 Rubrik\n\nText 😀 och 漢.\n",
        # a comment never reaches a document; an escape in a quoted value does
        Path("t.yaml"): "# kommentar 😀\n- id: a\n  name: \"Smile \\U0001F600\"\n- id: b\n  name: ok\n",
        Path("ok.md"): "Tab\tno-break\u00a0space, soft\u00adhyphen, e\u0301.\n",
    }
    check_glyphs(sources, FONTS, problems)
    shown = [p.display() for p in problems.items]
    assert len(shown) == 2
    assert shown[0].startswith("s.md:3: U+6F22 CJK UNIFIED IDEOGRAPH-6F22, U+1F600 GRINNING FACE cannot be shown "
                               "in the PDF: the fonts (Source Sans Pro) have no such character")
    assert shown[1].startswith("t.yaml:3: U+1F600 GRINNING FACE cannot be shown")
    assert "templates/fonts/" in problems.items[0].hint
