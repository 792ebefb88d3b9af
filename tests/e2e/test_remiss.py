"""Issue 5: the remiss editions, the cover letter, the response form and compiling answers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from samverkan.ooxml import controls as fields
from samverkan.build import build
from samverkan.errors import UsageProblem
from samverkan.remiss import collect, edition, field_tag
from samverkan.targets import BuildOptions
from samverkan.writers.docx import DocxWriter

from tests.conftest import CONTENT
from tests.inspect import (
    W, docx_paragraphs, docx_text, docx_xml, libreoffice_convert, norm, openxml_audit, pdf_page_texts, pdf_text,
    pdf_validation,
)

DEADLINE = dt.date(2027, 1, 29)


@pytest.fixture(scope="module")
def remiss(tmp_path_factory):
    out = tmp_path_factory.mktemp("remiss")
    written = build(CONTENT, out, ["remiss"], BuildOptions({"deadline": DEADLINE}))
    return out, {(w.kind, w.format, w.path.split("/")[-1].split("-")[1] if w.kind == "remiss-edition" else ""): out / w.path
                 for w in written}, written


def files(remiss, kind, fmt):
    return [path for (k, f, _), path in remiss[1].items() if k == kind and f == fmt]


def test_remiss_builds_editions_letter_and_form(remiss):
    kinds = sorted((w.kind, w.format) for w in remiss[2])
    assert kinds == [("remiss-edition", "docx"), ("remiss-edition", "docx"), ("remiss-edition", "pdf"),
                     ("remiss-edition", "pdf"), ("remiss-form", "docx"), ("remiss-missiv", "docx"),
                     ("remiss-missiv", "pdf")]


def test_every_paragraph_and_commitment_carries_its_reference(remiss, content):
    for doc_path in files(remiss, "remiss-edition", "docx"):
        text = docx_text(doc_path)
        key = "agreement" if "overenskommelse-missbruk" in doc_path.name else "supplement"
        doc = content.documents[key]
        for section in doc.sections:
            for paragraph in section.paragraphs():
                assert f"[{section.ref(paragraph)}] {norm(paragraph.text)}"[:80] in text
        for c in doc.commitments:
            assert f"[{c.id}] {norm(c.full_text)}" in text


def test_remiss_pages_say_remissversion_and_the_date(remiss, content):
    for pdf in files(remiss, "remiss-edition", "pdf"):
        pages = [p for p in pdf_text(pdf).split("\f") if p.strip()]
        for number, page in enumerate(pdf_page_texts(pdf), start=1):
            assert "REMISSVERSION" in page, f"{pdf.name} page {number}: no watermark"
        for number, page in enumerate(pages[1:], start=2):
            assert "Remissversion 2026-11-24" in page, f"{pdf.name} page {number}: no header"
        assert "Svar senast 29 januari 2027" in pages[0]
        text = norm(pdf_text(pdf))
        assert text.index("Sammanfattning") < text.index("1 Inledning")   # the summary opens the edition
        for profile in ("ua1", "2a"):
            assert pdf_validation(pdf, profile) == []
    for docx in files(remiss, "remiss-edition", "docx"):
        headers = [p for p in zipfile.ZipFile(docx).namelist() if re.match(r"word/header\d+\.xml", p)]
        xml = "".join(zipfile.ZipFile(docx).read(p).decode() for p in headers)
        assert "Remissversion 2026-11-24" in xml and 'string="REMISSVERSION"' in xml
        assert openxml_audit(docx) == []


def test_cover_letter(remiss, content):
    docx = files(remiss, "remiss-missiv", "docx")[0]
    text = docx_text(docx)
    assert "29 januari 2027" in text
    for recipient in content.remiss.recipients:
        assert recipient in text
    assert len([u for u in content.remiss.recipients if u.endswith(("kommun", "stad"))]) >= 26
    assert "Region Stockholm" in text and "Länsstyrelsen i Stockholms län" in text and "RFHL" in text
    # a letter that is sent: no fill-in field, no placeholder; it says where to answer and cites
    # the diarienummer, under a letterhead with the sender and the date
    spec = content.remiss
    assert fields.read(docx.read_bytes()) == {} and "Ange e-postadress" not in text
    pdf = norm(pdf_text(files(remiss, "remiss-missiv", "pdf")[0]))
    for shown in (text, pdf):
        assert f"Skicka den ifyllda svarsmallen som Word-fil till {spec.answers.email}" in shown
        assert f"Diarienummer: {spec.sender.diarienummer}" in shown and "Datum: 2026-11-24" in shown
        assert spec.sender.organisation in shown and " ".join(spec.sender.address) in shown
        assert "Med vänliga hälsningar " + " ".join(spec.sender.signature) in shown
    body = [text for _, text in docx_paragraphs(docx)]
    assert body.index(spec.sender.organisation) < body.index(spec.texts.missiv.subject)    # the letterhead first
    assert openxml_audit(docx) == []
    assert "Så svarar ni" in pdf


def test_response_form_has_a_row_per_reference(remiss, content):
    form = files(remiss, "remiss-form", "docx")[0]
    values = fields.read(form.read_bytes())
    remiss_id = edition(content, DEADLINE).id
    assert values.pop("remiss-id") == remiss_id
    lock = [sdt for sdt in docx_xml(form).iter(f"{W}sdt")
            if sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val") == "remiss-id"][0]
    assert lock.find(f"{W}sdtPr/{W}lock").get(f"{W}val") == "sdtContentLocked"
    for key in ("organisation", "kontaktperson", "e-post", "datum", "allmanna-synpunkter"):
        assert values.pop(key) is None
    expected = set()
    for doc in (content.documents[k] for k in content.remiss.documents):
        for section in doc.sections:
            refs = [section.number] + [section.ref(p) for p in section.paragraphs()] + \
                   [c.id for c in doc.commitments_of(section.number)]
            for ref in refs:
                expected |= {field_tag("synpunkt", doc.key, ref), field_tag("forslag", doc.key, ref)}
    assert set(values) == expected and all(v is None for v in values.values())
    assert openxml_audit(form) == []


def fill(form_bytes: bytes, values: dict[str, str]) -> bytes:
    return DocxWriter().fill(form_bytes, values, "", dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc))


@pytest.fixture(scope="module")
def answers(remiss, tmp_path_factory):
    form = files(remiss, "remiss-form", "docx")[0].read_bytes()
    folder = tmp_path_factory.mktemp("answers")
    (folder / "rfhl.docx").write_bytes(fill(form, {
        "organisation": "RFHL", "kontaktperson": "Kansliet", "datum": "2027-01-10",
        field_tag("synpunkt", "agreement", "3.1:4"): "Stycket är bra.\nMen det behövs exempel.",
        field_tag("forslag", "agreement", "A-3.1-2"): "Lägg till: minst en gång per år.",
        field_tag("synpunkt", "supplement", "7.1"): "Saknar åtaganden om skulder.",
        "allmanna-synpunkter": "Vi tillstyrker förslaget."}))
    (folder / "taby.docx").write_bytes(fill(form, {
        "organisation": "täby kommun", field_tag("synpunkt", "agreement", "3.1:4"): "Instämmer med & <ok>."}))
    (folder / "trasig.docx").write_bytes(b"PK\x03\x04 inte ett Word-dokument")
    other_version = zipfile.ZipFile(io.BytesIO(fill(form, {"organisation": "Verdandi"})))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in other_version.infolist():
            data = other_version.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"2026-11-24/agreement-1.1", b"2025-01-01/agreement-1.0")
            target.writestr(item, data)
    (folder / "gammal-version.docx").write_bytes(buffer.getvalue())
    (folder / "anteckningar.txt").write_text("inte en svarsmall", encoding="utf-8")
    return folder


def test_collect_puts_each_comment_under_its_reference(content, answers):
    compilation = collect(content, [answers])
    assert sorted(r.organisation for r in compilation.responses) == ["RFHL", "täby kommun"]
    by_ref = compilation.answers
    assert [(a.organisation, a.comment) for a in by_ref[("agreement", "3.1:4")]] == [
        ("RFHL", "Stycket är bra.\nMen det behövs exempel."),
        ("täby kommun", "Instämmer med & <ok>.")]
    assert [(a.organisation, a.proposal) for a in by_ref[("agreement", "A-3.1-2")]] == [
        ("RFHL", "Lägg till: minst en gång per år.")]
    assert [(a.organisation, a.comment) for a in by_ref[("supplement", "7.1")]] == [
        ("RFHL", "Saknar åtaganden om skulder.")]
    assert sum(len(v) for v in by_ref.values()) == 4
    assert "Täby kommun" not in compilation.missing and "RFHL" not in compilation.missing
    assert "Verdandi" in compilation.missing and "Danderyds kommun" in compilation.missing
    rejected = dict((name.split("/")[-1], why) for name, why in compilation.rejected)
    assert set(rejected) == {"trasig.docx", "gammal-version.docx"}
    assert "not a response form" in rejected["trasig.docx"]
    assert "another remiss version (2025-01-01/agreement-1.0" in rejected["gammal-version.docx"]


def test_collect_command_writes_word_and_csv_and_reports_bad_files(answers, tmp_path):
    done = subprocess.run([sys.executable, "-m", "samverkan", "remiss", "collect", str(answers), "--out",
                           str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "trasig.docx: is not a response form" in done.stderr and "2 answers compiled" in done.stdout
    docx = next((tmp_path / "remiss").glob("remissammanstallning-*.docx"))
    paragraphs = [text for _, text in docx_paragraphs(docx)]
    heading = next(i for i, t in enumerate(paragraphs) if t.startswith("Överenskommelse om missbruk/beroende 3.1:4 –"))
    following = " ".join(paragraphs[heading:heading + 12])
    assert "RFHL" in following and "Stycket är bra." in following and "Instämmer med & <ok>." in following
    text = docx_text(docx)
    assert "Verdandi" in text and "trasig.docx" in text and "Vi tillstyrker förslaget." in text
    rows = list(csv.DictReader(io.StringIO(next((tmp_path / "remiss").glob("*.csv")).read_text(encoding="utf-8-sig")),
                               delimiter=";"))
    assert {(r["Organisation"], r["Hänvisning"]) for r in rows} == {
        ("RFHL", ""), ("RFHL", "3.1:4"), ("täby kommun", "3.1:4"), ("RFHL", "A-3.1-2"), ("RFHL", "7.1")}
    assert openxml_audit(docx) == []
    assert "Remissammanställning" in pdf_text(libreoffice_convert(docx))


def test_remiss_needs_a_deadline_after_its_date(content):
    with pytest.raises(UsageProblem, match="--deadline"):
        edition(content, None)
    with pytest.raises(UsageProblem, match="is not after the remiss date"):
        edition(content, dt.date(2026, 1, 1))


def test_unnumbered_paragraphs_stop_the_remiss_with_advice(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    path = root / "agreement" / "sections" / "03-prioriterade-malgrupper.md"
    path.write_text(path.read_text(encoding="utf-8").replace("gemensamma insatser. {¶1}", "gemensamma insatser.\n\n"
                                                             "Ett nytt stycke utan nummer.", 1), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "samverkan", "build", "remiss", "--deadline", "2027-01-29",
                           "--content", str(root), "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 1 and "samverkan number" in done.stderr and "03-prioriterade-malgrupper.md" in done.stderr
    subprocess.run([sys.executable, "-m", "samverkan", "number", "--content", str(root)], check=True,
                   capture_output=True)
    assert "gemensamma insatser. {¶1}" in path.read_text(encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "samverkan", "build", "remiss", "--deadline", "2027-01-29",
                           "--content", str(root), "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
