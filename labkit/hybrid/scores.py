"""Scoring the four hybrid systems: knowledge, behaviour and the combined score, one row per system.

Introduced in notebooks/06_hybrid_assembly.ipynb (the four-way table) and reused by
notebooks/07_knowledge_updates.ipynb and ``make demo`` (:mod:`labkit.main`). The systems
themselves are built in :mod:`labkit.hybrid.assembly`. Split out of ``assembly`` (issue 12 §4).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..finetune import behaviour
from ..rag.generate import answer_contains, is_refusal

__all__ = [
    "knowledge_metrics",
    "refusal_rate",
    "combined_score",
    "system_setups",
    "one_per_scenario",
    "spread_sample",
    "ticket_scores",
    "combined_from_scores",
    "versus_best_single",
    "gate_row",
    "COMBINED",
    "system_row",
]


def knowledge_metrics(
    tickets: Sequence[dict], outputs: Sequence[dict], facts: dict[str, dict]
) -> dict:
    """Knowledge scores over the tickets that need a fact (``fact_ids`` non-empty).

    ``answer_accuracy``: the reply states every needed fact (``must_contain`` of ``facts``, e.g.
    v1 or v2 facts by id; whole-token match, as in notebook 03). ``citation_accuracy``: the
    reply is right **and** cites (written or attributed) the article of every needed fact, as
    :func:`labkit.rag.evaluate.score_answers` defines it: a wrong reply citing the right article
    is not a correct citation, so it never exceeds ``answer_accuracy``. ``self_cited``: share
    of replies where the model wrote the citation itself. Plus ``n``.
    """
    if len(tickets) != len(outputs):
        raise ValueError(f"{len(tickets)} tickets but {len(outputs)} outputs")
    rows = [(t, o) for t, o in zip(tickets, outputs, strict=True) if t["fact_ids"]]
    if not rows:
        raise ValueError("no ticket needs a fact: nothing to score")
    right = cited = self_cited = 0
    for t, o in rows:
        needed = [facts[f] for f in t["fact_ids"]]
        ok = all(answer_contains(o["reply"], f["must_contain"]) for f in needed)
        right += ok
        cited += ok and all(f["article_id"] in o["cited_docs"] for f in needed)
        self_cited += o["citation_source"] == "model"
    n = len(rows)
    return {
        "answer_accuracy": right / n,
        "citation_accuracy": cited / n,
        "self_cited": self_cited / n,
        "n": n,
    }


def refusal_rate(outputs: Sequence[dict], gated: Sequence[bool] | None = None) -> float:
    """Share of outputs that decline: the retrieval gate fired, or the reply refuses."""
    gated = gated or [False] * len(outputs)
    if not outputs:
        raise ValueError("no outputs")
    return sum(g or is_refusal(o["reply"]) for o, g in zip(outputs, gated, strict=True)) / len(
        outputs
    )


def system_setups(
    base,
    tuned,
    retrieve: Callable[[str, int], list[dict]],
    shots: Sequence[dict] = (),
    reading=None,
) -> dict:
    """Keyword arguments of :func:`answer_tickets` for each system of :data:`SYSTEMS`: the base
    model with the written policy and ``shots``, the same plus retrieval, the tuned model with
    the ticket alone, the tuned model plus retrieval; with ``reading`` (a model whose adapter
    was also taught to read sources, :mod:`labkit.hybrid.reading`) a fifth, that model plus
    the same retrieval."""
    setups = {
        "base": dict(model=base, policy=True, shots=shots),
        "RAG only": dict(model=base, policy=True, shots=shots, retrieve_fn=retrieve),
        "fine-tuned only": dict(model=tuned),
        "hybrid": dict(model=tuned, retrieve_fn=retrieve),
    }
    if reading is not None:
        setups["hybrid, tuned to read"] = dict(model=reading, retrieve_fn=retrieve)
    return setups


def one_per_scenario(tickets: Sequence[dict]) -> list[dict]:
    """The first ticket of each scenario, in file order: a held-out set that covers every kind
    of ticket once (64 of the 160 held-out tickets) at 40% of the generation cost."""
    return spread_sample(tickets, None, rounds=1)


def spread_sample(tickets: Sequence[dict], n: int | None, rounds: int | None = None) -> list[dict]:
    """Up to ``n`` tickets spread over scenarios: the first ticket of every scenario, then the
    second of every scenario, and so on (file order inside each round). Deterministic; with
    ``rounds=1`` it is :func:`one_per_scenario`. Used for the four-way table's 96 held-out
    tickets: every scenario once, then a second ticket for the first 32."""
    by_scenario: dict[str, list[dict]] = {}
    for t in tickets:
        by_scenario.setdefault(t["scenario"], []).append(t)
    out: list[dict] = []
    depth = 0
    while (rounds is None or depth < rounds) and (n is None or len(out) < n):
        layer = [ts[depth] for ts in by_scenario.values() if len(ts) > depth]
        if not layer:
            break
        out += layer
        depth += 1
    return out if n is None else out[:n]


def ticket_scores(
    tickets: Sequence[dict], outputs: Sequence[dict], facts: dict[str, dict]
) -> list[dict]:
    """Per-ticket scores of one system (what :func:`system_row` averages and a paired test compares).

    Knowledge (None when the ticket needs no fact): ``answer_ok`` the reply states every needed
    fact (whole-token match); ``citation_ok`` the answer is right AND a cited source (written or
    attributed) comes from the article that holds the fact; ``self_cited`` the model wrote the
    citation itself. Behaviour (:func:`labkit.finetune.behaviour.item_scores`): ``valid``,
    ``all_fields``, ``tone_ok`` (None when invalid), ``tone_valid``. Plus ``refused`` (the reply
    declines, :func:`labkit.rag.generate.is_refusal`).
    """
    if len(tickets) != len(outputs):
        raise ValueError(f"{len(tickets)} tickets but {len(outputs)} outputs")
    items = behaviour.item_scores(tickets, [o["text"] for o in outputs])
    rows = []
    for t, o, b in zip(tickets, outputs, items, strict=True):
        needed = [facts[f] for f in t["fact_ids"]]
        right = all(answer_contains(o["reply"], f["must_contain"]) for f in needed)
        cites_article = all(f["article_id"] in o["cited_docs"] for f in needed)
        rows.append(
            {
                "id": t.get("id"),
                "needs_fact": bool(needed),
                "answer_ok": right if needed else None,
                "citation_ok": (right and cites_article) if needed else None,
                "self_cited": (o["citation_source"] == "model") if needed else None,
                "refused": is_refusal(o["reply"]),
                **{k: b[k] for k in ("valid", "all_fields", "tone_ok", "tone_valid")},
            }
        )
    return rows


COMBINED = ("answer_accuracy", "citation_accuracy", "json_validity", "all_fields", "tone_valid")
"""The five columns the combined score averages, all shown in the four-way table."""


def _mean(flags) -> float:
    flags = [bool(x) for x in flags]
    return sum(flags) / len(flags) if flags else float("nan")


def combined_from_scores(scores: Sequence[dict]) -> float:
    """The combined score of :func:`ticket_scores` rows (as in :func:`system_row`); what a
    paired bootstrap over tickets recomputes on each resample."""
    fact = [r for r in scores if r["needs_fact"]]
    parts = {
        "answer_accuracy": _mean(r["answer_ok"] for r in fact),
        "citation_accuracy": _mean(r["citation_ok"] for r in fact),
        "json_validity": _mean(r["valid"] for r in scores),
        "all_fields": _mean(r["all_fields"] for r in scores),
        "tone_valid": _mean(r["tone_valid"] for r in scores),
    }
    return combined_score(parts)


def versus_best_single(table: dict, seed: int = 0) -> dict:
    """The hybrid's combined score against the better single approach of a four-way table whose
    rows keep their ``ticket_scores``: a paired bootstrap over tickets
    (:func:`labkit.stats.bootstrap_difference`), its ``verdict`` ("better" / "worse" only when
    p < 0.05, else "not significant": the prose may then claim no direction) and a ``sentence``."""
    from ..stats import bootstrap_difference

    best = max(("RAG only", "fine-tuned only"), key=lambda name: table[name]["combined"])
    hyb, single = table["hybrid"]["ticket_scores"], table[best]["ticket_scores"]
    b = bootstrap_difference(combined_from_scores, hyb, single, seed=seed)
    verdict = "not significant"
    if b["p_value"] < 0.05:
        verdict = "better" if b["difference"] > 0 else "worse"
    sentence = (
        f"hybrid {table['hybrid']['combined']:.3f} vs {best} {table[best]['combined']:.3f} on the "
        f"combined score: {b['difference']:+.3f} [95% CI {b['ci_low']:+.3f}, {b['ci_high']:+.3f}], "
        f"paired bootstrap over {b['n']} tickets p = {b['p_value']:.3f}: {verdict}"
    )
    return {**b, "best_single": best, "verdict": verdict, "sentence": sentence}


def system_row(
    tickets: Sequence[dict],
    outputs: Sequence[dict],
    facts: dict[str, dict],
    unanswerable: Sequence[dict],
) -> dict:
    """One row of the four-way table: knowledge, behaviour and cost numbers of one system.

    ``outputs``: :func:`answer_tickets` on ``tickets``; ``unanswerable``: its outputs on tickets
    the help center cannot answer. No refusal gate is applied here, to any system: every
    system answers every ticket, and ``refusal_unanswerable`` is the model's OWN refusal rate
    (the retrieval gate is measured separately, on answerable and unanswerable tickets alike:
    :func:`gate_row`). Denominators: ``n_fact`` tickets that need a fact (answer, citation,
    self-cited), ``n`` tickets (JSON validity, all fields, tone_valid), ``n_valid`` valid
    outputs (tone adherence, NaN = not measured below 10), ``n_unanswerable``.
    """
    scores = ticket_scores(tickets, outputs, facts)
    b = behaviour.behaviour_metrics(tickets, [o["text"] for o in outputs])
    fact = [r for r in scores if r["needs_fact"]]
    if not fact:
        raise ValueError("no ticket needs a fact: nothing to score")
    row = {
        "answer_accuracy": _mean(r["answer_ok"] for r in fact),
        "citation_accuracy": _mean(r["citation_ok"] for r in fact),
        "self_cited": _mean(r["self_cited"] for r in fact),
        "refusal_unanswerable": refusal_rate(unanswerable) if unanswerable else float("nan"),
        "json_validity": b["json_validity"],
        "all_fields": b["all_fields"],
        "tone_adherence": b["tone_adherence"],
        "tone_valid": b["tone_valid"],
    }
    row["combined"] = combined_score(row)
    row["prompt_tokens"] = sum(o["prompt_tokens"] for o in outputs) / len(outputs)
    row["latency_s"] = sum(o["seconds"] for o in outputs) / len(outputs)
    row |= {"n": len(scores), "n_fact": len(fact), "n_valid": b["n_valid"]}
    row["n_unanswerable"] = len(unanswerable)
    return row


def gate_row(
    scores: Sequence[dict], gated_answerable: Sequence[bool], gated_unanswerable: Sequence[bool]
) -> dict:
    """The retrieval-score refusal gate applied to one system's tickets, answerable AND
    unanswerable alike: ``refusal_unanswerable`` (declined / all unanswerable),
    ``false_refusal`` (declined / answerable tickets that need a fact) and
    ``answer_accuracy_gated`` (a declined answerable ticket counts as not answered, so false
    refusals cost accuracy), with their counts."""
    if len(scores) != len(gated_answerable):
        raise ValueError(f"{len(scores)} ticket scores but {len(gated_answerable)} gate flags")
    fact = [(r, g) for r, g in zip(scores, gated_answerable, strict=True) if r["needs_fact"]]
    return {
        "refusal_unanswerable": _mean(gated_unanswerable),
        "false_refusal": _mean(g for _, g in fact),
        "answer_accuracy_gated": _mean(r["answer_ok"] and not g for r, g in fact),
        "n_fact": len(fact),
        "n_unanswerable": len(gated_unanswerable),
    }


def combined_score(row: dict) -> float:
    """Mean of the five columns in :data:`COMBINED` (answer and citation accuracy over tickets
    that need a fact; JSON validity, all three triage fields, and ``tone_valid`` = valid JSON
    whose reply keeps every tone rule, over all tickets). Equal weights: a deliberate, visible
    choice; every component is a column of the table, so the score can be recomputed from it.
    Refusal is not in it: it is measured on other tickets (:func:`gate_row`)."""
    return sum(row[k] for k in COMBINED) / len(COMBINED)
