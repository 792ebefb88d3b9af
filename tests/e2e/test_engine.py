"""A real `samverkan build` killed at named moments (kill -9, SIGTERM, Ctrl-C): the output
folder is the previous complete set or the new complete set with a manifest that matches it,
no process of the build survives, and the next build cleans up and completes.

The kill lands deterministically: SAMVERKAN_TEST_PAUSE=<point> makes the build announce the
point on stderr and wait there (engine/hooks.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from samverkan.scaffold import init_project

from tests.inspect import check_manifest



def files(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and p.name != "manifest.json"}


STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def no_build_outlives_its_test():
    """A test that fails halfway still ends the build it started (and its workers)."""
    yield
    while STARTED:
        process = STARTED.pop()
        for pid in [process.pid, *(int(line.split()[0]) for line in session_processes(process.pid))]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(10)


BUILD_TMP: list[Path] = []


@pytest.fixture(scope="module", autouse=True)
def builds_temporary_folder(tmp_path_factory):
    """The builds' temporary folder (TMPDIR): a build killed with -9 leaves multiprocessing's
    folder for its forkserver (pymp-*) there, removed with pytest's folders, not in /tmp."""
    BUILD_TMP[:] = [tmp_path_factory.mktemp("build-tmp")]


def run(project: Path, out: str, *args: str, pause: str | None = None, cwd: Path | None = None,
        once: Path | None = None):
    env = dict(os.environ)
    if BUILD_TMP:
        env["TMPDIR"] = str(BUILD_TMP[0])
    env.pop("SAMVERKAN_TEST_PAUSE", None)
    env.pop("SAMVERKAN_TEST_PAUSE_ONCE", None)
    env.pop("SOURCE_DATE_EPOCH", None)
    if pause:
        env["SAMVERKAN_TEST_PAUSE"] = pause
    if once:
        env["SAMVERKAN_TEST_PAUSE_ONCE"] = str(once)
    process = subprocess.Popen([sys.executable, "-m", "samverkan", "build", "--content", str(project / "content"),
                                "--out", out, *args], cwd=cwd or project, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    STARTED.append(process)
    return process


def session_processes(session: int) -> list[str]:
    """The processes still alive in the build's session (pid and command)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[3]) == session and fields[0] != "Z":
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                alive.append(f"{entry.name} {command}")
        except (OSError, ValueError, IndexError):
            continue
    return alive


def wait_for_pause(process: subprocess.Popen, point: str) -> str:
    seen = ""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stderr.readline().decode()
        seen += line
        if f"paused at {point}" in line:
            return seen
        if not line and process.poll() is not None:
            break
    raise AssertionError(f"the build did not reach {point}:\n{seen}")


@pytest.fixture(scope="module")
def sets(tmp_path_factory):
    """Two versions of a project (the new one dated a day later: every file but the
    supplement's has a new name or new bytes), and their complete output sets."""
    root = tmp_path_factory.mktemp("engine")
    for name in ("old", "new"):
        init_project(root / f"{name}-project", today=dt.date(2026, 11, 24))
    document = root / "new-project" / "content" / "agreement" / "document.yaml"
    document.write_text(document.read_text(encoding="utf-8").replace("date: 2026-11-24", "date: 2026-11-25", 1),
                        encoding="utf-8")
    for name in ("old", "new"):
        process = run(root / f"{name}-project", str(root / name))
        assert process.wait(120) == 0, process.stderr.read().decode()
    old, new = files(root / "old"), files(root / "new")
    same = {path for path, digest in set(old.items()) & set(new.items())}
    # the supplement and the site's pages that show nothing of the agreement's date stay the same;
    # every file of the agreement, the tables and the routines differs
    assert len(old) == len(new) > 90 and len(same) < len(old) / 2
    assert not [p for p in same if p.startswith(("overenskommelse", "ataganden/", "rutiner/", "site/filer/rutiner/"))]
    return {"project": root / "new-project", "root": root, "old": old, "new": new}


def fresh_old_output(sets, name: str) -> Path:
    out = sets["root"] / name
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(sets["root"] / "old", out)
    return out


def assert_complete_set(out: Path, sets) -> str:
    """The folder is exactly the old or exactly the new set, and its manifest matches it."""
    now = files(out)
    assert now in (sets["old"], sets["new"]), "a mix of old and new files"
    check_manifest(out)
    return "old" if now == sets["old"] else "new"


def assert_no_process_survives(process: subprocess.Popen) -> None:
    process.wait(30)
    deadline = time.monotonic() + 10
    while session_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(process.pid) == []


def assert_next_build_completes(sets, out: Path, cwd: Path | None = None, out_arg: str | None = None) -> None:
    process = run(sets["project"], out_arg or str(out), cwd=cwd)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr.decode()
    assert files(out) == sets["new"]
    check_manifest(out)
    assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("point,expected", [("rendering", "old"), ("writing", "old"), ("staged", "old"),
                                            ("switching", "old"), ("switched", "new")])
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_build_leaves_a_complete_set_and_no_process(sets, point, expected, how):
    out = fresh_old_output(sets, f"out-{point}-{how.name}")
    process = run(sets["project"], str(out), pause=point)
    wait_for_pause(process, point)
    os.kill(process.pid, how)
    assert_no_process_survives(process)
    stderr = process.stderr.read().decode()
    if how == signal.SIGTERM:
        assert process.returncode == 128 + signal.SIGTERM
        assert "stopped by SIGTERM" in stderr and "Traceback" not in stderr
        assert ("left as it was" if expected == "old" else "new output was already in place") in stderr
        if expected == "old":
            assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")], \
                "a stopped build cleans up after itself"
    else:
        assert process.returncode == -signal.SIGKILL
    assert assert_complete_set(out, sets) == expected
    assert_next_build_completes(sets, out)


@pytest.mark.parametrize("point", ["rendering", "starting"])
def test_ctrl_c_stops_the_build_and_every_worker_without_tracebacks(sets, point):
    """Also when it reaches a worker that has only just started: the worker ignores it (the
    main process stops the workers), it does not die with a KeyboardInterrupt traceback."""
    out = fresh_old_output(sets, f"out-ctrl-c-{point}")
    process = run(sets["project"], str(out), pause=point)
    announced = wait_for_pause(process, point)
    if point == "starting":
        worker = int(announced.rsplit("(pid ", 1)[1].split(")")[0])
        assert worker != process.pid
        os.kill(worker, signal.SIGINT)
        time.sleep(1.0)
        assert Path(f"/proc/{worker}").exists() and "Z" not in Path(f"/proc/{worker}/stat").read_text().split()[2]
    os.killpg(process.pid, signal.SIGINT)          # what a terminal does: the whole process group
    assert_no_process_survives(process)
    stderr = process.stderr.read().decode()
    assert process.returncode == 128 + signal.SIGINT
    assert "stopped by Ctrl-C; the output was left as it was" in stderr and "Traceback" not in stderr
    assert assert_complete_set(out, sets) == "old"
    assert_next_build_completes(sets, out)


def test_a_worker_killed_mid_file_fails_its_files_by_name_and_the_output_stays(sets, tmp_path):
    """One worker dies (kill -9, as the kernel's out-of-memory killer would) while it writes; the
    other worker goes on. The build names the files that could not be made, exits 1 without a
    traceback, and leaves the previous complete set."""
    out = fresh_old_output(sets, "out-worker-killed")
    process = run(sets["project"], str(out), "--jobs", "2", pause="writing", once=tmp_path / "paused")
    announced = wait_for_pause(process, "writing")
    worker = int(announced.rsplit("(pid ", 1)[1].split(")")[0])
    assert worker != process.pid
    os.kill(worker, signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=120)
    text = stdout.decode() + stderr.decode()
    assert process.returncode == 1, text
    assert "Traceback" not in text
    assert "a worker process died making this file" in text
    assert "run the build again" in text and "--jobs 1" in text
    assert assert_complete_set(out, sets) == "old"
    assert_no_process_survives(process)
    assert_next_build_completes(sets, out)


def test_a_finished_build_has_ended_its_workers_and_forkserver_when_it_exits(sets, tmp_path):
    """The workers and the forkserver have ended when the build's main process exits, not after
    it: what reads the command's output (`samverkan build | cat`, a CI log) sees its end then.
    Left to end by itself the forkserver ran Python's teardown of the writers' modules after
    the main process had gone (50-70 ms), holding the output open. multiprocessing's resource
    tracker (it keeps only stderr) ends by itself once the main process is gone: within a
    second, and then nothing of the build is left."""
    for _ in range(3):
        process = run(sets["project"], str(tmp_path / "out"), "--force", "--jobs", "2")
        seen: dict[str, str] = {}          # pid → its command as seen while the build ran
        while process.poll() is None:
            for line in session_processes(process.pid):
                pid, _, command = line.partition(" ")
                seen[pid] = command.strip() or seen.get(pid, "")
            time.sleep(0.02)
        assert process.returncode == 0, process.stderr.read().decode()
        left = session_processes(process.pid)
        # the resource tracker may be ending just then: its command line is gone already (the
        # kernel drops it first), so it is known by the command it was seen with
        assert [p for p in left if "resource_tracker" not in (p.partition(" ")[2].strip()
                                                             or seen.get(p.partition(" ")[0], ""))] == []
        assert process.stdout.read().decode().count("files made") == 1
        deadline = time.monotonic() + 1
        while session_processes(process.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert session_processes(process.pid) == []


@pytest.mark.parametrize("point", ["switching", "moving"])
def test_journal_mode_is_completed_by_the_next_build(sets, point):
    """Working inside the output folder (`--out .`) the folder is not swapped but moved into
    file by file under a journal: killed in the middle, the next command completes the moves."""
    out = fresh_old_output(sets, f"out-journal-{point}")
    process = run(sets["project"], ".", pause=point, cwd=out)
    wait_for_pause(process, point)
    assert (out / ".samverkan-build" / "next").is_dir()
    os.kill(process.pid, signal.SIGKILL)
    assert_no_process_survives(process)
    if point == "switching":
        # the old set, beside the staged new files (in the work folder the next command removes)
        assert {p: h for p, h in files(out).items() if not p.startswith(".samverkan-build/")} == sets["old"]
    else:
        assert (out / ".samverkan-build" / "journal.json").exists()
    assert_next_build_completes(sets, out, cwd=out, out_arg=".")


# -- a real file system that is full, or read-only (a tmpfs in a private mount namespace) ----------

IN_NAMESPACE = r"""
import hashlib, json, os, subprocess, sys
from pathlib import Path

folder, content, case = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder)], check=True)
out = folder / "output"


def build(*args):
    done = subprocess.run([sys.executable, "-m", "samverkan", "build", "--content", content, "--out", str(out),
                           "--quiet", *args], capture_output=True, text=True)
    return {"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr}


def files():
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


first = build()
before = files()
if case == "full":
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with open(folder / "filler", "wb") as handle:
        handle.write(b"x" * (free - 300_000))
else:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
second = build("--force")
print(json.dumps({"first": first, "second": second, "same": files() == before, "files": len(before),
                  # (the prepared templates the first build kept beside the output stay: .samverkan-cache)
                  "left": sorted(p.name for p in folder.iterdir() if p.name not in ("output", "filler",
                                                                                   ".samverkan-cache"))
                          + sorted(p.name for p in out.iterdir() if p.name.startswith("."))}))
"""


@pytest.mark.parametrize("case,reason,advice", [("full", "No space left on device", "the disk is full"),
                                                ("read-only", "Read-only file system", "read-only file system")])
def test_a_full_or_read_only_file_system_is_one_line_and_the_output_stays(sets, tmp_path, case, reason, advice):
    folder = tmp_path / "mnt"
    folder.mkdir()
    script = tmp_path / "in_namespace.py"
    script.write_text(IN_NAMESPACE)
    done = subprocess.run(["unshare", "--mount", "--map-root-user", "--propagation", "private", sys.executable,
                           str(script), str(folder), str(sets["project"] / "content"), case],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["first"]["code"] == 0 and result["files"] == len(sets["new"]) + 1      # and manifest.json
    second = result["second"]
    assert second["code"] == 1 and second["stdout"] == ""
    message = second["stderr"].strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message, message
    assert message.startswith("Error: cannot write ") and reason in message and advice in message
    assert "The previous output was left as it was." in message
    assert result["same"], "the previous output changed"
    assert result["left"] == [], "the failed build left its work folder"


def test_a_rebuild_in_a_new_process_makes_nothing_and_says_so(sets, tmp_path):
    """The input hashes are the same in every process: nothing changed, nothing made."""
    project = tmp_path / "project"
    shutil.copytree(sets["project"], project)
    out = sets["root"] / "rebuild"
    shutil.copytree(sets["root"] / "new", out)
    done = subprocess.run([sys.executable, "-m", "samverkan", "build", "--quiet", "--content",
                           str(project / "content"), "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == ""
    count = len(sets["new"])
    assert done.stdout.startswith(f"nothing to do: {count} files in {out} are up to date")
    with open(project / "content" / "routines.yaml", "a", encoding="utf-8") as handle:
        handle.write("# a comment changes no document\n")
    done = subprocess.run([sys.executable, "-m", "samverkan", "build", "--content", str(project / "content"),
                           "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "routines: 0 files made, 20 up to date" in done.stderr
    assert done.stdout.startswith(f"nothing to do: {count} files")
    assert files(out) == sets["new"]
