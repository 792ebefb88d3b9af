from __future__ import annotations

import datetime as dt

import pytest

from samverkan.dates import build_timestamp, iso_date, long_date
from samverkan.errors import UsageProblem


def test_swedish_long_date_and_iso_date():
    assert long_date(dt.date(2026, 11, 24)) == "24 november 2026"
    assert long_date(dt.date(2019, 9, 30)) == "30 september 2019"
    assert long_date(dt.date(2018, 1, 1)) == "1 januari 2018"
    assert iso_date(dt.date(2026, 3, 5)) == "2026-03-05"


def test_timestamp_is_the_documents_date_unless_source_date_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build_timestamp(dt.date(2026, 11, 24)) == dt.datetime(2026, 11, 24, 12, tzinfo=dt.timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_timestamp(dt.date(2026, 11, 24)) == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("value", ["igår", "1.5", "100"])
def test_bad_source_date_epoch_is_an_error(monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(UsageProblem):
        build_timestamp(dt.date(2026, 11, 24))
