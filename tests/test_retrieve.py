"""Retrievers: BM25 keyword ranking, metadata filters, RRF fusion, dense over a FAISS flat index."""

import faiss
import numpy as np
import pytest

from labkit.retrieve import (
    BM25Config,
    BM25Retriever,
    DenseRetriever,
    HybridRetriever,
    matches_filters,
    rrf_fuse,
)

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
    hits = bm25.search("SAML Okta", k=3)
    assert hits[0]["chunk_id"] == "c3"
    assert hits[0]["rank"] == 1 and hits[0]["score"] > 0
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    # no shared term -> no hits (zero-score chunks are never returned)
    assert bm25.search("zebra", k=3) == []


def test_bm25_stemming_matches_inflections():
    bm25 = BM25Retriever(make_chunks())
    if not bm25.stemmed:
        pytest.skip("PyStemmer not installed")
    assert bm25.search("refunding", k=1)[0]["chunk_id"] == "c0"
    unstemmed = BM25Retriever(make_chunks(), BM25Config(stemmer=None))
    assert unstemmed.search("refunding", k=1) == []


def test_bm25_search_many_matches_search():
    bm25 = BM25Retriever(make_chunks())
    qs = ["requests per minute", "invoices PDF"]
    many = bm25.search_many(qs, k=2)
    assert [[h["chunk_id"] for h in hits] for hits in many] == [
        [h["chunk_id"] for h in bm25.search(q, k=2)] for q in qs
    ]


@pytest.mark.parametrize("which", ["bm25", "dense", "hybrid"])
def test_filters_never_return_disallowed(which):
    chunks = make_chunks()
    bm25, dense = BM25Retriever(chunks), make_dense(chunks)
    r = {"bm25": bm25, "dense": dense, "hybrid": HybridRetriever(dense, bm25, depth=6)}[which]
    allowed = {"public", "customer"}
    n_hits = 0
    for q in ["refund", "SAML Okta", "requests per minute 429", "webhook", "invoice"]:
        hits = r.search(q, k=6, filters={"access": allowed})
        n_hits += len(hits)
        assert all(h["access"] in allowed for h in hits)
        if which == "hybrid":
            continue  # fusion re-ranks the filtered lists, so no prefix relation to check
        unfiltered = r.search(q, k=6)
        assert [h["chunk_id"] for h in hits] == [
            h["chunk_id"] for h in unfiltered if h["access"] in allowed
        ][: len(hits)]
        hits = r.search(q, k=6, filters={"access": "internal", "category": "billing-refunds"})
        assert all(h["access"] == "internal" and h["category"] == "billing-refunds" for h in hits)
    assert n_hits > 0
    # the 429 chunks are all internal: a filter may return nothing rather than a wrong chunk
    assert all(h["access"] != "internal" for h in r.search("429", k=6, filters={"access": allowed}))


def test_filter_on_missing_field_fails_closed():
    assert not matches_filters({"access": "public"}, {"category": "features"})
    assert matches_filters({"access": "public"}, None)
    assert matches_filters({"access": "public"}, {"access": ["public", "customer"]})


def test_dense_returns_nearest_and_handles_small_index():
    chunks = make_chunks()
    dense = make_dense(chunks)
    hits = dense.search("webhook retries", k=2)
    assert hits[0]["chunk_id"] == "c4"
    assert hits[0]["score"] >= hits[1]["score"]
    assert len(dense.search("anything", k=50)) == len(chunks)  # k > index size


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
    assert [h["rank"] for h in out] == [1, 2, 3]


def test_config_validation():
    with pytest.raises(ValueError):
        BM25Config(b=2)
    with pytest.raises(ValueError):
        HybridRetriever(None, None, depth=0)
    with pytest.raises(ValueError):
        rrf_fuse([["a"]], weights=[1, 2])
