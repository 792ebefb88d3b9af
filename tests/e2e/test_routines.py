"""Issue 4: every kommun's and stadsdel's routine templates, read back from the files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile

import pytest

from samverkan.ooxml import controls as fields

from tests.inspect import W, docx_text, docx_xml, libreoffice_convert, norm, openxml_audit, pdf_text, pdf_validation


@pytest.fixture(scope="module")
def routines(built_routines):
    return built_routines                # every routine, built once for the session (conftest.py)


def units(content):
    return content.kommuner.units


def files_of(written, unit, fmt):
    return [w for w in written if w.kommun == unit.code and f"/{unit.slug}/" in w.path and w.format == fmt]


def test_every_kommun_and_stadsdel_gets_every_routine(routines, content):
    out, written = routines
    assert len(units(content)) == 38
    for unit in units(content):
        for fmt in ("docx", "pdf"):
            got = files_of(written, unit, fmt)
            assert len(got) == len(content.routines), (unit.slug, fmt)
            assert all(w.kind == "routine" for w in got)
            for routine in content.routines:
                assert any(f"lokal-rutin-{routine.id}-{unit.slug}-" in w.path for w in got)
        bundle = files_of(written, unit, "zip")
        assert len(bundle) == 1 and bundle[0].kind == "routine-bundle"
        names = zipfile.ZipFile(out / bundle[0].path).namelist()
        assert sorted(names) == sorted(w.path.rsplit("/", 1)[1] for w in files_of(written, unit, "docx") +
                                       files_of(written, unit, "pdf"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["documents"]) == len(written)
    assert {e["kommun"] for e in manifest["documents"]} == {u.code for u in units(content)}


def test_names_codes_and_parties_are_in_every_word_file(routines, content):
    out, written = routines
    for unit in units(content):
        for w in files_of(written, unit, "docx"):
            text = docx_text(out / w.path)
            assert unit.full_name in text and unit.code in text
            assert f"{unit.committee}, {unit.organisation}" in text and content.kommuner.region.name in text
            assert f"– {unit.name}" in text                      # the title names the kommun/stadsdel


def test_names_and_parties_in_the_pdfs(routines, content):
    out, written = routines
    for unit in units(content):
        w = files_of(written, unit, "pdf")[0]
        text = norm(pdf_text(out / w.path))
        assert unit.full_name in text and unit.code in text
        assert f"{unit.committee}, {unit.organisation}" in text


def quoted(path) -> dict[str, str]:
    """Nr → Åtagande, from the commitments table of a routine."""
    rows = {}
    for tbl in docx_xml(path).iter(f"{W}tbl"):
        for tr in tbl.findall(f"{W}tr"):
            cells = [norm("".join(t.text or "" for t in tc.iter(f"{W}t"))) for tc in tr.findall(f"{W}tc")]
            if len(cells) == 3 and re.fullmatch(r"[AS]-[\d.]+-\d+", cells[0]):
                rows[cells[0]] = cells[1]
    return rows


def test_quoted_commitments_match_the_agreements(routines, content):
    out, written = routines
    by_id = {c.id: c for c in content.all_commitments()}
    unit = units(content)[0]
    for routine in content.routines:
        w = next(w for w in files_of(written, unit, "docx") if f"-{routine.id}-" in w.path)
        rows = quoted(out / w.path)
        assert list(rows) == [c.id for c in routine.commitments]
        for cid, text in rows.items():
            assert text == norm(by_id[cid].full_text)


def test_content_controls_have_unique_tags_and_visible_placeholders(routines, content):
    out, written = routines
    for w in files_of(written, units(content)[5], "docx"):
        path = out / w.path
        tags = [t.get(f"{W}val") for part in ("word/document.xml",) for t in docx_xml(path, part).iter(f"{W}tag")]
        assert len(tags) == len(set(tags)) > 40
        values = fields.read(path.read_bytes())
        unfilled = [tag for tag, value in values.items() if value is None]
        assert "lokalt-samrad" in unfilled                     # not in the data: a visible placeholder
        for sdt in docx_xml(path).iter(f"{W}sdt"):
            tag = sdt.find(f"{W}sdtPr/{W}tag")
            if tag is not None and values.get(tag.get(f"{W}val")) is None:
                assert "".join(t.text or "" for t in sdt.iter(f"{W}t")).strip()   # never an empty cell


def test_a_filled_in_template_reads_back(routines, content, tmp_path):
    out, written = routines
    w = files_of(written, units(content)[0], "docx")[0]
    data = (out / w.path).read_bytes()
    values = fields.read(data)
    answers = {tag: f"Svar {i} & <ok>" for i, (tag, value) in enumerate(values.items()) if value is None}
    from samverkan.writers.docx import DocxWriter
    import datetime as dt
    filled = DocxWriter().fill(data, answers, "", dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc))
    read = fields.read(filled)
    for tag, answer in answers.items():
        assert read[tag] == answer
    assert read["kommunkod"] == units(content)[0].code
    (tmp_path / "filled.docx").write_bytes(filled)
    assert openxml_audit(tmp_path / "filled.docx") == []


def test_samples_open_in_libreoffice_and_pass_audit(routines, content):
    out, written = routines
    for unit in (units(content)[0], units(content)[20]):
        w = files_of(written, unit, "docx")[3]
        assert openxml_audit(out / w.path) == []
        assert unit.full_name in norm(pdf_text(libreoffice_convert(out / w.path)))


def test_sample_pdfs_conform(routines, content):
    out, written = routines
    w = files_of(written, units(content)[1], "pdf")[0]
    for profile in ("ua1", "2a"):
        assert pdf_validation(out / w.path, profile) == []


def test_routines_command_for_named_kommuner(tmp_path):
    done = subprocess.run([sys.executable, "-m", "samverkan", "routines", "taby", "0162", "--out", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "rutiner").iterdir()) == ["danderyd", "taby"]


def test_unknown_kommun_exits_1_with_suggestions(tmp_path):
    done = subprocess.run([sys.executable, "-m", "samverkan", "routines", "Sollentina", "--out", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "unknown kommun or stadsdel 'Sollentina' (closest: Sollentuna" in done.stderr
    assert not (tmp_path / "rutiner").exists()
