"""The command line: each command only wires options to one function.

    samverkan build [--content DIR] [--out DIR] [TARGET ...]
    samverkan routines KOMMUN ... [--content DIR] [--out DIR]
    samverkan remiss collect FILE|DIR ... [--content DIR] [--out DIR]
    samverkan diff OLD NEW [--out DIR]
    samverkan number [--content DIR]
    samverkan check [--content DIR]
"""

from __future__ import annotations

from pathlib import Path

import click

from . import build as build_module
from . import numbering
from . import remiss as remiss_module
from .content import load_content
from .errors import UsageProblem
from .options import content_option, out_option
from .revisions.command import diff
from .targets import TARGETS, BuildOptions
from .targets.remiss import compilation_jobs
from .targets.routines import find_units

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """samverkan: the agreement on collaboration around people with substance abuse/addiction
    (Region Stockholm and the kommuner in Stockholms län) and every document made from it."""


def _report(written, out_dir: Path) -> None:
    for line in build_module.summary(written, out_dir):
        click.echo(line)


def _targets_help() -> str:
    return "\n".join(f"  {name:<12} {target.help}" for name, target in TARGETS.items())


@cli.command(epilog="Targets:\n\n" + _targets_help())
@content_option
@out_option
@click.option("--deadline", metavar="YYYY-MM-DD", help="The last day to answer the remiss (target remiss).")
@click.argument("targets", nargs=-1, type=click.Choice(list(TARGETS)))
def build(content_dir: Path, out_dir: Path, deadline: str | None, targets: tuple[str, ...]) -> None:
    """Build every document, or the named TARGETS, into OUT (with OUT/manifest.json)."""
    options = BuildOptions({"deadline": remiss_module.parse_deadline(deadline)})
    content = load_content(content_dir)
    if not targets:
        targets, skipped = build_module.default_targets(content)
        for name, reason in skipped.items():
            click.echo(f"skipped {name}: {reason}", err=True)
    written = build_module.build_content(content, out_dir, targets, options)
    _report(written, out_dir)


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
    click.echo(f"{len(written)} files in {out_dir}; list: {out_dir / build_module.MANIFEST}")


@cli.group()
def remiss() -> None:
    """The remiss: build it with `samverkan build remiss --deadline YYYY-MM-DD`; compile the
    answers with `samverkan remiss collect`."""


@remiss.command()
@content_option
@out_option
@click.argument("forms", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def collect(content_dir: Path, out_dir: Path, forms: tuple[Path, ...]) -> None:
    """Compile filled-in response forms (files, or folders of .docx files) into a remiss
    compilation (Word and CSV) in OUT/remiss/."""
    content = load_content(content_dir)
    compilation = remiss_module.collect(content, list(forms))
    jobs = compilation_jobs(content, compilation)
    written = build_module.write_outputs(out_dir, jobs, build_module.run_jobs(jobs))
    _report(written, out_dir)
    click.echo(f"{len(compilation.responses)} answers compiled; {len(compilation.missing)} remissinstanser "
               "have not answered")
    if compilation.rejected:
        lines = "\n".join(f"  {file}: {why}" for file, why in compilation.rejected)
        raise UsageProblem(f"{len(compilation.rejected)} file(s) could not be compiled (the others were):\n{lines}")


@cli.command()
@content_option
def number(content_dir: Path) -> None:
    """Give every paragraph without a stable reference ({¶n}) the next free number of its
    section, written into the Markdown files. Existing numbers never change."""
    done = numbering.number_paragraphs(content_dir)
    for item in done:
        click.echo(f"{item.location.display(content_dir)}: {item.ref}")
    click.echo(f"{len(done)} paragraphs numbered" if done else "every paragraph already has a number")


@cli.command()
@content_option
def check(content_dir: Path) -> None:
    """Validate the content without building; lists every problem with file and line.
    Also renders every document's text (not the files), so a template that needs a value the
    content lacks is found here too."""
    content = load_content(content_dir)
    targets, skipped = build_module.default_targets(content)
    jobs = build_module.collect_jobs(content, targets, BuildOptions())
    commitments = len(content.all_commitments())
    click.echo(f"content OK: {len(content.documents)} documents, {commitments} commitments, "
               f"{len(jobs)} files would be built")
    for name, reason in skipped.items():
        click.echo(f"note: target {name} cannot be built from this content: {reason}")
    waiting = [loc for doc in content.documents.values() for loc in numbering.unnumbered(doc)]
    if waiting:
        click.echo(f"note: {len(waiting)} paragraphs have no stable reference yet (first: "
                   f"{waiting[0].display(content_dir)}); run `samverkan number` before a remiss")

cli.add_command(diff)     # samverkan diff OLD NEW (generator/revisions/command.py)


if __name__ == "__main__":
    cli(prog_name="samverkan")
