"""`samverkan serve` while someone edits: a real `samverkan serve` process on a free port, a page
open in headless Chromium; a paragraph changed in content/ appears on the open page by itself,
a YAML mistake shows, under a Swedish heading, the problem as `samverkan check` lists it until
it is fixed, and Ctrl-C ends every process of it."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from samverkan.content.loader import load_content
from samverkan.scaffold import init_project

from tests.e2e.test_engine import session_processes
from tests.inspect import docx_text
from tests.web import chrome, close

PAGE = "overenskommelse-missbruk-beroende.html"
SECTION = Path("content/agreement/sections/01-inledning.md")
OLD = "Den här överenskommelsen är en sådan överenskommelse"
NEW = "Den här texten ändrades medan sidan var öppen"


@pytest.fixture
def project(tmp_path) -> Path:
    folder = tmp_path / "projekt"
    init_project(folder, today=dt.date(2026, 11, 24))
    assert OLD in (folder / SECTION).read_text(encoding="utf-8")
    return folder


@pytest.fixture
def browser(tmp_path):
    driver = chrome(tmp_path / "downloads")
    yield driver
    close(driver)


def until(what, seconds: float = 90.0, every: float = 0.1):
    """`what()` once it is true; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not seen within {seconds} s")


def test_serve_rebuilds_on_save_and_the_open_page_follows_until_ctrl_c(project, browser):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMVERKAN_TEST_PAUSE")}
    process = subprocess.Popen([sys.executable, "-m", "samverkan", "serve", "--port", "0"], cwd=project, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, text=True)
    try:
        said = []
        while not said or "serving " not in said[-1]:
            line = process.stdout.readline()
            assert line, "serve ended:\n" + "".join(said)
            said.append(line)
        url = said[-1].split(" at ", 1)[1].split("/;", 1)[0] + "/"
        assert url.startswith("http://127.0.0.1:")
        browser.get(url + PAGE)
        def body() -> str:          # the page's text (also while it reloads)
            return browser.execute_script("return document.body ? document.body.innerText : ''") or ""

        def alert() -> str:         # the text of the message shown on the page, "" when there is none
            return browser.execute_script("const a = document.querySelector('[role=alert]');"
                                          "return a ? a.innerText : ''") or ""

        assert "Den här överenskommelsen är en sådan" in " ".join(body().split())
        browser.execute_script("window.notReloadedByHand = true")

        # a paragraph changed: the open page shows it (it reloaded itself: the marker is gone)
        section = project / SECTION
        original = section.read_text(encoding="utf-8")
        section.write_text(original.replace(OLD, NEW, 1), encoding="utf-8")
        until(lambda: NEW in " ".join(body().split()))
        assert browser.execute_script("return window.notReloadedByHand === undefined")
        # the open page was made ahead of the build; the build then writes every file, this page too
        published = project / "output" / "site" / PAGE
        until(lambda: NEW in " ".join(published.read_text(encoding="utf-8").split()))
        assert "__samverkan" not in published.read_text(encoding="utf-8")      # the script is serve's only
        word = next((project / "output").glob("overenskommelse-*.docx"))
        until(lambda: NEW in " ".join(docx_text(word).split()))

        # a YAML mistake: the page says in Swedish that the content has a mistake and lists it as
        # `samverkan check` does (the CLI's English, marked so), and still shows the last good text
        document = project / "content" / "agreement" / "document.yaml"
        good = document.read_text(encoding="utf-8")
        document.write_text(good.replace("\ntitle: Överenskommelse", "\ntitle: [Överenskommelse", 1), encoding="utf-8")
        check = subprocess.run([sys.executable, "-m", "samverkan", "check"], cwd=project, capture_output=True,
                               text=True)
        assert check.returncode == 1 and "document.yaml:8" in check.stderr
        shown = until(alert)
        listed = check.stderr.strip().split("\n", 1)[1]                     # check's list, under its count
        assert shown.split() == ("Innehållet har 1 fel – sidan visar senaste fungerande version: " + listed).split()
        assert browser.execute_script("return document.querySelector('[role=alert] pre').lang") == "en"
        assert NEW in " ".join(body().split())

        # fixed: the message goes, the page is there
        document.write_text(good, encoding="utf-8")
        until(lambda: alert() == "" and browser.execute_script("return document.readyState") == "complete")
        assert NEW in " ".join(body().split())
        # a connection a browser opened ahead and sent nothing on must not hold up Ctrl-C
        idle = socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/"))))
        time.sleep(1)                                         # accepted, waiting for a request
    finally:
        os.killpg(process.pid, signal.SIGINT)                 # Ctrl-C reaches the whole process group
        output, _ = process.communicate(timeout=30)
    idle.close()
    assert process.returncode == 0, output
    assert "Traceback" not in output and output.rstrip().endswith("stopped")
    deadline = time.monotonic() + 10
    while session_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(process.pid) == []


def test_a_page_made_ahead_of_the_build_is_the_page_the_build_makes(project):
    """serve shows the open pages before the build (live.preview_pages): for every kind of page
    they are, byte for byte, what the build writes from the same content and files."""
    from samverkan import live
    from samverkan.build import build_project

    out = project / "output"
    build_project(project / "content", out, [])
    site = out / "site"
    kinds = ["/index.html", "/" + PAGE, "/ataganden.html", "/kommuner/index.html", "/tillganglighetsredogorelse.html"]
    kommun = sorted(p for p in (site / "kommuner").glob("*.html") if p.name != "index.html")[0]
    routine = sorted((site / "kommuner" / kommun.stem).glob("*.html"))[0]
    urls = kinds + ["/" + str(kommun.relative_to(site)), "/" + str(routine.relative_to(site))]
    made = live.preview_pages(load_content(project / "content"), out, urls + ["/no-such-page.html"])
    assert sorted(made) == sorted(urls)                      # a URL the site has no page for: nothing
    for url in urls:
        assert made[url] == (site / url.lstrip("/")).read_bytes(), url

    # a change shows on the page made ahead
    section = project / SECTION
    section.write_text(section.read_text(encoding="utf-8").replace(OLD, NEW, 1), encoding="utf-8")
    shown = live.preview_pages(load_content(project / "content"), out, ["/" + PAGE])
    assert NEW in " ".join(shown["/" + PAGE].decode().split())
