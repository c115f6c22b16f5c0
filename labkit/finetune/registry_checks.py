"""What :class:`labkit.finetune.registry.AdapterRegistry` refuses to record: bad names, empty
folders, non-finite metrics, unknown governance values, metadata naming another base model.

Introduced in notebooks/05_evaluating_a_finetune.ipynb with the registry (governance fields:
notebook 08). Split out of ``registry`` (issue 12 §4).
"""

from __future__ import annotations

import json
import math
import numbers
import re
from pathlib import Path

__all__ = ["UNKNOWN"]


_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def _canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _check_metrics(metrics) -> dict:
    if not isinstance(metrics, dict):
        raise TypeError(f"metrics must be a dict of name -> number, got {type(metrics).__name__}")
    out = {}
    for k, v in metrics.items():
        if not isinstance(k, str):
            raise TypeError(f"metric names must be strings, got {k!r}")
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"metric {k!r} must be a number, got {v!r} ({type(v).__name__})")
        if not math.isfinite(float(v)):
            raise ValueError(f"metric {k!r} is not finite ({v!r})")
        out[k] = int(v) if isinstance(v, numbers.Integral) else float(v)
    return out


def _check_tags(tags) -> dict:
    if tags is None:
        return {}
    if not isinstance(tags, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in tags.items()
    ):
        raise TypeError(f"tags must be a dict of str -> str, got {tags!r}")
    return dict(tags)


UNKNOWN = "unknown"


_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def _check_governance(data_hashes, redacted, canaries, data_access) -> dict:
    """Validated governance record (see :meth:`AdapterRegistry.register`)."""
    from ..data import ACCESS_LEVELS

    if data_hashes is None:
        data_hashes = {}
    if not isinstance(data_hashes, dict) or not all(
        isinstance(k, str) and k.strip() and isinstance(v, str) and _SHA256_RE.match(v)
        for k, v in data_hashes.items()
    ):
        raise ValueError(
            f"data_hashes must map data names to sha256 hex digests (64 lowercase hex), "
            f"got {data_hashes!r}"
        )
    for what, v in (("redacted", redacted), ("canaries", canaries)):
        if not (isinstance(v, bool) or v == UNKNOWN):
            raise ValueError(f"{what} must be True, False or {UNKNOWN!r}, got {v!r}")
    if data_access not in (*ACCESS_LEVELS, UNKNOWN):
        raise ValueError(
            f"data_access must be one of {[*ACCESS_LEVELS, UNKNOWN]} (the highest access level "
            f"of the training data), got {data_access!r}"
        )
    return {
        "data_hashes": dict(sorted(data_hashes.items())),
        "redacted": redacted,
        "canaries": canaries,
        "data_access": data_access,
    }


def _check_adapter_meta(src: Path, base_model: str, data_hash: str) -> None:
    """If ``labkit_adapter.json`` is there, it must agree with what we are told to record."""
    meta_path = src / META_FILE
    if not meta_path.is_file():
        return
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ValueError(f"{meta_path} is not valid JSON: {e}") from e
    for key, given in (("base_model", base_model), ("data_hash", data_hash)):
        recorded = meta.get(key) if isinstance(meta, dict) else None
        if isinstance(recorded, str) and recorded != given:
            raise ValueError(
                f"{meta_path} says {key}={recorded!r} but register() was given {given!r}"
            )


def _check_registration(
    name: str, adapter_dir, base_model: str, base_revision: str, data_hash: str, params: dict
) -> tuple[Path, dict]:
    """Refuse a bad name, a missing/empty folder, blank ids and non-JSON params; returns the
    folder as a Path and the params as plain JSON types."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ValueError(
            f"name must be 1-100 of [A-Za-z0-9._-] starting alphanumeric, got {name!r}"
        )
    src = Path(adapter_dir)
    if not src.is_dir():
        raise FileNotFoundError(f"adapter folder {src} does not exist")
    if not any(p.is_file() for p in src.rglob("*")):
        raise ValueError(f"adapter folder {src} holds no files")
    for field, value in (
        ("base_model", base_model),
        ("base_revision", base_revision),
        ("data_hash", data_hash),
    ):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{field} must be a non-empty string, got {value!r}")
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict, got {type(params).__name__}")
    try:
        params = json.loads(_canonical(params))  # plain JSON types from here on
    except (TypeError, ValueError) as e:
        raise TypeError(f"params must be JSON-serialisable: {e}") from e
    return src, params


META_FILE = "labkit_adapter.json"  # written by labkit.finetune.train next to the adapter weights
