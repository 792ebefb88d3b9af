"""Prepared routine templates kept between builds (.samverkan-cache/ beside the output): a
damaged, misplaced or older entry is never trusted, and the files are byte for byte those of a
cold build; a good entry is used."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from samverkan.build import run_build
from samverkan.engine.cache import FOLDER, PREPARED
from samverkan.targets import BuildOptions
from samverkan.targets.routines import find_units

from tests.inspect import check_manifest

LONG_AGO = 946684800     # 2000-01-01: entries the build uses are touched, the others keep this


def routines_of(content, out: Path) -> dict[str, str]:
    run_build(content, out, ["routines"], BuildOptions({"units": find_units(content, ["Täby"])}))
    check_manifest(out)
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and p.name != "manifest.json"}


def header(entry: Path) -> dict:
    return json.loads(entry.read_bytes().split(b"\n", 1)[0])


def with_header(data: bytes, **changes) -> bytes:
    first, payload = data.split(b"\n", 1)
    return json.dumps(dict(json.loads(first), **changes), sort_keys=True).encode() + b"\n" + payload


def test_a_damaged_cache_gives_the_bytes_of_a_cold_build_and_a_good_one_is_used(content, tmp_path):
    cold_out = tmp_path / "cold" / "output"
    cold = routines_of(content, cold_out)
    assert len(cold) == 21                                      # 10 routines × Word + PDF, the ZIP
    kept = tmp_path / "cold" / FOLDER / PREPARED
    entries = {p.name: p.read_bytes() for p in sorted(kept.iterdir())}
    assert len(entries) == 20 and {n.rsplit(".", 1)[1] for n in entries} == {"docx", "pdf"}
    for name, data in entries.items():                      # the key it is stored under, plain JSON + payload
        assert header(kept / name)["key"] == name.rsplit(".", 1)[0]
    assert cold_out.parent.joinpath(FOLDER).is_dir() and not (cold_out / FOLDER).exists()

    # the same cache beside another output folder, its entries damaged in every way we know;
    # each damaged entry holds another template's payload (or half of its own), so a build
    # that trusted it would write other bytes
    cache = tmp_path / "warm" / FOLDER / PREPARED
    cache.mkdir(parents=True)
    for name, data in entries.items():
        (cache / name).write_bytes(data)
    docx = sorted(n for n in entries if n.endswith(".docx"))
    pdf = sorted(n for n in entries if n.endswith(".pdf"))
    damaged = {
        # truncated (a write cut off by a power cut)
        docx[0]: entries[docx[0]][:len(entries[docx[0]]) // 2],
        pdf[0]: entries[pdf[0]][:-1],
        # another template's entry under this one's key (a renamed or copied file)
        docx[1]: entries[docx[2]],
        pdf[1]: entries[pdf[2]],
        # another payload with a header claiming this key, written by an older samverkan
        docx[3]: with_header(entries[docx[4]], key=docx[3].rsplit(".", 1)[0], samverkan="0.0.1"),
        # the right header over a payload that is not what it says (sha256)
        pdf[3]: entries[pdf[3]].split(b"\n", 1)[0] + b"\n" + entries[pdf[4]].split(b"\n", 1)[1],
        # not a JSON header at all
        docx[5]: b"\x80\x04\x95 not a header\n" + entries[docx[5]],
    }
    for name, data in damaged.items():
        (cache / name).write_bytes(data)
    (cache / pdf[5]).unlink()                              # a symbolic link to another entry
    (cache / pdf[5]).symlink_to(cache / pdf[6])
    for entry in cache.iterdir():
        os.utime(entry, (LONG_AGO, LONG_AGO), follow_symlinks=False)
    inodes = {entry.name: entry.lstat().st_ino for entry in cache.iterdir()}

    warm = routines_of(content, tmp_path / "warm" / "output")
    assert warm == cold
    # every bad entry was replaced by the right one; every good one was used (touched, not rewritten)
    bad = set(damaged) | {pdf[5]}
    for name, data in entries.items():
        assert (cache / name).read_bytes() == data and not (cache / name).is_symlink(), name
        info = (cache / name).stat()
        if name not in bad:
            assert info.st_ino == inodes[name] and info.st_mtime > LONG_AGO, name
    # and a good entry really is what the build fills: a valid entry of another template under a
    # key makes that template's copies from it (what proves the cache is read at all)
    forged = entries[docx[7]]
    (cache / docx[6]).write_bytes(with_header(forged, key=docx[6].rsplit(".", 1)[0]))
    other = routines_of(content, tmp_path / "warm" / "forged")
    assert other != cold and sum(other[p] != cold[p] for p in cold) == 2     # that routine's Word file and the ZIP
