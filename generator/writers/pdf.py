"""PDF: intermediate → pandoc → Typst → the typst package, tagged PDF/UA-1 and PDF/A-2a."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import typst

from .. import pandoc
from ..errors import BuildFailed
from ..render import TEMPLATES, Intermediate
from .base import Writer

PDF_STANDARDS = ["ua-1", "a-2a"]


@lru_cache(maxsize=1)
def font_dirs() -> tuple[str, ...]:
    """Fonts come from a PyPI package, never from the system: same fonts, same bytes, anywhere."""
    import font_source_sans_pro

    return (str(Path(font_source_sans_pro.__file__).parent / "files"),)


def compile_typst(source: str, inputs: dict[str, str], timestamp: dt.datetime) -> bytes:
    try:
        return typst.compile(
            source.encode("utf-8"),
            font_paths=list(font_dirs()),
            ignore_system_fonts=True,
            sys_inputs=inputs,
            pdf_standards=PDF_STANDARDS,
            timestamp=int(timestamp.timestamp()),
        )
    except Exception as exc:  # typst raises its own error types with the diagnostics
        raise BuildFailed(f"typst could not make the PDF: {exc}") from exc


class PdfWriter(Writer):
    name = "pdf"
    suffix = ".pdf"
    accepts = Intermediate
    template = "document.typ"

    def typst_source(self, doc: Intermediate) -> str:
        args = [f"--template={TEMPLATES / self.template}"]
        if doc.meta.get("toc"):
            args.append("--toc")
        return pandoc.run(doc.markdown, "typst", args).decode("utf-8")

    def write(self, doc: Intermediate, timestamp: dt.datetime) -> bytes:
        meta = doc.meta
        inputs = {
            "author": str(meta.get("creator") or ""),
            "keywords": "\n".join(meta.get("keywords") or []),
            "date": str(meta.get("date-iso") or timestamp.date().isoformat()),
        }
        return compile_typst(self.typst_source(doc), inputs, timestamp)
