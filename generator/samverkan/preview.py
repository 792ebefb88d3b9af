"""`samverkan serve`: a local preview of the download site. It builds nothing: it serves the
folder `samverkan build site` wrote, on 127.0.0.1 only, until Ctrl-C.

What it serves: regular files under OUT/site and nothing else. Every request is resolved on
the disk before anything is opened; a path that leaves the folder (`..`, a symlink to
`/etc/passwd`, to a folder beside the output or to `manifest.json`), a folder without
`index.html` (no listing), a pipe or a device is 404. A request that is not a path at all
(`%00`, bad percent-encoding) is 400, a method other than GET/HEAD 501. A request the browser
cancels is silent, and nothing a client sends prints a traceback on the terminal.

Whom it answers: only requests addressed to the server itself, whose Host header is
127.0.0.1, localhost or [::1], alone or with the port it listens on (`addressed_here`).
Listening on 127.0.0.1 is not enough: a web page the user visits can make its own host name
resolve to 127.0.0.1 (DNS rebinding), and its script then reads the preview (and `serve`'s
event stream) as a page of its own origin; its requests name that host. Any other Host, or
none, is 403 with a short page in Swedish and English that says where the preview is, and
nothing of the site. 403, not 421 Misdirected Request: 421 tells a client to try again on
another connection (RFC 9110 15.5.20), which a browser may do by itself, while the answer
here is final; 403 is also what Vite (`server.allowedHosts`), Rails (HostAuthorization) and
Jupyter answer a host they do not serve. The check is made once, as the request is read
(`parse_request`), before any method answers: GET, HEAD, live.py's script and event stream.

The standard library's SimpleHTTPRequestHandler is kept for the HTTP itself; only how a path
becomes a file is samverkan's (`_open`): its own `send_head` follows symlinks anywhere, lists
folders and lets a NUL byte escape as a ValueError."""

from __future__ import annotations

import functools
import http.server
import os
import stat
import sys
import urllib.parse
from http import HTTPStatus
from pathlib import Path
from typing import Callable

from samverkan.errors import UsageProblem

SITE = "site"          # the site's folder in the output folder (targets/site.py)
INDEX = "index.html"

# the names the server has on this computer (a Host header names one, with or without the port)
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")

# what a request addressed to another host is answered (`_Handler._refuse`); {url}: where the
# preview is. The Host sent is not repeated in it (whoever chose the name chose the page's text).
REFUSAL = """\
<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Fel adress – Wrong address</title></head><body>
<p>Förhandsvisningen svarar bara på adressen 127.0.0.1 (eller localhost), så att ingen annan webbplats kan läsa \
den. Öppna den på <a href="{url}">{url}</a>.</p>
<p lang="en">The preview answers only at 127.0.0.1 (or localhost), so that no other web site can read it. \
Open it at <a href="{url}">{url}</a>.</p>
</body></html>
"""

# C0 and C1 controls of a request line shown as \xNN on the terminal (a request could
# otherwise move the cursor or change the terminal's colours)
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7f, 0xa0)]}


class _NotFound(Exception):
    """The request names no regular file of the site."""


def _open(root: str, parts: list[str]) -> tuple[int, os.stat_result]:
    """The open descriptor and status of ROOT/parts…, which must be a regular file or a folder
    whose real path (every symlink on the way resolved) is ROOT or inside it. Opened without
    following a last symlink and without blocking (a FIFO is opened, seen and refused); the
    path of the opened file is read back from /proc so that a link swapped in between the
    check and the open is caught too."""
    real = os.path.realpath(os.path.join(root, *parts))
    if not _inside(real, root):
        raise _NotFound
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except (OSError, ValueError):
        raise _NotFound from None
    try:
        status = os.fstat(fd)
        try:
            opened = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:                       # no /proc: the resolved path stands
            opened = real
        if not _inside(opened, root) or not (stat.S_ISREG(status.st_mode) or stat.S_ISDIR(status.st_mode)):
            raise _NotFound
    except BaseException:
        os.close(fd)
        raise
    return fd, status


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def addressed_here(host: str, port: int) -> bool:
    """Whether a Host header names this server: one of LOOPBACK_NAMES (in any case), alone or
    followed by `:port`, the port it listens on. A name that only resolves to 127.0.0.1 (a
    rebound DNS name, an entry in /etc/hosts) is not: nothing tells it from a stranger's."""
    host = host.strip().lower()
    if host in LOOPBACK_NAMES:
        return True
    name, _, given = host.rpartition(":")
    return name in LOOPBACK_NAMES and given == str(port)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Regular files of the site only; one line per request on the terminal."""

    timeout = 60                          # a client that connects and sends nothing is let go

    def __init__(self, *args, root: str, **kwargs) -> None:
        self.root = root
        super().__init__(*args, directory=root, **kwargs)

    def parse_request(self) -> bool:
        """The request read (the standard library's), then answered only if it is addressed to
        this server (`addressed_here`; exactly one Host header): the one check every method
        passes before it answers. False: refused, nothing more is done with the request."""
        if not super().parse_request():
            return False
        hosts = self.headers.get_all("Host") or []
        port = self.server.server_address[1]
        if len(hosts) == 1 and addressed_here(hosts[0], port):
            return True
        self._refuse(port)
        return False

    def _refuse(self, port: int) -> None:
        """403 with REFUSAL (its headers alone to HEAD); the connection is closed after it."""
        body = REFUSAL.format(url=f"http://127.0.0.1:{port}/").encode("utf-8")
        self.send_response(HTTPStatus.FORBIDDEN)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_head(self):
        path = urllib.parse.urlsplit(self.path).path
        try:
            path = urllib.parse.unquote(path, errors="strict")
        except UnicodeDecodeError:
            path = "\x00"
        if "\x00" in path or "\\" in path or not path.startswith("/"):
            self.send_error(HTTPStatus.BAD_REQUEST, "Not a path of the site")
            return None
        parts = [part for part in path.split("/") if part not in ("", ".")]
        try:
            if ".." in parts:
                raise _NotFound
            fd, status = _open(self.root, parts)
            if stat.S_ISDIR(status.st_mode):
                os.close(fd)
                if not path.endswith("/"):
                    # a folder's address ends in "/" so that its page's relative links work;
                    # the new address is built from the checked parts, never "//host"
                    self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                    self.send_header("Location", "/" + "".join(urllib.parse.quote(p) + "/" for p in parts))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                parts.append(INDEX)
                fd, status = _open(self.root, parts)
                if not stat.S_ISREG(status.st_mode):
                    os.close(fd)
                    raise _NotFound
            elif path.endswith("/"):             # a file is not a folder
                os.close(fd)
                raise _NotFound
        except _NotFound:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        file = os.fdopen(fd, "rb")
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-type", self.guess_type(parts[-1] if parts else INDEX))
            self.send_header("Content-Length", str(status.st_size))
            self.send_header("Last-Modified", self.date_time_string(status.st_mtime))
            self.end_headers()
        except BaseException:
            file.close()
            raise
        return file

    def list_directory(self, path):      # never called by send_head above; no listing either way
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the standard library's name
        print(f"{self.address_string()} {(format % args).translate(_CONTROLS)}", flush=True)


class _Server(http.server.ThreadingHTTPServer):
    """A cancelled request (the browser closed the connection) is silent; anything else that
    goes wrong with one request is one line on the terminal, never a traceback."""

    # Ctrl-C does not wait for the connections a browser opens ahead and sends nothing on
    # (each would hold the stop for `_Handler.timeout`); their threads end with the process
    block_on_close = False

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        print(f"{client_address[0]} request not answered: {type(error).__name__}: {error}", flush=True)


def server(out: Path, port: int, handler: type = _Handler) -> http.server.ThreadingHTTPServer:
    """A server for OUT/site on 127.0.0.1:`port` (0: any free port), not yet serving; `handler`:
    a subclass of the handler (live.py adds the live preview's script and events)."""
    folder = Path(out) / SITE
    if not (folder / INDEX).is_file():
        raise UsageProblem(f"no site in {folder}: build it first with `samverkan build site` "
                           f"(or `samverkan build`), then run samverkan serve again")
    root = os.path.realpath(folder)
    if root != os.path.join(os.path.realpath(out), SITE):
        raise UsageProblem(f"{folder} is a link to {root}: samverkan serves only the folder "
                           f"`samverkan build site` writes; remove the link and run `samverkan build site`")
    try:
        return _Server(("127.0.0.1", port), functools.partial(handler, root=root))
    except OSError as exc:
        raise UsageProblem(f"cannot serve on 127.0.0.1:{port} ({exc.strerror or exc}); "
                           "choose another port with --port") from exc


def serve(out: Path, port: int, say: Callable[[str], None] = print) -> None:
    """Serve until Ctrl-C."""
    httpd = server(out, port)
    with httpd:
        say(f"serving {Path(out) / SITE} at http://127.0.0.1:{httpd.server_address[1]}/ (Ctrl-C stops)")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
    say("stopped")
