"""What changed between two versions of the content: the rules.

- Documents are matched by their folder (`agreement`, `supplement`).
- Commitments are matched by id: added, removed, changed (text, party, topic), moved (to
  another section, or to another place among the commitments of its section).
- Sections are matched by number: a number only in the new version is an added section,
  only in the old a removed one; the same number with another title is a renamed section.
- Paragraphs (and unnumbered subheadings) are matched within a section by aligning their
  texts (difflib): a paragraph whose exact text leaves one place and appears at another
  (in the same section or another) is moved; of the rest, a removed and an added paragraph
  at the same place whose words are similar enough are one changed paragraph.
- Metadata, version history, tables (by id), footnotes (by label), parties and topics (by id)
  are compared field by field.

Only rules live here; the report's wording is in templates/change-report.md.j2.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from samverkan.model import Commitment, Content, Document, Paragraph, Revision, Section, Subheading, plain_text, walk_blocks

SIMILAR = 0.5   # share of words two paragraph versions have in common to count as one changed paragraph

# Metadata fields compared, in the order the report lists them.
METADATA_FIELDS = ("title", "subtitle", "short_title", "version", "status", "adopted", "date", "diarienummer", "parties",
                   "author", "subject", "keywords", "publishers", "file_stem")


# --- comparing sequences --------------------------------------------------------------------

def normal(text: str) -> str:
    return " ".join(str(text).split())


def similarity(old: str, new: str) -> float:
    """The share of words two texts have in common, in order (0 to 1)."""
    return difflib.SequenceMatcher(None, old.split(), new.split(), autojunk=False).ratio()


@dataclass(frozen=True)
class Step:
    """One step of an alignment: `equal`, `changed` (a pair), `removed` (old only) or `added`."""

    op: str
    old: int | None = None
    new: int | None = None


def align(old: Sequence[Any], new: Sequence[Any], similar: Callable[[int, int], float] | None = None,
          threshold: float = SIMILAR, fill: Callable[[int, int], bool] | None = None) -> list[Step]:
    """Align two sequences: items with equal keys are `equal` (difflib's longest matching runs);
    in each stretch between them, an old and a new item whose `similar(i, j)` score reaches
    `threshold` are a `changed` pair (in order, each old item takes the most similar new
    item after the previous pair). With `fill`, the items left over between two pairs are
    paired in order too where `fill(i, j)` allows. Everything else is `removed` or `added`,
    removals before additions at the same place."""
    steps: list[Step] = []
    matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            steps.extend(Step("equal", i, j) for i, j in zip(range(i1, i2), range(j1, j2)))
            continue
        pairs = _pair_similar(range(i1, i2), range(j1, j2), similar, threshold) if similar else []
        if fill:
            pairs = _fill_gaps(pairs, i1, i2, j1, j2, fill)
        i, j = i1, j1
        for pi, pj in pairs + [(i2, j2)]:
            steps.extend(Step("removed", k, None) for k in range(i, pi))
            steps.extend(Step("added", None, k) for k in range(j, pj))
            if pi < i2:
                steps.append(Step("changed", pi, pj))
            i, j = pi + 1, pj + 1
    return steps


def _pair_similar(olds: range, news: range, similar: Callable[[int, int], float],
                  threshold: float) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    start = news.start
    for i in olds:
        best, best_j = threshold, None
        for j in range(start, news.stop):
            score = similar(i, j)
            if score >= best and (best_j is None or score > best):
                best, best_j = score, j
        if best_j is not None:
            pairs.append((i, best_j))
            start = best_j + 1
    return pairs


def _fill_gaps(pairs: list[tuple[int, int]], i1: int, i2: int, j1: int, j2: int,
               fill: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    result: list[tuple[int, int]] = []
    bounds = [(i1 - 1, j1 - 1)] + pairs + [(i2, j2)]
    for (a_i, a_j), (b_i, b_j) in zip(bounds, bounds[1:]):
        start = a_j + 1
        for i in range(a_i + 1, b_i):
            j = next((j for j in range(start, b_j) if fill(i, j)), None)
            if j is not None:
                result.append((i, j))
                start = j + 1
        if (b_i, b_j) != (i2, j2):
            result.append((b_i, b_j))
    return result


def word_opcodes(old: Sequence[str], new: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
    """Word-level differences between two token sequences (words and white space, as keys):
    difflib's opcodes, where a stretch of mere white space between two changes is taken
    into the change, so that a reworded sentence reads as one deletion and one insertion."""
    codes = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False).get_opcodes()
    merged: list[list] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(codes):
        blank = tag == "equal" and all(not token.strip() for token in old[i1:i2])
        between = 0 < index < len(codes) - 1
        if blank and between:
            tag = "replace"
        if merged and tag != "equal" and merged[-1][0] != "equal":
            merged[-1][2], merged[-1][4] = i2, j2
            merged[-1][0] = "replace"
        else:
            merged.append([tag, i1, i2, j1, j2])
    return [tuple(code) for code in merged]  # type: ignore[misc]


# --- what changed ---------------------------------------------------------------------------

@dataclass
class FieldChange:
    field: str
    old: str
    new: str
    status: str = "changed"


@dataclass
class RevisionChange:
    status: str                      # added | removed | changed
    old: Revision | None
    new: Revision | None


@dataclass
class CommitmentChange:
    status: str                      # added | removed | changed | moved
    id: str
    old: Commitment | None
    new: Commitment | None
    fields: tuple[str, ...] = ()     # of text, party, topic: what else changed

    @property
    def old_text(self) -> str:
        return self.old.full_text if self.old else ""

    @property
    def new_text(self) -> str:
        return self.new.full_text if self.new else ""

    @property
    def words(self) -> list[tuple[str, str]]:
        """The text's changes word by word, where the text changed."""
        return word_changes(self.old_text, self.new_text) if "text" in self.fields else []


@dataclass
class SectionChange:
    status: str                      # added | removed | renamed
    number: str
    old_title: str
    new_title: str
    paragraphs: int = 0              # paragraphs added or removed with it (moved ones not counted)


TOKEN = re.compile(r"\s+|\w+|[^\w\s]")     # words, spaces and each punctuation mark on its own


def word_changes(old: str, new: str) -> list[tuple[str, str]]:
    """The new text as runs of words: ("equal", …), ("deleted", …) and ("inserted", …), so
    that a report can mark inside the text what changed (a comma is found at once, not letter
    by letter in two versions side by side)."""
    a, b = TOKEN.findall(normal(old)), TOKEN.findall(normal(new))
    runs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in word_opcodes(a, b):
        if tag == "equal":
            runs.append(("equal", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            runs.append(("deleted", "".join(a[i1:i2])))
        if j2 > j1:
            runs.append(("inserted", "".join(b[j1:j2])))
    return runs


@dataclass
class ParagraphChange:
    status: str                      # added | removed | changed | moved
    kind: str                        # paragraph | subheading
    old_section: str
    new_section: str
    old_text: str
    new_text: str
    old_ref: str = ""                # the stable reference ("3.1:7") where the paragraph has one
    new_ref: str = ""

    @property
    def ref(self) -> str:
        """How the report names the paragraph: its reference, else its section."""
        return self.new_ref or self.old_ref or self.new_section or self.old_section

    @property
    def words(self) -> list[tuple[str, str]]:
        return word_changes(self.old_text, self.new_text) if self.status == "changed" else []


@dataclass
class RowChange:
    status: str
    old: list[str]
    new: list[str]


@dataclass
class TableChange:
    status: str                      # added | removed | changed
    id: str
    old_caption: str
    new_caption: str
    fields: tuple[str, ...] = ()     # of caption, columns
    rows: list[RowChange] = field(default_factory=list)


@dataclass
class FootnoteChange:
    status: str
    label: str
    old_text: str
    new_text: str


@dataclass
class NameChange:
    """A party or topic added, removed or renamed (as the document names it)."""

    status: str
    kind: str                        # party | topic
    id: str
    old: str
    new: str


@dataclass
class DocumentChanges:
    key: str
    status: str                      # compared | added | removed
    old: Document | None
    new: Document | None
    metadata: list[FieldChange] = field(default_factory=list)
    history: list[RevisionChange] = field(default_factory=list)
    commitments: list[CommitmentChange] = field(default_factory=list)
    sections: list[SectionChange] = field(default_factory=list)
    paragraphs: list[ParagraphChange] = field(default_factory=list)
    tables: list[TableChange] = field(default_factory=list)
    footnotes: list[FootnoteChange] = field(default_factory=list)
    names: list[NameChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.status == "compared" and not any(
            (self.metadata, self.history, self.commitments, self.sections, self.paragraphs, self.tables,
             self.footnotes, self.names))

    @property
    def doc(self) -> Document:
        return self.new or self.old  # type: ignore[return-value]

    def of(self, part: str, status: str) -> list:
        """e.g. of("commitments", "moved")"""
        return [change for change in getattr(self, part) if change.status == status]

    def moves(self) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """Every moved text as (old forms, new forms): a commitment as it stands in its section
        and in the compiled list (with its id), a paragraph as it is."""
        moves = [((p.old_text,), (p.new_text,)) for p in self.of("paragraphs", "moved")]
        for c in self.of("commitments", "moved"):
            moves.append(((c.old_text, f"{c.old_text} ({c.id})"), (c.new_text, f"{c.new_text} ({c.id})")))
        return moves


@dataclass
class Changes:
    documents: list[DocumentChanges]

    @property
    def empty(self) -> bool:
        return all(d.empty for d in self.documents)


def compare_contents(old: Content, new: Content) -> Changes:
    keys = list(new.documents) + [k for k in old.documents if k not in new.documents]
    result = []
    for key in keys:
        before, after = old.documents.get(key), new.documents.get(key)
        if before is None or after is None:
            result.append(DocumentChanges(key, "added" if before is None else "removed", before, after))
            continue
        result.append(compare_documents(before, after, old, new))
    return Changes(result)


def compare_documents(old: Document, new: Document, old_content: Content, new_content: Content) -> DocumentChanges:
    changes = DocumentChanges(old.key, "compared", old, new)
    changes.metadata = _metadata(old, new)
    changes.history = _history(old.meta.history, new.meta.history)
    changes.commitments = _commitments(old, new)
    changes.sections, changes.paragraphs = _sections_and_paragraphs(old, new)
    changes.tables = _tables(old, new)
    changes.footnotes = _by_key({k: plain_text(n.inlines) for k, n in old.footnotes.items()},
                                {k: plain_text(n.inlines) for k, n in new.footnotes.items()},
                                lambda status, key, a, b: FootnoteChange(status, key, a, b))
    changes.names = _by_key({p.id: f"{p.name} ({p.lead})" for p in old.parties.values()},
                            {p.id: f"{p.name} ({p.lead})" for p in new.parties.values()},
                            lambda status, key, a, b: NameChange(status, "party", key, a, b))
    changes.names += _by_key({t.id: t.name for t in old_content.topics.values()},
                             {t.id: t.name for t in new_content.topics.values()},
                             lambda status, key, a, b: NameChange(status, "topic", key, a, b))
    return changes


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(" / ".join(v) if isinstance(v, list) else str(v) for v in value)
    return str(value)


def _metadata(old: Document, new: Document) -> list[FieldChange]:
    result = []
    for name in METADATA_FIELDS:
        before, after = _value(getattr(old.meta, name)), _value(getattr(new.meta, name))
        if before != after:
            result.append(FieldChange(name, before, after))
    return result


def _history(old: list[Revision], new: list[Revision]) -> list[RevisionChange]:
    def key(r: Revision) -> tuple:
        return (r.version, r.date, r.status, r.decision, r.summary)

    before = {r.version: r for r in old}
    after = {r.version: r for r in new}
    result = [RevisionChange("removed", r, None) for r in old if r.version not in after]
    for r in new:
        if r.version not in before:
            result.append(RevisionChange("added", None, r))
        elif key(before[r.version]) != key(r):
            result.append(RevisionChange("changed", before[r.version], r))
    return result


def _by_key(old: dict[str, str], new: dict[str, str], make: Callable[[str, str, str, str], Any]) -> list:
    result = [make("removed", k, v, "") for k, v in old.items() if k not in new]
    for k, v in new.items():
        if k not in old:
            result.append(make("added", k, "", v))
        elif normal(old[k]) != normal(v):
            result.append(make("changed", k, old[k], v))
    return result


def _commitments(old: Document, new: Document) -> list[CommitmentChange]:
    before = {c.id: c for c in old.commitments}
    after = {c.id: c for c in new.commitments}
    reordered = _reordered(old, new, before, after)
    result = [CommitmentChange("removed", c.id, c, None) for c in old.commitments if c.id not in after]
    for c in new.commitments:
        was = before.get(c.id)
        if was is None:
            result.append(CommitmentChange("added", c.id, None, c))
            continue
        fields = tuple(name for name, a, b in (("text", normal(was.text), normal(c.text)),
                                               ("party", was.party.id, c.party.id),
                                               ("topic", was.topic.id, c.topic.id)) if a != b)
        if was.section != c.section or c.id in reordered:
            result.append(CommitmentChange("moved", c.id, was, c, fields))
        elif fields:
            result.append(CommitmentChange("changed", c.id, was, c, fields))
    return result


def _reordered(old: Document, new: Document, before: dict[str, Commitment], after: dict[str, Commitment]) -> set[str]:
    """Ids of commitments that stay in their section but change places among those that stay."""
    moved: set[str] = set()
    for section in dict.fromkeys(c.section for c in new.commitments):
        stay = [c.id for c in new.commitments_of(section) if c.id in before and before[c.id].section == section]
        was = [c.id for c in old.commitments_of(section) if c.id in after and after[c.id].section == section]
        moved |= {was[s.old] for s in align(was, stay) if s.op == "removed"}   # type: ignore[index]
    return moved


@dataclass
class _Unit:
    section: str
    kind: str
    text: str
    ref: str = ""


def _units(section: Section) -> list[_Unit]:
    units = []
    for block in walk_blocks(section.blocks):
        if isinstance(block, Paragraph):
            units.append(_Unit(section.number, "paragraph", normal(block.text), section.ref(block) or ""))
        elif isinstance(block, Subheading):
            units.append(_Unit(section.number, "subheading", normal(block.text)))
    return units


def _sections_and_paragraphs(old: Document, new: Document) -> tuple[list[SectionChange], list[ParagraphChange]]:
    before = {s.number: s for s in old.sections}
    after = {s.number: s for s in new.sections}
    old_units = {n: _units(s) for n, s in before.items()}
    new_units = {n: _units(s) for n, s in after.items()}
    common = [n for n in after if n in before]

    # 1. what is not found in the same place: texts aligned section by section
    gone: list[tuple[str, int]] = [(n, i) for n in before if n not in after for i in range(len(old_units[n]))]
    came: list[tuple[str, int]] = [(n, j) for n in after if n not in before for j in range(len(new_units[n]))]
    for n in common:
        for step in align([u.text for u in old_units[n]], [u.text for u in new_units[n]]):
            if step.op == "removed":
                gone.append((n, step.old))   # type: ignore[arg-type]
            elif step.op == "added":
                came.append((n, step.new))   # type: ignore[arg-type]
    order = {n: index for index, n in enumerate(list(before) + [n for n in after if n not in before])}
    gone.sort(key=lambda place: (order[place[0]], place[1]))
    came.sort(key=lambda place: (order[place[0]], place[1]))

    # 2. moved: the same text gone from one place and come to another
    moved_old: set[tuple[str, int]] = set()
    moved_new: set[tuple[str, int]] = set()
    paragraphs: list[ParagraphChange] = []
    for place in gone:
        unit = old_units[place[0]][place[1]]
        target = next((c for c in came if c not in moved_new and new_units[c[0]][c[1]].text == unit.text
                       and new_units[c[0]][c[1]].kind == unit.kind), None)
        if target is not None:
            moved_old.add(place)
            moved_new.add(target)
            paragraphs.append(ParagraphChange("moved", unit.kind, place[0], target[0], unit.text, unit.text,
                                              unit.ref, new_units[target[0]][target[1]].ref))

    # 3. changed, removed and added paragraphs, section by section
    sections: list[SectionChange] = []
    for n in list(before) + [n for n in after if n not in before]:
        if n not in after:
            count = sum(1 for i in range(len(old_units[n])) if (n, i) not in moved_old)
            sections.append(SectionChange("removed", n, before[n].title, "", count))
            continue
        if n not in before:
            count = sum(1 for j in range(len(new_units[n])) if (n, j) not in moved_new)
            sections.append(SectionChange("added", n, "", after[n].title, count))
            continue
        if normal(before[n].title) != normal(after[n].title):
            sections.append(SectionChange("renamed", n, before[n].title, after[n].title))
        olds, news = old_units[n], new_units[n]

        def similar(i: int, j: int, olds=olds, news=news, n=n) -> float:
            if (n, i) in moved_old or (n, j) in moved_new or olds[i].kind != news[j].kind:
                return -1.0
            return similarity(olds[i].text, news[j].text)

        for step in align([u.text for u in olds], [u.text for u in news], similar):
            if step.op == "changed":
                a, b = olds[step.old], news[step.new]   # type: ignore[index]
                paragraphs.append(ParagraphChange("changed", b.kind, n, n, a.text, b.text, a.ref, b.ref))
            elif step.op == "removed" and (n, step.old) not in moved_old:
                a = olds[step.old]   # type: ignore[index]
                paragraphs.append(ParagraphChange("removed", a.kind, n, "", a.text, "", a.ref, ""))
            elif step.op == "added" and (n, step.new) not in moved_new:
                b = news[step.new]   # type: ignore[index]
                paragraphs.append(ParagraphChange("added", b.kind, "", n, "", b.text, "", b.ref))
    return sections, paragraphs


def _tables(old: Document, new: Document) -> list[TableChange]:
    result = [TableChange("removed", t.id, t.caption, "") for t in old.tables.values() if t.id not in new.tables]
    for t in new.tables.values():
        was = old.tables.get(t.id)
        if was is None:
            result.append(TableChange("added", t.id, "", t.caption))
            continue
        fields = tuple(name for name, a, b in (("caption", was.caption, t.caption), ("columns", was.columns, t.columns))
                       if a != b)
        line = [" | ".join(row) for row in was.rows], [" | ".join(row) for row in t.rows]
        rows = []
        for step in align(*line, similar=lambda i, j: similarity(line[0][i], line[1][j])):
            if step.op != "equal":
                rows.append(RowChange(step.op, was.rows[step.old] if step.old is not None else [],
                                      t.rows[step.new] if step.new is not None else []))
        if fields or rows:
            result.append(TableChange("changed", t.id, was.caption, t.caption, fields, rows))
    return result


# --- as data (the JSON report) -------------------------------------------------------------------

def _commitment_data(c: Commitment | None) -> dict | None:
    if c is None:
        return None
    return {"section": c.section, "party": c.party.id, "topic": c.topic.id, "text": c.text, "full_text": c.full_text}


def _revision_data(r: Revision | None) -> dict | None:
    if r is None:
        return None
    return {"version": r.version, "date": r.date, "status": r.status, "decision": r.decision, "summary": r.summary}


def _version_data(doc: Document | None) -> dict | None:
    if doc is None:
        return None
    return {"title": doc.meta.title, "version": doc.meta.version, "status": doc.meta.status,
            "date": doc.meta.date.isoformat()}


def _words_data(words: list[tuple[str, str]]) -> list[dict]:
    return [{"op": op, "text": text} for op, text in words]


def as_data(changes: Changes, old: dict, new: dict) -> dict:
    """The changes as plain data for the JSON report (keys in English, texts as in the content).
    `old` and `new` name the versions compared (version, date, status; and where they were read)."""
    documents = []
    for d in changes.documents:
        documents.append({
            "document": d.key,
            "status": d.status,
            "unchanged": d.empty,
            "old": _version_data(d.old),
            "new": _version_data(d.new),
            "metadata": [{"field": f.field, "old": f.old, "new": f.new} for f in d.metadata],
            "history": [{"status": h.status, "old": _revision_data(h.old), "new": _revision_data(h.new)}
                        for h in d.history],
            "commitments": [{"id": c.id, "status": c.status, "changed": list(c.fields),
                             "old": _commitment_data(c.old), "new": _commitment_data(c.new),
                             "words": _words_data(c.words)} for c in d.commitments],
            "sections": [{"number": s.number, "status": s.status, "old_title": s.old_title, "new_title": s.new_title,
                          "paragraphs": s.paragraphs} for s in d.sections],
            "paragraphs": [{"status": p.status, "kind": p.kind, "old_ref": p.old_ref or None,
                            "new_ref": p.new_ref or None, "old_section": p.old_section or None,
                            "new_section": p.new_section or None, "old_text": p.old_text or None,
                            "new_text": p.new_text or None, "words": _words_data(p.words)} for p in d.paragraphs],
            "tables": [{"id": t.id, "status": t.status, "changed": list(t.fields), "old_caption": t.old_caption,
                        "new_caption": t.new_caption,
                        "rows": [{"status": r.status, "old": r.old, "new": r.new} for r in t.rows]} for t in d.tables],
            "footnotes": [{"label": f.label, "status": f.status, "old_text": f.old_text, "new_text": f.new_text}
                          for f in d.footnotes],
            "names": [{"kind": n.kind, "id": n.id, "status": n.status, "old": n.old, "new": n.new} for n in d.names],
        })
    return {"old": old, "new": new, "unchanged": changes.empty, "documents": documents}
