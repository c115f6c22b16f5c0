"""Every generated file as exact text (path -> text), and the DATASHEET.md count blocks.

Part of the Nimbalo generator; ``datasets/build.py`` writes or checks what
:func:`render_outputs` returns.
"""

from __future__ import annotations

import json
from pathlib import Path

from .articles import build_articles, build_changes, build_facts, render_body
from .common import CATEGORY_SLUG, DATA_DIR
from .finetune import _ticket_counts_block, build_factqa, build_general_qa
from .questions import build_questions
from .questions_hard import HARD_TYPES, hard_block
from .security import render_security, security_block
from .tickets import build_behaviour, build_tickets
from .world_model import World, _words

# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def _jsonl(records: list[dict]) -> str:
    # identical to labkit.store.atomic_write_jsonl's serialisation
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records]
    return "\n".join(lines) + ("\n" if lines else "")


def _counts_block(world: World, questions: list[dict]) -> str:
    cats = {}
    acc = {}
    for a in world.articles:
        cats[a.category] = cats.get(a.category, 0) + 1
        acc[a.access] = acc.get(a.access, 0) + 1
    lines = ["| category | articles | facts | changed in v2 |", "|---|---:|---:|---:|"]
    for c in CATEGORY_SLUG:
        fs = [f for f in world.facts if f.category == c]
        lines.append(f"| {c} | {cats.get(c, 0)} | {len(fs)} | {sum(f.changes_in_v2 for f in fs)} |")
    lines.append(
        f"| **total** | {len(world.articles)} | {len(world.facts)} | "
        f"{sum(f.changes_in_v2 for f in world.facts)} |"
    )
    lines += [
        "",
        "Access: "
        + ", ".join(f"{k} {acc.get(k, 0)}" for k in ("public", "customer", "internal"))
        + ".",
        "",
    ]
    lines += ["| question type | dev | test | total |", "|---|---:|---:|---:|"]
    for t in ("single", "paraphrase", "multi", "unanswerable", *HARD_TYPES):
        d = sum(q["type"] == t and q["split"] == "dev" for q in questions)
        e = sum(q["type"] == t and q["split"] == "test" for q in questions)
        lines.append(f"| {t} | {d} | {e} | {d + e} |")
    d = sum(q["split"] == "dev" for q in questions)
    lines.append(f"| **total** | {d} | {len(questions) - d} | {len(questions)} |")
    internal = {a.id for a in world.articles if a.access == "internal"}
    n_int = sum(any(g in internal for g in q["gold_ids"]) for q in questions)
    words = sorted(_words(render_body(world, a, "v1")) for a in world.articles)
    lines += [
        "",
        f"Questions about internal articles: {n_int} ({100 * n_int / len(questions):.1f}%). "
        f"Article length (v1, words): min {words[0]}, median {words[len(words) // 2]}, max {words[-1]}.",
    ]
    return "\n".join(lines)


COUNTS_START, COUNTS_END = "<!-- counts:start (written by build.py) -->", "<!-- counts:end -->"
TICKETS_START = "<!-- ticket-counts:start (written by build.py) -->"
TICKETS_END = "<!-- ticket-counts:end -->"
HARD_START, HARD_END = (
    "<!-- hard-questions:start (written by build.py) -->",
    "<!-- hard-questions:end -->",
)
SECURITY_START = "<!-- security-counts:start (written by build.py) -->"
SECURITY_END = "<!-- security-counts:end -->"


def render_outputs(world: World) -> dict[Path, str]:
    """Every generated file (path -> exact text). DATASHEET.md only gets its counts block replaced."""
    questions = build_questions(world)
    out = {
        DATA_DIR / "helpcenter" / "v1" / "articles.jsonl": _jsonl(build_articles(world, "v1")),
        DATA_DIR / "helpcenter" / "v1" / "facts.jsonl": _jsonl(build_facts(world, "v1")),
        DATA_DIR / "helpcenter" / "v2" / "articles.jsonl": _jsonl(build_articles(world, "v2")),
        DATA_DIR / "helpcenter" / "v2" / "facts.jsonl": _jsonl(build_facts(world, "v2")),
        DATA_DIR / "helpcenter" / "v2" / "changes.jsonl": _jsonl(build_changes(world)),
        DATA_DIR / "questions" / "questions.jsonl": _jsonl(questions),
    }
    tickets = build_tickets(world)
    factqa = build_factqa(world, questions)
    general = build_general_qa()
    out |= {
        DATA_DIR / "tickets" / "tickets.jsonl": _jsonl(tickets),
        DATA_DIR / "tickets" / "behaviour_train.jsonl": _jsonl(build_behaviour(tickets, "train")),
        DATA_DIR / "tickets" / "behaviour_eval.jsonl": _jsonl(build_behaviour(tickets, "eval")),
        DATA_DIR / "factqa" / "train.jsonl": _jsonl(factqa["train"]),
        DATA_DIR / "factqa" / "eval.jsonl": _jsonl(factqa["eval"]),
        DATA_DIR / "factqa" / "train_augmented.jsonl": _jsonl(factqa["augmented"]),
        DATA_DIR / "general" / "general_qa.jsonl": _jsonl(general),
    }
    clean = [render_body(world, a, v) for a in world.articles for v in ("v1", "v2")]
    clean += [t["subject"] + "\n" + t["body"] + "\n" + t["reply"] for t in tickets]
    security = render_security(world, questions, tickets, clean)  # datasets/nimbalo/security.py
    out |= {DATA_DIR / "security" / name: _jsonl(recs) for name, recs in security.items()}
    sheet = DATA_DIR / "DATASHEET.md"
    if sheet.is_file():
        text = sheet.read_text(encoding="utf-8")
        blocks = [
            (COUNTS_START, COUNTS_END, _counts_block(world, questions)),
            (TICKETS_START, TICKETS_END, _ticket_counts_block(world, tickets, factqa, general)),
            (HARD_START, HARD_END, hard_block(world, questions)),
            (SECURITY_START, SECURITY_END, security_block(security)),
        ]
        for start, end, block in blocks:
            if start in text and end in text:
                head, rest = text.split(start, 1)
                _, tail = rest.split(end, 1)
                text = f"{head}{start}\n{block}\n{end}{tail}"
        out[sheet] = text
    return out
