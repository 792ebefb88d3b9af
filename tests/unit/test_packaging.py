"""The design's layout: the package in generator/, the templates at the top, an installable wheel."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from samverkan.engine.keys import Digests
from samverkan.project import TEMPLATES, Templates, packaged, template_files
from samverkan.supported import check

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_folder_is_listed_in_pyproject():
    """The package list is explicit (the automatic search with a package-dir mapping would leave
    the templates out of the wheel), so a new subpackage must be named there."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    package = ROOT / "generator" / "samverkan"
    found = {".".join(("samverkan", *p.parent.relative_to(package).parts)) for p in package.rglob("__init__.py")}
    assert found | {"samverkan.templates"} == listed


def test_the_packaged_templates_are_the_top_level_folder():
    assert packaged(TEMPLATES).resolve() == (ROOT / "templates").resolve()
    assert (packaged(TEMPLATES) / "reference.docx").is_file()


def test_this_repository_overrides_none_of_its_own_templates():
    templates = Templates.for_content(ROOT / "content")
    assert templates.project is None and templates.overrides() == []


def test_a_projects_templates_folder_overrides_file_by_file(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "templates" / "__pycache__").mkdir(parents=True)
    (tmp_path / "templates" / "__pycache__" / "x.pyc").write_bytes(b"x")
    (tmp_path / "templates" / "__init__.py").write_text("")
    (tmp_path / "templates" / "document.typ").write_text("// mine")
    templates = Templates.for_content(tmp_path / "content")
    assert [(o.name, o.replaces) for o in templates.overrides()] == [("document.typ", True)]


def test_the_templates_hash_leaves_out_the_package_files(tmp_path):
    """__init__.py and __pycache__ are not templates: a copy of the folder without them hashes alike."""
    copy = tmp_path / "t"
    for path in template_files(packaged(TEMPLATES)):
        target = copy / path.relative_to(packaged(TEMPLATES))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    assert (packaged(TEMPLATES) / "__init__.py").is_file()
    assert Digests().tree(copy) == Digests().tree(packaged(TEMPLATES))


def test_samverkan_says_in_one_line_where_it_runs():
    assert check("linux") is None
    for platform in ("win32", "darwin"):
        message = check(platform)
        assert "Linux" in message and "WSL" in message and "\n" not in message


def test_the_command_refuses_another_platform_without_a_traceback():
    code = ("import sys; sys.platform = 'win32'; sys.argv = ['samverkan', 'build'];"
            "from samverkan.__main__ import main; main()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "WSL" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
