"""FAISS index with a manifest: retrieval invariants, persistence, refusal, updates."""

import numpy as np
import pytest

import labkit.index as index_mod
from labkit.chunk import ChunkConfig
from labkit.index import (
    IndexConfig,
    IndexMismatchError,
    VectorIndex,
    build_index,
    load_or_build_index,
)

TOPICS = [
    (
        "Refund window",
        "Customers can ask for a refund within 21 days of purchase by opening a billing ticket.",
    ),
    (
        "API rate limits",
        "The public API accepts 1,800 requests per minute per workspace before returning error 429.",
    ),
    (
        "Single sign-on",
        "SAML single sign-on is available on the Grove plan and above, configured by an owner.",
    ),
    (
        "Data residency",
        "Workspaces can be hosted in Frankfurt or Montreal; the region is chosen at creation.",
    ),
    (
        "Slack integration",
        "The Slack integration posts board updates to a channel every 5 minutes.",
    ),
    (
        "Error NB-4217",
        "Error NB-4217 means an automation exceeded its monthly run quota; upgrade or wait for reset.",
    ),
    (
        "Audit log",
        "Audit log entries are kept for 400 days on Enterprise and 90 days on other plans.",
    ),
    (
        "File uploads",
        "A single file upload may be at most 750 MB; larger files must be split or linked.",
    ),
]


def _docs():
    return [
        {
            "id": f"kb-t-{i:03d}",
            "title": t,
            "body": f"# {t}\n\n## Details\n\n{b}\n\n## Notes\n\nContact support if this does not help.",
            "category": "features",
            "access": "internal" if i == 3 else "public",
            "version": 1,
        }
        for i, (t, b) in enumerate(TOPICS)
    ]


@pytest.fixture(scope="module")
def small_index(embedder):
    return build_index(_docs(), embedder, ChunkConfig("headings", 64, 0), show_progress=False)


def test_own_text_retrieves_itself_first(small_index, embedder):
    from labkit.embed import embed_texts

    vecs = embed_texts(embedder, [c["text"] for c in small_index.chunks], show_progress=False)
    _, pos = small_index.search(vecs, 1)
    own = [
        small_index.chunks[p]["text"] == c["text"] for p, c in zip(pos[:, 0], small_index.chunks)
    ]
    assert np.mean(own) == 1.0


def test_vectors_unit_norm_and_manifest(small_index):
    assert np.allclose(np.linalg.norm(small_index.vectors, axis=1), 1.0, atol=1e-3)
    mf = small_index.manifest
    assert mf["dim"] == 384 and mf["normalized"] and mf["n_chunks"] == len(small_index)
    assert set(mf["doc_hashes"]) == {d["id"] for d in _docs()}
    assert mf["chunker"] == {"strategy": "headings", "size": 64, "overlap": 0}


def test_save_load_roundtrip(small_index, embedder, tmp_path):
    small_index.save(tmp_path / "idx")
    loaded = VectorIndex.load(tmp_path / "idx", embedder)
    q = small_index.vectors[:3]
    assert np.array_equal(small_index.search(q, 4)[1], loaded.search(q, 4)[1])
    assert loaded.manifest == small_index.manifest


def test_refuses_other_embedding_model(small_index, embedder, tmp_path, monkeypatch):
    small_index.save(tmp_path / "idx")
    monkeypatch.setattr(
        index_mod, "embedder_id", lambda m: "sentence-transformers/all-mpnet-base-v2"
    )
    with pytest.raises(IndexMismatchError, match="all-MiniLM-L6-v2.*all-mpnet-base-v2"):
        VectorIndex.load(tmp_path / "idx", embedder)


def test_save_is_atomic(small_index, tmp_path, monkeypatch):
    target = tmp_path / "idx"
    small_index.save(target)
    before = (target / "manifest.json").read_text()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(index_mod.np, "save", boom)
    with pytest.raises(OSError):
        small_index.save(target)
    assert (target / "manifest.json").read_text() == before  # the old index is intact
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]  # no half-written sibling left


def test_upsert_and_delete(embedder):
    docs = _docs()
    idx = build_index(docs, embedder, ChunkConfig("headings", 64, 0), show_progress=False)
    n_before = len(idx)
    changed = dict(docs[0], body=docs[0]["body"].replace("21 days", "45 days"))
    stats = idx.upsert_docs([changed, *docs[1:]], embedder)
    assert (stats["added"], stats["updated"], stats["unchanged"]) == (0, 1, len(docs) - 1)
    assert len(idx) == n_before
    texts = " ".join(c["text"] for c in idx.chunks if c["doc_id"] == docs[0]["id"])
    assert "45 days" in texts and "21 days" not in texts
    removed = idx.delete_docs([docs[1]["id"]])
    assert removed > 0 and all(c["doc_id"] != docs[1]["id"] for c in idx.chunks)
    assert docs[1]["id"] not in idx.manifest["doc_hashes"]
    # a re-run of the same upsert is a no-op
    assert idx.upsert_docs([changed], embedder)["unchanged"] == 1


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_approximate_indexes_agree_with_exact_when_exhaustive(small_index, kind):
    cfg = IndexConfig(kind=kind, nlist=1, nprobe=1, ef_search=64)
    approx = small_index.copy(cfg)
    q = small_index.vectors
    assert np.array_equal(approx.search(q, 1)[1], small_index.search(q, 1)[1])


def test_load_or_build_reuses_only_identical(embedder, tmp_path, monkeypatch):
    monkeypatch.setenv("LABKIT_CACHE", str(tmp_path))
    cfg = ChunkConfig("headings", 64, 0)
    _, reused = load_or_build_index("t", _docs(), embedder, cfg, show_progress=False)
    assert not reused
    _, reused = load_or_build_index("t", _docs(), embedder, cfg, show_progress=False)
    assert reused
    edited = _docs()
    edited[2]["body"] += " Extra."
    idx, reused = load_or_build_index("t", edited, embedder, cfg, show_progress=False)
    assert not reused and idx.doc_hashes[edited[2]["id"]] != _docs()[2]["id"]


def test_config_validates():
    with pytest.raises(ValueError):
        IndexConfig(kind="lsh")
