"""The main job (``make demo``): the course's whole experiment, end to end, on the embedded defaults.

    python -m labkit.main [--data-dir datasets] [--tickets 96] [--out runs]

1. validates the data folder, training files included (a missing, empty or malformed file stops
   here, before any model loads); every later step reads that same folder;
2. builds (or reuses) the help-center index;
3. evaluates dense, BM25 and hybrid retrieval on the dev questions (notebook 02) as
   ``Caller("agent")``: support staff read every article, so the whole help center is searched;
4. trains (or reuses) the QLoRA ticket-triage adapter (notebook 04; ~3 min on 2 CPU cores);
5. the four-way table: base, RAG only, fine-tuned only, hybrid, on held-out tickets (notebook 06),
   answered as ``Caller("customer")``: tickets come from customers, so no internal-only chunk
   reaches a prompt (the refusal gate's top cosine too is over what a customer may read);
6. the knowledge update: v2 snapshot re-indexed, changed facts checked fresh/stale (notebook 07),
   also as ``Caller("customer")``;
7. the production loop in small (notebook 10): 48 simulated dev-side requests answered by the
   hybrid (tickets) and RAG (questions), logged to SQLite and monitored by SQL;
8. writes ``report.md``, ``metrics.json``, the week's ``interactions.db`` and PNG plots into a
   fresh run folder.

Caches under ``.labkit_cache/`` (index, adapter, and each step's answers keyed by everything
they depend on) make a re-run take about a minute; ``make clean`` forgets them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

from . import env
from .report import QUALITY, print_table, write_report

__all__ = ["run", "main"]

_TRAINING_KEYS = "steps train_seconds tokens_per_s final_loss loss_history trainable".split()


def _step(msg: str) -> float:
    print(f"==> {msg}", flush=True)
    return time.perf_counter()


def _done(t0: float) -> None:
    print(f"    ({time.perf_counter() - t0:.1f} s)", flush=True)


def _cached(name: str, key: dict, compute):
    """``compute()``'s JSON result, reused when a previous run had exactly this ``key``.

    The key holds everything the result depends on (data hashes, adapter, settings) plus the
    source of the modules that produce it, so a code change recomputes too.
    """
    from .store import atomic_write_json

    src = "".join(
        (Path(__file__).parent / m).read_text()
        for m in (
            "rag/generate.py",
            "rag/answers.py",
            "hybrid/assembly.py",
            "hybrid/scores.py",
            "finetune/behaviour.py",
            "hybrid/update.py",
        )
    )
    digest = hashlib.sha256(
        json.dumps([key, src], sort_keys=True, default=str).encode()
    ).hexdigest()[:16]
    path = env.cache_dir("main") / f"{name}-{digest}.json"
    if path.is_file():
        print("    (reusing the answers of an earlier run with the same inputs)")
        return json.loads(path.read_text())
    result = compute()
    atomic_write_json(path, result)
    return result


def run(data_dir: str | Path | None = None, n_tickets: int = 96, out: str | Path = "runs") -> dict:
    """Run the experiment; returns the metrics dict also written to ``metrics.json``.

    The steps of the module docstring, in order; each prints what it did and how long it took.
    """
    from .security.access import Caller

    staff = Caller("agent")  # retrieval evaluation: the whole help center
    customer = Caller("customer")  # tickets: every answer path

    t_all = time.perf_counter()
    counts = check_data(data_dir)  # raises DataError before any model loads
    prof = set_up()
    index, embedder = index_help_center(prof, data_dir)
    retrieval, dense = evaluate_retrieval(index, embedder, data_dir, staff)
    adapter_dir, meta = train_triage_adapter(prof, data_dir)
    four_way = four_way_table(
        prof, index, embedder, dense, adapter_dir, meta, data_dir, n_tickets, customer
    )
    upd = knowledge_update(index, embedder, meta, four_way, data_dir, customer)
    week = production_week(index, embedder, four_way, data_dir)
    metrics = {
        "profile": prof.as_dict(),
        "data": counts,
        "retrieval_dev": retrieval,
        "callers": {
            "retrieval_dev": staff.role,
            "four_way": customer.role,
            "update": customer.role,
        },
        "training": {k: meta[k] for k in _TRAINING_KEYS},
        "four_way": four_way["table"],
        "four_way_versus": four_way["versus"],
        "n_tickets": len(four_way["tickets"]),
        "gate": four_way["gate"],
        "update": upd,
        "production": week,
        "seconds": round(time.perf_counter() - t_all, 1),
    }
    folder = write_report(Path(out), metrics)
    shutil.move(week["log"], folder / "interactions.db")  # the week's log beside its report
    print(f"==> report: {folder / 'report.md'}  (total {metrics['seconds']} s)")
    return metrics


def check_data(data_dir) -> dict:
    """Step 1: every file the job reads, validated (counts per kind)."""
    from . import data

    _step("checking the data folder")
    counts = data.check_data_dir(data_dir)
    print("    " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
    return counts


def set_up():
    """The profile (device, threads, bf16) and which models it resolves to."""
    from .models import describe_models

    prof = env.setup()
    print(
        f"    profile: {prof.name} (device={prof.device}, threads={prof.threads}, bf16={prof.bf16})"
    )
    for row in describe_models(prof):
        print(f"    {row['role']}: {row['name']} [{row['source']}]")
    return prof


def index_help_center(prof, data_dir):
    """Step 2: the v1 help-center index, built or reused from the cache; (index, embedder)."""
    from . import data
    from .hybrid import course
    from .models import load_embedder
    from .rag.index import load_or_build_index

    t = _step("building or loading the help-center index")
    docs = data.load_articles("v1", data_dir)
    embedder = load_embedder(prof)
    t_index = time.perf_counter()
    index_name = course.cache_name("helpcenter-v1", docs, data_dir)  # another folder: its own cache
    index, reused = load_or_build_index(index_name, docs, embedder)
    print(
        f"    {index} ({'reused from cache' if reused else f'built in {time.perf_counter() - t_index:.1f} s'})"
    )
    _done(t)
    return index, embedder


def evaluate_retrieval(index, embedder, data_dir, staff):
    """Step 3: dense, BM25 and hybrid on the dev questions; (table, the dense retriever)."""
    from . import data
    from .rag.engine import dense_retriever
    from .rag.evaluate import retrieval_table
    from .rag.retrieve import BM25Retriever, HybridRetriever

    t = _step("evaluating retrieval on the dev questions (as Caller('agent'): every article)")
    dense = dense_retriever(index, embedder)  # FAISS unless LABKIT_VECTOR_ENGINE says otherwise
    sparse = BM25Retriever(index.chunks)
    dev = [q for q in data.load_questions("dev", data_dir) if q["gold_ids"]]
    retrieval = retrieval_table(
        {"dense": dense, "bm25": sparse, "hybrid": HybridRetriever(dense, sparse)},
        dev,
        caller=staff,
    )
    for name, row in retrieval.items():
        print(f"    {name:>6}: " + "  ".join(f"{m}={v:.3f}" for m, v in row.items()))
    _done(t)
    return retrieval, dense


def train_triage_adapter(prof, data_dir):
    """Step 4: the QLoRA ticket-triage adapter, trained or reused; (folder, metadata)."""
    from .hybrid import course

    t = _step("QLoRA: training the ticket-triage adapter (or reusing it)")
    adapter_dir, meta = course.behaviour_adapter(prof, data_dir=data_dir)  # that folder's tickets
    loss = meta["loss_history"]
    print(
        f"    {meta['steps']} steps, loss {loss[0][1]:.2f} -> {loss[-1][1]:.2f}, trained in {meta['train_seconds']:.0f} s "
        f"({meta['tokens_per_s']:.0f} tokens/s); trainable {meta['trainable']['share']:.2%} of the parameters"
    )
    _done(t)
    return adapter_dir, meta


def _gate_on_tickets(dense, tickets, data_dir, customer) -> tuple[list, dict, list, list]:
    """The refusal gate calibrated on training tickets vs dev unanswerable questions: (the test
    unanswerable questions as tickets, the gate, whether it refuses each held-out ticket, and
    each unanswerable one)."""
    from . import data
    from .finetune.behaviour import format_ticket
    from .hybrid import assembly as hybrid
    from .rag.evaluate import calibrate_gate

    users = [format_ticket(x) for x in tickets]

    def unanswerable(split: str) -> list[str]:
        qs = data.load_questions(split, data_dir)
        return [hybrid.as_ticket(q["question"]) for q in qs if q["type"] == "unanswerable"]

    una, dev_una = unanswerable("test"), unanswerable("dev")
    train_tk = [format_ticket(x) for x in data.load_tickets("train", data_dir) if x["fact_ids"]][
        :120
    ]

    def top_cosine(user: str) -> float:
        return dense.search(hybrid.ticket_query(user), 1, caller=customer)[0]["score"]

    gate = calibrate_gate([top_cosine(u) for u in train_tk], [top_cosine(u) for u in dev_una])
    gated_una = [top_cosine(u) < gate["threshold"] for u in una]
    gated_ans = [top_cosine(u) < gate["threshold"] for u in users]
    return una, gate, gated_ans, gated_una


def four_way_table(prof, index, embedder, dense, adapter_dir, meta, data_dir, n_tickets, customer):
    """Step 5: base, RAG only, fine-tuned only and hybrid on held-out tickets (answers cached).

    Returns the table plus what the knowledge update reuses (tickets, gate, models, retriever,
    cache key)."""
    from . import data
    from .finetune.behaviour import format_ticket, pick_shots
    from .finetune.train import merge_for_serving
    from .hybrid import assembly as hybrid
    from .hybrid import course
    from .hybrid.scores import versus_best_single
    from .models import load_generator

    t = _step(
        f"four-way table on {n_tickets} held-out tickets: base, RAG only, fine-tuned only, hybrid "
        "(as Caller('customer'))"
    )
    facts = {f["id"]: f for f in data.load_facts("v1", data_dir)}
    tickets = hybrid.spread_sample(data.load_tickets("eval", data_dir), n_tickets)
    users = [format_ticket(x) for x in tickets]
    una, gate, gated_ans, gated_una = _gate_on_tickets(dense, tickets, data_dir, customer)
    retrieve = course.ticket_retriever(index, embedder)
    base, tok = load_generator("none", prof)
    tuned = merge_for_serving(adapter_dir, prof)
    shots = pick_shots(data.load_behaviour("train", data_dir), k=1)
    setups = hybrid.system_setups(base, tuned, retrieve, shots)

    def four_way() -> dict:
        rows = {}
        for name, s in setups.items():
            print(f"    {name} ...", flush=True)
            outs = hybrid.answer_tickets(users, tok=tok, k=course.SOURCES_K, caller=customer, **s)
            una_outs = hybrid.answer_tickets(una, tok=tok, k=course.SOURCES_K, caller=customer, **s)
            scores = hybrid.ticket_scores(tickets, outs, facts)  # kept for the paired bootstrap
            row = hybrid.system_row(tickets, outs, facts, una_outs)
            rows[name] = row | {"ticket_scores": scores}
            if "retrieve_fn" in s:  # the gate, on answerable and unanswerable tickets alike
                gate_row = hybrid.gate_row(scores, gated_ans, gated_una)
                rows[name] |= {f"gate_{k}": v for k, v in gate_row.items()}
        return rows

    key = {
        "adapter": meta["data_sha256"],
        "cfg": meta["config"],
        "tickets": [x["id"] for x in tickets],
        "index": index.doc_hashes,
        "gate": gate,
        "generator": meta["base_model"],
        "caller": [customer.role, customer.tenant],
        "rows": "with ticket_scores",
    }
    table = _cached("four_way", key, four_way)
    print_table(
        table,
        [*QUALITY, "combined", "prompt_tokens", "latency_s"],
    )
    versus = versus_best_single(table)
    print(f"    {versus['sentence']}")
    _done(t)
    return {
        "table": table,
        "versus": versus,
        "tickets": tickets,
        "base": base,
        "gate": gate,
        "key": key,
        "tok": tok,
        "tuned": tuned,
        "retrieve": retrieve,
    }


def knowledge_update(index, embedder, meta, four_way, data_dir, customer) -> dict:
    """Step 6: re-index the v2 snapshot; are the changed facts fresh, stale or wrong?"""
    from . import data
    from .finetune.behaviour import format_ticket
    from .hybrid import assembly as hybrid
    from .hybrid import course, update

    tok, tuned, retrieve = four_way["tok"], four_way["tuned"], four_way["retrieve"]
    t = _step("knowledge update: help center v1 -> v2 (as Caller('customer'))")
    changes = {c["fact_id"]: c for c in update.load_changes(data_dir)}
    index_v2, stats = update.update_index(index, data.load_articles("v2", data_dir), embedder)
    print(
        f"    index updated in {stats['seconds']:.1f} s ({stats['updated']} articles changed, {stats['chunks_embedded']} chunks re-embedded)"
    )
    changed = [
        x for x in data.load_tickets("eval", data_dir) if any(f in changes for f in x["fact_ids"])
    ]
    ch_users = [format_ticket(x) for x in changed]
    ch_of = [changes[next(f for f in x["fact_ids"] if f in changes)] for x in changed]

    def freshness() -> dict:
        runs = {
            "fine-tuned only": dict(model=tuned),
            "hybrid, v1 index": dict(model=tuned, retrieve_fn=retrieve),
            "hybrid, updated index": dict(
                model=tuned, retrieve_fn=course.ticket_retriever(index_v2, embedder)
            ),
        }
        return {
            name: update.freshness_counts(
                [
                    o["reply"]
                    for o in hybrid.answer_tickets(
                        ch_users, tok=tok, k=course.SOURCES_K, caller=customer, **s
                    )
                ],
                ch_of,
            )
            for name, s in runs.items()
        }

    fresh = _cached(
        "freshness",
        dict(four_way["key"], tickets=[x["id"] for x in changed], v2=index_v2.doc_hashes),
        freshness,
    )
    print_table(fresh, list(update.OUTCOMES))
    _done(t)
    return {
        "index_seconds": round(stats["seconds"], 2),
        "chunks_embedded": stats["chunks_embedded"],
        "retrain_seconds_behaviour_adapter": meta["train_seconds"],
        "n_tickets": len(changed),
        "freshness": fresh,
    }


def production_week(index, embedder, four_way, data_dir) -> dict:
    """Step 7, notebook 10 in small (:func:`labkit.production.week.course_week`); never cached."""
    from .production.week import course_week

    t = _step("production loop: a simulated week on the hybrid (48 requests, logged to SQLite)")
    parts = [four_way[k] for k in ("base", "tuned", "tok", "retrieve")]
    week = course_week(index, embedder, *parts, data_dir=data_dir)  # prints what the log says
    _done(t)
    return week


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--data-dir", default=None, help="course data folder (default: datasets/ in the repo)"
    )
    ap.add_argument(
        "--tickets", type=int, default=96, help="held-out tickets in the four-way table (max 160)"
    )
    ap.add_argument("--out", default=str(env.ROOT / "runs"), help="where run folders go")
    args = ap.parse_args(argv)
    from .data import DataError

    try:
        run(args.data_dir, args.tickets, args.out)
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
