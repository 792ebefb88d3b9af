"""The writer interface: one class per output format (like Sphinx builders)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar


class Writer:
    """Turns one artifact into the bytes of one file.

    `name` is the format (docx, pdf, csv, …) shown in the manifest and the CLI, `suffix`
    the file ending, `accepts` the artifact type it reads.
    """

    name: ClassVar[str]
    suffix: ClassVar[str]
    accepts: ClassVar[type]

    def write(self, artifact: Any, timestamp: dt.datetime) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError
