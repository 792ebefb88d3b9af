"""The two versions `samverkan diff` compares: a content folder, or `git:REV`, the content/
folder of a revision of this repository (read with `git archive`, never touching the
working tree). Every problem is a UsageProblem that says which version it concerns."""

from __future__ import annotations

import difflib
import io
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from samverkan.content.loader import DOCUMENT_FILE, load_content
from samverkan.errors import ContentInvalid, UsageProblem
from samverkan.model import Content
from samverkan.project import Templates

GIT_PREFIX = "git:"
CONTENT_FOLDER = "content"


@dataclass
class Version:
    label: str          # as given: "git:v1.0", "content"
    content: Content


def load_version(spec: str, repo: Path, role: str) -> Version:
    """`spec` (a folder or git:REV) as validated content; `role` (OLD, NEW) names it in errors."""
    if spec.startswith(GIT_PREFIX):
        with tempfile.TemporaryDirectory(prefix="samverkan-diff-") as tmp:
            root = _git_content(spec, spec[len(GIT_PREFIX):], repo, Path(tmp), role)
            # rendered with the repository's templates (the working tree's), like its own content
            return Version(spec, _load(root, spec, role, Templates.for_content(repo / CONTENT_FOLDER)))
    return Version(spec, _load(_folder_content(spec, role), spec, role))


def _folder_content(spec: str, role: str) -> Path:
    folder = Path(spec)
    if not folder.is_dir():
        raise UsageProblem(f"{role} '{spec}' is neither a folder nor a git revision "
                           f"(give a content folder, or {GIT_PREFIX}REVISION such as {GIT_PREFIX}HEAD)")
    if not _has_documents(folder) and _has_documents(folder / CONTENT_FOLDER):
        folder = folder / CONTENT_FOLDER          # a checkout: its content/ folder
    if not _has_documents(folder):
        raise UsageProblem(f"{role} '{spec}' holds no content: no folder in it has a {DOCUMENT_FILE} "
                           f"(give the content folder, e.g. {CONTENT_FOLDER}/)")
    return folder


def _has_documents(folder: Path) -> bool:
    return folder.is_dir() and any((child / DOCUMENT_FILE).is_file() for child in folder.iterdir())


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)


def _git_content(spec: str, rev: str, repo: Path, tmp: Path, role: str) -> Path:
    if not rev.strip():
        raise UsageProblem(f"{role} '{spec}' names no revision; write e.g. {GIT_PREFIX}HEAD or {GIT_PREFIX}v1.0")
    if shutil.which("git") is None:
        raise UsageProblem(f"{role} '{spec}' needs git, which is not installed; give a content folder instead")
    if _git(repo, "rev-parse", "--git-dir").returncode != 0:
        raise UsageProblem(f"{role} '{spec}': {repo} is not a git repository, so no revision can be read from it")
    if _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}").returncode != 0:
        names = _git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/tags")
        close = difflib.get_close_matches(rev, names.stdout.decode("utf-8", "replace").split(), n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(GIT_PREFIX + c for c in close)}?" if close else \
            " (a branch, tag or commit of the repository, e.g. HEAD, HEAD~1, v1.0)"
        raise UsageProblem(f"{role} '{spec}': unknown git revision '{rev}' in {repo}{hint}")
    if _git(repo, "cat-file", "-e", f"{rev}:{CONTENT_FOLDER}").returncode != 0:
        raise UsageProblem(f"{role} '{spec}' has no {CONTENT_FOLDER}/ folder at that revision")
    done = _git(repo, "archive", "--format=tar", rev, CONTENT_FOLDER)
    if done.returncode != 0:
        raise UsageProblem(f"{role} '{spec}': git could not read its {CONTENT_FOLDER}/ folder: "
                           f"{done.stderr.decode('utf-8', 'replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(tmp, filter="data")
    return tmp / CONTENT_FOLDER


def _load(root: Path, label: str, role: str, templates: Templates | None = None) -> Content:
    try:
        return load_content(root, templates)
    except ContentInvalid as exc:
        count = len(exc.problems)
        lines = "\n".join(f"in {label}: {problem.display(root)}" for problem in exc.problems)
        raise UsageProblem(f"{role} '{label}' is not valid content ({count} problem{'' if count == 1 else 's'}); "
                           f"fix it or compare another version:\n{lines}") from exc
