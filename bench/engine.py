"""The build engine's figures, in one run (prints them; not a test):

    python bench/engine.py                  # everything below
    python bench/engine.py --kommuner 290   # the size of the synthetic region (default 290)
    python bench/engine.py --no-peer --no-national --no-live
    python bench/engine.py --baseline db01000   # also time that commit (a git worktree), print ratios

1. cold: every default document of content/ into an empty folder, on all cores, as
   `samverkan build` runs it (a new process: start-up, load, render, workers, switch); three
   times, the median counts;
2. serial: the same with one worker process (--jobs 1) and typst on one thread
   (RAYON_NUM_THREADS=1, as in the workers; on its own typst lays out on every core): the
   serial sum of the work; where the CPU time goes, per kind of task;
3. no-op: the same build again (nothing changed);
4. one kommun changed in kommuner.yaml (its committee; three times: changed, back, again, the
   median counts): what is made again;
5. routines: `samverkan build routines` cold (three times, two before the peer and one
   after it; the median counts), and side by side the peer on the same routine files:
   docxtpl renders each routine .docx, LibreOffice headless converts them to PDF in batches
   of PEER_BATCH (given all 380 in one command it converted the first 247 and exited 0); the
   PDFs it really wrote are counted;
6. national scale: a synthetic region of N kommuner × the routines of content/, cold;
7. live: `samverkan serve` on a copy of the project, the agreement's page open in headless
   Chromium (tests/web.py); a paragraph edited three times: from the file's write to the new
   text in the open page's DOM (the reloaded page's domInteractive, on the same clock), and to
   its Word and PDF in the output (their new sha256 in manifest.json); the median counts;
8. `--baseline REV` (e.g. db01000): the same figures (1, 3, 4, 5, 6) for that commit, from a git
   worktree of it with its own content/ and templates/, in the same run, and the ratios.

Every cold build starts without the prepared-template cache (.samverkan-cache/ beside the
output, removed first); the one-kommun build has the cache its cold build left, as an editor's
second build has. The goals of issue 23 are printed at the end, as figures and as ratios to the
baseline (the machine's speed drifts 10-40 %: only figures of one run compare).

The code measured is byte-compiled first (`compiled`), as pip's install of the wheel leaves it: a
user's Python reads its modules from .pyc files. Where PYTHONDONTWRITEBYTECODE is set (this machine's
environment sets it) an editable checkout would otherwise compile every module from source in every
build's main process and forkserver (~0.13 s of CPU each), which no user's build pays.

Every build runs as its own process; its peak memory is the sum of the proportional memory (PSS) of
the whole process tree (main process, forkserver, workers, pandoc), sampled every 0.05 s for half a
second, then every 0.25 s.
The peer needs `pip install -e '.[bench]'` (docxtpl) and LibreOffice (soffice).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def session_pids(session: int) -> list[int]:
    """The processes of a session (a command started with start_new_session)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                if int(stat[stat.rindex(")") + 2:].split()[3]) == session:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def tree_memory(session: int) -> tuple[int, int]:
    """Memory (bytes) of every process in a session: the sum of their proportional set sizes
    (a page shared by several processes, as workers forked from one server share theirs, counts
    once in all), and the sum of their resident sizes (which counts it in each: an upper bound)."""
    pss = rss = 0
    for pid in session_pids(session):
        try:
            for line in (Path("/proc") / str(pid) / "smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            continue
    return pss, rss


def run(command: list[str], cwd: Path | None = None, env: dict | None = None) -> dict:
    """Run a command in its own session: wall time, peak memory of its process tree, output."""
    peak = [0, 0]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    done = threading.Event()

    def sample() -> None:
        # every 0.05 s in the first half second (a no-op build is over by then), then every
        # 0.25 s: reading every process's memory map costs CPU the build would otherwise have
        # (on two cores, sampling every 20 ms slowed a build by a tenth, every 0.1 s a routines
        # build by 0.2 s of 5); a long build's memory changes slowly, its peak is still seen
        while not done.is_set():
            pss, rss = tree_memory(process.pid)
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            done.wait(0.05 if time.perf_counter() - start < 0.5 else 0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr.decode()}")
    return {"seconds": seconds, "peak": peak[0], "peak_rss": peak[1], "stdout": stdout.decode(),
            "stderr": stderr.decode()}


def samverkan_build(content: Path, out: Path, *args: str, env: dict[str, str] | None = None, cold: bool = False) -> dict:
    """`samverkan build` in a new process (`env`: added to its environment, e.g. PYTHONPATH for
    the baseline), set up as the command sets up its own (samverkan/__main__.py, where the code
    has it); its report (files, timings) from the child. `cold`: without the cache of
    prepared templates (removed first)."""
    if cold:
        shutil.rmtree(out.resolve().parent / ".samverkan-cache", ignore_errors=True)
    child = ("import json, sys; from pathlib import Path; from samverkan import build as b; "
             "import samverkan.__main__ as m; getattr(m, 'without_last_collection', lambda: None)(); "
             "from samverkan.targets import BuildOptions; "
             "a = json.loads(sys.argv[1]); "
             "r = b.build_project(Path(a['content']), Path(a['out']), a['targets'], BuildOptions(), a['jobs'], "
             "force=a['force']); "
             "print(json.dumps({'written': len(r.written), 'unchanged': r.unchanged, 'removed': len(r.removed), "
             "'paths': [[w.path, w.kommun] for w in r.written], "
             "'bytes': sum(w.bytes for w in r.written), 'checked_only': r.checked_only, "
             "'timings': [[k[0], k[1], *v] for k, v in r.timings.items()]}))")
    jobs = None
    targets = []
    for arg in args:
        if arg.startswith("--jobs="):
            jobs = int(arg.split("=")[1])
        else:
            targets.append(arg)
    spec = {"content": str(content), "out": str(out), "targets": targets, "jobs": jobs, "force": False}
    result = run([sys.executable, "-c", child, json.dumps(spec)], env=dict(os.environ, **(env or {})))
    result.update(json.loads(result["stdout"].strip().splitlines()[-1]))
    return result


def mb(n: float) -> str:
    return f"{n / 1e6:.0f} MB"


def line(label: str, r: dict, extra: str = "") -> None:
    files = f"{r['written']} files made, {r['unchanged']} up to date" + (f", {mb(r['bytes'])}" if r["bytes"] else "")
    print(f"{label:<38} {r['seconds']:7.2f} s   peak {mb(r['peak']):>7} (RSS sum {mb(r['peak_rss'])})   "
          f"{files}{extra}")


def breakdown(r: dict) -> None:
    total = sum(row[4] for row in r["timings"])
    print(f"  where the CPU time of the tasks goes (sum {total:.2f} s; the main process's start-up, load and "
          "render are outside):")
    for kind, fmt, tasks, files, seconds in sorted(r["timings"], key=lambda row: -row[4]):
        print(f"    {kind:<8} {fmt:<5} {tasks:4} tasks {files:5} files {seconds:7.2f} s "
              f"({seconds / max(1, files) * 1000:.1f} ms a file)")


def change_one_kommun(content: Path) -> str:
    """Täby's committee in kommuner.yaml changed: to another name, or back again."""
    kommuner = content / "kommuner.yaml"
    text = kommuner.read_text(encoding="utf-8")
    marker = "{name: Täby, official_name: Täby kommun, code: \"0160\", committee: Socialnämnden}"
    other = marker.replace("Socialnämnden", "Social- och omsorgsnämnden")
    for before, after in ((marker, other), (other, marker)):
        if before in text:
            kommuner.write_text(text.replace(before, after), encoding="utf-8")
            return "Täby"
    raise SystemExit("content/kommuner.yaml has no Täby line to change")


def middle(values: list, key=None):
    """The middle one of `values` (by `key`; of an even number, the higher of the two)."""
    return sorted(values, key=key)[len(values) // 2]


def median(runs: list[dict]) -> dict:
    """The run of median time (of an odd number), with every run's time listed."""
    chosen = dict(middle(runs, key=lambda r: r["seconds"]))
    chosen["runs"] = ", ".join(f"{r['seconds']:.2f}" for r in runs)
    return chosen


def synthetic_region(content: Path, count: int) -> None:
    """content/ with `count` made-up kommuner (no stadsdelar) instead of the real ones."""
    lines = ["region:", "  name: Region Syntetisk", "  units: [Beroendevården, Psykiatrin, Primärvården]",
             "kommuner:"]
    for number in range(1, count + 1):
        lines.append(f"  - {{name: Kommun {number:03d}, official_name: Kommun {number:03d} kommun, "
                     f"code: \"{number:04d}\", committee: Socialnämnden}}")
    (content / "kommuner.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


PEER_BATCH = 100     # files per soffice command: given all 380 at once, it wrote the first 247 and exited 0


def peer(routine_docx: list[Path], work: Path) -> dict:
    """docxtpl renders each routine .docx (as its own template); soffice converts them to PDF,
    PEER_BATCH files per command (one profile for all). Returns the times and how many PDFs were
    really written."""
    from docxtpl import DocxTemplate

    rendered = work / "docx"
    rendered.mkdir(parents=True)
    start = time.perf_counter()
    for index, path in enumerate(routine_docx):
        template = DocxTemplate(path)
        template.render({"kommun": path.parent.name})
        template.save(rendered / f"{index:04d}-{path.name}")
    render_s = time.perf_counter() - start
    pdfs = work / "pdf"
    profile = work / "lo-profile"
    files = sorted(str(p) for p in rendered.glob("*.docx"))
    converts = [run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                     "--outdir", str(pdfs), *files[start:start + PEER_BATCH]])
                for start in range(0, len(files), PEER_BATCH)]
    convert_s = sum(c["seconds"] for c in converts)
    produced = len(list(pdfs.glob("*.pdf"))) if pdfs.exists() else 0
    return {"render": render_s, "convert": convert_s, "seconds": render_s + convert_s,
            "produced": produced, "of": len(routine_docx), "peak": max(c["peak"] for c in converts)}


def compiled(code: Path) -> None:
    """Byte-compile the samverkan package under `code` (a checkout's generator/), as installing the
    wheel does (see the module's docstring); Python reads the .pyc files even where
    PYTHONDONTWRITEBYTECODE keeps it from writing them, and ignores them once a source changes."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "samverkan")], check=True,
                   stdout=subprocess.DEVNULL)


def baseline_code(rev: str, work: Path) -> tuple[Path, dict[str, str]]:
    """A git worktree of `rev` (removed by `drop_baseline`) and the environment that runs its
    code: its generator/ first on the path, its templates/ as samverkan.templates (a link in the
    throwaway worktree; the installed samverkan's templates would be found otherwise)."""
    tree = work / "baseline"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree), rev], check=True)
    link = tree / "generator" / "samverkan" / "templates"
    if not link.exists():
        link.symlink_to(tree / "templates", target_is_directory=True)
    compiled(tree / "generator")
    return tree, {"PYTHONPATH": str(tree / "generator")}


def drop_baseline(tree: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False,
                   capture_output=True)


def only_files_of(changed: dict, code: str) -> bool:
    """Every file written is the kommun's own, or a page or file of the site."""
    return all(kommun == code or path.startswith("site/") for path, kommun in changed["paths"])


def measure(source: Path, work: Path, args, env: dict[str, str] | None = None, live: bool = False) -> dict:
    """Every figure for the code in `env` (None: this checkout) and the content folder `source`
    (it and the templates/ beside it are copied into `work`)."""
    content = work / "content"
    shutil.copytree(source, content)
    if (source.parent / "templates").is_dir():
        shutil.copytree(source.parent / "templates", work / "templates")
    figures: dict = {}
    # each cold build below has a folder of its own (work/serial/out, work/routines-0/out, …): a
    # cold build removes the cache folder beside its output, which must not be work/out's (the
    # no-op and the one-kommun build have the cache their cold build left, as an editor's have)
    # cold three times (the machine's speed drifts; the one-kommun share divides by it): the first
    # two each in a folder of their own, removed after it; the last into work/out, which the
    # no-op and the one-kommun builds continue from. The median counts.
    colds = []
    for number in range(2):
        colds.append(samverkan_build(content, work / f"cold-{number}" / "out", env=env, cold=True))
        shutil.rmtree(work / f"cold-{number}", ignore_errors=True)
    colds.append(samverkan_build(content, work / "out", env=env, cold=True))
    cold = figures["cold"] = median(colds)
    line("cold, default set (median of 3)", cold, f"  (runs: {cold['runs']} s)")
    if not args.no_serial:
        serial = samverkan_build(content, work / "serial" / "out", "--jobs=1",
                                 env=dict(env or {}, RAYON_NUM_THREADS="1"), cold=True)
        line("cold, one worker (the serial sum)", serial)
        print(f"  two cores: {cold['seconds']:.2f} s = {cold['seconds'] / serial['seconds']:.2f} × the serial sum")
        breakdown(serial)
    noop = figures["noop"] = samverkan_build(content, work / "out", env=env)
    line("no-op rebuild", noop, "  (known from the input files alone)" if noop["checked_only"] else "")
    # one kommun's committee changed three times (to another name, back, and again), each time a
    # build: the median counts, and every one of them must write only that kommun's files
    ones = []
    for _ in range(3):
        name = change_one_kommun(content)
        ones.append(samverkan_build(content, work / "out", env=env))
    changed = figures["one"] = median(ones)
    changed["only_its_files"] = all(only_files_of(one, "0160") for one in ones)
    line(f"one kommun changed ({name}), median of 3", changed, f"  {changed['seconds'] / cold['seconds']:.0%} of "
         f"cold; {'only its files and site pages' if changed['only_its_files'] else 'OTHER FILES TOO'} "
         f"(runs: {changed['runs']} s)")

    # routines cold three times, two before the peer and one after it (the machine's speed
    # drifts over a minute; the peer's 40 s average over it, a 5 s build does not): the median
    runs = [samverkan_build(content, work / f"routines-{i}" / "out", "routines", env=env, cold=True) for i in range(2)]
    result = None
    if not args.no_peer:
        docx = sorted((work / "routines-0" / "out" / "rutiner").glob("*/*.docx"))
        result = peer(docx, work / "peer")
    runs.append(samverkan_build(content, work / "routines-2" / "out", "routines", env=env, cold=True))
    routines = figures["routines"] = median(runs)
    line("cold, routines only (median of 3)", routines, f"  (runs: {routines['runs']} s)")
    if result is not None:
        print(f"{'peer: docxtpl + LibreOffice, same docx':<38} {result['seconds']:7.2f} s   peak "
              f"{mb(result['peak']):>7}   rendered {result['of']} docx in {result['render']:.2f} s, "
              f"converted in {result['convert']:.2f} s: {result['produced']} of {result['of']} PDFs written")
        every = result["render"] + result["convert"] * result["of"] / max(1, result["produced"])
        figures["peer_ratio"] = every / routines["seconds"]
        print(f"  samverkan makes the {result['of']} docx, {result['of']} PDFs and the ZIPs "
              f"{result['seconds'] / routines['seconds']:.1f}× as fast as the peer makes "
              f"{result['produced']} PDFs; {figures['peer_ratio']:.1f}× as fast as the peer would make all "
              f"{result['of']} (its time per PDF × {result['of']}: {every:.1f} s)")

    if not args.no_national:
        region = work / "national" / "content"
        shutil.copytree(content, region)
        synthetic_region(region, args.kommuner)
        national = figures["national"] = samverkan_build(region, work / "national" / "out", env=env, cold=True)
        line(f"national: {args.kommuner} kommuner, cold", national)
        shutil.rmtree(work / "national", ignore_errors=True)
    if live:
        figures["live"] = live_latency(work, rounds=3)
    return figures


def live_latency(work: Path, rounds: int) -> dict | None:
    """`samverkan serve` on the built project in `work`, the agreement's page in headless
    Chromium: a paragraph edited `rounds` times; seconds from each write to the new text in the
    page's DOM and to its Word and PDF in the output (the medians)."""
    sys.path.insert(0, str(ROOT))
    try:
        from tests.web import chrome, close
        driver = chrome(work / "downloads")
    except Exception as exc:        # no selenium, no chromium: say so, measure the rest
        print(f"live: not measured ({type(exc).__name__}: {exc}); it needs chromium, chromedriver and selenium")
        return None
    project = work
    sections = sorted((project / "content" / "agreement" / "sections").glob("*.md"))
    pages = sorted((project / "out" / "site").glob("overenskommelse-*.html"))
    manifest = project / "out" / "manifest.json"

    def documents() -> dict[str, str]:
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8"))["documents"]
        except (OSError, ValueError, KeyError):
            return {}
        return {e["path"]: e["sha256"] for e in entries if e.get("kind") == "agreement"}

    process = subprocess.Popen([sys.executable, "-m", "samverkan", "serve", "--port", "0", "--content",
                                str(project / "content"), "--out", str(project / "out")], cwd=project,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    said: list[str] = []
    reader = threading.Thread(target=lambda: said.extend(iter(process.stdout.readline, "")), daemon=True)
    reader.start()
    page_s, files_s = [], []
    try:
        deadline = time.monotonic() + 120
        while not any(" at http://" in line for line in said):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("samverkan serve did not start:\n" + "".join(said))
            time.sleep(0.05)
        url = next(line for line in said if " at http://" in line).split(" at ", 1)[1].split("/;", 1)[0]
        driver.get(f"{url}/{pages[0].name}")
        for number in range(rounds):
            marker = f"Mätpunkt{number}x{os.getpid()}"
            text = sections[0].read_text(encoding="utf-8")
            lines = text.splitlines(keepends=True)
            first = next(i for i, l in enumerate(lines) if l.strip() and not l.startswith(("#", ">", "-", "|", ":")))
            lines[first] = f"{marker} {lines[first]}"
            before = documents()
            builds = sum("everything:" in line for line in said)
            written = time.time()
            sections[0].write_text("".join(lines), encoding="utf-8")
            end = time.monotonic() + 60
            shown = None
            while shown is None and time.monotonic() < end:
                shown = driver.execute_script(
                    "return document.body && document.body.innerText.includes(arguments[0]) ? "
                    "performance.timing.domInteractive : null", marker)
                time.sleep(0.01)
            while time.monotonic() < end:
                now = documents()
                if now and all(now.get(p) != h for p, h in before.items() if p.endswith((".docx", ".pdf"))):
                    files_s.append(time.time() - written)
                    break
                time.sleep(0.01)
            if shown is None:
                raise SystemExit("the new text did not reach the page within 60 s:\n" + "".join(said[-20:]))
            page_s.append(shown / 1000 - written)
            while sum("everything:" in line for line in said) <= builds and time.monotonic() < end:
                time.sleep(0.05)
            time.sleep(0.3)
    finally:
        os.killpg(process.pid, signal.SIGINT)          # Ctrl-C, as a terminal sends it
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            # what was still running, and where (the kernel's wait channel of each thread), and
            # what serve said last: for whoever looks into it
            print("live: samverkan serve did not stop within 60 s of Ctrl-C; killed. Its processes then:")
            for pid in session_pids(process.pid):
                for task in sorted(Path(f"/proc/{pid}/task").glob("*")):
                    try:
                        print(f"  {pid}/{task.name} {(task / 'comm').read_text().strip()} "
                              f"waiting in {(task / 'wchan').read_text().strip() or '-'}")
                    except OSError:
                        pass
            print("  it said last:\n" + "".join(f"    {line}" for line in said[-10:]))
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        close(driver)
    result = {"page": middle(page_s) if page_s else float("nan"),
              "files": middle(files_s) if files_s else float("nan")}
    print(f"{'live: edit → its page in the browser':<38} {result['page']:7.2f} s   (runs: "
          f"{', '.join(f'{v:.2f}' for v in page_s)} s; file written → new text in the open page's DOM)")
    print(f"{'live: edit → its Word and PDF':<38} {result['files']:7.2f} s   (runs: "
          f"{', '.join(f'{v:.2f}' for v in files_s)} s; → both new in output/manifest.json)")
    return result


# The goals of issue 23, and the baseline's figures it quotes (db01000/02eb785, in one run):
# cold 8.2 s, no-op 0.29 s, one kommun 35 % of cold, routines 10.1× the peer, 290 kommuner 39.4 s.
GOALS = [
    # (name, figure of `now`, limit, at most?, the baseline's figure in the issue: the goal as a ratio)
    ("edit → page in the browser (s)", lambda f: (f.get("live") or {}).get("page"), 1.0, True, None),
    ("edit → Word and PDF (s)", lambda f: (f.get("live") or {}).get("files"), 2.5, True, None),
    ("one kommun changed (share of cold)", lambda f: f["one"]["seconds"] / f["cold"]["seconds"], 0.15, True, 0.35),
    ("routines (× the peer)", lambda f: f.get("peer_ratio"), 12.0, False, 10.1),
    ("cold, default set (s)", lambda f: f["cold"]["seconds"], 6.0, True, 8.2),
    ("no-op (s)", lambda f: f["noop"]["seconds"], 0.3, True, 0.29),
    ("290 kommuner (s)", lambda f: f.get("national", {}).get("seconds"), 30.0, True, 39.4),
    ("290 kommuner, peak memory (MB)", lambda f: f.get("national", {}).get("peak", 0) / 1e6 or None, 700.0, True,
     None),
]


def goals(now: dict, base: dict | None) -> None:
    print("\ngoals (issue 23)                        now      goal   met" +
          ("   baseline  now/baseline  goal as a ratio" if base else ""))
    for name, figure, limit, at_most, quoted in GOALS:
        value = figure(now)
        if value is None:
            print(f"  {name:<36} {'-':>7}")
            continue
        met = value <= limit if at_most else value >= limit
        text = f"  {name:<36} {value:7.2f} {limit:9.2f}   {'yes' if met else 'NO ':<5}"
        before = figure(base) if base else None
        if before:
            ratio = value / before
            wanted = limit / quoted if quoted else None
            ok = "" if wanted is None else (" yes" if (ratio <= wanted if at_most else ratio >= wanted) else " NO")
            text += f" {before:9.2f} {ratio:11.2f}   " + (f"{'≤' if at_most else '≥'} {wanted:.2f}{ok}" if wanted else "")
        print(text)
    print(f"  one kommun changed: only its files and site pages written: {'yes' if now['one']['only_its_files'] else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--kommuner", type=int, default=290, help="kommuner of the synthetic region (default 290)")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--no-national", action="store_true")
    parser.add_argument("--no-serial", action="store_true", help="skip the one-worker build")
    parser.add_argument("--no-live", action="store_true", help="skip the edit → browser latency")
    parser.add_argument("--baseline", metavar="REV", help="also time this commit (e.g. db01000) and print ratios")
    args = parser.parse_args()
    # Started in the background by a shell without job control (`python bench/engine.py &`),
    # this process has Ctrl-C ignored, and every command it starts would inherit that: the
    # `samverkan serve` of the live figures then ignored the Ctrl-C that stops it (60 s, killed).
    # With a handler here, the commands start with Ctrl-C as a terminal gives it.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores; load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    with tempfile.TemporaryDirectory(prefix="samverkan-bench-") as tmp:
        work = Path(tmp)
        print("-- this checkout")
        compiled(ROOT / "generator")
        now = measure(args.content, work / "now", args, live=not args.no_live)
        base = None
        if args.baseline:
            print(f"-- baseline {args.baseline} (its own content/ and templates/)")
            tree, env = baseline_code(args.baseline, work)
            try:
                base = measure(tree / "content", work / "then", args, env=env)
            finally:
                drop_baseline(tree)
        goals(now, base)
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (other work on the machine inflates "
          "every figure)")


if __name__ == "__main__":
    main()
