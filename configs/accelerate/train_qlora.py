"""Train the course's ticket-triage QLoRA adapter data-parallel on several GPUs (issue 15 §3).

    accelerate launch --config_file configs/accelerate/multi_gpu_qlora.yaml \
        configs/accelerate/train_qlora.py --out runs/behaviour-dp [--scale-lr]

UNTESTED HERE (no GPU on the machine this kit was built on). The same call as notebook 04
(:func:`labkit.finetune.train.train_adapter` with :func:`labkit.hybrid.course.behaviour_config`);
TRL's SFTTrainer picks up the distributed setup ``accelerate launch`` creates. Before the first
run, read docs/SCALING.md: the 4-bit base model must load on each process's own GPU, and the
step count is per optimiser step, so N GPUs see N times the examples per step.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True, help="adapter folder (checkpoints inside)")
    p.add_argument("--scale-lr", action="store_true", help="lr x number of processes")
    p.add_argument("--same-examples", action="store_true", help="max_steps / processes")
    args = p.parse_args()

    import labkit
    from labkit.finetune.train import train_adapter
    from labkit.hybrid import course

    world = int(os.environ.get("WORLD_SIZE", "1"))  # set by accelerate launch
    profile = labkit.setup()
    cfg = course.behaviour_config(profile)
    if args.scale_lr:  # linear scaling rule; LoRA at lr 2e-4 usually tolerates the plain lr too
        cfg = replace(cfg, lr=cfg.lr * world)
    if args.same_examples:  # same examples seen as on one GPU, in 1/world of the steps
        cfg = replace(cfg, max_steps=max(1, cfg.max_steps // world))
    records = course.behaviour_training_set()
    meta = train_adapter(records, cfg, args.out, profile)
    if int(os.environ.get("RANK", "0")) == 0:
        eff = cfg.batch_size * cfg.grad_accum * world
        print(f"{meta.get('steps')} steps x effective batch {eff} ({world} processes)")


if __name__ == "__main__":
    main()
