"""collect/untrusted.embedded_json: the answers a web form of the site saved into its HTML file,
read within limits; anything else is Rejected with a reason."""

from __future__ import annotations

import json

import pytest

from samverkan.collect.untrusted import Rejected, embedded_json, looks_like_html

MARKER = "samverkan-avvikelse"


def page(answers, marker: str = MARKER, extra: str = "") -> bytes:
    data = json.dumps(answers, ensure_ascii=False).replace("<", "\\u003c")
    return (f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>x</title>'
            f'<script type="application/json" id="{marker}">{data}</script>{extra}</head><body><p>Svar</p></body>'
            f'</html>').encode("utf-8")


def test_the_answers_come_back_as_saved_even_with_markup_in_them():
    answers = {"form": "avvikelse-v1", "answers": {"what": "</script><b>&amp; \"citat\"", "parties": ["a", "b"]}}
    data = page(answers)
    assert looks_like_html(b"\xef\xbb\xbf\n" + data) and not looks_like_html(b"PK\x03\x04")
    assert embedded_json(data, MARKER, "report") == answers


@pytest.mark.parametrize("data,why", [
    (page({"a": "b"}, marker="samverkan-remiss"), "no block of answers"),
    (page({"a": "b"}, extra='<script type="application/json" id="samverkan-avvikelse">{}</script>'), "more than one"),
    (page({"a": 1}), "damaged"),
    (page(["a"]), "not a set of named answers"),
    (page({"a": [[[[[[[[[["deep"]]]]]]]]]]}), "nested deeper"),
    (page({"a": ["x"] * 6000}), "more answers"),
    ("<!DOCTYPE html>\xff".encode("latin-1"), "not UTF-8"),
    (b"<!DOCTYPE html>" + b" " * (3 * 1024 * 1024), "more than the 2 MB"),
])
def test_a_file_that_is_not_a_saved_form_is_rejected_with_the_reason(data, why):
    with pytest.raises(Rejected) as info:
        embedded_json(data, MARKER, "report")
    assert why in info.value.message
