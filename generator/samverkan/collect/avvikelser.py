"""Avvikelse reports read back and compiled: the Word form filled in with Word or LibreOffice
(.docx, .odt) and the site's web form saved as an HTML file, each read through the one
untrusted reader (collect/untrusted.py), checked against the content, with personal data
masked (rules/personaldata.py) before anything reaches the compilation.

A Word form is recognised by its document property `avvikelse-id` (the form and its version)
or by the line that names the form in words; a form of another version, Word or web, is
rejected as a remiss form of another version is (collect/versions.py). Its answers are read by
the visible tables: a question's label on the first line of the left cell, the answer in the
right one. A web form's file
carries its answers in a `<script type="application/json" id="samverkan-avvikelse">` block.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from samverkan.collect.documents import (
    SUFFIXES as DOCUMENT_SUFFIXES, Table, cell_text, filled, read_text_document,
)
from samverkan.collect.untrusted import (
    Package, Rejected, Source, embedded_json, looks_like_html, read_file, sources,
)
from samverkan.collect.versions import FormVersion
from samverkan.content.forms import CHOICES, DATES, QUESTIONS
from samverkan.dates import source_date_epoch
from samverkan.errors import UsageProblem
from samverkan.model import Avvikelser, Content, LocalUnit
from samverkan.rules import names
from samverkan.rules.personaldata import mask
from samverkan.targets.avvikelser import FORM_PROPERTY, choices, form_date, form_words
from samverkan.text import normalise, slugify

WHAT = "avvikelse form (.docx, .odt, or the web form's .html)"
SUFFIXES = DOCUMENT_SUFFIXES + (".html", ".htm")
WEB_MARKER = "samverkan-avvikelse"
COMMITMENT_ID = re.compile(r"\b[A-Za-z]{1,3}-\d+(?:\.\d+)*-\d+\b")
SPLIT = re.compile(r"[;\n]|,(?!\d)")
MAX_ANSWER = 20_000            # characters of one answer (a report is a page or two)


@dataclass(frozen=True)
class Report:
    file: str
    source: str                              # "word" or "web"
    answers: dict[str, str | None]           # every question's answer as written, personal data masked
    unit: str                                # the kommun or stadsdel (as content names it), or as written
    unit_known: bool
    parties: tuple[str, ...]
    target_group: str | None
    kind: str | None
    commitments: tuple[str, ...]             # ids the content has
    unknown_commitments: tuple[str, ...]
    event_date: dt.date | None
    sent: dt.date | None
    reply_date: dt.date | None
    masked: tuple[tuple[str, tuple[str, ...]], ...] = ()    # (question, what replaced its personal data)
    notes: tuple[str, ...] = ()              # what could not be understood (a date, a choice)
    duplicate_of: str | None = None

    @property
    def replied(self) -> bool:
        return bool(self.answers.get("reply") or self.reply_date)


@dataclass
class Compilation:
    avvikelser: Avvikelser
    period: str
    as_of: dt.date                           # replies are counted as overdue up to this day
    reports: list[Report]
    rejected: list[tuple[str, str]]          # (file, why)
    forms: int = 0
    previous: dict[str, dict[str, int]] | None = None    # the year before: dimension → name → count
    previous_file: str | None = None
    as_of_from: str = "--date"               # where as_of came from (counted_to)

    @property
    def duplicates(self) -> list[Report]:
        return [r for r in self.reports if r.duplicate_of]

    def reply_status(self, report: Report) -> str:
        """replied, replied_late, waiting or overdue (keys of the compilation's wording)."""
        days = dt.timedelta(days=self.avvikelser.reply_days)
        if report.replied:
            late = report.sent and report.reply_date and report.reply_date > report.sent + days
            return "replied_late" if late else "replied"
        return "overdue" if report.sent and self.as_of > report.sent + days else "waiting"


class FormReader:
    """Reads the avvikelse forms of one content."""

    def __init__(self, content: Content):
        assert content.avvikelser is not None
        self.content = content
        self.a = content.avvikelser
        t = self.a.texts
        self.labels = {slugify(t.labels[key]): key for key in QUESTIONS}
        self.placeholders = {normalise(t.form.placeholder), normalise(t.form.date_placeholder)}
        self.version = FormVersion("avvikelse form", "an avvikelse form", "avvikelse form (Word or the site's web "
                                   "form)", FORM_PROPERTY, self.a.form_id, form_words(self.a), "avvikelse-",
                                   re.compile(re.escape(normalise(self.a.title)) + r", version [\w.-]*\w"))
        self.choices = {key: {slugify(c): c for c in values} for key, values in choices(self.a).items()}
        self.choices["target_group"].update({slugify(t.id): t.name for t in self.a.target_groups})
        self.ids = {c.id.casefold(): c.id for c in content.all_commitments()}
        self.units: dict[str, list[LocalUnit]] = {}
        for unit in (content.kommuner.units if content.kommuner else []):
            for key in names.unit_keys(unit):
                self.units.setdefault(key, []).append(unit)

    # --- the two kinds of file -------------------------------------------------------------

    def read(self, source: Source) -> Report:
        data = read_file(source.path)
        if looks_like_html(data):
            return self.web(data, source.name)
        return self.word(Package(data, WHAT), source.name)

    def word(self, package: Package, file: str) -> Report:
        document = read_text_document(package)
        self.version.identify(document)
        answers: dict[str, str | None] = {}
        for block in document.blocks:
            if not isinstance(block, Table):
                continue
            for row in block.rows:
                if len(row) < 2:
                    continue
                key = self.labels.get(slugify(row[0].split("\n")[0]))
                if key and key not in answers:
                    answers[key] = filled(row[1], self.placeholders)
        if not answers:
            raise Rejected("has none of the avvikelse form's questions; fill in the form without changing its tables")
        return self.report(answers, file, "word")

    def web(self, data: bytes, file: str) -> Report:
        value = embedded_json(data, WEB_MARKER, "avvikelse report")
        form = value.get("form")
        if not isinstance(form, str) or not form.startswith(self.version.family):
            raise Rejected(f"is not an avvikelse report saved by the site's form (it says it is '{form}')")
        self.version.check(normalise(form))
        given = value.get("answers")
        if not isinstance(given, dict):
            raise Rejected("is damaged: it holds no answers")
        answers = {}
        for key in QUESTIONS:
            item = given.get(key)
            if isinstance(item, list):
                item = "; ".join(x for x in item if isinstance(x, str))
            answers[key] = (cell_text(item) or None) if isinstance(item, str) else None
        return self.report(answers, file, "web")

    # --- what the answers mean ---------------------------------------------------------------

    def report(self, answers: dict[str, str | None], file: str, source: str) -> Report:
        if any(len(v) > MAX_ANSWER for v in answers.values() if v):
            raise Rejected(f"has an answer longer than {MAX_ANSWER} characters; shorten it")
        if not any(answers.get(key) for key in ("what", "kind", "done")):
            raise Rejected("is empty: it does not say what happened")
        t = self.a.texts
        notes: list[str] = []
        masked: list[tuple[str, tuple[str, ...]]] = []
        clean: dict[str, str | None] = {}
        for key in QUESTIONS:
            value = answers.get(key)
            if value and key not in DATES:
                value, kinds = mask(value, dict(t.masked))
                if kinds:
                    masked.append((t.labels[key], tuple(t.masked[k] for k in kinds)))
            clean[key] = value
        dates = {}
        for key in DATES:
            dates[key] = None
            if clean[key]:
                try:
                    dates[key] = dt.date.fromisoformat(clean[key].strip())
                except ValueError:
                    notes.append(f"{t.labels[key]}: '{clean[key]}'")
        unit, unit_known = self.unit(clean.get("unit"))
        picked = {key: self.pick(key, clean.get(key), key == "parties", notes) for key in CHOICES}
        typed = COMMITMENT_ID.findall(clean.get("commitments") or "")
        known = tuple(dict.fromkeys(self.ids[c.casefold()] for c in typed if c.casefold() in self.ids))
        unknown = tuple(dict.fromkeys(c for c in typed if c.casefold() not in self.ids))
        return Report(file, source, clean, unit, unit_known, tuple(picked["parties"]),
                      (picked["target_group"] or [None])[0], (picked["kind"] or [None])[0], known, unknown,
                      dates["event_date"], dates["sent"], dates["reply_date"], tuple(masked), tuple(notes))

    def unit(self, typed: str | None) -> tuple[str, bool]:
        """The kommun or stadsdel a report names, as the content names it: a stadsdel by its
        name, a kommun by its name (rules/names.py, as `samverkan routines`)."""
        if not typed:
            return self.a.texts.compilation.not_given, False
        found = self.units.get(names.name_key(typed), [])
        if len(found) == 1:
            unit = found[0]
            return (unit.kommun_name if unit.name == unit.kommun_name else f"{unit.kommun_name}: {unit.name}"), True
        if found and len({u.kommun_name for u in found}) == 1:
            return found[0].kommun_name, True
        return typed, False

    def pick(self, key: str, typed: str | None, several: bool, notes: list[str]) -> list[str]:
        """The choices a typed answer names (case, accents and punctuation do not matter); a
        part that names none is kept as written and noted."""
        if not typed:
            return []
        parts = [p.strip() for p in SPLIT.split(typed) if p.strip()] if several else [typed.strip()]
        known = self.choices[key]
        out = []
        for part in parts:
            choice = known.get(slugify(part))
            if choice is None:
                notes.append(f"{self.a.texts.labels[key]}: '{part}'")
                choice = part
            out.append(choice)
        return list(dict.fromkeys(out))


def in_period(report: Report, period: str) -> bool:
    day = report.sent or report.event_date
    return day is None or str(day.year) == period[:4]


def counted_to(reports: list[Report], period: str | None) -> tuple[dt.date | None, str]:
    """The day the compilation counts overdue replies up to when --date is not given, and where
    it came from: SOURCE_DATE_EPOCH's day where set (as every build takes its timestamp,
    dates.py), else the newest date the reports of the period carry (sent, reply or event), so
    that the same reports give the same compilation on any day it is run."""
    stamp = source_date_epoch()
    if stamp is not None:
        return stamp.date(), "SOURCE_DATE_EPOCH"
    days = [day for r in reports if period is None or in_period(r, period)
            for day in (r.sent, r.reply_date, r.event_date) if day]
    return (max(days), "reports") if days else (None, "")


def collect(content: Content, paths: list[Path], period: str | None = None, as_of: dt.date | None = None,
            previous: Path | None = None) -> Compilation:
    """Read every report; a file that cannot be used is listed with the reason, and the others
    are compiled. A second copy of the same report (same unit, dates and text) is compiled and
    marked, never merged. Without `as_of` the day is the one `counted_to` gives (the form's
    date when no report carries a date)."""
    if content.avvikelser is None:
        raise UsageProblem(f"the avvikelse compilation needs {content.root / 'avvikelser.yaml'}")
    reader = FormReader(content)
    read: list[Report] = []
    rejected: list[tuple[str, str]] = []
    found = sources(paths, SUFFIXES)
    for source in found:
        try:
            read.append(reader.read(source))
        except Rejected as exc:
            rejected.append((source.name, exc.message))
    origin = "--date"
    if as_of is None:
        as_of, origin = counted_to(read, period)
    if as_of is None:
        as_of, origin = form_date(content), "form"
    chosen = period or str(as_of.year)
    reports: list[Report] = []
    for report in read:
        if not in_period(report, chosen):
            day = report.sent or report.event_date
            rejected.append((report.file, f"is from {day.year if day else '?'}; this compilation is {chosen}. "
                                          "Collect it with that year's reports (--period)"))
            continue
        key = (report.unit, report.event_date, report.sent, slugify(report.answers.get("what") or ""))
        earlier = next((r for r in reports if (r.unit, r.event_date, r.sent, slugify(r.answers.get("what") or ""))
                        == key), None)
        if earlier is not None:
            report = replace(report, duplicate_of=earlier.file)
        reports.append(report)
    order = {source.name: number for number, source in enumerate(found)}
    rejected.sort(key=lambda item: order.get(item[0], len(order)))
    compilation = Compilation(content.avvikelser, chosen, as_of, reports, rejected, len(found), as_of_from=origin)
    if previous is not None:
        compilation.previous, compilation.previous_file = read_previous(content, previous), previous.name
    return compilation


def read_previous(content: Content, path: Path) -> dict[str, dict[str, int]]:
    """The counts of the year before, from its compilation's workbook (.xlsx): per dimension
    (unit, party, target_group, kind, commitment) the number of reports."""
    from samverkan.collect.sheets import read_workbook
    from samverkan.targets.avvikelser import RECORD_COLUMNS

    try:
        sheets = read_workbook(Package(read_file(path), "compilation workbook (.xlsx)"))
    except Rejected as exc:
        raise UsageProblem(f"{path.name}: the previous compilation {exc.message}") from exc
    t = content.avvikelser.texts        # type: ignore[union-attr]
    labels = {column.label: column.key for column in RECORD_COLUMNS(t)}
    for sheet in sheets:
        header = {sheet.value(1, column): column for column in range(1, 40)}
        if all(label in header for label in labels):
            counts: dict[str, dict[str, int]] = {}
            for row in range(2, sheet.rows() + 1):
                values = {key: sheet.value(row, header[label]).lstrip("'") for label, key in labels.items()}
                if not values["file"]:
                    continue
                for key in ("unit", "target_group", "kind"):
                    if values[key]:
                        counts.setdefault(key, {}).setdefault(values[key], 0)
                        counts[key][values[key]] += 1
                for key in ("parties", "commitments"):
                    for item in filter(None, (v.strip() for v in values[key].split(";"))):
                        counts.setdefault(key, {}).setdefault(item, 0)
                        counts[key][item] += 1
            return counts
    raise UsageProblem(f"{path.name} is not a compilation of avvikelser: no sheet has the columns "
                       f"{', '.join(labels)}")
