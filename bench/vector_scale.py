"""Approximate against exact vector search at 100k and 1M vectors of dimension 384 (issue 15 §2).

FAISS flat (exact, the reference), HNSW (several efSearch), IVF-Flat and IVF-PQ (several nprobe;
IVF-PQ also re-ranked exactly, "+ refine") built and searched side by side in one run, per size:
recall@10 against flat, queries/s (median [min-max] of ``--runs`` alternating rounds), index
bytes (``faiss.serialize_index``) and build time; then the fastest operating point with
recall@10 >= 0.95 and its speed-up over flat. Optionally Qdrant's local mode (``--qdrant-max``):
exact, because it searches by brute force (see below).

The vectors are SYNTHETIC: a Gaussian mixture (``--centres`` unit centres, each vector a centre
plus isotropic noise, normalised), queries held out from the same distribution. Real MiniLM
embeddings of 1M passages would take ~9 hours here (bench/index_build.py: 31 s per 1,000 chunks
on 2 cores); synthetic clustered vectors keep the index structures' behaviour (clusters for IVF,
a neighbourhood graph for HNSW) but not the exact recall a real corpus gives: re-measure on your
own vectors before choosing a setting.

Qdrant local mode (``QdrantClient(":memory:")`` or ``path=``) is a development tool: for every
query it scores ALL vectors with NumPy (``local/local_collection.py``: ``calculate_distance`` then
a full ``np.argsort``), evaluates payload filters point by point in Python
(``local/payload_filters.py: calculate_payload_mask``) and ignores payload indexes. A Qdrant server
uses HNSW and indexed payloads; this script does not measure one (none runs here).

    .venv/bin/python bench/vector_scale.py --sizes 100000 1000000   # ~20 min on 2 cores
    .venv/bin/python bench/vector_scale.py --sizes 20000 --queries 200   # a quick look
"""

from __future__ import annotations

import datetime
import gc
import json
import math
import time
from pathlib import Path

import numpy as np
from _common import add_runs_arg, load_average, machine, median_range, time_alternating

from labkit.rag.scale import clustered, index_bytes, mixture, recall_at_k  # shared with notebook 11

DIM, K = 384, 10
OUT = Path(__file__).resolve().parent / "results" / "vector_scale.json"


def build(xb: np.ndarray, hnsw_m: int, ef_construction: int) -> dict:
    """The FAISS indexes of one size: {name: (index, build seconds, bytes, knob, values)}."""
    import faiss

    n, d = xb.shape
    nlist = 2 ** round(math.log2(math.sqrt(n)))  # ~sqrt(n) lists: 256 at 100k, 1024 at 1M
    train = xb[np.random.default_rng(1).choice(n, min(n, max(64 * nlist, 16_384)), replace=False)]
    ip = faiss.METRIC_INNER_PRODUCT
    makers = {
        "flat": lambda: faiss.IndexFlatIP(d),
        f"HNSW M={hnsw_m} efC={ef_construction}": lambda: _hnsw(d, hnsw_m, ef_construction),
        f"IVF{nlist},Flat": lambda: faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, ip),
        f"IVF{nlist},PQ48": lambda: faiss.IndexIVFPQ(faiss.IndexFlatIP(d), d, nlist, 48, 8, ip),
    }
    out = {}
    for name, make in makers.items():
        t0 = time.perf_counter()
        index = make()
        if not index.is_trained:
            index.train(train)
        index.add(xb)
        secs = time.perf_counter() - t0
        out[name] = {"index": index, "build_s": secs, "bytes": index_bytes(index)}
        print(f"  built {name}: {secs:.1f} s, {out[name]['bytes'] / 2**20:.0f} MiB", flush=True)
    # IVF-PQ candidates re-scored exactly with the flat index's vectors (no second copy).
    flat, pq = out["flat"]["index"], out[f"IVF{nlist},PQ48"]
    refine = faiss.IndexRefine(pq["index"], flat)
    refine.k_factor = 8
    out[f"IVF{nlist},PQ48 + refine x8"] = {
        "index": refine,
        "build_s": pq["build_s"] + out["flat"]["build_s"],
        "bytes": pq["bytes"] + out["flat"]["bytes"],
        "keep": (pq["index"], flat),  # IndexRefine does not own them
    }
    return out


def _hnsw(d: int, m: int, ef_construction: int):
    import faiss

    index = faiss.IndexHNSWFlat(d, m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = ef_construction
    return index


def operating_points(built: dict) -> dict:
    """{row name: (index, setter)}: each index at each knob value."""
    import faiss

    points = {}
    for name, b in built.items():
        index = b["index"]
        if name == "flat":
            points[name] = (name, index, lambda: None)
        elif name.startswith("HNSW"):
            for ef in (16, 32, 64, 128, 256):
                points[f"{name} efSearch={ef}"] = (name, index, _setter(index.hnsw, "efSearch", ef))
        else:
            ivf = faiss.extract_index_ivf(index)
            for nprobe in (4, 16, 32, 64, 128):
                points[f"{name} nprobe={nprobe}"] = (name, index, _setter(ivf, "nprobe", nprobe))
    return points


def _setter(obj, attr: str, value: int):
    return lambda: setattr(obj, attr, value)


def measure_faiss(xb, xq, runs: int, hnsw_m: int, ef_construction: int) -> list[dict]:
    built = build(xb, hnsw_m, ef_construction)
    truth = built["flat"]["index"].search(xq, K)[1]
    points = operating_points(built)

    def searcher(index, set_knob):
        def run():
            set_knob()
            return index.search(xq, K)[1]

        return run

    timed = time_alternating(
        {row: searcher(ix, s) for row, (_, ix, s) in points.items()}, runs=runs
    )
    rows = []
    for row, (name, _, _) in points.items():
        t = timed[row]
        qps = [len(xq) / s for s in t["seconds"]]
        rows.append(
            {
                "engine": "faiss",
                "index": row,
                "recall@10": round(recall_at_k(t["result"], truth), 4),
                "qps": qps,
                "qps_median": float(np.median(qps)),
                "build_s": round(built[name]["build_s"], 2),
                "bytes": built[name]["bytes"],
            }
        )
    del built, points, timed
    gc.collect()
    return rows


def measure_qdrant(xb, xq, runs: int, truth: np.ndarray) -> dict:
    """Qdrant local mode (in memory): upsert time and exact search, one query at a time."""
    from qdrant_client import QdrantClient, models

    client = QdrantClient(location=":memory:")
    vp = models.VectorParams(size=xb.shape[1], distance=models.Distance.DOT)
    client.create_collection("bench", vectors_config=vp)
    t0 = time.perf_counter()
    for s in range(0, len(xb), 1000):
        client.upload_collection(
            "bench", vectors=xb[s : s + 1000], ids=range(s, s + len(xb[s : s + 1000]))
        )
    build_s = time.perf_counter() - t0

    def run():
        return [[p.id for p in client.query_points("bench", query=q, limit=K).points] for q in xq]

    timed = time_alternating({"qdrant": run}, runs=runs)["qdrant"]
    qps = [len(xq) / s for s in timed["seconds"]]
    client.close()
    return {
        "engine": "qdrant-client local mode (in memory)",
        "index": "brute force (NumPy), one query at a time",
        "recall@10": round(recall_at_k(np.array(timed["result"]), truth[: len(xq)]), 4),
        "qps": qps,
        "qps_median": float(np.median(qps)),
        "build_s": round(build_s, 2),
        "bytes": None,
        "queries": len(xq),
    }


def best_point(rows: list[dict], target: float = 0.95) -> dict | None:
    flat = next(r for r in rows if r["index"] == "flat")
    ok = [r for r in rows if r["engine"] == "faiss" and r["index"] != "flat"]
    ok = [r for r in ok if r["recall@10"] >= target]
    if not ok:
        return None
    best = max(ok, key=lambda r: r["qps_median"])
    speedups = [a / b for a, b in zip(best["qps"], flat["qps"], strict=True)]  # same rounds
    return {"index": best["index"], "recall@10": best["recall@10"], "speedup": speedups}


def table(n: int, rows: list[dict], best: dict | None, nq: int) -> str:
    lines = [
        f"**{n:,} SYNTHETIC clustered vectors, dim {DIM}** ({nq} held-out queries per batch, "
        "k=10; queries/s median [min-max] of alternating rounds)",
        "",
        "| engine | index / setting | recall@10 | queries/s | build s | MiB |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        mib = "-" if r["bytes"] is None else f"{r['bytes'] / 2**20:.0f}"
        lines.append(
            f"| {r['engine']} | {r['index']} | {r['recall@10']:.4f} | "
            f"{median_range(r['qps'], '.0f')} | {r['build_s']:.1f} | {mib} |"
        )
    if best:
        lines += [
            "",
            f"Fastest with recall@10 >= 0.95: **{best['index']}** (recall@10 "
            f"{best['recall@10']:.4f}), **{median_range(best['speedup'], '.1f')}x** the "
            "queries/s of flat (per-round ratios).",
        ]
    else:
        lines += ["", "No approximate setting reached recall@10 >= 0.95."]
    return "\n".join(lines)


def main() -> None:
    import argparse

    import faiss

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--queries", type=int, default=1000, help="held-out queries (one batch)")
    p.add_argument("--centres", type=int, default=4096, help="mixture components")
    p.add_argument("--latent", type=int, default=64, help="dimensions the data varies in")
    p.add_argument("--spread", type=float, default=0.06, help="std per latent coordinate")
    p.add_argument("--noise", type=float, default=0.01, help="isotropic std per coordinate")
    p.add_argument("--hnsw-m", type=int, default=16)
    p.add_argument("--ef-construction", type=int, default=40)
    p.add_argument("--qdrant-max", type=int, default=100_000, help="largest size for Qdrant")
    p.add_argument("--qdrant-queries", type=int, default=100)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", type=Path, default=OUT)
    add_runs_arg(p)
    args = p.parse_args()
    faiss.omp_set_num_threads(args.threads)
    centres, basis = mixture(args.centres, args.latent)
    gen = (centres, basis, args.spread, args.noise)
    xq = clustered(args.queries, *gen, np.random.default_rng(1))  # held out: never indexed
    report = {
        "machine": machine(),
        "threads": args.threads,
        "date": datetime.date.today().isoformat(),
        "faiss": faiss.__version__,
        "vectors": f"SYNTHETIC: Gaussian mixture, {args.centres} unit centres, in a "
        f"{args.latent}-dim subspace (spread std {args.spread}) + isotropic std {args.noise}, "
        f"normalised; dim {DIM}; held-out queries",
        "load_before": load_average(),
        "sizes": {},
    }
    for n in args.sizes:
        print(f"\n== {n:,} vectors ({load_average()})", flush=True)
        xb = clustered(n, *gen, np.random.default_rng(n))
        rows = measure_faiss(xb, xq, args.runs, args.hnsw_m, args.ef_construction)
        if n <= args.qdrant_max:
            truth = faiss.IndexFlatIP(DIM)
            truth.add(xb)
            gt = truth.search(xq[: args.qdrant_queries], K)[1]
            del truth
            rows.append(measure_qdrant(xb, xq[: args.qdrant_queries], args.runs, gt))
        best = best_point(rows)
        report["sizes"][str(n)] = {"rows": rows, "best": best, "queries": len(xq)}
        print(table(n, rows, best, len(xq)), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report | {"load_after": load_average()}, indent=1))
        del xb
        gc.collect()
    print(f"\n{load_average()}; wrote {args.out}")


if __name__ == "__main__":
    main()
