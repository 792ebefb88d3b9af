"""What looks like personal data in free text, and the text with it masked.

Detected: Swedish personnummer with a valid check digit (Luhn, Skatteverket's rule), written
with or without century and with or without the separator (`19121212-1212`, `121212-1212`,
`1212121212`, `121212+1212`); samordningsnummer (the same with 60 added to the day); Swedish
telephone numbers (`08-123 45 67`, `070-123 45 67`, `+46 70 123 45 67`, 8 to 10 digits after
the leading 0); e-mail addresses. Not detected: names, addresses, ages, and a personnummer
whose check digit is wrong (it could be any ten digits). Never masked: dates (`2026-11-24`),
diarienummer (`RS 2019-0123`, `1.2-123/2019`), kommunkoder (`0160`) and commitment ids
(`A-3.1-2`): none of them has a personnummer's valid date and check digit, or a telephone
number's leading 0 followed by 8–10 digits.

Written by hand: no library on PyPI checks both personnummer and samordningsnummer without
also accepting dates it should not (the python `personnummer` package accepts any 10-digit run
with a valid check digit), and the rules are short.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

PERSONNUMMER = re.compile(r"(?<![\w/.-])((?:19|20)?)(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)(?![\w/-])")
PHONE = re.compile(r"(?<![\w/.+-])(?:\+46[\s-]?\(?0?\)?|0)(?:\d[\s-]?){7,9}\d(?![\w/-])")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?![\w-])")
KINDS = ("personnummer", "samordningsnummer", "phone", "email")


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _valid_date(century: str, year: str, month: str, day: str) -> bool:
    """A date that may be real (any century when it is not written)."""
    full = int((century or "19") + year)
    try:
        dt.date(full, int(month), int(day))
        return True
    except ValueError:
        if not century and month == "02" and day == "29":
            return True                                  # a leap day in some century
        return False


def classify(match: re.Match) -> str | None:
    """'personnummer', 'samordningsnummer' or None (not one: the date or check digit is wrong)."""
    century, year, month, day, _, serial, check = match.groups()
    if not luhn_ok(year + month + day + serial + check):
        return None
    if _valid_date(century, year, month, day):
        return "personnummer"
    if 61 <= int(day) <= 91 and _valid_date(century, year, month, f"{int(day) - 60:02d}"):
        return "samordningsnummer"
    return None


@dataclass(frozen=True)
class Found:
    kind: str         # one of KINDS
    start: int
    end: int


def find(text: str) -> list[Found]:
    """Everything in `text` that looks like personal data, in order, never overlapping."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for match in EMAIL.finditer(text):
        found.append(Found("email", match.start(), match.end()))
        taken.append(match.span())
    for match in PERSONNUMMER.finditer(text):
        kind = classify(match)
        if kind and free(*match.span()):
            found.append(Found(kind, match.start(), match.end()))
            taken.append(match.span())
    for match in PHONE.finditer(text):
        if free(*match.span()):
            found.append(Found("phone", match.start(), match.end()))
            taken.append(match.span())
    return sorted(found, key=lambda f: f.start)


def mask(text: str, replacements: dict[str, str]) -> tuple[str, list[str]]:
    """`text` with each personal datum replaced by its kind's replacement, and the kinds found
    (in order, each once)."""
    found = find(text)
    if not found:
        return text, []
    out, last = [], 0
    for item in found:
        out.append(text[last:item.start])
        out.append(replacements[item.kind])
        last = item.end
    out.append(text[last:])
    return "".join(out), list(dict.fromkeys(item.kind for item in found))
