"""Property test (issue 13 §1): whoever asks, whatever the query, k, filters and index kind, no
chunk above the caller's level reaches a result or a prompt, and k permitted hits come back
whenever k exist.

A synthetic corpus (160 chunks: every access level, some without ``access``, some owned by a
tenant) and a deterministic hashed bag-of-words embedder stand in for the help center and
MiniLM: this checks plumbing, not retrieval quality. Queries are batched through
``search_many``; a few per example also go through ``rag_answer`` with a stub generator whose
prompts are inspected. The test prints how many queries it tried (>= 10,000).
"""

from __future__ import annotations

import re
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import labkit.rag.generate as gen
from labkit.rag.chunk import ChunkConfig
from labkit.rag.generate import rag_answer
from labkit.rag.index import IndexConfig, VectorIndex
from labkit.rag.retrieve import BM25Retriever, DenseRetriever, HybridRetriever, matches_filters
from labkit.security.access import ROLE_ACCESS, Caller, allowed_levels, permitted

WORDS = (
    "refund invoice billing api limit webhook retry saml okta sso export backup "
    "password reset plan seat quota error token audit region storage delete"
).split()
CATEGORIES = ("billing", "api", "security", "account")
LEVELS = ("public", "customer", "internal", None)  # None: the chunk has no ``access`` field
TENANTS = (None, None, None, "acme", "globex")
DIM = 32
N_CHUNKS = 160
BATCH = 50  # queries per example, through search_many
EXAMPLES = 220  # 220 x 50 = 11,000 queries
RAG_PER_EXAMPLE = 2  # of those, answered through rag_answer (prompts inspected)


def _word_vec(word: str) -> np.ndarray:
    return np.random.default_rng(zlib.crc32(word.encode())).normal(size=DIM)


def fake_embed(texts) -> np.ndarray:
    """Hashed bag of words -> (n, DIM) float32 unit vectors; no words -> a fixed unit vector."""
    out = np.zeros((len(texts), DIM), np.float32)
    for i, t in enumerate(texts):
        words = re.findall(r"\w+", t.lower())
        v = sum((_word_vec(w) for w in words), np.zeros(DIM)) if words else np.eye(DIM)[0]
        out[i] = v / (np.linalg.norm(v) or 1.0)
    return out


def make_corpus() -> list[dict]:
    rng = np.random.default_rng(13)
    chunks = []
    for i in range(N_CHUNKS):
        c = {
            "chunk_id": f"c{i}",
            "doc_id": f"d{i // 2}",
            "title": f"{CATEGORIES[i % 4]} note",
            # zq<i>x: a marker only this chunk's text holds, searched for in prompts
            "text": " ".join(rng.choice(WORDS, size=12)) + f" zq{i}x",
            "category": CATEGORIES[i % 4],
        }
        level = LEVELS[(i // 4) % 4]
        if level is not None:
            c["access"] = level
        if TENANTS[i % 5] is not None:
            c["tenant"] = TENANTS[i % 5]
        chunks.append(c)
    return chunks


CHUNKS = make_corpus()
VECS = fake_embed([f"{c['title']} {c['text']}" for c in CHUNKS])


def _dense(kind: str) -> DenseRetriever:
    cfg = IndexConfig(kind, nlist=4, nprobe=1)  # IVF probes 1 of 4 lists: really approximate
    index = VectorIndex(CHUNKS, VECS, "fake", ChunkConfig(), cfg, {})
    dense = DenseRetriever(index, embedder=None)
    dense.embed_queries = fake_embed  # no model: plumbing only
    return dense


def _qdrant_dense():
    """The same corpus in Qdrant's local mode, through the engine setting (issue 15)."""
    pytest.importorskip("qdrant_client", reason="scripts/setup.sh installs qdrant-client")
    from labkit.rag.engine import EngineConfig, dense_retriever

    index = VectorIndex(CHUNKS, VECS, "fake", ChunkConfig(), IndexConfig("flat"), {})
    dense = dense_retriever(index, None, EngineConfig("qdrant"))  # in memory
    dense.embed_queries = fake_embed
    return dense


@pytest.fixture(scope="module")
def retrievers() -> dict:
    bm25 = BM25Retriever(CHUNKS)
    out = {}
    for kind in ("flat", "ivf", "hnsw"):
        dense = _dense(kind)
        out[("dense", kind)] = dense
        out[("hybrid", kind)] = HybridRetriever(dense, bm25, depth=20)
    out[("bm25", "-")] = bm25
    return out


@pytest.fixture(scope="module")
def qdrant_retrievers() -> dict:
    dense = _qdrant_dense()
    return {
        ("dense", "qdrant"): dense,
        ("hybrid", "qdrant"): HybridRetriever(dense, BM25Retriever(CHUNKS), depth=20),
    }


callers = st.builds(
    Caller, st.sampled_from(sorted(ROLE_ACCESS)), st.sampled_from([None, "acme", "globex"])
)
level_sets = st.sets(st.sampled_from(["public", "customer", "internal"]), min_size=1)
filter_shapes = st.one_of(
    st.none(),
    st.builds(lambda c: {"category": c}, st.sampled_from(CATEGORIES)),
    st.builds(lambda cs: {"category": sorted(cs)}, st.sets(st.sampled_from(CATEGORIES), min_size=1)),
    st.builds(lambda a: {"access": a}, level_sets),
    st.builds(lambda a: {"access": tuple(sorted(a))}, level_sets),
    st.builds(lambda a, c: {"access": sorted(a), "category": c}, level_sets, st.sampled_from(CATEGORIES)),
    st.builds(lambda t: {"tenant": t}, st.sampled_from(["acme", "globex"])),
)  # fmt: skip
queries = st.one_of(
    st.lists(st.sampled_from(WORDS + ["zq7x", "zq100x"]), min_size=1, max_size=6).map(" ".join),
    st.text(min_size=1, max_size=30).filter(lambda q: q.strip()),
)
FAISS_KEYS = [("bm25", "-")] + [
    (r, k) for r in ("dense", "hybrid") for k in ("flat", "ivf", "hnsw")
]
# engine -> (retriever keys, examples, minimum queries): Qdrant's local mode scans every point
# in Python per query, so it gets fewer (60 x 50 = 3,000 queries), FAISS and BM25 11,000.
ENGINES = {
    "faiss": (FAISS_KEYS, EXAMPLES, 10_000),
    "qdrant": ([("dense", "qdrant"), ("hybrid", "qdrant")], 60, 3_000),
}


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_no_chunk_above_the_caller_reaches_a_result_or_a_prompt(engine, request, monkeypatch):
    keys, examples, min_queries = ENGINES[engine]
    retrievers = request.getfixturevalue("retrievers" if engine == "faiss" else "qdrant_retrievers")
    prompts: list[str] = []

    def stub_generate(model, tok, messages_list, cfg=None):
        prompts.extend(m["content"] for msgs in messages_list for m in msgs)
        return [
            {"text": "stub [1]", "prompt_tokens": 1, "new_tokens": 1, "seconds": 0.0}
            for _ in messages_list
        ]

    monkeypatch.setattr(gen, "generate_batch", stub_generate)
    counts = {"queries": 0, "hits": 0, "rag": 0, "full_k": 0}

    @settings(
        max_examples=examples,
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
        key=st.sampled_from(keys),
    )
    def check(caller, qs, k, filters, key):
        r = retrievers[key]
        eligible = [
            i
            for i, c in enumerate(CHUNKS)
            if permitted(c, caller) and (filters is None or matches_filters(c, filters))
        ]
        levels = allowed_levels(caller)
        results = r.search_many(qs, k, filters=filters, caller=caller)
        counts["queries"] += len(qs)
        for q, hits in zip(qs, results, strict=True):
            counts["hits"] += len(hits)
            ids = [int(h["chunk_id"][1:]) for h in hits]
            # zero chunks above the caller's level (or outside the filters) in a result
            assert set(ids) <= set(eligible), (caller, filters, key)
            assert all(h["access"] in levels for h in hits)
            assert len(set(ids)) == len(ids)
            # k permitted hits whenever k exist (BM25: among the chunks sharing a term)
            if key[0] == "bm25":
                scores = r.scores(q)
                n_exist = sum(scores[i] > 0 for i in eligible)
            else:
                n_exist = len(eligible)
            assert len(hits) == min(k, n_exist), (key, k, n_exist, len(hits))
            counts["full_k"] += len(hits) == k
            exact = key[1] in ("flat", "qdrant")
            if key[0] == "dense" and (exact or len(eligible) < len(CHUNKS)):
                # exact over the eligible rows: nothing left out scores higher
                s = VECS[eligible] @ fake_embed([q])[0]
                kth = min(h["score"] for h in hits) if hits else np.inf
                left_out = [x for i, x in zip(eligible, s, strict=True) if i not in set(ids)]
                assert not left_out or max(left_out) <= kth + 1e-5
        # the prompt: rag_answer over the same retriever, stub generator
        before = len(prompts)
        rag_qs = qs[:RAG_PER_EXAMPLE]
        out = rag_answer(
            rag_qs,
            lambda q, kk, caller: r.search(q, kk, filters=filters, caller=caller),
            None,
            None,
            k=k,
            caller=caller,
        )
        counts["rag"] += len(rag_qs)
        assert all(o["caller"] == caller.role for o in out)
        forbidden = [f"zq{i}x" for i, c in enumerate(CHUNKS) if not permitted(c, caller)]
        for p in prompts[before:]:
            # the question itself may name a marker; the sources part must not
            sources = p.split("\nQuestion: ")[0]
            assert not any(re.search(rf"\b{m}\b", sources) for m in forbidden), caller

    check()
    print(
        f"\naccess property ({engine}): {counts['queries']} queries through search_many "
        f"({counts['hits']} hits, {counts['full_k']} with all k), {counts['rag']} through "
        f"rag_answer: 0 chunks above the caller's level in a result or a prompt"
    )
    assert counts["queries"] >= min_queries
    assert counts["rag"] >= examples * RAG_PER_EXAMPLE and prompts
    assert counts["full_k"] > counts["queries"] // 4  # the k-hits check was not vacuous
