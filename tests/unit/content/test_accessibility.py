"""accessibility.yaml: the site's accessibility statement (content/accessibility.py), checked
with file and line, and `samverkan check`'s warning when its review is more than a year old."""

from __future__ import annotations

import datetime as dt
import re

from click.testing import CliRunner

from samverkan.cli import cli
from samverkan.content.accessibility import stale
from samverkan.content.loader import load_content

from tests.conftest import line_of, problem_text, write


def edit(root, old: str, new: str) -> str:
    path = root / "accessibility.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    write(path, text.replace(old, new, 1))
    return text.replace(old, new, 1)


def test_the_statement_uses_the_remiss_contact_unless_it_names_its_own(project, example):
    statement = load_content(project).accessibility
    remiss = load_content(project).remiss
    assert statement.contact == remiss.contact and statement.compliance == "delvis förenlig"
    assert statement.report_url == "https://www.digg.se/tdosanmalan" and statement.exceptions
    assert load_content(example / "content").accessibility.reviewed == dt.date(2026, 11, 24)   # init's date
    edit(project, "compliance:", "contact:\n  name: Webbredaktionen\n  organisation: Region X\n"
                                 "  email: webb@example.org\ncompliance:")
    assert load_content(project).accessibility.contact.name == "Webbredaktionen"


def test_compliance_dates_and_the_reporting_link_are_checked_with_file_and_line(project):
    text = edit(project, "compliance: delvis förenlig", "compliance: ganska förenlig")
    found = problem_text(project)
    assert f"accessibility.yaml:{line_of(text, 'compliance:')}: accessibility.yaml: compliance 'ganska förenlig' " \
           "must be one of the three words" in found
    edit(project, "compliance: ganska förenlig", "compliance: delvis förenlig")
    text = edit(project, "report_url: https://www.digg.se/tdosanmalan", "report_url: http://www.digg.se/tdosanmalan")
    assert f"accessibility.yaml:{line_of(text, 'report_url:')}: accessibility.yaml: report_url " \
           "'http://www.digg.se/tdosanmalan' must be an https address" in problem_text(project)
    edit(project, "report_url: http:", "report_url: https:")
    text = edit(project, "reviewed: 2026-11-24", "reviewed: 24/11/2026")
    assert f"accessibility.yaml:{line_of(text, 'reviewed:')}: accessibility.yaml: 'reviewed' must be a date" \
           in problem_text(project)
    edit(project, "reviewed: 24/11/2026", "reviewed: 2026-11-24")
    text = edit(project, "intro: >-\n    {publisher} står", "intro: >-\n    Vi står")
    assert re.search(r"accessibility\.yaml:\d+: accessibility\.yaml: texts\.intro must contain \{publisher\}",
                     problem_text(project))


def test_a_partly_compliant_site_lists_what_is_not_accessible(project):
    path = project / "accessibility.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("exceptions:"), text.index("burden:")
    write(path, text[:start] + "exceptions: []\n" + text[end:])
    assert re.search(r"accessibility\.yaml:\d+: accessibility\.yaml: compliance 'delvis förenlig' needs the list "
                     r"of what is not accessible", problem_text(project))


def test_check_warns_when_the_review_is_more_than_a_year_old(project):
    statement = load_content(project).accessibility
    assert stale(statement, dt.date(2027, 11, 24)) is None
    warning = stale(statement, dt.date(2027, 11, 25), project)
    assert "accessibility.yaml:" in warning and "last reviewed on 2026-11-24, more than a year ago" in warning
    edit(project, "reviewed: 2026-11-24", "reviewed: 2020-01-01")
    edit(project, "assessed: 2026-11-24", "assessed: 2020-01-01")
    result = CliRunner().invoke(cli, ["check", "--content", str(project)])
    assert result.exit_code == 0
    assert re.search(r"warning: content/accessibility\.yaml:\d+: the accessibility statement was last reviewed on "
                     r"2020-01-01", result.output), result.output
