"""Promotion gate: promote a candidate adapter only if it is honestly better and forgot little.

Introduced in notebooks/05_evaluating_a_finetune.ipynb (claims 9 and 10). The candidate and the
baseline (the registry's ``current`` adapter) are scored on the SAME held-out items, so the test
is paired: exact McNemar on per-item correctness (only the items where they disagree carry
information), or a paired bootstrap for non-binary scores. Forgetting is checked on general
text perplexity (relative increase) and a small general-QA set (absolute drop).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

__all__ = [
    "GateConfig",
    "ACCESS_ORDER",
    "access_check",
    "mcnemar_exact",
    "paired_bootstrap",
    "promotion_decision",
]

ACCESS_ORDER = ("public", "customer", "internal")  # labkit.data.ACCESS_LEVELS, lowest first


def _as_bools(xs, what: str) -> list[bool]:
    out = []
    for i, x in enumerate(xs):
        if isinstance(x, bool | np.bool_) or (isinstance(x, int | np.integer) and x in (0, 1)):
            out.append(bool(x))
        else:
            raise TypeError(f"{what}[{i}] must be True/False (or 0/1), got {x!r}")
    return out


def _check_aligned(a: Sequence, b: Sequence, what: str = "candidate and baseline") -> None:
    if len(a) != len(b):
        raise ValueError(
            f"items must be aligned: {what} have {len(a)} and {len(b)} results; "
            "score both on the same held-out items, in the same order"
        )
    if len(a) == 0:
        raise ValueError("no items to compare")


def mcnemar_exact(candidate_correct: Sequence[bool], baseline_correct: Sequence[bool]) -> dict:
    """Exact (binomial) McNemar test on paired per-item correctness; two-sided.

    b = items the candidate gets right and the baseline wrong, c = the reverse. Under "no
    difference" each disagreement is a fair coin, so p = two-sided binomial test of b out of
    b + c at 0.5 (p = 1.0 when b + c == 0: no disagreement, no evidence).
    """
    from scipy.stats import binomtest  # imported here: scipy.stats costs ~0.6 s to import

    cand = _as_bools(candidate_correct, "candidate_correct")
    base = _as_bools(baseline_correct, "baseline_correct")
    _check_aligned(cand, base)
    n = len(cand)
    b = sum(x and not y for x, y in zip(cand, base, strict=True))
    c = sum(y and not x for x, y in zip(cand, base, strict=True))
    both = sum(x and y for x, y in zip(cand, base, strict=True))
    p = (
        1.0
        if b + c == 0
        else min(1.0, float(binomtest(b, b + c, 0.5, alternative="two-sided").pvalue))
    )
    acc_c, acc_b = sum(cand) / n, sum(base) / n
    return {
        "n": n,
        "b": b,
        "c": c,
        "both_right": both,
        "both_wrong": n - b - c - both,
        "p_value": p,
        "candidate_acc": acc_c,
        "baseline_acc": acc_b,
        "delta": acc_c - acc_b,  # == (b - c) / n
    }


def paired_bootstrap(
    candidate_scores: Sequence[float],
    baseline_scores: Sequence[float],
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> dict:
    """Mean paired difference (candidate - baseline) with a percentile bootstrap CI.

    Items are resampled with replacement as pairs, so per-item difficulty cancels.
    Memory: n_boot x n int64 indices (2000 x 150 -> 2.4 MB).
    """
    cand = np.asarray(candidate_scores, dtype=float)
    base = np.asarray(baseline_scores, dtype=float)
    _check_aligned(cand, base)
    if not (np.isfinite(cand).all() and np.isfinite(base).all()):
        raise ValueError("scores must be finite numbers")
    if n_boot < 1 or not 0 < level < 1:
        raise ValueError(f"need n_boot >= 1 and 0 < level < 1, got {n_boot}, {level}")
    d = cand - base  # (n,)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(d), size=(n_boot, len(d)))  # (n_boot, n)
    means = d[idx].mean(axis=1)  # (n_boot,)
    lo, hi = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return {
        "n": len(d),
        "mean_diff": float(d.mean()),
        "ci_low": float(lo),
        "ci_high": float(hi),
        "level": level,
        "n_boot": n_boot,
        "seed": seed,
    }


@dataclass
class GateConfig:
    """Thresholds of the promotion gate.

    alpha: significance level of the two-sided exact McNemar test.
    min_improvement: accuracy difference (candidate - baseline, 0..1) the candidate must exceed.
    max_perplexity_increase: allowed RELATIVE rise of general-text perplexity (0.10 = +10 %).
    max_general_qa_drop: allowed ABSOLUTE fall of general-QA accuracy (0.05 = 5 points).
    serve_access: access level of the users the adapter will serve ("public", "customer",
        "internal"), or None to skip the check. The gate refuses an adapter whose training data
        (``data_access``) is above it; "unknown" data is refused unless serving "internal"
        (notebook 08, issue 13 §5: weights can leak what they were trained on).
    """

    alpha: float = 0.05
    min_improvement: float = 0.0
    max_perplexity_increase: float = 0.10
    max_general_qa_drop: float = 0.05
    serve_access: str | None = None

    def __post_init__(self):
        if self.serve_access is not None and self.serve_access not in ACCESS_ORDER:
            raise ValueError(
                f"serve_access must be None or one of {list(ACCESS_ORDER)}, got {self.serve_access!r}"
            )
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be in (0, 1), got {self.alpha}")
        if not 0 <= self.min_improvement < 1:
            raise ValueError(f"min_improvement must be in [0, 1), got {self.min_improvement}")
        if not self.max_perplexity_increase >= 0:
            raise ValueError(
                f"max_perplexity_increase must be >= 0, got {self.max_perplexity_increase}"
            )
        if not 0 <= self.max_general_qa_drop <= 1:
            raise ValueError(
                f"max_general_qa_drop must be in [0, 1], got {self.max_general_qa_drop}"
            )

    def as_dict(self) -> dict:
        """Plain dict; ``serve_access`` only when set, so records made before it existed match."""
        d = asdict(self)
        if d["serve_access"] is None:
            del d["serve_access"]
        return d


def _number(d: dict, key: str, who: str, lo: float, hi: float) -> float:
    if key not in d:
        raise ValueError(f"{who} needs {key!r}")
    v = d[key]
    if (
        isinstance(v, bool)
        or not isinstance(v, int | float | np.floating | np.integer)
        or not math.isfinite(v)
    ):
        raise TypeError(f"{who}[{key!r}] must be a finite number, got {v!r}")
    if not lo <= v <= hi:
        raise ValueError(f"{who}[{key!r}] = {v} is outside [{lo}, {hi}]")
    return float(v)


def _forgetting(cand: dict, ref: dict, ref_name: str, cfg: GateConfig) -> dict:
    ppl_c = _number(cand, "perplexity", "candidate", 1e-12, math.inf)
    ppl_r = _number(ref, "perplexity", ref_name, 1e-12, math.inf)
    qa_c = _number(cand, "general_qa", "candidate", 0.0, 1.0)
    qa_r = _number(ref, "general_qa", ref_name, 0.0, 1.0)
    rise = (ppl_c - ppl_r) / ppl_r
    drop = qa_r - qa_c
    return {
        "reference": ref_name,
        "perplexity": {
            "candidate": ppl_c,
            "reference": ppl_r,
            "relative_increase": rise,
            "max": cfg.max_perplexity_increase,
            "ok": rise <= cfg.max_perplexity_increase,
        },
        "general_qa": {
            "candidate": qa_c,
            "reference": qa_r,
            "drop": drop,
            "max": cfg.max_general_qa_drop,
            "ok": drop <= cfg.max_general_qa_drop,
        },
    }


def access_check(data_access: str | None, serve_access: str) -> dict:
    """May an adapter trained on ``data_access`` data serve ``serve_access`` users?

    ``data_access`` is the registry's ``governance["data_access"]`` (None or "unknown" when not
    recorded). Unknown data could hold anything, so it may only serve "internal" users.
    Returns {serve_access, data_access, ok, reason}; reason is None when ok.
    """
    if serve_access not in ACCESS_ORDER:
        raise ValueError(f"serve_access must be one of {list(ACCESS_ORDER)}, got {serve_access!r}")
    data_access = "unknown" if data_access is None else data_access
    if data_access != "unknown" and data_access not in ACCESS_ORDER:
        raise ValueError(
            f"data_access must be one of {[*ACCESS_ORDER, 'unknown']}, got {data_access!r}"
        )
    top = ACCESS_ORDER[-1]
    if data_access == "unknown":
        ok = serve_access == top
        reason = (
            None
            if ok
            else f"access: the training data's access level is unknown (not recorded at "
            f"registration), so it may hold {top} data; it cannot serve {serve_access} users. "
            f"Register it with data_access=... (the highest level of its training data)"
        )
    else:
        ok = ACCESS_ORDER.index(data_access) <= ACCESS_ORDER.index(serve_access)
        reason = (
            None
            if ok
            else f"access: trained on {data_access} data, above the {serve_access} users it would "
            f"serve (a tuned model can repeat its training data); retrain on data at or below "
            f"{serve_access}, or serve it to {data_access} users only"
        )
    return {"serve_access": serve_access, "data_access": data_access, "ok": ok, "reason": reason}


def promotion_decision(
    candidate: dict,
    baseline: dict | None,
    cfg: GateConfig | None = None,
    base: dict | None = None,
    data_access: str | None = None,
) -> dict:
    """Promote or refuse, with every failing condition as a reason in words and numbers.

    candidate / baseline / base: ``{"correct": [bool, ...], "perplexity": float,
    "general_qa": float}`` measured on the SAME held-out items (optional ``"ids"`` lists are
    checked to match; ids on one side only are refused, since the check could not run).
    ``base`` is the untuned base model.

    - With a baseline: promote iff McNemar p < alpha AND delta > min_improvement AND forgetting
      is within thresholds. Forgetting is measured against ``base`` when given (so small losses
      cannot pile up adapter after adapter), else against the baseline.
    - Without a baseline (first adapter): promote iff forgetting vs ``base`` is within
      thresholds; if ``base`` has ``correct``, the test vs base is reported, not required.
    - When ``cfg.serve_access`` is set, also refuse an adapter whose training data is above
      that level (:func:`access_check`): ``data_access`` is the candidate's registry
      ``governance["data_access"]`` (or ``candidate["data_access"]``); missing = "unknown".
    """
    cfg = cfg or GateConfig()
    if not isinstance(candidate, dict):
        raise TypeError("candidate must be a dict")
    if baseline is None and base is None:
        raise ValueError("first adapter (baseline=None): pass the base model's numbers as base=")
    paired = baseline if baseline is not None else base
    paired_name = "baseline" if baseline is not None else "base"
    test = None
    if baseline is not None or "correct" in base:
        test = _paired_test(candidate, paired, paired_name)
    forgetting = _forgetting(
        candidate,
        base if base is not None else baseline,
        "base" if base is not None else "baseline",
        cfg,
    )
    reasons = _improvement_reasons(test, cfg) if baseline is not None else []
    reasons += _forgetting_reasons(forgetting)
    access = None
    if cfg.serve_access is not None:
        if data_access is None:
            data_access = candidate.get("data_access")
        access = access_check(data_access, cfg.serve_access)
        if not access["ok"]:
            reasons.append(access["reason"])
    promote = not reasons
    return {
        "promote": promote,
        "reasons": reasons,
        "summary": _summary(promote, baseline is not None, test, forgetting, reasons),
        "test": test,
        "delta": None if test is None else test["delta"],
        "forgetting": forgetting,
        "access": access,
        "config": cfg.as_dict(),
    }


def _paired_test(candidate: dict, paired: dict, paired_name: str) -> dict:
    """Exact McNemar test of candidate vs ``paired`` on the same items (ids checked if given)."""
    for who, d in (("candidate", candidate), (paired_name, paired)):
        if "correct" not in d:
            raise ValueError(f"{who} needs 'correct' (per-item correctness)")
    has_ids = {who: "ids" in d for who, d in (("candidate", candidate), (paired_name, paired))}
    if len(set(has_ids.values())) > 1:
        only = next(who for who, has in has_ids.items() if has)
        other = next(who for who, has in has_ids.items() if not has)
        raise ValueError(
            f"only the {only} has 'ids', so the gate cannot check that both were scored on "
            f"the same items; give the {other} its 'ids' too (or drop them from both)"
        )
    if "ids" in candidate and list(candidate["ids"]) != list(paired["ids"]):
        raise ValueError(
            f"items must be aligned: candidate and {paired_name} were scored on different item ids"
        )
    test = mcnemar_exact(candidate["correct"], paired["correct"])
    test["compared_with"] = paired_name
    return test


def _improvement_reasons(t: dict, cfg: GateConfig) -> list[str]:
    """Why the candidate is not better than the baseline (empty when it is)."""
    reasons = []
    if not t["p_value"] < cfg.alpha:
        reasons.append(
            f"not significantly better than the baseline: exact McNemar p = {t['p_value']:.4g} "
            f"is not below alpha = {cfg.alpha} (b = {t['b']} items only the candidate gets right, "
            f"c = {t['c']} only the baseline gets right, of {t['n']})"
        )
    if not t["delta"] > cfg.min_improvement:
        reasons.append(
            f"accuracy change {t['delta']:+.3f} ({t['candidate_acc']:.3f} vs baseline "
            f"{t['baseline_acc']:.3f}) is not above the required improvement {cfg.min_improvement:.3f}"
        )
    return reasons


def _forgetting_reasons(forgetting: dict) -> list[str]:
    """Why the candidate forgot too much (empty when within thresholds)."""
    reasons = []
    ref = forgetting["reference"]
    pp, qa = forgetting["perplexity"], forgetting["general_qa"]
    if not pp["ok"]:
        reasons.append(
            f"forgetting: perplexity on general text rose {pp['relative_increase']:+.1%} vs the {ref} "
            f"({pp['reference']:.3f} -> {pp['candidate']:.3f}), more than the allowed {pp['max']:.1%}"
        )
    if not qa["ok"]:
        reasons.append(
            f"forgetting: general-QA accuracy dropped {qa['drop']:.3f} vs the {ref} "
            f"({qa['reference']:.3f} -> {qa['candidate']:.3f}), more than the allowed {qa['max']:.3f}"
        )
    return reasons


def _summary(promote: bool, has_baseline: bool, test, forgetting: dict, reasons: list) -> str:
    ref = forgetting["reference"]
    pp, qa = forgetting["perplexity"], forgetting["general_qa"]
    if promote and has_baseline:
        return (
            f"promote: {test['delta']:+.3f} accuracy vs baseline, McNemar p = {test['p_value']:.4g}; "
            f"perplexity {pp['relative_increase']:+.1%}, general QA -{qa['drop']:.3f} vs {ref}"
        )
    if promote:
        return f"promote first adapter: perplexity {pp['relative_increase']:+.1%}, general QA -{qa['drop']:.3f} vs base"
    return "refuse: " + "; ".join(reasons)
