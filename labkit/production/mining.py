"""Hard cases from the interaction log -> the next adapter's training data (notebook 10).

:func:`hard_cases` is one SQL query: interactions with negative feedback, invalid JSON, or a top
retrieval score under a threshold, each with the reasons it was picked. :func:`training_records`
turns the ticket cases into chat records whose answers are the COURSE's gold (the ticket's
labelled reply, looked up by ``request_id``), never the model's own (wrong) output, one record
per distinct ticket; :func:`check_records` runs them through the course's data validation
(structure, behaviour JSON, duplicates, length, leakage against the evaluation tickets).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

__all__ = ["hard_cases", "training_records", "check_records"]


def hard_cases(
    conn: sqlite3.Connection, min_score: float | None = None, version: str | None = None
):
    """A :class:`pandas.DataFrame` of the hard interactions (oldest first) with a ``reasons``
    column (``negative_feedback``, ``invalid_json``, ``low_retrieval_score``, comma-joined).
    ``min_score``: top retrieval scores below it count (None: not a reason); ``version``: only
    interactions served by that adapter version."""
    import pandas as pd

    score = "json_extract(chunk_scores, '$[0]')"
    low = f"({score} IS NOT NULL AND {score} < :min_score)" if min_score is not None else "0"
    sql = f"""
        SELECT id, ts, request_id, segment, adapter_version, query, answer, feedback,
               json_valid, {score} AS top_score,
               TRIM((CASE WHEN feedback = -1 THEN 'negative_feedback,' ELSE '' END) ||
                    (CASE WHEN json_valid = 0 THEN 'invalid_json,' ELSE '' END) ||
                    (CASE WHEN {low} THEN 'low_retrieval_score,' ELSE '' END), ',') AS reasons
        FROM interactions
        WHERE (feedback = -1 OR json_valid = 0 OR {low})
          AND (:version IS NULL OR adapter_version = :version)
        ORDER BY id"""
    return pd.read_sql_query(sql, conn, params={"min_score": min_score, "version": version})


def training_records(cases, behaviour_records: Sequence[dict]) -> tuple[list[dict], list[str]]:
    """``(records, skipped)``: one gold chat record per distinct ticket among ``cases`` (rows of
    :func:`hard_cases` whose ``request_id`` is a ticket id of ``behaviour_records``, the course's
    labelled tickets, :func:`labkit.data.load_behaviour`), in order of first appearance, without
    the system turn (the adapter learns the policy, as in notebook 04); ``skipped``: request ids
    with no gold record (questions, unknown ids), for the notebook to report."""
    from ..finetune.behaviour import without_system

    gold = {r["id"]: r for r in without_system(list(behaviour_records))}
    seen, records, skipped = set(), [], []
    for rid in cases["request_id"]:
        if rid in seen:
            continue
        seen.add(rid)
        rec = gold.get(rid)
        if rec is None:
            skipped.append(rid)
            continue
        records.append(rec)
    return records, skipped


def check_records(records: Sequence[dict], eval_records: Sequence[dict], tok=None, max_tokens=512):
    """The course's validation (:func:`labkit.finetune.sft_data.validate_chat_records`, task
    ``behaviour``) of mined records against ``eval_records`` (the fixed held-out tickets): a
    near-copy of an evaluation ticket in the training data would inflate the gate's verdict."""
    from ..finetune.sft_data import validate_chat_records

    return validate_chat_records(
        records, tok=tok, max_tokens=max_tokens, eval_records=eval_records, task="behaviour"
    )
