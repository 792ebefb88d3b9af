"""Rules for grouping commitments (åtaganden); templates only lay out what these return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from samverkan.model import Commitment, Content, Party, Topic


@dataclass
class PartyRun:
    """Consecutive commitments of one party, introduced by one lead-in ("… åtar sig att:")."""

    party: Party
    commitments: list[Commitment]


@dataclass
class TopicGroup:
    topic: Topic
    commitments: list[Commitment]


@dataclass
class PartyGroup:
    party: Party
    topics: list[TopicGroup]

    @property
    def commitments(self) -> list[Commitment]:
        return [c for t in self.topics for c in t.commitments]


def listed_party(content: Content, c: Commitment) -> Party:
    """The party a commitment is listed under wherever the commitments of both agreements are
    listed together (Åtaganden i tabellform, CSV, JSON, xlsx, the follow-up, the site's filter):
    a party `within` another is listed with it, by the name parties.yaml gives it (a document's
    own party_names are for that document's text). Every writer asks here."""
    return content.parties[c.group_party.id]


def lead_runs(commitments: Iterable[Commitment]) -> list[PartyRun]:
    """In-place presentation (sections 2–4): a new lead-in whenever the listing party changes.
    A named actor (a party `within` another) stays in its parent's run."""
    runs: list[PartyRun] = []
    for c in commitments:
        if runs and runs[-1].party.id == c.group_party.id:
            runs[-1].commitments.append(c)
        else:
            runs.append(PartyRun(c.group_party, [c]))
    return runs


def by_party_and_topic(commitments: Iterable[Commitment], party_order: Iterable[Party],
                       topic_order: Iterable[Topic]) -> list[PartyGroup]:
    """The compiled list (section 6): by party, then by target group/topic, each in the order of
    parties.yaml and topics.yaml; within a topic, in the order the commitments are written."""
    commitments = list(commitments)
    groups: list[PartyGroup] = []
    for party in party_order:
        if party.within is not None:
            continue
        own = [c for c in commitments if c.group_party.id == party.id]
        topics = [TopicGroup(topic, [c for c in own if c.topic.id == topic.id]) for topic in topic_order]
        topics = [t for t in topics if t.commitments]
        if topics:
            groups.append(PartyGroup(party, topics))
    return groups


def by_topic_and_party(commitments: Iterable[Commitment], party_order: Iterable[Party],
                       topic_order: Iterable[Topic]) -> dict[str, dict[str, list[Commitment]]]:
    """A matrix: topic id → listing party id → commitments (for the target group × party table)."""
    commitments = list(commitments)
    matrix: dict[str, dict[str, list[Commitment]]] = {}
    for topic in topic_order:
        row = {p.id: [c for c in commitments if c.topic.id == topic.id and c.group_party.id == p.id]
               for p in party_order if p.within is None}
        if any(row.values()):
            matrix[topic.id] = row
    return matrix
