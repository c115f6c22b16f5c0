"""Embedding speed: labkit's path (bf16 on a CPU with avx512_bf16) vs sentence-transformers fp32.

    .venv/bin/python bench/embed_throughput.py [--n 2000] [--threads 2] [--skip-ndcg]

Both encode the same SciFact passages (title + " " + text) in one run, alternating so a busy
neighbour slows both alike: texts/s for each, the ratio, mean/min cosine between the two vector
sets, and SciFact dense nDCG@10 with each model (full corpus; vectors cached after the first run).
"""

from __future__ import annotations

import sys
import time

import numpy as np
from _common import (
    FlatIndex,
    base_parser,
    cached_embeddings,
    load_labkit_embedder,
    load_reference_embedder,
    machine,
    model_dtype,
    run_of,
    scifact_chunks,
    set_threads,
)

from labkit.beir import beir_doc_text, load_beir
from labkit.embed import embed_texts
from labkit.metrics import evaluate_run
from labkit.retrieve import DenseRetriever


def main() -> None:
    p = base_parser(__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2000, help="passages to time (default 2000)")
    p.add_argument("--repeats", type=int, default=1, help="timed passes per model (best kept)")
    p.add_argument("--skip-ndcg", action="store_true", help="only time, no SciFact nDCG")
    args = p.parse_args()

    corpus, queries, qrels = load_beir(args.data)
    texts = [beir_doc_text(d) for d in corpus.values()]
    sample = texts[: args.n]
    labkit_model = load_labkit_embedder(args.threads)
    ref_model = load_reference_embedder()
    set_threads(args.threads)
    print(f"{machine()} | threads {args.threads} | {len(sample)} SciFact passages")
    print(f"labkit: embed_texts, {model_dtype(labkit_model)}, batch 64, length-sorted")
    print(f"reference: SentenceTransformer.encode defaults, {model_dtype(ref_model)}, batch 32")

    def run_labkit():
        return embed_texts(labkit_model, sample, batch_size=64, show_progress=False)

    def run_ref():
        return ref_model.encode(sample, convert_to_numpy=True, show_progress_bar=False)

    # warm-up (first-call allocations, oneDNN kernel selection) on a few texts
    embed_texts(labkit_model, sample[:64], show_progress=False)
    ref_model.encode(sample[:64], show_progress_bar=False)

    times = {"labkit": [], "reference": []}
    vecs = {}
    for _ in range(args.repeats):
        for name, fn in (("labkit", run_labkit), ("reference", run_ref)):
            t0 = time.perf_counter()
            vecs[name] = fn()
            times[name].append(time.perf_counter() - t0)
    rate = {name: len(sample) / min(t) for name, t in times.items()}
    a, b = vecs["labkit"].astype(np.float32), vecs["reference"].astype(np.float32)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    cos = (a * b).sum(axis=1)

    print(f"\n{'path':<12} {'texts/s':>8} {'seconds':>8}")
    for name in ("labkit", "reference"):
        print(f"{name:<12} {rate[name]:>8.1f} {min(times[name]):>8.1f}")
    print(
        f"speed-up labkit / reference: {rate['labkit'] / rate['reference']:.2f}x (target >= 2.5x)"
    )
    print(
        f"cosine labkit vs reference: mean {cos.mean():.5f}, min {cos.min():.5f} (target >= 0.998)"
    )

    if args.skip_ndcg:
        return
    chunks = scifact_chunks(corpus)
    qids = list(queries)
    ndcg = {}
    for name, model in (("labkit", labkit_model), ("reference", ref_model)):
        cvecs = cached_embeddings(model, texts, tag="scifact")
        dense = DenseRetriever(FlatIndex(cvecs, chunks), model)
        hits = dense.search_many([queries[q] for q in qids], 10)
        ndcg[name] = evaluate_run(run_of(hits, qids), qrels)["ndcg@10"]
    print(
        f"SciFact nDCG@10: labkit {ndcg['labkit']:.4f}, reference {ndcg['reference']:.4f}, "
        f"difference {ndcg['labkit'] - ndcg['reference']:+.4f} (target within +-0.005)"
    )


if __name__ == "__main__":
    sys.exit(main())
