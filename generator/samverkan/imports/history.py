"""The version an edition was made from, found in the project's git history.

The output folder keeps no old editions (each build replaces it), so the source is looked up in
git: the edition's custom properties name its document and `source_key` (imports/anchors.py);
the content of each revision that touched content/ is read with `revisions/sources.py` (the
reader of `git:REV` that `samverkan diff` uses) until one gives that key.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from samverkan.errors import UsageProblem
from samverkan.imports.anchors import source_key
from samverkan.model import Content
from samverkan.content.loader import DOCUMENT_FILE
from samverkan.revisions.sources import CONTENT_FOLDER, GIT_PREFIX, load_version

MAX_REVISIONS = 200        # revisions of content/ looked at, newest first


@dataclass
class Found:
    content: Content
    revision: str           # the commit, abbreviated
    date: str               # its date, YYYY-MM-DD


def repository(content_dir: Path) -> Path | None:
    """The git repository whose content/ folder `content_dir` is (None: not in git)."""
    done = subprocess.run(["git", "-C", str(content_dir), "rev-parse", "--show-toplevel"], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        return None
    top = Path(done.stdout.strip())
    return top if (top / CONTENT_FOLDER).resolve() == content_dir.resolve() else None


class History:
    """Revisions of content/ read once each, newest first."""

    def __init__(self, content_dir: Path):
        self.repo = repository(content_dir)
        self.loaded: dict[str, Content | None] = {}      # revision → its content (None: not valid content)
        self._revisions: list[tuple[str, str]] | None = None

    def revisions(self) -> list[tuple[str, str]]:
        if self._revisions is None:
            self._revisions = []
            if self.repo is not None:
                done = subprocess.run(["git", "-C", str(self.repo), "log", f"-{MAX_REVISIONS}", "--format=%h %cs",
                                       "--", CONTENT_FOLDER], capture_output=True, text=True, check=False)
                self._revisions = [tuple(line.split(" ", 1)) for line in done.stdout.splitlines() if " " in line]
        return self._revisions

    def version_at(self, revision: str, key: str) -> str | None:
        """The document's version at a revision, read from its document.yaml alone (cheap)."""
        import yaml

        done = subprocess.run(["git", "-C", str(self.repo), "show", f"{revision}:{CONTENT_FOLDER}/{key}/{DOCUMENT_FILE}"],
                              capture_output=True, check=False)
        try:
            data = yaml.safe_load(done.stdout) if done.returncode == 0 else None
        except yaml.YAMLError:
            return None
        return str(data.get("version")) if isinstance(data, dict) and data.get("version") is not None else None

    def find(self, key: str, source: str, version: str = "") -> Found | None:
        """The newest revision whose document `key` has the source key `source`; with `version`,
        only revisions where the document has that version are loaded (the others are skipped
        on their document.yaml)."""
        for revision, date in self.revisions():
            if version and revision not in self.loaded and self.version_at(revision, key) not in (version, None):
                continue
            if revision not in self.loaded:
                try:
                    self.loaded[revision] = load_version(f"{GIT_PREFIX}{revision}", self.repo,
                                                         "the edition's version").content
                except UsageProblem:
                    self.loaded[revision] = None
            content = self.loaded[revision]
            if content is not None and key in content.documents and source_key(content.documents[key]) == source:
                return Found(content, revision, date)
        return None
