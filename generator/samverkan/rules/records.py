"""Commitments as records: one row per commitment with every field, for the machine-readable
exports (CSV, JSON) and the follow-up workbook. One function decides the fields; every
writer of records uses it, so the exports always agree with each other."""

from __future__ import annotations

from dataclasses import dataclass

from samverkan.dates import iso_date, long_date
from samverkan.model import Content
from samverkan.rules.grouping import listed_party
from samverkan.text import fill


@dataclass(frozen=True)
class Column:
    key: str          # JSON key
    label: str        # CSV/Excel header
    width: int = 14   # Excel column width (characters)
    wrap: bool = False


COMMITMENT_COLUMNS = (
    Column("id", "Nr", 11),
    Column("document", "Dokument", 22, wrap=True),
    Column("document_version", "Version", 9),
    Column("document_status", "Dokumentstatus", 14),
    Column("section", "Avsnitt", 9),
    Column("party", "Part-id", 14),
    Column("party_name", "Part", 24, wrap=True),
    Column("topic", "Målgrupp-id", 16),
    Column("topic_name", "Målgrupp/område", 30, wrap=True),
    Column("text", "Åtagande", 70, wrap=True),
)


@dataclass(frozen=True)
class Records:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[dict, ...]
    documents: tuple[dict, ...] = ()            # the sources, for the JSON export
    subject: str = ""
    author: str = ""
    date: str = ""


def commitment_records(content: Content, title: str) -> Records:
    """Every commitment of every agreement, agreement by agreement in file order."""
    rows = []
    documents = []
    for doc in content.documents.values():
        documents.append({"key": doc.key, "title": doc.meta.title, "short_title": doc.meta.short_title,
                          "version": doc.meta.version, "status": doc.meta.status, "date": iso_date(doc.meta.date),
                          "id_prefix": doc.id_prefix})
        for c in doc.commitments:
            rows.append({
                "id": c.id, "document": doc.meta.short_title, "document_version": doc.meta.version,
                "document_status": doc.meta.status, "section": c.section,
                "party": listed_party(content, c).id, "party_name": listed_party(content, c).name,
                "topic": c.topic.id, "topic_name": c.topic.name, "text": c.full_text,
            })
    dates = sorted(d["date"] for d in documents)
    authors = sorted({doc.meta.author for doc in content.documents.values()})
    return Records(title, COMMITMENT_COLUMNS, tuple(rows), tuple(documents),
                   subject="Åtaganden i " + " och ".join(d["short_title"] for d in documents),
                   author="; ".join(authors), date=dates[-1] if dates else "")



# --- the follow-up workbook of one kommun, stadsdel or the region --------------------------------

FILL_KEYS = ("status", "responsible", "comment", "next_step")     # follow_up.columns, in this order


@dataclass(frozen=True)
class FollowUpWorkbook:
    """What a follow-up workbook holds (writers/data.py lays it out): the labelled cells above the
    table (name, kommunkod, period: locked; filled by, date: to fill in), the commitments the
    unit reports on, with the columns to fill in first after the commitment."""

    title: str
    sheet: str
    header: tuple[tuple[str, str, bool], ...]    # (label, value, to fill in)
    hints: tuple[str, ...]
    columns: tuple[Column, ...]
    status_options: tuple[str, ...]
    rows: tuple[dict, ...]                       # "draft": True marks commitments of a document not adopted
    instructions_sheet: str
    instructions: tuple[str, ...]
    subject: str = ""
    author: str = ""


def follow_up_columns(follow) -> tuple[Column, ...]:
    """Nr, Åtagande, then the columns to fill in, then where the commitment comes from."""
    labels = follow.labels
    fill = tuple(Column(key, label, width, wrap=key != "status")
                 for key, label, width in zip(FILL_KEYS, follow.columns, (13, 18, 32, 26)))
    return (Column("id", labels.id, 13, wrap=True), Column("text", labels.commitment, 50, wrap=True), *fill,
            Column("party_name", labels.party, 16, wrap=True), Column("topic_name", labels.topic, 18, wrap=True),
            Column("section", labels.section, 8), Column("document", labels.document, 18, wrap=True))


def follow_up_commitments(content: Content, parties: list[str]):
    """The commitments a unit reports on: those of the given parties (all when none are given),
    in the documents' order."""
    return [c for c in content.all_commitments() if not parties or listed_party(content, c).id in parties]


def send_line(follow) -> str:
    """Where and by when the filled-in workbook goes: the workbook, its instructions and the
    site say it in these words."""
    return fill(follow.labels.send, to=follow.send_to, due=long_date(follow.due))


def _follow_up_rows(content: Content, region: bool) -> tuple[dict, ...]:
    """The commitments every kommun's (or the region's) workbook lists: one tuple shared by all
    the workbooks, so that their inputs keys hash it once (290 kommuner: 1 s hashing their
    rows one by one)."""
    follow = content.commitment_tables.follow_up
    labels = follow.labels
    parties = follow.region_parties if region else follow.kommun_parties
    rows = []
    for c in follow_up_commitments(content, parties):
        doc = content.documents[c.document]
        draft = doc.meta.draft
        source = f"{doc.meta.short_title}, version {doc.meta.version}" + (f" – {labels.draft}" if draft else "")
        rows.append({"id": c.id, "text": c.full_text, **{key: "" for key in FILL_KEYS},
                     "party_name": listed_party(content, c).name, "topic_name": c.topic.name,
                     "section": c.section, "document": source, "draft": draft})
    return tuple(rows)


def follow_up_workbook(content: Content, name: str, code: str | None, period: str, region: bool) -> FollowUpWorkbook:
    follow = content.commitment_tables.follow_up
    labels = follow.labels
    rows = content.rendered_once(("follow-up-rows", region), lambda: _follow_up_rows(content, region))
    header = ((labels.region if region else labels.kommun, name, False),)
    if code is not None:
        header += ((labels.code, code, False),)
    header += ((labels.period, period, False), (labels.filled_by, "", True), (labels.date, "", True))
    hints = (labels.fill_hint,) + ((labels.draft_note,) if any(r["draft"] for r in rows) else ()) + (send_line(follow),)
    authors = "; ".join(sorted({d.meta.author for d in content.documents.values()}))
    return FollowUpWorkbook(f"{follow.title} {period}", follow.sheet, header, hints, follow_up_columns(follow),
                            tuple(follow.status_options), rows, labels.instructions_sheet,
                            tuple(follow.instructions), subject=f"{follow.title}: {name}, {period}", author=authors)
