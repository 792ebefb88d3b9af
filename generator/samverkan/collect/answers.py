"""The answers to a remiss, read back from filled-in response forms.

A form is recognised by what every office program keeps: the custom document property
`remiss-id` (the exact remiss version), or else the remiss described in words in its first
lines; its answers by the visible tables: the respondent table (Organisation, Kontaktperson,
…), the general comments, and one answers table per chapter whose column Hänvisning says
which paragraph or commitment a comment is about. Word's content-control tags are not needed
(LibreOffice drops them), nor the controls themselves (people type over them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from samverkan.collect.documents import SUFFIXES, Paragraph, TextDocument, cell_text, filled, read_text_document
from samverkan.collect.untrusted import Package, Rejected, Source, embedded_json, looks_like_html, read_file, sources
from samverkan.collect.versions import FormVersion
from samverkan.model import Content, Texts
from samverkan.remiss import (
    FORM_PROPERTY, Chapter, ReferenceIndex, RemissEdition, answer_refs, chapters, edition, remiss_words,
    same_organisation,
)
from samverkan.text import normalise, slugify

WHAT = "response form (.docx or .odt)"
WEB_MARKER = "samverkan-remiss"        # the block of answers a saved web form carries (targets/webforms.py)


@dataclass(frozen=True)
class Answer:
    organisation: str
    file: str
    cited: str | None          # what the respondent wrote under Hänvisning
    comment: str | None
    proposal: str | None
    placed: bool = True        # False: the reference names nothing in the remiss (kept under its chapter)


@dataclass(frozen=True)
class Response:
    file: str
    organisation: str
    contact: str | None
    email: str | None
    date: str | None
    general: str | None
    on_list: bool
    duplicate_of: str | None = None    # an earlier form from the same organisation (both are compiled)


@dataclass
class Compilation:
    remiss: RemissEdition
    responses: list[Response]
    answers: dict[tuple[str, str], list[Answer]]    # (document key, ref) → answers, in file order
    rejected: list[tuple[str, str]]                 # (file, why)
    missing: list[str]                              # remissinstanser that did not answer
    forms: int = 0                                  # files read (compiled + rejected)
    unplaced: list[Answer] = field(default_factory=list)   # answers in a table whose chapter is unknown

    @property
    def duplicates(self) -> list[Response]:
        return [r for r in self.responses if r.duplicate_of]


def _label(text: str) -> str:
    return slugify(text.rstrip(":"))


class FormReader:
    """Reads the forms of one remiss edition."""

    def __init__(self, remiss: RemissEdition):
        self.remiss = remiss
        self.t: Texts = remiss.texts.form
        self.index = ReferenceIndex(remiss)
        self.doc_titles = {_label(d.meta.title): d.key for d in remiss.documents}
        self.chapters = {(c.doc.key, _label(c.heading)): c for d in remiss.documents for c in chapters(d)}
        self.by_number = {(c.doc.key, c.section.number): c for c in self.chapters.values()}
        self.answer_header = tuple(_label(x) for x in (self.t.reference, self.t.comment, self.t.proposal))
        self.respondent_labels = {_label(self.t.organisation): "organisation", _label(self.t.contact_person): "contact",
                                  _label(self.t.email): "email", _label(self.t.date): "date"}
        self.placeholders = {normalise(self.t.placeholder), normalise(self.t.date_placeholder)}
        self.version = FormVersion("remiss", "a response form of this remiss", "response form", FORM_PROPERTY,
                                   remiss.id, remiss_words(remiss))

    def value(self, text: str) -> str | None:
        """A cell as the respondent filled it: None where only the placeholder shows; a placeholder
        left in front of typed text is dropped."""
        return filled(text, self.placeholders)

    def read(self, document: TextDocument, file: str) -> tuple[Response, list[tuple[Chapter | None, str | None,
                                                                                   str | None, str | None]]]:
        """The respondent and the answer rows (chapter, cited, comment, proposal) of one form."""
        self.version.identify(document)
        respondent: dict[str, str | None] = {}
        general: list[str] = []
        rows = []
        doc_key: str | None = None
        chapter: Chapter | None = None
        for block in document.blocks:
            if isinstance(block, Paragraph):
                label = _label(block.text)
                if label in self.doc_titles:
                    doc_key, chapter = self.doc_titles[label], None
                elif doc_key and (doc_key, label) in self.chapters:
                    chapter = self.chapters[(doc_key, label)]
                continue
            header = tuple(_label(c) for c in block.rows[0]) if block.rows else ()
            if header[:3] == self.answer_header:
                for cells in block.rows[1:]:
                    cited, comment, proposal = (self.value(c) for c in (list(cells) + ["", "", ""])[:3])
                    if comment or proposal:
                        rows.append((chapter, cited, comment, proposal))
            elif header == (_label(self.t.general_label),):
                general += [v for cells in block.rows[1:] for v in map(self.value, cells) if v]
            elif header and all(label in self.respondent_labels for label in header) and len(block.rows) > 1:
                for label, cell in zip(header, block.rows[1]):
                    respondent[self.respondent_labels[label]] = self.value(cell)
        return self.response(respondent, general, rows, file)

    def read_web(self, value: dict, file: str):
        """The answers the site's web form saved (targets/webforms.py): the same respondent,
        general comments and answer rows as a Word form's."""
        if value.get("form") != "remiss":
            raise Rejected(f"is not a remiss answer saved by the site's form (it says it is '{value.get('form')}')")
        found = value.get("remiss_id")
        self.version.check(normalise(found) if isinstance(found, str) else "?")
        given = value.get("respondent") if isinstance(value.get("respondent"), dict) else {}
        respondent = {key: self.value(cell_text(text)) if isinstance(text := given.get(key), str) else None
                      for key in ("organisation", "contact", "email", "date")}
        general = [cell_text(text) for text in [value.get("general")] if isinstance(text, str) and text.strip()]
        rows = []
        for item in value.get("answers") if isinstance(value.get("answers"), list) else []:
            if not isinstance(item, dict):
                continue
            texts = [self.value(cell_text(x)) if isinstance(x := item.get(key), str) else None
                     for key in ("chapter", "reference", "comment", "proposal")]
            if texts[2] or texts[3]:
                doc_key, _, number = (texts[0] or "").partition("|")
                rows.append((self.by_number.get((doc_key, number)), *texts[1:]))
        return self.response(respondent, general, rows, file)

    def response(self, respondent: dict, general: list[str], rows: list, file: str):
        organisation = respondent.get("organisation")
        if not organisation:
            raise Rejected(f"does not say which organisation answers (the field {self.t.organisation} is empty)")
        on_list = any(same_organisation(organisation, r) for r in self.remiss.spec.recipients)
        response = Response(file, organisation, respondent.get("contact"), respondent.get("email"),
                            respondent.get("date"), "\n\n".join(general) or None, on_list)
        return response, rows


def read_form(source: Source, reader: FormReader):
    """One form from outside (Word, LibreOffice, or the site's web form): its respondent and
    answer rows, or Rejected."""
    data = read_file(source.path)
    if looks_like_html(data):
        return reader.read_web(embedded_json(data, WEB_MARKER, "remiss answer"), source.name)
    package = Package(data, WHAT)
    return reader.read(read_text_document(package), source.name)


def collect(content: Content, paths: list[Path]) -> Compilation:
    """Read every response form; a file that cannot be used is listed with the reason, and
    the others are still compiled. A second form from the same organisation is compiled too,
    and marked as such."""
    remiss = edition(content, None, need_deadline=False)
    reader = FormReader(remiss)
    answers: dict[tuple[str, str], list[Answer]] = {(doc.key, ref): [] for doc, _, ref, _ in answer_refs(remiss)}
    unplaced: list[Answer] = []
    responses: list[Response] = []
    rejected: list[tuple[str, str]] = []
    found = sources(paths, SUFFIXES + (".html", ".htm"))
    for source in found:
        try:
            response, rows = read_form(source, reader)
        except Rejected as exc:
            rejected.append((source.name, exc.message))
            continue
        earlier = next((r for r in responses if same_organisation(r.organisation, response.organisation)), None)
        if earlier is not None:
            response = Response(**{**response.__dict__, "duplicate_of": earlier.file})
        responses.append(response)
        for chapter, cited, comment, proposal in rows:
            target = reader.index.resolve(cited, chapter)
            if target is None and chapter is None:
                unplaced.append(Answer(response.organisation, source.name, cited, comment, proposal, placed=False))
                continue
            placed = target is not None or not cited
            key = target or (chapter.doc.key, chapter.section.number)
            answers[key].append(Answer(response.organisation, source.name, cited, comment, proposal, placed))
    missing = [r for r in remiss.spec.recipients
               if not any(same_organisation(r, response.organisation) for response in responses)]
    return Compilation(remiss, responses, answers, rejected, missing, len(found), unplaced)
