"""revisions/sources.py: OLD and NEW as folders or git revisions, and their errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from samverkan.cli import cli
from samverkan.content import load_content
from samverkan.errors import UsageProblem
from samverkan.revisions.compare import compare_contents
from samverkan.revisions.sources import load_version
from tests.conftest import write
from tests.unit.revisions.conftest import VERSIONS, edit, summary


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A throwaway repository: v1 of the content tagged v1.0, then v2 on top."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.org")
    git(root, "config", "user.name", "Test")
    shutil.copytree(VERSIONS / "v1", root / "content")
    git(root, "add", "content")
    git(root, "commit", "-q", "-m", "v1")
    git(root, "tag", "v1.0")
    shutil.rmtree(root / "content")
    shutil.copytree(VERSIONS / "v2", root / "content")
    git(root, "add", "-A", "content")
    git(root, "commit", "-q", "-m", "v2")
    return root


def test_git_revisions_are_read_from_the_repository(repo):
    old = load_version("git:v1.0", repo, "OLD")
    new = load_version("git:HEAD", repo, "NEW")
    assert old.label == "git:v1.0" and old.content.documents["agreement"].meta.version == "0.9"
    assert new.content.documents["agreement"].meta.version == "1.0"
    assert summary(compare_contents(old.content, new.content)) == \
        summary(compare_contents(load_content(VERSIONS / "v1"), load_content(VERSIONS / "v2")))


@pytest.mark.parametrize("spec, message", [
    ("git:v9.9", "unknown git revision 'v9.9'"),
    ("git:v1.O", "did you mean git:v1.0?"),
    ("git:", "names no revision"),
])
def test_bad_revisions_are_named_clearly(repo, spec, message):
    with pytest.raises(UsageProblem) as info:
        load_version(spec, repo, "OLD")
    assert message in info.value.message and "OLD" in info.value.message


def test_a_revision_without_content_or_a_folder_that_is_no_repository(repo, tmp_path):
    write(repo / "README", "x")
    git(repo, "add", "README")
    git(repo, "rm", "-q", "-r", "content")
    git(repo, "commit", "-q", "-m", "no content")
    with pytest.raises(UsageProblem) as info:
        load_version("git:HEAD", repo, "NEW")
    assert "has no content/ folder" in info.value.message
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(UsageProblem) as info:
        load_version("git:HEAD", elsewhere, "NEW")
    assert "not a git repository" in info.value.message


def test_folders_without_content_are_refused(tmp_path):
    with pytest.raises(UsageProblem) as info:
        load_version(str(tmp_path / "missing"), tmp_path, "OLD")
    assert "neither a folder nor a git revision" in info.value.message
    with pytest.raises(UsageProblem) as info:
        load_version(str(tmp_path), tmp_path, "NEW")
    assert "holds no content" in info.value.message


def test_a_checkout_folder_means_its_content_folder(repo):
    assert load_version(str(repo), repo, "NEW").content.documents["agreement"].meta.version == "1.0"


def test_invalid_content_is_reported_with_the_version_file_and_line(repo, versions):
    _, v2 = versions
    edit(v2 / "agreement" / "commitments.yaml", "party: kommunerna", "party: kommunen")
    with pytest.raises(UsageProblem) as info:
        load_version(str(v2), repo, "NEW")
    assert f"in {v2}: v2/agreement/commitments.yaml:13: unknown party 'kommunen'" in info.value.message
    shutil.rmtree(repo / "content")
    shutil.copytree(v2, repo / "content")
    git(repo, "commit", "-q", "-am", "broken")
    with pytest.raises(UsageProblem) as info:
        load_version("git:main", repo, "OLD")
    message = info.value.message
    assert message.startswith("OLD 'git:main' is not valid content (1 problem)")
    assert "in git:main: content/agreement/commitments.yaml:13: unknown party 'kommunen'" in message
    assert "did you mean 'kommunerna'" in message


def test_the_diff_command_reports_problems_without_a_traceback(repo, tmp_path):
    result = CliRunner().invoke(cli, ["diff", "git:nope", "git:HEAD", "--repo", str(repo), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "unknown git revision 'nope'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "andringar").exists()
