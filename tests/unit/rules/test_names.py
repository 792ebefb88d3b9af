"""rules/names.py: how a typed name finds a kommun or stadsdel (the CLI and the site's search)."""

from __future__ import annotations

import difflib

from samverkan.model import LocalUnit
from samverkan.rules import names


def unit(name, kommun, code, slug, organisation) -> LocalUnit:
    full = f"{name} kommun" if name == kommun else f"{name} stadsdelsområde, {organisation}"
    return LocalUnit(name, full, slug, code, "Socialnämnden", organisation, None, kommun)


TABY = unit("Täby", "Täby", "0160", "taby", "Täby kommun")
BROMMA = unit("Bromma", "Stockholm", "0180", "stockholm-bromma", "Stockholms stad")
VASBY = unit("Upplands Väsby", "Upplands Väsby", "0114", "upplands-vasby", "Upplands Väsby kommun")


def entries() -> list[names.Entry]:
    return [names.Entry(u.full_name, f"{u.slug}.html", names.unit_keys(u), names.keys([u.name, u.kommun_name]))
            for u in (TABY, BROMMA, VASBY)]


def test_a_name_is_compared_without_case_diacritics_or_punctuation():
    assert names.name_key("Upplands-Väsby") == names.name_key("upplands vasby") == "upplandsvasby"
    assert names.name_key("  TÄBY ") == "taby" and names.name_key("0160") == "0160"


def test_a_stadsdel_answers_to_its_own_names_and_its_kommuns():
    assert names.unit_keys(BROMMA) == ("bromma", "stockholmbromma", "brommastadsdelsomradestockholmsstad",
                                       "stockholm", "0180", "stockholmsstad")


def test_search_exact_then_prefix_then_closest():
    found = entries()
    assert names.search(found, "0160") == ("exact", [found[0]])
    assert names.search(found, "Stockholm") == ("exact", [found[1]])
    assert names.search(found, "upp") == ("prefix", [found[2]])
    assert names.search(found, "Tabby") == ("closest", [found[0]])
    assert names.search(found, "qqqq") == ("none", [])
    assert names.search(found, " - ") == ("none", [])


def test_closest_is_difflibs_rule_on_the_keys():
    known = ["Täby", "Tyresö", "Solna", "Sollentuna"]
    assert names.closest("Tabby", known) == ["Täby"]
    assert names.closest("Solentuna", known)[0] == "Sollentuna"
    keys = [names.name_key(k) for k in known]
    assert names.closest_keys("tyreso", keys) == difflib.get_close_matches("tyreso", keys, n=3, cutoff=0.5)


def test_the_index_carries_the_rule_s_numbers():
    index = names.search_index(entries())
    assert index["cutoff"] == names.CUTOFF and index["closest"] == names.CLOSEST
    assert index["entries"][0] == {"label": "Täby kommun", "href": "taby.html",
                                   "keys": list(names.unit_keys(TABY)), "near": ["taby"]}
