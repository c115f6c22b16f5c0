"""Collect real generator outputs on the dev questions, for the refusal detector's labelled set.

    LABKIT_THREADS=1 OMP_NUM_THREADS=1 .venv/bin/python scripts/collect_outputs.py [--out PATH]

Loads the course's generator as notebook 03 does (``labkit.models.load_generator``; SmolLM2-135M
on CPU) and answers every **dev** question (answerable and unanswerable) twice: with RAG
(hybrid retrieval over the v1 help center, k=3, no refusal gate) and closed-book. Writes one
record per output: ``{id, source ("rag" | "closed_book"), question, text}``. Test questions are
never used, so the detector is not tuned on the split the notebooks report. 358 outputs; ~4
CPU-minutes at LABKIT_THREADS=1 (12 min wall on a shared, busy 2-core machine).

The outputs were then labelled by hand, one by one, into ``tests/data/refusal_labels.jsonl``
(fields id, source, text, refusal), which ``tests/test_refusal_labels.py`` scores
:func:`labkit.rag.generate.is_refusal` against.

Labelling rule (the one :func:`labkit.rag.generate.is_refusal` implements):

- ``refusal: true`` when the text declines: says it does not know / is not sure, that it cannot
  answer or find it, that the sources (or the help center) do not say, mention or provide it,
  that there is no information about it; or the text is empty. A decline stays a decline when
  it is followed by a guess or a restated question ("I'm not sure, but I think 43 days"): the
  model said it does not know, and the scorer never credits such a text as an answer.
- ``refusal: false`` when the text asserts an answer, right or wrong, relevant or not,
  including a bare "No." / "Yes." and answers that merely contain a negation ("Nimbalo does not
  offer a Linux app" is an answer, not a decline: it claims a fact). Non-answers that do not
  decline are not refusals either: an echoed question, a list of source numbers, filler such as
  "I'm sorry for the confusion, I'm here to help" (the scorer counts them as wrong answers).

The set as labelled: 358 outputs, 52 refusals (2 of 179 RAG outputs, 50 of 179 closed-book);
mostly "I'm not sure" (30) and "I don't know" (16) forms, the rest chatbot-style declines,
"... is not specified" and "we can't provide a specific number". One is a judgement call, kept
as a refusal and missed by the detector: "The source [4] is not available for the question."
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("LABKIT_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")


def collect(out: Path, batch_size: int = 16) -> list[dict]:
    """Answer every dev question with RAG (k=3, no gate) and closed-book; write and return records."""
    import labkit
    from labkit import data, models
    from labkit.rag.generate import GenerationConfig, closed_book_answer, rag_answer
    from labkit.rag.index import load_or_build_index
    from labkit.rag.retrieve import BM25Retriever, DenseRetriever, HybridRetriever
    from labkit.security.access import Caller
    from labkit.store import atomic_write_jsonl

    prof = labkit.setup(seed=0)
    dev = data.load_questions("dev")
    embedder = models.load_embedder(prof)
    index, _ = load_or_build_index("helpcenter-v1", data.load_articles("v1"), embedder)
    hybrid = HybridRetriever(DenseRetriever(index, embedder), BM25Retriever(index.chunks))
    model, tok = models.load_generator("none", prof)
    cfg = GenerationConfig(batch_size=batch_size)

    queries = [q["question"] for q in dev]
    t0 = time.perf_counter()
    staff = Caller("agent")  # as collected: the whole help center, every article
    rag = rag_answer(
        queries,
        lambda query, k, caller: hybrid.search(query, k, caller=caller),
        model,
        tok,
        k=3,
        cfg=cfg,
        caller=staff,
    )
    closed = closed_book_answer(queries, model, tok, cfg, caller=staff)
    records = [
        {"id": q["id"], "source": source, "question": q["question"], "text": r["text"]}
        for source, results in (("rag", rag), ("closed_book", closed))
        for q, r in zip(dev, results, strict=True)
    ]
    atomic_write_jsonl(out, records)
    print(f"{len(records)} outputs in {time.perf_counter() - t0:.0f} s -> {out}")
    return records


def main() -> None:
    from labkit.env import cache_dir

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=cache_dir("refusal") / "dev_outputs.jsonl")
    ap.add_argument("--batch-size", type=int, default=16)
    args = ap.parse_args()
    collect(args.out, args.batch_size)


if __name__ == "__main__":
    main()
