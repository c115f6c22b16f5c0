"""The cost model of the decision matrix: monthly cost per approach from measured seconds and tokens.

Introduced in notebooks/09_decision_matrix.ipynb (:class:`CostConfig`, :func:`cost_curves`,
:func:`break_even`). It needs the evidence and says which notebook measures what it lacks.
Each approach pays for the adapters and the index it really uses (:data:`COST_SECONDS` says
which measured seconds, and why), and prompt tokens have a public list price by default
(:data:`PROMPT_PRICE_SOURCE`). Split out of ``matrix`` (issue 12 §4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from .evidence import KEYS
from .factors import APPROACHES, SYSTEM_OF, _not_measured, _val

__all__ = [
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
