"""Dates the Swedish way: "24 november 2026" in prose, 2026-11-24 in tables and file names."""

from __future__ import annotations

import datetime as dt
import os

from samverkan.errors import UsageProblem

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december")


def long_date(day: dt.date) -> str:
    """24 november 2026"""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def iso_date(day: dt.date) -> str:
    """2026-11-24"""
    return day.isoformat()


def source_date_epoch() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a UTC timestamp when it is set (reproducible builds), else None."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        stamp = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    except (ValueError, OverflowError, OSError) as exc:
        raise UsageProblem(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not '{epoch}'; "
                           "unset it to use the document's date") from exc
    if stamp.year < 1980:
        raise UsageProblem("SOURCE_DATE_EPOCH is before 1980, which ZIP files (Word) cannot store")
    return stamp


def build_timestamp(document_date: dt.date) -> dt.datetime:
    """The timestamp written into files: SOURCE_DATE_EPOCH where set, else the document's date
    (noon UTC, so that the date reads the same in every time zone of the working day)."""
    stamp = source_date_epoch()
    if stamp is not None:
        return stamp
    return dt.datetime(document_date.year, document_date.month, document_date.day, 12, 0, tzinfo=dt.timezone.utc)


def parse_day(text: str | None, option: str) -> dt.date | None:
    """A date given on the command line (YYYY-MM-DD), or UsageProblem naming the option."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise UsageProblem(f"{option} must be a date written YYYY-MM-DD, not '{text}'") from exc
