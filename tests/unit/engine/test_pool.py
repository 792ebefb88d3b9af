"""The scheduler: shared documents prepared once then filled in batches, ZIPs after their
files, failures reported per file and passed on to what depends on them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from samverkan.engine.pool import Schedule, batches, execute
from samverkan.engine.tasks import Copy, Done, Made, Task
from samverkan.targets import Job
from samverkan.writers.bundle import Bundle

STAMP = dt.datetime(2026, 11, 24, 12, tzinfo=dt.timezone.utc)


def copies(*paths: str) -> tuple[Copy, ...]:
    return tuple(Copy(p, None, None) for p in paths)


def bundle(path: str, members: list[str]) -> tuple[Task, list[str]]:
    return Task("bundle", job=Job(Bundle(tuple(members)), "zip", path, "routine-bundle", "", STAMP)), members


def test_batches_give_every_worker_work_and_are_worth_sending():
    assert batches(38, 2) == 10 and batches(290, 2) == 16 and batches(3, 2) == 1 and batches(1000, 8) == 16


def test_fills_wait_for_their_prepared_document_and_go_to_the_worker_that_has_it():
    prepare = Task("prepare", format="pdf", copies=copies("a1"), group=1)
    fills = [Task("fill", format="pdf", copies=copies(f"a{i}"), group=1) for i in (2, 3)]
    other = Task("prepare", format="pdf", copies=copies("b1"), group=2)
    other_fill = Task("fill", format="pdf", copies=copies("b2"), group=2)
    schedule = Schedule([prepare, *fills, other, other_fill], [])
    assert schedule.next() is prepare and schedule.next() is other
    assert schedule.next() is None                          # the fills wait
    schedule.finished(other, Done([Made("b1", "x", 1)], prepared={2: "B"}))
    schedule.finished(prepare, Done([Made("a1", "x", 1)], prepared={1: "A"}))
    task = schedule.next([1, 2])                            # the worker that did group 1 last gets group 1
    assert task.group == 1 and task.shared == "A"
    assert schedule.next([2]).shared == "B" and schedule.next([2, 1]).group == 1


def test_a_failed_preparation_fails_every_copy_and_the_zips_that_hold_them():
    prepare = Task("prepare", format="pdf", copies=copies("a1", "a2"), group=1)
    fill = Task("fill", format="pdf", copies=copies("a3"), group=1)
    zip_task, members = bundle("z.zip", ["a1", "a3"])
    schedule = Schedule([prepare, fill], [(zip_task, members)])
    assert schedule.outstanding == 3
    made = schedule.finished(schedule.next(), Done([], failed_to_prepare={1: "pandoc failed"}))
    assert {(m.path, m.error) for m in made} == {("a1", "pandoc failed"), ("a2", "pandoc failed"),
                                                  ("a3", "pandoc failed"),
                                                  ("z.zip", "not bundled: a file it contains failed")}
    assert schedule.outstanding == 0 and schedule.next() is None


def test_a_zip_waits_for_its_members_and_reads_them_as_released():
    writes = [Task("write", job=Job(None, "pdf", p, "k", "", STAMP)) for p in ("m1", "m2")]
    zip_task, members = bundle("z.zip", ["m1", "m2"])
    released = []
    schedule = Schedule(writes, [(zip_task, members)], release=lambda t: released.append(t) or t)
    first, second = schedule.next(), schedule.next()
    assert schedule.next() is None
    schedule.finished(first, Done([Made(first.job.path, "x", 1)]))
    assert not released
    schedule.finished(second, Done([Made(second.job.path, "x", 1)]))
    assert released == [zip_task] and schedule.next() is zip_task


def test_without_a_pool_every_task_runs_here():
    writes = [Task("write", job=Job(None, "csv", p, "k", "", STAMP)) for p in ("a.csv", "b.csv")]
    made = []
    timings: dict = {}
    execute(Schedule(writes, []), None, made.append, run=lambda job: job.path.encode(), timings=timings)
    assert sorted((m.path, m.data) for m in made) == [("a.csv", b"a.csv"), ("b.csv", b"b.csv")]
    assert timings[("write", "csv")][:2] == [2, 2]


def test_one_task_prepares_a_document_in_both_formats_and_frees_both_formats_copies():
    word = Task("prepare", format="docx", copies=copies("w1"), group=1)
    pdf = Task("prepare", format="pdf", copies=copies("p1"), group=2)
    word.companions = (pdf,)
    fills = [Task("fill", format="docx", copies=copies("w2"), group=1),
             Task("fill", format="pdf", copies=copies("p2"), group=2)]
    schedule = Schedule([word, *fills], [])
    assert schedule.outstanding == 3 and word.paths == ["w1", "p1"] and word.label == "docx+pdf"
    assert schedule.next() is word and schedule.next() is None
    schedule.finished(word, Done([Made("w1", "x", 1), Made("p1", "x", 1)], prepared={1: "W", 2: "P"}))
    assert {(t.format, t.shared) for t in (schedule.next(), schedule.next())} == {("docx", "W"), ("pdf", "P")}


def test_a_worker_dying_while_preparing_fails_the_copies_that_wait_for_it_and_the_rest_goes_on():
    word = Task("prepare", format="docx", copies=copies("w1"), group=1)
    word.companions = (Task("prepare", format="pdf", copies=copies("p1"), group=2),)
    waiting = [Task("fill", format="docx", copies=copies("w2"), group=1),
               Task("fill", format="pdf", copies=copies("p2"), group=2)]
    single = Task("write", job=Job(None, "csv", "t.csv", "k", "", STAMP))
    zip_task, members = bundle("z.zip", ["w1", "w2", "p1", "p2"])
    schedule = Schedule([word, *waiting, single], [(zip_task, members)])
    assert schedule.next() is single and schedule.next() is word
    made = schedule.finished(word, Done.lost(word, "a worker process died making this file"))
    assert sorted((m.path, m.error) for m in made) == [
        ("p1", "a worker process died making this file"), ("p2", "a worker process died making this file"),
        ("w1", "a worker process died making this file"), ("w2", "a worker process died making this file"),
        ("z.zip", "not bundled: a file it contains failed")]
    assert schedule.next() is None and schedule.outstanding == 1       # the csv, still being made


def test_the_largest_single_documents_go_first_and_a_worker_keeps_to_its_copies():
    """Begun last, the agreement (a second of work) was the build's tail while the other worker
    had nothing left: single documents go out before preparations, the largest first; a worker
    that prepared a template still makes its copies first (typst's work is in its memory)."""
    from samverkan.render import Intermediate

    small, large = (Task("write", job=Job(Intermediate("x" * n, "t"), "pdf", f"{n}.pdf", "k", "", STAMP))
                    for n in (10, 10_000))
    prepare = Task("prepare", format="pdf", copies=copies("a1"), group=1)
    fill = Task("fill", format="pdf", copies=copies("a2"), group=1)
    schedule = Schedule([prepare, fill, small, large], [])
    assert schedule.next() is large and schedule.next() is small and schedule.next() is prepare
    later = Task("write", job=Job(Intermediate("y", "t"), "pdf", "y.pdf", "k", "", STAMP))
    schedule.single.append(later)
    schedule.finished(prepare, Done([Made("a1", "x", 1)], prepared={1: "A"}))
    copy = schedule.next([1])
    assert copy.copies == fill.copies and copy.shared == "A" and schedule.next([1]) is later


def test_a_worker_found_dead_when_handed_a_task_passes_it_to_another():
    """Real worker processes: one is killed while idle; every task is still made, by the other."""
    from samverkan.engine.runner import start_forkserver
    from samverkan.engine.pool import Pool
    from samverkan.writers.data import JsonData

    start_forkserver()
    pool = Pool(2)
    try:
        pool.processes[1].kill()
        pool.processes[1].join(10)
        writes = [Task("write", job=Job(JsonData({"n": n}), "json", f"{n}.json", "k", "", STAMP)) for n in range(4)]
        made: list[Made] = []
        execute(Schedule(writes, []), pool, made.append)
        assert sorted((m.path, m.error) for m in made) == [(f"{n}.json", None) for n in range(4)]
        assert all(m.data == f'{{\n  "n": {m.path[0]}\n}}\n'.encode() for m in made)
    finally:
        pool.kill()


def test_released_workers_end_by_themselves_while_the_build_switches():
    """`Runner.release` (a build's last tasks are done): the workers end without being waited
    for, beside the switch; `close` then finds them gone and forgets them."""
    from samverkan.engine.runner import Runner
    from samverkan.writers.data import JsonData

    runner = Runner(2)
    try:
        made: list[Made] = []
        writes = [Job(JsonData({"n": n}), "json", f"{n}.json", "k", "", STAMP) for n in range(4)]
        runner.run(writes, lambda path: None, lambda path, here: None, made.append)
        assert sorted(m.path for m in made) == [f"{n}.json" for n in range(4)]
        processes = list(runner.pool.processes)
        runner.release()
        assert runner.pool is None
        for process in processes:
            process.join(10)
            assert process.exitcode == 0
    finally:
        runner.close(False)
    assert runner.pool is None and runner.stopped is None


def test_the_pages_that_show_one_document_are_one_preparation_and_its_fills():
    """A routine template's page in every kommun: converted once per build (a task that
    prepares it and makes the first pages), the rest filled from it; pages of equal documents
    and labels are one group even as separate objects, other labels another."""
    from samverkan.engine.plan import plan
    from samverkan.render import Intermediate
    from samverkan.writers.html import HtmlPage, HtmlSource

    routine, agreement = Intermediate("# R\n", "R"), Intermediate("# A\n", "A")
    labels = (("notes-title", "Noter"),)

    def page(path: str, document=None, **kwargs) -> Job:
        return Job(HtmlPage("site/x.html.j2", path, {}, document=document, **kwargs), "html", f"site/{path}",
                   "site", path, STAMP)

    units = [page(f"k{n}/r.html", routine, labels=labels, fill=(("enhet", f"K{n}"),)) for n in range(6)]
    units.append(page("k6/r.html", Intermediate("# R\n", "R"), labels=labels, fill=(("enhet", "K6"),)))
    jobs = [*units, page("avtal.html", agreement, labels=labels), page("r-utan-noter.html", routine),
            page("index.html")]
    schedule = plan(jobs, lambda path: None, 2, lambda path, here: None)
    prepares = list(schedule.prepare)
    assert [t.shared for t in prepares] == [HtmlSource(routine, labels), HtmlSource(agreement, labels),
                                            HtmlSource(routine, ())]
    fills = schedule.waiting_fills[prepares[0].group]
    assert all(t.shared is None for t in fills)                            # given what was prepared, later
    assert sorted(c.path for t in [prepares[0], *fills] for c in t.copies) == sorted(j.path for j in units)
    assert [t.job.path for t in schedule.single] == ["site/index.html"]   # no document: a page as it is


def test_pages_and_workbooks_go_several_to_a_task_and_each_is_made_once():
    """Single files of a small format (a site's pages, the follow-up workbooks) are batched as
    copies are: 40 pages on two workers in 4 tasks of 10, 5 workbooks in tasks of 2; a Word
    file still has a task of its own. Every file is made, once, and counted as its format."""
    from samverkan.engine.plan import plan
    from samverkan.writers.data import JsonData
    from samverkan.writers.html import HtmlPage

    pages = [Job(HtmlPage("site/x.html.j2", f"p{n}.html"), "html", f"site/p{n}.html", "site", "", STAMP)
             for n in range(40)]
    books = [Job(JsonData({"n": n}), "xlsx", f"u{n}.xlsx", "followup", "", STAMP) for n in range(5)]
    word = Job(JsonData({}), "docx", "a.docx", "agreement", "", STAMP)
    schedule = plan([*pages, word, *books], lambda path: None, 2, lambda path, here: None)
    tasks = list(schedule.single)
    assert sorted(len(t.paths) for t in tasks) == [1, 1, 2, 2, 10, 10, 10, 10]
    assert {t.label for t in tasks} == {"html", "xlsx", "docx"}
    made: list[Made] = []
    timings: dict = {}
    execute(schedule, None, made.append, run=lambda job: job.path.encode(), timings=timings)
    assert sorted(m.path for m in made) == sorted(j.path for j in [*pages, word, *books])
    assert all(m.data == m.path.encode() for m in made)
    assert {fmt: row[:2] for (_, fmt), row in timings.items()} == {"html": [4, 40], "xlsx": [3, 5], "docx": [1, 1]}


class ThreadPool:
    """Workers as threads on real pipes (execute's side is the real one): each records whether
    its task was told that cores would be idle."""

    def __init__(self, workers: int):
        import threading
        from multiprocessing import Pipe

        self.connections, self.told = [], []
        for _ in range(workers):
            here, there = Pipe()
            self.connections.append(here)
            threading.Thread(target=self.serve, args=(there,), daemon=True).start()

    def serve(self, connection) -> None:
        while (task := connection.recv()) is not None:
            self.told.append((task.job.path, task.idle_cores))
            connection.send(Done([Made(task.job.path, "x", 1)]))

    def close(self) -> None:
        for connection in self.connections:
            connection.send(None)


def test_a_task_is_told_of_idle_cores_only_when_nothing_else_would_use_them():
    """A small build (the agreement's Word and PDF after an edit) lets its pandoc conversions
    run side by side on the idle cores; a task among others that wait for the cores does not."""
    writes = lambda *paths: [Task("write", job=Job(None, "csv", p, "k", "", STAMP)) for p in paths]  # noqa: E731
    told = []
    record = lambda task: told.append((task.job.path, task.idle_cores)) or Done([Made(task.job.path, "x", 1)])  # noqa: E731
    import samverkan.engine.pool as pool_module

    perform = pool_module.perform
    try:
        pool_module.perform = record            # here, without a pool: the other cores are idle
        execute(Schedule(writes("a", "b"), []), None, lambda made: None, cores=2)
        execute(Schedule(writes("c"), []), None, lambda made: None, cores=1)
    finally:
        pool_module.perform = perform
    assert told == [("a", True), ("b", True), ("c", False)]

    pool = ThreadPool(2)
    try:
        execute(Schedule(writes("alone"), []), pool, lambda made: None, cores=2)
        assert pool.told == [("alone", True)]
        pool.told.clear()
        execute(Schedule(writes("1", "2", "3", "4"), []), pool, lambda made: None, cores=2)
        told = dict(pool.told)      # the last one may find the other worker done already: not asked
        assert len(told) == 4 and not (told["1"] or told["2"] or told["3"])
    finally:
        pool.close()
    # four cores, three workers, three tasks handed out at once: the first may use two cores,
    # the others then take the rest
    pool = ThreadPool(3)
    try:
        execute(Schedule(writes("x", "y", "z"), []), pool, lambda made: None, cores=4)
        told = dict(pool.told)
        assert told["x"] and not told["y"] and not told["z"]
    finally:
        pool.close()


def test_what_a_later_phase_shares_goes_with_this_phases_task_of_the_same_text(tmp_path):
    """The site's page of a document (prepared in the site's phase) goes with the task of this
    phase that converts the same text (engine/plan.py `ahead`), as a preparation without copies
    or group, kept in the cache; one already kept, one with no such task, or a build that reads
    nothing from the cache (--force) leaves it to the site's phase."""
    from samverkan.engine import keys
    from samverkan.engine.cache import PreparedCache
    from samverkan.engine.plan import plan
    from samverkan.render import FilledDocument, Intermediate
    from samverkan.targets.base import Shared
    from samverkan.writers.html import HtmlSource

    routine, agreement, other = Intermediate("# R\n", "R"), Intermediate("# A\n", "A"), Intermediate("# O\n", "O")
    copy = FilledDocument(routine, (("enhet", "Täby"),), "R – Täby")
    jobs = [Job(copy, fmt, f"r.{fmt}", "routine", "R", STAMP) for fmt in ("docx", "pdf")]
    jobs.append(Job(agreement, "pdf", "a.pdf", "agreement", "A", STAMP))
    later = [Shared("html", HtmlSource(Intermediate("# R\n", "R"), (("notes-title", "Noter"),)), STAMP),
             Shared("html", HtmlSource(agreement), STAMP), Shared("html", HtmlSource(other), STAMP)]
    out = tmp_path / "output"

    def ahead_of(cache: PreparedCache) -> dict[str, list]:
        schedule = plan(jobs, lambda path: None, 2, lambda path, here: None, cache, later)
        return {task.paths[0]: [(t.format, t.shared, t.group, t.copies) for t in task.companions if t.format == "html"]
                for task in [*schedule.prepare, *schedule.single]}

    cache = PreparedCache(out, keys.Digests())
    assert ahead_of(cache) == {"r.docx": [("html", later[0].shared, None, ())],
                               "a.pdf": [("html", later[1].shared, None, ())]}
    kept = cache.entry("html", later[1].shared, STAMP)
    Path(kept.path).parent.mkdir(parents=True)
    Path(kept.path).write_bytes(b"")            # there (good or not: the site's phase reads or replaces it)
    assert ahead_of(cache) == {"r.docx": [("html", later[0].shared, None, ())], "a.pdf": []}
    assert ahead_of(PreparedCache(out, keys.Digests(), read=False)) == {"r.docx": [], "a.pdf": []}
    assert plan(jobs, lambda path: None, 2, lambda path, here: None, None, later).outstanding == 2   # no cache


def test_a_preparation_for_a_later_phase_returns_nothing_and_its_failure_is_left_to_that_phase(monkeypatch):
    """Its result goes to the cache only, and a failure fails no file here: the site's phase
    prepares again and reports it with its pages."""
    from samverkan.engine import tasks

    class Failing:
        def prepare(self, shared, timestamp):
            raise ValueError("pandoc is gone")

    monkeypatch.setattr(tasks, "writer_for", lambda fmt: Failing())
    word = Task("prepare", format="docx", copies=(), group=1)
    later = Task("prepare", format="html", shared="page", timestamp=STAMP)
    word.companions = (later,)
    done = tasks.perform(word)
    assert done.failed_to_prepare == {1: "ValueError: pandoc is gone"} and done.prepared == {}
    assert word.paths == [] and Done.lost(word, "died").failed_to_prepare == {1: "died"}
    schedule = Schedule([word], [])
    assert schedule.next() is word and schedule.finished(word, done) == [] and schedule.outstanding == 0


def test_a_small_build_leaves_what_a_later_phase_shares_to_that_phase(monkeypatch):
    """Told of idle cores (an edit under `serve`), a task runs its own conversions side by side
    and not one for a later phase, which would take a core from the files waited for (the
    agreement's Word and PDF after an edit came 0.2 s later)."""
    from samverkan.engine import tasks

    prepared = []

    class Recording:
        def pandoc_request(self, shared, timestamp):
            return None

        def prepare(self, shared, timestamp):
            prepared.append(shared)
            return shared

        def keep(self, value):
            return b""

    monkeypatch.setattr(tasks, "writer_for", lambda fmt: Recording())
    for idle, expected in ((True, ["word"]), (False, ["word", "page"])):
        prepared.clear()
        word = Task("prepare", format="docx", shared="word", copies=(), group=1)
        word.companions = (Task("prepare", format="html", shared="page", timestamp=STAMP),)
        word.idle_cores = idle
        assert tasks.perform(word).prepared == {1: "word"} and prepared == expected
