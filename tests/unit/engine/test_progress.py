"""What a build shows while it runs: a bar on a terminal, a line per target otherwise, nothing when quiet."""

from __future__ import annotations

import re
from collections import Counter

from samverkan import build as build_module
from samverkan.engine.progress import Progress

from tests.inspect import manifest


class Stream:
    def __init__(self, tty: bool):
        self.tty, self.text = tty, ""

    def isatty(self):
        return self.tty

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_progress_is_a_line_per_target_off_a_terminal_a_bar_on_one_and_nothing_when_quiet(example, tmp_path):
    lines, bar, quiet = Stream(False), Stream(True), Stream(False)
    build_module.build_project(example / "content", tmp_path / "a", progress=Progress.for_terminal(False, lines))
    made = Counter(e["target"] for e in manifest(tmp_path / "a")["documents"])
    assert set(made) == {"agreement", "supplement", "commitments", "followup", "routines", "avvikelser", "site"}
    assert sorted(re.findall(r"^(\w+): (\d+) files made", lines.text, re.M)) == \
        sorted((target, str(count)) for target, count in made.items())
    build_module.build_project(example / "content", tmp_path / "b", progress=Progress.for_terminal(False, bar))
    total = sum(made.values())
    assert f"{total}/{total} files" in bar.text and "\r" in bar.text and "[" in bar.text
    build_module.build_project(example / "content", tmp_path / "c", progress=Progress.for_terminal(True, quiet))
    assert quiet.text == ""
