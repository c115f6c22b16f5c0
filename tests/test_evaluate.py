"""Course-level evaluation helpers: answer scoring, refusal-gate calibration, retrieval tables."""

import pytest

from labkit.rag.evaluate import answer_metrics, calibrate_gate, retrieval_table, score_answers
from labkit.security.access import Caller

AGENT = Caller("agent")  # the course's retrieval evaluation reads every article

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


def test_wrong_answer_citing_the_gold_chunk_is_not_a_correct_citation():
    # Issue 10: the cited chunk holds "43 days" but the answer says 34 days.
    wrong = {"text": "Within 34 days [1].", "cited_chunks": [GOOD], "chunks": [GOOD]}
    right = {"text": "Within 43 days [1].", "cited_chunks": [GOOD], "chunks": [GOOD]}
    uncited = {"text": "Within 43 days.", "cited_chunks": [], "chunks": [GOOD]}
    off = {"text": "Within 43 days [1].", "cited_chunks": [BAD], "chunks": [BAD, GOOD]}
    rows = score_answers([QS[0]] * 4, [wrong, right, uncited, off])
    assert [r["correct"] for r in rows] == [False, True, True, True]
    assert [r["cited_correct"] for r in rows] == [False, True, False, False]
    m = answer_metrics([QS[0]] * 4, [wrong, right, uncited, off])
    assert m["citation_accuracy"] == 0.25 and m["answer_accuracy"] == 0.75


def test_multi_fact_citation_needs_every_value_in_some_cited_chunk():
    q = dict(QS[1], gold_ids=["kb-a", "kb-b"], must_contain=["24.85", "62.35"])
    team = {"doc_id": "kb-a", "text": "Team costs $24.85 per seat."}
    ent = {"doc_id": "kb-b", "text": "Enterprise costs $62.35 per seat."}
    text = "Team $24.85, Enterprise $62.35 [1][2]."
    both = {"text": text, "cited_chunks": [team, ent], "chunks": [team, ent]}
    one = {"text": text, "cited_chunks": [team], "chunks": [team, ent]}
    rows = score_answers([q, q], [both, one])
    assert [r["correct"] for r in rows] == [True, True]
    assert [r["cited_correct"] for r in rows] == [True, False]


def test_refused_hedge_with_the_value_is_neither_correct_nor_cited_correct():
    hedge = {"text": "I'm not sure, maybe 43 days [1].", "cited_chunks": [GOOD], "chunks": [GOOD]}
    row = score_answers([QS[0]], [hedge])[0]
    assert row["refused"] and not row["correct"] and not row["cited_correct"]


def test_calibrate_gate_separable_and_overlapping():
    g = calibrate_gate([0.8, 0.9, 0.7], [0.2, 0.3])
    assert g["balanced_accuracy"] == 1.0 and 0.3 < g["threshold"] <= 0.7
    g = calibrate_gate([0.5, 0.6, 0.9], [0.55, 0.2])
    assert 0.5 < g["balanced_accuracy"] < 1.0
    assert g["refusal_accuracy"] >= 0.5


def test_retrieval_table_uses_doc_level_ranks():
    class Fixed:
        def search_many(self, queries, k, filters=None, *, caller):
            assert caller == AGENT  # the caller reaches the retriever
            return [[{"doc_id": "kb-x"}, {"doc_id": "kb-x"}, {"doc_id": "kb-a"}] for _ in queries]

    t = retrieval_table({"fixed": Fixed()}, QS[:1], caller=AGENT)
    assert t["fixed"]["recall@1"] == 0.0 and t["fixed"]["recall@3"] == 1.0
    assert t["fixed"]["mrr@10"] == pytest.approx(0.5)  # kb-a is the 2nd distinct article


# --- retrieval intervals and paired tests (notebooks 01 and 02) -----------------------------

from labkit.rag.evaluate import compare_retrievers, metric_interval, retrieval_by_class  # noqa: E402
from labkit.stats import wilson_interval  # noqa: E402


class _Ranked:
    """A fake retriever: each question text names its ranked doc ids, comma-separated."""

    def search_many(self, queries, k, filters=None, *, caller):
        return [[{"doc_id": d} for d in q.split(",")][:k] for q in queries]


def _q(qid, ranked, gold, qtype):
    return {"id": qid, "question": ranked, "type": qtype, "gold_ids": gold, "must_contain": []}


def test_metric_interval_is_wilson_for_hits_and_bootstrap_for_means():
    iv = metric_interval([1.0] * 149 + [0.0] * 11)  # dev recall@5 of dense: 149/160
    assert iv["ci"] == "wilson" and iv["hits"] == 149 and iv["n"] == 160
    assert (iv["lo"], iv["hi"]) == wilson_interval(149, 160)
    assert iv["lo"] < 0.931 < iv["hi"] < 1.0
    iv = metric_interval([1.0, 0.5, 0.0, 1.0 / 3] * 10)  # MRR-like values
    assert iv["ci"] == "bootstrap" and iv["hits"] is None
    assert iv["lo"] < iv["mean"] < iv["hi"]
    assert iv["mean"] == pytest.approx((1 + 0.5 + 1 / 3) / 4)
    assert metric_interval([])["n"] == 0


def test_metric_interval_contains_its_mean_at_all_and_none():
    # Wilson's bounds at 6/6 and 0/11 miss 1.0 and 0.0 by float rounding: error bars went negative
    for values in ([1.0] * 6, [0.0] * 11, [1.0] * 100, [0.5] * 20):
        iv = metric_interval(values)
        assert iv["lo"] <= iv["mean"] <= iv["hi"]
    assert metric_interval([1.0] * 6)["hi"] == 1.0 and metric_interval([0.0] * 11)["lo"] == 0.0


def test_retrieval_by_class_splits_classes_and_skips_unanswerable():
    qs = [_q(f"s{i}", "kb-a,kb-b", ["kb-a"], "single") for i in range(3)]
    qs += [_q("p1", "kb-x,kb-a", ["kb-a"], "paraphrase")]
    qs += [_q("m1", "kb-a,kb-x", ["kb-a", "kb-b"], "multi")]  # one of two gold articles
    qs += [_q("u1", "kb-a", [], "unanswerable")]
    rows = retrieval_by_class(
        {"fake": _Ranked()}, qs, ks=(1, 5), metrics=["recall@1"], caller=AGENT
    )
    by = {r["class"]: r for r in rows}
    assert set(by) == {"all", "single", "paraphrase", "multi"}
    assert by["all"]["n"] == 5  # the unanswerable question is not scored
    assert by["single"]["mean"] == 1.0 and by["single"]["ci"] == "wilson"
    assert by["paraphrase"]["mean"] == 0.0 and by["paraphrase"]["hits"] == 0
    assert by["multi"]["mean"] == 0.5 and by["multi"]["ci"] == "bootstrap"
    assert by["all"]["mean"] == pytest.approx(3.5 / 5)
    assert by["single"]["text"].startswith("1.000 [")


def test_retrieval_by_class_refuses_no_answerable_questions():
    with pytest.raises(ValueError, match="no answerable"):
        retrieval_by_class(
            {"fake": _Ranked()}, [_q("u1", "kb-a", [], "unanswerable")], caller=AGENT
        )


def _rows(hits, ndcg):
    return {f"q{i}": {"recall@5": h, "ndcg@10": g} for i, (h, g) in enumerate(zip(hits, ndcg))}


def test_compare_retrievers_significant_only_with_enough_disagreement():
    base = _rows([0.0] * 12 + [1.0] * 8, [0.2] * 12 + [0.9] * 8)
    cand = _rows([1.0] * 20, [0.9] * 20)  # wins 12 questions, loses none
    c = compare_retrievers(cand, base)
    assert (c["b"], c["c"]) == (12, 0) and c["p_mcnemar"] < 0.05
    assert c["verdict_hits"] == "better" and c["verdict_mean"] == "better"
    assert c["mean_diff"] == pytest.approx(12 * 0.7 / 20)
    # 0.931 -> 0.925 on dev was one question: a 1-vs-0 disagreement is no evidence
    one = _rows([1.0] * 19 + [0.0], [0.9] * 19 + [0.85])
    c = compare_retrievers(one, _rows([1.0] * 20, [0.9] * 20))
    assert (c["b"], c["c"]) == (0, 1) and c["p_mcnemar"] == 1.0
    assert c["verdict_hits"] == "not significant" and c["verdict_mean"] == "not significant"


def test_compare_retrievers_half_recall_is_not_a_hit():
    c = compare_retrievers(_rows([0.5] * 10, [0.5] * 10), _rows([1.0] * 10, [0.5] * 10))
    assert (c["b"], c["c"]) == (0, 10) and c["verdict_hits"] == "worse"


def test_compare_retrievers_needs_the_same_questions():
    with pytest.raises(ValueError, match="same"):
        compare_retrievers(_rows([1.0], [1.0]), _rows([1.0, 0.0], [1.0, 0.0]))


def test_retrieval_evaluation_needs_a_caller():
    from labkit.rag.evaluate import doc_rankings, retrieval_scores

    qs = [_q("s1", "kb-a,kb-b", ["kb-a"], "single")]
    for call in (
        lambda: doc_rankings(_Ranked(), qs),
        lambda: retrieval_scores(_Ranked(), qs),
        lambda: retrieval_table({"fake": _Ranked()}, qs),
        lambda: retrieval_by_class({"fake": _Ranked()}, qs),
        lambda: retrieval_by_class({"fake": _Ranked()}, qs, caller="agent"),
    ):
        with pytest.raises(TypeError, match="who is asking"):
            call()
    assert doc_rankings(_Ranked(), qs, caller=AGENT) == {"s1": ["kb-a", "kb-b"]}
