"""Simulated traffic and a simulated user for the production loop (notebook 10).

Requests come from the DEV side of the course data only, never a test set: the training tickets
(the held-out ``eval`` tickets stay the promotion gate's fixed test) and the ``dev`` questions.
Each request has a simulated customer (a caller id from a fixed pool, so canary routing by caller
id has stable users), a time (Poisson arrivals), the item it came from and its gold.

A drift can be switched on: after ``drift_at`` (a share of the run), a share ``drift_share`` of
the questions are drawn from the unanswerable ones (a product launch the help center does not
cover yet), which the monitoring view should show as falling retrieval scores.

The feedback model (:func:`feedback`), written down so that the loop's signal is known:

1. a user rates an answer at all with probability ``rate`` (default 0.6);
2. a ticket's verdict is BAD (-1) when its output is not valid JSON or its reply misses a gold
   value the ticket needs; a question's is BAD when an answerable one is declined or its answer
   misses a gold value, and when an unanswerable one is answered instead of declined; GOOD (+1)
   otherwise;
3. with probability ``noise`` (default 0.1) the verdict is flipped (users misclick, or judge on
   tone): the mined hard cases include some that were fine, as real feedback does.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Request", "simulate", "feedback"]


@dataclass(frozen=True)
class Request:
    """One simulated request: ``kind`` ``"ticket"`` or ``"question"``; ``item`` the course
    record it came from (its gold: ``must_contain`` / ``fact_ids`` / labels)."""

    request_id: str
    kind: str
    caller_id: str
    ts: float
    text: str
    segment: str
    answerable: bool
    item: dict


def _pool(n_users: int) -> list[str]:
    return [f"customer-{i:04d}" for i in range(n_users)]


def simulate(
    tickets: Sequence[dict],
    questions: Sequence[dict],
    n: int,
    *,
    ticket_share: float = 0.5,
    n_users: int = 200,
    mean_gap_s: float = 60.0,
    drift_at: float | None = None,
    drift_share: float = 0.5,
    seed: int = 0,
) -> list[Request]:
    """``n`` requests, time-ordered, drawn with replacement (seeded) from ``tickets`` (raw
    tickets, :func:`labkit.data.load_tickets`) and ``questions``; see the module docstring.
    Refuses a test split: only ``train`` tickets and ``dev`` questions."""
    from ..finetune.behaviour import format_ticket

    if any(t.get("split") != "train" for t in tickets):
        raise ValueError("traffic tickets must be the train split: eval tickets are the fixed test")
    if any(q.get("split") != "dev" for q in questions):
        raise ValueError("traffic questions must be the dev split, never test")
    if not 0 <= ticket_share <= 1 or n < 0 or n_users < 1 or mean_gap_s <= 0:
        raise ValueError("need 0 <= ticket_share <= 1, n >= 0, n_users >= 1, mean_gap_s > 0")
    rng = random.Random(seed)
    users = _pool(n_users)
    if n and not (tickets or questions):
        raise ValueError("no tickets and no questions to draw requests from")
    unanswerable = [q for q in questions if q["type"] == "unanswerable"]
    out, t = [], 0.0
    for i in range(n):
        t += rng.expovariate(1.0 / mean_gap_s)
        caller = rng.choice(users)
        if tickets and (not questions or rng.random() < ticket_share):
            tk = rng.choice(tickets)
            out.append(
                Request(f"r{i:05d}", "ticket", caller, t, format_ticket(tk), tk["category"],
                        bool(tk["fact_ids"]), tk)
            )  # fmt: skip
            continue
        drifted = drift_at is not None and i >= drift_at * n and rng.random() < drift_share
        pool = unanswerable if drifted and unanswerable else questions
        q = rng.choice(pool)
        out.append(
            Request(f"r{i:05d}", "question", caller, t, q["question"], q["type"],
                    q["type"] != "unanswerable", q)
        )  # fmt: skip
    return out


def feedback(
    req: Request,
    right: bool,
    refused: bool,
    json_valid: bool | None,
    rng: random.Random,
    rate: float = 0.6,
    noise: float = 0.1,
) -> int | None:
    """The simulated user's verdict on one answer: None (no rating), +1 or -1 (see the module
    docstring). ``right``: the answer states every gold value (ignored when not answerable);
    ``json_valid``: for tickets, whether the output parsed; None for questions."""
    if req.kind not in ("ticket", "question"):
        raise ValueError(f"unknown request kind {req.kind!r}")
    if not (0 <= rate <= 1 and 0 <= noise <= 0.5):
        raise ValueError("need 0 <= rate <= 1 and 0 <= noise <= 0.5")
    if rng.random() >= rate:
        return None
    if req.kind == "ticket":
        bad = not json_valid or (req.answerable and not right)
    else:
        bad = (refused or not right) if req.answerable else not refused
    if rng.random() < noise:
        bad = not bad
    return -1 if bad else 1
