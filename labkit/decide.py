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

Measured numbers come only from :mod:`labkit.evidence` (never typed in here). Without them the
scores still work and the reasons say which notebook to run. The cost model
(:class:`CostConfig`, :func:`cost_curves`, :func:`break_even`) needs the evidence and says
which notebook measures what it lacks. Each approach pays for the adapters and the index it
really uses (:data:`COST_SECONDS` says which measured seconds, and why), and prompt tokens have
a public list price by default (:data:`PROMPT_PRICE_SOURCE`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import numpy as np

from .evidence import KEYS

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

APPROACHES = ("prompting", "rag", "fine-tuning", "hybrid")
"""Simplest first: on a tie the simpler approach wins."""

SYSTEM_OF = {"prompting": "base", "rag": "rag", "fine-tuning": "ft", "hybrid": "hybrid"}
"""Approach -> the system name its measurements use in labkit.evidence (notebook 06's table)."""

_NOTEBOOK_OF = {  # evidence key prefix -> the notebook that measures it
    "base": "06 (hybrid assembly)",
    "rag": "06 (hybrid assembly)",
    "ft": "06 (hybrid assembly)",
    "hybrid": "06 (hybrid assembly)",
    "train": "04 (QLoRA fine-tuning)",
    "facts_ft": "05 (evaluating a fine-tune)",
    "facts_rag": "05 (evaluating a fine-tune)",
    "facts_ft_aug": "05 (evaluating a fine-tune)",
    "forgetting": "05 (evaluating a fine-tune)",
    "reader_base": "03 (RAG generation)",
    "reader_ft": "03 (RAG generation)",
    "index": "07 (knowledge updates)",
    "update": "07 (knowledge updates)",
    "security": "08 (security and governance)",
}

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

OVER_VALID_REPLIES = frozenset({"tone_adherence"})
"""Per-system metrics whose denominator is the valid replies, not all tickets (labkit.evidence.KEYS)."""

LATENCY_TIGHT_MS = 300.0  # at or below: latency level 1 (interactive autocomplete territory)
LATENCY_LOOSE_MS = 5000.0  # at or above: latency level 0 (a person waiting for an email reply)
VOLUME_LOW = 1e3  # queries per month at or below which volume level is 0
VOLUME_HIGH = 1e6  # queries per month at or above which volume level is 1

_UNIT_FIELDS = ("latency_ms", "training_hours", "queries_per_month")


@dataclass(frozen=True)
class DecisionFactors:
    """What the use case needs. Qualitative factors are 0..1 (0 = irrelevant, 0.5 = matters,
    1 = decisive); the rest are in real units. Derive variants with ``dataclasses.replace``.
    """

    volatility: float = 0.3  # 0..1, how often facts change: 0 never (fixed manual), 0.5 monthly, 1 daily (prices, stock)
    format_strictness: float = 0.3  # 0..1: 0 free prose, 0.5 a loose template, 1 every reply parsed by a program (strict JSON)
    citations: float = (
        0.3  # 0..1, need to cite sources: 0 never, 1 every answer must point to its source
    )
    accuracy: float = 0.5  # 0..1, factual-accuracy priority: 0 a wrong fact is harmless, 1 costly (money, safety, law)
    tone: float = (
        0.3  # 0..1, brand voice: 0 any polite reply, 1 a house style every reply must keep
    )
    latency_ms: float = (
        2000.0  # > 0, budget per query in milliseconds, end to end on the serving hardware
    )
    training_hours: float = 0.0  # >= 0, compute hours available for training (on the machine that measured train.seconds)
    queries_per_month: float = 1e4  # >= 0, expected query volume per month
    governance: float = 0.0  # 0..1: 0 public data, 1 data must be access-controlled per user and deletable on request

    def __post_init__(self):
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise ValueError(f"{f.name} must be a finite number, got {v!r}")
            object.__setattr__(self, f.name, float(v))
            if f.name not in _UNIT_FIELDS and not 0.0 <= v <= 1.0:
                raise ValueError(
                    f"{f.name} is on a 0..1 scale (0 irrelevant, 1 decisive), got {v!r}"
                )
        if self.latency_ms <= 0:
            raise ValueError(
                f"latency_ms must be > 0 (milliseconds per query), got {self.latency_ms!r}"
            )
        if self.training_hours < 0:
            raise ValueError(
                f"training_hours must be >= 0 (0 = no training), got {self.training_hours!r}"
            )
        if self.queries_per_month < 0:
            raise ValueError(f"queries_per_month must be >= 0, got {self.queries_per_month!r}")

    def as_dict(self) -> dict:
        return asdict(self)


# fmt: off
PRESETS: dict[str, DecisionFactors] = {
    # triage JSON + brand tone + answers from a changing help center, with sources
    "support assistant": DecisionFactors(volatility=0.5, format_strictness=0.9, citations=0.8, accuracy=0.9, tone=0.8,
                                         latency_ms=3000, training_hours=10, queries_per_month=5e4, governance=0.3),
    # prices change daily; answers must be right and sourced; style barely matters
    "pricing Q&A over changing data": DecisionFactors(volatility=1.0, format_strictness=0.2, citations=0.7, accuracy=1.0,
                                                      tone=0.2, latency_ms=2000, training_hours=2, queries_per_month=2e4,
                                                      governance=0.3),
    # fields out of a given document, parsed by a program, at high volume: no outside knowledge
    "strict JSON extraction": DecisionFactors(volatility=0.1, format_strictness=1.0, citations=0.0, accuracy=0.3, tone=0.0,
                                              latency_ms=500, training_hours=20, queries_per_month=1e6, governance=0.0),
    # marketing copy in a house style; facts come from the brief the user pastes in
    "brand-voice writer": DecisionFactors(volatility=0.1, format_strictness=0.3, citations=0.0, accuracy=0.2, tone=1.0,
                                          latency_ms=3000, training_hours=10, queries_per_month=1e5, governance=0.0),
    # per-user access rights, deletion on request, audit trail: the data must stay out of the weights
    "regulated data": DecisionFactors(volatility=0.5, format_strictness=0.3, citations=1.0, accuracy=1.0, tone=0.3,
                                      latency_ms=3000, training_hours=5, queries_per_month=1e4, governance=1.0),
    # a demo for next week: nothing to train, few users, low stakes
    "quick prototype": DecisionFactors(volatility=0.1, format_strictness=0.1, citations=0.0, accuracy=0.2, tone=0.1,
                                       latency_ms=5000, training_hours=0, queries_per_month=500, governance=0.0),
}
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


def _clip01(x: float) -> float:
    return min(1.0, max(0.0, x))


def levels(factors: DecisionFactors) -> dict[str, float]:
    """Every factor on 0..1, the scale :data:`WEIGHTS` multiplies.

    - latency: 1 at <= 300 ms, 0 at >= 5 s, log-linear between (tighter budget = higher level);
    - volume: 0 at <= 1k queries/month, 1 at >= 1M, log-linear between;
    - training_scarcity: 1 / (1 + training_hours): 1 with no budget, 0.5 at 1 h, 0.09 at 10 h.
    """
    f = factors
    span = math.log10(LATENCY_LOOSE_MS / LATENCY_TIGHT_MS)
    latency = _clip01(math.log10(LATENCY_LOOSE_MS / f.latency_ms) / span)
    q = max(f.queries_per_month, 1.0)
    volume = _clip01(math.log10(q / VOLUME_LOW) / math.log10(VOLUME_HIGH / VOLUME_LOW))
    return {
        "volatility": f.volatility,
        "format_strictness": f.format_strictness,
        "citations": f.citations,
        "accuracy": f.accuracy,
        "tone": f.tone,
        "latency": latency,
        "volume": volume,
        "training_scarcity": 1.0 / (1.0 + f.training_hours),
        "governance": f.governance,
    }


def not_measured_reason(evidence: dict, key: str) -> str | None:
    """Why ``key`` has no usable value in ``evidence`` (None when it has one).

    Not measured means: the key is absent (notebook 06 leaves out a rate over fewer than
    ``labkit.stats.MIN_N`` valid replies), its value is None or NaN, or it is a rate over valid
    replies (:data:`OVER_VALID_REPLIES`) of a system that produced no valid reply at all
    (``<system>.json_validity`` is 0: such a "rate" is 0/0, whatever number was stored).
    """
    entry = evidence.get(key)
    if entry is None:
        return "not recorded"
    v = entry.get("value") if isinstance(entry, dict) else None
    if v is None or isinstance(v, bool) or not isinstance(v, int | float) or math.isnan(v):
        return "recorded as not measured"
    system, _, metric = key.partition(".")
    if metric in OVER_VALID_REPLIES:
        valid = evidence.get(f"{system}.json_validity")
        if valid is not None and valid.get("value") == 0:
            return "no valid reply to judge"
    return None


def _val(evidence: dict, key: str) -> float | None:
    """The measured number, or None when :func:`not_measured_reason` says it is not measured."""
    return None if not_measured_reason(evidence, key) else float(evidence[key]["value"])


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


def _load_if_none(evidence: dict | None) -> dict:
    if evidence is None:
        from .evidence import load

        return load()
    return evidence


# ---- reasons: one sentence per factor, quoting the evidence that bears on it ----------------


class _Quoter:
    """Formats evidence values for reasons and records which ones were used."""

    def __init__(self, evidence: dict):
        self.evidence, self.used, self.missing = evidence, {}, []
        self.unmeasured: dict[str, str] = {}  # key -> why it is not measured (stored but unusable)

    def __call__(self, key: str) -> str | None:
        why = not_measured_reason(self.evidence, key)
        if why == "not recorded":
            self.missing.append(key)
            return None
        if why:
            self.unmeasured[key] = why
            return None
        entry = self.evidence[key]
        self.used[key] = {"value": entry["value"], "source": entry["source"]}
        v = float(entry["value"])
        if key.endswith("seconds"):
            return f"{v:.0f} s" if v >= 100 else f"{v:.1f} s"
        if key.endswith("latency_s"):
            return f"{v:.2f} s"
        if key.endswith("tokens"):
            return f"{v:.0f}"
        return f"{v:.2f}"

    def sources(self, keys) -> str:
        srcs = sorted({self.used[k]["source"] for k in keys if k in self.used})
        return f" ({', '.join(srcs)})" if srcs else ""


def _not_measured(keys) -> str:
    books = sorted({_NOTEBOOK_OF[k.split(".")[0]] for k in keys})
    return "not measured yet: run notebook " + " and ".join(books)


def _per_system(q: _Quoter, metric: str, what: str) -> str | None:
    """'what: rag 0.31, ... (sources); not measured: prompting (why)' (None if no system was)."""
    keys = [f"{SYSTEM_OF[a]}.{metric}" for a in APPROACHES]
    parts, absent = [], []
    for a, k in zip(APPROACHES, keys):
        v = q(k)
        if v is not None:
            parts.append(f"{a} {v}")
        else:
            absent.append(f"{a} ({q.unmeasured.get(k, 'not recorded')})")
    if not parts:
        return None
    s = f"{what}: {', '.join(parts)}{q.sources(keys)}"
    return s + f"; not measured: {', '.join(absent)}" if absent else s


def _evidence_sentence(factor: str, f: DecisionFactors, q: _Quoter) -> str:
    """The measured part of a factor's reason (or which notebook to run)."""
    found: list[str] = []
    keys_asked: list[str] = []

    def ask(*keys):
        keys_asked.extend(keys)
        return [q(k) for k in keys]

    if factor == "volatility":
        rag, ft1, stale, retr, idx = ask(
            "update.rag_fresh",
            "update.ft_v1_fresh",
            "update.ft_v1_stale",
            "update.retrain_seconds",
            "update.index_seconds",
        )
        if rag and ft1:
            old = f"stale (the v1 value) on {stale} and " if stale else ""
            found.append(
                f"after the v2 update the v1-tuned model was {old}fresh on {ft1} of changed facts, "
                f"RAG fresh on {rag}"
                + q.sources(
                    ["update.rag_fresh", "update.ft_v1_fresh"]
                    + (["update.ft_v1_stale"] if stale else [])
                )
            )
        if idx and retr:
            found.append(
                f"re-indexing took {idx} vs {retr} of retraining"
                + q.sources(["update.index_seconds", "update.retrain_seconds"])
            )
    elif factor == "format_strictness":
        keys_asked += [f"{SYSTEM_OF[a]}.json_validity" for a in APPROACHES]
        found.append(_per_system(q, "json_validity", "valid JSON on held-out tickets"))
    elif factor == "citations":
        keys_asked += [f"{SYSTEM_OF[a]}.citation_accuracy" for a in APPROACHES]
        found.append(_per_system(q, "citation_accuracy", "cited the article holding the fact"))
    elif factor == "accuracy":
        hyb, ft_only, rag, base = ask(
            "hybrid.answer_accuracy",
            "ft.answer_accuracy",
            "rag.answer_accuracy",
            "base.answer_accuracy",
        )
        if hyb and ft_only:
            found.append(
                f"with retrieval the tuned model stated {hyb} of held-out tickets' facts vs {ft_only} without"
                + q.sources(["hybrid.answer_accuracy", "ft.answer_accuracy"])
            )
        if rag and base:
            found.append(
                f"the base model: {rag} with retrieval vs {base} without"
                + q.sources(["rag.answer_accuracy", "base.answer_accuracy"])
            )
        keys = [
            "facts_ft.trained_accuracy",
            "facts_ft.paraphrase_accuracy",
            "facts_rag.paraphrase_accuracy",
        ]
        tr, ft, fr = ask(*keys)
        if ft and fr:
            seen = f"{tr} of the questions it was trained on but " if tr else ""
            found.append(
                f"a model fine-tuned on the facts answered {seen}{ft} of paraphrased fact questions, RAG {fr}"
                + q.sources(keys if tr else keys[1:])
            )
    elif factor == "tone":
        keys_asked += [f"{SYSTEM_OF[a]}.tone_adherence" for a in APPROACHES]
        found.append(_per_system(q, "tone_adherence", "replies keeping every tone rule"))
        (drop,) = ask("forgetting.general_qa_drop")
        if drop:
            found.append(
                f"the price of tuning: general-QA accuracy fell by {drop}"
                + q.sources(["forgetting.general_qa_drop"])
            )
    elif factor == "latency":
        keys = [f"{SYSTEM_OF[a]}.latency_s" for a in APPROACHES]
        keys_asked += keys
        s = _per_system(q, "latency_s", "seconds per query")
        if s:
            fit = [
                a
                for a, k in zip(APPROACHES, keys)
                if k in q.used and q.used[k]["value"] * 1000 <= f.latency_ms
            ]
            s += f"; within {f.latency_ms:.0f} ms: {', '.join(fit) if fit else 'none on the measuring machine'}"
        found.append(s)
    elif factor == "volume":
        keys_asked += [f"{SYSTEM_OF[a]}.prompt_tokens" for a in APPROACHES]
        found.append(
            _per_system(q, "prompt_tokens", "prompt tokens per query (paid on every call)")
        )
    elif factor == "training_scarcity":
        (secs,) = ask("train.seconds")
        if secs:
            fits = q.used["train.seconds"]["value"] <= f.training_hours * 3600
            found.append(
                f"training the behaviour adapter took {secs}{q.sources(['train.seconds'])}, "
                + ("within" if fits else "more than")
                + f" the budget of {f.training_hours:g} h"
            )
    elif factor == "governance":
        ft_leak, rag_leak = ask("security.canary_leaks_ft", "security.canary_leaks_rag_public")
        if ft_leak and rag_leak:
            found.append(
                f"extraction prompts made the canary-tuned model emit a planted secret in a share of "
                f"{ft_leak}, and RAG leaked it to a public caller in {rag_leak}"
                + q.sources(["security.canary_leaks_ft", "security.canary_leaks_rag_public"])
            )
        idx, retr = ask("update.index_seconds", "update.retrain_seconds")
        if idx:
            s = f"removing or changing documents in the index took {idx}"
            if retr:
                s += f"; taking facts out of weights means retraining ({retr})"
            found.append(s + q.sources(["update.index_seconds", "update.retrain_seconds"]))
    found = [s for s in found if s]
    if found:
        return "measured: " + "; ".join(found)
    stored = [f"{k} ({q.unmeasured[k]})" for k in keys_asked if k in q.unmeasured]
    if stored:  # the notebook ran but could not measure these: running it again will not help
        return "not measured: " + ", ".join(stored)
    return _not_measured(keys_asked)


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

    evidence: ``labkit.evidence.load()``-style dict (key -> {"value", "source"}); None loads it,
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


PROMPT_PRICE_SOURCE = (
    "Groq price list (https://groq.com/pricing), model llama-3.1-8b-instant (Llama 3.1 8B): "
    "$0.05 per 1M input tokens ($0.08 per 1M output tokens), as listed in April 2026"
)
"""Where :attr:`CostConfig.per_million_prompt_tokens`' default comes from: the input-token price
of a small open model at a well-known hosted provider (read from copies of that page quoted in
April 2026; the course's machines have no web access). Prices change: check the page before you
rely on it, and put your own provider's price in :class:`CostConfig`."""

COST_SECONDS: dict[str, dict[str, tuple[str, ...]]] = {
    # approach -> measured seconds paid once ("fixed") and on every knowledge update ("per_update")
    "prompting": {"fixed": (), "per_update": ()},
    "rag": {"fixed": ("index.build_seconds",), "per_update": ("update.index_seconds",)},
    "fine-tuning": {
        "fixed": ("train.seconds", "update.retrain_seconds"),
        "per_update": ("update.retrain_seconds",),
    },
    "hybrid": {
        "fixed": ("train.seconds", "index.build_seconds"),
        "per_update": ("update.index_seconds",),
    },
}
"""Which measured seconds each approach pays for: every adapter and index it really uses.

- ``train.seconds`` (notebook 04): training the **behaviour adapter** (format, tone, triage).
  Fine-tuning and the hybrid both serve it in notebook 06's table, so both pay it once.
- ``update.retrain_seconds`` (notebook 07): training the **facts adapter** from the base model
  on one snapshot of the facts (v2; the v1 run of notebook 05 uses the same recipe on the same
  80 facts, so it costs the same). Fine-tuning alone has no index, so its facts must live in
  weights: it pays one facts-adapter run up front and one per knowledge update. The hybrid
  takes its facts from the index and never trains a facts adapter.
- ``index.build_seconds`` / ``update.index_seconds`` (notebook 07): embedding the help center
  once, then re-indexing the changed articles per update, for RAG and the hybrid.
- Prompting trains and indexes nothing.
"""


@dataclass
class CostConfig:
    """Prices and horizon for the cost model (your numbers; see each default's note).

    Compute prices are per hour of the machine that measured the evidence (the CPU profile unless
    notebooks 04-07 ran on a GPU): measured seconds x price per hour = dollars; the hourly prices
    are round placeholders, not quotes. The prompt-token price is a public list price
    (:data:`PROMPT_PRICE_SOURCE`). Per query the model charges both measured serving time and
    prompt tokens, so it does not undercount either: the compute term stands for running the
    model and the retriever on your machine, the token term for what a hosted endpoint bills per
    prompt token, so longer prompts (RAG's retrieved chunks, prompting's examples) cost more.
    Set either price to 0 to price one way of serving only.
    """

    train_per_hour: float = 2.0  # $ per compute hour for training and index builds (placeholder)
    serve_per_hour: float = (
        2.0  # $ per compute hour while answering, x measured latency_s (placeholder)
    )
    per_million_prompt_tokens: float = 0.05  # $ per 1M prompt tokens: PROMPT_PRICE_SOURCE
    updates_per_month: float = (
        4.0  # knowledge updates per month (re-index, or retrain the facts adapter)
    )
    months: float = 12.0  # horizon of the cumulative cost

    def __post_init__(self):
        for f in fields(self):
            v = getattr(self, f.name)
            if (
                isinstance(v, bool)
                or not isinstance(v, int | float)
                or not math.isfinite(v)
                or v < 0
            ):
                raise ValueError(f"{f.name} must be a finite number >= 0, got {v!r}")
        if self.months <= 0:
            raise ValueError(f"months must be > 0, got {self.months!r}")


class MissingEvidenceError(LookupError):
    """The cost model needs a measurement that is not in the evidence store."""


def _cost_keys(approach: str) -> list[str]:
    s = SYSTEM_OF[approach]
    keys = [f"{s}.latency_s", f"{s}.prompt_tokens"]
    for part in ("fixed", "per_update"):
        keys += [k for k in COST_SECONDS[approach][part] if k not in keys]
    return keys


def missing_cost_evidence(
    evidence: dict, approaches=APPROACHES, overrides: dict | None = None
) -> list[str]:
    """Evidence keys the cost model needs for ``approaches`` that are neither measured nor
    overridden (a key stored as not measured counts as missing)."""
    have = {k for k in evidence if _val(evidence, k) is not None} | set(overrides or {})
    return sorted({k for a in approaches for k in _cost_keys(a)} - have)


def cost_inputs(
    cfg: CostConfig,
    evidence: dict,
    approaches=APPROACHES,
    overrides: dict[str, float] | None = None,
) -> dict[str, dict[str, float]]:
    """Per approach: ``fixed`` $ (the adapters it trains and the index it builds, once),
    ``per_update`` $ (one knowledge update) and ``per_query`` $ (measured latency x serving price
    + prompt tokens x token price). Which measured seconds go into ``fixed`` and ``per_update``
    is :data:`COST_SECONDS`. ``overrides`` (key -> number) replace or fill in evidence values.

    Raises MissingEvidenceError naming the notebook that measures each missing key.
    """
    unknown = sorted(set(overrides or {}) - set(KEYS))
    if unknown:
        raise KeyError(f"unknown evidence keys in overrides: {unknown}")
    missing = missing_cost_evidence(evidence, approaches, overrides)
    if missing:
        lines = [f"  {k}: {KEYS[k]} -> {_not_measured([k])}" for k in missing]
        raise MissingEvidenceError(
            "the cost model needs measurements that are not in the evidence store:\n"
            + "\n".join(lines)
            + "\n(or pass overrides={key: value} with your own numbers)"
        )
    ev = {k: v for k in evidence if (v := _val(evidence, k)) is not None}
    ev |= {k: float(v) for k, v in (overrides or {}).items()}
    per_s_train = cfg.train_per_hour / 3600  # $ per second of training/indexing compute
    out = {}
    for a in approaches:
        s = SYSTEM_OF[a]
        fixed = sum(ev[k] for k in COST_SECONDS[a]["fixed"])  # seconds
        update = sum(ev[k] for k in COST_SECONDS[a]["per_update"])  # seconds
        per_query = (
            ev[f"{s}.latency_s"] * cfg.serve_per_hour / 3600
            + ev[f"{s}.prompt_tokens"] * cfg.per_million_prompt_tokens / 1e6
        )
        out[a] = {
            "fixed": fixed * per_s_train,
            "per_update": update * per_s_train,
            "per_query": per_query,
        }
    return out


def _line(cfg: CostConfig, inp: dict) -> tuple[float, float]:
    """Cumulative cost over the horizon = intercept + slope * queries_per_month."""
    return inp["fixed"] + cfg.months * cfg.updates_per_month * inp["per_update"], cfg.months * inp[
        "per_query"
    ]


def cost_curves(
    cfg: CostConfig,
    evidence: dict,
    volumes,
    overrides: dict[str, float] | None = None,
    approaches=APPROACHES,
) -> dict[str, np.ndarray]:
    """Cumulative $ over ``cfg.months`` per approach, at each monthly query volume in ``volumes``.

    cost(q) = fixed + months * (updates_per_month * per_update + q * per_query); arrays shaped like volumes.
    """
    q = np.asarray(volumes, dtype=float)
    if np.any(q < 0) or not np.all(np.isfinite(q)):
        raise ValueError("volumes must be finite and >= 0 (queries per month)")
    inputs = cost_inputs(cfg, evidence, approaches, overrides)
    out = {}
    for a in approaches:
        b0, b1 = _line(cfg, inputs[a])
        out[a] = b0 + b1 * q
    return out


def break_even(
    cfg: CostConfig, evidence: dict, a: str, b: str, overrides: dict[str, float] | None = None
) -> float | None:
    """Monthly query volume from which ``a`` costs at most what ``b`` costs (over ``cfg.months``).

    0.0 when ``a`` is already no dearer at zero volume and stays so; None when ``a`` never becomes
    cheaper as volume grows (its per-query cost is higher, or equal with a higher fixed cost).
    """
    for name in (a, b):
        if name not in APPROACHES:
            raise ValueError(f"unknown approach {name!r}; choose from {APPROACHES}")
    inputs = cost_inputs(cfg, evidence, (a, b), overrides)
    a0, a1 = _line(cfg, inputs[a])
    b0, b1 = _line(cfg, inputs[b])
    if a1 < b1:
        return max(0.0, (a0 - b0) / (b1 - a1))
    if a1 == b1 and a0 <= b0:
        return 0.0
    return None


def break_even_table(
    cfg: CostConfig, evidence: dict, overrides: dict[str, float] | None = None
) -> dict[str, dict[str, float | None]]:
    """``table[a][b]`` = :func:`break_even` of ``a`` against ``b`` for every pair of approaches (a != b)."""
    return {
        a: {b: break_even(cfg, evidence, a, b, overrides) for b in APPROACHES if b != a}
        for a in APPROACHES
    }
