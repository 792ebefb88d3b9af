"""The output folder as one transaction: lock, recovery of interrupted builds, the journal mode,
links and files the build does not know."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samverkan import build as build_module
from samverkan.engine import transaction
from samverkan.engine.transaction import refused_path
from samverkan.errors import BuildFailed

from tests.inspect import check_manifest, manifest, no_leftovers, snapshot


def test_a_second_command_writing_the_same_folder_stops_with_a_message(mini, tmp_path):
    out = tmp_path / "out"
    with transaction.Transaction(out):
        with pytest.raises(BuildFailed) as info:
            build_module.build(mini, out, ["agreement"])
    assert f"process {os.getpid()}" in info.value.message and "is writing" in info.value.message
    build_module.build(mini, out, ["agreement"])
    check_manifest(out)
    no_leftovers(out)


def test_an_interrupted_journal_is_completed_by_the_next_build(mini, tmp_path):
    """The journal mode (a mount point, or no room beside): moves half done, then killed."""
    out = tmp_path / "out"
    build_module.build(mini, out, ["agreement"])
    work = out / transaction.INSIDE
    (work / "next").mkdir(parents=True)
    (work / "next" / "new.csv").write_text("new")
    (out / "old.txt").write_text("old")
    data = manifest(out)
    data["documents"].append({"path": "new.csv", "kind": "x", "format": "csv", "title": "", "kommun": None,
                              "sha256": hashlib.sha256(b"new").hexdigest(), "bytes": 3, "target": None})
    (work / "next" / "manifest.json").write_text(json.dumps(data))
    (work / transaction.JOURNAL).write_text(json.dumps({"place": ["new.csv", "manifest.json"],
                                                        "remove": ["old.txt"]}))
    build_module.build(mini, out, ["agreement"])
    assert (out / "new.csv").read_text() == "new" and not (out / "old.txt").exists()
    check_manifest(out)
    no_leftovers(out)


def test_leftovers_of_interrupted_builds_are_removed(mini, tmp_path):
    out = tmp_path / "out"
    build_module.build(mini, out, ["agreement"])
    before = snapshot(out)
    (tmp_path / ".out.samverkan" / "next" / "rutiner").mkdir(parents=True)      # killed while staging
    (tmp_path / ".out.samverkan" / "next" / "rutiner" / "x.pdf").write_bytes(b"%PDF")
    (out / ".staging-abc123" / "rutiner").mkdir(parents=True)                  # samverkan 0.2
    (out / ".staging-abc123" / "rutiner" / "y.pdf").write_bytes(b"%PDF")
    build_module.build(mini, out, ["agreement"], force=True)
    assert {p: v[2] for p, v in snapshot(out).items()} == {p: v[2] for p, v in before.items()}
    no_leftovers(out)


def test_journal_mode_when_working_inside_the_output_folder(mini, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build_module.build(mini, out, ["agreement"])
    monkeypatch.chdir(out)
    report = build_module.build_project(mini, Path("."), ["agreement"], force=True)
    assert len(report.written) == 2
    check_manifest(out)
    no_leftovers(out)




def test_an_output_folder_that_is_a_link_stays_a_link(mini, tmp_path):
    (tmp_path / "real").mkdir()
    out = tmp_path / "out"
    out.symlink_to(tmp_path / "real")
    build_module.build(mini, out, ["agreement"])
    build_module.build(mini, out, ["agreement"], force=True)
    assert out.is_symlink() and len(check_manifest(tmp_path / "real")) == 2
    no_leftovers(tmp_path / "real")


def test_files_and_folders_the_build_does_not_know_survive_the_switch(mini, tmp_path):
    out = tmp_path / "out"
    build_module.build(mini, out, ["agreement"])
    (out / "notes").mkdir()
    (out / "notes" / "läs mig.txt").write_text("egna anteckningar", encoding="utf-8")
    (out / "empty").mkdir(mode=0o750)
    (out / "empty").chmod(0o750)
    inode = (out / "notes" / "läs mig.txt").stat().st_ino
    report = build_module.build(mini, out, ["agreement"], force=True)
    assert len(report) == 2
    assert (out / "notes" / "läs mig.txt").read_text(encoding="utf-8") == "egna anteckningar"
    assert (out / "notes" / "läs mig.txt").stat().st_ino == inode          # the same file, not a copy
    assert (out / "empty").is_dir() and (out / "empty").stat().st_mode & 0o777 == 0o750


def test_a_folder_samverkan_did_not_make_is_written_into_not_swapped(mini, tmp_path):
    """--out pointing at someone's folder: only the build's files are added, the folder itself
    (its inode, its other files) stays."""
    out = tmp_path / "documents"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    inode = out.stat().st_ino
    build_module.build(mini, out, ["agreement"])
    assert out.stat().st_ino == inode and (out / "mine.txt").read_text() == "keep me"
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "mine.txt", "testavtal-v0.9-2026-11-24.docx",
                                                     "testavtal-v0.9-2026-11-24.pdf"]
    no_leftovers(out)


def test_written_files_are_flushed_while_the_build_goes_on_and_not_after(tmp_path, monkeypatch):
    """The switch's own flush must wait for everything written; flushing as the files come
    leaves it little. The flushing stops with the block; a failing flush ends it (the switch's
    flush reports the error)."""
    import time

    flushed: list[Path] = []
    failing = False

    def flush(folder: Path) -> None:
        flushed.append(folder)
        if failing:
            raise OSError(5, "Input/output error")

    def wait_for(count: int) -> None:
        deadline = time.monotonic() + 5
        while len(flushed) < count and time.monotonic() < deadline:
            time.sleep(0.005)
        assert len(flushed) >= count

    monkeypatch.setattr(transaction, "flush_to_disk", flush)
    with transaction.Transaction(tmp_path / "out") as tx:
        with tx.writing_back(every=0.01):
            wait_for(3)
        time.sleep(0.05)
        after = len(flushed)
        time.sleep(0.1)
        assert len(flushed) == after and set(flushed) == {tx.work}

        failing = True
        with tx.writing_back(every=0.01):
            wait_for(after + 1)
            time.sleep(0.1)
            assert len(flushed) == after + 1             # no flush after the one that failed


@given(st.text(alphabet="/.a\\\0é", max_size=16))
def test_every_path_refused_path_lets_through_is_normalised(path):
    """engine/entries.py relies on it: a manifest path refused_path accepts is its own normal
    form (no separate normpath check per entry)."""
    if refused_path(path) is None:
        assert posixpath.normpath(path) == path and not path.startswith("/")


@given(st.lists(st.dictionaries(st.sampled_from(["path", "title", "kommun", "bytes", "facts"]),
                                st.one_of(st.none(), st.integers(), st.text(),
                                          st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2)),
                                min_size=1), max_size=6),
       st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=2))
def test_the_manifest_is_json_with_one_file_a_line(documents, fingerprints):
    """Whatever the entries hold (quotes, braces, line breaks, any script), manifest.json reads
    back as what was written, one document a line, text as typed (not as \\u escapes)."""
    data = {"documents": documents, "fingerprints": fingerprints}
    text = transaction.manifest_bytes(data).decode("utf-8")
    assert json.loads(text) == data
    lines = text.rstrip("\n").split("\n")          # (not splitlines: U+0085 and U+2028 stay as typed)
    assert len(lines) == (len(documents) + 5 if documents else 4)
    assert [json.loads(line.strip().rstrip(",")) for line in lines[2:2 + len(documents)]] == documents
    if any(isinstance(d.get("title"), str) and "å" in d["title"] for d in documents):
        assert "å" in text


def test_the_files_that_stay_are_linked_ahead_and_corrected_to_what_the_build_did(tmp_path):
    """Transaction.prelink links the current set's files that stay while the last files are
    made; the commit corrects it where the build went otherwise than told: a file written that
    it was not told of replaces its link (never writes into the current file), a file removed
    that it was not told of goes, with its folder; a file told of but neither written nor
    removed is linked. The new set is what a commit without prelink gives."""
    from samverkan.engine.tasks import store

    out = tmp_path / "out"
    old = {"a.txt": b"a0", "b.txt": b"b0", "c/c.txt": b"c0", "d/d.txt": b"d0", "e.txt": b"e0", "f.txt": b"f0"}
    with transaction.Transaction(out) as tx:
        for rel, data in old.items():
            tx.staged(rel).parent.mkdir(parents=True, exist_ok=True)
            tx.staged(rel).write_bytes(data)
        tx.commit({"documents": []}, set(old), set())
    keep = tmp_path / "old-c.txt"
    os.link(out / "c/c.txt", keep)                  # the current file's inode, to see it is not written into
    with transaction.Transaction(out) as tx:
        tx.prelink({"a.txt", "e.txt"}, {"b.txt"})  # told: a written, b removed; e told but kept as it is
        tx._join_prelink()                          # the links made before the files are (else a race)
        for rel, data in (("a.txt", b"a1"), ("c/c.txt", b"c1")):   # c: written, not told
            assert store(rel, str(tx.staged(rel)), lambda data=data: data).error is None
        tx.commit({"documents": []}, {"a.txt", "c/c.txt"}, {"b.txt", "d/d.txt"})   # d: removed, not told
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert files == {"a.txt": b"a1", "c/c.txt": b"c1", "e.txt": b"e0", "f.txt": b"f0", "manifest.json": files["manifest.json"]}
    assert not (out / "d").exists() and keep.read_bytes() == b"c0"
    no_leftovers(out)


def test_a_build_that_fails_while_linking_ahead_leaves_the_output_as_it_was(tmp_path):
    out = tmp_path / "out"
    with transaction.Transaction(out) as tx:
        tx.staged("a.txt").write_bytes(b"a0")
        tx.commit({"documents": []}, {"a.txt"}, set())
    before = snapshot(out)
    with pytest.raises(RuntimeError):
        with transaction.Transaction(out) as tx:
            tx.prelink({"b.txt"}, set())
            raise RuntimeError("a writer failed")
    assert snapshot(out) == before
    no_leftovers(out)
