"""Target `routines`: for every kommun and stadsdel, every local routine template (Word to
fill in, PDF to read) pre-filled with its parties, and one ZIP with all of them.

Each routine is rendered once (the intermediate is the same for every kommun); a kommun's
copy fills the template's bound fields with its own values. Choosing those values (which
committee, which name) is the rule that lives here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from samverkan.model import LocalUnit, Region, Routine
from samverkan.rules import names
from samverkan.dates import build_timestamp, iso_date
from samverkan.errors import BuildFailed, UsageProblem
from samverkan.model import Content
from samverkan.render import FieldRegistry, FilledDocument, Intermediate, intermediate
from samverkan.writers.bundle import Bundle
from samverkan.targets.base import BuildOptions, Job, Listed, Target

FOLDER = "rutiner"
ROWS_PER_PHASE = 3


def unit_values(unit: LocalUnit, region: Region) -> dict[str, str | None]:
    """The values a kommun's or stadsdel's copy is filled with (None: not known, the field stays
    a visible placeholder)."""
    return {
        "unit_name": unit.name,
        "unit_full_name": unit.full_name,
        "code": unit.code,
        "local_council": unit.local_council,
        "committee_party": unit.committee_party,
        "region_name": region.name,
    }


def find_units(content: Content, queries: list[str]) -> list[LocalUnit]:
    """Kommuner and stadsdelar by name in any case, without diacritics, as slug or kommunkod
    (`Täby`, `taby`, `0160`; the rule is rules/names.py, shared with the site's search). A kommun
    with stadsdelar (Stockholm) gives all of them. An unknown name raises UsageProblem naming the
    closest matches."""
    units = _units(content)
    by_key: dict[str, list[LocalUnit]] = {}
    for unit in units:
        for key in names.unit_keys(unit):
            by_key.setdefault(key, []).append(unit)
    chosen: list[LocalUnit] = []
    unknown = []
    for query in queries:
        found = by_key.get(names.name_key(query))
        if not found:
            unknown.append(query)
            continue
        chosen.extend(u for u in found if u not in chosen)
    if unknown:
        known = sorted({u.name for u in units} | {u.kommun_name for u in units})
        lines = []
        for query in unknown:
            suggestions = names.closest(query, known)
            hint = f"closest: {', '.join(suggestions)}" if suggestions else "see content/kommuner.yaml for the names"
            lines.append(f"unknown kommun or stadsdel '{query}' ({hint})")
        raise UsageProblem("\n".join(lines))
    return chosen


def _units(content: Content) -> list[LocalUnit]:
    if content.kommuner is None:
        raise BuildFailed(f"routines need {content.root / 'kommuner.yaml'}")
    return content.kommuner.units


def filled_values(registry: dict, values: dict[str, str | None]) -> tuple[tuple[str, str], ...]:
    """The fields of a routine template that a unit's values fill (tag, value): in its Word and
    PDF files and on its web page alike."""
    filled = []
    for tag, info in registry.items():
        value = values.get(info["bind"]) if info["bind"] else None
        if value is not None:
            filled.append((tag, value))
    return tuple(filled)


def unit_fill(content: Content, routine: Routine, values: dict[str, str | None]) -> tuple[tuple[str, str], ...]:
    """filled_values of the routine's template for a unit's `values`, once per content: the
    unit's Word and PDF files and its web page fill the same fields (one tuple, so its inputs
    key is hashed once; 290 kommuner × 10 routines had filled each twice)."""
    return content.rendered_once(("fill", routine.id, tuple(values.items())),
                                 lambda: filled_values(routine_intermediate(content, routine)[1], values))


def routine_intermediate(content: Content, routine: Routine) -> tuple[Intermediate, dict]:
    """The routine's template as an intermediate and its fields, rendered once per content."""
    return content.rendered_once(("routine", routine.id), lambda: _render_routine(content, routine))


def _render_routine(content: Content, routine: Routine) -> tuple[Intermediate, dict]:
    fields = FieldRegistry()
    document = intermediate("routine.md.j2", content, routine.title, routine=routine, field=fields,
                            rows_per_phase=ROWS_PER_PHASE)
    return document, fields.registry


def _files(content: Content, unit: LocalUnit) -> tuple[list[tuple[Routine, str, str, dt.datetime]], Listed]:
    """A unit's routine files, (routine, format, path, timestamp) each, and its ZIP: the one rule
    for their names."""
    t = content.routine_texts
    files = []
    for routine in content.routines:
        date = content.documents[routine.document].meta.date
        stem = f"{FOLDER}/{unit.slug}/lokal-rutin-{routine.id}-{unit.slug}-{iso_date(date)}"
        files += [(routine, fmt, f"{stem}.{fmt}", build_timestamp(date)) for fmt in ("docx", "pdf")]
    newest = max(content.documents[r.document].meta.date for r in content.routines)
    bundle = Listed(f"{FOLDER}/{unit.slug}/lokala-rutiner-{unit.slug}-{iso_date(newest)}.zip", "zip",
                         build_timestamp(newest), f"{t.title_prefix}: alla mallar – {unit.name}")
    return files, bundle


def routine_files(content: Content) -> list[Listed]:
    """Every file a full build of the routines makes, without rendering the templates (the site
    lists them; rendering the ten templates cost a build of the site alone a second)."""
    listed = []
    for unit in _units(content):
        files, bundle = _files(content, unit)
        listed += [Listed(path, fmt, timestamp, routine.title) for routine, fmt, path, timestamp in files]
        listed.append(bundle)
    return listed


class RoutinesTarget(Target):
    name = "routines"
    help = "local routine templates for every kommun and stadsdel (Word, PDF, ZIP per kommun)"

    def missing(self, content: Content) -> str | None:
        needed = [name for name, present in (("kommuner.yaml", content.kommuner), ("routines.yaml", content.routines),
                                             ("routine-template.yaml", content.routine_texts)) if not present]
        return f"no {', '.join(needed)} in {content.root}" if needed else None

    def jobs(self, content: Content, options: BuildOptions) -> list[Job]:
        if reason := self.missing(content):
            raise BuildFailed(f"target 'routines': {reason}")
        units = options.get("units") or _units(content)
        region = content.kommuner.region  # type: ignore[union-attr]
        t = content.routine_texts
        # rendered once; every kommun's copy fills the same template
        templates = {routine.id: routine_intermediate(content, routine) for routine in content.routines}
        jobs: list[Job] = []
        for unit in units:
            values = unit_values(unit, region)
            files, bundle = _files(content, unit)
            artifacts: dict[str, FilledDocument] = {}
            for routine, fmt, path, timestamp in files:
                base, _ = templates[routine.id]
                title = f"{t.title_prefix}: {routine.title} – {unit.name}"
                if routine.id not in artifacts:
                    artifacts[routine.id] = FilledDocument(base, unit_fill(content, routine, values), title)
                jobs.append(Job(artifacts[routine.id], fmt, path, "routine", title, timestamp, unit.code))
            jobs.append(Job(Bundle(tuple(path for _, _, path, _ in files)), "zip", bundle.path, "routine-bundle",
                            bundle.title, bundle.timestamp, unit.code))
        return jobs

    def owns(self, entry: dict, options: BuildOptions) -> bool:
        """`samverkan routines Täby` replaces and removes only Täby's files."""
        units = options.get("units")
        return not units or any(entry.get("path", "").startswith(f"{FOLDER}/{unit.slug}/") for unit in units)
