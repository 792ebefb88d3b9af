"""Issue 6: `samverkan diff` on two fixture versions with known edits (a commitment reworded,
one added, one removed, a paragraph moved, a section renamed, version/status/date and a new
history row): the change report lists exactly those; the redline is Word with real tracked
changes, accepting all gives the new text and rejecting all the old, LibreOffice opens it,
and the same input gives the same bytes."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from samverkan.cli import cli
from samverkan.content.loader import load_content
from samverkan.dates import build_timestamp
from samverkan.render import render_document
from samverkan.revisions import diff
from samverkan.revisions.tracking import resolve_package
from samverkan.writers.docx import DocxWriter

from tests.conftest import CONTENT, FIXTURES, ROOT
from tests.inspect import W, docx_text, libreoffice_convert, norm, openxml_audit, paragraph_text, pdf_text, pdf_validation

VERSIONS = FIXTURES / "versions"
STEM = "andringar/andringar-0.9-till-1.0-2027-01-15-0b88202c"     # versions, date and the comparison's fingerprint
REDLINE = "andringar/redline-testavtal-0.9-till-1.0-2027-01-15-0b88202c.docx"
AUTHOR, DATE = "Testförfattare", "2027-01-15T12:00:00Z"
PARTS = ("word/document.xml", "word/footnotes.xml", "word/header1.xml", "word/header2.xml", "word/footer1.xml")


@pytest.fixture(scope="module")
def diffed(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("diff")
    diff(str(VERSIONS / "v1"), str(VERSIONS / "v2"), out, ROOT)
    return out


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read(name)


def texts(root: etree._Element) -> list[str]:
    """Every paragraph's text; a table of contents entry without its page number (a field's
    result, which Word recomputes, not a change to accept or reject)."""
    out = []
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        text = norm(paragraph_text(p))
        if style is not None and style.get(f"{W}val", "").startswith("TOC"):
            text = re.sub(r"\s*\d+$", "", text)
        out.append(text)
    return out


def normal_docx(folder: Path, key: str = "agreement") -> bytes:
    """The version as the Word writer makes it for `samverkan build`."""
    content = load_content(folder)
    return DocxWriter().write(render_document(content, key), build_timestamp(content.documents[key].meta.date))


def assert_accept_gives_new_and_reject_gives_old(redline: Path, old: Path, new: Path) -> None:
    """Every paragraph of the document, its footnotes and headers, as in the version built alone."""
    for version, accept in ((new, True), (old, False)):
        reference = zipfile.ZipFile(io.BytesIO(normal_docx(version)))
        resolved = resolve_package(redline.read_bytes(), accept)
        assert sorted(resolved) == sorted(PARTS)
        for name in PARTS:
            got = texts(resolved[name])
            assert got == texts(etree.fromstring(reference.read(name))), (name, "accept" if accept else "reject")


# --- the files --------------------------------------------------------------------------------------

def test_the_report_and_the_redline_are_written_with_their_manifest_entries(diffed):
    manifest = json.loads((diffed / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert sorted((e["path"], e["kind"], e["format"]) for e in manifest) == [
        (f"{STEM}.docx", "change-report", "docx"), (f"{STEM}.json", "change-report", "json"),
        (f"{STEM}.pdf", "change-report", "pdf"), (REDLINE, "redline", "docx")]
    titles = {e["kind"]: e["title"] for e in manifest}
    assert titles["change-report"] == "Ändringar i Testöverenskommelse"
    assert "ändringar från version 0.9 till 1.0" in titles["redline"]


def test_the_json_report_lists_exactly_the_known_edits(diffed):
    data = json.loads((diffed / f"{STEM}.json").read_text(encoding="utf-8"))
    # the versions by number and date (how they were read is kept, but does not name them)
    assert data["old"] == {"version": "0.9", "status": "utkast", "date": "2026-11-24", "source": str(VERSIONS / "v1")}
    assert data["new"] == {"version": "1.0", "status": "remiss", "date": "2027-01-15", "source": str(VERSIONS / "v2")}
    assert data["unchanged"] is False
    (doc,) = data["documents"]
    assert (doc["old"]["version"], doc["new"]["version"]) == ("0.9", "1.0")
    assert [(m["field"], m["old"], m["new"]) for m in doc["metadata"]] == [
        ("version", "0.9", "1.0"), ("status", "utkast", "remiss"), ("date", "2026-11-24", "2027-01-15")]
    assert [(h["status"], h["new"]["version"]) for h in doc["history"]] == [("added", "1.0")]
    commitments = {c["id"]: c for c in doc["commitments"]}
    assert {i: c["status"] for i, c in commitments.items()} == {"T-2-3": "removed", "T-2-1": "changed",
                                                                "T-2.1-2": "added"}
    assert commitments["T-2-1"]["changed"] == ["text"]
    assert commitments["T-2-1"]["old"]["text"] == "Verka för att utveckla arbetet med SIP & <samverkan>."
    assert commitments["T-2-1"]["new"]["text"] == \
        "Verka för att stärka och utveckla arbetet med SIP & <samverkan> i hela länet."
    assert [(w["op"], w["text"]) for w in commitments["T-2-1"]["words"]] == [
        ("equal", "Verka för att"), ("inserted", " stärka och"), ("equal", " utveckla arbetet med SIP & <samverkan>"),
        ("inserted", " i hela länet"), ("equal", ".")]
    assert commitments["T-2-3"]["old"]["full_text"] == "Beroendevården åtar sig att utveckla samverkansformer."
    assert commitments["T-2.1-2"]["new"]["section"] == "2.1"
    assert doc["sections"] == [{"number": "2.1", "status": "renamed", "old_title": "Unga",
                                "new_title": "Unga och unga vuxna", "paragraphs": 0}]
    assert doc["paragraphs"] == [{"status": "moved", "kind": "paragraph", "old_ref": None, "new_ref": None,
                                  "old_section": "2", "new_section": "2.1", "old_text": "Text efter.",
                                  "new_text": "Text efter.", "words": []}]
    assert doc["tables"] == doc["footnotes"] == doc["names"] == []


def test_the_report_says_what_changed_in_swedish_in_word_and_pdf(diffed):
    for text in (docx_text(diffed / f"{STEM}.docx"), norm(pdf_text(diffed / f"{STEM}.pdf"))):
        for expected in ("Sammanfattning", "Nya åtaganden", "T-2.1-2 Erbjuda stöd till anhöriga.",
                         "Borttagna åtaganden", "Ändrade åtaganden", "Unga och unga vuxna", "Flyttade stycken",
                         "Uppgifter om dokumentet", "Remissversion", "Remiss till kommunerna."):
            assert expected in text, expected
        assert "Inga ändringar" not in text


def test_the_report_docx_passes_openxml_audit(diffed):
    assert openxml_audit(diffed / f"{STEM}.docx") == []


@pytest.mark.parametrize("profile", ["ua1", "2a"])
def test_the_report_pdf_conforms_to_pdf_ua_1_and_pdf_a_2a(diffed, profile):
    assert pdf_validation(diffed / f"{STEM}.pdf", profile) == []


# --- the redline -------------------------------------------------------------------------------------

def test_accepting_all_changes_gives_the_new_text_and_rejecting_all_the_old(diffed):
    assert_accept_gives_new_and_reject_gives_old(diffed / REDLINE, VERSIONS / "v1", VERSIONS / "v2")


def test_the_changes_are_tracked_word_by_word_with_the_new_versions_author_and_date(diffed):
    root = etree.fromstring(part(diffed / REDLINE, "word/document.xml"))
    revisions = [el for el in root.iter(f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo")]
    assert revisions and all((el.get(f"{W}author"), el.get(f"{W}date")) == (AUTHOR, DATE) for el in revisions)
    ids = [el.get(f"{W}id") for el in revisions + list(root.iter(f"{W}moveFromRangeStart", f"{W}moveToRangeStart"))]
    assert len(ids) == len(set(ids))                                   # every revision its own id

    def runs(tag):
        return [norm("".join(t.text for t in el.iter(f"{W}t", f"{W}delText"))) for el in root.iter(f"{W}{tag}")
                if el.getparent().tag != f"{W}rPr"]

    assert "stärka och" in runs("ins") and "<samverkan> i hela länet." in runs("ins")   # words, not paragraphs
    assert "<samverkan>." in runs("del")
    assert "och unga vuxna" in runs("ins")                                               # the renamed section
    assert "0.9, 24 november 2026" in runs("del") and "1.0, 15 januari 2027" in runs("ins")   # title page
    header = etree.fromstring(part(diffed / REDLINE, "word/header1.xml"))
    assert {norm("".join(t.text for t in d.iter(f"{W}delText"))) for d in header.iter(f"{W}del")} >= {"0.9", "Utkast"}
    marks = {"".join(t.text or "" for t in p.iter(f"{W}t", f"{W}delText")): m.tag
             for p in root.iter(f"{W}p") for m in p.findall(f"{W}pPr/{W}rPr/*")}
    assert marks["Erbjuda stöd till anhöriga."] == f"{W}ins"                           # whole paragraphs
    assert marks["Beroendevården åtar sig att utveckla samverkansformer."] == f"{W}del"


def test_a_moved_paragraph_is_a_word_move_not_a_deletion_and_insertion(diffed):
    root = etree.fromstring(part(diffed / REDLINE, "word/document.xml"))
    starts = {tag: root.findall(f".//{W}{tag}RangeStart") for tag in ("moveFrom", "moveTo")}
    assert len(starts["moveFrom"]) == len(starts["moveTo"]) == 1
    source, target = starts["moveFrom"][0], starts["moveTo"][0]
    assert source.get(f"{W}name") == target.get(f"{W}name")
    for start, tag in ((source, "moveFrom"), (target, "moveTo")):
        ends = root.findall(f".//{W}{tag}RangeEnd")
        assert [e.get(f"{W}id") for e in ends] == [start.get(f"{W}id")]
        moved = start.getnext()
        assert "".join(t.text for t in moved.iter(f"{W}t")) == "Text efter."
        assert moved.find(f"{W}pPr/{W}rPr/{W}{tag}") is not None and moved.find(f"{W}{tag}") is not None


def test_the_redline_passes_openxml_audit_and_libreoffice_opens_it(diffed):
    assert openxml_audit(diffed / REDLINE) == []
    text = norm(pdf_text(libreoffice_convert(diffed / REDLINE)))
    assert "2.1 Unga och unga vuxna" in text and "Erbjuda stöd till anhöriga." in text


def test_the_same_input_gives_the_same_bytes(diffed, tmp_path):
    diff(str(VERSIONS / "v1"), str(VERSIONS / "v2"), tmp_path, ROOT)
    for name in (f"{STEM}.docx", f"{STEM}.pdf", f"{STEM}.json", REDLINE, "manifest.json"):
        assert (tmp_path / name).read_bytes() == (diffed / name).read_bytes(), name


def test_a_moved_and_reworded_commitment_is_shown_as_a_move_with_its_new_words(tmp_path):
    new = tmp_path / "moved"
    shutil.copytree(VERSIONS / "v1", new)
    path = new / "agreement" / "commitments.yaml"
    text = path.read_text(encoding="utf-8").replace('- id: T-2-2\n  section: "2"', '- id: T-2-2\n  section: "2.1"')
    path.write_text(text.replace("text: Erbjuda basutredningar.", "text: Erbjuda basutredningar i hela länet."),
                    encoding="utf-8")
    result = diff(str(VERSIONS / "v1"), str(new), tmp_path / "out", ROOT)
    assert [(c.status, c.id) for c in result.changes.documents[0].commitments] == [("moved", "T-2-2")]
    redline = next(tmp_path.glob("out/andringar/redline-*.docx"))
    root = etree.fromstring(part(redline, "word/document.xml"))
    names = [s.get(f"{W}name") for s in root.iter(f"{W}moveFromRangeStart")]
    assert names and names == [s.get(f"{W}name") for s in root.iter(f"{W}moveToRangeStart")]
    moved_to = ["".join(t.text for t in m.iter(f"{W}t")) for m in root.iter(f"{W}moveTo")
                if m.getparent().tag != f"{W}rPr"]
    assert any(text.startswith("Erbjuda") for text in moved_to)
    inserted = [norm("".join(t.text for t in i.iter(f"{W}t"))) for i in root.iter(f"{W}ins")]
    assert "basutredningar i hela länet." in inserted                  # the new words, inside the move
    assert openxml_audit(redline) == []
    assert_accept_gives_new_and_reject_gives_old(redline, VERSIONS / "v1", new)


def test_a_moved_paragraph_keeps_its_footnote_either_way(tmp_path):
    new = tmp_path / "moved"
    shutil.copytree(VERSIONS / "v1", new)
    path = new / "agreement" / "sections" / "01.md"
    paragraph = ("Första stycket med *stjärnor*, #hash, <tag> & {{ x }} och en fotnot[^1].\n"
                 "Raden fortsätter här.\n\n")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(paragraph, "").replace("## 1.1 Syfte\n\n", "## 1.1 Syfte\n\n" + paragraph),
                    encoding="utf-8")
    result = diff(str(VERSIONS / "v1"), str(new), tmp_path / "out", ROOT)
    assert [(p.status, p.old_section, p.new_section) for p in result.changes.documents[0].paragraphs] == \
        [("moved", "1", "1.1")]
    redline = next(tmp_path.glob("out/andringar/redline-*.docx"))
    root = etree.fromstring(part(redline, "word/document.xml"))
    assert len(root.findall(f".//{W}moveFromRangeStart")) == len(root.findall(f".//{W}moveToRangeStart")) == 1
    notes = etree.fromstring(part(redline, "word/footnotes.xml"))
    assert not [t for t in notes.iter(f"{W}delText")]          # the footnote's text is not itself a change
    assert_accept_gives_new_and_reject_gives_old(redline, VERSIONS / "v1", new)
    assert openxml_audit(redline) == []


# --- unchanged, and git revisions --------------------------------------------------------------------

def test_the_agreement_against_itself_gives_an_empty_report_that_says_so(tmp_path):
    result = diff(str(CONTENT), str(CONTENT), tmp_path, ROOT)
    assert result.changes.empty
    assert sorted(Path(w.path).suffix for w in result.written) == [".docx", ".json", ".pdf"]   # no redline
    report = next(w for w in result.written if w.format == "docx")
    assert "Inga ändringar" in docx_text(tmp_path / report.path)
    assert json.loads((tmp_path / report.path.replace(".docx", ".json")).read_text(encoding="utf-8"))["unchanged"]


def test_git_revisions_give_the_same_report_as_folders(tmp_path, diffed):
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "test@example.org")
    git("config", "user.name", "Test")
    for version, tag in (("v1", "v1.0"), ("v2", "v2.0")):
        shutil.rmtree(repo / "content", ignore_errors=True)
        shutil.copytree(VERSIONS / version, repo / "content")
        git("add", "-A", "content")
        git("commit", "-q", "-m", version)
        git("tag", tag)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["diff", "git:v1.0", "git:HEAD", "--repo", str(repo), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out / REDLINE}" in result.output
    via_git = json.loads((out / f"{STEM}.json").read_text(encoding="utf-8"))
    via_folders = json.loads((diffed / f"{STEM}.json").read_text(encoding="utf-8"))
    assert (via_git.pop("old")["source"], via_git.pop("new")["source"]) == ("git:v1.0", "git:HEAD")
    assert via_git["documents"] == via_folders["documents"]
    assert (out / REDLINE).read_bytes() == (diffed / REDLINE).read_bytes()


# --- issue 13: versions named, words marked, files kept apart, watermark and moves tracked ------------

def test_the_report_names_versions_and_paragraph_references_and_marks_changed_words(tmp_path):
    new = tmp_path / "new"
    shutil.copytree(CONTENT, new)
    section = new / "agreement" / "sections" / "01-inledning.md"
    text = section.read_text(encoding="utf-8")
    edited = text.replace("likvärdig, jämlik", "likvärdig jämlik", 1).replace(
        "sammanhållna vård- och stödinsatser. {¶1}", "sammanhållna vård- samt stödinsatser. {¶1}", 1)
    assert edited.count("samt stödinsatser") == 1 and "likvärdig jämlik" in edited
    section.write_text(edited, encoding="utf-8")
    result = diff(str(CONTENT), str(new), tmp_path / "out", ROOT)
    (changed,) = result.changes.documents[0].of("paragraphs", "changed")
    number = "1"
    assert changed.ref == f"{number}:1"
    report = next(w for w in result.written if w.format == "docx")
    data = json.loads((tmp_path / "out" / report.path.replace(".docx", ".json")).read_text(encoding="utf-8"))
    entry = data["documents"][0]["paragraphs"][0]
    assert entry["new_ref"] == f"{number}:1" and {"op": "deleted", "text": ","} in entry["words"]
    assert {"op": "inserted", "text": "samt"} in entry["words"] and {"op": "deleted", "text": "och"} in entry["words"]
    docx, pdf = tmp_path / "out" / report.path, tmp_path / "out" / report.path.replace(".docx", ".pdf")
    for text in (docx_text(docx), norm(pdf_text(pdf))):
        assert "git:" not in text and "version 1.1 (24 november 2026)" in text and f"{number}:1" in text
    root = etree.fromstring(part(docx, "word/document.xml"))
    styled = {(r.find(f"{W}rPr/{W}rStyle").get(f"{W}val"), "".join(t.text for t in r.iter(f"{W}t")))
              for r in root.iter(f"{W}r") if r.find(f"{W}rPr/{W}rStyle") is not None}
    assert ("Borttagentext", ",") in styled and ("Tillagdtext", "samt") in styled     # marked inside the text
    assert openxml_audit(docx) == []


def test_two_comparisons_with_the_same_version_numbers_never_overwrite_each_other(tmp_path):
    other = tmp_path / "v2b"
    shutil.copytree(VERSIONS / "v2", other)
    path = other / "agreement" / "commitments.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Erbjuda stöd till anhöriga.", "Erbjuda stöd."),
                    encoding="utf-8")
    out = tmp_path / "out"
    first = diff(str(VERSIONS / "v1"), str(VERSIONS / "v2"), out, ROOT)
    second = diff(str(VERSIONS / "v1"), str(other), out, ROOT)
    paths = [w.path for w in first.written] + [w.path for w in second.written]
    assert len(set(paths)) == len(paths) == 8                      # four files each, none shared
    assert all((out / p).exists() for p in paths)
    again = diff(str(VERSIONS / "v1"), str(VERSIONS / "v2"), out, ROOT)
    assert [w.path for w in again.written] == [w.path for w in first.written]   # the same comparison: same files


def test_a_status_change_tracks_the_watermark_so_rejecting_restores_it(tmp_path):
    new = tmp_path / "adopted"
    shutil.copytree(VERSIONS / "v2", new)
    meta = new / "agreement" / "document.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("\nstatus: remiss", "\nstatus: antagen\nadopted: 2027-01-15")
                    .replace("    status: remiss", "    status: antagen"), encoding="utf-8")
    diff(str(VERSIONS / "v1"), str(new), tmp_path / "out", ROOT)
    redline = next((tmp_path / "out" / "andringar").glob("redline-*.docx")).read_bytes()

    def watermarks(parts):
        return {name: [p.get("string") for p in root.iter("{urn:schemas-microsoft-com:vml}textpath")
                       if p.get("string")] for name, root in parts.items() if "header" in name}

    assert all(marks == ["UTKAST"] for marks in watermarks(resolve_package(redline, accept=False)).values())
    assert all(marks == [] for marks in watermarks(resolve_package(redline, accept=True)).values())
    path = tmp_path / "redline.docx"
    path.write_bytes(redline)
    assert openxml_audit(path) == []


def test_a_commitment_moved_between_sections_is_a_move_in_section_6_too(tmp_path):
    new = tmp_path / "moved"
    shutil.copytree(CONTENT, new)
    path = new / "agreement" / "commitments.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- id: A-4.2-8\n")
    end = text.find("\n- id:", start + 1) + 1 or len(text)
    block = text[start:end].replace('section: "4.2"', 'section: "4.1"')
    assert 'section: "4.1"' in block                           # moved in the file too: to the end of 4.1
    text = text[:start] + text[end:]
    at = text.index("- id: A-4.2-1\n")
    path.write_text(text[:at] + block.rstrip("\n") + "\n\n" + text[at:], encoding="utf-8")
    result = diff(str(CONTENT), str(new), tmp_path / "out", ROOT)
    assert [(c.status, c.id) for c in result.changes.documents[0].commitments] == [("moved", "A-4.2-8")]
    redline = next((tmp_path / "out" / "andringar").glob("redline-*.docx"))
    root = etree.fromstring(part(redline, "word/document.xml"))
    tracked = [norm("".join(t.text for t in el.iter(f"{W}t", f"{W}delText")))
               for el in root.iter(f"{W}ins", f"{W}del") if el.getparent().tag != f"{W}rPr"]
    assert not [t for t in tracked if "A-4.2-" in t]           # no id edited, added or removed
    moved = [norm("".join(t.text for t in el.iter(f"{W}t"))) for el in root.iter(f"{W}moveTo")
             if el.getparent().tag != f"{W}rPr"]
    assert any(t.endswith("(A-4.2-8)") for t in moved)          # section 6 shows the move too
    assert_accept_gives_new_and_reject_gives_old(redline, CONTENT, new)
