"""Prepared routine templates kept between builds, in `.samverkan-cache/` beside the output folder.

A routine template is prepared once per build (pandoc's Word, Typst and HTML output, the
finished Word file: the expensive part) and then filled per kommun (its Word file, PDF and web
page). Kept on disk, a later build that makes only some copies (one kommun changed, `samverkan
routines Täby`, `samverkan serve` after an edit, a new output folder) fills them without
preparing again; an agreement's web page keeps its HTML the same way. The folder is beside the
output, not in it, so it survives the output's switch (engine/transaction.py) and is never
published.

- Keyed like the files they make: an entry's key is the hash of the intermediate (the
  template as rendered, with the templates' and fonts' bytes), the format, the timestamp and
  the generator (samverkan's code and version, the tools' versions): anything that would
  change the prepared bytes gives another key (engine/keys.py).
- Plain files, no pickle: a header line (JSON) and the payload the writer made of what it
  prepared (`Writer.keep`: the Word file's bytes, the Typst source as JSON, the HTML's table
  of contents and body as JSON). The folder is as untrusted as anything on disk, so an entry
  is checked before use: its size, its header (our format, this generator: samverkan's
  version and code and the tools' versions, engine/keys.py; the key its name says), the
  payload's length and sha256, and then the writer reads it
  (`Writer.restore`, which checks its types). Anything wrong is a miss: the template is
  prepared again and the entry replaced, never trusted.
- Written by the worker that prepared the template, atomically (a temporary file renamed), so
  two builds beside each other never see half an entry.
- Bounded: after a build the entries beyond `SAMVERKAN_CACHE_MB` (200 MB by default) go, the
  least recently used first (a hit touches its entry). `SAMVERKAN_CACHE_MB=0` keeps nothing.
- `--force` prepares everything again (and replaces the entries).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from samverkan.engine import keys

FOLDER = ".samverkan-cache"
PREPARED = "prepared"
MAGIC = "samverkan-prepared"
FORMAT = 2          # 2: no separate samverkan version (the generator digest has it)
LIMIT_VARIABLE = "SAMVERKAN_CACHE_MB"
DEFAULT_LIMIT_MB = 200
HEADER_LIMIT = 4096                 # bytes of the header line at most
ENTRY_LIMIT = 64 * 1024 * 1024      # an entry larger than this is not read (a template is ~0.1 MB)


@dataclass(frozen=True)
class Entry:
    """Where one prepared document is kept, its key, and whether a build may use what is there
    (False with --force: prepare again and replace it)."""

    path: str
    key: str
    format: str
    read: bool = True


def folder_for(out: Path) -> Path:
    """The cache folder of an output folder: beside it (its real path, as the switch uses)."""
    return Path(os.path.realpath(out)).parent / FOLDER


def limit() -> int:
    """The cache's bound in bytes (SAMVERKAN_CACHE_MB, else 200 MB); a value that is not a whole
    number of MB is an error the CLI reports."""
    text = os.environ.get(LIMIT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_LIMIT_MB * 1024 * 1024
    if not (text.isascii() and text.isdigit()):       # isdigit() alone lets '²' through to int()
        from samverkan.errors import UsageProblem

        raise UsageProblem(f"{LIMIT_VARIABLE}={text!r} is not a whole number of MB (0 keeps no prepared templates)")
    return int(text) * 1024 * 1024


class PreparedCache:
    """The entries one build uses (main process): keys from the build's digests."""

    def __init__(self, out: Path, digests: keys.Digests, read: bool = True):
        self.folder = folder_for(out) / PREPARED
        self.digests = digests
        self.read = read
        self.limit = limit()

    def entry(self, fmt: str, base: Any, timestamp: dt.datetime | None) -> Entry | None:
        if self.limit == 0:
            return None
        key = keys.prepared_key(fmt, timestamp.isoformat() if timestamp else "", self.digests.of(base))
        return Entry(str(self.folder / f"{key}.{fmt}"), key, fmt, self.read)

    def trim(self) -> None:
        """Remove the least recently used entries beyond the bound (and leftovers of writes
        that were interrupted); a folder that cannot be read is left alone."""
        trim(self.folder, self.limit)


def _header(entry: Entry, payload: bytes) -> bytes:
    header = {"magic": MAGIC, "format": FORMAT, "generator": keys.generator_digest(), "key": entry.key,
              "writer": entry.format,
              "bytes": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}
    return json.dumps(header, sort_keys=True).encode("ascii") + b"\n"


def load(entry: Entry) -> bytes | None:
    """The payload of an entry, or None when it is missing or not exactly what this build
    would have written (a damaged or stale entry is removed, so that it is written again)."""
    if not entry.read:
        return None
    path = Path(entry.path)
    try:
        # not through a symbolic link: the entry itself, a plain file
        with open(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as handle:
            info = os.fstat(handle.fileno())
            if not _regular(info.st_mode) or info.st_size > ENTRY_LIMIT:
                raise ValueError("not a plain file of a sensible size")
            data = handle.read(ENTRY_LIMIT + 1)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        _discard(path)
        return None
    end = data.find(b"\n", 0, HEADER_LIMIT)
    payload = data[end + 1:] if end >= 0 else b""
    if end < 0 or data[:end + 1] != _header(entry, payload):
        _discard(path)
        return None
    try:
        os.utime(path)          # used: the last to go when the cache is trimmed
    except OSError:
        pass
    return payload


def store(entry: Entry, payload: bytes) -> None:
    """Keep a payload (atomically: a temporary file in the folder, renamed). A cache that cannot
    be written is no error: the build made its files; the next one prepares again."""
    folder = Path(entry.path).parent
    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(_header(entry, payload))
            handle.write(payload)
        os.replace(temporary, entry.path)
        temporary = None
    except OSError:
        pass
    finally:
        if temporary is not None:
            _discard(Path(temporary))


def trim(folder: Path, bound: int) -> None:
    entries = []
    try:
        with os.scandir(folder) as found:
            for item in found:
                try:
                    info = item.stat(follow_symlinks=False)
                except OSError:
                    continue
                if item.name.startswith(".tmp-") or not _regular(info.st_mode):
                    if item.name.startswith(".tmp-") and info.st_mtime < time.time() - 3600:
                        _discard(Path(item.path))      # a write interrupted an hour ago or more
                    continue
                entries.append((info.st_mtime_ns, item.name, info.st_size, item.path))
    except OSError:
        return
    total = sum(size for _, _, size, _ in entries)
    for _, _, size, path in sorted(entries):
        if total <= bound:
            break
        _discard(Path(path))
        total -= size


def discard(entry: Entry) -> None:
    """An entry whose payload the writer would not take: removed, so that it is written again."""
    _discard(Path(entry.path))


def _regular(mode: int) -> bool:
    return stat.S_ISREG(mode)


def _discard(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
