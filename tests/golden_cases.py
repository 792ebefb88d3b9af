"""Golden outputs (like Pelican's tests/output): intermediates rendered from the fixture content,
kept in tests/golden/. After an intended change of templates or rendering, regenerate them with

    python tools/regenerate_golden.py

and review the diff (git diff tests/golden) like any other change."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from generator.content import load_content
from generator.render import render_document

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"


def _mini_agreement() -> str:
    return render_document(load_content(FIXTURES / "mini"), "agreement").markdown


CASES: dict[str, Callable[[], str]] = {
    "mini-agreement.md": _mini_agreement,
}
