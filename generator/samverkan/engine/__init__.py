"""The build engine (used by samverkan/build.py):

    incremental.py  one build's bookkeeping: stale jobs, the entries as they will be, the switch
    manifest.py     manifest entries (Written), input keys, write_outputs
    entries.py      manifest.json checked as untrusted input before any of its paths is used
    status.py       files known intact by their recorded file status, else by their sha256
    runner.py       runs jobs: here or in a worker pool (Runner), run_jobs for the bytes
    plan.py         which jobs become which tasks, and what waits for what
    keys.py         what each file is made from, as one hash (incremental builds)
    cache.py        prepared routine templates kept between builds (.samverkan-cache/)
    transaction.py  the output folder switched as one set: all or nothing, recovery, lock
    tasks.py        the work of a worker process: make files, stream them to disk
    pool.py         the worker processes (they die with the build) and the scheduler
    worker.py       a worker process's life: do tasks until told to stop, die with the build
    interrupt.py    Ctrl-C, SIGTERM, SIGHUP: one line, the output as it was
    progress.py     the progress bar / a line per target
    hooks.py        named pause points for tests that kill a build
"""
