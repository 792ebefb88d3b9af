"""The site's web forms: the avvikelse report (avvikelse.html) and the remiss answer
(remiss-svar.html). Each is a real HTML form (labels, fieldsets, hints and errors tied to their
fields) that saves what was written as a small self-contained HTML file: the answers shown as
text a person can read in any browser, and carried in a
`<script type="application/json" id="samverkan-…">` block that `samverkan avvikelser collect`
and `samverkan remiss collect` read beside the Word files (collect/untrusted.embedded_json).
Nothing is sent anywhere; without JavaScript the page says how to use the Word form instead.

Which questions a form asks, which are required and what their choices are is decided here
(the same as the Word forms: content/forms.py, remiss.py); their wording is the content's;
how the pages look and behave is templates/site/webform*.j2 and webform.js.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from samverkan.content.forms import CHOICES, DATES, GROUPS, MULTILINE, REQUIRED
from samverkan.model import Content
from samverkan.remiss import RemissEdition, chapters
from samverkan.targets.avvikelser import AvvikelserTarget, choices, hints, receiver_line
from samverkan.text import slugify

AVVIKELSE = "avvikelse.html"
REMISS_ANSWER = "remiss-svar.html"
AVVIKELSE_MARKER = "samverkan-avvikelse"      # collect/avvikelser.py WEB_MARKER
REMISS_MARKER = "samverkan-remiss"            # collect/answers.py WEB_MARKER


@dataclass(frozen=True)
class Question:
    """One question of a web form: `key` names its answer in the saved file."""

    key: str
    label: str
    kind: str                    # text, date, email, textarea, select, radios, checkboxes
    hint: str = ""
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()     # (value, shown)
    ident: str = ""              # the control's id (default: f-<key>)

    @property
    def id(self) -> str:
        return self.ident or f"f-{self.key.replace('.', '-').replace('_', '-')}"


@dataclass(frozen=True)
class Group:
    legend: str
    questions: tuple[Question, ...]
    repeat: str = ""             # a repeated group (the remiss answers): the key of its list
    items: tuple[tuple[Question, ...], ...] = field(default=())


def avvikelse_form(content: Content) -> dict | None:
    """The avvikelse web form's page context, or None when the content has no avvikelse form."""
    a = content.avvikelser
    if a is None:
        return None
    t = a.texts
    listed = choices(a)
    help_texts = hints(a)
    units = [(u.full_name, u.full_name, u.slug) for u in content.kommuner.units] if content.kommuner else []
    groups = []
    for name, keys in GROUPS:
        questions = []
        for key in keys:
            hint = t.hints[key] if key in CHOICES else help_texts[key]
            if key == "unit" and units:
                kind, options = "select", tuple((value, shown) for value, shown, _ in units)
            elif key in CHOICES:
                kind, options = ("checkboxes" if key == "parties" else "radios"), tuple((c, c) for c in listed[key])
            else:
                kind = "date" if key in DATES else "textarea" if key in MULTILINE else "text"
                options = ()
            questions.append(Question(f"answers.{key}", t.labels[key], kind, hint, key in REQUIRED, options,
                                      f"f-{key.replace('_', '-')}"))
        groups.append(Group(t.headings[name], tuple(questions)))
    word = AvvikelserTarget().form(content)
    return {"href": AVVIKELSE, "title": t.web.title, "file_title": a.title, "web": t.web, "groups": groups, "marker": AVVIKELSE_MARKER,
            "meta": {"form": a.form_id}, "file_stem": a.file_stem, "no_personal_data": t.form.no_personal_data,
            "intro": list(t.form.intro), "send_to": f"{t.form.send_to}: {receiver_line(a)}",
            "word_path": word.path, "unit_slugs": {slug: value for value, _, slug in units}}


def remiss_answer_form(content: Content, remiss: RemissEdition, words: str, form_path: str) -> dict | None:
    """The remiss answer's web form page context, or None when remiss.yaml has no `web:`."""
    web = content.remiss_web
    if web is None:
        return None
    f = remiss.texts.form
    respondent = Group(f.respondent_heading, (
        Question("respondent.organisation", f.organisation, "text", required=True),
        Question("respondent.contact", f.contact_person, "text"),
        Question("respondent.email", f.email, "email"),
        Question("respondent.date", f.date, "date", f.date_placeholder)))
    general = Group(f.general_heading, (Question("general", f.general_label, "textarea"),))
    options = tuple((f"{c.doc.key}|{c.section.number}", f"{c.doc.meta.short_title}: {c.heading}")
                    for d in remiss.documents for c in chapters(d))
    item = (Question("chapter", web.chapter, "select", required=True, choices=(("", web.choose),) + options,
                     ident="chapter"),
            Question("reference", f.reference, "text", f.answers_help, ident="reference"),
            Question("comment", f.comment, "textarea", ident="comment"),
            Question("proposal", f.proposal, "textarea", ident="proposal"))      # ids a1-chapter, a2-chapter, …
    answers = Group(web.answer, (), repeat="answers", items=(item,))
    return {"href": REMISS_ANSWER, "title": web.title, "file_title": f"{f.title}: {remiss.spec.title}", "web": web, "groups": [respondent, general, answers],
            "marker": REMISS_MARKER, "meta": {"form": "remiss", "remiss_id": remiss.id},
            "file_stem": f"remissvar-{slugify(remiss.spec.title, limit=30)}", "intro": [],
            "no_personal_data": "", "send_to": f"{remiss_words_line(remiss, words)}", "word_path": form_path,
            "unit_slugs": {}}


def remiss_words_line(remiss: RemissEdition, words: str) -> str:
    """What the remiss answer is about and where it goes, as the saved file states it."""
    answers = remiss.spec.answers
    where = answers.email if answers and answers.email else ", ".join(answers.address) if answers else ""
    return f"{remiss.texts.form.remiss_label}: {words}. {remiss.texts.missiv.send_to} {where}".strip()


# --- the pages, and the links to them (targets/site.py calls these) --------------------------

def avvikelse_page(site) -> dict | None:
    """The avvikelse form's page, with the Word form to download beside it; the link the start
    page shows (None: the content has no avvikelse form)."""
    form = avvikelse_form(site.content)
    if form is None:
        return None
    word = [d for d in [site.offer.download(form["word_path"])] if d]
    site.page("site/webform.html.j2", AVVIKELSE, title=form["title"], form=form, word=word)
    return avvikelse_link(site.content)


def avvikelse_link(content: Content, unit=None) -> dict | None:
    """The link to the avvikelse form (from a kommun's page: with its kommun or stadsdel chosen,
    in the row of the routine avvikelser.yaml names, else in a section of its own)."""
    a = content.avvikelser
    if a is None:
        return None
    query = f"?enhet={unit.slug}" if unit is not None else ""       # added after url(), which would quote it
    return {"href": AVVIKELSE, "query": query, "title": a.texts.web.title, "text": a.texts.web.link_text,
            "intro": a.texts.web.link_intro, "routine": a.routine}


def remiss_answer_page(site, remiss: RemissEdition, words: str, form_jobs: list) -> dict | None:
    """The remiss answer's web form page (when remiss.yaml has `web:`), with the Word form beside
    it; the link the remiss page shows."""
    form = remiss_answer_form(site.content, remiss, words, form_jobs[0].path if form_jobs else "")
    if form is None:
        return None
    word = site.offer.of_jobs(form_jobs)
    site.page("site/webform.html.j2", REMISS_ANSWER, title=form["title"], form=form, word=word)
    return {"href": REMISS_ANSWER, "text": form["web"].link_text}
