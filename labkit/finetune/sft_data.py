"""Checking chat data before fine-tuning: schema, duplicates, length, train/eval leakage, template.

Introduced in notebooks/04_qlora_finetuning.ipynb, in the step before any training. Bad records
are REPORTED, never silently dropped: :func:`validate_chat_records` returns a
:class:`ValidationReport` listing every problem with the record's id and line, and raises
:class:`labkit.data.DataError` only when asked (``raise_on_error=True``).

A chat record is ``{"id", "messages": [{"role", "content"}, ...]}`` with roles in the order
``[system] user assistant`` (one optional system turn, then user/assistant pairs) and an
assistant turn last. Leakage is measured as the Jaccard similarity of the word 3-gram shingles
of the user turns: a train/eval pair at or above ``near_dup_threshold`` is reported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..data import DataError, load_jsonl

__all__ = [
    "CHAT_SCHEMA",
    "ChatTemplateError",
    "ValidationReport",
    "load_chat_jsonl",
    "validate_chat_records",
    "check_chat_template",
    "shingles",
    "jaccard",
]

# Structure only: content rules (non-empty, role order) are checked by validate_chat_records,
# which reports every problem instead of stopping at the first.
CHAT_SCHEMA = {
    "type": "object",
    "required": ["id", "messages"],
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "messages": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["role", "content"],
                "properties": {
                    "role": {"enum": ["system", "user", "assistant"]},
                    "content": {"type": "string"},
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": True,  # e.g. fact_id on fact QA records
}


class ChatTemplateError(ValueError):
    """A tokenizer has no chat template, or its template drops a system / user / assistant turn."""


def load_chat_jsonl(path: str | Path) -> list[dict]:
    """Chat records from a JSONL file; a malformed line raises DataError naming file and line."""
    return load_jsonl(path, CHAT_SCHEMA)


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


@dataclass
class ValidationReport:
    """What :func:`validate_chat_records` found. Every list holds plain dicts.

    errors: ``{"id", "line", "problem"}`` (schema, role order, unparsable behaviour answer);
    duplicates: ``{"id", "line", "first_id", "first_line"}`` (exact copies of an earlier record);
    too_long: ``{"id", "line", "tokens"}`` (chat template applied, over ``max_tokens``);
    leakage: ``{"train_id", "eval_id", "similarity"}`` (near-duplicate user turns);
    tokens: ``{"min", "median", "max"}`` when a tokenizer was given, else empty.
    """

    n_records: int
    errors: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    too_long: list[dict] = field(default_factory=list)
    leakage: list[dict] = field(default_factory=list)
    tokens: dict = field(default_factory=dict)
    max_tokens: int | None = None
    near_dup_threshold: float | None = None

    @property
    def ok(self) -> bool:
        return not (self.errors or self.duplicates or self.too_long or self.leakage)

    def problems(self) -> list[str]:
        """Every problem as one readable line, in check order."""
        out = [f"{e['id']} (line {e['line']}): {e['problem']}" for e in self.errors]
        out += [
            f"{d['id']} (line {d['line']}): exact duplicate of {d['first_id']} (line {d['first_line']})"
            for d in self.duplicates
        ]
        out += [
            f"{t['id']} (line {t['line']}): {t['tokens']} tokens > max_tokens={self.max_tokens}"
            for t in self.too_long
        ]
        out += [
            f"eval {x['eval_id']} ~ train {x['train_id']}: user-turn similarity {x['similarity']:.2f}"
            for x in self.leakage
        ]
        return out

    def as_table(self) -> list[dict]:
        """One row per check: ``{"check", "problems", "example"}`` (ready for a DataFrame)."""
        rows = []
        for check, items, fmt in (
            ("schema / roles / format", self.errors, lambda e: f"{e['id']}: {e['problem']}"),
            ("exact duplicates", self.duplicates, lambda d: f"{d['id']} = {d['first_id']}"),
            ("too long", self.too_long, lambda t: f"{t['id']}: {t['tokens']} tokens"),
            (
                "train/eval leakage",
                self.leakage,
                lambda x: f"{x['eval_id']} ~ {x['train_id']} ({x['similarity']:.2f})",
            ),
        ):
            rows.append(
                {"check": check, "problems": len(items), "example": fmt(items[0]) if items else ""}
            )
        return rows

    def __str__(self) -> str:
        head = f"{self.n_records} records: {'OK' if self.ok else 'PROBLEMS FOUND'}"
        if self.tokens:
            t = self.tokens
            head += f" (tokens min {t['min']}, median {t['median']}, max {t['max']})"
        rows = self.as_table()
        width = max(len(r["check"]) for r in rows)
        lines = [head] + [
            f"  {r['check']:<{width}}  {r['problems']:>5}  {r['example']}".rstrip() for r in rows
        ]
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------


def _structure_problem(rec) -> str | None:
    """Why ``rec`` is not a valid chat record, or None."""
    if not isinstance(rec, dict):
        return "record is not a JSON object"
    msgs = rec.get("messages")
    if not isinstance(msgs, list) or not msgs:
        return "messages must be a non-empty list"
    for i, m in enumerate(msgs):
        if not isinstance(m, dict) or set(m) != {"role", "content"}:
            return f"message {i} must be an object with exactly 'role' and 'content'"
        if m["role"] not in ("system", "user", "assistant"):
            return f"message {i} has unknown role {m['role']!r}"
        if not isinstance(m["content"], str) or not m["content"].strip():
            return f"message {i} ({m['role']}) has empty content"
    roles = [m["role"] for m in msgs]
    body = roles[1:] if roles[0] == "system" else roles
    expected = ["user", "assistant"] * (len(body) // 2 + 1)
    if not body or body != expected[: len(body)]:
        return f"roles {roles} are not in the order [system] user assistant (user/assistant pairs)"
    if roles[-1] != "assistant":
        return f"last turn is {roles[-1]!r}, expected 'assistant'"
    return None


_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    """Word n-grams of lowercased ``text`` (the whole text as one shingle when shorter than n)."""
    words = _WORD.findall(text.lower())
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if (a or b) else 1.0


def _user_text(rec: dict) -> str:
    return "\n".join(m["content"] for m in rec["messages"] if m["role"] == "user")


def _leakage(train: list[tuple[str, set]], evals: list[tuple[str, set]], thr: float) -> list[dict]:
    """Near-duplicate (train, eval) pairs. O(n_train * n_eval) set operations: fine for ~10^5 pairs."""
    out = []
    for eid, es in evals:
        for tid, ts in train:
            small, big = sorted((len(es), len(ts)))
            if big and small / big < thr:  # Jaccard <= |small| / |big|: cannot reach thr
                continue
            sim = jaccard(es, ts)
            if sim >= thr:
                out.append({"train_id": tid, "eval_id": eid, "similarity": round(sim, 4)})
    return sorted(out, key=lambda x: -x["similarity"])


def _token_count(tok, messages: list[dict]) -> int:
    text = tok.apply_chat_template(messages, tokenize=False)
    return len(tok(text, add_special_tokens=False)["input_ids"])


def _check_lengths(report: ValidationReport, valid: list, tok, max_tokens: int) -> None:
    """Token length of each chat-templated record: too long ones, and min/median/max."""
    counts = []
    for line, rec in valid:
        n = _token_count(tok, rec["messages"])
        counts.append(n)
        if n > max_tokens:
            report.too_long.append({"id": rec.get("id"), "line": line, "tokens": n})
    counts.sort()
    report.tokens = {"min": counts[0], "median": counts[len(counts) // 2], "max": counts[-1]}


def validate_chat_records(
    records: Sequence[dict],
    tok=None,
    max_tokens: int = 512,
    eval_records: Sequence[dict] | None = None,
    near_dup_threshold: float = 0.9,
    task: str | None = None,
    raise_on_error: bool = False,
) -> ValidationReport:
    """Check chat records before training; report every problem (nothing is dropped).

    ``line`` is the 1-based position in ``records`` (the file line when loaded from a file
    without blank lines). Checks: structure and role order; with ``task="behaviour"`` the
    assistant answer must pass ``labkit.finetune.behaviour.parse_response``; exact duplicates (same
    messages); with ``tok``, the token length of the chat-templated record (the template is
    checked first with :func:`check_chat_template`); with ``eval_records``, train/eval pairs
    whose user turns have shingle Jaccard >= ``near_dup_threshold``. ``raise_on_error=True``
    raises DataError listing the first problems when the report is not OK.
    """
    if task not in (None, "behaviour"):
        raise ValueError(f"task must be None or 'behaviour', got {task!r}")
    if not 0 < near_dup_threshold <= 1:
        raise ValueError(f"near_dup_threshold must be in (0, 1], got {near_dup_threshold}")
    parse = None
    if task == "behaviour":
        from .behaviour import parse_response as parse
    if tok is not None:
        check_chat_template(tok)
    report = ValidationReport(
        len(records), max_tokens=max_tokens, near_dup_threshold=near_dup_threshold
    )
    seen: dict[str, tuple[str, int]] = {}
    valid: list[tuple[int, dict]] = []
    for line, rec in enumerate(records, start=1):
        rid = rec.get("id", f"<line {line}>") if isinstance(rec, dict) else f"<line {line}>"
        problem = _structure_problem(rec)
        if problem is not None:  # unusable: reported, and left out of the later checks
            report.errors.append({"id": rid, "line": line, "problem": problem})
            continue
        if parse is not None and parse(rec["messages"][-1]["content"]) is None:
            report.errors.append(
                {
                    "id": rid,
                    "line": line,
                    # the flat-layout name, kept: notebook 04 prints this message (its output)
                    "problem": "assistant answer is not a valid behaviour JSON object "
                    "(labkit"
                    ".behaviour.parse_response)",
                }
            )
        key = json.dumps(rec["messages"], sort_keys=True, ensure_ascii=False)
        if key in seen:
            first_id, first_line = seen[key]
            report.duplicates.append(
                {"id": rid, "line": line, "first_id": first_id, "first_line": first_line}
            )
        else:
            seen[key] = (rid, line)
        valid.append((line, rec))
    if tok is not None and valid:
        _check_lengths(report, valid, tok, max_tokens)
    if eval_records:
        train = [(rec.get("id"), shingles(_user_text(rec))) for _, rec in valid]
        evals = [
            (rec.get("id"), shingles(_user_text(rec)))
            for rec in eval_records
            if _structure_problem(rec) is None
        ]
        report.leakage = _leakage(train, evals, near_dup_threshold)
    if raise_on_error and not report.ok:
        probs = report.problems()
        more = f"\n  ... and {len(probs) - 5} more" if len(probs) > 5 else ""
        raise DataError(
            f"{len(probs)} problem(s) in {len(records)} chat records:\n  "
            + "\n  ".join(probs[:5])
            + more
        )
    return report


# --------------------------------------------------------------------------------------------
# The chat template
# --------------------------------------------------------------------------------------------

_PROBE = [
    {"role": "system", "content": "SYSTEM-PROBE-7"},
    {"role": "user", "content": "USER-PROBE-7"},
    {"role": "assistant", "content": "ASSISTANT-PROBE-7"},
]


def check_chat_template(tok) -> str:
    """Refuse a tokenizer whose chat template is missing or drops turns; returns the probe text.

    Renders a system / user / assistant probe and checks that all three contents appear, in
    order. Training with a wrong template (a base model's tokenizer, a template that ignores
    the system turn) produces an adapter that never sees the prompt it is used with.
    """
    name = getattr(tok, "name_or_path", type(tok).__name__)
    if not getattr(tok, "chat_template", None):
        raise ChatTemplateError(
            f"tokenizer {name!r} has no chat template. Use the *instruct* model's tokenizer "
            "(e.g. HuggingFaceTB/SmolLM2-135M-Instruct), whose template marks system, user "
            "and assistant turns; a base tokenizer cannot format chat records."
        )
    try:
        text = tok.apply_chat_template(_PROBE, tokenize=False)
    except Exception as e:  # a template may raise on roles it does not support
        raise ChatTemplateError(
            f"tokenizer {name!r}: its chat template fails on a system/user/assistant chat: {e}"
        ) from e
    pos = [text.find(m["content"]) for m in _PROBE]
    missing = [m["role"] for m, p in zip(_PROBE, pos, strict=True) if p < 0]
    if missing:
        raise ChatTemplateError(
            f"tokenizer {name!r}: wrong chat template, it drops the {', '.join(missing)} turn(s) "
            "(rendered probe does not contain them). Use the instruct model's own template."
        )
    if pos != sorted(pos):
        raise ChatTemplateError(
            f"tokenizer {name!r}: wrong chat template, it reorders the turns of a chat."
        )
    return text
