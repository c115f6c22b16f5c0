"""Approximate vector search, measured: synthetic clustered vectors, FAISS indexes, recall@k.

``bench/vector_scale.py`` uses these functions at 100k and 1M vectors (results in
bench/README.md); they are here so that a learner can repeat the measurement at a small size.
The course corpus (a few thousand chunks) is searched exactly; what changes at a million vectors is that exact search reads every vector for every query, and an approximate
index (HNSW: a neighbourhood graph; IVF: k-means lists, ``nprobe`` of them searched) reads a
small part of them and misses some true neighbours. The miss rate is recall@k against exact
search, and it depends on the data, so it is measured, never assumed.

The vectors are SYNTHETIC (:func:`clustered`): a Gaussian mixture whose spread lives in a
``latent``-dimensional subspace, normalised, because real sentence embeddings vary along far
fewer directions than they have; isotropic clusters in 384 dimensions have no neighbourhood
structure an index could use (tried in bench/README.md: every approximate index failed there).
Real MiniLM embeddings of 1M passages would take ~9 hours on 2 CPU cores.
"""

from __future__ import annotations

import math
import time

import numpy as np

__all__ = [
    "mixture",
    "clustered",
    "recall_at_k",
    "index_bytes",
    "build_ann",
    "time_search",
]


def mixture(
    n_centres: int, latent: int, seed: int = 0, dim: int = 384
) -> tuple[np.ndarray, np.ndarray]:
    """Unit centres ``(n_centres, latent)`` and an orthonormal basis ``(latent, dim)`` that
    places the latent space in ``dim`` dimensions."""
    if not (0 < latent <= dim) or n_centres < 1:
        raise ValueError(
            f"need n_centres >= 1 and 0 < latent <= dim, got {n_centres}, {latent}, {dim}"
        )
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((n_centres, latent), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    basis = np.linalg.qr(rng.standard_normal((dim, latent)))[0].T.astype(np.float32)
    return centres, basis


def clustered(n: int, centres, basis, spread: float, noise: float, rng) -> np.ndarray:
    """``n`` unit vectors ``(n, dim)``: a random centre plus N(0, spread^2) per latent
    coordinate, placed by ``basis``, plus N(0, noise^2) per coordinate, normalised."""
    dim = basis.shape[1]
    out = np.empty((n, dim), np.float32)
    for s in range(0, n, 100_000):  # in slices: the noise of 1M x 384 at once is 1.5 GB more
        m = min(100_000, n - s)
        z = centres[rng.integers(0, len(centres), m)]
        z += rng.standard_normal(z.shape, dtype=np.float32) * spread
        x = z @ basis + rng.standard_normal((m, dim), dtype=np.float32) * noise
        out[s : s + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean over queries of the share of the exact top-k ids (rows of ``truth``, ``(nq, k)``)
    found in the approximate top-k (rows of ``found``); ids of -1 (no hit) never count."""
    found, truth = np.asarray(found), np.asarray(truth)
    if found.shape[0] != truth.shape[0] or truth.ndim != 2 or truth.shape[1] == 0:
        raise ValueError(f"found {found.shape} and truth {truth.shape} must be (nq, k) with k >= 1")
    return float(
        np.mean([len(set(f[f >= 0]) & set(t)) / len(t) for f, t in zip(found, truth, strict=True)])
    )


def index_bytes(index) -> int:
    """The index's size as FAISS serialises it (vectors, codes, graph, lists)."""
    import faiss

    return int(faiss.serialize_index(index).nbytes)


def build_ann(
    kind: str,
    xb: np.ndarray,
    nlist: int | None = None,
    hnsw_m: int = 16,
    ef_construction: int = 40,
    seed: int = 1,
) -> tuple[object, float]:
    """``(index, build seconds)`` for inner-product search over the unit vectors ``xb``.

    kind: ``"flat"`` (exact), ``"hnsw"`` (M=``hnsw_m`` links per node), ``"ivf"`` (``nlist``
    k-means lists, default ~sqrt(n), trained on a seeded sample). Search knobs are set later:
    ``index.hnsw.efSearch`` / ``index.nprobe``.
    """
    import faiss

    n, d = xb.shape
    ip = faiss.METRIC_INNER_PRODUCT
    t0 = time.perf_counter()
    if kind == "flat":
        index = faiss.IndexFlatIP(d)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(d, hnsw_m, ip)
        index.hnsw.efConstruction = ef_construction
    elif kind == "ivf":
        nlist = nlist or 2 ** round(math.log2(math.sqrt(n)))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, ip)
        sample = np.random.default_rng(seed).choice(
            n, min(n, max(64 * nlist, 16_384)), replace=False
        )
        index.cp.seed = seed
        index.train(xb[np.sort(sample)])
    else:
        raise ValueError(f"kind must be 'flat', 'hnsw' or 'ivf', got {kind!r}")
    index.add(xb)
    return index, time.perf_counter() - t0


def time_search(index, xq: np.ndarray, k: int, rounds: int = 3) -> tuple[np.ndarray, list[float]]:
    """``(ids (nq, k), queries per second of each round)``: the same batch searched ``rounds`` times."""
    qps, ids = [], None
    for _ in range(rounds):
        t0 = time.perf_counter()
        _, ids = index.search(xq, k)
        qps.append(len(xq) / max(time.perf_counter() - t0, 1e-9))
    return ids, qps
