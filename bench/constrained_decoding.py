"""Ticket triage latency: base model free vs JSON-constrained vs the QLoRA-tuned adapter, side by side.

    .venv/bin/python bench/constrained_decoding.py [--threads 2] [--tickets 32] [--runs 3]

Notebook 05's behaviour table compares the three on quality; this prints what each costs per
ticket on this CPU. Same held-out tickets, batched greedy decoding (``labkit.rag.generate``), the base
model with the 3-shot policy prompt (shared prefix cached), free (120 new tokens) or constrained
to the ticket schema (``labkit.finetune.constrained``, 160 new tokens), the tuned model with the ticket
alone (120). Rounds alternate the contenders; each time is median [min-max] seconds per ticket,
each ratio median [min-max] of the per-round ratios to the tuned model. Uses the course's cached
behaviour adapter (trains it first if missing, ~3 min).
"""

from __future__ import annotations

from dataclasses import replace

from _common import (
    add_runs_arg,
    base_parser,
    load_average,
    median_range,
    paired_ratio,
    time_alternating,
)

from labkit import data, models
from labkit.env import setup
from labkit.finetune import behaviour
from labkit.finetune.constrained import TICKET_SCHEMA
from labkit.finetune.train import merge_for_serving
from labkit.hybrid import course
from labkit.rag.generate import GenerationConfig, generate_batch


def main() -> None:
    p = base_parser(__doc__.splitlines()[0])
    p.add_argument("--tickets", type=int, default=32, help="held-out tickets per run (default 32)")
    add_runs_arg(p)
    args = p.parse_args()
    prof = setup(seed=0, threads=args.threads)
    held_out = data.load_behaviour("eval")[: args.tickets]
    base, tok = models.load_generator("none", prof)
    adapter_dir, _ = course.behaviour_adapter(prof)
    tuned = merge_for_serving(adapter_dir, prof)
    shots = behaviour.pick_shots(data.load_behaviour("train"), k=3)
    few_shot = [behaviour.few_shot_messages(x, shots) for x in held_out]
    alone = [m["messages"] for m in behaviour.without_system(held_out, keep_answer=False)]
    cfg = GenerationConfig(max_new_tokens=120, stop_at_newline=False, progress=False)
    forced = replace(cfg, max_new_tokens=160, json_schema=TICKET_SCHEMA)
    contenders = {
        "base, 3-shot, free": lambda: generate_batch(base, tok, few_shot, cfg),
        "base, 3-shot, JSON-constrained": lambda: generate_batch(base, tok, few_shot, forced),
        "QLoRA-tuned, ticket alone": lambda: generate_batch(tuned, tok, alone, cfg),
    }
    print(
        f"{len(held_out)} tickets, {args.runs} alternating rounds, {prof.threads} threads; {load_average()}"
    )
    timed = time_alternating(contenders, runs=args.runs, warmup=0)
    for name, r in timed.items():
        outs = r["result"]
        valid = sum(behaviour.parse_response(o["text"]) is not None for o in outs)
        new = sum(o["new_tokens"] for o in outs) / len(outs)
        per = [s / len(held_out) for s in r["seconds"]]
        ratio = paired_ratio(timed, name, "QLoRA-tuned, ticket alone")
        print(
            f"{name:<32} s/ticket {median_range(per, '.3f')}  x tuned {ratio['median']:.2f} "
            f"[{ratio['min']:.2f}-{ratio['max']:.2f}]  new tokens {new:.1f}  valid JSON {valid}/{len(outs)}"
        )
    print(load_average())


if __name__ == "__main__":
    main()
