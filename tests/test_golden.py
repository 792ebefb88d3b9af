from __future__ import annotations

import pytest

from .golden_cases import CASES, GOLDEN


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_matches_golden(name):
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert CASES[name]() == expected, (
        f"tests/golden/{name} differs from what the templates now produce; if the change is intended, "
        "run `python tools/regenerate_golden.py` and review `git diff tests/golden`")
