"""Model → pandoc Markdown (the intermediate every writer reads), through Jinja templates.

The environment escapes every `{{ value }}` for Markdown (content is printed as typed),
fails on any undefined name (StrictUndefined: a missing value is an error, never a blank),
and gives templates the helpers and rules they need.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from samverkan import dates
from samverkan.errors import BuildFailed
from samverkan.imports import anchors
from samverkan.model import Content, ListBlock, Metadata
from samverkan.project import Templates
from samverkan.render import markdown
from samverkan.render.compiled import keep_compiled
from samverkan.rules import grouping
from samverkan.text import fill


STATUS_LABELS = {"utkast": "Utkast", "remiss": "Remissversion", "antagen": "Antagen"}
WATERMARKS = {"utkast": "UTKAST", "remiss": "REMISSVERSION"}


def adopted_date(text: str) -> str:
    """ "2017" as it is, "2017-06-12" as "12 juni 2017"."""
    return dates.long_date(dt.date.fromisoformat(text)) if len(text) == 10 else text


def status_phrase(meta: Metadata) -> str:
    """The status in running text: "antagen 2017", "utkast", "remissversion"."""
    if meta.status == "antagen" and meta.adopted:
        return f"antagen {adopted_date(meta.adopted)}"
    return STATUS_LABELS[meta.status].lower()


def status_facts(meta: Metadata) -> list[str]:
    """The status as a title page states it: "Utkast"; or for an adopted agreement when it was
    adopted, and for a later edition (an editorial 1.1 of an agreement adopted in 2017) what
    was decided about it. Every place that shows a document's status (title page, site) uses this."""
    if meta.status == "antagen" and meta.adopted:
        lines = [f"Antagen {adopted_date(meta.adopted)}"]
        if meta.edition_of_adopted and meta.decision:
            lines.append(meta.decision)
        return lines
    return [STATUS_LABELS[meta.status]]


def title_facts(meta: Metadata, remiss: Any = None) -> list[str]:
    """The facts a title page states, coherent with each other: the version and its date, the
    status, and for an adopted agreement when it was adopted (an edition made later, such as an
    editorial 1.1 of an agreement adopted in 2017, shows both dates and what was decided). A
    remiss edition (`remiss`, a RemissEdition) is a proposal: it never calls itself adopted,
    and names when the version in force was adopted instead."""
    if remiss is not None:
        lines = [f"Remissversion {dates.iso_date(remiss.date)}", f"{remiss.texts.form.deadline_label} {dates.long_date(remiss.deadline)}",
                 f"Version {meta.version}, förslag på remiss"]
        if meta.adopted:
            lines.append(f"Gällande version antagen {adopted_date(meta.adopted)}")
    else:
        lines = [f"Version {meta.version}, {dates.long_date(meta.date)}"]
        status = status_facts(meta)
        lines += status if meta.status == "antagen" and meta.adopted else [f"Status: {status[0]}"]
    if meta.diarienummer:
        lines.append(f"Diarienummer: {meta.diarienummer}")
    return lines


@dataclass(frozen=True)
class Intermediate:
    """One document as pandoc Markdown with its metadata block, ready for any writer."""

    markdown: str
    title: str
    templates: Templates = Templates()    # the writers' templates (reference.docx, document.typ, …)

    @cached_property
    def meta(self) -> dict[str, Any]:
        """The metadata block, read once (writers ask for it several times)."""
        return markdown.read_front_matter(self.markdown)


@dataclass(frozen=True)
class FilledDocument:
    """A document made from a shared intermediate by filling some of its fields (a kommun's
    copy of a routine template): the writers build `base` once and fill it per copy."""

    base: Intermediate
    values: tuple[tuple[str, str], ...]   # (field tag, value)
    title: str                            # the copy's own plain-text title

    @property
    def shared(self) -> Intermediate:
        """What its copies share, prepared once per build (engine/plan.py): the intermediate."""
        return self.base


def anchor_id(number: str) -> str:
    return "s-" + re.sub(r"[^0-9A-Za-z.]+", "-", number).strip("-").lower()


def ref_anchor(ref: str) -> str:
    """The HTML anchor of a stable reference, so a link can point at it: "3.1:4", "A-3.1-2",
    "Bilaga-1:3" (the reference with white space as '-')."""
    return re.sub(r"\s+", "-", ref.strip())


def _anchor_ref(ref: str) -> Markup:
    """An empty span naming a paragraph's or commitment's stable reference: the HTML writer
    makes it the anchor a link can point at (html-filter.lua), the Word writer a hidden bookmark
    (`bookmark`, docx-filter.lua) that ties a returned edition back to its source
    (`samverkan import`); the PDF ignores it (no id, no content)."""
    if not re.fullmatch(r"[0-9A-Za-z.:\- ]+", ref):
        raise BuildFailed(f"reference '{ref}' may only use letters, digits, '.', ':', '-' and spaces")
    return Markup(f'[]{{.anchor ref="{ref}" anchor="{ref_anchor(ref)}" bookmark="{anchors.bookmark_name(ref)}"}}')


def _attributes(ident: str, *classes: str) -> Markup:
    """Pandoc attributes {#id .class …} (ids and classes are written by templates, not content)."""
    safe = re.sub(r"[^0-9A-Za-z._:-]+", "-", ident)
    return Markup("{#" + safe + "".join(f" .{c}" for c in classes) + "}")


def _note_label(label: str) -> str:
    return "fn-" + re.sub(r"[^0-9A-Za-z]+", "-", label)


def _list_marker(block: ListBlock, index: int) -> Markup:
    if block.ordered:
        return Markup(f"{block.start + index}.".ljust(4))
    return Markup("-   ")


def _commitment_row(commitment, with_topic: bool = True) -> list[str]:
    """Nr | Åtagande | Målgrupp/område | Avsnitt (without the topic where the table has none)."""
    return [commitment.id, commitment.full_text] + ([commitment.topic.name] if with_topic else []) + \
        [commitment.section]


def _matrix_rows(matrix, parties) -> list[list[str]]:
    """Rows of the target group × party table: the ids in each cell, '–' where there are none."""
    rows = []
    for by_party in matrix.values():
        topic = next(c.topic for cs in by_party.values() for c in cs)
        rows.append([topic.name] + [", ".join(c.id for c in by_party.get(p.id, [])) or "–" for p in parties])
    return rows


class FieldRegistry:
    """`field(tag, placeholder, label, bind=None)` in a template: a fill-in field (a Word
    content control, a marked box in the PDF). Tags must be unique within a document;
    `bind` names the value that fills the field for each kommun (see targets/routines.py)."""

    TAG = re.compile(r"^[a-z0-9][a-z0-9.:-]*$")

    def __init__(self) -> None:
        self.registry: dict[str, dict[str, str | bool | None]] = {}

    def __call__(self, tag: str, placeholder: str, label: str | None = None, bind: str | None = None,
                 value: str | None = None, locked: bool = False, multiline: bool = False) -> Markup:
        """`value` fills the field when the document is made (then `placeholder` is only kept
        in the registry); `locked` fields cannot be edited in Word."""
        if not self.TAG.match(tag):
            raise BuildFailed(f"field tag '{tag}' may only use a–z, 0–9, '.', ':' and '-'")
        if tag in self.registry:
            raise BuildFailed(f"field tag '{tag}' is used twice in one document; tags must be unique")
        self.registry[tag] = {"label": str(label or placeholder), "bind": bind, "placeholder": str(placeholder),
                              "filled": value is not None, "locked": locked, "multiline": multiline}
        shown = placeholder if value is None else value
        return Markup(f"[{markdown.escape(shown)}]{{#f-{tag}}}")


def _marked(words) -> Markup:
    """A changed text with its deleted words as [words]{.deleted} and its inserted words as
    [words]{.inserted} (the filters strike through and underline them); see compare.word_changes.
    The space around a changed run stays outside its span; a deletion and the insertion that
    replaces it are set apart by a space."""
    out = []
    for index, (op, text) in enumerate(words):
        core = text.strip()
        if op == "equal" or not core:
            out.append(markdown.escape(text))
            continue
        lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        if op == "inserted" and index and words[index - 1][0] == "deleted":
            lead = lead or " "
        out.append(markdown.escape(lead) + f"[{markdown.escape(core)}]{{.{op}}}" + markdown.escape(trail))
    return Markup("".join(out))


def _join_md(*parts) -> Markup:
    """Concatenate text (escaped) and Markdown (as is)."""
    return Markup("".join(str(markdown.md(p)) for p in parts))


def _line_block(lines: list[str]) -> Markup:
    return Markup("\n".join(f"| {markdown.escape(line)}" for line in lines))


@lru_cache(maxsize=4)
def environment(templates: Templates) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in templates.dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=True,              # with `finalize`, escapes for Markdown, not HTML
        finalize=markdown.md,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.do"],
    )
    env.globals.update(
        front_matter=markdown.front_matter,
        grid_table=markdown.grid_table,
        quote_block=markdown.quote_block,
        line_block=_line_block,
        join_md=_join_md,
        marked=_marked,
        matrix_rows=_matrix_rows,
        hashes=lambda level: Markup("#" * level),
        anchor=lambda number: Markup("{#" + anchor_id(number) + "}"),
        attributes=_attributes,
        reference=lambda text: Markup(f"[\\[{markdown.escape(text)}\\]]{{.ref}}"),
        anchor_ref=_anchor_ref,
        edition_properties=anchors.edition_properties,
        signature_line=lambda: Markup("[\u00a0]{.signature-line}"),
        noteref=lambda label: Markup(f"[^{_note_label(label)}]"),
        notedef=lambda label: Markup(f"[^{_note_label(label)}]:"),
        list_marker=_list_marker,
        lead_runs=grouping.lead_runs,
        long_date=dates.long_date,
        iso_date=dates.iso_date,
        status_label=lambda status: STATUS_LABELS[status],
        title_facts=title_facts,
        adopted_date=adopted_date,
        watermark=lambda status: WATERMARKS.get(status),
    )
    env.filters["md"] = markdown.md
    env.filters["fill"] = lambda text, **values: fill(str(text), **values)
    env.filters["commitment_row"] = _commitment_row
    env.filters["response_row"] = lambda r, not_on_list: [
        r.organisation + ("" if r.on_list else f" ({not_on_list})"), r.contact or "–", r.email or "–", r.date or "–"]
    env.filters["general_row"] = lambda r: [r.organisation, r.general]
    env.filters["answer_row"] = lambda a: [a.organisation, a.comment or "–", a.proposal or "–"]
    env.filters["revision_row"] = lambda r: [r.version, r.date, STATUS_LABELS[r.status], r.decision, r.summary]
    return keep_compiled(env)


def render(template: str, content: Content, **context: Any) -> str:
    """Render a template with the content and the grouping rules at hand."""
    env = environment(content.templates)

    def summary_groups(commitments, parties=None):
        """Section 6's grouping; `parties` as the document names them (default: parties.yaml)."""
        return grouping.by_party_and_topic(commitments, (parties or content.parties).values(),
                                           content.topics.values())

    def matrix(commitments):
        """Target group × party: topic id → party id → commitments."""
        return grouping.by_topic_and_party(commitments, content.parties.values(), content.topics.values())

    try:
        text = env.get_template(template).render(content=content, summary_groups=summary_groups, matrix=matrix,
                                                 **context)
    except jinja2.UndefinedError as exc:
        raise BuildFailed(f"template {template}: {exc.message}. A template names a value the content "
                          "does not have; fix the template or add the value to content/.") from exc
    except jinja2.TemplateError as exc:
        raise BuildFailed(f"template {template}: {exc}") from exc
    return re.sub(r"\n{3,}", "\n\n", text)


def intermediate(template: str, content: Content, title: str | None = None, **context: Any) -> Intermediate:
    """A template rendered as an intermediate, with the content's templates for its writers;
    `title` defaults to the title in its metadata block."""
    text = render(template, content, **context)
    return Intermediate(text, title if title is not None else str(markdown.read_front_matter(text).get("title", "")),
                        content.templates)


def render_document(content: Content, key: str, template: str = "document.md.j2", remiss: Any = None,
                    **context: Any) -> Intermediate:
    """A document of the content as an intermediate; `remiss` (a RemissEdition) makes it the
    remiss edition."""
    doc = content.documents[key]
    return intermediate(template, content, doc.meta.title, doc=doc, remiss=remiss, **context)
