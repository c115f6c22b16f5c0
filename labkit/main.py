"""The main job (``make demo``): the course's RAG pipeline end to end on the embedded defaults.

    python -m labkit.main [--data-dir datasets] [--questions 8] [--out runs]

1. validates the data folder (a missing or malformed file stops here, before any heavy work);
2. builds (or reuses) the help-center index;
3. evaluates dense, BM25 and hybrid retrieval on the dev questions;
4. answers a handful of test questions closed-book and with RAG, printing answers and citations;
5. writes ``report.md`` and ``metrics.json`` into a fresh run folder.

Each step prints what it does and how long it took; caches under ``.labkit_cache/`` make
re-runs fast.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import env

__all__ = ["run", "main"]


def _step(msg: str) -> float:
    print(f"==> {msg}", flush=True)
    return time.perf_counter()


def _done(t0: float) -> None:
    print(f"    ({time.perf_counter() - t0:.1f} s)", flush=True)


def run(data_dir: str | Path | None = None, n_questions: int = 8, out: str | Path = "runs") -> dict:
    """Run the pipeline; returns the metrics dict also written to ``metrics.json``."""
    from . import data

    t_all = _step("checking the data folder")
    counts = data.check_data_dir(data_dir)  # raises DataError before any model loads
    print(
        f"    {counts['articles']} articles, {counts['facts']} facts, {counts['questions']} questions"
    )

    from .evaluate import answer_metrics, retrieval_table
    from .generate import GenerationConfig, closed_book_answer, rag_answer
    from .index import load_or_build_index
    from .models import describe_models, load_embedder, load_generator
    from .retrieve import BM25Retriever, DenseRetriever, HybridRetriever

    prof = env.setup()
    print(
        f"    profile: {prof.name} (device={prof.device}, threads={prof.threads}, bf16={prof.bf16})"
    )
    for row in describe_models(prof):
        print(f"    {row['role']}: {row['name']} [{row['source']}]")

    t = _step("building or loading the index")
    docs = data.load_articles("v1", data_dir)
    embedder = load_embedder(prof)
    index, reused = load_or_build_index("helpcenter-v1", docs, embedder)
    print(f"    {index} ({'reused from cache' if reused else 'built'})")
    _done(t)

    t = _step("evaluating retrieval on the dev questions")
    dense = DenseRetriever(index, embedder)
    sparse = BM25Retriever(index.chunks)
    hybrid = HybridRetriever(dense, sparse)
    dev = [q for q in data.load_questions("dev", data_dir) if q["gold_ids"]]
    table = retrieval_table({"dense": dense, "bm25": sparse, "hybrid": hybrid}, dev)
    for name, row in table.items():
        print(f"    {name:>6}: " + "  ".join(f"{m}={v:.3f}" for m, v in row.items()))
    _done(t)

    t = _step(f"answering {n_questions} test questions, closed-book and with RAG")
    test = data.load_questions("test", data_dir)
    picked = _pick(test, n_questions)
    model, tok = load_generator("none", prof)
    cfg = GenerationConfig(progress=False)
    queries = [q["question"] for q in picked]
    closed = closed_book_answer(queries, model, tok, cfg)
    rag = rag_answer(queries, lambda q, k: hybrid.search(q, k), model, tok, k=3, cfg=cfg)
    for q, c, r in zip(picked, closed, rag):
        print(f"\n    Q: {q['question']}\n    gold: {q['answer'] or '(not in the help center)'}")
        print(f"    closed-book: {c['text'].strip()}")
        print(f"    RAG:         {r['text'].strip()}")
        for i, ch in enumerate(r["chunks"], 1):
            print(f"        [{i}] {ch['doc_id']} - {ch['title']}")
    answers = {"closed_book": answer_metrics(picked, closed), "rag": answer_metrics(picked, rag)}
    print()
    for name, row in answers.items():
        print(f"    {name:>11}: " + "  ".join(f"{m}={v:.3f}" for m, v in row.items()))
    _done(t)

    metrics = {
        "profile": prof.as_dict(),
        "data": counts,
        "retrieval_dev": table,
        "answers": answers,
        "n_questions": len(picked),
        "seconds": round(time.perf_counter() - t_all, 1),
    }
    folder = _write_report(Path(out), metrics)
    print(f"==> report: {folder / 'report.md'}  (total {metrics['seconds']} s)")
    return metrics


def _pick(questions: list[dict], n: int) -> list[dict]:
    """A deterministic, mixed handful: round-robin over question types."""
    by_type: dict[str, list[dict]] = {}
    for q in questions:
        by_type.setdefault(q["type"], []).append(q)
    picked, i = [], 0
    while len(picked) < min(n, len(questions)):
        for qs in by_type.values():
            if i < len(qs) and len(picked) < n:
                picked.append(qs[i])
        i += 1
    return picked


def _write_report(out: Path, metrics: dict) -> Path:
    from .store import atomic_write_json, atomic_write_text

    folder = out / time.strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_json(folder / "metrics.json", metrics)
    lines = [
        "# Course kit: main job report",
        "",
        f"Profile: `{metrics['profile']['name']}`",
        "",
        "## Retrieval (dev questions)",
        "",
        "| retriever | " + " | ".join(next(iter(metrics["retrieval_dev"].values()))) + " |",
        "| --- |" + " --- |" * len(next(iter(metrics["retrieval_dev"].values()))),
    ]
    for name, row in metrics["retrieval_dev"].items():
        lines.append(f"| {name} | " + " | ".join(f"{v:.3f}" for v in row.values()) + " |")
    lines += ["", f"## Answers ({metrics['n_questions']} test questions)", ""]
    first = next(iter(metrics["answers"].values()))
    lines += ["| setting | " + " | ".join(first) + " |", "| --- |" + " --- |" * len(first)]
    for name, row in metrics["answers"].items():
        lines.append(f"| {name} | " + " | ".join(f"{v:.3f}" for v in row.values()) + " |")
    atomic_write_text(folder / "report.md", "\n".join(lines) + "\n")
    return folder


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--data-dir", default=None, help="course data folder (default: datasets/ in the repo)"
    )
    ap.add_argument("--questions", type=int, default=8, help="how many test questions to answer")
    ap.add_argument("--out", default=str(env.ROOT / "runs"), help="where run folders go")
    args = ap.parse_args(argv)
    from .data import DataError

    try:
        run(args.data_dir, args.questions, args.out)
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
