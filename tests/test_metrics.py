"""Metrics against hand-computed values (trec_eval / BEIR conventions)."""

import math

import pytest

from labkit.rag.metrics import dedupe_doc_ids, evaluate_run, mrr, ndcg_at_k, recall_at_k


def test_ndcg_binary_hand_value():
    # DCG = 0 + 1/log2(3) + 1/log2(4); IDCG = 1 + 1/log2(3)
    want = (1 / math.log2(3) + 0.5) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(["d3", "d1", "d2"], {"d1": 1, "d2": 1}, 10) == pytest.approx(want)
    assert ndcg_at_k(["d3", "d1", "d2"], {"d1", "d2"}, 10) == pytest.approx(0.693426, abs=1e-6)


def test_ndcg_cut_and_perfect():
    assert ndcg_at_k(["d1", "d2", "d3"], {"d1", "d2"}, 2) == pytest.approx(1.0)
    # only d1 inside the cut at k=1, ideal at k=1 is 1 -> 0 when d3 leads
    assert ndcg_at_k(["d3", "d1"], {"d1", "d2"}, 1) == 0.0
    # IDCG is cut at k too: 2 relevant, k=1, d1 first -> 1.0
    assert ndcg_at_k(["d1", "d3"], {"d1", "d2"}, 1) == pytest.approx(1.0)


def test_ndcg_graded_linear_gain():
    rel = {"a": 3, "b": 1, "c": 0}
    ranking = ["b", "c", "a"]
    dcg = 1 / math.log2(2) + 0 + 3 / math.log2(4)
    idcg = 3 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at_k(ranking, rel, 3) == pytest.approx(dcg / idcg)
    assert ndcg_at_k(["a", "b"], rel, 3) == pytest.approx(1.0)


def test_recall_edge_cases():
    assert recall_at_k(["a", "b", "c"], {"c", "z"}, 2) == 0.0
    assert recall_at_k(["a", "b", "c"], {"c", "z"}, 3) == 0.5
    assert recall_at_k([], {"a"}, 5) == 0.0
    assert recall_at_k(["a"], set(), 5) == 0.0
    # duplicates are dropped before the cut: ["a", "a", "b"] is the doc ranking ["a", "b"]
    assert recall_at_k(["a", "a", "b"], {"a", "b"}, 2) == 1.0
    assert recall_at_k(["a"], {"a": 0, "b": 2}, 1) == 0.0  # grade 0 is not relevant
    with pytest.raises(ValueError):
        recall_at_k(["a"], {"a"}, 0)


def test_mrr_edge_cases():
    assert mrr(["x", "y", "a"], {"a"}) == pytest.approx(1 / 3)
    assert mrr(["x", "y", "a"], {"a"}, k=2) == 0.0
    assert mrr(["a", "b"], {"b", "a"}) == 1.0
    assert mrr([], {"a"}) == 0.0


def test_dedupe_keeps_first_occurrence():
    assert dedupe_doc_ids(["d2", "d1", "d2", "d3", "d1"]) == ["d2", "d1", "d3"]
    # chunk-level ranking mapped to docs: ndcg must not count d1 twice
    assert ndcg_at_k(["d1", "d1", "d2"], {"d1", "d2"}, 2) == pytest.approx(1.0)


def test_evaluate_run_means_and_skips():
    qrels = {"q1": {"a": 1}, "q2": {"b": 1, "c": 1}, "q3": {"z": 0}}  # q3: nothing relevant
    run = {"q1": ["a", "x"], "q2": ["x", "c"], "q9": ["a"]}  # q9 not judged: ignored
    m = evaluate_run(run, qrels, ks=(1, 2))
    assert m["n_queries"] == 2
    assert m["recall@1"] == pytest.approx((1 + 0) / 2)
    assert m["recall@2"] == pytest.approx((1 + 0.5) / 2)
    assert m["mrr@10"] == pytest.approx((1 + 0.5) / 2)
    q2_ndcg = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    assert m["ndcg@10"] == pytest.approx((1 + q2_ndcg) / 2)


def test_evaluate_run_missing_query_scores_zero():
    m = evaluate_run({"q1": ["a"]}, {"q1": {"a": 1}, "q2": {"b": 1}})
    assert m["n_queries"] == 2
    assert m["ndcg@10"] == pytest.approx(0.5)


# --- load_beir ---------------------------------------------------------------------------

import gzip  # noqa: E402
import json  # noqa: E402

from labkit.rag.beir import BeirError, beir_doc_text, load_beir  # noqa: E402


def write_beir(folder, gz: bool):
    folder.mkdir()
    corpus = [
        {"_id": "d1", "title": "Aspirin", "text": "Aspirin lowers fever.", "metadata": {}},
        {"_id": "d2", "text": "No title here.", "metadata": {}},
    ]
    lines = "".join(json.dumps(r) + "\n" for r in corpus)
    if gz:
        with gzip.open(folder / "corpus.jsonl.gz", "wt", encoding="utf-8") as f:
            f.write(lines)
    else:
        (folder / "corpus.jsonl").write_text(lines, encoding="utf-8")
    queries = [
        {"_id": "q1", "text": "does aspirin lower fever"},
        {"_id": "q2", "text": "train only"},
    ]
    (folder / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in queries))
    (folder / "qrels").mkdir()
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t0\n")


@pytest.mark.parametrize("gz", [False, True])
def test_load_beir(tmp_path, gz):
    write_beir(tmp_path / "beir", gz)
    corpus, queries, qrels = load_beir(tmp_path / "beir")
    assert corpus == {
        "d1": {"title": "Aspirin", "text": "Aspirin lowers fever."},
        "d2": {"title": "", "text": "No title here."},
    }
    assert queries == {"q1": "does aspirin lower fever"}  # q2 has no qrels row
    assert qrels == {"q1": {"d1": 1, "d2": 0}}
    assert beir_doc_text(corpus["d1"]) == "Aspirin Aspirin lowers fever."
    assert beir_doc_text(corpus["d2"]) == "No title here."


def test_load_beir_missing_files(tmp_path):
    with pytest.raises(BeirError, match="not found"):
        load_beir(tmp_path / "nope")
    write_beir(tmp_path / "beir", gz=False)
    (tmp_path / "beir" / "qrels" / "test.tsv").unlink()
    with pytest.raises(BeirError, match="qrels"):
        load_beir(tmp_path / "beir")
    with pytest.raises(BeirError, match="corpus"):
        (tmp_path / "beir" / "corpus.jsonl").unlink()
        load_beir(tmp_path / "beir")
