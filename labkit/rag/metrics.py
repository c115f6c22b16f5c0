"""Retrieval metrics: recall@k, MRR, nDCG@k, and a whole-run evaluator.

Conventions follow trec_eval / pytrec_eval as used by BEIR and MTEB, so numbers are comparable
with published tables:

- A document is relevant when its grade is > 0; grades <= 0 count as non-relevant.
- nDCG uses linear gain ``grade / log2(rank + 1)`` (rank starts at 1, the trec_eval ``ndcg_cut``
  default), and the ideal DCG sorts *all* judged relevant documents by grade, cut at k.
- A ranking is a list of ids, best first. Repeated ids are dropped after their first occurrence
  (a chunk ranking mapped to documents would otherwise count a document twice); see
  :func:`dedupe_doc_ids`.

Introduced in notebooks/02_retrieval_eval.ipynb.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence

__all__ = [
    "dedupe_doc_ids",
    "recall_at_k",
    "mrr",
    "ndcg_at_k",
    "score_queries",
    "evaluate_run",
]

Relevance = Mapping[Hashable, float] | set | frozenset


def dedupe_doc_ids(ranked_chunk_doc_ids: Iterable[Hashable]) -> list:
    """Chunk ranking -> document ranking: keep each doc id at its first (best) position.

    >>> dedupe_doc_ids(["d2", "d1", "d2", "d3", "d1"])
    ['d2', 'd1', 'd3']
    """
    seen: set = set()
    out = []
    for doc_id in ranked_chunk_doc_ids:
        if doc_id not in seen:
            seen.add(doc_id)
            out.append(doc_id)
    return out


def _grades(relevance: Relevance) -> dict:
    """{id: grade > 0}; a mapping gives grades, any other collection (set, list) means grade 1."""
    if isinstance(relevance, Mapping):
        return {d: float(g) for d, g in relevance.items() if g > 0}
    return dict.fromkeys(relevance, 1.0)


def _check_k(k: int | None) -> None:
    if k is not None and k < 1:
        raise ValueError(f"k must be >= 1, got {k}")


def recall_at_k(ranked_ids: Sequence[Hashable], relevant_ids: Relevance, k: int) -> float:
    """Fraction of the relevant ids found in the top ``k``; 0.0 when nothing is relevant."""
    _check_k(k)
    rel = _grades(relevant_ids)
    if not rel:
        return 0.0
    hits = sum(1 for d in dedupe_doc_ids(ranked_ids)[:k] if d in rel)
    return hits / len(rel)


def mrr(ranked_ids: Sequence[Hashable], relevant_ids: Relevance, k: int | None = None) -> float:
    """Reciprocal rank of the first relevant id within the top ``k`` (all when None), else 0."""
    _check_k(k)
    rel = _grades(relevant_ids)
    ranked = dedupe_doc_ids(ranked_ids)
    for rank, d in enumerate(ranked[:k] if k else ranked, start=1):
        if d in rel:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked_ids: Sequence[Hashable], relevance: Relevance, k: int) -> float:
    """nDCG@k with linear gains (binary when ``relevance`` is a set); 0.0 when nothing is relevant.

    >>> round(ndcg_at_k(["d3", "d1", "d2"], {"d1", "d2"}, 3), 4)   # (1/log2 3 + 1/2) / (1 + 1/log2 3)
    0.6934
    """
    _check_k(k)
    rel = _grades(relevance)
    if not rel:
        return 0.0
    dcg = sum(
        rel.get(d, 0.0) / math.log2(rank + 1)
        for rank, d in enumerate(dedupe_doc_ids(ranked_ids)[:k], start=1)
    )
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(rank + 1) for rank, g in enumerate(ideal, start=1))
    return dcg / idcg


def score_queries(
    run: Mapping[Hashable, Sequence[Hashable]],
    qrels: Mapping[Hashable, Mapping[Hashable, float]],
    ks: Sequence[int] = (1, 3, 5, 10),
    ndcg_k: int = 10,
    mrr_k: int = 10,
) -> dict:
    """Per-query metrics: {qid: {"recall@k": .., f"mrr@{mrr_k}": .., f"ndcg@{ndcg_k}": ..}}.

    Evaluated queries are those in ``qrels`` with at least one grade > 0; queries with no
    relevant document are skipped (no metric is defined for them), and run entries for qids
    not in ``qrels`` are ignored. A judged query missing from ``run`` scores 0 everywhere
    (pytrec_eval would silently drop it and report a higher mean).
    """
    out = {}
    for qid, judged in qrels.items():
        rel = _grades(judged)
        if not rel:
            continue
        ranked = dedupe_doc_ids(run.get(qid, []))
        row = {f"recall@{k}": recall_at_k(ranked, rel, k) for k in ks}
        row[f"mrr@{mrr_k}"] = mrr(ranked, rel, mrr_k)
        row[f"ndcg@{ndcg_k}"] = ndcg_at_k(ranked, rel, ndcg_k)
        out[qid] = row
    return out


def evaluate_run(
    run: Mapping[Hashable, Sequence[Hashable]],
    qrels: Mapping[Hashable, Mapping[Hashable, float]],
    ks: Sequence[int] = (1, 3, 5, 10),
    ndcg_k: int = 10,
    mrr_k: int = 10,
) -> dict:
    """Mean metrics over the evaluated queries, plus ``"n_queries"`` (how many were averaged).

    run: {qid: [doc ids, best first]} (use :func:`dedupe_doc_ids` on chunk-level results).
    qrels: {qid: {doc_id: grade}}. See :func:`score_queries` for which queries count.
    Returns e.g. {"recall@1": .., "recall@10": .., "mrr@10": .., "ndcg@10": .., "n_queries": 300}.
    """
    per_query = score_queries(run, qrels, ks=ks, ndcg_k=ndcg_k, mrr_k=mrr_k)
    keys = [f"recall@{k}" for k in ks] + [f"mrr@{mrr_k}", f"ndcg@{ndcg_k}"]
    n = len(per_query)
    means = {key: (sum(r[key] for r in per_query.values()) / n if n else 0.0) for key in keys}
    means["n_queries"] = n
    return means
