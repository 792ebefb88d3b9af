"""Characters the PDF fonts cannot show, found before anything is built.

The PDFs use only the template fonts (`templates/fonts/`, a project's own first); a
character none of them has (an emoji, a Chinese character) makes Typst fail the PDF, far
from the line that holds it. `check_glyphs` reads the fonts' character maps (fontTools)
and names every such character with file, line and code point, so that `check` finds what
`build` would fail on: both load the content the same way.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from samverkan.content.source import describe, forbidden
from samverkan.errors import Location, Problems

FONT_SUFFIXES = (".otf", ".ttf", ".otc", ".ttc")


def _faces(name: str) -> list:
    """The faces of a font file (a collection holds several), their tables read when asked for."""
    from fontTools.ttLib import TTCollection, TTFont

    return TTCollection(name).fonts if name.lower().endswith((".otc", ".ttc")) else [TTFont(name, lazy=True)]


@lru_cache(maxsize=8)
def _coverage(fonts: tuple[tuple[str, float], ...]) -> frozenset[int]:
    """The code points of the fonts: a packaged font's from fontmetrics' table (no fontTools in
    the build's main process), any other's read with fontTools."""
    from samverkan import fontmetrics

    codes: set[int] = set()
    for name, _ in fonts:
        try:
            listed = None if name.lower().endswith((".otc", ".ttc")) else \
                fontmetrics.characters(Path(name).read_bytes())
            if listed is not None:
                codes.update(listed)
                continue
            for face in _faces(name):
                codes.update(face.getBestCmap() or {})
        except Exception:   # a damaged font (its tables are read lazily): not counted; content/overrides.py says so
            continue
    return frozenset(codes)


@lru_cache(maxsize=8)
def _families(fonts: tuple[tuple[str, float], ...]) -> tuple[str, ...]:
    """The fonts' family names, for a message only: reading a font's name table makes fontTools
    import its OpenType tables (a third of the check's time; every build loads the content)."""
    families: list[str] = []
    for name, _ in fonts:
        try:
            for face in _faces(name):
                family = face["name"].getBestFamilyName() if "name" in face else None
                if family and family not in families:
                    families.append(family)
        except Exception:
            continue
    return tuple(families)


def _fonts(font_dirs: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    return tuple(sorted((str(path), path.stat().st_mtime) for folder in font_dirs for path in Path(folder).iterdir()
                        if path.suffix.lower() in FONT_SUFFIXES and path.is_file()))


def coverage(font_dirs: tuple[str, ...]) -> frozenset[int]:
    """Every code point the fonts in `font_dirs` can show."""
    return _coverage(_fonts(font_dirs))


def families(font_dirs: tuple[str, ...]) -> tuple[str, ...]:
    """The family names of the fonts in `font_dirs`."""
    return _families(_fonts(font_dirs))


def needs_glyph(char: str) -> bool:
    """White space and invisible format characters are laid out without a glyph; characters
    refused outright are reported elsewhere (source.py)."""
    return not (char.isspace() or unicodedata.category(char) in ("Cf", "Mn", "Me") or forbidden(char))


def missing(text: str, codes: frozenset[int]) -> list[str]:
    return sorted(c for c in set(text) if ord(c) not in codes and needs_glyph(c))


def check_glyphs(sources: dict[Path, str], font_dirs: tuple[str, ...], problems: Problems) -> None:
    """Report every line of the content files holding characters the PDF fonts lack. In a
    YAML file only the values count (comments never reach a document)."""
    if not font_dirs:
        return
    codes = coverage(font_dirs)
    if not codes:
        return
    fonts = None
    for path, text in sources.items():
        if not missing(text, codes):      # the usual case: one set operation per file
            continue
        fonts = fonts or ", ".join(families(font_dirs)) or "the PDF fonts"
        for line, chars in _lines_with(path, text, codes):
            names = ", ".join(describe(c) for c in chars)
            problems.add(Location(path, line), f"{names} cannot be shown in the PDF: the fonts ({fonts}) "
                                               "have no such character",
                         "write it another way (a word instead of an emoji or symbol), or add a font that has it "
                         "to the project's templates/fonts/")


def _lines_with(path: Path, text: str, codes: frozenset[int]) -> list[tuple[int, list[str]]]:
    lines = text.split("\n")
    if path.suffix.lower() not in (".yaml", ".yml"):
        spans = [(number, line) for number, line in enumerate(lines, start=1)]
    else:
        spans = []
        try:
            for token in yaml.scan(text, Loader=yaml.SafeLoader):
                if isinstance(token, yaml.ScalarToken):
                    first = token.start_mark.line
                    raw = text[token.start_mark.index:token.end_mark.index].split("\n")
                    spans += [(first + 1 + k, part) for k, part in enumerate(raw)]
                    # characters written as escapes ("\U0001F600") appear only in the value
                    if missing(token.value, codes) and not missing("\n".join(raw), codes):
                        spans.append((first + 1, token.value))
        except yaml.YAMLError:    # the file's syntax error is reported already
            return []
    found: dict[int, set[str]] = {}
    for number, part in spans:
        chars = missing(part, codes)
        if chars:
            found.setdefault(number, set()).update(chars)
    return [(number, sorted(chars)) for number, chars in sorted(found.items())]
