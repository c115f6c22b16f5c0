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
import re
import shutil
import time
import warnings
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import faiss
import numpy as np

from ..data import ACCESS_LEVELS
from ..models import embedder_id
from ..store import atomic_write_json, file_lock, remove_orphans, sha256_bytes, sha256_text
from .chunk import ChunkConfig, chunk_docs, embedding_text
from .embed import embed_texts

__all__ = [
    "IndexConfig",
    "VectorIndex",
    "IndexMismatchError",
    "IndexIntegrityError",
    "build_index",
    "load_or_build_index",
    "doc_hash",
]

FORMAT_VERSION = 2  # 2: versioned folders + per-file sha256 (format 1 caches are rebuilt)
DATA_FILES = ("chunks.jsonl", "vectors.npy", "index.faiss")
KEEP_VERSIONS = 2  # the current version and the one before it (readers still on it finish)
ORPHAN_AGE_S = 600  # leftovers of old-style saves beside the folder are removed after 10 min
_VERSION_RE = re.compile(r"^v(\d{6,})$")
_FAISS_TYPES = {"flat": faiss.IndexFlat, "ivf": faiss.IndexIVF, "hnsw": faiss.IndexHNSW}


class IndexMismatchError(ValueError):
    """The saved index does not match the model or settings you are loading it with."""


class IndexIntegrityError(IndexMismatchError):
    """The saved files are not the ones the manifest recorded (edited, truncated, missing or
    from another save). ``load_or_build_index`` rebuilds; ``VectorIndex.load`` raises."""


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


def check_docs(docs, index_has_access: bool | None = None) -> None:
    """Refuse documents an index cannot hold correctly, before anything is changed.

    Each doc needs a string ``id`` (unique within the call) and a non-blank string ``body``;
    ``access`` must be one of ``labkit.data.ACCESS_LEVELS``, and an index's documents either
    all carry an access level or none do (``index_has_access``: what the index holds already,
    None for a new index). A document without one in an access-filtered index would be
    invisible to every filter, or visible to all if the filter is dropped.
    """
    if not isinstance(docs, (list, tuple)):
        raise TypeError(f"docs must be a list of dicts, got {type(docs).__name__}")
    for i, d in enumerate(docs):
        if not isinstance(d, dict) or not isinstance(d.get("id"), str) or not d["id"].strip():
            got = d.get("id") if isinstance(d, dict) else type(d).__name__
            raise ValueError(f"document {i} has no string 'id' (got {got!r})")
        body = d.get("body")
        if not isinstance(body, str) or not body.strip():
            what = "no 'body'" if body is None else f"a blank or non-text 'body' ({body!r:.40})"
            raise ValueError(f"document {d['id']!r} has {what}; every document needs its text")
        if "access" in d and d["access"] not in ACCESS_LEVELS:
            raise ValueError(
                f"document {d['id']!r} has access {d['access']!r}; allowed: {ACCESS_LEVELS}"
            )
    dupes = sorted(k for k, n in Counter(d["id"] for d in docs).items() if n > 1)
    if dupes:
        raise ValueError(f"document ids given more than once: {dupes}; give each id once")
    with_access = {("access" in d) for d in docs}
    if index_has_access is not None:
        with_access.add(index_has_access)
    if len(with_access) > 1:
        missing = [d["id"] for d in docs if "access" not in d][:5]
        raise ValueError(
            "some documents have an 'access' level and some do not "
            f"(without: {missing or 'the ones already in the index'}); give every document "
            f"one of {ACCESS_LEVELS}, or none of them"
        )


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


def _broken(path: Path, what: str) -> IndexIntegrityError:
    return IndexIntegrityError(
        f"{path}: {what}. The index was edited, truncated or mixed with another save; do not "
        "use it: rebuild it (build_index(...).save(path), or delete the folder and call "
        "load_or_build_index)"
    )


def _mf_sha(mf: dict) -> str:
    """Checksum of the manifest's own content (everything but this checksum)."""
    body = {k: v for k, v in mf.items() if k != "manifest_sha256"}
    return sha256_text(json.dumps(body, sort_keys=True, ensure_ascii=False))


def _read_pointer(path: Path) -> bytes:
    try:
        return (path / "manifest.json").read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no manifest.json; not a labkit index folder") from None


def _parse_manifest(path: Path, raw: bytes) -> dict:
    """The pointer as a dict; format, then embedder (by the caller), then its own checksum."""
    try:
        mf = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise _broken(path, f"manifest.json is not valid JSON ({e})") from e
    if not isinstance(mf, dict):
        raise _broken(path, "manifest.json is not a JSON object")
    if mf.get("format_version") != FORMAT_VERSION:
        raise IndexMismatchError(
            f"{path}: index format {mf.get('format_version')}, expected {FORMAT_VERSION}; rebuild it"
        )
    if "embedder" not in mf:
        raise _broken(path, "manifest.json records no embedder")
    return mf


def _read_verified(path: Path, mf: dict) -> dict[str, bytes]:
    """Each data file's bytes, checked against the manifest (which is checked against itself)."""
    if mf.get("manifest_sha256") != _mf_sha(mf):
        raise _broken(path, "manifest.json was changed after it was saved (checksum differs)")
    files, folder = mf.get("files"), str(mf.get("data", ""))
    if (
        not isinstance(files, dict)
        or set(files) != set(DATA_FILES)
        or not _VERSION_RE.match(folder)
    ):
        raise _broken(path, "manifest.json lists no valid version folder and file checksums")
    blobs = {}
    for name in DATA_FILES:
        try:
            data = (path / folder / name).read_bytes()
        except FileNotFoundError:
            raise _broken(path, f"{folder}/{name} is missing") from None
        if sha256_bytes(data) != files[name]:
            raise _broken(path, f"{folder}/{name} does not match its checksum in manifest.json")
        blobs[name] = data
    return blobs


def _check_structure(path, mf, chunks, vectors, index, cfg: IndexConfig) -> None:
    """The parsed parts agree with each other and with the manifest (sizes, FAISS kind)."""
    n, d = mf.get("n_chunks"), mf.get("dim")
    if vectors.shape != (n, d) or len(chunks) != n or index.ntotal != n or index.d != d:
        raise _broken(
            path,
            f"files disagree with the manifest ({len(chunks)} chunks, vectors {vectors.shape}, "
            f"FAISS {index.ntotal}x{index.d}; manifest {n}x{d})",
        )
    if (
        not isinstance(index, _FAISS_TYPES[cfg.kind])
        or index.metric_type != faiss.METRIC_INNER_PRODUCT
    ):
        raise _broken(
            path, f"manifest says kind={cfg.kind!r} but index.faiss holds {type(index).__name__}"
        )


def _next_version(path: Path) -> int:
    """One more than any version folder or pointer seen (call under the lock)."""
    seen = [int(m.group(1)) for p in path.iterdir() if (m := _VERSION_RE.match(p.name))]
    try:
        seen.append(int(json.loads((path / "manifest.json").read_text())["version"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return max(seen, default=0) + 1


def _prune(path: Path, current: int) -> None:
    """Delete version folders older than the newest KEEP_VERSIONS, and format-1 files."""
    versions = sorted(int(m.group(1)) for p in path.iterdir() if (m := _VERSION_RE.match(p.name)))
    for v in versions[:-KEEP_VERSIONS]:
        if v != current:
            shutil.rmtree(path / f"v{v:06d}", ignore_errors=True)
    for name in DATA_FILES:  # a format-1 index kept its files beside the manifest
        (path / name).unlink(missing_ok=True)


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
