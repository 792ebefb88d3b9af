from __future__ import annotations

import shutil

import pytest

from tests.conftest import CONTENT


@pytest.fixture
def project(tmp_path):
    """A writable copy of the real content (tests may break it on purpose)."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target
