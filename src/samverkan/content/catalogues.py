"""The structured files around the agreements: kommuner.yaml, routines.yaml,
commitment-tables.yaml, routine-template.yaml and remiss/remiss.yaml. Loaded and validated with
the same problem collection as the agreements (file, line, what to do), into the model's plain
objects (model.py)."""

from __future__ import annotations

import re
from pathlib import Path

from samverkan.content.fields import SLUG_PATTERN, Fields, suggest
from samverkan.content.yamlfile import Node, NodeList, load_yaml
from samverkan.errors import Location, Problems
from samverkan.model import (
    Commitment, CommitmentTables, Contact, Document, FollowUp, Kommuner, LocalUnit, Phase, RecipientGroup, Region,
    Remiss, Routine, Texts,
)
from samverkan.text import normalise, slugify
from samverkan.model import AnswersTo, Sender

KOMMUNKOD = re.compile(r"^\d{4}$")

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
            result[key] = _strings(top.get(key, list, default=[]), top, key, problems) or None
        else:
            node = top.get(key, Node)
            if node is None:
                continue
            sub = Fields(node, f"{path.name}: {key}", problems, top.loc(key))
            values = Texts()
            for name in kind:
                if isinstance(name, tuple):        # (key, list): a list of texts
                    values[name[0]] = _strings(sub.get(name[0], list, default=[]), sub, name[0], problems) or None
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
    "missiv": ("subject", "greeting", ("intro", list), "sent_heading", "deadline_heading", "deadline_text",
               "how_heading", ("how", list), "send_to", "send_by_post", "cite_diarienummer", "contact_heading",
               "contact_text", "closing", "sign_off", "recipients_heading", "date_label", "diarienummer_label",
               "email_label", "phone_label"),
    "form": ("title", "intro", "respondent_heading", "organisation", "contact_person", "email", "date",
             "general_heading", "general_label", "reference", "text", "comment", "proposal", "whole_section",
             "placeholder"),
    "compilation": ("title", "intro", "comments_heading", "general_heading", "respondents_heading",
                    "missing_heading", "unreadable_heading", "organisation", "none", "not_on_list"),
}


def load_remiss(path: Path, documents: dict[str, Document], kommuner: Kommuner | None,
                problems: Problems) -> Remiss | None:

    data = load_yaml(path, problems)
    if data is None:
        return None
    texts = load_texts(path, REMISS_TEXTS, problems, data=data,
                       allowed_extra=("title", "documents", "contact", "sender", "answers", "remissinstanser"))
    f = Fields(data, path.name, problems, Location(path, 1))
    title = f.get("title")
    keys = _strings(f.get("documents", list, default=[]), f, "documents", problems)
    for key in keys:
        if key not in documents:
            problems.add(f.loc("documents"), f"remiss: unknown document '{key}'", suggest(key, documents))
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
        members = _strings(g.get("members", list, required=not from_kommuner, default=[]), g, "members", problems) \
            if "members" in g.node or not from_kommuner else []
        g.finish()
        if from_kommuner:
            if kommuner is None:
                problems.add(g.loc("kommuner"), "remissinstanser: 'kommuner: true' needs content/kommuner.yaml",
                             "add kommuner.yaml or list the kommuner under members")
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
    f.finish(("summary", "missiv", "form", "compilation"))
    if None in (title, contact, texts, sender, answers) or not keys or contact.name is None:
        return None
    return Remiss(title, keys, contact, groups, texts, sender, answers)


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _lines(fields: Fields, key: str, problems: Problems, required: bool) -> list[str]:
    """A value written as one line or as a list of lines (an address)."""
    value = fields.get(key, (str, list), required=required, default=[])
    return [value] if isinstance(value, str) else _strings(value, fields, key, problems)


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
        email = g.get("email", required=False)
        address = _lines(g, "address", problems, required=False)
        g.finish()
        if email is not None and not EMAIL.match(email):
            problems.add(g.loc("email"), f"remiss: answers: '{email}' is not an e-mail address",
                         "write it like remiss@example.se")
        elif not email and not address and g.ok:
            problems.add(f.loc("answers"), "remiss: answers says neither an e-mail address nor a postal address, "
                                           "so nobody would know where to send an answer",
                         "add 'email: …' (and/or 'address: [line, line]') under answers")
        else:
            answers = AnswersTo(email, address)
    return sender, answers


def _strings(value, f, key: str, problems: Problems) -> list[str]:

    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) and str(v).strip() for v in value):
        problems.add(f.loc(key), f"{f.what}: '{key}' must be a list of texts", f"write it as {key}: [text, text]")
        return []
    return [normalise(str(v)) for v in value]


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
        units = _strings(f.get("units", list, default=[]), f, "units", problems)
        f.finish()
        region = Region(name, units) if name else None
    units: list[LocalUnit] = []
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
            units.append(LocalUnit(name, official, slugify(name), code, committee, official, council, name))
        for sub_index, sub_node in enumerate(sub):
            sub_loc = sub.loc(sub_index) if isinstance(sub, NodeList) else f.loc("units")
            g = Fields(sub_node, f"{name}, unit #{sub_index + 1}", problems, sub_loc)
            unit_name, unit_committee = g.get("name"), g.get("committee")
            unit_council = g.get("local_council", required=False)
            g.finish()
            if unit_name and unit_committee:
                units.append(LocalUnit(unit_name, f"{unit_name} stadsdelsområde, {official}",
                                       slugify(f"{name} {unit_name}"), code, unit_committee, official,
                                       unit_council, name))
    slugs: dict[str, LocalUnit] = {}
    for unit in units:
        if unit.slug in slugs:
            problems.add(Location(path), f"two kommuner/units would share the file name '{unit.slug}'",
                         "make their names differ")
        slugs[unit.slug] = unit
    if region is None:
        return None
    return Kommuner(region, units, codes, Location(path, 1))


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
        contacts = _strings(f.get("contacts", list, default=[]), f, "contacts", problems)
        f.finish()
        if ident:
            f.what = f"routine {ident}"
            if not SLUG_PATTERN.match(ident):
                problems.add(f.loc("id"), f"routine id '{ident}' may only use a–z, 0–9 and '-'",
                             "it becomes part of file names")
            if ident in seen:
                problems.add(f.loc("id"), f"duplicate routine id '{ident}'", "give every routine its own id")
            seen.add(ident)
        doc = documents.get(doc_key) if doc_key else None
        if doc_key and doc is None:
            problems.add(f.loc("document"), f"{f.what}: unknown document '{doc_key}'", suggest(doc_key, documents))
        commitments: list[Commitment] = []
        if doc is not None:
            numbers = {s.number for s in doc.sections}
            for number in sections:
                if str(number) not in numbers:
                    problems.add(f.loc("sections"), f"{f.what}: section {number} does not exist in {doc.key}",
                                 suggest(str(number), numbers))
            by_id = {c.id: c for c in doc.commitments}
            for cid in ids:
                if str(cid) in by_id:
                    commitments.append(by_id[str(cid)])
                else:
                    problems.add(f.loc("commitments"), f"{f.what}: commitment {cid} does not exist in {doc.key}",
                                 suggest(str(cid), by_id))
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
        routines.append(Routine(ident, title, doc.key, [str(s) for s in sections], commitments, purpose, scope,
                                phases, contacts, f.loc()))
    return routines


def load_commitment_tables(path: Path, problems: Problems) -> CommitmentTables | None:

    data = load_yaml(path, problems)
    if data is None:
        return None
    f = Fields(data, path.name, problems, Location(path, 1))
    values = {key: f.get(key) for key in ("title", "subtitle", "short_title", "file_stem", "matrix_title",
                                           "matrix_intro")}
    intro = _strings(f.get("intro", list, default=[]), f, "intro", problems)
    follow = f.get("follow_up", Node)
    f.finish()
    follow_up = None
    if follow is not None:
        g = Fields(follow, "follow_up", problems, f.loc("follow_up"))
        fvalues = {key: g.get(key) for key in ("file_stem", "title", "sheet")}
        options = _strings(g.get("status_options", list, default=[]), g, "status_options", problems)
        columns = _strings(g.get("columns", list, default=[]), g, "columns", problems)
        instructions = _strings(g.get("instructions", list, default=[]), g, "instructions", problems)
        g.finish()
        if columns and len(columns) != 3:
            problems.add(g.loc("columns"), "follow_up: columns must name three columns: status, responsible, comment",
                         "e.g. columns: [Status, Ansvarig, Kommentar]")
        if fvalues["sheet"] and (len(fvalues["sheet"]) > 31 or re.search(r"[\[\]:*?/\\]", fvalues["sheet"])):
            problems.add(g.loc("sheet"), "follow_up: sheet names in Excel have at most 31 characters and none of []:*?/\\",
                         "shorten the name")
        if all(fvalues.values()) and options and len(columns) == 3:
            follow_up = FollowUp(fvalues["file_stem"], fvalues["title"], fvalues["sheet"], options, columns, instructions)
    for key in ("file_stem",):
        if values[key] and not SLUG_PATTERN.match(values[key]):
            problems.add(f.loc(key), f"'{key}' may only use a–z, 0–9 and '-'", "it becomes part of file names")
    if None in values.values() or follow_up is None:
        return None
    return CommitmentTables(intro=intro, follow_up=follow_up, **values)
