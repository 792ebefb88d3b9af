"""The prepared-template cache's files: what is stored is read back only by the same key and
samverkan; anything else is a miss (and removed); the folder stays under its bound."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from samverkan.engine import cache, keys
from samverkan.errors import UsageProblem
from samverkan.project import Templates
from samverkan.render import Intermediate

STAMP = dt.datetime(2026, 11, 24, 12, tzinfo=dt.timezone.utc)


def entry(tmp_path, key="k" * 64, fmt="docx", read=True) -> cache.Entry:
    return cache.Entry(str(tmp_path / cache.PREPARED / f"{key}.{fmt}"), key, fmt, read)


def test_stored_is_loaded_back_and_only_by_its_key(tmp_path):
    one = entry(tmp_path)
    assert cache.load(one) is None
    cache.store(one, b"PK\x03\x04 payload")
    assert cache.load(one) == b"PK\x03\x04 payload"
    assert cache.load(cache.Entry(one.path, "x" * 64, "docx")) is None          # another key: a miss …
    assert not os.path.exists(one.path)                                          # … and the entry goes
    cache.store(one, b"payload")
    assert cache.load(cache.Entry(one.path, one.key, "docx", read=False)) is None   # --force: not read
    assert [p.name for p in (tmp_path / cache.PREPARED).iterdir()] == [f"{one.key}.docx"]   # no temporary left


@pytest.mark.parametrize("damage", [
    lambda data: data[:-3],                                         # truncated
    lambda data: data.replace(b'"generator": "', b'"generator": "0'),     # another samverkan (or tools)
    lambda data: data.replace(b"payload", b"paylaod"),              # a changed payload
    lambda data: b"",                                               # empty
    lambda data: data.split(b"\n", 1)[1],                           # no header
])
def test_a_damaged_entry_is_a_miss_and_removed(tmp_path, damage):
    one = entry(tmp_path)
    cache.store(one, b"the payload")
    path = tmp_path / cache.PREPARED / f"{one.key}.docx"
    path.write_bytes(damage(path.read_bytes()))
    assert cache.load(one) is None
    assert not path.exists()


def test_a_symbolic_link_or_a_folder_is_not_read(tmp_path):
    one, other = entry(tmp_path), entry(tmp_path, key="o" * 64)
    cache.store(other, b"payload")
    os.symlink(other.path, one.path)
    assert cache.load(one) is None and not os.path.lexists(one.path)     # the link goes, not its target
    assert cache.load(other) == b"payload"
    os.mkdir(one.path)
    assert cache.load(one) is None


def test_the_folder_is_trimmed_to_its_bound_least_recently_used_first(tmp_path):
    names = [entry(tmp_path, key=c * 64) for c in "abcd"]
    for number, one in enumerate(names):
        cache.store(one, b"x" * 1000)
        os.utime(one.path, (1_000_000 + number, 1_000_000 + number))
    assert cache.load(names[0]) is not None          # used: now the most recent
    cache.trim(tmp_path / cache.PREPARED, 3000)     # room for two (1000 bytes and the header)
    assert [os.path.exists(one.path) for one in names] == [True, False, False, True]
    cache.trim(tmp_path / cache.PREPARED / "missing", 0)      # no folder: nothing to do


def test_keys_follow_the_template_and_the_limit_is_checked(tmp_path, monkeypatch):
    prepared = cache.PreparedCache(tmp_path / "output", keys.Digests())
    a = Intermediate("---\ntitle: A\n---\n\nText.\n", "A", Templates())
    b = Intermediate("---\ntitle: A\n---\n\nText!\n", "A", Templates())
    first = prepared.entry("docx", a, STAMP)
    assert first.path.startswith(str(tmp_path / cache.FOLDER / cache.PREPARED))
    assert first == prepared.entry("docx", Intermediate(a.markdown, "A", Templates()), STAMP)
    assert len({first.key, prepared.entry("docx", b, STAMP).key, prepared.entry("pdf", a, STAMP).key,
                prepared.entry("docx", a, STAMP + dt.timedelta(days=1)).key}) == 4
    monkeypatch.setenv(cache.LIMIT_VARIABLE, "0")
    assert cache.PreparedCache(tmp_path / "output", keys.Digests()).entry("docx", a, STAMP) is None
    for wrong in ("lots", "2²"):             # '²' passes isdigit() but not int()
        monkeypatch.setenv(cache.LIMIT_VARIABLE, wrong)
        with pytest.raises(UsageProblem, match="SAMVERKAN_CACHE_MB"):
            cache.PreparedCache(tmp_path / "output", keys.Digests())
