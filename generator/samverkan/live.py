"""`samverkan serve`: the download site on 127.0.0.1, rebuilt when a file of the project changes.

Save a file in `content/` (or the project's `templates/`) and the page open in the browser
shows the change a moment later, as `mkdocs serve` or `quarto preview` do:

- the watcher (watchfiles, in a thread) sees the save; a burst of events (an editor writes a
  temporary file and renames it) becomes one change 50 ms after the last of them;
- the pages open in a browser are made first (`preview_pages`: the content loaded, those
  pages only, by the site's own code) and served ahead of the build (`State.ahead`): the page a
  person is reading changes well within a second, before the build is done;
- then one build of everything from the same loaded content (Word, PDF, tables, routines and
  the site), incremental (engine/), in this process (which keeps the loaded modules and the
  forkserver between builds); it switches the output folder once, and the pages shown ahead are
  served from output/ again (an open page reloads once more only where the build's file differs
  from what it shows: the sizes of the files it lists); a save while the open pages are made
  puts them first again (the build waits);
- a page learns that its file changed from a stream of server-sent events
  (`/__samverkan/events`) and reloads itself. The script that listens
  (`/__samverkan/live.js`) is added to the pages by this server as it sends them: the files
  in output/site/ never contain it;
- a mistake in the content (or a build that fails) is shown on every open page, under a
  heading in Swedish, as `samverkan check` lists it (`on_pages`), until a build succeeds;
  output/ keeps the last good set.

Why watchfiles and not polling: it is a maintained binding to the operating system's own
notifications (inotify on Linux, FSEvents, ReadDirectoryChangesW) through the Rust `notify`
crate: a save is seen within milliseconds at no cost while nothing changes, where polling
the content folder would either cost a scan every few hundred milliseconds or add that much
to every edit; it also groups an editor's several writes into one change (debounce), and it
falls back to polling itself where the system gives no notifications (some network file
systems). Server-sent events (not WebSockets, not polling a version): one plain HTTP response
that stays open, which the standard library's server can send and every browser reconnects
by itself; a page is told at once instead of at its next poll.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable
from urllib.parse import parse_qs, unquote, urlsplit

from samverkan import preview
from samverkan.errors import ContentInvalid, SamverkanError, UsageProblem

if TYPE_CHECKING:
    from samverkan.model import Content

EVENTS = "/__samverkan/events"
SCRIPT = "/__samverkan/live.js"
STEP_MS = 50                  # a change is built this long after the last event of a burst
KEEPALIVE = 15.0              # seconds between comments on an idle event stream

# The page's side: listen, reload when told, show the build's message while it stands. The
# message is a region at the top of the page (role="alert": a screen reader reads it out),
# in the site's own colours where it has them; its words are the server's (`on_pages`): a
# heading in the page's Swedish, the CLI's English text under it marked lang="en".
LIVE_JS = """\
(() => {
  const me = document.currentScript;
  const url = new URL(%(events)s, location.href);
  url.searchParams.set("page", location.pathname);
  url.searchParams.set("build", me.dataset.build);
  let events = null;
  let box = null;
  const listen = () => {
    events = new EventSource(url);
    events.onmessage = show;
  };
  // a hidden tab lets go of its stream (a browser opens at most six connections to a server;
  // a seventh tab of the preview would wait): it listens again, and hears what it missed, when
  // it is shown
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && events) { events.close(); events = null; }
    else if (!document.hidden && !events) { listen(); }
  });
  const show = (event) => {
    const state = JSON.parse(event.data);
    if (state.reload) { events.close(); location.reload(); return; }
    if (state.error && !box) {
      box = document.createElement("div");
      box.id = "samverkan-live-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:sticky;top:0;z-index:1000;margin:0;padding:1em;background:#fff4f4;" +
        "color:#5c0000;border-bottom:4px solid #b00020;font:1rem/1.4 sans-serif";
      const title = document.createElement("p");
      title.style.cssText = "margin:0 0 .5em;font-weight:bold";
      const text = document.createElement("pre");
      text.lang = "en";
      text.style.cssText = "margin:0;white-space:pre-wrap;font:inherit";
      box.append(title, text);
      document.body.prepend(box);
    }
    if (state.error) {
      box.firstChild.textContent = state.error.heading;
      box.lastChild.textContent = state.error.message;
    }
    else if (box) { box.remove(); box = null; }
  };
  if (!document.hidden) { listen(); }
})();
""" % {"events": json.dumps(EVENTS)}


class State:
    """What the builds so far did: a build number, when each page last changed, what the pages
    show of a failed build (`on_pages`; None when the last one succeeded), the pages open in a
    browser and the pages shown ahead of the build that makes them (`ahead`). Pages wait on it
    for news.

    `site`: the folder served (OUT/site), read to tell whether a page shown ahead is what the
    build then wrote (then the open page need not reload again)."""

    def __init__(self, site: Path | None = None) -> None:
        self.condition = threading.Condition()
        self.site = site
        self.build = 0
        self.changed: dict[str, int] = {}      # URL path of a site file → build that changed it
        self.everything = 0                    # build that changed the style sheet or script
        self.error: dict[str, str] | None = None
        self.closed = False
        self.open: dict[str, int] = {}         # URL path → pages listening for news of it
        self.ahead: dict[str, bytes] = {}      # URL path → the page as the coming build makes it

    def listening(self, page: str, change: int) -> None:
        """A page opened (+1) or closed (-1) its stream of news."""
        with self.condition:
            self.open[page] = self.open.get(page, 0) + change
            if self.open[page] <= 0:
                del self.open[page]

    def open_pages(self) -> list[str]:
        with self.condition:
            return sorted(self.open)

    def served(self, url: str) -> bytes | None:
        """The page the server sends for `url` now (shown ahead, else the file)."""
        with self.condition:
            if url in self.ahead:
                return self.ahead[url]
        return self._file(url)

    def _file(self, url: str) -> bytes | None:
        if self.site is None:
            return None
        try:
            return (self.site / url.lstrip("/")).read_bytes()
        except OSError:
            return None

    def shown_ahead(self, pages: dict[str, bytes]) -> list[str]:
        """Pages made before the build (`preview_pages`): those that differ from what is served
        are served from now on and their open pages reload. Returns their URL paths."""
        differ = {url: body for url, body in pages.items() if self.served(url) != body}
        with self.condition:
            if differ:
                self.build += 1
                self.ahead.update(differ)
                for url in differ:
                    self.changed[url] = self.build
                self.condition.notify_all()
        return sorted(differ)

    def built(self, paths: list[str]) -> None:
        """A build succeeded, changing these files of the output folder. A page shown ahead is
        served from the output folder again; its open pages reload only where the file differs
        from what they show."""
        urls = {"/" + path[len(preview.SITE) + 1:] for path in paths if path.startswith(f"{preview.SITE}/")}
        with self.condition:
            ahead, self.ahead = self.ahead, {}
            self.build += 1
            for url in urls | set(ahead):
                if url in ahead and self._file(url) == ahead[url]:
                    continue                    # already shown as it now is
                self.changed[url] = self.build
                if url.endswith((".css", ".js")):
                    self.everything = self.build
            self.error = None
            self.condition.notify_all()

    def failed(self, message: dict[str, str]) -> None:
        """A build (or the content) failed: the message (`on_pages`) is shown; pages shown ahead
        of the build are served from the output folder again (the last good set)."""
        with self.condition:
            self.error = message
            if self.ahead:
                self.build += 1
                for url in self.ahead:
                    self.changed[url] = self.build
                self.ahead = {}
            self.condition.notify_all()

    def close(self) -> None:
        with self.condition:
            self.closed = True
            self.condition.notify_all()

    def news(self, page: str, loaded: int, error: dict[str, str] | None, timeout: float) -> dict | None:
        """What a page that was loaded at build `loaded` and shows `error` should do now, waiting
        up to `timeout` for something to change: {"reload": True}, {"error": message or None},
        or None (nothing new; or the server is stopping: `closed`)."""
        deadline = time.monotonic() + timeout
        with self.condition:
            while not self.closed:
                if max(self.changed.get(page, 0), self.everything) > loaded:
                    return {"reload": True}
                if self.error != error:
                    return {"error": self.error}
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.condition.wait(left)
            return None


def _with_tag(page: bytes, build: int) -> bytes:
    """An HTML page with the live script, which knows the build the page is of."""
    tag = f'<script src="{SCRIPT}" data-build="{build}" defer></script>'.encode()
    return page.replace(b"</head>", tag + b"</head>", 1)


def page_path(url_path: str) -> str:
    """The site file a URL path shows: `/` and `/kommuner/` are their index.html."""
    path = unquote(url_path) or "/"
    return path + "index.html" if path.endswith("/") else path


class LiveHandler(preview._Handler):
    """The preview's file handler (it decides what may be served), with the event stream, the
    script, and the script added to every HTML page it sends."""

    state: State       # set on the class made for one server (`server`)

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        url = urlsplit(self.path)
        if url.path == EVENTS:
            self._events(parse_qs(url.query))
        elif url.path == SCRIPT:
            self._send(200, "text/javascript; charset=utf-8", LIVE_JS.encode("utf-8"))
        else:
            self._with_script()

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _with_script(self) -> None:
        """The preview handler's answer, with the live script in an HTML page. The answer is
        taken as the handler writes it (whatever it decides to serve or refuse) and sent on
        changed only in an HTML page's body, its length and its caching. A page made ahead of
        the build that writes it (`State.ahead`) is sent instead of its file."""
        import io

        with self.state.condition:
            build = self.state.build
            ahead = self.state.ahead.get(page_path(urlsplit(self.path).path))
        if ahead is not None:
            self._send(200, "text/html", _with_tag(ahead, build))
            return
        real, buffer = self.wfile, io.BytesIO()
        self.wfile = buffer
        try:
            super().do_GET()
        finally:
            self.wfile = real
        head, _, body = buffer.getvalue().partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        fields = [line.split(b":", 1) for line in lines[1:] if b":" in line]
        kind = next((value.strip() for name, value in fields if name.strip().lower() == b"content-type"), b"")
        if not lines[0].split(b" ")[1:2] == [b"200"] or not kind.startswith(b"text/html") or b"</head>" not in body:
            real.write(buffer.getvalue())
            return
        body = _with_tag(body, build)
        kept = [line for line, (name, _) in zip(lines[1:], fields)
                if name.strip().lower() not in (b"content-length", b"last-modified", b"cache-control")]
        real.write(b"\r\n".join([lines[0], *kept, f"Content-Length: {len(body)}".encode(),
                                 b"Cache-Control: no-store"]) + b"\r\n\r\n" + body)

    def _events(self, query: dict[str, list[str]]) -> None:
        page = page_path(query.get("page", ["/"])[0])
        try:
            loaded = int(query.get("build", ["0"])[0])
        except ValueError:
            loaded = 0
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        shown: dict[str, str] | None = None
        self.state.listening(page, +1)
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while not self.state.closed:
                news = self.state.news(page, loaded, shown, KEEPALIVE)
                if news is None:
                    self.wfile.write(b": idle\n\n")
                else:
                    shown = news.get("error")
                    self.wfile.write(b"data: " + json.dumps(news).encode() + b"\n\n")
                self.wfile.flush()
                if news and news.get("reload"):
                    return
        except OSError:         # the page was closed or reloaded
            return
        finally:
            self.state.listening(page, -1)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        if not self.path.startswith(EVENTS):
            super().log_message(format, *args)


def server(out: Path, port: int, state: State):
    """The preview's server for OUT/site, answering with LiveHandler."""
    handler = type("Handler", (LiveHandler,), {"state": state})
    return preview.server(out, port, handler=handler)


def preview_pages(content: Content, out: Path, urls: list[str]) -> dict[str, bytes]:
    """The pages at these URL paths as the coming build will make them, made here and now (those
    pages only, by the site's own code, no other file): what a person is reading changes before
    the build that writes every file is done. The pages list the files of the output folder as
    they are (their sizes change with that build). Raises what `build` would (SamverkanError)."""
    import os

    from samverkan.engine import entries
    from samverkan.targets import BuildOptions
    from samverkan.targets.site import SiteTarget, pages
    from samverkan.writers import writer_for

    if SiteTarget().missing(content) or not urls:
        return {}
    manifest = entries.checked(out, Path(os.path.realpath(out)))
    options = BuildOptions({"manifest": manifest.get("documents", [])})
    writer = writer_for("html")
    return {job.path[len(preview.SITE):]: writer.write(job.artifact, job.timestamp)
            for job in pages(content, options, [preview.SITE + url for url in urls])}


def on_pages(error: SamverkanError) -> dict[str, str]:
    """What the open pages show while the build fails (the box of LIVE_JS): a heading in the
    site's language, Swedish, that says what happened and that the page is the last good one,
    and under it the CLI's own text, in English as `check` and the terminal print it (file,
    line, what to do: one wording everywhere). Of the content's problems only their list: the
    CLI's "Error: 1 problem in the content:" above it would be English words in a Swedish
    sentence, and its count is in the heading."""
    if isinstance(error, ContentInvalid):
        return {"heading": f"Innehållet har {len(error.problems)} fel – sidan visar senaste fungerande version:",
                "message": error.listing}
    return {"heading": "Bygget misslyckades – sidan visar senaste fungerande version:",
            "message": error.format_message()}


def rebuild(content_dir: Path, out: Path, state: State, say: Callable[[str], None],
            again: threading.Event | None = None) -> bool:
    """After a change: the content loaded, the pages open in a browser made first and shown
    ahead of the build (`preview_pages`), then one build of everything from the same loaded
    content (Word, PDF, tables, routines and the site), which switches the output folder once;
    the pages hear of each. A failure is shown on the pages and said on the terminal; the output
    stays as it was. False if the build failed. When `again` is set once the open pages are
    shown (another save), the build waits: the content is loaded and the pages made again.

    One after the other, not side by side: made in a thread beside the build, the open page
    came 0.3 s later (0.91-0.98 s against 0.61-0.66 s, five edits each, alternating, on two
    cores) and the Word and PDF files no sooner (1.79-2.26 s against 1.89-2.05 s)."""
    from samverkan import build as build_module
    from samverkan.content.loader import load_content
    from samverkan.engine.progress import Progress

    start = time.monotonic()
    opened = state.open_pages()
    progress = Progress.for_terminal(True)
    try:
        if not opened:          # (the first build: nothing to do is known from the files alone)
            report = build_module.build_project(content_dir, out, [], progress=progress)
        else:
            content = load_content(Path(content_dir))
            shown = state.shown_ahead(preview_pages(content, out, opened))
            say(f"open pages: {len(shown)} of {len(opened)} changed ({time.monotonic() - start:.1f} s)")
            if again is not None and again.is_set():
                return True
            report = build_module.build_loaded(content, out, progress=progress)
    except build_module.BuildInterrupted:
        raise
    except SamverkanError as exc:
        state.failed(on_pages(exc))
        say(f"Error: {exc.format_message()}")
        return False
    changed = [w.path for w in report.written] + list(report.removed)
    state.built(changed)
    say(f"everything: {len(changed)} files changed ({time.monotonic() - start:.1f} s)")
    return True


def warm_up(content_dir: Path, out: Path) -> None:
    """Once, before the first change: what that change would otherwise wait for. The modules of
    the content, the site and the HTML writer imported, the site's templates parsed (one page
    made and dropped; about a second when the first build had nothing to do); and the process
    the build's workers fork from started, which imports the writers in the background (a first
    build with nothing to do never started it: the first change's build waited for it, its Word
    and PDF ~0.7 s later than the next changes' did)."""
    from samverkan.content.loader import load_content
    from samverkan.engine.runner import start_forkserver

    start_forkserver()
    try:
        preview_pages(load_content(Path(content_dir)), out, ["/index.html"])
    except SamverkanError:      # the first change's build says it
        pass


def watched(content_dir: Path) -> list[Path]:
    """The project's content folder and, if it has one, its templates folder."""
    from samverkan.project import Templates

    templates = Templates.for_content(content_dir).project
    return [Path(content_dir)] + ([templates] if templates is not None else [])


def serve(content_dir: Path, out: Path, port: int, say: Callable[[str], None] = print) -> None:
    """Build, serve on 127.0.0.1, rebuild on every change; until Ctrl-C."""
    import watchfiles

    if not Path(content_dir).is_dir():
        raise UsageProblem(f"no content folder {content_dir}: run samverkan serve in a project folder, or name it "
                           "with --content (--no-watch serves the last build without content)")
    state = State(Path(out) / preview.SITE)
    rebuild(content_dir, out, state, say)
    httpd = server(out, port, state)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    folders = watched(content_dir)
    changed, stop = threading.Event(), threading.Event()

    def watch() -> None:
        for _changes in watchfiles.watch(*folders, step=STEP_MS, stop_event=stop, raise_interrupt=False):
            changed.set()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        warm_up(content_dir, out)
        say(f"serving {Path(out) / preview.SITE} at http://127.0.0.1:{httpd.server_address[1]}/; rebuilding when "
            f"{' or '.join(str(f) for f in folders)} changes (Ctrl-C stops)")
        while True:
            # never an endless wait: Ctrl-C may reach another thread of this process (the
            # watcher's, a request's), and only a main thread that wakes up now and then runs
            # Python's handler of it
            if not changed.wait(0.2):
                continue
            changed.clear()
            rebuild(content_dir, out, state, say, again=changed)
    except KeyboardInterrupt:
        pass
    except SamverkanError as exc:       # Ctrl-C or SIGTERM in a build: it left the output as it was
        if exc.exit_code not in (130, 143):
            raise
    finally:
        stop.set()
        state.close()
        httpd.shutdown()
        httpd.server_close()
        watcher.join(2)
    say("stopped")
