"""The workshop pack (scripts/workshop_pack.py): the archive verifies, damage is named, an empty
cache is refused, and LABKIT_NO_TRAIN makes training refuse before any model loads."""

import importlib.util
import json
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location(
    "workshop_pack", ROOT / "scripts" / "workshop_pack.py"
)
wp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(wp)


def _cache(tmp_path: Path) -> Path:
    cache = tmp_path / "cache"
    (cache / "models" / "m").mkdir(parents=True)
    (cache / "models" / "m" / "config.json").write_text("{}")
    (cache / "adapters" / "a" / "adapter").mkdir(parents=True)
    (cache / "adapters" / "a" / "adapter" / "adapter_model.safetensors").write_bytes(b"\0" * 64)
    (cache / "adapters" / "a" / "checkpoints" / "checkpoint-10").mkdir(parents=True)
    (cache / "adapters" / "a" / "checkpoints" / "checkpoint-10" / "optimizer.pt").write_bytes(b"x")
    (cache / "evidence.json").write_text('{"k": 1}')
    return cache


@pytest.fixture
def built(tmp_path, monkeypatch):
    git = {"status": "", "rev-parse": "abc1234"}
    monkeypatch.setattr(wp, "_git", lambda *a: git[a[0]])  # the tree may be dirty while testing

    def tree(dest):  # the course's files as git archive would give them (CI may have no .git)
        for rel in ("README.md", "scripts/workshop_pack.py", "labkit/finetune/train.py"):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_bytes((ROOT / rel).read_bytes())

    monkeypatch.setattr(wp, "_repo_tree", tree)
    tar = wp.build(tmp_path / "dist", _cache(tmp_path), wheels=False)
    with tarfile.open(tar) as t:
        t.extractall(tmp_path / "x", filter="data")
    return tar, tmp_path / "x" / wp.PACK


def test_pack_holds_course_cache_installer_and_verifies(built):
    tar, pack = built
    assert tar.name == "labkit-workshop-abc1234.tar" and not list(tar.parent.glob("*.part"))
    manifest = json.loads((pack / "MANIFEST.json").read_text())
    assert manifest["commit"] == "abc1234" and manifest["wheels"] is False
    files = manifest["files"]
    assert "repo/labkit/finetune/train.py" in files and "repo/scripts/workshop_pack.py" in files
    assert "cache/adapters/a/adapter/adapter_model.safetensors" in files
    assert "cache/evidence.json" in files and "install.sh" in files
    assert not any("checkpoints" in p for p in files)  # resuming state is not shipped
    assert not any(p.startswith("repo/.labkit_cache") for p in files)
    assert wp.verify(pack) == []


def test_verify_names_every_damaged_file(built):
    _, pack = built
    (pack / "cache" / "evidence.json").write_text('{"k": 2}')
    (pack / "install.sh").unlink()
    (pack / "cache" / "stray.txt").write_text("?")
    assert wp.verify(pack) == [
        "missing: install.sh",
        "not in the manifest: cache/stray.txt",
        "changed (sha256 differs): cache/evidence.json",
    ]
    assert wp.main(["verify", str(pack)]) == 1


def test_build_refuses_a_cache_without_adapters(tmp_path):
    cache = tmp_path / "cache"
    (cache / "models").mkdir(parents=True)
    with pytest.raises(SystemExit, match="make test"):
        wp.build(tmp_path / "dist", cache, wheels=False)
    assert not (tmp_path / "dist").exists()


def test_no_train_refuses_before_loading_a_model(tmp_path, monkeypatch):
    from labkit.finetune.train import QLoRAConfig, train_adapter

    monkeypatch.setenv("LABKIT_NO_TRAIN", "1")
    with pytest.raises(RuntimeError, match="LABKIT_NO_TRAIN is set, so the adapter 'facts-v9'"):
        train_adapter([], QLoRAConfig(), tmp_path / "facts-v9")
    assert not (tmp_path / "facts-v9").exists()  # nothing written, no checkpoint folder
