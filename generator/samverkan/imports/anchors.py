"""What ties a Word edition back to its source: the anchors every edition carries.

- Every paragraph and commitment is a hidden bookmark named after its stable reference
  (`bookmark_name`: `_p_3_1_4` for paragraph 3.1:4, `_c_A_3_1_2` for commitment A-3.1-2). Word
  hides bookmarks whose name starts with `_` from its list and allows only letters, digits and
  `_` (at most 40 characters); LibreOffice keeps these names when it saves as .docx and as .odt
  (tests/e2e/test_import.py). The template puts the name on the paragraph's anchor span
  (render/), docx-filter.lua hands it to pandoc with the prefix `samverkan` (pandoc rewrites ids
  that start with `_`), and the Word writer takes the prefix off (ooxml/anchors.py).
- The file carries which source it was made from, as custom document properties (Word and
  LibreOffice keep them): the document's key, its version, and `source_key`, a digest of the
  document's own text (sections, paragraphs with their references, commitments, tables,
  footnotes) — not of the whole content, so that a change to a kommun or a template does not
  make an edition look stale. `samverkan import` finds the version an edition was made from by
  this key (imports/history.py).
"""

from __future__ import annotations

import hashlib
import json
import re

from samverkan.errors import BuildFailed
from samverkan.model import Document, FactBox, ListBlock, Paragraph, Subheading, TableRef, plain_text

PROPERTY_DOCUMENT = "samverkan-dokument"
PROPERTY_VERSION = "samverkan-version"
PROPERTY_SOURCE = "samverkan-källa"
PANDOC_PREFIX = "samverkan"          # what docx-filter.lua puts before a bookmark name for pandoc
MAX_BOOKMARK = 40                    # Word's limit on a bookmark's name


def bookmark_name(ref: str) -> str:
    """The hidden Word bookmark of a paragraph reference ("3.1:4" → "_p_3_1_4") or a commitment
    id ("A-3.1-2" → "_c_A_3_1_2"). A paragraph's number is always the last part after ':' and
    commitment ids have none, so different references of one document get different names."""
    kind = "p" if ":" in ref else "c"
    name = f"_{kind}_" + re.sub(r"[^0-9A-Za-z]", "_", ref.strip())
    if len(name) > MAX_BOOKMARK:
        raise BuildFailed(f"reference '{ref}' is too long for a Word bookmark ({len(name)} characters, at most "
                          f"{MAX_BOOKMARK}); shorten the section number or the commitment id")
    return name


def _blocks(blocks) -> list:
    out: list = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(["p", block.number, plain_text(block.inlines),
                        [x.label for x in block.inlines if not hasattr(x, "value")]])
        elif isinstance(block, Subheading):
            out.append(["h", block.level, block.text])
        elif isinstance(block, ListBlock):
            out.append(["l", block.ordered, block.start, [_blocks(item) for item in block.items]])
        elif isinstance(block, FactBox):
            out.append(["f", _blocks(block.blocks)])
        elif isinstance(block, TableRef):
            out.append(["t", block.table_id])
        else:
            out.append([block.kind])
    return out


def source_key(doc: Document) -> str:
    """A digest of the document's own text (see the module's docstring), 20 hex digits."""
    data = {
        "sections": [[s.number, s.title, s.level, _blocks(s.blocks)] for s in doc.sections],
        "commitments": [[c.id, c.section, c.party.id, c.topic.id, c.text] for c in doc.commitments],
        "tables": [[t.id, t.caption, t.columns, t.rows] for t in doc.tables.values()],
        "footnotes": [[n.label, plain_text(n.inlines)] for n in doc.footnotes.values()],
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def edition_properties(doc: Document) -> dict[str, str]:
    """The custom properties of every Word edition of `doc`."""
    return {PROPERTY_DOCUMENT: doc.key, PROPERTY_VERSION: doc.meta.version, PROPERTY_SOURCE: source_key(doc)}
