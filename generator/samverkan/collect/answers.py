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

from samverkan.collect.documents import SUFFIXES, Paragraph, TextDocument, filled, read_text_document
from samverkan.collect.untrusted import Package, Rejected, Source, read_file, sources
from samverkan.model import Content, Texts
from samverkan.remiss import (
    FORM_PROPERTY, Chapter, ReferenceIndex, RemissEdition, answer_refs, chapters, edition, remiss_words,
    same_organisation,
)
from samverkan.text import normalise, slugify

WHAT = "response form (.docx or .odt)"


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
        self.answer_header = tuple(_label(x) for x in (self.t.reference, self.t.comment, self.t.proposal))
        self.respondent_labels = {_label(self.t.organisation): "organisation", _label(self.t.contact_person): "contact",
                                  _label(self.t.email): "email", _label(self.t.date): "date"}
        self.placeholders = {normalise(self.t.placeholder), normalise(self.t.date_placeholder)}

    def value(self, text: str) -> str | None:
        """A cell as the respondent filled it: None where only the placeholder shows; a placeholder
        left in front of typed text is dropped."""
        return filled(text, self.placeholders)

    def identify(self, document: TextDocument) -> None:
        found = normalise(document.properties.get(FORM_PROPERTY, ""))
        if found and found != self.remiss.id:
            raise Rejected(f"answers another remiss version ({found}); this remiss is {self.remiss.id}. "
                           "Ask the sender to copy the answers into the current response form")
        if not found:
            words = normalise(remiss_words(self.remiss))
            texts = [b.text for b in document.blocks if isinstance(b, Paragraph)]
            if not any(words in text for text in texts):
                raise Rejected("is not a response form of this remiss: it has neither the remiss property "
                               f"'{FORM_PROPERTY}' nor the line '{words}'")

    def read(self, document: TextDocument, file: str) -> tuple[Response, list[tuple[Chapter | None, str | None,
                                                                                   str | None, str | None]]]:
        """The respondent and the answer rows (chapter, cited, comment, proposal) of one form."""
        self.identify(document)
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
        organisation = respondent.get("organisation")
        if not organisation:
            raise Rejected(f"does not say which organisation answers (the field {self.t.organisation} is empty)")
        on_list = any(same_organisation(organisation, r) for r in self.remiss.spec.recipients)
        response = Response(file, organisation, respondent.get("contact"), respondent.get("email"),
                            respondent.get("date"), "\n\n".join(general) or None, on_list)
        return response, rows


def read_form(source: Source, reader: FormReader):
    """One form from outside: its respondent and answer rows, or Rejected."""
    data = read_file(source.path)
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
    found = sources(paths, SUFFIXES)
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
