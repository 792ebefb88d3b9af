"""Where samverkan runs: Linux (on Windows through WSL).

The build engine uses Linux-only calls (`fcntl` locks, `resource` limits, the forkserver start
method, `prctl` so that workers die with their parent). Started anywhere else, the command says
so in one line instead of failing with an ImportError deep in the engine.
"""

from __future__ import annotations

import sys

SUPPORTED = "linux"
UNSUPPORTED_MESSAGE = (
    "samverkan runs on Linux only (it uses Linux-only system calls). On Windows, run it in WSL: "
    "`wsl --install -d Debian`, then in the Debian window `sudo apt-get install python3-venv` and "
    "install samverkan there (see the README, 'Where it runs').")


def check(platform: str | None = None) -> str | None:
    """The one-line message for a platform samverkan cannot run on, or None on Linux."""
    return None if (platform or sys.platform).startswith(SUPPORTED) else UNSUPPORTED_MESSAGE
