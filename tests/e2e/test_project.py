"""Issue 9: samverkan as a tool any region installs: a project folder, packaged templates that a
project overrides file by file, `samverkan init`, and a wheel that works from any folder."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from samverkan.build import build
from samverkan.cli import cli
from samverkan.content import load_content
from samverkan.project import packaged

from tests.conftest import CONTENT, ROOT
from tests.inspect import W, check_manifest, docx_text, docx_xml, file_text, pdf_text


def stockholm_names() -> set[str]:
    """Names that belong to the Stockholm agreement (this repository's content/), not to samverkan."""
    content = load_content(CONTENT)
    kommuner = content.kommuner
    names = {"Stockholm", "Storsthlm", kommuner.region.name}
    for unit in kommuner.units:
        names |= {unit.name, unit.kommun_name, unit.organisation}
    return names


def names_in(text: str, names: set[str]) -> set[str]:
    return {name for name in names if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)}


def run(args: list[str], cwd: Path):
    """The CLI as a user runs it, in `cwd` (its defaults are ./content and ./output)."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, args, catch_exceptions=False)
    finally:
        os.chdir(old)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """`samverkan init region-x`, then `samverkan build` inside it."""
    base = tmp_path_factory.mktemp("init")
    done = run(["init", "region-x", "--region", "Region Fjällmark"], base)
    assert done.exit_code == 0, done.output
    folder = base / "region-x"
    done = run(["build"], folder)
    assert done.exit_code == 0, done.output
    assert "skipped" not in done.output          # the example gives every default target
    return folder


def test_init_writes_an_example_that_check_passes(project):
    assert (project / "README.md").is_file()
    assert (project / ".gitignore").read_text().split() == ["/output/", "/.output.samverkan/", "/.samverkan-cache/"]
    done = run(["check"], project)
    assert done.exit_code == 0, done.output
    assert "content OK: 2 documents" in done.output
    assert "no stable reference" not in done.output      # ready for a remiss: every paragraph numbered
    assert "template override" not in done.output


def test_the_example_builds_every_default_document_with_a_valid_manifest(project):
    entries = check_manifest(project / "output")
    kinds = {(e["kind"], e["format"]) for e in entries}
    assert {("agreement", "docx"), ("agreement", "pdf"), ("supplement", "docx"), ("supplement", "pdf"),
            ("commitments", "xlsx"), ("commitments", "csv"), ("routine", "docx"), ("routine", "pdf"),
            ("routine-bundle", "zip")} <= kinds
    content = load_content(project / "content")
    units = {e["path"].split("/")[1] for e in entries if e["kind"] == "routine-bundle"}
    assert units == {u.slug for u in content.kommuner.units} and len(units) == 4   # 2 kommuner + 2 stadsdelar
    agreement = next(project / "output" / e["path"] for e in entries if e["kind"] == "agreement" and e["format"] == "docx")
    assert "Region Fjällmark och kommunerna i länet" in docx_text(agreement)
    assert "Region Fjällmark" in pdf_text(agreement.with_suffix(".pdf"))


def test_nothing_of_stockholm_reaches_a_document_of_another_region(project):
    names = stockholm_names()
    assert {"Täby", "Region Stockholm", "Stockholms stad"} <= names     # the check would find them
    found = {e["path"]: names_in(file_text(project / "output" / e["path"]), names)
             for e in check_manifest(project / "output")}
    assert {path: hits for path, hits in found.items() if hits} == {}


def test_the_packaged_templates_name_no_region():
    names = stockholm_names()
    templates = packaged("templates")
    hits = {}
    for path in sorted(p for p in templates.rglob("*") if p.is_file() and p.suffix in (".j2", ".typ", ".lua", ".docx")):
        found = names_in(file_text(path) if path.suffix == ".docx" else path.read_text(encoding="utf-8"), names)
        if found:
            hits[path.name] = found
    assert hits == {}
    example = packaged("example")
    for path in example.rglob("*"):
        if path.is_file():
            assert not names_in(path.read_text(encoding="utf-8"), names), path


def test_init_refuses_a_folder_that_is_not_empty_unless_forced(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    done = run(["init", "full"], tmp_path)
    assert done.exit_code == 1 and "is not empty" in done.output and "--force" in done.output
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == ["notes.txt"]
    done = run(["init", "full", "--force"], tmp_path)
    assert done.exit_code == 0, done.output
    assert (tmp_path / "full" / "notes.txt").read_text() == "mine"
    assert (tmp_path / "full" / "content" / "agreement" / "document.yaml").is_file()
    (tmp_path / "a-file").write_text("x")
    done = run(["init", "a-file"], tmp_path)
    assert done.exit_code == 1 and "is a file" in done.output


@pytest.mark.parametrize("region", ['Region "Öst": #1 – & <Test>', "Region Gävleborg"])
def test_the_region_name_is_written_as_given(tmp_path, region):
    done = run(["init", "p", "--region", region], tmp_path)
    assert done.exit_code == 0, done.output
    content = load_content(tmp_path / "p" / "content")
    assert content.kommuner.region.name == region
    assert content.documents["agreement"].meta.parties[0] == region


@pytest.mark.parametrize("region, message", [("", "empty"), ("Region [X]", "may not contain"),
                                             ("R" * 81, "at most 80")])
def test_a_region_name_that_cannot_be_written_is_refused(tmp_path, region, message):
    done = run(["init", "p", "--region", region], tmp_path)
    assert done.exit_code == 1 and message in done.output and "Traceback" not in done.output
    assert not (tmp_path / "p").exists()


def test_a_project_template_overrides_the_packaged_one_file_by_file(tmp_path):
    assert run(["init", "p"], tmp_path).exit_code == 0
    project = tmp_path / "p"
    templates = project / "templates"
    templates.mkdir()
    # reference.docx with another heading colour (as if restyled in Word)
    with zipfile.ZipFile(packaged("templates") / "reference.docx") as source, \
            zipfile.ZipFile(templates / "reference.docx", "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/styles.xml":
                assert b'<w:color w:val="1F4E79"/>' in data
                data = data.replace(b'<w:color w:val="1F4E79"/>', b'<w:color w:val="C00000"/>')
            target.writestr(item, data)
    # a Jinja template with one more line at the end of every document
    document = (packaged("templates") / "document.md.j2").read_text(encoding="utf-8")
    (templates / "document.md.j2").write_text(document + "\nEgen slutrad från projektets mall.\n", encoding="utf-8")

    done = run(["check"], project)
    assert done.exit_code == 0, done.output
    assert "replaces the packaged reference.docx" in done.output
    assert "replaces the packaged document.md.j2" in done.output
    done = run(["build", "agreement", "commitments"], project)
    assert done.exit_code == 0, done.output
    entries = {(e["kind"], e["format"]): project / "output" / e["path"] for e in check_manifest(project / "output")}
    styles = docx_xml(entries[("agreement", "docx")], "word/styles.xml")
    heading = styles.find(f"{W}style[@{W}styleId='Heading1']")
    assert heading.find(f"{W}rPr/{W}color").get(f"{W}val") == "C00000"
    assert "Egen slutrad från projektets mall." in docx_text(entries[("agreement", "docx")])
    assert "Egen slutrad från projektets mall." in pdf_text(entries[("agreement", "pdf")])
    # the commitment tables use another template: untouched by the override
    assert "Egen slutrad" not in docx_text(entries[("commitments", "docx")])


# --- the package, installed as a user installs it --------------------------------------------------

def _source_copy(target: Path) -> Path:
    """The repository's files as a clean checkout has them (no venv, output or build leftovers)."""
    ignore = shutil.ignore_patterns(".git", ".venv", "output", "build", "dist", "*.egg-info", "__pycache__",
                                    ".pytest_cache")
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    """`python -m build`: an sdist, and a wheel built from that sdist."""
    base = tmp_path_factory.mktemp("dist")
    source = _source_copy(base / "src")
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(base / "dist"), str(source)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return {"sdist": next((base / "dist").glob("samverkan-*.tar.gz")),
            "wheel": next((base / "dist").glob("samverkan-*.whl"))}


PACKAGE_DATA = ["templates/reference.docx", "templates/document.typ", "templates/document.md.j2",
                "templates/docx-filter.lua", "templates/typst-filter.lua", "templates/fonts/SourceSansPro-Regular.ttf",
                "templates/fonts/LICENSE.txt", "example/content/agreement/document.yaml", "example/gitignore"]


@pytest.mark.slow
def test_sdist_and_wheel_carry_the_templates_fonts_and_example(dist):
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = set(wheel.namelist())
    assert {f"samverkan/{name}" for name in PACKAGE_DATA} <= names
    with tarfile.open(dist["sdist"]) as sdist:
        names = {"/".join(n.split("/")[1:]) for n in sdist.getnames()}
    # the design's layout: the package in generator/, its templates at the top
    assert {name if name.startswith("templates/") else f"generator/samverkan/{name}" for name in PACKAGE_DATA} <= names


@pytest.mark.slow
def test_the_installed_wheel_works_from_an_empty_folder(dist, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    done = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(dist["wheel"])], capture_output=True,
                          text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    samverkan = str(venv / "bin" / "samverkan")
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    def user(*args: str, cwd: Path = empty) -> subprocess.CompletedProcess:
        return subprocess.run([samverkan, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=900)

    version = user("--version")
    assert version.returncode == 0 and re.fullmatch(r"samverkan, version \d+\.\d+\.\d+\n", version.stdout)
    assert user("init", "region-x").returncode == 0
    project = empty / "region-x"
    built = user("build", cwd=project)
    assert built.returncode == 0, built.stdout + built.stderr
    assert {e["kind"] for e in check_manifest(project / "output")} >= {"agreement", "commitments", "routine"}
    assert user("check", cwd=project).returncode == 0

    # the Stockholm documents, built by the wheel from any folder, are the editable install's bytes
    wheel_out, editable_out = tmp_path / "wheel-out", tmp_path / "editable-out"
    built = user("build", "--content", str(CONTENT), "--out", str(wheel_out))
    assert built.returncode == 0, built.stdout + built.stderr
    build(CONTENT, editable_out)
    wheel_files = {e["path"]: e["sha256"] for e in check_manifest(wheel_out)}
    assert wheel_files == {e["path"]: e["sha256"] for e in check_manifest(editable_out)}
    assert len(wheel_files) > 700
