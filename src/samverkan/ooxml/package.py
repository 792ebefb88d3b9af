"""Byte-stable ZIP files: OOXML packages (.docx, .xlsx) and bundles."""

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


def stable_zip(files, timestamp: dt.datetime, stored: Callable[[str], bool] = lambda name: False) -> bytes:
    """A ZIP of (name, data) in the given order whose bytes depend only on them and on
    `timestamp`: fixed entry dates, permissions and compression. `stored(name)` keeps an
    entry uncompressed (files that are compressed already)."""
    stamp = timestamp.astimezone(dt.timezone.utc)
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in files:
            entry = zipfile.ZipInfo(name, date_time=date_time)
            entry.compress_type = zipfile.ZIP_STORED if stored(name) else zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            target.writestr(entry, data, compresslevel=6)
    return out.getvalue()


def normalised(data: bytes, timestamp: dt.datetime,
               rewrite: dict[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """Re-zip an OOXML package so that the same document gives the same bytes.
    `rewrite` maps part names to functions that fix that part's XML on the way."""
    rewrite = rewrite or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = ((info.filename, rewrite.get(info.filename, lambda part: part)(source.read(info.filename)))
             for info in source.infolist())
    return stable_zip(parts, timestamp)
