"""The build engine's figures, in one run (prints them; not a test):

    python bench/engine.py                  # everything below
    python bench/engine.py --kommuner 290   # the size of the synthetic region (default 290)
    python bench/engine.py --no-peer --no-national

1. cold: every default document of content/ into an empty folder, on all cores, as
   `samverkan build` runs it (a new process: start-up, load, render, workers, switch);
2. serial: the same with one worker process (--jobs 1) and typst on one thread
   (RAYON_NUM_THREADS=1, as in the workers; on its own typst lays out on every core): the
   serial sum of the work; where the CPU time goes, per kind of task;
3. no-op: the same build again (nothing changed);
4. one kommun changed in kommuner.yaml (its committee): what is made again;
5. routines: `samverkan build routines` cold (three times, two before the peer and one
   after it; the median counts), and side by side the peer on the same routine files:
   docxtpl renders each routine .docx, LibreOffice headless converts them all to PDF in one
   batch; the PDFs it really wrote are counted (it may exit 0 with files missing);
6. national scale: a synthetic region of N kommuner × the routines of content/, cold.

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
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tree_memory(session: int) -> tuple[int, int]:
    """Memory (bytes) of every process in a session: the sum of their proportional set sizes
    (a page shared by several processes, as workers forked from one server share theirs, counts
    once in all), and the sum of their resident sizes (which counts it in each: an upper bound)."""
    pss = rss = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat[stat.rindex(")") + 2:].split()[3]) != session:
                continue
            for line in (entry / "smaps_rollup").read_text().splitlines():
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


def samverkan_build(content: Path, out: Path, *args: str, env: dict[str, str] | None = None) -> dict:
    """`samverkan build` in a new process (`env`: added to its environment); its report (files,
    timings) from the child."""
    child = ("import json, sys; from pathlib import Path; from samverkan import build as b; "
             "from samverkan.targets import BuildOptions; "
             "a = json.loads(sys.argv[1]); "
             "r = b.build_project(Path(a['content']), Path(a['out']), a['targets'], BuildOptions(), a['jobs'], "
             "force=a['force']); "
             "print(json.dumps({'written': len(r.written), 'unchanged': r.unchanged, 'removed': len(r.removed), "
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
    kommuner = content / "kommuner.yaml"
    text = kommuner.read_text(encoding="utf-8")
    marker = "{name: Täby, official_name: Täby kommun, code: \"0160\", committee: Socialnämnden}"
    if marker in text:
        kommuner.write_text(text.replace(marker, marker.replace("Socialnämnden", "Social- och omsorgsnämnden")),
                            encoding="utf-8")
        return "Täby"
    raise SystemExit("content/kommuner.yaml has no Täby line to change")


def synthetic_region(content: Path, count: int) -> None:
    """content/ with `count` made-up kommuner (no stadsdelar) instead of the real ones."""
    lines = ["region:", "  name: Region Syntetisk", "  units: [Beroendevården, Psykiatrin, Primärvården]",
             "kommuner:"]
    for number in range(1, count + 1):
        lines.append(f"  - {{name: Kommun {number:03d}, official_name: Kommun {number:03d} kommun, "
                     f"code: \"{number:04d}\", committee: Socialnämnden}}")
    (content / "kommuner.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def peer(routine_docx: list[Path], work: Path) -> dict:
    """docxtpl renders each routine .docx (as its own template); soffice converts all of them
    to PDF in one batch. Returns the times and how many PDFs were really written."""
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
    command = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
               "--outdir", str(pdfs), *sorted(str(p) for p in rendered.glob("*.docx"))]
    convert = run(command)
    produced = len(list(pdfs.glob("*.pdf"))) if pdfs.exists() else 0
    return {"render": render_s, "convert": convert["seconds"], "seconds": render_s + convert["seconds"],
            "produced": produced, "of": len(routine_docx), "peak": convert["peak"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--kommuner", type=int, default=290, help="kommuner of the synthetic region (default 290)")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--no-national", action="store_true")
    args = parser.parse_args()

    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores; load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    with tempfile.TemporaryDirectory(prefix="samverkan-bench-") as tmp:
        work = Path(tmp)
        content = work / "content"
        shutil.copytree(args.content, content)
        templates = args.content.parent / "templates"
        if templates.is_dir():
            shutil.copytree(templates, work / "templates")

        cold = samverkan_build(content, work / "out")
        line("cold, every default document", cold)
        serial = samverkan_build(content, work / "serial", "--jobs=1", env={"RAYON_NUM_THREADS": "1"})
        line("cold, one worker (the serial sum)", serial)
        print(f"  two cores: {cold['seconds']:.2f} s = {cold['seconds'] / serial['seconds']:.2f} × the serial "
              "sum")
        breakdown(serial)
        noop = samverkan_build(content, work / "out")
        line("no-op rebuild", noop, "  (known from the input files alone)" if noop["checked_only"] else "")
        name = change_one_kommun(content)
        changed = samverkan_build(content, work / "out")
        line(f"one kommun changed ({name})", changed)

        # routines cold three times, two before the peer and one after it (the machine's speed
        # drifts over a minute; the peer's 40 s average over it, a 5 s build does not): the median
        runs = [samverkan_build(content, work / f"routines-{i}", "routines") for i in range(2)]
        result = None
        if not args.no_peer:
            docx = sorted((work / "routines-0" / "rutiner").glob("*/*.docx"))
            result = peer(docx, work / "peer")
        runs.append(samverkan_build(content, work / "routines-2", "routines"))
        routines = sorted(runs, key=lambda r: r["seconds"])[1]
        seconds = ", ".join(f"{r['seconds']:.2f}" for r in runs)
        line("cold, routines only (median of 3)", routines, f"  (runs: {seconds} s)")
        if result is not None:
            print(f"{'peer: docxtpl + LibreOffice, same docx':<38} {result['seconds']:7.2f} s   peak "
                  f"{mb(result['peak']):>7}   rendered {result['of']} docx in {result['render']:.2f} s, "
                  f"converted in {result['convert']:.2f} s: {result['produced']} of {result['of']} PDFs written")
            every = result["render"] + result["convert"] * result["of"] / max(1, result["produced"])
            print(f"  samverkan makes the {result['of']} docx, {result['of']} PDFs and the ZIPs "
                  f"{result['seconds'] / routines['seconds']:.1f}× as fast as the peer makes "
                  f"{result['produced']} PDFs; {every / routines['seconds']:.1f}× as fast as the peer would make all "
                  f"{result['of']} (its time per PDF × {result['of']}: {every:.1f} s)")

        if not args.no_national:
            region = work / "national" / "content"
            shutil.copytree(args.content, region)
            synthetic_region(region, args.kommuner)
            national = samverkan_build(region, work / "national" / "out")
            line(f"national: {args.kommuner} kommuner, cold", national)
            shutil.rmtree(work / "national", ignore_errors=True)
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (other work on the machine inflates "
          "every figure)")


if __name__ == "__main__":
    main()
