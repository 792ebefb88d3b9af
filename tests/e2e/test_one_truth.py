"""Issue 22: one rule per fact. Every commitment is listed under the same party, with the same
status of its document, in every format that lists the commitments of both agreements: the
"Åtaganden i tabellform" PDF and Word file, the CSV, the JSON, the xlsx and the site's
commitments page (whose filter counts add up to "Alla (N)"). Read back from the built files."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter

import pytest
from lxml import html as lxml_html
from openpyxl import load_workbook

from samverkan.targets import BuildOptions
from samverkan.targets.site import COMMITMENTS, SiteTarget
from samverkan.writers.html import HtmlWriter

from tests.inspect import W, check_manifest, docx_xml, norm, paragraph_text, pdf_text

ID = r"[AS]-\d+(?:\.\d+)*-\d+"


def expected(content) -> dict[str, tuple[str, str]]:
    """id → (party, status) by the content: the party a `within` actor belongs to, and
    whether its document is adopted."""
    result = {}
    for c in content.all_commitments():
        party = c.group_party.id
        result[c.id] = (content.parties[party].name, content.documents[c.document].meta.status)
    return result


def statuses_by_prefix(text: str, content) -> dict[str, str]:
    """The legend of the tables: "Nr som börjar med S- avser … (version 1.0, utkast)."."""
    found = {}
    for doc in content.documents.values():
        match = re.search(rf"Nr som börjar med {doc.id_prefix}- avser .*?\(version [^,]+, (\w+)", text, re.S)
        assert match, doc.key
        found[doc.id_prefix] = match.group(1)
    return found


def from_pdf(path, content) -> dict[str, tuple[str, str]]:
    text = norm(pdf_text(path))
    status = statuses_by_prefix(text, content)
    parties = {p.name for p in content.parties.values() if p.within is None}
    body = text[text.index("Nr som börjar med"):]
    body = body[:body.rindex(content.commitment_tables.matrix_title)]     # the matrix lists ids again
    heading = re.compile(r"\b\d+ (" + "|".join(re.escape(p) for p in sorted(parties, key=len, reverse=True)) + r") ")
    result, party = {}, None
    for match in re.finditer(rf"{heading.pattern}|\b({ID})\b", body):
        if match.group(1):
            party = match.group(1)
        else:
            assert match.group(2) not in result, match.group(2)
            result[match.group(2)] = (party, status[match.group(2)[0]])
    return result


def from_docx(path, content) -> dict[str, tuple[str, str]]:
    body = docx_xml(path).find(f"{W}body")
    text = norm(" ".join(paragraph_text(p) for p in body.iter(f"{W}p")))
    status = statuses_by_prefix(text, content)
    result, party = {}, None
    for element in body:
        if element.tag == f"{W}p":
            style = element.find(f"{W}pPr/{W}pStyle")
            if style is not None and style.get(f"{W}val") == "Heading1":
                party = re.sub(r"^\d+ ", "", norm(paragraph_text(element)))
        elif element.tag == f"{W}tbl" and party != content.commitment_tables.matrix_title:
            for tr in element.findall(f"{W}tr")[1:]:
                first = norm(paragraph_text(tr.find(f"{W}tc")))
                if re.fullmatch(ID, first):
                    result[first] = (party, status[first[0]])
    return result


def from_records(records: list[dict], id_key: str, party_key: str, status_key: str) -> dict[str, tuple[str, str]]:
    return {r[id_key]: (r[party_key], r[status_key]) for r in records}


@pytest.fixture(scope="module")
def site_page(built, content, tmp_path_factory):
    """The site's commitments page, made from the files `built` holds (as `samverkan build site`)."""
    manifest = check_manifest(built["out"])
    jobs = SiteTarget().jobs(content, BuildOptions({"manifest": manifest}))
    page = next(job for job in jobs if job.path == f"site/{COMMITMENTS}")
    return lxml_html.fromstring(HtmlWriter().write(page.artifact, page.timestamp))


def from_html(page) -> dict[str, tuple[str, str]]:
    result = {}
    for tr in page.findall(".//table[@class='commitments']/tbody/tr"):
        cells = tr.findall("td")
        mark = cells[3].find("strong[@class='status']")
        result[norm(tr.find("th").text_content())] = (norm(cells[1].text_content()),
                                                      mark.text_content().lower() if mark is not None else "antagen")
    return result


def test_every_format_lists_each_commitment_under_the_same_party_with_the_same_status(built, content, site_page):
    truth = expected(content)
    assert truth["A-3.3-5"][0] == content.parties["landstinget"].name        # the named actor sits with its party
    assert {status for _, status in truth.values()} == {"antagen", "utkast"}   # both agreements, one a draft
    data = json.loads(built[("commitments", "json")].read_text(encoding="utf-8"))
    labels = {c["key"]: c["label"] for c in data["columns"]}
    raw = built[("commitments", "csv")].read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw, newline=""), delimiter=";"))
    sheet = load_workbook(built[("commitments", "xlsx")]).worksheets[0]
    header = [c.value for c in sheet[1]]
    xlsx = [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    formats = {
        "PDF": from_pdf(built[("commitments", "pdf")], content),
        "Word": from_docx(built[("commitments", "docx")], content),
        "CSV": from_records(rows, labels["id"], labels["party_name"], labels["document_status"]),
        "JSON": from_records(data["records"], "id", "party_name", "document_status"),
        "xlsx": from_records(xlsx, labels["id"], labels["party_name"], labels["document_status"]),
        "HTML": from_html(site_page),
    }
    for name, found in formats.items():
        assert len(found) == len(truth), name
        wrong = {cid: (found.get(cid), want) for cid, want in truth.items() if found.get(cid) != want}
        assert wrong == {}, name


def test_the_sites_party_filter_adds_up_to_all(site_page, content):
    items = [norm(li.text_content()) for li in site_page.findall(".//nav[@class='filters']/div[1]/ul/li")]
    counts = [(re.sub(r" \(\d+\)$", "", item), int(re.search(r"\((\d+)\)$", item).group(1))) for item in items]
    assert counts[0] == ("Alla", len(content.all_commitments()))
    assert sum(n for _, n in counts[1:]) == counts[0][1]
    listed = Counter(content.parties[c.group_party.id].name for c in content.all_commitments())
    assert dict(counts[1:]) == dict(listed)
