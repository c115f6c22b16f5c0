"""One explicit set-up call for every notebook and script: seeds, threads, hardware profile.

Nothing here runs on import. A notebook starts with::

    import labkit
    prof = labkit.setup()          # seeds everything, sets torch threads, picks the profile
    print(prof)

Introduced in notebooks/00_setup_and_tour.ipynb.
"""

from __future__ import annotations

import os
import random
import socket
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
"""Repository root (the folder holding labkit/, datasets/, notebooks/)."""

DATA_DIR = ROOT / "datasets"


def cache_dir(*parts: str) -> Path:
    """Folder for derived artefacts (converted models, indexes, adapters), created on demand.

    ``LABKIT_CACHE`` overrides the default ``<repo>/.labkit_cache``. Nothing in it is
    committed; deleting it only costs recomputation. A ``LABKIT_CACHE`` that is a file (or
    lies under one) or cannot be created raises :class:`NotADirectoryError` / ``OSError``
    naming the value and the fix.
    """
    value = os.environ.get("LABKIT_CACHE", "")
    base = Path(value).expanduser() if value.strip() else ROOT / ".labkit_cache"
    path = base.joinpath(*parts)
    fix = (
        f"Fix: export LABKIT_CACHE=/path/to/a/folder, or `unset LABKIT_CACHE` for {ROOT / '.labkit_cache'}"
        if value.strip()
        else "Fix: remove or rename that file, or export LABKIT_CACHE=/path/to/a/folder"
    )
    where = f"LABKIT_CACHE={value!r}" if value.strip() else "the default cache"
    blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise NotADirectoryError(
            f"{where}: {blocker} is a file, not a folder, so the cache folder {path} cannot be "
            f"created. {fix}."
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OSError(
            f"{where}: cannot create the cache folder {path} ({e.strerror}). {fix}."
        ) from e
    return path


@dataclass(frozen=True)
class Profile:
    """Where the course is running and what that implies.

    name: "cpu-offline", "cpu-online" or "gpu".
    device: torch device string for generators ("cpu" or "cuda").
    hub: whether the Hugging Face hub answered (models by name) or not (packaged copies).
    threads: torch intra-op threads (CPU decoding is faster with fewer threads on a busy box).
    bf16: whether the CPU/GPU runs bfloat16 matmuls natively (embedding speed-up).
    """

    name: str
    device: str
    hub: bool
    threads: int
    bf16: bool
    seed: int

    def as_dict(self) -> dict:
        return asdict(self)


def hub_reachable(timeout: float = 1.5) -> bool:
    """True when huggingface.co answers on port 443 and ``HF_HUB_OFFLINE`` is not set."""
    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false", "False"):
        return False
    try:
        with socket.create_connection(("huggingface.co", 443), timeout=timeout):
            return True
    except OSError:
        return False


def default_threads() -> int:
    """2 (or fewer cores), unless ``LABKIT_THREADS`` says otherwise.

    A fixed default keeps floating-point reductions, and so greedy generations and notebook
    outputs, the same from run to run. Measured on a 2-core box: with the machine otherwise
    idle, 2 threads decode ~1.7x faster than 1; with another busy process 2 threads ran 2.5x
    *slower* than 1, so set ``LABKIT_THREADS=1`` when sharing the machine.
    """
    value = os.environ.get("LABKIT_THREADS", "").strip()
    if value:
        try:
            n = int(value)
        except ValueError:
            n = 0
        if n < 1:
            raise ValueError(
                f"LABKIT_THREADS={os.environ['LABKIT_THREADS']!r} is not a whole number >= 1. "
                "Fix: export LABKIT_THREADS=1 (or 2, ...), or `unset LABKIT_THREADS` for the "
                "default (2, or fewer cores)."
            )
        return n
    return max(1, min(2, os.cpu_count() or 1))


def cpu_info() -> str:
    """/proc/cpuinfo's text ("" where there is none)."""
    try:
        return Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""


def cpu_has_bf16() -> bool:
    """True when the CPU advertises native bf16 (AVX512_BF16 or AMX), per /proc/cpuinfo."""
    return kernel_kind() in ("x86-amx", "x86-avx512_bf16")


KERNEL_KINDS = {"amx_bf16": "x86-amx", "avx512_bf16": "x86-avx512_bf16", "avx512f": "x86-avx512"}
KERNEL_KINDS["avx2"] = "x86-avx2"
"""CPU flag -> kernel kind, the first flag present wins (in this order)."""


def kernel_kind(flags: str | None = None) -> str:
    """The family of CPU kernels that decides a run's printed digits, e.g. ``"x86-avx512_bf16"``.

    Greedy generation, training losses and scores depend on which matmul kernels oneDNN/MKL pick,
    and those follow the instruction set: ``amx`` (Xeon with AMX), ``avx512_bf16`` (Xeon without
    AMX, and AMD EPYC with AVX-512 bf16: the same digits, checked on both), ``avx512``, ``avx2``
    (fp32 generator) or ``other``. ``flags`` is /proc/cpuinfo's text (read when omitted); a GPU
    is :func:`digits_fingerprint`'s business. Notebooks record the kind their outputs came from
    (``make notebooks``); ``make test`` compares digits only where the kinds match
    (labkit/nbdigits.py).
    """
    words = set((cpu_info() if flags is None else flags).split())
    return next((kind for flag, kind in KERNEL_KINDS.items() if flag in words), "other")


def digits_fingerprint() -> str:
    """What decides a notebook's digits on this machine: :func:`kernel_kind` and torch's version,
    e.g. ``"x86-avx512_bf16 torch-2.13.0"`` (``"cuda ..."`` where a GPU is used)."""
    import torch

    kind = "cuda" if torch.cuda.is_available() else kernel_kind()
    return f"{kind} torch-{torch.__version__.split('+')[0]}"


def seed_everything(seed: int) -> None:
    """Seed python, numpy and torch (CPU and CUDA)."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


_PROFILE: Profile | None = None


def _quiet_libraries() -> None:
    """Silence library chatter that would bury a notebook's own output.

    - transformers' per-load "Loading weights" bars and info logs (errors still show);
    - bitsandbytes' notice that an optional hub-hosted CPU kernel is unavailable offline
      (it falls back to its built-in CPU path, which is what the course measures).
    Our own progress bars (embedding, generation, training) are unaffected.
    """
    import logging
    import warnings

    logging.getLogger("bitsandbytes.backends.cpu.ops").setLevel(logging.ERROR)
    # peft asks transformers 5 for a renamed attribute; harmless, and it prints a file path.
    warnings.filterwarnings(
        "ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning
    )
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def setup(seed: int = 0, threads: int | None = None, check_hub: bool = True) -> Profile:
    """Seed everything, set torch threads, detect the hardware profile, silence progress noise.

    Safe to call again (a re-run cell): it re-seeds and returns the new profile.
    """
    global _PROFILE
    import torch

    threads = threads or default_threads()
    torch.set_num_threads(threads)
    hub = hub_reachable() if check_hub else False
    if not hub:
        # No hub: make every library look only at local files, so nothing waits on a network.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    _quiet_libraries()
    cuda = torch.cuda.is_available()
    if cuda:
        name, device, bf16 = "gpu", "cuda", torch.cuda.is_bf16_supported()
    else:
        name, device, bf16 = ("cpu-online" if hub else "cpu-offline"), "cpu", cpu_has_bf16()
    seed_everything(seed)
    _PROFILE = Profile(name=name, device=device, hub=hub, threads=threads, bf16=bf16, seed=seed)
    return _PROFILE


def current_profile() -> Profile:
    """The profile from the last :func:`setup` call (runs a quiet ``setup()`` if there was none)."""
    return _PROFILE or setup()
