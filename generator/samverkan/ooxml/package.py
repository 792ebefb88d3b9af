"""Byte-stable ZIP files: OOXML packages (.docx, .xlsx) and bundles.

The ZIP records are written here on purpose: zipfile cannot copy an entry's compressed bytes
into a new archive (every copy of a routine would inflate and deflate its fonts again), and
its headers name the platform that wrote them (another "made by" on Windows); python-docx
and openpyxl save through zipfile with the clock's dates, so their files are re-zipped here.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
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


def core_title(title: str) -> Callable[[bytes], bytes]:
    """A rewrite for docProps/core.xml setting dc:title (a copy's own title)."""
    return _core_text("title", title)


def core_subject(subject: str) -> Callable[[bytes], bytes]:
    """A rewrite for docProps/core.xml setting dc:subject (a follow-up workbook's unit)."""
    return _core_text("subject", subject)


def _core_text(name: str, text: str) -> Callable[[bytes], bytes]:
    def fix(xml: bytes) -> bytes:
        root = etree.fromstring(xml)
        for node in root.findall(f"dc:{name}", {"dc": "http://purl.org/dc/elements/1.1/"}):
            node.text = text
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    return fix


LEVEL = 6          # deflate level of every compressed entry


@dataclass(frozen=True)
class Raw:
    """An entry's data as it stands compressed in a ZIP we wrote (see `normalised`): copied as
    it is, without inflating and deflating it again."""

    method: int
    crc: int
    size: int
    data: bytes


def _dos(timestamp: dt.datetime) -> tuple[int, int]:
    stamp = timestamp.astimezone(dt.timezone.utc)
    year = max(stamp.year, 1980)
    return (stamp.hour << 11) | (stamp.minute << 5) | (stamp.second // 2), \
        ((year - 1980) << 9) | (stamp.month << 5) | stamp.day


def compressed(data: bytes, stored: bool = False) -> Raw:
    """`data` as stable_zip stores it (deflated, or `stored` as it is): a `Raw` entry to copy into
    many ZIPs."""
    if stored:
        return Raw(zipfile.ZIP_STORED, zlib.crc32(data), len(data), data)
    deflate = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return Raw(zipfile.ZIP_DEFLATED, zlib.crc32(data), len(data), deflate.compress(data) + deflate.flush())


def stable_zip(files, timestamp: dt.datetime, stored: Callable[[str], bool] = lambda name: False) -> bytes:
    """A ZIP of (name, data) in the given order whose bytes depend only on them and on
    `timestamp`: fixed entry dates, permissions and compression. `stored(name)` keeps an
    entry uncompressed (files that are compressed already). `data` may be a `Raw` entry of a ZIP
    made here, copied as it is."""
    time, date = _dos(timestamp)
    out = io.BytesIO()
    central = []
    for name, data in files:
        entry = data if isinstance(data, Raw) else compressed(data, stored(name))
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else 0x800          # the name in UTF-8
        version = 20 if entry.method == zipfile.ZIP_DEFLATED else 10
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", version, flags, entry.method, time, date, entry.crc,
                              len(entry.data), entry.size, len(encoded), 0))
        out.write(encoded)
        out.write(entry.data)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", (3 << 8) | version, version, flags, entry.method,
                                   time, date, entry.crc, len(entry.data), entry.size, len(encoded), 0, 0, 0, 0,
                                   0o100644 << 16, offset) + encoded)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))
    if out.tell() > 0xFFFFFFFF or len(central) > 0xFFFF:       # never for a document; ZIP64 is not written here
        raise ValueError("too large for a ZIP without ZIP64")
    return out.getvalue()


def _raw(archive: zipfile.ZipFile, data: bytes, info: zipfile.ZipInfo) -> Raw:
    """An entry's compressed bytes, read from its local header on."""
    header = data[info.header_offset:info.header_offset + 30]
    name_length, extra_length = struct.unpack("<2H", header[26:30])
    begin = info.header_offset + 30 + name_length + extra_length
    return Raw(info.compress_type, info.CRC, info.file_size, data[begin:begin + info.compress_size])


def normalised(data: bytes, timestamp: dt.datetime,
               rewrite: dict[str, Callable[[bytes], bytes]] | None = None, ours: bool = False) -> bytes:
    """Re-zip an OOXML package so that the same document gives the same bytes.
    `rewrite` maps part names to functions that fix that part's XML on the way. `ours`: the
    entries were compressed as `stable_zip` compresses them (a package made here, or saved by
    python-docx, whose zipfile deflates at the same level 6): the entries that are not
    rewritten are copied compressed as they are, not inflated and deflated again (fonts are
    most of a Word file)."""
    rewrite = rewrite or {}
    source = zipfile.ZipFile(io.BytesIO(data))

    def part(info: zipfile.ZipInfo):
        if info.filename in rewrite:
            return rewrite[info.filename](source.read(info.filename))
        if ours and info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return _raw(source, data, info)
        return source.read(info.filename)

    return stable_zip(((info.filename, part(info)) for info in source.infolist()), timestamp)
