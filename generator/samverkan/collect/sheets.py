"""What a filled-in workbook says, whatever saved it: Excel or LibreOffice as .xlsx, or
LibreOffice's own .ods. Read as cell texts per sheet (what the reader sees), within limits on
rows and columns: LibreOffice writes "the next million rows are empty" as one repeated row,
which is counted, never expanded."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from lxml import etree

from samverkan.collect.documents import cell_text, odt_text
from samverkan.collect.untrusted import Package, Rejected, whole_number

SUFFIXES = (".xlsx", ".ods")
MAX_ROWS = 20_000
MAX_COLUMNS = 200

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
# the largest sheets office programs make: Excel's and LibreOffice's 1 048 576 rows (16 777 216
# with LibreOffice's "very large spreadsheets") and 16 384 columns (XFD)
SHEET_ROWS = 16_777_216
SHEET_COLUMNS = 16_384


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], str]      # (row, column), 1-based → text; empty cells left out

    def value(self, row: int, column: int) -> str:
        return self.cells.get((row, column), "")

    def rows(self) -> int:
        return max((r for r, _ in self.cells), default=0)


def read_workbook(package: Package) -> list[Sheet]:
    if package.has("xl/workbook.xml"):
        return _xlsx(package)
    if package.has("mimetype") and package.read("mimetype").strip() == ODS_MIME:
        return _ods(package)
    raise Rejected("is not an Excel (.xlsx) or OpenDocument spreadsheet (.ods) workbook")


def _store(cells: dict, row: int, column: int, text: str) -> None:
    if not text:
        return
    if row > MAX_ROWS or column > MAX_COLUMNS:
        raise Rejected(f"has text beyond row {MAX_ROWS} or column {MAX_COLUMNS}; it is not a follow-up workbook")
    cells[(row, column)] = text


# --- xlsx ---------------------------------------------------------------------------------------

def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _xlsx_string(node: etree._Element) -> str:
    """A shared or inline string: its <t> texts (rich text runs joined; phonetic runs left out)."""
    return "".join(t.text or "" for t in node.iter(f"{MAIN}t")
                   if t.getparent() is not None and t.getparent().tag != f"{MAIN}rPh")


def _xlsx(package: Package) -> list[Sheet]:
    workbook = package.xml("xl/workbook.xml")
    targets = {}
    if package.has("xl/_rels/workbook.xml.rels"):
        for rel in package.xml("xl/_rels/workbook.xml.rels").iter(f"{PKG_REL}Relationship"):
            target = rel.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id")] = path
    shared: list[str] = []
    if package.has("xl/sharedStrings.xml"):
        shared = [_xlsx_string(si) for si in package.xml("xl/sharedStrings.xml").iter(f"{MAIN}si")]
    sheets = []
    for entry in workbook.iter(f"{MAIN}sheet"):
        path = targets.get(entry.get(f"{REL}id"))
        if not path or not package.has(path):
            continue
        cells: dict[tuple[int, int], str] = {}
        next_row = 0
        for row in package.xml(path).iter(f"{MAIN}row"):
            number = whole_number(row.get("r"), f"a row number in {path}", low=1, high=SHEET_ROWS,
                                  default=next_row + 1)
            next_row = number
            next_column = 0
            for cell in row.iter(f"{MAIN}c"):
                reference = cell.get("r")
                match = CELL_REF.match(reference or "")
                if reference is not None and (not match or _column_number(match.group(1)) > SHEET_COLUMNS):
                    raise Rejected(f"is damaged: a cell reference in {path} is {ascii(reference[:20])}, "
                                   "not a cell such as B3; save it again from the office program")
                column = _column_number(match.group(1)) if match else next_column + 1
                next_column = column
                kind = cell.get("t") or "n"
                value = cell.find(f"{MAIN}v")
                if kind == "inlineStr":
                    inline = cell.find(f"{MAIN}is")
                    text = _xlsx_string(inline) if inline is not None else ""
                elif kind == "s":
                    index = (value.text or "").strip() if value is not None else ""
                    text = shared[whole_number(index, f"a shared-string index in {path}",
                                               high=len(shared) - 1)] if index else ""
                else:
                    text = value.text or "" if value is not None else ""
                _store(cells, number, column, cell_text(text))
        sheets.append(Sheet(entry.get("name") or "", cells))
    return sheets


# --- ods ----------------------------------------------------------------------------------------

def _repeat(el: etree._Element, attribute: str, high: int) -> int:
    return whole_number(el.get(f"{TABLE}{attribute}"), f"table:{attribute} in content.xml", low=1, high=high,
                        default=1)


def _ods(package: Package) -> list[Sheet]:
    root = package.xml("content.xml")
    sheets = []
    for table in root.iter(f"{TABLE}table"):
        cells: dict[tuple[int, int], str] = {}
        row_number = 0
        for row in table.iter(f"{TABLE}table-row"):
            rows = _repeat(row, "number-rows-repeated", SHEET_ROWS)
            column = 0
            texts = []
            for cell in row:
                if cell.tag not in (f"{TABLE}table-cell", f"{TABLE}covered-table-cell"):
                    continue
                repeat = _repeat(cell, "number-columns-repeated", SHEET_COLUMNS)
                text = cell_text(odt_text(cell)) if cell.tag == f"{TABLE}table-cell" else ""
                if text:
                    texts.extend((column + k + 1, text) for k in range(min(repeat, MAX_COLUMNS + 1)))
                column += repeat
            for k in range(min(rows, MAX_ROWS + 1) if texts else 0):
                for col, text in texts:
                    _store(cells, row_number + k + 1, col, text)
            row_number += rows
        sheets.append(Sheet(table.get(f"{TABLE}name") or "", cells))
    return sheets
