"""A simulated week in production in one call: the short production-loop section of ``make demo``.

Notebook 10 runs the loop step by step; :func:`run_week` does its first half for the main job:
simulated dev-side traffic (:func:`labkit.production.traffic.simulate`) answered and logged by
:func:`labkit.production.serve.serve` with the response cache, then :func:`summarise` reads the
log back by SQL: complaints, refusals and JSON validity per kind of request (rates with their
95% Wilson interval and true denominator), latency percentiles of real (uncached) answers, and
the hard cases the next adapter would be trained on (:func:`labkit.production.mining.hard_cases`).
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Sequence

from .. import stats
from . import mining, monitor, serve, traffic
from .log import InteractionLog

__all__ = ["run_week", "summarise"]


def run_week(
    log: InteractionLog,
    version: str,
    *,
    ticket_fn: Callable,
    question_fn: Callable,
    tickets: Sequence[dict],
    questions: Sequence[dict],
    facts: dict[str, dict],
    n: int = 48,
    ticket_share: float = 0.5,
    seed: int = 1,
    batch: int = 24,
    min_score: float = 0.5,
) -> dict:
    """Serve ``n`` simulated requests (``tickets``: train split, ``questions``: dev split; the
    traffic generator refuses test data) with ``version``'s functions in batches of ``batch``,
    logging every one to ``log``, then :func:`summarise` the log."""
    if n < 1 or batch < 1:
        raise ValueError(f"n and batch must be at least 1, got n={n}, batch={batch}")
    requests = traffic.simulate(
        tickets, questions, n, ticket_share=ticket_share, n_users=max(n // 2, 1), seed=seed
    )
    users, cache = random.Random(seed + 1), {}
    for i in range(0, len(requests), batch):
        serve.serve(
            requests[i : i + batch],
            log,
            version,
            ticket_fn=ticket_fn,
            question_fn=question_fn,
            facts=facts,
            rng=users,
            cache=cache,
        )
    return summarise(log.conn, min_score=min_score)


_BY_KIND = """
    SELECT CASE WHEN json_valid IS NULL THEN 'question' ELSE 'ticket' END AS kind,
           COUNT(*) AS n, SUM(cached) AS cached, COUNT(feedback) AS rated,
           SUM(feedback = -1) AS complaints, SUM(refused) AS refused,
           SUM(json_valid) AS json_valid
    FROM interactions GROUP BY kind ORDER BY kind"""


def summarise(conn: sqlite3.Connection, min_score: float = 0.5) -> dict:
    """What the log says, every count from SQL: per kind (``question``/``ticket``) the
    interactions, cached answers, complaints among rated answers, refusals and (tickets) valid
    JSON as ``stats.format_rate`` strings; p50/p95 latency of uncached answers (seconds); the
    hard cases (complaint, invalid JSON or top retrieval score below ``min_score``) by reason."""
    kinds = {}
    for kind, n, cached, rated, complaints, refused, json_ok in conn.execute(_BY_KIND):
        row = {
            "interactions": n,
            "cached": cached or 0,
            "complaints among rated": stats.format_rate(stats.rate(complaints or 0, rated)),
            "refused": stats.format_rate(stats.rate(refused or 0, n)),
        }
        if kind == "ticket":
            row["valid JSON"] = stats.format_rate(stats.rate(json_ok or 0, n))
        kinds[kind] = row
    lat = monitor.latency_percentiles(conn, by="cached")
    fresh = lat[lat["cached"] == 0]
    hard = mining.hard_cases(conn, min_score=min_score)
    reasons = hard["reasons"].str.split(",").explode().value_counts()  # a case can have several
    total = conn.execute("SELECT COUNT(*) FROM interactions").fetchone()[0]
    return {
        "interactions": total,
        "by_kind": kinds,
        "latency_uncached_s": {
            "n": int(fresh["n"].iloc[0]) if len(fresh) else 0,
            "p50": round(float(fresh["p50"].iloc[0]), 3) if len(fresh) else None,
            "p95": round(float(fresh["p95"].iloc[0]), 3) if len(fresh) else None,
        },
        "hard_cases": len(hard),
        "hard_case_reasons": {str(k): int(v) for k, v in sorted(reasons.items())},
        "min_score": min_score,
    }


def course_week(
    index, embedder, base, tuned, tok, retrieve, log_path=None, data_dir=None, n: int = 48
) -> dict:
    """The main job's week: tickets answered by the hybrid (``tuned`` with ``retrieve``, as in
    notebook 06), questions by notebook 03's RAG on ``base``; traffic from the train tickets
    (one per scenario) and the dev questions, every caller a customer. Logs to ``log_path`` (None:
    a new temporary file), prints the summary and returns :func:`summarise`'s dict plus
    ``version`` and ``log`` (the file's path)."""
    import tempfile
    from pathlib import Path

    from .. import data
    from ..hybrid import assembly as hybrid
    from ..hybrid import course
    from ..hybrid.scores import spread_sample
    from ..rag.generate import GenerationConfig, rag_answer

    readers = course.reader_retriever(index, embedder)
    q_cfg = GenerationConfig(progress=False)

    def ticket_fn(texts, caller):
        # the four-way table's hybrid exactly: its default generation settings
        return hybrid.answer_tickets(texts, tuned, tok, caller=caller, retrieve_fn=retrieve,
                                     k=course.SOURCES_K)  # fmt: skip

    def question_fn(texts, caller):
        return rag_answer(texts, readers.search, base, tok, k=3, cfg=q_cfg, caller=caller)

    tickets = spread_sample(data.load_tickets("train", data_dir), 32)
    facts = {f["id"]: f for f in data.load_facts("v1", data_dir)}
    log_path = log_path or Path(tempfile.mkdtemp(prefix="labkit-week-")) / "interactions.db"
    with InteractionLog(log_path) as log:
        summary = run_week(log, "hybrid", ticket_fn=ticket_fn, question_fn=question_fn,
                           tickets=tickets, questions=data.load_questions("dev", data_dir),
                           facts=facts, n=n)  # fmt: skip
    for kind, row in summary["by_kind"].items():
        print(f"    {kind}s: " + "; ".join(f"{k} {v}" for k, v in row.items()))
    print(f"    hard cases: {summary['hard_cases']} {summary['hard_case_reasons']}")
    return summary | {"version": "hybrid", "log": str(log_path)}
