"""Commitments as records: one row per commitment with every field, for the machine-readable
exports (CSV, JSON) and the follow-up workbook. One function decides the fields; every
writer of records uses it, so the exports always agree with each other."""

from __future__ import annotations

from dataclasses import dataclass

from samverkan.dates import iso_date
from samverkan.model import Content


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
class FollowUpColumns:
    """The columns a follow-up workbook adds, and the choices for its status column."""

    labels: tuple[str, str, str]     # status, responsible, comment
    status_options: tuple[str, ...]
    sheet: str
    instructions: tuple[str, ...]


@dataclass(frozen=True)
class Records:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[dict, ...]
    documents: tuple[dict, ...] = ()            # the sources, for the JSON export
    follow_up: FollowUpColumns | None = None    # only the workbook uses this
    subject: str = ""
    author: str = ""
    date: str = ""

    def with_follow_up(self, follow_up: FollowUpColumns, title: str) -> "Records":
        return Records(title, self.columns, self.rows, self.documents, follow_up, self.subject, self.author,
                       self.date)


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
                "party": c.group_party.id, "party_name": content.parties[c.group_party.id].name,
                "topic": c.topic.id, "topic_name": c.topic.name, "text": c.full_text,
            })
    dates = sorted(d["date"] for d in documents)
    authors = sorted({doc.meta.author for doc in content.documents.values()})
    return Records(title, COMMITMENT_COLUMNS, tuple(rows), tuple(documents), None,
                   subject="Åtaganden i " + " och ".join(d["short_title"] for d in documents),
                   author="; ".join(authors), date=dates[-1] if dates else "")

