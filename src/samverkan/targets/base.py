"""What a build target is: something that turns the content model into files to write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

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


@dataclass
class BuildOptions:
    """Options some targets take from the command line (e.g. the remiss deadline)."""

    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


class Target:
    name: ClassVar[str]
    help: ClassVar[str]
    default: ClassVar[bool] = True     # built by a plain `samverkan build` (without target names)

    def missing(self, content: Content) -> str | None:
        """Why this content cannot give the target (None when it can). A plain build skips such
        targets and says so; naming the target makes it an error."""
        return None

    def jobs(self, content: Content, options: BuildOptions) -> list[Job]:  # pragma: no cover - interface
        raise NotImplementedError
