"""Harder evaluation questions: customer-worded, hard paraphrase and cross-article (issue 10 §2).

The course's ``single``/``paraphrase`` questions keep the subject's name, so BM25 and the reader
find them easily. This module adds three classes that do not, appended after the existing rows
of ``datasets/questions/questions.jsonl`` (existing rows stay byte-identical):

- ``customer``: first person, a situation and a question, as a customer writes to support; the
  subject is described rather than named with the article title's words where avoidable.
- ``hard_paraphrase``: avoids every content word of the gold article's title and of the fact's
  key nouns (content words of its ``subject`` and ``attribute``); wordings follow
  :data:`SYNONYMS`. :func:`build_hard_questions` asserts the rule on every build.
- ``cross_article``: needs one fact from each of two different articles.

The tables are :mod:`nimbalo.questions_hard_customer`, :mod:`nimbalo.questions_hard_paraphrase`
(with :data:`SYNONYMS`) and :mod:`nimbalo.questions_hard_cross`. Every question in them is
hand-written for a v1 fact (no generated wording); answers, gold ids and
``must_contain`` come from the facts, exactly as ``build_questions`` sets them. Splits: per class,
a ``random.Random(WORLD_SEED + 10)`` draw puts half of the rows (rounded down) in ``dev``, for
calibration only, and the rest in ``test``, like the older types' 50/50 split. Imported by ``datasets/build.py``; the questions are first used in
notebooks 02 (retrieval) and 03 (generation). Described in ``datasets/DATASHEET.md``.
"""

from __future__ import annotations

import random
import re

from .questions_hard_cross import CROSS
from .questions_hard_customer import CUSTOMER
from .questions_hard_paraphrase import HARD, SYNONYMS

__all__ = [
    "HARD_TYPES",
    "build_hard_questions",
    "content_words",
    "key_nouns",
    "hard_block",
]

HARD_TYPES = ("customer", "hard_paraphrase", "cross_article")
SEED_OFFSET = 10  # RNG = random.Random(WORLD_SEED + 10); build.py reserves +3.. for other sets
DEV_SHARE = 2  # one row in DEV_SHARE goes to dev (rounded down): 50/50 like the other types

# Function words ignored by the overlap rule (lowercase, after plural-'s' stripping).
STOPWORDS = frozenset(
    "a an the and or of for to in on at by with from into over per vs your you i we my our us "
    "it its is are be do does can how many much what which when where who why that this there "
    "after before than s".split()
)


def content_words(text: str) -> set[str]:
    """Lowercased word tokens minus :data:`STOPWORDS`, a final plural 's' stripped ("refunds" ->
    "refund"). Digits count as words, so "4.4" in a title forbids the token "4"."""
    words = set()
    for w in re.findall(r"[a-z0-9]+", text.lower()):
        if w in STOPWORDS:
            continue
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        if w not in STOPWORDS:
            words.add(w)
    return words


def key_nouns(subject: str, attribute: str) -> set[str]:
    """A fact's key nouns: the content words of its subject and attribute."""
    return content_words(subject) | content_words(attribute)


def _row(kind: str, question: str, facts: list) -> dict:
    """One question record, built from facts the way ``build_questions`` builds its rows."""
    return {
        "type": kind,
        "question": question,
        "answer": " ".join(f.sentence for f in facts),
        "must_contain": [m for f in facts for m in f.must],
        "gold_ids": list(dict.fromkeys(f.article_id for f in facts)),
        "fact_ids": [f.id for f in facts],
    }


def _check_hard(world, fid: str, question: str) -> None:
    f = world.fact(fid)
    banned = content_words(world.article(f.article_id).title) | key_nouns(f.subject, f.attribute)
    hits = banned & content_words(question)
    assert not hits, f"hard_paraphrase for {fid} uses title / key-noun words {sorted(hits)}"


def build_hard_questions(world) -> list[dict]:
    """The customer, hard_paraphrase and cross_article rows (v1 facts), ids numbered per class.

    ``world`` is build.py's ``World``. Raises AssertionError when a table names an unknown fact,
    a cross pair shares an article, or a hard paraphrase uses a banned word.
    """
    rng = random.Random(world.seed + SEED_OFFSET)
    for fid, q in HARD.items():
        _check_hard(world, fid, q)
    tables = {
        "customer": [(q, [world.fact(fid)]) for fid, q in CUSTOMER.items()],
        "hard_paraphrase": [(q, [world.fact(fid)]) for fid, q in HARD.items()],
        "cross_article": [(q, [world.fact(a), world.fact(b)]) for a, b, q in CROSS],
    }
    for _, (x, y) in tables["cross_article"]:
        assert x.article_id != y.article_id, (x.id, y.id)
    out = []
    for kind in HARD_TYPES:
        rows = tables[kind]
        dev = set(rng.sample(range(len(rows)), len(rows) // DEV_SHARE))
        for i, (q, facts) in enumerate(rows):
            row = _row(kind, q, facts)
            qid = f"q-{kind.replace('_', '-')}-{i + 1:03d}"  # ids allow no "_" (labkit.data)
            out.append({"id": qid, **row, "split": ("test", "dev")[i in dev]})
    return out


def hard_block(world, questions: list[dict]) -> str:
    """Markdown for DATASHEET.md: counts per class/split/access and the synonym table."""
    lines = ["| class | dev | test | total | gold articles: public / customer / internal |"]
    lines.append("|---|---:|---:|---:|---|")
    for kind in HARD_TYPES:
        qs = [q for q in questions if q["type"] == kind]
        d = sum(q["split"] == "dev" for q in qs)
        acc = [world.article(g).access for q in qs for g in q["gold_ids"]]
        lines.append(
            f"| {kind} | {d} | {len(qs) - d} | {len(qs)} | "
            + " / ".join(str(acc.count(a)) for a in ("public", "customer", "internal"))
            + " |"
        )
    lines += ["", "| title word or key noun | wording used instead |", "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in SYNONYMS]
    return "\n".join(lines)
