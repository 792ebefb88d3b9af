"""HTML: a page of the download site (targets/site.py), made from a Jinja template of
templates/site/ and, for the agreements, from the same intermediate as Word and PDF.

Pandoc turns the intermediate into HTML (templates/html-filter.lua: the stable references as
anchors, fact boxes, footnotes); the page around it (header, navigation, downloads) is the
template's. A document shown on many pages (a routine template on every kommun's page) is
converted once per build and kept between builds (`HtmlWriter.prepare`, engine/plan.py,
engine/cache.py), like a routine's Word file and PDF. Every link a template makes goes
through `url`, which makes it relative to the page, so the site works from file://, from any
folder of a web server and offline.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from samverkan import dates
from samverkan.errors import BuildFailed
from samverkan.project import Templates
from samverkan.render import Intermediate
from samverkan.render.compiled import keep_compiled
from samverkan.text import fill
from samverkan.writers import pandoc
from samverkan.writers.base import Writer

BODY_MARKER = "<!--samverkan:body-->"
SEPARATORS = "-_./"


@dataclass(frozen=True)
class HtmlDocument:
    """An intermediate as HTML: its metadata block, its table of contents and its body."""

    meta: dict[str, Any]
    toc: Markup
    body: Markup


@dataclass(frozen=True)
class HtmlSource:
    """What pandoc makes the HTML of a page's document from: the intermediate and the words
    its part needs (notes-title, notes-back). The same for every page that shows the document
    (a routine template on every kommun's page): converted once per build (engine/plan.py)."""

    document: Intermediate
    labels: tuple[tuple[str, str], ...] = ()

    @property
    def markdown(self) -> str:
        """The text pandoc reads: its document's (engine/plan.py `ahead` converts it beside the
        document's Word and PDF)."""
        return self.document.markdown


@dataclass(frozen=True)
class HtmlPage:
    """One page: `template` (a name under templates/, e.g. "site/kommun.html.j2") filled with
    `context`; `path` is where the page lies in the site (links are made relative to it).
    `document`, when given, is converted by pandoc and is `document` in the template; `labels`
    are the words pandoc's part needs (notes-title, notes-back)."""

    template: str
    path: str
    context: dict[str, Any] = field(default_factory=dict)
    templates: Templates = Templates()
    document: Intermediate | None = None
    labels: tuple[tuple[str, str], ...] = ()
    fill: tuple[tuple[str, str], ...] = ()     # (field tag, value): the fields of `document` a unit fills

    @property
    def shared(self) -> HtmlSource | None:
        """What pandoc converts for this page, shared with every page of the same document
        and labels (equal, not the same object: the build groups them by value)."""
        return HtmlSource(self.document, self.labels) if self.document is not None else None


def relative_url(target: str, page: str) -> str:
    """A link from the page at `page` to `target` (both relative to the site's root; `target`
    may end in #fragment): "../filer/x.docx" from "kommuner/taby.html"."""
    path, _, fragment = target.partition("#")
    if path:
        link = posixpath.relpath(path, posixpath.dirname(page) or ".")
        link = quote(link, safe="/")
    else:
        link = ""
    return link + (f"#{quote(fragment, safe=':.-_')}" if fragment else "")


def file_size(size: int) -> str:
    """Swedish file sizes: "820 byte", "48 kB", "1,2 MB"."""
    if size < 1000:
        return f"{size} byte"
    if size < 1_000_000:
        return f"{round(size / 1000)} kB"
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


def breakable(name: str) -> Markup:
    """A file name that may wrap after its separators (- _ . /) on a narrow screen, never inside
    a word: "ataganden-<wbr>2026-<wbr>11-<wbr>24.<wbr>docx"."""
    return Markup("").join(Markup(escape(part)) + (Markup("<wbr>") if part[-1:] in SEPARATORS else Markup(""))
                           for part in re.split(r"(?<=[-_./])", name) if part)


@lru_cache(maxsize=4)
def environment(templates: Templates) -> jinja2.Environment:
    """Jinja for HTML: autoescaped, and an undefined name is an error, never a blank."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in templates.dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["file_size"] = file_size
    env.filters["long_date"] = lambda day: dates.long_date(dt.date.fromisoformat(day) if isinstance(day, str) else day)
    env.filters["breakable"] = breakable
    env.filters["fill"] = lambda text, **values: fill(str(text), **values)
    return keep_compiled(env)


def filled(document: HtmlDocument, values: tuple[tuple[str, str], ...]) -> HtmlDocument:
    """A document's fill-in fields (<span id="f-tag" class="field">placeholder</span>, from
    html-filter.lua) with the values a unit fills, as its Word and PDF files have them."""
    body = str(document.body)
    for tag, value in values:
        body, found = re.subn(rf'<span id="f-{re.escape(tag)}" class="field">[^<]*</span>',
                              lambda _: f'<span id="f-{tag}" class="field filled">{escape(value)}</span>', body)
        if found > 1:       # 0: a field of the title page, which the page's own heading replaces
            raise BuildFailed(f"the field '{tag}' is twice in the page of {document.meta.get('title')!r}")
    return HtmlDocument(document.meta, document.toc, Markup(body))


def converted(doc: Intermediate, labels: tuple[tuple[str, str], ...]) -> HtmlDocument:
    """`convert`, remembered in this process for a document it shows twice: `serve` makes the
    open page ahead of the build, then the build makes it with the sizes of the new files (when
    that page is made in this process). A document many pages show (a routine template on every
    kommun's page) is converted once per build by the plan, whichever worker makes its pages,
    and kept between builds (engine/plan.py, engine/cache.py). Remembered with the state of the
    two template files pandoc reads (`_read_files`): a process that lives on (serve, the tests)
    converts anew once either is edited, never from what it remembers of the old one."""
    return _converted(doc, labels, _read_files(doc.templates))


CONVERSION_FILES = ("html-parts.html5", "html-filter.lua")     # what `convert` reads: its template, its filter


def _read_files(templates: Templates) -> tuple:
    """Which files a conversion reads, and their state on disk now (size, modification time,
    inode): a file overridden in the project's templates/ or edited gives another state."""
    state = []
    for name in CONVERSION_FILES:
        path = templates.path(name)
        status = os.stat(path)
        state.append((str(path), status.st_size, status.st_mtime_ns, status.st_ino))
    return tuple(state)


@lru_cache(maxsize=16)
def _converted(doc: Intermediate, labels: tuple[tuple[str, str], ...], files: tuple) -> HtmlDocument:
    return convert(doc, dict(labels))


def forget_conversions() -> None:
    """Forget the conversions this process remembers (a test that builds twice in one process
    and means to see the cache beside the output at work)."""
    _converted.cache_clear()


def pandoc_request(doc: Intermediate, labels: dict[str, str]) -> pandoc.Request:
    """The conversion `convert` runs. Without the field registry, as Word and PDF (no HTML
    template uses it: see pandoc.without_field_registry), so that one pandoc process can read
    the text for all three (engine/plan.py `ahead`)."""
    template, lua_filter = (doc.templates.path(name) for name in CONVERSION_FILES)
    args = [f"--template={template}", f"--lua-filter={lua_filter}", "--standalone", "--shift-heading-level-by=1",
            "--wrap=none"]
    if doc.meta.get("toc"):
        args += ["--toc", "--toc-depth=4"]
    args += [f"--metadata={key}:{value}" for key, value in sorted(labels.items())]
    return pandoc.Request(pandoc.without_field_registry(doc.markdown), "html5", tuple(args))


def convert(doc: Intermediate, labels: dict[str, str]) -> HtmlDocument:
    """The intermediate as HTML by pandoc: table of contents and body."""
    request = pandoc_request(doc, labels)
    html = pandoc.run(request.markdown, request.to, list(request.args)).decode("utf-8")
    toc, marker, body = html.partition(BODY_MARKER)
    if not marker:
        raise BuildFailed(f"the template html-parts.html5 must contain the line {BODY_MARKER}")
    return HtmlDocument(doc.meta, Markup(toc.strip()), Markup(body.strip()))


class HtmlWriter(Writer):
    """A page: its document converted by pandoc (`prepare`, once per build for a document many
    pages show, and kept between builds as JSON: `keep`, `restore`), then its template filled
    (`fill_copy`)."""

    name = "html"
    suffix = ".html"
    accepts = (HtmlPage,)

    def write(self, page: HtmlPage, timestamp: dt.datetime) -> bytes:
        source = page.shared
        return self.fill_copy(self.prepare(source, timestamp) if source is not None else None, page, timestamp)

    def pandoc_request(self, artifact: HtmlSource | HtmlPage, timestamp: dt.datetime) -> pandoc.Request | None:
        """The conversion of a page's document (None: a page without one)."""
        source = artifact.shared if isinstance(artifact, HtmlPage) else artifact
        return pandoc_request(source.document, dict(source.labels)) if source is not None else None

    def prepare(self, source: HtmlSource, timestamp: dt.datetime) -> HtmlDocument:
        return converted(source.document, source.labels)

    def keep(self, prepared: HtmlDocument) -> bytes:
        """The table of contents and the body (the metadata is the intermediate's, read again)."""
        return json.dumps({"toc": str(prepared.toc), "body": str(prepared.body)}, ensure_ascii=False).encode("utf-8")

    def restore(self, payload: bytes, source: HtmlSource) -> HtmlDocument:
        kept = json.loads(payload.decode("utf-8"))
        if not isinstance(kept, dict) or set(kept) != {"toc", "body"} or \
                not all(isinstance(value, str) for value in kept.values()):
            raise ValueError("not a converted document's table of contents and body")
        return HtmlDocument(source.document.meta, Markup(kept["toc"]), Markup(kept["body"]))

    def fill_copy(self, prepared: HtmlDocument | None, page: HtmlPage, timestamp: dt.datetime) -> bytes:
        """The page's template with its document (`prepared`; None: a page without one), the
        fields a unit fills filled in."""
        env = environment(page.templates)
        document = filled(prepared, page.fill) if prepared is not None else None
        try:
            html = env.get_template(page.template).render(
                page.context, document=document, page_path=page.path, root="../" * page.path.count("/"),
                url=lambda target: relative_url(target, page.path))
        except jinja2.UndefinedError as exc:
            raise BuildFailed(f"template {page.template}: {exc.message}. A template names a value the site "
                              "does not give it; fix the template or add the wording to content/site.yaml.") from exc
        except jinja2.TemplateError as exc:
            raise BuildFailed(f"template {page.template}: {exc}") from exc
        return html.encode("utf-8")


@dataclass(frozen=True)
class StaticFile:
    """A file of the templates copied as it is (the site's style sheet and script)."""

    name: str                  # under templates/, e.g. "site/site.css"
    templates: Templates = Templates()


class _StaticWriter(Writer):
    accepts = (StaticFile,)

    def write(self, artifact: StaticFile, timestamp: dt.datetime) -> bytes:
        return artifact.templates.path(artifact.name).read_bytes()


class CssWriter(_StaticWriter):
    name = "css"
    suffix = ".css"


class JsWriter(_StaticWriter):
    name = "js"
    suffix = ".js"
