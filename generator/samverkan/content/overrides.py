"""A project's template overrides (its `templates/` beside `content/`), checked when the
content is loaded, so by `samverkan check` and by `samverkan build` alike: each problem is one
message naming the override file, its line where there is one, and what to do — instead of
pandoc's Haskell backtrace, a TypeError deep in the Word writer, a font silently ignored, or
Typst's and Jinja's errors without the file or line.

- `reference.docx`: a Word package (read by the untrusted reader, collect/untrusted.py), with
  styles (word/styles.xml), a page size and margins (the layout's text width comes from
  them), and every embedded font readable (fontmetrics.py; FontUnreadable).
- `fonts/*`: every font file readable by fontTools; a damaged one is refused, never left for
  Typst to skip without a word.
- `*.j2`: Jinja syntax, with the line of the mistake.
- `document.typ`: a small document made into a PDF with it, as the PDF writer does, in a
  process of its own (writers/typst_check.py: typst stays out of the CLI's process; about two
  seconds, only for a project that overrides it); typst's error with the template's line.

Only the project's own files are checked; the packaged templates are samverkan's, tested. So
is an override with the very bytes of the packaged file it replaces (a project that copied the
whole templates folder, as the hint below says, and changed a few files): checking those again
cost every build and every `samverkan serve` rebuild 1.4 s (typst's trial PDF, Jinja, fontTools).
"""

from __future__ import annotations

import re
from pathlib import Path

from samverkan.errors import Location, Problems

FONT_SUFFIXES = (".otf", ".ttf", ".otc", ".ttc")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
EMBEDS = ("embedRegular", "embedBold", "embedItalic", "embedBoldItalic")
COPY_HINT = ("copy the packaged file again (`python -c \"import samverkan.project as p; print(p.packaged('templates'))\"` "
             "prints where it is) and redo your changes, or delete the override to use the packaged one")


def check_overrides(templates, problems: Problems) -> None:
    """Report every override that cannot be used (see the module)."""
    from samverkan.project import TEMPLATES, packaged

    for override in templates.overrides():
        name, path = override.name, override.path
        if override.replaces and _same_bytes(path, packaged(TEMPLATES) / name):
            continue
        if name == "reference.docx":
            _reference_docx(path, problems)
        elif name.startswith("fonts/") and path.suffix.lower() in FONT_SUFFIXES:
            _font(path, problems)
        elif name.endswith(".j2"):
            _jinja(path, problems)
        elif name == "document.typ":
            _typst(path, templates.font_dirs(), problems)


def _same_bytes(path: Path, packaged_file: Path) -> bool:
    """The override is the packaged file, byte for byte (a file that cannot be read is not:
    its check says why)."""
    try:
        return path.stat().st_size == packaged_file.stat().st_size and path.read_bytes() == packaged_file.read_bytes()
    except OSError:
        return False


def _reference_docx(path: Path, problems: Problems) -> None:
    from samverkan.collect.untrusted import Package, Rejected, whole_number

    def refuse(what: str) -> None:
        problems.add(Location(path), f"{path.name} {what}; pandoc cannot make Word files with it",
                     "save the file from Word as a Word document (.docx), or " + COPY_HINT)

    try:
        package = Package(path.read_bytes(), "Word file (.docx)")
        if not package.has("word/styles.xml"):
            return refuse("has no styles (word/styles.xml): it is not a Word template")
        package.xml("word/styles.xml")
        if not package.has("word/document.xml"):
            return refuse("has no text part (word/document.xml)")
        body = package.xml("word/document.xml").find(f"{W}body")
        section = body.find(f"{W}sectPr") if body is not None else None
        size = section.find(f"{W}pgSz") if section is not None else None
        margins = section.find(f"{W}pgMar") if section is not None else None
        if size is None or margins is None:
            return refuse("has no page size and margins (w:pgSz, w:pgMar in word/document.xml)")
        for element, attribute in ((size, "w"), (margins, "left"), (margins, "right")):
            whole_number(element.get(f"{W}{attribute}"), f"w:{attribute} of the page (word/document.xml)",
                         high=31_680)                   # 22 inches in twips, Word's largest page
        _embedded_fonts(path, package, problems)
    except Rejected as exc:
        refuse(exc.message)
    except OSError as exc:
        refuse(f"cannot be read ({exc.strerror or exc})")


def _embedded_fonts(path: Path, package, problems: Problems) -> None:
    """Each font embedded in the template (word/fontTable.xml) de-obfuscated (ECMA-376 17.8.1)
    and read by fontmetrics, as the Word writer reads it."""
    from samverkan.errors import FontUnreadable
    from samverkan.fontmetrics import metrics

    if not (package.has("word/fontTable.xml") and package.has("word/_rels/fontTable.xml.rels")):
        return
    # the Word writer's own de-obfuscation (python-docx loads with it: only for a project's own
    # reference.docx that embeds fonts)
    from samverkan.ooxml.fonts import obfuscate
    targets = {rel.get("Id"): "word/" + (rel.get("Target") or "").lstrip("/").removeprefix("word/")
               for rel in package.xml("word/_rels/fontTable.xml.rels").iter(f"{PKG_REL}Relationship")}
    for font in package.xml("word/fontTable.xml").iter(f"{W}font"):
        for tag in EMBEDS:
            embed = font.find(f"{W}{tag}")
            part = targets.get(embed.get(f"{R}id")) if embed is not None else None
            if part is None:
                continue
            name = f"{font.get(f'{W}name')} ({tag.removeprefix('embed')}, {part})"
            try:
                metrics(obfuscate(package.read(part), embed.get(f"{W}fontKey") or ""), name)
            except (FontUnreadable, ValueError):
                problems.add(Location(path), f"{path.name}: the embedded font {name} cannot be read (damaged, or "
                                             "not a TrueType or OpenType font)",
                             "embed the font again from Word (File → Options → Save → Embed fonts), or " + COPY_HINT)


def _font(path: Path, problems: Problems) -> None:
    from samverkan.errors import FontUnreadable
    from samverkan.fontmetrics import read_font

    try:
        read_font(path.read_bytes(), str(path), lambda font: (font.getBestCmap(), font["head"].unitsPerEm,
                                                              font["name"].getBestFamilyName()))
    except (FontUnreadable, OSError):
        problems.add(Location(path), f"the font {path.name} cannot be read: the file is damaged or not a TrueType or "
                                     "OpenType font, so the documents could not use it",
                     "replace it with an intact .ttf or .otf file, or delete it to use the packaged fonts")


def _jinja(path: Path, problems: Problems) -> None:
    import jinja2

    try:
        source = path.read_text(encoding="utf-8")
        jinja2.Environment(extensions=["jinja2.ext.do"]).parse(source, path.name, str(path))
    except jinja2.TemplateSyntaxError as exc:
        problems.add(Location(path, exc.lineno), f"Jinja syntax error in the template: {exc.message}",
                     "fix the template at this line (a {% … %} or {{ … }} left open or misspelt), or " + COPY_HINT)
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(Location(path), f"the template cannot be read ({getattr(exc, 'strerror', None) or exc})",
                     "save it as UTF-8 text, or " + COPY_HINT)


def _typst(path: Path, font_dirs: tuple[str, ...], problems: Problems) -> None:
    import json
    import subprocess
    import sys

    try:
        done = subprocess.run([sys.executable, "-m", "samverkan.writers.typst_check", str(path), *font_dirs],
                              capture_output=True, text=True, timeout=300)
        found = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else \
            {"line": None, "message": (done.stderr.strip().splitlines() or ["it stopped"])[-1]}
    except (OSError, ValueError, IndexError, subprocess.TimeoutExpired) as exc:
        found = {"line": None, "message": f"it could not be tried ({exc})"}
    if found:
        problems.add(Location(path, found.get("line")), f"typst cannot make a PDF with this template: "
                                                        f"{found.get('message')}",
                     "fix the template at this line (a bracket, parenthesis or quote left open, a '#' too many), "
                     "or " + COPY_HINT)
