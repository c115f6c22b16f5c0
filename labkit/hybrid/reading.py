"""The ticket assistant taught to read its sources (issue 11 section 3; notebook 06's fifth row).

Notebook 04's adapter learned the ticket behaviour from tickets alone; in the hybrid it meets
retrieved passages for the first time and never cites them itself. Here ONE adapter is trained on
a mix of both skills:

- the ticket behaviour with sources (:func:`labkit.hybrid.course.behaviour_training_set` with a
  retriever): all 640 training tickets, every other one with :data:`~labkit.hybrid.course.SOURCES_K`
  retrieved passages and a gold reply citing the passage that holds its fact;
- the grounded reader's examples (:func:`labkit.hybrid.course.reader_training_set`, notebook 03):
  a question, three numbered sources (the gold one absent in a quarter), a one-sentence cited
  answer or the course's refusal.

Mixed two tickets to one reading example (:func:`mix`), in file order (the trainer shuffles with
its seed). Alternative measured on dev and rejected: peft's ``add_weighted_adapter`` combining
the two separately trained adapters (behaviour + reader, ``cat``) without any training; the
reader's update overwrote the JSON format (see :data:`READING_CFG`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from ..env import Profile, current_profile
from ..finetune.train import QLoRAConfig
from ..security.access import Caller
from . import course

__all__ = ["READING_CFG", "TICKETS_PER_READING", "mix", "reading_training_set", "reading_adapter"]

READING_CFG = QLoRAConfig(max_steps=100, lr=2e-3, dropout=0.0, max_len=512)
"""100 steps x 4 of the 960-record mix (~400 records, ~2/5 of an epoch; ~9 min on 2 CPU cores,
~5.5 s a step: prompts with sources are ~3x a bare ticket). Notebook 04's recipe (lr 2e-3, no
dropout) with 20 more steps for the second skill and the longer ``max_len`` of
:data:`~labkit.hybrid.course.SOURCES_CFG`. Measured once on dev, the 64 held-out tickets that
notebook 06's table does not use (56 need a fact) plus the 19 dev unanswerable questions as
tickets, hybrid setup (2 retrieved passages + the ticket), answer / citation / self-cited /
JSON validity / all fields: notebook 04's adapter 0.089 / 0.071 / 0.000 / 0.969 / 0.516; this
adapter 0.214 / 0.179 / 0.196 / 0.922 / 0.484. peft's ``add_weighted_adapter`` (``cat``) of the
behaviour and reader adapters, no training: reader weight 1.0 0.179 / 0.125 / 0.000 / 0.016 /
0.016 (the JSON format is gone), weight 0.5 0.143 / 0.107 / 0.000 / 0.562 / 0.250. One config
tried, not tuned: the budget (a cold test suite on 2 cores) allowed one ~10-minute run."""

TICKETS_PER_READING = 2
"""Two ticket records, then one reading example: the mix keeps the ticket behaviour the larger
share (it is what the assistant is for) while every batch of four sees the reading skill."""


def mix(
    tickets: Sequence[dict], reading: Sequence[dict], every: int = TICKETS_PER_READING
) -> list[dict]:
    """``tickets`` in order with one record of ``reading`` after every ``every`` tickets, until
    either runs out (the rest of ``tickets`` follows; unused reading examples are dropped).
    Deterministic; ids must not collide."""
    if every < 1:
        raise ValueError(f"every must be >= 1, got {every}")
    out, rest = [], iter(reading)
    for i, t in enumerate(tickets, 1):
        out.append(t)
        if i % every == 0:
            r = next(rest, None)
            if r is not None:
                out.append(r)
    ids = [r["id"] for r in out]
    if len(set(ids)) != len(ids):
        raise ValueError("ticket and reading records share ids: the mix would be ambiguous")
    return out


def reading_training_set(index, embedder, data_dir=None) -> list[dict]:
    """The mix (:func:`mix`) of the tickets with sources (retrieved from ``index`` as a customer
    reads it: no internal article reaches a training prompt) and the grounded reader's examples."""
    retrieve = functools.partial(
        course.ticket_retriever(index, embedder), caller=Caller("customer")
    )
    tickets = course.behaviour_training_set(retrieve, data_dir)
    return mix(tickets, course.reader_training_set(index, embedder, data_dir))


def reading_adapter(
    index, embedder, profile: Profile | None = None, progress: bool = True, data_dir=None
) -> tuple[Path, dict]:
    """``(out_dir, meta)`` of the reading ticket adapter (:data:`READING_CFG`), trained on
    :func:`reading_training_set` unless cached (``.labkit_cache/adapters/hybrid-reading``)."""
    profile = profile or current_profile()
    records = reading_training_set(index, embedder, data_dir)
    name = course.cache_name("hybrid-reading", records, data_dir)
    return course._trained(name, records, READING_CFG, profile, progress)
