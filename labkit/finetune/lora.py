"""QLoRA's model side: the config, a fresh 4-bit base with LoRA layers, its memory and perplexity.

Introduced in notebooks/04_qlora_finetuning.ipynb; :mod:`labkit.finetune.train` trains what this
module builds. Split out of ``train`` (issue 12 §4); see that module's docstring for the CPU
facts (the 4-bit repacking trap) these functions are built around.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, fields

from ..env import Profile, current_profile

__all__ = [
    "QLoRAConfig",
    "load_for_training",
    "add_lora",
    "trainable_share",
    "memory_footprints",
    "perplexity",
]


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
            "Fix: load a fresh model with labkit.finetune.train.load_for_training(cfg)."
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
    from ..models import load_generator

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

    from ..models import load_generator

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
