"""PDF: intermediate → pandoc → Typst → the typst package, tagged PDF/UA-1 and PDF/A-2a."""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache

import typst

from .. import pandoc, pdffix
from ..errors import BuildFailed
from ..paths import TEMPLATES
from ..render import FilledDocument, Intermediate
from .base import PreparedFill, Writer

PDF_STANDARDS = ["ua-1", "a-2a"]


FONTS = TEMPLATES / "fonts"   # Source Sans Pro (SIL Open Font License, see LICENSE.txt there)


def font_dirs() -> tuple[str, ...]:
    """The PDFs use only the fonts in templates/fonts, never the system's: same fonts, same
    bytes, on any machine. A font the template names but this folder lacks is an error."""
    return (str(FONTS),)


@lru_cache(maxsize=1)
def compiler() -> typst.Compiler:
    """One compiler per process: fonts are read once, and typst reuses its work between PDFs."""
    return typst.Compiler(font_paths=list(font_dirs()), ignore_system_fonts=True)


def compile_typst(source: str, inputs: dict[str, str], timestamp: dt.datetime) -> bytes:
    """Compile; a warning (e.g. a font not found, which typst would quietly replace) is an error."""
    try:
        pdf, warnings = compiler().compile_with_warnings(input=source.encode("utf-8"), sys_inputs=inputs,
                                                         pdf_standards=PDF_STANDARDS,
                                                         timestamp=int(timestamp.timestamp()))
    except Exception as exc:  # typst raises its own error types with the diagnostics
        raise BuildFailed(f"typst could not make the PDF: {exc}") from exc
    if warnings:
        raise BuildFailed("typst warned while making the PDF: " + "; ".join(str(w) for w in warnings))
    return pdffix.fix_stream_line_ends(pdf)


class PdfWriter(Writer):
    name = "pdf"
    suffix = ".pdf"
    accepts = (Intermediate, FilledDocument, PreparedFill)

    def prepare(self, doc: Intermediate, timestamp: dt.datetime) -> tuple[str, dict[str, str]]:
        """The Typst source (pandoc) and the plain-text inputs of an intermediate."""
        meta = doc.meta
        args = [f"--template={TEMPLATES / 'document.typ'}", f"--lua-filter={TEMPLATES / 'typst-filter.lua'}"]
        if meta.get("toc"):
            args.append("--toc")
        inputs = {
            "author": str(meta.get("creator") or ""),
            "keywords": "\n".join(meta.get("keywords") or []),
            "date": str(meta.get("date-iso") or timestamp.date().isoformat()),
        }
        return pandoc.run(doc.markdown, "typst", args).decode("utf-8"), inputs

    def fill(self, prepared: tuple[str, dict[str, str]], values: dict[str, str], title: str,
             timestamp: dt.datetime) -> bytes:
        source, inputs = prepared
        return compile_typst(source, dict(inputs, fields=json.dumps(values, ensure_ascii=False)), timestamp)
