"""Knowledge updates (labkit.hybrid.update) and the course's shared artefacts (labkit.hybrid.course)."""

import pytest

from labkit import data
from labkit.hybrid import course, update
from labkit.rag.index import build_index
from labkit.rag.retrieve import DenseRetriever
from labkit.security.access import Caller

CHANGE = {
    "fact_id": "f-1",
    "article_id": "kb-a",
    "old_must_contain": ["$11.60"],
    "new_must_contain": ["$14.20"],
}


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("The Solo plan costs $14.20 per seat.", "fresh"),
        ("The Solo plan costs $11.60 per seat.", "stale"),
        ("It was $11.60 and is now $14.20.", "wrong"),  # does not commit to the current value
        ("It costs $114.20.", "wrong"),  # whole-token match only
        ("I don't know.", "wrong"),
    ],
)
def test_freshness(text, outcome):
    assert update.freshness(text, CHANGE) == outcome


def test_freshness_counts_are_shares():
    counts = update.freshness_counts(["$14.20", "$11.60", "$14.20", "no"], [CHANGE] * 4)
    assert counts == {"fresh": 0.5, "stale": 0.25, "wrong": 0.25}
    with pytest.raises(ValueError):
        update.freshness_counts(["$14.20"], [CHANGE] * 2)


def test_freshness_flags_and_rates_keep_the_denominator():
    texts = ["$14.20"] * 3 + ["$11.60"] * 2 + ["no idea"] * 7  # 12 answers
    flags = update.freshness_flags(texts, [CHANGE] * 12)
    assert flags["fresh"] == [True] * 3 + [False] * 9
    assert flags["stale"] == [False] * 3 + [True] * 2 + [False] * 7
    rates = update.freshness_rates(texts, [CHANGE] * 12)
    assert (rates["fresh"]["k"], rates["fresh"]["n"]) == (3, 12)
    assert rates["wrong"]["k"] == 7 and rates["stale"]["rate"] == pytest.approx(2 / 12)
    # Wilson interval: strictly inside (0, 1) and around the share, even for 0/12
    assert 0 < rates["fresh"]["lo"] < 0.25 < rates["fresh"]["hi"] < 1
    zero = update.freshness_rates(["no"] * 12, [CHANGE] * 12)["fresh"]
    assert zero["rate"] == 0 and zero["lo"] == 0 and zero["hi"] > 0.2
    # too few answers: not measured rather than a share of 1.0
    few = update.freshness_rates(["$14.20"] * 3, [CHANGE] * 3)["fresh"]
    assert not few["measured"] and few["k"] == 3
    with pytest.raises(ValueError):
        update.freshness_flags(["$14.20"], [CHANGE] * 2)


def test_course_changes_match_the_v2_snapshot():
    changes = update.load_changes()
    v1 = {f["id"]: f for f in data.load_facts("v1")}
    v2 = {f["id"]: f for f in data.load_facts("v2")}
    assert len(changes) >= 25
    for c in changes:
        assert v1[c["fact_id"]]["must_contain"] == c["old_must_contain"]
        assert v2[c["fact_id"]]["must_contain"] == c["new_must_contain"]
    unchanged = set(v1) - {c["fact_id"] for c in changes}
    assert all(v1[f]["sentence"] == v2[f]["sentence"] for f in unchanged)


def test_facts_training_sets_differ_exactly_on_changed_facts():
    v1, v2 = course.facts_training_set("v1"), course.facts_training_set("v2")
    changed = {c["fact_id"] for c in update.load_changes()}
    assert [r["id"] for r in v1] == [r["id"] for r in v2] and len(v1) == 80
    for a, b in zip(v1, v2):
        assert a["messages"][0] == b["messages"][0]
        assert (a["messages"][1] != b["messages"][1]) == (a["fact_id"] in changed)
    with pytest.raises(ValueError):
        course.facts_training_set("v3")


def test_behaviour_training_set_is_the_tickets_without_system_prompt():
    recs = course.behaviour_training_set()
    assert len(recs) == len(data.load_behaviour("train"))
    assert all([m["role"] for m in r["messages"]] == ["user", "assistant"] for r in recs)


@pytest.mark.slow
def test_update_index_reembeds_only_changed_docs_and_keeps_the_original(embedder):
    v1 = data.load_articles("v1")[:6]
    v2 = [
        dict(d, body=d["body"] + "\n\nNew: the limit is now 42 seats.") if i == 1 else d
        for i, d in enumerate(v1[:5])
    ]
    index = build_index(v1, embedder, show_progress=False)
    before = (len(index.chunks), dict(index.doc_hashes))
    new, stats = update.update_index(index, v2, embedder)
    assert (stats["updated"], stats["added"], stats["deleted"], stats["unchanged"]) == (1, 0, 1, 4)
    assert (len(index.chunks), index.doc_hashes) == before  # the original is untouched
    assert v1[5]["id"] not in new.doc_hashes and all(c["doc_id"] != v1[5]["id"] for c in new.chunks)
    hit = DenseRetriever(new, embedder).search(
        "New: the limit is now 42 seats.", 1, caller=Caller("public")
    )[0]
    assert hit["doc_id"] == v1[1]["id"] and "42 seats" in hit["text"]
    assert stats["seconds"] > 0
