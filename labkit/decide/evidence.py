"""Measured numbers, recorded by the notebooks that measure them, read by the ones that decide.

Notebooks 04-07 call :func:`record` with what they measured (accuracy, latency, training
seconds, update cost); notebook 09 (the decision matrix) and the main job read them back with
:func:`load`, so every figure the decision matrix quotes comes from a run, never from a number
typed into a cell. Introduced in notebooks/06_hybrid_assembly.ipynb.

Storage: ``.labkit_cache/evidence.json`` (one atomic JSON file; :func:`record` holds the lock
``.labkit_cache/.evidence.lock`` around its read-modify-write, so two notebooks or jobs recording
at once never lose each other's values). ``make notebooks`` also copies it
to the committed snapshot ``notebooks/evidence.json`` so that notebook 09 still has the course's
reference numbers on a machine that has not run the earlier notebooks yet; a fresh measurement in
the cache always wins over the snapshot.

Each entry: ``{"value": float, "source": "<notebook or job that measured it>"}``. Keys are
``<system>.<metric>`` for the systems of the hybrid table (``base``, ``rag``, ``ft``,
``hybrid``) and ``<topic>.<metric>`` otherwise; :data:`KEYS` documents every key in use.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Sequence
from pathlib import Path

from ..env import ROOT, cache_dir
from ..store import atomic_write_json, file_lock

__all__ = [
    "KEYS",
    "SYSTEMS",
    "record",
    "load",
    "value",
    "snapshot_path",
    "cache_path",
    "write_snapshot",
]

SYSTEMS = ("base", "rag", "ft", "hybrid")
"""The four systems of notebook 06: prompting only, RAG only, fine-tuned only, fine-tuned + RAG."""

_PER_SYSTEM = {
    "answer_accuracy": "share of held-out tickets whose reply states the fact the ticket needs",
    "citation_accuracy": "share of held-out tickets whose cited article holds that fact",
    "json_validity": "share of held-out tickets answered with one valid JSON object",
    "all_fields": "share of held-out tickets with category, priority and escalate all right",
    "tone_adherence": "share of valid replies that keep every tone rule",
    "latency_s": "seconds per ticket (batched greedy decoding, amortised), CPU profile",
    "prompt_tokens": "prompt tokens per ticket",
}
KEYS: dict[str, str] = {f"{s}.{m}": d for s in SYSTEMS for m, d in _PER_SYSTEM.items()}
KEYS |= {
    "train.seconds": "seconds to train the behaviour adapter (QLoRA, notebook 04)",
    "train.tokens_per_s": "training throughput, tokens per second (QLoRA, notebook 04)",
    "facts_ft.trained_accuracy": "model fine-tuned on facts, the questions it was trained on (05)",
    "facts_ft.paraphrase_accuracy": "model fine-tuned on facts, paraphrased fact questions (05)",
    "facts_ft_aug.paraphrase_accuracy": "the paraphrase-augmented facts adapter, same paraphrases (05)",
    "facts_rag.paraphrase_accuracy": "RAG on the same paraphrased fact questions (05)",
    "reader_base.answer_accuracy": "base reader, test questions of articles the reader never saw (03)",
    "reader_ft.answer_accuracy": "grounded reader (RAFT-style adapter), same questions (03)",
    "reader_ft.strict_citation_accuracy": "grounded reader: right answer citing, itself, a source holding it (03)",
    "reader_ft.refusal_accuracy": "grounded reader: unanswerable questions it declines (03)",
    "reader_ft.false_refusal": "grounded reader: answerable questions it declines (03)",
    "forgetting.general_qa_drop": "general-QA accuracy lost by the behaviour adapter (05)",
    "index.build_seconds": "seconds to embed and index the whole help center (07)",
    "update.index_seconds": "seconds to upsert/delete the changed articles in the index (07)",
    "update.retrain_seconds": "seconds to retrain the facts adapter on the v2 facts (07)",
    "update.rag_fresh": "changed facts answered with the v2 value by RAG after re-indexing (07)",
    "update.ft_v1_stale": "changed facts answered with the stale v1 value by the v1-tuned model (07)",
    "update.ft_v1_fresh": "changed facts answered with the v2 value by the v1-tuned model (07)",
    "update.ft_v2_fresh": "changed facts answered with the v2 value after retraining on v2 (07)",
    "update.hybrid_fresh": "changed facts stated with the v2 value by the hybrid after re-indexing (07)",
    "security.asr_naive": "share of red-team attacks that succeed against the naive RAG prompt (08)",
    "security.asr_all_defences": "share of red-team attacks that succeed against fence + detector + output check (08)",
    "security.detector_fpr": "share of clean help-center chunks the injection detector flags (08)",
    "security.defence_accuracy_drop": "answer accuracy lost on clean questions with all three defences (08)",
    "security.canary_exposure_ft": "mean canary exposure (bits) of the model tuned with canaries (08)",
    "security.canary_leaks_ft": "share of extraction prompts that make the canary-tuned model emit a code (08)",
    "security.canary_leaks_rag_public": "share of extraction prompts that leak a code to a public RAG caller (08)",
    "security.index_delete_seconds": "seconds to delete the secret document from the index (08)",
    "security.retrain_seconds": "seconds to retrain the adapter without the canary records (08)",
}


def cache_path() -> Path:
    return cache_dir() / "evidence.json"


def snapshot_path() -> Path:
    return ROOT / "notebooks" / "evidence.json"


def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not valid JSON ({e}); delete it and re-run the notebooks") from e
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object of evidence entries")
    return data


def record(values: dict[str, float], source: str, not_measured: Sequence[str] = ()) -> dict:
    """Store measured ``values`` (key -> number) under ``source``; returns the whole store.

    Unknown keys, non-numbers (``True``, ``"0.5"``) and non-finite numbers are refused, all
    before anything is written (a typo would otherwise never be read; ``True`` would read 1.0).
    ``not_measured``: keys this run could not measure (e.g. tone over fewer than 10 valid
    replies); they are stored as ``{"value": None}`` so that an older measurement of the same
    key, in the cache or the snapshot, is no longer quoted (readers treat None as not measured).
    """
    both = sorted(set(values) & set(not_measured))
    if both:
        raise ValueError(f"keys both measured and not measured: {both}")
    unknown = sorted((set(values) | set(not_measured)) - set(KEYS))
    if unknown:
        raise KeyError(
            f"unknown evidence keys {unknown}; known keys are listed in labkit.decide.evidence.KEYS"
        )
    clean = {}
    for key, v in values.items():
        if isinstance(v, (bool, str)) or not isinstance(v, numbers.Real):
            raise TypeError(
                f"evidence {key!r} must be a number, got {v!r} ({type(v).__name__}); "
                "record a share as a float (e.g. 1.0 for 100%), not a bool"
            )
        if not math.isfinite(float(v)):
            raise ValueError(f"evidence {key!r} must be a finite number, got {v!r}")
        clean[key] = {"value": round(float(v), 6), "source": source}
    clean |= {key: {"value": None, "source": source} for key in not_measured}
    with file_lock(cache_path().with_name(".evidence.lock")):
        store = _read(cache_path())
        store.update(clean)
        atomic_write_json(cache_path(), store)
    return store


def load(use_snapshot: bool = True) -> dict[str, dict]:
    """All evidence: key -> {"value", "source"}; this machine's measurements override the snapshot."""
    out = _read(snapshot_path()) if use_snapshot else {}
    out.update(_read(cache_path()))
    return {k: v for k, v in out.items() if k in KEYS}


def value(key: str, default: float | None = None, evidence: dict | None = None) -> float | None:
    """One measured number, or ``default`` when nobody has measured it yet (or the last run
    could not measure it: recorded as not measured)."""
    if key not in KEYS:
        raise KeyError(f"unknown evidence key {key!r}")
    ev = load() if evidence is None else evidence
    found = ev[key]["value"] if key in ev else None
    return default if found is None else found


def write_snapshot() -> Path:
    """Copy the cache's evidence to the committed snapshot (run by ``make notebooks``)."""
    return atomic_write_json(snapshot_path(), load(use_snapshot=True))
