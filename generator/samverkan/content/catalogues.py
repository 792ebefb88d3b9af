"""The structured files around the agreements: kommuner.yaml, routines.yaml,
commitment-tables.yaml, routine-template.yaml and remiss/remiss.yaml. Loaded and validated with
the same problem collection as the agreements (file, line, what to do), into the model's plain
objects (model.py)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from samverkan.content.fields import Fields, check_file_part, item_texts, suggest, text_list
from samverkan.content.yamlfile import Node, NodeList, load_yaml
from samverkan.errors import Location, Problems
from samverkan.model import (
    Commitment, CommitmentTables, Contact, Document, FollowUp, Kommuner, LocalUnit, Phase, RecipientGroup, Region,
    Remiss, Routine, Texts,
)
from samverkan.text import FILE_PART_MAX, normalise, slugify
from samverkan.model import AnswersTo, Sender

KOMMUNKOD = re.compile(r"^\d{4}$")
PERIOD = re.compile(r"^\d{4}(-(H[12]|Q[1-4]))?$")

# The schema of routine-template.yaml: every key the routine template uses.
ROUTINE_TEXTS = {
    "title_prefix": str, "subtitle": str, "how_to_fill": ("docx", "pdf"),   # wording per format
    "labels": ("unit", "code", "local_council", "agreement", "routine_version", "decided", "review_by", "party",
               "name", "contact", "kommun_party", "region_party", "what", "who", "how", "when", "function",
               "contact_details", "hours", "place_date", "signature", "name_clarification", "position"),
    "placeholders": ("unit", "local_council", "region_unit", "contact", "what", "who", "how", "when",
                     "contact_details", "hours", "text", "date", "version", "place_date", "signature", "name",
                     "position"),
    "headings": ("about", "parties", "commitments", "process", "contacts", "deviations", "follow_up", "signatures"),
    "texts": ("purpose", "scope", "basis", "commitments", "region_units", "process", "contacts", "deviations",
              "deviations_local", "follow_up", "follow_up_how", "follow_up_who", "signatures"),
}


def load_texts(path: Path, schema: dict, problems: Problems, data=None, allowed_extra: tuple[str, ...] = ()) -> Texts | None:
    """A file of wording: every key of `schema` must be there, as text, a list of texts
    (schema value `list`) or a mapping of texts (schema value: a tuple of its keys)."""

    data = load_yaml(path, problems) if data is None else data
    if data is None:
        return None
    top = Fields(data, path.name, problems, Location(path, 1))
    result = Texts()
    for key, kind in schema.items():
        if kind is str:
            result[key] = top.get(key)
        elif kind is list:
            result[key] = text_list(top.get(key, list, default=[]), top, key, problems) or None
        else:
            node = top.get(key, Node)
            if node is None:
                continue
            sub = Fields(node, f"{path.name}: {key}", problems, top.loc(key))
            values = Texts()
            for name in kind:
                if isinstance(name, tuple):        # (key, list): a list of texts
                    values[name[0]] = text_list(sub.get(name[0], list, default=[]), sub, name[0], problems) or None
                else:
                    values[name] = sub.get(name)
            result[key] = values
            sub.finish()
    top.finish(allowed_extra)
    if not top.ok or any(v is None for v in result.values()) or \
            any(v is None for sub in result.values() if isinstance(sub, dict) for v in sub.values()):
        return None
    return result


REMISS_TEXTS = {
    "summary": ("title", ("paragraphs", list)),
    "missiv": ("subject", "greeting", ("intro", list), "sent_heading", "deadline_text",
               "how_heading", ("how", list), "send_to", "send_by_post", "cite_diarienummer", "contact_heading",
               "contact_text", "closing", "sign_off", "recipients_heading", "date_label", "diarienummer_label",
               "email_label", "phone_label"),
    "form": ("title", "intro", "respondent_heading", "organisation", "contact_person", "email", "date",
             "general_heading", "general_label", "reference", "comment", "proposal", "whole_section",
             "placeholder", "date_placeholder", "remiss_label", "deadline_label", "answers_help", "row"),
    "compilation": ("title", "intro", "comments_heading", "general_heading", "respondents_heading",
                    "missing_heading", "unreadable_heading", "organisation", "none", "not_on_list", "file",
                    "cited", "unknown_reference", "duplicate", "unplaced_heading", "summary"),
}


def load_remiss(path: Path, documents: dict[str, Document], kommuner: Kommuner | None,
                problems: Problems) -> Remiss | None:

    data = load_yaml(path, problems)
    if data is None:
        return None
    texts = load_texts(path, REMISS_TEXTS, problems, data=data,
                       allowed_extra=("title", "documents", "contact", "sender", "answers", "remissinstanser", "web"))
    f = Fields(data, path.name, problems, Location(path, 1))
    title = f.get("title")
    keys = text_list(f.get("documents", list, default=[]), f, "documents", problems)
    for key in keys:
        if key not in documents:
            problems.add(f.loc("documents"), f"remiss: unknown document '{key}'", suggest(key, documents),
                         after={("document", key)})
    contact_node = f.get("contact", Node)
    groups_node = f.get("remissinstanser", list, default=[])
    contact = None
    if contact_node is not None:
        c = Fields(contact_node, "remiss: contact", problems, f.loc("contact"))
        contact = Contact(c.get("name"), c.get("organisation"), c.get("email", required=False),
                          c.get("phone", required=False))
        c.finish()
        if c.ok and not (contact.email or contact.phone):
            problems.add(f.loc("contact"), "remiss: contact gives no e-mail address or telephone number, so the "
                                           "cover letter cannot say how to reach you with questions",
                         "add 'email: …' or 'phone: …' under contact")
    sender, answers = _remiss_sender_and_answers(f, problems)
    groups = []
    for index, node in enumerate(groups_node):
        loc = groups_node.loc(index) if isinstance(groups_node, NodeList) else f.loc("remissinstanser")
        g = Fields(node, f"remissinstanser #{index + 1}", problems, loc)
        name = g.get("group")
        from_kommuner = g.get("kommuner", bool, required=False, default=False)
        members = text_list(g.get("members", list, required=not from_kommuner, default=[]), g, "members", problems) \
            if "members" in g.node or not from_kommuner else []
        g.finish()
        if from_kommuner:
            if kommuner is None:
                problems.add(g.loc("kommuner"), "remissinstanser: 'kommuner: true' needs content/kommuner.yaml",
                             "add kommuner.yaml or list the kommuner under members",
                             after={path.parent.parent / "kommuner.yaml", ("kommuner",)})
            else:
                official = list(dict.fromkeys(normalise(u.organisation) for u in kommuner.units))
                members = official + members
        if name:
            groups.append(RecipientGroup(name, members))
    seen: set[str] = set()
    for member in (m for g in groups for m in g.members):
        if slugify(member) in seen:
            problems.add(f.loc("remissinstanser"), f"remissinstans '{member}' is listed twice", "list it once")
        seen.add(slugify(member))
    f.finish(("summary", "missiv", "form", "compilation", "web"))   # web: content/forms.py
    if None in (title, contact, texts, sender, answers) or not keys or contact.name is None:
        return None
    return Remiss(title, keys, contact, groups, texts, sender, answers)


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _lines(fields: Fields, key: str, problems: Problems, required: bool) -> list[str]:
    """A value written as one line or as a list of lines (an address)."""
    value = fields.get(key, (str, list), required=required, default=[])
    return [value] if isinstance(value, str) else text_list(value, fields, key, problems)


def _remiss_sender_and_answers(f: Fields, problems: Problems):
    """`sender` (the cover letter's letterhead, diarienummer and signature) and `answers`
    (where the answers go) of remiss.yaml. A remiss that does not say where to answer cannot
    be sent: both are required, and `answers` needs an e-mail or a postal address."""
    sender = answers = None
    node = f.get("sender", Node)
    if node is not None:
        g = Fields(node, "remiss: sender", problems, f.loc("sender"))
        organisation, unit = g.get("organisation"), g.get("unit", required=False)
        address = _lines(g, "address", problems, required=True)
        diarienummer = g.get("diarienummer")
        signature = _lines(g, "signature", problems, required=True)
        g.finish()
        if None not in (organisation, diarienummer) and address and signature:
            sender = Sender(organisation, unit, address, diarienummer, signature)
    node = f.get("answers", Node)
    if node is not None:
        g = Fields(node, "remiss: answers", problems, f.loc("answers"))
        answers = where_to_send(g, f.loc("answers"), "an answer", "remiss@example.se", problems)
        g.finish()
    return sender, answers


def where_to_send(g: Fields, loc: Location, thing: str, example: str, problems: Problems) -> AnswersTo | None:
    """The `email` and/or postal `address` of a mapping (where answers or reports go); None,
    with the problem recorded, when the e-mail is not one or neither is given."""
    email = g.get("email", required=False)
    address = _lines(g, "address", problems, required=False)
    if email is not None and not EMAIL.match(email):
        problems.add(g.loc("email"), f"{g.what}: '{email}' is not an e-mail address", f"write it like {example}")
    elif not email and not address and g.ok:
        problems.add(loc, f"{g.what} says neither an e-mail address nor a postal address, so nobody would know "
                          f"where to send {thing}", f"add 'email: …' (and/or 'address: [line, line]') under {g.what.split(': ')[-1]}")
    else:
        return AnswersTo(email, address)
    return None


def load_kommuner(path: Path, problems: Problems) -> Kommuner | None:

    data = load_yaml(path, problems)
    if data is None:
        return None
    top = Fields(data, path.name, problems, Location(path, 1))
    region_node = top.get("region", Node)
    kommuner_node = top.get("kommuner", list, default=[])
    top.finish()
    region = None
    if region_node is not None:
        f = Fields(region_node, "region", problems, top.loc("region"))
        name = f.get("name")
        units = text_list(f.get("units", list, default=[]), f, "units", problems)
        f.finish()
        region = Region(name, units) if name else None
    units: list[LocalUnit] = []
    lines: list[Location] = []          # where each unit's name is written
    codes: dict[str, str] = {}
    for index, node in enumerate(kommuner_node):
        loc = kommuner_node.loc(index) if isinstance(kommuner_node, NodeList) else top.loc("kommuner")
        f = Fields(node, f"kommun #{index + 1}", problems, loc)
        name, official, code, committee = f.get("name"), f.get("official_name"), f.get("code"), f.get("committee")
        council = f.get("local_council", required=False)
        sub = f.get("units", list, required=False, default=[])
        f.finish()
        if name:
            f.what = f"kommun {name}"
        if code is not None and not KOMMUNKOD.match(code):
            problems.add(f.loc("code"), f"{f.what}: kommunkod '{code}' must be four digits",
                         "write it in quotes, e.g. code: \"0160\" (SCB's code)")
            continue
        if None in (name, official, code, committee):
            continue
        if code in codes.values():
            problems.add(f.loc("code"), f"{f.what}: kommunkod {code} is used twice", "check SCB's kommunkod")
        codes[name] = code
        if not sub:
            units.append(LocalUnit(name, official, _unit_slug(name, f.loc("name"), problems), code, committee,
                                   official, council, name))
            lines.append(f.loc("name"))
        for sub_index, sub_node in enumerate(sub):
            sub_loc = sub.loc(sub_index) if isinstance(sub, NodeList) else f.loc("units")
            g = Fields(sub_node, f"{name}, unit #{sub_index + 1}", problems, sub_loc)
            unit_name, unit_committee = g.get("name"), g.get("committee")
            unit_council = g.get("local_council", required=False)
            g.finish()
            if unit_name and unit_committee:
                units.append(LocalUnit(unit_name, f"{unit_name} stadsdelsområde, {official}",
                                       _unit_slug(f"{name} {unit_name}", g.loc("name"), problems), code,
                                       unit_committee, official, unit_council, name))
                lines.append(g.loc("name"))
    slugs: dict[str, tuple[LocalUnit, Location]] = {}
    for unit, loc in zip(units, lines):
        if not unit.slug:
            continue
        if unit.slug in slugs:
            first, first_loc = slugs[unit.slug]
            problems.add(loc, f"'{unit.name}' (line {loc.line}) and '{first.name}' (line {first_loc.line}) would "
                              f"share the file name '{unit.slug}'",
                         "make their names differ: file names are made without å, ä, ö, accents and case")
            continue
        slugs[unit.slug] = (unit, loc)
    if region is None:
        problems.mark_broken(("kommuner",))
        return None
    return Kommuner(region, units, codes, Location(path, 1))


def _unit_slug(name: str, loc: Location, problems: Problems) -> str:
    """A kommun's or stadsdel's name as a folder and file name part ("Upplands Väsby" →
    "upplands-vasby"): never a path ('..' has no letters to make one from), and short."""
    slug = slugify(name, limit=FILE_PART_MAX)
    if not slug:
        problems.add(loc, f"the name '{name}' has no letters or digits to make a file name from",
                     "write the kommun's or stadsdel's name in letters")
    return slug


def load_routines(path: Path, documents: dict[str, Document], problems: Problems) -> list[Routine]:

    data = load_yaml(path, problems)
    if data is None:
        return []
    if not isinstance(data, NodeList):
        problems.add(Location(path, 1), "routines.yaml must be a list of routines starting with '- id:'",
                     "see the comments at the top of the file")
        return []
    default_doc = next((d.key for d in documents.values() if d.kind == "agreement"), None)
    routines: list[Routine] = []
    seen: set[str] = set()
    for index, node in enumerate(data):
        f = Fields(node, f"routine #{index + 1}", problems, data.loc(index))
        ident, title = f.get("id"), f.get("title")
        doc_key = f.get("document", required=False, default=default_doc)
        sections = f.get("sections", list, default=[])
        ids = f.get("commitments", list, default=[])
        purpose, scope = f.get("purpose"), f.get("scope")
        phases_node = f.get("phases", list, default=[])
        contacts = text_list(f.get("contacts", list, default=[]), f, "contacts", problems)
        f.finish()
        if ident:
            f.what = f"routine {ident}"
            check_file_part(ident, f.loc("id"), "routine id", problems, "'lokal-samverkan'")
            if ident in seen:
                problems.add(f.loc("id"), f"duplicate routine id '{ident}'", "give every routine its own id")
            seen.add(ident)
        doc = documents.get(doc_key) if doc_key else None
        if doc_key and doc is None:
            problems.add(f.loc("document"), f"{f.what}: unknown document '{doc_key}'", suggest(doc_key, documents),
                         after={("document", doc_key)})
        sections = item_texts(sections, "sections", f.what, f.loc("sections"), problems)
        cids = item_texts(ids, "commitments", f.what, f.loc("commitments"), problems)
        commitments: list[Commitment] = []
        if doc is not None:
            numbers = {s.number for s in doc.sections}
            for number in sections:
                if number is not None and number not in numbers:
                    problems.add(f.loc("sections"), f"{f.what}: section {number} does not exist in {doc.key}",
                                 suggest(number, numbers), after={("sections", doc.key)})
            by_id = {c.id: c for c in doc.commitments}
            for index, cid in enumerate(cids):
                if cid in by_id:
                    commitments.append(by_id[cid])
                elif cid is not None:
                    at = ids.loc(index) if isinstance(ids, NodeList) else f.loc("commitments")
                    problems.add(at, f"{f.what}: commitment {cid} does not exist in {doc.key}", suggest(cid, by_id),
                                 after={("commitments", doc.key), ("commitment", cid)})
        if not ids:
            problems.add(f.loc(), f"{f.what}: no commitments", "name the commitments the routine implements")
        phases: list[Phase] = []
        for p_index, p_node in enumerate(phases_node):
            loc = phases_node.loc(p_index) if isinstance(phases_node, NodeList) else f.loc("phases")
            g = Fields(p_node, f"{f.what}, phase #{p_index + 1}", problems, loc)
            name, guidance = g.get("name"), g.get("guidance")
            g.finish()
            if name and guidance:
                phases.append(Phase(name, guidance))
        if not phases_node and f.ok:
            problems.add(f.loc(), f"{f.what}: no phases", "add phases: with at least one phase")
        if None in (ident, title, purpose, scope) or doc is None:
            continue
        routines.append(Routine(ident, title, doc.key, [s for s in sections if s is not None], commitments, purpose,
                                scope,
                                phases, contacts, f.loc()))
    return routines


FOLLOW_UP_LABELS = ("kommun", "region", "code", "period", "filled_by", "date", "id", "commitment", "party",
                    "topic", "section", "document", "draft", "draft_note", "fill_hint", "instructions_sheet", "send")
FOLLOW_UP_REPORT = ("title", "file_stem", "intro", "chart_heading", "chart_text", "matrix_heading", "matrix_text",
                    "party_heading", "topic_heading", "missing_heading", "comments_heading", "rejected_heading",
                    "not_filled", "unit", "none", "summary", "commitments", "file")


def _text_map(node, keys: tuple[str, ...], what: str, problems: Problems, loc: Location) -> Texts | None:
    """A mapping of texts with exactly these keys (follow_up.labels, follow_up.report)."""
    sub = Fields(node, what, problems, loc)
    values = Texts({key: sub.get(key) for key in keys})
    sub.finish()
    return values if sub.ok and all(v is not None for v in values.values()) else None


def load_commitment_tables(path: Path, problems: Problems, parties: dict | None = None) -> CommitmentTables | None:

    data = load_yaml(path, problems)
    if data is None:
        return None
    f = Fields(data, path.name, problems, Location(path, 1))
    values = {key: f.get(key) for key in ("title", "subtitle", "short_title", "file_stem", "matrix_title",
                                           "matrix_intro")}
    intro = text_list(f.get("intro", list, default=[]), f, "intro", problems)
    follow = f.get("follow_up", Node)
    f.finish()
    follow_up = None
    if follow is not None:
        g = Fields(follow, "follow_up", problems, f.loc("follow_up"))
        fvalues = {key: g.get(key) for key in ("file_stem", "title", "sheet")}
        options = text_list(g.get("status_options", list, default=[]), g, "status_options", problems)
        columns = text_list(g.get("columns", list, default=[]), g, "columns", problems)
        instructions = text_list(g.get("instructions", list, default=[]), g, "instructions", problems)
        period = g.get("period", required=False)
        send_to, due_text = g.get("send_to"), g.get("due")
        due = None
        if due_text is not None:
            try:
                due = dt.date.fromisoformat(due_text)
            except ValueError:
                problems.add(g.loc("due"), f"follow_up: due '{due_text}' must be a date written YYYY-MM-DD",
                             'write e.g. due: "2027-02-15"')
        party_lists = {}
        for key in ("kommun_parties", "region_parties"):
            party_lists[key] = text_list(g.get(key, list, default=[]), g, key, problems)
            for party in party_lists[key]:
                if parties is not None and party not in parties:
                    problems.add(g.loc(key), f"follow_up: {key}: unknown party '{party}'", suggest(party, parties),
                                 after={("party", party)})
        labels_node, report_node = g.get("labels", Node), g.get("report", Node)
        g.finish()
        labels = _text_map(labels_node, FOLLOW_UP_LABELS, "follow_up: labels", problems, g.loc("labels")) \
            if labels_node is not None else None
        report = _text_map(report_node, FOLLOW_UP_REPORT, "follow_up: report", problems, g.loc("report")) \
            if report_node is not None else None
        if report and not check_file_part(report["file_stem"], g.loc("report"), "follow_up: report: file_stem",
                                          problems, "'uppfoljning'"):
            report = None
        if not check_file_part(fvalues["file_stem"], g.loc("file_stem"), "follow_up: file_stem", problems,
                               "'uppfoljningsmall-ataganden'"):
            fvalues["file_stem"] = None
        if period is not None and not PERIOD.match(period):
            problems.add(g.loc("period"), f"follow_up: period '{period}' must be a year (YYYY) or a part of one "
                         "(YYYY-H1, YYYY-Q3)", 'write it in quotes, e.g. period: "2026"')
        if columns and len(columns) != 4:
            problems.add(g.loc("columns"), "follow_up: columns must name four columns: status, responsible, comment, "
                         "next step", "e.g. columns: [Status, Ansvarig, Kommentar, Nästa steg]")
        if fvalues["sheet"] and (len(fvalues["sheet"]) > 31 or re.search(r"[\[\]:*?/\\]", fvalues["sheet"])):
            problems.add(g.loc("sheet"), "follow_up: sheet names in Excel have at most 31 characters and none of []:*?/\\",
                         "shorten the name")
        if all(fvalues.values()) and options and len(columns) == 4 and labels and report:
            follow_up = FollowUp(fvalues["file_stem"], fvalues["title"], fvalues["sheet"], options, columns,
                                 instructions, period, party_lists["kommun_parties"], party_lists["region_parties"],
                                 labels, report, send_to, due)
    if not check_file_part(values["file_stem"], f.loc("file_stem"), "file_stem", problems, "'ataganden'"):
        values["file_stem"] = None
    if None in values.values() or follow_up is None:
        return None
    return CommitmentTables(intro=intro, follow_up=follow_up, **values)


# The schema of site.yaml: the wording of the download site (targets/site.py, templates/site/).
SITE_TEXTS = {
    "title": str, "intro": list, "footer": str,
    "navigation": ("label", "skip", "home", "commitments", "kommuner", "remiss"),
    "formats": ("docx", "pdf", "csv", "json", "xlsx", "zip"),
    "files": ("file", "format", "size", "date", "read_online", "missing", "others_heading", "others_intro"),
    "start": ("documents_heading", "version", "status", "date", "commitments_heading", "commitments_text",
              "commitments_link", "kommuner_heading", "kommuner_text", "kommuner_link", "remiss_heading",
              "remiss_text", "remiss_link"),
    "document": ("toc", "facts", "diarienummer", "parties", "downloads", "references", "notes", "note_back",
                 "paragraph_ref", "commitment_ref"),
    "commitments": ("title", "intro", "filter_heading", "party", "topic", "all", "count", "id", "text",
                    "party_column", "topic_column", "source", "downloads"),
    "kommuner": ("title", "intro", "search_label", "search_hint", "search_button", "results", "closest", "no_match",
                 "list_heading", "units_heading"),
    "kommun": ("code", "parties_heading", "committee", "region", "region_units", "local_council",
               "local_council_missing", "templates_heading", "template", "fill_in", "read", "bundle",
               "guide_heading", ("guide", list), "units_heading", "units_text", "back", "followup_heading",
               "followup_text", "followup_given", "followup_to_fill", "followup_status", "followup_how"),
    "routine": ("intro",),
    "remiss": ("title", "intro", "date", "missiv", "editions", "form", "form_text", "recipients",
               "contact"),
}
SITE_PLACEHOLDERS = {("commitments", "count"): ("{shown}", "{total}")}


def load_site(path: Path, problems: Problems) -> Texts | None:
    """site.yaml: every text of SITE_TEXTS, and the placeholders the site fills in."""
    data = load_yaml(path, problems)
    if data is None:
        return None
    texts = load_texts(path, SITE_TEXTS, problems, data=data)
    for (group, key), needed in SITE_PLACEHOLDERS.items():
        node = data.get(group) if isinstance(data, Node) else None
        value = node.get(key) if isinstance(node, Node) else None
        if isinstance(value, str) and not all(p in value for p in needed):
            problems.add(node.loc(key), f"site.yaml: {group}.{key} must contain {' and '.join(needed)} (filled in by "
                                        "the site)", f"e.g. {key}: Visar {' av '.join(needed)}")
            texts = None
    return texts
