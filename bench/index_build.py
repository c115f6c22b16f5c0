"""Index build cost per 1,000 chunks, split into embedding time and FAISS add time.

    .venv/bin/python bench/index_build.py [--docs 1000] [--threads 2]

Real text: SciFact abstracts used as stand-in articles (title + body), chunked by labkit's
chunker with its default config and the embedder's tokenizer, embedded by labkit.rag.embed
(bf16 on a CPU with avx512_bf16), added to a FAISS IndexFlatIP. Chunking time is reported too.
"""

from __future__ import annotations

import sys
import time

import faiss
from _common import base_parser, load_labkit_embedder, machine, model_dtype, set_threads

from labkit.rag.beir import load_beir
from labkit.rag.chunk import ChunkConfig, chunk_docs, embedding_text
from labkit.rag.embed import embed_texts


def main() -> None:
    p = base_parser(__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=1000, help="SciFact abstracts to index")
    args = p.parse_args()

    corpus, _, _ = load_beir(args.data)
    docs = [
        {"id": did, "title": d["title"], "body": d["text"]}
        for did, d in list(corpus.items())[: args.docs]
    ]
    model = load_labkit_embedder(args.threads)
    set_threads(args.threads)
    cfg = ChunkConfig()
    embed_texts(model, ["warm-up"] * 8, show_progress=False)

    t0 = time.perf_counter()
    chunks = chunk_docs(docs, cfg, model.tokenizer)
    t_chunk = time.perf_counter() - t0
    texts = [embedding_text(c) for c in chunks]
    t0 = time.perf_counter()
    vecs = embed_texts(model, texts, show_progress=False)
    t_embed = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = faiss.IndexFlatIP(vecs.shape[1])
    index.add(vecs)
    t_add = time.perf_counter() - t0

    n = len(chunks)
    per_k = 1000 / n
    print(f"{machine()} | threads {args.threads} | {model_dtype(model)}")
    print(
        f"{len(docs)} docs -> {n} chunks ({cfg}); mean {sum(map(len, texts)) / n:.0f} chars/chunk"
    )
    print(f"\n{'stage':<14} {'total s':>10} {'s / 1k chunks':>14}")
    for stage, t in (("chunk", t_chunk), ("embed", t_embed), ("faiss add", t_add)):
        print(f"{stage:<14} {t:>10.4f} {t * per_k:>14.4f}")
    total = t_embed + t_add
    print(f"{'embed + add':<14} {total:>10.4f} {total * per_k:>14.4f}")
    print(f"embedding is {t_embed / total:.2%} of build time; FAISS add {t_add / total:.3%}")


if __name__ == "__main__":
    sys.exit(main())
