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
import math
import time
import warnings
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .env import Profile, current_profile
from .store import atomic_dir, atomic_write_json, sha256_text

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

META_FILE = "labkit_adapter.json"  # written next to the PEFT files in <out_dir>/adapter
RUN_FILE = (
    "labkit_run.json"  # in <out_dir>/checkpoints: which config + data the checkpoints belong to
)


class AdapterError(ValueError):
    """A saved adapter is damaged (truncated weights, broken metadata); the message names the
    file and the fix."""


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
            "labkit.course.behaviour_training_set())."
        )


# LoRA on every linear projection of a Llama block (attention q/k/v/o and the MLP gate/up/down).
# The QLoRA paper found that adapting all linear layers is what closes the gap to full
# fine-tuning; attention-only LoRA (q,v) underfits a format+tone task. On SmolLM2-135M, r=16
# this is 4.9 M trainable parameters (3.6% of 134.5 M). lm_head is excluded: it is tied to the
# embeddings and TRL's fused LM head would never train an adapter there.
LLAMA_LINEAR = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
QUANTS = ("nf4", "bf16", "fp32")
DTYPES = ("auto", "bf16", "fp16", "fp32")


@dataclass
class QLoRAConfig:
    """Hyper-parameters of one QLoRA run (JSON-serialisable via to_dict / from_dict)."""

    quant: str = "nf4"  # base weights: "nf4" (QLoRA); "bf16" / "fp32" = plain LoRA, for comparison
    r: int = 16  # LoRA rank: 16 is the usual QLoRA choice; a 4-field JSON format needs little more
    alpha: int = 32  # scaling alpha/r = 2, the common default pairing with r=16
    dropout: float = 0.05  # LoRA dropout; small, the QLoRA paper's value for small models
    target_modules: tuple[str, ...] = LLAMA_LINEAR  # see LLAMA_LINEAR above
    lr: float = 2e-4  # QLoRA paper's lr for models <= 13B; LoRA tolerates ~10x full-FT lr
    scheduler: str = "cosine"  # "cosine" or "linear" decay after warm-up
    max_steps: int = 120  # 120 x 4 = 480 examples seen, ~0.8 epoch of 600 tickets; ~3-5 min on CPU
    batch_size: int = 4  # per-device micro-batch (sequences)
    grad_accum: int = (
        1  # micro-batches per optimiser step; effective batch = batch_size x grad_accum
    )
    max_len: int = 384  # tokens; a ticket prompt + JSON reply is ~200-330 SmolLM2 tokens
    warmup_ratio: float = 0.05  # share of max_steps with linear lr warm-up (6 steps of 120)
    logging_steps: int = 5  # loss logged every 5 optimiser steps (loss history resolution)
    save_steps: int = 40  # checkpoint every 40 steps: at most ~1-2 min of CPU work lost to a crash
    seed: int = 0  # LoRA init, dropout and data order
    compute_dtype: str = "auto"  # auto: bf16 on CPUs with native bf16 and bf16 GPUs, fp16 on a T4
    gradient_checkpointing: str = (
        "auto"  # auto: on for CUDA (memory), off on CPU (speed), "on"/"off"
    )

    def __post_init__(self):
        self.target_modules = tuple(self.target_modules)
        if self.quant not in QUANTS:
            raise ValueError(f"quant must be one of {QUANTS}, got {self.quant!r}")
        if self.compute_dtype not in DTYPES:
            raise ValueError(f"compute_dtype must be one of {DTYPES}, got {self.compute_dtype!r}")
        if self.scheduler not in ("cosine", "linear"):
            raise ValueError(f"scheduler must be 'cosine' or 'linear', got {self.scheduler!r}")
        if self.gradient_checkpointing not in ("auto", "on", "off"):
            raise ValueError("gradient_checkpointing must be 'auto', 'on' or 'off'")
        for name in ("r", "alpha", "max_steps", "batch_size", "grad_accum", "max_len"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)!r}")
        for name in ("logging_steps", "save_steps"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)!r}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}")
        if not 0.0 <= self.warmup_ratio < 1.0:
            raise ValueError(f"warmup_ratio must be in [0, 1), got {self.warmup_ratio!r}")
        if not 0.0 < self.lr < 1.0:
            raise ValueError(f"lr must be in (0, 1), got {self.lr!r}")
        if not self.target_modules:
            raise ValueError("target_modules must name at least one module")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["target_modules"] = list(self.target_modules)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> QLoRAConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown QLoRAConfig keys: {sorted(unknown)}")
        return cls(**d)


def _compute_dtype(cfg: QLoRAConfig, profile: Profile) -> str:
    """ "bf16" | "fp16" | "fp32": the dtype matmuls run in (4-bit compute dtype, autocast)."""
    if cfg.quant == "fp32":
        return "fp32"
    if cfg.compute_dtype != "auto":
        return cfg.compute_dtype
    if profile.device.startswith("cuda"):
        import torch

        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"  # T4: no bf16
    return "bf16" if profile.bf16 else "fp32"


def _use_gc(cfg: QLoRAConfig, profile: Profile) -> bool:
    """Gradient checkpointing: recomputes activations in backward (~30% more compute).

    Worth it on a GPU where activations of the 1.7B model would not fit a T4 otherwise; on CPU
    the 135M model's activations for 4 x 384 tokens are a few hundred MB, so it only costs time.
    """
    if cfg.gradient_checkpointing == "auto":
        return profile.device.startswith("cuda")
    return cfg.gradient_checkpointing == "on"


def _torch_dtype(name: str):
    import torch

    return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[name]


def _repacked_layers(model) -> list[str]:
    """Names of Linear4bit layers whose weights were repacked for CPU inference (see module doc)."""
    out = []
    for name, mod in model.named_modules():
        qs = getattr(getattr(mod, "weight", None), "quant_state", None)
        if qs is not None and getattr(qs, "packing_format_for_cpu", False):
            out.append(name)
    return out


def _disable_cpu_repacking(model) -> int:
    """Stop bitsandbytes from repacking 4-bit weights on eval forwards; returns layers touched."""
    n = 0
    for mod in model.modules():
        if hasattr(mod, "support_avx512bf16_for_cpu"):
            mod.support_avx512bf16_for_cpu = False
            n += 1
    return n


def add_lora(model, cfg: QLoRAConfig):
    """Freeze ``model`` and wrap it with LoRA adapters (``peft.get_peft_model``); returns the PeftModel.

    For a 4-bit model, ``prepare_model_for_kbit_training`` runs first: it freezes every base
    weight and casts the non-quantised ones (embeddings, norms; ~21% of SmolLM2-135M's
    parameters) to fp32 for stable training; gradient checkpointing per ``cfg`` (off on CPU).
    Guards: a model that is already a PeftModel (a re-run notebook cell) is returned unchanged
    with a warning instead of stacking a second adapter; a 4-bit model whose layers were
    repacked by an inference forward on CPU is refused (its gradients would be wrong).
    """
    from peft import LoraConfig, PeftModel, get_peft_model, prepare_model_for_kbit_training
    from transformers import set_seed

    if isinstance(model, PeftModel) or getattr(model, "labkit_lora", False):
        warnings.warn(
            "add_lora/load_for_training: this model already has LoRA adapters (re-run cell?); "
            "returning it unchanged. Call load_for_training(cfg) again for a fresh model.",
            stacklevel=2,
        )
        return model
    repacked = _repacked_layers(model)
    if repacked:
        raise ValueError(
            f"{len(repacked)} 4-bit layers (e.g. {repacked[0]}) were repacked for CPU inference by an "
            "earlier generate()/eval forward; training this model would give wrong gradients. "
            "Fix: load a fresh model with labkit.train.load_for_training(cfg)."
        )
    profile = current_profile()
    if getattr(model, "is_loaded_in_4bit", False):
        model = prepare_model_for_kbit_training(
            model, use_gradient_checkpointing=_use_gc(cfg, profile)
        )
    set_seed(cfg.seed)  # LoRA A matrices are initialised randomly (B = 0)
    lora = LoraConfig(
        task_type="CAUSAL_LM",
        r=cfg.r,
        lora_alpha=cfg.alpha,
        lora_dropout=cfg.dropout,
        target_modules=list(cfg.target_modules),
        bias="none",
    )
    model = get_peft_model(model, lora)
    model.labkit_lora = True
    return model


def load_for_training(cfg: QLoRAConfig, profile: Profile | None = None):
    """A FRESH base model (via labkit.models) with LoRA adapters, in train mode; returns ``(model, tok)``.

    Always loads anew, never reuses a model from the notebook: on CPU, a 4-bit model that has
    run ``generate()`` (or any eval forward) has its 4-bit weights repacked for inference in
    place, and training it afterwards gives wrong gradients with only a UserWarning. The fresh
    model also gets that repacking switched off, so evaluating it mid-training is safe.

    quant "nf4": NF4 + double quantisation, compute dtype bf16 (fp16 on a T4) via
    ``load_generator("nf4")``; "bf16" / "fp32": the unquantised base in that dtype (plain LoRA).
    """
    from .models import load_generator

    profile = profile or current_profile()
    dtype = _torch_dtype(_compute_dtype(cfg, profile) if cfg.quant == "nf4" else cfg.quant)
    model, tok = load_generator("nf4" if cfg.quant == "nf4" else "none", profile, dtype=dtype)
    res = model.labkit_model
    if cfg.quant == "nf4":
        _disable_cpu_repacking(model)
    model.train()
    model = add_lora(model, cfg)
    model.labkit_model = res
    return model, tok


def trainable_share(model) -> dict:
    """{"trainable", "total", "share"}: parameter counts (4-bit weights counted unpacked)."""
    trainable = total = 0
    for p in model.parameters():
        n = p.numel()
        if p.__class__.__name__ == "Params4bit":  # two 4-bit values per stored byte
            n *= 2 * getattr(getattr(p, "quant_storage", None), "itemsize", 1)
        total += n
        if p.requires_grad:
            trainable += n
    return {"trainable": trainable, "total": total, "share": trainable / total if total else 0.0}


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


def data_sha256(records: list[dict]) -> str:
    """sha256 of the records' canonical JSON (sorted keys, no spaces): the training data's id."""
    return sha256_text(
        json.dumps(records, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    )


def _versions() -> dict:
    import peft
    import torch
    import transformers
    import trl

    return {
        "peft": peft.__version__,
        "transformers": transformers.__version__,
        "trl": trl.__version__,
        "torch": torch.__version__,
    }


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
    Deterministic on CPU for a given ``cfg.seed``.
    """
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
        "versions": _versions(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    if eval_records:
        meta["eval_loss"] = float(trainer.evaluate()["eval_loss"])
    for cb in callbacks or []:  # e.g. labkit.learning_curve.AnswerCurve: kept with the adapter
        if hasattr(cb, "labkit_meta"):
            meta.update(cb.labkit_meta())
    with atomic_dir(out_dir / "adapter") as tmp:
        trainer.model.save_pretrained(tmp)
        atomic_write_json(tmp / META_FILE, meta)
    return meta


def _adapter_folder(path: str | Path) -> Path:
    """Accept the adapter folder itself or the training ``out_dir`` holding ``adapter/``."""
    path = Path(path)
    return path / "adapter" if (path / "adapter" / META_FILE).is_file() else path


_RETRAIN = (
    "Fix: delete the adapter folder {folder} and train it again (labkit.train.train_adapter; "
    "the labkit.course *_adapter functions retrain on their own when the folder is gone)."
)


def read_adapter_meta(path: str | Path) -> dict:
    """The ``labkit_adapter.json`` of an adapter folder (or training out_dir).

    Raises FileNotFoundError when it is missing, :class:`AdapterError` when it is not a JSON
    object naming its ``base_model`` (truncated or hand-edited).
    """
    folder = _adapter_folder(path)
    meta = folder / META_FILE
    if not meta.is_file():
        raise FileNotFoundError(
            f"{meta} missing: not an adapter saved by labkit.train.train_adapter"
        )
    try:
        d = json.loads(meta.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise AdapterError(
            f"{meta}: adapter metadata is not valid JSON ({e}); the file is truncated or "
            f"corrupt. " + _RETRAIN.format(folder=folder)
        ) from None
    if not isinstance(d, dict) or not isinstance(d.get("base_model"), str):
        raise AdapterError(
            f"{meta}: adapter metadata has no 'base_model' (got {str(d)[:80]!r}); it was not "
            f"written by labkit.train.train_adapter or was edited. "
            + _RETRAIN.format(folder=folder)
        )
    return d


def check_adapter_files(path: str | Path) -> None:
    """Raise :class:`AdapterError` unless the adapter's PEFT files are complete: a parsable
    ``adapter_config.json`` and an ``adapter_model.safetensors`` whose header covers the file
    (reads the header only: a few ms)."""
    from safetensors import safe_open

    folder = _adapter_folder(path)
    cfg_file, weights = folder / "adapter_config.json", folder / "adapter_model.safetensors"
    for f in (cfg_file, weights):
        if not f.is_file():
            raise AdapterError(f"{f} is missing. " + _RETRAIN.format(folder=folder))
    try:
        json.loads(cfg_file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise AdapterError(
            f"{cfg_file} is not valid JSON ({e}). " + _RETRAIN.format(folder=folder)
        ) from None
    try:
        with safe_open(str(weights), "pt"):
            pass
    except Exception as e:  # safetensors' SafetensorError is not importable by name
        raise AdapterError(
            f"{weights} cannot be read ({e}); the file is truncated or corrupt. "
            + _RETRAIN.format(folder=folder)
        ) from None


def adapter_is_trained(
    out_dir: str | Path, cfg: QLoRAConfig, records: list[dict], profile: Profile | None = None
) -> bool:
    """True when ``out_dir`` holds a finished adapter for this config, data and base model."""
    from .models import resolve_model

    folder = _adapter_folder(out_dir)
    try:
        meta = read_adapter_meta(folder)
        check_adapter_files(folder)
    except FileNotFoundError:
        return False
    except AdapterError as e:
        warnings.warn(f"{e} Treating it as not trained.", stacklevel=2)
        return False
    return (
        meta.get("completed") is True
        and (folder / "adapter_config.json").is_file()
        and meta.get("config") == cfg.to_dict()
        and meta.get("data_sha256") == data_sha256(records)
        and meta.get("base_model") == resolve_model("generator", profile or current_profile()).name
    )


def _check_base(meta: dict, folder: Path, profile: Profile) -> None:
    from .models import resolve_model

    res = resolve_model("generator", profile)
    if meta.get("base_model") != res.name:
        raise ValueError(
            f"Adapter {folder} was trained on {meta.get('base_model')!r}, but this profile "
            f"({profile.name}) resolves the generator to {res.name!r}. LoRA weights only fit the "
            f"base model they were trained on. Fix: train an adapter on this profile "
            f"(labkit.train.train_adapter), or run where the generator is "
            f"{meta.get('base_model')!r} (e.g. export LABKIT_GENERATOR=<a local copy of it>)."
        )


def load_adapter(
    adapter_dir: str | Path, quant: str = "none", profile: Profile | None = None, dtype=None
):
    """Base generator (``load_generator(quant, dtype=dtype)``) + the adapter, eval mode; returns
    ``(model, tok)``. quant "none" keeps the profile's dtype (bf16 on this CPU) unless ``dtype``.

    Refuses (ValueError) an adapter whose metadata names another base model than the one this
    profile resolves, e.g. an adapter trained on the GPU's 1.7B model loaded on the CPU's 135M.
    """
    from peft import PeftModel

    from .models import load_generator

    profile = profile or current_profile()
    folder = _adapter_folder(adapter_dir)
    meta = read_adapter_meta(folder)
    _check_base(meta, folder, profile)
    check_adapter_files(folder)  # before the base model loads
    base, tok = load_generator(quant, profile, dtype=dtype)
    model = PeftModel.from_pretrained(base, str(folder), is_trainable=False)
    model.eval()
    model.labkit_model = base.labkit_model
    model.labkit_adapter = meta
    return model, tok


def merge_for_serving(adapter_dir: str | Path, profile: Profile | None = None, dtype=None):
    """A plain transformers model with the adapter merged in (no PEFT at inference time).

    The base is loaded unquantised in fp32, never 4-bit: merging W + (alpha/r)·B·A into 4-bit
    weights would re-quantise the sum onto the 16 NF4 levels, whose spacing is far larger than
    the LoRA update, so most of what training learned would round away. Merged in fp32, then
    cast to ``dtype`` (default: the profile's generator dtype, bf16 on this CPU). Note: the
    adapter was trained against the NF4-rounded base, so the merged model differs slightly from
    "4-bit base + adapter"; compare both on the eval set before serving.
    """
    import torch
    from peft import PeftModel

    from .models import _generator_dtype, load_generator

    profile = profile or current_profile()
    folder = _adapter_folder(adapter_dir)
    _check_base(read_adapter_meta(folder), folder, profile)
    check_adapter_files(folder)  # before the base model loads
    base, _ = load_generator("none", profile, dtype=torch.float32)
    res = base.labkit_model
    model = PeftModel.from_pretrained(base, str(folder)).merge_and_unload()
    model.to(dtype or _generator_dtype(profile))
    model.eval()
    model.labkit_model = res
    return model


def memory_footprints(profile: Profile | None = None) -> dict:
    """Bytes of the base generator loaded in fp32, bf16 and NF4 (``get_memory_footprint``).

    Returns {"fp32", "bf16", "nf4" (bytes), "nf4_over_fp32", "nf4_over_bf16", "quantized_share"}.
    Only the Linear layers of the transformer blocks become 4-bit; the embedding matrix (tied
    to lm_head) and the norms stay in bf16. ``quantized_share`` is the share of parameters in
    those Linear layers: ~79% for SmolLM2-135M, whose 49k x 576 embedding is a fifth of the
    model, vs ~97% for a 7B Llama. So the NF4/fp32 ratio of a small model sits well above the
    ideal 4/32 = 0.125 (plus ~0.5 bit/param of NF4 block constants, less with double quant).
    """
    import gc

    import torch

    from .models import load_generator

    profile = profile or current_profile()
    out = {}
    for name, quant, dtype in (
        ("fp32", "none", torch.float32),
        ("bf16", "none", torch.bfloat16),
        ("nf4", "nf4", torch.bfloat16),
    ):
        model, _ = load_generator(quant, profile, dtype=dtype)
        out[name] = int(model.get_memory_footprint())
        if name == "fp32":
            lin = sum(
                m.weight.numel()
                for n, m in model.named_modules()
                if isinstance(m, torch.nn.Linear) and "lm_head" not in n
            )
            out["quantized_share"] = lin / sum(p.numel() for p in model.parameters())
        del model
        gc.collect()
    out["nf4_over_fp32"] = out["nf4"] / out["fp32"]
    out["nf4_over_bf16"] = out["nf4"] / out["bf16"]
    return out


def perplexity(model, tok, text: str, max_len: int = 512, stride: int = 256) -> float:
    """Sliding-window perplexity of ``model`` on ``text`` (windows of max_len tokens, step stride).

    Each token is scored once, with up to ``max_len - stride`` tokens of left context beyond its
    own window start (the Hugging Face recipe). Runs in eval mode under no_grad, restoring the
    model's mode after. Note: on CPU this is an inference forward, which repacks a 4-bit model
    loaded by load_generator (harmless unless you then train that same object).
    """
    import torch

    if stride < 1 or stride > max_len:
        raise ValueError("need 1 <= stride <= max_len")
    ids = tok(text, return_tensors="pt", add_special_tokens=False)["input_ids"]
    n = ids.size(1)
    if n < 2:
        raise ValueError("text too short for perplexity (fewer than 2 tokens)")
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    nll, count, prev_end = 0.0, 0, 0
    try:
        with torch.no_grad():
            for begin in range(0, n, stride):
                end = min(begin + max_len, n)
                trg = end - prev_end  # new tokens scored in this window
                inp = ids[:, begin:end].to(device)
                labels = inp.clone()
                labels[:, :-trg] = -100
                scored = int((labels[:, 1:] != -100).sum())  # the model shifts labels by one
                if scored:
                    loss = model(input_ids=inp, labels=labels).loss
                    nll += float(loss) * scored
                    count += scored
                prev_end = end
                if end == n:
                    break
    finally:
        model.train(was_training)
    return math.exp(nll / count)
