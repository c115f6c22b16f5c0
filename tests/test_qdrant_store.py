"""labkit.rag.qdrant_store: Qdrant (local mode) as a second engine, access pushed into the engine.

The property test reuses the synthetic corpus of ``test_access_property`` (every access level,
tenants, a hashed bag-of-words embedder) and checks, for random callers, filters, k and queries:
no chunk above the caller in a result, k hits whenever k exist, and the same top-k as FAISS
flat's exact search. The slow tests run the course's own articles through MiniLM.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("qdrant_client", reason="scripts/setup.sh installs qdrant-client")

from test_access_property import CHUNKS, VECS, callers, fake_embed, filter_shapes, queries  # noqa: E402

from labkit.rag.chunk import ChunkConfig  # noqa: E402
from labkit.rag.index import IndexConfig, VectorIndex  # noqa: E402
from labkit.rag.qdrant_store import QdrantRetriever, QdrantStore  # noqa: E402
from labkit.rag.retrieve import DenseRetriever, matches_filters  # noqa: E402
from labkit.security.access import Caller, allowed_levels, permitted  # noqa: E402

EXAMPLES = 60
BATCH = 20  # 60 x 20 = 1,200 queries through Qdrant's local mode (brute force, pure Python)


def _pair():
    index = VectorIndex(CHUNKS, VECS, "fake", ChunkConfig(), IndexConfig("flat"), {})
    faiss = DenseRetriever(index, embedder=None)
    faiss.embed_queries = fake_embed
    store = QdrantStore.from_index(index, location=":memory:")
    qdrant = QdrantRetriever(store, embedder=None)
    qdrant.embed_queries = fake_embed
    return faiss, qdrant


@pytest.fixture(scope="module")
def engines():
    return _pair()


def _same_top_k(a: list[dict], b: list[dict]) -> None:
    """Equal scores rank for rank; equal ids above the last score (ties there may swap)."""
    assert len(a) == len(b)
    assert np.allclose([h["score"] for h in a], [h["score"] for h in b], atol=1e-5)
    if a:
        kth = a[-1]["score"]
        above = lambda hs: {h["chunk_id"] for h in hs if h["score"] > kth + 1e-5}  # noqa: E731
        assert above(a) == above(b)


def test_qdrant_leaks_nothing_and_matches_faiss_exact_search(engines):
    faiss, qdrant = engines
    n = {"queries": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        caller=callers,
        qs=st.lists(queries, min_size=BATCH, max_size=BATCH),
        k=st.integers(1, 20),
        filters=filter_shapes,
    )
    def check(caller, qs, k, filters):
        eligible = {
            c["chunk_id"]
            for c in CHUNKS
            if permitted(c, caller) and (filters is None or matches_filters(c, filters))
        }
        got = qdrant.search_many(qs, k, filters=filters, caller=caller)
        want = faiss.search_many(qs, k, filters=filters, caller=caller)
        n["queries"] += len(qs)
        for hits, ref in zip(got, want, strict=True):
            ids = [h["chunk_id"] for h in hits]
            assert set(ids) <= eligible and len(set(ids)) == len(ids), (caller, filters)
            assert all(h["access"] in allowed_levels(caller) for h in hits)
            assert len(hits) == min(k, len(eligible))
            _same_top_k(hits, ref)

    check()
    print(f"\n{n['queries']} queries through Qdrant local mode, 0 leaks, top-k = FAISS flat")
    assert n["queries"] >= EXAMPLES * BATCH


def test_a_missing_caller_or_bad_k_is_refused(engines):
    _, qdrant = engines
    with pytest.raises(TypeError, match="caller"):
        qdrant.search("refund", 3)
    with pytest.raises(ValueError, match="k must be"):
        qdrant.search("refund", 0, caller=Caller("public"))
    with pytest.raises(ValueError):
        qdrant.search("   ", 3, caller=Caller("public"))


def test_a_store_reopens_from_disk_and_refuses_another_embedder(tmp_path):
    index = VectorIndex(CHUNKS, VECS, "fake", ChunkConfig(), IndexConfig("flat"), {})
    store = QdrantStore.from_index(index, path=tmp_path / "qdrant")
    q = fake_embed(["refund invoice"])
    before = store.search(q, 5, Caller("agent"))
    store.client.close()
    again = QdrantStore.open("fake", path=tmp_path / "qdrant")
    assert len(again) == len(CHUNKS) and again.dim == VECS.shape[1]
    assert [h["chunk_id"] for h in again.search(q, 5, Caller("agent"))[0]] == [
        h["chunk_id"] for h in before[0]
    ]
    again.client.close()
    with pytest.raises(ValueError, match="built with embedder 'fake'.*rebuild"):
        QdrantStore.open("all-MiniLM-L6-v2", path=tmp_path / "qdrant")
    with pytest.raises(FileNotFoundError, match="no collection"):
        QdrantStore.open("fake", collection="other", path=tmp_path / "qdrant2")


def test_an_unreachable_server_is_named():
    with pytest.raises(ConnectionError, match=r"http://127\.0\.0\.1:9"):
        QdrantStore.create(CHUNKS, VECS, "fake", url="http://127.0.0.1:9")


@pytest.mark.slow
def test_the_course_corpus_gives_the_same_answers_and_updates_in_both_engines(embedder):
    from labkit import data
    from labkit.rag.index import build_index

    articles = data.load_articles("v1")[:60]
    index = build_index(articles, embedder)
    store = QdrantStore.from_index(index, location=":memory:")
    faiss, qdrant = DenseRetriever(index, embedder), QdrantRetriever(store, embedder)
    qs = [x["question"] for x in data.load_questions("dev")[:40]]
    vecs = faiss.embed_queries(qs)
    cats = sorted({a["category"] for a in articles})

    def compare():
        for caller in (Caller("public"), Caller("customer"), Caller("agent")):
            for filters in (
                None,
                {"category": cats[0]},
                {"doc_id": [a["id"] for a in articles[:9]]},
            ):
                a = faiss.search_vectors(vecs, 5, filters, caller=caller)
                b = qdrant.search_vectors(vecs, 5, filters, caller=caller)
                for x, y in zip(a, b, strict=True):
                    _same_top_k(x, y)

    compare()
    # an update: one article rewritten, one deleted; the same change in both engines
    changed = dict(articles[1], body=articles[1]["body"] + "\n\nA new paragraph about quotas.")
    index.upsert_docs([changed], embedder)
    new = [(c, v) for c, v in zip(index.chunks, index.vectors) if c["doc_id"] == changed["id"]]
    store.upsert_chunks([c for c, _ in new], np.stack([v for _, v in new]))
    assert index.delete_docs([articles[2]["id"]]) == store.delete_docs([articles[2]["id"]]) > 0
    assert len(store) == len(index.chunks)
    assert sorted(c["chunk_id"] for c in store.chunks) == sorted(
        c["chunk_id"] for c in index.chunks
    )
    compare()
