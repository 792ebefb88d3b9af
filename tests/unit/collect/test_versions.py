"""collect/versions.py: one rule for which form and which version a file from outside answers
(the remiss response form and the avvikelse form, Word and web alike)."""

from __future__ import annotations

import re

import pytest

from samverkan.collect.documents import Paragraph, Table, TextDocument
from samverkan.collect.untrusted import Rejected
from samverkan.collect.versions import FormVersion

AVVIKELSE = FormVersion("avvikelse form", "an avvikelse form", "avvikelse form", "avvikelse-id", "avvikelse-v2",
                        "Rapport om avvikelse, version 2", "avvikelse-",
                        re.compile(re.escape("Rapport om avvikelse") + r", version [\w.-]*\w"))


def document(line: str, **properties: str) -> TextDocument:
    return TextDocument([Paragraph(f"Blankett: {line}"), Table((("Fråga", "Svar"),))], dict(properties))


def why(doc: TextDocument) -> str:
    with pytest.raises(Rejected) as caught:
        AVVIKELSE.identify(doc)
    return caught.value.message


def test_the_current_version_is_read_by_its_property_or_its_line():
    AVVIKELSE.identify(document("", **{"avvikelse-id": "avvikelse-v2"}))
    AVVIKELSE.identify(document("Rapport om avvikelse, version 2."))
    AVVIKELSE.check("avvikelse-v2")


def test_another_version_is_rejected_by_its_property_its_line_or_its_saved_web_file():
    assert why(document("Rapport om avvikelse, version 2", **{"avvikelse-id": "avvikelse-v1"})) == (
        "answers another avvikelse form version (avvikelse-v1); this avvikelse form is avvikelse-v2. "
        "Ask the sender to copy the answers into the current avvikelse form")
    assert why(document("Rapport om avvikelse, version 1")).startswith(
        "answers another avvikelse form version (Rapport om avvikelse, version 1); this avvikelse form is "
        "Rapport om avvikelse, version 2.")
    assert "(Rapport om avvikelse, version 2.1)" in why(document("Rapport om avvikelse, version 2.1"))
    assert "(Rapport om avvikelse, version 20)" in why(document("Rapport om avvikelse, version 20"))
    with pytest.raises(Rejected, match=r"^answers another avvikelse form version \(avvikelse-v3\)"):
        AVVIKELSE.check("avvikelse-v3")


def test_another_kind_of_form_or_none_is_not_taken_for_an_old_version():
    assert why(document("", **{"avvikelse-id": "remiss-2026"})) == \
        "is not an avvikelse form (its property avvikelse-id is 'remiss-2026')"
    assert why(document("Remiss av överenskommelsen")) == ("is not an avvikelse form: it has neither the property "
                                                           "'avvikelse-id' nor the line 'Rapport om avvikelse, "
                                                           "version 2'")
