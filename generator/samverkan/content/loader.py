"""Load `content/` into the model, validating everything and collecting every problem.

Like MkDocs' config loading: nothing stops at the first problem; all are collected with
file and line, then `load_content` raises one `ContentInvalid` listing them all.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any, Callable

from samverkan.content import accessibility, catalogues, forms
from samverkan.errors import Location, Problems
from samverkan.project import Templates
from samverkan.model import (
    STATUSES, Commitment, Revision, CommitmentSummary, CommitmentsHere, Content, Document, Metadata,
    NoteRef, Paragraph, Party, Section, Table, TableRef, Topic, walk_blocks,
)
from samverkan.content.prose import parse_prose
from samverkan.text import normalise
from samverkan.content.fields import (
    ID_PATTERN, SLUG_PATTERN, VERSION_MAX, VERSION_PATTERN, Fields, as_list, check_file_part, item_texts, suggest,
)
from samverkan.content.glyphs import check_glyphs
from samverkan.content.overrides import check_overrides
from samverkan.content.source import outside
from samverkan.content.yamlfile import Node, NodeList, load_yaml

DOCUMENT_FILE = "document.yaml"
DOCUMENT_KINDS = ("agreement", "supplement")


def _parse_date(text: str | None, problems: Problems, location: Location, field: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        problems.add(location, f"'{field}' must be a date written YYYY-MM-DD, not '{text}'",
                     "write e.g. 2026-11-24")
        return None


class Unreadable(dict):
    """A registry whose file could not be read: references to it are not reported again."""


def _load_registry(path: Path, what: str, problems: Problems, make: Callable[[Fields, str], Any]) -> dict[str, Any]:
    data = load_yaml(path, problems)
    if data is None:
        return Unreadable()
    if not isinstance(data, NodeList):
        problems.mark_broken(path)
    items = as_list(data, problems, Location(path, 1), path.name)
    result: dict[str, Any] = {}
    for index, node in enumerate(items):
        fields = Fields(node, f"{what} #{index + 1}", problems, items.loc(index))
        ident = fields.get("id")
        if ident is None:
            continue
        if not SLUG_PATTERN.match(ident):
            problems.add(fields.loc("id"), f"{what} id '{ident}' may only use a–z, 0–9 and '-'",
                         "write it in lower case without spaces, e.g. 'regionala-samradet'")
        if ident in result:
            problems.add(fields.loc("id"), f"duplicate {what} id '{ident}'", "give every entry its own id")
            continue
        item = make(fields, ident)
        fields.finish()
        if item is not None:
            result[ident] = item
        else:
            problems.mark_broken((what, ident))
    return result


def _load_parties(root: Path, problems: Problems) -> dict[str, Party]:
    def make(f: Fields, ident: str) -> Party | None:
        name, lead, within = f.get("name"), f.get("lead"), f.get("within", required=False)
        if name is None or lead is None:
            return None
        return Party(ident, name, lead, f.loc(), within)

    parties = _load_registry(root / "parties.yaml", "party", problems, make)
    for party in parties.values():
        if party.within is not None:
            parent = parties.get(party.within)
            if parent is None:
                problems.add(party.loc, f"party '{party.id}' is within unknown party '{party.within}'",
                             suggest(party.within, parties), after={("party", party.within)})
            elif parent.within is not None:
                problems.add(party.loc, f"party '{party.id}' is within '{parent.id}', which is itself within "
                                        f"another party", "name the top-level party in 'within'")
    return parties


def _load_topics(root: Path, problems: Problems) -> dict[str, Topic]:
    def make(f: Fields, ident: str) -> Topic | None:
        name = f.get("name")
        return Topic(ident, name, f.loc()) if name else None

    return _load_registry(root / "topics.yaml", "topic", problems, make)


def _load_metadata(folder: Path, node: Node, problems: Problems) -> tuple[Metadata | None, dict[str, Any]]:
    f = Fields(node, DOCUMENT_FILE, problems, Location(folder / DOCUMENT_FILE, 1))
    extra: dict[str, Any] = {}
    extra["kind"] = f.get("kind")
    if extra["kind"] is not None and extra["kind"] not in DOCUMENT_KINDS:
        problems.add(f.loc("kind"), f"unknown document kind '{extra['kind']}'", suggest(extra["kind"], DOCUMENT_KINDS))
    extra["id_prefix"] = f.get("id_prefix")
    extra["relates_to"] = f.get("relates_to", required=False)
    extra["sections"] = f.get("sections", list, default=[])
    extra["sections_loc"] = f.loc("sections")
    status = f.get("status")
    if status is not None and status not in STATUSES:
        problems.add(f.loc("status"), f"status '{status}' is not one of {', '.join(STATUSES)}",
                     suggest(status, STATUSES))
    date = _parse_date(f.get("date"), problems, f.loc("date"), "date")
    adopted = f.get("adopted", required=False)
    stem = f.get("file_stem")
    check_file_part(stem, f.loc("file_stem"), "file_stem", problems, "'overenskommelse-missbruk'")
    version = f.get("version")
    if not check_file_part(version, f.loc("version"), "version", problems, 'version: "1.1"', VERSION_PATTERN,
                           VERSION_MAX):
        version = None
    parties = f.get("parties", list, default=[])
    publishers = f.get("publishers", list, required=False, default=[])
    history = _load_history(f.get("history", list, required=False, default=[]), f, problems)
    keywords = f.get("keywords", list, required=False, default=[])
    extra["party_names"] = f.get("party_names", Node, required=False, default=Node())
    meta_values = dict(
        title=f.get("title"), subtitle=f.get("subtitle"), short_title=f.get("short_title"),
        version=version, status=status, date=date,
        diarienummer=f.get("diarienummer", required=False), author=f.get("author"), subject=f.get("subject"),
        file_stem=stem, adopted=adopted,
    )
    if history and meta_values["version"] and history[-1].version != meta_values["version"]:
        problems.add(f.loc("history"), f"the last history entry is version {history[-1].version}, but the "
                                       f"document is version {meta_values['version']}",
                     "add the current version last in history (or correct 'version')")
    _check_status_dates(f, status, date, adopted, history, problems)
    for key in ("title", "subject", "author", "short_title"):
        value = meta_values.get(key)
        if value and len(value) > 255:
            problems.add(f.loc(key), f"'{key}' is {len(value)} characters; Word's document properties hold 255",
                         "shorten it (a longer text belongs in the sections)")
    f.finish()
    if any(v is None for k, v in meta_values.items() if k not in ("diarienummer", "adopted")) or not f.ok:
        return None, extra

    def texts(items: Any, key: str) -> list[str]:
        return [normalise(t) for t in item_texts(items, key, DOCUMENT_FILE, f.loc(key), problems) if t is not None]

    return Metadata(
        parties=texts(parties, "parties"),
        keywords=texts(keywords, "keywords"),
        publishers=[texts(p if isinstance(p, list) else [p], "publishers") for p in publishers],
        history=history,
        **meta_values,
    ), extra


HISTORY_DATE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")


def _check_status_dates(f: Fields, status: str | None, date: dt.date | None, adopted: str | None,
                        history: list[Revision], problems: Problems) -> None:
    """Status and dates that a title page can print side by side without contradicting itself:
    an adopted agreement says when it was adopted (not after this version's date), a draft or
    remiss version was not adopted, and the history's last entry has the document's status."""
    if adopted is not None:
        if not HISTORY_DATE.match(adopted):
            problems.add(f.loc("adopted"), f"'adopted' must be a date written YYYY-MM-DD (or YYYY when only the "
                                           f"year is known), not '{adopted}'", "write e.g. adopted: 2017")
        elif date is not None and adopted > date.isoformat()[:len(adopted)]:
            problems.add(f.loc("adopted"), f"'adopted' ({adopted}) is after this version's date "
                                           f"({date.isoformat()})", "correct 'adopted' or 'date'")
        if status in ("utkast", "remiss"):
            problems.add(f.loc("adopted"), f"'adopted' is given, but status is {status}: a version that is "
                                           f"{status} has not been adopted",
                         "remove 'adopted' (the history keeps when earlier versions were adopted), or set "
                         "status: antagen")
    elif status == "antagen":
        problems.add(f.loc("status"), "status is antagen, but 'adopted' does not say when the agreement was adopted",
                     "add a line 'adopted: YYYY-MM-DD' (or the year, 'adopted: 2017')")
    if history and status is not None and history[-1].status != status:
        problems.add(history[-1].loc, f"the last history entry (version {history[-1].version}) has status "
                                      f"{history[-1].status}, but the document's status is {status}",
                     "give the current version's entry the document's status")


def _load_history(items: Any, parent: Fields, problems: Problems) -> list[Revision]:
    """`history:` in document.yaml, oldest first; the last entry is the current version."""
    result = []
    for index, node in enumerate(items):
        loc = items.loc(index) if isinstance(items, NodeList) else parent.loc("history")
        f = Fields(node, f"history #{index + 1}", problems, loc)
        version, date, status = f.get("version"), f.get("date"), f.get("status")
        decision, summary = f.get("decision"), f.get("summary")
        f.finish()
        if date is not None and not HISTORY_DATE.match(date):
            problems.add(f.loc("date"), f"history #{index + 1}: date '{date}' must be YYYY-MM-DD (or YYYY when only "
                                        "the year is known)", "write e.g. 2017-06-12 or 2017")
        if status is not None and status not in STATUSES:
            problems.add(f.loc("status"), f"history #{index + 1}: status '{status}' is not one of "
                                          f"{', '.join(STATUSES)}", suggest(status, STATUSES))
        if None not in (version, date, status, decision, summary):
            result.append(Revision(version, date, status, decision, summary, f.loc()))
    return result


def _load_tables(path: Path, problems: Problems) -> dict[str, Table]:
    if not path.exists():
        return {}
    data = load_yaml(path, problems)
    if data is None:
        return {}
    if not isinstance(data, Node):
        problems.add(Location(path, 1), "tables.yaml must map table ids to tables", "see docs/content-format.md")
        return {}
    tables: dict[str, Table] = {}
    for ident, node in data.items():
        f = Fields(node, f"table '{ident}'", problems, data.loc(ident))
        caption = f.get("caption")
        columns = f.get("columns", list, default=[])
        rows = f.get("rows", list, default=[])
        widths = f.get("widths", list, required=False)
        f.finish()
        what = f"table '{ident}'"
        columns = [normalise(c or "") for c in item_texts(columns, "columns", what, f.loc("columns"), problems)]
        clean_rows: list[list[str]] = []
        for index, row in enumerate(rows):
            loc = rows.loc(index) if isinstance(rows, NodeList) else f.loc("rows")
            if not isinstance(row, list) or len(row) != len(columns):
                problems.add(loc, f"table '{ident}': row {index + 1} must list {len(columns)} cells "
                                  f"(one per column), found {len(row) if isinstance(row, list) else 'no list'}",
                             "write each row as a list: - [cell, cell, …]")
                continue
            cells = item_texts(row, "rows", what, loc, problems, others=False)
            clean_rows.append(["\n".join(normalise(part) for part in (cell or "").split("\n")) for cell in cells])
            for cell_index, cell in enumerate(row):
                if isinstance(cell, (dict, list)):
                    problems.add(loc, f"{what}: row {index + 1}, column '{columns[cell_index]}' must be text",
                                 "write the cell's text; quote it if it holds ': ' or starts with '[' or '{'")
                elif cell is None or not str(cell).strip():
                    problems.add(loc, f"table '{ident}': row {index + 1}, column '{columns[cell_index]}' is empty",
                                 "write the cell's text, or '–' if it is meant to be empty")
        if widths is not None and (len(widths) != len(columns) or
                                   not all(isinstance(w, (int, float)) and w > 0 for w in widths)):
            problems.add(f.loc("widths"), f"table '{ident}': widths must give one positive number per column",
                         f"e.g. widths: [{', '.join('1' for _ in columns)}]")
            widths = None
        if caption:
            tables[str(ident)] = Table(str(ident), caption, columns, clean_rows, data.loc(ident),
                                       [float(w) for w in widths] if widths else None)
    return tables


def _load_commitments(path: Path, key: str, prefix: str | None, parties: dict[str, Party],
                      topics: dict[str, Topic], problems: Problems,
                      seen_ids: dict[str, Location]) -> list[Commitment]:
    """`seen_ids` spans every document, so ids are unique across the agreements. A record that
    cannot be used is reported once; its id and section are marked broken, so that nothing
    that refers to it is reported again ("does not exist", "no commitment in section")."""
    data = load_yaml(path, problems)
    items = as_list(data, problems, Location(path, 1), path.name)
    result: list[Commitment] = []
    for index, node in enumerate(items):
        f = Fields(node, f"commitment #{index + 1}", problems, items.loc(index))
        ident, section, party_id, topic_id, text = (f.get("id"), f.get("section"), f.get("party"),
                                                    f.get("topic"), f.get("text"))
        f.finish()
        if ident is not None:
            f.what = f"commitment {ident}"
            if ident in seen_ids:
                problems.add(f.loc("id"), f"duplicate commitment id {ident} (also at "
                                          f"{seen_ids[ident].display(problems.root)})",
                             "give the new commitment the next free number; ids are never reused")
            else:
                seen_ids[ident] = f.loc("id")
            if not ID_PATTERN.match(ident):
                problems.add(f.loc("id"), f"commitment id '{ident}' may only use letters, digits, '.' and '-'",
                             f"write it like '{prefix or 'A'}-3.1-4'")
            elif prefix and not ident.startswith(prefix + "-"):
                problems.add(f.loc("id"), f"commitment id '{ident}' does not start with this document's prefix "
                                          f"'{prefix}-'", f"write it like '{prefix}-3.1-4' so ids never collide "
                                                          "with another document's")
        party = parties.get(party_id) if party_id else None
        if party_id and party is None and not isinstance(parties, Unreadable):
            problems.add(f.loc("party"), f"unknown party '{party_id}'", suggest(party_id, parties),
                         after={("party", party_id)})
        topic = topics.get(topic_id) if topic_id else None
        if topic_id and topic is None and not isinstance(topics, Unreadable):
            problems.add(f.loc("topic"), f"unknown topic '{topic_id}'", suggest(topic_id, topics),
                         after={("topic", topic_id)})
        if None in (ident, section, party, topic, text):
            if section is not None:
                problems.mark_broken(("commitments-of", key, section))   # its [[åtaganden]] is not "empty"
            if ident is not None:
                problems.mark_broken(("commitment", ident))
            continue
        group = parties[party.within] if party.within in parties else party  # type: ignore[union-attr]
        result.append(Commitment(ident, str(section), party, group, topic, text, f.loc(), key))  # type: ignore[arg-type]
    return result


def _check_document(doc: Document, problems: Problems) -> None:
    """Cross-checks within one document. Those that hold only if a file was read completely
    name it in `after=` (see Problems): the section files ("sections", key), the commitments
    ("commitments", key), tables.yaml."""
    all_sections, all_commitments = {("sections", doc.key)}, {("commitments", doc.key)}
    misplaced = _check_order(doc, problems)
    if misplaced:       # what refers to a section number may be true once the headings are in place
        problems.mark_broken(("sections", doc.key))
    numbers: dict[str, Section] = {}
    for section in doc.sections:
        if section.number in numbers and not {id(section), id(numbers[section.number])} & misplaced:
            problems.add(section.loc, f"section number {section.number} is used twice "
                                      f"(also at line {numbers[section.number].loc.line} of "
                                      f"{numbers[section.number].loc.file.name})",
                         "renumber one of them")
        numbers[section.number] = section

    for c in doc.commitments:
        if c.section not in numbers:
            problems.add(c.loc, f"commitment {c.id} refers to section {c.section}, which does not exist",
                         suggest(c.section, numbers), after=all_sections)

    summaries = []
    table_uses: dict[str, list[Location]] = {}
    note_uses: dict[str, list[Location]] = {}
    for section in doc.sections:
        numbered: dict[int, Paragraph] = {}
        for paragraph in section.paragraphs():
            if paragraph.number is None:
                continue
            if paragraph.number in numbered:
                problems.add(paragraph.loc, f"paragraph number {{¶{paragraph.number}}} is used twice in section "
                                            f"{section.number} (also at line {numbered[paragraph.number].loc.line})",
                             "give one of them a new number, or delete both markers and run `samverkan number`")
            numbered[paragraph.number] = paragraph
        here = [b for b in walk_blocks(section.blocks) if isinstance(b, CommitmentsHere)]
        own = doc.commitments_of(section.number)
        if len(here) > 1:
            problems.add(here[1].loc, f"[[åtaganden]] appears more than once in section {section.number}",
                         "keep one; it places all of the section's commitments")
        if here and not own:
            problems.add(here[0].loc, f"[[åtaganden]] in section {section.number}, but no commitment in "
                                      "commitments.yaml has this section", f"add commitments with section: "
                                                                            f"\"{section.number}\" or remove the line",
                         after=all_sections | all_commitments | {("commitments-of", doc.key, section.number)})
        if own and not here:
            problems.add(section.loc, f"section {section.number} defines commitments "
                                      f"({', '.join(c.id for c in own)}) but its text has no [[åtaganden]] line",
                         "add a line [[åtaganden]] where the commitments should appear", after=all_sections)
        for block in walk_blocks(section.blocks):
            if isinstance(block, CommitmentSummary):
                summaries.append(block)
            elif isinstance(block, TableRef):
                table_uses.setdefault(block.table_id, []).append(block.loc)
            elif isinstance(block, Paragraph):
                for inline in block.inlines:
                    if isinstance(inline, NoteRef):
                        note_uses.setdefault(inline.label, []).append(block.loc)
    for extra in summaries[1:]:
        problems.add(extra.loc, "[[sammanställning av åtaganden]] appears more than once", "keep one")

    _used_once(table_uses, doc.tables, problems, all_sections | {doc.folder / "tables.yaml"},
               undefined=lambda i: (f"table '{i}' is not defined in tables.yaml", suggest(i, doc.tables)),
               twice=lambda i: (f"table '{i}' is placed twice", "place each table once"),
               unused=lambda i: (f"table '{i}' is never placed, so it would be missing from the documents",
                                 f"add a line [[tabell {i}]] where it belongs, or delete the table"))
    _used_once(note_uses, doc.footnotes, problems, all_sections,
               undefined=lambda i: (f"footnote [^{i}] is used but not defined",
                                    f"add a line '[^{i}]: text' at the end of the file"),
               twice=lambda i: (f"footnote [^{i}] is referenced twice", "give each reference its own footnote"),
               unused=lambda i: (f"footnote [^{i}] is defined but never referenced",
                                 f"put [^{i}] in the text where the note belongs, or delete it"))


def _used_once(uses: dict[str, list[Location]], defined: dict, problems: Problems, after: set,
               undefined, twice, unused) -> None:
    """Everything defined (tables, footnotes) is used exactly once, and everything used is defined.
    `undefined`, `twice` and `unused` give (message, hint) for an id; `after` what must have
    been read completely for "undefined" and "unused" to be true."""
    for ident, places in uses.items():
        if ident not in defined:
            problems.add(places[0], *undefined(ident), after=after)
        elif len(places) > 1:
            problems.add(places[1], *twice(ident))
    for ident, item in defined.items():
        if ident not in uses:
            problems.add(item.loc, *unused(ident), after=after)


def _document_parties(parties: dict[str, Party], overrides: Node, problems: Problems) -> dict[str, Party]:
    """The parties as this document names them: `party_names` in document.yaml may rename a
    party (e.g. "Regionen" instead of "Landstinget" after 2019); ids and order stay the same."""
    result = type(parties)(parties)
    for ident, node in overrides.items():
        if ident not in parties:
            if not isinstance(parties, Unreadable):    # else parties.yaml's own problem says it all
                problems.add(overrides.loc(ident), f"party_names: unknown party '{ident}'", suggest(ident, parties),
                             after={("party", ident)})
            continue
        f = Fields(node, f"party_names: {ident}", problems, overrides.loc(ident))
        name, lead = f.get("name"), f.get("lead")
        f.finish()
        if name and lead:
            original = parties[ident]
            result[ident] = Party(ident, name, lead, original.loc, original.within)
    return result


def _section_paths(folder: Path, root: Path, names: Any, loc: Location, problems: Problems) -> list[Path]:
    """The section files listed in document.yaml. Each must lie inside the content folder: a
    name with '..' or a link that leads out of it is refused where it is listed."""
    paths = []
    for index, name in enumerate(item_texts(names, "sections", DOCUMENT_FILE, loc, problems)):
        at = names.loc(index) if isinstance(names, NodeList) else loc
        if name is None:
            problems.mark_broken(folder / DOCUMENT_FILE)
            continue
        path = folder / name
        if outside(path, root) or Path(name).is_absolute():
            how = f" (a symbolic link to {os.path.realpath(path)})" if path.is_symlink() else ""
            problems.add(at, f"section file '{name}' lies outside the content folder{how}",
                         f"list files inside {root.name}/, relative to {folder.name}/ (e.g. sections/01-inledning.md)")
            problems.mark_broken(path)
            continue
        paths.append(path)
    return paths


def _load_document(folder: Path, parties: dict[str, Party], topics: dict[str, Topic],
                   problems: Problems, seen_ids: dict[str, Location]) -> Document | None:
    root = folder.parent
    node = load_yaml(folder / DOCUMENT_FILE, problems)
    if node is None:
        problems.mark_broken(("document", folder.name), ("sections", folder.name), ("commitments", folder.name))
        return None
    meta, extra = _load_metadata(folder, node, problems)
    sections: list[Section] = []
    footnotes = {}
    section_files = _section_paths(folder, root, extra["sections"] or [], extra["sections_loc"], problems)
    if not extra["sections"]:
        problems.add(Location(folder / DOCUMENT_FILE, 1), "document.yaml lists no section files",
                     "add 'sections:' with the Markdown files in reading order")
    for path in section_files:
        parsed = parse_prose(path, problems)
        sections.extend(parsed.sections)
        for label, note in parsed.footnotes.items():
            if label in footnotes:
                problems.add(note.loc, f"footnote label [^{label}] is already used in "
                                       f"{footnotes[label].loc.file.name}", "use a label unique in the document")
            footnotes[label] = note
    if {folder / DOCUMENT_FILE, *section_files} & problems.broken or len(section_files) < len(extra["sections"]):
        problems.mark_broken(("sections", folder.name))
    prefix = extra["id_prefix"]
    parties = _document_parties(parties, extra["party_names"], problems)
    commitments_path = folder / "commitments.yaml"
    commitments = _load_commitments(commitments_path, folder.name, prefix, parties, topics, problems, seen_ids) \
        if commitments_path.exists() else []
    if {commitments_path, root / "parties.yaml", root / "topics.yaml"} & problems.broken:
        problems.mark_broken(("commitments", folder.name))
    tables = _load_tables(folder / "tables.yaml", problems)
    if meta is None or extra["kind"] not in DOCUMENT_KINDS:
        problems.mark_broken(("document", folder.name))
        return None
    doc = Document(folder.name, extra["kind"], meta, prefix, sections, footnotes, commitments, tables, folder,
                   parties, extra["relates_to"])
    _check_document(doc, problems)
    return doc


def _number(section: Section) -> tuple[int, ...] | None:
    parts = section.number.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def _check_order(doc: Document, problems: Problems) -> set[int]:
    """Numbered sections stand in order, each under its own chapter: `7.2` before `7.1`, or
    `8.1` under chapter 7, is one message at the heading that is out of place. (A gap is
    allowed: a revision may drop a section and keep the others' numbers. Appendices,
    "Bilaga 1", are not numbered this way.)"""
    numbered = [(s, n) for s in doc.sections if (n := _number(s)) is not None]
    misplaced: set[int] = set()
    last_at_level: dict[int, tuple[Section, tuple[int, ...]]] = {}
    previous_sibling: dict[tuple[int, ...], tuple[Section, tuple[int, ...]]] = {}
    for section, number in numbered:
        parent = number[:-1]
        level = len(number)
        above = last_at_level.get(level - 1) if level > 1 else None
        if level > 1 and (above is None or above[1] != parent):
            under = f"under section {above[0].number}" if above else "before any chapter"
            problems.add(section.loc, f"section {section.number} stands {under}, but its number puts it in "
                                      f"{'.'.join(map(str, parent))}",
                         f"move it under section {'.'.join(map(str, parent))}, or renumber it")
            misplaced.add(id(section))
        else:
            sibling = previous_sibling.get(parent)
            if sibling is not None and number[-1] < sibling[1][-1]:
                problems.add(section.loc, f"section {section.number} comes after section {sibling[0].number} "
                                          f"({sibling[0].loc.display(problems.root)})",
                             "put the sections in number order, or renumber them")
                misplaced.add(id(section))
            previous_sibling[parent] = (section, number)
        last_at_level[level] = (section, number)
        for deeper in [lvl for lvl in last_at_level if lvl > level]:
            del last_at_level[deeper]
    return misplaced


def load_content(root: Path, templates: Templates | None = None) -> Content:
    """Load and validate the whole content folder; raise ContentInvalid listing every problem.
    `templates` defaults to the project's: templates/ beside the content folder (project.py)."""
    root = Path(root)
    problems = Problems(root)
    if not root.is_dir():
        problems.add(Location(root), "content folder not found",
                     "run samverkan in a project folder (one with content/), pass --content DIR, or start a "
                     "project with `samverkan init DIR`")
        problems.raise_if_any()
    parties = _load_parties(root, problems)
    topics = _load_topics(root, problems)
    documents: dict[str, Document] = {}
    seen_ids: dict[str, Location] = {}
    for folder in sorted(p for p in root.iterdir() if (p / DOCUMENT_FILE).exists()):
        doc = _load_document(folder, parties, topics, problems, seen_ids)
        if doc is not None:
            documents[doc.key] = doc
    for doc in documents.values():
        if doc.relates_to and doc.relates_to not in documents:
            problems.add(Location(doc.folder / DOCUMENT_FILE), f"relates_to names unknown document '{doc.relates_to}'",
                         suggest(doc.relates_to, documents), after={("document", doc.relates_to)})
    if not documents and not problems:
        problems.add(Location(root), f"no document found (a folder with {DOCUMENT_FILE})",
                     "point --content at the content folder")
    content = Content(root, parties, topics, documents,
                      templates=templates if templates is not None else Templates.for_content(root))
    if (root / "kommuner.yaml").exists():
        content.kommuner = catalogues.load_kommuner(root / "kommuner.yaml", problems)
    if (root / "routines.yaml").exists():
        content.routines = catalogues.load_routines(root / "routines.yaml", documents, problems)
    if (root / "commitment-tables.yaml").exists():
        # parties.yaml unreadable: its own problem says it all, the names are not checked against it
        known = None if isinstance(parties, Unreadable) else parties
        content.commitment_tables = catalogues.load_commitment_tables(root / "commitment-tables.yaml", problems,
                                                                      known)
    if (root / "routine-template.yaml").exists():
        content.routine_texts = catalogues.load_texts(root / "routine-template.yaml", catalogues.ROUTINE_TEXTS,
                                                      problems)
    if (root / "remiss" / "remiss.yaml").exists():
        content.remiss = catalogues.load_remiss(root / "remiss" / "remiss.yaml", documents, content.kommuner,
                                                problems)
    if (root / "site.yaml").exists():
        content.site = catalogues.load_site(root / "site.yaml", problems)
    if (root / accessibility.FILE).exists():
        content.accessibility = accessibility.load_accessibility(root / accessibility.FILE, content.remiss, problems)
    if (root / "avvikelser.yaml").exists():
        content.avvikelser = forms.load_avvikelser(root / "avvikelser.yaml", topics, problems,
                                                   tuple(r.id for r in content.routines))
    if content.remiss is not None:
        content.remiss_web = forms.load_remiss_web(root / "remiss" / "remiss.yaml", problems)
    # What `build` would fail on later is found here, for `check` and `build` alike.
    check_overrides(content.templates, problems)
    check_glyphs(problems.sources, content.templates.font_dirs(), problems)
    problems.raise_if_any()
    return content
