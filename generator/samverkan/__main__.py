"""`python -m samverkan …` and the `samverkan` command: the platform is checked before the
command line (cli.py) and the engine behind it are imported."""

from __future__ import annotations

import sys

from samverkan.supported import check


def main() -> None:
    problem = check()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        raise SystemExit(1)
    from samverkan.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
