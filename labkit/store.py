"""Atomic writes for files and folders (indexes, adapters, registries, datasets).

A write either lands whole or not at all: we write next to the target, fsync, then
``os.replace`` (atomic on POSIX and Windows when source and target share a filesystem).
A crash half-way leaves the previous version in place and, at worst, a ``.tmp-*`` sibling
(:func:`remove_orphans` clears those). :func:`file_lock` serialises read-modify-write cycles
between processes (index saves, the evidence store, the adapter registry).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:  # POSIX only: on other systems file_lock does not lock (use one process at a time there)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_write_json",
    "atomic_write_jsonl",
    "atomic_dir",
    "file_lock",
    "remove_orphans",
    "sha256_bytes",
    "sha256_text",
    "sha256_file",
]


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".tmp-{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | Path, obj) -> Path:
    return atomic_write_text(
        path, json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )


def atomic_write_jsonl(path: str | Path, records) -> Path:
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records]
    return atomic_write_text(path, "\n".join(lines) + ("\n" if lines else ""))


@contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """Build a folder in a temporary sibling, then swap it in place of ``path``.

    >>> with atomic_dir("cache/index") as tmp:   # doctest: +SKIP
    ...     (tmp / "vectors.npy").write_bytes(...)

    If the block raises, the old folder is untouched and the temporary one removed.
    The swap is two renames (old -> backup, new -> path); the backup is deleted after. Two
    writers racing for one ``path`` both finish (the last swap wins; no crash), and leftovers
    of killed writes (``.tmp-<name>-*``, ``.old-<name>-*``) older than 10 minutes are removed.
    Readers may find ``path`` missing for the instant between the renames: for a folder that is
    read while it is rewritten, use a pointer file instead (as ``labkit.rag.index`` does).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_orphans(path.parent, (f".tmp-{path.name}-", f".old-{path.name}-"), older_than_s=600)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{path.name}-", dir=path.parent))
    tmp.chmod(0o755)  # mkdtemp makes 0700; the finished folder gets ordinary permissions
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for _ in range(20):  # retried only when another writer swaps in between our two renames
        backup = path.with_name(f".old-{path.name}-{os.getpid()}-{os.urandom(4).hex()}")
        try:
            if path.exists():
                os.replace(path, backup)
            os.replace(tmp, path)
            break
        except FileNotFoundError:  # the other writer moved ``path`` first
            continue
        except OSError as e:  # another writer's ``path`` reappeared in between: swap again
            if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
        finally:
            shutil.rmtree(backup, ignore_errors=True)
    else:  # pragma: no cover - 20 lost races in a row
        shutil.rmtree(tmp, ignore_errors=True)
        raise OSError(f"could not swap {path} into place: other writers kept replacing it")


@contextmanager
def file_lock(path: str | Path) -> Iterator[Path]:
    """Hold an exclusive lock on the file ``path`` (created if missing) for the ``with`` block.

    Blocks until any other holder (another process, or another thread that opened the file
    itself) lets go; the operating system releases it if the holder dies, so a killed writer
    never leaves the lock stuck. POSIX ``flock``; a no-op where ``fcntl`` is missing.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as f:
        if fcntl is None:  # pragma: no cover
            yield path
            return
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield path
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def remove_orphans(
    folder: str | Path, prefixes: tuple[str, ...] = (".tmp-",), older_than_s: float = 0.0
) -> list[str]:
    """Delete leftovers of killed writes in ``folder`` (names starting with ``prefixes``).

    Call it while holding the lock the writers take, so nothing deleted is still being
    written; ``older_than_s`` (seconds since last change) spares young entries where no such
    lock covers them. Returns the names removed.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    now, gone = time.time(), []
    for p in folder.iterdir():
        if not p.name.startswith(prefixes):
            continue
        try:
            if now - p.lstat().st_mtime < older_than_s:
                continue
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
        except FileNotFoundError:  # another cleaner got there first
            continue
        gone.append(p.name)
    return sorted(gone)


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of raw bytes (per-file checksums in index manifests)."""
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    """Hex sha256 of a UTF-8 string (document hashes in manifests, data hashes in registries)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()
