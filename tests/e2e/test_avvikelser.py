"""Issue 21: the avvikelse form (Word, filled in Word and LibreOffice as .docx and .odt) and the
yearly compilation `samverkan avvikelser collect` (Word, tagged PDF with charts, xlsx, CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from samverkan.build import build
from samverkan.collect.avvikelser import collect
from samverkan.collect.documents import Table, read_text_document
from samverkan.collect.untrusted import Package, read_file
from samverkan.ooxml import controls
from samverkan.targets.avvikelser import FORM_PROPERTY
from samverkan.writers.docx import DocxWriter

from tests.conftest import CONTENT
from tests.inspect import (
    docx_text, file_text, libreoffice_convert, libreoffice_fill, norm, openxml_audit, pdf_text, pdf_validation, rewrite_part,
)

PERSONNUMMER = "19121212-1212"          # Skatteverket's test number: a valid check digit
PHONE = "070-123 45 67"
ADULTS = "Vuxna personer med missbruk/beroende av alkohol och droger (inklusive läkemedel) och personer med " \
         "samsjuklighet"


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    out = tmp_path_factory.mktemp("avvikelse-form")
    (written,) = build(CONTENT, out, ["avvikelser"])
    return out / written.path


def word_fill(form_bytes: bytes, values: dict[str, str]) -> bytes:
    """What Word does: the content controls (found by their tags) get the typed text."""
    return DocxWriter().fill(form_bytes, values, "", dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc))


def test_the_form_asks_without_personal_data_and_lists_the_choices(form, content):
    a = content.avvikelser
    document = read_text_document(Package(read_file(form), "form"))
    assert document.properties[FORM_PROPERTY] == "avvikelse-v1"
    text = docx_text(form)
    assert a.texts.form.no_personal_data in text and "avvikelse-v1" not in text
    assert "Skicka rapporten till: " + a.receiver.name in text and a.receiver.email in text
    for choice in [*a.parties, *a.kinds, *(g.name for g in a.target_groups)]:
        assert choice in text
    tables = [b for b in document.blocks if isinstance(b, Table)]
    questions = [row[0].split("\n")[0] for t in tables for row in t.rows]
    assert questions == [a.texts.labels[k] for k in ("unit", "reporter", "event_date", "sent", "parties",
                                                     "target_group", "commitments", "kind", "what", "done",
                                                     "receiver_unit", "reply_date", "reply")]
    values = controls.read(form.read_bytes())
    assert len(values) == 13 and all(v is None for v in values.values())
    assert openxml_audit(form) == []


LO_REPORT = {   # (table, cell) → value, as a person fills it in LibreOffice
    (0, "B1"): "Bromma", (0, "B2"): "Socialtjänsten i Bromma", (0, "B3"): "2026-02-03", (0, "B4"): "2026-02-10",
    (1, "B1"): "kommunens socialtjänst, Beroendevården (regionen)", (1, "B2"): "Ungdomar och unga vuxna med "
    "missbruk/beroende", (1, "B3"): "A-3.1-2", (1, "B4"): "Oklart ansvar mellan kommun och region",
    (1, "B5"): "Ingen tog ansvar för vårdplaneringen.\nDen unge fick vänta i tre veckor.",
    (1, "B6"): "Frågan togs upp i det lokala samrådet.", (2, "B1"): "Beroendevården Nordväst",
}


@pytest.fixture(scope="module")
def reports(form, tmp_path_factory):
    """A folder of reports: filled in LibreOffice (.docx and .odt), in Word (one with a
    personnummer and a telephone number, one with a formula), a damaged file and a foreign one."""
    folder = tmp_path_factory.mktemp("rapporter")
    actions = [{"table": table, "cell": cell, "value": value, "mode": "field"} for (table, cell), value in LO_REPORT.items()]
    libreoffice_fill([{"source": str(form), "actions": actions,
                       "save": [[str(folder / "bromma.docx"), "MS Word 2007 XML"],
                                [str(folder / "bromma.odt"), "writer8"]]}])
    data = form.read_bytes()
    (folder / "taby.docx").write_bytes(word_fill(data, {
        "unit": "täby", "reporter": "Socialtjänsten i Täby", "event-date": "2026-03-02", "sent": "2026-03-05",
        "parties": "Kommunens socialtjänst; Psykiatrin (regionen)", "target-group": ADULTS,
        "commitments": "A-3.1-2, X-9-9", "kind": "SIP efterfrågades men kom inte till stånd",
        "what": f"Personen {PERSONNUMMER} fick ingen SIP. Ring {PHONE}.",
        "done": "Ärendet har diarienummer RS 2019-0123 och togs upp den 2026-03-05 (kommunkod 0160)."}))
    (folder / "danderyd.docx").write_bytes(word_fill(data, {
        "unit": "0162", "sent": "2026-09-01", "kind": "Annat", "what": "=HYPERLINK(\"http://x\")",
        "reply": "Vi har ändrat rutinen.", "reply-date": "2026-09-20"}))
    (folder / "trasig.docx").write_bytes(b"PK\x03\x04 inte en blankett")
    (folder / "frammande.docx").write_bytes(rewrite_part(word_fill(data, {"what": "x"}), "docProps/custom.xml",
                                                         b"avvikelse-v1", b"remiss-2026"))
    return folder


def test_collect_reads_word_and_libreoffice_files_alike(content, reports):
    compilation = collect(content, [reports], "2026", dt.date(2026, 12, 1))
    by_file = {r.file.split("/")[-1]: r for r in compilation.reports}
    assert sorted(by_file) == ["bromma.docx", "bromma.odt", "danderyd.docx", "taby.docx"]
    for name in ("bromma.docx", "bromma.odt"):
        report = by_file[name]
        assert (report.unit, report.unit_known) == ("Stockholm: Bromma", True)
        assert report.parties == ("Kommunens socialtjänst", "Beroendevården (regionen)")
        assert report.target_group == "Ungdomar och unga vuxna med missbruk/beroende"
        assert report.kind == "Oklart ansvar mellan kommun och region" and report.commitments == ("A-3.1-2",)
        assert report.answers["what"] == "Ingen tog ansvar för vårdplaneringen.\nDen unge fick vänta i tre veckor."
        assert report.sent == dt.date(2026, 2, 10) and report.masked == () and report.notes == ()
        assert compilation.reply_status(report) == "overdue"
    assert by_file["bromma.odt"].duplicate_of == f"{reports.name}/bromma.docx"     # the same report twice: marked
    taby = by_file["taby.docx"]
    assert PERSONNUMMER not in taby.answers["what"] and PHONE not in taby.answers["what"]
    assert taby.answers["what"] == "Personen [personnummer borttaget] fick ingen SIP. Ring [telefonnummer borttaget]."
    assert taby.answers["done"] == "Ärendet har diarienummer RS 2019-0123 och togs upp den 2026-03-05 (kommunkod 0160)."
    assert taby.unknown_commitments == ("X-9-9",) and taby.target_group == ADULTS
    assert compilation.reply_status(by_file["danderyd.docx"]) == "replied" and by_file["danderyd.docx"].unit == "Danderyd"
    rejected = {name.split("/")[-1]: why for name, why in compilation.rejected}
    assert set(rejected) == {"trasig.docx", "frammande.docx"}
    assert "damaged" in rejected["trasig.docx"] and "not an avvikelse form" in rejected["frammande.docx"]


def test_collect_command_writes_the_compilation(form, reports, tmp_path):
    done = subprocess.run([sys.executable, "-m", "samverkan", "avvikelser", "collect", str(reports), "--period",
                           "2026", "--date", "2026-12-01", "--out", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "compiled 4 of 6 reports for 2026" in done.stdout
    assert "trasig.docx: is damaged" in done.stderr and "frammande.docx: is not an avvikelse form" in done.stderr
    assert "taby.docx: personal data masked in 'Beskrivning av händelsen'" in done.stderr
    folder = tmp_path / "avvikelser"
    files = {p.suffix: p for p in folder.glob("avvikelser-2026.*")}
    assert sorted(files) == [".csv", ".docx", ".pdf", ".xlsx"]
    for path in files.values():
        text = file_text(path)
        assert PERSONNUMMER not in text and "070-123" not in text and str(reports) not in text, path.name
        assert "RS 2019-0123" in text and "2026-03-05" in text and "0160" in text, path.name
    pdf = norm(pdf_text(files[".pdf"]))
    assert "Personen [personnummer borttaget] fick ingen SIP." in pdf
    assert "Stockholm: Bromma 2 0 0 2 0" in pdf and "Täby 1 0 0 1 0" in pdf and "Danderyd 1 1 0 0 0" in pdf
    assert "trasig.docx" in pdf and f"samma rapport som {reports.name}/bromma.docx" in pdf
    assert pdf_validation(files[".pdf"], "ua1") == [] and pdf_validation(files[".pdf"], "2a") == []
    assert openxml_audit(files[".docx"]) == []
    assert "Beskrivning av händelsen" in docx_text(files[".docx"])
    assert "Personen [personnummer borttaget] fick ingen SIP." in norm(pdf_text(libreoffice_convert(files[".docx"])))
    rows = list(csv.DictReader(io.StringIO(files[".csv"].read_text(encoding="utf-8-sig")), delimiter=";"))
    assert sorted(r["Kommun eller stadsdel"] for r in rows) == ["Danderyd", "Stockholm: Bromma", "Stockholm: Bromma",
                                                                "Täby"]
    sheet = load_workbook(files[".xlsx"]).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert "'=HYPERLINK(\"http://x\")" in cells                            # neutralised, never a formula
    # the year after, compared with this year's compilation
    later = tmp_path / "2027"
    later.mkdir()
    (later / "taby.docx").write_bytes(word_fill(form.read_bytes(), {"unit": "Täby", "sent": "2027-03-05",
                                                                     "kind": "Annat", "what": "Ingen kallelse."}))
    done = subprocess.run([sys.executable, "-m", "samverkan", "avvikelser", "collect", str(later), "--period", "2027",
                           "--date", "2027-03-06", "--previous", str(files[".xlsx"]), "--out", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = norm(pdf_text(folder / "avvikelser-2027.pdf"))
    assert "Jämfört med föregående år" in text and "Stockholm: Bromma 2 0 -2" in text and "Täby 1 1 +0" in text


def test_a_form_whose_fields_were_typed_over_in_libreoffice_is_read_too(form, content, tmp_path):
    """People select a whole cell and type: the field is gone, the answer is read by its question."""
    actions = [{"table": table, "cell": cell, "value": value, "mode": "type"} for (table, cell), value in LO_REPORT.items()]
    libreoffice_fill([{"source": str(form), "actions": actions,
                       "save": [[str(tmp_path / "overskriven.docx"), "MS Word 2007 XML"]]}])
    (report,) = collect(content, [tmp_path / "overskriven.docx"], "2026", dt.date(2026, 12, 1)).reports
    assert (report.unit, report.kind, report.sent) == ("Stockholm: Bromma", "Oklart ansvar mellan kommun och region",
                                                       dt.date(2026, 2, 10))
    assert report.answers["what"] == "Ingen tog ansvar för vårdplaneringen.\nDen unge fick vänta i tre veckor."
    assert report.answers["receiver_unit"] == "Beroendevården Nordväst" and report.answers["reply"] is None


def test_a_form_of_another_version_is_rejected_not_read_by_its_questions(form, content, tmp_path):
    """The form's questions may change between versions: a Word form that claims another version
    (by its property, or by its line when the property was lost) is listed with the reason, as a
    remiss form of another version is; the current version beside it is compiled."""
    filled = word_fill(form.read_bytes(), {"unit": "Täby", "sent": "2026-03-05", "kind": "Annat", "what": "Ingen SIP."})
    (tmp_path / "aktuell.docx").write_bytes(filled)
    (tmp_path / "v0.docx").write_bytes(rewrite_part(filled, "docProps/custom.xml", b"avvikelse-v1", b"avvikelse-v0"))
    lost = rewrite_part(filled, "docProps/custom.xml", b'name="avvikelse-id"', b'name="annat"')
    (tmp_path / "v10.docx").write_bytes(rewrite_part(lost, "word/document.xml", b"i samverkan, version 1<",
                                                     b"i samverkan, version 10<"))
    (tmp_path / "utan-egenskap.docx").write_bytes(lost)
    compilation = collect(content, [tmp_path], "2026", dt.date(2026, 12, 1))
    assert sorted(r.file.split("/")[-1] for r in compilation.reports) == ["aktuell.docx", "utan-egenskap.docx"]
    rejected = {name.split("/")[-1]: why for name, why in compilation.rejected}
    assert rejected["v0.docx"] == ("answers another avvikelse form version (avvikelse-v0); this avvikelse form is "
                                   "avvikelse-v1. Ask the sender to copy the answers into the current avvikelse form "
                                   "(Word or the site's web form)")
    assert rejected["v10.docx"].startswith("answers another avvikelse form version (Rapport om avvikelse i samverkan, "
                                           "version 10); this avvikelse form is Rapport om avvikelse i samverkan, "
                                           "version 1.")
    assert len(rejected) == 2


def test_without_date_the_compilation_states_the_day_its_reports_give(form, tmp_path):
    """Not today: the newest date in the reports (SOURCE_DATE_EPOCH unset), stated in the PDF
    and named on the terminal, so the same reports give the same files on any day."""
    folder = tmp_path / "rapporter"
    folder.mkdir()
    (folder / "nacka.docx").write_bytes(word_fill(form.read_bytes(), {
        "unit": "Nacka", "sent": "2026-02-01", "reply-date": "2026-05-04", "reply": "Rutinen är ändrad.",
        "kind": "Annat", "what": "Ingen kallelse."}))
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    done = subprocess.run([sys.executable, "-m", "samverkan", "avvikelser", "collect", str(folder), "--period", "2026",
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "note: replies counted up to 2026-05-04 (the newest date in the reports)" in done.stderr
    text = norm(pdf_text(tmp_path / "out" / "avvikelser" / "avvikelser-2026.pdf"))
    assert "Läget den 2026-05-04" in text and "Svarstiden är räknad fram till den 2026-05-04." in text
