"""fontmetrics.py and ooxml/fonts.py read fonts with fontTools: the widths of every character
the packaged fonts have (beyond the BMP too), and a damaged font named in one clear message."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from samverkan import fontmetrics
from samverkan.build import build
from samverkan.errors import BuildFailed, ContentInvalid, FontUnreadable
from samverkan.fontmetrics import metrics
from samverkan.project import FONTS, TEMPLATES, packaged

TEXT_FONTS = [packaged(TEMPLATES) / FONTS / name for name in fontmetrics.TEXT_FONT.values()]


@pytest.mark.parametrize("path", TEXT_FONTS, ids=lambda p: p.name)
def test_every_character_of_the_unicode_subtables_has_its_glyphs_advance(path):
    font = TTFont(path)
    measured = metrics(path.read_bytes())
    advances = font["hmtx"].metrics
    bmp = font["cmap"].getcmap(3, 1).cmap                   # the BMP subtable, as it is in the file
    full = font["cmap"].getcmap(3, 10).cmap                  # and the one with every code point
    assert len(bmp) > 1200 and all(measured.advances[cp] == advances[glyph][0] for cp, glyph in bmp.items())
    beyond = {cp: glyph for cp, glyph in full.items() if cp > 0xFFFF}
    assert beyond and all(measured.advances[cp] == advances[glyph][0] for cp, glyph in beyond.items())
    assert measured.units_per_em == font["head"].unitsPerEm
    wide, narrow = "M" * 10, "i" * 10
    assert measured.width(wide, 10) > measured.width(narrow, 10) > 0


PACKAGED_FONTS = sorted((packaged(TEMPLATES) / FONTS).glob("*.ttf"))


def test_the_table_of_the_packaged_fonts_is_what_fonttools_reads_from_them():
    """fonts.json is what tools/font_table.py writes from templates/fonts/ now: a font changed
    or added without running it fails here."""
    assert fontmetrics.TABLE.read_text(encoding="utf-8") == fontmetrics.table_text(PACKAGED_FONTS)


@pytest.mark.parametrize("path", PACKAGED_FONTS, ids=lambda p: p.name)
def test_a_packaged_fonts_widths_and_characters_from_the_table_are_fonttools_own(path):
    data = path.read_bytes()
    assert fontmetrics.known(data) is not None
    assert metrics(data) == fontmetrics.read_font(data, path.name, fontmetrics._metrics)
    assert fontmetrics.characters(data) == frozenset(TTFont(path).getBestCmap())


def test_a_font_the_table_does_not_list_is_read_with_fonttools(tmp_path):
    """A project's own font (here: a packaged one with a byte more at its end, another file to
    the table) is read by fontTools: the same widths, and its characters are counted."""
    from samverkan.content import glyphs

    data = TEXT_FONTS[0].read_bytes() + b"\0"
    assert fontmetrics.known(data) is None and fontmetrics.characters(data) is None
    assert metrics(data) == metrics(TEXT_FONTS[0].read_bytes())
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "Own.ttf").write_bytes(data)
    assert glyphs.coverage((str(fonts),)) == frozenset(TTFont(TEXT_FONTS[0]).getBestCmap())


def test_loading_and_rendering_the_content_never_loads_fonttools(example):
    """The build's main process checks the content's characters and sets the tables' columns
    from the table: fontTools (55 ms) loads only in the workers."""
    import subprocess
    import sys

    probe = ("import sys; from pathlib import Path; from samverkan.content.loader import load_content; "
             "from samverkan.targets.routines import routine_intermediate; "
             f"c = load_content(Path({str(example / 'content')!r})); "
             "[routine_intermediate(c, r) for r in c.routines]; "
             "print(len(c.routines), 'fontTools' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    rendered, loaded = done.stdout.split()
    assert int(rendered) >= 2 and loaded == "False", done.stdout + done.stderr      # the example has two routines


def test_a_character_the_font_lacks_is_as_wide_as_an_m():
    measured = metrics(TEXT_FONTS[0].read_bytes())
    assert measured.width("\u4e2d", 10) == measured.width("M", 10)          # a CJK character


@pytest.mark.parametrize("damage", [lambda data: data[:20], lambda data: data[:2000], lambda data: b"PK\x03\x04" * 50,
                                    lambda data: data[:12] + bytes(len(data) - 12)])
def test_a_damaged_font_is_named_in_one_clear_message(damage):
    data = damage(TEXT_FONTS[0].read_bytes())
    with pytest.raises(FontUnreadable) as caught:
        metrics(data, "word/fonts/font1.odttf")
    message = caught.value.message
    assert "word/fonts/font1.odttf" in message and "damaged" in message and "unpack" not in message


def damaged_reference(templates: Path) -> Path:
    """A project's templates/ whose reference.docx embeds fonts cut to 100 bytes."""
    templates.mkdir()
    out = io.BytesIO()
    with zipfile.ZipFile(packaged(TEMPLATES) / "reference.docx") as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as damaged:
        for info in source.infolist():
            data = source.read(info)
            damaged.writestr(info, data[:100] if info.filename.startswith("word/fonts/") else data)
    (templates / "reference.docx").write_bytes(out.getvalue())
    return templates


def test_a_word_template_whose_embedded_font_is_damaged_fails_the_build_naming_the_template_and_font(mini, tmp_path):
    templates = damaged_reference(mini.parent / "templates")
    # refused when the content is loaded (content/overrides.py), before any writer runs
    with pytest.raises(ContentInvalid) as caught:
        build(mini, tmp_path / "out", ["agreement"], workers=1)
    message = caught.value.message
    assert "templates/reference.docx" in message and "word/fonts/font" in message
    assert "Source Sans Pro" in message and "unpack" not in message
    assert not (tmp_path / "out" / "manifest.json").exists()



def test_past_the_load_check_the_word_writer_still_names_the_template_and_font(mini, tmp_path, monkeypatch):
    """The writer's own guard (writers/docx.py), for a template damaged after it was loaded."""
    from samverkan.content import loader

    monkeypatch.setattr(loader, "check_overrides", lambda templates, problems: None)
    templates = damaged_reference(mini.parent / "templates")
    with pytest.raises(BuildFailed) as caught:
        build(mini, tmp_path / "out", ["agreement"], workers=1)
    message = caught.value.message
    assert str(templates / "reference.docx") in message and "word/fonts/font" in message
    assert "Source Sans Pro" in message and "unpack" not in message
    assert not (tmp_path / "out" / "manifest.json").exists()