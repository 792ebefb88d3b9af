"""manifest.json as untrusted input: anyone can edit it, so every entry is checked before a
build, `build site`, `remiss collect` or `diff` uses its path (to keep, link, offer or remove
the file).

An entry's path must be what samverkan writes: relative, normalised (no `..`, `.`, `//`, `\\`,
NUL), not a name the build keeps for itself (`manifest.json`, `.samverkan-build/`), inside
the output folder also when symbolic links are followed, listed once, and of a kind of file
samverkan writes (a format of the writer registry, the path ending in it). A manifest that is
not JSON samverkan wrote, or with any such entry, is refused with one message naming
manifest.json and what to do. With `--force` the bad entries are left out (a new set is made);
even then nothing outside the output folder is removed or written, because no refused path is
ever used.
"""

from __future__ import annotations

import json
from pathlib import Path

from samverkan.engine.transaction import MANIFEST, Inside, refused_path
from samverkan.errors import BuildFailed

SHOWN = 5           # reasons shown in the message; the rest are counted


def problems(real: Path, data: object) -> dict[int, str]:
    """Why the manifest `data` of the output folder `real` (its real path) cannot be used: by
    entry number (1, 2, …; 0: the manifest as a whole), what is wrong; {} when it can."""
    from samverkan.writers import WRITERS

    if not isinstance(data, dict) or not isinstance(data.get("documents", []), list):
        return {0: "it is not a manifest samverkan wrote (no list of documents)"}
    formats = set(iter(WRITERS))       # the names only: `in WRITERS` would import every writer's module
    reasons: dict[int, str] = {}
    seen: set[str] = set()
    inside = Inside(real)
    for number, entry in enumerate(data.get("documents", []), start=1):
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str):
            reasons[number] = f"entry {number} has no path"
            continue
        why = refused_path(path)        # also normalised: no empty, '.' or '..' part, no leading '/'
        if why is None:
            fmt = entry.get("format")
            if fmt not in formats or not path.endswith(f".{fmt}"):
                why = "is not a kind of file samverkan writes"
        if why is None and path in seen:
            why = "is listed twice"
        if why is None and not inside(path):
            why = "leads out of the output folder through a symbolic link"
        if why:
            reasons[number] = f"entry {number} ({path!r}) {why}"
        seen.add(path)
    return reasons


def load(real: Path) -> tuple[dict, dict[int, str]]:
    """The manifest of the output folder `real` as it is ({} when there is none) and why it
    cannot be used ({}: it can)."""
    data, reason = _parsed(real)
    return (data, {0: reason}) if reason else (data, problems(real, data))


def read(real: Path) -> dict:
    """The manifest of the output folder `real` as JSON, not checked ({} when there is none, it
    cannot be read or is not an object): to compare it with a record; `problems` before any use."""
    data, _ = _parsed(real)
    return data if isinstance(data, dict) else {}


def _parsed(real: Path) -> tuple:
    """The manifest's JSON ({} when there is none), or why it cannot be read."""
    try:
        text = (real / MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError) as exc:
        return {}, f"it cannot be read ({getattr(exc, 'strerror', None) or exc})"
    try:
        return json.loads(text), None
    except ValueError:
        return {}, "it is not JSON"


def checked(out: Path, real: Path, force: bool = False) -> dict:
    """The manifest, checked: refused (BuildFailed) when it has a bad entry, unless `force`,
    which leaves the bad entries out (and a manifest that cannot be used at all)."""
    data, reasons = load(real)
    if reasons and not force:
        raise BuildFailed(message(out, list(reasons.values())))
    if 0 in reasons:
        return {}
    documents = [entry for number, entry in enumerate(data.get("documents", []), start=1) if number not in reasons]
    return dict(data, documents=documents)


def message(out: Path, reasons: list[str]) -> str:
    listed = "\n".join(f"  {reason}" for reason in reasons[:SHOWN])
    more = f"\n  and {len(reasons) - SHOWN} more" if len(reasons) > SHOWN else ""
    return (f"{Path(out) / MANIFEST} cannot be used, so nothing was written: it lists what samverkan never writes "
            f"(was it edited by hand?)\n"
            f"{listed}{more}\n"
            f"    → run `samverkan build --force` to make a new set of files and a new {MANIFEST} (nothing outside "
            f"{out} is removed or written), or put back the {MANIFEST} of the last build")
