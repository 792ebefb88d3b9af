"""Fixtures shared by the revisions tests: the two fixture versions of tests/fixtures/versions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, write

VERSIONS = FIXTURES / "versions"


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    """Writable copies of the two fixture versions."""
    shutil.copytree(VERSIONS / "v1", tmp_path / "v1")
    shutil.copytree(VERSIONS / "v2", tmp_path / "v2")
    return tmp_path / "v1", tmp_path / "v2"


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    write(path, text.replace(old, new, 1))


def summary(changes) -> dict:
    """What the comparison found, in the plain terms the tests state it."""
    d = changes.documents[0]
    return {
        "metadata": [(f.field, f.old, f.new) for f in d.metadata],
        "history": [(h.status, (h.new or h.old).version) for h in d.history],
        "commitments": sorted((c.status, c.id, c.fields) for c in d.commitments),
        "sections": [(s.status, s.number, s.old_title, s.new_title) for s in d.sections],
        "paragraphs": [(p.status, p.old_section, p.new_section, p.old_text, p.new_text) for p in d.paragraphs],
        "tables": d.tables, "footnotes": d.footnotes, "names": d.names,
    }
