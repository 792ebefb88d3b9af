"""What a build target is: something that turns the content model into files to write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:       # the model (33 dataclasses, 13-25 ms): not imported by a build with nothing to do
    from samverkan.model import Content


@dataclass
class Job:
    """One file to write: an artifact, the format that writes it, and its manifest entry."""

    artifact: Any
    format: str          # a writer name: docx, pdf, csv, …
    path: str            # relative to the output folder, with suffix
    kind: str            # manifest kind: agreement, supplement, commitments, routine, …
    title: str
    timestamp: dt.datetime
    kommun: str | None = None
    target: str | None = None   # the target that asked for it (set by the build; in the manifest)
    # what a target that reads the output needs to know of this file, in its manifest entry
    # (text values; e.g. a remiss's deadline, which the site's remiss page states)
    facts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Listed:
    """A file a target makes, as the site lists it: known without making it (or rendering the
    text it is made from)."""

    path: str
    format: str
    timestamp: dt.datetime
    title: str


@dataclass(frozen=True)
class Shared:
    """A document a target's jobs share (`artifact.shared`: prepared once for many files, see
    writers/base.py), in the format and with the timestamp of those jobs."""

    format: str
    shared: Any
    timestamp: dt.datetime


@dataclass
class BuildOptions:
    """Options some targets take from the command line (e.g. the remiss deadline)."""

    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@dataclass(frozen=True)
class Linked:
    """A file the build already made (`source`, a path in the output folder), offered again at
    the job's path: hard-linked where the file system allows, else copied. Its bytes are checked
    against `sha256` (the manifest's) when it is linked. No writer runs for it (build.py)."""

    source: str
    sha256: str


class Target:
    name: ClassVar[str]
    help: ClassVar[str]
    default: ClassVar[bool] = True     # built by a plain `samverkan build` (without target names)
    # reads what the other targets made: built after them in the same run, with the manifest
    # entries as they will be after it (files already in output and this run's) in
    # options.get("manifest"); its files are switched into output together with theirs
    reads_output: ClassVar[bool] = False

    def missing(self, content: Content) -> str | None:
        """Why this content cannot give the target (None when it can). A plain build skips such
        targets and says so; naming the target makes it an error."""
        return None

    def jobs(self, content: Content, options: BuildOptions) -> list[Job]:  # pragma: no cover - interface
        raise NotImplementedError

    def shared_documents(self, content: Content, options: BuildOptions) -> list[Shared]:
        """What this target's jobs will share (`Shared`), known before its jobs are: a target
        that reads the output has its jobs collected only after the others' files are made,
        but the documents it shares of their texts (the site's pages of the agreements and the
        routine templates, as HTML) are prepared beside those texts' other conversions, where
        pandoc reads the text once for all of them (engine/plan.py `ahead`)."""
        return []

    def files(self, content: Content, options: BuildOptions) -> list[Listed]:
        """The files `jobs` makes, without making them. Targets whose jobs render a text (the
        agreements, the tables) say it without rendering: the site lists them on pages that do
        not show that text, and `serve` makes such pages before a build."""
        return [Listed(job.path, job.format, job.timestamp, job.title) for job in self.jobs(content, options)]

    def owns(self, entry: dict, options: BuildOptions) -> bool:
        """Whether a manifest entry of this target is this run's to replace or remove. A full
        build of the target owns all its files (those it no longer makes are removed); a
        target built for a part (some kommuner) narrows this to that part."""
        return True
