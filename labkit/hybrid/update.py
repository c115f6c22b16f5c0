"""Knowledge updates: apply a new help-center snapshot and check which answers went stale.

Introduced in notebooks/07_knowledge_updates.ipynb. The v2 snapshot changes facts (prices,
limits, retention periods; ``datasets/helpcenter/v2/changes.jsonl`` lists each with its old and
new value). Three ways to bring an assistant up to date, measured side by side:

- RAG / hybrid: re-index the changed articles (:func:`update_index`, seconds);
- a model fine-tuned on the v1 facts: nothing changes until it is retrained;
- retraining on the v2 facts (:func:`labkit.hybrid.course.facts_adapter`, minutes).

:func:`freshness` sorts each answer into ``fresh`` (states the v2 value), ``stale`` (still the
v1 value) or ``wrong`` (neither); :func:`freshness_rates` gives each share with its 95% Wilson
interval and denominator, and :func:`freshness_flags` the per-answer outcomes a paired test
(before vs after the update) compares.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence

from ..data import load_changes  # re-exported: the change list belongs with the data
from ..rag.generate import answer_contains
from ..stats import rate

__all__ = [
    "OUTCOMES",
    "load_changes",
    "update_index",
    "freshness",
    "freshness_counts",
    "freshness_flags",
    "freshness_rates",
]

OUTCOMES = ("fresh", "stale", "wrong")


def update_index(index, docs: list[dict], embedder) -> tuple[object, dict]:
    """A copy of ``index`` brought up to ``docs`` (the new snapshot): changed and new articles are
    re-embedded, unchanged ones skipped, articles missing from ``docs`` deleted. The original is
    untouched (compare before/after). Returns ``(new_index, stats)`` with ``added``, ``updated``,
    ``deleted``, ``unchanged``, ``chunks_embedded`` and ``seconds`` (all of it, deletes included).
    """
    t0 = time.perf_counter()
    new = index.copy()
    gone = sorted(set(new.doc_hashes) - {d["id"] for d in docs})
    removed = new.delete_docs(gone) if gone else 0
    stats = new.upsert_docs(docs, embedder)
    stats = dict(stats, deleted=len(gone), chunks_deleted=removed, seconds=time.perf_counter() - t0)
    return new, stats


def freshness(text: str, change: dict) -> str:
    """``fresh`` if ``text`` states the new value, ``stale`` if the old one, else ``wrong``.
    An answer stating both counts as ``wrong`` (it does not commit to the current value)."""
    new = answer_contains(text, change["new_must_contain"])
    old = answer_contains(text, change["old_must_contain"])
    if new and not old:
        return "fresh"
    if old and not new:
        return "stale"
    return "wrong"


def freshness_counts(texts: Sequence[str], changes: Sequence[dict]) -> dict[str, float]:
    """Share of answers per outcome (fresh / stale / wrong), over ``len(changes)`` answers."""
    if len(texts) != len(changes):
        raise ValueError(f"{len(texts)} answers but {len(changes)} changes")
    if not changes:
        raise ValueError("no changes to score")
    c = Counter(freshness(t, ch) for t, ch in zip(texts, changes, strict=True))
    return {o: c[o] / len(changes) for o in OUTCOMES}


def freshness_flags(texts: Sequence[str], changes: Sequence[dict]) -> dict[str, list[bool]]:
    """Per answer, whether it is fresh / stale / wrong: {outcome: [bool per answer]}, aligned
    with ``changes``, so two systems asked the same questions can be compared pairwise
    (``labkit.stats.compare_paired(after["fresh"], before["fresh"])``)."""
    if len(texts) != len(changes):
        raise ValueError(f"{len(texts)} answers but {len(changes)} changes")
    if not changes:
        raise ValueError("no changes to score")
    got = [freshness(t, ch) for t, ch in zip(texts, changes, strict=True)]
    return {o: [g == o for g in got] for o in OUTCOMES}


def freshness_rates(texts: Sequence[str], changes: Sequence[dict]) -> dict[str, dict]:
    """Each outcome's share as a :func:`labkit.stats.rate` dict (rate, 95% Wilson lo/hi, k, n;
    n = ``len(changes)``, "not measured" below ``labkit.stats.MIN_N`` answers)."""
    return {o: rate(flags) for o, flags in freshness_flags(texts, changes).items()}
