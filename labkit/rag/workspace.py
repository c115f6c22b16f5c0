"""An indexed folder of the command line ``python -m labkit.rag``: index, retrievers and gate.

A workspace DIR holds ``index/`` (a :class:`labkit.rag.index.VectorIndex`), ``rag.json`` (what
was indexed) and, after ``calibrate``, ``gate.json``. :class:`Workspace` opens one; the models
load once per process (in :mod:`labkit.rag.cli`); :func:`parse_filters` reads ``--filter key=value``. See docs/OWN_DOCUMENTS.md; the commands are in :mod:`labkit.rag.cli`.
Split out of ``cli`` (issue 12 §4).
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path

__all__ = ["Workspace", "UsageError", "parse_filters"]


INDEX, INFO, GATE = "index", "rag.json", "gate.json"  # the files of a workspace DIR


class UsageError(ValueError):
    """A command-line value that cannot work (bad filter, missing folder, ...)."""


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _read_json(path: Path, what: str) -> dict:
    if not path.is_file():
        raise UsageError(f"{path.parent}: no {path.name}; {what}")
    return json.loads(path.read_text(encoding="utf-8"))


def _fingerprint(index) -> str:
    """Content id of an index (embedder, documents, chunker): a gate is valid for this only."""
    from labkit.store import sha256_text

    mf = index.manifest
    keys = ("embedder", "doc_hashes", "chunker", "n_chunks")
    return sha256_text(json.dumps({k: mf.get(k) for k in keys}, sort_keys=True))


class Workspace:
    """An indexed DIR: the index, dense/BM25/hybrid retrievers over it, and the gate (if any)."""

    def __init__(self, folder: str | Path, embedder, engine: str | None = None):
        from labkit.rag.engine import dense_retriever, engine_config
        from labkit.rag.index import VectorIndex
        from labkit.rag.retrieve import BM25Retriever, HybridRetriever

        self.folder = Path(folder)
        self.info = _read_json(
            self.folder / INFO, "run `python -m labkit.rag index DOCS --out DIR`"
        )
        self.index = VectorIndex.load(self.folder / INDEX, embedder)
        # the vector engine: ``engine``, else $LABKIT_VECTOR_ENGINE, else FAISS (labkit.rag.engine)
        self.engine = engine_config(engine, default_path=self.folder / "qdrant")
        self.dense = dense_retriever(self.index, embedder, self.engine)
        self.bm25 = BM25Retriever(self.index.chunks)
        hybrid = HybridRetriever(self.dense, self.bm25)
        self.retrievers = {"hybrid": hybrid, "dense": self.dense, "bm25": self.bm25}
        self.doc_ids = set(self.index.doc_hashes)
        self.gate, self.gate_note = self._read_gate()

    def _read_gate(self) -> tuple[dict | None, str]:
        path = self.folder / GATE
        if not path.is_file():
            return None, (
                "uncalibrated: answers are not refused on retrieval score. Calibrate on your own "
                f"labelled questions: python -m labkit.rag calibrate {self.folder} labelled.jsonl"
            )
        gate = json.loads(path.read_text(encoding="utf-8"))
        if gate.get("fingerprint") != self.info.get("fingerprint"):
            return None, (
                "uncalibrated: gate.json was calibrated on another version of this index "
                "(re-indexed since); run calibrate again"
            )
        return gate, (
            f"calibrated: refuse when the best chunk's cosine < {gate['threshold']:.4f} "
            f"(balanced accuracy {gate['balanced_accuracy']:.2f} on {gate['n_answerable']} "
            f"answerable + {gate['n_unanswerable']} unanswerable questions)"
        )

    def top_cosines(self, queries: list[str], filters=None, *, caller) -> list[float]:
        """The gate's score: cosine of the best chunk ``caller`` may read that passes
        ``filters`` (-1 when none is eligible)."""
        hits = self.dense.search_many(queries, 1, filters=filters, caller=caller)
        return [h[0]["score"] if h else -1.0 for h in hits]

    def answer(
        self, queries: list[str], k: int, retriever: str, filters=None, progress=False, *, caller
    ):
        """rag_answer over ``retriever`` as ``caller``, with the gate (if calibrated); adds
        retrieval_ms."""
        from labkit.rag.generate import GenerationConfig, rag_answer

        from .cli import _generator  # looked up per call: the command line owns the models

        model, tok = _generator()
        search = self.retrievers[retriever]
        ms: dict[str, float] = {}

        def retrieve(query: str, k: int, *, caller) -> list[dict]:
            t0 = time.perf_counter()
            hits = search.search(query, k, filters=filters, caller=caller)
            ms[query] = (time.perf_counter() - t0) * 1000
            return hits

        scores = dict(zip(queries, self.top_cosines(queries, filters, caller=caller), strict=True))
        # Uncalibrated: -inf still refuses a query with no eligible chunk at all (never answer
        # from empty sources), and nothing else.
        threshold = self.gate["threshold"] if self.gate else float("-inf")
        results = rag_answer(
            queries,
            retrieve,
            model,
            tok,
            k=k,
            min_score=threshold,
            cfg=GenerationConfig(progress=progress),
            gate_fn=scores.__getitem__,
            caller=caller,
        )
        for r in results:
            r["retrieval_ms"], r["gate_score"] = ms.get(r["query"], 0.0), scores[r["query"]]
        return results


def _as_text(value) -> str:
    """How a metadata value is written on the command line (true/false/null like JSON)."""
    return json.dumps(value) if isinstance(value, bool) or value is None else str(value)


def parse_filters(pairs: list[str], chunks: list[dict]) -> dict[str, set] | None:
    """``["key=value", ...]`` -> retriever filters, checked against the indexed chunks.

    A value matches a chunk field when it reads the same (``year=2020`` matches the number 2020
    or the string "2020"). Repeating a key allows several values (OR); different keys must all
    match (AND). A key no chunk has, or a field holding lists, raises :class:`UsageError`; a
    value no chunk has only warns (the search then finds nothing, and ``ask`` refuses).
    """
    if not pairs:
        return None
    out: dict[str, set] = {}
    for pair in pairs:
        key, sep, want = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--filter wants key=value, got {pair!r}")
        values = [c[key] for c in chunks if key in c]
        if not values:
            fields = sorted({k for c in chunks for k in c} - {"text", "start", "end", "chunk_id"})
            raise UsageError(
                f"--filter {pair}: no chunk has a field {key!r}; fields you can filter on: "
                + ", ".join(fields)
            )
        if any(isinstance(v, (list, dict)) for v in values):
            raise UsageError(f"--filter {pair}: field {key!r} holds lists/objects; only scalars")
        hits = {v for v in values if _as_text(v) == want}
        if not hits:
            seen = sorted({_as_text(v) for v in values})
            warnings.warn(
                f"--filter {pair}: no chunk has {key}={want}; values present: "
                + ", ".join(seen[:10])
                + (" ..." if len(seen) > 10 else ""),
                UserWarning,
                stacklevel=2,
            )
            hits = {want}
        out.setdefault(key, set()).update(hits)
    return out


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1 between an answer and a reference answer (normalised words)."""
    from collections import Counter

    from labkit.rag.generate import normalize_answer

    p, g = normalize_answer(prediction).split(), normalize_answer(reference).split()
    common = sum((Counter(p) & Counter(g)).values())
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def _answer_summary(questions: list[dict], results: list[dict]) -> dict:
    """Answer-level rates: cited a gold document, refusals, token F1, latency (None = no data)."""
    from labkit.rag.generate import is_refusal

    rows = [
        {
            "answerable": q["answerable"],
            "refused": r["gated"] or is_refusal(r["text"]),
            "cited_gold": any(c["doc_id"] in q["gold_ids"] for c in r["cited_chunks"]),
            "f1": token_f1(r["text"], q["answer"]) if q["answer"] else None,
            "retrieval_ms": r["retrieval_ms"],
            "seconds": r["seconds"],
        }
        for q, r in zip(questions, results, strict=True)
    ]

    def mean(key, keep=lambda row: True):
        xs = [row[key] for row in rows if keep(row) and row[key] is not None]
        return round(sum(xs) / len(xs), 4) if xs else None

    ans = lambda row: row["answerable"]  # noqa: E731
    return {
        "n_answered": len(rows),
        "cited_gold": mean("cited_gold", ans),
        "false_refusal": mean("refused", ans),
        "refusal_accuracy": mean("refused", lambda row: not row["answerable"]),
        "token_f1": mean("f1", ans),
        "retrieval_ms": mean("retrieval_ms"),
        "generation_s": mean("seconds"),
    }
