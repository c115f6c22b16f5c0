"""The decision matrix: prompting, RAG, fine-tuning or the hybrid, from nine factors and evidence.

Introduced in notebooks/09_decision_matrix.ipynb. Everything here is plain, readable arithmetic
so a learner can check each number by hand:

    score[approach] = BIAS[approach] + sum over factors of multiplier[factor] * level[factor] * WEIGHTS[factor][approach]

- ``level``: each factor on a 0..1 scale (:func:`levels`; latency, budget and volume are
  converted from real units by the formulas in their docstrings).
- ``WEIGHTS``: how much a factor at full strength favours an approach *over plain prompting*
  (prompting's column is all zeros, it is the baseline). ``BIAS`` is the build-and-run effort.
- ``multiplier``: 1 unless measured evidence says how big the underlying gap really is
  (:data:`EVIDENCE_GAPS`): then ``0.5 + clip(gap, 0, 1)``, so evidence can halve or
  strengthen a factor's row (0.5..1.5) but never reverse it. The factors drive; evidence refines.
  A value that is not measured (absent, None/NaN, or a rate over valid replies of a system with
  no valid reply: :func:`not_measured_reason`) leaves the multiplier at 1 and the reason says so.
- One hard-ish penalty: when the measured training run (``train.seconds``) does not fit the
  training budget, fine-tuning and the hybrid lose :data:`TRAIN_MISFIT_PENALTY`.

Measured numbers come only from :mod:`labkit.decide.evidence` (never typed in here). Without them the
scores still work and the reasons say which notebook to run. The cost model
(:class:`CostConfig`, :func:`cost_curves`, :func:`break_even`) needs the evidence and says
which notebook measures what it lacks. Each approach pays for the adapters and the index it
really uses (:data:`COST_SECONDS` says which measured seconds, and why), and prompt tokens have
a public list price by default (:data:`PROMPT_PRICE_SOURCE`).
"""

from __future__ import annotations

# re-exported: notebooks read the whole decision surface as ``decide.<name>``
from .cost import (
    COST_SECONDS,
    PROMPT_PRICE_SOURCE,
    CostConfig,
    MissingEvidenceError,
    break_even,
    break_even_table,
    cost_curves,
    cost_inputs,
    missing_cost_evidence,
)
from .evidence import KEYS
from .factors import (
    APPROACHES,
    OVER_VALID_REPLIES,
    PRESETS,
    DecisionFactors,
    _clip01,
    _load_if_none,
    _not_measured,
    _val,
    levels,
    not_measured_reason,
)
from .sentences import _evidence_sentence, _Quoter

__all__ = [
    "APPROACHES",
    "WEIGHTS",
    "BIAS",
    "EVIDENCE_GAPS",
    "OVER_VALID_REPLIES",
    "TRAIN_MISFIT_PENALTY",
    "DecisionFactors",
    "PRESETS",
    "EXPECTED",
    "levels",
    "not_measured_reason",
    "evidence_multipliers",
    "recommend",
    "evidence_rows",
    "COST_SECONDS",
    "PROMPT_PRICE_SOURCE",
    "CostConfig",
    "MissingEvidenceError",
    "cost_inputs",
    "missing_cost_evidence",
    "cost_curves",
    "break_even",
    "break_even_table",
]


# fmt: off
WEIGHTS: dict[str, dict[str, float]] = {
    # factor at level 1 ->     prompting  rag   fine-tuning  hybrid
    "volatility":        dict(zip(APPROACHES, (0.0, 1.0, -2.0, 0.5))),  # re-index in seconds vs retrain; the hybrid's adapter saw the old facts (07: update.*)
    "format_strictness": dict(zip(APPROACHES, (0.0, -0.5, 2.0, 2.0))),  # a trained format holds; RAG adds sources, not format (06: *.json_validity)
    "citations":         dict(zip(APPROACHES, (0.0, 2.0, 0.0, 2.0))),   # only retrieval gives a source to cite
    "accuracy":          dict(zip(APPROACHES, (0.0, 2.0, 0.0, 2.0))),   # facts come from retrieval; tuning on facts does not store them (05)
    "tone":              dict(zip(APPROACHES, (0.0, 0.0, 2.0, 2.0))),   # a brand voice is behaviour: what tuning changes
    "latency":           dict(zip(APPROACHES, (0.0, -1.0, 1.0, -1.0))), # tight budget: retrieval + long context cost time; a tuned model needs no few-shot prompt
    "volume":            dict(zip(APPROACHES, (0.0, 0.5, 1.5, 1.0))),   # high volume: short prompts pay; prompting carries few-shot examples on every call
    "training_scarcity": dict(zip(APPROACHES, (0.0, 0.0, -3.0, -3.0))), # no training budget: no adapter
    "governance":        dict(zip(APPROACHES, (0.0, 2.0, -2.0, 0.5))),  # an index can be filtered per user and a document deleted; weights cannot unlearn
}
BIAS: dict[str, float] = dict(zip(APPROACHES, (0.0, -1.0, -1.5, -2.5)))  # build + run effort: index; training pipeline; both
# fmt: on

TRAIN_MISFIT_PENALTY = 3.0
"""Subtracted from fine-tuning and the hybrid when measured ``train.seconds`` exceeds the budget."""

EVIDENCE_GAPS: dict[str, tuple[str, str]] = {
    # factor -> (measured key of the approach the row favours, key of the baseline it beats)
    "volatility": ("update.rag_fresh", "update.ft_v1_fresh"),
    "format_strictness": ("ft.json_validity", "base.json_validity"),
    # knowledge rows: retrieval added to the same (tuned) model, the cleanest with/without pair
    "citations": ("hybrid.citation_accuracy", "ft.citation_accuracy"),
    "accuracy": ("hybrid.answer_accuracy", "ft.answer_accuracy"),
    "tone": ("ft.tone_adherence", "base.tone_adherence"),
    # leak rates, so the order is inverted: the row favours retrieval by how much more often the
    # canary-tuned weights leak a secret than RAG does to an unauthorised (public) caller (08)
    "governance": ("security.canary_leaks_ft", "security.canary_leaks_rag_public"),
}
"""Rows whose weight evidence rescales: multiplier = 0.5 + clip(value(first) - value(second), 0, 1)."""


# fmt: on
EXPECTED = {
    "support assistant": "hybrid",
    "pricing Q&A over changing data": "rag",
    "strict JSON extraction": "fine-tuning",
    "brand-voice writer": "fine-tuning",
    "regulated data": "rag",
    "quick prototype": "prompting",
}
"""What each preset is meant to illustrate (tests check the matrix agrees, with and without evidence)."""


def evidence_multipliers(evidence: dict) -> dict[str, float]:
    """Row multipliers from measured gaps (:data:`EVIDENCE_GAPS`); 1.0 where either side is not
    measured (missing, None, NaN, or a rate over no valid reply): an unmeasured rate is never
    read as 0 or 1, so it can neither halve nor strengthen a row."""
    out = {factor: 1.0 for factor in WEIGHTS}
    for factor, (better, baseline) in EVIDENCE_GAPS.items():
        a, b = _val(evidence, better), _val(evidence, baseline)
        if a is not None and b is not None:
            out[factor] = round(0.5 + _clip01(a - b), 6)
    return out


# ---- reasons: one sentence per factor, quoting the evidence that bears on it ----------------


_FACTOR_TEXT = {  # factor -> what level 1 means, in words
    "volatility": "facts change daily",
    "format_strictness": "every reply parsed by a program",
    "citations": "every answer must cite its source",
    "accuracy": "a wrong fact is costly",
    "tone": "a house style kept in every reply",
    "latency": "300 ms or less",
    "volume": "1M queries a month or more",
    "training_scarcity": "no training budget",
    "governance": "per-user access control and deletion",
}


def _factor_label(factor: str, f: DecisionFactors, lv: float) -> str:
    """'volume 50,000/month (level 0.57; 1 = 1M queries a month or more)'."""
    scale = f"1 = {_FACTOR_TEXT[factor]}"
    if factor == "latency":
        return f"latency {f.latency_ms:,.0f} ms (level {lv:.2f}; {scale})"
    if factor == "volume":
        return f"volume {f.queries_per_month:,.0f}/month (level {lv:.2f}; {scale})"
    if factor == "training_scarcity":
        return f"training budget {f.training_hours:g} h (scarcity {lv:.2f}; {scale})"
    return f"{factor} {lv:.2f} ({scale})"


def recommend(factors: DecisionFactors, evidence: dict | None = None) -> dict:
    """Score the four approaches and explain the winner.

    evidence: ``labkit.decide.evidence.load()``-style dict (key -> {"value", "source"}); None loads it,
    ``{}`` means "nothing measured yet" (scores from the factors alone).

    Returns plain data::

        {"recommendation": "hybrid", "scores": {approach: float},
         "contributions": {factor: {approach: float}},   # score = BIAS + sum of these (+ penalty)
         "multipliers": {factor: float}, "summary": str,
         "reasons": [str, ...],                           # most decisive factor first
         "evidence_used": {key: {"value", "source"}}}
    """
    if not isinstance(factors, DecisionFactors):
        raise TypeError(f"factors must be a DecisionFactors, got {type(factors).__name__}")
    evidence = _load_if_none(evidence)
    lv = levels(factors)
    mult = evidence_multipliers(evidence)
    contributions = {
        factor: {a: round(mult[factor] * lv[factor] * w, 6) for a, w in WEIGHTS[factor].items()}
        for factor in WEIGHTS
    }
    secs = _val(evidence, "train.seconds")
    misfit = secs is not None and secs > factors.training_hours * 3600
    penalty = {
        a: (TRAIN_MISFIT_PENALTY if misfit and a in ("fine-tuning", "hybrid") else 0.0)
        for a in APPROACHES
    }
    scores = {
        a: round(BIAS[a] + sum(c[a] for c in contributions.values()) - penalty[a], 6)
        for a in APPROACHES
    }
    ranked = sorted(APPROACHES, key=lambda a: (-scores[a], APPROACHES.index(a)))
    best, runner = ranked[0], ranked[1]

    q = _Quoter(evidence)
    order = sorted(
        WEIGHTS, key=lambda fa: -abs(contributions[fa][best] - contributions[fa][runner])
    )
    reasons = []
    for factor in order:
        c = contributions[factor]
        favoured = sorted((a for a in APPROACHES if c[a] > 0), key=lambda a: -c[a])
        hurt = [a for a in APPROACHES if c[a] < 0]
        effect = []
        if favoured:
            effect.append("favours " + ", ".join(f"{a} +{c[a]:.2f}" for a in favoured))
        if hurt:
            effect.append("against " + ", ".join(f"{a} {c[a]:.2f}" for a in hurt))
        text = f"{_factor_label(factor, factors, lv[factor])}: "
        text += "; ".join(effect) if effect else "no effect at this level"
        if mult[factor] != 1.0:
            text += f" (weight x{mult[factor]:.2f} from the measured gap)"
        elif factor in EVIDENCE_GAPS and any(k in evidence for k in EVIDENCE_GAPS[factor]):
            better, baseline = EVIDENCE_GAPS[factor]
            if _val(evidence, better) is None or _val(evidence, baseline) is None:
                text += f" (weight x1.00: the gap {better} - {baseline} is not measured)"
        said = _evidence_sentence(factor, factors, q)
        reasons.append(f"{text}. {said[0].upper()}{said[1:]}.")
    if misfit:
        reasons.insert(
            0,
            f"training does not fit: the measured run needs {secs / 3600:.2f} h, the budget is "
            f"{factors.training_hours:g} h, so fine-tuning and hybrid lose {TRAIN_MISFIT_PENALTY:g}.",
        )
    summary = f"{best} ({scores[best]:.2f}) ahead of {runner} ({scores[runner]:.2f})"
    return {
        "recommendation": best,
        "scores": scores,
        "contributions": contributions,
        "multipliers": mult,
        "summary": summary,
        "reasons": reasons,
        "evidence_used": q.used,
    }


def evidence_rows(evidence: dict) -> list[dict]:
    """One row per known evidence key: key, value (None if not measured), source, meaning."""
    rows = []
    for key, meaning in KEYS.items():
        entry, why = evidence.get(key), not_measured_reason(evidence, key)
        if entry is None:
            source = _not_measured([key])
        elif why:
            source = f"{entry.get('source')}: not measured ({why})"
        else:
            source = entry["source"]
        rows.append(
            {
                "key": key,
                "value": None if why else entry["value"],
                "source": source,
                "meaning": meaning,
            }
        )
    return rows


# ---- cost model -------------------------------------------------------------------------------
