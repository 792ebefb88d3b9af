"""revisions/merge.py: merging two pandoc trees with the changes marked."""

from __future__ import annotations

from samverkan.revisions.merge import DELETION, INSERTION, Merger


def test_the_merge_tracks_words_and_keeps_moved_texts_whole():
    def para(text):
        inlines = []
        for index, word in enumerate(text.split()):
            inlines += ([{"t": "Space"}] if index else []) + [{"t": "Str", "c": word}]
        return {"t": "Para", "c": inlines}

    merger = Merger("A", "2027-01-15T12:00:00Z", [(("Flyttas hit.",), ("Flyttas hit.",))])
    old = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [para("Ett två tre."), para("Flyttas hit.")]}
    new = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [para("Flyttas hit."), para("Ett fyra tre.")]}
    merged = merger.merge(old, new)["blocks"]
    kinds = [[x["c"][0][1] if x["t"] == "Span" else x["t"] for x in b["c"]] for b in merged]
    assert kinds[1] == ["Str", "Space", [DELETION], [INSERTION], "Space", "Str"]
    assert merged[0]["c"][0]["c"][0][0] == "rl-to-1" and merged[2]["c"][0]["c"][0][0] == "rl-from-1"
    assert merged[1]["c"][2]["c"][0][2] == [["author", "A"], ["date", "2027-01-15T12:00:00Z"]]


def test_list_items_with_different_commitment_ids_are_never_one_edited_item():
    def item(text):
        inlines = []
        for index, word in enumerate(text.split()):
            inlines += ([{"t": "Space"}] if index else []) + [{"t": "Str", "c": word}]
        return [{"t": "Plain", "c": inlines}]

    def doc(*items):
        return {"pandoc-api-version": [1, 23, 1], "meta": {},
                "blocks": [{"t": "BulletList", "c": [item(t) for t in items]}]}

    merged = Merger("A", "2027-01-15T12:00:00Z").merge(
        doc("Följa upp struktur och processindikatorer. (A-4.2-8)", "Sista."),
        doc("Följa upp struktur och processindikatorer. (A-4.2-9)", "Sista."))["blocks"]
    items = merged[0]["c"]
    # the old item deleted whole, the new one inserted whole: no word-level edit of the id
    assert [[x["c"][0][1] for x in i[0]["c"] if x["t"] == "Span"] for i in items[:2]] == [[[DELETION]], [[INSERTION]]]
    # the same id: one item, its words tracked
    merged = Merger("A", "2027-01-15T12:00:00Z").merge(doc("Följa upp struktur. (A-4.2-8)"),
                                                       doc("Följa upp strukturen. (A-4.2-8)"))["blocks"]
    assert len(merged[0]["c"]) == 1
