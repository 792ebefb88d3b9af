"""A project's own `templates/document.typ`, tried before a build: a small document made into a
PDF with it exactly as the PDF writer does (pandoc with the template, then typst), and typst's
first error mapped from the generated source back to the template's line.

Run as a process of its own (`python -m samverkan.writers.typst_check TEMPLATE FONT_DIR…`,
from content/overrides.py): typst loads only where PDFs are made, never in the CLI's process.
It prints one JSON object: {} when the PDF was made, else {"line": N or null, "message": …}.
Mistakes inside a `$if(…)$` branch the small document does not take are found by the build,
which names the template in the same way (`locate`)."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

SAMPLE = "# Rubrik\n\nEtt stycke text.\n\n- en punkt\n"
SAMPLE_META = ("title=Titel", "subtitle=Undertitel", "lang=sv-SE")
WHERE = re.compile(r"┌─ [^\n]*?:(\d+):\d+")
PANDOC_VARIABLE = re.compile(r"\$[^$\n]*\$")


def locate(template: str, source: str, diagnostic: str) -> int | None:
    """The line of `template` that typst's error (`diagnostic`, on a line of the generated
    `source`) is on, when that line comes from the template: the same text, pandoc's
    variables in it standing for anything."""
    found = WHERE.search(diagnostic or "")
    lines = source.split("\n")
    if not found or not 0 < int(found.group(1)) <= len(lines):
        return None
    wanted = lines[int(found.group(1)) - 1].strip()
    if not wanted:
        return None
    for number, line in enumerate(template.split("\n"), start=1):
        pattern = ".*".join(re.escape(part) for part in PANDOC_VARIABLE.split(line.strip()))
        if line.strip() and re.fullmatch(pattern, wanted):
            return number
    return None


def first_error(exc: BaseException) -> str:
    """typst's first error, one line."""
    cause = exc.__cause__ or exc
    return str(getattr(cause, "message", None) or cause).split("\n")[0]


def check(template: Path, font_dirs: tuple[str, ...]) -> dict:
    from samverkan.errors import BuildFailed
    from samverkan.writers import pandoc
    from samverkan.writers.pdf import compile_typst

    args = [f"--template={template}", "--standalone", *(f"--metadata={m}" for m in SAMPLE_META)]
    try:
        source = pandoc.run(SAMPLE, "typst", args).decode("utf-8")
    except Exception as exc:       # pandoc's own template syntax ($if$ without $endif$, …)
        return {"line": None, "message": f"pandoc cannot use it as a template: {str(exc).strip().splitlines()[-1]}"}
    inputs = {"author": "", "keywords": "", "date": "2026-01-01"}
    try:
        compile_typst(source, inputs, dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), font_dirs)
    except BuildFailed as exc:
        diagnostic = getattr(exc.__cause__, "diagnostic", "") or ""
        return {"line": locate(template.read_text(encoding="utf-8"), source, diagnostic),
                "message": first_error(exc)}
    return {}


def main() -> None:
    template, *font_dirs = sys.argv[1:]
    print(json.dumps(check(Path(template), tuple(font_dirs)), ensure_ascii=False))


if __name__ == "__main__":
    main()
