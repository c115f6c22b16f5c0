"""labkit.finetune.reader: the grounded reader's article split, training records and scoring."""

import pytest

from labkit import data
from labkit.finetune import reader
from labkit.rag.generate import REFUSAL, is_refusal, parse_citations


def _articles():
    arts = []
    for cat in ("billing", "api"):
        for i in range(6):
            arts.append({"id": f"{cat}-{i}", "category": cat, "access": "public"})
    arts.append({"id": "secret-0", "category": "api", "access": "internal"})
    return arts


def test_split_is_deterministic_public_only_and_per_category():
    arts = _articles()
    a, b = reader.split_articles(arts), reader.split_articles(list(reversed(arts)))
    assert a == b
    assert "secret-0" not in a
    assert sum(x.startswith("billing") for x in a) == 2 and sum(x.startswith("api") for x in a) == 2
    with pytest.raises(ValueError, match="share"):
        reader.split_articles(arts, share=1.0)


def test_course_split_keeps_eval_questions_and_covers_every_category():
    arts = data.load_articles("v1")
    train_ids = reader.split_articles(arts)
    cats = {a["category"] for a in arts if a["access"] == "public"}
    assert {a["category"] for a in arts if a["id"] in train_ids} == cats
    test = reader.eval_questions(data.load_questions("test"), arts, train_ids)
    assert sum(bool(q["gold_ids"]) for q in test) >= 100  # enough unseen-article questions
    assert all(not q["gold_ids"] or not set(q["gold_ids"]) & train_ids for q in test)


class _Retriever:
    """Returns the chunks it was given, honouring (or, ignore=True, ignoring) a doc_id filter."""

    def __init__(self, chunks, ignore=False):
        self.chunks, self.ignore, self.calls = chunks, ignore, []

    def search(self, query, k, filters=None, *, caller=None):
        self.calls.append(filters)
        keep = (
            self.chunks[::-1]
            if self.ignore
            else [c for c in self.chunks if c["doc_id"] in filters["doc_id"]]
        )
        return [dict(c) for c in keep[:k]]


def _world():
    chunks = [
        {
            "chunk_id": f"d{d}#{i}",
            "doc_id": f"d{d}",
            "title": f"Doc {d}",
            "text": f"Doc {d} part {i} says {d * 10 + i} widgets.",
        }
        for d in range(4)
        for i in range(3)
    ]
    facts = [
        {
            "id": f"f{d}",
            "article_id": f"d{d}",
            "access": "public",
            "sentence": f"Doc {d} says {d * 10 + 1} widgets.",
            "must_contain": [f"{d * 10 + 1} widgets"],
        }
        for d in range(4)
    ]
    phrasings = [
        {
            "id": f"p{d}-{j}",
            "fact_id": f"f{d}",
            "messages": [{"role": "user", "content": f"How many widgets in doc {d}? ({j})"}],
        }
        for d in range(4)
        for j in range(10)
    ]
    return chunks, facts, phrasings


def test_training_records_use_only_training_articles_and_cite_the_gold_source():
    chunks, facts, phrasings = _world()
    train_ids = {"d0", "d1", "d2"}
    retr = _Retriever(chunks)
    recs = reader.training_set(facts, phrasings, chunks, retr, train_ids, k=3, absent_share=0.3)
    assert {r["fact_id"] for r in recs} == {"f0", "f1", "f2"}  # d3 is not a training article
    assert all(f == {"doc_id": train_ids} for f in retr.calls)
    n_absent = sum(r["absent"] for r in recs)
    assert 0 < n_absent < len(recs)
    for r in recs:
        prompt, answer = r["messages"][0]["content"], r["messages"][-1]["content"]
        assert "Doc 3" not in prompt
        fact = next(f for f in facts if f["id"] == r["fact_id"])
        holds = [
            i
            for i, block in enumerate(prompt.split("Source [")[1:], 1)
            if fact["must_contain"][0] in block
        ]
        if r["absent"]:
            assert holds == [] and is_refusal(answer) and answer.startswith(REFUSAL)
        else:
            assert holds == parse_citations(answer) and len(holds) == 1


def test_a_retriever_that_ignores_the_filter_is_refused():
    chunks, facts, phrasings = _world()
    with pytest.raises(ValueError, match="ignored filters"):
        reader.training_set(
            facts, phrasings, chunks, _Retriever(chunks, ignore=True), {"d0", "d1"}, k=2
        )


def test_strict_citation_needs_the_models_own_citation():
    q = {"id": "q", "type": "single", "gold_ids": ["d0"], "must_contain": ["1 widgets"]}
    chunk = {"doc_id": "d0", "text": "Doc 0 says 1 widgets."}
    own = {
        "text": "It has 1 widgets [1].",
        "cited_chunks": [chunk],
        "citation_source": "model",
        "chunks": [chunk],
    }
    attributed = dict(own, text="It has 1 widgets.", citation_source="attributed")
    rows = reader.reader_rows([q, q], [own, attributed])
    assert [r["strict_cited"] for r in rows] == [True, False]
    assert [r["cited_correct"] for r in rows] == [True, True]
    assert [r["model_cited"] for r in rows] == [True, False]
