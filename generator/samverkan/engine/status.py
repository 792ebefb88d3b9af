"""Whether a file of the output folder is still the one its manifest entry lists, known by
its file status instead of by hashing every file (a build with nothing to do stays a fraction
of a second).

After every switch the build records, for each file it knows to be as listed (it wrote it,
hashed it, or found it with the status recorded before), its status: device, inode, size and
modification time, with the entry's sha256. The record is tied to the bytes of the
manifest.json it was made for and kept in the cache folder beside the output
(engine/cache.py `folder_for`), never in the output folder itself.

A file is intact when it is a regular file of the entry's size and either its status is the
recorded one, or its bytes hash to the entry's sha256. So a file changed in place (new mtime
or size) and a file replaced by a new one (an editor's "save": a new inode, whatever its size
and mtime) are hashed, and made again when they differ; a manifest edited by hand (another
sha256, other entries) voids the record, and every file is hashed once.

The record is only a shortcut: missing, damaged or written by another manifest, it is ignored
(every file is hashed); it is written atomically and never trusted for more than "this inode,
unchanged since it was hashed".
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from samverkan.engine.cache import folder_for
from samverkan.engine.transaction import MANIFEST
from samverkan.fileio import atomic_write

FOLDER = "status"
VERSION = 1


def _record_path(real: Path) -> Path:
    name = hashlib.sha256(os.fsencode(real)).hexdigest()[:32]
    return folder_for(real) / FOLDER / f"{name}.json"


def _manifest_digest(real: Path) -> str | None:
    try:
        return hashlib.sha256((real / MANIFEST).read_bytes()).hexdigest()
    except OSError:
        return None


def _status(path: str | Path) -> tuple[int, int, int, int] | None:
    """(device, inode, size, mtime) of a regular file (a symbolic link is not one); None otherwise."""
    try:
        info = os.lstat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


class FileStatus:
    """The files of one output folder (`real`, its real path) as the last build recorded them."""

    def __init__(self, real: Path):
        self.real = Path(real)
        self.prefix = str(self.real).rstrip("/") + "/"      # + an entry's path: its file (no pathlib per file)
        self.known: dict[str, list] = {}
        self.seen: dict[str, tuple[int, int, int, int]] = {}     # found intact by this process
        self.hashed = 0                                         # of those, found so by their bytes
        try:
            data = json.loads(_record_path(self.real).read_text(encoding="utf-8"))
            if (isinstance(data, dict) and data.get("version") == VERSION and isinstance(data.get("files"), dict)
                    and data.get("manifest") == _manifest_digest(self.real)):
                self.known = data["files"]
        except (OSError, ValueError):
            pass

    def intact(self, entry: dict) -> bool:
        """The file of a manifest entry is there as the entry lists it (see the module)."""
        path = entry.get("path")
        if not isinstance(path, str):
            return False
        found = _status(self.prefix + path)
        if found is None or found[2] != entry.get("bytes"):
            return False
        if self.known.get(path) == [*found, entry.get("sha256")]:
            self.seen[path] = found
            return True
        try:
            with open(os.open(self.prefix + path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as handle:
                same = hashlib.file_digest(handle, "sha256").hexdigest() == entry.get("sha256")
        except OSError:
            return False
        if same:
            self.seen[path] = found
            self.hashed += 1
        return same

    def save(self, documents: list[dict], written: set[str]) -> None:
        """Record the status of the files listed in the manifest just switched in: those this
        build wrote, found intact, or that still have the status recorded before."""
        files = {}
        for entry in documents:
            path = entry["path"]
            found = _status(self.prefix + path)
            if found is None or found[2] != entry.get("bytes"):
                continue
            if path in written or self.seen.get(path) == found or self.known.get(path) == [*found, entry["sha256"]]:
                files[path] = [*found, entry["sha256"]]
        record = {"version": VERSION, "manifest": _manifest_digest(self.real), "files": files}
        try:
            target = _record_path(self.real)
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, json.dumps(record, sort_keys=True).encode("utf-8"))
        except OSError:
            pass            # only a shortcut: the next build hashes the files instead
