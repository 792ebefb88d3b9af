"""`samverkan diff OLD NEW`: wires the options to `revisions.diff` (registered in __main__.py)."""

from __future__ import annotations

from pathlib import Path

import click

from ..build import summary
from ..options import out_option
from ..paths import REPO
from . import diff as run_diff


@click.command()
@click.argument("old")
@click.argument("new")
@out_option
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=REPO,
              show_default="this repository", help="The git repository whose revisions git:REV names.")
def diff(old: str, new: str, out_dir: Path, repo: Path) -> None:
    """What changed from OLD to NEW: a change report (Word, PDF, JSON) and, for every agreement
    that changed, a redline (Word with tracked changes) in OUT/andringar/.

    OLD and NEW are content folders, or revisions of the repository written git:REV
    (git:v1.0, git:HEAD~3, git:main).
    """
    result = run_diff(old, new, out_dir, repo)
    for line in summary(result.written, out_dir):
        click.echo(line)
    click.echo("no changes" if result.changes.empty else
               f"{sum(not d.empty for d in result.changes.documents)} document(s) changed")
