"""collect/avvikelser.py: what a saved avvikelse report means (kommun, choices, dates, commitments,
personal data), and which files are rejected with which reason."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from samverkan.collect.avvikelser import collect
from samverkan.content.loader import load_content

from tests.conftest import CONTENT


@pytest.fixture(scope="module")
def content():
    return load_content(CONTENT)


def saved(answers: dict, form: str = "avvikelse-v1") -> bytes:
    data = json.dumps({"form": form, "answers": answers}, ensure_ascii=False).replace("<", "\\u003c")
    return ("<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\"><title>Rapport</title><script "
            f"type=\"application/json\" id=\"samverkan-avvikelse\">{data}</script></head><body></body></html>"
            ).encode("utf-8")


def test_answers_are_read_as_the_content_names_them(content, tmp_path):
    (tmp_path / "a.html").write_bytes(saved({
        "unit": "UPPLANDS VÄSBY", "sent": "2026-06-01", "reply_date": "2026-7-1", "kind": "oklart ansvar mellan "
        "kommun och region", "parties": ["Psykiatrin (regionen)", "Skolan"], "target_group": "vuxna",
        "commitments": "a-3.1-2 och S-7.1-1, Z-1-1", "what": "Mejla anna@exempel.se, eller ring +46 8 123 45 67."}))
    (tmp_path / "b.html").write_bytes(saved({"unit": "Atlantis", "sent": "2026-01-01", "what": "Något hände."}))
    compilation = collect(content, [tmp_path], "2026", dt.date(2026, 3, 5))
    a, b = compilation.reports
    assert (a.unit, a.unit_known, b.unit, b.unit_known) == ("Upplands Väsby", True, "Atlantis", False)
    assert a.kind == "Oklart ansvar mellan kommun och region" and a.parties == ("Psykiatrin (regionen)", "Skolan")
    assert a.target_group.startswith("Vuxna personer") and a.commitments == ("A-3.1-2", "S-7.1-1")
    assert a.unknown_commitments == ("Z-1-1",)
    assert a.notes == ("Datum för mottagarens svar: '2026-7-1'", "Berörda parter: 'Skolan'")
    assert a.answers["what"] == "Mejla [e-postadress borttagen], eller ring [telefonnummer borttaget]."
    assert a.masked == (("Beskrivning av händelsen", ("[e-postadress borttagen]", "[telefonnummer borttaget]")),)
    assert compilation.reply_status(a) == "waiting" and compilation.reply_status(b) == "overdue"


def test_files_that_cannot_be_used_are_listed_with_the_reason(content, tmp_path):
    (tmp_path / "annat-ar.html").write_bytes(saved({"unit": "Täby", "sent": "2025-12-30", "what": "x"}))
    (tmp_path / "tom.html").write_bytes(saved({"unit": "Täby"}))
    (tmp_path / "remiss.html").write_bytes(saved({"what": "x"}, form="remiss"))
    (tmp_path / "lang.html").write_bytes(saved({"what": "x" * 20_001}))
    os.mkfifo(tmp_path / "ror.docx")
    compilation = collect(content, [tmp_path], "2026", dt.date(2026, 3, 5))
    assert compilation.reports == [] and compilation.forms == 5
    why = {name.split("/")[-1]: reason for name, reason in compilation.rejected}
    assert why["annat-ar.html"].startswith("is from 2025; this compilation is 2026")
    assert why["tom.html"] == "is empty: it does not say what happened"
    assert "is not an avvikelse report saved by the site's form" in why["remiss.html"]
    assert "longer than 20000 characters" in why["lang.html"]
    assert "not a regular file" in why["ror.docx"]


def test_without_avvikelser_yaml_or_with_a_wrong_previous_file_collect_says_what_to_do(content, tmp_path):
    import dataclasses

    from samverkan.errors import UsageProblem

    with pytest.raises(UsageProblem, match="needs .*avvikelser.yaml"):
        collect(dataclasses.replace(content, avvikelser=None), [tmp_path])
    (tmp_path / "fjol.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(UsageProblem, match="fjol.xlsx: the previous compilation is not a compilation workbook"):
        collect(content, [tmp_path / "fjol.xlsx"], "2026", dt.date(2026, 3, 5), previous=tmp_path / "fjol.xlsx")
