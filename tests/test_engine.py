"""The vector engine setting (labkit.rag.engine, issue 15): one setting picks FAISS or Qdrant for
the course's dense retrievers and the own-documents CLI; the default is today's FAISS retriever.

Engine equivalence and the leak property on Qdrant: tests/test_qdrant_store.py and
tests/test_access_property.py (parametrized over both engines).
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("qdrant_client", reason="scripts/setup.sh installs qdrant-client")

from test_access_property import CHUNKS, VECS, fake_embed  # noqa: E402
from test_rag_cli import QUESTIONS, _jsonl, models_for_cli, write_corpus  # noqa: E402, F401

from labkit.rag.chunk import ChunkConfig  # noqa: E402
from labkit.rag.engine import (  # noqa: E402
    EngineConfig,
    collection_name,
    dense_retriever,
    engine_config,
    open_store,
)
from labkit.rag.index import IndexConfig, VectorIndex  # noqa: E402
from labkit.rag.qdrant_store import QdrantRetriever  # noqa: E402
from labkit.rag.retrieve import BM25Retriever, DenseRetriever, HybridRetriever  # noqa: E402
from labkit.security.access import Caller  # noqa: E402

ENV = ("LABKIT_VECTOR_ENGINE", "LABKIT_QDRANT_URL", "LABKIT_QDRANT_PATH")


@pytest.fixture(autouse=True)
def _no_engine_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def _index() -> VectorIndex:
    return VectorIndex(CHUNKS, VECS, "fake", ChunkConfig(), IndexConfig("flat"), {})


def test_the_setting_is_read_in_one_place(monkeypatch, tmp_path):
    assert engine_config() == EngineConfig("faiss")
    assert engine_config("qdrant").where() == {"location": ":memory:"}
    assert engine_config("qdrant", default_path=tmp_path).where() == {"path": str(tmp_path)}
    monkeypatch.setenv("LABKIT_VECTOR_ENGINE", "Qdrant")
    monkeypatch.setenv("LABKIT_QDRANT_URL", "http://qdrant.example:6333")
    cfg = engine_config(default_path=tmp_path)  # a server wins over the default folder
    assert cfg.engine == "qdrant" and cfg.where() == {"url": "http://qdrant.example:6333"}
    assert engine_config("faiss").engine == "faiss"  # an explicit choice wins over the setting
    monkeypatch.setenv("LABKIT_VECTOR_ENGINE", "milvus")
    with pytest.raises(ValueError, match="'milvus' unknown.*faiss, qdrant.*LABKIT_VECTOR_ENGINE"):
        engine_config()
    with pytest.raises(ValueError, match="not both"):
        EngineConfig("qdrant", url="http://x:6333", path="/tmp/q")


def test_the_default_is_todays_faiss_retriever():
    index = _index()
    dense = dense_retriever(index, None)
    assert type(dense) is DenseRetriever and dense.index is index


def test_hybrid_takes_qdrant_as_its_dense_part_and_ranks_as_with_faiss():
    index, bm25 = _index(), BM25Retriever(CHUNKS)
    out = {}
    for engine in ("faiss", "qdrant"):
        dense = dense_retriever(index, None, EngineConfig(engine))
        dense.embed_queries = fake_embed
        hybrid = HybridRetriever(dense, bm25, depth=20)
        out[engine] = [
            [h["chunk_id"] for h in hits]
            for hits in hybrid.search_many(
                ["refund invoice", "saml okta sso", "zq7x backup"],
                5,
                filters={"category": ["billing", "security"]},
                caller=Caller("customer", "acme"),
            )
        ]
    assert isinstance(dense, QdrantRetriever)
    assert out["qdrant"] == out["faiss"] and all(out["faiss"])


def test_a_local_collection_is_reused_and_a_foreign_embedder_refused(tmp_path):
    index, cfg = _index(), EngineConfig("qdrant", path=str(tmp_path / "q"))
    store = open_store(index, cfg)
    assert store.collection == collection_name(index) and len(store) == len(CHUNKS)
    again = open_store(index, cfg)  # reopened (same folder, same client), not rebuilt
    assert again.collection == store.collection and len(again) == len(CHUNKS)
    other = VectorIndex(CHUNKS, VECS, "another-model", ChunkConfig(), IndexConfig("flat"), {})
    with pytest.raises(ValueError, match="built with embedder 'fake'.*rebuild"):
        open_store(other, cfg, collection=store.collection)


def test_an_unreachable_server_is_named_through_the_setting(monkeypatch):
    monkeypatch.setenv("LABKIT_VECTOR_ENGINE", "qdrant")
    monkeypatch.setenv("LABKIT_QDRANT_URL", "http://127.0.0.1:9")
    with pytest.raises(ConnectionError, match=r"no Qdrant server answers at http://127\.0\.0\.1:9"):
        dense_retriever(_index(), None)


@pytest.mark.slow
@pytest.mark.usefixtures("models_for_cli")
def test_the_cli_indexes_evaluates_and_answers_on_qdrant(tmp_path, capsys, monkeypatch):
    from labkit.rag import cli

    docs, ws = write_corpus(tmp_path / "docs"), tmp_path / "ws"
    assert cli.main(["index", str(docs), "--out", str(ws), "--engine", "qdrant"]) == 0
    assert "vector engine qdrant: QdrantStore(" in capsys.readouterr().out
    assert (ws / "qdrant").is_dir()

    qs = _jsonl(
        tmp_path / "questions.jsonl",
        [{"id": f"q{i}", "question": q, "gold_ids": [g]} for i, (q, g) in enumerate(QUESTIONS)],
    )
    tables = {}
    for engine in ("faiss", "qdrant"):
        argv = ["eval", str(ws), str(qs), "--no-answers", "--as", "public", "--engine", engine]
        assert cli.main(argv) == 0
        report = json.loads((ws / "eval" / "questions.json").read_text())
        tables[engine] = {
            name: {m: v for m, v in row.items() if m != "ms_per_query"}
            for name, row in report["retrieval"].items()
        }
    assert tables["qdrant"] == tables["faiss"]  # exact search in both: the same metrics
    assert tables["qdrant"]["hybrid"]["recall@5"] >= 0.8

    # the setting alone (no flag) selects Qdrant, reusing the collection `index` built
    monkeypatch.setenv("LABKIT_VECTOR_ENGINE", "qdrant")
    assert isinstance(cli.Workspace(ws, cli._embedder()).dense, QdrantRetriever)
    question = "Which module parses command-line options and arguments?"
    assert cli.main(["ask", str(ws), question, "-k", "3", "--as", "public"]) == 0
    out = capsys.readouterr().out
    cites = [line for line in out.splitlines() if line.startswith("Cites:")]
    assert cites and "system/argparse.md" in cites[0], out
