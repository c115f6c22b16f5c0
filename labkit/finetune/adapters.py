"""Saved adapters: read their metadata, check their files, load them onto a base, merge for serving.

Introduced in notebooks/04_qlora_finetuning.ipynb (reused by 05-07). The folder layout and the
``labkit_adapter.json`` metadata are written by :func:`labkit.finetune.train.train_adapter`.
Split out of ``train`` (issue 12 §4).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from ..env import Profile, current_profile
from ..store import atomic_dir, atomic_write_json, sha256_text
from .lora import QLoRAConfig

__all__ = [
    "AdapterError",
    "data_sha256",
    "read_adapter_meta",
    "check_adapter_files",
    "adapter_is_trained",
    "load_adapter",
    "merge_for_serving",
    "save_final_adapter",
    "library_versions",
]


META_FILE = "labkit_adapter.json"  # written next to the PEFT files in <out_dir>/adapter


RUN_FILE = (
    "labkit_run.json"  # in <out_dir>/checkpoints: which config + data the checkpoints belong to
)


class AdapterError(ValueError):
    """A saved adapter is damaged (truncated weights, broken metadata); the message names the
    file and the fix."""


def _adapter_folder(path: str | Path) -> Path:
    """Accept the adapter folder itself or the training ``out_dir`` holding ``adapter/``."""
    path = Path(path)
    return path / "adapter" if (path / "adapter" / META_FILE).is_file() else path


_RETRAIN = (
    "Fix: delete the adapter folder {folder} and train it again (labkit.finetune.train.train_adapter; "
    "the labkit.hybrid.course *_adapter functions retrain on their own when the folder is gone)."
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
            f"{meta} missing: not an adapter saved by labkit.finetune.train.train_adapter"
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
            f"written by labkit.finetune.train.train_adapter or was edited. "
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
    from ..models import resolve_model

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
    from ..models import resolve_model

    res = resolve_model("generator", profile)
    if meta.get("base_model") != res.name:
        raise ValueError(
            f"Adapter {folder} was trained on {meta.get('base_model')!r}, but this profile "
            f"({profile.name}) resolves the generator to {res.name!r}. LoRA weights only fit the "
            f"base model they were trained on. Fix: train an adapter on this profile "
            f"(labkit.finetune.train.train_adapter), or run where the generator is "
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

    from ..models import load_generator

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

    from ..models import _generator_dtype, load_generator

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


def data_sha256(records: list[dict]) -> str:
    """sha256 of the records' canonical JSON (sorted keys, no spaces): the training data's id."""
    return sha256_text(
        json.dumps(records, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    )


def library_versions() -> dict:
    """The versions of the libraries a trained adapter depends on (kept in its metadata)."""
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


def save_final_adapter(trainer, folder: Path, meta: dict) -> None:
    """Write the trained adapter and its metadata to ``folder`` whole or not at all.

    Under ``accelerate launch`` (several GPUs, one process each) only the main process writes;
    the others wait for it, so no process returns before the adapter exists.
    """
    if trainer.is_world_process_zero():
        with atomic_dir(folder) as tmp:
            trainer.model.save_pretrained(tmp)
            atomic_write_json(tmp / META_FILE, meta)
    trainer.accelerator.wait_for_everyone()
