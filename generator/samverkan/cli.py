"""The command line: each command only wires options to one function.

    samverkan init DIR [--region NAME] [--force]
    samverkan build [--content DIR] [--out DIR] [TARGET ...]
    samverkan routines KOMMUN ... [--content DIR] [--out DIR]
    samverkan remiss collect FILE|DIR ... [--content DIR] [--out DIR]
    samverkan uppfoljning collect FILE|DIR ... [--period YYYY] [--content DIR] [--out DIR]
    samverkan avvikelser collect FILE|DIR ... [--period YYYY] [--date D] [--previous XLSX] [--content DIR] [--out DIR]
    samverkan diff OLD NEW [--out DIR] [--repo DIR]
    samverkan import FILE|DIR ... [--content DIR] [--out DIR] [--apply [--author NAME] [--ref REF]]
    samverkan number [--content DIR]
    samverkan check [--content DIR]
    samverkan serve [--content DIR] [--out DIR] [--port N] [--no-watch]

Every command works in a project folder (project.py): ./content and ./output by default.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from samverkan import build as build_module
from samverkan import scaffold
from samverkan.dates import parse_day
from samverkan.engine.progress import Progress
from samverkan.errors import UsageProblem
from samverkan.project import CONTENT, OUTPUT
from samverkan.targets import TARGETS, BuildOptions

# Only what `samverkan build` needs before it knows there is nothing to do is imported here
# (≤ 0.3 s for a no-op); the content loader, the targets and the writers are imported by the
# commands that use them (samverkan.content → load_content() below).

content_option = click.option("--content", "content_dir", type=click.Path(path_type=Path),
                              default=Path(CONTENT), show_default=True,
                              help="The project's content folder; templates/ beside it overrides packaged templates.")
out_option = click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
                          default=Path(OUTPUT), show_default=True, help="Where the documents are written.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="samverkan", prog_name="samverkan")
def cli() -> None:
    """samverkan: a region's and its kommuner's agreement on collaboration around people with
    substance abuse/addiction (5 kap. 9 a § SoL, 16 kap. 3 § HSL), kept as one structured source,
    and every document made from it.

    Start a project with `samverkan init DIR`, then run the commands inside DIR.
    """


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--region", default=scaffold.DEFAULT_REGION, show_default=True,
              help="The region's name as it writes it, e.g. \"Region Gävleborg\".")
@click.option("--force", is_flag=True, help="Write into FOLDER even if it is not empty (same-named files are replaced).")
def init(folder: Path, region: str, force: bool) -> None:
    """Start a project in FOLDER: an example content/ (an agreement, a supplement, commitments,
    three made-up kommuner, two routines, a remiss) and a README for editors, ready to build."""
    written = scaffold.init_project(folder, region, force)
    click.echo(f"wrote {len(written)} files into {folder}")
    click.echo(f"next: cd {folder} && samverkan build   (then edit content/ and run samverkan check)")


def load_content(content_dir: Path):
    from samverkan.content import load_content as load

    return load(content_dir)


def _report(written, out_dir: Path) -> None:
    for line in build_module.summary(written, out_dir):
        click.echo(line)


def _write_compilation(out_dir: Path, jobs) -> None:
    """What every `collect` command ends with: its compilation's files written and reported."""
    _report(build_module.write_outputs(out_dir, jobs, build_module.run_jobs(jobs)), out_dir)


def _refuse_rejected(rejected, done: str = "compiled") -> None:
    """Files from outside that could not be used: listed, and the command exits with 1 (the others
    were used). One wording for `remiss collect`, `uppfoljning collect`, `avvikelser collect`, `import`."""
    if rejected:
        lines = "\n".join(f"  {file}: {why}" for file, why in rejected)
        raise UsageProblem(f"{len(rejected)} file(s) could not be {done} (the others were):\n{lines}")


def _targets_help() -> str:
    """The list of targets under `build --help`, a line each (\\b: click keeps the lines as they are)."""
    return "\b\nTargets:\n" + "\n".join(f"  {name:<12} {target.help}" for name, target in TARGETS.items())


force_option = click.option("--force", is_flag=True, help="Remake every file, even those whose inputs are unchanged.")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="Print only errors and the summary (no progress).")
jobs_option = click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
                           help="Worker processes (default: one per core).")


class _BuildCommand(click.Command):
    """`build`: its help lists the targets, whose classes are imported only for the help."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.epilog = _targets_help()
        super().format_epilog(ctx, formatter)


@cli.command(cls=_BuildCommand)
@content_option
@out_option
@click.option("--deadline", metavar="YYYY-MM-DD", help="The last day to answer the remiss (target remiss).")
@click.option("--period", metavar="YYYY", help="The period followed up (target followup; default: follow_up.period).")
@force_option
@quiet_option
@jobs_option
@click.argument("targets", nargs=-1, type=click.Choice(list(TARGETS)))
def build(content_dir: Path, out_dir: Path, deadline: str | None, period: str | None, force: bool, quiet: bool,
          jobs: int | None, targets: tuple[str, ...]) -> None:
    """Build every document, or the named TARGETS, into OUT (with OUT/manifest.json).

    Only files whose inputs changed are made again (--force: all); the output folder is
    switched to the new set as a whole, so an interrupted build leaves the previous one."""
    options = BuildOptions({"deadline": parse_day(deadline, "--deadline"), "period": parse_period(period)})
    report = build_module.build_project(content_dir, out_dir, targets, options, jobs, force=force,
                                        progress=Progress.for_terminal(quiet),
                                        on_skipped=lambda name, reason: click.echo(f"skipped {name}: {reason}",
                                                                                   err=True))
    for line in build_module.report_lines(report):
        click.echo(line)


@cli.command()
@content_option
@out_option
@force_option
@quiet_option
@jobs_option
@click.argument("kommuner", nargs=-1, required=True)
def routines(content_dir: Path, out_dir: Path, force: bool, quiet: bool, jobs: int | None,
             kommuner: tuple[str, ...]) -> None:
    """Build the local routine templates of the named KOMMUNER (or stadsdelar).

    A name can be written in any case, without diacritics, as slug or as kommunkod:
    Täby, taby, 0160. Stockholm (0180) gives all its stadsdelar.
    """
    from samverkan.targets.routines import find_units

    content = load_content(content_dir)
    units = find_units(content, list(kommuner))
    report = build_module.run_build(content, out_dir, ["routines"], BuildOptions({"units": units}), jobs,
                                    force=force, progress=Progress.for_terminal(quiet))
    for unit in units:
        click.echo(f"{unit.full_name}: {out_dir / 'rutiner' / unit.slug}")
    for line in build_module.report_lines(report):
        click.echo(line)


@cli.group()
def remiss() -> None:
    """The remiss: build it with `samverkan build remiss --deadline YYYY-MM-DD`; compile the
    answers with `samverkan remiss collect`."""


@remiss.command()
@content_option
@out_option
@click.argument("forms", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def collect(content_dir: Path, out_dir: Path, forms: tuple[Path, ...]) -> None:
    """Compile filled-in response forms (files, or folders of .docx and .odt files, saved by Word
    or LibreOffice) into a remiss compilation (Word and CSV) in OUT/remiss/. Exits with 1 when a
    file could not be compiled (the others are)."""
    content = load_content(content_dir)
    from samverkan.collect import answers as answers_module   # the forms' readers: only for this command
    from samverkan.targets.remiss import compilation_jobs

    compilation = answers_module.collect(content, list(forms))
    jobs = compilation_jobs(content, compilation)
    _write_compilation(out_dir, jobs)
    for response in compilation.duplicates:
        click.echo(f"note: {response.file} is a second form from {response.organisation} (the first: "
                   f"{response.duplicate_of}); both are compiled and marked", err=True)
    click.echo(f"compiled {len(compilation.responses)} of {compilation.forms} forms; "
               f"{len(compilation.missing)} remissinstanser have not answered")
    _refuse_rejected(compilation.rejected)


@cli.group()
def uppfoljning() -> None:
    """The yearly follow-up: build the workbooks with `samverkan build followup`; compile the filled-in
    workbooks into the regional report with `samverkan uppfoljning collect`."""


@uppfoljning.command(name="collect")
@content_option
@out_option
@click.option("--period", metavar="YYYY", help="The period followed up (default: follow_up.period in content).")
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def collect_followup(content_dir: Path, out_dir: Path, period: str | None, workbooks: tuple[Path, ...]) -> None:
    """Compile filled-in follow-up workbooks (files, or folders of .xlsx and .ods files, saved by Excel
    or LibreOffice) into the regional follow-up report (Word, PDF, xlsx, CSV) in OUT/uppfoljning/.
    Exits with 1 when a file could not be compiled (the others are)."""
    content = load_content(content_dir)
    from samverkan.collect import followup as followup_module   # the workbooks' readers: only here
    from samverkan.targets.followup import report_jobs

    report = followup_module.collect(content, list(workbooks), parse_period(period))
    jobs = report_jobs(content, report)
    _write_compilation(out_dir, jobs)
    click.echo(f"compiled {len(report.reports)} of {report.forms} workbooks; {len(report.missing)} of "
               f"{len(report.units)} kommuner, stadsdelar and the region have not reported")
    _refuse_rejected(report.rejected)


@cli.group()
def avvikelser() -> None:
    """Avvikelser i samverkan: build the form with `samverkan build avvikelser`; compile the
    filled-in reports into the yearly compilation with `samverkan avvikelser collect`."""


@avvikelser.command(name="collect")
@content_option
@out_option
@click.option("--period", metavar="YYYY", help="The year compiled (default: the year of --date).")
@click.option("--date", "as_of", metavar="YYYY-MM-DD", help="The day the compilation describes: replies are "
              "overdue as of it (default: the day of SOURCE_DATE_EPOCH when set, else the newest date in the "
              "reports, so the same reports give the same files on any day).")
@click.option("--previous", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The year before's compilation (its .xlsx), to compare with.")
@click.argument("reports", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def collect_avvikelser(content_dir: Path, out_dir: Path, period: str | None, as_of: str | None,
                       previous: Path | None, reports: tuple[Path, ...]) -> None:
    """Compile filled-in avvikelse reports (files, or folders of .docx and .odt files saved by Word
    or LibreOffice, and .html files saved by the site's web form) into the yearly compilation
    (Word, PDF, xlsx, CSV) in OUT/avvikelser/. Personal data found in the texts is masked.
    Exits with 1 when a file could not be compiled (the others are)."""
    content = load_content(content_dir)
    from samverkan.collect import avvikelser as avvikelser_module   # the forms' readers: only here
    from samverkan.targets.avvikelser import compilation_jobs as avvikelse_jobs

    compilation = avvikelser_module.collect(content, list(reports), parse_period(period),
                                            parse_day(as_of, "--date"), previous)
    jobs = avvikelse_jobs(content, compilation)
    _write_compilation(out_dir, jobs)
    for report in compilation.duplicates:
        click.echo(f"note: {report.file} is the same report as {report.duplicate_of}; both are compiled and marked",
                   err=True)
    for report in compilation.reports:
        for label, _ in report.masked:
            click.echo(f"note: {report.file}: personal data masked in '{label}'", err=True)
    if compilation.as_of_from != "--date":
        click.echo(f"note: replies counted up to {compilation.as_of.isoformat()} ({AS_OF_FROM[compilation.as_of_from]}); "
                   "--date counts up to another day", err=True)
    click.echo(f"compiled {len(compilation.reports)} of {compilation.forms} reports for {compilation.period}")
    _refuse_rejected(compilation.rejected)


AS_OF_FROM = {"SOURCE_DATE_EPOCH": "the day of SOURCE_DATE_EPOCH", "reports": "the newest date in the reports",
              "form": "no report gives a date: the form's date"}


def parse_period(text: str | None) -> str | None:
    if text is None:
        return None
    from samverkan.content.catalogues import PERIOD

    if not PERIOD.match(text):
        raise UsageProblem(f"--period must be a year (YYYY) or a part of one (YYYY-H1, YYYY-Q3), not '{text}'")
    return text


@cli.command()
@content_option
def number(content_dir: Path) -> None:
    """Give every paragraph without a stable reference ({¶n}) the next free number of its
    section, written into the Markdown files. Existing numbers never change."""
    from samverkan.content import numbering

    done = numbering.number_paragraphs(content_dir)
    for item in done:
        click.echo(f"{item.location.display(content_dir)}: {item.ref}")
    click.echo(f"{len(done)} paragraphs numbered" if done else "every paragraph already has a number")


@cli.command()
@content_option
def check(content_dir: Path) -> None:
    """Validate the content without building; lists every problem with file and line.
    Also renders every document's text (not the files), so a template that needs a value the
    content lacks is found here too. Says which project templates replace packaged ones."""
    from samverkan.content import accessibility, numbering

    content = load_content(content_dir)
    for override in content.templates.overrides():
        if override.replaces:
            click.echo(f"template override: {override.path} replaces the packaged {override.name}")
        else:
            click.echo(f"template addition: {override.path} (no packaged template has this name; it is used "
                       "only where another template names it)")
    targets, skipped = build_module.default_targets(content)
    jobs = build_module.planned_jobs(content, targets, BuildOptions())
    commitments = len(content.all_commitments())
    click.echo(f"content OK: {len(content.documents)} documents, {commitments} commitments, "
               f"{len(jobs)} files would be built")
    for name, reason in skipped.items():
        click.echo(f"note: target {name} cannot be built from this content: {reason}")
    if content.accessibility and (late := accessibility.stale(content.accessibility, dt.date.today(), content_dir)):
        click.echo(f"warning: {late}")
    waiting = [loc for doc in content.documents.values() for loc in numbering.unnumbered(doc)]
    if waiting:
        click.echo(f"note: {len(waiting)} paragraphs have no stable reference yet (first: "
                   f"{waiting[0].display(content_dir)}); run `samverkan number` before a remiss")

@cli.command()
@click.argument("old")
@click.argument("new")
@out_option
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default="the current folder", help="The git repository whose revisions git:REV names.")
def diff(old: str, new: str, out_dir: Path, repo: Path) -> None:
    """What changed from OLD to NEW: a change report (Word, PDF, JSON) and, for every agreement
    that changed, a redline (Word with tracked changes) in OUT/andringar/.

    OLD and NEW are content folders, or revisions of the repository written git:REV
    (git:v1.0, git:HEAD~3, git:main).
    """
    from samverkan.revisions import diff as run_diff   # the redline's Word libraries: only here

    result = run_diff(old, new, out_dir, repo)
    _report(result.written, out_dir)
    click.echo("no changes" if result.changes.empty else
               f"{sum(not d.empty for d in result.changes.documents)} document(s) changed")


@cli.command(name="import")
@content_option
@out_option
@click.option("--apply", "apply_", is_flag=True, help="Write the proposed changes into content/ (only the changed lines).")
@click.option("--author", help="With --apply: only this returner's changes (as the file names them).")
@click.option("--ref", "refs", multiple=True, metavar="REF", help="With --apply: only this paragraph or commitment "
              "(3.1:4, A-3.1-2) and the new paragraphs next to it; may be given several times.")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def import_(content_dir: Path, out_dir: Path, apply_: bool, author: str | None, refs: tuple[str, ...],
            files: tuple[Path, ...]) -> None:
    """Read returned editions (files, or folders of .docx and .odt files, edited in Word or
    LibreOffice with or without track changes) and write a review of what each returner proposes
    (Word and HTML) in OUT/granskning/. With --apply, also write the changes into content/.
    Exits with 1 when a file could not be read (the others are)."""
    from samverkan.imports import command   # the editions' readers: only for this command

    result = command.run(content_dir, out_dir, list(files), apply_, author, list(refs))
    _report(result.written, out_dir)
    for line in result.lines:
        click.echo(line)
    _refuse_rejected(result.review.rejected, done="read")


@cli.command()
@content_option
@out_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port on 127.0.0.1 (0: any free port).")
@click.option("--no-watch", is_flag=True, help="Only serve OUT/site as it is: build nothing, watch nothing.")
def serve(content_dir: Path, out_dir: Path, port: int, no_watch: bool) -> None:
    """Preview the download site at http://127.0.0.1:PORT/ while you edit: builds, then
    rebuilds when a file of CONTENT (or the project's templates/) changes; the open page
    reloads itself, and shows the content's mistakes until they are fixed. Ctrl-C stops it."""
    if no_watch:
        from samverkan import preview

        preview.serve(out_dir, port, say=lambda line: click.echo(line))
    else:
        from samverkan import live

        live.serve(content_dir, out_dir, port, say=lambda line: click.echo(line))


def main() -> None:
    cli(prog_name="samverkan")
