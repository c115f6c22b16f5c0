"""Course-level evaluation: retrieval over the question set, and answer quality of generations.

Introduced in notebooks/02_retrieval.ipynb (retrieval) and notebooks/03_rag_generation.ipynb
(answers). Metrics are means over plain per-question records, so a learner can print the
records behind any number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..security.access import check_caller
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


def doc_rankings(
    retriever, questions: Sequence[dict], depth: int = 40, filters=None, *, caller=None
) -> dict:
    """{question id: [doc ids, best first]} from a chunk retriever (chunks deduplicated to docs),
    searching as ``caller`` (required: the course's evaluation over the whole help center is
    ``Caller("agent")``, who may read every article)."""
    check_caller(caller)
    hits = retriever.search_many(
        [q["question"] for q in questions], depth, filters=filters, caller=caller
    )
    return {q["id"]: dedupe_doc_ids([h["doc_id"] for h in hs]) for q, hs in zip(questions, hits)}


def retrieval_scores(
    retriever, questions: Sequence[dict], ks=(1, 3, 5, 10), depth: int = 40, *, caller=None
) -> dict:
    """Per-question retrieval metrics at document level (only questions with gold articles),
    retrieving as ``caller`` (required, see :func:`doc_rankings`)."""
    answerable = [q for q in questions if q["gold_ids"]]
    run = doc_rankings(retriever, answerable, depth, caller=caller)
    qrels = {q["id"]: {g: 1 for g in q["gold_ids"]} for q in answerable}
    return score_queries(run, qrels, ks=ks)


def retrieval_table(
    retrievers: Mapping[str, object], questions: Sequence[dict], ks=(1, 3, 5, 10), *, caller=None
) -> dict:
    """{retriever name: {metric: mean}} over the answerable questions; metric keys as in
    :func:`labkit.rag.metrics.score_queries` (recall@k, mrr@10, ndcg@10), rounded to 4 places.
    ``caller``: who is asking (required, see :func:`doc_rankings`)."""
    table = {}
    for name, r in retrievers.items():
        per_q = retrieval_scores(r, questions, ks, caller=caller)
        keys = next(iter(per_q.values())).keys()
        table[name] = {
            m: round(sum(row[m] for row in per_q.values()) / len(per_q), 4) for m in keys
        }
    return table


def score_answers(questions: Sequence[dict], results: Sequence[dict]) -> list[dict]:
    """One record per question: was the answer right, cited right, refused?

    - correct: every ``must_contain`` string is in the answer (answerable questions only).
    - refused: the model said it does not know, or the refusal gate skipped it.
    - cited: the answer cites at least one source; cited_correct: the answer is correct **and**
      every ``must_contain`` string is in a chunk it cites (the citation points at real support
      for a right answer; a wrong answer citing the right chunk is not a correct citation).
    """
    rows = []
    for q, r in zip(questions, results, strict=True):
        answerable = bool(q["gold_ids"])
        refused = bool(r.get("gated")) or is_refusal(r["text"])
        cited_chunks = r.get("cited_chunks") or []
        correct = answerable and not refused and answer_contains(r["text"], q["must_contain"])
        rows.append(
            {
                "id": q["id"],
                "type": q["type"],
                "answerable": answerable,
                "correct": correct,
                "refused": refused,
                "cited": bool(cited_chunks),
                "cited_correct": correct
                and bool(cited_chunks)
                and all(
                    any(answer_contains(c["text"], m) for c in cited_chunks)
                    for m in q["must_contain"]
                ),
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

    answer_accuracy, citation_accuracy (right answer *and* cited support, so never above
    answer_accuracy), false_refusal: over answerable questions;
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


# --- intervals and paired tests for retrieval (notebooks 01 and 02) ---------------------------

__all__ += ["metric_interval", "retrieval_by_class", "compare_retrievers"]


def metric_interval(values: Sequence[float], n_boot: int = 2000, seed: int = 0) -> dict:
    """Mean of per-question values with a 95% interval, and which interval it is.

    Every value 0 or 1 (recall@k with one gold article: a hit rate) -> Wilson interval on
    hits/n, ``ci="wilson"``. Otherwise (MRR, nDCG, recall@k counting half of a two-article
    question) -> percentile bootstrap of the mean over questions, ``ci="bootstrap"``.
    Returns {mean, lo, hi, n, hits (None for bootstrap), ci}, with lo <= mean <= hi exactly (so
    error bars are never negative); NaNs when there are no values.
    """
    import numpy as np

    from ..stats import wilson_interval

    v = np.asarray(list(values), dtype=float)  # (n,)
    n = len(v)
    if n == 0:
        nan = float("nan")
        return {"mean": nan, "lo": nan, "hi": nan, "n": 0, "hits": None, "ci": "none"}
    if np.isin(v, (0.0, 1.0)).all():
        hits = int(v.sum())
        lo, hi = wilson_interval(hits, n)
        lo, hi = min(lo, hits / n), max(hi, hits / n)  # float rounding at 0/n and n/n
        return {"mean": hits / n, "lo": lo, "hi": hi, "n": n, "hits": hits, "ci": "wilson"}
    idx = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))  # (n_boot, n)
    lo, hi = np.quantile(v[idx].mean(axis=1), [0.025, 0.975])
    mean = float(v.mean())
    return {
        "mean": mean,
        "lo": min(float(lo), mean),
        "hi": max(float(hi), mean),
        "n": n,
        "hits": None,
        "ci": "bootstrap",
    }


def retrieval_by_class(
    retrievers: Mapping[str, object],
    questions: Sequence[dict],
    ks=(1, 5, 10),
    metrics: Sequence[str] | None = None,
    depth: int = 40,
    n_boot: int = 2000,
    seed: int = 0,
    *,
    caller=None,
) -> list[dict]:
    """Every retrieval metric per question class (``q["type"]``) and over "all", with intervals.

    Only answerable questions count (no metric is defined without a gold article). One row per
    (retriever, class, metric): {retriever, class, metric, mean, lo, hi, n, hits, ci, text}, with
    ``text`` e.g. "0.931 [0.881, 0.962]"; intervals as in :func:`metric_interval`.
    ``metrics`` defaults to recall@k for each k, mrr@10 and ndcg@10. ``caller``: who is asking
    (required, see :func:`doc_rankings`).
    """
    check_caller(caller)
    answerable = [q for q in questions if q["gold_ids"]]
    if not answerable:
        raise ValueError("no answerable questions: nothing to score")
    metrics = list(metrics or [f"recall@{k}" for k in ks] + ["mrr@10", "ndcg@10"])
    classes = {"all": answerable}
    for q in answerable:
        classes.setdefault(q["type"], []).append(q)
    rows = []
    for name, r in retrievers.items():
        per_q = retrieval_scores(r, answerable, ks=ks, depth=depth, caller=caller)
        for cls, qs in classes.items():
            for m in metrics:
                iv = metric_interval([per_q[q["id"]][m] for q in qs], n_boot=n_boot, seed=seed)
                text = f"{iv['mean']:.3f} [{iv['lo']:.3f}, {iv['hi']:.3f}]"
                rows.append({"retriever": name, "class": cls, "metric": m, **iv, "text": text})
    return rows


def compare_retrievers(
    candidate: Mapping[str, dict],
    baseline: Mapping[str, dict],
    hit_metric: str = "recall@5",
    mean_metric: str = "ndcg@10",
    n_boot: int = 2000,
    seed: int = 0,
) -> dict:
    """Paired tests of two retrievers on the same questions (per-question rows of
    :func:`retrieval_scores`, keyed by question id).

    - ``hit_metric``: exact McNemar on hits, a hit being the metric equal to 1 (every gold
      article in the top k); b = candidate hits where the baseline misses, c = the reverse.
    - ``mean_metric``: paired bootstrap of the mean difference (candidate - baseline).
    ``verdict_*`` is "better"/"worse" only when p < 0.05, else "not significant": the words the
    prose may use. Returns plain numbers, p-values included.
    """
    from ..stats import bootstrap_difference, compare_paired

    if set(candidate) != set(baseline) or not candidate:
        raise ValueError("need per-question scores for the same, non-empty set of questions")
    qids = sorted(candidate)
    m = compare_paired(
        [candidate[q][hit_metric] == 1.0 for q in qids],
        [baseline[q][hit_metric] == 1.0 for q in qids],
    )
    bs = bootstrap_difference(
        lambda xs: sum(xs) / len(xs),
        [candidate[q][mean_metric] for q in qids],
        [baseline[q][mean_metric] for q in qids],
        n_boot=n_boot,
        seed=seed,
    )
    if bs["p_value"] < 0.05:
        verdict_mean = "better" if bs["difference"] > 0 else "worse"
    else:
        verdict_mean = "not significant"
    return {
        "n": len(qids),
        "hit_metric": hit_metric,
        "b": m["b"],
        "c": m["c"],
        "p_mcnemar": m["p_value"],
        "verdict_hits": m["verdict"],
        "mean_metric": mean_metric,
        "mean_diff": bs["difference"],
        "ci_low": bs["ci_low"],
        "ci_high": bs["ci_high"],
        "p_bootstrap": bs["p_value"],
        "verdict_mean": verdict_mean,
    }
