"""OOXML packages (.docx, .xlsx) as byte-stable ZIP files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Callable

from lxml import etree

CORE = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        "dcterms": "http://purl.org/dc/terms/"}


def core_dates(timestamp: dt.datetime) -> Callable[[bytes], bytes]:
    """A rewrite for docProps/core.xml: created and modified are the build's timestamp
    (some libraries stamp 'modified' with the clock when they save)."""
    text = timestamp.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def fix(xml: bytes) -> bytes:
        root = etree.fromstring(xml)
        for name in ("created", "modified"):
            for node in root.findall(f"dcterms:{name}", CORE):
                node.text = text
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    return fix


def core_title(title: str, then: Callable[[bytes], bytes] | None = None) -> Callable[[bytes], bytes]:
    """A rewrite for docProps/core.xml setting dc:title (then applying `then`)."""

    def fix(xml: bytes) -> bytes:
        root = etree.fromstring(xml)
        for node in root.findall("dc:title", {"dc": "http://purl.org/dc/elements/1.1/"}):
            node.text = title
        xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return then(xml) if then else xml

    return fix


def normalised(data: bytes, timestamp: dt.datetime,
               rewrite: dict[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """Re-zip with fixed entry dates and attributes: the same document gives the same bytes.
    `rewrite` maps part names to functions that fix that part's XML on the way."""
    rewrite = rewrite or {}
    stamp = timestamp.astimezone(dt.timezone.utc)
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            part = source.read(info.filename)
            if info.filename in rewrite:
                part = rewrite[info.filename](part)
            target.writestr(entry, part, compresslevel=6)
    return out.getvalue()
