"""Metadata filters and caller permissions shared by every retriever: which chunks may be returned.

Introduced in notebooks/02_retrieval.ipynb (filters) and notebooks/08_security_and_governance
(callers). :mod:`labkit.rag.retrieve` and :mod:`labkit.rag.bm25` search only the chunks
:func:`_eligible` lets through. Split out of ``retrieve`` (issue 12 §4).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np

from ..security.access import Caller, check_caller, chunk_level, permitted_mask

__all__ = ["matches_filters"]


def _allowed(value) -> set:
    if isinstance(value, (set, frozenset, list, tuple)):
        return set(value)
    return {value}


def _normalise_filters(filters: Mapping | None) -> dict[str, set] | None:
    if filters is None:
        return None
    if not isinstance(filters, Mapping):
        raise TypeError(
            f"filters must be a dict (field -> allowed values) or None, got {filters!r}"
        )
    if not filters:
        raise ValueError(
            "filters={} filters nothing, so every chunk (internal ones included) could be "
            "returned; pass filters=None to search without a filter"
        )
    return {key: _allowed(value) for key, value in filters.items()}


def _warn_unknown_keys(filters: Mapping | None, chunks: Sequence[Mapping], cache: dict) -> None:
    """Warn about filter keys that no chunk has (such a filter passes nothing).

    ``cache`` keeps the set of fields per (id, len) of ``chunks``, so a loop of searches does
    not rescan the chunks each time.
    """
    if not filters:
        return
    key = (id(chunks), len(chunks))
    if cache.get("key") != key:
        cache["key"], cache["fields"] = key, set().union(*(c.keys() for c in chunks))
    fields = cache["fields"]
    for name in filters:
        if name not in fields:
            warnings.warn(
                f"filter key {name!r} is a field of no chunk, so no chunk passes this filter; "
                f"fields that exist: {sorted(fields)}",
                stacklevel=4,
            )


def _check_queries(queries: Sequence[str]) -> list[str]:
    """The queries as a list; refuses a single string and empty or blank queries."""
    if isinstance(queries, str):
        raise TypeError("search_many expects a list of queries, not one string: use search()")
    queries = list(queries)
    for i, q in enumerate(queries):
        if not isinstance(q, str):
            raise TypeError(f"query {i} must be a string, got {q!r}")
        if not q.strip():
            raise ValueError(
                f"query {i} is empty or blank ({q!r}): there is nothing to retrieve for it, "
                "and dense search would return arbitrary chunks; drop it or ask something"
            )
    return queries


def matches_filters(chunk: Mapping, filters: Mapping | None) -> bool:
    """True when ``chunk`` satisfies every filter (a value, or a set of allowed values)."""
    norm = _normalise_filters(filters)
    return norm is None or all(chunk.get(key) in ok for key, ok in norm.items())


def _hit(chunk: Mapping, score: float, rank: int) -> dict:
    return {**chunk, "access": chunk_level(chunk), "score": float(score), "rank": rank}


def _eligible(chunks: Sequence[Mapping], norm: dict | None, caller: Caller) -> np.ndarray:
    """bool (n_chunks,): chunks ``caller`` may read that also pass the filters ``norm``."""
    mask = permitted_mask(chunks, caller)
    if norm is not None:
        mask &= np.fromiter((matches_filters(c, norm) for c in chunks), bool, len(chunks))
    return mask


class _SearchMixin:
    def search(
        self,
        query: str,
        k: int = 5,
        filters: Mapping | None = None,
        *,
        caller: Caller | None = None,
    ) -> list[dict]:
        """Top ``k`` hits for one query that ``caller`` may read, best first (fewer when fewer
        chunks qualify). An empty or blank ``query`` raises ValueError; no caller, TypeError."""
        check_caller(caller)
        if not isinstance(query, str):
            raise TypeError(f"query must be a string, got {query!r}")
        return self.search_many([query], k, filters=filters, caller=caller)[0]
