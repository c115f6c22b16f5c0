"""Adapter registry: every trained adapter recorded with what made it, by name and version.

Introduced in notebooks/05_evaluating_a_finetune.ipynb (claim 10: a fine-tuning pipeline needs a
registry with versions and metadata, and a promotion gate -- see ``labkit.finetune.gate``).

Why a JSON file and not MLflow: measured on the course's 2-core CPU box, ``import mlflow``
(mlflow-skinny 3.17 + SQLAlchemy + alembic) takes 1-2.5 s, creating a fresh SQLite store runs
alembic migrations for 6-7 s (every new notebook run, every test), and the install adds 25
packages / ~125 MB. The registry the course needs is a few dozen entries; a learner can open
``registry.json`` and read every field. Each entry maps one-to-one onto MLflow (params, metrics,
tags, an artifact folder, the ``current`` alias) for the scale-out notebook.

Layout under ``root``::

    registry.json                 {"format": 1, "models": {name: {"versions": [...],
                                   "current": int | None, "history": [...]}}}
    adapters/<name>/v<version>/   a COPY of the adapter folder, made at registration

The adapter folder is copied, not referenced: training output folders get overwritten by the
next run (``train_adapter`` resumes and saves into the same ``out_dir``), and a registry whose
version 3 silently changes is no registry. LoRA adapters for the course model are a few MB.

Writes are atomic: the copy lands via ``store.atomic_dir`` first, then ``registry.json`` is
replaced whole via ``store.atomic_write_json``; a crash in between leaves an unreferenced folder
that the next registration of that version overwrites, never a half-written entry. Read-modify-
write cycles hold an exclusive lock on ``.registry.lock`` (``store.file_lock``: POSIX ``flock``;
on other systems there is no lock, so use one process at a time there).

Serving checks what it serves: :meth:`AdapterRegistry.load_path` re-hashes the registered copy and
raises :class:`AdapterIntegrityError` (naming the adapter, the file and the fix) if a file was
truncated, edited (``labkit_adapter.json`` included) or swapped since registration.
"""

from __future__ import annotations

import copy
import getpass
import hashlib
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from .. import store
from .registry_checks import (
    _canonical,
    _check_adapter_meta,
    _check_governance,
    _check_metrics,
    _check_registration,
    _check_tags,
)

__all__ = ["AdapterRegistry", "AdapterIntegrityError", "hash_adapter_dir"]

FORMAT = 1


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def hash_adapter_dir(adapter_dir: str | Path) -> str:
    """sha256 over (relative path, file sha256) of every file, sorted: the folder's content id.

    ``labkit_adapter.json`` is included, so the same weights with other recorded metadata differ.
    """
    root = Path(adapter_dir)
    h = hashlib.sha256()
    for p in sorted(q for q in root.rglob("*") if q.is_file()):
        h.update(p.relative_to(root).as_posix().encode("utf-8") + b"\0")
        h.update(store.sha256_file(p).encode("ascii") + b"\n")
    return h.hexdigest()


def _file_hashes(adapter_dir: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file (what :meth:`AdapterRegistry.load_path` re-checks)."""
    root = Path(adapter_dir)
    return {
        p.relative_to(root).as_posix(): store.sha256_file(p)
        for p in sorted(q for q in root.rglob("*") if q.is_file())
    }


class AdapterIntegrityError(ValueError):
    """A registered adapter's files are not the ones recorded at registration."""


class AdapterRegistry:
    """A folder holding ``registry.json`` and copies of the registered adapters.

    >>> reg = AdapterRegistry(labkit.env.cache_dir("registry"))          # doctest: +SKIP
    >>> e = reg.register("triage", "cache/adapters/triage", base_model="HuggingFaceTB/SmolLM2-135M-Instruct",
    ...                  base_revision="main", data_hash=h, params=asdict(cfg), metrics={"json_validity": 0.97})
    >>> reg.set_current("triage", e["version"], reason="gate: McNemar p=0.003, no forgetting")
    >>> reg.load_path("triage", "current")                               # -> folder for load_adapter

    Entries are plain dicts (deep copies: changing one does not change the registry).
    """

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.path = self.root / "registry.json"

    def __repr__(self) -> str:
        return f"AdapterRegistry({str(self.root)!r})"

    # -- reading ---------------------------------------------------------------------------

    def _read(self) -> dict:
        if not self.path.exists():
            return {"format": FORMAT, "models": {}}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise ValueError(f"{self.path} is not valid JSON ({e}); refusing to touch it") from e
        if not isinstance(data, dict) or data.get("format") != FORMAT or "models" not in data:
            raise ValueError(f"{self.path} is not a labkit registry (format {FORMAT})")
        return data

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Exclusive lock for a read-modify-write cycle (blocks until the other writer is done)."""
        with store.file_lock(self.root / ".registry.lock"):
            yield

    def _model(self, data: dict, name: str) -> dict:
        try:
            return data["models"][name]
        except KeyError:
            known = ", ".join(sorted(data["models"])) or "none"
            raise KeyError(f"no adapter named {name!r} in the registry (known: {known})") from None

    def _entry(self, data: dict, name: str, version) -> dict | None:
        model = self._model(data, name)
        if version is None:
            return model["versions"][-1]
        if version == "current":
            if model["current"] is None:
                return None
            version = model["current"]
        if isinstance(version, bool) or not isinstance(version, int):
            raise TypeError(f"version must be None, 'current' or an int, not {version!r}")
        for e in model["versions"]:
            if e["version"] == version:
                return e
        have = [e["version"] for e in model["versions"]]
        raise KeyError(f"{name!r} has no version {version} (versions: {have})")

    def get(self, name: str, version: None | int | str = None) -> dict:
        """One entry: ``version=None`` the latest, ``"current"`` the promoted one, or an int."""
        data = self._read()
        e = self._entry(data, name, version)
        if e is None:
            raise KeyError(f"{name!r} has no current version yet (call set_current)")
        return self._public(data, e)

    def list(self, name: str | None = None) -> list[dict]:
        """All entries (of one name, or of every name), ordered by name then version."""
        data = self._read()
        names = [name] if name is not None else sorted(data["models"])
        out = []
        for n in names:
            out += [self._public(data, e) for e in self._model(data, n)["versions"]]
        return out

    def current(self, name: str) -> dict | None:
        """The promoted entry, or None if nothing has been promoted (or the name is unknown)."""
        data = self._read()
        if name not in data["models"]:
            return None
        e = self._entry(data, name, "current")
        return None if e is None else self._public(data, e)

    def history(self, name: str) -> list[dict]:
        """Every move of the ``current`` pointer: {at, by, version, previous, reason}."""
        return copy.deepcopy(self._model(self._read(), name)["history"])

    def load_path(self, name: str, version: None | int | str = "current") -> Path:
        """Folder of the registered copy, ready for ``labkit.finetune.train.load_adapter``.

        Verified first: the folder must be where the entry says (inside the registry) and hash
        to the entry's ``adapter_sha256``; otherwise :class:`AdapterIntegrityError`.
        """
        e = self.get(name, version)
        label = f"adapter {name!r} version {e['version']}"
        fix = (
            f"register it again from its training folder (a new version), or serve another "
            f"version: registry.set_current({name!r}, <version>, reason=...)"
        )
        rel = Path(str(e.get("path", "")))
        if rel != Path("adapters") / name / f"v{e['version']}":
            raise AdapterIntegrityError(
                f"{label}: registry.json entry was edited (path {rel.as_posix()!r}); {fix}"
            )
        path = self.root / rel
        if not path.is_dir():
            raise FileNotFoundError(f"{label}: registered folder {path} is missing; {fix}")
        if hash_adapter_dir(path) != e.get("adapter_sha256"):
            raise AdapterIntegrityError(
                f"{label} at {path} does not match the sha256 recorded when it was registered "
                f"({_which_files(path, e.get('adapter_files'))}): a file was truncated, edited or "
                f"replaced. Do not serve it; {fix}"
            )
        return path

    def _public(self, data: dict, e: dict) -> dict:
        out = copy.deepcopy(e)
        out["current"] = data["models"][e["name"]]["current"] == e["version"]
        return out

    # -- writing ---------------------------------------------------------------------------

    def register(
        self,
        name: str,
        adapter_dir: str | Path,
        *,
        base_model: str,
        base_revision: str,
        data_hash: str,
        params: dict,
        metrics: dict,
        tags: dict | None = None,
        data_hashes: dict | None = None,
        redacted: bool | str = "unknown",
        canaries: bool | str = "unknown",
        data_access: str = "unknown",
    ) -> dict:
        """Record an adapter as the next version of ``name`` (1, 2, ...); returns its entry.

        Governance (notebook 08, issue 13 §5), stored under the entry's ``"governance"``:
        ``data_hashes`` {file or split name: sha256 hex} of every data file the adapter saw;
        ``redacted`` whether ``labkit.security.redact`` ran on that data; ``canaries`` whether
        canary secrets were planted in it; ``data_access`` the highest access level in it
        (public < customer < internal). Each defaults to "unknown" (``data_hashes``: {}); the
        promotion gate treats an unknown ``data_access`` as too high to serve below internal.

        If the same adapter content, base model, revision, data hash and params are already
        registered under ``name``, nothing is written: that entry comes back with a ``note``.
        Refuses a missing/empty folder, non-numeric or non-finite metrics, params that are not
        JSON, and a ``labkit_adapter.json`` that names another base model or data hash.
        """
        src, params = _check_registration(
            name, adapter_dir, base_model, base_revision, data_hash, params
        )
        metrics = _check_metrics(metrics)
        tags = _check_tags(tags)
        governance = _check_governance(data_hashes, redacted, canaries, data_access)
        _check_adapter_meta(src, base_model, data_hash)

        adapter_sha = hash_adapter_dir(src)
        fingerprint = hashlib.sha256(
            _canonical([adapter_sha, base_model, base_revision, data_hash, params]).encode("utf-8")
        ).hexdigest()

        with self._locked():
            data = self._read()
            model = data["models"].get(name, {"versions": [], "current": None, "history": []})
            for e in model["versions"]:
                if e["fingerprint"] == fingerprint:
                    out = self._public(data, e)
                    out["note"] = (
                        f"duplicate: identical adapter, base model, data and params are already "
                        f"version {e['version']} of {name!r}; nothing registered"
                    )
                    return out
            version = max((e["version"] for e in model["versions"]), default=0) + 1
            rel = Path("adapters") / name / f"v{version}"
            _copy_adapter(src, self.root / rel, adapter_sha)
            entry = {
                "name": name,
                "version": version,
                "created": _now(),
                "base_model": base_model,
                "base_revision": base_revision,
                "data_hash": data_hash,
                "params": params,
                "metrics": metrics,
                "tags": tags,
                "governance": governance,
                "adapter_sha256": adapter_sha,
                "adapter_files": _file_hashes(self.root / rel),  # to name a damaged file later
                "adapter_bytes": sum(p.stat().st_size for p in src.rglob("*") if p.is_file()),
                "source_dir": str(src.resolve()),
                "path": rel.as_posix(),
                "fingerprint": fingerprint,
            }
            model["versions"].append(entry)
            data["models"][name] = model
            store.atomic_write_json(self.path, data)
            return self._public(data, entry)

    def set_current(self, name: str, version: int, reason: str, by: str | None = None) -> dict:
        """Point ``current`` at ``version`` (promotion or rollback); returns the history record."""
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError("set_current needs a reason (e.g. the gate's decision in words)")
        with self._locked():
            data = self._read()
            e = self._entry(data, name, version)
            model = data["models"][name]
            record = {
                "at": _now(),
                "by": by or _user(),
                "version": e["version"],
                "previous": model["current"],
                "reason": reason.strip(),
            }
            model["current"] = e["version"]
            model["history"].append(record)
            store.atomic_write_json(self.path, data)
            return dict(record)


def _copy_adapter(src: Path, dest: Path, adapter_sha: str) -> None:
    """Copy the adapter folder atomically to ``dest``; refuse if it changed since it was hashed."""
    with store.atomic_dir(dest) as tmp:
        shutil.copytree(src, tmp, dirs_exist_ok=True)
        if hash_adapter_dir(tmp) != adapter_sha:  # the source changed under us
            raise ValueError(
                f"adapter folder {src} changed while it was being registered "
                "(is training still writing to it?); register it again when it is done"
            )


def _which_files(path: Path, recorded) -> str:
    """Which files differ from the per-file hashes recorded at registration (if recorded)."""
    if not isinstance(recorded, dict):
        return "no per-file hashes recorded for this entry"
    now = _file_hashes(path)
    changed = sorted(f for f in recorded.keys() & now.keys() if recorded[f] != now[f])
    missing, extra = sorted(recorded.keys() - now.keys()), sorted(now.keys() - recorded.keys())
    parts = [
        f"{w}: {', '.join(fs)}"
        for w, fs in (("changed", changed), ("missing", missing), ("added", extra))
        if fs
    ]
    return "; ".join(parts) or "files unchanged, entry edited"
