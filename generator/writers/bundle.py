"""ZIP bundles of files built in the same run (e.g. all routine templates of one kommun)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from .base import Writer


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
        stamp = timestamp.astimezone(dt.timezone.utc)
        date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
            for name, data in sorted(bundle.files):
                entry = zipfile.ZipInfo(name, date_time=date_time)
                # Word, Excel and PDF files are compressed already: store them as they are
                entry.compress_type = zipfile.ZIP_STORED if name.endswith(COMPRESSED) else zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                entry.create_system = 3
                target.writestr(entry, data, compresslevel=6)
        return out.getvalue()
