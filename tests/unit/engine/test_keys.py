"""What a file is made from, as one hash: equal inputs give equal hashes in any process, and
every input counts."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass, replace

from samverkan.engine import keys
from samverkan.project import Templates
from samverkan.render import FilledDocument, Intermediate
from samverkan.targets import Job

from tests.conftest import write

STAMP = dt.datetime(2026, 11, 24, 12, tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class Row:
    name: str
    values: tuple


def job(artifact, **changes) -> Job:
    return replace(Job(artifact, "pdf", "a/b.pdf", "routine", "Titel", STAMP, "0160"), **changes)


def key(j: Job) -> str:
    return keys.job_key(j, keys.Digests().of(j.artifact))


def test_equal_inputs_give_equal_keys_and_every_input_counts():
    document = Intermediate("---\ntitle: A\n---\n\nText.\n", "A")
    same = key(job(Intermediate("---\ntitle: A\n---\n\nText.\n", "A")))
    assert key(job(document)) == same
    different = [job(Intermediate("---\ntitle: A\n---\n\nText!\n", "A")), job(document, format="docx"),
                 job(document, path="a/c.pdf"), job(document, title="Annan"), job(document, kommun="0162"),
                 job(document, timestamp=STAMP + dt.timedelta(seconds=1)), job(document, kind="agreement")]
    assert len({key(j) for j in different} | {same}) == len(different) + 1


def test_a_copy_of_a_shared_document_counts_its_values():
    base = Intermediate("# R\n", "R")
    a = key(job(FilledDocument(base, (("enhet", "Täby kommun"),), "R – Täby")))
    assert a == key(job(FilledDocument(Intermediate("# R\n", "R"), (("enhet", "Täby kommun"),), "R – Täby")))
    assert a != key(job(FilledDocument(base, (("enhet", "Solna stad"),), "R – Täby")))


def test_templates_count_by_content_with_the_project_overrides(tmp_path):
    digests = keys.Digests()
    packaged = digests.of(Templates())
    write(tmp_path / "templates" / "document.typ", "// mine\n")
    project = Templates(tmp_path / "templates")
    assert keys.Digests().of(project) != packaged
    first = keys.Digests().of(project)
    write(tmp_path / "templates" / "document.typ", "// mine, changed\n")
    assert keys.Digests().of(project) not in (first, packaged)
    write(tmp_path / "templates" / "fonts" / "Extra.otf", "font bytes")
    assert keys.Digests().of(Templates(tmp_path / "templates")) != first


def test_containers_dates_and_other_objects_hash_by_value():
    digests = keys.Digests()
    value = {"rows": [Row("a", (1, 2.5, None, True)), Row("b", ())], "day": dt.date(2026, 11, 24),
             "set": frozenset({"x", "y"}), "bytes": b"\x00\x01"}
    again = {"rows": [Row("a", (1, 2.5, None, True)), Row("b", ())], "day": dt.date(2026, 11, 24),
             "set": frozenset({"y", "x"}), "bytes": b"\x00\x01"}
    assert digests.of(value) == keys.Digests().of(again)
    assert digests.of(value) != digests.of(dict(value, day=dt.date(2026, 11, 25)))
    assert digests.of(["1"]) != digests.of([1]) and digests.of(("a", "b")) != digests.of(("ab",))


def test_a_large_container_shared_by_many_values_hashes_by_value():
    """Large dicts and lists are hashed once per object (the site's pages share one navigation):
    an equal copy, in any order of hashing, gives the same key; a different one does not."""
    shared = {f"k{i}": [f"v{i}"] * 10 for i in range(20)}
    copy = {f"k{i}": [f"v{i}"] * 10 for i in range(20)}
    pages = [{"page": n, "site": shared} for n in range(3)]
    digests = keys.Digests()
    first = [digests.of(page) for page in pages]
    assert keys.Digests().of({"page": 2, "site": copy}) == first[2]          # by value, not by object
    assert len(set(first)) == 3
    other = keys.Digests()
    assert other.of({"page": 0, "site": copy}) == first[0] and other.of(pages[0]) == first[0]
    changed = dict(copy, k0=["changed"])
    assert keys.Digests().of({"page": 0, "site": changed}) != first[0]
    # the same content whole or as a container gives the same hash either way round
    assert digests.of(list(range(20))) == keys.Digests().of(list(range(20)))


def test_a_key_is_the_same_in_another_process():
    code = ("import datetime as dt; from samverkan.engine import keys; from samverkan.render import Intermediate; "
            "from samverkan.targets import Job; "
            "j = Job(Intermediate('# A\\n', 'A'), 'pdf', 'a.pdf', 'k', 'T', "
            "dt.datetime(2026, 11, 24, 12, tzinfo=dt.timezone.utc)); "
            "print(keys.job_key(j, keys.Digests().of(j.artifact)))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    here = Job(Intermediate("# A\n", "A"), "pdf", "a.pdf", "k", "T", STAMP)
    assert other == keys.job_key(here, keys.Digests().of(here.artifact))


def test_a_bundle_counts_its_members_inputs():
    assert keys.bundle_digest(["a.pdf", "b.pdf"], ["1", "2"]) != keys.bundle_digest(["a.pdf", "b.pdf"], ["1", "3"])
    assert keys.bundle_digest(["a.pdf"], ["1"]) != keys.bundle_digest(["b.pdf"], ["1"])


def test_the_request_fingerprint_reads_the_content_files(tmp_path, monkeypatch):
    def fingerprint(request="req", documents="docs"):
        return keys.request_fingerprint(keys.input_files_digest(tmp_path / "content", Templates()), request, documents)

    write(tmp_path / "content" / "a.yaml", "x: 1\n")
    first = fingerprint()
    assert first == fingerprint()
    write(tmp_path / "content" / "a.yaml", "x: 2\n")
    second = fingerprint()
    assert second != first
    assert fingerprint("other") != second
    assert fingerprint(documents="changed") != second
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert fingerprint() != second


def test_the_generator_digest_is_remembered_only_while_nothing_it_hashes_changed(tmp_path, monkeypatch):
    """A build with nothing to do takes the digest of samverkan's code from its record (the code
    files' and library folders' status) instead of reading the code; a record that does not
    match what is on disk, or is damaged, is not used, and is written again."""
    record = tmp_path / ".samverkan-cache" / keys.GENERATOR_RECORD
    true = keys._generator_digest()
    monkeypatch.setattr(keys, "_generator", [])
    assert keys.remember_generator(record) == true and record.is_file()     # none yet: hashed, recorded
    import json

    data = json.loads(record.read_text(encoding="utf-8"))
    assert data["digest"] == true and any(entry[0] == "engine/keys.py" for entry in data["stamp"])

    def remembered() -> str:
        monkeypatch.setattr(keys, "_generator", [])      # a new process
        return keys.remember_generator(record)

    record.write_text(json.dumps(dict(data, digest="0" * 64)), encoding="utf-8")
    assert remembered() == "0" * 64               # the record, as long as the files are as it lists them
    stale = [list(entry) for entry in data["stamp"]]
    changed = next(entry for entry in stale if entry[0] == "engine/keys.py")
    changed[2] += 1                                # keys.py saved again since (another mtime)
    record.write_text(json.dumps({"stamp": stale, "digest": "0" * 64}), encoding="utf-8")
    assert remembered() == true
    assert json.loads(record.read_text(encoding="utf-8")) == data           # recorded again
    for damaged in ("{", '{"stamp": 1}', json.dumps(dict(data, digest="not a digest")), "[]"):
        record.write_text(damaged, encoding="utf-8")
        assert remembered() == true


def test_the_input_files_are_hashed_as_untrusted(tmp_path):
    """The content folder is hashed before it is loaded (the no-op check, the fingerprint): a
    FIFO or a link to a device there is not opened (reading a FIFO waits for a writer that never
    comes; /dev/zero never ends), and a file too large to be content is not read. Each still
    counts: replaced by a plain file, the digest changes. The load then says what is wrong."""
    import threading

    folder = tmp_path / "content"
    write(folder / "a.yaml", "x: 1\n")
    os.mkfifo(folder / "fifo.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    with open(folder / "huge.md", "wb") as handle:
        handle.truncate(keys.TREE_READ_LIMIT + 1)            # sparse: no disk used
    found: list[str] = []
    hashing = threading.Thread(target=lambda: found.append(keys.tree_digest(folder)), daemon=True)
    hashing.start()
    hashing.join(20)
    assert found, "hashing the content folder waited on a FIFO or read without end"
    (folder / "fifo.yaml").unlink()
    write(folder / "fifo.yaml", "y: 2\n")
    assert keys.tree_digest(folder) != found[0]
