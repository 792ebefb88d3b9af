"""`python -m samverkan …` and the `samverkan` command: the platform is checked before the
command line (cli.py) and the engine behind it are imported."""

from __future__ import annotations

import atexit
import gc
import sys

from samverkan.supported import check


def without_last_collection() -> None:
    """At the command's exit, no last garbage collection: Python's teardown walks every object
    still tracked (the writers' and the model's modules), which took 25-30 ms after each build
    had ended. `gc.freeze` at exit moves them out of its reach; the files are written and
    closed by then (every writer closes what it opens), so nothing waits for a finaliser."""
    atexit.register(gc.freeze)


def main() -> None:
    without_last_collection()
    problem = check()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        raise SystemExit(1)
    from samverkan.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
