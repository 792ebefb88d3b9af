"""rules/personaldata.py: what looks like personal data is found and masked; dates,
diarienummer, kommunkoder and commitment ids never are."""

from __future__ import annotations

import pytest

from samverkan.rules.personaldata import find, luhn_ok, mask

MASKS = {"personnummer": "[P]", "samordningsnummer": "[S]", "phone": "[T]", "email": "[E]"}


@pytest.mark.parametrize("text", ["19121212-1212", "121212-1212", "1212121212", "191212121212", "121212+1212",
                                  "20121212-1212"])
def test_a_personnummer_with_a_valid_check_digit_is_found_however_written(text):
    assert mask(f"Personen {text} sökte hjälp.", MASKS) == ("Personen [P] sökte hjälp.", ["personnummer"])


def test_a_samordningsnummer_is_the_day_plus_60():
    number = next(f"7010{day:02d}-{serial:03d}{check}" for day in range(63, 92) for serial in range(100, 999)
                  for check in range(10) if luhn_ok(f"7010{day:02d}{serial:03d}{check}"))
    assert mask(f"samordningsnummer {number}.", MASKS) == ("samordningsnummer [S].", ["samordningsnummer"])


@pytest.mark.parametrize("text", ["19121212-1213", "121312-1212", "121232-1212"])
def test_a_wrong_check_digit_or_date_is_not_a_personnummer(text):
    assert find(text) == []


@pytest.mark.parametrize("text,masked", [
    ("Ring 08-123 45 67.", "Ring [T]."), ("ring 070-123 45 67", "ring [T]"), ("tel +46 70 123 45 67", "tel [T]"),
    ("0701234567", "[T]"), ("skriv till anna.berg@exempel.se i dag", "skriv till [E] i dag"),
])
def test_phone_numbers_and_e_mail_addresses_are_masked(text, masked):
    assert mask(text, MASKS)[0] == masked


@pytest.mark.parametrize("text", [
    "den 2026-11-24", "20261124", "Dnr RS 2019-0123", "diarienummer 1.2-123/2019", "SLSO 2019/0456",
    "kommunkod 0160", "0180-2019/12", "åtagande A-3.1-2 och S-7.1-1", "avsnitt 3.1:4", "klockan 08.30-16.00",
    "år 2026 hade 1 234 567 invånare",
])
def test_dates_diarienummer_kommunkoder_and_ids_are_never_masked(text):
    assert mask(text, MASKS) == (text, [])


def test_several_kinds_in_one_text_are_each_masked_in_order():
    text = "Personen 121212-1212 (tel 08-123 45 67, a@b.se) och 19121212-1212."
    assert mask(text, MASKS) == ("Personen [P] (tel [T], [E]) och [P].", ["personnummer", "phone", "email"])
