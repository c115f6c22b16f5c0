"""Embedding speed: labkit's path (bf16 on a CPU with avx512_bf16) vs sentence-transformers fp32.

    .venv/bin/python bench/embed_throughput.py [--n 1000] [--runs 3] [--threads 2] [--skip-ndcg]

Both encode the same SciFact passages (title + " " + text), one warm-up round and then ``--runs``
timed rounds alternating labkit, reference, labkit, reference, ...: texts/s of each as median
[min-max], the speed-up per round (reference seconds / labkit seconds of the same round) as
median [min-max], the load average before and after, mean/min cosine between the two vector
sets, and SciFact dense nDCG@10 with each model (full corpus; vectors cached after the first run).
"""

from __future__ import annotations

import sys

import numpy as np
import torch
from _common import (
    FlatIndex,
    add_runs_arg,
    base_parser,
    cached_embeddings,
    cpu_flags,
    load_average,
    load_labkit_embedder,
    load_reference_embedder,
    machine,
    median_range,
    model_dtype,
    paired_ratio,
    run_of,
    scifact_chunks,
    set_threads,
    time_alternating,
)

from labkit.rag.beir import beir_doc_text, load_beir
from labkit.rag.embed import embed_texts
from labkit.rag.metrics import evaluate_run
from labkit.rag.retrieve import DenseRetriever
from labkit.security.access import Caller


def main() -> None:
    p = base_parser(__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1000, help="passages to time (default 1000)")
    p.add_argument("--batch", type=int, default=64, help="labkit embed_texts batch (default 64)")
    add_runs_arg(p)
    p.add_argument("--skip-ndcg", action="store_true", help="only time, no SciFact nDCG")
    args = p.parse_args()

    corpus, queries, qrels = load_beir(args.data)
    texts = [beir_doc_text(d) for d in corpus.values()]
    sample = texts[: args.n]
    labkit_model = load_labkit_embedder(args.threads)
    ref_model = load_reference_embedder()
    set_threads(args.threads)
    print(f"{machine()} | threads {args.threads} | {len(sample)} SciFact passages")
    print(f"{cpu_flags()} | torch {torch.__version__}")
    print(f"labkit: embed_texts, {model_dtype(labkit_model)}, batch {args.batch}, length-sorted")
    print(f"reference: SentenceTransformer.encode defaults, {model_dtype(ref_model)}, batch 32")

    def run_labkit():
        return embed_texts(labkit_model, sample, batch_size=args.batch, show_progress=False)

    def run_ref():
        return ref_model.encode(sample, convert_to_numpy=True, show_progress_bar=False)

    # warm-up (first-call allocations, oneDNN kernel selection) on a few texts of each length
    embed_texts(labkit_model, sample[:64], show_progress=False)
    ref_model.encode(sample[:64], show_progress_bar=False)

    print(f"before: {load_average()}", flush=True)
    timed = time_alternating({"labkit": run_labkit, "reference": run_ref}, runs=args.runs)
    print(f"after:  {load_average()}")
    a = timed["labkit"]["result"].astype(np.float32)
    b = timed["reference"]["result"].astype(np.float32)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    cos = (a * b).sum(axis=1)

    print(f"\n{'path':<10} {'texts/s, median [min-max]':>28} {'seconds per run':>28}")
    for name in ("labkit", "reference"):
        secs = timed[name]["seconds"]
        rates = [len(sample) / t for t in secs]
        print(f"{name:<10} {median_range(rates, '.1f'):>28} {median_range(secs, '.1f'):>28}")
    speed = paired_ratio(timed, "reference", "labkit")
    per_round = ", ".join(f"{r:.2f}" for r in speed["ratios"])
    print(
        f"speed-up labkit / reference, {args.runs} alternating rounds: "
        f"{median_range(speed['ratios'])}x (rounds: {per_round}; target >= 2.5x)"
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
        hits = dense.search_many([queries[q] for q in qids], 10, caller=Caller("public"))
        ndcg[name] = evaluate_run(run_of(hits, qids), qrels)["ndcg@10"]
    print(
        f"SciFact nDCG@10: labkit {ndcg['labkit']:.4f}, reference {ndcg['reference']:.4f}, "
        f"difference {ndcg['labkit'] - ndcg['reference']:+.4f} (target within +-0.005)"
    )


if __name__ == "__main__":
    sys.exit(main())
