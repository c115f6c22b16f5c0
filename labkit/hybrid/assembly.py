"""Hybrid assembly: the adapter supplies the *how* (strict JSON, triage, tone), retrieval the *what*.

Introduced in notebooks/06_hybrid_assembly.ipynb (the four-way table: base, RAG only, fine-tuned
only, hybrid) and reused by notebooks/07_knowledge_updates.ipynb (the hybrid stays fresh because
its facts come from the index).

A ticket is answered by one of four systems (:data:`SYSTEMS`), all built from the same parts:

=========  ==================  =====================================  =========================
system     model               prompt                                 facts come from
=========  ==================  =====================================  =========================
base       base SmolLM2        policy system prompt + one solved shot  the weights
rag        base SmolLM2        the same + numbered help-center sources retrieved articles
ft         base + adapter      the ticket alone                        the weights (tickets seen)
hybrid     base + adapter      numbered sources + the ticket           retrieved articles
=========  ==================  =====================================  =========================

How the adapter learns to use sources: :func:`add_sources` turns every other training ticket
into a "sources + ticket" prompt whose gold reply cites the source that states the fact, as
``[n]`` (RAFT-style training: the model sees the retrieved passages it will see when served,
including misses). The same adapter then serves both ``ft`` (no sources) and ``hybrid``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence

from ..finetune import behaviour
from ..rag.generate import (
    GenerationConfig,
    answer_contains,
    attribute,
    generate_batch,
    is_refusal,
    parse_citations,
)
from ..security.access import Caller, check_caller, check_chunks

__all__ = [
    "SYSTEMS",
    "SOURCE_RULE",
    "ticket_query",
    "source_retriever",
    "ticket_messages",
    "cite_reply",
    "add_sources",
    "attribute_sentences",
    "as_ticket",
    "answer_tickets",
    "knowledge_metrics",
    "refusal_rate",
    "combined_score",
    "system_setups",
    "one_per_scenario",
    "spread_sample",
    "ticket_scores",
    "combined_from_scores",
    "gate_row",
    "COMBINED",
    "system_row",
]

SYSTEMS = {"base": "base", "RAG only": "rag", "fine-tuned only": "ft", "hybrid": "hybrid"}
"""Display name -> the short name :mod:`labkit.decide.evidence` files its measurements under."""
SOURCE_RULE = (
    "Take facts only from the help-center sources below the ticket's header and cite the source "
    "right after the sentence that uses it, as [n]."
)
_SOURCES_HEADER = "Help-center sources:"
_TICKET_HEADER = "Ticket:"


def ticket_query(user_text: str) -> str:
    """The retrieval query for a ticket: its subject and body on one line (no customer line)."""
    lines = user_text.split("\n")
    if lines and lines[0].startswith("Customer:"):
        lines = lines[1:]
    return " ".join(" ".join(lines).split())


def _with_sources(user_text: str, chunks: Sequence[dict]) -> str:
    listed = "\n".join(
        f"[{i}] {c['title']}: {' '.join(c['text'].split())}" for i, c in enumerate(chunks, 1)
    )
    return f"{_SOURCES_HEADER}\n{listed}\n\n{_TICKET_HEADER}\n{user_text}"


def source_retriever(retriever, min_words: int = 12) -> Callable[..., list[dict]]:
    """``retrieve(query, k, *, caller)`` over ``retriever`` (anything with
    ``.search(query, k, caller=...)``) that skips chunks of fewer than ``min_words`` words: a
    heading-only chunk ("# Webhook deliveries failing") costs prompt tokens and states no fact.
    ``caller`` is required and passed on: the retriever keeps only what it may read."""

    def retrieve(query: str, k: int, *, caller: Caller | None = None) -> list[dict]:
        check_caller(caller)
        found = retriever.search(query, k + 4, caller=caller)
        return [c for c in found if len(c["text"].split()) >= min_words][:k]

    return retrieve


def ticket_messages(
    user_text: str,
    chunks: Sequence[dict] | None = None,
    policy: bool = False,
    shots: Sequence[dict] = (),
) -> list[dict]:
    """Chat messages for one ticket.

    ``chunks``: retrieved passages, listed as numbered sources before the ticket (RAG, hybrid).
    ``policy``: prepend the written policy (:data:`labkit.finetune.behaviour.SYSTEM_PROMPT`, plus
    :data:`SOURCE_RULE` when there are sources) and ``shots`` as solved examples: how the *base*
    model is told what the adapter learned. The tuned model gets neither.
    """
    content = _with_sources(user_text, chunks) if chunks else user_text
    if not policy:
        return [{"role": "user", "content": content}]
    msgs = behaviour.few_shot_messages({"messages": [{"role": "user", "content": content}]}, shots)
    if chunks:
        msgs[0] = {"role": "system", "content": f"{behaviour.SYSTEM_PROMPT}\n{SOURCE_RULE}"}
    return msgs


_SENTENCE_END = re.compile(r"(?<=[.?])\s+")


def cite_reply(reply: str, chunks: Sequence[dict], fact: dict) -> str:
    """The gold ``reply`` with ``[n]`` after the sentence that states ``fact``.

    n is the first retrieved chunk from the fact's article whose text contains every
    ``must_contain`` string; when no retrieved chunk holds the fact, the reply is returned
    unchanged (a missed retrieval must not teach the model to invent a citation).
    """
    n = next(
        (
            i
            for i, c in enumerate(chunks, 1)
            if c["doc_id"] == fact["article_id"]
            and answer_contains(c["text"], fact["must_contain"])
        ),
        None,
    )
    if n is None:
        return reply
    parts = _SENTENCE_END.split(reply)
    for j, sentence in enumerate(parts):
        if answer_contains(sentence, fact["must_contain"]) and sentence[-1:] in ".?":
            parts[j] = f"{sentence[:-1]} [{n}]{sentence[-1]}"
            return " ".join(parts)
    return reply


def add_sources(
    records: Sequence[dict],
    tickets: Sequence[dict],
    facts: dict[str, dict],
    retrieve_fn: Callable[[str, int], list[dict]],
    k: int = 2,
    every: int = 2,
) -> list[dict]:
    """The training mix for an adapter that serves with and without retrieval.

    ``records``: behaviour chat records without the system turn (user ticket, assistant JSON),
    aligned by ``id`` with ``tickets`` (:func:`labkit.data.load_tickets`). Every ``every``-th
    record (from the first) gets the top-``k`` passages for its ticket as numbered sources, and
    its gold reply cites the passage that holds the ticket's fact (:func:`cite_reply`); the
    others stay as they are. Deterministic; records keep their ids and order.
    """
    by_id = {t["id"]: t for t in tickets}
    out = []
    for j, rec in enumerate(records):
        if j % every:
            out.append(rec)
            continue
        ticket = by_id[rec["id"]]
        user = next(m["content"] for m in rec["messages"] if m["role"] == "user")
        chunks = retrieve_fn(ticket_query(user), k)
        label = behaviour.parse_response(rec["messages"][-1]["content"])
        reply = label["reply"]
        for fid in ticket["fact_ids"]:
            reply = cite_reply(reply, chunks, facts[fid])
        answer = behaviour.format_label(dict(label, reply=reply))
        msgs = [
            {"role": "user", "content": _with_sources(user, chunks)},
            {"role": "assistant", "content": answer},
        ]
        out.append(dict(rec, messages=msgs))
    return out


def attribute_sentences(reply: str, chunks: Sequence[dict], min_overlap: float = 0.6) -> list[int]:
    """Post-hoc citations for a multi-sentence reply: for each sentence, the source that covers
    at least ``min_overlap`` of its content words (:func:`labkit.rag.generate.attribute`); sorted,
    unique. A greeting or sign-off matches no source, a sentence copied from one does."""
    found = {attribute(sentence, chunks, min_overlap) for sentence in _SENTENCE_END.split(reply)}
    return sorted(n for n in found if n is not None)


def as_ticket(question: str, name: str = "Sam", plan: str = "Team") -> str:
    """A question (e.g. an unanswerable one from the question set) written as a ticket."""
    return (
        f"Customer: {name} ({plan} plan)\nSubject: Question\n\nHi,\n\n{question}\n\nThanks,\n{name}"
    )


def answer_tickets(
    user_texts: Sequence[str],
    model,
    tok,
    *,
    caller: Caller | None = None,
    retrieve_fn: Callable[..., list[dict]] | None = None,
    k: int = 2,
    policy: bool = False,
    shots: Sequence[dict] = (),
    cfg: GenerationConfig | None = None,
) -> list[dict]:
    """Answer tickets with one system; returns per ticket a dict with ``text`` (raw output),
    ``parsed`` (the JSON answer or None), ``citations`` (source numbers the model wrote),
    ``cited_docs`` (their article ids; when the model wrote none, the sources that
    :func:`attribute_sentences` finds post hoc: ``citation_source`` says which), ``chunks``, ``prompt_tokens``,
    ``new_tokens``, ``seconds`` (amortised generation + retrieval per ticket) and ``caller``
    (the role).

    ``caller``: who is asking (:class:`labkit.security.access.Caller`), required; the ticket
    systems serve customers, so ``Caller("customer")``. ``retrieve_fn`` given: RAG / hybrid
    (sources in the prompt), called as ``retrieve_fn(query, k, caller=caller)``; every chunk it
    returns is checked again and one the caller may not read raises
    :class:`labkit.security.access.AccessError` before any prompt is built. None: base /
    fine-tuned.
    """
    check_caller(caller)
    cfg = cfg or GenerationConfig(max_new_tokens=120, stop_at_newline=False)
    t0 = time.perf_counter()
    retrieved = [
        list(retrieve_fn(ticket_query(u), k, caller=caller)) if retrieve_fn else []
        for u in user_texts
    ]
    for ch in retrieved:
        check_chunks(ch, caller)  # before any prompt exists
    retrieval_s = (time.perf_counter() - t0) / max(len(user_texts), 1)
    gens = generate_batch(
        model,
        tok,
        [
            ticket_messages(u, ch, policy, shots)
            for u, ch in zip(user_texts, retrieved, strict=True)
        ],
        cfg,
    )
    out = []
    for g, chunks in zip(gens, retrieved, strict=True):
        parsed = behaviour.parse_response(g["text"])
        reply = parsed["reply"] if parsed else g["text"]
        cites = [c for c in parse_citations(reply) if 1 <= c <= len(chunks)]
        source = "model" if cites else None
        if chunks and not cites and not is_refusal(reply):
            cites = attribute_sentences(reply, chunks)
            source = "attributed" if cites else None
        out.append(
            {
                "text": g["text"],
                "parsed": parsed,
                "reply": reply,
                "citations": cites,
                "citation_source": source,
                "cited_docs": [chunks[c - 1]["doc_id"] for c in cites],
                "chunks": chunks,
                "caller": caller.role,
                "prompt_tokens": g["prompt_tokens"],
                "new_tokens": g["new_tokens"],
                "seconds": g["seconds"] + retrieval_s,
            }
        )
    return out


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
    base, tuned, retrieve: Callable[[str, int], list[dict]], shots: Sequence[dict] = ()
) -> dict:
    """Keyword arguments of :func:`answer_tickets` for each of the four systems (:data:`SYSTEMS`):
    the base model with the written policy and ``shots``, the same plus retrieval, the tuned
    model with the ticket alone, the tuned model plus retrieval."""
    return {
        "base": dict(model=base, policy=True, shots=shots),
        "RAG only": dict(model=base, policy=True, shots=shots, retrieve_fn=retrieve),
        "fine-tuned only": dict(model=tuned),
        "hybrid": dict(model=tuned, retrieve_fn=retrieve),
    }


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
