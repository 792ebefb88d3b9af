"""writers/html.py: pages of the site, and the agreements as HTML from their intermediate."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from lxml import html as lxml_html

from samverkan.content.loader import load_content
from samverkan.errors import BuildFailed
from samverkan.project import Templates
from samverkan.render import render_document
from samverkan.writers import WRITERS, writer_for
from samverkan.writers.html import HtmlPage, HtmlSource, StaticFile, convert, file_size, relative_url

from tests.conftest import write

NOON = dt.datetime(2026, 11, 24, 12, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("target, page, link", [
    ("index.html", "index.html", "index.html"),
    ("index.html", "kommuner/taby.html", "../index.html"),
    ("kommuner/taby.html", "kommuner/index.html", "taby.html"),
    ("filer/rutiner/taby/x.docx", "kommuner/taby.html", "../filer/rutiner/taby/x.docx"),
    ("avtal.html#A-3.1-2", "ataganden/part-x.html", "../avtal.html#A-3.1-2"),
    ("avtal.html#3.1:4", "index.html", "avtal.html#3.1:4"),
    ("filer/ändringar x.pdf", "index.html", "filer/%C3%A4ndringar%20x.pdf"),
])
def test_links_are_relative_to_the_page(target, page, link):
    assert relative_url(target, page) == link


def test_file_sizes_the_swedish_way():
    assert [file_size(n) for n in (820, 48_400, 1_234_567)] == ["820 byte", "48 kB", "1,2 MB"]


def test_the_agreement_as_html_has_anchors_notes_and_headings(mini):
    doc = render_document(load_content(mini), "agreement")
    html = convert(doc, {"notes-title": "Fotnoter", "notes-back": "Tillbaka"})
    tree = lxml_html.fromstring(f"<div>{html.toc}{html.body}</div>")
    ids = {e.get("id") for e in tree.iter() if e.get("id")}
    assert {"s-1", "s-2", "s-2.1", "T-2-1", "T-2-2", "T-2-3"} <= ids
    assert tree.get_element_by_id("T-2-2").text == "T-2-2"        # the reference shown at its anchor
    assert [h.tag for h in tree.xpath("//*[@id='s-1' or @id='s-2.1']")] == ["h2", "h3"]   # under the page's h1
    assert tree.xpath("//a[@href='#s-2.1']")                     # the table of contents
    notes = tree.xpath("//div[@id='footnotes']")[0]
    assert notes.xpath("./h2")[0].text_content() == "Fotnoter" and len(notes.xpath(".//li")) == 1
    assert tree.xpath("//a[@href='#fn-1' and @id='fnref-1']") and tree.xpath("//li/div[@id='fn-1']")
    back = notes.xpath(".//a[@href='#fnref-1']")[0]
    assert "Fotnotens text med _understreck_." in notes.text_content() and back.text_content().endswith(" Tillbaka")
    box = tree.xpath("//div[@class='factbox']")[0]                # a fact box, not a quotation
    assert "Faktaruta med lagrum" in box.text_content() and not tree.xpath("//blockquote")
    assert tree.xpath("//table/thead//th")                       # tables with header cells
    assert "data-ref" not in html.body and "anchor" not in html.body   # the intermediate's marker is gone
    assert "&lt;tag&gt;" in html.body or "&lt;samverkan&gt;" in html.body   # content printed as typed


def test_a_conversion_remembered_in_a_process_is_made_anew_once_its_filter_is_edited(mini, monkeypatch):
    """serve's process lives on while the secretariat edits templates/: the page it remembers
    converting must follow an edited (or newly overridden) filter, and only then convert again."""
    from samverkan.writers import html, pandoc

    packaged = Templates().path("html-filter.lua").read_text(encoding="utf-8")
    override = write(mini.parent / "templates" / "html-filter.lua", packaged)
    doc = render_document(load_content(mini), "agreement")
    runs = []
    real = pandoc.run
    monkeypatch.setattr(pandoc, "run", lambda *args, **kwargs: runs.append(1) or real(*args, **kwargs))
    labels = (("notes-title", "Fotnoter"),)
    first = html.converted(doc, labels)
    assert html.converted(doc, labels) is first and len(runs) == 1          # remembered
    assert 'class="factbox"' in first.body
    override.write_text(packaged.replace('{"factbox"}', '{"faktaruta"}'), encoding="utf-8")
    edited = html.converted(doc, labels)
    assert len(runs) == 2 and 'class="faktaruta"' in edited.body and 'class="factbox"' not in edited.body


@pytest.mark.parametrize("payload", [
    b"", b"\xff\xfe", b"[]", b'{"toc": "", "body": 1}', b'{"toc": "", "body": "", "meta": {}}', b'{"body": ""}',
])
def test_a_converted_document_is_kept_as_plain_json_and_read_back_only_as_such(mini, tmp_path, payload):
    """What the cache holds for the pages of a document (engine/cache.py): its table of contents
    and body; a page made from it has the bytes of a page made at once. Anything else is
    refused (the build converts again)."""
    doc = render_document(load_content(mini), "agreement")
    writer = writer_for("html")
    source = HtmlSource(doc, (("notes-back", "Tillbaka"), ("notes-title", "Fotnoter")))
    kept = writer.keep(writer.prepare(source, NOON))
    assert set(json.loads(kept)) == {"toc", "body"}
    write(tmp_path / "templates" / "site" / "probe.html.j2",
          "{{ document.meta.title }}|{{ document.toc }}|{{ document.body }}")
    page = HtmlPage("site/probe.html.j2", "avtal.html", {}, Templates(tmp_path / "templates"), document=doc,
                    labels=source.labels)
    made = writer.fill_copy(writer.restore(kept, source), page, NOON)
    assert made == writer.write(page, NOON) and b"Fotnoter" in made and b'id="s-2.1"' in made
    with pytest.raises(ValueError):
        writer.restore(payload, source)


def test_a_page_is_rendered_with_relative_links_and_escaped_values(tmp_path):
    write(tmp_path / "templates" / "site" / "probe.html.j2",
          '<a href="{{ url("filer/x.docx") }}">{{ name }}</a> {{ root }}|{{ page_path }}|{{ 1234567 | file_size }}')
    templates = Templates(tmp_path / "templates")
    page = HtmlPage("site/probe.html.j2", "kommuner/a.html", {"name": "<b>&"}, templates)
    out = writer_for("html").write(page, NOON).decode()
    assert out == '<a href="../filer/x.docx">&lt;b&gt;&amp;</a> ../|kommuner/a.html|1,2 MB'


def test_a_value_the_template_needs_but_lacks_fails_loudly(tmp_path):
    write(tmp_path / "templates" / "site" / "probe.html.j2", "{{ t.no_such_text }}")
    page = HtmlPage("site/probe.html.j2", "index.html", {"t": {}}, Templates(tmp_path / "templates"))
    with pytest.raises(BuildFailed) as info:
        writer_for("html").write(page, NOON)
    assert "no_such_text" in info.value.message and "site.yaml" in info.value.message


def test_the_style_sheet_and_script_are_copied_and_a_project_may_replace_them(tmp_path):
    assert {"html", "css", "js"} <= set(WRITERS)
    packaged = writer_for("css").write(StaticFile("site/site.css"), NOON)
    assert b":focus-visible" in packaged and b"@media print" in packaged
    write(tmp_path / "templates" / "site" / "site.css", "body { color: black; }")
    assert writer_for("css").write(StaticFile("site/site.css", Templates(tmp_path / "templates")), NOON) == \
        b"body { color: black; }"
    assert b"window.samverkan" in writer_for("js").write(StaticFile("site/site.js"), NOON)


def test_a_file_name_may_wrap_after_its_separators_only():
    from samverkan.writers.html import breakable

    assert str(breakable("ataganden-2026-11-24.docx")) == "ataganden-<wbr>2026-<wbr>11-<wbr>24.<wbr>docx"
    assert str(breakable("a<b>_c")) == "a&lt;b&gt;_<wbr>c"            # escaped, never markup
