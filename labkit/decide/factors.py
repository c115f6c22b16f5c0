"""The decision matrix's inputs: the four approaches, the nine factors and their 0..1 levels.

Introduced in notebooks/09_decision_matrix.ipynb; :mod:`labkit.decide.matrix` scores these,
:mod:`labkit.decide.sentences` and :mod:`labkit.decide.cost` quote the evidence about them.
Split out of ``matrix`` (issue 12 §4) so that those three import it and not each other.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

__all__ = ["APPROACHES", "DecisionFactors", "PRESETS", "levels", "not_measured_reason"]


APPROACHES = ("prompting", "rag", "fine-tuning", "hybrid")
"""Simplest first: on a tie the simpler approach wins."""


SYSTEM_OF = {"prompting": "base", "rag": "rag", "fine-tuning": "ft", "hybrid": "hybrid"}
"""Approach -> the system name its measurements use in labkit.decide.evidence (notebook 06's table)."""


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


def _load_if_none(evidence: dict | None) -> dict:
    if evidence is None:
        from .evidence import load

        return load()
    return evidence


def _not_measured(keys) -> str:
    books = sorted({_NOTEBOOK_OF[k.split(".")[0]] for k in keys})
    return "not measured yet: run notebook " + " and ".join(books)


OVER_VALID_REPLIES = frozenset({"tone_adherence"})
"""Per-system metrics whose denominator is the valid replies, not all tickets (labkit.decide.evidence.KEYS)."""
