"""The validated content model: what every target renders from.

Everything here is plain data. `content.load_content` builds it and guarantees the
cross-references hold (every commitment's party, topic and section exist, every table
and footnote referenced is defined, ...), so renderers never have to check again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Union

from samverkan.errors import Location
from samverkan.project import Templates

STATUSES = ("utkast", "remiss", "antagen")


# --- inline content -------------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    value: str


@dataclass(frozen=True)
class NoteRef:
    """A footnote reference `[^label]` in running text."""

    label: str


Inline = Union[Text, NoteRef]


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The text of inline content without footnote markers."""
    return "".join(i.value for i in inlines if isinstance(i, Text))


# --- blocks -----------------------------------------------------------------------------

@dataclass
class Paragraph:
    inlines: tuple[Inline, ...]
    loc: Location
    number: int | None = None   # the stable paragraph number within its section ({¶4})
    end_line: int = 0           # the paragraph's last line in its file (where {¶4} goes)
    kind: str = field(default="paragraph", init=False)

    @property
    def text(self) -> str:
        return plain_text(self.inlines)


@dataclass
class Subheading:
    """An unnumbered heading inside a numbered section (not in the table of contents)."""

    level: int
    text: str
    loc: Location
    kind: str = field(default="subheading", init=False)


@dataclass
class ListBlock:
    ordered: bool
    items: list[list["Block"]]
    loc: Location
    start: int = 1
    kind: str = field(default="list", init=False)


@dataclass
class FactBox:
    blocks: list["Block"]
    loc: Location
    kind: str = field(default="factbox", init=False)


@dataclass
class CommitmentsHere:
    """`[[åtaganden]]`: the commitments defined by the enclosing section."""

    loc: Location
    kind: str = field(default="commitments", init=False)


@dataclass
class CommitmentSummary:
    """`[[sammanställning av åtaganden]]`: every commitment, by party then topic."""

    loc: Location
    kind: str = field(default="summary", init=False)


@dataclass
class TableRef:
    table_id: str
    loc: Location
    kind: str = field(default="table", init=False)


Block = Union[Paragraph, Subheading, ListBlock, FactBox, CommitmentsHere, CommitmentSummary, TableRef]


def walk_blocks(blocks: list[Block]):
    """Every block, depth first, including those inside lists and fact boxes."""
    for block in blocks:
        yield block
        if isinstance(block, ListBlock):
            for item in block.items:
                yield from walk_blocks(item)
        elif isinstance(block, FactBox):
            yield from walk_blocks(block.blocks)


# --- document structure -----------------------------------------------------------------

@dataclass
class Section:
    """A numbered heading and the blocks up to the next numbered heading."""

    number: str          # "3.1", "Bilaga 1"
    title: str
    level: int
    loc: Location
    blocks: list[Block] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}"

    def paragraphs(self) -> list[Paragraph]:
        """Every paragraph of the section, in lists and fact boxes too, in reading order."""
        return [b for b in walk_blocks(self.blocks) if isinstance(b, Paragraph)]

    def ref(self, paragraph: Paragraph) -> str | None:
        """The paragraph's stable reference, "3.1:4" (None until it is numbered)."""
        return f"{self.number}:{paragraph.number}" if paragraph.number is not None else None


@dataclass
class Footnote:
    label: str
    inlines: tuple[Inline, ...]
    loc: Location


@dataclass
class Party:
    id: str
    name: str
    lead: str
    loc: Location
    within: str | None = None


@dataclass
class Topic:
    id: str
    name: str
    loc: Location


@dataclass
class Commitment:
    id: str
    section: str
    party: Party
    group_party: Party       # whose list it appears in: a named actor sits in its parent's
    topic: Topic
    text: str
    loc: Location
    document: str            # key of the document that defines it

    @property
    def full_text(self) -> str:
        """The commitment as a sentence that stands on its own within its party's list."""
        if self.party is not self.group_party:
            return f"{self.party.lead} {self.text}"
        return self.text


@dataclass
class Table:
    id: str
    caption: str
    columns: list[str]
    rows: list[list[str]]
    loc: Location
    widths: list[float] | None = None


@dataclass
class Revision:
    """One version in the document's history (versionshistorik)."""

    version: str
    date: str            # YYYY-MM-DD, or YYYY where only the year is known
    status: str
    decision: str        # beslut
    summary: str
    loc: Location


@dataclass
class Metadata:
    title: str
    subtitle: str
    short_title: str
    version: str
    status: str
    date: dt.date
    diarienummer: str | None
    parties: list[str]
    author: str
    subject: str
    keywords: list[str]
    file_stem: str
    publishers: list[list[str]] = field(default_factory=list)
    history: list[Revision] = field(default_factory=list)
    adopted: str | None = None   # when the agreement in force was adopted: YYYY or YYYY-MM-DD (status antagen)

    @property
    def draft(self) -> bool:
        """Not adopted (an utkast or a remissversion): every writer that marks a draft (the
        watermark, the workbook's rows, the site's lists) asks here."""
        return self.status != "antagen"

    @property
    def decision(self) -> str | None:
        """What was decided about this version (its entry in the history), if recorded."""
        return self.history[-1].decision if self.history else None

    @property
    def edition_of_adopted(self) -> bool:
        """An edition dated after the adoption of the text it carries (e.g. an editorial 1.1
        of an agreement adopted in 2017): the title page then shows both dates."""
        return bool(self.adopted) and not self.date.isoformat().startswith(str(self.adopted))


@dataclass
class Document:
    key: str                      # folder name: "agreement", "supplement"
    kind: str                     # manifest kind
    meta: Metadata
    id_prefix: str
    sections: list[Section]
    footnotes: dict[str, Footnote]
    commitments: list[Commitment]
    tables: dict[str, Table]
    folder: Path
    parties: dict[str, Party]     # as this document names them (see party_names), in order
    relates_to: str | None = None

    def section(self, number: str) -> Section:
        for section in self.sections:
            if section.number == number:
                return section
        raise KeyError(number)

    def commitments_of(self, number: str) -> list[Commitment]:
        return [c for c in self.commitments if c.section == number]


# --- the catalogues around the agreements (kommuner, routines, tables, remiss) -----------

@dataclass
class LocalUnit:
    """Who gets a set of routine templates: a kommun, or a stadsdel of Stockholm."""

    name: str            # "Täby", "Bromma"
    full_name: str       # "Täby kommun", "Bromma stadsdelsområde, Stockholms stad"
    slug: str            # "taby", "stockholm-bromma"
    code: str            # kommunkod of the kommun
    committee: str       # "Socialnämnden", "Bromma stadsdelsnämnd"
    organisation: str    # "Täby kommun", "Stockholms stad"
    local_council: str | None
    kommun_name: str     # "Täby", "Stockholm"

    @property
    def committee_party(self) -> str:
        """The kommun's party in a routine: "Socialnämnden, Täby kommun"."""
        return f"{self.committee}, {self.organisation}"


@dataclass
class Region:
    name: str
    units: list[str]


@dataclass
class Kommuner:
    region: Region
    units: list[LocalUnit]           # every kommun without units, and every unit of those with
    kommun_codes: dict[str, str]     # kommun name → code
    loc: Location


@dataclass
class Phase:
    name: str
    guidance: str


@dataclass
class Routine:
    id: str
    title: str
    document: str                   # key of the agreement it rests on
    sections: list[str]
    commitments: list[Commitment]
    purpose: str
    scope: str
    phases: list[Phase]
    contacts: list[str]
    loc: Location


@dataclass
class FollowUp:
    file_stem: str
    title: str
    sheet: str
    status_options: list[str]
    columns: list[str]                  # status, responsible, comment, next step
    instructions: list[str]
    period: str | None = None           # the period followed up ("2026"); --period overrides it
    kommun_parties: list[str] = field(default_factory=list)   # whose commitments a kommun reports
    region_parties: list[str] = field(default_factory=list)   # whose commitments the region reports
    labels: "Texts | None" = None       # the workbook's wording (follow_up.labels)
    report: "Texts | None" = None       # the regional report's wording (follow_up.report)
    send_to: str | None = None          # where the filled-in workbooks go (an e-mail address)
    due: "dt.date | None" = None        # by when


@dataclass
class CommitmentTables:
    title: str
    subtitle: str
    short_title: str
    file_stem: str
    intro: list[str]
    matrix_title: str
    matrix_intro: str
    follow_up: FollowUp


class Texts(dict):
    """Wording from a YAML file of texts, readable as `texts.labels.unit` in templates."""

    def __getattr__(self, key: str):
        try:
            return self[key]
        except KeyError as exc:
            raise AttributeError(key) from exc


@dataclass
class Contact:
    name: str
    organisation: str
    email: str | None
    phone: str | None


@dataclass
class Sender:
    """Who sends the remiss: the cover letter's letterhead and signature."""

    organisation: str
    unit: str | None
    address: list[str]           # postal address lines
    diarienummer: str            # the registry's number for the remiss; answers cite it
    signature: list[str]         # who signs the cover letter (a function, not a person)


@dataclass
class AnswersTo:
    """Where the answers go: an e-mail address, a postal address, or both."""

    email: str | None
    address: list[str]


@dataclass
class RecipientGroup:
    name: str
    members: list[str]


@dataclass
class Remiss:
    title: str
    documents: list[str]          # keys of the documents sent on remiss
    contact: Contact
    groups: list[RecipientGroup]
    texts: Texts                  # summary, missiv, form, compilation
    sender: Sender | None = None
    answers: AnswersTo | None = None

    @property
    def recipients(self) -> list[str]:
        return [m for g in self.groups for m in g.members]


@dataclass
class Accessibility:
    """accessibility.yaml: the site's accessibility statement (tillgänglighetsredogörelse) and
    the publisher's contact every page's footer shows."""

    contact: Contact
    compliance: str                # helt förenlig, delvis förenlig or inte förenlig
    assessed: dt.date              # when the site was last assessed
    reviewed: dt.date              # when the statement was last reviewed
    reviewed_at: Location          # its line, for `samverkan check`'s warning
    report_url: str                # the supervisory authority's reporting form (https)
    exceptions: list[str]          # what is not accessible, and why
    burden: list[str]              # exempted as a disproportionate burden (12 §), with the reason
    outside: list[str]             # outside the law's scope (9 §)
    texts: Texts                   # the page's wording


@dataclass
class Content:
    root: Path
    parties: dict[str, Party]
    topics: dict[str, Topic]
    documents: dict[str, Document]
    kommuner: Kommuner | None = None                               # kommuner.yaml
    routines: list[Routine] = field(default_factory=list)          # routines.yaml
    commitment_tables: CommitmentTables | None = None              # commitment-tables.yaml
    routine_texts: Texts | None = None                             # routine-template.yaml
    remiss: Remiss | None = None                                   # remiss/remiss.yaml
    site: Texts | None = None                                      # site.yaml: the download site's wording
    accessibility: Accessibility | None = None                     # accessibility.yaml: the statement
    avvikelser: "Avvikelser | None" = None                         # avvikelser.yaml: the avvikelse form
    remiss_web: Texts | None = None                                # remiss/remiss.yaml web: the remiss web form
    templates: Templates = field(default_factory=Templates)        # the project's templates (project.py)
    # what has been rendered from this content (it never changes once loaded): a target that
    # reads the others' files (the site) asks them for their jobs without rendering again
    rendered: dict = field(default_factory=dict, repr=False, compare=False)

    def rendered_once(self, key: tuple, render: Callable[[], Any]) -> Any:
        """What `render()` makes from this content, made the first time `key` is asked for."""
        if key not in self.rendered:
            self.rendered[key] = render()
        return self.rendered[key]

    def all_commitments(self) -> list[Commitment]:
        return [c for d in self.documents.values() for c in d.commitments]


@dataclass
class Avvikelser:
    """avvikelser.yaml: the avvikelse form (avvikelser i samverkan), its choices and the wording
    of the form, its web page and the yearly compilation."""

    title: str
    file_stem: str
    version: str
    reply_days: int
    publish_compilation: bool
    receiver: Contact
    address: list[str]
    parties: list[str]            # who was involved: the choices
    target_groups: list["Topic"]  # the choices, from topics.yaml
    kinds: list[str]              # what kind of failure: the choices
    texts: Texts                  # form, headings, labels, hints, web, compilation, masked
    location: "Location | None" = None
    routine: str | None = None    # the routine (routines.yaml id) whose row on a kommun's page links the web form

    @property
    def form_id(self) -> str:
        """Names the form and its version in every saved form (a Word property, the web file's data)."""
        return f"avvikelse-v{self.version}"
