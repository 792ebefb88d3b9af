"""Finding a kommun or stadsdel by what a person types: its name in any case, with or without
å/ä/ö, as slug or as kommunkod (`Täby`, `taby`, `TABY`, `0160`), and the closest names when
nothing matches (`Tabby` → Täby).

One rule for every place that looks names up: `samverkan routines KOMMUN` (targets/routines.py)
and the site's search field. The site cannot run Python, so templates/site/site.js carries the
same rule in JavaScript (fold, then exact key, key prefix, closest by difflib's ratio), run
against the index `search_index` makes here; tests/e2e/test_site.py checks in a real browser that
both give the same answers.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable, Sequence

from samverkan.model import LocalUnit
from samverkan.text import slugify

CUTOFF = 0.5          # how alike a name must be to be offered as the closest match (difflib's ratio)
CLOSEST = 3           # how many closest matches are offered


def name_key(text: str) -> str:
    """What a name is compared by: lower case, without diacritics, letters and digits only
    ("Upplands Väsby" → "upplandsvasby", "0160" → "0160")."""
    return slugify(text).replace("-", "")


def kommun_names(unit: LocalUnit) -> tuple[str, ...]:
    """What the kommun a unit belongs to is looked up by: its name, slug, kommunkod and
    organisation ("Stockholm", "stockholm", "0180", "Stockholms stad")."""
    return tuple(dict.fromkeys((unit.kommun_name, slugify(unit.kommun_name), unit.code, unit.organisation)))


def unit_names(unit: LocalUnit) -> tuple[str, ...]:
    """Everything a kommun or stadsdel is looked up by, in a stable order. A stadsdel answers to
    its kommun's names too: "Stockholm" means all its stadsdelar."""
    return tuple(dict.fromkeys((unit.name, unit.slug, unit.full_name) + kommun_names(unit)))


def keys(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name_key(name) for name in names))


def unit_keys(unit: LocalUnit) -> tuple[str, ...]:
    return keys(unit_names(unit))


def closest_keys(key: str, candidates: Iterable[str], n: int = CLOSEST, cutoff: float = CUTOFF) -> list[str]:
    """The keys most like `key`, best first (difflib's ratio; ties: the later key in code point
    order first)."""
    return difflib.get_close_matches(key, list(dict.fromkeys(candidates)), n=n, cutoff=cutoff)


def closest(query: str, names: Iterable[str], n: int = CLOSEST, cutoff: float = CUTOFF) -> list[str]:
    """The names most like `query` (compared by their keys), best first."""
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(name_key(name), name)
    return [by_key[key] for key in closest_keys(name_key(query), by_key, n, cutoff)]


@dataclass(frozen=True)
class Entry:
    """One thing the site's search finds: a page, with the keys it answers to (`keys`) and the
    keys of the names it is offered by when nothing answers (`near`)."""

    label: str
    href: str                 # relative to the site's root
    keys: tuple[str, ...]
    near: tuple[str, ...]


def search(entries: Sequence[Entry], query: str) -> tuple[str, list[Entry]]:
    """The site's search rule (site.js does the same in the browser): the entries one of whose
    keys is the query's key ("exact"), else those with a key that starts with it ("prefix"), else
    those with a name closest to it ("closest", best first); each group in index order."""
    key = name_key(query)
    if not key:
        return "none", []
    exact = [e for e in entries if key in e.keys]
    if exact:
        return "exact", exact
    prefix = [e for e in entries if any(k.startswith(key) for k in e.keys)]
    if prefix:
        return "prefix", prefix
    found: list[Entry] = []
    for near in closest_keys(key, (k for e in entries for k in e.near)):
        found.extend(e for e in entries if near in e.near and e not in found)
    return ("closest", found) if found else ("none", [])


def search_index(entries: Sequence[Entry]) -> dict:
    """The index site.js searches (embedded in the pages as JSON)."""
    return {"cutoff": CUTOFF, "closest": CLOSEST,
            "entries": [{"label": e.label, "href": e.href, "keys": list(e.keys), "near": list(e.near)}
                        for e in entries]}
