"""Target `followup`: the yearly follow-up workbooks, one per kommun and stadsdel and one for the
region, pre-filled with its name, kommunkod and the period (xlsx); and the files of the
regional follow-up report (`samverkan uppfoljning collect`): Word and PDF with charts, xlsx
and CSV.

    samverkan build followup [--period 2026]
"""

from __future__ import annotations

from dataclasses import dataclass

from samverkan.collect.followup import FollowUpReport, check_period, units_of
from samverkan.dates import build_timestamp, iso_date
from samverkan.errors import BuildFailed
from samverkan.model import Content
from samverkan.render import intermediate
from samverkan.render.charts import stacked_bars, status_matrix
from samverkan.rules.grouping import listed_party
from samverkan.rules.records import Column, Records, follow_up_workbook
from samverkan.targets.base import BuildOptions, Job, Target
from samverkan.text import slugify

FOLDER = "uppfoljning"


def _date(content: Content):
    return max(d.meta.date for d in content.documents.values())


class FollowUpTarget(Target):
    name = "followup"
    help = "the follow-up workbooks: one per kommun, stadsdel and the region, for the period (--period)"

    def missing(self, content: Content) -> str | None:
        if content.commitment_tables is None:
            return f"no {content.root / 'commitment-tables.yaml'}"
        if content.kommuner is None:
            return f"no {content.root / 'kommuner.yaml'}"
        if not content.commitment_tables.follow_up.period:
            return "no period: give --period YYYY or period: in commitment-tables.yaml (follow_up)"
        return None

    def jobs(self, content: Content, options: BuildOptions) -> list[Job]:
        return list(self.workbooks(content, options).values())

    def workbooks(self, content: Content, options: BuildOptions) -> dict[str, Job]:
        """Each unit's workbook by the unit's key (a kommun's or stadsdel's slug; the region's):
        made once per content and period, the site asks for them too (290 kommuner: 0.4 s)."""
        if content.commitment_tables is None or content.kommuner is None:
            raise BuildFailed(f"target 'followup': {self.missing(content)}")
        period = check_period(options.get("period"), content.commitment_tables.follow_up)
        return dict(content.rendered_once(("follow-up-workbooks", period), lambda: self._workbooks(content, period)))

    def _workbooks(self, content: Content, period: str) -> dict[str, Job]:
        follow = content.commitment_tables.follow_up      # type: ignore[union-attr]
        timestamp = build_timestamp(_date(content))
        jobs = {}
        for unit in units_of(content):
            workbook = follow_up_workbook(content, unit.name, unit.code, period, unit.region)
            path = f"{FOLDER}/{period}/{follow.file_stem}-{unit.key}-{period}.xlsx"
            jobs[unit.key] = Job(workbook, "xlsx", path, "follow-up-workbook", workbook.subject, timestamp,
                                 None if unit.region else unit.code)
        return jobs


# --- the regional report ---------------------------------------------------------------------

@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float]


def _counts_table(first: str, rows: list[tuple[str, dict[str, int]]], statuses: list[str], width: float = 3) -> Table:
    return Table([first, *statuses], [[name, *(str(c[s]) for s in statuses)] for name, c in rows],
                 [width] + [1] * len(statuses))


REPORT_COLUMNS = ("unit", "code", "id", "text", "status", "responsible", "comment", "next_step", "party", "topic",
                  "file")


def report_records(content: Content, report: FollowUpReport) -> Records:
    """One row per reporting unit and commitment it reports on (what was filled in)."""
    follow, labels = report.follow, report.follow.labels
    widths = (26, 10, 11, 60, 14, 22, 40, 32, 22, 24, 24)
    names = (report.follow.report.unit, labels.code, labels.id, labels.commitment, *follow.columns, labels.party,
             labels.topic, follow.report.file)
    columns = tuple(Column(key, label, width, wrap=width >= 20) for key, label, width in
                    zip(REPORT_COLUMNS, names, widths))
    by_id = {c.id: c for c in report.commitments}
    rows = []
    for unit_report in report.reports:
        for cid in unit_report.unit.commitments:
            c = by_id[cid]
            entry = unit_report.entries.get(cid)
            rows.append({"unit": unit_report.unit.name, "code": unit_report.unit.code or "", "id": cid,
                         "text": c.full_text, "status": report.status(unit_report, cid),
                         "responsible": entry.responsible or "" if entry else "",
                         "comment": entry.comment or "" if entry else "",
                         "next_step": entry.next_step or "" if entry else "",
                         "party": listed_party(content, c).name, "topic": c.topic.name,
                         "file": unit_report.file})
    title = f"{follow.report.title} {report.period}"
    return Records(title, columns, tuple(rows), subject=title, author=content.kommuner.region.name)


def report_jobs(content: Content, report: FollowUpReport) -> list[Job]:
    t = report.follow.report
    statuses = report.statuses
    fonts = content.templates.font_dirs()
    region = content.kommuner.region.name
    unit_rows, bar_labels = [], []
    for unit in report.units:
        unit_report = report.report_of(unit)
        note = "" if unit_report else f" ({t.missing_heading.lower()})"
        unit_rows.append((unit.name + note, report.counts(unit_report) if unit_report else {s: 0 for s in statuses}))
        bar_labels.append(unit.short + note)
    unit_chart = stacked_bars(bar_labels, [c for _, c in unit_rows], statuses, t.commitments,
                              f"{t.chart_heading}. {t.chart_text}", fonts)
    matrix_charts = []
    for doc in content.documents.values():
        ids = [c.id for c in report.commitments if c.document == doc.key]
        if not ids:
            continue
        cells = [[(report.status(r, cid) if cid in r.unit.commitments else None) if (r := report.report_of(u))
                  else (report.not_filled if cid in u.commitments else None) for u in report.units] for cid in ids]
        chart = status_matrix(ids, [u.short for u in report.units], cells, statuses,
                              f"{t.matrix_heading}: {doc.meta.short_title}. {t.matrix_text}", fonts)
        matrix_charts.append((doc.meta.short_title, chart.markdown(f"fig-{slugify(doc.key)}")))
    commitment_rows = [(f"{c.id}", report.commitment_counts(c.id)) for c in report.commitments]
    comments = []
    labels = report.follow.labels
    for c in report.commitments:
        rows = []
        for unit_report in report.reports:
            entry = unit_report.entries.get(c.id)
            if entry and (entry.comment or entry.next_step or entry.responsible):
                rows.append([unit_report.unit.name, report.status(unit_report, c.id), entry.responsible or "–",
                             entry.comment or "–", entry.next_step or "–"])
        if rows:
            comments.append((f"{c.id} – {c.full_text}",
                             Table([t.unit, *report.follow.columns], rows, [2.5, 1.5, 2, 3.5, 3])))
    document = intermediate(
        "followup-report.md.j2", content, f"{t.title} {report.period}", report=report, region=region,
        date=iso_date(_date(content)), unit_chart=unit_chart.markdown("fig-status-per-kommun"),
        matrix_charts=matrix_charts,
        unit_table=_counts_table(t.unit, [(name, c) for name, c in unit_rows], statuses),
        commitment_table=_counts_table(labels.id, commitment_rows, statuses, 1.5),
        party_table=_counts_table(labels.party, report.group_counts(lambda c: listed_party(content, c).name),
                                  statuses),
        topic_table=_counts_table(labels.topic, report.group_counts(lambda c: c.topic.name), statuses),
        comments=comments)
    records = report_records(content, report)
    stem = f"{FOLDER}/{t.file_stem}-{report.period}"
    timestamp = build_timestamp(_date(content))
    title = f"{t.title} {report.period}"
    kind = "follow-up-report"
    return [Job(document, fmt, f"{stem}.{fmt}", kind, title, timestamp) for fmt in ("docx", "pdf")] + \
           [Job(records, fmt, f"{stem}.{fmt}", kind, title, timestamp) for fmt in ("xlsx", "csv")]
