"""Named points of a build where a test can stop it deterministically.

    SAMVERKAN_TEST_PAUSE=switching samverkan build

makes the build print `samverkan-test: paused at switching (pid N)` on stderr when it reaches
that point and then wait until it is killed, so that a test's kill -9 or SIGTERM lands exactly
there. The points: `rendering` (workers busy, nothing staged yet), `writing` (a worker has
just written a file into the staging folder), `staged` (every new file staged), `switching`
(the new output set complete beside the old one, just before the switch), `switched` (after
the switch, the old set not yet removed), `moving` (journal mode: half the files moved),
`starting` (a worker process's first moment).
With SAMVERKAN_TEST_PAUSE_ONCE=FILE too, only the first process to reach the point pauses (the
one that creates FILE); the others go on, e.g. to kill one worker while the other works.
Without the variable a checkpoint costs one dictionary lookup.
"""

from __future__ import annotations

import os
import sys
import time

VARIABLE = "SAMVERKAN_TEST_PAUSE"
ONCE = "SAMVERKAN_TEST_PAUSE_ONCE"


def checkpoint(name: str) -> None:
    if os.environ.get(VARIABLE) != name:
        return
    if once := os.environ.get(ONCE):
        try:
            os.close(os.open(once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
    sys.stderr.write(f"samverkan-test: paused at {name} (pid {os.getpid()})\n")
    sys.stderr.flush()
    while True:            # until killed; a signal handler that raises ends the wait too
        time.sleep(3600)
