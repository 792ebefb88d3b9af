"""What pandoc is given: the intermediate without the field registry, which only the writers'
Python code reads."""

from __future__ import annotations

import io
import zipfile

import pytest

from samverkan.writers import pandoc

from tests.unit.writers.test_pdf import routine_copies


def test_pandoc_gets_the_intermediate_without_its_field_registry_and_makes_the_same_typst(example):
    base = routine_copies(example)[0].artifact.base
    trimmed = pandoc.without_field_registry(base.markdown)
    head = trimmed.split("\n---\n", 1)[0]
    assert "fields:" in base.markdown.split("\n---\n", 1)[0] and "fields:" not in head
    assert "header-field:" in head and "title:" in head and trimmed.endswith(base.markdown.split("\n---\n", 1)[1])
    args = [f"--template={base.templates.path('document.typ')}",
            f"--lua-filter={base.templates.path('typst-filter.lua')}"]
    assert pandoc.run(trimmed, "typst", args) == pandoc.run(base.markdown, "typst", args)


def test_the_web_page_of_a_template_is_converted_without_the_field_registry_and_is_the_same(example, monkeypatch):
    from samverkan.writers import html

    base = routine_copies(example)[0].artifact.base
    given = []
    run = pandoc.run
    monkeypatch.setattr(pandoc, "run", lambda markdown, *args, **kwargs: given.append(markdown) or run(markdown, *args,
                                                                                                       **kwargs))
    labels = {"notes-title": "Fotnoter", "notes-back": "Tillbaka"}
    trimmed = html.convert(base, labels)
    assert given == [pandoc.without_field_registry(base.markdown)] and "\nfields:" not in given[0]
    monkeypatch.setattr(pandoc, "without_field_registry", lambda markdown: markdown)
    full = html.convert(base, labels)
    assert given[1] == base.markdown and "\nfields:" in given[1]
    assert (trimmed.toc, trimmed.body) == (full.toc, full.body) and 'id="f-' in str(trimmed.body)


def test_word_keeps_everything_but_an_empty_custom_property(example):
    base = routine_copies(example)[0].artifact.base
    args = [f"--reference-doc={base.templates.path('reference.docx')}",
            f"--lua-filter={base.templates.path('docx-filter.lua')}"]
    full = zipfile.ZipFile(io.BytesIO(pandoc.run(base.markdown, "docx", args, timestamp=0)))
    trimmed = zipfile.ZipFile(io.BytesIO(pandoc.run(pandoc.without_field_registry(base.markdown), "docx", args,
                                                    timestamp=0)))
    assert full.namelist() == trimmed.namelist()
    assert [n for n in full.namelist() if full.read(n) != trimmed.read(n)] == ["docProps/custom.xml"]
    assert b'name="fields"' in full.read("docProps/custom.xml")
    assert b'name="fields"' not in trimmed.read("docProps/custom.xml")


def test_an_intermediate_without_metadata_or_fields_is_passed_as_it_is():
    assert pandoc.without_field_registry("# Rubrik\n") == "# Rubrik\n"
    text = "---\ntitle: A\nkeywords:\n- a\n---\n\nText\n"
    assert pandoc.without_field_registry(text) == text


def test_one_read_for_word_pdf_and_html_gives_the_bytes_of_three_runs(example, monkeypatch):
    """prefetch (pandoc lua, the text read once) makes exactly what the command line makes, for a
    document with a table of contents (the agreement) and a routine template: Word, PDF and the
    site's page (its labels as metadata, its headings shifted, a footnotes heading the filter
    makes shifted too)."""
    import datetime as dt

    from samverkan.content.loader import load_content
    from samverkan.render import render_document
    from samverkan.writers import html
    from samverkan.writers.docx import DocxWriter
    from samverkan.writers.pdf import PdfWriter

    stamp = dt.datetime(2026, 11, 24, 12, tzinfo=dt.timezone.utc)
    content = load_content(example / "content")
    agreement = render_document(content, next(k for k, d in content.documents.items() if d.kind == "agreement"))
    assert agreement.meta.get("toc")
    labels = {"notes-title": "Fotnoter", "notes-back": "Tillbaka till texten", "ref-paragraph": "stycke"}
    for document in (agreement, routine_copies(example)[0].artifact.base):
        requests = [DocxWriter().pandoc_request(document, stamp), PdfWriter().pandoc_request(document, stamp),
                    html.pandoc_request(document, labels)]
        separately = [pandoc.run(r.markdown, r.to, list(r.args), r.timestamp) for r in requests]
        if document is agreement:
            assert b'<h2 class="unnumbered unlisted" id="notes-heading">Fotnoter</h2>' in separately[2]
            assert b"Tillbaka till texten" in separately[2] and b"<h2" in separately[2] and b"<h1" not in separately[2]
        pandoc.prefetch(requests)
        assert len(pandoc._prefetched) == 3
        together = [pandoc.run(r.markdown, r.to, list(r.args), r.timestamp) for r in requests]
        assert together == separately
        # asked again (the agreement's Typst text numbers the Word file's contents, then makes
        # the PDF): from memory, no pandoc process
        with monkeypatch.context() as patched:
            patched.setattr(pandoc.subprocess, "run", lambda *a, **k: pytest.fail("pandoc ran again"))
            assert [pandoc.run(r.markdown, r.to, list(r.args), r.timestamp) for r in requests] == separately


def test_conversions_the_script_cannot_do_are_left_to_the_command_line():
    request = pandoc.Request("# A\n", "docx", ("--standalone",), 1)      # pandoc's own template
    pandoc.prefetch([request, pandoc.Request("# A\n", "typst", ())])
    assert not pandoc._prefetched
    pandoc.prefetch([pandoc.Request("# A\n", "typst", ()), pandoc.Request("# B\n", "html", ())])
    assert not pandoc._prefetched
    for args in (("--metadata=draft:true",), ("--metadata=k:a", "--metadata=k:b"), ("--metadata=k=a:b",), ("--shift-heading-level-by=-1",),
                 ("--wrap=some",), ("--number-sections",)):
        assert pandoc._output("html5", args) is None, args
    assert pandoc._output("html5", ("--template=t.html", "--standalone", "--wrap=none", "--metadata=k:a: b",
                                    "--shift-heading-level-by=1")) == {
        "to": "html5", "filters": [], "template": "t.html", "wrap": "none", "metadata": {"k": "a: b"},
        "shift_heading_level_by": 1}


def test_pandoc_runs_with_the_memory_settings_and_the_output_does_not_depend_on_them(monkeypatch, example):
    """GHC runtime options (pandoc.RTS_OPTIONS) make pandoc faster, never different; a GHCRTS
    the user set is left as it is."""
    monkeypatch.delenv("GHCRTS", raising=False)
    monkeypatch.setattr(pandoc, "_prefetched", {})     # every run below runs pandoc
    assert pandoc._environment()["GHCRTS"] == pandoc.RTS_OPTIONS
    assert pandoc._environment(5)["SOURCE_DATE_EPOCH"] == "5"
    base = routine_copies(example)[0].artifact.base
    args = [f"--template={base.templates.path('document.typ')}",
            f"--lua-filter={base.templates.path('typst-filter.lua')}"]
    ours = pandoc.run(base.markdown, "typst", args)
    monkeypatch.setenv("GHCRTS", "-H64m -s")       # the binary's own heap size; -s: statistics on stderr
    assert pandoc._environment()["GHCRTS"] == "-H64m -s"
    assert pandoc.run(base.markdown, "typst", args) == ours


def test_the_outputs_of_one_pandoc_run_are_told_apart_by_their_lengths():
    """convert.lua writes each output after its length (binary Word files too); anything that
    does not add up is not used (the conversions are then run one by one)."""
    docx = b"PK\x03\x04\n\n12\nbinary\x00"
    stream = b"%d\n%s%d\n%s" % (len(docx), docx, 5, b"#[a]\n")
    assert pandoc._frames(stream, 2) == [docx, b"#[a]\n"]
    assert pandoc._frames(stream, 1) is None                   # more than asked for
    assert pandoc._frames(stream[:-1], 2) is None              # cut short
    assert pandoc._frames(b"pandoc: error\n", 1) is None


def test_side_by_side_conversions_give_the_bytes_of_the_command_line(example):
    """When cores are idle, each conversion of the agreement runs in its own pandoc process at
    once (writers/pandoc.py `prefetch`, side_by_side): the same bytes, from memory afterwards."""
    import datetime as dt

    from samverkan.content.loader import load_content
    from samverkan.render import render_document
    from samverkan.writers.docx import DocxWriter
    from samverkan.writers.pdf import PdfWriter

    stamp = dt.datetime(2026, 11, 24, 12, tzinfo=dt.timezone.utc)
    content = load_content(example / "content")
    agreement = render_document(content, next(k for k, d in content.documents.items() if d.kind == "agreement"))
    requests = [DocxWriter().pandoc_request(agreement, stamp), PdfWriter().pandoc_request(agreement, stamp)]
    separately = [pandoc._convert(r.markdown, r.to, r.args, r.timestamp, pandoc.PANDOC_READER) for r in requests]
    pandoc.prefetch(requests, side_by_side=True)
    assert len(pandoc._prefetched) == 2
    assert [pandoc.run(r.markdown, r.to, list(r.args), r.timestamp) for r in requests] == separately


WORDS = ["personer", "överenskommelsen", "läkemedelsförmånen", "stödet", "Stockholm", "LARO", "och", "vården",
         "beroendeframkallande", "Socialnämnden", "samverkansöverenskommelse"]


@pytest.mark.parametrize("after", [",", ".", ":", ")"])
def test_a_word_is_hyphenated_alike_alone_and_beside_punctuation(after):
    """typst-filter.lua marks the zones where a lower-case word may be hyphenated (three letters
    kept on each side; names and abbreviations never): a word of letters only takes a shorter
    way there than a word with punctuation, and both give the same zone."""
    from samverkan.project import packaged

    text = "---\nhyphenate: true\n---\n\n" + " ".join(f"{word} {word}{after}" for word in WORDS) + "\n"
    typst = pandoc.run(text, "typst", [f"--lua-filter={packaged('templates') / 'typst-filter.lua'}",
                                       "--wrap=none"]).decode("utf-8").split()
    pairs = list(zip(typst[::2], typst[1::2]))
    assert [alone + after for alone, _ in pairs] == [beside for _, beside in pairs]
    zoned = dict(zip(WORDS, (alone for alone, _ in pairs)))
    assert zoned["personer"] == "per#hy[son]er" and zoned["stödet"] == "stö#hy[d]et"
    assert zoned["överenskommelsen"] == "öve#hy[renskommels]en"
    assert all(zoned[word] == word for word in ("Stockholm", "LARO", "och", "Socialnämnden"))
