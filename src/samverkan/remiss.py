"""The remiss (consultation): its editions, the references answers cite, and compiling the
answers that come back in filled-in response forms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from samverkan.ooxml import controls
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


def field_tag(kind: str, doc_key: str, ref: str) -> str:
    """The content-control tag of an answer: "synpunkt:agreement:3.1:4", "forslag:agreement:a-3.1-2"."""
    return f"{kind}:{doc_key}:{ref.lower().replace(' ', '-')}"


def excerpt(text: str, words: int = EXCERPT_WORDS) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


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


def parse_deadline(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise UsageProblem(f"--deadline must be a date written YYYY-MM-DD, not '{text}'") from exc


def same_organisation(a: str, b: str) -> bool:
    return slugify(a) == slugify(b)


def form_files(paths: list[Path]) -> list[Path]:
    """The .docx files named, and those inside named folders (Word's ~$ lock files skipped)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.docx") if not p.name.startswith("~$")))
        else:
            found.append(path)
    return found


# --- compiling the answers ---------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    organisation: str
    comment: str | None
    proposal: str | None


@dataclass(frozen=True)
class Response:
    file: str
    organisation: str
    contact: str | None
    email: str | None
    date: str | None
    general: str | None
    on_list: bool


@dataclass
class Compilation:
    remiss: RemissEdition
    responses: list[Response]
    answers: dict[tuple[str, str], list[Answer]]    # (document key, ref) → answers, in file order
    rejected: list[tuple[str, str]]                 # (file, why)
    missing: list[str]                              # remissinstanser that did not answer


def answer_refs(remiss: RemissEdition) -> list[tuple[Document, Section, str, str]]:
    """(document, section, ref, excerpt) of everything an answer can cite, in reading order;
    the section itself first ("Hela avsnittet")."""
    refs = []
    for doc in remiss.documents:
        for section in doc.sections:
            refs.append((doc, section, section.number, ""))
            refs.extend((doc, section, row.ref, row.excerpt) for row in reference_rows(doc, section))
    return refs


def read_form(path: Path, remiss: RemissEdition) -> dict[str, str | None]:
    """The values of a filled-in response form; UsageProblem saying what is wrong with the file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageProblem(f"cannot be read ({exc.strerror})") from exc
    try:
        values = controls.read(data)
    except controls.NotAForm as exc:
        raise UsageProblem(f"is not a response form: {exc}") from exc
    if "remiss-id" not in values:
        raise UsageProblem("is not a response form of this remiss (it has no remiss version)")
    if values["remiss-id"] != remiss.id:
        raise UsageProblem(f"answers another remiss version ({values['remiss-id']}); this remiss is {remiss.id}. "
                           "Ask the sender to copy the answers into the current response form")
    if not values.get("organisation"):
        raise UsageProblem("does not say which organisation answers (the field Organisation is empty)")
    return values


def collect(content: Content, paths: list[Path]) -> Compilation:
    """Read every response form; a file that cannot be used is listed with the reason, and
    the others are still compiled."""
    remiss = edition(content, None, need_deadline=False)
    refs = answer_refs(remiss)
    answers: dict[tuple[str, str], list[Answer]] = {(doc.key, ref): [] for doc, _, ref, _ in refs}
    responses: list[Response] = []
    rejected: list[tuple[str, str]] = []
    for path in form_files(paths):
        try:
            values = read_form(path, remiss)
        except UsageProblem as exc:
            rejected.append((str(path), exc.message))
            continue
        organisation = values["organisation"] or ""
        on_list = any(same_organisation(organisation, r) for r in remiss.spec.recipients)
        responses.append(Response(str(path), organisation, values.get("kontaktperson"), values.get("e-post"),
                                  values.get("datum"), values.get("allmanna-synpunkter"), on_list))
        for doc, _, ref, _ in refs:
            comment = values.get(field_tag("synpunkt", doc.key, ref))
            proposal = values.get(field_tag("forslag", doc.key, ref))
            if comment or proposal:
                answers[(doc.key, ref)].append(Answer(organisation, comment, proposal))
    missing = [r for r in remiss.spec.recipients
               if not any(same_organisation(r, response.organisation) for response in responses)]
    return Compilation(remiss, responses, answers, rejected, missing)


__all__ = ["RemissEdition", "Reference", "edition", "reference_rows", "collect", "Compilation", "answer_refs"]
