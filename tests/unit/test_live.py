"""live.py: the script goes into the HTML pages serve sends (never into other files), and a page
hears of a change to its own file, of a failed build and of the fix."""

from __future__ import annotations

import threading
import time
import urllib.request

from samverkan import live
from samverkan.errors import BuildFailed


def test_pages_get_the_script_other_files_stay_as_they_are(tmp_path):
    site = tmp_path / "site"
    (site / "kommuner").mkdir(parents=True)
    page = "<!doctype html><html><head><title>T</title></head><body><p>Text</p></body></html>"
    (site / "index.html").write_text(page, encoding="utf-8")
    (site / "kommuner" / "index.html").write_text(page, encoding="utf-8")
    (site / "site.css").write_text("p { color: black }", encoding="utf-8")
    state = live.State()
    state.built(["site/index.html"])
    httpd = live.server(tmp_path, 0, state)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        with urllib.request.urlopen(base + "/kommuner/") as answer:
            sent = answer.read().decode()
            assert answer.headers["Content-Length"] == str(len(sent.encode()))
            assert answer.headers["Cache-Control"] == "no-store"
        assert sent == page.replace("</head>", f'<script src="{live.SCRIPT}" data-build="1" defer></script></head>')
        with urllib.request.urlopen(base + "/site.css") as answer:
            assert answer.read() == b"p { color: black }"
        with urllib.request.urlopen(base + live.SCRIPT) as answer:
            assert b"EventSource" in answer.read()
        assert (site / "index.html").read_text(encoding="utf-8") == page          # the file is untouched
    finally:
        state.close()
        httpd.shutdown()
        httpd.server_close()


def test_a_page_hears_of_its_own_change_of_a_failure_and_of_the_fix():
    state = live.State()
    state.built(["site/index.html", "site/a.html", "rutiner/x.pdf"])
    assert state.news("/index.html", 1, None, 0) is None                 # loaded after its change
    assert state.news("/index.html", 0, None, 0) == {"reload": True}     # loaded before it
    state.built(["site/b.html"])
    assert state.news("/a.html", 1, None, 0) is None
    shown = {"heading": "Innehållet har 1 fel – sidan visar senaste fungerande version:",
             "message": "content/agreement/document.yaml:8: YAML syntax error"}
    state.failed(shown)
    assert state.news("/a.html", 1, None, 0) == {"error": shown}
    assert state.news("/a.html", 1, shown, 0) is None
    state.built([])
    assert state.news("/a.html", 1, shown, 0) == {"error": None}
    state.built(["site/assets/site.css"])                                  # every page reloads
    assert state.news("/a.html", 3, None, 0) == {"reload": True}
    assert live.page_path("/") == "/index.html" and live.page_path("/kommuner/t%C3%A4by.html") == "/kommuner/täby.html"


def test_a_waiting_page_is_told_at_once():
    state = live.State()
    heard = []
    waiting = threading.Thread(target=lambda: heard.append(state.news("/index.html", 0, None, 30)))
    waiting.start()
    state.built(["site/index.html"])
    waiting.join(5)
    assert heard == [{"reload": True}]


def test_a_page_shown_ahead_of_the_build_is_served_until_the_build_then_the_file(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    old = b"<!doctype html><html><head><title>T</title></head><body><p>Old</p></body></html>"
    new = old.replace(b"Old", b"New")
    (site / "index.html").write_bytes(old)
    (site / "a.html").write_bytes(old)
    state = live.State(site)
    httpd = live.server(tmp_path, 0, state)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"

    def page(url: str) -> bytes:
        with urllib.request.urlopen(base + url) as answer:
            body = answer.read()
            assert answer.headers["Content-Length"] == str(len(body)) and answer.headers["Cache-Control"] == "no-store"
            return body

    try:
        assert state.shown_ahead({"/index.html": old}) == []                  # as served: nothing to do
        assert state.news("/index.html", 0, None, 0) is None
        assert state.shown_ahead({"/index.html": new, "/a.html": old}) == ["/index.html"]
        assert state.news("/index.html", 0, None, 0) == {"reload": True} and state.news("/a.html", 0, None, 0) is None
        assert page("/") == new.replace(b"</head>", f'<script src="{live.SCRIPT}" data-build="1" defer></script>'
                                                    f'</head>'.encode())
        assert (site / "index.html").read_bytes() == old                      # the file is the last build's

        (site / "index.html").write_bytes(new)                                # the build wrote what was shown
        state.built(["site/index.html"])
        assert state.news("/index.html", 1, None, 0) is None                  # no second reload
        assert b"New" in page("/") and state.ahead == {}

        assert state.shown_ahead({"/a.html": new}) == ["/a.html"]
        state.failed(live.on_pages(BuildFailed("the build failed")))          # the output keeps the old page
        assert state.news("/a.html", state.build - 1, None, 0) == {"reload": True}
        assert b"Old" in page("/a.html")
    finally:
        state.close()
        httpd.shutdown()
        httpd.server_close()


def test_serve_knows_which_pages_are_open(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<html><head></head><body></body></html>", encoding="utf-8")
    state = live.State()
    httpd = live.server(tmp_path, 0, state)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        stream = urllib.request.urlopen(f"{base}{live.EVENTS}?page=/kommuner/&build=0")
        assert stream.readline() == b"retry: 500\n"
        deadline = time.monotonic() + 5
        while not state.open_pages() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert state.open_pages() == ["/kommuner/index.html"]
        state.built(["site/kommuner/index.html"])                            # told, it reloads: the stream ends
        assert b"reload" in stream.read()
        deadline = time.monotonic() + 5
        while state.open_pages() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert state.open_pages() == []
    finally:
        state.close()
        httpd.shutdown()
        httpd.server_close()


def test_a_mistake_in_the_content_is_shown_under_a_swedish_heading_as_check_lists_it(tmp_path):
    """What the open pages show while the content has a mistake: a heading in the site's Swedish
    with the count, then the problems exactly as `samverkan check` lists them (the CLI's English,
    without its "Error: 1 problem in the content:"); the terminal says what check says."""
    import datetime as dt

    from click.testing import CliRunner

    from samverkan.cli import cli
    from samverkan.scaffold import init_project

    project = tmp_path / "projekt"
    init_project(project, today=dt.date(2026, 11, 24))
    document = project / "content" / "agreement" / "document.yaml"
    good = document.read_text(encoding="utf-8")
    document.write_text(good.replace("\ntitle: Överenskommelse", "\ntitle: [Överenskommelse", 1), encoding="utf-8")
    check = CliRunner().invoke(cli, ["check", "--content", str(project / "content")])
    assert check.exit_code == 1 and check.stderr.startswith("Error: 1 problem in the content:\ncontent/agreement/")

    state, said = live.State(), []
    assert live.rebuild(project / "content", project / "output", state, said.append) is False
    assert state.error == {"heading": "Innehållet har 1 fel – sidan visar senaste fungerande version:",
                           "message": check.stderr.strip().split("\n", 1)[1]}
    assert said == [check.stderr.strip()]
    assert not (project / "output").exists()                              # nothing was built

    assert live.on_pages(BuildFailed("typst could not make the PDF")) == {
        "heading": "Bygget misslyckades – sidan visar senaste fungerande version:",
        "message": "typst could not make the PDF"}


def test_warming_up_starts_the_process_the_workers_fork_from(tmp_path):
    """Before the first change: the forkserver runs (importing the writers), so that the first
    change's build does not wait for it while its Word and PDF are made. A first build with
    nothing to do never starts it; warming up does, content or not."""
    import multiprocessing.forkserver as forkserver
    import os

    server = forkserver._forkserver
    server._stop()                                   # as in a new `serve`: none yet
    assert server._forkserver_pid is None
    live.warm_up(tmp_path / "content", tmp_path / "output")   # no content: the first build says so
    pid = server._forkserver_pid
    assert pid is not None
    os.kill(pid, 0)                                  # alive
