"""The whole RAG path on your own documents, from the command line.

    python -m labkit.rag index DOCS --out DIR            # JSONL file, Markdown/text folder or BEIR folder
    python -m labkit.rag ask DIR "question" --as public [--filter key=value] [-k 3]
    python -m labkit.rag eval DIR questions.jsonl --as agent [--question-field q --answer-field a --gold-field ids]
    python -m labkit.rag calibrate DIR labelled.jsonl --as public  # sets the refusal gate

DIR holds ``index/`` (a :class:`labkit.rag.index.VectorIndex`), ``rag.json`` (what was indexed) and,
after ``calibrate``, ``gate.json`` (the refusal threshold). Retrieval is hybrid (MiniLM dense +
BM25, fused) by default, answers come from the course generator (:func:`labkit.rag.generate.rag_answer`),
retrieval metrics from :mod:`labkit.rag.metrics`. The refusal gate compares the best chunk's cosine
with a threshold calibrated on *your* labelled questions: a threshold from another corpus does
not transfer, so ``ask`` refuses on score only once ``calibrate`` has run (it says so otherwise).

Who is asking: ``ask``, ``eval`` and ``calibrate`` require ``--as ROLE`` (public, customer,
agent; :class:`labkit.security.access.Caller`); every search and answer runs as that caller and
sees only the chunks its role may read. Documents without an ``access`` field count as public,
so on your own documents any role sees them all; add ``access`` (public/customer/internal) to a
document's metadata to restrict it.
Vector engine: FAISS by default; ``--engine qdrant`` (or ``LABKIT_VECTOR_ENGINE=qdrant``) searches
a Qdrant collection copied from the index, in ``DIR/qdrant`` (local mode) or on the server at
``$LABKIT_QDRANT_URL`` (:mod:`labkit.rag.engine`, docs/SCALING.md).
Walkthrough: docs/OWN_DOCUMENTS.md; the pieces are taught in notebooks/01-03.
"""

from __future__ import annotations

import argparse
import functools
import time
import warnings
from pathlib import Path

from .workspace import (
    GATE,
    INDEX,
    INFO,
    UsageError,
    Workspace,
    _answer_summary,
    _err,
    _fingerprint,
    parse_filters,  # re-exported: part of the command line's public surface
    token_f1,
)

__all__ = ["main", "parse_filters", "token_f1"]

RETRIEVERS = ("hybrid", "dense", "bm25")
ROLES = ("public", "customer", "agent")  # labkit.security.access.ROLE_ACCESS ("internal" = agent)


# The models, loaded once per process (tests serve their own by patching these two).
@functools.cache
def _profile():
    import labkit

    return labkit.setup()  # honours HF_HUB_OFFLINE; models resolve as in the notebooks


@functools.cache
def _embedder():
    from labkit.models import load_embedder

    _err("loading the embedder ...")
    return load_embedder(_profile())


@functools.cache
def _generator():
    from labkit.models import load_generator

    _err("loading the generator ...")
    return load_generator("none", _profile())


def _caller(args):
    from labkit.security.access import Caller

    return Caller(args.role)


# ------------------------------------------------------------------------------ commands


def cmd_index(args) -> int:
    from labkit.rag.chunk import ChunkConfig
    from labkit.rag.documents import attach_metadata, load_documents, metadata_fields
    from labkit.rag.engine import engine_config, open_store
    from labkit.rag.index import build_index
    from labkit.store import atomic_write_json

    docs = load_documents(args.docs, args.format)  # validates everything before any model loads
    fields = sorted({k for d in docs for k in metadata_fields(d)})
    print(f"{len(docs)} documents from {args.docs}; metadata fields: {', '.join(fields) or '-'}")
    cfg = ChunkConfig(args.strategy, args.chunk_size, args.overlap)
    embedder = _embedder()
    t0 = time.perf_counter()
    index = build_index(docs, embedder, cfg, show_progress=True)
    attach_metadata(index.chunks, docs)  # every metadata field on every chunk, for filters
    seconds = time.perf_counter() - t0
    out = Path(args.out)
    index.save(out / INDEX)
    info = {
        "source": str(Path(args.docs).resolve()),
        "n_docs": len(docs),
        "n_chunks": len(index),
        "metadata_fields": fields,
        "chunker": cfg.as_dict(),
        "embedder": index.embedder_name,
        "fingerprint": _fingerprint(index),
        "seconds": round(seconds, 2),
    }
    atomic_write_json(out / INFO, info)
    print(f"{index}; chunked and embedded in {seconds:.1f} s -> {out}")
    cfg = engine_config(args.engine, default_path=out / "qdrant")
    if cfg.engine == "qdrant":  # copy it now (ask/eval would do it on first use)
        print(f"vector engine qdrant: {open_store(index, cfg)}")
    if (out / GATE).is_file():
        print("note: gate.json is from an earlier index; `ask` checks whether it still applies")
    return 0


def _print_answer(r: dict, ws: Workspace, retriever: str) -> None:
    print(f"Question: {r['query']}")
    print(f"Answer:   {r['text']}")
    how = {"model": "written by the model", "attributed": "attributed by word overlap"}
    for n in r["citations"]:
        if 1 <= n <= len(r["chunks"]):
            c = r["chunks"][n - 1]
            print(f"Cites:    [{n}] {c['doc_id']} ({c['title']}) - {how[r['citation_source']]}")
    print(f"Sources ({retriever}, k={len(r['chunks'])}):")
    for n, c in enumerate(r["chunks"], start=1):
        section = f" / {c['section']}" if c.get("section") else ""
        print(f"  [{n}] {c['doc_id']}{section}  score {c['score']:.4f}")
    if r["gated"]:
        print("Refused:  no chunk close enough (gate score below threshold, or nothing eligible)")
    print(f"Gate:     {ws.gate_note}; this question's best cosine {r['gate_score']:.4f}")
    print(f"Latency:  retrieval {r['retrieval_ms']:.0f} ms, generation {r['seconds']:.2f} s")


def cmd_ask(args) -> int:
    ws = Workspace(args.dir, _embedder(), args.engine)
    filters = parse_filters(args.filter, ws.index.chunks)
    for r in ws.answer(args.question, args.k, args.retriever, filters, caller=_caller(args)):
        _print_answer(r, ws, args.retriever)
        print()
    return 0


def _load_questions(args, label_field=None) -> list[dict]:
    from labkit.rag.documents import load_beir_questions, load_questions_jsonl

    if Path(args.questions).is_dir():
        return load_beir_questions(args.questions)
    return load_questions_jsonl(
        args.questions, args.question_field, args.answer_field, args.gold_field, label_field
    )


def _check_gold(questions: list[dict], ws: Workspace, source: str) -> None:
    from labkit.data import DataError

    for q in questions:
        unknown = [g for g in q["gold_ids"] if g not in ws.doc_ids]
        if unknown:
            example = sorted(ws.doc_ids)[0]
            raise DataError(
                f"{source}: question {q['id']}: gold id(s) {unknown} are not documents of "
                f"{ws.folder} (ids look like {example!r})"
            )


def _retrieval_table(ws: Workspace, questions: list[dict], depth: int = 10, *, caller) -> dict:
    from labkit.rag.metrics import dedupe_doc_ids, evaluate_run

    answerable = [q for q in questions if q["gold_ids"]]
    qrels = {q["id"]: dict.fromkeys(q["gold_ids"], 1) for q in answerable}
    table = {}
    for name, retriever in ws.retrievers.items():
        t0 = time.perf_counter()
        hits = retriever.search_many([q["question"] for q in answerable], depth * 4, caller=caller)
        ms = (time.perf_counter() - t0) * 1000 / max(1, len(answerable))
        run = {
            q["id"]: dedupe_doc_ids(h["doc_id"] for h in hs)
            for q, hs in zip(answerable, hits, strict=True)
        }
        row = evaluate_run(run, qrels, ks=(1, 3, 5, 10))
        table[name] = {k: round(v, 4) for k, v in row.items()} | {"ms_per_query": round(ms, 1)}
    return table


def cmd_eval(args) -> int:
    from labkit.store import atomic_write_json

    questions = _load_questions(args)[: args.limit]
    ws = Workspace(args.dir, _embedder(), args.engine)
    _check_gold(questions, ws, args.questions)
    n_ans = sum(bool(q["gold_ids"]) for q in questions)
    print(f"Retrieval over {n_ans} questions with gold ids (document level):")
    table = _retrieval_table(ws, questions, caller=_caller(args))
    metrics = ["recall@1", "recall@3", "recall@5", "recall@10", "mrr@10", "ndcg@10"]
    print(f"  {'':>7} " + " ".join(f"{m:>9}" for m in metrics) + "  ms/query")
    for name, row in table.items():
        print(f"  {name:>7} " + " ".join(f"{row[m]:9.3f}" for m in metrics), end="")
        print(f"  {row['ms_per_query']:8.1f}")
    report = {
        "questions": str(args.questions),
        "caller": args.role,
        "retrieval": table,
        "gate": ws.gate_note,
    }
    if not args.no_answers:
        results = ws.answer(
            [q["question"] for q in questions],
            args.k,
            args.retriever,
            progress=True,
            caller=_caller(args),
        )
        summary = _answer_summary(questions, results)
        print(f"Answers ({args.retriever}, k={args.k}, {len(results)} questions):")
        for key, value in summary.items():
            print(f"  {key:>16}: {'-' if value is None else value}")
        print(f"Gate: {ws.gate_note}")
        report["answers"] = summary
        report["rows"] = [
            {
                "id": q["id"],
                "question": q["question"],
                "answer": r["text"],
                "citations": [c["doc_id"] for c in r["cited_chunks"]],
                "gold_ids": q["gold_ids"],
                "gated": r["gated"],
            }
            for q, r in zip(questions, results, strict=True)
        ]
    out = Path(args.dir) / "eval" / f"{Path(args.questions).stem}.json"
    atomic_write_json(out, report)
    print(f"wrote {out}")
    return 0


def cmd_calibrate(args) -> int:
    from labkit.rag.evaluate import calibrate_gate
    from labkit.store import atomic_write_json

    questions = _load_questions(args, label_field=args.label_field)
    ans = [q["question"] for q in questions if q["answerable"]]
    una = [q["question"] for q in questions if not q["answerable"]]
    if not ans or not una:
        raise UsageError(
            f"{args.questions}: calibration needs answerable and unanswerable questions; got "
            f"{len(ans)} answerable, {len(una)} unanswerable (unanswerable: no gold ids, or "
            f'"{args.label_field}": false)'
        )
    if min(len(ans), len(una)) < 10:
        _err(
            f"warning: {len(ans)} answerable and {len(una)} unanswerable questions; with fewer "
            "than 10 of a kind the threshold is noisy: label more questions"
        )
    ws = Workspace(args.dir, _embedder(), args.engine)
    caller = _caller(args)
    gate = calibrate_gate(ws.top_cosines(ans, caller=caller), ws.top_cosines(una, caller=caller))
    gate |= {
        "n_answerable": len(ans),
        "n_unanswerable": len(una),
        "score": "cosine of the best chunk (dense, MiniLM)",
        "labelled": str(Path(args.questions).resolve()),
        "fingerprint": ws.info["fingerprint"],
        "caller": args.role,
    }
    atomic_write_json(Path(args.dir) / GATE, gate)
    print(
        f"gate threshold {gate['threshold']:.4f}: refuses {gate['refusal_accuracy']:.0%} of the "
        f"unanswerable and {gate['false_refusal']:.0%} of the answerable questions "
        f"(balanced accuracy {gate['balanced_accuracy']:.2f}); wrote {Path(args.dir) / GATE}"
    )
    return 0


# ------------------------------------------------------------------------------ parser


def engine_arg(s) -> None:
    s.add_argument(
        "--engine",
        choices=("faiss", "qdrant"),
        default=None,
        help="vector engine (default: $LABKIT_VECTOR_ENGINE, else faiss); qdrant keeps its "
        "collection in DIR/qdrant unless $LABKIT_QDRANT_URL or $LABKIT_QDRANT_PATH is set",
    )


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m labkit.rag",
        description="Index your own documents, ask them questions with citations, evaluate "
        "retrieval, calibrate the refusal gate. See docs/OWN_DOCUMENTS.md.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("index", help="chunk, embed and index DOCS into DIR")
    s.add_argument("docs", help="a JSONL file, a folder of .md/.txt files, or a BEIR folder")
    s.add_argument("--out", required=True, help="folder to write (DIR)")
    s.add_argument("--format", default="auto", choices=["auto", "jsonl", "folder", "beir"])
    s.add_argument("--strategy", default="headings", choices=["headings", "fixed"])
    s.add_argument("--chunk-size", type=int, default=128, help="word pieces per chunk")
    s.add_argument("--overlap", type=int, default=32, help="word pieces shared by windows")
    s.set_defaults(fn=cmd_index)
    engine_arg(s)

    def common(s, question_file: bool):
        s.add_argument("dir", help="a folder written by `index`")
        engine_arg(s)
        s.add_argument(
            "--as",
            dest="role",
            required=True,
            choices=ROLES,
            help="who is asking (required): searches and answers see only the chunks this "
            "role may read (documents without an 'access' field count as public)",
        )
        if question_file:
            s.add_argument("questions", help="a JSONL file (or a BEIR folder)")
            s.add_argument("--question-field", default="question")
            s.add_argument("--answer-field", default="answer")
            s.add_argument("--gold-field", default="gold_ids", help="ids of answering documents")

    s = sub.add_parser("ask", help="answer questions with citations")
    common(s, False)
    s.add_argument("question", nargs="+")
    s.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE")
    s.add_argument("-k", type=int, default=3, help="sources given to the generator")
    s.add_argument("--retriever", default="hybrid", choices=RETRIEVERS)
    s.set_defaults(fn=cmd_ask)

    s = sub.add_parser("eval", help="retrieval metrics (and answers) on labelled questions")
    common(s, True)
    s.add_argument("-k", type=int, default=3, help="sources given to the generator")
    s.add_argument("--retriever", default="hybrid", choices=RETRIEVERS)
    s.add_argument("--no-answers", action="store_true", help="retrieval metrics only")
    s.add_argument("--limit", type=int, default=None, help="first N questions only")
    s.set_defaults(fn=cmd_eval)

    s = sub.add_parser("calibrate", help="set the refusal gate on labelled questions")
    common(s, True)
    s.add_argument("--label-field", default="answerable", help="true/false (else: gold ids)")
    s.set_defaults(fn=cmd_calibrate)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status (2 with a one-line message on bad input)."""
    from labkit.data import DataError

    args = _parser().parse_args(argv)
    if getattr(args, "k", 1) < 1:
        _err("error: -k must be >= 1")
        return 2
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", UserWarning)
            warnings.showwarning = lambda message, *a, **kw: _err(f"warning: {message}")
            return args.fn(args)
    except (DataError, UsageError, FileNotFoundError) as e:
        _err(f"error: {e}")
    except ValueError as e:  # IndexMismatchError, BeirError, bad chunk settings
        _err(f"error: {type(e).__name__}: {e}")
    return 2
