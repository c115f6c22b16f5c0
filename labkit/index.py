"""A FAISS vector index that knows what it contains: chunks, vectors and a manifest.

- Exact inner-product search by default (``IndexConfig(kind="flat")``); on unit vectors
  inner product is cosine similarity. IVF and HNSW trade recall for speed
  (measured in notebooks/01_indexing.ipynb).
- ``save`` writes a folder atomically: ``manifest.json`` (embedding model, dimension,
  normalisation, chunker and index settings, per-document hashes), ``chunks.jsonl``,
  ``vectors.npy`` and ``index.faiss``.
- ``load`` refuses an index built with a different embedding model: its vectors live in
  another space, and searching them with your queries would return confident nonsense.
- ``upsert_docs`` / ``delete_docs`` change documents in place by id (the knowledge-update
  notebook uses them); unchanged documents are not re-embedded.

Introduced in notebooks/01_indexing.ipynb.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import faiss
import numpy as np

from .chunk import ChunkConfig, chunk_docs, embedding_text
from .embed import embed_texts
from .models import embedder_id
from .store import atomic_dir, atomic_write_json, atomic_write_jsonl, sha256_text

__all__ = [
    "IndexConfig",
    "VectorIndex",
    "IndexMismatchError",
    "build_index",
    "load_or_build_index",
    "doc_hash",
]

FORMAT_VERSION = 1


class IndexMismatchError(ValueError):
    """The saved index does not match the model or settings you are loading it with."""


@dataclass(frozen=True)
class IndexConfig:
    """Which FAISS structure to build.

    kind: "flat" (exact), "ivf" (inverted lists: probe ``nprobe`` of ``nlist`` clusters),
          "hnsw" (graph with ``hnsw_m`` links per node, ``ef_search`` candidates at query time).
    nlist: IVF clusters; FAISS wants ~39 training points per cluster, so keep
           nlist <= n_vectors / 39 (we lower it automatically on small corpora).
    """

    kind: str = "flat"
    nlist: int = 16
    nprobe: int = 4
    hnsw_m: int = 16
    ef_search: int = 32

    def __post_init__(self):
        if self.kind not in ("flat", "ivf", "hnsw"):
            raise ValueError(f"kind must be 'flat', 'ivf' or 'hnsw', got {self.kind!r}")
        if min(self.nlist, self.nprobe, self.hnsw_m, self.ef_search) < 1:
            raise ValueError("nlist, nprobe, hnsw_m and ef_search must be >= 1")

    def as_dict(self) -> dict:
        return asdict(self)


def doc_hash(doc: dict) -> str:
    """Content hash of a document (title, body and the metadata that filters use)."""
    keys = ("title", "body", "category", "access", "version")
    return sha256_text(json.dumps({k: doc.get(k) for k in keys}, sort_keys=True))


def _make_faiss(cfg: IndexConfig, vectors: np.ndarray) -> faiss.Index:
    """A FAISS index over ``vectors`` (n, d) float32, trained if the kind needs it."""
    d = vectors.shape[1]
    if cfg.kind == "flat":
        index = faiss.IndexFlatIP(d)
    elif cfg.kind == "ivf":
        # index_factory owns its coarse quantizer (building IndexIVFFlat by hand from a
        # temporary IndexFlatIP lets Python free the quantizer under FAISS's feet).
        nlist = max(1, min(cfg.nlist, len(vectors) // 39))
        index = faiss.index_factory(d, f"IVF{nlist},Flat", faiss.METRIC_INNER_PRODUCT)
        index.cp.seed = 0  # deterministic k-means
        index.train(vectors)
        index.nprobe = min(cfg.nprobe, nlist)
    else:
        index = faiss.index_factory(d, f"HNSW{cfg.hnsw_m},Flat", faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = cfg.ef_search
    if len(vectors):
        if cfg.kind == "hnsw":
            # HNSW inserts in parallel by default, and the graph then depends on thread timing;
            # one thread keeps builds (and notebook outputs) reproducible.
            threads = faiss.omp_get_max_threads()
            faiss.omp_set_num_threads(1)
            try:
                index.add(vectors)
            finally:
                faiss.omp_set_num_threads(threads)
        else:
            index.add(vectors)
    return index


class VectorIndex:
    """Chunks, their vectors (n, d) float32 unit-norm, a FAISS index over them, and a manifest.

    ``chunks[i]`` is the chunk at FAISS position ``i``; :meth:`search` returns positions.
    """

    def __init__(self, chunks, vectors, embedder_name, chunk_cfg, cfg, doc_hashes):
        self.chunks: list[dict] = list(chunks)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.embedder_name = embedder_name
        self.chunk_cfg: ChunkConfig = chunk_cfg
        self.cfg: IndexConfig = cfg
        self.doc_hashes: dict[str, str] = dict(doc_hashes)
        self.faiss = _make_faiss(cfg, self.vectors)

    def __len__(self) -> int:
        return len(self.chunks)

    def __repr__(self) -> str:
        return (
            f"VectorIndex({len(self.doc_hashes)} docs, {len(self)} chunks, dim={self.dim}, "
            f"kind={self.cfg.kind!r}, embedder={self.embedder_name!r})"
        )

    def copy(self, cfg: IndexConfig | None = None) -> VectorIndex:
        """An independent copy (same chunks and vectors), optionally with another FAISS structure.

        ``index.copy(IndexConfig("hnsw"))`` compares index kinds without re-embedding anything.
        """
        return VectorIndex(
            self.chunks,
            self.vectors.copy(),
            self.embedder_name,
            self.chunk_cfg,
            cfg or self.cfg,
            self.doc_hashes,
        )

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    @property
    def manifest(self) -> dict:
        return {
            "format_version": FORMAT_VERSION,
            "embedder": self.embedder_name,
            "dim": self.dim,
            "normalized": True,
            "metric": "inner_product",
            "n_chunks": len(self),
            "chunker": self.chunk_cfg.as_dict(),
            "index": self.cfg.as_dict(),
            "doc_hashes": dict(sorted(self.doc_hashes.items())),
        }

    # --- search -------------------------------------------------------------------------
    def search(self, query_vecs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` by inner product. query_vecs (q, d) -> scores (q, k), positions (q, k).

        Positions are -1 (score -inf) where fewer than ``k`` chunks exist.
        """
        q = np.ascontiguousarray(np.atleast_2d(query_vecs), dtype=np.float32)
        if q.shape[1] != self.dim:
            raise IndexMismatchError(
                f"query vectors have dim {q.shape[1]}, index has dim {self.dim}"
            )
        return self.faiss.search(q, k)

    # --- updates ------------------------------------------------------------------------
    def delete_docs(self, doc_ids) -> int:
        """Remove every chunk of these documents; returns how many chunks went."""
        drop = set(doc_ids)
        keep = [i for i, c in enumerate(self.chunks) if c["doc_id"] not in drop]
        removed = len(self.chunks) - len(keep)
        self.chunks = [self.chunks[i] for i in keep]
        self.vectors = self.vectors[keep] if keep else self.vectors[:0]
        for d in drop:
            self.doc_hashes.pop(d, None)
        self.faiss = _make_faiss(self.cfg, self.vectors)  # IVF retrains; fine at course scale
        return removed

    def upsert_docs(self, docs: list[dict], embedder, show_progress: bool = False) -> dict:
        """Add new documents and replace changed ones (by id and content hash).

        Unchanged documents are skipped, so re-running a cell is cheap. Returns
        ``{"added", "updated", "unchanged", "chunks_embedded", "seconds"}``.
        """
        t0 = time.perf_counter()
        self._check_embedder(embedder)
        changed, added, unchanged = [], 0, 0
        for doc in docs:
            h = doc_hash(doc)
            old = self.doc_hashes.get(doc["id"])
            if old == h:
                unchanged += 1
                continue
            added += old is None
            changed.append(doc)
        self.delete_docs([d["id"] for d in changed])
        new_chunks = chunk_docs(changed, self.chunk_cfg, embedder.tokenizer)
        if new_chunks:
            vecs = embed_texts(
                embedder, [embedding_text(c) for c in new_chunks], show_progress=show_progress
            )
            self.chunks += new_chunks
            self.vectors = np.concatenate([self.vectors, vecs]) if len(self.vectors) else vecs
        self.doc_hashes.update({d["id"]: doc_hash(d) for d in changed})
        self.faiss = _make_faiss(self.cfg, self.vectors)
        return {
            "added": added,
            "updated": len(changed) - added,
            "unchanged": unchanged,
            "chunks_embedded": len(new_chunks),
            "seconds": time.perf_counter() - t0,
        }

    # --- persistence --------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the index folder atomically (a crash leaves the previous version intact)."""
        path = Path(path)
        with atomic_dir(path) as tmp:
            atomic_write_jsonl(tmp / "chunks.jsonl", self.chunks)
            np.save(tmp / "vectors.npy", self.vectors)
            faiss.write_index(self.faiss, str(tmp / "index.faiss"))
            atomic_write_json(tmp / "manifest.json", self.manifest)
        return path

    @classmethod
    def load(cls, path: str | Path, embedder=None) -> VectorIndex:
        """Load a saved index. With ``embedder``, refuse if it is not the model the index was built with."""
        path = Path(path)
        mf_path = path / "manifest.json"
        if not mf_path.is_file():
            raise FileNotFoundError(f"{path}: no manifest.json; not a labkit index folder")
        mf = json.loads(mf_path.read_text())
        if mf.get("format_version") != FORMAT_VERSION:
            raise IndexMismatchError(
                f"{path}: index format {mf.get('format_version')}, expected {FORMAT_VERSION}; rebuild it"
            )
        if embedder is not None and embedder_id(embedder) != mf["embedder"]:
            raise IndexMismatchError(
                f"{path} was built with embedding model {mf['embedder']!r}, but you are querying with "
                f"{embedder_id(embedder)!r}. Vectors from different models are not comparable: "
                "rebuild the index with build_index(...) using this embedder, or load the original model."
            )
        chunks = [
            json.loads(line) for line in (path / "chunks.jsonl").read_text().splitlines() if line
        ]
        vectors = np.load(path / "vectors.npy")
        if vectors.shape != (mf["n_chunks"], mf["dim"]) or len(chunks) != mf["n_chunks"]:
            raise IndexMismatchError(
                f"{path}: files disagree with the manifest ({vectors.shape} vs {mf['n_chunks']} chunks)"
            )
        obj = cls.__new__(cls)
        obj.chunks, obj.vectors = chunks, vectors
        obj.embedder_name = mf["embedder"]
        obj.chunk_cfg, obj.cfg = ChunkConfig(**mf["chunker"]), IndexConfig(**mf["index"])
        obj.doc_hashes = mf["doc_hashes"]
        obj.faiss = faiss.read_index(str(path / "index.faiss"))
        # Query-time knobs are not part of the saved FAISS structure: restore them.
        if obj.cfg.kind == "ivf":
            obj.faiss.nprobe = obj.cfg.nprobe
        elif obj.cfg.kind == "hnsw":
            obj.faiss.hnsw.efSearch = obj.cfg.ef_search
        return obj

    def _check_embedder(self, embedder) -> None:
        if embedder_id(embedder) != self.embedder_name:
            raise IndexMismatchError(
                f"index was built with {self.embedder_name!r}, not {embedder_id(embedder)!r}"
            )


def build_index(
    docs: list[dict],
    embedder,
    chunk_cfg: ChunkConfig | None = None,
    cfg: IndexConfig | None = None,
    show_progress: bool = True,
) -> VectorIndex:
    """Chunk ``docs``, embed the chunks (batched, with a progress bar) and index them.

    Chunk sizes are counted in the embedder's own word pieces (``embedder.tokenizer``), so
    ``chunk_cfg.size`` is what the model sees.
    """
    chunk_cfg = chunk_cfg or ChunkConfig()
    cfg = cfg or IndexConfig()
    chunks = chunk_docs(docs, chunk_cfg, embedder.tokenizer)
    vecs = embed_texts(embedder, [embedding_text(c) for c in chunks], show_progress=show_progress)
    return VectorIndex(
        chunks, vecs, embedder_id(embedder), chunk_cfg, cfg, {d["id"]: doc_hash(d) for d in docs}
    )


def load_or_build_index(
    name: str,
    docs: list[dict],
    embedder,
    chunk_cfg: ChunkConfig | None = None,
    cfg: IndexConfig | None = None,
    show_progress: bool = True,
) -> tuple[VectorIndex, bool]:
    """Reuse ``cache_dir("indexes")/name`` when it holds exactly these docs and settings.

    Returns ``(index, reused)``. Anything different (a document edited, another chunker or
    index setting, another embedder) rebuilds and atomically replaces the cached copy, so
    notebooks can share an index without ever reading a stale one.
    """
    from .env import cache_dir

    chunk_cfg = chunk_cfg or ChunkConfig()
    cfg = cfg or IndexConfig()
    path = cache_dir("indexes") / name
    want = {d["id"]: doc_hash(d) for d in docs}
    if (path / "manifest.json").is_file():
        try:
            idx = VectorIndex.load(path, embedder)
            if idx.doc_hashes == want and idx.chunk_cfg == chunk_cfg and idx.cfg == cfg:
                return idx, True
        except (IndexMismatchError, ValueError, KeyError, TypeError):
            pass  # stale or foreign: rebuild below
    idx = build_index(docs, embedder, chunk_cfg, cfg, show_progress=show_progress)
    idx.save(path)
    return idx, False
