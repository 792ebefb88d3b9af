"""The writer registry: one class per output format, registered here and only here."""

from __future__ import annotations

from samverkan.writers.base import Writer
from samverkan.writers.bundle import ZipWriter
from samverkan.writers.data import CsvWriter, JsonWriter, XlsxWriter
from samverkan.writers.docx import DocxWriter
from samverkan.writers.html import CssWriter, HtmlWriter, JsWriter
from samverkan.writers.pdf import PdfWriter

WRITERS: dict[str, type[Writer]] = {w.name: w for w in (DocxWriter, PdfWriter, CsvWriter, JsonWriter, XlsxWriter, ZipWriter)}
WRITERS.update({w.name: w for w in (HtmlWriter, CssWriter, JsWriter)})


def writer_for(name: str) -> Writer:
    return WRITERS[name]()


__all__ = ["WRITERS", "Writer", "writer_for"]
