"""The remiss (consultation): its editions, the references answers cite, and the layout of the
response form (which chapters it asks about, how a typed reference finds what it cites).
Reading the forms that come back is collect/answers.py."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from samverkan.dates import long_date
from samverkan.model import Remiss, Texts
from samverkan.text import slugify
from samverkan.errors import UsageProblem
from samverkan.model import CommitmentsHere, Content, Document, Paragraph, Section, walk_blocks

EXCERPT_WORDS = 12


@dataclass(frozen=True)
class RemissEdition:
    """One remiss round: what is sent, when, and by when the answers are due."""

    spec: Remiss
    documents: tuple[Document, ...]
    date: dt.date
    deadline: dt.date

    @property
    def texts(self) -> Texts:
        return self.spec.texts

    @property
    def id(self) -> str:
        """Names this remiss version in every response form: answers to another version are refused."""
        return f"{self.date.isoformat()}/" + "/".join(f"{d.key}-{d.meta.version}" for d in self.documents)


@dataclass(frozen=True)
class Reference:
    ref: str          # "3.1:4", or a commitment's id
    excerpt: str      # the first words, to recognise the paragraph


def excerpt(text: str, words: int = EXCERPT_WORDS) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def citation_examples(doc: Document) -> dict[str, str]:
    """What the response form shows as examples of references in a document's tables: its own
    first commitment and a paragraph of the same section (never a reference of another
    document): {paragraph: "2.1.2:2", section: "2.1.2", number: "2", commitment: "A-2.1.2-1"}."""
    first = doc.commitments[0] if doc.commitments else None
    numbered = [s for s in doc.sections if any(p.number for p in s.paragraphs())]
    section = next((s for s in numbered if first and s.number == first.section), numbered[0] if numbered else None)
    numbers = [p.number for p in section.paragraphs() if p.number] if section else []
    number = next((n for n in numbers if n > 1), numbers[0] if numbers else None)
    return {"paragraph": f"{section.number}:{number}" if section and number else "",
            "section": section.number if section else "", "number": str(number or ""),
            "commitment": first.id if first else ""}


def reference_rows(doc: Document, section: Section) -> list[Reference]:
    """Everything in a section an answer can cite, in reading order: its paragraphs (by their
    stable number) and the commitments it defines (by id)."""
    rows = []
    for block in walk_blocks(section.blocks):
        if isinstance(block, Paragraph) and block.number is not None:
            rows.append(Reference(section.ref(block), excerpt(block.text)))
        elif isinstance(block, CommitmentsHere):
            rows.extend(Reference(c.id, excerpt(c.full_text)) for c in doc.commitments_of(section.number))
    return rows


def edition(content: Content, deadline: dt.date | None, need_deadline: bool = True) -> RemissEdition:
    """The remiss round the content describes; `need_deadline=False` when compiling answers."""
    spec = content.remiss
    if spec is None:
        raise UsageProblem(f"the remiss needs {content.root / 'remiss' / 'remiss.yaml'}")
    if deadline is None and need_deadline:
        raise UsageProblem("the remiss needs its answer deadline: samverkan build remiss --deadline YYYY-MM-DD")
    documents = tuple(content.documents[key] for key in spec.documents)
    date = max(d.meta.date for d in documents)
    if deadline is not None and deadline <= date:
        raise UsageProblem(f"the deadline {deadline.isoformat()} is not after the remiss date {date.isoformat()} "
                           "(the documents' date); give a later --deadline")
    missing = [(d, p.loc) for d in documents for s in d.sections for p in s.paragraphs() if p.number is None]
    if missing:
        where = "\n".join(f"  {loc.display(content.root)}" for _, loc in missing[:10])
        more = f"\n  … and {len(missing) - 10} more" if len(missing) > 10 else ""
        raise UsageProblem(f"{len(missing)} paragraphs have no stable reference yet, so answers could not cite "
                           f"them:\n{where}{more}\nRun `samverkan number` (it adds the missing {{¶n}} markers).")
    return RemissEdition(spec, documents, date, deadline or date)


def same_organisation(a: str, b: str) -> bool:
    """Organisation names compared as people mean them: case, accents, punctuation and spacing
    do not matter ("RFHL" = "rfhl", "Täby kommun" = "TABY  KOMMUN")."""
    return slugify(a) == slugify(b)


# --- the response form's layout: what it asks, and how answers find what they cite -----------

FORM_PROPERTY = "remiss-id"    # a custom document property holding RemissEdition.id, kept by Word and LibreOffice
ANSWER_ROWS = 3                # empty answer rows per chapter (people add rows with Tab in the last cell)


@dataclass(frozen=True)
class Chapter:
    """A top-level section of a document on remiss, with the sections under it: the form has
    one table of answers per chapter."""

    doc: Document
    section: Section
    sections: tuple[Section, ...]

    @property
    def heading(self) -> str:
        return self.section.heading


def chapters(doc: Document) -> list[Chapter]:
    """The document's chapters (sections of the top level) in order, each with its subsections."""
    top = min((s.level for s in doc.sections), default=1)
    out: list[tuple[Section, list[Section]]] = []
    for section in doc.sections:
        if section.level == top or not out:
            out.append((section, [section]))
        else:
            out[-1][1].append(section)
    return [Chapter(doc, head, tuple(members)) for head, members in out]


def remiss_words(remiss: RemissEdition) -> str:
    """The remiss in words, as the form shows it (the exact id is kept in a document property)."""
    docs = [f"{d.meta.title}, version {d.meta.version}" for d in remiss.documents]
    listed = docs[0] if len(docs) == 1 else ", ".join(docs[:-1]) + " och " + docs[-1]
    return f"{listed} (remissversion {long_date(remiss.date)})"


def answer_field_tag(kind: str, chapter: Chapter, row: int) -> str:
    """The content-control tag of an answer cell: "synpunkt:agreement:3:2" (Word keeps tags,
    LibreOffice drops them: answers are read by the table they are in, not by tag)."""
    return f"{kind}:{chapter.doc.key}:{slugify(chapter.section.number)}:{row}"


def _reference_key(text: str) -> str:
    """A typed reference as a lookup key: "[3.1:4]", "3.1 : 4", "a–3.1–2" → "3.1:4", "a-3.1-2"."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate({ord(c): "-" for c in "‐‑‒–—−"})
    text = re.sub(r"[\[\]()§¶\s]+", "", text)
    for word in ("avsnitt", "stycke", "åtagande", "nr"):
        text = text.replace(word, "")
    return text.strip(".,;")


@dataclass
class ReferenceIndex:
    """Resolves what a respondent typed in the column Hänvisning to something the remiss
    contains: a paragraph ("3.1:4"), a commitment ("A-3.1-2") or a section ("3.1")."""

    remiss: RemissEdition

    def __post_init__(self) -> None:
        self.by_doc: dict[str, dict[str, str]] = {}
        self.commitments: dict[str, tuple[str, str]] = {}
        for doc, _, ref, _ in answer_refs(self.remiss):
            self.by_doc.setdefault(doc.key, {})[_reference_key(ref)] = ref
        for doc in self.remiss.documents:
            for c in doc.commitments:
                self.commitments[_reference_key(c.id)] = (doc.key, c.id)

    def resolve(self, typed: str | None, chapter: Chapter | None) -> tuple[str, str] | None:
        """(document key, ref) of the first reference in `typed` the remiss has; the chapter's
        own document first, then the others. None when nothing matches."""
        if not typed:
            return None
        first_doc = [chapter.doc.key] if chapter else []
        order = first_doc + [d.key for d in self.remiss.documents if d.key not in first_doc]
        for part in re.split(r"[,;/\n]|\soch\s|\s&\s", typed):
            key = _reference_key(part)
            if not key:
                continue
            if key in self.commitments:
                return self.commitments[key]
            for doc_key in order:
                if key in self.by_doc.get(doc_key, {}):
                    return doc_key, self.by_doc[doc_key][key]
        return None


def answer_refs(remiss: RemissEdition) -> list[tuple[Document, Section, str, str]]:
    """(document, section, ref, excerpt) of everything an answer can cite, in reading order;
    the section itself first ("Hela avsnittet")."""
    refs = []
    for doc in remiss.documents:
        for section in doc.sections:
            refs.append((doc, section, section.number, ""))
            refs.extend((doc, section, row.ref, row.excerpt) for row in reference_rows(doc, section))
    return refs


__all__ = ["RemissEdition", "Reference", "Chapter", "ReferenceIndex", "edition", "reference_rows", "answer_refs",
           "chapters", "remiss_words", "same_organisation"]
