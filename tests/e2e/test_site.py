"""Issue 10: the download site (`samverkan build site`, `samverkan serve`), read back as
visitors and checkers read it: a crawler that follows every link, the Nu HTML Checker, and a
real browser (headless Chromium from Debian) that searches, downloads, follows anchors, is
driven by the keyboard alone and runs axe-core on every kind of page.

One build of the real content (every default target and a remiss) is shared by all tests."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import json
import re
import signal
import subprocess
import sys
import threading
import functools
import unicodedata
import urllib.parse
import urllib.request
from pathlib import Path, PurePosixPath
from types import SimpleNamespace

import pytest
from lxml import html as lxml_html

from samverkan.build import build_content, default_targets
from samverkan.content import load_content
from samverkan.model import FactBox, TableRef, walk_blocks
from samverkan.render import anchor_id, ref_anchor
from samverkan.rules import names
from samverkan.targets import BuildOptions

from tests.conftest import CONTENT
from tests.inspect import check_manifest
from tests.web import axe_violations, chrome, close, crawl, read_page, tab_through, vnu_errors, wait_for_file

DEADLINE = dt.date(2027, 1, 29)


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real content built as `samverkan build remiss site` + every default target would."""
    out = tmp_path_factory.mktemp("site-build")
    content = load_content(CONTENT)
    targets, skipped = default_targets(content)
    assert "site" in targets and not skipped
    options = BuildOptions({"deadline": DEADLINE})
    build_content(content, out, list(targets) + ["remiss"], options)
    entries = check_manifest(out)
    return SimpleNamespace(out=out, folder=out / "site", content=content, entries=entries, options=options,
                           by_path={e["path"]: e for e in entries})


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    downloads = tmp_path_factory.mktemp("downloads")
    driver = chrome(downloads)
    driver.downloads = downloads
    yield driver
    close(driver)


def serving(folder: Path, handler=http.server.SimpleHTTPRequestHandler):
    """A web server for `folder` on 127.0.0.1 in a thread: (base url, stop)."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        httpd.shutdown()
        httpd.server_close()

    return f"http://127.0.0.1:{httpd.server_address[1]}/", stop


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def url(site, path: str) -> str:
    return (site.folder / path).as_uri()


# --- the files -------------------------------------------------------------------------------

def test_every_file_of_the_build_is_in_the_site_with_the_same_bytes(site):
    documents = [e for e in site.entries if not e["path"].startswith("site/")]
    assert len(documents) > 800
    for entry in documents:
        copy = site.by_path[f"site/filer/{entry['path']}"]
        assert copy["sha256"] == entry["sha256"] and copy["bytes"] == entry["bytes"] and copy["kind"] == "site-file"
        # carried as a hard link where the file system allows: no second copy on disk
        assert (site.out / entry["path"]).stat().st_ino == (site.out / copy["path"]).stat().st_ino
    pages = [e for e in site.entries if e["path"].startswith("site/") and e["format"] == "html"]
    on_disk = sorted(p.relative_to(site.out).as_posix() for p in site.folder.rglob("*.html"))
    assert sorted(e["path"] for e in pages) == on_disk          # every page is listed in the manifest


def test_every_page_is_reached_by_links_and_no_link_is_broken(site):
    named = site.content.accessibility.report_url          # the one kind of link that leaves: the content's https
    pages, problems = crawl(site.folder, external=frozenset({named}))
    assert problems == []
    on_disk = {PurePosixPath(p.relative_to(site.folder).as_posix()) for p in site.folder.rglob("*.html")}
    assert set(pages) == on_disk
    linked = set()
    for page in pages.values():
        assert page.lang == "sv" and page.h1 == 1 and page.title, page.path
        for link in page.links:
            if link == named:
                assert page.path == PurePosixPath("tillganglighetsredogorelse.html")
                continue
            assert not re.match(r"^(https?:|//|/)", link), (page.path, link)     # nothing else from elsewhere
            linked.add(re.sub(r"^(\.\./)+", "", link.split("#")[0]))
    # every document of the manifest is linked from some page
    documents = {e["path"] for e in site.entries if not e["path"].startswith("site/")}
    assert {f"filer/{p}" for p in documents} <= linked
    # a kommun's page offers its own routine templates, their ZIP and its follow-up workbook
    taby = pages[PurePosixPath("kommuner/taby.html")]
    offered = {re.sub(r"^(\.\./)+", "", link) for link in taby.links if "filer/" in link}
    mine = {f"filer/{e['path']}" for e in site.entries if e["kind"] in ("routine", "routine-bundle", "follow-up-workbook")
            and e.get("kommun") == "0160"}
    assert offered == mine and any(p.endswith(".xlsx") for p in mine) and any(p.endswith(".zip") for p in mine)


def test_the_pages_and_the_style_sheet_pass_the_nu_html_checker(site):
    pages = sorted(site.folder.rglob("*.html"))
    assert len(pages) > 90
    assert vnu_errors(pages) == []
    assert vnu_errors([site.folder / "assets" / "site.css"], css=True) == []


def test_a_second_build_gives_the_same_bytes_and_removes_pages_no_longer_made(site):
    stale = site.folder / "kommuner" / "gamla-kommunen.html"
    manifest = json.loads((site.out / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"].append({"path": "site/kommuner/gamla-kommunen.html", "kind": "site", "format": "html",
                                  "title": "x", "kommun": None, "sha256": "0" * 64, "bytes": 1})
    (site.out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    stale.write_text("a page of a kommun that no longer exists")
    mine = site.folder / "notes.txt"            # a file the site never made is never removed
    mine.write_text("mine")
    before = {p: e["sha256"] for p, e in site.by_path.items() if p.startswith("site/")}
    build_content(site.content, site.out, ["site"], site.options)
    after = {e["path"]: e["sha256"] for e in json.loads((site.out / "manifest.json").read_text())["documents"]
             if e["path"].startswith("site/")}
    assert after == before
    assert not stale.exists() and mine.read_text() == "mine"
    mine.unlink()


# --- the agreements as HTML -------------------------------------------------------------------

def page_text(path: Path) -> str:
    """The text of a document page as read, without footnote numbers and reference labels."""
    tree = lxml_html.fromstring(path.read_bytes())
    for element in tree.xpath("//a[contains(@class,'footnote-ref')] | //span[contains(@class,'ref')]"):
        element.drop_tree()
    return norm(tree.find("body").text_content())


@pytest.mark.parametrize("key", ["agreement", "supplement"])
def test_a_document_page_has_every_word_and_an_anchor_for_every_section_paragraph_and_commitment(site, key):
    doc = site.content.documents[key]
    path = site.folder / f"{doc.meta.file_stem}.html"
    page = read_page(site.folder, PurePosixPath(path.name))
    text = page_text(path)
    expected_ids = set()
    for section in doc.sections:
        expected_ids.add(anchor_id(section.number))
        assert norm(section.heading) in text
        for paragraph in section.paragraphs():
            assert norm(paragraph.text) in text, paragraph.loc
            if paragraph.number is not None:
                expected_ids.add(ref_anchor(section.ref(paragraph)))
    for commitment in doc.commitments:
        expected_ids.add(ref_anchor(commitment.id))
        assert norm(commitment.text) in text
    assert expected_ids <= page.ids
    tree = lxml_html.fromstring(path.read_bytes())
    # the reference is shown where the anchor is, and the table of contents links every section
    assert tree.get_element_by_id("A-3.1-2" if key == "agreement" else ref_anchor(doc.commitments[0].id)).text
    toc = {a.get("href") for a in tree.xpath("//nav[contains(@class,'toc')]//a")}
    assert {f"#{anchor_id(s.number)}" for s in doc.sections} <= toc
    # footnotes: numbered, each with its text and a link back
    notes = tree.xpath("//div[@id='footnotes']//li")
    assert len(notes) == len(doc.footnotes)
    for note in doc.footnotes.values():
        assert any(norm("".join(i.value for i in note.inlines if hasattr(i, "value")))[:40] in norm(li.text_content())
                   for li in notes)
    for index in range(1, len(notes) + 1):
        assert tree.xpath(f"//a[@href='#fn-{index}' and @id='fnref-{index}']")
    # tables with header cells, fact boxes
    tables = [doc.tables[b.table_id] for s in doc.sections for b in walk_blocks(s.blocks) if isinstance(b, TableRef)]
    for table in tables:
        caption = next(c for c in tree.xpath("//table/caption") if norm(c.text_content()) == norm(table.caption))
        headers = [norm(th.text_content()) for th in caption.getparent().xpath("./thead//th")]
        assert headers == [norm(c) for c in table.columns]
    boxes = [b for s in doc.sections for b in walk_blocks(s.blocks) if isinstance(b, FactBox)]
    assert len(tree.xpath("//div[@class='factbox']")) == len(boxes)


def test_the_start_and_document_pages_state_the_status_as_the_title_page_does(site):
    """An editorial edition of an agreement adopted in 2017 does not read as adopted on its
    edition date; a draft says it is a draft."""
    def statuses(path: Path) -> list[str]:
        tree = lxml_html.fromstring(path.read_bytes())
        return [norm(dd.text_content()) for dd in tree.xpath("//dt[normalize-space()='Status']/following-sibling::dd[1]")]

    start = statuses(site.folder / "index.html")
    expected = []
    for key in ("agreement", "supplement"):
        meta = site.content.documents[key].meta
        said = f"Antagen {meta.adopted}. {norm(meta.decision)}" if meta.status == "antagen" else "Utkast"
        assert statuses(site.folder / f"{meta.file_stem}.html") == [said]
        expected.append(said)
    assert start == expected


# --- in the browser --------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["Tabby", "0160"])
def test_searching_from_the_start_page_reaches_taby(site, browser, query):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url(site, "index.html"))
    field = browser.find_element(By.ID, "kommun-sok")
    field.send_keys(query)
    results = browser.find_elements(By.CSS_SELECTOR, "[data-results] a")
    assert [a.text for a in results] == ["Täby kommun"]        # shown as you type
    field.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/kommuner/taby.html"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Täby kommun"
    assert "Socialnämnden, Täby kommun" in browser.find_element(By.TAG_NAME, "main").text


QUERIES = ["Tabby", "0160", "taby", "TÄBY", "täby kommun", "Täby", "Stockholm", "0180", "stockholms stad",
           "bromma", "Brooma", "Sodertalje", "södertälje", "upplands väsby", "Upplands-Väsby", "uplands vasby",
           "Hässelby", "hasselby-vallingby", "Jarfala", "s", "sto", "st", "Värmdö", "varmdo", "Vaxholm", "nack",
           "Österåker", "Osteraker", "Skärholmen", "Kista", "0", "01", "zzzz", "Salem", "Sundbybrg", "Nynäs",
           "Enskede", "Spånga", "ekero", "Lidingö stad", "Norrtalje kommun", "  Täby  ", "Tä-by"]


def test_the_search_in_the_browser_follows_the_rule_of_samverkan_routines(site, browser):
    browser.get(url(site, "kommuner/index.html"))
    index = browser.execute_script("return JSON.parse(document.querySelector('script[data-index]').textContent)")
    entries = [names.Entry(e["label"], e["href"], tuple(e["keys"]), tuple(e["near"])) for e in index["entries"]]
    labels = {e.label for e in entries}
    assert {"Täby kommun", "Stockholms stad", "Bromma stadsdelsområde, Stockholms stad"} <= labels
    for query in QUERIES:
        how, found = names.search(entries, query)
        in_browser = browser.execute_script("var r = window.samverkan.search(arguments[0], arguments[1]);"
                                            "return [r.how, r.entries.map(function (e) { return e.label; })];",
                                            index, query)
        assert in_browser == [how, [e.label for e in found]], query
    # the keys are the ones `samverkan routines KOMMUN` looks names up by
    taby = next(u for u in site.content.kommuner.units if u.name == "Täby")
    assert next(e for e in entries if e.label == "Täby kommun").keys == names.unit_keys(taby)
    assert names.search(entries, "Stockholm")[1][0].label == "Stockholms stad"


def test_a_download_link_gives_the_files_bytes(site, browser):
    from selenium.webdriver.common.by import By

    base, stop = serving(site.folder, Quiet)
    try:
        browser.get(base + "kommuner/taby.html")
        link = browser.find_elements(By.CSS_SELECTOR, "table.templates td a")[0]
        href = link.get_attribute("href")
        assert href.startswith(base + "filer/rutiner/taby/") and href.endswith(".docx")
        link.click()
        downloaded = wait_for_file(browser.downloads)
    finally:
        stop()
    entry = site.by_path[href[len(base + "filer/"):]]
    assert downloaded.name == Path(entry["path"]).name
    assert hashlib.sha256(downloaded.read_bytes()).hexdigest() == entry["sha256"]
    downloaded.unlink()


def test_an_anchor_leads_to_the_commitment(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    commitment = next(c for c in site.content.all_commitments() if c.id == "A-3.1-2")
    doc = site.content.documents[commitment.document]
    browser.get(url(site, f"{doc.meta.file_stem}.html") + "#A-3.1-2")
    target = browser.find_element(By.ID, "A-3.1-2")
    item = target.find_element(By.XPATH, "./ancestor::li[1]")
    assert norm(commitment.full_text) in norm(item.text) and target.text == "A-3.1-2"
    assert browser.execute_script("var r = arguments[0].getBoundingClientRect();"
                                  "return r.top >= 0 && r.bottom <= window.innerHeight;", target)
    # from the commitments page, the id leads to the same place
    browser.get(url(site, "ataganden.html"))
    browser.find_element(By.CSS_SELECTOR, "tr[id='A-3.1-2'] a").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith(f"{doc.meta.file_stem}.html#A-3.1-2"))
    assert browser.execute_script("return document.querySelector(':target').id") == "A-3.1-2"
    # a paragraph reference is an anchor too
    browser.get(url(site, f"{doc.meta.file_stem}.html") + "#3.1:4")
    section = doc.section("3.1")
    paragraph = next(p for p in section.paragraphs() if p.number == 4)
    assert norm(paragraph.text)[:60] in norm(browser.find_element(By.ID, "3.1:4").find_element(By.XPATH, "..").text)


KINDS = {       # a page of every kind
    "start": "index.html",
    "agreement": "overenskommelse-missbruk-beroende.html",
    "supplement": "tillaggsoverenskommelse-spel-om-pengar.html",
    "commitments": "ataganden.html",
    "commitments of a party and a target group": "ataganden/part-kommunerna_malgrupp-vuxna.html",
    "kommuner": "kommuner/index.html",
    "kommun": "kommuner/taby.html",
    "kommun with stadsdelar": "kommuner/stockholm.html",
    "stadsdel": "kommuner/stockholm-bromma.html",
    "remiss": "remiss.html",
    "accessibility statement": "tillganglighetsredogorelse.html",
    "routine template": "kommuner/taby/spel-om-pengar.html",
}
WIDTHS = {"desktop": (1280, 900), "phone": (360, 740)}


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("kind", list(KINDS))
def test_axe_finds_no_wcag_2_1_a_or_aa_violation(site, browser, kind, width):
    browser.set_window_size(*WIDTHS[width])
    try:
        browser.get(url(site, KINDS[kind]))
        assert browser.execute_script("return document.documentElement.scrollWidth") <= WIDTHS[width][0]  # no sideways scroll
        assert axe_violations(browser) == []
        if kind in ("start", "kommuner"):      # with the search's results shown, too
            browser.find_element("id", "kommun-sok").send_keys("sto")
            assert browser.find_elements("css selector", "[data-results] a")
            assert axe_violations(browser) == []
    finally:
        browser.set_window_size(*WIDTHS["desktop"])


def test_every_page_names_the_publisher_and_links_the_accessibility_statement(site):
    """Lag (2018:1937): the statement reachable from every page, and a way to contact the publisher."""
    statement = site.content.accessibility
    contact = statement.contact
    pages = sorted(site.folder.rglob("*.html"))
    for path in pages:
        tree = lxml_html.fromstring(path.read_bytes())
        footer = tree.find(".//footer")
        text = norm(footer.text_content())
        assert contact.organisation in text and contact.email in text and contact.phone in text, path
        links = {a.get("href"): norm(a.text_content()) for a in footer.iter("a")}
        target = site.folder / "tillganglighetsredogorelse.html"
        assert any(href != f"mailto:{contact.email}" and (path.parent / href).resolve() == target and name ==
                   statement.texts["footer_link"] for href, name in links.items()), path
    page = lxml_html.fromstring((site.folder / "tillganglighetsredogorelse.html").read_bytes())
    text = norm(page.find(".//main").text_content())
    assert f"Webbplatsen är {statement.compliance} med lagen" in text
    assert all(norm(item) in text for item in statement.exceptions) and len(statement.exceptions) >= 1
    assert "senast 24 november 2026" in text and contact.email in text
    digg = [a for a in page.iter("a") if a.get("href") == "https://www.digg.se/tdosanmalan"]
    assert len(digg) == 1 and "Digg" in digg[0].text_content()


@pytest.mark.parametrize("kind", ["start", "supplement", "commitments", "kommuner", "kommun", "remiss",
                                  "accessibility statement"])
def test_the_keyboard_alone_reaches_every_link_with_the_focus_visible(site, browser, kind):
    browser.get(url(site, KINDS[kind]))
    focused, links = tab_through(browser)
    keys = [f["key"] for f in focused]
    assert set(links) <= set(keys), set(links) - set(keys)
    assert focused[0]["href"] == "#main"                     # the skip link comes first
    unseen = [f for f in focused if not (f["outline"] or f["shadow"])]
    assert unseen == []
    if kind in ("start", "kommuner"):
        assert any(f["tag"] == "input" for f in focused) and any(f["tag"] == "button" for f in focused)


def test_the_skip_link_moves_the_focus_to_the_content(site, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(url(site, "kommuner/taby.html"))
    ActionChains(browser).send_keys(Keys.TAB).perform()
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    assert browser.execute_script("return document.activeElement.id") == "main"


def test_the_commitment_filter_works_without_javascript(site, browser):
    from selenium.webdriver.common.by import By

    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(url(site, "ataganden.html"))
        assert browser.execute_script is not None
        rows = browser.find_elements(By.CSS_SELECTOR, "table.commitments tbody tr")
        assert len(rows) == len(site.content.all_commitments())
        browser.find_element(By.LINK_TEXT, "Kommunerna").click()
        browser.find_element(By.PARTIAL_LINK_TEXT, "Äldre med missbruk").click()
        shown = [r.get_attribute("id") for r in browser.find_elements(By.CSS_SELECTOR, "table.commitments tbody tr")]
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    expected = [c.id for c in site.content.all_commitments()
                if "kommunerna" in (c.party.id, c.group_party.id) and c.topic.id == "aldre"]
    assert shown == expected and expected
    assert browser.current_url.endswith("/ataganden/part-kommunerna_malgrupp-aldre.html")


def test_the_site_works_from_a_subfolder_of_a_web_server(site, browser):
    from selenium.webdriver.common.by import By

    base, stop = serving(site.out, Quiet)              # the site is at /site/, not at the root
    try:
        browser.get(base + "site/kommuner/stockholm-bromma.html")
        header = browser.find_element(By.CSS_SELECTOR, ".site-header")
        assert header.value_of_css_property("background-color") == "rgba(18, 52, 77, 1)"   # the style sheet loaded
        browser.find_element(By.LINK_TEXT, "Start").click()
        assert browser.current_url == base + "site/index.html"
        browser.find_element(By.ID, "kommun-sok").send_keys("Brooma\n")                    # the script loaded
        assert browser.current_url == base + "site/kommuner/stockholm-bromma.html"
    finally:
        stop()


def test_printing_leaves_out_navigation_and_search(site, browser):
    from selenium.webdriver.common.by import By

    browser.get(url(site, "index.html"))
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element(By.CSS_SELECTOR, ".site-nav").is_displayed()
        assert not browser.find_element(By.CSS_SELECTOR, "form.search").is_displayed()
        assert browser.find_element(By.TAG_NAME, "h1").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


# --- samverkan serve ---------------------------------------------------------------------------

def test_samverkan_serve_previews_the_site_and_ctrl_c_stops_it(site):
    command = [sys.executable, "-m", "samverkan", "serve", "--no-watch", "--out", str(site.out), "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        with urllib.request.urlopen(found.group(0) + "kommuner/taby.html", timeout=10) as answer:
            assert answer.status == 200 and "Täby kommun" in answer.read().decode("utf-8")
        with urllib.request.urlopen(found.group(0) + "filer/" + next(
                e["path"] for e in site.entries if e["kind"] == "agreement"), timeout=10) as answer:
            data = answer.read()
        assert hashlib.sha256(data).hexdigest() == next(e["sha256"] for e in site.entries if e["kind"] == "agreement")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and "stopped" in out and "Traceback" not in err, (out, err)


def test_samverkan_serve_refuses_links_out_of_the_built_site(site, tmp_path):
    """Issue 24: links made in a built site to /etc/passwd, to a folder beside the output and
    to manifest.json are 404 over HTTP; a cancelled download and a NUL byte print no traceback."""
    import os
    import shutil
    import socket
    import urllib.error

    out = tmp_path / "output"
    shutil.copytree(site.folder, out / "site", copy_function=os.link)       # the built site, hard-linked
    shutil.copy(site.out / "manifest.json", out / "manifest.json")
    (tmp_path / "beside").mkdir()
    (tmp_path / "beside" / "notes.txt").write_text("beside the output", encoding="utf-8")
    os.symlink("/etc/passwd", out / "site" / "passwd.html")
    os.symlink(tmp_path / "beside", out / "site" / "kommuner" / "beside")
    os.symlink(out / "manifest.json", out / "site" / "filer" / "manifest.json")
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink()}
    command = [sys.executable, "-m", "samverkan", "serve", "--no-watch", "--out", str(out), "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = re.search(r"http://127\.0\.0\.1:(\d+)/", process.stdout.readline()).group(0)
        for path in ["passwd.html", "kommuner/beside/notes.txt", "kommuner/beside/", "filer/manifest.json",
                     "filer/", "assets/"]:
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(base + path, timeout=10)
            assert refused.value.code == 404, path
        with urllib.request.urlopen(base + "kommuner/taby.html", timeout=10) as answer:
            assert "Täby kommun" in answer.read().decode("utf-8")
        host, port = base[len("http://"):-1].split(":")
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(f"GET /kommuner/%00 HTTP/1.0\r\nHost: {host}:{port}\r\n\r\n".encode())
            assert connection.recv(64).startswith(b"HTTP/1.0 400")
        biggest = max((e for e in site.entries if e["path"].startswith("site/filer/")), key=lambda e: e["bytes"])
        with socket.create_connection((host, int(port)), timeout=10) as connection:   # a cancelled download
            connection.sendall(f"GET /{biggest['path'][len('site/'):]} HTTP/1.0\r\nHost: {host}:{port}\r\n\r\n"
                               .encode())
            connection.recv(1024)
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        with urllib.request.urlopen(base, timeout=10) as answer:                # still serving
            assert answer.status == 200
        process.send_signal(signal.SIGINT)
        shown, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and "Traceback" not in shown + err and "Error" not in shown + err, (shown, err)
    assert {p: p.stat().st_mtime_ns for p in before} == before                   # nothing changed


def test_a_plain_build_after_a_remiss_keeps_the_remiss_page_with_its_deadline(tmp_path):
    """The secretariat builds the remiss once with its deadline, then goes on with plain builds."""
    from click.testing import CliRunner

    from samverkan.cli import cli

    from samverkan.dates import long_date

    project = tmp_path / "p"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(project)]).exit_code == 0       # a draft dated today
    deadline = dt.date.today() + dt.timedelta(days=60)
    args = ["--content", str(project / "content"), "--out", str(project / "output")]
    done = runner.invoke(cli, ["build", "remiss", "--deadline", deadline.isoformat(), *args])
    assert done.exit_code == 0, done.output
    done = runner.invoke(cli, ["build", *args])                      # no --deadline
    assert done.exit_code == 0, done.output
    page = (project / "output" / "site" / "remiss.html").read_text(encoding="utf-8")
    assert f'datetime="{deadline.isoformat()}"' in page and long_date(deadline) in page


def test_a_draft_is_marked_wherever_its_commitments_or_templates_are_listed(site):
    """Issue 22: the supplement (utkast) is marked on the commitments page and on its template rows."""
    drafts = {d.key for d in site.content.documents.values() if d.meta.draft}
    assert drafts
    page = lxml_html.fromstring((site.folder / "ataganden.html").read_bytes())
    for tr in page.findall(".//table[@class='commitments']/tbody/tr"):
        commitment = next(c for c in site.content.all_commitments() if c.id == tr.get("id"))
        marked = tr.find(".//strong[@class='status']") is not None
        assert marked == (commitment.document in drafts), commitment.id
    taby = lxml_html.fromstring((site.folder / "kommuner" / "taby.html").read_bytes())
    for th in taby.findall(".//table[@class='templates']/tbody/tr/th"):
        routine = next(r for r in site.content.routines if norm(th.text_content()).startswith(r.title))
        assert (th.find("strong[@class='status']") is not None) == (routine.document in drafts), routine.title
    assert any(r.document in drafts for r in site.content.routines)


def spoken(element) -> str:
    """The text a screen reader reads: without what is aria-hidden."""
    parts = [element.text or ""]
    for child in element:
        if child.get("aria-hidden") != "true":
            parts.append(spoken(child))
        parts.append(child.tail or "")
    return "".join(parts)


def test_a_screen_reader_reads_the_paragraph_before_its_reference(site):
    """Issue 22: the reference shown before a paragraph (3.1:4) is not read first; it is read
    after the text as "stycke 3.1:4" (a commitment: "åtagande A-3.1-2"). It stays visible and
    the paragraph's anchor."""
    doc = site.content.documents["agreement"]
    page = lxml_html.fromstring((site.folder / f"{doc.meta.file_stem}.html").read_bytes())
    t = site.content.site.document
    checked = 0
    for section in doc.sections:
        for paragraph in section.paragraphs():
            ref = section.ref(paragraph)
            anchor = page.get_element_by_id(ref_anchor(ref))
            assert anchor.text == ref and anchor.get("aria-hidden") == "true"      # shown, but not read
            read = norm(spoken(anchor.getparent()))
            assert read.startswith(norm(paragraph.text)[:40]), ref
            assert read.endswith(f"({t.paragraph_ref} {ref})"), (ref, read[-60:])
            checked += 1
    commitment = doc.commitments[0]
    assert norm(spoken(page.get_element_by_id(commitment.id).getparent())).endswith(
        f"({t.commitment_ref} {commitment.id})")
    assert checked > 100


def test_every_file_link_names_its_file_format_and_size_and_file_names_wrap_at_separators(site):
    """Issue 22: out of context (a screen reader's list of links) every file link of a page says
    which file, which format and how large, and no two are alike; a file name shown may wrap
    after - _ . only."""
    from samverkan.writers.html import file_size

    for path in [site.folder / p for p in KINDS.values()]:
        tree = lxml_html.fromstring(path.read_bytes())
        names = {}
        for a in tree.iter("a"):
            href = a.get("href") or ""
            if "filer/" not in href:
                continue
            entry = site.by_path[re.sub(r"^(\.\./)*filer/", "", urllib.parse.unquote(href))]
            name = norm(a.text_content())
            label = site.content.site.formats[entry["format"]]
            assert label in name and file_size(entry["bytes"]) in name, (path.name, name)
            assert name not in names, (path.name, name)
            names[name] = href
        for shown in tree.find_class("file-name"):
            html = lxml_html.tostring(shown, encoding="unicode")
            text = shown.text_content()
            assert html.count("<wbr>") == len(re.findall(r"[-_./](?=.)", text)), html


def test_every_routine_template_is_a_page_with_the_text_of_its_word_file(site):
    """Issue 22 (HTML first): each routine template of a kommun is a page of its own, linked from
    the kommun's page, with the text of its Word file: the kommun's values filled in, the other
    fields marked as what to fill in."""
    from tests.inspect import docx_text

    taby = lxml_html.fromstring((site.folder / "kommuner" / "taby.html").read_bytes())
    links = [a.get("href") for a in taby.xpath(".//table[@class='templates']/tbody/tr/th/a[not(@class='form-link')]")]
    assert len(links) == len(site.content.routines)
    for link in links:
        page = lxml_html.fromstring((site.folder / "kommuner" / link).read_bytes())
        word = next(p for p in page.iter("a") if (p.get("href") or "").endswith(".docx"))
        docx = site.out / re.sub(r"^(\.\./)+filer/", "", urllib.parse.unquote(word.get("href")))
        in_word = docx_text(docx)
        body = page.find_class("document")[0]
        blocks = [norm(e.text_content()) for e in body.iter("p", "li", "td", "th", "h2", "h3")]
        blocks = [b for b in blocks if b]
        assert len(blocks) > 20
        assert [b for b in blocks if b not in in_word] == [], link
        assert "Täby kommun" in norm(body.text_content()) and "0160" in norm(body.text_content())
        assert body.find_class("field") and all("filled" in f.get("class") or f.text_content()
                                                for f in body.find_class("field"))
        assert [f for f in body.find_class("field") if "filled" not in f.get("class")]    # left to fill in


def test_a_kommuns_page_describes_its_follow_up_workbook(site):
    follow = site.content.commitment_tables.follow_up
    text = norm(lxml_html.fromstring((site.folder / "kommuner" / "taby.html").read_bytes()).text_content())
    assert all(label in text for label in follow.columns) and all(o in text for o in follow.status_options)
    assert all(norm(step) in text for step in follow.instructions)
    assert f"Skicka den ifyllda arbetsboken till {follow.send_to} senast 15 februari 2027." in text
