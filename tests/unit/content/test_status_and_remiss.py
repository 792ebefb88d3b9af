"""Issue 13: what the title pages and the cover letter need is required content, checked with
file and line: coherent status and dates (document.yaml), and where and how to answer a
remiss (remiss/remiss.yaml)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from samverkan.content.loader import load_content
from samverkan.errors import ContentInvalid

from tests.conftest import write


def problems_of(root) -> list[str]:
    with pytest.raises(ContentInvalid) as info:
        load_content(root)
    return [p.display(root) for p in info.value.problems]


def set_meta(root, old: str, new: str) -> None:
    path = root / "agreement" / "document.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    write(path, text.replace(old, new, 1))


def test_an_adopted_agreement_says_when_it_was_adopted(mini):
    set_meta(mini, "status: utkast", "status: antagen")
    found = "\n".join(problems_of(mini))
    assert re.search(r"document\.yaml:\d+: status is antagen, but 'adopted' does not say when", found)
    set_meta(mini, "status: antagen", "status: antagen\nadopted: 2030")
    found = "\n".join(problems_of(mini))
    assert re.search(r"document\.yaml:\d+: 'adopted' \(2030\) is after this version's date \(2026-11-24\)", found)
    set_meta(mini, "adopted: 2030", "adopted: 2017")
    meta = load_content(mini).documents["agreement"].meta
    assert meta.adopted == "2017" and meta.edition_of_adopted


def test_a_draft_is_not_adopted_and_the_history_has_the_documents_status(mini):
    set_meta(mini, "status: utkast", "status: utkast\nadopted: 2017")
    found = "\n".join(problems_of(mini))
    assert re.search(r"document\.yaml:\d+: 'adopted' is given, but status is utkast", found)
    set_meta(mini, "status: utkast\nadopted: 2017", "status: utkast\nhistory:\n  - version: \"0.9\"\n    date: "
             "2026-11-24\n    status: remiss\n    decision: Inget.\n    summary: Första.")
    found = "\n".join(problems_of(mini))
    assert re.search(r"document\.yaml:\d+: the last history entry \(version 0\.9\) has status remiss, but the "
                     r"document's status is utkast", found)


def edit_remiss(root, old: str, new: str) -> None:
    path = root / "remiss" / "remiss.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    write(path, text.replace(old, new, 1))


def test_a_remiss_that_does_not_say_where_to_answer_is_refused_with_file_and_line(project):
    edit_remiss(project, "answers:\n  email: info@storsthlm.se\n  address: [Storsthlm, Box 38145, 100 64 Stockholm]\n",
                "answers:\n  note: senare\n")
    found = "\n".join(problems_of(project))
    assert re.search(r"remiss\.yaml:\d+: remiss: answers: unknown field 'note'", found)
    assert re.search(r"remiss\.yaml:\d+: remiss: answers says neither an e-mail address nor a postal address", found)


def test_a_remiss_needs_its_sender_diarienummer_and_a_way_to_ask(project):
    edit_remiss(project, '  diarienummer: "(tilldelas av registrator)"', "  diarienumer: x")
    edit_remiss(project, "  email: info@storsthlm.se\n  phone: 08-615 94 00\n", "")
    edit_remiss(project, "  email: info@storsthlm.se\n", "  email: inte-en-adress\n")
    found = "\n".join(problems_of(project))
    assert re.search(r"remiss\.yaml:\d+: remiss: sender: missing required field 'diarienummer'", found)
    assert re.search(r"remiss\.yaml:\d+: remiss: contact gives no e-mail address or telephone number", found)
    assert re.search(r"remiss\.yaml:\d+: remiss: answers: 'inte-en-adress' is not an e-mail address", found)


def test_check_refuses_such_a_remiss_with_exit_code_1(project):
    edit_remiss(project, "answers:\n  email: info@storsthlm.se\n  address: [Storsthlm, Box 38145, 100 64 Stockholm]\n",
                "")
    done = subprocess.run([sys.executable, "-m", "samverkan", "check", "--content", str(project)],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert re.search(r"remiss\.yaml:\d+: remiss\.yaml: missing required field 'answers'", done.stderr)
