"""The wording and choices of the forms beyond the remiss's Word form: avvikelser.yaml (the
avvikelse form, its web page and the yearly compilation) and the `web:` part of
remiss/remiss.yaml (the remiss answer as a web form). Validated like the other catalogues
(content/catalogues.py): every problem with file, line and what to do."""

from __future__ import annotations

from pathlib import Path

from samverkan.content.catalogues import load_texts, where_to_send
from samverkan.content.fields import Fields, check_file_part, suggest, text_list
from samverkan.content.yamlfile import Node, load_yaml
from samverkan.errors import Location, Problems
from samverkan.model import Avvikelser, Contact, Texts, Topic

# The questions of the avvikelse form, in order, grouped as the form shows them (a table in
# Word, a fieldset on the web). Their wording is `labels` and `hints` in avvikelser.yaml.
GROUPS = (
    ("about", ("unit", "reporter", "event_date", "sent")),
    ("event", ("parties", "target_group", "commitments", "kind", "what", "done")),
    ("reply", ("receiver_unit", "reply_date", "reply")),
)
QUESTIONS = tuple(key for _, keys in GROUPS for key in keys)
CHOICES = ("parties", "target_group", "kind")               # answered from a list of choices
DATES = ("event_date", "sent", "reply_date")
MULTILINE = ("what", "done", "reply")
REQUIRED = ("unit", "sent", "kind", "what")                 # the web form insists on these

WEB_TEXTS = ("title", "intro", "no_script", "word_form", "required", "save", "saved", "error_summary",
             "error_required", "error_date", "file_intro", "link_text", "link_intro")
AVVIKELSE_TEXTS = {
    "form": (("intro", list), "no_personal_data", "send_to", "placeholder", "date_placeholder", "form_label"),
    "headings": tuple(name for name, _ in GROUPS),
    "labels": QUESTIONS,
    "hints": QUESTIONS,
    "web": WEB_TEXTS,
    "compilation": ("title", "file_stem", "intro", "summary", "as_of", "per_unit", "per_party", "per_target_group",
                    "per_kind", "per_commitment", "count", "chart_text", "replies_heading", "replies_text", "replied",
                    "replied_late", "waiting", "overdue", "previous_heading", "previous_missing", "reports_heading",
                    "masked_heading", "masked_note", "duplicate", "unreadable_heading", "none", "file", "unknown",
                    "not_given"),
    "masked": ("personnummer", "samordningsnummer", "phone", "email"),
}
OTHER_KEYS = ("title", "file_stem", "version", "reply_days", "publish_compilation", "receiver", "parties",
              "target_groups", "kinds", "routine")
DEFAULT_REPLY_DAYS = 60

# The remiss answer as a web form: `web:` in remiss/remiss.yaml (the questions are the Word
# form's, `form:` there).
REMISS_WEB_TEXTS = {"web": ("title", "intro", "no_script", "word_form", "required", "save", "saved", "error_summary",
                            "error_required", "error_date", "error_email", "file_intro", "answer", "chapter",
                            "choose", "add_answer", "remove_answer", "link_text")}


def load_avvikelser(path: Path, topics: dict[str, Topic], problems: Problems,
                    routines: tuple[str, ...] = ()) -> Avvikelser | None:
    """avvikelser.yaml as the model's Avvikelser; None (with its problems recorded) when invalid.
    `routines`: the ids of routines.yaml, one of which `routine` may name."""
    data = load_yaml(path, problems)
    if data is None:
        return None
    texts = load_texts(path, AVVIKELSE_TEXTS, problems, data=data, allowed_extra=OTHER_KEYS)
    f = Fields(data, path.name, problems, Location(path, 1))
    title, file_stem, version = f.get("title"), f.get("file_stem"), f.get("version")
    days = f.get("reply_days", int, required=False, default=DEFAULT_REPLY_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        problems.add(f.loc("reply_days"), f"avvikelser: reply_days must be a number of days from 1 to 365, not {days!r}",
                     "write e.g. reply_days: 60")
        days = None
    publish = f.get("publish_compilation", bool, required=False, default=False)
    check_file_part(file_stem, f.loc("file_stem"), "avvikelser: file_stem", problems, "'avvikelserapport'")
    check_file_part(version, f.loc("version"), "avvikelser: version", problems, "\"1\"")
    receiver, address = _receiver(f, problems)
    parties = _choices(f, "parties", problems)
    kinds = _choices(f, "kinds", problems)
    target_groups: list[Topic] = []
    ids = f.get("target_groups", list, required=False, default=None)
    if ids is None:
        target_groups = list(topics.values())
    else:
        for ident in text_list(ids, f, "target_groups", problems):
            if ident in topics:
                target_groups.append(topics[ident])
            else:
                problems.add(f.loc("target_groups"), f"avvikelser: target_groups: unknown topic '{ident}'",
                             suggest(ident, topics), after={("topic", ident)})
    routine = f.get("routine", required=False)
    if routine is not None and routine not in routines:
        problems.add(f.loc("routine"), f"avvikelser: routine '{routine}' is not a routine of routines.yaml",
                     suggest(routine, routines))
        routine = None
    f.finish(tuple(AVVIKELSE_TEXTS))
    if texts is not None:
        stem = texts["compilation"]["file_stem"]
        if not check_file_part(stem, f.loc("compilation"), "avvikelser: compilation: file_stem", problems,
                               "'avvikelser'"):
            texts = None
    node = data.get("compilation") if isinstance(data, Node) else None
    replies = node.get("replies_text") if isinstance(node, Node) else None
    if isinstance(replies, str) and not ("{days}" in replies and "{date}" in replies):
        problems.add(node.loc("replies_text"), "avvikelser: compilation: replies_text must contain {days} (filled "
                                               "in with reply_days) and {date} (the day replies are counted up to)",
                     "e.g. replies_text: Svar ska komma inom {days} dagar. Svarstiden är räknad fram till den {date}.")
        texts = None
    if None in (title, file_stem, version, days, receiver, texts) or not (parties and kinds and target_groups):
        return None
    return Avvikelser(title, file_stem, version, days, publish, receiver, address, parties, target_groups, kinds,
                      texts, Location(path, 1), routine)


def _choices(f: Fields, key: str, problems: Problems) -> list[str]:
    values = text_list(f.get(key, list, default=[]), f, key, problems)
    seen: set[str] = set()
    for value in values:
        if value.casefold() in seen:
            problems.add(f.loc(key), f"avvikelser: {key}: '{value}' is listed twice", "list every choice once")
        seen.add(value.casefold())
        if "," in value or ";" in value:
            problems.add(f.loc(key), f"avvikelser: {key}: '{value}' holds ',' or ';', which separate the choices "
                                     "a form writes", "write the choice without them")
    return values


def _receiver(f: Fields, problems: Problems) -> tuple[Contact | None, list[str]]:
    """Who receives the reports: a name and organisation, and an e-mail or a postal address."""
    node = f.get("receiver", Node)
    if node is None:
        return None, []
    g = Fields(node, "avvikelser: receiver", problems, f.loc("receiver"))
    name, organisation = g.get("name"), g.get("organisation")
    to = where_to_send(g, f.loc("receiver"), "a report", "avvikelser@example.se", problems)
    g.finish()
    if None in (name, organisation, to):
        return None, []
    return Contact(name, organisation, to.email, None), to.address


def load_remiss_web(path: Path, problems: Problems) -> Texts | None:
    """The `web:` wording of remiss/remiss.yaml (the remiss answer as a web form); None when the
    file has none (the site then offers the Word form only)."""
    data = load_yaml(path, problems)
    if not isinstance(data, Node) or "web" not in data:
        return None
    texts = load_texts(path, REMISS_WEB_TEXTS, problems, data=data,
                       allowed_extra=tuple(k for k in data if k != "web"))
    return texts["web"] if texts is not None else None
