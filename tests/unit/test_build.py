from __future__ import annotations

import json

import pytest

from samverkan import build as build_module
from samverkan.errors import BuildFailed, ContentInvalid

from tests.conftest import write


def test_same_content_gives_the_same_bytes(mini, tmp_path):
    first = build_module.build(mini, tmp_path / "a", ["agreement"])
    second = build_module.build(mini, tmp_path / "b", ["agreement"])
    assert [w.sha256 for w in first] == [w.sha256 for w in second]
    for w in first:
        assert (tmp_path / "a" / w.path).read_bytes() == (tmp_path / "b" / w.path).read_bytes()


def test_source_date_epoch_changes_only_the_timestamps(mini, tmp_path, monkeypatch):
    first = build_module.build(mini, tmp_path / "a", ["agreement"])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    second = build_module.build(mini, tmp_path / "b", ["agreement"])
    assert [w.path for w in first] == [w.path for w in second]
    assert [w.sha256 for w in first] != [w.sha256 for w in second]
    import zipfile
    core = zipfile.ZipFile(tmp_path / "b" / second[0].path).read("docProps/core.xml").decode()
    assert "2027-01-15T08:00:00Z" in core


def test_a_failed_build_leaves_previous_output_intact(mini, tmp_path, monkeypatch):
    out = tmp_path / "out"
    written = build_module.build(mini, out, ["agreement"])
    before = {w.path: (out / w.path).read_bytes() for w in written}
    manifest_before = (out / "manifest.json").read_text(encoding="utf-8")

    def explode(job):
        if job.format == "pdf":
            raise BuildFailed("typst could not make the PDF: simulated")
        return b"new docx bytes"

    monkeypatch.setattr(build_module, "run_job", explode)
    with pytest.raises(BuildFailed) as info:
        build_module.build(mini, out, ["agreement"], workers=1)
    assert "simulated" in info.value.message and "left as it was" in info.value.message
    assert {p: (out / p).read_bytes() for p in before} == before
    assert (out / "manifest.json").read_text(encoding="utf-8") == manifest_before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]   # no staging left behind


def test_invalid_content_writes_nothing(mini, tmp_path):
    write(mini / "parties.yaml", "- id: x\n")
    with pytest.raises(ContentInvalid):
        build_module.build(mini, tmp_path / "out", ["agreement"])
    assert not (tmp_path / "out").exists()


def test_manifest_keeps_entries_of_files_still_present(mini, tmp_path):
    out = tmp_path / "out"
    build_module.build(mini, out, ["agreement"])
    (out / "old.pdf").write_bytes(b"x")
    old = {"path": "old.pdf", "kind": "agreement", "format": "pdf", "title": "Gammal", "kommun": None,
           "sha256": "0", "bytes": 1}
    gone = dict(old, path="gone.pdf")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"] += [old, gone]
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    build_module.build(mini, out, ["agreement"])
    paths = [e["path"] for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]]
    assert "old.pdf" in paths and "gone.pdf" not in paths
    assert paths == sorted(paths)


# --- targets that read the output (the site): the second phase -------------------------------

def _with_site(mini):
    """The mini content with the example's site wording."""
    from samverkan.project import packaged

    (mini / "site.yaml").write_bytes((packaged("example") / "content" / "site.yaml").read_bytes())
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

    def refuse(*args):
        raise OSError("hard links not supported")

    monkeypatch.setattr(build_module.os, "link", refuse)
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
    assert "refused the path" in info.value.message
    assert not (out / "site").exists() and secret.read_text() == "not for the site"
