"""The evidence half of each decision-matrix reason, as a table: factor -> the sentences quoting it.

Introduced in notebooks/09_decision_matrix.ipynb through :func:`labkit.decide.matrix.recommend`,
which appends these sentences to each factor's reason. Each row of :data:`EVIDENCE_SENTENCES`
asks the evidence for some keys (through :class:`_Quoter`, which records what was used and what
is missing) and returns a sentence, or None when a value it needs is not measured. Split out of
``matrix`` (issue 12 §4).
"""

from __future__ import annotations

from collections.abc import Callable

from .factors import APPROACHES, SYSTEM_OF, DecisionFactors, _not_measured, not_measured_reason

__all__ = ["EVIDENCE_SENTENCES"]


class _Quoter:
    """Formats evidence values for reasons and records which ones were used."""

    def __init__(self, evidence: dict):
        self.evidence, self.used, self.missing = evidence, {}, []
        self.unmeasured: dict[str, str] = {}  # key -> why it is not measured (stored but unusable)
        self.values: dict[str, str | None] = {}  # key -> its quoted text, for rows that share keys

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


# A row: (q, f, asked) -> sentence or None; it appends every key it asks to ``asked``, in order.
Row = Callable[["_Quoter", DecisionFactors, list], "str | None"]


def _quoted(
    template: str, needs: tuple, cite: tuple | None = None, ask: tuple | None = None
) -> Row:
    """A sentence quoting measured values: ``template.format(*values of needs)`` + the sources of
    ``cite`` (default ``needs``); None if any value is missing. ``ask`` (default ``needs``) is
    what this row asks the evidence for, in order: a row may ask for the next rows' keys too."""

    def row(q: _Quoter, f: DecisionFactors, asked: list) -> str | None:
        for k in needs if ask is None else ask:
            asked.append(k)
            q.values[k] = q(k)
        vals = [q.values.get(k) for k in needs]
        return template.format(*vals) + q.sources(list(cite or needs)) if all(vals) else None

    return row


def _systems(metric: str, what: str) -> Row:
    """'what: rag 0.31, ... (sources); not measured: ...' over the four systems."""

    def row(q: _Quoter, f: DecisionFactors, asked: list) -> str | None:
        asked += [f"{SYSTEM_OF[a]}.{metric}" for a in APPROACHES]
        return _per_system(q, metric, what)

    return row


def _ask(q: _Quoter, asked: list, keys: tuple) -> list[str | None]:
    """Ask the evidence for ``keys`` in order (recorded in ``asked`` and ``q.values``)."""
    for k in keys:
        asked.append(k)
        q.values[k] = q(k)
    return [q.values[k] for k in keys]


def _freshness(q: _Quoter, f: DecisionFactors, asked: list) -> str | None:
    """The v1-tuned model vs RAG after the v2 update, with the v1 model's stale share when
    measured; asks the re-indexing row's keys too."""
    rag, ft1, stale, _, _ = _ask(q, asked, (_FRESH, _V1, _STALE, _RETRAIN_S, _INDEX_S))
    if not (rag and ft1):
        return None
    old = f"stale (the v1 value) on {stale} and " if stale else ""
    return (
        f"after the v2 update the v1-tuned model was {old}fresh on {ft1} of changed facts, "
        f"RAG fresh on {rag}" + q.sources([_FRESH, _V1] + ([_STALE] if stale else []))
    )


def _facts_memorised(q: _Quoter, f: DecisionFactors, asked: list) -> str | None:
    """Facts fine-tuned into the weights vs RAG on paraphrases (and on the trained phrasing)."""
    keys = (_TRAINED, *_PARA)
    tr, ft, fr = _ask(q, asked, keys)
    if not (ft and fr):
        return None
    seen = f"{tr} of the questions it was trained on but " if tr else ""
    return (
        f"a model fine-tuned on the facts answered {seen}{ft} of paraphrased fact questions, RAG {fr}"
        + q.sources(list(keys if tr else keys[1:]))
    )


def _latency(q: _Quoter, f: DecisionFactors, asked: list) -> str | None:
    keys = [f"{SYSTEM_OF[a]}.latency_s" for a in APPROACHES]
    asked += keys
    s = _per_system(q, "latency_s", "seconds per query")
    if s:
        fit = [
            a
            for a, k in zip(APPROACHES, keys)
            if k in q.used and q.used[k]["value"] * 1000 <= f.latency_ms
        ]
        s += f"; within {f.latency_ms:.0f} ms: {', '.join(fit) if fit else 'none on the measuring machine'}"
    return s


def _training_budget(q: _Quoter, f: DecisionFactors, asked: list) -> str | None:
    asked.append("train.seconds")
    secs = q("train.seconds")
    if not secs:
        return None
    fits = q.used["train.seconds"]["value"] <= f.training_hours * 3600
    return (
        f"training the behaviour adapter took {secs}{q.sources(['train.seconds'])}, "
        + ("within" if fits else "more than")
        + f" the budget of {f.training_hours:g} h"
    )


def _governance(q: _Quoter, f: DecisionFactors, asked: list) -> str | None:
    asked += ["update.index_seconds", "update.retrain_seconds"]
    idx, retr = q("update.index_seconds"), q("update.retrain_seconds")
    if not idx:
        return None
    s = f"removing or changing documents in the index took {idx}"
    if retr:
        s += f"; taking facts out of weights means retraining ({retr})"
    return s + q.sources(["update.index_seconds", "update.retrain_seconds"])


_FRESH, _V1, _STALE = "update.rag_fresh", "update.ft_v1_fresh", "update.ft_v1_stale"
_INDEX_S, _RETRAIN_S = "update.index_seconds", "update.retrain_seconds"
_ACC = {s: f"{s}.answer_accuracy" for s in ("hybrid", "ft", "rag", "base")}
_TRAINED = "facts_ft.trained_accuracy"
_PARA = ("facts_ft.paraphrase_accuracy", "facts_rag.paraphrase_accuracy")
_LEAKS = ("security.canary_leaks_ft", "security.canary_leaks_rag_public")
_DROP = ("forgetting.general_qa_drop",)

EVIDENCE_SENTENCES: dict[str, list[Row]] = {
    "volatility": [
        _freshness,
        _quoted("re-indexing took {0} vs {1} of retraining", needs=(_INDEX_S, _RETRAIN_S), ask=()),
    ],
    "format_strictness": [_systems("json_validity", "valid JSON on held-out tickets")],
    "citations": [_systems("citation_accuracy", "cited the article holding the fact")],
    "accuracy": [
        _quoted(
            "with retrieval the tuned model stated {0} of held-out tickets' facts vs {1} without",
            needs=(_ACC["hybrid"], _ACC["ft"]),
            ask=tuple(_ACC.values()),
        ),
        _quoted(
            "the base model: {0} with retrieval vs {1} without",
            needs=(_ACC["rag"], _ACC["base"]),
            ask=(),
        ),
        _facts_memorised,
    ],
    "tone": [
        _systems("tone_adherence", "replies keeping every tone rule"),
        _quoted("the price of tuning: general-QA accuracy fell by {0}", needs=_DROP),
    ],
    "latency": [_latency],
    "volume": [_systems("prompt_tokens", "prompt tokens per query (paid on every call)")],
    "training_scarcity": [_training_budget],
    "governance": [
        _quoted(
            "extraction prompts made the canary-tuned model emit a planted secret in a share of "
            "{0}, and RAG leaked it to a public caller in {1}",
            needs=_LEAKS,
        ),
        _governance,
    ],
}
"""Factor -> the rows that quote its evidence, in the order they appear in the reason."""


def _evidence_sentence(factor: str, f: DecisionFactors, q: _Quoter) -> str:
    """The measured part of a factor's reason (or which notebook to run)."""
    asked: list[str] = []
    found = [s for row in EVIDENCE_SENTENCES.get(factor, []) for s in [row(q, f, asked)] if s]
    if found:
        return "measured: " + "; ".join(found)
    stored = [f"{k} ({q.unmeasured[k]})" for k in asked if k in q.unmeasured]
    if stored:  # the notebook ran but could not measure these: running it again will not help
        return "not measured: " + ", ".join(stored)
    return _not_measured(asked)
