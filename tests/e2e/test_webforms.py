"""Issue 21: the site's web forms for the avvikelse report and the remiss answer, filled in
headless Chromium (with the mouse and with the keyboard alone), checked by axe-core empty,
filled and in their error state, and the files they save compiled by `samverkan avvikelser
collect` and `samverkan remiss collect` beside the Word and LibreOffice files."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import time

import pytest
from lxml import html as lxml_html
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from samverkan.build import build
from samverkan.collect import answers as remiss_answers
from samverkan.collect.avvikelser import collect
from samverkan.targets import BuildOptions

from tests.conftest import CONTENT
from tests.e2e.test_avvikelser import PERSONNUMMER, form, reports, word_fill  # noqa: F401  (fixtures)
from tests.inspect import norm, pdf_text
from tests.web import axe_violations, chrome, close, crawl, read_page, vnu_errors, wait_for_file

DEADLINE = dt.date(2027, 1, 29)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("webforms")
    build(CONTENT, out, ["avvikelser", "remiss", "site"], BuildOptions({"deadline": DEADLINE}))
    return out


@pytest.fixture()
def browser(tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = chrome(downloads)
    driver.downloads = downloads
    yield driver
    close(driver)


def open_page(browser, site, page: str, query: str = ""):
    browser.get((site / "site" / page).as_uri() + query)
    return browser.find_element(By.ID, "webform")


def save(browser):
    browser.find_element(By.CSS_SELECTOR, "button.save").click()


def saved_file(browser):
    path = wait_for_file(browser.downloads)
    time.sleep(0.2)
    return path


def test_the_forms_are_linked_from_the_start_page_every_kommun_and_the_remiss_page(site):
    pages, problems = crawl(site / "site")
    assert [p for p in problems if "https://" not in p] == []        # (the accessibility statement's one https link)
    assert {"avvikelse.html", "remiss-svar.html"} <= {str(p) for p in pages}
    assert "avvikelse.html" in read_page(site / "site", "index.html").links
    for kommun in ("taby", "stockholm-bromma", "danderyd"):
        assert f"../avvikelse.html?enhet={kommun}" in pages[type(next(iter(pages)))(f"kommuner/{kommun}.html")].links
        # in the row of its routine (avvikelser.yaml `routine`), not in a section of its own
        tree = lxml_html.fromstring((site / "site" / "kommuner" / f"{kommun}.html").read_bytes())
        (row,) = [tr for tr in tree.iter("tr") if tr.find("th") is not None
                  and tr.find("th").text_content().startswith("Avvikelsehantering i samverkan")]
        assert f"../avvikelse.html?enhet={kommun}" in [a.get("href") for a in row.find("th").iter("a")]
        assert "Rapportera en avvikelse i samverkan" in row.find("th").text_content()
        assert [a.get("href") for a in tree.iter("a") if "avvikelse.html" in (a.get("href") or "")] == \
            [f"../avvikelse.html?enhet={kommun}"] and tree.get_element_by_id("avvikelser", None) is None
        routine = read_page(site / "site", f"kommuner/{kommun}/avvikelsehantering.html")    # and on the routine's page
        assert f"../../avvikelse.html?enhet={kommun}" in routine.links
    assert "remiss-svar.html" in read_page(site / "site", "remiss.html").links
    assert vnu_errors([site / "site" / "avvikelse.html", site / "site" / "remiss-svar.html"]) == []
    # the Word forms are offered on the form pages, for whoever cannot use the web form
    assert "filer/avvikelser/avvikelserapport-v1.docx" in read_page(site / "site", "avvikelse.html").links
    assert "filer/remiss/svarsmall-2026-11-24.docx" in read_page(site / "site", "remiss-svar.html").links


def test_without_javascript_the_page_points_to_the_word_form(site):
    page = (site / "site" / "avvikelse.html").read_text(encoding="utf-8")
    assert '<form class="webform" id="webform" hidden' in page              # shown by the script only
    assert 'id="no-script">Formuläret behöver JavaScript' in page


def test_the_avvikelse_form_empty_in_error_and_filled(site, browser, content):
    open_page(browser, site, "avvikelse.html", "?enhet=stockholm-bromma")
    assert not browser.find_element(By.ID, "no-script").is_displayed()
    assert browser.find_element(By.ID, "f-unit").get_attribute("value") == "Bromma stadsdelsområde, Stockholms stad"
    assert axe_violations(browser) == []
    save(browser)                                                # nothing filled: errors, nothing saved
    summary = browser.find_element(By.ID, "error-summary")
    assert summary.is_displayed() and browser.switch_to.active_element == summary
    assert [a.text for a in summary.find_elements(By.TAG_NAME, "a")] == [
        "Fyll i: Datum då rapporten skickades", "Fyll i: Typ av brist", "Fyll i: Beskrivning av händelsen"]
    what = browser.find_element(By.ID, "f-what")
    assert what.get_attribute("aria-invalid") == "true"
    assert what.get_attribute("aria-describedby") == "f-what-hint f-what-error"
    assert browser.find_element(By.ID, "f-what-error").text == "Fyll i: Beskrivning av händelsen"
    kinds = browser.find_element(By.ID, "f-kind")
    assert "f-kind-error" in kinds.get_attribute("aria-describedby")
    assert axe_violations(browser) == []
    summary.find_elements(By.TAG_NAME, "a")[2].click()          # the summary's link leads to the field
    assert browser.switch_to.active_element == what
    assert list(browser.downloads.iterdir()) == []
    browser.find_element(By.ID, "f-sent").send_keys("2026-02-31")
    browser.find_element(By.CSS_SELECTOR, "label[for=f-kind-3]").click()
    browser.find_element(By.CSS_SELECTOR, "label[for=f-parties-1]").click()
    browser.find_element(By.CSS_SELECTOR, "label[for=f-parties-4]").click()
    browser.find_element(By.CSS_SELECTOR, "label[for=f-target-group-2]").click()
    what.send_keys(f"Personen {PERSONNUMMER} fick vänta.\nAndra raden: </script> & \"citat\".")
    browser.find_element(By.ID, "f-commitments").send_keys("A-3.1-2")
    save(browser)
    assert [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#error-summary a")] == [
        "Skriv datumet som ÅÅÅÅ-MM-DD: Datum då rapporten skickades"]
    sent = browser.find_element(By.ID, "f-sent")
    sent.clear()
    sent.send_keys("2026-02-10")
    assert axe_violations(browser) == []
    save(browser)
    assert not browser.find_element(By.ID, "error-summary").is_displayed()
    assert "sparad som en fil" in browser.find_element(By.ID, "saved").text
    path = saved_file(browser)
    assert path.name.startswith("avvikelserapport-") and path.suffix == ".html"
    # the file reads as text in a browser, and passes axe too
    browser.get(path.as_uri())
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "Rapport om avvikelse i samverkan" in text and "Andra raden: </script> & \"citat\"." in text
    assert "Kommunens socialtjänst; Psykiatrin (regionen)" in text and "Bromma stadsdelsområde" in text
    assert axe_violations(browser) == []
    report = collect(content, [path], "2026", dt.date(2026, 12, 1)).reports[0]
    assert (report.unit, report.kind, report.parties, report.commitments) == (
        "Stockholm: Bromma", "Oklart ansvar mellan kommun och region",
        ("Kommunens socialtjänst", "Psykiatrin (regionen)"), ("A-3.1-2",))
    assert report.target_group == "Ungdomar och unga vuxna med missbruk/beroende"
    assert report.answers["what"] == "Personen [personnummer borttaget] fick vänta.\nAndra raden: </script> & \"citat\"."


def keys(browser, *sequence):
    ActionChains(browser).send_keys(*sequence).perform()


def tab_to(browser, element_id: str, limit: int = 80):
    """Press Tab until the element has the focus (the keyboard alone, as a person does)."""
    for _ in range(limit):
        if browser.switch_to.active_element.get_attribute("id") == element_id:
            return
        keys(browser, Keys.TAB)
    raise AssertionError(f"Tab never reached #{element_id}")


def test_the_keyboard_alone_fills_and_saves_the_avvikelse_form(site, browser, content):
    open_page(browser, site, "avvikelse.html")
    tab_to(browser, "f-unit")
    keys(browser, "Täby")                                        # a select: typing chooses
    tab_to(browser, "f-sent")
    keys(browser, "2026-04-01")
    tab_to(browser, "f-parties-2")
    keys(browser, Keys.SPACE)
    tab_to(browser, "f-kind-1")
    keys(browser, Keys.ARROW_DOWN, Keys.ARROW_DOWN)              # radios: the arrows choose
    tab_to(browser, "f-what")
    keys(browser, "Ingen kallelse till SIP.")
    tab_to(browser, "f-what")
    for _ in range(40):                                          # on to the save button, then Enter
        keys(browser, Keys.TAB)
        if "save" in (browser.switch_to.active_element.get_attribute("class") or ""):
            break
    keys(browser, Keys.ENTER)
    report = collect(content, [saved_file(browser)], "2026", dt.date(2026, 12, 1)).reports[0]
    assert (report.unit, report.parties, report.kind, report.answers["what"]) == (
        "Täby", ("Kommunens vård och omsorg",), "Oklart ansvar mellan kommun och region", "Ingen kallelse till SIP.")


@pytest.mark.parametrize("width", [320, 360])
def test_the_forms_fit_a_phone_without_sideways_scrolling(site, browser, width):
    browser.set_window_size(width, 800)
    for page in ("avvikelse.html", "remiss-svar.html"):
        open_page(browser, site, page)
        save(browser)                                            # the error state too
        wide = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert wide[0] <= wide[1], (page, wide)
        assert axe_violations(browser) == []


SHOWN = """
const width = window.innerWidth, problems = [];
function check(e, what) {
  e.scrollIntoView({block: 'center', inline: 'nearest'});
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  const name = what + ' #' + (e.id || e.getAttribute('for') || e.tagName);
  if (r.width < 1 || r.height < 1 || s.visibility === 'hidden' || s.display === 'none') {
    problems.push(name + ': not shown'); return;
  }
  if (r.left < -0.5 || r.right > width + 0.5) problems.push(`${name}: ${r.left}–${r.right} px of ${width}`);
  if (e.scrollWidth > e.clientWidth + 1 && !['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName))
    problems.push(name + ': text cut off');
  const x = Math.min(r.left + Math.min(r.width / 2, 8), width - 1), y = r.top + Math.min(r.height / 2, 8);
  const hit = document.elementFromPoint(x, y);
  if (!hit || !(hit === e || e.contains(hit) || hit.contains(e) || (hit.closest('label') || {}).htmlFor === e.id))
    problems.push(name + ': covered by ' + (hit ? hit.tagName + '.' + hit.className : 'nothing'));
}
const fields = document.querySelectorAll('#webform input:not([type=hidden]), #webform select, #webform textarea');
for (const f of fields) {
  check(f, 'field');
  const labels = document.querySelectorAll('label[for="' + f.id + '"]');
  if (!labels.length) problems.push('field #' + f.id + ': no label');
  labels.forEach(l => check(l, 'label'));
}
for (const e of document.querySelectorAll('#webform [aria-describedby]'))
  for (const id of e.getAttribute('aria-describedby').split(/\\s+/)) {
    const told = document.getElementById(id);
    if (told && !told.hidden && getComputedStyle(told).display !== 'none') check(told, 'hint or error');
  }
const errors = Array.prototype.filter.call(document.querySelectorAll('#webform .error'),
                                          e => !e.hidden && getComputedStyle(e).display !== 'none');
errors.forEach(e => check(e, 'error'));
window.scrollTo(0, 0);
return {problems: problems, fields: fields.length, errors: errors.length, width: width,
        ratio: window.devicePixelRatio, scroll: document.documentElement.scrollWidth};
"""


@pytest.mark.parametrize("how", ["browser zoom", "cdp"])
def test_the_forms_at_200_percent_zoom_show_every_field_label_and_error_without_sideways_scrolling(site, tmp_path, how):
    """WCAG 1.4.4 and 1.4.10: 200 % zoom of a 1280 px window, which leaves 640 CSS px with two
    device pixels to one: Chromium's own page zoom (the profile's default zoom level), and the
    same viewport set through CDP (Emulation.setDeviceMetricsOverride). Each form empty and in
    its error state: no sideways scrolling, and every field, its label and each hint and error
    tied to it inside the window, not cut off and not covered; axe passes."""
    browser = chrome(tmp_path, zoom=2.0 if how == "browser zoom" else 1.0)
    try:
        if how == "cdp":
            browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 640, "height": 450, "deviceScaleFactor": 2, "mobile": False})
        for page, needed in (("avvikelse.html", 3), ("remiss-svar.html", 2)):
            open_page(browser, site, page)
            for state in ("empty", "errors"):
                if state == "errors":
                    if page == "remiss-svar.html":
                        browser.find_element(By.ID, "f-respondent-email").send_keys("inte en adress")
                    save(browser)
                shown = browser.execute_script(SHOWN)
                assert (shown["width"], shown["ratio"]) == (640, 2), shown
                assert shown["scroll"] <= shown["width"], (page, state, shown)
                assert shown["problems"] == [], (page, state)
                assert shown["fields"] >= 5 and shown["errors"] >= (needed if state == "errors" else 0), (page, shown)
            assert axe_violations(browser) == []
    finally:
        close(browser)

def test_the_remiss_answer_form(site, browser, content):
    open_page(browser, site, "remiss-svar.html")
    assert axe_violations(browser) == []
    browser.find_element(By.ID, "a1-reference").send_keys("3.1:4")
    browser.find_element(By.ID, "a1-comment").send_keys("Bra stycke.")
    browser.find_element(By.ID, "f-respondent-email").send_keys("inte en adress")
    save(browser)
    assert [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#error-summary a")] == [
        "Fyll i: Organisation", "Skriv en e-postadress, till exempel namn@example.se", "Fyll i: Avsnitt"]
    assert browser.find_element(By.ID, "a1-chapter").get_attribute("aria-invalid") == "true"
    assert axe_violations(browser) == []
    browser.find_element(By.ID, "f-respondent-organisation").send_keys("RFHL")
    email = browser.find_element(By.ID, "f-respondent-email")
    email.clear()
    email.send_keys("kansli@rfhl.example")
    browser.find_element(By.ID, "f-general").send_keys("Vi tillstyrker.\nMed två rader.")
    browser.find_element(By.ID, "a1-chapter").send_keys("Överenskommelse om missbruk/beroende: 3")
    browser.find_element(By.CSS_SELECTOR, ".repeat .add").click()
    assert browser.switch_to.active_element.get_attribute("id") == "a2-chapter"    # the new answer gets the focus
    browser.find_element(By.ID, "a2-chapter").send_keys("Tilläggsöverenskommelse")
    browser.find_element(By.ID, "a2-reference").send_keys("S-7.1-1")
    browser.find_element(By.ID, "a2-proposal").send_keys("Följ upp varje år.")
    assert axe_violations(browser) == []
    save(browser)
    path = saved_file(browser)
    compilation = remiss_answers.collect(content, [path])
    assert compilation.rejected == []
    (response,) = compilation.responses
    assert (response.organisation, response.email, response.general) == (
        "RFHL", "kansli@rfhl.example", "Vi tillstyrker.\nMed två rader.")
    got = sorted((key, a.comment, a.proposal) for key, items in compilation.answers.items() for a in items)
    assert got == [(("agreement", "3.1:4"), "Bra stycke.", None), (("supplement", "S-7.1-1"), None, "Följ upp varje år.")]


def test_the_keyboard_alone_fills_and_saves_the_remiss_answer(site, browser, content):
    open_page(browser, site, "remiss-svar.html")
    tab_to(browser, "f-respondent-organisation")
    keys(browser, "Attention")
    tab_to(browser, "a1-chapter")
    keys(browser, "Ö")
    tab_to(browser, "a1-comment")
    keys(browser, "Tydligare språk.")
    for _ in range(20):
        keys(browser, Keys.TAB)
        if "add" in (browser.switch_to.active_element.get_attribute("class") or ""):
            break
    keys(browser, Keys.ENTER)                                    # a second answer, focus in it
    keys(browser, "T", Keys.TAB, "S-7.1-1", Keys.TAB, "Saknar skulder.")
    for _ in range(20):
        keys(browser, Keys.TAB)
        if "save" in (browser.switch_to.active_element.get_attribute("class") or ""):
            break
    keys(browser, Keys.ENTER)
    compilation = remiss_answers.collect(content, [saved_file(browser)])
    assert [r.organisation for r in compilation.responses] == ["Attention"]
    got = sorted((key, a.comment) for key, items in compilation.answers.items() for a in items)
    assert got == [(("agreement", "1"), "Tydligare språk."), (("supplement", "S-7.1-1"), "Saknar skulder.")]


def web_answer(organisation: str, remiss_id: str, comment: str) -> bytes:
    data = {"form": "remiss", "remiss_id": remiss_id, "respondent": {"organisation": organisation},
            "general": comment, "answers": []}
    return ("<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\"><title>Svar</title>"
            f"<script type=\"application/json\" id=\"samverkan-remiss\">{json.dumps(data)}</script></head>"
            f"<body><p>{comment}</p></body></html>").encode("utf-8")


def test_collect_reads_web_files_beside_word_files(site, content, reports, form, tmp_path):
    """The remiss: a web answer beside a Word answer; one that claims another remiss version is
    rejected like a Word form of another version. The avvikelser: web, Word and LibreOffice
    reports compiled together."""
    from samverkan.remiss import edition

    remiss_id = edition(content, DEADLINE).id
    folder = tmp_path / "svar"
    folder.mkdir()
    (folder / "verdandi.html").write_bytes(web_answer("Verdandi", remiss_id, "Bra."))
    (folder / "gammal.html").write_bytes(web_answer("SPES", "2025-01-01/agreement-1.0", "Gammalt."))
    shutil.copy(next((site / "remiss").glob("svarsmall-*.docx")), folder / "tom.docx")
    done = subprocess.run([sys.executable, "-m", "samverkan", "remiss", "collect", str(folder), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "gammal.html: answers another remiss version (2025-01-01/agreement-1.0)" in done.stderr
    assert "tom.docx: does not say which organisation answers" in done.stderr
    assert "compiled 1 of 3 forms" in done.stdout
    mixed = tmp_path / "avvikelser"
    shutil.copytree(reports, mixed)
    web = tmp_path / "web.html"
    web.write_bytes(b"<!DOCTYPE html><html lang=\"sv\"><head><script type=\"application/json\" id=\"samverkan-"
                    b"avvikelse\">{\"form\": \"avvikelse-v1\", \"answers\": {\"unit\": \"Nacka\", \"sent\": "
                    b"\"2026-05-05\", \"kind\": \"Annat\", \"what\": \"Ring 08-123 45 67.\", \"parties\": "
                    b"[\"Annan akt\\u00f6r\"]}}</script></head><body></body></html>")
    shutil.copy(web, mixed / "nacka.html")
    done = subprocess.run([sys.executable, "-m", "samverkan", "avvikelser", "collect", str(mixed), "--period", "2026",
                           "--date", "2026-12-01", "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 1 and "compiled 5 of 7 reports for 2026" in done.stdout, done.stdout + done.stderr
    text = norm(pdf_text(tmp_path / "out" / "avvikelser" / "avvikelser-2026.pdf"))
    assert "Nacka 1" in text and "Ring [telefonnummer borttaget]." in text and "08-123" not in text
    assert "Stockholm: Bromma 2" in text and "Täby 1" in text
