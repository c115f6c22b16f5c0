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

Notebook 04's adapter (``ft`` and ``hybrid``) learned from tickets alone: in the hybrid it meets
sources for the first time. An optional fifth setup (``system_setups(..., reading=model)``,
:mod:`labkit.hybrid.reading`; not in notebook 06's table, for lack of test-budget time) serves the
same prompt with an adapter that also learned to use sources: :func:`add_sources`
turns every other training ticket into a "sources + ticket" prompt whose gold reply cites the
source that states the fact, as ``[n]`` (RAFT-style: the model sees the retrieved passages it
will see when served, including misses), mixed with the grounded reader's examples.
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

# re-exported: notebooks read the whole four-way comparison as ``hybrid.<name>``
from .scores import (
    COMBINED,
    combined_from_scores,
    combined_score,
    gate_row,
    knowledge_metrics,
    one_per_scenario,
    refusal_rate,
    spread_sample,
    system_row,
    system_setups,
    ticket_scores,
)

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

SYSTEMS = {
    "base": "base",
    "RAG only": "rag",
    "fine-tuned only": "ft",
    "hybrid": "hybrid",
}
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
