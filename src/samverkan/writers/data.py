"""Machine-readable and spreadsheet outputs of records: CSV, JSON and Excel (.xlsx)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

from lxml import etree
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from samverkan.ooxml import package
from samverkan.rules.records import Records
from samverkan.writers.base import Writer


class CsvWriter(Writer):
    """CSV that Swedish Excel opens correctly: UTF-8 with BOM, semicolons, CRLF."""

    name = "csv"
    suffix = ".csv"
    accepts = Records

    def write(self, records: Records, timestamp: dt.datetime) -> bytes:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow([c.label for c in records.columns])
        for row in records.rows:
            writer.writerow([row[c.key] for c in records.columns])
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


HEADER_FILL = PatternFill("solid", fgColor="DDE6EF")


class XlsxWriter(Writer):
    """A follow-up workbook: one row per record, status drop-down, frozen header, filters."""

    name = "xlsx"
    suffix = ".xlsx"
    accepts = Records

    def write(self, records: Records, timestamp: dt.datetime) -> bytes:
        follow = records.follow_up
        book = Workbook()
        sheet = book.active
        sheet.title = follow.sheet if follow else "Data"
        labels = [c.label for c in records.columns] + (list(follow.labels) if follow else [])
        sheet.append(labels)
        for row in records.rows:
            sheet.append([row[c.key] for c in records.columns] + (["", "", ""] if follow else []))
        last_row = len(records.rows) + 1
        last_col = get_column_letter(len(labels))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        widths = [c.width for c in records.columns] + ([16, 24, 50] if follow else [])
        wraps = [c.wrap for c in records.columns] + ([False, True, True] if follow else [])
        for index, (width, wrap) in enumerate(zip(widths, wraps), start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = width
            if wrap:
                for (cell,) in sheet.iter_rows(min_row=2, max_row=last_row, min_col=index, max_col=index):
                    cell.alignment = Alignment(vertical="top", wrap_text=True)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{last_col}{last_row}"
        sheet.print_title_rows = "1:1"
        if follow:
            status_col = get_column_letter(len(records.columns) + 1)
            options = ",".join(follow.status_options)
            validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True,
                                        showErrorMessage=True, errorTitle=follow.labels[0],
                                        error="Välj ett värde i listan: " + ", ".join(follow.status_options))
            validation.add(f"{status_col}2:{status_col}{last_row}")
            sheet.add_data_validation(validation)
            if follow.instructions:
                info = book.create_sheet("Instruktioner")
                info.column_dimensions["A"].width = 110
                info.append([records.title])
                info["A1"].font = Font(bold=True, size=13)
                for line in follow.instructions:
                    info.append([line])
                for (cell,) in info.iter_rows(min_row=2):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        props = book.properties
        props.title = records.title
        props.subject = records.subject
        props.creator = records.author
        props.lastModifiedBy = records.author
        props.language = "sv-SE"
        naive = timestamp.astimezone(dt.timezone.utc).replace(tzinfo=None)
        props.created = naive
        props.modified = naive
        buffer = io.BytesIO()
        book.save(buffer)
        return package.normalised(buffer.getvalue(), timestamp, {"docProps/core.xml": package.core_dates(timestamp),
                                                                 "xl/styles.xml": _font_children_in_schema_order})


SPREADSHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
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
