"""Monitoring over the interaction log (:mod:`labkit.production.log`): every number is one SQL
query, run by SQLite, not a Python loop over rows (notebook 10's monitoring view).

- :func:`latency_percentiles`: nearest-rank p50 / p95 of ``latency_s`` per group (window
  functions: SQLite has no ``percentile_cont``);
- :func:`rates`: per group, interactions, refusal rate, negative-feedback rate among rated
  answers, JSON validity among tickets, tokens;
- :func:`score_drift`: the top retrieval score per time bucket (``json_extract`` of the first
  chunk score): a falling line means questions the index does not cover.

Each returns a :class:`pandas.DataFrame`. ``by`` must be a column of :data:`GROUPABLE` (it is
part of the SQL text, so it is checked against that list, never taken as free text).
"""

from __future__ import annotations

import sqlite3

__all__ = ["GROUPABLE", "latency_percentiles", "rates", "score_drift"]

GROUPABLE = ("adapter_version", "segment", "caller_role", "refused", "json_valid", "cached")


def _group(by: str | None) -> str:
    if by is None:
        return "'all'"
    if by not in GROUPABLE:
        raise ValueError(f"cannot group by {by!r}: choose one of {GROUPABLE}")
    return by


def latency_percentiles(
    conn: sqlite3.Connection, by: str | None = "adapter_version", ps=(0.5, 0.95)
):
    """``latency_s`` percentiles per ``by`` (nearest rank: the smallest value with at least a
    share ``p`` of the group at or below it, i.e. rank >= p * n), with the group's size ``n``."""
    import pandas as pd

    if not all(0 < p <= 1 for p in ps):
        raise ValueError(f"percentiles must be in (0, 1], got {ps}")
    g = _group(by)
    cols = ", ".join(
        f"MIN(CASE WHEN rn >= {p!r} * n - 1e-9 THEN latency_s END) AS p{round(p * 100):d}"
        for p in ps
    )
    sql = f"""
        WITH ranked AS (
            SELECT {g} AS grp, latency_s,
                   ROW_NUMBER() OVER (PARTITION BY {g} ORDER BY latency_s) AS rn,
                   COUNT(*) OVER (PARTITION BY {g}) AS n
            FROM interactions)
        SELECT grp AS {by or "all_rows"}, MAX(n) AS n, {cols}
        FROM ranked GROUP BY grp ORDER BY grp"""
    return pd.read_sql_query(sql, conn)


def rates(conn: sqlite3.Connection, by: str | None = "segment"):
    """Per ``by``: ``n`` interactions, ``refusal_rate``, ``rated`` (answers with feedback) and
    ``negative_rate`` among them (NULL when none is rated), ``json_validity`` among rows where
    it applies (tickets), mean ``prompt_tokens`` and ``new_tokens``."""
    import pandas as pd

    g = _group(by)
    sql = f"""
        SELECT {g} AS {by or "all_rows"},
               COUNT(*) AS n,
               AVG(refused) AS refusal_rate,
               COUNT(feedback) AS rated,
               AVG(CASE WHEN feedback IS NOT NULL THEN feedback = -1 END) AS negative_rate,
               AVG(json_valid) AS json_validity,
               AVG(prompt_tokens) AS prompt_tokens,
               AVG(new_tokens) AS new_tokens
        FROM interactions GROUP BY {g} ORDER BY {g}"""
    return pd.read_sql_query(sql, conn)


def score_drift(conn: sqlite3.Connection, bucket_s: float, by: str | None = None):
    """Mean and minimum top retrieval score per time bucket of ``bucket_s`` seconds (bucket =
    floor((ts - first ts) / bucket_s)), over interactions that retrieved anything."""
    import pandas as pd

    if not bucket_s > 0:
        raise ValueError(f"bucket_s must be > 0, got {bucket_s}")
    g = _group(by)
    sql = f"""
        WITH t0 AS (SELECT MIN(ts) AS t0 FROM interactions)
        SELECT CAST((ts - t0.t0) / ? AS INTEGER) AS bucket, {g} AS {by or "all_rows"},
               COUNT(*) AS n,
               AVG(json_extract(chunk_scores, '$[0]')) AS top_score_mean,
               MIN(json_extract(chunk_scores, '$[0]')) AS top_score_min
        FROM interactions, t0
        WHERE json_array_length(chunk_scores) > 0
        GROUP BY bucket, {g} ORDER BY bucket, {g}"""
    return pd.read_sql_query(sql, conn, params=(float(bucket_s),))
