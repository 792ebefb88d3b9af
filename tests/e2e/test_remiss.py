"""Issue 5: the remiss editions, the cover letter, the response form and compiling answers."""

from __future__ import annotations

import csv
import os
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
from samverkan.collect.answers import collect
from samverkan.collect.documents import Paragraph, Table, read_text_document
from samverkan.collect.untrusted import Package, read_file
from samverkan.errors import UsageProblem
from samverkan.remiss import ANSWER_ROWS, FORM_PROPERTY, chapters, edition, remiss_words
from samverkan.targets import BuildOptions
from samverkan.writers.docx import DocxWriter

from tests.conftest import CONTENT
from tests.inspect import (
    docx_paragraphs, docx_text, libreoffice_convert, libreoffice_fill, norm, openxml_audit, pdf_page_texts,
    pdf_text, pdf_validation, rewrite_part,
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
        assert "Svara senast 29 januari 2027" in pages[0]
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
        assert f"{spec.texts.missiv.send_to} {spec.answers.email}" in shown
        assert f"Diarienummer: {spec.sender.diarienummer}" in shown and "Datum: 2026-11-24" in shown
        assert spec.sender.organisation in shown and " ".join(spec.sender.address) in shown
        assert "Med vänliga hälsningar " + " ".join(spec.sender.signature) in shown
    body = [text for _, text in docx_paragraphs(docx)]
    assert body.index(spec.sender.organisation) < body.index(spec.texts.missiv.subject)    # the letterhead first
    assert openxml_audit(docx) == []
    assert "Så svarar ni" in pdf


def form_tables(path):
    """{name: table index (document order)}: "respondent", "general", (doc key, chapter number)."""
    document = read_text_document(Package(read_file(path), "form"))
    found, doc_key, chapter, index = {}, None, None, 0
    for block in document.blocks:
        if isinstance(block, Paragraph):
            doc_key = {"Överenskommelse om samverkan kring personer med missbruk/beroende": "agreement"}.get(
                block.text, "supplement" if block.text.startswith("Tilläggsöverenskommelse") else doc_key)
            words = block.text.split(" ")
            chapter = words[0] if block.text[:1].isdigit() else " ".join(words[:2]) if words[0] == "Bilaga" \
                else chapter
            continue
        header = block.rows[0]
        name = "respondent" if header[0] == "Organisation" else "general" if len(header) == 1 else (doc_key, chapter)
        found[name] = index
        index += 1
    return found


def test_response_form_is_short_and_plain(remiss, content):
    form = files(remiss, "remiss-form", "docx")[0]
    remiss_edition = edition(content, DEADLINE)
    document = read_text_document(Package(read_file(form), "form"))
    assert document.properties[FORM_PROPERTY] == remiss_edition.id
    text = docx_text(form)
    assert remiss_edition.id not in text                       # no technical strings: the id is a property
    assert remiss_words(remiss_edition) in text and "24 november 2026" in text and "29 januari 2027" in text
    spec = content.remiss            # the form says where to send it, as the cover letter does
    assert f"{spec.texts.missiv.send_to} {spec.answers.email} {spec.texts.missiv.send_by_post}" in text
    tables = [b for b in document.blocks if isinstance(b, Table)]
    answers = [t for t in tables if t.rows[0] == ("Hänvisning", "Synpunkt", "Förslag till ändring")]
    expected = [c.heading for d in remiss_edition.documents for c in chapters(d)]
    assert len(answers) == len(expected) == 17 and all(len(t.rows) == 1 + ANSWER_ROWS for t in answers)
    headings = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert all(h in headings for h in expected)
    # each document's help cites references of that document, never of the other one
    for doc in remiss_edition.documents:
        start = norm(text).index(norm(doc.meta.title), norm(text).index(spec.texts.form.general_heading))
        help_text = norm(text)[start:start + 900]
        cited = re.findall(r"\b[AS]-\d+(?:\.\d+)*-\d+\b", help_text[:help_text.index("Hänvisning tom")])
        assert cited == [doc.commitments[0].id], (doc.key, cited)
    # one wording of the deadline: the form, the cover letter and the editions' title pages
    label = spec.texts.form.deadline_label
    for kind in ("remiss-form", "remiss-missiv", "remiss-edition"):
        for path in files(remiss, kind, "docx"):
            shown = docx_text(path)
            assert f"{label} 29 januari 2027" in shown, (kind, path.name)
            assert not re.search(r"Sista dag att svara|Svar senast", shown), (kind, path.name)
    values = fields.read(form.read_bytes())
    assert all(v is None for v in values.values()) and "organisation" in values
    assert openxml_audit(form) == []
    pdf = libreoffice_convert(form)
    pages = pdf_text(pdf).split("\f")
    assert 3 <= len([p for p in pages if p.strip()]) <= 12
    words = pdf_text(pdf).split()
    assert words.count("Hänvisning") >= 17 and "Hänvisni" not in words     # headers are never broken mid-word


def word_fill(form_bytes: bytes, values: dict[str, str]) -> bytes:
    """What Word does: the content controls (found by their tags) get the typed text."""
    return DocxWriter().fill(form_bytes, values, "", dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc))


def tag(kind: str, doc_key: str, chapter: str, row: int) -> str:
    return f"{kind}:{doc_key}:{chapter.lower().replace(' ', '-')}:{row}"


@pytest.fixture(scope="module")
def answers(remiss, tmp_path_factory):
    form = files(remiss, "remiss-form", "docx")[0].read_bytes()
    folder = tmp_path_factory.mktemp("answers")
    (folder / "rfhl.docx").write_bytes(word_fill(form, {
        "organisation": "RFHL", "kontaktperson": "Kansliet", "datum": "2027-01-10",
        tag("hanvisning", "agreement", "3", 1): "3.1:4",
        tag("synpunkt", "agreement", "3", 1): "Stycket är bra.\nMen det behövs exempel.",
        tag("hanvisning", "agreement", "3", 2): "[a-3.1-2]",
        tag("forslag", "agreement", "3", 2): "Lägg till: minst en gång per år.",
        tag("synpunkt", "supplement", "7", 1): "Saknar åtaganden om skulder.",
        tag("hanvisning", "supplement", "7", 2): "9.9:9",
        tag("synpunkt", "supplement", "7", 2): "Hänvisning som inte finns.",
        "allmanna-synpunkter": "Vi tillstyrker förslaget."}))
    (folder / "taby.docx").write_bytes(word_fill(form, {
        "organisation": "täby kommun", tag("hanvisning", "agreement", "3", 1): "3.1 : 4",
        tag("synpunkt", "agreement", "3", 1): "Instämmer med & <ok>."}))
    (folder / "rfhl-igen.docx").write_bytes(word_fill(form, {
        "organisation": "Rfhl", tag("synpunkt", "agreement", "1", 1): "Ett andra svar."}))
    (folder / "trasig.docx").write_bytes(b"PK\x03\x04 inte ett Word-dokument")
    (folder / "gammal-version.docx").write_bytes(rewrite_part(word_fill(form, {"organisation": "Verdandi"}),
                                                              "docProps/custom.xml", b"2026-11-24/agreement-1.1",
                                                              b"2025-01-01/agreement-1.0"))
    (folder / "anteckningar.txt").write_text("inte en svarsmall", encoding="utf-8")
    return folder


def test_collect_puts_each_comment_under_its_reference(content, answers):
    compilation = collect(content, [answers])
    assert sorted(r.organisation for r in compilation.responses) == ["RFHL", "Rfhl", "täby kommun"]
    by_ref = compilation.answers
    assert [(a.organisation, a.comment) for a in by_ref[("agreement", "3.1:4")]] == [
        ("RFHL", "Stycket är bra.\nMen det behövs exempel."),
        ("täby kommun", "Instämmer med & <ok>.")]
    assert [(a.organisation, a.proposal, a.cited) for a in by_ref[("agreement", "A-3.1-2")]] == [
        ("RFHL", "Lägg till: minst en gång per år.", "[a-3.1-2]")]
    assert [(a.organisation, a.comment, a.placed) for a in by_ref[("supplement", "7")]] == [
        ("RFHL", "Saknar åtaganden om skulder.", True), ("RFHL", "Hänvisning som inte finns.", False)]
    assert [(a.organisation, a.comment) for a in by_ref[("agreement", "1")]] == [("Rfhl", "Ett andra svar.")]
    assert sum(len(v) for v in by_ref.values()) == 6
    assert [(r.file, r.duplicate_of) for r in compilation.duplicates] == [
        (f"{answers.name}/rfhl.docx", f"{answers.name}/rfhl-igen.docx")]      # flagged, not merged
    assert "Täby kommun" not in compilation.missing and "RFHL" not in compilation.missing
    assert "Verdandi" in compilation.missing and "Danderyds kommun" in compilation.missing
    rejected = dict((name.split("/")[-1], why) for name, why in compilation.rejected)
    assert set(rejected) == {"trasig.docx", "gammal-version.docx"}
    assert "ZIP" in rejected["trasig.docx"] or "damaged" in rejected["trasig.docx"]
    assert "another remiss version (2025-01-01/agreement-1.0" in rejected["gammal-version.docx"]
    assert compilation.forms == 5 and all(not name.startswith("/") for name, _ in compilation.rejected)


def test_collect_command_writes_word_and_csv_and_reports_bad_files(answers, tmp_path):
    done = subprocess.run([sys.executable, "-m", "samverkan", "remiss", "collect", str(answers), "--out",
                           str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "trasig.docx: is " in done.stderr and "compiled 3 of 5 forms" in done.stdout
    assert "rfhl.docx is a second form from RFHL" in done.stderr
    docx = next((tmp_path / "remiss").glob("remissammanstallning-*.docx"))
    paragraphs = [text for _, text in docx_paragraphs(docx)]
    heading = next(i for i, t in enumerate(paragraphs) if t.startswith("Överenskommelse om missbruk/beroende 3.1:4 –"))
    following = " ".join(paragraphs[heading:heading + 12])
    assert "RFHL" in following and "Stycket är bra." in following and "Instämmer med & <ok>." in following
    text = docx_text(docx)
    assert "Verdandi" in text and "trasig.docx" in text and "Vi tillstyrker förslaget." in text
    assert "hänvisningen finns inte i remissen" in text and "9.9:9" in text
    assert str(answers) not in text and str(tmp_path) not in text             # no local absolute paths
    csv_text = next((tmp_path / "remiss").glob("*.csv")).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(csv_text), delimiter=";"))
    assert {(r["Organisation"].split(" (")[0], r["Hänvisning"]) for r in rows} == {
        ("RFHL", ""), ("RFHL", "3.1:4"), ("täby kommun", "3.1:4"), ("RFHL", "A-3.1-2"), ("RFHL", "7"),
        ("Rfhl", "1")}
    assert str(answers) not in csv_text
    assert openxml_audit(docx) == []
    assert "Remissammanställning" in pdf_text(libreoffice_convert(docx))
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(answers / "taby.docx", good)
    done = subprocess.run([sys.executable, "-m", "samverkan", "remiss", "collect", str(good), "--out",
                           str(tmp_path / "out2")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "compiled 1 of 1 forms" in done.stdout


LO_ANSWERS = {
    "organisation": "Stockholms Brukarförening",
    "contact": "Anna Åberg",
    "email": "anna@example.org",
    "date": "2027-01-15",
    "general": "Bra förslag – men tänk på dem som spelar om pengar.\nAndra stycket: \"citat\" & mer.",
    "rows": [
        (("agreement", "3"), "3.1:4", "Vi håller med om stycket.", "Skriv \"minst\" i stället för \"högst\"."),
        (("agreement", "3"), "A-3.1-2", "Åtagandet är otydligt.\nVem ansvarar?", ""),
        (("agreement", "Bilaga 1"), "", "Begreppen är bra.", "Lägg till spelberoende."),
        (("supplement", "7"), "S-7.1-1", "Bra åtagande.", "Följ upp varje år."),
    ],
}


def lo_actions(tables, mode):
    a = LO_ANSWERS
    actions = [{"table": tables["respondent"], "cell": cell, "value": value, "mode": mode}
               for cell, value in (("A2", a["organisation"]), ("B2", a["contact"]), ("C2", a["email"]),
                                   ("D2", a["date"]))]
    actions.append({"table": tables["general"], "cell": "A2", "value": a["general"], "mode": mode})
    used = {}
    for key, cited, comment, proposal in a["rows"]:
        row = used[key] = used.get(key, 1) + 1
        for column, value in (("A", cited), ("B", comment), ("C", proposal)):
            if value:
                actions.append({"table": tables[key], "cell": f"{column}{row}", "value": value, "mode": mode})
    return actions


@pytest.fixture(scope="module")
def libreoffice_forms(remiss, tmp_path_factory):
    """The form filled and saved by LibreOffice: fields edited (.docx and .odt) and typed over (.docx)."""
    form = files(remiss, "remiss-form", "docx")[0]
    tables = form_tables(form)
    folder = tmp_path_factory.mktemp("lo-answers")
    libreoffice_fill([
        {"source": str(form), "actions": lo_actions(tables, "field"),
         "save": [[str(folder / "falt.docx"), "MS Word 2007 XML"], [str(folder / "falt.odt"), "writer8"]]},
        {"source": str(form), "actions": lo_actions(tables, "type"),
         "save": [[str(folder / "overskriven.docx"), "MS Word 2007 XML"]]},
    ])
    return folder


@pytest.mark.parametrize("name", ["falt.docx", "falt.odt", "overskriven.docx"])
def test_forms_saved_by_libreoffice_lose_no_answer(content, libreoffice_forms, name):
    path = libreoffice_forms / name
    if name.endswith(".docx"):
        assert "<w:tag " not in zipfile.ZipFile(path).read("word/document.xml").decode()   # LibreOffice drops tags
    compilation = collect(content, [path])
    assert compilation.rejected == []
    (response,) = compilation.responses
    a = LO_ANSWERS
    assert (response.organisation, response.contact, response.email, response.date, response.general) == (
        a["organisation"], a["contact"], a["email"], a["date"], a["general"])
    assert response.on_list and response.file == name
    got = sorted((key, answer.cited or "", answer.comment or "", answer.proposal or "")
                 for key, items in compilation.answers.items() for answer in items)
    assert got == sorted([
        (("agreement", "3.1:4"), "3.1:4", "Vi håller med om stycket.", "Skriv \"minst\" i stället för \"högst\"."),
        (("agreement", "A-3.1-2"), "A-3.1-2", "Åtagandet är otydligt.\nVem ansvarar?", ""),
        (("agreement", "Bilaga 1"), "", "Begreppen är bra.", "Lägg till spelberoende."),
        (("supplement", "S-7.1-1"), "S-7.1-1", "Bra åtagande.", "Följ upp varje år."),
    ])


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


MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=300)
sys.stdout.write(done.stdout)
sys.stderr.write(done.stderr)
print("MAXRSS_KB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(done.returncode)
"""


def test_hostile_files_are_rejected_and_named_while_the_good_form_compiles(answers, tmp_path):
    from tests.unit.collect import hostile

    folder = tmp_path / "inkommet"
    folder.mkdir()
    shutil.copy(answers / "taby.docx", folder / "taby.docx")
    bomb = hostile.bomb()                                       # 4.7 MB inflating to 4.5 GiB
    assert 4_000_000 < len(bomb) < 5_500_000
    (folder / "bomb.docx").write_bytes(bomb)
    os.mkfifo(folder / "fifo.docx")
    (folder / "krypterad.docx").write_bytes(hostile.flag_encrypted(hostile.docx()))
    (folder / "lzma.docx").write_bytes(hostile.docx(method=zipfile.ZIP_LZMA))
    (folder / "entiteter.docx").write_bytes(hostile.docx(hostile.BILLION_LAUGHS))
    (folder / "djup.docx").write_bytes(hostile.docx(hostile.deep(1000)))
    (folder / "manga-delar.odt").write_bytes(hostile.many_members(5000))
    (folder / "tom.odt").write_bytes(b"")
    done = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "samverkan", "remiss", "collect",
                           str(folder), "/dev/zero", "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "compiled 1 of 10 forms" in done.stdout
    max_rss_mb = int(done.stdout.split("MAXRSS_KB")[1]) / 1024
    assert max_rss_mb < 1024, f"{max_rss_mb:.0f} MB"
    expected = {"bomb.docx": "ZIP bomb", "fifo.docx": "not a regular file", "krypterad.docx": "is encrypted",
                "lzma.docx": "compression method", "entiteter.docx": "DOCTYPE", "djup.docx": "not well-formed",
                "manga-delar.odt": "parts, more than", "tom.odt": "not a ZIP package", "zero": "not a regular file"}
    for name, why in expected.items():
        line = next(line for line in done.stderr.splitlines() if f"{name}: " in line)
        assert why in line, line
    assert "täby kommun" in docx_text(next((tmp_path / "out" / "remiss").glob("*.docx")))
