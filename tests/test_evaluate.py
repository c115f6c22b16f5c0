"""Course-level evaluation helpers: answer scoring, refusal-gate calibration, retrieval tables."""

import pytest

from labkit.evaluate import answer_metrics, calibrate_gate, retrieval_table, score_answers

QS = [
    {
        "id": "q1",
        "question": "q?",
        "type": "single",
        "gold_ids": ["kb-a"],
        "must_contain": ["43 days"],
    },
    {
        "id": "q2",
        "question": "q?",
        "type": "single",
        "gold_ids": ["kb-b"],
        "must_contain": ["24.85"],
    },
    {"id": "q3", "question": "q?", "type": "unanswerable", "gold_ids": [], "must_contain": []},
    {"id": "q4", "question": "q?", "type": "unanswerable", "gold_ids": [], "must_contain": []},
]
GOOD = {"doc_id": "kb-a", "text": "Refunds within 43 days."}
BAD = {"doc_id": "kb-z", "text": "Something else."}


def test_answer_metrics_hand_case():
    results = [
        {
            "text": "Within 43 days [1].",
            "cited_chunks": [GOOD],
            "chunks": [GOOD],
            "prompt_tokens": 100,
            "seconds": 1.0,
        },
        {
            "text": "It costs 99.",
            "cited_chunks": [BAD],
            "chunks": [BAD],
            "prompt_tokens": 100,
            "seconds": 1.0,
        },
        {
            "text": "I don't know",
            "cited_chunks": [],
            "chunks": [],
            "prompt_tokens": 50,
            "seconds": 0.0,
        },
        {
            "text": "Yes, in Singapore.",
            "cited_chunks": [],
            "chunks": [BAD],
            "prompt_tokens": 50,
            "seconds": 0.0,
        },
    ]
    m = answer_metrics(QS, results)
    assert m["answer_accuracy"] == 0.5
    assert m["citation_accuracy"] == 0.5
    assert m["refusal_accuracy"] == 0.5
    assert m["false_refusal"] == 0.0
    assert m["prompt_tokens"] == 75.0
    rows = score_answers(QS, results)
    assert [r["retrieved_gold"] for r in rows] == [True, False, False, False]


def test_gated_counts_as_refusal_and_refusal_is_never_correct():
    results = [
        {"text": "I don't know, maybe 43 days", "chunks": [GOOD]},
        {"text": "24.85", "gated": True},
        {"text": "x", "gated": True},
        {"text": "y"},
    ]
    m = answer_metrics(QS, results)
    assert (
        m["answer_accuracy"] == 0.0 and m["false_refusal"] == 1.0 and m["refusal_accuracy"] == 0.5
    )


def test_calibrate_gate_separable_and_overlapping():
    g = calibrate_gate([0.8, 0.9, 0.7], [0.2, 0.3])
    assert g["balanced_accuracy"] == 1.0 and 0.3 < g["threshold"] <= 0.7
    g = calibrate_gate([0.5, 0.6, 0.9], [0.55, 0.2])
    assert 0.5 < g["balanced_accuracy"] < 1.0
    assert g["refusal_accuracy"] >= 0.5


def test_retrieval_table_uses_doc_level_ranks():
    class Fixed:
        def search_many(self, queries, k, filters=None):
            return [[{"doc_id": "kb-x"}, {"doc_id": "kb-x"}, {"doc_id": "kb-a"}] for _ in queries]

    t = retrieval_table({"fixed": Fixed()}, QS[:1])
    assert t["fixed"]["recall@1"] == 0.0 and t["fixed"]["recall@3"] == 1.0
    assert t["fixed"]["mrr@10"] == pytest.approx(0.5)  # kb-a is the 2nd distinct article
