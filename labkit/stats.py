"""Intervals and paired tests for every rate the course reports.

Introduced in notebooks/02_retrieval.ipynb and used by every notebook that compares numbers:
a rate is printed with its 95% Wilson interval and its true denominator (
33/160"), and a stated direction ("RAG beats closed-book") comes with a paired test: exact
McNemar for paired right/wrong (re-exported from :mod:`labkit.finetune.gate`) or a paired bootstrap for
means. A rate with fewer than ``MIN_N`` items behind it is reported as not measured.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .finetune.gate import mcnemar_exact, paired_bootstrap

__all__ = [
    "MIN_N",
    "wilson_interval",
    "rate",
    "format_rate",
    "compare_paired",
    "bootstrap_difference",
    "rate_table",
    "mcnemar_exact",
    "paired_bootstrap",
]

MIN_N = 10  # below this many items a rate is "not measured" (too few to say anything)


def wilson_interval(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for k successes out of n (95% for z=1.96); (nan, nan) when n=0.

    Unlike the normal approximation it stays inside [0, 1] and is not zero-width at 0/n or n/n.
    """
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # clamp: at k = 0 or k = n float rounding can put the bound a hair inside the rate itself
    return (max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half)))


def rate(k_or_flags, n: int | None = None, min_n: int = MIN_N) -> dict:
    """A rate with its interval: ``rate(33, 160)`` or ``rate([True, False, ...])``.

    Returns {rate, lo, hi, k, n, measured}; ``measured`` is False (and rate/lo/hi NaN) when
    n < ``min_n``, so a tone score over 3 valid outputs is never shown as 1.0.
    """
    if n is None:
        flags = [bool(x) for x in k_or_flags]
        k, n = sum(flags), len(flags)
    else:
        k = int(k_or_flags)
    measured = n >= min_n
    lo, hi = wilson_interval(k, n) if measured else (float("nan"), float("nan"))
    return {
        "rate": k / n if measured else float("nan"),
        "lo": lo,
        "hi": hi,
        "k": k,
        "n": n,
        "measured": measured,
    }


def format_rate(r: dict, digits: int = 3) -> str:
    """'0.206 [0.151, 0.275] (33/160)', or 'not measured (3/3 < 10)'."""
    if not r["measured"]:
        return f"not measured ({r['k']}/{r['n']}, n < {MIN_N})"
    return (
        f"{r['rate']:.{digits}f} [{r['lo']:.{digits}f}, {r['hi']:.{digits}f}] ({r['k']}/{r['n']})"
    )


def compare_paired(
    candidate: Sequence[bool], baseline: Sequence[bool], alpha: float = 0.05
) -> dict:
    """Exact McNemar on paired right/wrong plus the words the prose may use.

    Returns McNemar's fields and ``verdict``: "better" / "worse" when p < alpha, else
    "not significant" (the prose must then not claim a direction).
    """
    m = mcnemar_exact(candidate, baseline)
    if m["p_value"] < alpha:
        verdict = "better" if m["b"] > m["c"] else "worse"
    else:
        verdict = "not significant"
    return {**m, "verdict": verdict}


def bootstrap_difference(
    statistic, items_a: Sequence, items_b: Sequence, n_boot: int = 2000, seed: int = 0
) -> dict:
    """Paired bootstrap of ``statistic(items_a) - statistic(items_b)`` over aligned items.

    ``statistic`` maps a list of per-item records to a number (e.g. the four-way table's
    combined score of one system); items are resampled as pairs (the same indices for both
    systems), so per-item difficulty cancels. Returns the observed difference, a 95% percentile
    interval and a two-sided bootstrap p-value (twice the share of resampled differences on the
    other side of zero, capped at 1; resolution 1 / n_boot).
    """
    import numpy as np

    if len(items_a) != len(items_b) or not items_a:
        raise ValueError(f"need aligned, non-empty items: {len(items_a)} vs {len(items_b)}")
    rng = np.random.default_rng(seed)
    n = len(items_a)
    diffs = np.empty(n_boot)
    for i in range(n_boot):
        idx = rng.integers(0, n, size=n)
        diffs[i] = statistic([items_a[j] for j in idx]) - statistic([items_b[j] for j in idx])
    observed = statistic(list(items_a)) - statistic(list(items_b))
    below, above = float(np.mean(diffs <= 0)), float(np.mean(diffs >= 0))
    lo, hi = np.quantile(diffs, [0.025, 0.975])
    return {
        "difference": float(observed),
        "ci_low": float(lo),
        "ci_high": float(hi),
        "p_value": min(1.0, 2 * min(below, above)),
        "n": n,
        "n_boot": n_boot,
    }


def rate_table(
    rows: Sequence[dict], metrics: dict[str, tuple[str, object]], by: str | None = None
) -> dict:
    """Rates with intervals over plain per-item records, optionally per group.

    ``metrics``: {column name: (flag key, condition)}, where condition is a record key that
    must be truthy for the record to count in the denominator (None: every record), e.g.
    ``{"answer accuracy": ("correct", "answerable"), "refused": ("refused", None)}``.
    Returns {group: {column: :func:`rate` dict}} (group "all" when ``by`` is None), so a
    table shows every rate with its own denominator.
    """
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault("all" if by is None else r[by], []).append(r)
    out = {}
    for g, rs in groups.items():
        out[g] = {}
        for col, (flag, cond) in metrics.items():
            kept = [r for r in rs if cond is None or r[cond]]
            out[g][col] = rate(sum(bool(r[flag]) for r in kept), len(kept))
    return out
