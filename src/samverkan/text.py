"""Plain-text helpers used at every layer: normalising typed text, and slugs for file names
and lookups."""

from __future__ import annotations

import re
import unicodedata


def normalise(text: str) -> str:
    """NFC, single spaces, no leading/trailing space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def slugify(text: str) -> str:
    """"Upplands Väsby" → "upplands-vasby" (file names and lookups)."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
