"""Exact search: FAISS IndexFlatIP vs NumPy brute force (matrix product + argpartition).

    .venv/bin/python bench/faiss_vs_numpy.py [--threads 2] [--k 10] [--repeats 20]

Same real vectors for both: the SciFact corpus embedded by labkit (5,183 x 384, cached by
bench/beir_retrieval.py or computed here) and the 300 test queries. Times a batch of all 300
queries and one query at a time (the RAG-serving case), reports queries/s and the ratio, and
checks that both return the same top-k.
"""

from __future__ import annotations

import sys
import time

import faiss
import numpy as np
from _common import base_parser, cached_embeddings, load_labkit_embedder, machine, set_threads

from labkit.beir import beir_doc_text, load_beir
from labkit.embed import embed_texts


def numpy_topk(corpus: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Brute-force inner-product top-k: (q, k) scores and ids, best first."""
    scores = queries @ corpus.T  # (q, n)
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-part_scores, axis=1, kind="stable")
    return np.take_along_axis(part_scores, order, axis=1), np.take_along_axis(part, order, axis=1)


def best_time(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    p = base_parser(__doc__.splitlines()[0])
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--repeats", type=int, default=20, help="timed passes, best kept")
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

    rows = []
    t_f = best_time(lambda: index.search(Q, args.k), args.repeats)
    t_n = best_time(lambda: numpy_topk(C, Q, args.k), args.repeats)
    rows.append(("batch of 300", t_f, t_n))
    single = [Q[i : i + 1] for i in range(len(Q))]
    t_f1 = best_time(lambda: [index.search(q, args.k) for q in single], max(1, args.repeats // 4))
    t_n1 = best_time(lambda: [numpy_topk(C, q, args.k) for q in single], max(1, args.repeats // 4))
    rows.append(("one query at a time", t_f1, t_n1))

    print(f"\n{'mode':<22} {'FAISS q/s':>10} {'NumPy q/s':>10} {'FAISS/NumPy':>12}")
    for mode, tf, tn in rows:
        print(f"{mode:<22} {len(Q) / tf:>10.0f} {len(Q) / tn:>10.0f} {tn / tf:>11.2f}x")


if __name__ == "__main__":
    sys.exit(main())
