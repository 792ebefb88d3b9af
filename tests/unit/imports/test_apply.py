"""imports/apply.py: only the changed words' lines change; markers stay where they were."""

from __future__ import annotations

import pytest

from samverkan.imports.apply import NotPlaced, _prefixes, rewrite_lines


def test_words_change_on_their_own_lines_and_prefixes_and_footnotes_stay():
    lines = ["- Första raden med ett ord[^1] här", "  och en andra rad som", "  slutar här."]
    prefixes = _prefixes(lines)
    assert prefixes == ["- ", "  ", "  "]
    new = rewrite_lines(lines, prefixes, "Första raden med ett ord här och en ändrad rad som slutar här.")
    assert new == ["- Första raden med ett ord[^1] här", "  och en ändrad rad som", "  slutar här."]
    assert rewrite_lines(["> Ruta med text"], ["> "], "Ruta med mer text") == ["> Ruta med mer text"]
    assert rewrite_lines(["Ett", "två", "tre"], ["", "", ""], "Ett tre") == ["Ett", "tre"]
    with pytest.raises(NotPlaced, match="fotnot"):
        rewrite_lines(["Ett ord[^1] till"], [""], "Ett annat till")


def test_no_break_spaces_stay_as_typed():
    assert rewrite_lines(["Högst 10\u00a0000 kr per år"], [""], "Högst 10\u00a0000 kr per månad") == \
        ["Högst 10\u00a0000 kr per månad"]
