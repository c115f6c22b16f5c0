"""QLoRA fine-tuning of the generator: config, fresh 4-bit model + LoRA, TRL training, adapters.

Introduced in notebooks/04_qlora_finetuning.ipynb (reused by 05_evaluating_a_finetune). The
contract is docs/design-finetune.md, section "Training". One adapter folder looks like::

    <out_dir>/checkpoints/checkpoint-40/ ...   # Trainer checkpoints (resumable, last 2 kept)
    <out_dir>/adapter/adapter_model.safetensors, adapter_config.json, labkit_adapter.json

``labkit_adapter.json`` records the base model, data hash, config, timings and loss history, so a
notebook can reuse a trained adapter (:func:`adapter_is_trained`) and :func:`load_adapter` can
refuse one made for another base model.

CPU facts this module is built around (bitsandbytes 0.50, measured on a 2-core avx512_bf16 box):

- NF4 matmuls run on CPU, so real QLoRA (4-bit frozen base + LoRA) trains SmolLM2-135M there.
- Trap: on an avx512_bf16 CPU, any forward of a ``Linear4bit`` in eval mode without grad
  (``generate()``, a perplexity pass, ``Trainer.evaluate``) repacks its 4-bit weights in place
  into an inference layout, for good. Training that object afterwards gives wrong gradients
  with only a UserWarning. Hence: :func:`load_for_training` always loads a fresh model and
  switches the repacking off on it, and :func:`add_lora` refuses a model already repacked.
"""

from __future__ import annotations

import json
import os
import time
import warnings
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

from ..env import Profile, current_profile
from ..store import atomic_write_json

# re-exported: notebooks import the whole fine-tuning surface from ``train``
from .adapters import (
    META_FILE,  # noqa: F401 (re-exported)
    RUN_FILE,
    AdapterError,
    adapter_is_trained,
    check_adapter_files,
    data_sha256,
    library_versions,
    load_adapter,
    merge_for_serving,
    read_adapter_meta,
    save_final_adapter,
)
from .lora import (
    QLoRAConfig,
    _compute_dtype,
    _repacked_layers,  # noqa: F401 (tests check a model for repacked 4-bit layers through train)
    _torch_dtype,
    _use_gc,
    add_lora,
    load_for_training,
    memory_footprints,
    perplexity,
    trainable_share,
)

__all__ = [
    "AdapterError",
    "QLoRAConfig",
    "load_for_training",
    "add_lora",
    "trainable_share",
    "to_prompt_completion",
    "data_sha256",
    "make_trainer",
    "score_replies_only_on_cpu",
    "trl_every_position_loss",
    "train_adapter",
    "adapter_is_trained",
    "read_adapter_meta",
    "check_adapter_files",
    "load_adapter",
    "memory_footprints",
    "perplexity",
    "merge_for_serving",
]


def _check_records(train_records) -> None:
    """Refuse an empty training set before any model loads (TRL would fail much later with a
    bare StopIteration)."""
    if isinstance(train_records, dict | str):
        raise TypeError(
            f"train_records must be a list of chat records, got {type(train_records).__name__}"
        )
    if len(train_records) == 0:
        raise ValueError(
            "train_records is empty: there is nothing to train on. Pass at least one chat "
            'record {"messages": [..., {"role": "assistant", ...}]} (e.g. '
            "labkit.hybrid.course.behaviour_training_set())."
        )


def to_prompt_completion(records: list[dict]) -> list[dict]:
    """Chat records ``{"messages": [..., assistant]}`` -> TRL rows ``{"prompt": [...], "completion": [...]}``.

    The prompt is every message before the last (system, user); the completion is the final
    assistant message. TRL tokenises both with the chat template and masks the prompt tokens
    out of the loss (completion-only loss).
    """
    rows = []
    for i, rec in enumerate(records):
        msgs = rec.get("messages") if isinstance(rec, dict) else None
        if not msgs or len(msgs) < 2:
            raise ValueError(f"record {i}: needs 'messages' with a prompt and an assistant turn")
        if msgs[-1].get("role") != "assistant":
            raise ValueError(f"record {i}: last message must be the assistant's")
        for m in msgs:
            if m.get("role") not in ("system", "user", "assistant") or not isinstance(
                m.get("content"), str
            ):
                raise ValueError(f"record {i}: bad message {m!r}")
        rows.append(
            {
                "prompt": [{"role": m["role"], "content": m["content"]} for m in msgs[:-1]],
                "completion": [{"role": "assistant", "content": msgs[-1]["content"]}],
            }
        )
    return rows


def _checkpoint_to_resume(ckpt_dir: Path, run: dict, resume: bool) -> str | None:
    """Last checkpoint in ``ckpt_dir`` if it belongs to the same config + data, else None."""
    import shutil

    from transformers.trainer_utils import get_last_checkpoint

    if not ckpt_dir.is_dir():
        return None
    run_file = ckpt_dir / RUN_FILE
    same = run_file.is_file() and json.loads(run_file.read_text()) == run
    if not resume or not same:
        if not same and any(ckpt_dir.glob("checkpoint-*")):
            warnings.warn(
                f"{ckpt_dir}: checkpoints from another config or data set; starting afresh.",
                stacklevel=3,
            )
        shutil.rmtree(ckpt_dir)
        return None
    return get_last_checkpoint(str(ckpt_dir))


def _gc_arg() -> str:
    """transformers >= 5.2x renamed gradient_checkpointing to activation_checkpointing."""
    from transformers import TrainingArguments

    names = {f.name for f in fields(TrainingArguments)}
    return (
        "activation_checkpointing"
        if "activation_checkpointing" in names
        else "gradient_checkpointing"
    )


def _sft_config(cfg: QLoRAConfig, ckpt_dir: Path, profile: Profile, progress: bool):
    from trl import SFTConfig

    cdt = _compute_dtype(cfg, profile)
    mixed = cfg.quant != "fp32"
    return SFTConfig(
        output_dir=str(ckpt_dir),
        max_steps=cfg.max_steps,
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accum,
        learning_rate=cfg.lr,
        lr_scheduler_type=cfg.scheduler,
        warmup_steps=cfg.warmup_ratio,  # transformers 5: a float < 1 is a ratio of max_steps
        logging_steps=cfg.logging_steps,
        save_steps=cfg.save_steps,
        save_total_limit=2,
        seed=cfg.seed,
        data_seed=cfg.seed,
        report_to="none",
        use_cpu=not profile.device.startswith("cuda"),
        bf16=mixed and cdt == "bf16",  # autocast; SFTConfig would default bf16=True otherwise
        fp16=mixed and cdt == "fp16",
        **{_gc_arg(): _use_gc(cfg, profile)},  # SFTConfig defaults to True: set it explicitly
        dataloader_num_workers=0,
        max_length=cfg.max_len,
        completion_only_loss=True,
        packing=False,
        disable_tqdm=not progress,
        save_only_model=False,  # optimizer + scheduler + RNG states: needed to resume exactly
    )


def score_replies_only_on_cpu() -> bool:
    """Let TRL's fused LM head score only the reply tokens on CPU too; True when in place.

    TRL's SFT loss projects hidden states through the 49k-token LM head in tiles. Where Triton
    runs it first drops every position whose label is ``-100`` (prompt and padding); on other
    devices it scores *every* position and masks afterwards, to keep tile shapes fixed for
    compiled back ends (its comment names Neuron). Eager CPU has no such need, and scoring the
    prompt too costs ~30% of a QLoRA step here (measured on the behaviour set, batch 4: 3.24 ->
    2.26 s/step, same loss to 3 decimals). This flips only that choice, in ``trl.trainer.utils``;
    the tile kernels keep their own torch-on-CPU path. If the installed TRL no longer has the
    line this relies on, nothing is changed and False is returned (training is then just slower).
    """
    import inspect

    import trl.trainer.utils as tu

    current = getattr(tu, "_use_triton", None)
    if getattr(current, "labkit_cpu_compact", False):
        return True
    try:
        src = inspect.getsource(tu)
    except (OSError, TypeError):
        return False
    if current is None or src.count("_use_triton(") != 1 or "compact = _use_triton(" not in src:
        return False

    def compact_on_cpu(device) -> bool:
        return device.type == "cpu" or current(device)

    compact_on_cpu.labkit_cpu_compact = True
    compact_on_cpu.labkit_original = current
    tu._use_triton = compact_on_cpu
    return True


@contextmanager
def trl_every_position_loss():
    """While inside, TRL's own CPU loss path (every position through the LM head) is back in
    place of :func:`score_replies_only_on_cpu`'s switch: for the benchmark and the test that
    compare the two. A no-op when the switch is not installed."""
    import trl.trainer.utils as tu

    before = tu._use_triton
    tu._use_triton = getattr(before, "labkit_original", before)
    try:
        yield
    finally:
        tu._use_triton = before


def make_trainer(
    train_records: list[dict],
    cfg: QLoRAConfig,
    ckpt_dir: str | Path,
    profile: Profile | None = None,
    progress: bool = True,
    eval_records: list[dict] | None = None,
    callbacks: list | None = None,
):
    """A ready TRL ``SFTTrainer`` on a fresh LoRA model (what :func:`train_adapter` runs).

    Exposed for tests and benchmarks: ``trainer.train_dataset`` holds TRL's tokenised rows
    (input_ids, completion_mask) and ``trainer.data_collator`` builds the labels.
    """
    from transformers.trainer_callback import PrinterCallback
    from trl import SFTTrainer

    from datasets import Dataset

    _check_records(train_records)
    profile = profile or current_profile()
    score_replies_only_on_cpu()
    train_ds = Dataset.from_list(to_prompt_completion(train_records))
    eval_ds = Dataset.from_list(to_prompt_completion(eval_records)) if eval_records else None
    model, tok = load_for_training(cfg, profile)
    res = model.labkit_model
    tok.padding_side = "right"  # TRL's collator pads right itself; this only keeps tok consistent
    trainer = SFTTrainer(
        model=model,
        args=_sft_config(cfg, Path(ckpt_dir), profile, progress),
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        processing_class=tok,
        callbacks=callbacks,
    )
    if not progress:
        trainer.remove_callback(PrinterCallback)
    # TRL silently drops rows whose completion lies wholly beyond max_length (prompt too long).
    kept = len(trainer.train_dataset)
    if kept == 0:
        raise ValueError(
            f"no training example fits max_len={cfg.max_len}: every prompt is that long or longer, "
            "so no reply token is left to learn. Raise QLoRAConfig.max_len."
        )
    if kept < len(train_records):
        warnings.warn(
            f"{len(train_records) - kept} of {len(train_records)} examples dropped: their prompt "
            f"fills max_len={cfg.max_len} tokens. Raise QLoRAConfig.max_len.",
            stacklevel=2,
        )
    # TRL casts a quantised model's LoRA weights to bf16 (peft#2889 workaround). bf16 keeps 8
    # mantissa bits: an Adam step of ~lr=2e-4 on a weight of ~0.04 is below its resolution and
    # rounds away, and fp16 GradScaler refuses half-precision master weights. Keep them fp32
    # (PEFT's default; +20 MB for 4.9 M params). The optimizer is built in train(), after this.
    for p in trainer.model.parameters():
        if p.requires_grad and p.dtype != _torch_dtype("fp32"):
            p.data = p.data.float()
    trainer.model.labkit_model = res
    return trainer


def _refuse_if_training_is_off(out_dir: Path) -> None:
    """``LABKIT_NO_TRAIN`` set (not 0): the workshop pack's check that nothing trains."""
    if os.environ.get("LABKIT_NO_TRAIN", "").strip() not in ("", "0"):
        raise RuntimeError(
            f"LABKIT_NO_TRAIN is set, so the adapter {out_dir.name!r} ({out_dir}) is not "
            "trained, and it is not in the cache. Fix: install a workshop pack built after a "
            "complete `make test` (it holds every course adapter), or unset LABKIT_NO_TRAIN."
        )


def train_adapter(
    train_records: list[dict],
    cfg: QLoRAConfig,
    out_dir: str | Path,
    profile: Profile | None = None,
    resume: bool = True,
    progress: bool = True,
    eval_records: list[dict] | None = None,
    callbacks: list | None = None,
) -> dict:
    """Train a LoRA adapter with TRL's SFTTrainer; save it atomically; return its metadata.

    Data: chat records -> prompt/completion rows (loss on the assistant reply only).
    Checkpoints go to ``<out_dir>/checkpoints`` every ``cfg.save_steps``; with ``resume=True`` a
    crashed or interrupted run continues from the last one (same config and data only: the
    checkpoint folder records both), giving the same losses as an uninterrupted run.
    The final adapter lands in ``<out_dir>/adapter`` whole or not at all, with ``labkit_adapter.json``
    (the returned dict): base model, data hash, config, train seconds, tokens seen, tokens/s,
    final loss, loss history [(step, loss)], library versions (and eval loss if eval_records).
    ``callbacks``: extra ``transformers.TrainerCallback`` objects (e.g. to stop early; a run
    stopped before ``cfg.max_steps`` returns {"completed": False, ...} and saves no adapter).
    A callback with a ``labkit_meta()`` method adds its dict to the metadata (a learning curve),
    and its ``seconds`` attribute (time spent measuring) is left out of ``train_seconds``.
    Deterministic on CPU for a given ``cfg.seed``. With ``LABKIT_NO_TRAIN=1`` it refuses
    (RuntimeError naming the adapter) before anything loads: the workshop pack's check.
    """
    _refuse_if_training_is_off(Path(out_dir))
    _check_records(train_records)
    to_prompt_completion(train_records)  # a malformed record fails here, before any model loads
    profile = profile or current_profile()
    out_dir = Path(out_dir)
    ckpt_dir = out_dir / "checkpoints"
    data_hash = data_sha256(train_records)
    run = {"config": cfg.to_dict(), "data_sha256": data_hash}
    last = _checkpoint_to_resume(ckpt_dir, run, resume)
    ckpt_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_json(ckpt_dir / RUN_FILE, run)
    trainer = make_trainer(train_records, cfg, ckpt_dir, profile, progress, eval_records, callbacks)
    res = trainer.model.labkit_model

    t0 = time.perf_counter()
    trainer.train(resume_from_checkpoint=last)
    # training time alone: a measuring callback (e.g. a learning curve) reports its own seconds
    seconds = time.perf_counter() - t0 - sum(getattr(cb, "seconds", 0.0) for cb in callbacks or [])
    state = trainer.state
    if state.global_step < cfg.max_steps:  # stopped early by a callback: no final adapter
        return {"completed": False, "step": state.global_step, "checkpoints": str(ckpt_dir)}

    history = [(int(e["step"]), float(e["loss"])) for e in state.log_history if "loss" in e]
    tokens = int(trainer._total_train_tokens)  # non-pad tokens this session (TRL's count)
    meta = {
        "completed": True,
        "base_model": res.name,
        "base_source": res.source,
        "profile": profile.name,
        "data_sha256": data_hash,
        "n_train": len(train_records),
        "n_train_used": len(trainer.train_dataset),  # after TRL dropped over-long prompts
        "config": cfg.to_dict(),
        "compute_dtype": _compute_dtype(cfg, profile),
        "gradient_checkpointing": _use_gc(cfg, profile),
        "steps": state.global_step,
        "resumed_from_step": int(Path(last).name.split("-")[-1]) if last else 0,
        "train_seconds": round(seconds, 2),
        "tokens_seen": tokens,  # this session (a resumed run counts from its checkpoint)
        "tokens_per_s": round(tokens / seconds, 1) if seconds > 0 else None,
        "final_loss": history[-1][1] if history else None,
        "loss_history": history,
        "trainable": trainable_share(trainer.model),
        "versions": library_versions(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    if eval_records:
        meta["eval_loss"] = float(trainer.evaluate()["eval_loss"])
    for cb in callbacks or []:  # e.g. learning_curve.AnswerCurve: kept with the adapter
        if hasattr(cb, "labkit_meta"):
            meta.update(cb.labkit_meta())
    save_final_adapter(trainer, out_dir / "adapter", meta)
    return meta
