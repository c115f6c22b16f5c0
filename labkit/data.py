"""Loading and validating the course data (JSONL files under ``datasets/``).

Every record is checked against a JSON Schema (the ``jsonschema`` library) before anything is
returned: one malformed line raises :class:`DataError` naming the file and line, and nothing
half-loads. Introduced in notebooks/01_indexing.ipynb; the data itself is described in
``datasets/DATASHEET.md`` and produced by ``datasets/build.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from .env import DATA_DIR

__all__ = [
    "DataError",
    "SCHEMAS",
    "CATEGORIES",
    "ACCESS_LEVELS",
    "load_jsonl",
    "load_articles",
    "load_questions",
    "load_facts",
    "load_changes",
    "check_data_dir",
]

CATEGORIES = [
    "plans-pricing",
    "billing-refunds",
    "features",
    "limits-quotas",
    "troubleshooting",
    "integrations",
    "security-compliance",
    "release-notes",
]
ACCESS_LEVELS = ["public", "customer", "internal"]
QUESTION_TYPES = ["single", "paraphrase", "multi", "unanswerable"]

_ID = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*[a-z0-9]$"}
_TEXT = {"type": "string", "minLength": 1}

SCHEMAS: dict[str, dict] = {
    "article": {
        "type": "object",
        "required": ["id", "title", "category", "version", "updated", "access", "body"],
        "properties": {
            "id": _ID,
            "title": _TEXT,
            "category": {"enum": CATEGORIES},
            "version": {"type": "integer", "minimum": 1},
            "updated": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            "access": {"enum": ACCESS_LEVELS},
            "body": _TEXT,
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        "additionalProperties": False,
    },
    "question": {
        "type": "object",
        "required": ["id", "question", "answer", "must_contain", "gold_ids", "type", "split"],
        "properties": {
            "id": _ID,
            "question": _TEXT,
            "answer": {"type": "string"},
            # Every string here must appear in a correct answer (after normalisation);
            # empty for unanswerable questions.
            "must_contain": {"type": "array", "items": _TEXT},
            "gold_ids": {"type": "array", "items": _ID},
            "fact_ids": {"type": "array", "items": _ID},
            "type": {"enum": QUESTION_TYPES},
            "split": {"enum": ["dev", "test"]},
        },
        "additionalProperties": False,
    },
    "fact": {
        "type": "object",
        "required": ["id", "article_id", "subject", "attribute", "value", "sentence"],
        "properties": {
            "id": _ID,
            "article_id": _ID,
            "subject": _TEXT,
            "attribute": _TEXT,
            "value": _TEXT,
            "sentence": _TEXT,
        },
        "additionalProperties": True,
    },
}


class DataError(ValueError):
    """A data file is missing or a record is malformed. The message names file and line."""


def load_jsonl(path: str | Path, schema: str | dict | None = None) -> list[dict]:
    """Read a JSONL file, validating each record; all or nothing.

    ``schema`` is a key of :data:`SCHEMAS` or a JSON Schema dict. Blank lines are skipped.
    Raises :class:`DataError` with ``file:line`` on the first bad record, and on duplicate ``id``.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    spec = SCHEMAS[schema] if isinstance(schema, str) else schema
    validator = jsonschema.Draft202012Validator(spec) if spec else None
    records, seen = [], {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise DataError(
                    f"{path}:{lineno}: not valid JSON ({e.msg} at column {e.colno})"
                ) from None
            if validator is not None:
                err = jsonschema.exceptions.best_match(validator.iter_errors(rec))
                if err is not None:
                    where = "/".join(str(p) for p in err.absolute_path) or "record"
                    raise DataError(f"{path}:{lineno}: {where}: {err.message}")
            rid = rec.get("id") if isinstance(rec, dict) else None
            if rid is not None:
                if rid in seen:
                    raise DataError(
                        f"{path}:{lineno}: duplicate id {rid!r} (first on line {seen[rid]})"
                    )
                seen[rid] = lineno
            records.append(rec)
    return records


def _snapshot_dir(snapshot: str, data_dir: str | Path | None) -> Path:
    return Path(data_dir or DATA_DIR) / "helpcenter" / snapshot


def load_articles(snapshot: str = "v1", data_dir: str | Path | None = None) -> list[dict]:
    """Help-center articles of a snapshot (``v1`` by default), validated."""
    return load_jsonl(_snapshot_dir(snapshot, data_dir) / "articles.jsonl", "article")


def load_changes(data_dir: str | Path | None = None) -> list[dict]:
    """The facts that changed between v1 and v2 (``helpcenter/v2/changes.jsonl``): fact_id,
    article_id, old/new value and sentence, ``old_must_contain`` / ``new_must_contain``."""
    return load_jsonl(_snapshot_dir("v2", data_dir) / "changes.jsonl", "change")


def load_facts(snapshot: str = "v1", data_dir: str | Path | None = None) -> list[dict]:
    """The atomic facts the articles state (one per line), validated."""
    return load_jsonl(_snapshot_dir(snapshot, data_dir) / "facts.jsonl", "fact")


def load_questions(split: str | None = None, data_dir: str | Path | None = None) -> list[dict]:
    """The question set (``split`` = "dev", "test" or None for both), validated.

    Also checks that every gold article id exists in the v1 articles.
    """
    path = Path(data_dir or DATA_DIR) / "questions" / "questions.jsonl"
    qs = load_jsonl(path, "question")
    ids = {a["id"] for a in load_articles("v1", data_dir)}
    for q in qs:
        missing = [g for g in q["gold_ids"] if g not in ids]
        if missing:
            raise DataError(f"{path}: question {q['id']}: unknown gold article ids {missing}")
    return [q for q in qs if split is None or q["split"] == split]


def check_data_dir(data_dir: str | Path | None = None) -> dict:
    """Validate the whole data folder up front (the main job calls this before heavy work).

    Returns counts; raises :class:`DataError` with a clear message when anything is missing
    or malformed.
    """
    data_dir = Path(data_dir or DATA_DIR)
    if not data_dir.is_dir():
        raise DataError(f"{data_dir}: data folder not found (expected datasets/ from the repo)")
    arts = load_articles("v1", data_dir)
    facts = load_facts("v1", data_dir)
    qs = load_questions(None, data_dir)
    load_articles("v2", data_dir)
    load_facts("v2", data_dir)
    tickets = load_tickets(None, data_dir)
    behaviour = load_behaviour("train", data_dir) + load_behaviour("eval", data_dir)
    if [t["id"] for t in tickets] != [b["id"] for b in behaviour]:
        raise DataError(
            f"{data_dir / 'tickets'}: tickets.jsonl and behaviour_*.jsonl disagree on ids"
        )
    changes = load_changes(data_dir)
    return {
        "articles": len(arts),
        "facts": len(facts),
        "questions": len(qs),
        "tickets": len(tickets),
        "changed_facts": len(changes),
    }


# --------------------------------------------------------------------------------------------
# Fine-tuning data (notebooks 04-05; files described in datasets/DATASHEET.md)
# --------------------------------------------------------------------------------------------

__all__ += ["load_behaviour", "load_tickets", "load_factqa", "load_general_qa", "load_general_text"]

_MESSAGE = {
    "type": "object",
    "required": ["role", "content"],
    "properties": {"role": {"enum": ["system", "user", "assistant"]}, "content": _TEXT},
    "additionalProperties": False,
}
SCHEMAS["chat"] = {
    "type": "object",
    "required": ["id", "messages"],
    "properties": {
        "id": _ID,
        "fact_id": _ID,
        "messages": {"type": "array", "minItems": 2, "items": _MESSAGE},
    },
    "additionalProperties": False,
}
SCHEMAS["factqa_eval"] = {
    "type": "object",
    "required": ["id", "fact_id", "question", "must_contain"],
    "properties": {
        "id": _ID,
        "fact_id": _ID,
        "question": _TEXT,
        "answer": _TEXT,
        "must_contain": {"type": "array", "minItems": 1, "items": _TEXT},
        "source": {"enum": ["questions", "template"]},
        "access": {"enum": ACCESS_LEVELS},
    },
    "additionalProperties": False,
}
SCHEMAS["general_qa"] = {
    "type": "object",
    "required": ["id", "question", "must_contain"],
    "properties": {
        "id": _ID,
        "question": _TEXT,
        "must_contain": {"type": "array", "minItems": 1, "items": _TEXT},
        "topic": _TEXT,
    },
    "additionalProperties": False,
}
SCHEMAS["ticket"] = {
    "type": "object",
    "required": [
        "id",
        "customer",
        "plan",
        "subject",
        "body",
        "category",
        "priority",
        "escalate",
        "reply",
        "fact_ids",
        "split",
    ],
    "properties": {
        "id": _ID,
        "customer": _TEXT,
        "plan": _TEXT,
        "subject": _TEXT,
        "body": _TEXT,
        "category": _TEXT,
        "priority": _TEXT,
        "escalate": {"type": "boolean"},
        "reply": _TEXT,
        "fact_ids": {"type": "array", "items": _ID},
        "scenario": _TEXT,
        "signals": {"type": "array", "items": _TEXT},
        "split": {"enum": ["train", "eval"]},
    },
    "additionalProperties": False,
}


SCHEMAS["change"] = {
    "type": "object",
    "required": ["fact_id", "article_id", "old", "new", "old_must_contain", "new_must_contain"],
    "properties": {
        "fact_id": _ID,
        "article_id": _ID,
        "old_must_contain": {"type": "array", "minItems": 1, "items": _TEXT},
        "new_must_contain": {"type": "array", "minItems": 1, "items": _TEXT},
    },
}


def _check_split(split: str, allowed: tuple[str, ...]) -> None:
    if split not in allowed:
        raise ValueError(f"split must be one of {allowed}, got {split!r}")


def load_behaviour(split: str = "train", data_dir: str | Path | None = None) -> list[dict]:
    """Behaviour-task chat records (system, user ticket, assistant JSON) of ``train`` or ``eval``."""
    _check_split(split, ("train", "eval"))
    path = Path(data_dir or DATA_DIR) / "tickets" / f"behaviour_{split}.jsonl"
    return load_jsonl(path, "chat")


def load_tickets(split: str | None = None, data_dir: str | Path | None = None) -> list[dict]:
    """The raw support tickets (labels, gold reply, the ``fact_ids`` the reply states), of the
    ``train`` or ``eval`` split or both (None). Same order and ids as :func:`load_behaviour`."""
    if split is not None:
        _check_split(split, ("train", "eval"))
    rows = load_jsonl(Path(data_dir or DATA_DIR) / "tickets" / "tickets.jsonl", "ticket")
    return [r for r in rows if split is None or r["split"] == split]


def load_factqa(split: str = "train", data_dir: str | Path | None = None) -> list[dict]:
    """Fact QA: ``train`` chat records (canonical question -> fact sentence) or ``eval``
    paraphrase questions with ``must_contain``."""
    _check_split(split, ("train", "eval"))
    path = Path(data_dir or DATA_DIR) / "factqa" / f"{split}.jsonl"
    return load_jsonl(path, "chat" if split == "train" else "factqa_eval")


def load_general_qa(data_dir: str | Path | None = None) -> list[dict]:
    """Hand-written general-knowledge questions with ``must_contain`` (forgetting check)."""
    return load_jsonl(Path(data_dir or DATA_DIR) / "general" / "general_qa.jsonl", "general_qa")


def load_general_text(data_dir: str | Path | None = None) -> str:
    """The general English prose used for perplexity in the forgetting check."""
    path = Path(data_dir or DATA_DIR) / "general" / "general_text.txt"
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise DataError(f"{path}: file is empty")
    return text
