"""Merging two versions of a document as pandoc trees: the redline's first job.

Both versions are rendered as always (`render_document`, the same templates) and read by pandoc
into document trees. `Merger` merges them: sections are matched by their anchor (the section
number), blocks, list items and table rows are aligned (`compare.align`), words too
(`compare.word_opcodes`). Removed words become pandoc `deletion` spans, added words `insertion`
spans, which pandoc's Word writer writes as w:del / w:ins with the new version's author and
date. Moved texts get bookmarks (rl-from-N, rl-to-N) that `tracking.py` turns into moves.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

from samverkan.errors import BuildFailed
from samverkan.render import Intermediate
from samverkan.revisions.compare import align, normal, similarity, word_opcodes
from samverkan.writers import pandoc

INSERTION, DELETION = "insertion", "deletion"
FROM, TO = "rl-from-", "rl-to-"
OLD_ID = "rl-old-"                 # ids of removed headings, so they never clash with the new ones
COMMITMENT_ID = re.compile(r"\(([A-Za-z0-9]+-[0-9][0-9.]*-[0-9]+)\)$")   # "… (A-4.2-8)" in the compiled list


# --- reading pandoc trees ------------------------------------------------------------------------

def tree(doc: Intermediate) -> dict:
    """The intermediate as pandoc's document tree (JSON)."""
    return json.loads(pandoc.run(doc.markdown, "json"))


def _signature(node: Any) -> str:
    return json.dumps(node, sort_keys=True, ensure_ascii=False)


BLOCKS = {"Plain", "Para", "LineBlock", "CodeBlock", "RawBlock", "BlockQuote", "OrderedList", "BulletList",
          "DefinitionList", "Header", "HorizontalRule", "Table", "Figure", "Div"}


def _text(node: Any) -> str:
    """Plain text of blocks or inlines, footnotes left out, white space normalised: for a
    paragraph the same as the model's `Paragraph.text`."""
    out: list[str] = []

    def walk(x: Any) -> None:
        if isinstance(x, list):
            for item in x:
                walk(item)
        elif isinstance(x, dict):
            kind = x.get("t")
            if kind == "Str":
                out.append(x["c"])
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif kind != "Note":
                walk(x.get("c"))
                if kind in BLOCKS:
                    out.append(" ")

    walk(node)
    return normal("".join(out))


def _token(inline: dict) -> str:
    kind = inline["t"]
    if kind == "Str":
        return inline["c"]
    if kind in ("Space", "SoftBreak"):
        return " "
    if kind == "LineBreak":
        return "\n"
    if kind == "Note":
        return "\x00note"            # notes align with notes; their text is merged separately
    return _signature(inline)


def _kind(block: dict) -> tuple:
    kind = block["t"]
    if kind == "Header":
        return (kind, block["c"][0])
    if kind == "Table":
        return (kind, len(block["c"][2]))
    return (kind,)


def _inlines(block: dict) -> list:
    return block["c"][2] if block["t"] == "Header" else block["c"]


def _set_inlines(block: dict, inlines: list) -> None:
    if block["t"] == "Header":
        block["c"][2] = inlines
    else:
        block["c"] = inlines


def _line_inlines(block: dict) -> list:
    """A line block's lines as one run of inlines with line breaks (Word writes it so)."""
    result: list = []
    for index, line in enumerate(block["c"]):
        if index:
            result.append({"t": "LineBreak"})
        result.extend(line)
    return result


def _chunks(blocks: list) -> list[tuple[str, list]]:
    """The blocks split at every heading with an id (a numbered section, the version history)
    and every chapter heading (such as "Utgivare"): (key, blocks from that heading to the next)."""
    chunks: list[tuple[str, list]] = [("", [])]
    for block in blocks:
        if block["t"] == "Header" and (block["c"][1][0] or block["c"][0] == 1):
            chunks.append((block["c"][1][0] or "\x00" + _text(block), [block]))
        else:
            chunks[-1][1].append(block)
    return [chunk for chunk in chunks if chunk[1]]


# --- merging two trees ---------------------------------------------------------------------------

@dataclass
class _Unit:
    """A paragraph (or heading) wholly removed or added: where a move can start or end."""

    text: str
    block: dict
    original: list      # its inlines before tracking


class Merger:
    def __init__(self, author: str, date: str, moves: list[tuple[tuple[str, ...], tuple[str, ...]]] = ()):
        self.attributes = [["author", author], ["date", date]]
        self.moves = list(moves)
        # A moved paragraph or commitment (its first form: as it stands in its section) stays
        # whole and never counts as in place, even where the blocks around it would align it
        # so: as the comparison found, it left its place. Other forms (a commitment in the
        # compiled list) are shown as moved only where they did not stay in place.
        self.left = {normal(old[0]) for old, _ in self.moves}
        self.came = {normal(new[0]) for _, new in self.moves}
        self.units: dict[str, list[_Unit]] = {DELETION: [], INSERTION: []}

    def merge(self, old: dict, new: dict) -> dict:
        """The new tree with the changes from the old one tracked."""
        blocks: list = []
        olds, news = _chunks(old["blocks"]), _chunks(new["blocks"])
        for step in align([key for key, _ in olds], [key for key, _ in news]):
            if step.op == "equal":
                (key, a), (_, b) = olds[step.old], news[step.new]   # type: ignore[index]
                if key and _kind(a[0]) == _kind(b[0]):                # the section's heading, always paired
                    blocks += self.merge_block(a[0], b[0]) + self.merge_blocks(a[1:], b[1:])
                else:
                    blocks += self.merge_blocks(a, b)
            elif step.op == "removed":
                blocks += [self.track(b, DELETION) for b in olds[step.old][1]]   # type: ignore[index]
            else:
                blocks += [self.track(b, INSERTION) for b in news[step.new][1]]  # type: ignore[index]
        self.mark_moves()
        return {"pandoc-api-version": new["pandoc-api-version"], "meta": new["meta"], "blocks": blocks}

    def span(self, kind: str, inlines: list, ident: str = "") -> dict:
        return {"t": "Span", "c": [[ident, [kind] if kind else [], self.attributes if kind else []], inlines]}

    def _pairable(self, old_text: str, new_text: str) -> bool:
        return old_text not in self.left and new_text not in self.came

    @staticmethod
    def _same_commitment(old_text: str, new_text: str) -> bool:
        """Two list items that end in a commitment's id (the compiled list's "… (A-4.2-8)") are
        one item only if the id is the same: ids never change, so two ids are two commitments
        (one moved away, another come), never one edited."""
        old_id, new_id = COMMITMENT_ID.search(old_text), COMMITMENT_ID.search(new_text)
        return not (old_id and new_id and old_id.group(1) != new_id.group(1))

    def _steps(self, old: list, new: list, kind=lambda x: (), items: bool = False) -> list:
        old_texts, new_texts = [_text(x) for x in old], [_text(x) for x in new]

        def fits(i: int, j: int) -> bool:
            return kind(old[i]) == kind(new[j]) and self._pairable(old_texts[i], new_texts[j]) and \
                (not items or self._same_commitment(old_texts[i], new_texts[j]))

        def similar(i: int, j: int) -> float:
            return similarity(old_texts[i], new_texts[j]) if fits(i, j) else -1.0

        old_keys = [_signature(x) + ("\x00moved" if t in self.left else "") for x, t in zip(old, old_texts)]
        new_keys = [_signature(x) + ("\x00came" if t in self.came else "") for x, t in zip(new, new_texts)]
        return align(old_keys, new_keys, similar, fill=fits)

    def merge_blocks(self, old: list, new: list) -> list:
        out: list = []
        for step in self._steps(old, new, _kind):
            if step.op == "equal":
                out.append(new[step.new])
            elif step.op == "changed":
                out += self.merge_block(old[step.old], new[step.new])
            elif step.op == "removed":
                out.append(self.track(old[step.old], DELETION))
            else:
                out.append(self.track(new[step.new], INSERTION))
        return out

    def merge_block(self, old: dict, new: dict) -> list:
        kind, a, b = new["t"], old["c"], new["c"]
        if kind in ("Para", "Plain"):
            return [{"t": kind, "c": self.merge_inlines(a, b)}]
        if kind == "Header":
            return [{"t": kind, "c": [b[0], b[1], self.merge_inlines(a[2], b[2])]}]
        if kind == "LineBlock":
            return [{"t": kind, "c": [self.merge_inlines(_line_inlines(old), _line_inlines(new))]}]
        if kind == "BlockQuote":
            return [{"t": kind, "c": self.merge_blocks(a, b)}]
        if kind == "Div":
            return [{"t": kind, "c": [b[0], self.merge_blocks(a[1], b[1])]}]
        if kind == "BulletList":
            return [{"t": kind, "c": self.merge_items(a, b)}]
        if kind == "OrderedList":
            return [{"t": kind, "c": [b[0], self.merge_items(a[1], b[1])]}]
        if kind == "Table" and len(a[4]) == len(b[4]):
            return [self.merge_table(a, b)]
        return [self.track(old, DELETION), self.track(new, INSERTION)]

    def merge_items(self, old: list, new: list) -> list:
        out: list = []
        for step in self._steps(old, new, items=True):
            if step.op == "equal":
                out.append(new[step.new])
            elif step.op == "changed":
                out.append(self.merge_blocks(old[step.old], new[step.new]))
            elif step.op == "removed":
                out.append([self.track(b, DELETION) for b in old[step.old]])
            else:
                out.append([self.track(b, INSERTION) for b in new[step.new]])
        return out

    def merge_table(self, a: list, b: list) -> dict:
        attr, caption, specs, head, bodies, foot = b
        caption = [caption[0], self.merge_blocks(a[1][1], caption[1])]
        head = [head[0], self.merge_rows(a[3][1], head[1])]
        bodies = [[nb[0], nb[1], self.merge_rows(ob[2], nb[2]), self.merge_rows(ob[3], nb[3])]
                  for ob, nb in zip(a[4], bodies)]
        foot = [foot[0], self.merge_rows(a[5][1], foot[1])]
        return {"t": "Table", "c": [attr, caption, specs, head, bodies, foot]}

    def merge_rows(self, old: list, new: list) -> list:
        out: list = []
        for step in self._steps(old, new, lambda row: len(row[1])):
            if step.op == "equal":
                out.append(new[step.new])
            elif step.op == "changed":
                o, n = old[step.old], new[step.new]
                out.append([n[0], [c[:4] + [self.merge_blocks(oc[4], c[4])] for oc, c in zip(o[1], n[1])]])
            else:
                kind, row = (DELETION, old[step.old]) if step.op == "removed" else (INSERTION, new[step.new])
                out.append(self.track_row(row, kind))
        return out

    def merge_inlines(self, old: list, new: list) -> list:
        """Word by word: what is the same stays, the rest in deletion and insertion spans."""
        out: list = []
        for tag, i1, i2, j1, j2 in word_opcodes([_token(x) for x in old], [_token(x) for x in new]):
            if tag == "equal":
                for a, b in zip(old[i1:i2], new[j1:j2]):
                    if b["t"] == "Note" and a != b:
                        b = {"t": "Note", "c": self.merge_blocks(a["c"], b["c"])}
                    out.append(b)
                continue
            if i2 > i1:
                out.append(self.span(DELETION, old[i1:i2]))
            if j2 > j1:
                out.append(self.span(INSERTION, new[j1:j2]))
        return out

    # -- wholly removed or added content

    def track(self, block: dict, kind: str) -> dict:
        """A block removed (kind DELETION) or added (INSERTION) as a whole. Footnotes stay as
        they are: tracking their reference is what removes or restores them."""
        t, c = block["t"], block["c"] if "c" in block else None
        if t in ("Para", "Plain", "Header", "LineBlock"):
            inlines = _line_inlines(block) if t == "LineBlock" else _inlines(block)
            result = copy.deepcopy(block)
            if t == "LineBlock":
                result["c"] = [[self.span(kind, inlines)]]
                return result
            if t == "Header" and kind == DELETION and c[1][0]:
                result["c"][1] = [OLD_ID + c[1][0]] + result["c"][1][1:]
            if inlines:
                _set_inlines(result, [self.span(kind, inlines)])
                self.units[kind].append(_Unit(_text(inlines), result, inlines))
            return result
        if t == "BlockQuote":
            return {"t": t, "c": [self.track(b, kind) for b in c]}
        if t == "Div":
            return {"t": t, "c": [c[0], [self.track(b, kind) for b in c[1]]]}
        if t == "BulletList":
            return {"t": t, "c": [[self.track(b, kind) for b in item] for item in c]}
        if t == "OrderedList":
            return {"t": t, "c": [c[0], [[self.track(b, kind) for b in item] for item in c[1]]]}
        if t == "Table":
            attr, caption, specs, head, bodies, foot = c
            return {"t": t, "c": [attr, [caption[0], [self.track(b, kind) for b in caption[1]]], specs,
                                  [head[0], [self.track_row(r, kind) for r in head[1]]],
                                  [[b[0], b[1], [self.track_row(r, kind) for r in b[2]],
                                    [self.track_row(r, kind) for r in b[3]]] for b in bodies],
                                  [foot[0], [self.track_row(r, kind) for r in foot[1]]]]}
        raise BuildFailed(f"the redline cannot show a {t} block as added or removed (the templates write "
                          "none); teach Merger.track how")

    def track_row(self, row: list, kind: str) -> list:
        return [row[0], [cell[:4] + [[self.track(b, kind) for b in cell[4]]] for cell in row[1]]]

    # -- moves

    def mark_moves(self) -> None:
        """Pair each moved text's removed and added paragraph and mark them with bookmarks that
        `track_package` turns into a move: the old place keeps the old text, the new place shows the
        text as moved, with any change of wording tracked inside the move."""
        used: set[int] = set()
        number = 0
        for old_forms, new_forms in self.moves:
            for old_text, new_text in zip(old_forms, new_forms):
                source = next((u for u in self.units[DELETION] if id(u) not in used and u.text == normal(old_text)),
                              None)
                target = next((u for u in self.units[INSERTION] if id(u) not in used and u.text == normal(new_text)),
                              None)
                if source is None or target is None:
                    continue
                used |= {id(source), id(target)}
                number += 1
                _set_inlines(source.block, [self.span("", _inlines(source.block), f"{FROM}{number}")])
                _set_inlines(target.block, [self.span("", self.merge_inlines(source.original, target.original),
                                                      f"{TO}{number}")])
