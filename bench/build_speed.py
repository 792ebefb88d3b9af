"""How fast do the documents build? Prints figures; not a test.

    python bench/build_speed.py                 # what `samverkan build` builds
    python bench/build_speed.py remiss          # the remiss (deadline: --deadline)
    python bench/build_speed.py routines        # one target
    python bench/build_speed.py --serial-sample 40 routines

Measures (1) the content load + validation, (2) each job alone, one after another (per
document; at most --serial-sample jobs, spread over the kinds and formats; ZIPs are made from
the other files and not timed alone), and (3) the real build on all cores into a temporary
folder, as `samverkan build` runs it. For kommun copies of a shared template, the first copy
are timed after their shared document is prepared (reported apart).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from samverkan.build import prepare_shared, build_content, collect_jobs, run_job
from samverkan.render import FilledDocument
from samverkan.content.loader import load_content
from samverkan.targets import DEFAULT_TARGETS, TARGETS, BuildOptions
from samverkan.writers.bundle import Bundle

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*", choices=[[], *TARGETS], default=[])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--serial-sample", type=int, default=60, help="jobs timed one by one (default 60)")
    parser.add_argument("--deadline", default="2027-01-31", help="for the remiss target")
    args = parser.parse_args()
    targets = args.targets or list(DEFAULT_TARGETS)
    options = BuildOptions({"deadline": dt.date.fromisoformat(args.deadline)})

    start = time.perf_counter()
    content = load_content(args.content)
    load_s = time.perf_counter() - start

    start = time.perf_counter()
    jobs = collect_jobs(content, targets, options)
    render_s = time.perf_counter() - start

    by_kind: dict[tuple[str, str], list] = defaultdict(list)
    for job in jobs:
        by_kind[(job.kind, job.format)].append(job)
    sample = []
    per_group = max(1, args.serial_sample // max(1, len(by_kind)))
    for group in by_kind.values():
        sample.extend(job for job in group[:per_group] if not isinstance(job.artifact, Bundle))
    # as the build does it: shared documents prepared once, then each file on its own
    t = time.perf_counter()
    prepared, _ = prepare_shared(sample, workers=1)
    prepare_s = time.perf_counter() - t
    shared = len({(j.format, j.artifact.base) for j in sample if isinstance(j.artifact, FilledDocument)})
    timings: dict[tuple[str, str], list[float]] = defaultdict(list)
    for job in prepared:
        t = time.perf_counter()
        run_job(job)
        timings[(job.kind, job.format)].append(time.perf_counter() - t)

    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        written = build_content(content, Path(out), targets, options)
        total_s = time.perf_counter() - t
        total_bytes = sum(w.bytes for w in written)

    print(f"machine: {os.cpu_count()} cores; targets: {', '.join(targets)}")
    print(f"content load + validation: {load_s * 1000:.0f} ms; rendering {len(jobs)} intermediates/artifacts: "
          f"{render_s * 1000:.0f} ms")
    if shared:
        print(f"shared documents prepared once (pandoc, styles, fields): {shared} in {prepare_s:.2f} s "
              f"({prepare_s / shared * 1000:.0f} ms each)")
    print(f"{'kind':<22}{'format':<8}{'files':>7}{'timed':>7}{'median ms':>11}{'max ms':>9}")
    for (kind, fmt), group in sorted(by_kind.items()):
        times = timings.get((kind, fmt), [])
        med = f"{statistics.median(times) * 1000:.0f}" if times else "-"
        mx = f"{max(times) * 1000:.0f}" if times else "-"
        print(f"{kind:<22}{fmt:<8}{len(group):>7}{len(times):>7}{med:>11}{mx:>9}")
    print(f"full build on all cores: {len(written)} files, {total_bytes / 1e6:.1f} MB in {total_s:.2f} s "
          f"({total_s / max(1, len(written)) * 1000:.1f} ms per file, wall clock)")


if __name__ == "__main__":
    main()
