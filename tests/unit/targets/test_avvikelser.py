"""targets/avvikelser.py: the avvikelse form's job, and the compilation kept off the public site
unless the content says so."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from samverkan import scaffold
from samverkan.content import load_content
from samverkan.targets import BuildOptions
from samverkan.targets.avvikelser import AvvikelserTarget, hints
from samverkan.targets.site import SiteTarget


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    folder = tmp_path_factory.mktemp("example") / "p"
    scaffold.init_project(folder, "Region Test", today=dt.date(2026, 3, 1))
    return load_content(folder / "content")


def entry(path: str, kind: str) -> dict:
    return {"path": path, "kind": kind, "format": path.rsplit(".", 1)[1], "title": kind, "kommun": None,
            "sha256": "0" * 64, "bytes": 10}


def test_the_form_is_one_word_file_named_by_its_version(example):
    (job,) = AvvikelserTarget().jobs(example, BuildOptions())
    assert (job.path, job.format, job.kind) == ("avvikelser/avvikelserapport-v1.docx", "docx", "avvikelse-form")
    assert hints(example.avvikelser)["kind"].startswith("En av: Information eller kommunikation brast; ")


@pytest.mark.parametrize("publish", [False, True])
def test_the_compilation_is_on_the_site_only_when_the_content_says_so(example, publish):
    content = dataclasses.replace(example, avvikelser=dataclasses.replace(example.avvikelser,
                                                                          publish_compilation=publish))
    manifest = [entry("avvikelser/avvikelser-2026.pdf", "avvikelse-compilation"),
                entry("avvikelser/avvikelserapport-v1.docx", "avvikelse-form")]
    jobs = SiteTarget().jobs(content, BuildOptions({"manifest": manifest}))
    offered = {job.path for job in jobs}
    assert "site/filer/avvikelser/avvikelserapport-v1.docx" in offered
    assert ("site/filer/avvikelser/avvikelser-2026.pdf" in offered) is publish
