"""The refusal detector against hand-labelled real outputs of the course's generator.

tests/data/refusal_labels.jsonl: SmolLM2-135M-Instruct answers to the **dev** questions (RAG with
k=3 and closed-book), collected by scripts/collect_outputs.py and labelled by hand under the
rule in that script's docstring. Test questions are not in the set: the detector is not tuned
on the split the notebooks report.
"""

import json
from pathlib import Path

import pytest

from labkit.data import load_questions
from labkit.rag.generate import is_refusal

LABELS = Path(__file__).parent / "data" / "refusal_labels.jsonl"
MIN_PRECISION = MIN_RECALL = 0.95


@pytest.fixture(scope="module")
def labelled() -> list[dict]:
    return [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]


def test_labelled_set_is_large_real_and_from_dev_only(labelled):
    assert len(labelled) >= 150
    assert all(set(r) == {"id", "source", "text", "refusal"} for r in labelled)
    assert all(isinstance(r["refusal"], bool) for r in labelled)
    assert {r["source"] for r in labelled} == {"rag", "closed_book"}
    dev = {q["id"] for q in load_questions("dev")}
    assert {r["id"] for r in labelled} <= dev
    # Both classes are well represented, or precision/recall would mean little.
    n_ref = sum(r["refusal"] for r in labelled)
    assert n_ref >= 30 and len(labelled) - n_ref >= 30


def test_is_refusal_precision_and_recall_on_labelled_outputs(labelled):
    pred = [is_refusal(r["text"]) for r in labelled]
    gold = [r["refusal"] for r in labelled]
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(
        f"\nis_refusal on {len(labelled)} labelled dev outputs ({sum(gold)} refusals): "
        f"precision {precision:.3f}, recall {recall:.3f} (tp {tp}, fp {fp}, fn {fn})"
    )
    missed = [r["text"] for r, p in zip(labelled, pred, strict=True) if r["refusal"] and not p]
    wrong = [r["text"] for r, p in zip(labelled, pred, strict=True) if p and not r["refusal"]]
    assert precision >= MIN_PRECISION, f"false refusals: {wrong}"
    assert recall >= MIN_RECALL, f"missed refusals: {missed}"
