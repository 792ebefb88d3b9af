"""Fill-in fields: Word content controls (plain-text `w:sdt`) with a tag naming each field.

In the intermediate Markdown a field is a span whose id starts with `f-`:
`[Ange vem som ansvarar]{#f-fas-1-vem}`; its text is the placeholder. Pandoc turns such a
span into a bookmark around runs; `make_content_controls` turns each of those bookmarks
into a content control showing the placeholder. `fill` sets values (a kommun's name,
kommunkod, …), `read` gets the values back from a filled-in document. The PDF writer shows
the same fields through the typst function `field` (templates/document.typ).
"""

from __future__ import annotations

import copy
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from samverkan.ooxml.wordml import qn, text_parts

PREFIX = "f-"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PLACEHOLDER_STYLE = "PlaceholderText"


class NotAForm(ValueError):
    """The file is not a Word document with content controls (or is damaged)."""


@dataclass(frozen=True)
class FieldInfo:
    label: str              # shown by Word as the control's title
    bind: str | None        # name of the value that fills it, None for a field people fill in
    filled: bool = False    # the span holds a value, not a placeholder
    locked: bool = False    # people cannot edit it (e.g. the remiss version of a response form)
    multiline: bool = False # several lines may be written


def _el(tag: str, **attrs: str) -> etree._Element:
    el = etree.Element(qn(tag))
    for key, value in attrs.items():
        el.set(qn(key), value)
    return el


def _sdt(tag: str, label: str, ident: int, runs: list, placeholder: bool, locked: bool = False,
         multiline: bool = False) -> etree._Element:
    sdt = _el("w:sdt")
    pr = etree.SubElement(sdt, qn("w:sdtPr"))
    if placeholder:
        rpr = etree.SubElement(pr, qn("w:rPr"))
        rpr.append(_el("w:rStyle", **{"w:val": PLACEHOLDER_STYLE}))
    pr.append(_el("w:alias", **{"w:val": label}))
    pr.append(_el("w:tag", **{"w:val": tag}))
    pr.append(_el("w:id", **{"w:val": str(ident)}))
    if locked:
        pr.append(_el("w:lock", **{"w:val": "sdtContentLocked"}))
    if placeholder:
        pr.append(_el("w:showingPlcHdr"))
    text = _el("w:text")
    if multiline:
        text.set(qn("w:multiLine"), "1")
    pr.append(text)
    content = etree.SubElement(sdt, qn("w:sdtContent"))
    for r in runs:
        content.append(r)
    return sdt


def _placeholder_runs(runs: list) -> None:
    for r in runs:
        rpr = r.find(qn("w:rPr"))
        if rpr is None:
            rpr = _el("w:rPr")
            r.insert(0, rpr)
        style = rpr.find(qn("w:rStyle"))
        if style is None:
            style = _el("w:rStyle")
            rpr.insert(0, style)
        style.set(qn("w:val"), PLACEHOLDER_STYLE)


def make_content_controls(root: etree._Element, labels: dict[str, FieldInfo], first_id: int = 1000) -> list[str]:
    """Turn every `f-` bookmark in this part into a content control; returns the tags in order."""
    tags = []
    ident = first_id
    for start in list(root.iter(qn("w:bookmarkStart"))):
        name = start.get(qn("w:name")) or ""
        if not name.startswith(PREFIX):
            continue
        mark = start.get(qn("w:id"))
        runs = []
        node = start.getnext()
        end = None
        while node is not None:
            if node.tag == qn("w:bookmarkEnd") and node.get(qn("w:id")) == mark:
                end = node
                break
            nxt = node.getnext()
            if node.tag == qn("w:r"):
                runs.append(node)
            node = nxt
        if end is None:
            raise ValueError(f"field {name} does not end in the paragraph it starts in")
        tag = name[len(PREFIX):]
        info = labels.get(tag, FieldInfo(tag, None))
        for r in runs:
            r.getparent().remove(r)
        if not info.filled:
            _placeholder_runs(runs)
        start.addprevious(_sdt(tag, info.label, ident, runs, placeholder=not info.filled, locked=info.locked,
                               multiline=info.multiline))
        start.getparent().remove(start)
        end.getparent().remove(end)
        tags.append(tag)
        ident += 1
    return tags


def field_run(tag: str, label: str, placeholder: str, ident: int) -> etree._Element:
    """A content control built directly (for places pandoc does not write, e.g. headers)."""
    r = _el("w:r")
    t = etree.SubElement(r, qn("w:t"))
    t.text = placeholder
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    _placeholder_runs([r])
    return _sdt(tag, label, ident, [r], placeholder=True)


def _controls(root: etree._Element) -> dict[str, etree._Element]:
    found = {}
    for sdt in root.iter(qn("w:sdt")):
        tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
        if tag is not None:
            found[tag.get(qn("w:val"))] = sdt
    return found


def _set_text(sdt: etree._Element, value: str) -> None:
    pr = sdt.find(qn("w:sdtPr"))
    for old in pr.findall(qn("w:showingPlcHdr")) + pr.findall(qn("w:rPr")):
        pr.remove(old)
    content = sdt.find(qn("w:sdtContent"))
    runs = content.findall(qn("w:r"))
    for r in runs[1:]:
        content.remove(r)
    r = runs[0] if runs else etree.SubElement(content, qn("w:r"))
    for child in list(r):
        r.remove(child)
    for index, line in enumerate(value.split("\n")):     # lines as Word writes them: w:br between
        if index:
            etree.SubElement(r, qn("w:br"))
        t = etree.SubElement(r, qn("w:t"))
        t.text = line
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _text(node: etree._Element) -> str:
    """Text as typed: line breaks and tabs kept."""
    out = []
    for el in node.iter(qn("w:t"), qn("w:br"), qn("w:cr"), qn("w:tab")):
        out.append(el.text or "" if el.tag == qn("w:t") else ("\t" if el.tag == qn("w:tab") else "\n"))
    return "".join(out)


class FillTemplate:
    """A prepared .docx read once for all of its copies (a routine template is filled for 38
    kommuner): the XML trees of its text parts and where their controls are. Each `fill`
    starts from the prepared document again: controls a previous copy filled are put back as
    they were first."""

    def __init__(self, data: bytes):
        package = zipfile.ZipFile(io.BytesIO(data))
        self.trees: dict[str, etree._Element] = {}
        self.controls: dict[str, dict[str, etree._Element]] = {}
        for name in text_parts(package.namelist()):
            root = etree.fromstring(package.read(name))
            found = _controls(root)
            if found:
                self.trees[name], self.controls[name] = root, found
        self.pristine = {(name, tag): copy.deepcopy(sdt) for name, found in self.controls.items()
                         for tag, sdt in found.items()}
        # parts where a control holds another: replacing the outer one replaces the inner one too
        self.nested = {name for name, found in self.controls.items()
                       if any(next(sdt.iterancestors(qn("w:sdt")), None) is not None for sdt in found.values())}
        self.touched: set[tuple[str, str]] = set()

    def fill(self, values: dict[str, str]) -> dict[str, bytes]:
        """The XML parts of the document with the given field values set: {part name: xml}."""
        for name, tag in self.touched:
            self._replace(name, tag, copy.deepcopy(self.pristine[(name, tag)]))
        self.touched = set()
        changed = {}
        for name in self.controls:
            hit = False
            for tag, value in values.items():
                if tag in self.controls[name] and value is not None:
                    self.touched.add((name, tag))      # first: put back next time even if this fails
                    self._replace(name, tag, copy.deepcopy(self.pristine[(name, tag)]))
                    _set_text(self.controls[name][tag], value)
                    hit = True
            if hit:
                changed[name] = etree.tostring(self.trees[name], xml_declaration=True, encoding="UTF-8",
                                               standalone=True)
        return changed

    def _replace(self, name: str, tag: str, fresh: etree._Element) -> None:
        current = self.controls[name][tag]
        current.getparent().replace(current, fresh)
        if name in self.nested:
            self.controls[name] = _controls(self.trees[name])
        else:
            self.controls[name][tag] = fresh


@lru_cache(maxsize=2)
def _template(data: bytes) -> FillTemplate:
    return FillTemplate(data)


def fill(data: bytes, values: dict[str, str]) -> dict[str, bytes]:
    """The XML parts of a .docx with the given field values set; returns {part name: xml}.
    The copies of one prepared document share its parsed parts (`FillTemplate`)."""
    return _template(data).fill(values)


def read(data: bytes) -> dict[str, str | None]:
    """Every field's value in a filled-in document: tag → text, None where the placeholder
    still shows (nothing was filled in). A control without a tag (LibreOffice drops tags when it
    saves) is keyed by its alias. The file is read as untrusted input (collect/untrusted.py);
    NotAForm for a file that is not a .docx or breaks a limit."""
    from samverkan.collect.untrusted import Package, Rejected

    try:
        package = Package(data, "Word document (.docx)")
        if not package.has("word/document.xml"):
            raise NotAForm("it is not a Word document (.docx)")
        values: dict[str, str | None] = {}
        for name in text_parts(package.names):
            for sdt in package.xml(name).iter(qn("w:sdt")):
                pr = sdt.find(qn("w:sdtPr"))
                key = None
                for child in ("w:tag", "w:alias"):
                    node = pr.find(qn(child)) if pr is not None else None
                    if node is not None and node.get(qn("w:val")):
                        key = node.get(qn("w:val"))
                        break
                if key is None or pr.find(qn("w:docPartObj")) is not None:
                    continue
                if pr.find(qn("w:showingPlcHdr")) is not None:
                    values[key] = None
                    continue
                content = sdt.find(qn("w:sdtContent"))
                paragraphs = content.findall(f".//{qn('w:p')}") or [content]
                text = "\n".join(_text(p) for p in paragraphs)
                values[key] = text.strip() or None
        return values
    except Rejected as exc:
        raise NotAForm(f"it cannot be read as a Word document: it {exc.message}") from exc
