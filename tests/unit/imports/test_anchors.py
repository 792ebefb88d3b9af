"""imports/anchors.py: the names that tie an edition to its source."""

from __future__ import annotations

import pytest

from samverkan.content.loader import load_content
from samverkan.errors import BuildFailed
from samverkan.imports.anchors import bookmark_name, edition_properties, source_key

from tests.conftest import write


def test_bookmark_names_are_hidden_word_names_and_distinct():
    assert bookmark_name("3.1:4") == "_p_3_1_4"
    assert bookmark_name("A-3.1-2") == "_c_A_3_1_2"
    assert bookmark_name("Bilaga 1:3") == "_p_Bilaga_1_3"
    refs = ["3.1:14", "3.11:4", "3.1.1:4", "3:114", "A-3.1-1", "A-3.11", "3.1:1"]
    assert len({bookmark_name(r) for r in refs}) == len(refs)
    with pytest.raises(BuildFailed, match="too long for a Word bookmark"):
        bookmark_name("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16:1")


def test_the_source_key_follows_the_documents_text_only(example):
    content_dir = example / "content"
    before = load_content(content_dir).documents["agreement"]
    key = source_key(before)
    assert edition_properties(before) == {"samverkan-dokument": "agreement", "samverkan-version": before.meta.version,
                                          "samverkan-källa": key}
    kommuner = content_dir / "kommuner.yaml"     # a kommun's change does not make an edition stale
    write(kommuner, kommuner.read_text(encoding="utf-8").replace("Exempelby", "Exempelstad"))
    assert source_key(load_content(content_dir).documents["agreement"]) == key
    section = content_dir / "agreement" / "sections" / "01-inledning.md"
    text = section.read_text(encoding="utf-8")
    marker = text.index(" {¶")
    write(section, text[:marker] + " ändrat" + text[marker:])
    assert source_key(load_content(content_dir).documents["agreement"]) != key
