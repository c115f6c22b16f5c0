"""Course-level evaluation: retrieval over the question set, and answer quality of generations.

Introduced in notebooks/02_retrieval.ipynb (retrieval) and notebooks/03_rag_generation.ipynb
(answers). Metrics are means over plain per-question records, so a learner can print the
records behind any number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .generate import answer_contains, is_refusal
from .metrics import dedupe_doc_ids, score_queries

__all__ = [
    "doc_rankings",
    "retrieval_scores",
    "retrieval_table",
    "score_answers",
    "answer_metrics",
    "calibrate_gate",
]


def doc_rankings(retriever, questions: Sequence[dict], depth: int = 40, filters=None) -> dict:
    """{question id: [doc ids, best first]} from a chunk retriever (chunks deduplicated to docs)."""
    hits = retriever.search_many([q["question"] for q in questions], depth, filters=filters)
    return {q["id"]: dedupe_doc_ids([h["doc_id"] for h in hs]) for q, hs in zip(questions, hits)}


def retrieval_scores(
    retriever, questions: Sequence[dict], ks=(1, 3, 5, 10), depth: int = 40
) -> dict:
    """Per-question retrieval metrics at document level (only questions with gold articles)."""
    answerable = [q for q in questions if q["gold_ids"]]
    run = doc_rankings(retriever, answerable, depth)
    qrels = {q["id"]: {g: 1 for g in q["gold_ids"]} for q in answerable}
    return score_queries(run, qrels, ks=ks)


def retrieval_table(
    retrievers: Mapping[str, object], questions: Sequence[dict], ks=(1, 3, 5, 10)
) -> dict:
    """{retriever name: {metric: mean}} over the answerable questions; metric keys as in
    :func:`labkit.metrics.score_queries` (recall@k, mrr@10, ndcg@10), rounded to 4 places."""
    table = {}
    for name, r in retrievers.items():
        per_q = retrieval_scores(r, questions, ks)
        keys = next(iter(per_q.values())).keys()
        table[name] = {
            m: round(sum(row[m] for row in per_q.values()) / len(per_q), 4) for m in keys
        }
    return table


def score_answers(questions: Sequence[dict], results: Sequence[dict]) -> list[dict]:
    """One record per question: was the answer right, cited right, refused?

    - correct: every ``must_contain`` string is in the answer (answerable questions only).
    - refused: the model said it does not know, or the refusal gate skipped it.
    - cited: the answer cites at least one source; cited_correct: some cited chunk contains
      every ``must_contain`` string (the citation points at real support).
    """
    rows = []
    for q, r in zip(questions, results, strict=True):
        answerable = bool(q["gold_ids"])
        refused = bool(r.get("gated")) or is_refusal(r["text"])
        cited_chunks = r.get("cited_chunks") or []
        rows.append(
            {
                "id": q["id"],
                "type": q["type"],
                "answerable": answerable,
                "correct": answerable
                and not refused
                and answer_contains(r["text"], q["must_contain"]),
                "refused": refused,
                "cited": bool(cited_chunks),
                "cited_correct": answerable
                and any(answer_contains(c["text"], q["must_contain"]) for c in cited_chunks),
                "retrieved_gold": answerable
                and any(c["doc_id"] in q["gold_ids"] for c in r.get("chunks") or []),
                "prompt_tokens": r.get("prompt_tokens", 0),
                "seconds": r.get("seconds", 0.0),
            }
        )
    return rows


def _mean(xs) -> float:
    xs = list(xs)
    return round(sum(xs) / len(xs), 4) if xs else float("nan")


def answer_metrics(questions: Sequence[dict], results: Sequence[dict]) -> dict:
    """Means of :func:`score_answers` records.

    answer_accuracy, citation_accuracy, false_refusal: over answerable questions;
    refusal_accuracy: over unanswerable questions (refused = right);
    prompt_tokens and seconds: per query, over all questions.
    """
    rows = score_answers(questions, results)
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]
    return {
        "answer_accuracy": _mean(r["correct"] for r in ans),
        "citation_accuracy": _mean(r["cited_correct"] for r in ans),
        "refusal_accuracy": _mean(r["refused"] for r in una),
        "false_refusal": _mean(r["refused"] for r in ans),
        "prompt_tokens": round(_mean(r["prompt_tokens"] for r in rows), 1),
        "seconds": _mean(r["seconds"] for r in rows),
    }


def calibrate_gate(answerable_scores, unanswerable_scores) -> dict:
    """Pick the refusal-gate threshold that maximises balanced accuracy on a labelled set.

    Candidates are the observed scores; a query is refused when its score < threshold.
    Returns {"threshold", "refusal_accuracy" (unanswerable refused), "false_refusal"
    (answerable refused), "balanced_accuracy"}. Calibrate on dev, report on test.
    """
    ans, una = sorted(answerable_scores), sorted(unanswerable_scores)
    best = None
    for t in sorted(set(ans) | set(una) | {min(ans + una) - 1e-6}):
        refused_una = sum(s < t for s in una) / len(una)
        refused_ans = sum(s < t for s in ans) / len(ans)
        bal = (refused_una + 1 - refused_ans) / 2
        if best is None or bal > best["balanced_accuracy"]:
            best = {
                "threshold": round(t, 4),
                "refusal_accuracy": round(refused_una, 4),
                "false_refusal": round(refused_ans, 4),
                "balanced_accuracy": round(bal, 4),
            }
    return best
