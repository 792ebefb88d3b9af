"""Machine-readable and spreadsheet outputs of records: CSV, JSON and Excel (.xlsx)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from copy import copy
from dataclasses import dataclass
from typing import Any

from lxml import etree
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from samverkan.ooxml import package
from samverkan.rules.records import FILL_KEYS, FollowUpWorkbook, Records
from samverkan.writers.base import Writer


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell value that no spreadsheet runs as a formula (OWASP, CSV injection): text beginning
    with =, +, -, @, tab or carriage return gets a leading apostrophe. Every CSV and xlsx cell
    passes through here: answers and names come from outside."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class CsvWriter(Writer):
    """CSV that Swedish Excel opens correctly: UTF-8 with BOM, semicolons, CRLF; cells neutralised."""

    name = "csv"
    suffix = ".csv"
    accepts = Records

    def write(self, records: Records, timestamp: dt.datetime) -> bytes:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow([neutralise(c.label) for c in records.columns])
        for row in records.rows:
            writer.writerow([neutralise(row[c.key]) for c in records.columns])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@dataclass(frozen=True, eq=False)
class JsonData:
    """Any JSON-ready value (dicts, lists, text, numbers), written as it is (e.g. a change report)."""

    value: Any


class JsonWriter(Writer):
    name = "json"
    suffix = ".json"
    accepts = (Records, JsonData)

    def write(self, records: Records | JsonData, timestamp: dt.datetime) -> bytes:
        data = records.value if isinstance(records, JsonData) else {
            "title": records.title,
            "date": records.date,
            "documents": list(records.documents),
            "columns": [{"key": c.key, "label": c.label} for c in records.columns],
            "records": [{c.key: row[c.key] for c in records.columns} for row in records.rows],
        }
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


FONT_NAME = "Calibri"     # every font has its name: LibreOffice shows a nameless bold font as a serif
HEADER_FILL = PatternFill("solid", fgColor="DDE6EF")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")       # the cells people fill in
DRAFT_FILL = PatternFill("solid", fgColor="F2F2F2")       # commitments of a document not adopted
TOP = Alignment(vertical="top", wrap_text=False)
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
UNLOCKED = Protection(locked=False)                         # what a protected sheet lets people edit
LINE_POINTS = 15.0                                          # one line of 11 pt text, with spacing


@dataclass(frozen=True, eq=False)
class CellStyle:
    """How a kind of cell looks (None: openpyxl's default). Compared by identity: each is made
    once, below, so that a workbook looks each up in a small dictionary (see `Styles`)."""

    font: Font | None = None
    fill: PatternFill | None = None
    alignment: Alignment | None = None
    protection: Protection | None = None


HEADER = CellStyle(Font(name=FONT_NAME, bold=True), HEADER_FILL, TOP_WRAP)
TEXT = {False: CellStyle(alignment=TOP), True: CellStyle(alignment=TOP_WRAP)}                   # by wrap
TO_FILL = {wrap: CellStyle(fill=INPUT_FILL, alignment=style.alignment, protection=UNLOCKED)
           for wrap, style in TEXT.items()}
DRAFT = {wrap: CellStyle(fill=DRAFT_FILL, alignment=style.alignment) for wrap, style in TEXT.items()}
TITLE = CellStyle(Font(name=FONT_NAME, bold=True, size=14))
LABEL = CellStyle(Font(name=FONT_NAME, bold=True), alignment=TOP_WRAP)
VALUE = CellStyle(alignment=Alignment(horizontal="left"))
VALUE_TO_FILL = CellStyle(fill=INPUT_FILL, alignment=VALUE.alignment, protection=UNLOCKED)
INSTRUCTIONS_TITLE = CellStyle(Font(name=FONT_NAME, bold=True, size=13))


class Styles:
    """The cell styles of one workbook, each turned into openpyxl's indices once.

    Setting cell.font, .fill, .alignment and .protection hashes the style object (every field of
    it) to find its index in the workbook's lists, for each of a follow-up workbook's ~560 cells:
    a fifth of the time it took to write (measured: 26 ms, 20 ms without). Here the first cell of
    each CellStyle is styled that way, so the fonts, fills, … are registered in the same order as
    before and the workbook's bytes stay the same; every later cell of that style gets a copy of
    the first one's indices, its StyleArray. That is openpyxl's private `Cell._style` (stable through the 3.1 releases
    pyproject.toml pins); tests/unit/writers/test_data.py checks the styles a user sees."""

    def __init__(self) -> None:
        self.arrays: dict[CellStyle, Any] = {}

    def apply(self, cell, style: CellStyle):
        array = self.arrays.get(style)
        if array is not None:
            cell._style = copy(array)
            return cell
        for name in ("font", "fill", "alignment", "protection"):
            if getattr(style, name) is not None:
                setattr(cell, name, getattr(style, name))
        self.arrays[style] = copy(cell._style)
        return cell


def row_height(values: list[tuple[str, int, bool]]) -> float:
    """Points for a row that shows all of its wrapped text: (text, column width, wraps) per cell.
    A column's width is counted in widths of the digit 0; running text fits about 1.15 characters
    per unit, words wrap whole (hence the margin)."""
    lines = 1
    for text, width, wrap in values:
        if not wrap or not text:
            continue
        per_line = max(int(width * 1.15) - 3, 1)
        count = sum(max(1, -(-len(line) // per_line)) for line in str(text).split("\n"))
        lines = max(lines, count)
    return lines * LINE_POINTS + 3


def header_width(label: str) -> int:
    """A column as wide as its bold header's longest word, so that no header breaks inside a word
    ("Dokumentstatu/s"): bold letters are wider than the digit 0 the width counts in."""
    return max(len(word) for word in label.split()) * 6 // 5 + 2 if label.strip() else 0


def _put(sheet, row: int, column: int, value: Any):
    """A cell holding text as text: neutralised, and never read as a formula by openpyxl."""
    cell = sheet.cell(row=row, column=column)
    value = neutralise(value)
    if value == "" or value is None:
        return cell                                            # an empty cell, not an empty text
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _print_setup(sheet, title_row: int) -> None:
    """Landscape A4, as wide as the page, the table's header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{title_row}:{title_row}"
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    page_numbers(sheet)


def page_numbers(sheet) -> None:
    """A footer with the page number of every printed page: "Sida 2 av 5"."""
    sheet.oddFooter.center.text = "Sida &P av &N"
    sheet.oddFooter.center.font = FONT_NAME


def _table(sheet, styles: Styles, top: int, columns, rows, fill_keys=(), row_fill=None) -> int:
    """Header row at `top`, one row per record; widths, wrapping and heights. Returns the last row."""
    for index, column in enumerate(columns, start=1):
        styles.apply(_put(sheet, top, index, column.label), HEADER)
        sheet.column_dimensions[get_column_letter(index)].width = max(column.width, header_width(column.label))
    sheet.row_dimensions[top].height = row_height([(c.label, c.width, True) for c in columns])
    for offset, record in enumerate(rows, start=1):
        number = top + offset
        draft = row_fill is not None and row_fill(record)
        for index, column in enumerate(columns, start=1):
            kind = TO_FILL if column.key in fill_keys else DRAFT if draft else TEXT
            styles.apply(_put(sheet, number, index, record.get(column.key, "")), kind[column.wrap])
        sheet.row_dimensions[number].height = row_height(
            [(str(record.get(c.key, "")), c.width, c.wrap) for c in columns])
    last = top + len(rows)
    sheet.freeze_panes = f"A{top + 1}"
    sheet.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{max(last, top)}"
    _print_setup(sheet, top)
    return last


def _properties(book: Workbook, title: str, subject: str, author: str, timestamp: dt.datetime) -> None:
    props = book.properties
    props.title = title
    props.subject = subject
    props.creator = author
    props.lastModifiedBy = author
    props.language = "sv-SE"
    naive = timestamp.astimezone(dt.timezone.utc).replace(tzinfo=None)
    props.created = naive
    props.modified = naive


def _save(book: Workbook, timestamp: dt.datetime) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return _with_shared_strings(package.normalised(buffer.getvalue(), timestamp, {
        "docProps/core.xml": package.core_dates(timestamp), "xl/styles.xml": _font_children_in_schema_order}),
        timestamp)


SHARED_STRINGS = "xl/sharedStrings.xml"
SHARED_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _with_shared_strings(data: bytes, timestamp: dt.datetime) -> bytes:
    """openpyxl writes every text as an inline string; Excel rewrites such a file into a
    shared-strings table when it next saves it. Write the table the way Excel does."""
    source = zipfile.ZipFile(io.BytesIO(data))
    main = f"{{{SPREADSHEET}}}"
    strings: dict[str, int] = {}
    parts = []
    for info in source.infolist():
        part = source.read(info.filename)
        if info.filename.startswith("xl/worksheets/sheet") and info.filename.endswith(".xml"):
            root = etree.fromstring(part)
            for cell in root.iter(f"{main}c"):
                if cell.get("t") != "inlineStr":
                    continue
                inline = cell.find(f"{main}is")
                text = "".join(t.text or "" for t in inline.iter(f"{main}t")) if inline is not None else ""
                if inline is not None:
                    cell.remove(inline)
                cell.set("t", "s")
                etree.SubElement(cell, f"{main}v").text = str(strings.setdefault(text, len(strings)))
            part = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        elif info.filename == "[Content_Types].xml":
            root = etree.fromstring(part)
            override = etree.SubElement(root, f"{{{CONTENT_TYPES}}}Override")
            override.set("PartName", "/" + SHARED_STRINGS)
            override.set("ContentType", SHARED_TYPE)
            part = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        elif info.filename == "xl/_rels/workbook.xml.rels":
            root = etree.fromstring(part)
            ids = {rel.get("Id") for rel in root}
            relation = etree.SubElement(root, f"{{{RELATIONSHIPS}}}Relationship")
            relation.set("Type", SHARED_REL)
            relation.set("Target", "sharedStrings.xml")
            relation.set("Id", next(f"rId{n}" for n in range(1, len(ids) + 2) if f"rId{n}" not in ids))
            part = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        parts.append((info.filename, part))
    table = etree.Element(f"{main}sst", nsmap={None: SPREADSHEET})
    table.set("count", str(len(strings)))
    table.set("uniqueCount", str(len(strings)))
    for text in strings:
        item = etree.SubElement(etree.SubElement(table, f"{main}si"), f"{main}t")
        item.text = text
        if text != text.strip() or "\n" in text:
            item.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    parts.append((SHARED_STRINGS, etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)))
    return package.stable_zip(parts, timestamp)


class XlsxWriter(Writer):
    """Excel workbooks: records as a table to filter and print (commitments, reports), or a
    follow-up workbook for one kommun to fill in (FollowUpWorkbook): locked ids and texts, the
    cells to fill in marked, a status list, row heights that fit, print setup."""

    name = "xlsx"
    suffix = ".xlsx"
    accepts = (Records, FollowUpWorkbook)

    def write(self, records: Records | FollowUpWorkbook, timestamp: dt.datetime) -> bytes:
        if isinstance(records, FollowUpWorkbook):
            return self.follow_up(records, timestamp)
        book = Workbook()
        sheet = book.active
        sheet.title = "Data"
        _table(sheet, Styles(), 1, records.columns, records.rows)
        _properties(book, records.title, records.subject, records.author, timestamp)
        return _save(book, timestamp)

    def follow_up(self, form: FollowUpWorkbook, timestamp: dt.datetime) -> bytes:
        book = Workbook()
        sheet = book.active
        sheet.title = form.sheet
        styles = Styles()
        styles.apply(_put(sheet, 1, 1, form.title), TITLE)
        row = 2
        for label, value, to_fill in form.header:
            styles.apply(_put(sheet, row, 1, label), LABEL)
            sheet.row_dimensions[row].height = row_height([(label, form.columns[0].width, True)])
            styles.apply(_put(sheet, row, 2, value), VALUE_TO_FILL if to_fill else VALUE)
            row += 1
        for hint in form.hints:
            styles.apply(_put(sheet, row, 2, hint), TEXT[True])
            sheet.row_dimensions[row].height = row_height([(hint, form.columns[1].width, True)])
            row += 1
        top = row + 1
        fill_keys = [c.key for c in form.columns if c.key in FILL_KEYS]
        last = _table(sheet, styles, top, form.columns, form.rows, fill_keys,
                      row_fill=lambda record: record.get("draft"))
        status = get_column_letter(next(i for i, c in enumerate(form.columns, start=1) if c.key == "status"))
        options = ",".join(form.status_options)
        validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True, showErrorMessage=True,
                                    errorTitle=form.columns[2].label,
                                    error="Välj ett värde i listan: " + ", ".join(form.status_options))
        validation.add(f"{status}{top + 1}:{status}{max(last, top + 1)}")
        sheet.add_data_validation(validation)
        protection = sheet.protection
        protection.sheet = True
        protection.formatRows = protection.formatColumns = protection.autoFilter = protection.sort = False
        info = book.create_sheet(form.instructions_sheet)
        info.column_dimensions["A"].width = 110
        info.page_setup.orientation = "landscape"
        info.page_setup.paperSize = info.PAPERSIZE_A4
        info.page_setup.fitToWidth, info.page_setup.fitToHeight = 1, 0
        info.sheet_properties.pageSetUpPr.fitToPage = True
        page_numbers(info)
        styles.apply(_put(info, 1, 1, form.title), INSTRUCTIONS_TITLE)
        for index, line in enumerate((*form.hints, *form.instructions), start=2):
            styles.apply(_put(info, index, 1, line), TEXT[True])
            info.row_dimensions[index].height = row_height([(line, 110, True)])
        _properties(book, form.title, form.subject, form.author, timestamp)
        return _save(book, timestamp)


SPREADSHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color",
              "name", "family", "charset", "scheme")


def _font_children_in_schema_order(xml: bytes) -> bytes:
    """openpyxl writes a font's <name> before its <color>; Excel's schema (as the Open XML SDK
    reads it) wants b, i, …, sz, color, name, family, charset, scheme."""
    root = etree.fromstring(xml)
    for font in root.iter(f"{{{SPREADSHEET}}}font"):
        children = sorted(font, key=lambda el: FONT_ORDER.index(etree.QName(el).localname)
                          if etree.QName(el).localname in FONT_ORDER else len(FONT_ORDER))
        for child in children:
            font.append(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
