"""The on-disk format of a :class:`labkit.rag.index.VectorIndex`: version folders, a manifest
pointer with checksums, and the checks that refuse a mixed, edited or truncated save.

Introduced in notebooks/01_indexing.ipynb (see :mod:`labkit.rag.index` for the format in words);
also the checks on documents before they enter an index and the FAISS index factory. Split out
of ``index`` (issue 12 §4).
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import faiss
import numpy as np

from ..data import ACCESS_LEVELS
from ..store import sha256_bytes, sha256_text

if TYPE_CHECKING:
    from .index import IndexConfig

__all__ = ["IndexMismatchError", "IndexIntegrityError", "check_docs"]


FORMAT_VERSION = 2  # 2: versioned folders + per-file sha256 (format 1 caches are rebuilt)


DATA_FILES = ("chunks.jsonl", "vectors.npy", "index.faiss")


KEEP_VERSIONS = 2  # the current version and the one before it (readers still on it finish)


_VERSION_RE = re.compile(r"^v(\d{6,})$")


_FAISS_TYPES = {"flat": faiss.IndexFlat, "ivf": faiss.IndexIVF, "hnsw": faiss.IndexHNSW}


class IndexMismatchError(ValueError):
    """The saved index does not match the model or settings you are loading it with."""


class IndexIntegrityError(IndexMismatchError):
    """The saved files are not the ones the manifest recorded (edited, truncated, missing or
    from another save). ``load_or_build_index`` rebuilds; ``VectorIndex.load`` raises."""


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
