"""site.yaml: the download site's wording, validated like the other catalogues (catalogues.py)."""

from __future__ import annotations

import pytest

from samverkan.content.loader import load_content
from samverkan.errors import ContentInvalid
from samverkan.project import packaged

from tests.conftest import CONTENT


def example_site_yaml() -> str:
    return (packaged("example") / "content" / "site.yaml").read_text(encoding="utf-8")


def problems_of(root) -> list[str]:
    with pytest.raises(ContentInvalid) as info:
        load_content(root)
    return [p.display(root) for p in info.value.problems]


def test_the_projects_and_the_examples_wording_load():
    assert load_content(CONTENT).site.kommuner.search_hint.endswith("Täby eller 0160.")
    assert "Täby" not in example_site_yaml()


def test_a_missing_text_and_a_missing_placeholder_are_reported_with_file_and_line(mini):
    text = example_site_yaml()
    text = text.replace("  notes: Fotnoter\n", "")
    text = text.replace("count: Visar {shown} av {total} åtaganden.", "count: Visar alla åtaganden.")
    (mini / "site.yaml").write_text(text, encoding="utf-8")
    found = "\n".join(problems_of(mini))
    assert "site.yaml" in found and "notes" in found
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.strip().startswith("count:"))
    assert f"site.yaml:{line}: site.yaml: commitments.count must contain {{shown}} and {{total}}" in found


def test_without_site_yaml_there_is_no_site(mini):
    assert load_content(mini).site is None
