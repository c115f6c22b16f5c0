"""Loading and validating the course data (JSONL files under ``datasets/``).

Every record is checked against a JSON Schema (the ``jsonschema`` library) before anything is
returned: one malformed line raises :class:`DataError` naming the file and line, and nothing
half-loads. Beyond the schema: bytes that are not UTF-8, a key given twice in one object, an
impossible date (``2024-13-45``), a blank text field and an empty file are errors too, and
:func:`check_data_dir` checks the links between files (facts -> articles, tickets/questions/
changes -> facts) and that every split the main job uses has records. Introduced in notebooks/01_indexing.ipynb; the data itself is described in
``datasets/DATASHEET.md`` and produced by ``datasets/build.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import jsonschema

from .env import DATA_DIR

# re-exported: the schemas and vocabularies belong with the loaders that check them
from .schemas import _NOT_BLANK, ACCESS_LEVELS, CATEGORIES, SCHEMAS

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


class DataError(ValueError):
    """A data file is missing or a record is malformed. The message names file and line."""


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    """``object_pairs_hook`` for json: a key given twice in one object is an error (json keeps
    the last silently, e.g. ``"access": "internal", ..., "access": "public"`` -> public)."""
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _error_text(err: jsonschema.ValidationError) -> str:
    where = "/".join(str(p) for p in err.absolute_path) or "record"
    if err.validator == "pattern" and err.validator_value == _NOT_BLANK:
        return f"{where}: is blank (only spaces); give it some text"
    if err.validator == "format" and err.validator_value == "date":
        return f"{where}: {err.instance!r} is not a calendar date (expected YYYY-MM-DD)"
    return f"{where}: {err.message}"


def _decoded_lines(path: Path) -> Iterable[tuple[int, str]]:
    """(line number, text) of each line, decoded as UTF-8; bad bytes name file, line and column."""
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, start=1):
            try:
                yield lineno, raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise DataError(
                    f"{path}:{lineno}: not UTF-8 text (byte {raw[e.start]:#04x} at column "
                    f"{e.start + 1}); save the file as UTF-8"
                ) from None


def load_jsonl(
    path: str | Path, schema: str | dict | None = None, allow_empty: bool = False
) -> list[dict]:
    """Read a JSONL file, validating each record; all or nothing.

    ``schema`` is a key of :data:`SCHEMAS` or a JSON Schema dict (``format: date`` is checked).
    Blank lines are skipped. Raises :class:`DataError` with ``file:line`` on the first bad record
    (invalid JSON, bytes that are not UTF-8, a key given twice in one object, a schema
    violation), on a duplicate ``id``, and on a file with no records unless ``allow_empty``.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    spec = SCHEMAS[schema] if isinstance(schema, str) else schema
    validator = (
        jsonschema.Draft202012Validator(
            spec, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        if spec
        else None
    )
    records, seen = [], {}
    for lineno, line in _decoded_lines(path):
        if not line.strip():
            continue
        try:
            rec = json.loads(line, object_pairs_hook=_no_duplicate_keys)
        except json.JSONDecodeError as e:
            raise DataError(
                f"{path}:{lineno}: not valid JSON ({e.msg} at column {e.colno})"
            ) from None
        except _DuplicateKey as e:
            raise DataError(
                f"{path}:{lineno}: key {e.args[0]!r} appears twice in one object; keep one"
            ) from None
        if validator is not None:
            err = jsonschema.exceptions.best_match(validator.iter_errors(rec))
            if err is not None:
                raise DataError(f"{path}:{lineno}: {_error_text(err)}")
        rid = rec.get("id") if isinstance(rec, dict) else None
        if rid is not None:
            if rid in seen:
                raise DataError(
                    f"{path}:{lineno}: duplicate id {rid!r} (first on line {seen[rid]})"
                )
            seen[rid] = lineno
        records.append(rec)
    if not records and not allow_empty:
        raise DataError(f"{path}: no records (the file is empty or only blank lines)")
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
    """The atomic facts the articles state (one per line), validated.

    Also checks that every fact's ``article_id`` names an article of the same snapshot.
    """
    path = _snapshot_dir(snapshot, data_dir) / "facts.jsonl"
    facts = load_jsonl(path, "fact")
    ids = {a["id"] for a in load_articles(snapshot, data_dir)}
    _check_links(path, "facts' article ids", [(f["id"], f["article_id"]) for f in facts], ids)
    return facts


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


def _check_links(where: Path, what: str, links: Iterable[tuple[str, str]], known: set) -> None:
    """Raise when a record points to an id that does not exist (``links``: (record id, target))."""
    missing = [(rid, target) for rid, target in links if target not in known]
    if missing:
        shown = ", ".join(f"{rid} -> {target}" for rid, target in missing[:5])
        more = f" (and {len(missing) - 5} more)" if len(missing) > 5 else ""
        raise DataError(f"{where}: {len(missing)} {what} point to no such id: {shown}{more}")


def _check_not_empty(where: Path, counts: dict[str, int]) -> None:
    empty = [name for name, n in counts.items() if n == 0]
    if empty:
        raise DataError(f"{where}: no records for {', '.join(empty)}; the main job needs them")


def check_data_dir(data_dir: str | Path | None = None) -> dict:
    """Validate the whole data folder up front (the main job calls this before heavy work).

    Beyond each file's own checks (:func:`load_facts` checks that every fact names an existing
    article, v1 and v2): every fact id that a question, ticket, behaviour record or change
    names exists in the v1 facts; the ticket and behaviour files agree on ids; the train and
    eval tickets and the dev questions are not empty. Returns counts; raises
    :class:`DataError` with a clear message when anything is missing, malformed or dangling.
    """
    data_dir = Path(data_dir or DATA_DIR)
    if not data_dir.is_dir():
        raise DataError(f"{data_dir}: data folder not found (expected datasets/ from the repo)")
    hc = data_dir / "helpcenter"
    arts = load_articles("v1", data_dir)
    facts = load_facts("v1", data_dir)
    qs = load_questions(None, data_dir)
    load_articles("v2", data_dir)
    facts_v2 = load_facts("v2", data_dir)  # load_facts checks each fact's article exists
    fact_ids = {f["id"] for f in facts}
    _check_links(
        data_dir / "questions" / "questions.jsonl",
        "question fact ids",
        [(q["id"], f) for q in qs for f in q.get("fact_ids", [])],
        fact_ids,
    )
    tickets = load_tickets(None, data_dir)
    behaviour = load_behaviour("train", data_dir) + load_behaviour("eval", data_dir)
    if [t["id"] for t in tickets] != [b["id"] for b in behaviour]:
        raise DataError(
            f"{data_dir / 'tickets'}: tickets.jsonl and behaviour_*.jsonl disagree on ids"
        )
    _check_links(
        data_dir / "tickets" / "tickets.jsonl",
        "ticket fact ids",
        [(t["id"], f) for t in tickets for f in t["fact_ids"]],
        fact_ids,
    )
    _check_links(
        data_dir / "tickets",
        "behaviour fact ids",
        [(b["id"], b["fact_id"]) for b in behaviour if "fact_id" in b],
        fact_ids,
    )
    changes = load_changes(data_dir)
    _check_links(
        hc / "v2" / "changes.jsonl",
        "changed fact ids (v1 and v2 facts)",
        [(c["article_id"], c["fact_id"]) for c in changes],
        fact_ids & {f["id"] for f in facts_v2},
    )
    _check_not_empty(
        data_dir,
        {
            "train tickets (tickets/tickets.jsonl)": sum(t["split"] == "train" for t in tickets),
            "eval tickets (tickets/tickets.jsonl)": sum(t["split"] == "eval" for t in tickets),
            "dev questions (questions/questions.jsonl)": sum(q["split"] == "dev" for q in qs),
        },
    )
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
    """Fact QA: ``train`` chat records (canonical question -> fact sentence), ``augmented``
    (several phrasings per fact, each tagged with its ``phrasing`` kind; never an evaluation
    wording) or ``eval`` paraphrase questions with ``must_contain``."""
    _check_split(split, ("train", "augmented", "eval"))
    name = "train_augmented" if split == "augmented" else split
    path = Path(data_dir or DATA_DIR) / "factqa" / f"{name}.jsonl"
    schema = {"train": "chat", "augmented": "chat_phrasing", "eval": "factqa_eval"}[split]
    return load_jsonl(path, schema)


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
