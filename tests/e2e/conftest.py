from __future__ import annotations

from pathlib import Path

import pytest

from samverkan.build import build
from samverkan.content.loader import load_content

from tests.conftest import CONTENT


@pytest.fixture(scope="session")
def content():
    return load_content(CONTENT)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict:
    """The real agreements and commitment tables, built once for the session:
    {(kind, format): path, ..., "out": folder}."""
    out = tmp_path_factory.mktemp("built")
    written = build(CONTENT, out, ["agreement", "supplement", "commitments"])
    files: dict = {(w.kind, w.format): out / w.path for w in written}
    files["out"] = out
    return files


@pytest.fixture(scope="session")
def built_agreement(built) -> dict[str, Path]:
    return {"docx": built[("agreement", "docx")], "pdf": built[("agreement", "pdf")], "out": built["out"]}


@pytest.fixture(scope="session")
def built_routines(tmp_path_factory):
    """Every routine template of every kommun and stadsdel, built once for the session:
    (output folder, written files)."""
    out = tmp_path_factory.mktemp("routines")
    return out, build(CONTENT, out, ["routines"])


@pytest.fixture(scope="session")
def built_remiss(tmp_path_factory):
    """The remiss (editions, cover letter, response form), built once for the session."""
    import datetime as dt

    from samverkan.targets import BuildOptions

    out = tmp_path_factory.mktemp("remiss")
    written = build(CONTENT, out, ["remiss"], options=BuildOptions({"deadline": dt.date(2027, 1, 29)}))
    return out, written
