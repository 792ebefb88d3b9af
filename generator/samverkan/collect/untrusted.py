"""Reading files that come from outside (filled-in forms and workbooks), with limits.

Every file a collection reads passes through here, whatever format it is:

- only regular files, opened without blocking (a FIFO named `x.docx` is refused at once, and so
  are devices such as /dev/zero), and at most `max_file` bytes are ever read;
- a ZIP package (docx, odt, xlsx, ods) is checked before anything is inflated: member count
  (from the end record, before Python builds its list), encrypted members, compression methods
  other than stored and deflate; members are then inflated in chunks and stopped at
  `max_member` bytes each, `max_total` together and `max_ratio` times their compressed size,
  whatever their headers claim;
- XML is parsed incrementally without entities, DTDs or network access, refused when it has a
  DOCTYPE, more than `max_elements` elements or is nested deeper than libxml2's limit;
- a file gets `seconds` of reading time; past that it is refused;
- every number the readers take from the XML (a row number, a repeat count, an index) is read by
  `whole_number`: ASCII digits within bounds, or the file is refused.

Anything wrong raises `Rejected` with a sentence saying what is wrong and what to do; callers
list the file as rejected and go on with the others.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import struct
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree


class Rejected(Exception):
    """A file that cannot be used; the message says why (for the list of rejected files)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_file: int = 25 * 1024 * 1024          # bytes read from disk
    max_members: int = 2000                   # entries in a ZIP package
    max_member: int = 64 * 1024 * 1024        # bytes of one inflated member
    max_total: int = 200 * 1024 * 1024        # bytes of all inflated members read
    max_ratio: int = 200                      # inflated/compressed, for members over 1 MiB inflated
    max_elements: int = 1_000_000             # elements of one XML part
    seconds: float = 60.0                     # reading time for one file


LIMITS = Limits()
CHUNK = 64 * 1024
STEP = 1024 * 1024                            # at most this much is inflated before the limits are checked
RATIO_FREE = 1024 * 1024                      # small members may compress as well as they like
ALLOWED_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"     # Word/Excel 97-2003, and password-protected Office files


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"


class Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise Rejected(f"took longer than {self.seconds:.0f} s to read; it is too large or damaged")


def read_file(path: Path, limits: Limits = LIMITS) -> bytes:
    """The bytes of a regular file, at most `limits.max_file` of them; Rejected otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise Rejected(f"cannot be opened ({exc.strerror})") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Rejected("is not a regular file (a pipe, device or socket); only saved documents are read")
        if info.st_size > limits.max_file:
            raise Rejected(f"is {_mib(info.st_size)}, more than the {_mib(limits.max_file)} a form may have; "
                           "remove pictures or attachments and save it again")
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limits.max_file:
                raise Rejected(f"is larger than the {_mib(limits.max_file)} a form may have")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise Rejected(f"cannot be read ({exc.strerror})") from exc
    finally:
        os.close(fd)


def _zip_entry_count(data: bytes) -> int | None:
    """Entries according to the ZIP end record (read before zipfile builds its member list)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    (total,) = struct.unpack("<H", data[end + 10:end + 12])
    if total == 0xFFFF:                                      # ZIP64: the count is in the ZIP64 end record
        locator = data.rfind(b"PK\x06\x07", max(0, end - 20), end)
        if locator >= 0:
            (offset,) = struct.unpack("<Q", data[locator + 8:locator + 16])
            if offset + 40 <= len(data) and data[offset:offset + 4] == b"PK\x06\x06":
                (total,) = struct.unpack("<Q", data[offset + 32:offset + 40])
    return total


class Package:
    """A ZIP package from outside, read member by member within the limits."""

    def __init__(self, data: bytes, what: str, limits: Limits = LIMITS, deadline: Deadline | None = None):
        self.limits = limits
        self.deadline = deadline or Deadline(limits.seconds)
        self.inflated = 0
        if data.startswith(OLE_MAGIC):
            raise Rejected(f"is not a {what}: it is password-protected or an old Word/Excel 97-2003 file; "
                           "save it without a password in the current format")
        if not data.startswith(b"PK"):
            raise Rejected(f"is not a {what} (it is not a ZIP package)")
        count = _zip_entry_count(data)
        if count is None:
            raise Rejected(f"is damaged: it is not a complete {what} (the ZIP directory is missing)")
        if count > limits.max_members:
            raise Rejected(f"has {count} parts, more than the {limits.max_members} a {what} may have")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, NotImplementedError, EOFError,
                struct.error) as exc:
            raise Rejected(f"is damaged: it cannot be read as a {what} ({exc})") from exc
        if len(infos) > limits.max_members:
            raise Rejected(f"has {len(infos)} parts, more than the {limits.max_members} a {what} may have")
        self.members = {}
        for info in infos:
            if info.flag_bits & 0x1:
                raise Rejected(f"is encrypted (part {info.filename}); save it without a password")
            if info.compress_type not in ALLOWED_METHODS:
                raise Rejected(f"uses a compression method office programs do not write (method "
                               f"{info.compress_type} in {info.filename}); save it again from the office program")
            self.members.setdefault(info.filename, info)

    @property
    def names(self) -> list[str]:
        return list(self.members)

    def has(self, name: str) -> bool:
        return name in self.members

    def read(self, name: str) -> bytes:
        """One member, inflated in chunks within the limits."""
        info = self.members.get(name)
        if info is None:
            raise Rejected(f"is damaged: the part {name} is missing")
        out = bytearray()
        try:
            raw = self._raw(info)
            if info.compress_type == zipfile.ZIP_STORED:
                for start in range(0, len(raw), CHUNK):
                    self._grow(out, raw[start:start + CHUNK], info)
            else:
                # inflate ourselves, so that no header can make us allocate more than a chunk at a time
                inflater = zlib.decompressobj(-15)
                for start in range(0, len(raw), CHUNK):
                    piece = inflater.decompress(raw[start:start + CHUNK], STEP)
                    self._grow(out, piece, info)
                    while inflater.unconsumed_tail:
                        piece = inflater.decompress(inflater.unconsumed_tail, STEP)
                        self._grow(out, piece, info)
                self._grow(out, inflater.flush(), info)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise Rejected(f"is damaged: the part {name} cannot be read ({exc})") from exc
        if zlib.crc32(out) != info.CRC:
            raise Rejected(f"is damaged: the part {name} does not match its checksum")
        return bytes(out)

    def _raw(self, info: zipfile.ZipInfo) -> bytes:
        """A member's compressed bytes (the local header read the way zipfile reads it)."""
        handle = self.zip.fp
        handle.seek(info.header_offset)
        header = handle.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile("bad local header")
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        handle.seek(info.header_offset + 30 + name_length + extra_length)
        raw = handle.read(info.compress_size)
        if len(raw) != info.compress_size:
            raise zipfile.BadZipFile("truncated member")
        return raw

    def _grow(self, out: bytearray, piece: bytes, info: zipfile.ZipInfo) -> None:
        limit = self.limits
        self.deadline.check()
        out += piece
        self.inflated += len(piece)
        if len(out) > limit.max_member:
            raise Rejected(f"has a part ({info.filename}) that inflates to more than {_mib(limit.max_member)}; "
                           "it is not a form this program wrote (a ZIP bomb?)")
        if self.inflated > limit.max_total:
            raise Rejected(f"inflates to more than {_mib(limit.max_total)}; it is not a form this program wrote")
        if len(out) > RATIO_FREE and len(out) > limit.max_ratio * max(info.compress_size, 1):
            raise Rejected(f"has a part ({info.filename}) compressed more than {limit.max_ratio} times; "
                           "it is not a form this program wrote (a ZIP bomb?)")

    def xml(self, name: str) -> etree._Element:
        return parse_xml(self.read(name), name, self.limits, self.deadline)


def parse_xml(data: bytes, name: str, limits: Limits = LIMITS, deadline: Deadline | None = None) -> etree._Element:
    """XML from outside: no entities, no DTD, no network, no huge trees, at most
    `limits.max_elements` elements; Rejected otherwise."""
    deadline = deadline or Deadline(limits.seconds)
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True, huge_tree=False,
                                 load_dtd=False, dtd_validation=False, remove_comments=True, remove_pis=True)
    count = 0
    try:
        for start in range(0, len(data), CHUNK):
            parser.feed(data[start:start + CHUNK])
            for _ in parser.read_events():
                count += 1
            if count > limits.max_elements:
                raise Rejected(f"has a part ({name}) with more than {limits.max_elements} XML elements")
            deadline.check()
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        raise Rejected(f"is damaged: the part {name} is not well-formed XML ({exc})") from exc
    if root.getroottree().docinfo.doctype:
        raise Rejected(f"has a part ({name}) with a DOCTYPE; office documents never have one")
    return root


_DIGITS = re.compile(r"[0-9]{1,12}")        # [0-9] is ASCII only: not '²', '٣' or '１'


def whole_number(text: str | None, what: str, *, high: int, low: int = 0, default: int | None = None) -> int:
    """A whole number written in a file from outside, e.g. a row number or a repeat count:
    ASCII digits only, from `low` to `high`; absent (None) is `default`. Anything else is
    Rejected, naming `what` ("the row number in xl/worksheets/sheet1.xml"). int() is not
    strict enough on its own: it takes '٣', ' 7', '+7' and '1_0', and `isdigit()` lets '²'
    through to an int() that raises ValueError."""
    if text is None and default is not None:
        return default
    if text is not None and _DIGITS.fullmatch(text) and low <= int(text) <= high:
        return int(text)
    bounds = f"from {low} to {high}" if high >= low else "and there is none to refer to"
    shown = "missing" if text is None else f"{ascii(text[:20])}{'…' if len(text) > 20 else ''}"
    raise Rejected(f"is damaged: {what} is {shown}, not a whole number {bounds}; "
                   "save it again from the office program")


def display_name(path: Path, named: Path) -> str:
    """A file as the compilation names it: relative to the folder it was found in (as named on
    the command line), or its own name; never a local absolute path."""
    if path == named:
        return path.name
    try:
        return (Path(named.name) / path.relative_to(named)).as_posix()
    except ValueError:
        return path.name


@dataclass(frozen=True)
class Source:
    path: Path
    name: str        # for messages and the compilation


def sources(paths: list[Path], suffixes: tuple[str, ...]) -> list[Source]:
    """The files named, and those with one of `suffixes` inside named folders (office lock files
    `~$x.docx` and `.~lock.x#` skipped); links to folders are not followed."""
    found: list[Source] = []
    for named in paths:
        if named.is_dir() and not named.is_symlink():
            for path in sorted(named.rglob("*")):
                if path.suffix.lower() in suffixes and not path.name.startswith(("~$", ".~lock")):
                    found.append(Source(path, display_name(path, named)))
        else:
            found.append(Source(named, display_name(named, named)))
    return found


# --- answers saved by the site's web forms ------------------------------------------------------

MAX_WEB_FILE = 2 * 1024 * 1024                # a saved web form is text: a few kilobytes
MAX_JSON_DEPTH = 8
MAX_JSON_ITEMS = 5000
WEB_MARKER = re.compile(rb'<script type="application/json" id="(samverkan-[a-z-]{1,40})">(.*?)</script>', re.S)


def looks_like_html(data: bytes) -> bool:
    """A file that starts like an HTML page (a web form's saved answers), after a byte order mark."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


def embedded_json(data: bytes, marker: str, what: str) -> dict:
    """The answers a web form of the site saved into its file: the one
    `<script type="application/json" id="{marker}">` block, as a JSON object of at most
    MAX_WEB_FILE bytes, MAX_JSON_DEPTH levels and MAX_JSON_ITEMS values, with only texts,
    lists and objects (numbers are not answers: a form saves every answer as text)."""
    if len(data) > MAX_WEB_FILE:
        raise Rejected(f"is {_mib(len(data))}, more than the {_mib(MAX_WEB_FILE)} a saved {what} has")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Rejected(f"is not a saved {what}: it is not UTF-8 text") from exc
    blocks = [m for m in WEB_MARKER.finditer(text.encode("utf-8")) if m.group(1).decode() == marker]
    if len(blocks) != 1:
        raise Rejected(f"is not a saved {what}: it has {'no' if not blocks else 'more than one'} block of "
                       f"answers ({marker})" + ("; save the form again from the site" if not blocks else ""))
    try:
        value = json.loads(blocks[0].group(2).decode("utf-8"), parse_float=_no_number, parse_int=_no_number,
                           parse_constant=_no_number)
    except (ValueError, RecursionError) as exc:
        raise Rejected(f"is damaged: its answers cannot be read ({exc})") from exc
    if not isinstance(value, dict):
        raise Rejected(f"is damaged: its answers are not a set of named answers")
    count = 0

    def walk(node, depth: int) -> None:
        nonlocal count
        count += 1
        if depth > MAX_JSON_DEPTH or count > MAX_JSON_ITEMS:
            raise Rejected(f"has more answers, or answers nested deeper, than a saved {what} has")
        if isinstance(node, dict):
            for key, item in node.items():
                walk(item, depth + 1)
        elif isinstance(node, list):
            for item in node:
                walk(item, depth + 1)
        elif node is not None and not isinstance(node, (str, bool)):
            raise Rejected(f"is damaged: an answer is not text")

    walk(value, 0)
    return value


def _no_number(text: str):
    raise ValueError(f"a number ({text[:20]}) where the form saves text")
