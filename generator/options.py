"""Command-line options shared by the commands (__main__.py, revisions/command.py)."""

from __future__ import annotations

from pathlib import Path

import click

from .paths import DEFAULT_CONTENT, DEFAULT_OUT

content_option = click.option("--content", "content_dir", type=click.Path(path_type=Path), default=DEFAULT_CONTENT,
                              show_default="the repository's content/", help="The content folder.")
out_option = click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_OUT,
                          show_default="the repository's output/", help="Where the documents are written.")
