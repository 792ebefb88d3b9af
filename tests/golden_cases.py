"""Golden outputs (like Pelican's tests/output): intermediates rendered from the fixture content,
kept in tests/golden/. After an intended change of templates or rendering, regenerate them with

    python tools/regenerate_golden.py

and review the diff (git diff tests/golden) like any other change."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from samverkan.content.loader import load_content
from samverkan.render import render_document
from samverkan.revisions import report_document
from samverkan.revisions.compare import compare_contents
from samverkan.revisions.sources import Version

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"


def _mini_agreement() -> str:
    return render_document(load_content(FIXTURES / "mini"), "agreement").markdown


def _versions_change_report() -> str:
    """The change report from tests/fixtures/versions/v1 to v2 (issue 6)."""
    old, new = (Version(name, load_content(FIXTURES / "versions" / name)) for name in ("v1", "v2"))
    return report_document(compare_contents(old.content, new.content), old, new,
                           {"agreement": "redline-testavtal-0.9-till-1.0-2027-01-15.docx"}).markdown


CASES: dict[str, Callable[[], str]] = {
    "mini-agreement.md": _mini_agreement,
    "versions-change-report.md": _versions_change_report,
}
