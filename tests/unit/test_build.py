"""The build engine: reproducible bytes, all or nothing, incremental, removal of stale files,
targets that read the output, the last guard on paths, and OSErrors as one-line messages."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import zipfile
from pathlib import Path
from typing import ClassVar

import pytest

from samverkan import build as build_module
from samverkan.content.loader import load_content
from samverkan.engine import incremental, tasks, transaction
from samverkan.errors import BuildFailed, ContentInvalid
from samverkan.targets import TARGETS, BuildOptions, Job, Target
from samverkan.targets.routines import find_units

from tests.conftest import write
from tests.inspect import changed, check_manifest, manifest, no_leftovers, snapshot


# -- reproducible, all or nothing -------------------------------------------------------------

def test_same_content_gives_the_same_bytes(mini, tmp_path):
    first = build_module.build(mini, tmp_path / "a", ["agreement"])
    second = build_module.build(mini, tmp_path / "b", ["agreement"])
    assert [w.sha256 for w in first] == [w.sha256 for w in second]
    for w in first:
        assert (tmp_path / "a" / w.path).read_bytes() == (tmp_path / "b" / w.path).read_bytes()
    assert (tmp_path / "a" / "manifest.json").read_bytes() == (tmp_path / "b" / "manifest.json").read_bytes()


def test_source_date_epoch_changes_only_the_timestamps(mini, tmp_path, monkeypatch):
    first = build_module.build(mini, tmp_path / "a", ["agreement"])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    second = build_module.build(mini, tmp_path / "b", ["agreement"])
    assert [w.path for w in first] == [w.path for w in second]
    assert [w.sha256 for w in first] != [w.sha256 for w in second]
    core = zipfile.ZipFile(tmp_path / "b" / second[0].path).read("docProps/core.xml").decode()
    assert "2027-01-15T08:00:00Z" in core


def test_a_failed_build_leaves_previous_output_intact(mini, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build_module.build(mini, out, ["agreement"])
    before = snapshot(out)

    def explode(job):
        if job.format == "pdf":
            raise BuildFailed("typst could not make the PDF: simulated")
        return b"new docx bytes"

    monkeypatch.setattr(tasks, "run_job", explode)
    with pytest.raises(BuildFailed) as info:
        build_module.build(mini, out, ["agreement"], workers=1, force=True)
    assert "simulated" in info.value.message and "left as it was" in info.value.message
    assert snapshot(out) == before
    no_leftovers(out)


def test_invalid_content_writes_nothing(mini, tmp_path):
    write(mini / "parties.yaml", "- id: x\n")
    with pytest.raises(ContentInvalid):
        build_module.build(mini, tmp_path / "out", ["agreement"])
    assert not (tmp_path / "out").exists()


def test_files_of_other_commands_stay_and_entries_of_missing_files_go(mini, tmp_path):
    out = tmp_path / "out"
    build_module.build(mini, out, ["agreement"])
    (out / "andringar").mkdir()
    (out / "andringar" / "report.json").write_bytes(b"{}")
    theirs = {"path": "andringar/report.json", "kind": "change-report", "format": "json", "title": "Ändringar",
              "kommun": None, "sha256": hashlib.sha256(b"{}").hexdigest(), "bytes": 2, "target": None}
    gone = dict(theirs, path="andringar/gone.json")
    data = manifest(out)
    data["documents"] += [theirs, gone]
    (out / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    build_module.build(mini, out, ["agreement"], force=True)
    paths = [e["path"] for e in manifest(out)["documents"]]
    assert "andringar/report.json" in paths and "andringar/gone.json" not in paths
    assert paths == sorted(paths)


# --- targets that read the output (the site): the second phase -------------------------------

def _with_site(mini):
    """The mini content with the example's site wording."""
    from samverkan.project import packaged

    (mini / "site.yaml").write_bytes((packaged("example") / "content" / "site.yaml").read_bytes())
    statement = (packaged("example") / "content" / "accessibility.yaml").read_text(encoding="utf-8")
    contact = "contact:\n  name: Sekretariatet\n  organisation: Region Mini\n  email: mini@example.org\n"
    (mini / "accessibility.yaml").write_text(contact + statement, encoding="utf-8")   # mini has no remiss
    return mini


def _manifest(out) -> dict[str, dict]:
    return {e["path"]: e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]}


def test_a_reading_target_runs_after_the_others_and_gets_the_manifest_after_the_build(mini, tmp_path):
    out = tmp_path / "out"
    build_module.build(_with_site(mini), out, ["site", "agreement"])      # named first, run second
    manifest = _manifest(out)
    docx = next(p for p, e in manifest.items() if e["kind"] == "agreement" and e["format"] == "docx")
    copy = manifest[f"site/filer/{docx}"]
    assert copy["sha256"] == manifest[docx]["sha256"] and copy["kind"] == "site-file"
    assert (out / docx).stat().st_ino == (out / copy["path"]).stat().st_ino          # a hard link
    assert docx in (out / "site" / "index.html").read_text(encoding="utf-8")
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_the_site_alone_offers_the_files_already_in_the_output(mini, tmp_path):
    out = tmp_path / "out"
    build_module.build(mini, out, ["agreement"])
    written = build_module.build(_with_site(mini), out, ["site"])
    assert {w.path for w in written if w.kind == "site-file"} == \
        {f"site/filer/{p}" for p, e in _manifest(out).items() if e["kind"] == "agreement"}


def test_without_hard_links_the_files_are_copied(mini, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build_module.build(mini, out, ["agreement"])

    def refuse(*args, **kwargs):
        raise OSError("hard links not supported")

    monkeypatch.setattr(incremental.os, "link", refuse)
    build_module.build(_with_site(mini), out, ["site"])
    for path, entry in _manifest(out).items():
        if entry["kind"] == "site-file":
            original = out / path[len("site/filer/"):]
            assert (out / path).read_bytes() == original.read_bytes()
            assert (out / path).stat().st_ino != original.stat().st_ino


def test_a_file_changed_since_the_manifest_fails_the_build_and_leaves_the_output(mini, tmp_path):
    out = tmp_path / "out"
    build_module.build(mini, out, ["agreement"])
    docx = next(p for p, e in _manifest(out).items() if e["format"] == "docx")
    (out / docx).write_bytes(b"edited by hand")
    before = (out / "manifest.json").read_text(encoding="utf-8")
    with pytest.raises(BuildFailed) as info:
        build_module.build(_with_site(mini), out, ["site"])
    assert "changed by hand" in info.value.message and docx in info.value.message
    assert not (out / "site").exists() and (out / "manifest.json").read_text(encoding="utf-8") == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_manifest_entry_pointing_outside_the_output_is_refused(mini, tmp_path):
    out = tmp_path / "out"
    build_module.build(mini, out, ["agreement"])
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the site")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"].append({"path": "../secret.txt", "kind": "agreement", "format": "docx", "title": "x",
                                  "kommun": None, "sha256": "0" * 64, "bytes": 1})
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BuildFailed) as info:
        build_module.build(_with_site(mini), out, ["site"])
    assert "secret.txt" in info.value.message and "nothing was written" in info.value.message
    assert not (out / "site").exists() and secret.read_text() == "not for the site"
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == manifest     # left as it was


# -- incremental -------------------------------------------------------------------------------

def test_a_forkserver_started_for_content_saved_unchanged_is_stopped_when_nothing_is_to_do(mini, tmp_path):
    """Content written after the last build: the workers' imports start beside the no-op check
    (engine/incremental.py `edited_since_built`). When the check finds nothing to do after all
    (a file saved again unchanged), that forkserver is stopped before the build returns, not
    left importing with the command's output open."""
    import multiprocessing.forkserver as forkserver

    from samverkan.engine.incremental import edited_since_built

    server = forkserver._forkserver
    out = tmp_path / "out"
    folders = [mini, mini.parent / "templates"]
    assert edited_since_built(out, folders)                       # never built
    build_module.build_project(mini, out, ["agreement"])
    assert not edited_since_built(out, folders)
    server._stop()                                                # as in a new `samverkan build`
    deepest = max((p for p in mini.rglob("*") if p.is_file()), key=lambda p: len(p.parts))
    os.utime(deepest)                                             # saved again, unchanged
    assert deepest.parent != mini and edited_since_built(out, folders)
    again = build_module.build_project(mini, out, ["agreement"])
    assert again.checked_only and not again.written
    assert server._forkserver_pid is None


def test_a_rebuild_with_nothing_changed_writes_nothing(example, tmp_path):
    out = tmp_path / "out"
    first = build_module.build_project(example / "content", out)
    total = len(manifest(out)["documents"])
    assert len(first.written) == total > 90 and not first.unchanged      # the site's pages and copies too
    before = snapshot(out)
    manifest_before = (out / "manifest.json").read_bytes()
    again = build_module.build_project(example / "content", out)
    assert again.checked_only and not again.written and again.unchanged == total
    assert snapshot(out) == before and (out / "manifest.json").read_bytes() == manifest_before
    # a content edit that changes no document (a comment): loaded and checked job by job, nothing written
    with open(example / "content" / "kommuner.yaml", "a", encoding="utf-8") as handle:
        handle.write("# en kommentar\n")
    third = build_module.build_project(example / "content", out)
    assert not third.checked_only and not third.written and third.unchanged == total
    assert changed(before, snapshot(out)) == {"manifest.json"}    # only the record of what was checked
    assert manifest(out)["documents"] == json.loads(manifest_before)["documents"]
    no_leftovers(out)


def test_a_file_saved_while_the_build_runs_is_seen_by_the_next_build(example, tmp_path, monkeypatch):
    """The fingerprint recorded for the no-op check is of the files the build read, hashed
    before it loaded them: a content file saved after that (while the build runs) makes the
    next build look again and make what changed, not report nothing to do."""
    out = tmp_path / "out"
    kommuner = example / "content" / "kommuner.yaml"
    collect = build_module.collect_jobs
    saved = []

    def save_meanwhile(*args, **kwargs):
        if not saved:
            saved.append(kommuner.write_text(kommuner.read_text(encoding="utf-8").replace(
                "committee: Social- och omsorgsnämnden", "committee: Omsorgsnämnden"), encoding="utf-8"))
        return collect(*args, **kwargs)

    monkeypatch.setattr(build_module, "collect_jobs", save_meanwhile)
    build_module.build_project(example / "content", out)
    assert saved
    before = snapshot(out)
    again = build_module.build_project(example / "content", out)
    assert not again.checked_only
    remade = {w.path for w in again.written}
    assert "site/kommuner/norrvik.html" in remade and any(p.startswith("rutiner/norrvik/") for p in remade)
    assert changed(before, snapshot(out)) == remade | {"manifest.json"}
    assert build_module.build_project(example / "content", out).checked_only


def test_force_makes_every_file_again(example, tmp_path):
    out = tmp_path / "out"
    build_module.build_project(example / "content", out)
    before = snapshot(out)
    report = build_module.build_project(example / "content", out, force=True)
    assert len(report.written) == len(manifest(out)["documents"])
    after = snapshot(out)
    assert all(before[p][0] != after[p][0] and before[p][2] == after[p][2] for p in before if p != "manifest.json")


def test_changing_one_kommun_makes_only_its_files_again(example, tmp_path):
    out = tmp_path / "out"
    build_module.build_project(example / "content", out)
    before = snapshot(out)
    kommuner = example / "content" / "kommuner.yaml"
    kommuner.write_text(kommuner.read_text(encoding="utf-8").replace(
        "committee: Social- och omsorgsnämnden", "committee: Omsorgsnämnden"), encoding="utf-8")
    report = build_module.build_project(example / "content", out)
    # the kommun's routine files, and on the site its page, its routine pages and the copies of those files
    expected = {p for p in before if p.startswith(("rutiner/norrvik/", "site/filer/rutiner/norrvik/",
                                                   "site/kommuner/norrvik/"))} | {"site/kommuner/norrvik.html"}
    assert {w.path for w in report.written} == expected and len(expected) == 13
    assert changed(before, snapshot(out)) == expected | {"manifest.json"}
    assert report.unchanged == len(before) - 1 - len(expected)
    check_manifest(out)


def test_changing_a_commitment_makes_what_quotes_it_again(example, tmp_path):
    out = tmp_path / "out"
    build_module.build_project(example / "content", out)
    before = snapshot(out)
    commitments = example / "content" / "agreement" / "commitments.yaml"
    text = commitments.read_text(encoding="utf-8")
    commitments.write_text(text.replace("Utveckla arbetet med samordnad individuell plan",
                                        "Utveckla och följ upp arbetet med samordnad individuell plan"),
                           encoding="utf-8")
    report = build_module.build_project(example / "content", out)
    remade = {w.path for w in report.written}
    routine_files = {p for p in before if p.startswith("rutiner/")}
    # A-2.1-1 is quoted by the agreement, the tables and the routine samordnad-vard, not by the
    # supplement or the routine unga; every kommun's ZIP holds a changed routine
    documents = {p for p in remade if not p.startswith(("rutiner/", "site/", "uppfoljning/"))}
    assert documents == {p for p in before if p.startswith(("overenskommelse", "ataganden/"))}
    assert {p for p in remade if p.startswith("rutiner/")} == \
        {p for p in routine_files if "samordnad-vard" in p or p.endswith(".zip")}
    # every follow-up workbook lists the commitment; the site copies exactly what was remade
    assert {p for p in remade if p.startswith("uppfoljning/")} == {p for p in before if p.startswith("uppfoljning/")}
    assert {p for p in remade if p.startswith("site/filer/")} == \
        {f"site/filer/{p}" for p in remade if not p.startswith("site/")}
    assert not any("tillagg" in p or "-unga-" in p for p in remade)
    check_manifest(out)


def test_a_template_override_makes_the_documents_again(example, tmp_path):
    out = tmp_path / "out"
    build_module.build_project(example / "content", out, ["agreement", "commitments"])
    before = snapshot(out)
    from samverkan.project import packaged

    typ = (packaged("templates") / "document.typ").read_text(encoding="utf-8")
    write(example / "templates" / "document.typ", typ.replace('rgb("#1f4e79")', 'rgb("#7a1f4e")'))
    report = build_module.build_project(example / "content", out, ["agreement", "commitments"])
    remade = {w.path for w in report.written}
    assert {p for p in remade if p.endswith(".pdf")} == {p for p in before if p.endswith(".pdf")}
    assert not any(p.endswith((".csv", ".json", ".xlsx")) for p in remade)   # made without templates
    # an edit of the override (same file, new content) counts too
    write(example / "templates" / "document.typ", typ.replace('rgb("#1f4e79")', 'rgb("#4e7a1f")'))
    again = build_module.build_project(example / "content", out, ["agreement", "commitments"])
    assert {w.path for w in again.written} == remade


def test_a_deleted_or_edited_output_file_is_made_again(example, tmp_path):
    out = tmp_path / "out"
    build_module.build_project(example / "content", out)
    pdfs = sorted(out.glob("rutiner/*/*.pdf"))
    pdfs[0].unlink()
    pdfs[1].write_bytes(b"edited by hand")     # in place: the site's copy is the same file (a hard link)
    report = build_module.build_project(example / "content", out)
    names = [p.relative_to(out).as_posix() for p in pdfs[:2]]
    assert {w.path for w in report.written} == set(names) | {f"site/filer/{names[1]}"}
    check_manifest(out)


def test_removed_kommun_files_go_but_partial_builds_keep_the_others(example, tmp_path):
    out = tmp_path / "out"
    build_module.build_project(example / "content", out)
    norrvik = sorted(p.relative_to(out).as_posix() for p in (out / "rutiner" / "norrvik").iterdir())
    assert len(norrvik) == 5
    kommuner = example / "content" / "kommuner.yaml"
    text = kommuner.read_text(encoding="utf-8")
    start = text.index("  - name: Norrvik")
    kommuner.write_text(text[:start] + text[text.index("  - name: Sjöstad"):], encoding="utf-8")
    content = load_content(example / "content")
    # a partial build (one kommun; one other target) removes nothing of the others
    build_module.run_build(content, out, ["routines"], BuildOptions({"units": find_units(content, ["Exempelby"])}),
                           force=True)
    build_module.run_build(content, out, ["agreement"], BuildOptions(), force=True)
    assert (out / "rutiner" / "norrvik").is_dir()
    check_manifest(out)
    # the full build of the routines removes the kommun's files, folder and entries
    report = build_module.run_build(content, out, ["routines"], BuildOptions())
    assert sorted(report.removed) == norrvik
    assert not (out / "rutiner" / "norrvik").exists()
    assert not [e for e in manifest(out)["documents"] if e["path"].startswith("rutiner/norrvik/")]
    check_manifest(out)
    # a full build removes what the other targets made for it too (its follow-up workbook, the
    # site's page and the copies the site offered)
    build_module.build_project(example / "content", out)
    assert [e["path"] for e in manifest(out)["documents"] if "norrvik" in e["path"]] == []
    check_manifest(out)


# -- targets that read the output ------------------------------------------------------------------

class IndexTarget(Target):
    """A fake site: one page listing every file in the manifest."""

    name = "index"
    help = "an index of the output"
    default = False
    reads_output: ClassVar[bool] = True
    seen: ClassVar[list] = []

    def jobs(self, content, options):
        from samverkan.writers.data import JsonData

        entries = options.get("manifest")
        IndexTarget.seen.append(entries)
        listing = [{"path": e["path"], "sha256": e["sha256"]} for e in entries]
        return [Job(JsonData(listing), "json", "index/index.json", "index", "Index",
                    dt.datetime(2026, 11, 24, 12, tzinfo=dt.timezone.utc))]


def test_a_target_that_reads_the_output_runs_after_the_others_with_the_manifest(mini, tmp_path, monkeypatch):
    monkeypatch.setitem(TARGETS, "index", IndexTarget)
    IndexTarget.seen.clear()
    out = tmp_path / "out"
    (out / "remiss").mkdir(parents=True)
    build_module.write_outputs(out, [Job(b"", "csv", "remiss/svar.csv", "remiss-compilation", "Svar",
                                         dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))], [b"a;b\r\n"])
    # listed before the target it reads: the engine still makes it last
    report = build_module.build_project(mini, out, ["index", "agreement"])
    entries = IndexTarget.seen[-1]
    assert [e["path"] for e in entries] == ["remiss/svar.csv", "testavtal-v0.9-2026-11-24.docx",
                                           "testavtal-v0.9-2026-11-24.pdf"]
    on_disk = {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in out.rglob("*") if p.is_file() and p.name != "manifest.json" and "index" not in p.parts}
    assert {e["path"]: e["sha256"] for e in entries} == on_disk
    index = json.loads((out / "index" / "index.json").read_text(encoding="utf-8"))
    assert [row["path"] for row in index] == [e["path"] for e in entries]
    assert "index/index.json" in {w.path for w in report.written}
    check_manifest(out)
    # a change in what it reads makes it again; nothing else changed: nothing is made
    assert not build_module.build_project(mini, out, ["index", "agreement"]).written
    (mini / "agreement" / "sections" / "01.md").write_text(
        (mini / "agreement" / "sections" / "01.md").read_text(encoding="utf-8").replace("Syfte", "Syftet"),
        encoding="utf-8")
    again = build_module.build_project(mini, out, ["index", "agreement"])
    assert "index/index.json" in {w.path for w in again.written}


# -- the last guard on paths -----------------------------------------------------------------------

class BadTarget(Target):
    name = "bad"
    help = "writes where it should not"
    default = False
    path: ClassVar[str] = ""

    def jobs(self, content, options):
        from samverkan.writers.data import JsonData

        return [Job(JsonData({}), "json", self.path, "bad", "Bad", dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))]


@pytest.mark.parametrize("path", ["../escaped.json", "/tmp/absolute.json", "a/../../b.json", "a//b.json",
                                  "manifest.json", "x" * 300 + ".json"])
def test_a_job_path_outside_the_output_folder_is_refused(mini, tmp_path, monkeypatch, path):
    monkeypatch.setitem(TARGETS, "bad", BadTarget)
    monkeypatch.setattr(BadTarget, "path", path)
    out = tmp_path / "deep" / "out"
    with pytest.raises(BuildFailed) as info:
        build_module.build(mini, out, ["agreement", "bad"])
    assert "bad (bad, json)" in info.value.message and repr(path) in info.value.message
    assert not (tmp_path / "deep" / "escaped.json").exists() and not Path("/tmp/absolute.json").exists()
    assert not out.exists() or not list(out.iterdir())


def test_a_link_in_the_output_folder_leading_outside_is_refused(mini, tmp_path, monkeypatch):
    monkeypatch.setitem(TARGETS, "bad", BadTarget)
    monkeypatch.setattr(BadTarget, "path", "elsewhere/x.json")
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "secret").mkdir()
    (out / "elsewhere").symlink_to(tmp_path / "secret")
    with pytest.raises(BuildFailed) as info:
        build_module.build(mini, out, ["bad"])
    assert "resolve outside" in info.value.message
    assert not list((tmp_path / "secret").iterdir())


# -- OSErrors: one line, the path, what to do; the previous output intact ---------------------------

def one_line_message(info) -> str:
    message = info.value.message
    assert "\n" not in message.strip() and "Traceback" not in message
    return message


@pytest.mark.parametrize("where", ["/dev/null", "/proc/samverkan-out", "file-in-the-way/out"])
def test_an_output_folder_that_cannot_be_one_is_named(mini, tmp_path, where):
    (tmp_path / "file-in-the-way").write_text("x")
    out = Path(where) if where.startswith("/") else tmp_path / where
    with pytest.raises(BuildFailed) as info:
        build_module.build(mini, out, ["agreement"])
    message = one_line_message(info)
    assert str(out) in message or str(out.parent) in message
    assert "--out" in message


@pytest.mark.parametrize("module,name,where", [(tasks, "open", "out/testavtal-v0.9-2026-11-24."),
                                               (transaction, "atomic_write", "manifest.json")],
                         ids=["writing a file", "only the manifest does not fit"])
def test_a_full_disk_is_one_message_and_the_output_stays(mini, tmp_path, monkeypatch, module, name, where):
    out = tmp_path / "out"
    build_module.build(mini, out, ["agreement"])
    before = snapshot(out)

    def full(path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(module, name, full, raising=False)
    with pytest.raises(BuildFailed) as info:
        build_module.build(mini, out, ["agreement"], workers=1, force=True)
    message = one_line_message(info)
    assert "No space left on device" in message and "disk is full" in message and where in message
    assert snapshot(out) == before
    no_leftovers(out)


def test_a_read_only_folder_is_one_message(mini, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build_module.build(mini, out, ["agreement"])
    before = snapshot(out)
    real_mkdir = Path.mkdir

    def read_only(self, *args, **kwargs):
        if self.name.endswith(".samverkan") or self.name in ("next", ".samverkan-build"):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only)
    with pytest.raises(BuildFailed) as info:
        build_module.build(mini, out, ["agreement"], workers=1, force=True)
    message = one_line_message(info)
    assert "Read-only file system" in message and "writable folder" in message
    monkeypatch.undo()
    assert snapshot(out) == before
