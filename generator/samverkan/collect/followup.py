"""The yearly follow-up read back: the workbooks kommuner, stadsdelar and the region filled in
(xlsx from Excel, xlsx or ods from LibreOffice), checked against the content, and the figures
of the regional report.

A workbook is recognised by its visible, locked cells: the name of the kommun/stadsdel (or the
region), its kommunkod and the period beside their labels, and the table whose header starts
with Nr and Åtagande. Columns are found by their header text, so a column moved by hand is
still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from samverkan.collect.sheets import SUFFIXES, Sheet, read_workbook
from samverkan.collect.untrusted import Package, Rejected, Source, read_file, sources
from samverkan.errors import UsageProblem
from samverkan.model import Commitment, Content, FollowUp
from samverkan.rules.records import FILL_KEYS, follow_up_commitments
from samverkan.text import slugify

WHAT = "follow-up workbook (.xlsx or .ods)"
HEADER_SEARCH_ROWS = 40


@dataclass(frozen=True)
class Unit:
    """Who reports: a kommun, a stadsdel or the region."""

    key: str                  # slug, unique
    name: str                 # as the workbook shows it: "Täby kommun", "Bromma stadsdelsområde, Stockholms stad"
    code: str | None          # kommunkod (None for the region)
    region: bool
    commitments: tuple[str, ...]
    short: str = ""           # for charts: "Täby", "Stockholm: Bromma"


@dataclass(frozen=True)
class Entry:
    status: str | None
    responsible: str | None
    comment: str | None
    next_step: str | None


@dataclass
class UnitReport:
    unit: Unit
    file: str
    filled_by: str | None
    date: str | None
    entries: dict[str, Entry]              # commitment id → what was filled in
    unknown_status: list[tuple[str, str]] = field(default_factory=list)    # (id, text) not in the list


@dataclass
class FollowUpReport:
    period: str
    follow: FollowUp
    units: list[Unit]
    commitments: list[Commitment]          # every commitment some unit reports on, in order
    reports: list[UnitReport]
    rejected: list[tuple[str, str]]        # (file, why); a second workbook of one unit is one of them
    forms: int = 0

    @property
    def not_filled(self) -> str:
        return self.follow.report.not_filled

    @property
    def statuses(self) -> list[str]:
        """Every status of the report, in the list's order, then "Ej ifyllt"."""
        return list(self.follow.status_options) + [self.not_filled]

    def report_of(self, unit: Unit) -> UnitReport | None:
        return next((r for r in self.reports if r.unit.key == unit.key), None)

    @property
    def missing(self) -> list[Unit]:
        return [u for u in self.units if self.report_of(u) is None]

    def status(self, report: UnitReport, commitment_id: str) -> str:
        entry = report.entries.get(commitment_id)
        if entry is None or entry.status not in self.follow.status_options:
            return self.not_filled
        return entry.status

    def counts(self, report: UnitReport, ids=None) -> dict[str, int]:
        """Status → how many of the unit's commitments (of `ids`, when given) have it."""
        counts = {s: 0 for s in self.statuses}
        for cid in report.unit.commitments:
            if ids is None or cid in ids:
                counts[self.status(report, cid)] += 1
        return counts

    def commitment_counts(self, commitment_id: str) -> dict[str, int]:
        """Status → how many of the reporting units that report on this commitment gave it."""
        counts = {s: 0 for s in self.statuses}
        for report in self.reports:
            if commitment_id in report.unit.commitments:
                counts[self.status(report, commitment_id)] += 1
        return counts

    def group_counts(self, key) -> list[tuple[str, dict[str, int]]]:
        """(group name, status counts over every reporting unit) per party or per target group:
        `key(commitment)` names the group."""
        groups: dict[str, dict[str, int]] = {}
        for commitment in self.commitments:
            counts = groups.setdefault(key(commitment), {s: 0 for s in self.statuses})
            for status, n in self.commitment_counts(commitment.id).items():
                counts[status] += n
        return list(groups.items())


def units_of(content: Content) -> list[Unit]:
    """The kommuner and stadsdelar (kommuner.yaml), then the region, each with its commitments."""
    follow = content.commitment_tables.follow_up
    kommun_ids = tuple(c.id for c in follow_up_commitments(content, follow.kommun_parties))
    region_ids = tuple(c.id for c in follow_up_commitments(content, follow.region_parties))
    units = [Unit(u.slug, u.full_name, u.code, False, kommun_ids,
                  u.name if u.name == u.kommun_name else f"{u.kommun_name}: {u.name}") for u in content.kommuner.units]
    region = content.kommuner.region.name
    units.append(Unit(slugify(region), region, None, True, region_ids, region))
    return units


def check_period(period: str | None, follow: FollowUp) -> str:
    chosen = period or follow.period
    if not chosen:
        raise UsageProblem("the follow-up needs its period: give --period YYYY, or period: in "
                           "commitment-tables.yaml (follow_up)")
    return chosen


class WorkbookReader:
    def __init__(self, content: Content, period: str):
        self.follow = content.commitment_tables.follow_up
        self.labels = self.follow.labels
        self.period = period
        self.units = units_of(content)
        self.by_name = {slugify(u.name): u for u in self.units}
        self.column_keys = {slugify(label): key for key, label in
                            (("id", self.labels.id), ("text", self.labels.commitment),
                             *zip(FILL_KEYS, self.follow.columns))}

    def sheet(self, sheets: list[Sheet]) -> Sheet:
        for sheet in sorted(sheets, key=lambda s: s.name != self.follow.sheet):
            if self._header_row(sheet):
                return sheet
        raise Rejected(f"is not a follow-up workbook: no sheet has the table whose columns are "
                       f"{self.labels.id}, {self.labels.commitment}, {', '.join(self.follow.columns)}")

    def _header_row(self, sheet: Sheet) -> int | None:
        for row in range(1, HEADER_SEARCH_ROWS + 1):
            if slugify(sheet.value(row, 1)) == slugify(self.labels.id) and \
                    slugify(sheet.value(row, 2)) == slugify(self.labels.commitment):
                return row
        return None

    def _labelled(self, sheet: Sheet, top: int) -> dict[str, str]:
        found = {}
        for row in range(1, top):
            found[slugify(sheet.value(row, 1))] = sheet.value(row, 2)
        return found

    def read(self, sheets: list[Sheet], file: str) -> UnitReport:
        sheet = self.sheet(sheets)
        top = self._header_row(sheet)
        labelled = self._labelled(sheet, top)
        name = labelled.get(slugify(self.labels.kommun)) or labelled.get(slugify(self.labels.region)) or ""
        unit = self.by_name.get(slugify(name))
        if unit is None:
            raise Rejected(f"names '{name}', which is no kommun, stadsdel or region of this agreement" if name else
                           f"does not say whose it is (the cell beside '{self.labels.kommun}' is empty)")
        code = labelled.get(slugify(self.labels.code), "")
        if unit.code is not None and code.strip() != unit.code:
            raise Rejected(f"is for {unit.name} but has kommunkod '{code}' instead of {unit.code}")
        period = labelled.get(slugify(self.labels.period), "").strip()
        if period != self.period:
            raise Rejected(f"is for the period '{period}'; this follow-up is {self.period}. "
                           "Ask the sender to fill in this period's workbook")
        columns = {}
        for column in range(1, 60):
            key = self.column_keys.get(slugify(sheet.value(top, column)))
            if key and key not in columns:
                columns[key] = column
        missing = [label for key, label in zip(FILL_KEYS, self.follow.columns) if key not in columns]
        if missing:
            raise Rejected(f"lacks the column(s) {', '.join(missing)}; fill in the workbook without removing columns")
        entries: dict[str, Entry] = {}
        unknown = []
        wanted = set(unit.commitments)
        for row in range(top + 1, sheet.rows() + 1):
            cid = sheet.value(row, columns["id"]).strip()
            if cid not in wanted:
                continue
            values = [sheet.value(row, columns[key]).strip() or None for key in FILL_KEYS]
            if values[0] is not None and values[0] not in self.follow.status_options:
                match = next((o for o in self.follow.status_options if slugify(o) == slugify(values[0])), None)
                if match is None:
                    unknown.append((cid, values[0]))
                values[0] = match
            entries[cid] = Entry(*values)
        if not entries:
            raise Rejected(f"has none of the commitments {unit.name} reports on (column {self.labels.id})")
        return UnitReport(unit, file, labelled.get(slugify(self.labels.filled_by)) or None,
                          labelled.get(slugify(self.labels.date)) or None, entries, unknown)


def read_one(source: Source, reader: WorkbookReader) -> UnitReport:
    package = Package(read_file(source.path), WHAT)
    return reader.read(read_workbook(package), source.name)


def collect(content: Content, paths: list[Path], period: str | None = None) -> FollowUpReport:
    """Read every workbook; a file that cannot be used is listed with the reason and the others
    are compiled. A second workbook of the same unit is not compiled (the first counts): it is
    listed among the rejected, never merged."""
    if content.commitment_tables is None or content.kommuner is None:
        raise UsageProblem(f"the follow-up needs {content.root / 'commitment-tables.yaml'} and "
                           f"{content.root / 'kommuner.yaml'}")
    follow = content.commitment_tables.follow_up
    chosen = check_period(period, follow)
    reader = WorkbookReader(content, chosen)
    reports: list[UnitReport] = []
    rejected: list[tuple[str, str]] = []
    found = sources(paths, SUFFIXES)
    for source in found:
        try:
            report = read_one(source, reader)
        except Rejected as exc:
            rejected.append((source.name, exc.message))
            continue
        earlier = next((r for r in reports if r.unit.key == report.unit.key), None)
        if earlier is not None:
            rejected.append((source.name, f"is a second workbook of {report.unit.name}; the first ({earlier.file}) "
                                          "was compiled. Remove the one that does not count and collect again"))
            continue
        reports.append(report)
    ids = {cid for u in reader.units for cid in u.commitments}
    commitments = [c for c in content.all_commitments() if c.id in ids]
    order = {u.key: i for i, u in enumerate(reader.units)}
    reports.sort(key=lambda r: order[r.unit.key])
    return FollowUpReport(chosen, follow, reader.units, commitments, reports, rejected, len(found))
