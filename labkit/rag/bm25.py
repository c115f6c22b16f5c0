"""Sparse retrieval: BM25 over chunk text with the bm25s library.

Introduced in notebooks/02_retrieval.ipynb (BM25 against dense retrieval, then fused in
:class:`labkit.rag.retrieve.HybridRetriever`, which re-exports these names). Split out of
``retrieve`` (issue 12 §4).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..security.access import Caller, check_caller
from .filters import (
    _check_queries,
    _eligible,
    _hit,
    _normalise_filters,
    _SearchMixin,
    _warn_unknown_keys,
)

__all__ = ["BM25Config", "BM25Retriever"]


@dataclass
class BM25Config:
    """BM25 settings (bm25s library).

    k1, b: term-frequency saturation and length normalisation (bm25s defaults 1.5/0.75; on
        SciFact, Anserini's 0.9/0.4 differs by < 0.01 nDCG@10, see bench/README.md).
    method: bm25s scoring variant ("lucene", "robertson", "atire", "bm25l", "bm25+").
    stopwords: "english" (bm25s's list) or None.
    stemmer: "english" (Snowball via PyStemmer) or None. Falls back to None, with a warning,
        when PyStemmer is not installed.
    fields: chunk fields joined with a space to form the indexed text.
    """

    k1: float = 1.5
    b: float = 0.75
    method: str = "lucene"
    stopwords: str | None = "english"
    stemmer: str | None = "english"
    fields: tuple[str, ...] = ("title", "text")

    def __post_init__(self):
        if self.k1 < 0:
            raise ValueError(f"k1 must be >= 0, got {self.k1}")
        if not 0 <= self.b <= 1:
            raise ValueError(f"b must be in [0, 1], got {self.b}")
        if self.method not in ("lucene", "robertson", "atire", "bm25l", "bm25+"):
            raise ValueError(f"unknown BM25 method {self.method!r}")
        if not self.fields:
            raise ValueError("fields must name at least one chunk field")
        self.fields = tuple(self.fields)


def _load_stemmer(lang: str | None):
    if lang is None:
        return None
    try:
        import Stemmer  # PyStemmer
    except ImportError:
        warnings.warn(
            "PyStemmer is not installed: BM25 runs without stemming (pip install PyStemmer)",
            stacklevel=3,
        )
        return None
    return Stemmer.Stemmer(lang)


class BM25Retriever(_SearchMixin):
    """Keyword retrieval over chunk dicts with bm25s.

    >>> bm25 = BM25Retriever(chunks)                                 # doctest: +SKIP
    >>> bm25.search("refund after 30 days", k=5, caller=Caller("public"))  # doctest: +SKIP
    """

    def __init__(self, chunks: Sequence[Mapping], cfg: BM25Config | None = None):
        import bm25s

        if not chunks:
            raise ValueError("BM25Retriever needs at least one chunk")
        self.cfg = cfg or BM25Config()
        self.chunks = list(chunks)
        self._stemmer = _load_stemmer(self.cfg.stemmer)
        texts = [
            " ".join(str(c.get(f) or "") for f in self.cfg.fields).strip() for c in self.chunks
        ]
        self._bm25 = bm25s.BM25(k1=self.cfg.k1, b=self.cfg.b, method=self.cfg.method)
        self._bm25.index(self.tokenize(texts), show_progress=False)
        self._fields: dict = {}  # cache for the unknown-filter-key warning

    @property
    def stemmed(self) -> bool:
        """Whether a stemmer is in use (False when PyStemmer was missing)."""
        return self._stemmer is not None

    def tokenize(self, texts: Sequence[str]) -> list[list[str]]:
        """Lower-case, split on ``\\w\\w+``, drop stopwords, stem: one token list per text."""
        import bm25s

        return bm25s.tokenize(
            list(texts),
            stopwords=self.cfg.stopwords or [],
            stemmer=self._stemmer,
            return_ids=False,
            show_progress=False,
        )

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for ``query``: float32 (n_chunks,), 0 = no shared term."""
        tokens = self.tokenize([query])[0]
        tokens = [t for t in tokens if t in self._bm25.vocab_dict]
        if not tokens:
            return np.zeros(len(self.chunks), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def search_many(
        self,
        queries: Sequence[str],
        k: int = 5,
        filters: Mapping | None = None,
        *,
        caller: Caller | None = None,
    ) -> list[list[dict]]:
        """Top ``k`` per query among the chunks ``caller`` may read that pass ``filters``;
        chunks sharing no term with the query (score 0) are never returned."""
        check_caller(caller)
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        queries = _check_queries(queries)
        mask = _eligible(self.chunks, _normalise_filters(filters), caller)
        _warn_unknown_keys(filters, self.chunks, self._fields)
        out = []
        for query in queries:
            s = np.where(mask, self.scores(query), 0.0)  # ineligible chunks never compete
            cand = np.flatnonzero(s > 0)
            if len(cand) > k:
                cand = cand[np.argpartition(-s[cand], k - 1)[:k]]
            cand = cand[np.lexsort((cand, -s[cand]))]  # score desc, position asc on ties
            out.append([_hit(self.chunks[i], s[i], r) for r, i in enumerate(cand, start=1)])
        return out
