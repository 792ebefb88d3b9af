"""The writer registry: one class per output format, registered here and only here.

A writer's module is imported when its format is first asked for: the main process of a build
renders and schedules but writes nothing, so it never loads python-docx, openpyxl or typst
(a fifth of a second at every start); the build's workers have them preloaded (`MODULES`).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import TYPE_CHECKING

from samverkan.registry import LazyRegistry

if TYPE_CHECKING:       # writers/base.py loads the renderer: not for a manifest's format names
    from samverkan.writers.base import Writer

# format → (module, class); the class's `name` is the format
_WHERE: dict[str, tuple[str, str]] = {
    "docx": ("samverkan.writers.docx", "DocxWriter"),
    "pdf": ("samverkan.writers.pdf", "PdfWriter"),
    "csv": ("samverkan.writers.data", "CsvWriter"),
    "json": ("samverkan.writers.data", "JsonWriter"),
    "xlsx": ("samverkan.writers.data", "XlsxWriter"),
    "zip": ("samverkan.writers.bundle", "ZipWriter"),
    "html": ("samverkan.writers.html", "HtmlWriter"),
    "css": ("samverkan.writers.html", "CssWriter"),
    "js": ("samverkan.writers.html", "JsWriter"),
}
MODULES = tuple(sorted({module for module, _ in _WHERE.values()}))
# Formats whose file takes a few milliseconds (a web page, a workbook): the build sends several
# in one task (engine/plan.py `batched`), not a task each
SMALL = frozenset({"html", "xlsx"})


WRITERS: Mapping[str, type[Writer]] = LazyRegistry(_WHERE, "writer")


def __getattr__(name: str):
    if name == "Writer":
        from samverkan.writers.base import Writer

        return Writer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_all() -> None:
    """Import every writer now (where files are made in this process, as the forkserver does
    for the workers), so that no task's time includes an import."""
    for module in MODULES:
        import_module(module)


def writer_for(name: str) -> Writer:
    return WRITERS[name]()


__all__ = ["MODULES", "SMALL", "WRITERS", "Writer", "load_all", "writer_for"]
