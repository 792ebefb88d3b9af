"""Plain-text helpers used at every layer: normalising typed text, and slugs for file names
and lookups."""

from __future__ import annotations

import re
import unicodedata

# White space that only separates words: runs of it become one space. Every other space
# character (no-break space U+00A0, narrow no-break space U+202F, figure space U+2007, thin
# space U+2009, …) was typed on purpose ("10 000 kr", "5 §") and is kept as it is.
COLLAPSIBLE_SPACE = re.compile(r"[ \t\n\r\f\v\x85\u2028\u2029]+")

# A part of a file name made from content (a slug, a version): short enough that every file
# name built from a few of them stays far below the 255 bytes file systems allow.
FILE_PART_MAX = 60


def normalise(text: str) -> str:
    """NFC, single spaces between words, no space of any kind at either end; the spaces typed
    between words on purpose are kept."""
    return COLLAPSIBLE_SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def slugify(text: str, limit: int | None = None) -> str:
    """"Upplands Väsby" → "upplands-vasby" (file names and lookups). With `limit`, cut at
    the last word boundary within that many characters ("" when nothing is left)."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    if limit is not None and len(slug) > limit:
        cut = slug[:limit + 1]
        slug = cut[:cut.rfind("-")] if "-" in cut else slug[:limit]
    return slug.strip("-")


def fill(text: str, **values: object) -> str:
    """The content's wording with its placeholders filled in: "Visar {shown} av {total}"."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text
