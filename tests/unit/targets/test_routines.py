from __future__ import annotations

import pytest

from samverkan.content.loader import load_content
from samverkan.errors import UsageProblem
from samverkan.targets.routines import find_units, unit_values

from tests.conftest import CONTENT


@pytest.fixture(scope="module")
def content():
    return load_content(CONTENT)


@pytest.mark.parametrize("query", ["Täby", "täby", "TABY", "taby", "0160", "Täby kommun"])
def test_a_kommun_by_name_slug_or_kommunkod(content, query):
    assert [u.slug for u in find_units(content, [query])] == ["taby"]


@pytest.mark.parametrize("query", ["Upplands Väsby", "upplands-vasby", "upplands vasby", "0114"])
def test_names_with_spaces_and_hyphens(content, query):
    assert [u.name for u in find_units(content, [query])] == ["Upplands Väsby"]


def test_stockholm_gives_its_stadsdelar_and_a_stadsdel_is_found_alone(content):
    units = find_units(content, ["0180"])
    assert len(units) == 13 and all(u.code == "0180" for u in units)
    assert [u.slug for u in find_units(content, ["Hägersten-Älvsjö"])] == ["stockholm-hagersten-alvsjo"]


def test_every_kommun_of_the_county_is_there(content):
    kommuner = {u.kommun_name for u in content.kommuner.units}
    assert len(kommuner) == 26
    assert len({u.code for u in content.kommuner.units}) == 26


def test_unknown_name_lists_the_closest(content):
    with pytest.raises(UsageProblem) as info:
        find_units(content, ["Stokholm", "Solentuna", "Xyzzy"])
    message = info.value.message
    assert "unknown kommun or stadsdel 'Stokholm' (closest: Stockholm" in message
    assert "'Solentuna' (closest: Sollentuna" in message
    assert "'Xyzzy'" in message


def test_values_of_a_kommun_and_a_stadsdel(content):
    taby, bromma = find_units(content, ["taby", "bromma"])
    values = unit_values(taby, content.kommuner.region)
    assert values["committee_party"] == "Socialnämnden, Täby kommun" and values["region_name"] == "Region Stockholm"
    assert values["code"] == "0160" and values["local_council"] is None
    assert unit_values(bromma, content.kommuner.region)["committee_party"] == "Bromma stadsdelsnämnd, Stockholms stad"
