"""The build engine (used by samverkan/build.py):

    keys.py         what each file is made from, as one hash (incremental builds)
    transaction.py  the output folder switched as one set: all or nothing, recovery, lock
    tasks.py        the work of a worker process: make files, stream them to disk
    pool.py         the worker processes (they die with the build) and the scheduler
    progress.py     the progress bar / a line per target
    hooks.py        named pause points for tests that kill a build
"""
