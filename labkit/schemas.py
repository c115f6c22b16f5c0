"""The JSON Schemas of the course data, one per file kind, and the vocabularies they use.

Introduced in notebooks/01_indexing.ipynb with :mod:`labkit.data`, which validates every record
against these (and re-exports them); the data itself is described in ``datasets/DATASHEET.md``.
Split out of ``data`` (issue 12 §4).
"""

from __future__ import annotations

__all__ = ["SCHEMAS", "CATEGORIES", "ACCESS_LEVELS", "QUESTION_TYPES"]


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


QUESTION_TYPES = [
    "single",
    "paraphrase",
    "multi",
    "unanswerable",
    "customer",
    "hard_paraphrase",
    "cross_article",
]


_ID = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*[a-z0-9]$"}


_NOT_BLANK = r"\S"  # at least one non-space character: "   " is as empty as ""


_TEXT = {"type": "string", "minLength": 1, "pattern": _NOT_BLANK}


SCHEMAS: dict[str, dict] = {
    "article": {
        "type": "object",
        "required": ["id", "title", "category", "version", "updated", "access", "body"],
        "properties": {
            "id": _ID,
            "title": _TEXT,
            "category": {"enum": CATEGORIES},
            "version": {"type": "integer", "minimum": 1},
            # ISO date; "format" is checked (a real calendar date), not only the pattern
            "updated": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"},
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
SCHEMAS["chat_phrasing"] = {
    **SCHEMAS["chat"],
    "required": ["id", "fact_id", "phrasing", "messages"],
    "properties": {
        **SCHEMAS["chat"]["properties"],
        "phrasing": {"enum": ["canonical", "question", "alias_question", "paraphrase", "generic"]},
    },
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
