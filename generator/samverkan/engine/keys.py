"""What a file is made from, as one hash: the build is incremental on these.

Every output's manifest entry records `inputs`: the sha256 of everything the file was made
from (`job_key`):

- the content slice it shows: the job's artifact (for documents the intermediate Markdown,
  which is the content as the templates rendered it; a kommun's copy adds its field values;
  records and JSON data as they are; a ZIP the keys of its members),
- the templates it was written with, the project's overrides included, by content (fonts too),
- the generator: samverkan's version and the digest of its own code, and the versions of the
  tools and libraries the writers use (pandoc, typst, python-docx, openpyxl, lxml, …),
- the writer (format), the timestamp written into the file, and its manifest entry (path,
  kind, title, kommun).

A rebuild skips a job whose key is the one recorded for its file (and whose file is intact).

`request_fingerprint` hashes the *files* a build request reads (content/, templates, the
generator: `input_files_digest`) without loading anything: when it equals the one recorded
after the last build, and no file was touched since, the build has nothing to do and says so
at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import pickle
import stat
import sys
from pathlib import Path, PurePath
from typing import Any, Iterable

KEY_VERSION = b"samverkan-inputs/1"

# containers this long or longer are hashed once per build (Digests._container)
SHARED_LENGTH = 8

# the distributions whose code makes the bytes of some output
TOOLCHAIN = ("pypandoc-binary", "pypandoc", "typst", "python-docx", "openpyxl", "lxml", "jinja2", "pyyaml",
             "markupsafe")


def _hash(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


TREE_READ_LIMIT = 64 * 1024 * 1024     # a file larger than this is hashed by its status, not its bytes


def tree_digest(folder: Path, skip_hidden: bool = True, skip: frozenset[str] = frozenset()) -> str:
    """Every file below `folder`: relative path and bytes (a missing folder hashes as empty).
    Names in `skip` (files or folders) are left out.

    The content folder is read here before it is loaded, so as the loader reads it
    (content/source.py): as untrusted. Only regular files are read, opened without blocking (a
    FIFO put there is not waited for) and only up to TREE_READ_LIMIT bytes (a larger file, far
    beyond any content file's limit, is hashed by its size, time and inode); anything else (a
    FIFO, a device, a link to one) is hashed as its kind of file, never opened. The load then
    says what is wrong with it."""
    h = hashlib.sha256()
    if not folder.is_dir():
        return h.hexdigest()
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not (skip_hidden and d.startswith(".")) and d not in skip)
        for name in sorted(files):
            if (skip_hidden and name.startswith(".")) or name in skip:
                continue
            path = os.path.join(root, name)
            rel = os.fsencode(os.path.relpath(path, folder)).replace(os.sep.encode(), b"/")
            h.update(len(rel).to_bytes(8, "big") + rel)
            h.update(_file_bytes(path))
    return h.hexdigest()


def _file_bytes(path: str) -> bytes:
    """What tree_digest hashes of one file (see there), with its length in front."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return b"special:" + stat.S_IFMT(info.st_mode).to_bytes(4, "big")
        if info.st_size > TREE_READ_LIMIT:
            return f"large:{info.st_size}:{info.st_mtime_ns}:{info.st_ino}".encode()
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):     # swapped since the stat
                return b"special:"
            data = handle.read(TREE_READ_LIMIT + 1)
    except OSError as exc:
        return f"unreadable:{exc.errno}".encode()
    return len(data).to_bytes(8, "big") + data


_generator: list[str] = []        # this process's generator digest, once known
GENERATOR_RECORD = "generator.json"     # remember_generator's record, in the cache folder


def generator_digest() -> str:
    """samverkan's version, its code (every .py of the package) and the toolchain's versions.
    Templates are not here: they are hashed per build (a project may override them). Once per
    process; `remember_generator` finds it in a record instead, when nothing it hashes changed."""
    if not _generator:
        _generator.append(_generator_digest())
    return _generator[0]


def known_generator() -> str | None:
    """The generator digest, if this process has it already (a build's main process: from its
    record or its jobs' keys)."""
    return _generator[0] if _generator else None


def adopt_generator(digest: str | None) -> None:
    """In a worker: the digest its build's main process found, for the same code (the worker
    forked from a server that imported the package beside that build). Hashing it again (with
    importlib.metadata for samverkan's and the tools' versions) took 35 ms of each worker's
    first task, which a one-kommun build waited for."""
    if digest and not _generator:
        _generator.append(digest)


def _package() -> Path:
    import samverkan

    return Path(samverkan.__file__).parent


def _code_files(package: Path) -> list[str]:
    """The package's .py files (relative paths, in the order of their parts). Not the templates
    package a wheel installs in templates/: hashed per build, not as code. os.walk, not
    pathlib's rglob: a build with nothing to do lists them."""
    found = []
    for root, dirs, names in os.walk(package):
        rel = os.path.relpath(root, package).replace(os.sep, "/")
        if rel == ".":
            dirs[:] = [d for d in dirs if d != "templates"]
        found += [name if rel == "." else f"{rel}/{name}" for name in names if name.endswith(".py")]
    return sorted(found, key=lambda path: path.split("/"))


def _generator_digest() -> str:
    from importlib.metadata import PackageNotFoundError, version

    import samverkan

    package = _package()
    h = hashlib.sha256(KEY_VERSION + samverkan.__version__.encode())
    for rel in _code_files(package):
        h.update(rel.encode() + b"\0" + (package / rel).read_bytes())
    for name in TOOLCHAIN:
        try:
            h.update(f"{name}={version(name)};".encode())
        except PackageNotFoundError:
            h.update(f"{name}=-;".encode())
    return h.hexdigest()


def _generator_stamp() -> list:
    """What generator_digest() reads, by file status instead of bytes: each .py file of the
    package (path, size, mtime, inode) and each folder of the import path but the current one
    (installing, upgrading or removing a library renames its *.dist-info folder there, which
    changes the folder's mtime)."""
    package = _package()
    here = os.path.realpath(os.getcwd())
    stamp: list = []
    prefix = str(package) + os.sep
    for rel in _code_files(package):
        info = os.stat(prefix + rel)
        stamp.append([rel, info.st_size, info.st_mtime_ns, info.st_ino])
    for entry in sys.path:
        folder = os.path.realpath(entry or ".")
        if folder != here and os.path.isdir(folder):
            info = os.stat(folder)
            stamp.append([folder, info.st_mtime_ns, info.st_ino])
    return stamp


def remember_generator(record: Path) -> str:
    """generator_digest(), kept in the file `record` (in the cache folder beside the output) with
    the status of what it hashed: a build with nothing to do stats the package's files instead of
    reading them and asking the installed libraries for their versions (30 ms of its 0.25 s).
    The record is as untrusted as any file there: used only when it is exactly what this
    process finds on disk; otherwise the digest is hashed and the record written again."""
    if _generator:
        return _generator[0]
    try:
        stamp = _generator_stamp()
    except OSError:
        return generator_digest()
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        digest = data.get("digest") if isinstance(data, dict) and data.get("stamp") == stamp else None
        if isinstance(digest, str) and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest):
            _generator.append(digest)
            return digest
    except (OSError, ValueError):
        pass
    digest = generator_digest()
    try:
        from samverkan.fileio import atomic_write

        record.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(record, json.dumps({"stamp": stamp, "digest": digest}).encode("utf-8"))
    except OSError:
        pass            # only a shortcut: the next build hashes the code again
    return digest


class Digests:
    """Hashes of one build: every template folder once, every shared intermediate once."""

    def __init__(self) -> None:
        self._trees: dict[Path, str] = {}
        self._templates: dict[Any, str] = {}
        self._objects: dict[int, tuple[Any, str]] = {}
        self._containers: dict[int, tuple[Any, str]] = {}

    def templates(self, templates: Any) -> str:
        """The digest of a project's template folders, once per build (every page and copy
        carries its Templates: 290 kommuner's site asked 3250 times, 0.1 s)."""
        digest = self._templates.get(templates)
        if digest is None:
            digest = self._templates[templates] = _hash(*(self.tree(Path(folder)) for folder in templates.dirs))
        return digest

    def tree(self, folder: Path) -> str:
        if folder not in self._trees:
            from samverkan.project import TEMPLATE_SKIP

            self._trees[folder] = tree_digest(folder, skip_hidden=False, skip=TEMPLATE_SKIP)
        return self._trees[folder]

    def of(self, value: Any) -> str:
        """A stable hash of a value: dataclasses, containers, text, dates; templates by content.
        Dataclasses (intermediates, shared by many jobs) are hashed once per build."""
        cached = self._objects.get(id(value))
        if cached is not None and cached[0] is value:
            return cached[1]
        out = bytearray()
        if _kind(type(value)) == _DATACLASS:
            out += b"D" + type(value).__qualname__.encode()
            for name in _field_names(type(value)):
                self._feed(out, name)
                self._feed(out, getattr(value, name))
            digest = hashlib.sha256(out).hexdigest()
            self._objects[id(value)] = (value, digest)
            return digest
        self._feed(out, value)
        return hashlib.sha256(out).hexdigest()

    def _container(self, value: dict | list | tuple) -> str:
        """The hash of a larger dict, list or tuple, once per object and build: the site's
        pages all carry the site's navigation and search index, which were hashed once for
        every page (97 pages: 0.13 s). Keys are computed once the jobs are collected, when
        nothing changes these any more; the object is kept, so its id is not reused."""
        cached = self._containers.get(id(value))
        if cached is not None and cached[0] is value:
            return cached[1]
        out = bytearray()
        self._feed_items(out, value)
        digest = hashlib.sha256(out).hexdigest()
        self._containers[id(value)] = (value, digest)
        return digest

    def _feed_items(self, out: bytearray, value: dict | list | tuple) -> None:
        feed = self._feed
        if isinstance(value, dict):
            out += b"{" + len(value).to_bytes(8, "big")
            for key, item in value.items():
                if type(key) is str:            # most keys: as _feed does, without the call
                    data = key.encode("utf-8")
                    out += b"s" + len(data).to_bytes(8, "big") + data
                else:
                    feed(out, key)
                feed(out, item)
        else:
            out += b"[" + len(value).to_bytes(8, "big")
            for item in value:
                feed(out, item)

    def _feed(self, out: bytearray, value: Any) -> None:
        """Append the value's bytes to the stream `out` that is hashed (one sha256 of the whole
        stream: the same digest as updating the hash piece by piece, at a fraction of the calls).
        A value's kind is known by its type once (_kind): a build feeds a million values at
        national scale."""
        cls = type(value)
        if cls is str:
            data = value.encode("utf-8")
            out += b"s" + len(data).to_bytes(8, "big") + data
            return
        kind = _kinds.get(cls)
        if kind is None:
            kind = _kind(cls)
        if kind == _CONTAINER:
            if len(value) >= SHARED_LENGTH:
                out += b"C" + self._container(value).encode()
            else:
                self._feed_items(out, value)
        elif kind == _NUMBER:
            out += f"{cls.__name__}:{value!r};".encode()
        elif kind == _STR:
            data = value.encode("utf-8")
            out += b"s" + len(data).to_bytes(8, "big") + data
        elif kind == _DATACLASS:                # templates are _TEMPLATES: by content
            out += b"D" + self.of(value).encode()
        elif kind == _BYTES:
            out += b"b" + len(value).to_bytes(8, "big") + bytes(value)
        elif kind == _TEMPLATES:
            out += b"T" + self.templates(value).encode()
        elif kind == _PATH:
            self._feed(out, "path:" + value.as_posix())
        elif kind == _DATE:
            self._feed(out, f"{cls.__name__}:{value.isoformat()}")
        elif kind == _SET:
            self._feed(out, sorted(self.of(item) for item in value))
        else:
            out += b"P" + pickle.dumps(value, protocol=4)


# What a value is, for Digests._feed: known from its type alone, found once per type (in the
# order of the checks, a subclass as its base: Markup is text, Texts a dict, bool a number).
_NUMBER, _STR, _BYTES, _TEMPLATES, _PATH, _DATE, _DATACLASS, _CONTAINER, _SET, _OTHER = range(10)
_kinds: dict[type, int] = {}
_fields: dict[type, tuple[str, ...]] = {}


def _kind(cls: type) -> int:
    kind = _kinds.get(cls)
    if kind is not None:
        return kind
    from samverkan.project import Templates

    if cls is type(None) or issubclass(cls, (bool, int, float)):
        kind = _NUMBER
    elif issubclass(cls, str):
        kind = _STR
    elif issubclass(cls, (bytes, bytearray)):
        kind = _BYTES
    elif issubclass(cls, Templates):
        kind = _TEMPLATES
    elif issubclass(cls, PurePath):
        kind = _PATH
    elif issubclass(cls, (dt.date, dt.datetime, dt.time)):
        kind = _DATE
    elif dataclasses.is_dataclass(cls) and not issubclass(cls, type):     # an instance (a class: pickled)
        kind = _DATACLASS
    elif issubclass(cls, (dict, list, tuple)):
        kind = _CONTAINER
    elif issubclass(cls, (set, frozenset)):
        kind = _SET
    else:
        kind = _OTHER
    _kinds[cls] = kind
    return kind


def _field_names(cls: type) -> tuple[str, ...]:
    names = _fields.get(cls)
    if names is None:
        names = _fields[cls] = tuple(field.name for field in dataclasses.fields(cls))
    return names


def bundle_digest(members: Iterable[str], member_keys: Iterable[str]) -> str:
    """What a ZIP is made from: its members' names and their own input hashes."""
    return _hash(*members, *member_keys)


def job_key(job: Any, artifact_digest: str) -> str:
    """The `inputs` of a job's file (see the module's docstring)."""
    return _hash(KEY_VERSION, generator_digest(), job.format, job.path, job.kind, job.title, str(job.kommun),
                 job.timestamp.isoformat(), repr(getattr(job, "facts", ())), artifact_digest)


def prepared_key(fmt: str, timestamp: str, artifact_digest: str) -> str:
    """The key of a shared document prepared once for its copies (engine/cache.py): like a
    copy's `job_key`, without what differs between the copies (path, title, kommun, values)."""
    return _hash(KEY_VERSION, b"prepared", generator_digest(), fmt, timestamp, artifact_digest)


def input_files_digest(content_dir: Path, templates: Any) -> str:
    """The files a build reads, hashed without loading them as content: content/, the
    templates, the generator and SOURCE_DATE_EPOCH."""
    return _hash(KEY_VERSION, generator_digest(), tree_digest(Path(content_dir)), Digests().templates(templates),
                 os.environ.get("SOURCE_DATE_EPOCH", "").strip())


def request_fingerprint(files_digest: str, request: str, documents_digest: str) -> str:
    """A build request's fingerprint: its input files (`input_files_digest`), the request
    (targets and options) and the manifest's list of documents (targets that read the output
    see it)."""
    return _hash(files_digest, request, documents_digest)


def documents_digest(entries: Iterable[dict]) -> str:
    """The manifest's entries as JSON with sorted keys: one call of the C encoder, where a repr
    of each entry's sorted items took twice as long (17 ms for 2173, at both ends of a build)."""
    return hashlib.sha256(json.dumps(list(entries), sort_keys=True).encode("ascii")).hexdigest()
