"""Where the repository keeps things (the package is installed editable, next to them)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
DEFAULT_CONTENT = REPO / "content"
DEFAULT_OUT = REPO / "output"
