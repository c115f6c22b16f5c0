"""The interaction log of the production loop (notebook 10): every served answer, one SQLite row.

A real local database (the standard library's ``sqlite3``), not a JSON file: concurrent readers
while one process writes (WAL journal), transactions (a batch of rows lands whole or not at all;
a crash mid-write loses nothing already committed), and SQL for monitoring
(:mod:`labkit.production.monitor`).

Schema migrations are explicit: :data:`MIGRATIONS` lists every schema version with the
statements that reach it from the one before; :func:`open_log` applies the missing ones in order,
each in its own transaction, and records the version in ``PRAGMA user_version``. A log written by
a newer labkit (a higher version) is refused, never silently downgraded.

One row per interaction (:data:`FIELDS`): time, who asked (caller role and tenant: the security
notebook's identity, required), the query, the retrieved chunk ids and scores (JSON lists), the
answer, its citations, whether it refused, latency, prompt/new tokens, the adapter version, plus
the segment it belongs to (ticket category or question class, for monitoring), whether the
output was valid JSON (tickets) and, later, the user's feedback (+1 / -1).
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..security.access import Caller, check_caller

__all__ = ["SCHEMA_VERSION", "MIGRATIONS", "FIELDS", "LogError", "open_log", "InteractionLog"]

MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        1,
        "interactions: who asked what, what was retrieved and answered, at what cost",
        (
            """CREATE TABLE interactions (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                ts REAL NOT NULL,
                caller_role TEXT NOT NULL,
                caller_tenant TEXT,
                query TEXT NOT NULL,
                chunk_ids TEXT NOT NULL,
                chunk_scores TEXT NOT NULL,
                answer TEXT NOT NULL,
                citations TEXT NOT NULL,
                refused INTEGER NOT NULL CHECK (refused IN (0, 1)),
                latency_s REAL NOT NULL CHECK (latency_s >= 0),
                prompt_tokens INTEGER NOT NULL CHECK (prompt_tokens >= 0),
                new_tokens INTEGER NOT NULL CHECK (new_tokens >= 0),
                adapter_version TEXT NOT NULL
            )""",
            "CREATE INDEX interactions_ts ON interactions (ts)",
        ),
    ),
    (
        2,
        "monitoring segments, JSON validity and user feedback",
        (
            "ALTER TABLE interactions ADD COLUMN segment TEXT",
            "ALTER TABLE interactions ADD COLUMN json_valid INTEGER CHECK (json_valid IN (0, 1))",
            "ALTER TABLE interactions ADD COLUMN feedback INTEGER CHECK (feedback IN (-1, 1))",
            "ALTER TABLE interactions ADD COLUMN feedback_ts REAL",
            "CREATE INDEX interactions_version ON interactions (adapter_version)",
        ),
    ),
    (
        3,
        "request ids: which course item a simulated request came from (mining finds its gold)",
        ("ALTER TABLE interactions ADD COLUMN request_id TEXT",),
    ),
    (
        4,
        "response-cache hits: an answer served from the cache (its latency is the lookup's)",
        ("ALTER TABLE interactions ADD COLUMN cached INTEGER CHECK (cached IN (0, 1))",),
    ),
)
"""(version, what it adds, statements), in order. Append a new entry to change the schema;
never edit one that has shipped (a log on disk may already be at that version)."""

SCHEMA_VERSION = MIGRATIONS[-1][0]

FIELDS: dict[str, type | tuple[type, ...]] = {
    "ts": (int, float),
    "query": str,
    "chunk_ids": list,
    "chunk_scores": list,
    "answer": str,
    "citations": list,
    "refused": bool,
    "latency_s": (int, float),
    "prompt_tokens": int,
    "new_tokens": int,
    "adapter_version": str,
}
"""Required fields of :meth:`InteractionLog.record` (besides ``caller``), with their types.
Optional: ``segment`` (str), ``json_valid`` (bool), ``request_id`` (str), ``cached`` (bool)."""


class LogError(ValueError):
    """A malformed interaction, or a log file this labkit cannot use; says which and why."""


def _connect(path: str | Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)  # explicit BEGIN/COMMIT
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")  # readers never block the writer, nor it them
    conn.execute("PRAGMA synchronous=FULL")  # a committed row survives a crash
    return conn


def open_log(path: str | Path) -> sqlite3.Connection:
    """A connection to the log at ``path`` (created if missing), migrated to
    :data:`SCHEMA_VERSION`. Each missing migration runs in one transaction with its version
    bump, so a crash leaves the log at the last complete version."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = _connect(path)
    try:
        conn.execute("BEGIN IMMEDIATE")  # one migrator at a time
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise LogError(
                f"{path}: schema version {version} is newer than this labkit's {SCHEMA_VERSION}: "
                "upgrade labkit (logs are never downgraded)"
            )
        for v, _, statements in MIGRATIONS:
            if v <= version:
                continue
            for sql in statements:
                conn.execute(sql)
            conn.execute(f"PRAGMA user_version = {v}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()
        raise
    return conn


def _check_row(row: Mapping, i: int) -> None:
    where = f"interaction {i}"
    for name, kind in FIELDS.items():
        if name not in row:
            raise LogError(f"{where}: missing field {name!r}")
        value = row[name]
        if isinstance(value, bool) and kind is not bool:
            raise LogError(f"{where}: {name} must be a number, got a bool")
        if not isinstance(value, kind):
            raise LogError(f"{where}: {name} must be {kind}, got {type(value).__name__}")
        if isinstance(value, float) and not math.isfinite(value):
            raise LogError(f"{where}: {name} must be finite, got {value}")
    if len(row["chunk_ids"]) != len(row["chunk_scores"]):
        raise LogError(
            f"{where}: {len(row['chunk_ids'])} chunk ids but {len(row['chunk_scores'])} scores"
        )
    for opt, kind in (
        ("segment", str),
        ("json_valid", bool),
        ("request_id", str),
        ("cached", bool),
    ):
        if row.get(opt) is not None and not isinstance(row[opt], kind):
            raise LogError(f"{where}: {opt} must be {kind.__name__} or None")


class InteractionLog:
    """The log at ``path``: :meth:`record` rows, :meth:`add_feedback`, read with :meth:`rows`
    or SQL on :attr:`conn`. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.conn = open_log(self.path)

    def __enter__(self) -> InteractionLog:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def record(self, caller: Caller, row: Mapping) -> int:
        """Log one interaction answered for ``caller`` (required: who asked is part of every
        row); returns its id."""
        return self.record_many([(caller, row)])[0]

    def record_many(self, items: Iterable[tuple[Caller, Mapping]]) -> list[int]:
        """Log several interactions in ONE transaction: all land or none (a bad row anywhere
        rejects the batch before anything is written). Returns their ids in order."""
        items = list(items)
        for i, (caller, row) in enumerate(items):
            check_caller(caller)
            _check_row(row, i)
        sql = (
            "INSERT INTO interactions (ts, caller_role, caller_tenant, query, chunk_ids, "
            "chunk_scores, answer, citations, refused, latency_s, prompt_tokens, new_tokens, "
            "adapter_version, segment, json_valid, request_id, cached) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        ids = []
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for caller, r in items:
                valid, cached = r.get("json_valid"), r.get("cached")
                cur = self.conn.execute(
                    sql,
                    (
                        float(r["ts"]), caller.role, caller.tenant, r["query"],
                        json.dumps(list(r["chunk_ids"])),
                        json.dumps([float(s) for s in r["chunk_scores"]]),
                        r["answer"], json.dumps([int(c) for c in r["citations"]]),
                        int(r["refused"]), float(r["latency_s"]), r["prompt_tokens"],
                        r["new_tokens"], r["adapter_version"], r.get("segment"),
                        None if valid is None else int(valid), r.get("request_id"),
                        None if cached is None else int(cached),
                    ),
                )  # fmt: skip
                ids.append(cur.lastrowid)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return ids

    def add_feedback(self, interaction_id: int, value: int, ts: float) -> None:
        """The user's verdict on an answer: +1 good, -1 bad (given once; a second is refused)."""
        if value not in (-1, 1) or isinstance(value, bool):
            raise LogError(f"feedback must be +1 or -1, got {value!r}")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            cur = self.conn.execute(
                "UPDATE interactions SET feedback = ?, feedback_ts = ? "
                "WHERE id = ? AND feedback IS NULL",
                (value, float(ts), interaction_id),
            )
            if cur.rowcount != 1:
                exists = self.conn.execute(
                    "SELECT 1 FROM interactions WHERE id = ?", (interaction_id,)
                ).fetchone()
                raise LogError(
                    f"interaction {interaction_id} "
                    + ("already has feedback" if exists else "does not exist")
                )
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def rows(self, where: str = "1", params: tuple = ()) -> list[dict]:
        """Rows as dicts (JSON columns decoded), oldest first; ``where`` is an SQL condition
        with ``?`` placeholders for ``params`` (never format values into it)."""
        cur = self.conn.execute(f"SELECT * FROM interactions WHERE {where} ORDER BY id", params)
        out = []
        for r in cur.fetchall():
            d = dict(r)
            for key in ("chunk_ids", "chunk_scores", "citations"):
                d[key] = json.loads(d[key])
            out.append(d)
        return out

    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM interactions").fetchone()[0]
