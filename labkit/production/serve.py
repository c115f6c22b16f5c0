"""Serving with a log (notebook 10): every answer goes through :func:`serve`, which answers a
batch of requests with the system of the adapter version it was routed to, and writes one log row
per interaction, in one transaction per batch.

Who is asking is part of every path: each request's customer becomes the caller
``Caller("customer", tenant=<their id>)`` recorded in the log, and the answer functions receive
the role-level caller ``Caller("customer")`` (the help center has no per-customer articles, so
every customer may read exactly the same chunks and one batch can serve many customers).

``ticket_fn(texts, caller)`` must answer like :func:`labkit.hybrid.assembly.answer_tickets` and
``question_fn(texts, caller)`` like :func:`labkit.rag.generate.rag_answer` (bind the model,
tokenizer and retriever with :func:`functools.partial`). Gold-based scoring (:func:`is_right`)
only feeds the simulated user (:func:`labkit.production.traffic.feedback`); it is never logged
as the answer.

A response cache (optional, ``cache=``: a dict the caller keeps across batches): a request whose
exact text this version has already answered gets the stored answer, logged with
``cached=True`` and the lookup's latency. Decoding is greedy, so a fresh call would give the same
answer; the cache key includes the version, so a new adapter never serves its predecessor's
answers. Retrieval is part of the answer, so a cache must be dropped when the index changes.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence

from ..rag.answers import answer_contains, is_refusal
from ..security.access import Caller
from .log import InteractionLog
from .traffic import Request, feedback

__all__ = ["serve", "is_right"]

CUSTOMERS = Caller("customer")


def is_right(req: Request, out: dict, facts: dict[str, dict]) -> bool:
    """Whether the answer states every gold value: a ticket's reply every needed fact's
    ``must_contain`` (``facts``: :func:`labkit.data.load_facts` by id), a question's answer its
    ``must_contain``. False for unanswerable requests (nothing to be right about)."""
    if not req.answerable:
        return False
    if req.kind == "ticket":
        reply = out.get("reply") or out["text"]
        return all(answer_contains(reply, facts[f]["must_contain"]) for f in req.item["fact_ids"])
    return answer_contains(out["text"], req.item["must_contain"])


def _score(chunk: dict) -> float:
    """The score logged for a chunk: the dense cosine when the retriever reports one (hybrid
    hits carry ``dense_score``; RRF scores depend on ranks only, useless for drift), else its
    ``score``."""
    dense = chunk.get("dense_score")
    return float(dense if dense is not None else chunk.get("score", 0.0))


def _row(req: Request, out: dict, version: str, cached: bool = False) -> dict:
    chunks = out.get("chunks") or []
    text = out["text"]
    return {
        "ts": req.ts,
        "query": req.text,
        "chunk_ids": [c.get("chunk_id", c.get("doc_id", "?")) for c in chunks],
        "chunk_scores": [_score(c) for c in chunks],
        "answer": text,
        "citations": [int(c) for c in out.get("citations", [])],
        "refused": is_refusal(out.get("reply") or text),
        "latency_s": float(out.get("seconds", 0.0)),
        "prompt_tokens": int(out.get("prompt_tokens", 0)),
        "new_tokens": int(out.get("new_tokens", 0)),
        "adapter_version": version,
        "segment": req.segment,
        "json_valid": (out.get("parsed") is not None) if req.kind == "ticket" else None,
        "request_id": req.item.get("id", req.request_id),
        "cached": cached,
    }


def serve(
    requests: Sequence[Request],
    log: InteractionLog,
    version: str,
    *,
    ticket_fn: Callable[[list[str], Caller], list[dict]],
    question_fn: Callable[[list[str], Caller], list[dict]],
    facts: dict[str, dict],
    rng: random.Random | None = None,
    rate: float = 0.6,
    noise: float = 0.1,
    cache: dict | None = None,
) -> list[dict]:
    """Answer ``requests`` with ``version``'s functions, log them (one transaction), then the
    simulated users' feedback (with ``rng``; None: no feedback). ``cache``: the response cache
    (see the module docstring; None: every request is answered afresh). Returns per request
    ``{"id" (log row), "request", "output", "right", "feedback", "cached"}`` in input order."""
    outs: list[dict | None] = [None] * len(requests)
    hit = [False] * len(requests)
    if cache is not None:
        for i, r in enumerate(requests):
            t0 = time.perf_counter()
            stored = cache.get((version, r.kind, r.text))
            if stored is not None:
                outs[i], hit[i] = dict(stored, seconds=time.perf_counter() - t0), True
    for kind, fn in (("ticket", ticket_fn), ("question", question_fn)):
        idx = [i for i, r in enumerate(requests) if r.kind == kind and outs[i] is None]
        texts = list(dict.fromkeys(requests[i].text for i in idx))  # each distinct text once
        if not texts:
            continue
        got = fn(texts, CUSTOMERS)
        if len(got) != len(texts):
            raise ValueError(f"{len(texts)} requests but {len(got)} answers")
        answer = dict(zip(texts, got, strict=True))
        for i in idx:
            outs[i] = answer[requests[i].text]
        if cache is not None:
            cache.update(((version, kind, t), o) for t, o in answer.items())
    rows = [_row(r, o, version, h) for r, o, h in zip(requests, outs, hit, strict=True)]
    ids = log.record_many(
        [
            (Caller("customer", tenant=r.caller_id), row)
            for r, row in zip(requests, rows, strict=True)
        ]
    )
    result = []
    for rid, req, out, row in zip(ids, requests, outs, rows, strict=True):
        right = is_right(req, out, facts)
        vote = None
        if rng is not None:
            vote = feedback(req, right, row["refused"], row["json_valid"], rng, rate, noise)
            if vote is not None:
                log.add_feedback(rid, vote, ts=req.ts + 30.0)
        result.append(
            {"id": rid, "request": req, "output": out, "right": right, "feedback": vote,
             "cached": row["cached"]}
        )  # fmt: skip
    return result
