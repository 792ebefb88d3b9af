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
    (tmp_path / "gammal.html").write_bytes(saved({"unit": "Täby", "sent": "2026-01-02", "what": "x"}, "avvikelse-v0"))
    os.mkfifo(tmp_path / "ror.docx")
    compilation = collect(content, [tmp_path], "2026", dt.date(2026, 3, 5))
    assert compilation.reports == [] and compilation.forms == 6
    why = {name.split("/")[-1]: reason for name, reason in compilation.rejected}
    assert why["annat-ar.html"].startswith("is from 2025; this compilation is 2026")
    assert why["tom.html"] == "is empty: it does not say what happened"
    assert "is not an avvikelse report saved by the site's form" in why["remiss.html"]
    assert "longer than 20000 characters" in why["lang.html"]
    assert why["gammal.html"] == ("answers another avvikelse form version (avvikelse-v0); this avvikelse form is "
                                  "avvikelse-v1. Ask the sender to copy the answers into the current avvikelse form "
                                  "(Word or the site's web form)")
    assert "not a regular file" in why["ror.docx"]


def test_without_avvikelser_yaml_or_with_a_wrong_previous_file_collect_says_what_to_do(content, tmp_path):
    import dataclasses

    from samverkan.errors import UsageProblem

    with pytest.raises(UsageProblem, match="needs .*avvikelser.yaml"):
        collect(dataclasses.replace(content, avvikelser=None), [tmp_path])
    (tmp_path / "fjol.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(UsageProblem, match="fjol.xlsx: the previous compilation is not a compilation workbook"):
        collect(content, [tmp_path / "fjol.xlsx"], "2026", dt.date(2026, 3, 5), previous=tmp_path / "fjol.xlsx")


def test_without_a_date_replies_are_counted_up_to_a_day_the_reports_or_source_date_epoch_give(content, tmp_path,
                                                                                               monkeypatch):
    """The same reports give the same compilation on any day: not today, but SOURCE_DATE_EPOCH's
    day, else the newest date the period's reports carry; the form's date when none has one."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    (tmp_path / "a.html").write_bytes(saved({"unit": "Täby", "event_date": "2026-01-20", "sent": "2026-02-01",
                                             "what": "x"}))
    (tmp_path / "b.html").write_bytes(saved({"unit": "Nacka", "sent": "2026-03-01", "reply_date": "2026-06-30",
                                             "reply": "Svar.", "what": "y"}))
    (tmp_path / "c.html").write_bytes(saved({"unit": "Nacka", "sent": "2027-01-10", "what": "z"}))
    compilation = collect(content, [tmp_path], "2026")
    assert (compilation.as_of, compilation.as_of_from, compilation.period) == (dt.date(2026, 6, 30), "reports", "2026")
    assert [r.file.split("/")[-1] for r in compilation.reports] == ["a.html", "b.html"]
    assert compilation.reply_status(compilation.reports[0]) == "overdue"       # 2026-02-01 + 60 days < 2026-06-30
    latest = collect(content, [tmp_path])
    assert (latest.as_of, latest.period, [name.split("/")[-1] for name, _ in latest.rejected]) == \
        (dt.date(2027, 1, 10), "2027", ["a.html", "b.html"])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1775000000")                       # 2026-03-31
    pinned = collect(content, [tmp_path], "2026")
    assert (pinned.as_of, pinned.as_of_from) == (dt.date(2026, 3, 31), "SOURCE_DATE_EPOCH")
    assert pinned.reply_status(pinned.reports[0]) == "waiting"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    given = collect(content, [tmp_path], "2026", dt.date(2026, 3, 5))
    assert (given.as_of, given.as_of_from) == (dt.date(2026, 3, 5), "--date")
    for path in tmp_path.iterdir():
        path.unlink()
    (tmp_path / "utan-datum.html").write_bytes(saved({"unit": "Nacka", "what": "w"}))
    undated = collect(content, [tmp_path])
    assert (undated.as_of, undated.as_of_from) == (max(d.meta.date for d in content.documents.values()), "form")
