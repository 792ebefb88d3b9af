"""Target `avvikelser`: the avvikelse form (rapport om avvikelse i samverkan) as a Word form
with fields, worded from content/avvikelser.yaml; and the files of the yearly compilation
(`samverkan avvikelser collect`): Word and PDF with charts, xlsx and CSV.

    samverkan build avvikelser
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from samverkan.content.forms import CHOICES, DATES, GROUPS, MULTILINE
from samverkan.dates import build_timestamp, iso_date
from samverkan.errors import BuildFailed
from samverkan.model import Avvikelser, Content
from samverkan.render import FieldRegistry, intermediate
from samverkan.rules.records import Column, Records
from samverkan.targets.base import BuildOptions, Job, Target

FOLDER = "avvikelser"
FORM_PROPERTY = "avvikelse-id"      # a custom document property holding Avvikelser.form_id
FORM_KIND = "avvikelse-form"
COMPILATION_KIND = "avvikelse-compilation"


def private_kinds(content: Content) -> tuple[str, ...]:
    """The kinds of file the site never offers: the compilation holds free text from the
    reports, so it is published only when avvikelser.yaml says `publish_compilation: true`."""
    a = content.avvikelser
    return () if a is not None and a.publish_compilation else (COMPILATION_KIND,)


def form_date(content: Content) -> dt.date:
    """The form's date: that of the newest agreement (the form changes with the content only)."""
    return max(d.meta.date for d in content.documents.values())


def receiver_line(avvikelser: Avvikelser) -> str:
    """Where reports go, in one line: "Sekretariatet …, Storsthlm och Region Stockholm, info@…"."""
    r = avvikelser.receiver
    return ", ".join([r.name, r.organisation] + ([r.email] if r.email else []) +
                     ([" ".join(avvikelser.address)] if not r.email and avvikelser.address else []))


def choices(avvikelser: Avvikelser) -> dict[str, list[str]]:
    """The choices of each question answered from a list (the same on paper and on the web)."""
    return {"parties": list(avvikelser.parties), "target_group": [t.name for t in avvikelser.target_groups],
            "kind": list(avvikelser.kinds)}


def hints(avvikelser: Avvikelser) -> dict[str, str]:
    """Each question's help text; a question with choices lists them after its hint."""
    t = avvikelser.texts
    listed = choices(avvikelser)
    return {key: f"{t.hints[key]}: {'; '.join(listed[key])}." if key in CHOICES else t.hints[key]
            for _, keys in GROUPS for key in keys}


def form_words(avvikelser: Avvikelser) -> str:
    """The form in words, as its first line shows it (the exact id is a document property)."""
    return f"{avvikelser.title}, version {avvikelser.version}"


class AvvikelserTarget(Target):
    name = "avvikelser"
    help = "the avvikelse form (avvikelser i samverkan) as a Word form to fill in"

    def missing(self, content: Content) -> str | None:
        return None if content.avvikelser is not None else f"no {content.root / 'avvikelser.yaml'}"

    def jobs(self, content: Content, options: BuildOptions) -> list[Job]:
        if reason := self.missing(content):
            raise BuildFailed(f"target 'avvikelser': {reason}")
        return [self.form(content)]

    def form(self, content: Content) -> Job:
        """The Word form, made once per content: the site's web form asks for it too (0.04 s)."""
        return content.rendered_once(("avvikelse-form",), lambda: self._form(content))

    def _form(self, content: Content) -> Job:
        avvikelser = content.avvikelser
        assert avvikelser is not None
        date = form_date(content)
        document = intermediate("avvikelse-form.md.j2", content, avvikelser.title, avvikelser=avvikelser,
                                field=FieldRegistry(), groups=GROUPS, hints=hints(avvikelser), dates=DATES,
                                multiline=MULTILINE, form_words=form_words(avvikelser),
                                receiver_line=receiver_line(avvikelser), form_property=FORM_PROPERTY,
                                date=iso_date(date))
        return Job(document, "docx", f"{FOLDER}/{avvikelser.file_stem}-v{avvikelser.version}.docx", FORM_KIND,
                   avvikelser.title, build_timestamp(date))


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float]


# --- the yearly compilation (samverkan avvikelser collect) -----------------------------------

STATUSES = ("replied", "replied_late", "overdue", "waiting")     # the order of the charts' colours
DIMENSIONS = ("unit", "parties", "target_group", "kind", "commitments")


def RECORD_COLUMNS(t) -> tuple[Column, ...]:
    """The compilation's columns (xlsx, CSV): one row per report; what collect reads back as the
    year before (collect/avvikelser.read_previous)."""
    c, labels = t.compilation, t.labels
    return (Column("file", c.file, 24), Column("unit", labels.unit, 24, wrap=True),
            Column("reporter", labels.reporter, 24, wrap=True), Column("event_date", labels.event_date, 12),
            Column("sent", labels.sent, 12), Column("parties", labels.parties, 28, wrap=True),
            Column("target_group", labels.target_group, 28, wrap=True),
            Column("commitments", labels.commitments, 14, wrap=True), Column("kind", labels.kind, 28, wrap=True),
            Column("what", labels.what, 60, wrap=True), Column("done", labels.done, 50, wrap=True),
            Column("receiver_unit", labels.receiver_unit, 24, wrap=True), Column("reply_date", labels.reply_date, 12),
            Column("reply", labels.reply, 50, wrap=True), Column("status", c.replies_heading, 18),
            Column("masked", c.masked_heading, 24, wrap=True), Column("duplicate", c.duplicate, 20))


def _value(report, key: str) -> str:
    if key in ("parties", "commitments"):
        return "; ".join(getattr(report, key) + (report.unknown_commitments if key == "commitments" else ()))
    if key in ("unit", "target_group", "kind"):
        return getattr(report, key) or ""
    if key in ("event_date", "sent", "reply_date"):
        day = getattr(report, key)
        return day.isoformat() if day else (report.answers.get(key) or "")
    return report.answers.get(key) or ""


def compilation_records(compilation) -> Records:
    t = compilation.avvikelser.texts
    rows = []
    for report in compilation.reports:
        row = {column.key: _value(report, column.key) for column in RECORD_COLUMNS(t)
               if column.key not in ("file", "status", "masked", "duplicate")}
        row.update({"file": report.file, "status": t.compilation[compilation.reply_status(report)],
                    "masked": "; ".join(f"{label} ({', '.join(kinds)})" for label, kinds in report.masked),
                    "duplicate": report.duplicate_of or ""})
        rows.append(row)
    title = f"{t.compilation.title} {compilation.period}"
    return Records(title, RECORD_COLUMNS(t), tuple(rows), subject=title,
                   author=compilation.avvikelser.receiver.organisation)


def counts(compilation, dimension: str) -> dict[str, dict[str, int]]:
    """name → reply status → reports, for one dimension (unit, parties, target_group, kind,
    commitments), in the order of the content's choices, then as found."""
    a = compilation.avvikelser
    order = {"parties": list(a.parties), "target_group": [g.name for g in a.target_groups], "kind": list(a.kinds),
             "unit": [], "commitments": []}[dimension]
    found: dict[str, dict[str, int]] = {}
    for report in compilation.reports:
        value = getattr(report, dimension)
        names = list(value) if isinstance(value, tuple) else [value] if value else [a.texts.compilation.not_given]
        for name in names:
            found.setdefault(name, {s: 0 for s in STATUSES})[compilation.reply_status(report)] += 1
    ranked = [n for n in order if n in found] + sorted(n for n in found if n not in order)
    return {name: found[name] for name in ranked}


def _count_table(compilation, dimension: str, heading: str) -> Table:
    c = compilation.avvikelser.texts.compilation
    rows = [[name, str(sum(by.values()))] + [str(by[s]) for s in STATUSES]
            for name, by in counts(compilation, dimension).items()]
    return Table([heading, c.count] + [c[s] for s in STATUSES], rows, [3, 1] + [1.2] * len(STATUSES))


def _previous_table(compilation, dimension: str, heading: str) -> Table | None:
    if compilation.previous is None:
        return None
    before = compilation.previous.get(dimension, {})
    now = {name: sum(by.values()) for name, by in counts(compilation, dimension).items()}
    names = list(now) + sorted(n for n in before if n not in now)
    year = int(compilation.period[:4])
    rows = [[name, str(before.get(name, 0)), str(now.get(name, 0)), f"{now.get(name, 0) - before.get(name, 0):+d}"]
            for name in names]
    return Table([heading, str(year - 1), compilation.period, "±"], rows, [4, 1, 1, 1])


def compilation_jobs(content: Content, compilation) -> list[Job]:
    """The compilation as Word and PDF (with charts), xlsx and CSV."""
    from samverkan.render.charts import stacked_bars

    a = compilation.avvikelser
    t, c = a.texts, a.texts.compilation
    fonts = content.templates.font_dirs()
    statuses = [c[s] for s in STATUSES]
    charts = {}
    for dimension, heading in (("unit", c.per_unit), ("kind", c.per_kind)):
        by = counts(compilation, dimension)
        if by:
            chart = stacked_bars(list(by), [{c[s]: n[s] for s in STATUSES} for n in by.values()], statuses, c.count,
                                 f"{heading}: {c.summary.lower()} per {t.labels[dimension].lower()} "
                                 f"({', '.join(statuses).lower()}). {c.chart_text}", fonts, blank_last=False)
            charts[dimension] = chart.markdown(f"fig-{dimension}")
    tables = {dimension: _count_table(compilation, dimension, t.labels[dimension]) for dimension in DIMENSIONS}
    previous = {dimension: _previous_table(compilation, dimension, t.labels[dimension]) for dimension in ("unit", "kind")}
    overdue = [r for r in compilation.reports if compilation.reply_status(r) == "overdue"]
    reports = []
    for number, report in enumerate(compilation.reports, start=1):
        rows = [[t.labels[key], _value(report, key) or "–"] for _, keys in GROUPS for key in keys]
        rows.append([c.replies_heading, c[compilation.reply_status(report)]])
        notes = [f"{c.masked_note}: " + "; ".join(f"{label} ({', '.join(kinds)})" for label, kinds in report.masked)] \
            if report.masked else []
        notes += [f"{c.duplicate} {report.duplicate_of}"] if report.duplicate_of else []
        notes += [f"{c.unknown}: {note}" for note in report.notes]
        notes += [f"{c.unknown}: {cid}" for cid in report.unknown_commitments]
        reports.append({"heading": f"{number}. {report.unit} – {report.kind or c.not_given}", "file": report.file,
                        "table": Table(["", ""], rows, [2, 5]), "notes": notes})
    title = f"{c.title} {compilation.period}"
    date = iso_date(compilation.as_of)
    document = intermediate("avvikelse-report.md.j2", content, title, compilation=compilation, c=c, heading=title,
                            date=date, charts=charts, tables=tables, previous=previous, overdue=overdue,
                            reports=reports, replies_text=c.replies_text.replace("{days}", str(a.reply_days)).replace("{date}", date),
                            organisation=a.receiver.organisation)
    records = compilation_records(compilation)
    stem = f"{FOLDER}/{c.file_stem}-{compilation.period}"
    timestamp = build_timestamp(compilation.as_of)
    return [Job(document, fmt, f"{stem}.{fmt}", COMPILATION_KIND, title, timestamp) for fmt in ("docx", "pdf")] + \
           [Job(records, fmt, f"{stem}.{fmt}", COMPILATION_KIND, title, timestamp) for fmt in ("xlsx", "csv")]
