"""FAISS index with a manifest: retrieval invariants, persistence, refusal, updates."""

import json
from pathlib import Path

import numpy as np
import pytest

import labkit.rag.index as index_mod
from labkit.rag.chunk import ChunkConfig
from labkit.rag.index import (
    IndexConfig,
    IndexIntegrityError,
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
    from labkit.rag.embed import embed_texts

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


# --- storage that cannot mix or lie (no model needed: tiny vectors, a fake embedder id) -----

FAKE = "fake/tiny-embedder"


class FakeEmbedder:
    """Enough of an embedder for the checks that run before anything is embedded."""

    name_or_path = FAKE


def tiny_index(tag: int = 1, n: int = 4, kind: str = "flat") -> VectorIndex:
    """``n`` chunks of 8-d unit vectors; ``tag`` marks which save they come from."""
    rng = np.random.default_rng(tag)
    v = rng.standard_normal((n, 8)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    chunks = [
        {
            "chunk_id": f"d{i}#0",
            "doc_id": f"d{i}",
            "text": f"save {tag} chunk {i}",
            "access": "internal" if i == 0 else "public",
        }
        for i in range(n)
    ]
    hashes = {f"d{i}": f"h{tag}" for i in range(n)}
    return VectorIndex(chunks, v, FAKE, ChunkConfig(), IndexConfig(kind), hashes)


def _current(path):
    return path / json.loads((path / "manifest.json").read_text())["data"]


def _edit_manifest(path, resign=False, **changes):
    mf = json.loads((path / "manifest.json").read_text()) | changes
    if resign:  # a consistent manifest that still lies about the files
        mf["manifest_sha256"] = index_mod._mf_sha(mf)
    (path / "manifest.json").write_text(json.dumps(mf))


def _saved(tmp_path, **kw):
    return tiny_index(**kw).save(tmp_path / "idx")


def _doc(i, **over):
    return {"id": f"d{i}", "title": "T", "body": f"# T\n\nBody {i}.", "access": "public"} | over


def _load(p):
    return lambda: VectorIndex.load(p, FAKE)


def case_load_without_embedder(tmp_path):
    return lambda: VectorIndex.load(_saved(tmp_path))


def case_load_other_embedder(tmp_path):
    return lambda: VectorIndex.load(_saved(tmp_path), "sentence-transformers/all-mpnet-base-v2")


def case_chunks_relabelled(tmp_path):
    p = _saved(tmp_path)
    f = _current(p) / "chunks.jsonl"
    text = f.read_text()
    assert '"access": "internal"' in text
    f.write_text(text.replace('"access": "internal"', '"access": "public"'))
    return _load(p)


def _swap_from_other_save(tmp_path, name):
    p = _saved(tmp_path, tag=1)
    other = tiny_index(tag=2).save(tmp_path / "other")  # same shape, other contents
    (_current(p) / name).write_bytes((_current(other) / name).read_bytes())
    return _load(p)


def case_vectors_from_other_save(tmp_path):
    return _swap_from_other_save(tmp_path, "vectors.npy")


def case_faiss_from_other_save(tmp_path):
    return _swap_from_other_save(tmp_path, "index.faiss")


def case_truncated_file(tmp_path):
    p = _saved(tmp_path)
    f = _current(p) / "vectors.npy"
    f.write_bytes(f.read_bytes()[:100])
    return _load(p)


def case_missing_file(tmp_path):
    p = _saved(tmp_path)
    (_current(p) / "index.faiss").unlink()
    return _load(p)


def case_manifest_edited(tmp_path):
    p = _saved(tmp_path)
    _edit_manifest(p, doc_hashes={"d0": "forged"})  # a stale index passed off as current
    return _load(p)


def case_manifest_kind_hnsw_over_flat(tmp_path):
    p = _saved(tmp_path, kind="flat")
    _edit_manifest(p, resign=True, index=IndexConfig("hnsw").as_dict())
    return _load(p)


def case_manifest_not_json(tmp_path):
    p = _saved(tmp_path)
    (p / "manifest.json").write_text('{"format_version": 2, "embed')
    return _load(p)


def case_format_1_index(tmp_path):
    p = _saved(tmp_path)
    _edit_manifest(p, format_version=1)
    return _load(p)


def case_save_onto_a_file(tmp_path):
    (tmp_path / "idx").write_text("not a folder")
    return lambda: tiny_index().save(tmp_path / "idx")


def case_upsert_without_access(tmp_path):
    doc = _doc(9)
    del doc["access"]
    return lambda: tiny_index().upsert_docs([doc], FakeEmbedder())


def case_upsert_unknown_access(tmp_path):
    return lambda: tiny_index().upsert_docs([_doc(9, access="secret")], FakeEmbedder())


def case_upsert_same_id_twice(tmp_path):
    return lambda: tiny_index().upsert_docs([_doc(9), _doc(9, body="# T\n\nv2")], FakeEmbedder())


def case_doc_without_body(tmp_path):
    doc = _doc(9)
    del doc["body"]
    return lambda: build_index([_doc(1), doc], FakeEmbedder())


def case_blank_body(tmp_path):
    return lambda: tiny_index().upsert_docs([_doc(9, body="  \n")], FakeEmbedder())


def case_empty_corpus(tmp_path):
    return lambda: build_index([], FakeEmbedder())


# (case id, input, error, message fragment, how the input is made). Rendered into
# docs/ERRORS.md by errors_table(); test_errors_doc_is_current keeps the two in step.
CASES = [
    ("load-without-embedder", "`VectorIndex.load(path)` without `embedder=`", TypeError, "needs embedder=", case_load_without_embedder),
    ("load-other-embedder", "load with another embedding model (model or id string)", IndexMismatchError, "was built with embedding model", case_load_other_embedder),
    ("chunks-relabelled", "`chunks.jsonl` edited by hand (`internal` relabelled `public`)", IndexIntegrityError, "chunks.jsonl does not match its checksum", case_chunks_relabelled),
    ("vectors-from-other-save", "`vectors.npy` copied from another save (same shape)", IndexIntegrityError, "vectors.npy does not match", case_vectors_from_other_save),
    ("faiss-from-other-save", "`index.faiss` copied from another save", IndexIntegrityError, "index.faiss does not match", case_faiss_from_other_save),
    ("truncated-file", "a data file cut short", IndexIntegrityError, "vectors.npy does not match", case_truncated_file),
    ("missing-file", "a data file deleted", IndexIntegrityError, "index.faiss is missing", case_missing_file),
    ("manifest-edited", "`manifest.json` edited (e.g. its document hashes)", IndexIntegrityError, "manifest.json was changed after it was saved", case_manifest_edited),
    ("manifest-kind-hnsw-over-flat", "manifest says `kind=hnsw` over a flat FAISS file (checksum redone)", IndexIntegrityError, "kind='hnsw' but index.faiss holds IndexFlat", case_manifest_kind_hnsw_over_flat),
    ("manifest-not-json", "`manifest.json` truncated", IndexIntegrityError, "not valid JSON", case_manifest_not_json),
    ("format-1-index", "an index saved by the old format (1)", IndexMismatchError, "index format 1, expected 2; rebuild", case_format_1_index),
    ("save-onto-a-file", "`save(path)` where `path` is a file", NotADirectoryError, "is a file", case_save_onto_a_file),
    ("upsert-without-access", "upsert a document without `access` into an index whose documents have one", ValueError, "some documents have an 'access' level", case_upsert_without_access),
    ("upsert-unknown-access", "upsert with `access='secret'`", ValueError, "has access 'secret'; allowed", case_upsert_unknown_access),
    ("upsert-same-id-twice", "the same id twice in one upsert", ValueError, r"given more than once: \['d9'\]", case_upsert_same_id_twice),
    ("doc-without-body", "a document without `body`", ValueError, "document 'd9' has no 'body'", case_doc_without_body),
    ("blank-body", "a document whose `body` is blank", ValueError, "document 'd9' has a blank", case_blank_body),
    ("empty-corpus", "`build_index([])`", ValueError, "got no documents", case_empty_corpus),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_storage_error(case, tmp_path):
    _, _, error, match, make = case
    with pytest.raises(error, match=match):
        make(tmp_path)()


def errors_table() -> str:
    """The markdown table of CASES that docs/ERRORS.md carries (regenerate: see that file)."""
    rows = [
        "| Input | Error | Held by |",
        "|---|---|---|",
    ]
    for cid, what, error, match, _ in CASES:
        frag = match.replace("\\", "")
        rows.append(
            f'| {what} | `{error.__name__}`: "…{frag}…" | `test_index.py::test_storage_error[{cid}]` |'
        )
    return "\n".join(rows) + "\n"


def test_errors_doc_is_current():
    doc = (Path(__file__).parents[1] / "docs" / "ERRORS.md").read_text()
    assert errors_table() in doc, "regenerate: .venv/bin/python tests/test_index.py"


def test_save_keeps_two_versions_and_load_reads_the_pointer(tmp_path):
    p = tmp_path / "idx"
    for tag in (1, 2, 3):
        tiny_index(tag=tag, n=2 + tag).save(p)
    assert sorted(q.name for q in p.iterdir()) == [".lock", "manifest.json", "v000002", "v000003"]
    loaded = VectorIndex.load(p, FakeEmbedder())
    assert len(loaded) == 5 and loaded.chunks[0]["text"] == "save 3 chunk 0"
    assert np.array_equal(loaded.vectors, tiny_index(tag=3, n=5).vectors)
    assert loaded.manifest == tiny_index(tag=3, n=5).manifest


def test_next_save_clears_leftovers_of_killed_saves(tmp_path):
    import os
    import time

    p = _saved(tmp_path)
    (p / ".tmp-v000009-4242").mkdir()  # a save killed after mkdir
    (p / ".tmp-v000009-4242" / "vectors.npy").write_bytes(b"x" * 1000)
    (p / ".tmp-manifest.json-abc").write_text("{")  # killed mid-pointer-write
    old = tmp_path / ".tmp-idx-old"  # format-1 atomic_dir leftovers beside the folder
    young = tmp_path / ".tmp-idx-young"
    old.mkdir(), young.mkdir()
    os.utime(old, (time.time() - 3600,) * 2)
    for name in ("chunks.jsonl", "vectors.npy", "index.faiss"):  # a format-1 folder's files
        (p / name).write_text("old")
    tiny_index(tag=2).save(p)
    assert sorted(q.name for q in p.iterdir()) == [".lock", "manifest.json", "v000001", "v000002"]
    assert sorted(q.name for q in tmp_path.iterdir()) == [".tmp-idx-young", "idx"]


def test_load_or_build_rebuilds_a_damaged_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("LABKIT_CACHE", str(tmp_path))
    built = []

    def fake_build(docs, embedder, chunk_cfg, cfg, show_progress):
        built.append(len(docs))
        return tiny_index(tag=len(built))

    monkeypatch.setattr(index_mod, "build_index", fake_build)
    monkeypatch.setattr(index_mod, "doc_hash", lambda d: "h1")  # tiny_index(1) records h1
    docs = [{"id": f"d{i}"} for i in range(4)]
    _, reused = load_or_build_index("t", docs, FakeEmbedder(), ChunkConfig(), IndexConfig())
    assert not reused
    _, reused = load_or_build_index("t", docs, FakeEmbedder(), ChunkConfig(), IndexConfig())
    assert reused and built == [4]
    f = _current(tmp_path / "indexes" / "t") / "chunks.jsonl"
    f.write_text(f.read_text().replace("internal", "public"))
    with pytest.warns(UserWarning, match="rebuilding.*chunks.jsonl does not match"):
        idx, reused = load_or_build_index("t", docs, FakeEmbedder(), ChunkConfig(), IndexConfig())
    assert not reused and built == [4, 4] and idx.chunks[0]["access"] == "internal"


def test_refused_upsert_changes_nothing():
    idx = tiny_index()
    before = (list(idx.chunks), idx.vectors.copy(), dict(idx.doc_hashes))
    with pytest.raises(ValueError):
        idx.upsert_docs([_doc(0, body="# T\n\nnew"), _doc(9, access="secret")], FakeEmbedder())
    assert idx.chunks == before[0] and np.array_equal(idx.vectors, before[1])
    assert idx.doc_hashes == before[2]


if __name__ == "__main__":  # prints the table for docs/ERRORS.md
    print(errors_table(), end="")
