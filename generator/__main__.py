"""The command line: each command only wires options to one function.

    samverkan build [--content DIR] [--out DIR] [TARGET ...]
    samverkan routines KOMMUN ... [--content DIR] [--out DIR]
    samverkan check [--content DIR]
"""

from __future__ import annotations

from pathlib import Path

import click

from . import build as build_module
from .content import load_content
from .targets import TARGETS, BuildOptions
from .targets.routines import find_units

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CONTENT = REPO / "content"
DEFAULT_OUT = REPO / "output"

content_option = click.option("--content", "content_dir", type=click.Path(path_type=Path), default=DEFAULT_CONTENT,
                              show_default="the repository's content/", help="The content folder.")
out_option = click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_OUT,
                          show_default="the repository's output/", help="Where the documents are written.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """samverkan: the agreement on collaboration around people with substance abuse/addiction
    (Region Stockholm and the kommuner in Stockholms län) and every document made from it."""


def _targets_help() -> str:
    return "\n".join(f"  {name:<12} {target.help}" for name, target in TARGETS.items())


@cli.command(epilog="Targets:\n\n" + _targets_help())
@content_option
@out_option
@click.argument("targets", nargs=-1, type=click.Choice(list(TARGETS)))
def build(content_dir: Path, out_dir: Path, targets: tuple[str, ...]) -> None:
    """Build every document, or the named TARGETS, into OUT (with OUT/manifest.json)."""
    written = build_module.build(content_dir, out_dir, targets, BuildOptions())
    for item in written:
        click.echo(f"wrote {out_dir / item.path}")
    click.echo(f"{len(written)} files; manifest: {out_dir / build_module.MANIFEST}")


@cli.command()
@content_option
@out_option
@click.argument("kommuner", nargs=-1, required=True)
def routines(content_dir: Path, out_dir: Path, kommuner: tuple[str, ...]) -> None:
    """Build the local routine templates of the named KOMMUNER (or stadsdelar).

    A name can be written in any case, without diacritics, as slug or as kommunkod:
    Täby, taby, 0160. Stockholm (0180) gives all its stadsdelar.
    """
    content = load_content(content_dir)
    units = find_units(content, list(kommuner))
    written = build_module.build_content(content, out_dir, ["routines"], BuildOptions({"units": units}))
    for unit in units:
        click.echo(f"{unit.full_name}: {out_dir / 'rutiner' / unit.slug}")
    click.echo(f"{len(written)} files; manifest: {out_dir / build_module.MANIFEST}")


@cli.command()
@content_option
def check(content_dir: Path) -> None:
    """Validate the content without building; lists every problem with file and line."""
    content = load_content(content_dir)
    commitments = len(content.all_commitments())
    click.echo(f"content OK: {len(content.documents)} documents, {commitments} commitments")


if __name__ == "__main__":
    cli(prog_name="samverkan")
