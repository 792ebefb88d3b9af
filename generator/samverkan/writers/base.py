"""The writer interface: one class per output format (like Sphinx builders)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from samverkan.render import FilledDocument


class Writer:
    """Turns one artifact into the bytes of one file.

    `name` is the format (docx, pdf, csv, …) shown in the manifest and the CLI, `suffix`
    the file ending, `accepts` the artifact types it reads.

    Writers of documents shown by many files (a routine template in every kommun's Word file,
    PDF and web page) implement `prepare` (the expensive part, done once per build for the
    shared part) and `fill_copy` (cheap, once per file). An artifact that is such a copy says
    what it shares as `shared` (FilledDocument, writers/html.HtmlPage); the build groups the
    copies of one `shared` (engine/plan.py), prepares it once and keeps what was prepared
    between builds (`keep`/`restore`, engine/cache.py). `write` does both for one file.

    The Word and PDF writers fill a copy's fields with `fill` (prepared, values, title), which
    `write` also uses for a single intermediate (no values, no title of its own).
    """

    name: ClassVar[str]
    suffix: ClassVar[str]
    accepts: ClassVar[type | tuple[type, ...]]

    def write(self, artifact: Any, timestamp: dt.datetime) -> bytes:
        if isinstance(artifact, FilledDocument):
            return self.fill_copy(self.prepare(artifact.shared, timestamp), artifact, timestamp)
        return self.fill(self.prepare(artifact, timestamp), {}, "", timestamp)

    def pandoc_request(self, artifact: Any, timestamp: dt.datetime) -> Any:
        """The pandoc conversion `prepare` will run (a writers.pandoc.Request), or None: the
        build asks pandoc for the conversions of one intermediate at once (`pandoc.prefetch`)."""
        return None

    def prepare(self, artifact: Any, timestamp: dt.datetime) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def fill_copy(self, prepared: Any, copy: Any, timestamp: dt.datetime) -> bytes:
        """One copy's file: `copy` is its artifact, whose `shared` part `prepare` made `prepared`
        of (a FilledDocument: its field values and title)."""
        return self.fill(prepared, dict(copy.values), copy.title, timestamp)

    def fill(self, prepared: Any, values: dict[str, str], title: str, timestamp: dt.datetime) -> bytes:  # pragma: no cover
        raise NotImplementedError

    def keep(self, prepared: Any) -> bytes:  # pragma: no cover - interface
        """What `prepare` made as plain bytes, kept between builds (engine/cache.py; no pickle)."""
        raise NotImplementedError

    def restore(self, payload: bytes, artifact: Any) -> Any:  # pragma: no cover - interface
        """`keep`'s bytes as `prepare` made them from `artifact`; ValueError if they are not."""
        raise NotImplementedError
