"""Turning the packaged GGUF generator into a transformers folder the course can load.

Used by :func:`labkit.models.resolve_model` (introduced in notebooks/00_setup_and_tour.ipynb)
when the model comes from the pip-installed package rather than the hub cache; re-exported by
:mod:`labkit.models`. Split out of ``models`` (issue 12 §4).
"""

from __future__ import annotations

from pathlib import Path

from .store import atomic_dir, atomic_write_json, sha256_file

__all__ = ["convert_gguf"]

SOURCE_FILE = "labkit_source.json"  # written into converted cache folders


def convert_gguf(gguf_path: str | Path, out_dir: str | Path) -> Path:
    """Dequantise a GGUF causal LM into a normal transformers folder (fp32 safetensors).

    The weights are the Q4_1 ones dequantised, so greedy outputs differ slightly from the hub's
    bf16 checkpoint. Built in a temporary sibling and swapped in whole (a crash leaves no half
    folder). Takes ~15-20 s for SmolLM2-135M on 2 CPU cores.
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf_path = Path(gguf_path)
    folder, fname = str(gguf_path.parent), gguf_path.name
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=fname)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=fname, dtype=torch.float32)
    # The GGUF loader marks the model as quantized, which save_pretrained refuses; the weights
    # are already plain fp32 tensors, so drop the marker.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    with atomic_dir(out_dir) as tmp:
        model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
        atomic_write_json(
            tmp / SOURCE_FILE,
            {
                "gguf_file": fname,
                "sha256": sha256_file(gguf_path),
                "dtype": "float32",
                "note": "dequantised from GGUF Q4_1 by labkit.models.convert_gguf",
            },
        )
    return Path(out_dir)
