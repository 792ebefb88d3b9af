from __future__ import annotations

from samverkan.content.loader import load_content
from samverkan.rules.grouping import by_party_and_topic, by_topic_and_party, lead_runs


def test_lead_runs_keep_named_actors_in_their_parents_list(mini):
    content = load_content(mini)
    doc = content.documents["agreement"]
    runs = lead_runs(doc.commitments_of("2"))
    assert [(r.party.id, [c.id for c in r.commitments]) for r in runs] == [
        ("gemensamt", ["T-2-1"]), ("regionen", ["T-2-2", "T-2-3"])]


def test_compiled_list_is_by_party_then_topic_in_content_order(mini):
    content = load_content(mini)
    doc = content.documents["agreement"]
    # reverse the file order of the commitments: the grouping must not depend on it
    groups = by_party_and_topic(list(reversed(doc.commitments)), content.parties.values(), content.topics.values())
    assert [(g.party.id, [(t.topic.id, [c.id for c in t.commitments]) for t in g.topics]) for g in groups] == [
        ("gemensamt", [("sip", ["T-2-1"])]),
        ("regionen", [("sip", ["T-2-3", "T-2-2"])]),
        ("kommunerna", [("unga", ["T-2.1-1"])]),
    ]
    assert "beroendevard" not in [g.party.id for g in groups]


def test_matrix_of_topics_and_parties(mini):
    content = load_content(mini)
    matrix = by_topic_and_party(content.all_commitments(), content.parties.values(), content.topics.values())
    assert {t: {p: [c.id for c in cs] for p, cs in row.items() if cs} for t, row in matrix.items()} == {
        "sip": {"gemensamt": ["T-2-1"], "regionen": ["T-2-2", "T-2-3"]},
        "unga": {"kommunerna": ["T-2.1-1"]},
    }
