from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build
from generator.content import load_content

from ..conftest import CONTENT


@pytest.fixture(scope="session")
def content():
    return load_content(CONTENT)


@pytest.fixture(scope="session")
def built_agreement(tmp_path_factory) -> dict[str, Path]:
    """The real agreement built once for the session: {"docx": path, "pdf": path, "out": dir}."""
    out = tmp_path_factory.mktemp("agreement")
    written = build(CONTENT, out, ["agreement"])
    files = {w.format: out / w.path for w in written}
    files["out"] = out
    return files
