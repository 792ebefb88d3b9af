"""`samverkan serve`: a local preview of the download site. It builds nothing: it serves the
folder `samverkan build site` wrote, on 127.0.0.1 only, until Ctrl-C."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path
from typing import Callable

from samverkan.errors import UsageProblem

SITE = "site"          # the site's folder in the output folder (targets/site.py)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files of the site only (SimpleHTTPRequestHandler never serves outside its folder);
    one line per request on the terminal."""

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the standard library's name
        print(f"{self.address_string()} {format % args}", flush=True)


def server(out: Path, port: int, handler: type = _Handler) -> http.server.ThreadingHTTPServer:
    """A server for OUT/site on 127.0.0.1:`port` (0: any free port), not yet serving; `handler`:
    a subclass of the handler (live.py adds the live preview's script and events)."""
    folder = Path(out) / SITE
    if not (folder / "index.html").is_file():
        raise UsageProblem(f"no site in {folder}: build it first with `samverkan build site` "
                           f"(or `samverkan build`), then run samverkan serve again")
    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(folder)))
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
