"""Machine-readable and spreadsheet outputs of records: CSV, JSON and Excel (.xlsx).

The workbooks are made with openpyxl, and saved partly by hand because openpyxl's own way took
most of their time: each cell style resolved once per workbook (`Styles`), every text written once, in
a shared-strings table, as the sheets are written (`_SheetWriter`), the package zipped once
(`_save`). These lean on openpyxl's private parts, hence its pin to 3.1 in pyproject.toml."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from copy import copy
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any


def _openpyxl_without_numpy() -> None:
    """Import openpyxl without numpy. Where numpy is installed (matplotlib, which draws the
    follow-up report's charts, brings it), openpyxl imports it only to accept numpy's numbers as
    cell values; ours are Python's. The workers' forkserver, which imports the writers before a
    build's first task can start, was ready 370-400 ms after its start with numpy, 280-315 ms
    without. numpy stays importable for anything else: it is hidden (ImportError) only while
    openpyxl is imported, and only if nothing has imported it."""
    if "numpy" in sys.modules or "openpyxl" in sys.modules:
        return
    sys.modules["numpy"] = None         # type: ignore[assignment]
    try:
        import openpyxl  # the first import: the one that reads NUMPY
    finally:
        del sys.modules["numpy"]


_openpyxl_without_numpy()       # before the imports below, which import openpyxl

from lxml import etree
from openpyxl import Workbook
from openpyxl.cell._writer import etree_write_cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

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


SHARED_STRINGS = "xl/sharedStrings.xml"
SHARED_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


class _Parts:
    """Where openpyxl's ExcelWriter puts the package's parts: kept in memory in the order written,
    not zipped (stable_zip zips them once, after the rewrites; a ZipFile here had deflated every
    part only for `_save` to inflate it again). The methods of a ZipFile ExcelWriter calls."""

    def __init__(self) -> None:
        self.parts: dict[str, bytes] = {}

    def writestr(self, name: str, data: bytes | str) -> None:
        self.parts[name] = data.encode("utf-8") if isinstance(data, str) else data

    def namelist(self) -> list[str]:
        return list(self.parts)

    def close(self) -> None:
        pass


class _SheetWriter(WorksheetWriter):
    """openpyxl's worksheet writer, its XML kept in memory (not in a temporary file), and each
    cell of text written as Excel writes it: the index of the text in the workbook's
    shared-strings table (`strings`, in the order the texts first come), where openpyxl writes
    the text itself in the cell (an inline string: openpyxl 3.1 writes no shared strings at all;
    Excel rewrites such cells into the table when it next saves the file). Written so here, not
    by parsing openpyxl's XML again to move the texts, because that took a quarter of a
    workbook's time. openpyxl.worksheet._writer is private: pyproject.toml pins the 3.1
    releases, whose write_row this follows (a row's cells other than texts are written by
    openpyxl's own etree_write_cell)."""

    def __init__(self, ws, strings: dict[str, int]) -> None:
        self.strings = strings
        self.style_ids: dict[bytes, int] = {}
        super().__init__(ws, out=io.BytesIO())

    def write_row(self, xf, row, row_idx) -> None:
        """A row as one element; a style's index looked up once per style (openpyxl hashes the
        cell's style for every cell)."""
        attrs = {"r": f"{row_idx}"}
        attrs.update(self.ws.row_dimensions.get(row_idx, {}))
        element = etree.Element("row", attrs)
        other = _Appender(element)
        for cell in row:
            if cell._comment is not None:
                self.ws._comments.append(CommentRecord.from_cell(cell))
            value = cell._value
            style = cell._style
            styled = style is not None and any(style)
            if value is None and not styled and not cell._comment:
                continue
            if cell.data_type != "s" or not isinstance(value, str) or value == "":
                etree_write_cell(other, self.ws, cell, styled)
                continue
            attributes = {"r": cell.coordinate}
            if styled:
                key = style.tobytes()
                index = self.style_ids.get(key)
                if index is None:
                    index = self.style_ids[key] = cell.style_id
                attributes["s"] = f"{index}"
            attributes["t"] = "s"
            etree.SubElement(etree.SubElement(element, "c", attributes), "v").text = \
                str(self.strings.setdefault(value, len(self.strings)))
            if cell._hyperlink is not None:
                self.ws._hyperlinks.append(cell._hyperlink)                # as etree_write_cell does
        xf.write(element)


class _Appender:
    """What openpyxl's etree_write_cell writes a cell to (its `xf`): the row's element."""

    def __init__(self, element) -> None:
        self.write = element.append


class _PackageWriter(ExcelWriter):
    """openpyxl's writer of a workbook's package (openpyxl.writer.excel), writing into `_Parts`
    and each sheet with `_SheetWriter`, so that all texts go to one shared-strings table."""

    def __init__(self, book: Workbook) -> None:
        super().__init__(book, _Parts())
        self.strings: dict[str, int] = {}

    def write_worksheet(self, ws) -> None:
        """ExcelWriter.write_worksheet, for a workbook that is not write-only, with `_SheetWriter`."""
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _SheetWriter(ws, self.strings)
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


def _xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _save(book: Workbook, timestamp: dt.datetime) -> bytes:
    """The workbook's package, its bytes depending only on the workbook and `timestamp` (see
    `_parts`)."""
    return _zipped(*_parts(book, timestamp), timestamp)


def _parts(book: Workbook, timestamp: dt.datetime) -> tuple[dict[str, bytes], dict[str, int]]:
    """The workbook's parts but the shared-strings table, in the order openpyxl writes them, and
    its texts (text → index in the table). The sheets are parsed and serialised again by lxml,
    like the parts rewritten here: openpyxl writes them in ASCII, with character references and
    no XML declaration."""
    writer = _PackageWriter(book)
    writer.write_data()
    parts = writer._archive.parts
    rewrite = {"docProps/core.xml": package.core_dates(timestamp), "xl/styles.xml": _font_children_in_schema_order,
               "[Content_Types].xml": _with_shared_strings_type, "xl/_rels/workbook.xml.rels": _with_shared_strings_rel}
    for name in parts:
        if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
            parts[name] = _xml(etree.fromstring(parts[name]))
        elif name in rewrite:
            parts[name] = rewrite[name](parts[name])
    return parts, writer.strings


def _zipped(parts: dict[str, bytes | package.Raw], strings: dict[str, int], timestamp: dt.datetime) -> bytes:
    """The package of `parts` with the shared-strings table of `strings` after them, zipped once
    (stable_zip)."""
    entries = dict(parts)
    entries[SHARED_STRINGS] = _shared_strings(strings)
    return package.stable_zip(entries.items(), timestamp)


def _with_shared_strings_type(xml: bytes) -> bytes:
    """[Content_Types].xml naming the shared-strings table's type."""
    root = etree.fromstring(xml)
    override = etree.SubElement(root, f"{{{CONTENT_TYPES}}}Override")
    override.set("PartName", "/" + SHARED_STRINGS)
    override.set("ContentType", SHARED_TYPE)
    return _xml(root)


def _with_shared_strings_rel(xml: bytes) -> bytes:
    """The workbook's relationships with one more, to the shared-strings table (the first free rId)."""
    root = etree.fromstring(xml)
    ids = {rel.get("Id") for rel in root}
    relation = etree.SubElement(root, f"{{{RELATIONSHIPS}}}Relationship")
    relation.set("Type", SHARED_REL)
    relation.set("Target", "sharedStrings.xml")
    relation.set("Id", next(f"rId{n}" for n in range(1, len(ids) + 2) if f"rId{n}" not in ids))
    return _xml(root)


def _shared_strings(strings: dict[str, int]) -> bytes:
    """The shared-strings table, as Excel writes it: every text once, in the order of its index."""
    main = f"{{{SPREADSHEET}}}"
    table = etree.Element(f"{main}sst", nsmap={None: SPREADSHEET})
    table.set("count", str(len(strings)))
    table.set("uniqueCount", str(len(strings)))
    for text in strings:
        item = etree.SubElement(etree.SubElement(table, f"{main}si"), f"{main}t")
        item.text = text
        if text != text.strip() or "\n" in text:
            item.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return _xml(table)


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
        """A unit's follow-up workbook: a copy of the workbook laid out for every unit that
        reports on the same commitments (`FollowUpCopies`), or laid out whole where a copy would
        not give the same bytes."""
        copied = _follow_up_copies.copy(form, timestamp)
        return copied if copied is not None else _save(_follow_up_book(form, timestamp), timestamp)


def _follow_up_book(form: FollowUpWorkbook, timestamp: dt.datetime) -> Workbook:
    """The follow-up workbook laid out: the labelled cells, the commitments' table to fill in
    with its status list, the protected sheet, the instructions' sheet."""
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
    return book


STAND_IN = "\ue000"          # a private-use character: stand-ins are made of it (`FollowUpCopies`)


@dataclass(frozen=True)
class _FollowUpTemplate:
    blank: FollowUpWorkbook                      # the form without the unit's texts and subject
    timestamp: dt.datetime
    parts: dict[str, bytes | package.Raw]        # compressed, but docProps/core.xml
    strings: dict[str, int]
    stand_ins: tuple[str, ...]                   # in the order of `_unit_texts`


def _unit_texts(form: FollowUpWorkbook) -> tuple[str, ...]:
    """What differs between the units' workbooks: the locked values above the table (the unit's
    name, kommunkod, the period)."""
    return tuple(value for _label, value, to_fill in form.header if not to_fill and value)


def _with_texts(form: FollowUpWorkbook, texts: tuple[str | None, ...], subject: str | None) -> FollowUpWorkbook:
    given = iter(texts)
    header = tuple((label, next(given) if not to_fill and value else value, to_fill)
                   for label, value, to_fill in form.header)
    return replace(form, header=header, subject=subject)


def _all_texts(value: Any, into: set[str]) -> set[str]:
    if isinstance(value, str):
        into.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _all_texts(item, into)
    elif isinstance(value, (tuple, list)):
        for item in value:
            _all_texts(item, into)
    elif is_dataclass(value):
        for item in fields(value):
            _all_texts(getattr(value, item.name), into)
    return into


class FollowUpCopies:
    """Follow-up workbooks made as copies of one laid out for all units (a kommun's: 15 ms laid
    out with openpyxl, ~2 ms as a copy; 290 kommuner had spent 4.7 s of CPU on them).

    The units' workbooks differ only in the locked texts above the table (`_unit_texts`) and
    the subject in docProps/core.xml. The template is laid out once with a stand-in text for
    each, made of a private-use character and found in no other cell; a copy is the template's
    parts with the unit's texts at the stand-ins' places in the shared-strings table (the cells
    refer to texts by their index there) and its subject, the other parts copied compressed.
    A copy is made only where it gives the bytes the whole layout gives: every text as the cell
    keeps it (`neutralise` leaves it), none empty, none twice, none also in another cell (the
    table holds each text once, at its first place); otherwise the workbook is laid out whole.
    Per process, the last few templates are kept (a worker makes the kommuner's and the
    region's)."""

    KEPT = 4

    def __init__(self) -> None:
        self.templates: list[_FollowUpTemplate] = []

    def copy(self, form: FollowUpWorkbook, timestamp: dt.datetime) -> bytes | None:
        texts = _unit_texts(form)
        if not texts or not form.subject or len(set(texts)) != len(texts) or \
                any(neutralise(text) != text for text in texts):
            return None
        template = self._template(form, timestamp, len(texts))
        if template is None or any(text in template.strings for text in texts):
            return None
        by_stand_in = dict(zip(template.stand_ins, texts))
        strings = {by_stand_in.get(text, text): index for text, index in template.strings.items()}
        parts = dict(template.parts)
        parts["docProps/core.xml"] = package.core_subject(form.subject)(parts["docProps/core.xml"])
        return _zipped(parts, strings, timestamp)

    def _template(self, form: FollowUpWorkbook, timestamp: dt.datetime, count: int) -> _FollowUpTemplate | None:
        """The template for every form that is `form` but for the unit's texts and subject (None
        in their places: a key only, never laid out; an empty text there would be a form whose
        cell is empty)."""
        blank = _with_texts(form, (None,) * count, None)
        for index, template in enumerate(self.templates):
            if template.timestamp == timestamp and template.blank == blank:
                self.templates.insert(0, self.templates.pop(index))
                return template
        others = _all_texts(blank, set())
        stand_ins, mark = [], STAND_IN
        for number in range(count + 1):
            while f"{mark}{number}" in others:
                mark += STAND_IN
            stand_ins.append(f"{mark}{number}")
        parts, strings = _parts(_follow_up_book(_with_texts(form, tuple(stand_ins[:count]), stand_ins[count]),
                                                timestamp), timestamp)
        if any(stand_in not in strings for stand_in in stand_ins[:count]):
            return None
        kept = {name: data if name == "docProps/core.xml" else package.compressed(data)
                for name, data in parts.items()}
        template = _FollowUpTemplate(blank, timestamp, kept, strings, tuple(stand_ins[:count]))
        self.templates = [template, *self.templates[:self.KEPT - 1]]
        return template


_follow_up_copies = FollowUpCopies()


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
