"""CPU training speed of LoRA on SmolLM2-135M: NF4 (QLoRA) vs bf16 vs fp32 base, same records.

    .venv/bin/python bench/train_throughput.py [--threads 2] [--steps 10] [--warmup 2]
        [--batch 4] [--records datasets/tickets/behaviour_train.jsonl] [--no-system] [--quality] [--gc]
        [--quants nf4,nf4:full,bf16,fp32] [--runs 3]

Each contender is labkit.finetune.train.make_trainer (TRL SFTTrainer, completion-only loss) on a fresh
model, trained for warm-up + timed steps over the same records in the same order (same seed), in
``--runs`` rounds alternating the contenders (nf4, bf16, fp32, nf4, bf16, fp32, ...): s/step,
trained tokens/s (non-pad tokens of prompt + completion) and ratios to fp32 per round, each as
median [min-max].
``--quality`` adds the base model's memory footprints and sliding-window perplexity in fp32 /
bf16 / NF4 on datasets/general/general_text.txt. ``--gc`` turns gradient checkpointing on.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from contextlib import nullcontext
from pathlib import Path

from _common import load_average, machine, median_range, time_alternating

from labkit.env import DATA_DIR, setup
from labkit.finetune.train import (
    QLoRAConfig,
    make_trainer,
    memory_footprints,
    perplexity,
    trl_every_position_loss,
)

FALLBACK_TEXT = (
    "The river runs through the middle of the old town, and most of the streets lead down to it. "
    "In summer the banks fill with people reading, fishing or simply watching the boats go by. "
) * 20


def _records(path: Path, n: int, no_system: bool) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()][:n]
    if no_system:  # shorter rows (~230 tokens instead of ~360): ticket + reply only
        rows = [{"messages": [m for m in r["messages"] if m["role"] != "system"]} for r in rows]
    return rows


def time_training(spec: str, records, args, tmp: Path) -> dict:
    """``spec``: a base precision (nf4, bf16, fp32), optionally ``:full`` for TRL's own CPU loss
    path, which projects every position (prompt and padding too) through the LM head."""
    import torch
    from transformers import TrainerCallback

    quant, _, variant = spec.partition(":")

    cfg = QLoRAConfig(
        quant=quant,
        max_steps=args.warmup + args.steps,
        batch_size=args.batch,
        max_len=args.max_len,
        logging_steps=1,
        save_steps=10_000,  # no checkpoint inside the timed window
        gradient_checkpointing="on" if args.gc else "off",
    )
    marks = []

    class Clock(TrainerCallback):
        def on_step_end(self, a, state, control, **kw):
            marks.append((time.perf_counter(), trainer._total_train_tokens))

    t_load = time.perf_counter()
    trainer = make_trainer(records, cfg, tmp / spec, progress=False, callbacks=[Clock()])
    load_s = time.perf_counter() - t_load
    torch.set_num_threads(args.threads)  # labkit.setup may have changed it
    t0 = time.perf_counter()
    with trl_every_position_loss() if variant == "full" else nullcontext():
        trainer.train()
    marks.insert(0, (t0, 0))
    (ta, na), (tb, nb) = marks[args.warmup], marks[-1]
    losses = [e["loss"] for e in trainer.state.log_history if "loss" in e]
    return {
        "quant": spec,
        "load_s": load_s,
        "s_per_step": (tb - ta) / args.steps,
        "tokens_per_s": (nb - na) / (tb - ta),
        "tokens_per_step": (nb - na) / args.steps,
        "first_loss": losses[0],
        "last_loss": losses[-1],
    }


def main() -> None:
    import argparse
    import tempfile

    import torch

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    p.add_argument("--steps", type=int, default=10, help="timed optimiser steps per contender")
    p.add_argument("--warmup", type=int, default=2, help="untimed steps first")
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--max-len", type=int, default=384)
    p.add_argument("--records", type=Path, default=DATA_DIR / "tickets" / "behaviour_train.jsonl")
    p.add_argument(
        "--quants",
        default="nf4,bf16,fp32",
        help="contenders, comma-separated; add ':full' (e.g. nf4:full) for TRL's every-position loss",
    )
    p.add_argument("--no-system", action="store_true", help="drop the system prompt (shorter rows)")
    p.add_argument("--gc", action="store_true", help="gradient checkpointing on")
    p.add_argument("--quality", action="store_true", help="also memory footprints + perplexity")
    p.add_argument("--runs", type=int, default=3, help="training runs per contender, alternating")
    args = p.parse_args()

    prof = setup(threads=args.threads, check_hub=False)
    records = _records(args.records, args.batch * (args.warmup + args.steps), args.no_system)
    print(f"{machine()} | threads {args.threads} | profile {prof.name} (bf16={prof.bf16})")
    print(
        f"{len(records)} records from {args.records.name}, batch {args.batch}, "
        f"{args.warmup} warm-up + {args.steps} timed steps, gradient checkpointing "
        f"{'on' if args.gc else 'off'}, torch {torch.__version__}"
    )
    specs = args.quants.split(",")
    print(f"before: {load_average()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        run_no = itertools.count()

        def contender(spec: str):
            def run():
                r = time_training(spec, records, args, Path(tmp) / str(next(run_no)))
                print(
                    f"  {spec:>9}: {r['s_per_step']:.2f} s/step, {r['tokens_per_s']:.0f} tokens/s "
                    f"({r['tokens_per_step']:.0f} tokens/step), loss {r['first_loss']:.3f} -> "
                    f"{r['last_loss']:.3f}, load {r['load_s']:.1f} s",
                    flush=True,
                )
                return r

            return run

        timed = time_alternating({s: contender(s) for s in specs}, runs=args.runs)
    print(f"after:  {load_average()}")
    ref = "fp32" if "fp32" in specs else specs[0]
    print(f"\n{args.runs} alternating runs per contender, median [min-max]:")
    print(f"{'contender':>9} {'s/step':>20} {'tokens/s':>20} {'tokens/s vs ' + ref:>20}")
    for spec in specs:
        runs = timed[spec]["results"]
        vs_ref = [
            r["tokens_per_s"] / q["tokens_per_s"]
            for r, q in zip(runs, timed[ref]["results"], strict=True)
        ]
        print(
            f"{spec:>9} {median_range([r['s_per_step'] for r in runs]):>20} "
            f"{median_range([r['tokens_per_s'] for r in runs], '.0f'):>20} "
            f"{median_range(vs_ref):>19}x"
        )

    if args.quality:
        from labkit.models import load_generator

        fp = memory_footprints(prof)
        mb = 1 << 20
        print(
            f"\nmemory footprint: fp32 {fp['fp32'] / mb:.0f} MiB, bf16 {fp['bf16'] / mb:.0f} MiB, "
            f"nf4 {fp['nf4'] / mb:.0f} MiB; nf4/fp32 {fp['nf4_over_fp32']:.3f}, "
            f"nf4/bf16 {fp['nf4_over_bf16']:.3f}; share of parameters in 4-bit Linear layers "
            f"{fp['quantized_share']:.1%}"
        )
        text_path = DATA_DIR / "general" / "general_text.txt"
        text = text_path.read_text() if text_path.is_file() else FALLBACK_TEXT
        src = text_path.name if text_path.is_file() else "built-in paragraph"
        for name, quant, dtype in (
            ("fp32", "none", torch.float32),
            ("bf16", "none", torch.bfloat16),
            ("nf4", "nf4", torch.bfloat16),
        ):
            model, tok = load_generator(quant, prof, dtype=dtype)
            t = time.perf_counter()
            ppl = perplexity(model, tok, text, max_len=512, stride=256)
            n = len(tok(text, add_special_tokens=False)["input_ids"])
            print(
                f"perplexity {name:>4}: {ppl:.3f} on {src} ({n} tokens, windows 512/256), "
                f"{time.perf_counter() - t:.1f} s"
            )
            del model
    sys.stdout.flush()


if __name__ == "__main__":
    main()
