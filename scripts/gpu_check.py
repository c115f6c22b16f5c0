"""The GPU path in one short run: 4-bit load, a short QLoRA training, evaluation, memory and speed.

    make gpu-check                       # on a CUDA machine; ~3-8 minutes
    python scripts/gpu_check.py --allow-cpu --steps 2 --tickets 4 --questions 4   # plumbing only

It loads the GPU profile's generator (SmolLM2-1.7B-Instruct; on a machine that cannot reach the
hub and lacks it, the course's offline SmolLM2-135M-Instruct, said so in the output) in 4-bit
NF4, trains the behaviour adapter with the profile's config for ``--steps`` steps, then
evaluates on held-out data with Wilson intervals:

- the tuned model on ``--tickets`` held-out tickets: JSON validity, all three fields right;
- the grounded reader (``labkit.finetune.reader``, trained for ``--steps`` steps too) against the base
  reader, both with RAG on ``--questions`` answerable test questions of articles the reader never
  saw: answer accuracy, model-written citations, strict citation accuracy;

and prints seconds per training step, tokens per second and peak GPU memory. The numbers go to
``runs/gpu_check.json`` and belong in the README's GPU profile table with the date and the GPU.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=60, help="training steps (default 60)")
    ap.add_argument("--tickets", type=int, default=96, help="held-out tickets to evaluate")
    ap.add_argument("--questions", type=int, default=96, help="test questions for the readers")
    ap.add_argument("--allow-cpu", action="store_true", help="run without CUDA (plumbing check)")
    ap.add_argument("--out", default=str(ROOT / "runs" / "gpu_check.json"))
    args = ap.parse_args(argv)

    import torch

    import labkit
    from labkit import data, models, stats
    from labkit.finetune import behaviour, reader
    from labkit.finetune.train import merge_for_serving, train_adapter
    from labkit.hybrid import course
    from labkit.rag.generate import GenerationConfig, generate_batch, rag_answer
    from labkit.rag.index import load_or_build_index
    from labkit.security.access import Caller
    from labkit.store import atomic_write_json

    cuda = torch.cuda.is_available()
    if not cuda and not args.allow_cpu:
        print(
            "no CUDA device: this check is for a GPU machine (or pass --allow-cpu to test the plumbing)"
        )
        return 2
    t_start = time.perf_counter()
    prof = labkit.setup(seed=0)
    note = ""
    try:
        models.check_model_files(models.resolve_model("generator", prof))
    except (models.ModelNotFoundError, models.ModelFileError) as e:
        prof = replace(prof, name="cpu-offline")  # same device, the offline 135M model
        note = f"GPU profile model unavailable ({str(e).splitlines()[0]}); used the offline SmolLM2-135M-Instruct"
        print(note)
    gen_name = models.resolve_model("generator", prof).name
    cfg = replace(
        course.behaviour_config(prof), max_steps=args.steps, save_steps=max(args.steps, 1)
    )
    print(
        f"profile {prof.name} on {prof.device}; generator {gen_name}; {args.steps} steps, batch {cfg.batch_size}"
    )

    if cuda:
        torch.cuda.reset_peak_memory_stats()
    out_dir = ROOT / "runs" / "gpu_check_adapter"
    meta = train_adapter(course.behaviour_training_set(), cfg, out_dir, prof, resume=False)
    peak_train = torch.cuda.max_memory_allocated() / 2**30 if cuda else None

    held_out = data.load_behaviour("eval")[: args.tickets]
    tuned = merge_for_serving(out_dir, prof)
    tok = models.load_tokenizer(prof)
    gen = GenerationConfig(max_new_tokens=160, stop_at_newline=False, progress=False)
    outs = generate_batch(
        tuned,
        tok,
        [m["messages"] for m in behaviour.without_system(held_out, keep_answer=False)],
        gen,
    )
    items = behaviour.item_scores(held_out, [o["text"] for o in outs])
    del tuned

    embedder = models.load_embedder(prof)
    articles = data.load_articles("v1")
    index, _ = load_or_build_index("helpcenter-v1", articles, embedder)
    unseen = reader.eval_questions(
        data.load_questions("test"), articles, reader.split_articles(articles)
    )
    qs = [q for q in unseen if q["gold_ids"]][: args.questions]
    fused = course.reader_retriever(index, embedder)

    def answers(model):
        return rag_answer(
            [q["question"] for q in qs],
            lambda q, k, caller: fused.search(q, k, caller=caller),
            model,
            tok,
            k=3,
            cfg=GenerationConfig(progress=False),
            caller=Caller("public"),
        )

    reader_cfg = replace(course.READER_CFG, max_steps=args.steps, save_steps=max(args.steps, 1))
    reader_dir = ROOT / "runs" / "gpu_check_reader"
    rmeta = train_adapter(
        course.reader_training_set(index, embedder), reader_cfg, reader_dir, prof, resume=False
    )
    rows_tuned = reader.reader_rows(qs, answers(merge_for_serving(reader_dir, prof)))
    base, tok = models.load_generator("none", prof)
    scored = reader.reader_rows(qs, answers(base))

    fmt = lambda flags: stats.format_rate(stats.rate(flags))  # noqa: E731
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "device": torch.cuda.get_device_name(0) if cuda else "cpu (plumbing check)",
        "generator": gen_name,
        "note": note,
        "train_steps": meta["steps"],
        "seconds_per_step": round(meta["train_seconds"] / max(meta["steps"], 1), 3),
        "tokens_per_s": meta["tokens_per_s"],
        "peak_gpu_memory_gib_training": round(peak_train, 2) if peak_train is not None else None,
        "peak_gpu_memory_gib_total": round(torch.cuda.max_memory_allocated() / 2**30, 2)
        if cuda
        else None,
        "tickets": len(held_out),
        "json_validity": fmt([r["valid"] for r in items]),
        "all_fields": fmt([r["all_fields"] for r in items]),
        "rag_questions": len(qs),
        "rag_answer_accuracy": fmt([r["correct"] for r in scored]),
        "rag_model_written_citation": fmt([r["model_cited"] for r in scored]),
        "reader_seconds_per_step": round(rmeta["train_seconds"] / max(rmeta["steps"], 1), 3),
        "reader_answer_accuracy": fmt([r["correct"] for r in rows_tuned]),
        "reader_model_written_citation": fmt([r["model_cited"] for r in rows_tuned]),
        "reader_strict_citation": fmt([r["strict_cited"] for r in rows_tuned]),
        "wall_seconds": round(time.perf_counter() - t_start, 1),
    }
    atomic_write_json(args.out, report)
    width = max(map(len, report))
    for k, v in report.items():
        print(f"{k:<{width}}  {v}")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
