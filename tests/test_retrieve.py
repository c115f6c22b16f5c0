"""Retrievers: BM25 keyword ranking, metadata filters, RRF fusion, dense over a FAISS flat index."""

import faiss
import numpy as np
import pytest

from labkit.rag.retrieve import (
    BM25Config,
    BM25Retriever,
    DenseRetriever,
    HybridRetriever,
    matches_filters,
    rrf_fuse,
)
from labkit.security.access import Caller

AGENT = Caller("agent")  # reads every level: these tests are about ranking and filters

ACCESS = ["public", "customer", "internal"]


def make_chunks():
    texts = [
        ("Refund policy", "Annual plans can be refunded within 30 days of purchase."),
        ("Invoices", "Download invoices as PDF from the billing page."),
        ("Rate limits", "The API allows 600 requests per minute per workspace."),
        ("SSO setup", "Configure SAML single sign-on with Okta or Azure AD."),
        ("Webhooks", "Webhooks retry failed deliveries with exponential backoff."),
        ("Quota errors", "Error 429 means you exceeded the requests per minute quota."),
    ]
    cats = [
        "billing-refunds",
        "billing-refunds",
        "limits-quotas",
        "security-compliance",
        "integrations",
        "troubleshooting",
    ]
    return [
        {
            "chunk_id": f"c{i}",
            "doc_id": f"d{i // 2}",
            "title": t,
            "text": x,
            "category": cats[i],
            "access": ACCESS[i % 3],
        }
        for i, (t, x) in enumerate(texts)
    ]


class TinyIndex:
    """Protocol stand-in: FAISS IndexFlatIP over fixed vectors + aligned chunks."""

    def __init__(self, vectors, chunks):
        self.chunks = chunks
        self.faiss = faiss.IndexFlatIP(vectors.shape[1])
        self.faiss.add(vectors.astype(np.float32))

    def search(self, query_vecs, k):
        return self.faiss.search(np.ascontiguousarray(query_vecs, np.float32), k)


class KeywordEmbedder:
    """Stand-in embedder for plumbing tests: one-hot over a few words (not a claim about models)."""

    words = ["refund", "invoice", "api", "saml", "webhook", "429"]

    def embed(self, texts):
        v = np.array([[float(w in t.lower()) for w in self.words] for t in texts], np.float32)
        v += 1e-3
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def make_dense(chunks):
    emb = KeywordEmbedder()
    index = TinyIndex(emb.embed([c["title"] + " " + c["text"] for c in chunks]), chunks)
    dense = DenseRetriever(index, embedder=None)
    dense.embed_queries = emb.embed  # no model needed for plumbing
    return dense


def test_bm25_exact_keyword_first():
    bm25 = BM25Retriever(make_chunks())
    hits = bm25.search("SAML Okta", k=3, caller=AGENT)
    assert hits[0]["chunk_id"] == "c3"
    assert hits[0]["rank"] == 1 and hits[0]["score"] > 0
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    # no shared term -> no hits (zero-score chunks are never returned)
    assert bm25.search("zebra", k=3, caller=AGENT) == []


def test_bm25_stemming_matches_inflections():
    bm25 = BM25Retriever(make_chunks())
    if not bm25.stemmed:
        pytest.skip("PyStemmer not installed")
    assert bm25.search("refunding", k=1, caller=AGENT)[0]["chunk_id"] == "c0"
    unstemmed = BM25Retriever(make_chunks(), BM25Config(stemmer=None))
    assert unstemmed.search("refunding", k=1, caller=AGENT) == []


def test_bm25_search_many_matches_search():
    bm25 = BM25Retriever(make_chunks())
    qs = ["requests per minute", "invoices PDF"]
    many = bm25.search_many(qs, k=2, caller=AGENT)
    assert [[h["chunk_id"] for h in hits] for hits in many] == [
        [h["chunk_id"] for h in bm25.search(q, k=2, caller=AGENT)] for q in qs
    ]


@pytest.mark.parametrize("which", ["bm25", "dense", "hybrid"])
def test_filters_never_return_disallowed(which):
    chunks = make_chunks()
    bm25, dense = BM25Retriever(chunks), make_dense(chunks)
    r = {"bm25": bm25, "dense": dense, "hybrid": HybridRetriever(dense, bm25, depth=6)}[which]
    allowed = {"public", "customer"}
    n_hits = 0
    for q in ["refund", "SAML Okta", "requests per minute 429", "webhook", "invoice"]:
        hits = r.search(q, k=6, filters={"access": allowed}, caller=AGENT)
        n_hits += len(hits)
        assert all(h["access"] in allowed for h in hits)
        if which == "hybrid":
            continue  # fusion re-ranks the filtered lists, so no prefix relation to check
        unfiltered = r.search(q, k=6, caller=AGENT)
        assert [h["chunk_id"] for h in hits] == [
            h["chunk_id"] for h in unfiltered if h["access"] in allowed
        ][: len(hits)]
        hits = r.search(
            q, k=6, filters={"access": "internal", "category": "billing-refunds"}, caller=AGENT
        )
        assert all(h["access"] == "internal" and h["category"] == "billing-refunds" for h in hits)
    assert n_hits > 0
    # the 429 chunks are all internal: a filter may return nothing rather than a wrong chunk
    assert all(
        h["access"] != "internal"
        for h in r.search("429", k=6, filters={"access": allowed}, caller=AGENT)
    )


def test_filter_on_missing_field_fails_closed():
    assert not matches_filters({"access": "public"}, {"category": "features"})
    assert matches_filters({"access": "public"}, None)
    assert matches_filters({"access": "public"}, {"access": ["public", "customer"]})


def test_dense_returns_nearest_and_handles_small_index():
    chunks = make_chunks()
    dense = make_dense(chunks)
    hits = dense.search("webhook retries", k=2, caller=AGENT)
    assert hits[0]["chunk_id"] == "c4"
    assert hits[0]["score"] >= hits[1]["score"]
    assert len(dense.search("anything", k=50, caller=AGENT)) == len(chunks)  # k > index size


def test_rrf_hand_computed_order():
    # k=60: a = 1/61 + 1/63, b = 1/62 + 1/61, c = 1/63, d = 1/62
    fused = rrf_fuse([["a", "b", "c"], ["b", "d", "a"]], k_rrf=60)
    assert [key for key, _ in fused] == ["b", "a", "d", "c"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[1][1] == pytest.approx(1 / 61 + 1 / 63)
    # weights [3, 1]: a = 3/61 + 1/63 > b = 3/62 + 1/61 > c = 3/63 > d = 1/62
    w = rrf_fuse([["a", "b", "c"], ["b", "d", "a"]], k_rrf=60, weights=[3, 1])
    assert [key for key, _ in w] == ["a", "b", "c", "d"]


def test_hybrid_fuse_ranks_and_provenance():
    hyb = HybridRetriever(dense=None, sparse=None, k_rrf=1)
    d = [{"chunk_id": "x", "rank": 1, "score": 0.9}, {"chunk_id": "y", "rank": 2, "score": 0.5}]
    s = [{"chunk_id": "y", "rank": 1, "score": 7.0}, {"chunk_id": "z", "rank": 2, "score": 3.0}]
    out = hyb.fuse(d, s, k=3)
    assert [h["chunk_id"] for h in out] == ["y", "x", "z"]  # y: 1/3 + 1/2
    assert out[0]["score"] == pytest.approx(1 / 3 + 1 / 2)
    assert (out[0]["dense_rank"], out[0]["sparse_rank"]) == (2, 1)
    assert out[2]["dense_rank"] is None
    assert (out[0]["dense_score"], out[1]["dense_score"], out[2]["dense_score"]) == (0.5, 0.9, None)
    assert [h["rank"] for h in out] == [1, 2, 3]


def test_config_validation():
    with pytest.raises(ValueError):
        BM25Config(b=2)
    with pytest.raises(ValueError):
        HybridRetriever(None, None, depth=0)
    with pytest.raises(ValueError):
        rrf_fuse([["a"]], weights=[1, 2])


# --- issue 12 section 3 / issue 10 section 1: bad queries and filters are clear errors


def _three(chunks=None):
    chunks = chunks or make_chunks()
    bm25, dense = BM25Retriever(chunks), make_dense(chunks)
    return {"bm25": bm25, "dense": dense, "hybrid": HybridRetriever(dense, bm25, depth=6)}


@pytest.mark.parametrize("which", ["bm25", "dense", "hybrid"])
@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_or_blank_query_is_refused(which, query):
    r = _three()[which]
    with pytest.raises(ValueError, match="empty or blank"):
        r.search(query, k=3, caller=AGENT)
    with pytest.raises(ValueError, match=r"query 1 is empty or blank"):
        r.search_many(["refund", query], k=3, caller=AGENT)


@pytest.mark.parametrize("which", ["bm25", "dense", "hybrid"])
def test_one_string_to_search_many_is_refused(which):
    with pytest.raises(TypeError, match="not one string"):
        _three()[which].search_many("refund", k=3, caller=AGENT)


@pytest.mark.parametrize("which", ["bm25", "dense", "hybrid"])
def test_empty_filter_dict_is_refused_not_ignored(which):
    r = _three()[which]
    with pytest.raises(ValueError, match=r"filters=\{\} filters nothing.*filters=None"):
        r.search("refund", k=3, filters={}, caller=AGENT)
    assert r.search("refund", k=3, filters=None, caller=AGENT)  # None is the way to say "no filter"


@pytest.mark.parametrize("which", ["bm25", "dense"])
def test_misspelt_filter_key_warns_with_the_fields_that_exist(which):
    r = _three()[which]
    with pytest.warns(UserWarning, match=r"filter key 'acess' is a field of no chunk.*'access'"):
        hits = r.search("refund", k=3, filters={"acess": "public"}, caller=AGENT)
    assert hits == []  # still fails closed


def _rare_public_corpus(n=300, n_public=12, dim=16, seed=0):
    """Chunks whose few public ones lie far from the query: a top-(k*4) pre-filter misses them."""
    rng = np.random.default_rng(seed)
    vecs = rng.normal(size=(n, dim)).astype(np.float32)
    q = vecs[:1].copy()
    public = set(np.argsort(vecs @ q[0])[:n_public].tolist())  # the least similar chunks
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    q /= np.linalg.norm(q)
    chunks = [
        {"chunk_id": f"c{i}", "doc_id": f"d{i}", "access": "public" if i in public else "internal"}
        for i in range(n)
    ]
    return chunks, vecs, q, public


def _reference(vecs, q, eligible, k):
    scores = vecs @ q[0]
    order = sorted(eligible, key=lambda i: (-scores[i], i))
    return [f"c{i}" for i in order[:k]]


@pytest.mark.parametrize("kind", ["stored-vectors", "no-vectors", "vector-index-hnsw"])
def test_filtered_dense_search_returns_k_hits_when_k_are_eligible(kind):
    from labkit.rag.chunk import ChunkConfig
    from labkit.rag.index import IndexConfig, VectorIndex

    chunks, vecs, q, public = _rare_public_corpus()
    if kind == "vector-index-hnsw":
        index = VectorIndex(chunks, vecs, "fake", ChunkConfig(), IndexConfig("hnsw"), {})
    else:
        index = TinyIndex(vecs, chunks)
        if kind == "stored-vectors":
            index.vectors = vecs
    dense = DenseRetriever(index, embedder=None)
    # the old behaviour: the top 5 x 4 neighbours hold no public chunk at all
    _, pos = index.search(q, 20)
    assert not public & set(pos[0].tolist())
    for k in (1, 5, 12, 20):
        hits = dense.search_vectors(q, k=k, filters={"access": "public"}, caller=AGENT)[0]
        assert len(hits) == min(k, len(public))
        assert all(h["access"] == "public" for h in hits)
        assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
        assert [h["chunk_id"] for h in hits] == _reference(vecs, q, public, k)


def test_filtered_dense_scores_match_unfiltered_scores():
    chunks, vecs, q, public = _rare_public_corpus()
    index = TinyIndex(vecs, chunks)
    index.vectors = vecs
    dense = DenseRetriever(index, embedder=None)
    every = {h["chunk_id"]: h["score"] for h in dense.search_vectors(q, k=300, caller=AGENT)[0]}
    for h in dense.search_vectors(q, k=5, filters={"access": "public"}, caller=AGENT)[0]:
        assert h["score"] == pytest.approx(every[h["chunk_id"]], abs=1e-5)


class WindowEmbedder:
    """Stand-in SentenceTransformer: a word = a word piece, window of 8 (with [CLS]/[SEP])."""

    max_seq_length = 8

    def tokenizer(self, texts, **kw):
        return {"input_ids": [[0] * (len(t.split()) + 2) for t in texts]}

    def get_sentence_embedding_dimension(self):
        return 6

    def encode(self, texts, **kw):
        import torch

        return torch.ones(len(texts), 6)


def test_queries_longer_than_the_window_warn_once_with_the_count():
    import warnings

    chunks = make_chunks()
    index = TinyIndex(KeywordEmbedder().embed([c["text"] for c in chunks]), chunks)
    dense = DenseRetriever(index, WindowEmbedder())
    long_q = " ".join(["refund"] * 7)  # 9 word pieces with [CLS]/[SEP] > 8
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        dense.search_many([long_q, "refund", long_q + " now"], k=1, caller=AGENT)
        dense.search_many(["refund policy"], k=1, caller=AGENT)  # 4 word pieces: no warning
    msgs = [str(w.message) for w in seen if "window" in str(w.message)]
    assert len(msgs) == 1  # one warning per call, with the count
    assert "2 of 3 queries are longer than the embedder's window of 8" in msgs[0]


@pytest.mark.slow
def test_minilm_window_warning_on_a_real_long_query(embedder):
    chunks = make_chunks()
    from labkit.rag.embed import embed_texts

    index = TinyIndex(
        embed_texts(embedder, [c["text"] for c in chunks], show_progress=False), chunks
    )
    dense = DenseRetriever(index, embedder)
    long_q = "How do refunds work for annual plans? " * 60  # ~540 word pieces
    with pytest.warns(UserWarning, match=f"1 of 1 queries .* window of {embedder.max_seq_length}"):
        dense.search(long_q, k=1, caller=AGENT)


# --- issue 13 section 1: the caller is required and enforced inside every retriever


@pytest.mark.parametrize("which", ["bm25", "dense", "hybrid"])
def test_missing_or_wrong_caller_is_a_type_error(which):
    r = _three()[which]
    for call in (
        lambda: r.search("refund", k=3),
        lambda: r.search_many(["refund"], k=3),
        lambda: r.search("refund", k=3, caller="public"),
        lambda: r.search_many(["refund"], 3, None, caller={"role": "agent"}),
    ):
        with pytest.raises(TypeError, match=r"pass caller=Caller\('public'\) \(who is asking\?\)"):
            call()


@pytest.mark.parametrize("which", ["bm25", "dense", "hybrid"])
def test_caller_restricts_before_the_top_k(which):
    r = _three()[which]
    for role, levels in (("public", {"public"}), ("customer", {"public", "customer"})):
        for q in ["refund", "SAML Okta", "requests per minute 429", "webhook invoice"]:
            hits = r.search(q, k=6, caller=Caller(role))
            assert all(h["access"] in levels for h in hits)
            same = r.search(q, k=6, filters={"access": levels}, caller=AGENT)
            assert [h["chunk_id"] for h in hits] == [h["chunk_id"] for h in same]
    # caller and filter intersect: a public caller asking for internal chunks gets none
    assert r.search("429 quota", k=6, filters={"access": "internal"}, caller=Caller("public")) == []


def test_chunks_without_access_count_as_public_and_hits_say_so():
    chunks = [{k: v for k, v in c.items() if k != "access"} for c in make_chunks()]
    chunks[2]["access"] = "internl"  # an unknown level: nobody reads it (fail closed)
    for r in _three(chunks).values():
        hits = r.search("requests per minute", k=6, caller=Caller("public"))
        assert hits and all(h["access"] == "public" for h in hits)
        assert "c2" not in {h["chunk_id"] for h in hits}
        assert "c2" not in {
            h["chunk_id"] for h in r.search("requests per minute", k=6, caller=AGENT)
        }


def test_dense_caller_search_returns_k_when_k_are_permitted():
    from labkit.rag.chunk import ChunkConfig
    from labkit.rag.index import IndexConfig, VectorIndex

    chunks, vecs, q, public = _rare_public_corpus()
    for kind in ("flat", "ivf", "hnsw"):
        index = VectorIndex(chunks, vecs, "fake", ChunkConfig(), IndexConfig(kind), {})
        dense = DenseRetriever(index, embedder=None)
        for k in (1, 5, 12, 20):
            hits = dense.search_vectors(q, k=k, caller=Caller("public"))[0]
            assert [h["chunk_id"] for h in hits] == _reference(vecs, q, public, k)
