"""The PDF writer: its dates (as Word's), what pandoc is given, and typst's work kept between the
copies of one document."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import zipfile
from pathlib import Path

import pypdf
import pytest
from lxml import etree
from pypdf import PdfReader

from samverkan.build import build
from samverkan.content.loader import load_content
from samverkan.errors import BuildFailed
from samverkan.render import FilledDocument
from samverkan.targets import BuildOptions
from samverkan.targets.documents import AgreementTarget
from samverkan.targets.routines import RoutinesTarget
from samverkan.writers import pdf

from tests.inspect import pdf_text

STAMP = dt.datetime(2026, 11, 24, 12, tzinfo=dt.timezone.utc)


def routine_copies(example) -> list:
    content = load_content(example / "content")
    jobs = [j for j in RoutinesTarget().jobs(content, BuildOptions()) if j.format == "pdf"]
    return [j for j in jobs if isinstance(j.artifact, FilledDocument) and j.artifact.base is jobs[0].artifact.base]


def test_every_copy_shows_its_own_values_in_text_header_and_title(example, tmp_path):
    copies = routine_copies(example)
    writer = pdf.PdfWriter()
    prepared = writer.prepare(copies[0].artifact.base, STAMP)
    for copy in copies:
        values = dict(copy.artifact.values)
        path = tmp_path / "copy.pdf"
        path.write_bytes(writer.fill(prepared, values, copy.artifact.title, STAMP))
        text = pdf_text(path)
        unit = values["enhet"]
        assert unit in text and text.count(values["sidhuvud-enhet"]) >= 2      # the page header too
        assert all(v not in text for c in copies if c is not copy for v in [dict(c.artifact.values)["enhet"]])
        assert PdfReader(path).metadata.title.endswith(values["titel-enhet"])


def _recording(monkeypatch, source: str) -> list:
    """The compiler's calls to typst (sys_inputs, whether it was told the source's place, the
    metadata file it found) while `source` is compiled."""
    calls = []
    compiling = pdf.compiler(("/nonexistent-fonts",))

    class Recorder:
        def compile_with_warnings(self, **kwargs):
            folder = Path(kwargs["root"] or compiling.folder)
            assert (kwargs["input"] is None) == (kwargs["root"] is None)
            assert (folder / "main.typ").read_text() == source
            assert json.loads((folder / "fields.json").read_text()) in ({}, {"a": "1"})
            calls.append((kwargs["sys_inputs"], kwargs["input"] is not None,
                          json.loads((folder / "document.json").read_text())))
            return b"%PDF-1.7\n%%EOF", []

    monkeypatch.setattr(compiling, "typst", Recorder())
    monkeypatch.setattr(compiling, "inputs", None)
    monkeypatch.setattr(compiling, "folder", None)
    for fields in ("{}", '{"a": "1"}'):
        pdf.compile_typst(source, {"author": "A"}, STAMP, ("/nonexistent-fonts",), fields)
    pdf.compile_typst(source, {"author": "B"}, STAMP, ("/nonexistent-fonts",))
    assert not compiling.folder.exists()         # nothing is left behind
    return calls


def test_the_compiler_is_given_its_source_once_and_the_metadata_as_a_file(monkeypatch):
    """typst is told where the source is once (it reads it again itself); the metadata of each
    document is in document.json, and sys.inputs stay the same (none) from one document to the
    next, so typst never rebuilds its library and keeps its work between documents."""
    assert _recording(monkeypatch, "#[x]") == [({}, True, {"author": "A"}), (..., False, {"author": "A"}),
                                               (..., False, {"author": "B"})]


def test_a_template_that_reads_sys_inputs_is_given_them_as_before(monkeypatch):
    """A project's document.typ copied from an earlier samverkan reads author and keywords from
    sys.inputs: it gets them, new ones only when they change."""
    source = '#set document(author: sys.inputs.at("author"))\n#[x]'
    assert _recording(monkeypatch, source) == [({"author": "A"}, True, {"author": "A"}),
                                               (..., False, {"author": "A"}),
                                               ({"author": "B"}, False, {"author": "B"})]


def test_documents_made_one_after_another_each_carry_their_own_metadata(tmp_path):
    """With typst's work kept from one document to the next (no sys.inputs), each PDF still
    has its own author and keywords: two documents in turn, A B A, and a template that reads
    them the old way (sys.inputs) beside the packaged way (document.json)."""
    from samverkan.project import Templates

    fonts = Templates(None).font_dirs()
    title = '#set document(title: [T], author: {who}.at("author"), keywords: {who}.at("keywords").split("\\n"))\n'
    sources = {"file": '#let m = json("document.json")\n' + title.format(who="m") + "Hej",
               "legacy": title.format(who="sys.inputs") + "Hej"}
    metadata = {"A": {"author": "Region A", "keywords": "ett\ntvå", "date": "2026-11-24"},
                "B": {"author": "Kommun B", "keywords": "tre", "date": "2026-11-24"}}
    for way, source in [*sources.items(), *sources.items()]:
        for name in "ABA":
            info = PdfReader(io.BytesIO(pdf.compile_typst(source, metadata[name], STAMP, fonts))).metadata
            assert (way, info.author, info["/Keywords"]) == (way, metadata[name]["author"],
                                                             ", ".join(metadata[name]["keywords"].split("\n")))


def test_a_failed_compile_leaves_no_folder_and_the_next_starts_afresh(monkeypatch):
    compiling = pdf.compiler(("/nonexistent-fonts",))
    seen = []

    class Failing:
        def compile_with_warnings(self, **kwargs):
            seen.append(kwargs)
            if len(seen) == 1:
                raise RuntimeError("error: unknown variable: x")
            return b"%PDF-1.7\n%%EOF", []

    monkeypatch.setattr(compiling, "typst", Failing())
    monkeypatch.setattr(compiling, "folder", None)
    with pytest.raises(BuildFailed, match="unknown variable"):
        pdf.compile_typst("#x", {"author": "A"}, STAMP, ("/nonexistent-fonts",))
    assert not Path(seen[0]["root"]).exists() and compiling.folder is None
    pdf.compile_typst("#[x]", {"author": "A"}, STAMP, ("/nonexistent-fonts",))
    assert seen[1]["root"] is not None and seen[1]["sys_inputs"] == {}


UTC = dt.timezone.utc


def _dates(out):
    pdf = pypdf.PdfReader(next(out.glob("*.pdf")))
    xmp = pdf.xmp_metadata
    with zipfile.ZipFile(next(out.glob("*.docx"))) as package:
        core = etree.fromstring(package.read("docProps/core.xml"))
    word = {el.tag.split("}")[1]: el.text for el in core if el.tag.endswith(("created", "modified"))}
    return ({pdf.metadata.creation_date.astimezone(UTC), pdf.metadata.modification_date.astimezone(UTC),
             xmp.xmp_create_date.replace(tzinfo=UTC), xmp.xmp_modify_date.replace(tzinfo=UTC)},
            {dt.datetime.fromisoformat(v.replace("Z", "+00:00")) for v in word.values()})


def test_pdf_dates_follow_source_date_epoch_as_word_does(mini, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(mini, tmp_path / "out", ["agreement"])
    pdf, word = _dates(tmp_path / "out")
    assert pdf == word == {dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)}


def test_without_source_date_epoch_pdf_and_word_carry_the_documents_date(mini, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build(mini, tmp_path / "out", ["agreement"])
    pdf, word = _dates(tmp_path / "out")
    assert pdf == word == {dt.datetime(2026, 11, 24, 12, 0, tzinfo=UTC)}


def test_a_temporary_folder_that_cannot_be_written_is_one_line_naming_it(tmp_path, monkeypatch):
    compiling = pdf.compiler(("/nonexistent-fonts",))
    monkeypatch.setattr(compiling, "folder", None)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setattr(pdf.tempfile, "tempdir", str(locked))
    if os.access(locked, os.W_OK):          # root writes anywhere: a file where the folder must be
        locked.rmdir()
        locked.write_text("not a folder")
    with pytest.raises(BuildFailed, match=f"could not write typst's source in {locked}.*TMPDIR"):
        pdf.compile_typst("#[x]", {}, STAMP, ("/nonexistent-fonts",))


def test_the_table_of_contents_pages_are_asked_of_the_compiler_that_makes_the_pdf(mini, monkeypatch):
    """The Word file's table of contents takes its page numbers from the PDF's layout: typst lays
    the document out once for both (the query reuses what the PDF's compile laid out, and the
    other way round), and the pages are those of the PDF."""
    import typst as typst_module

    content = load_content(mini)
    job = next(j for j in AgreementTarget().jobs(content, BuildOptions()) if j.format == "pdf")
    monkeypatch.setattr(typst_module, "query", lambda *a, **k: pytest.fail("a typst world of its own"))
    pages = pdf.heading_pages(job.artifact, job.timestamp)
    assert pages and all(isinstance(p, int) and p >= 1 for p in pages.values())
    data = pdf.PdfWriter().write(job.artifact, job.timestamp)
    reader = PdfReader(io.BytesIO(data))
    for label, page in pages.items():
        heading = next(h for h in job.artifact.markdown.splitlines() if "{#" + label in h)
        words = heading.lstrip("#").split("{")[0].split()[:2]
        assert all(w.replace("\\", "") in reader.pages[page - 1].extract_text() for w in words)


def test_the_folder_of_a_killed_compile_is_removed_by_the_next_compiler(tmp_path, monkeypatch):
    """A worker killed with kill -9 in the middle of a compile leaves its source folder; the
    next compiler (of any later build) removes the folders of processes that are gone, and
    only those."""
    import subprocess
    import sys

    monkeypatch.setattr(pdf.tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    abandoned = tmp_path / f"{pdf.FOLDER_PREFIX}{gone}-abc123"
    living = tmp_path / f"{pdf.FOLDER_PREFIX}{os.getppid()}-def456"
    for folder in (abandoned, living):
        folder.mkdir()
        (folder / "main.typ").write_text("#[x]")
    other = tmp_path / "someone-else"
    other.mkdir()
    strange = tmp_path / f"{pdf.FOLDER_PREFIX}\u00b2-x"        # anyone may make a folder in /tmp
    strange.mkdir()
    pdf._Compiler(("/nonexistent-fonts",))
    assert not abandoned.exists() and living.exists() and other.exists() and strange.exists()
