"""Issue 24: manifest.json is untrusted input. A manifest written by hand (paths out of the
folder, absolute, a folder, through a symbolic link), a wrong sha256 and a file replaced by a
new one, each run through the real `samverkan build` command: the message, the exit code, and
that nothing outside the output folder changed."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from samverkan import build as build_module

from tests.inspect import check_manifest
from tests.unit.test_build import _with_site


@pytest.fixture
def built(mini, tmp_path):
    """The mini content's agreement and site, built: (content, output folder)."""
    content = _with_site(mini)
    out = tmp_path / "out"
    build_module.build(content, out, ["agreement", "site"])
    return content, out


def samverkan(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "samverkan", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def outside(tmp_path: Path, out: Path, content: Path) -> dict[str, object]:
    """Every file and folder beside the output folder and the content, with its bytes (but
    samverkan's own cache folder beside the output, engine/cache.py)."""
    found: dict[str, object] = {}
    for path in sorted(tmp_path.rglob("*")):
        if out in path.parents or path == out or content in path.parents or path == content or \
                ".samverkan-cache" in path.parts:
            continue
        found[path.relative_to(tmp_path).as_posix()] = "folder" if path.is_dir() else path.read_bytes()
    return found


def entries(out: Path) -> list[dict]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]


def edit_manifest(out: Path, change) -> None:
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    change(data["documents"])
    (out / "manifest.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def test_a_manifest_written_by_hand_is_refused_and_nothing_outside_is_removed(built, tmp_path):
    content, out = built
    (tmp_path / "v2.txt").write_text("version 2, not samverkan's")
    (tmp_path / "absolut.pdf").write_bytes(b"%PDF not samverkan's")
    (tmp_path / "mapp.docx").mkdir()
    (tmp_path / "mapp.docx" / "inne.docx").write_bytes(b"in a folder beside the output")
    os.symlink(tmp_path / "mapp.docx", out / "genvag")
    docx = next(e for e in entries(out) if e["format"] == "docx")

    def hostile(documents: list[dict]) -> None:
        for path in ["../v2.txt", str(tmp_path / "absolut.pdf"), "../mapp.docx", "genvag/inne.docx",
                     "./" + docx["path"]]:
            documents.append(dict(docx, path=path, format=path.rsplit(".", 1)[-1]))
    edit_manifest(out, hostile)
    manifest_before = (out / "manifest.json").read_bytes()
    before = outside(tmp_path, out, content)

    for args, cwd in [(["build", "--content", str(content), "--out", ".", "agreement"], out),   # inside: journal
                      (["build", "--content", str(content), "--out", str(out), "agreement"], tmp_path),
                      (["build", "--content", str(content), "--out", str(out), "site"], tmp_path)]:
        done = samverkan(*args, cwd=cwd)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        message = done.stderr
        assert "manifest.json cannot be used, so nothing was written" in message, message
        assert "entry" in message and "'../v2.txt') contains '..'" in message
        assert f"{str(tmp_path / 'absolut.pdf')!r}) is absolute" in message
        assert "'genvag/inne.docx') leads out of the output folder through a symbolic link" in message
        assert "samverkan build --force" in message and "removed" not in done.stdout
        assert outside(tmp_path, out, content) == before
        assert (out / "manifest.json").read_bytes() == manifest_before

    done = samverkan("build", "--content", str(content), "--out", ".", "--force", "agreement", "site", cwd=out)
    assert done.returncode == 0, done.stderr
    assert outside(tmp_path, out, content) == before                 # even with --force
    assert "v2" not in done.stdout and "mapp" not in done.stdout and "absolut" not in done.stdout
    paths = [e["path"] for e in entries(out)]
    assert not [p for p in paths if ".." in p or p.startswith(("/", "./", "genvag"))]
    os.unlink(out / "genvag")
    check_manifest(out)


def test_a_wrong_sha256_names_the_command_that_fixes_it_and_that_command_does(built, tmp_path):
    content, out = built
    docx = next(e for e in entries(out) if e["format"] == "docx" and e["kind"] == "agreement")
    original = (out / docx["path"]).read_bytes()
    edit_manifest(out, lambda documents: next(e for e in documents if e["path"] == docx["path"]).update(
        sha256="0" * 64))
    before = outside(tmp_path, out, content)
    done = samverkan("build", "--content", str(content), "--out", str(out), "site", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"{out / docx['path']} is not the file manifest.json lists" in done.stderr
    assert "run `samverkan build agreement` to make it again" in done.stderr
    done = samverkan("build", "--content", str(content), "--out", str(out), "agreement", cwd=tmp_path)
    assert done.returncode == 0 and f"wrote {out / docx['path']}" in done.stdout, done.stdout + done.stderr
    done = samverkan("build", "--content", str(content), "--out", str(out), "site", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (out / docx["path"]).read_bytes() == original == (out / "site" / "filer" / docx["path"]).read_bytes()
    assert outside(tmp_path, out, content) == before
    check_manifest(out)


def test_a_file_replaced_by_a_new_one_is_noticed_by_its_status(built, tmp_path):
    """Saved as a new file (a new inode) of the same size, its mtime set back: noticed like a
    file changed in place, and made again; the no-op build stays quick."""
    content, out = built
    docx = next(e for e in entries(out) if e["format"] == "docx" and e["kind"] == "agreement")
    path = out / docx["path"]
    original = path.read_bytes()
    args = ["build", "--content", str(content), "--out", str(out)]
    start = time.monotonic()
    done = samverkan(*args, "agreement", "site", cwd=tmp_path)
    assert done.returncode == 0 and "nothing to do" in done.stdout, done.stdout
    said = float(done.stdout.split("(")[1].split(" s)")[0])
    assert said < 0.5, done.stdout                                  # the check itself, without start-up
    assert time.monotonic() - start < 30

    info = path.stat()
    replacement = path.with_name("ersattning.tmp")
    replacement.write_bytes(original.replace(b"word/", b"WORD/", 1))    # other bytes, the same size
    assert replacement.stat().st_size == info.st_size
    os.utime(replacement, ns=(info.st_atime_ns, info.st_mtime_ns))
    os.replace(replacement, path)                                   # an editor's save: a new inode
    assert path.stat().st_ino != info.st_ino and path.stat().st_mtime_ns == info.st_mtime_ns

    done = samverkan(*args, "site", cwd=tmp_path)                  # the site alone cannot offer it
    assert done.returncode == 1 and "run `samverkan build agreement` to make it again" in done.stderr, done.stderr
    done = samverkan(*args, "agreement", "site", cwd=tmp_path)
    assert done.returncode == 0 and "nothing to do" not in done.stdout and f"wrote {path}" in done.stdout
    assert path.read_bytes() == original and hashlib.sha256(original).hexdigest() == docx["sha256"]
    done = samverkan(*args, "agreement", "site", cwd=tmp_path)
    assert done.returncode == 0 and "nothing to do" in done.stdout, done.stdout
    check_manifest(out)


def test_a_no_op_build_that_had_to_hash_the_files_records_them_for_the_next(built, monkeypatch):
    """The cache folder beside the output removed (by hand, or a tool that clears caches): the
    next build with nothing to do hashes every file once to know it, and records their status,
    so the one after hashes none."""
    import shutil

    from samverkan.engine import cache, status

    content, out = built
    shutil.rmtree(cache.folder_for(out))
    hashed = []
    real = status.FileStatus.intact

    def counting(self, entry):
        before = self.hashed
        found = real(self, entry)
        hashed.append(self.hashed - before)
        return found

    monkeypatch.setattr(status.FileStatus, "intact", counting)
    listed = len(entries(out))
    for expected in (listed, 0):
        hashed.clear()
        report = build_module.build_project(content, out, ["agreement", "site"])
        assert report.checked_only and report.unchanged == listed
        assert sum(hashed) == expected
    assert (cache.folder_for(out) / status.FOLDER).is_dir()


def test_only_what_was_really_removed_is_reported(built, tmp_path):
    content, out = built
    docx = next(e for e in entries(out) if e["format"] == "docx" and e["kind"] == "agreement")
    gone, there = "overenskommelse-borta.docx", "overenskommelse-kvar.docx"
    (out / there).write_bytes(b"an agreement no longer made")
    edit_manifest(out, lambda documents: documents.extend(
        [dict(docx, path=gone), dict(docx, path=there, sha256=hashlib.sha256(b"an agreement no longer made")
                                     .hexdigest(), bytes=len(b"an agreement no longer made"))]))
    done = samverkan("build", "--content", str(content), "--out", str(out), "agreement", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"removed {out / there}" in done.stdout and gone not in done.stdout, done.stdout
    assert not (out / there).exists()
    assert {gone, there}.isdisjoint(e["path"] for e in entries(out))


def test_the_no_op_build_checks_the_manifest_without_loading_a_writer(built, tmp_path):
    """Checking every entry's format asks the registry for the names only: no writer library
    (python-docx, openpyxl, typst) is loaded by a build with nothing to do."""
    content, out = built
    probe = ("import sys; from pathlib import Path; from samverkan.build import build_project; "
             f"report = build_project(Path({str(content)!r}), Path({str(out)!r}), ['agreement', 'site']); "
             "print(report.checked_only, sorted(m for m in ('docx', 'openpyxl', 'typst') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "True []", done.stdout + done.stderr


def test_a_command_that_adds_files_refuses_a_manifest_written_by_hand_too(built, tmp_path):
    """`remiss collect`, `uppfoljning collect` and `diff` add their files through write_outputs:
    the same check, the same message, nothing written."""
    import datetime as dt

    from samverkan.errors import BuildFailed
    from samverkan.targets import Job

    content, out = built
    (tmp_path / "v2.txt").write_text("not samverkan's")
    docx = next(e for e in entries(out) if e["format"] == "docx")
    edit_manifest(out, lambda documents: documents.append(dict(docx, path="../v2.txt", target=None)))
    manifest_before = (out / "manifest.json").read_bytes()
    before = outside(tmp_path, out, content)
    job = Job(b"", "csv", "remiss/svar.csv", "remiss-compilation", "Svar", dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    with pytest.raises(BuildFailed) as refused:
        build_module.write_outputs(out, [job], [b"a;b\r\n"])
    assert "manifest.json cannot be used, so nothing was written" in refused.value.message
    assert "'../v2.txt') contains '..'" in refused.value.message
    assert not (out / "remiss").exists() and (out / "manifest.json").read_bytes() == manifest_before
    assert outside(tmp_path, out, content) == before


def test_a_path_no_file_name_can_be_is_refused_with_the_message_not_a_traceback(built, tmp_path):
    """JSON can carry a lone surrogate (\\ud800), which no file name is: refused like the other
    paths samverkan never writes (it had been a UnicodeEncodeError)."""
    content, out = built
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    pdf = next(e for e in data["documents"] if e["format"] == "pdf")
    data["documents"].append(dict(pdf, path="rutiner/\ud800.pdf"))
    (out / "manifest.json").write_text(json.dumps(data, ensure_ascii=True), encoding="ascii")
    before = outside(tmp_path, out, content)
    done = samverkan("build", "--content", str(content), "--out", str(out), "agreement", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "manifest.json cannot be used, so nothing was written" in done.stderr
    assert "is not a plain relative file name" in done.stderr
    assert outside(tmp_path, out, content) == before


def test_a_folder_replaced_by_a_link_out_is_refused_though_the_inputs_are_the_same(built, tmp_path):
    """The build with nothing to do knows it from the inputs and the manifest's list, then
    checks the entries: the same list, the same files, but a folder of the output replaced by a
    link to a copy outside is refused before anything is read through it or written."""
    import shutil

    content, out = built
    shutil.copytree(out / "site", tmp_path / "elsewhere")
    shutil.rmtree(out / "site")
    os.symlink(tmp_path / "elsewhere", out / "site")
    manifest_before = (out / "manifest.json").read_bytes()
    before = outside(tmp_path, out, content)
    done = samverkan("build", "--content", str(content), "--out", str(out), "agreement", "site", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "manifest.json cannot be used, so nothing was written" in done.stderr
    assert "leads out of the output folder through a symbolic link" in done.stderr
    assert "nothing to do" not in done.stdout
    assert outside(tmp_path, out, content) == before
    assert (out / "manifest.json").read_bytes() == manifest_before
