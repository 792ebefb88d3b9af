"""Target `site`: a download site in site/ that the secretariat uploads as it is.

    site/index.html                     what the agreement is, the documents in every format
    site/<document file stem>.html      each agreement as HTML, from the same intermediate as
                                        Word and PDF; every section, paragraph (#3.1:4) and
                                        commitment (#A-3.1-2) an anchor
    site/ataganden.html                 the commitments, filterable by party and target group
    site/kommuner/index.html            the kommuner and stadsdelar, with a search field
    site/kommuner/<slug>.html           a kommun's or stadsdel's parties and routine templates
    site/remiss.html                    the remiss, when one is built
    site/tillganglighetsredogorelse.html  the accessibility statement, linked from every page's footer
    site/filer/<path>                   every file of the manifest, at its path in the output
    site/assets/site.css, site.js

The site reads what the other targets made through the manifest (Target.reads_output): the
build runs it after them and passes the manifest's entries as they will be after the build. It
carries the files it offers (`Linked`: hard links where the file system allows, else copies,
checked against the manifest's sha256), so that every link stays inside site/ and the folder
can be uploaded alone. Which file belongs where is asked of the targets that make them (their
jobs' paths), never guessed from file names. Links are relative (writers/html.py), so the site
works from file://, from any folder of a web server and offline.

The rules (what is offered where) are here; the wording is content/site.yaml; how it looks is
templates/site/.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from samverkan.dates import build_timestamp, iso_date
from samverkan.errors import BuildFailed
from samverkan.model import Content, LocalUnit
from samverkan.remiss import edition, remiss_words
from samverkan.render import ref_anchor, status_facts
from samverkan.rules import names
from samverkan.rules.grouping import listed_party
from samverkan.imports import REVIEW_KIND
from samverkan.targets.avvikelser import private_kinds
from samverkan.targets import webforms
from samverkan.targets.base import BuildOptions, Job, Linked, Listed, Shared, Target
from samverkan.targets.commitments import CommitmentsTarget
from samverkan.targets.documents import AgreementTarget, DocumentTarget, SupplementTarget
from samverkan.targets.followup import FollowUpTarget
from samverkan.targets.remiss import RemissTarget
from samverkan.targets import statement
from samverkan.rules.records import FILL_KEYS, follow_up_columns, send_line
from samverkan.targets.routines import (
    FOLDER as ROUTINES, RoutinesTarget, routine_files, routine_intermediate, unit_fill, unit_values,
)
from samverkan.text import slugify
from samverkan.writers.html import HtmlPage, HtmlSource, StaticFile


def _labels(labels: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """A page's labels as its HtmlPage and HtmlSource hold them (pages with equal labels share
    their document's conversion)."""
    return tuple(sorted(labels.items()))


def _sentence(lines: list[str]) -> str:
    """A title page's lines as running text: "Utkast"; "Antagen 2017. Redaktionell utgåva; inget nytt beslut." """
    return lines[0] if len(lines) == 1 else ". ".join(line.rstrip(".") for line in lines) + "."


FOLDER = "site"
FILES = "filer"
START = "index.html"
COMMITMENTS = "ataganden.html"
COMMITMENT_FILTERS = "ataganden"
KOMMUNER = "kommuner"
REMISS = "remiss.html"
ASSETS = (("site/site.css", "assets/site.css", "css"), ("site/site.js", "assets/site.js", "js"))
DOCUMENT_TARGETS: tuple[type[DocumentTarget], ...] = (AgreementTarget, SupplementTarget)
REMISS_KINDS = ("remiss-edition", "remiss-missiv", "remiss-form")
MANIFEST_KEYS = ("path", "kind", "format", "title", "sha256", "bytes")


@dataclass(frozen=True)
class Download:
    """A file the site offers: where it is in the site, and what a visitor needs to choose it."""

    href: str          # relative to the site's root ("filer/…")
    format: str        # docx, pdf, …
    label: str         # how the format is called ("Word")
    size: int          # bytes
    date: str          # YYYY-MM-DD, or "" where the site cannot know it (files it did not place)
    title: str
    name: str          # the file's name


class Offer:
    """The manifest's files (outside site/) and which of them the pages have placed: those no
    page places are listed on the start page, so every file is linked from the site."""

    def __init__(self, entries: Iterable[dict], formats: dict[str, str], private: tuple[str, ...] = ()):
        self.entries: dict[str, dict] = {}
        for entry in entries:
            if not isinstance(entry, dict) or any(key not in entry for key in MANIFEST_KEYS):
                raise BuildFailed(f"manifest.json has an entry without {', '.join(MANIFEST_KEYS)}: {entry!r}; "
                                  "build the documents again")
            if not entry["path"].startswith(f"{FOLDER}/") and entry["kind"] not in private:   # private: never offered
                self.entries[entry["path"]] = entry
        self.formats = formats
        self.placed: set[str] = set()

    def download(self, path: str, date: str = "") -> Download | None:
        """The file at `path` of the output, if the manifest has it (None: not built)."""
        entry = self.entries.get(path)
        if entry is None:
            return None
        self.placed.add(path)
        return Download(f"{FILES}/{path}", entry["format"], self.formats.get(entry["format"], entry["format"].upper()),
                        entry["bytes"], date, entry["title"], path.rsplit("/", 1)[-1])

    def of_jobs(self, jobs: Iterable[Job | Listed]) -> list[Download]:
        return [d for job in jobs if (d := self.download(job.path, iso_date(job.timestamp.date())))]

    def of_kinds(self, kinds: Sequence[str]) -> list[Download]:
        return [d for path, entry in self.entries.items() if entry["kind"] in kinds and (d := self.download(path))]

    def rest(self) -> list[Download]:
        return [d for path in list(self.entries) if path not in self.placed and (d := self.download(path))]

    def files(self, timestamp: dt.datetime) -> list[Job]:
        """Every file, carried by the site at filer/<its path>."""
        return [Job(Linked(path, entry["sha256"]), entry["format"], f"{FOLDER}/{FILES}/{path}", "site-file",
                    entry["title"], timestamp, entry.get("kommun")) for path, entry in self.entries.items()]


def commitments_page(party: str | None, topic: str | None) -> str:
    """The page of the commitments of a party and/or a target group (None: all)."""
    if party is None and topic is None:
        return COMMITMENTS
    parts = ([f"part-{party}"] if party else []) + ([f"malgrupp-{topic}"] if topic else [])
    return f"{COMMITMENT_FILTERS}/{'_'.join(parts)}.html"


@dataclass(frozen=True)
class Place:
    """A kommun (with or without stadsdelar) or a stadsdel, as the site lists it."""

    label: str
    href: str
    code: str
    units: tuple["Place", ...] = ()


class SiteTarget(Target):
    name = "site"
    help = "a download site in site/: the agreements as HTML, the commitments, every kommun's templates"
    reads_output = True

    def missing(self, content: Content) -> str | None:
        if content.site is None:
            return f"no {content.root / 'site.yaml'} (the site's wording)"
        if content.accessibility is None:
            return f"no {content.root / 'accessibility.yaml'} (the accessibility statement a public website must have)"
        return None

    def jobs(self, content: Content, options: BuildOptions) -> list[Job]:
        if reason := self.missing(content):
            raise BuildFailed(f"target 'site': {reason}")
        return Site(content, options).jobs()

    def shared_documents(self, content: Content, options: BuildOptions) -> list[Shared]:
        return [] if self.missing(content) else Site(content, options).shared_documents()


def pages(content: Content, options: BuildOptions, paths: Iterable[str]) -> list[Job]:
    """Some pages of the site only (`paths`: under site/, e.g. "site/index.html"), as the whole
    site would make them: `samverkan serve` shows the pages open in a browser before the build."""
    wanted = {path[len(FOLDER) + 1:] for path in paths if path.startswith(f"{FOLDER}/")}
    return [job for job in Site(content, options, wanted).jobs() if job.path[len(FOLDER) + 1:] in wanted]


class Site:
    """The pages of one build of the site (`wanted`: only these paths under site/ are made into
    pages; what every page shows, the navigation and the kommun search, is still gathered)."""

    def __init__(self, content: Content, options: BuildOptions, wanted: set[str] | None = None):
        self.content = content
        self.options = options
        self.wanted = wanted
        self.t = content.site
        self.offer = Offer(options.get("manifest") or [], dict(self.t.formats),   # type: ignore[union-attr]
                           private_kinds(content) + (REVIEW_KIND,))
        dates = [d.meta.date for d in content.documents.values()]
        self.timestamp = build_timestamp(max(dates))
        self.pages: list[Job] = []
        self.shared: dict[str, Any] = {}    # what every page shows: the navigation, the kommun search
        self.workbooks: dict[str, Job] = {}  # each unit's follow-up workbook, by its slug (kommuner())

    # --- what the site has -----------------------------------------------------------------

    def jobs(self) -> list[Job]:
        documents = [self.document(target) for target in DOCUMENT_TARGETS if not target().missing(self.content)]
        commitments = self.commitments(documents) if self.content.all_commitments() else None
        places = self.kommuner() if not RoutinesTarget().missing(self.content) else None
        remiss = self.remiss(documents)
        avvikelse = webforms.avvikelse_page(self)
        nav = [(START, self.t.navigation.home)] + ([(COMMITMENTS, self.t.navigation.commitments)] if commitments else []) \
            + ([(f"{KOMMUNER}/{START}", self.t.navigation.kommuner)] if places is not None else []) \
            + ([(REMISS, self.t.navigation.remiss)] if remiss else [])
        self.page("site/start.html.j2", START, documents=documents, commitments=commitments, remiss=remiss,
                  avvikelse=avvikelse,
                  kommuner=places is not None, others=self.offer.rest())
        self.shared["nav"] = [{"href": href, "label": label} for href, label in nav]
        self.shared["footer"] = statement.footer(self.content.accessibility)      # type: ignore[arg-type]
        about = statement.page(self.content.accessibility, self.t.title)          # type: ignore[arg-type]
        self.page("site/accessibility.html.j2", statement.PAGE, title=about["title"], statement=about)
        self.shared["search"] = self.search_index(places) if places else None
        assets = [Job(StaticFile(name, self.content.templates), fmt, f"{FOLDER}/{path}", "site", path, self.timestamp)
                  for name, path, fmt in ASSETS]
        return self.pages + assets + self.offer.files(self.timestamp)

    def shared_documents(self) -> list[Shared]:
        """The documents the pages show (`document`, `routine_page`), as their pages will share
        them: known without the manifest, before the other targets' files are made."""
        documents = [(target().intermediate(self.content), self.document_labels())
                     for target in DOCUMENT_TARGETS if not target().missing(self.content)]
        if not RoutinesTarget().missing(self.content):
            documents += [(routine_intermediate(self.content, routine)[0], self.note_labels())
                          for routine in self.content.routines]
        return [Shared("html", HtmlSource(document, _labels(labels)), self.timestamp) for document, labels in documents]

    def document_labels(self) -> dict[str, str]:
        """The words pandoc's part of an agreement's page needs."""
        return dict(self.note_labels(), **{"ref-paragraph": self.t.document.paragraph_ref,
                                              "ref-commitment": self.t.document.commitment_ref})

    def note_labels(self) -> dict[str, str]:
        """The words of a page's footnotes (all pandoc's part of a routine template's page needs)."""
        return {"notes-title": self.t.document.notes, "notes-back": self.t.document.note_back}

    def page(self, template: str, path: str, document=None, labels: dict[str, str] | None = None,
             fill: tuple = (), **context: Any) -> None:
        if not self.wants(path):
            return
        title = context.get("title") or self.t.title
        artifact = HtmlPage(template, path, dict(context, t=self.t, site=self.shared), self.content.templates, document,
                            _labels(labels or {}), fill)
        self.pages.append(Job(artifact, "html", f"{FOLDER}/{path}", "site", title, self.timestamp))

    # --- the pages -----------------------------------------------------------------------------

    def document(self, target: type[DocumentTarget]) -> dict:
        """An agreement's page, from the same intermediate as its Word and PDF files."""
        maker = target()
        doc = maker.document(self.content)
        path = f"{doc.meta.file_stem}.html"
        facts = {"title": doc.meta.title, "subtitle": doc.meta.subtitle, "short_title": doc.meta.short_title,
                 "version": doc.meta.version, "status": _sentence(status_facts(doc.meta)),
                 "date": iso_date(doc.meta.date), "diarienummer": doc.meta.diarienummer,
                 "parties": list(doc.meta.parties), "href": path,
                 "downloads": self.offer.of_jobs(maker.files(self.content, self.options)), "key": doc.key}
        if self.wants(path):
            self.page("site/document.html.j2", path, document=maker.intermediate(self.content), title=doc.meta.title,
                      facts=facts, labels=self.document_labels())
        return facts

    def commitments(self, documents: list[dict]) -> dict:
        """The commitments: a page for every party and target group, and every pair of them
        that has commitments (a filter that needs no script, and a link for each choice)."""
        pages = {d["key"]: d["href"] for d in documents}
        rows = []
        for c in self.content.all_commitments():
            doc = self.content.documents[c.document]
            page = pages.get(c.document)
            party = listed_party(self.content, c)
            rows.append({"id": c.id, "anchor": ref_anchor(c.id), "text": c.full_text, "party": party.name,
                         "parties": (party.id,), "topic": c.topic.id,
                         "topic_name": c.topic.name, "source": f"{doc.meta.short_title}, {c.section}",
                         "draft": status_facts(doc.meta)[0] if doc.meta.draft else None,
                         "href": f"{page}#{ref_anchor(c.id)}" if page else None})
        parties = [{"id": p.id, "name": p.name} for p in self.content.parties.values()
                   if any(p.id in row["parties"] for row in rows)]
        topics = [{"id": t.id, "name": t.name} for t in self.content.topics.values()
                  if any(t.id == row["topic"] for row in rows)]

        def chosen(party: str | None, topic: str | None) -> list[dict]:
            return [r for r in rows if (party is None or party in r["parties"]) and (topic is None or r["topic"] == topic)]

        def choice(party: str | None, topic: str | None) -> dict:
            return {"href": commitments_page(party, topic), "count": len(chosen(party, topic))}

        maker = CommitmentsTarget()
        downloads = [] if maker.missing(self.content) else self.offer.of_jobs(maker.files(self.content, self.options))
        for party in [None] + [p["id"] for p in parties]:
            for topic in [None] + [t["id"] for t in topics]:
                shown = chosen(party, topic)
                if not shown and (party, topic) != (None, None):
                    continue
                filters = {"party": party, "topic": topic,
                           "parties": [dict(p, **choice(p["id"], topic)) for p in parties],
                           "topics": [dict(t, **choice(party, t["id"])) for t in topics],
                           "all_parties": choice(None, topic), "all_topics": choice(party, None)}
                names = [p["name"] for p in parties if p["id"] == party] + [t["name"] for t in topics if t["id"] == topic]
                title = " – ".join([self.t.commitments.title] + names)
                self.page("site/commitments.html.j2", commitments_page(party, topic), title=title, rows=shown,
                          total=len(rows), filters=filters, downloads=downloads if (party, topic) == (None, None) else [])
        return {"href": COMMITMENTS, "downloads": downloads}

    def kommuner(self) -> list[Place]:
        """A page per kommun and stadsdel, and the index; returns the index's places."""
        region = self.content.kommuner.region           # type: ignore[union-attr]
        jobs: dict[str, list[Listed]] = {}              # each unit's files, by their folder (rutiner/<slug>)
        for file in routine_files(self.content):
            jobs.setdefault(file.path.rsplit("/", 1)[0], []).append(file)
        followup = FollowUpTarget()
        self.workbooks = followup.workbooks(self.content, self.options) if not followup.missing(self.content) else {}
        groups: dict[str, list[LocalUnit]] = {}
        for unit in self.content.kommuner.units:        # type: ignore[union-attr]
            groups.setdefault(unit.kommun_name, []).append(unit)
        places = []
        for kommun, units in groups.items():
            if len(units) == 1 and units[0].name == kommun:
                places.append(self.kommun_page(units[0], jobs, region))
                continue
            first = units[0]
            path = f"{KOMMUNER}/{slugify(kommun)}.html"
            stadsdelar = tuple(self.kommun_page(unit, jobs, region) for unit in units)
            place = Place(kommun, path, first.code, stadsdelar)
            self.page("site/kommun-units.html.j2", path, title=first.organisation, place=place,
                      organisation=first.organisation)
            places.append(place)
        self._check_unique([p.href for p in places] + [u.href for p in places for u in p.units])
        self.page("site/kommuner.html.j2", f"{KOMMUNER}/{START}", title=self.t.kommuner.title, places=places)
        return places

    def kommun_page(self, unit: LocalUnit, jobs: dict[str, list[Listed]], region) -> Place:
        """`jobs`: the routine files by folder (a unit's own looked up, not searched among all:
        290 kommuner × 6380 files had cost 0.9 s)."""
        mine = jobs.get(f"{ROUTINES}/{unit.slug}", [])
        templates: dict[str, dict] = {}
        routines = {r.title: r for r in self.content.routines}
        bundle = None
        for job in mine:
            download = self.offer.download(job.path, iso_date(job.timestamp.date()))
            if job.format == "zip":
                bundle = download
                continue
            stem = job.path.rsplit(".", 1)[0]
            routine = routines[job.title]
            meta = self.content.documents[routine.document].meta
            row = templates.setdefault(stem, {"title": routine.title, "docx": None, "pdf": None,
                                              "draft": status_facts(meta)[0] if meta.draft else None,
                                              "avvikelse": None})
            row[job.format] = download
            row["routine"] = routine
        values = unit_values(unit, region)
        avvikelse = webforms.avvikelse_link(self.content, unit)
        beside = next((r for r in templates.values() if avvikelse and r["routine"].id == avvikelse["routine"]), None)
        if beside is not None:      # the form's link sits in its routine's row; else in a section of its own
            beside["avvikelse"], avvikelse = avvikelse, None
        path = f"{KOMMUNER}/{unit.slug}.html"
        for row in templates.values():
            row["href"] = self.routine_page(unit, row.pop("routine"), row, values, path)
        self.page("site/kommun.html.j2", path, title=unit.full_name, unit={
            "name": unit.name, "full_name": unit.full_name, "code": unit.code, "kommun": unit.kommun_name,
            "committee_party": values["committee_party"], "local_council": values["local_council"],
            "region": values["region_name"], "region_units": list(region.units),
            "stadsdel": unit.name != unit.kommun_name,
            "kommun_href": f"{KOMMUNER}/{slugify(unit.kommun_name)}.html" if unit.name != unit.kommun_name else None,
        }, templates=list(templates.values()), bundle=bundle, followup=self.workbook(unit),
           followup_form=self.workbook_form(),
           avvikelse=avvikelse)
        return Place(unit.name, path, unit.code)

    def routine_page(self, unit: LocalUnit, routine, row: dict, values: dict, kommun_href: str) -> str:
        """A routine template as a page of its own: the same intermediate as its Word and PDF
        files, with the unit's values in its fields and the other fields shown as what to fill in."""
        path = f"{KOMMUNER}/{unit.slug}/{routine.id}.html"
        if not self.wants(path):
            return path                     # not rendered: the routine's template is the page's costly part
        base, _ = routine_intermediate(self.content, routine)
        title = f"{self.content.routine_texts.title_prefix}: {routine.title} – {unit.name}"   # type: ignore[union-attr]
        self.page("site/routine.html.j2", path, document=base, title=title, routine=dict(row, unit=unit.full_name,
                  kommun_href=kommun_href), labels=self.note_labels(), fill=unit_fill(self.content, routine, values))
        return path

    def workbook_form(self) -> dict | None:
        """What the follow-up workbook holds, for its description on every kommun's page."""
        tables = self.content.commitment_tables
        if tables is None or not self.workbooks:
            return None
        follow = tables.follow_up
        columns = follow_up_columns(follow)
        return {"given": [c.label for c in columns if c.key not in FILL_KEYS],
                "to_fill": [c.label for c in columns if c.key in FILL_KEYS],
                "status_options": list(follow.status_options), "instructions": list(follow.instructions),
                "send": send_line(follow)}

    def workbook(self, unit: LocalUnit) -> Download | None:
        """The unit's follow-up workbook, where it is built."""
        job = self.workbooks.get(unit.slug)
        return self.offer.download(job.path, iso_date(job.timestamp.date())) if job else None

    def remiss(self, documents: list[dict]) -> dict | None:
        """The remiss page, when the remiss of this content (and the given --deadline) is built."""
        deadline = self.options.get("deadline")
        if deadline is None:      # the remiss built before: its deadline is in the manifest
            deadlines = sorted({e.get("facts", {}).get("deadline") for e in self.offer.entries.values()
                                if e["kind"] in REMISS_KINDS} - {None})
            if not deadlines:
                return None
            deadline = dt.date.fromisoformat(deadlines[-1])
        if self.content.remiss is None:
            return None
        jobs = RemissTarget().jobs(self.content, BuildOptions(dict(self.options.values, deadline=deadline)))
        if not all(job.path in self.offer.entries for job in jobs):
            return None
        round_ = edition(self.content, deadline)
        spec = self.content.remiss
        by_kind: dict[str, dict[str, list[Job]]] = {}          # kind → title → jobs
        for job in jobs:
            by_kind.setdefault(job.kind, {}).setdefault(job.title, []).append(job)
        editions = [{"title": title, "downloads": self.offer.of_jobs(files)}
                    for title, files in by_kind["remiss-edition"].items()]
        flat = {kind: [j for files in titles.values() for j in files] for kind, titles in by_kind.items()}
        remiss = {"href": REMISS, "title": spec.title, "date": iso_date(round_.date), "deadline": iso_date(deadline),
                  "deadline_label": spec.texts.form.deadline_label,
                  "editions": editions, "missiv": self.offer.of_jobs(flat["remiss-missiv"]),
                  "form": self.offer.of_jobs(flat["remiss-form"]),
                  "compilation": self.offer.of_kinds(("remiss-compilation",)),
                  "groups": [{"name": g.name, "members": list(g.members)} for g in spec.groups],
                  "contact": {"name": spec.contact.name, "organisation": spec.contact.organisation,
                              "email": spec.contact.email, "phone": spec.contact.phone}}
        remiss["web_form"] = webforms.remiss_answer_page(self, round_, remiss_words(round_), flat["remiss-form"])
        self.page("site/remiss.html.j2", REMISS, title=spec.title, remiss=remiss)
        return remiss

    # --- helpers -----------------------------------------------------------------------------

    def wants(self, path: str) -> bool:
        """Whether the page at `path` (under site/) is made in this build of the site."""
        return self.wanted is None or path in self.wanted

    def search_index(self, places: list[Place]) -> dict:
        """The kommun search's index: every kommun page and stadsdel page, with the keys of
        rules/names.py (the same as `samverkan routines KOMMUN`)."""
        units = {f"{KOMMUNER}/{u.slug}.html": u for u in self.content.kommuner.units}   # type: ignore[union-attr]
        entries = []
        for place in places:
            if place.units:
                first = units[place.units[0].href]
                entries.append(names.Entry(first.organisation, place.href, names.keys(names.kommun_names(first)),
                                           names.keys([first.kommun_name])))
            for page in place.units or (place,):
                unit = units[page.href]
                label = unit.full_name
                entries.append(names.Entry(label, page.href, names.unit_keys(unit),
                                           names.keys([unit.name, unit.kommun_name])))
        return names.search_index(entries)

    @staticmethod
    def _check_unique(paths: list[str]) -> None:
        twice = sorted({p for p in paths if paths.count(p) > 1})
        if twice:
            raise BuildFailed(f"two kommuner or stadsdelar would have the same page: {', '.join(twice)}; "
                              "make their names in kommuner.yaml differ")

