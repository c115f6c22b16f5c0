"""Exact search: FAISS IndexFlatIP vs NumPy brute force (matrix product + argpartition).

    .venv/bin/python bench/faiss_vs_numpy.py [--threads 2] [--k 10] [--repeats 20] [--runs 3]

Same real vectors for both: the SciFact corpus embedded by labkit (5,183 x 384, cached by
bench/beir_retrieval.py or computed here) and the 300 test queries. Times a batch of all 300
queries and one query at a time (the RAG-serving case) in ``--runs`` rounds alternating FAISS,
NumPy, FAISS, NumPy, ... (each run: ``--repeats`` searches of the batch, a quarter as many passes
over the single queries); reports queries/s as median [min-max], the per-round ratio as median
[min-max], and checks that both return the same top-k.
"""

from __future__ import annotations

import sys

import faiss
import numpy as np
from _common import (
    add_runs_arg,
    base_parser,
    cached_embeddings,
    load_average,
    load_labkit_embedder,
    machine,
    median_range,
    paired_ratio,
    set_threads,
    time_alternating,
)

from labkit.rag.beir import beir_doc_text, load_beir
from labkit.rag.embed import embed_texts


def numpy_topk(corpus: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Brute-force inner-product top-k: (q, k) scores and ids, best first."""
    scores = queries @ corpus.T  # (q, n)
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-part_scores, axis=1, kind="stable")
    return np.take_along_axis(part_scores, order, axis=1), np.take_along_axis(part, order, axis=1)


def repeat(fn, times: int):
    """``fn`` called ``times`` times: one timed run (a single search is too short to time alone)."""

    def run():
        for _ in range(times):
            fn()

    return run


def main() -> None:
    p = base_parser(__doc__.splitlines()[0])
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--repeats", type=int, default=20, help="searches of the batch per run")
    add_runs_arg(p)
    args = p.parse_args()

    corpus, queries, _ = load_beir(args.data)
    model = load_labkit_embedder(args.threads)
    set_threads(args.threads)
    C = cached_embeddings(model, [beir_doc_text(d) for d in corpus.values()], tag="scifact")
    Q = embed_texts(model, list(queries.values()), show_progress=False)
    C, Q = np.ascontiguousarray(C, np.float32), np.ascontiguousarray(Q, np.float32)
    print(f"{machine()} | threads {args.threads} | corpus {C.shape}, queries {Q.shape}, k={args.k}")

    index = faiss.IndexFlatIP(C.shape[1])
    index.add(C)
    fs, fi = index.search(Q, args.k)
    ns, ni = numpy_topk(C, Q, args.k)
    same = (fi == ni).all(axis=1)
    print(
        f"identical top-{args.k} (ids and order): {same.sum()}/{len(Q)} queries; "
        f"max |score diff| {np.abs(fs - ns).max():.2e}"
    )
    if not same.all():  # only acceptable as ties: same scores, swapped ids
        bad = np.flatnonzero(~same)
        gap = np.abs(fs[bad] - ns[bad]).max()
        print(f"  differing queries {bad.tolist()[:10]}: score gap {gap:.2e} (ties if ~1e-7)")

    print(f"before: {load_average()}", flush=True)
    single = [Q[i : i + 1] for i in range(len(Q))]
    n_single = max(1, args.repeats // 4)
    modes = {
        "batch of 300": (
            repeat(lambda: index.search(Q, args.k), args.repeats),
            repeat(lambda: numpy_topk(C, Q, args.k), args.repeats),
            len(Q) * args.repeats,
        ),
        "one query at a time": (
            repeat(lambda: [index.search(q, args.k) for q in single], n_single),
            repeat(lambda: [numpy_topk(C, q, args.k) for q in single], n_single),
            len(Q) * n_single,
        ),
    }
    rows = []
    for mode, (faiss_fn, numpy_fn, n_queries) in modes.items():
        timed = time_alternating({"faiss": faiss_fn, "numpy": numpy_fn}, runs=args.runs, warmup=1)
        rows.append((mode, timed, n_queries))
    print(f"after:  {load_average()}")

    print(f"\n{args.runs} alternating runs each; queries/s and ratio as median [min-max]")
    print(f"{'mode':<22} {'FAISS q/s':>22} {'NumPy q/s':>22} {'FAISS/NumPy':>20}")
    for mode, timed, n_queries in rows:
        qps = {name: [n_queries / t for t in timed[name]["seconds"]] for name in timed}
        ratio = paired_ratio(timed, "numpy", "faiss")["ratios"]
        print(
            f"{mode:<22} {median_range(qps['faiss'], '.0f'):>22} "
            f"{median_range(qps['numpy'], '.0f'):>22} {median_range(ratio):>19}x"
        )


if __name__ == "__main__":
    sys.exit(main())
