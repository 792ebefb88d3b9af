"""Issue 11: the follow-up workbooks per kommun, filled in (openpyxl and LibreOffice) and read
back into the regional follow-up report."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from samverkan.build import build
from samverkan.collect.followup import units_of
from samverkan.targets import BuildOptions

from tests.conftest import CONTENT
from tests.inspect import (
    docx_text, docx_xml, libreoffice_convert, libreoffice_fill, openxml_audit, pdf_text, pdf_validation,
)

PERIOD = "2026"
STATUSES = ["Genomförd", "Pågår", "Ej påbörjad", "Ej aktuellt"]
SKIPPED = {"haninge", "stockholm-bromma", "vallentuna"}            # these do not report
BY_LIBREOFFICE = {"taby": "ods", "solna": "xlsx"}                  # filled and saved by LibreOffice Calc


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    out = tmp_path_factory.mktemp("followup")
    written = build(CONTENT, out, ["followup"], BuildOptions({"period": PERIOD}))
    return out, {w.path.split("/")[-1].split("-", 1)[1].rsplit("-", 1)[0]: out / w.path for w in written}


def table_top(sheet) -> int:
    return next(r for r in range(1, 30) if sheet.cell(r, 1).value == "Nr")


def test_one_workbook_per_kommun_stadsdel_and_the_region(workbooks, content):
    _, books = workbooks
    units = units_of(content)
    assert len(units) == len(content.kommuner.units) + 1 == 39
    assert set(books) == {u.key for u in units}
    taby = load_workbook(books["taby"])["Uppföljning"]
    cells = {taby.cell(r, 1).value: taby.cell(r, 2).value for r in range(2, 7)}
    assert cells == {"Kommun eller stadsdel": "Täby kommun", "Kommunkod": "0160", "Period": "2026",
                     "Ifylld av": None, "Datum": None}
    bromma = load_workbook(books["stockholm-bromma"])["Uppföljning"]
    assert bromma.cell(2, 2).value == "Bromma stadsdelsområde, Stockholms stad" and bromma.cell(3, 2).value == "0180"
    region = load_workbook(books["region-stockholm"])["Uppföljning"]
    assert region.cell(2, 1).value == "Region" and region.cell(2, 2).value == "Region Stockholm"


def test_workbook_is_a_form_to_fill_in(workbooks, content):
    _, books = workbooks
    book = load_workbook(books["taby"])
    sheet = book["Uppföljning"]
    top = table_top(sheet)
    header = [c.value for c in sheet[top]]
    assert header[:6] == ["Nr", "Åtagande", "Status", "Ansvarig", "Kommentar", "Nästa steg"]
    ids = [sheet.cell(r, 1).value for r in range(top + 1, sheet.max_row + 1)]
    kommun_commitments = [c.id for c in content.all_commitments() if c.group_party.id in ("gemensamt", "kommunerna")]
    assert ids == kommun_commitments and "A-3.1-2" in ids
    assert sheet.protection.sheet
    for row in range(top + 1, sheet.max_row + 1):
        assert sheet.cell(row, 1).protection.locked and sheet.cell(row, 2).protection.locked
        assert all(not sheet.cell(row, col).protection.locked for col in range(3, 7))
        assert sheet.row_dimensions[row].height >= 15 * (len(sheet.cell(row, 2).value) // 70 + 1)
        assert sheet.cell(row, 2).alignment.wrap_text
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"Genomförd,Pågår,Ej påbörjad,Ej aktuellt"'
    assert str(validation.sqref) == f"C{top + 1}:C{sheet.max_row}"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == f"${top}:${top}" and sheet.freeze_panes == f"A{top + 1}"
    drafts = [sheet.cell(r, 10).value for r in range(top + 1, sheet.max_row + 1) if sheet.cell(r, 1).value.startswith("S-")]
    assert drafts and all("UTKAST, inte antagen" in d for d in drafts)     # the supplement is not adopted yet
    assert any("UTKAST" in (sheet.cell(r, 2).value or "") for r in range(2, top))



def test_workbook_says_where_and_by_when_and_prints_as_a_reader_needs(workbooks, content):
    """Issue 22: named fonts (LibreOffice shows no serif), headers that never break inside a word,
    where and by when to send it, A4 with the header row and page numbers on every page."""
    follow = content.commitment_tables.follow_up
    _, books = workbooks
    book = load_workbook(books["taby"])
    sheet, info = book["Uppföljning"], book[follow.labels.instructions_sheet]
    send = f"{follow.send_to} senast 15 februari 2027"
    assert any(send in (sheet.cell(r, 2).value or "") for r in range(2, table_top(sheet)))
    assert any(send in (c.value or "") for c in info["A"])
    for ws in (sheet, info):
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.oddFooter.center.text == "Sida &P av &N"
    top = table_top(sheet)
    for cell in sheet[top]:
        longest = max(len(word) for word in cell.value.split())
        assert sheet.column_dimensions[cell.column_letter].width >= longest * 1.2, cell.value
    with zipfile.ZipFile(books["taby"]) as package:
        styles = package.read("xl/styles.xml").decode("utf-8")
    fonts = re.findall(r"<font>.*?</font>|<font/>", styles, re.S)
    assert fonts and all("<name " in f for f in fonts)
    pdf = libreoffice_convert(books["taby"])
    used = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Serif" not in used and "Bold" in used
    assert "Instruktioner" in book.sheetnames
    assert openxml_audit(books["taby"]) == []                  # Excel opens it as it is, no rewrite
    converted = libreoffice_convert(books["taby"], "csv:Text - txt - csv (StarCalc):59,34,76")
    text = converted.read_text(encoding="utf-8")
    assert "Täby kommun" in text and "Nr;Åtagande;Status;Ansvarig;Kommentar;Nästa steg" in text
    pages = pdf_text(libreoffice_convert(books["taby"])).split("\f")
    assert all("Nr" in page and "Status" in page for page in pages if page.strip())     # header row on every page


def plan(unit_key: str, index: int, ids: list[str]) -> dict[str, tuple[str | None, str, str, str]]:
    """What a unit fills in: (status or None, responsible, comment, next step) per commitment."""
    filled = {}
    for row, cid in enumerate(ids):
        choice = (index + row) % 5
        status = STATUSES[choice] if choice < 4 else None
        comment = f"{unit_key}: kommentar om {cid}" if row % 7 == 0 else ""
        if row == 1 and index == 0:
            comment = "=HYPERLINK(\"http://example.org\")"
        filled[cid] = (status, "Socialchef" if status else "", comment, "Ses över 2027" if row % 11 == 0 else "")
    return filled


@pytest.fixture(scope="module")
def filled(workbooks, content, tmp_path_factory):
    out, books = workbooks
    folder = tmp_path_factory.mktemp("filled")
    units = units_of(content)
    plans = {}
    jobs = []
    for index, unit in enumerate(units):
        if unit.key in SKIPPED:
            continue
        plans[unit.key] = plan(unit.key, index, list(unit.commitments))
        source = books[unit.key]
        book = load_workbook(source)
        sheet = book["Uppföljning"]
        top = table_top(sheet)
        rows = {sheet.cell(r, 1).value: r for r in range(top + 1, sheet.max_row + 1)}
        if unit.key in BY_LIBREOFFICE:
            actions = [{"sheet": "Uppföljning", "cell": "B5", "value": "Lo Kalc"}]
            for cid, values in plans[unit.key].items():
                for column, value in zip("CDEF", values):
                    if value:
                        actions.append({"sheet": "Uppföljning", "cell": f"{column}{rows[cid]}", "value": value})
            suffix = BY_LIBREOFFICE[unit.key]
            jobs.append({"source": str(source), "actions": actions,
                         "save": [[str(folder / f"{unit.key}.{suffix}"),
                                   "calc8" if suffix == "ods" else "Calc MS Excel 2007 XML"]]})
            continue
        sheet["B5"] = "Excel Användare"
        for cid, values in plans[unit.key].items():
            for column, value in zip((3, 4, 5, 6), values):
                if value:
                    sheet.cell(rows[cid], column).value = value
                    sheet.cell(rows[cid], column).data_type = "s"
        book.save(folder / f"{unit.key}.xlsx")
    libreoffice_fill(jobs)
    # files that cannot be compiled
    (folder / "trasig.xlsx").write_bytes(b"PK\x03\x04 inte en arbetsbok")
    foreign = Workbook()
    foreign.active["A1"] = "Budget"
    foreign.save(folder / "annan-arbetsbok.xlsx")
    old = tmp_path_factory.mktemp("old")
    written = build(CONTENT, old, ["followup"], BuildOptions({"period": "2025"}))
    shutil.copy(next(old / w.path for w in written if "-haninge-" in w.path), folder / "haninge-2025.xlsx")
    shutil.copy(folder / "nacka.xlsx", folder / "nacka_kopia.xlsx")
    return folder, plans


@pytest.fixture(scope="module")
def report(filled, tmp_path_factory):
    folder, _ = filled
    out = tmp_path_factory.mktemp("report")
    done = subprocess.run([sys.executable, "-m", "samverkan", "uppfoljning", "collect", str(folder), "--out", str(out),
                           "--period", PERIOD], capture_output=True, text=True)
    return out, done


def test_collect_compiles_the_good_files_and_names_the_bad(report, filled, content):
    _, done = report
    folder, plans = filled
    assert done.returncode == 1 and "Traceback" not in done.stderr
    total = len(plans) + 4
    assert f"compiled {len(plans)} of {total} workbooks" in done.stdout
    assert f"{len(SKIPPED)} of 39 kommuner, stadsdelar and the region have not reported" in done.stdout
    for name in ("trasig.xlsx", "annan-arbetsbok.xlsx", "haninge-2025.xlsx", "nacka_kopia.xlsx"):
        assert f"{folder.name}/{name}: " in done.stderr
    assert "period '2025'" in done.stderr and "second workbook of Nacka kommun" in done.stderr
    assert str(folder.parent) not in done.stderr


def test_report_figures_are_what_was_filled(report, filled, content):
    out, _ = report
    _, plans = filled
    units = {u.key: u for u in units_of(content)}
    names = {u.name: key for key, u in units.items()}
    book = load_workbook(next((out / "uppfoljning").glob("uppfoljningsrapport-2026.xlsx")))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    got = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        record = dict(zip(header, row))
        got[(names[record["Kommun, stadsdel eller region"]], record["Nr"])] = (
            record["Status"], record["Ansvarig"] or "", record["Kommentar"] or "", record["Nästa steg"] or "")
    expected = {}
    for key, filled_plan in plans.items():
        for cid, (status, responsible, comment, next_step) in filled_plan.items():
            comment = "'" + comment if comment.startswith("=") else comment        # neutralised formula
            expected[(key, cid)] = (status or "Ej ifyllt", responsible, comment, next_step)
    assert got == expected
    csv_rows = list(csv.DictReader(io.StringIO((out / "uppfoljning" / "uppfoljningsrapport-2026.csv").read_text(
        encoding="utf-8-sig")), delimiter=";"))
    assert len(csv_rows) == len(expected)
    assert any(r["Kommentar"].startswith("'=HYPERLINK") for r in csv_rows)
    # the summary table per kommun in the Word report counts what was filled
    docx = out / "uppfoljning" / "uppfoljningsrapport-2026.docx"
    body = docx_xml(docx)
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    rows = {}
    for tr in body.iter(f"{W}tr"):
        cells = ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in tr.iter(f"{W}tc")]
        rows.setdefault(cells[0], cells[1:])
    for key, filled_plan in plans.items():
        statuses = [s or "Ej ifyllt" for s, *_ in filled_plan.values()]
        expected_counts = [str(statuses.count(s)) for s in STATUSES + ["Ej ifyllt"]]
        assert rows[units[key].name] == expected_counts, key
    for key in SKIPPED:
        assert rows[f"{units[key].name} (har inte rapporterat)"] == ["0"] * 5
    text = docx_text(docx)
    assert "Haninge kommun" in text and "taby: kommentar om A-2.1.2-1" in text
    assert "Har inte rapporterat" in text and "haninge-2025.xlsx" in text


def test_report_has_charts_in_word_and_pdf_with_text_alternatives(report):
    out, _ = report
    docx = out / "uppfoljning" / "uppfoljningsrapport-2026.docx"
    pdf = out / "uppfoljning" / "uppfoljningsrapport-2026.pdf"
    media = [n for n in zipfile.ZipFile(docx).namelist() if n.startswith("word/media/")]
    assert len(media) == 3
    descriptions = [el.get("descr") for el in docx_xml(docx).iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert len(descriptions) == 3 and all(d.startswith("Status per") and len(d) > 60 for d in descriptions)
    assert openxml_audit(docx) == [] and openxml_audit(out / "uppfoljning" / "uppfoljningsrapport-2026.xlsx") == []
    for profile in ("ua1", "2a"):
        assert pdf_validation(pdf, profile) == []
    text = pdf_text(pdf)
    assert "Status per kommun och stadsdel" in text and "Region Stockholm" in text
    assert "Regional uppföljning" in pdf_text(libreoffice_convert(docx))


def test_report_is_the_same_bytes_when_built_again(report, filled, tmp_path):
    out, _ = report
    folder, _ = filled
    subprocess.run([sys.executable, "-m", "samverkan", "uppfoljning", "collect", str(folder), "--out", str(tmp_path),
                    "--period", PERIOD], capture_output=True, text=True)
    for suffix in ("docx", "pdf", "xlsx", "csv"):
        name = f"uppfoljning/uppfoljningsrapport-2026.{suffix}"
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), suffix


def test_a_bad_period_or_no_workbook_is_a_message(tmp_path, filled):
    folder, _ = filled
    done = subprocess.run([sys.executable, "-m", "samverkan", "uppfoljning", "collect", str(folder), "--period", "26",
                           "--out", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 1 and "--period must be a year" in done.stderr and "Traceback" not in done.stderr
    empty = tmp_path / "tom"
    empty.mkdir()
    done = subprocess.run([sys.executable, "-m", "samverkan", "uppfoljning", "collect", str(empty), "--out",
                           str(tmp_path / "ut")], capture_output=True, text=True)
    assert done.returncode == 0 and "compiled 0 of 0 workbooks" in done.stdout
    assert "39 of 39 kommuner, stadsdelar and the region have not reported" in done.stdout


def rewrite(source, target, edit) -> None:
    """A copy of a workbook with each XML part edited as text by `edit(part name, xml)`, the
    package otherwise as the office program wrote it (member order, compression)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.endswith(".xml"):
                data = edit(info.filename, data.decode("utf-8")).encode("utf-8")
            new.writestr(info, data)


def test_workbooks_with_strange_numbers_are_listed_and_the_others_compiled(filled, tmp_path):
    """Issue 24: a row number, a shared-string index and an ODS repeat count written with '²',
    each in a workbook edited at the XML level: each file is listed with its reason, the
    LibreOffice .ods (whose repeat counts reach near 1 048 576) is compiled."""
    import hashlib
    import re

    folder, _ = filled
    answers = tmp_path / "svar"
    answers.mkdir()
    shutil.copy(folder / "taby.ods", answers / "taby.ods")
    with zipfile.ZipFile(answers / "taby.ods") as ods:
        repeats = [int(n) for n in re.findall(r'number-rows-repeated="(\d+)"', ods.read("content.xml").decode())]
    assert max(repeats) > 1_000_000                          # what LibreOffice writes in a plain .ods
    rewrite(folder / "nacka.xlsx", answers / "nacka.xlsx",
            lambda name, xml: re.sub(r'<row r="(\d+)"', r'<row r="\g<1>²"', xml, count=1)
            if name.startswith("xl/worksheets/") else xml)
    rewrite(folder / "solna.xlsx", answers / "solna.xlsx",          # saved by LibreOffice: shared strings
            lambda name, xml: re.sub(r'(t="s"[^>]*><v>)(\d+)<', r"\g<1>\g<2>²<", xml, count=1)
            if name.startswith("xl/worksheets/") else xml)
    rewrite(folder / "taby.ods", answers / "taby-andra.ods",
            lambda name, xml: re.sub(r'number-rows-repeated="(\d+)"', r'number-rows-repeated="\g<1>²"', xml, count=1)
            if name == "content.xml" else xml)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in answers.iterdir()}
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "samverkan", "uppfoljning", "collect", str(answers), "--out", str(out),
                           "--period", PERIOD], capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "compiled 1 of 4 workbooks" in done.stdout, done.stdout
    for name, reason in [("nacka.xlsx", "a row number in xl/worksheets/"),
                         ("solna.xlsx", "a shared-string index in xl/worksheets/"),
                         ("taby-andra.ods", "table:number-rows-repeated in content.xml")]:
        line = next(line for line in done.stderr.splitlines() if f"svar/{name}: " in line)
        assert f"is damaged: {reason}" in line and "\\xb2'" in line and "save it again" in line, line
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in answers.iterdir()} == before
    # nothing beside the output folder but samverkan's own cache folder (engine/cache.py)
    from samverkan.engine.cache import FOLDER as CACHE
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != CACHE) == ["out", "svar"]
    assert {p.relative_to(out).parts[0] for p in out.rglob("*")} <= {"uppfoljning", "manifest.json"}
    assert "Täby kommun" in docx_text(out / "uppfoljning" / f"uppfoljningsrapport-{PERIOD}.docx")
