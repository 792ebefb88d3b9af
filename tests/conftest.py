from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CONTENT = ROOT / "content"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the small fixture content (tests may break it on purpose)."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "mini", target)
    return target


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problem_text(root: Path) -> str:
    """Every problem loading the content at `root` reports, a line each, as `check` prints them."""
    from samverkan.content.loader import load_content
    from samverkan.errors import ContentInvalid

    with pytest.raises(ContentInvalid) as info:
        load_content(root)
    return "\n".join(p.display(root) for p in info.value.problems)


def line_of(text: str, start: str) -> int:
    """The number of the first line of `text` that starts with `start`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(start))


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A project made by `samverkan init` (the packaged example): 29 files, routines for four
    units (two kommuner, two stadsdelar)."""
    import datetime as dt

    from samverkan.scaffold import init_project

    init_project(tmp_path / "project", today=dt.date(2026, 11, 24))
    return tmp_path / "project"
