"""The writer registry: every format's class carries that format as its name, and starting
samverkan (the CLI, a build's main process) loads none of the heavy writer libraries."""

from __future__ import annotations

import subprocess
import sys

from samverkan.writers import WRITERS, writer_for


def test_every_format_names_its_writer_and_the_writer_has_a_suffix():
    assert set(WRITERS) == {"docx", "pdf", "csv", "json", "xlsx", "zip", "html", "css", "js"}
    for name, cls in WRITERS.items():
        assert cls.name == name and cls.suffix.startswith(".") and isinstance(writer_for(name), cls)


def test_the_cli_and_the_targets_load_without_the_writer_libraries():
    probe = ("import sys, samverkan.cli, samverkan.build, samverkan.targets, samverkan.engine.tasks; "
             "print(sorted(m for m in ('docx', 'openpyxl', 'typst', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
