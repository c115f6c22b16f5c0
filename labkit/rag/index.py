"""A FAISS vector index that knows what it contains: chunks, vectors and a manifest.

- Exact inner-product search by default (``IndexConfig(kind="flat")``); on unit vectors
  inner product is cosine similarity. IVF and HNSW trade recall for speed
  (measured in notebooks/01_indexing.ipynb).
- ``save`` writes one consistent unit: the data files of each save go to a new version folder
  (``v000007/``: ``chunks.jsonl``, ``vectors.npy``, ``index.faiss``), then ``manifest.json``
  (embedding model, dimension, normalisation, chunker and index settings, per-document hashes,
  the version folder's name and a sha256 per file) is replaced atomically: it is the pointer to
  the current version. Saves hold a lock (``.lock`` in the folder), keep the newest 2 versions
  (a reader still busy with the previous one finishes it) and delete leftovers of killed saves.
- ``load`` reads the pointer once and only that version's files, verifies every checksum and
  the FAISS structure, and raises :class:`IndexIntegrityError` on any mismatch (a hand-edited,
  truncated, missing or swapped file): it never serves a mix of two saves.
- ``load`` needs the embedder and refuses an index built with another embedding model: its
  vectors live in another space, and searching them with your queries would return confident
  nonsense.
- ``upsert_docs`` / ``delete_docs`` change documents in place by id (the knowledge-update
  notebook uses them); unchanged documents are not re-embedded.

Introduced in notebooks/01_indexing.ipynb.
"""

from __future__ import annotations

import io
import json
import os
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import faiss
import numpy as np

from ..models import embedder_id
from ..store import atomic_write_json, file_lock, remove_orphans, sha256_bytes, sha256_text
from .chunk import ChunkConfig, chunk_docs, embedding_text
from .embed import embed_texts
from .index_files import (
    FORMAT_VERSION,
    IndexIntegrityError,
    IndexMismatchError,
    _broken,
    _check_structure,
    _make_faiss,
    _mf_sha,
    _next_version,
    _parse_manifest,
    _prune,
    _read_pointer,
    _read_verified,
    check_docs,
)

__all__ = [
    "IndexConfig",
    "VectorIndex",
    "IndexMismatchError",
    "IndexIntegrityError",
    "build_index",
    "load_or_build_index",
    "doc_hash",
]

ORPHAN_AGE_S = 600  # leftovers of old-style saves beside the folder are removed after 10 min


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


def _embedder_name(embedder) -> str:
    """The id an index records for ``embedder``: a loaded model, or its id as a string."""
    if embedder is None:
        raise TypeError(
            "VectorIndex.load needs embedder=: the model you will query with (or its id, e.g. "
            "'sentence-transformers/all-MiniLM-L6-v2'), so that an index built with another "
            "model is refused instead of answering with vectors from another space"
        )
    return embedder if isinstance(embedder, str) else embedder_id(embedder)


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
        check_docs(docs, self._has_access())
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
        """Save as a new version of the folder ``path``; returns ``path``.

        Steps, under the folder's lock: clear leftovers of killed saves, write the data files
        to a temporary folder and rename it ``v<n>``, atomically replace ``manifest.json``
        (the pointer), delete versions older than the newest :data:`KEEP_VERSIONS`. A crash at
        any step leaves the previous version loadable.
        """
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise NotADirectoryError(f"{path} is a file; an index is saved as a folder")
        path.mkdir(parents=True, exist_ok=True)
        with file_lock(path / ".lock"):
            remove_orphans(path)  # we hold the lock: every .tmp-* here is from a killed save
            remove_orphans(path.parent, (f".tmp-{path.name}-", f".old-{path.name}-"), ORPHAN_AGE_S)
            version = _next_version(path)
            blobs = self._serialise()
            tmp = path / f".tmp-v{version:06d}-{os.getpid()}"
            tmp.mkdir()
            for name, data in blobs.items():
                with open(tmp / name, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
            os.replace(tmp, path / f"v{version:06d}")
            mf = self.manifest | {
                "version": version,
                "data": f"v{version:06d}",
                "files": {name: sha256_bytes(data) for name, data in blobs.items()},
            }
            atomic_write_json(path / "manifest.json", mf | {"manifest_sha256": _mf_sha(mf)})
            _prune(path, version)
        return path

    def _serialise(self) -> dict[str, bytes]:
        lines = [json.dumps(c, ensure_ascii=False, sort_keys=True) for c in self.chunks]
        buf = io.BytesIO()
        np.save(buf, self.vectors)
        return {
            "chunks.jsonl": ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8"),
            "vectors.npy": buf.getvalue(),
            "index.faiss": faiss.serialize_index(self.faiss).tobytes(),
        }

    @classmethod
    def load(cls, path: str | Path, embedder=None) -> VectorIndex:
        """Load the current version of a saved index, checked end to end.

        ``embedder`` is required (a loaded model, or its id string such as
        ``"sentence-transformers/all-MiniLM-L6-v2"``): an index built with another model is
        refused with :class:`IndexMismatchError`. Files that do not match the manifest's
        checksums raise :class:`IndexIntegrityError` naming the file; if a save replaced the
        version while we read, we read the new one instead (up to 5 tries).
        """
        path = Path(path)
        want = _embedder_name(embedder)
        for _ in range(5):
            raw = _read_pointer(path)
            try:
                return cls._load_version(path, raw, want)
            except IndexIntegrityError:
                if _read_pointer(path) == raw:
                    raise  # nobody saved meanwhile: the damage is real
        raise IndexIntegrityError(f"{path}: kept changing while loading (5 saves in a row)")

    @classmethod
    def _load_version(cls, path: Path, raw: bytes, want: str) -> VectorIndex:
        """Steps: parse the pointer, check format and embedder, verify checksums, rebuild."""
        mf = _parse_manifest(path, raw)
        if mf["embedder"] != want:
            raise IndexMismatchError(
                f"{path} was built with embedding model {mf['embedder']!r}, but you are querying with "
                f"{want!r}. Vectors from different models are not comparable: "
                "rebuild the index with build_index(...) using this embedder, or load the original model."
            )
        blobs = _read_verified(path, mf)
        try:
            text = blobs["chunks.jsonl"].decode("utf-8")
            chunks = [json.loads(line) for line in text.splitlines() if line]
            vectors = np.load(io.BytesIO(blobs["vectors.npy"]), allow_pickle=False)
            index = faiss.deserialize_index(np.frombuffer(blobs["index.faiss"], dtype=np.uint8))
            chunk_cfg, cfg = ChunkConfig(**mf["chunker"]), IndexConfig(**mf["index"])
        except (ValueError, TypeError, KeyError, RuntimeError) as e:
            raise _broken(path, f"its saved files do not parse ({e})") from e
        _check_structure(path, mf, chunks, vectors, index, cfg)
        obj = cls.__new__(cls)
        obj.chunks, obj.vectors = chunks, vectors
        obj.embedder_name = mf["embedder"]
        obj.chunk_cfg, obj.cfg = chunk_cfg, cfg
        obj.doc_hashes = mf["doc_hashes"]
        obj.faiss = index
        # Query-time knobs are not part of the saved FAISS structure: restore them.
        if obj.cfg.kind == "ivf":
            obj.faiss.nprobe = obj.cfg.nprobe
        elif obj.cfg.kind == "hnsw":
            obj.faiss.hnsw.efSearch = obj.cfg.ef_search
        return obj

    def _has_access(self) -> bool | None:
        """Whether this index's chunks carry ``access`` (None when it holds no chunks)."""
        return ("access" in self.chunks[0]) if self.chunks else None

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
    if isinstance(docs, (list, tuple)) and not docs:
        raise ValueError(
            "build_index got no documents (an empty list): check the file or filter that "
            "produced docs; an index needs at least one"
        )
    check_docs(docs)
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
    index setting, another embedder) rebuilds and saves a new version, so notebooks can share
    an index without ever reading a stale one. A damaged copy (:class:`IndexIntegrityError`)
    is rebuilt with a warning, never served.
    """
    from ..env import cache_dir

    chunk_cfg = chunk_cfg or ChunkConfig()
    cfg = cfg or IndexConfig()
    path = cache_dir("indexes") / name
    want = {d["id"]: doc_hash(d) for d in docs}
    if (path / "manifest.json").is_file():
        try:
            idx = VectorIndex.load(path, embedder)
            if idx.doc_hashes == want and idx.chunk_cfg == chunk_cfg and idx.cfg == cfg:
                return idx, True
        except IndexIntegrityError as e:
            warnings.warn(f"rebuilding the cached index: {e}", stacklevel=2)
        except (IndexMismatchError, ValueError, KeyError, TypeError):
            pass  # stale or foreign: rebuild below
    idx = build_index(docs, embedder, chunk_cfg, cfg, show_progress=show_progress)
    idx.save(path)
    return idx, False
