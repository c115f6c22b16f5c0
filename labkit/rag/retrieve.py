"""Three retrievers with one interface: BM25 (sparse), dense (FAISS), and hybrid (RRF).

Every retriever has ``search(query, k, filters=None, *, caller) -> list[dict]`` and
``search_many(queries, k, filters=None, *, caller) -> list[list[dict]]``. A hit is a copy of the
chunk dict (``chunk_id``, ``doc_id``, ``text``, ``title``, ``category``, ...) plus ``"access"``
(its level; "public" when the chunk has none), ``"score"`` (higher is better; its scale depends
on the retriever) and ``"rank"`` (1 = best).

Who is asking: ``caller`` (a :class:`labkit.security.access.Caller`) is required and
keyword-only; without one every retriever raises TypeError ("pass caller=Caller('public')").
The retriever keeps only chunks the caller may read (:func:`labkit.security.access.permitted`:
a chunk without an ``access`` field counts as public) *before* the top k is taken, intersected
with any ``filters``, so it returns ``k`` permitted hits whenever ``k`` permitted chunks pass the
filters: BM25 masks its scores, dense search is exact over the eligible rows, hybrid fuses two
such lists. Nothing is post-filtered after the top k.

Metadata filters, e.g. ``{"category": "billing-refunds", "access": {"public", "customer"}}``:
each key names a chunk field, each value is one allowed value or a set/list/tuple of them; a
chunk passes when every key matches (a chunk without the field fails).

- ``filters=None`` means no filter. ``filters={}`` is refused (ValueError): an access filter
  built from data that came out empty would otherwise silently show every chunk, internal
  ones included; say ``None`` when you mean "no filter".
- A filter key that no chunk has (a misspelling, ``"acess"``) passes no chunk: a warning names
  the key and the fields that exist.
- BM25 scores every chunk anyway, so its filter (and the caller's levels) is exact:
  disallowed chunks are removed before the top-k is taken.
- Dense search with a filter (or a caller who may not read everything) is exact over the eligible chunks: it scores them with NumPy from
  the index's stored ``vectors`` (one (q, d) x (d, m) product for m eligible chunks), so it
  returns ``k`` hits whenever ``k`` chunks pass the filter, even with an IVF/HNSW index. An
  index without ``vectors`` is searched ``k * overfetch`` deep, widened 4x until ``k`` hits
  pass or the whole index was searched.
- Hybrid passes the filter and the caller to both retrievers, then fuses.
- When the caller may read every chunk and there is no filter, dense search asks the index as
  built (IVF/HNSW stay approximate); an IVF probe that returns fewer than ``k`` falls back to
  the exact search.

Queries: an empty or blank query is refused (ValueError) by every retriever; the dense one
warns when queries are longer than the embedder's window (256 word pieces for MiniLM), which
embeds only their opening.

Introduced in notebooks/02_retrieval_eval.ipynb.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Protocol

import numpy as np

from ..security.access import Caller, check_caller

# BM25Config, BM25Retriever and matches_filters are re-exported: notebooks import every
# retriever from ``retrieve``
from .bm25 import BM25Config, BM25Retriever
from .embed import embed_texts
from .filters import (
    _check_queries,
    _eligible,
    _hit,
    _normalise_filters,
    _SearchMixin,
    _warn_unknown_keys,
    matches_filters,
)

__all__ = [
    "BM25Config",
    "BM25Retriever",
    "DenseRetriever",
    "HybridRetriever",
    "VectorSearch",
    "matches_filters",
    "rrf_fuse",
]


# ----------------------------------------------------------------------------- dense


class VectorSearch(Protocol):
    """What :class:`DenseRetriever` needs from an index (``labkit.rag.index.VectorIndex`` fits).

    search: (q, d) float32 unit vectors, k -> (scores (q, k), positions (q, k)); position -1
        means "no neighbour" (FAISS pads with -1 when the index holds fewer than k vectors).
    chunks: chunk dicts, ``chunks[position]`` is the chunk stored at that position.
    """

    chunks: Sequence[Mapping]

    def search(self, query_vecs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...


class DenseRetriever(_SearchMixin):
    """Embed queries with ``embedder`` and look them up in ``index`` (inner product = cosine).

    overfetch: only for an index without stored ``vectors``: a filtered search first asks for
        ``k * overfetch`` neighbours, then widens 4x at a time until ``k`` pass the filter.
    """

    def __init__(self, index: VectorSearch, embedder, overfetch: int = 4, batch_size: int = 64):
        if overfetch < 1:
            raise ValueError(f"overfetch must be >= 1, got {overfetch}")
        self.index = index
        self.embedder = embedder
        self.overfetch = overfetch
        self.batch_size = batch_size
        self._fields: dict = {}  # cache for the unknown-filter-key warning

    def embed_queries(self, queries: Sequence[str]) -> np.ndarray:
        """(q, d) float32 unit vectors, one forward pass per ``batch_size`` queries.

        Warns (once per call, with the count) when queries exceed the embedder's window: the
        model embeds only their first ``max_seq_length`` word pieces.
        """
        queries = list(queries)
        _warn_truncated(self.embedder, queries)
        return embed_texts(self.embedder, queries, batch_size=self.batch_size, show_progress=False)

    def search_vectors(
        self,
        query_vecs: np.ndarray,
        k: int = 5,
        filters: Mapping | None = None,
        *,
        caller: Caller | None = None,
    ) -> list[list[dict]]:
        """Like :meth:`search_many` for already-embedded queries (q, d).

        When ``caller`` may read every chunk and there is no filter, the index answers as built
        (flat: exact; IVF/HNSW: approximate); otherwise the search is exact over the eligible
        rows (or widening, for an index without stored vectors)."""
        check_caller(caller)
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        norm = _normalise_filters(filters)
        _warn_unknown_keys(norm, self.index.chunks, self._fields)
        query_vecs = np.ascontiguousarray(np.atleast_2d(query_vecs), np.float32)
        mask = _eligible(self.index.chunks, norm, caller)
        n = len(self.index.chunks)
        vectors = getattr(self.index, "vectors", None)
        exact_ok = vectors is not None and len(vectors) == n
        if mask.all():
            out = self._hits(*self.index.search(query_vecs, min(n, k)), None, k)
            if not exact_ok or all(len(h) == min(n, k) for h in out):
                return out  # an IVF probe that found < k falls through to the exact search
        eligible = np.flatnonzero(mask)
        if exact_ok:
            return self._exact(query_vecs, np.asarray(vectors), eligible, k)
        return self._widening(query_vecs, mask, len(eligible), k)

    def _hits(self, scores, positions, mask: np.ndarray | None, k: int) -> list[list[dict]]:
        out = []
        for row_s, row_p in zip(scores, positions, strict=True):
            hits = []
            for s, p in zip(row_s, row_p, strict=True):
                if p < 0:
                    continue
                chunk = self.index.chunks[int(p)]
                if mask is None or mask[int(p)]:
                    hits.append(_hit(chunk, s, len(hits) + 1))
                    if len(hits) == k:
                        break
            out.append(hits)
        return out

    def _exact(self, q: np.ndarray, vectors: np.ndarray, eligible: np.ndarray, k: int):
        """Brute-force inner product over the eligible rows: q (nq, d) @ (d, m) -> (nq, m)."""
        if len(eligible) == 0:
            return [[] for _ in q]
        scores = q @ vectors[eligible].T  # (nq, m) float32
        top = min(k, len(eligible))
        out = []
        for row in scores:
            cand = np.argpartition(-row, top - 1)[:top] if top < len(row) else np.arange(len(row))
            cand = cand[np.lexsort((eligible[cand], -row[cand]))]  # score desc, position asc
            out.append(
                [
                    _hit(self.index.chunks[int(eligible[j])], row[j], r)
                    for r, j in enumerate(cand, start=1)
                ]
            )
        return out

    def _widening(self, q: np.ndarray, mask: np.ndarray, n_eligible: int, k: int):
        """Ask the index ever deeper (x4) until every query has ``min(k, n_eligible)`` hits."""
        n = len(self.index.chunks)
        want = min(k, n_eligible)
        fetch = min(n, k * self.overfetch)
        while True:
            out = self._hits(*self.index.search(q, fetch), mask, k)
            if fetch >= n or all(len(h) >= want for h in out):
                return out
            fetch = min(n, fetch * 4)

    def search_many(
        self,
        queries: Sequence[str],
        k: int = 5,
        filters: Mapping | None = None,
        *,
        caller: Caller | None = None,
    ) -> list[list[dict]]:
        """Top ``k`` per query among the chunks ``caller`` may read; all queries are embedded in
        one call. Exact over the eligible chunks, so ``k`` hits whenever ``k`` chunks are
        eligible (see the module notes)."""
        check_caller(caller)
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        queries = _check_queries(queries)
        if not queries:
            return []
        _normalise_filters(filters)  # a bad filter fails before the embedding work
        return self.search_vectors(self.embed_queries(queries), k, filters=filters, caller=caller)


def _warn_truncated(embedder, queries: list[str]) -> int:
    """Count queries longer than the embedder's window (word pieces incl. [CLS]/[SEP]); warn
    once with the count. Returns the count (0 when the embedder has no tokenizer or limit)."""
    tok = getattr(embedder, "tokenizer", None)
    limit = getattr(embedder, "max_seq_length", None)
    if tok is None or not limit or not queries:
        return 0
    ids = tok(queries, add_special_tokens=True, truncation=False, verbose=False)["input_ids"]
    n = sum(len(x) > limit for x in ids)
    if n:
        warnings.warn(
            f"{n} of {len(queries)} queries are longer than the embedder's window of {limit} "
            f"word pieces: only their first {limit} are embedded, the rest does not affect "
            "retrieval. Shorten them, or split each into several queries.",
            stacklevel=4,
        )
    return n


# ----------------------------------------------------------------------------- hybrid


def rrf_fuse(
    rankings: Sequence[Sequence[Hashable]],
    k_rrf: float = 60,
    weights: Sequence[float] | None = None,
) -> list[tuple[Hashable, float]]:
    """Reciprocal rank fusion: score(id) = sum_i weights[i] / (k_rrf + rank_i(id)), rank from 1.

    An id absent from a ranking gets nothing from it. Returns [(id, score)] best first; ties
    keep the order in which ids were first seen (ranking 0 first).

    >>> rrf_fuse([["a", "b"], ["b", "c"]], k_rrf=1)   # b: 1/3 + 1/2, a: 1/2, c: 1/3
    [('b', 0.8333333333333333), ('a', 0.5), ('c', 0.3333333333333333)]
    """
    if k_rrf < 0:
        raise ValueError(f"k_rrf must be >= 0, got {k_rrf}")
    weights = [1.0] * len(rankings) if weights is None else list(weights)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(weights)} weights for {len(rankings)} rankings")
    fused: dict[Hashable, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + w / (k_rrf + rank)
    return sorted(fused.items(), key=lambda kv: -kv[1])  # stable sort: first-seen order on ties


class HybridRetriever(_SearchMixin):
    """Dense + BM25 fused with reciprocal rank fusion.

    depth: how many hits each retriever contributes before fusion (>= k).
    k_rrf: the RRF constant; larger flattens the difference between ranks (60 is the usual).
    weights: (dense, sparse) multipliers of each RRF term; (1, 1) is plain RRF.
    Hits carry ``"dense_rank"`` / ``"sparse_rank"`` (None when that retriever missed the chunk)
    and ``"dense_score"`` (the dense retriever's cosine, or None): RRF scores depend on ranks
    only, so monitoring and refusal gates that compare queries read the cosine.
    """

    def __init__(
        self,
        dense,
        sparse,
        k_rrf: float = 60,
        depth: int = 50,
        weights: tuple[float, float] = (1.0, 1.0),
    ):
        if depth < 1:
            raise ValueError(f"depth must be >= 1, got {depth}")
        if len(weights) != 2 or min(weights) < 0:
            raise ValueError(f"weights must be two non-negative numbers, got {weights}")
        self.dense, self.sparse = dense, sparse
        self.k_rrf, self.depth, self.weights = k_rrf, depth, tuple(weights)

    def fuse(self, dense_hits: list[dict], sparse_hits: list[dict], k: int) -> list[dict]:
        """Fuse two hit lists for one query (keyed by ``chunk_id``) -> top ``k`` hits."""
        by_id = {h["chunk_id"]: h for h in sparse_hits} | {h["chunk_id"]: h for h in dense_hits}
        d_rank = {h["chunk_id"]: h["rank"] for h in dense_hits}
        s_rank = {h["chunk_id"]: h["rank"] for h in sparse_hits}
        d_score = {h["chunk_id"]: h["score"] for h in dense_hits}
        fused = rrf_fuse(
            [[h["chunk_id"] for h in dense_hits], [h["chunk_id"] for h in sparse_hits]],
            k_rrf=self.k_rrf,
            weights=self.weights,
        )
        out = []
        for rank, (cid, score) in enumerate(fused[:k], start=1):
            hit = {key: v for key, v in by_id[cid].items() if key not in ("score", "rank")}
            hit |= {"score": score, "rank": rank}
            hit |= {"dense_rank": d_rank.get(cid), "sparse_rank": s_rank.get(cid)}
            hit["dense_score"] = d_score.get(cid)
            out.append(hit)
        return out

    def search_many(
        self,
        queries: Sequence[str],
        k: int = 5,
        filters: Mapping | None = None,
        *,
        caller: Caller | None = None,
    ) -> list[list[dict]]:
        """Top ``k`` fused hits per query (each retriever fetches ``max(depth, k)``), both
        retrievers restricted to what ``caller`` may read."""
        check_caller(caller)
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        queries = _check_queries(queries)
        depth = max(self.depth, k)
        dense = self.dense.search_many(queries, depth, filters=filters, caller=caller)
        sparse = self.sparse.search_many(queries, depth, filters=filters, caller=caller)
        return [self.fuse(d, s, k) for d, s in zip(dense, sparse, strict=True)]
