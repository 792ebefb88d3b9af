"""PDF: intermediate → pandoc → Typst → the typst package, tagged PDF/UA-1 and PDF/A-2a."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import typst

from samverkan.writers import pandoc, pdffix
from samverkan.errors import BuildFailed
from samverkan.render import FilledDocument, Intermediate
from samverkan.writers.base import Writer

PDF_STANDARDS = ["ua-1", "a-2a"]


class _Compiler:
    """A typst compiler, the sys.inputs it was last given (typst keeps them) and the folder its
    source is read from.

    The source, the field values (fields.json) and the document's plain-text metadata
    (document.json: author, keywords, date) are files of a folder of their own (made for each
    compile and removed after it, so nothing is left behind), not bytes handed over with every
    compile: given bytes, typst parses the whole source again for every copy; reading the same
    file again it keeps its parse (a routine's PDF copy: ~0.7 ms less of ~10).

    The metadata is a file, not sys.inputs: typst rebuilds its whole library for other
    sys.inputs, and in an order of its own each time (a hash map's), so everything it had kept
    was lost whenever a worker went from one routine template to another, even back to one it
    had done (an interleaved copy: 50-70 ms, against 15-20 ms with the same sys.inputs). Every
    document now gets the same (none). A project's document.typ copied from an earlier
    samverkan reads them from sys.inputs: a source that names `inputs` anywhere (`legacy_inputs`)
    is given them as before."""

    def __init__(self, font_dirs: tuple[str, ...]):
        self.typst = typst.Compiler(font_paths=list(font_dirs), ignore_system_fonts=True)
        self.inputs: dict[str, str] | None = None
        self.folder: Path | None = None      # where typst was told its source is
        remove_abandoned_folders()

    def compile(self, source: str, fields: str, inputs: dict[str, str], timestamp: int) -> tuple[bytes, list]:
        """The PDF of `source` and typst's warnings."""
        return self._in_folder(source, fields, inputs, lambda given: self.typst.compile_with_warnings(
            **given, pdf_standards=PDF_STANDARDS, timestamp=timestamp))

    def query(self, source: str, inputs: dict[str, str], selector: str) -> str:
        """typst's answer (JSON) for `selector` in the document `source`. typst's query takes no
        source or inputs: it asks about the last document compiled. So unless that was this
        one, it is compiled first (a PDF without tags, thrown away); then the PDF made from the
        same text after it reuses typst's layout, and so does the query after the PDF."""
        def ask(given: dict) -> str:
            if given["input"] is not None or given["sys_inputs"] is not ...:
                self.typst.compile(**given, pdf_standards=[], pdf_tags=False)
            return self.typst.query(selector, field="value", one=True)

        return self._in_folder(source, "{}", inputs, ask)

    def _in_folder(self, source: str, fields: str, inputs: dict[str, str], call):
        """`call` with the source, the field values and the metadata written in the compiler's
        folder, given the input, root and sys.inputs typst does not know yet (None or ... where
        it does)."""
        given = dict(inputs) if legacy_inputs(source) else {}
        keep = self.inputs == given
        folder = None
        try:
            folder = self._make_folder()
            (folder / "main.typ").write_text(source, encoding="utf-8")
            (folder / "fields.json").write_text(fields, encoding="utf-8")
            (folder / "document.json").write_text(json.dumps(inputs, ensure_ascii=False, sort_keys=True),
                                                  encoding="utf-8")
        except OSError as exc:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            raise BuildFailed(f"could not write typst's source in {folder or tempfile.gettempdir()} "
                              f"({exc.strerror or exc}); make the temporary folder writable and not full, "
                              "or name another one in TMPDIR") from exc
        known = folder == self.folder
        try:
            result = call({"input": None if known else str(folder / "main.typ"), "root": None if known else str(folder),
                           "sys_inputs": ... if keep else given})
        except Exception:
            self.inputs = self.folder = None   # not known what typst kept: give everything again next time
            raise
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        self.inputs, self.folder = given, folder
        return result

    def _make_folder(self) -> Path:
        """The folder of the last compile again (typst knows it), else a new one."""
        if self.folder is not None:
            try:
                self.folder.mkdir(mode=0o700)
                return self.folder
            except OSError:
                pass
        return Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))


FOLDER_PREFIX = "samverkan-typst-"


def legacy_inputs(source: str) -> bool:
    """Whether a Typst source may read sys.inputs (a project's document.typ from before they
    came in document.json): it names `inputs` anywhere. A false alarm (a text about "inputs")
    costs only typst's reuse between documents, never the metadata."""
    return "inputs" in source


def remove_abandoned_folders() -> None:
    """The source folders of processes that are gone (a worker killed with kill -9 in the
    middle of a compile leaves its folder): each folder's name holds its process's id."""
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*-*"):
        owner = folder.name[len(FOLDER_PREFIX):].split("-", 1)[0]
        if not (owner.isascii() and owner.isdigit()) or int(owner) == os.getpid():   # "²" passes isdigit()
            continue
        try:
            os.kill(int(owner), 0)
            continue                         # the process is alive: its folder is in use
        except ProcessLookupError:
            pass
        except OSError:                      # another user's process: not ours to clean
            continue
        shutil.rmtree(folder, ignore_errors=True)


@lru_cache(maxsize=4)
def compiler(font_dirs: tuple[str, ...]) -> _Compiler:
    """One compiler per process and set of fonts: fonts are read once, and typst reuses its work
    between PDFs. The PDFs use only the templates' fonts (templates/fonts: Source Sans Pro, SIL
    Open Font License), never the system's: same fonts, same bytes, on any machine."""
    return _Compiler(font_dirs)


def compile_typst(source: str, inputs: dict[str, str], timestamp: dt.datetime, font_dirs: tuple[str, ...],
                  fields: str = "{}") -> bytes:
    """Compile; a warning (e.g. a font not found, which typst would quietly replace) is an error.

    `fields` (JSON: the values of the fill-in fields) reaches the template as the file
    fields.json, `inputs` (the plain-text metadata) as document.json (see `_Compiler`)."""
    try:
        pdf, warnings = compiler(font_dirs).compile(source, fields, inputs, int(timestamp.timestamp()))
    except BuildFailed:
        raise
    except Exception as exc:  # typst raises its own error types with the diagnostics
        raise BuildFailed(f"typst could not make the PDF: {exc}") from exc
    if warnings:
        raise BuildFailed("typst warned while making the PDF: " + "; ".join(str(w) for w in warnings))
    return pdffix.fix_stream_line_ends(pdf)


# Appended to a document's Typst source to ask where its headings land: (label, page) of every
# heading in the table of contents (see `heading_pages`).
HEADING_PAGES = "samverkan-heading-pages"
HEADING_PAGES_QUERY = f"""
#context [#metadata(query(heading.where(outlined: true)).filter(h => h.has("label"))
  .map(h => (str(h.label), h.location().page())))<{HEADING_PAGES}>]
"""


def heading_pages(doc: Intermediate, timestamp: dt.datetime) -> dict[str, int]:
    """The page of every heading of the table of contents in the PDF made from `doc`, by the
    heading's id (the Word writer gives the same headings the same ids as bookmarks): the
    page numbers a Word table of contents shows before Word updates its fields. Asked of the
    compiler that makes the PDF, which lays the document out once for both."""
    source, inputs, fonts = PdfWriter().prepare(doc, timestamp)
    try:
        found = compiler(fonts).query(source + HEADING_PAGES_QUERY, inputs, f"<{HEADING_PAGES}>")
    except BuildFailed:
        raise
    except Exception as exc:  # typst raises its own error types with the diagnostics
        raise BuildFailed(f"typst could not lay out the document to number its table of contents: {exc}") from exc
    return {label: page for label, page in json.loads(found)}


class PdfWriter(Writer):
    name = "pdf"
    suffix = ".pdf"
    accepts = (Intermediate, FilledDocument)

    def pandoc_request(self, doc: Intermediate, timestamp: dt.datetime) -> pandoc.Request:
        args = [f"--template={doc.templates.path('document.typ')}",
                f"--lua-filter={doc.templates.path('typst-filter.lua')}"]
        if doc.meta.get("toc"):
            args.append("--toc")
        return pandoc.Request(pandoc.without_field_registry(doc.markdown), "typst", tuple(args))

    def prepare(self, doc: Intermediate, timestamp: dt.datetime) -> tuple[str, dict[str, str], tuple[str, ...]]:
        """The Typst source (pandoc), the plain-text inputs of an intermediate and its fonts."""
        meta = doc.meta
        inputs = {
            "author": str(meta.get("creator") or ""),
            "keywords": "\n".join(meta.get("keywords") or []),
            # The PDF's dates (Info dictionary and XMP) are the compile timestamp (document.typ:
            # date: auto), the build's one timestamp. "date" stays for project templates that read it.
            "date": timestamp.date().isoformat(),
        }
        request = self.pandoc_request(doc, timestamp)
        source = pandoc.run(request.markdown, request.to, list(request.args)).decode("utf-8")
        return source, inputs, doc.templates.font_dirs()

    def keep(self, prepared: tuple[str, dict[str, str], tuple[str, ...]]) -> bytes:
        """The Typst source and inputs (the fonts are the templates', found again on restore)."""
        source, inputs, _fonts = prepared
        return json.dumps({"source": source, "inputs": inputs}, ensure_ascii=False).encode("utf-8")

    def restore(self, payload: bytes, doc: Intermediate) -> tuple[str, dict[str, str], tuple[str, ...]]:
        kept = json.loads(payload.decode("utf-8"))
        source, inputs = (kept.get("source"), kept.get("inputs")) if isinstance(kept, dict) else (None, None)
        if not isinstance(source, str) or not isinstance(inputs, dict) or \
                not all(isinstance(k, str) and isinstance(v, str) for k, v in inputs.items()):
            raise ValueError("not a Typst source and its inputs")
        return source, inputs, doc.templates.font_dirs()

    def fill(self, prepared: tuple[str, dict[str, str], tuple[str, ...]], values: dict[str, str], title: str,
             timestamp: dt.datetime) -> bytes:
        source, inputs, fonts = prepared
        return compile_typst(source, inputs, timestamp, fonts, json.dumps(values, ensure_ascii=False))
