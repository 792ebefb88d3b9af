"""A project's own `templates/document.typ`, tried before a build: a small document made into a
PDF with it exactly as the PDF writer does (pandoc with the template, then typst), and typst's
first error mapped from the generated source back to the template's line.

Run as a process of its own (`python -m samverkan.writers.typst_check TEMPLATE FONT_DIR…`,
from content/overrides.py): typst loads only where PDFs are made, never in the CLI's process.
It prints one JSON object: {} when the PDF was made, else {"line": N or null, "message": …}.
Three small documents take the template's branches between them (`SAMPLES`); a mistake in a
branch none of them takes is found by the build, without the template's line."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

BODY = "# Rubrik\n\nEtt stycke text.\n\n- en punkt\n"
# Small documents that take the template's branches between them: plain; with every variable
# the documents set (title page, header, watermark, table of contents); a letter (no title
# page, a letterhead). Front matter, as the intermediates carry it.
SAMPLES = (
    "---\ntitle: Titel\nlang: sv-SE\n---\n\n" + BODY,
    "---\ntitle: Titel\nsubtitle: Undertitel\nlang: sv-SE\nheader: Sidhuvud\nheader-field:\n  tag: kommun\n"
    "  placeholder: Kommun\nwatermark: UTKAST\npage-label: Sida\nchapter-break: true\ntoc: true\n"
    "toc-title: Innehåll\ntitlepage: [Rad ett, Rad två]\nparties: [Regionen, Kommunerna]\n---\n\n" + BODY,
    "---\ntitle: Brev\nlang: sv-SE\nno-title-page: true\nletterhead:\n  sender: [Avsändare, Adress]\n"
    "  facts: [Datum, Diarienummer]\n---\n\n" + BODY,
)
WHERE = re.compile(r"┌─ [^\n]*?:(\d+):\d+")
PANDOC_VARIABLE = re.compile(r"\$[^$\n]*\$")


def locate(template: str, source: str, diagnostic: str) -> int | None:
    """The line of `template` that typst's error (`diagnostic`, on a line of the generated
    `source`) is on, when that line comes from the template: the same text with pandoc's
    variables standing for anything, else the most alike line (a `$if$…$else$…$endif$` on
    one line keeps only one branch), if it is alike enough."""
    import difflib

    found = WHERE.search(diagnostic or "")
    lines = source.split("\n")
    if not found or not 0 < int(found.group(1)) <= len(lines):
        return None
    wanted = lines[int(found.group(1)) - 1].strip()
    if not wanted:
        return None
    best, score = None, 0.6
    for number, line in enumerate(template.split("\n"), start=1):
        parts = PANDOC_VARIABLE.split(line.strip())
        if not "".join(parts).strip():
            continue                        # only pandoc's directives: no text of the template's own
        if re.fullmatch(".*".join(re.escape(part) for part in parts), wanted):
            return number
        ratio = difflib.SequenceMatcher(None, "".join(parts), wanted).ratio()
        if ratio > score:
            best, score = number, ratio
    return best


def first_error(exc: BaseException) -> str:
    """typst's first error, one line."""
    cause = exc.__cause__ or exc
    return str(getattr(cause, "message", None) or cause).split("\n")[0]


def check(template: Path, font_dirs: tuple[str, ...]) -> dict:
    from samverkan.errors import BuildFailed
    from samverkan.writers import pandoc
    from samverkan.writers.pdf import compile_typst

    text = template.read_text(encoding="utf-8")
    inputs = {"author": "", "keywords": "", "date": "2026-01-01"}
    for sample in SAMPLES:
        args = [f"--template={template}", "--standalone"] + (["--toc"] if "\ntoc: true" in sample else [])
        try:
            source = pandoc.run(sample, "typst", args).decode("utf-8")
        except Exception as exc:       # pandoc's own template syntax ($if$ without $endif$, …)
            return {"line": None, "message": f"pandoc cannot use it as a template: "
                                             f"{(str(exc).strip().splitlines() or ['?'])[-1]}"}
        try:
            compile_typst(source, inputs, dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), font_dirs)
        except BuildFailed as exc:
            diagnostic = getattr(exc.__cause__, "diagnostic", "") or ""
            return {"line": locate(text, source, diagnostic), "message": first_error(exc)}
    return {}


def main() -> None:
    template, *font_dirs = sys.argv[1:]
    print(json.dumps(check(Path(template), tuple(font_dirs)), ensure_ascii=False))


if __name__ == "__main__":
    main()
