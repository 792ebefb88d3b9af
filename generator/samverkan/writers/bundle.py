"""ZIP bundles of files built in the same run (e.g. all routine templates of one kommun)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from samverkan.ooxml import package
from samverkan.writers.base import Writer


@dataclass(frozen=True)
class Bundle:
    """What a target asks for: a ZIP of files built in the same run (paths relative to the
    output folder). The build turns it into BundleData once those files exist."""

    members: tuple[str, ...]


@dataclass(frozen=True)
class BundleData:
    files: tuple[tuple[str, bytes], ...]   # (name inside the ZIP, content)


COMPRESSED = (".docx", ".xlsx", ".pdf", ".zip")


class ZipWriter(Writer):
    name = "zip"
    suffix = ".zip"
    accepts = BundleData

    def write(self, bundle: BundleData, timestamp: dt.datetime) -> bytes:
        # Word, Excel and PDF files are compressed already: store them as they are
        return package.stable_zip(sorted(bundle.files), timestamp, stored=lambda name: name.endswith(COMPRESSED))
