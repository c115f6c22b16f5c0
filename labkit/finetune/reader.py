"""A grounded reader: fine-tuning *how to use sources* (RAFT-style; Zhang et al. 2024).

The base model reads retrieved sources poorly: with the right article in its prompt it still
misses the value, rarely writes its own ``[n]`` citation and almost never says "I don't know".
That is behaviour, so it can be trained. Each training example is what the course's RAG path
serves (:func:`labkit.rag.generate.build_rag_messages`): a question and ``k`` numbered sources from
the real retriever. In most examples one source holds the answer (at a random position, among
hard distractors: the other chunks retrieval ranks high, neighbouring chunks of the same article
included) and the target is the fact sentence ending with that source's number; in a share of
examples no source holds it and the target is the course's refusal.

Reading, not memorising: the training questions come only from the *training articles*
(:func:`split_articles`: a fixed share of the public articles of every category, chosen by a
hash of the article id, never by looking at questions or answers), their sources only from those
articles' chunks, and the reader is evaluated on the questions whose gold articles are all
outside them (:func:`eval_questions`).

Introduced in notebooks/03_rag_generation.ipynb (section 5).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

from ..rag.generate import REFUSAL, answer_contains, build_rag_messages
from ..security.access import Caller

__all__ = [
    "TRAIN_SHARE",
    "ABSENT_SHARE",
    "split_articles",
    "holding_chunk",
    "target",
    "training_set",
    "eval_questions",
    "reader_rows",
]

TRAIN_SHARE = 1 / 3
"""Share of each category's public articles whose questions train the reader (the rest, and
every non-public article, stay unseen)."""

ABSENT_SHARE = 0.25
"""Share of training examples whose sources do not hold the answer (target: the refusal)."""


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def split_articles(articles: Sequence[dict], share: float = TRAIN_SHARE) -> set[str]:
    """Ids of the reader's training articles: in every category, the first ``round(share * n)``
    of its ``n`` public articles ordered by the sha256 of their id (at least one per category
    with two or more). Deterministic, and blind to questions and answers."""
    if not 0 < share < 1:
        raise ValueError(f"share must be between 0 and 1, got {share}")
    by_cat: dict[str, list[str]] = {}
    for a in articles:
        if a["access"] == "public":
            by_cat.setdefault(a["category"], []).append(a["id"])
    chosen: set[str] = set()
    for ids in by_cat.values():
        n = len(ids)
        take = max(1, round(share * n)) if n >= 2 else 0
        chosen |= set(sorted(ids, key=_hash)[:take])
    return chosen


def holding_chunk(fact: dict, chunks: Sequence[dict]) -> dict | None:
    """The first chunk of the fact's article that states every ``must_contain`` value."""
    for c in chunks:
        if c["doc_id"] == fact["article_id"] and all(
            answer_contains(c["text"], m) for m in fact["must_contain"]
        ):
            return c
    return None


def target(sentence: str, source_number: int | None) -> str:
    """The reader's answer: the fact sentence ending with its source, e.g. ``"... billing [2]."``;
    ``source_number=None``: the refusal."""
    if source_number is None:
        return f"{REFUSAL}."
    return f"{sentence.strip().rstrip('.')} [{source_number}]."


def training_set(
    facts: Sequence[dict],
    phrasings: Sequence[dict],
    chunks: Sequence[dict],
    retriever,
    train_ids: set[str],
    k: int = 3,
    absent_share: float = ABSENT_SHARE,
    seed: int = 0,
) -> list[dict]:
    """Chat records ``{"id", "fact_id", "absent", "messages"}`` for the reader.

    facts: the help-center facts (``data.load_facts``); only public facts of ``train_ids``
    articles are used. phrasings: chat records ``{"fact_id", "messages"}`` whose user turn is a
    question about the fact (``data.load_factqa("augmented")``). chunks: the index's chunks.
    retriever: the RAG path's retriever (anything with ``search(query, k, filters=, caller=)``,
    e.g. notebook 03's hybrid), searched as a public caller with the filter
    ``doc_id in train_ids``, so no evaluation article ever appears in a training prompt.
    Distractors are its best hits other than the gold chunk, and never state the answer.
    """
    if not 0 <= absent_share < 1:
        raise ValueError(f"absent_share must be in [0, 1), got {absent_share}")
    public = Caller("public")
    rng = random.Random(seed)
    by_fact = {f["id"]: f for f in facts}
    own_chunks = [c for c in chunks if c["doc_id"] in train_ids]
    out = []
    for rec in phrasings:
        fact = by_fact.get(rec["fact_id"])
        if fact is None or fact["access"] != "public" or fact["article_id"] not in train_ids:
            continue
        gold = holding_chunk(fact, own_chunks)
        if gold is None:
            continue
        question = rec["messages"][0]["content"]
        hits = retriever.search(question, 2 * k, filters={"doc_id": train_ids}, caller=public)
        leaked = sorted({c["doc_id"] for c in hits} - train_ids)
        if leaked:
            raise ValueError(
                f"the retriever returned chunks of {leaked}, outside the reader's training "
                "articles: it ignored filters={'doc_id': ...}. Fix: pass a labkit retriever "
                "(DenseRetriever, BM25Retriever or HybridRetriever), which applies filters."
            )
        distractors = [
            c
            for c in hits
            if c["chunk_id"] != gold["chunk_id"]
            and not all(answer_contains(c["text"], m) for m in fact["must_contain"])
        ]
        if len(distractors) < k:
            continue
        absent = rng.random() < absent_share
        if absent:
            sources, number = distractors[:k], None
        else:
            pos = rng.randrange(k)
            sources = distractors[: k - 1]
            sources.insert(pos, gold)
            number = pos + 1
        out.append(
            {
                "id": f"reader-{rec['id']}",
                "fact_id": fact["id"],
                "absent": absent,
                "messages": [
                    *build_rag_messages(question, sources),
                    {"role": "assistant", "content": target(fact["sentence"], number)},
                ],
            }
        )
    return out


def eval_questions(
    questions: Sequence[dict], articles: Sequence[dict], train_ids: set[str]
) -> list[dict]:
    """The questions a public caller asks whose gold articles are all public and none of them a
    training article, plus every unanswerable question: what the reader never saw."""
    access = {a["id"]: a["access"] for a in articles}
    return [
        q
        for q in questions
        if not q["gold_ids"]
        or (
            all(access[g] == "public" for g in q["gold_ids"]) and not set(q["gold_ids"]) & train_ids
        )
    ]


def reader_rows(questions: Sequence[dict], results: Sequence[dict]) -> list[dict]:
    """:func:`labkit.rag.evaluate.score_answers` records plus ``model_cited`` (an answer, not a
    refusal, carrying a citation the model wrote itself) and ``strict_cited`` (right, and the
    model's own citation points at a chunk holding the gold values; no post-hoc attribution)."""
    from ..rag.evaluate import score_answers

    rows = score_answers(questions, results)
    for row, r in zip(rows, results, strict=True):
        row["model_cited"] = not row["refused"] and r.get("citation_source") == "model"
        row["strict_cited"] = row["cited_correct"] and row["model_cited"]
    return rows
