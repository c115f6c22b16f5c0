"""Adapter registry on small fake adapter folders (no model needed): versions, promotion
history, duplicates, refusals, and atomicity under a simulated crash."""

import json
import os
import threading

import pytest

import labkit.store
from labkit.finetune.registry import AdapterIntegrityError, AdapterRegistry, hash_adapter_dir

BASE = "HuggingFaceTB/SmolLM2-135M-Instruct"


def fake_adapter(path, seed=0, meta=None):
    """A folder shaped like a PEFT adapter saved by labkit.finetune.train (bytes are fake)."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "adapter_config.json").write_text(json.dumps({"r": 8, "lora_alpha": 16}))
    (path / "adapter_model.safetensors").write_bytes(bytes([seed % 256]) * 4096)
    (path / "labkit_adapter.json").write_text(
        json.dumps(meta or {"base_model": BASE, "data_hash": "d1"})
    )
    return path


def reg_args(**over):
    kw = dict(
        base_model=BASE,
        base_revision="main",
        data_hash="d1",
        params={"r": 8, "lr": 2e-4},
        metrics={"json_validity": 0.97, "steps": 200},
    )
    kw.update(over)
    return kw


@pytest.fixture
def reg(tmp_path):
    return AdapterRegistry(tmp_path / "registry")


def test_register_increments_versions_and_copies(reg, tmp_path):
    e1 = reg.register(
        "triage", fake_adapter(tmp_path / "a1", 1), **reg_args(tags={"notebook": "04"})
    )
    e2 = reg.register(
        "triage", fake_adapter(tmp_path / "a2", 2), **reg_args(metrics={"json_validity": 0.99})
    )
    other = reg.register("facts", fake_adapter(tmp_path / "a3", 3), **reg_args())
    assert (e1["version"], e2["version"], other["version"]) == (1, 2, 1)
    assert e1["base_model"] == BASE and e1["base_revision"] == "main" and e1["data_hash"] == "d1"
    assert e1["params"] == {"r": 8, "lr": 2e-4} and e1["metrics"]["steps"] == 200
    assert e1["tags"] == {"notebook": "04"} and e2["tags"] == {}
    assert e1["created"].endswith("Z") and e1["current"] is False
    assert e1["adapter_sha256"] == hash_adapter_dir(tmp_path / "a1") != e2["adapter_sha256"]
    # a copy, not a reference: retraining into the same folder does not change version 1
    (tmp_path / "a1" / "adapter_model.safetensors").write_bytes(b"retrained")
    p1 = reg.load_path("triage", 1)
    assert (p1 / "adapter_model.safetensors").read_bytes() == bytes([1]) * 4096
    assert hash_adapter_dir(p1) == e1["adapter_sha256"]
    # plain, printable JSON on disk
    data = json.loads(reg.path.read_text())
    assert [e["version"] for e in data["models"]["triage"]["versions"]] == [1, 2]


def test_get_list_current_and_history(reg, tmp_path):
    for i in (1, 2, 3):
        reg.register("triage", fake_adapter(tmp_path / f"a{i}", i), **reg_args())
    reg.register("facts", fake_adapter(tmp_path / "f", 9), **reg_args())
    assert reg.get("triage")["version"] == 3  # latest
    assert reg.get("triage", 2)["version"] == 2
    assert [(e["name"], e["version"]) for e in reg.list()] == [
        ("facts", 1),
        ("triage", 1),
        ("triage", 2),
        ("triage", 3),
    ]
    assert [e["version"] for e in reg.list("triage")] == [1, 2, 3]
    assert reg.current("triage") is None and reg.current("nope") is None
    with pytest.raises(KeyError, match="no current version"):
        reg.get("triage", "current")

    h1 = reg.set_current("triage", 2, reason="gate: p=0.003", by="ana")
    assert (h1["version"], h1["previous"], h1["by"]) == (2, None, "ana")
    reg.set_current("triage", 3, reason="gate: p=0.01")
    reg.set_current("triage", 2, reason="rollback: canary complaints")
    cur = reg.current("triage")
    assert cur["version"] == 2 and cur["current"] is True
    assert reg.get("triage", "current")["version"] == 2
    assert reg.load_path("triage", "current") == reg.root / "adapters" / "triage" / "v2"
    hist = reg.history("triage")
    assert [(r["version"], r["previous"]) for r in hist] == [(2, None), (3, 2), (2, 3)]
    assert hist[2]["reason"] == "rollback: canary complaints" and hist[0]["at"].endswith("Z")
    assert [e["current"] for e in reg.list("triage")] == [False, True, False]

    with pytest.raises(KeyError, match="no version 7"):
        reg.set_current("triage", 7, reason="x")
    with pytest.raises(ValueError, match="reason"):
        reg.set_current("triage", 1, reason=" ")
    with pytest.raises(KeyError, match="no adapter named 'nope'"):
        reg.get("nope")
    # entries are copies: editing one does not edit the registry
    cur["metrics"]["json_validity"] = 0.0
    assert reg.get("triage", 2)["metrics"]["json_validity"] == 0.97


def test_duplicate_registration_returns_existing_version(reg, tmp_path):
    a = fake_adapter(tmp_path / "a", 1)
    e1 = reg.register("triage", a, **reg_args())
    before = reg.path.read_bytes()
    dup = reg.register("triage", a, **reg_args(metrics={"json_validity": 0.5}, tags={"x": "y"}))
    assert dup["version"] == 1 and "duplicate" in dup["note"] and "version 1" in dup["note"]
    assert reg.path.read_bytes() == before and len(reg.list("triage")) == 1
    # a copy of the same folder elsewhere is the same adapter too
    dup2 = reg.register("triage", fake_adapter(tmp_path / "copy", 1), **reg_args())
    assert dup2["version"] == 1
    # other data or other params -> a new version
    assert reg.register("triage", a, **reg_args(params={"r": 16, "lr": 2e-4}))["version"] == 2
    meta = {"base_model": BASE, "data_hash": "d2"}
    b = fake_adapter(tmp_path / "b", 1, meta=meta)
    assert reg.register("triage", b, **reg_args(data_hash="d2"))["version"] == 3
    assert "note" not in e1


def test_corrupt_input_is_refused(reg, tmp_path):
    a = fake_adapter(tmp_path / "a", 1)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        reg.register("triage", tmp_path / "missing", **reg_args())
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no files"):
        reg.register("triage", tmp_path / "empty", **reg_args())
    with pytest.raises(TypeError, match="metric 'acc' must be a number"):
        reg.register("triage", a, **reg_args(metrics={"acc": "0.9"}))
    with pytest.raises(TypeError, match="must be a number"):
        reg.register("triage", a, **reg_args(metrics={"ok": True}))
    with pytest.raises(ValueError, match="not finite"):
        reg.register("triage", a, **reg_args(metrics={"loss": float("nan")}))
    with pytest.raises(ValueError, match="base_model"):
        reg.register("triage", a, **reg_args(base_model=""))
    with pytest.raises(ValueError, match="name"):
        reg.register("../evil", a, **reg_args())
    with pytest.raises(TypeError, match="JSON"):
        reg.register("triage", a, **reg_args(params={"fn": print}))
    with pytest.raises(
        ValueError, match="says data_hash='d1'"
    ):  # metadata written by train disagrees
        reg.register("triage", a, **reg_args(data_hash="other"))
    assert not reg.path.exists()  # nothing was written


def test_crash_mid_write_leaves_registry_unchanged(reg, tmp_path, monkeypatch):
    reg.register("triage", fake_adapter(tmp_path / "a1", 1), **reg_args())
    before = reg.path.read_bytes()
    real_fdopen = os.fdopen

    class HalfWriter:  # writes half of what it is given, then "the disk fills up"
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, data):
            self.f.write(data[: len(data) // 2])
            self.f.flush()
            raise OSError("simulated crash: disk full")

    monkeypatch.setattr(
        labkit.store.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode))
    )
    with pytest.raises(OSError, match="simulated crash"):
        reg.register("triage", fake_adapter(tmp_path / "a2", 2), **reg_args())
    monkeypatch.undo()
    assert reg.path.read_bytes() == before
    assert [e["version"] for e in AdapterRegistry(reg.root).list("triage")] == [1]
    assert not [p for p in reg.root.iterdir() if p.name.startswith(".tmp-")]

    def crash(*a, **k):
        raise OSError("simulated crash before commit")

    monkeypatch.setattr(labkit.store.os, "fsync", crash)
    with pytest.raises(OSError, match="before commit"):
        reg.set_current("triage", 1, reason="x")
    monkeypatch.undo()
    assert reg.path.read_bytes() == before and reg.current("triage") is None

    # after the crash the registry carries on; the orphan copy of v2 is overwritten
    e2 = reg.register("triage", fake_adapter(tmp_path / "a3", 3), **reg_args())
    assert e2["version"] == 2
    assert (reg.load_path("triage", 2) / "adapter_model.safetensors").read_bytes() == bytes(
        [3]
    ) * 4096


def test_corrupt_registry_file_is_not_overwritten(reg, tmp_path):
    reg.root.mkdir(parents=True)
    reg.path.write_text('{"format": 1, "models": {')  # truncated by hand
    with pytest.raises(ValueError, match="not valid JSON"):
        reg.register("triage", fake_adapter(tmp_path / "a", 1), **reg_args())
    assert reg.path.read_text() == '{"format": 1, "models": {'


def test_concurrent_writers_do_not_interleave(reg, tmp_path):
    folders = [fake_adapter(tmp_path / f"a{i}", i) for i in range(8)]
    errors = []

    def work(fs):
        try:
            for f in fs:
                reg.register("triage", f, **reg_args())
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(folders[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    entries = reg.list("triage")
    assert sorted(e["version"] for e in entries) == list(range(1, 9))
    assert len({e["adapter_sha256"] for e in entries}) == 8


def _registered(reg, tmp_path, name="triage"):
    reg.register(name, fake_adapter(tmp_path / "a1", 1), **reg_args())
    return reg.load_path(name, 1)  # verified and fine before any damage


def test_truncated_adapter_file_is_not_served(reg, tmp_path):
    path = _registered(reg, tmp_path)
    f = path / "adapter_model.safetensors"
    f.write_bytes(f.read_bytes()[:100])
    with pytest.raises(AdapterIntegrityError) as e:
        reg.load_path("triage", 1)
    msg = str(e.value)
    assert "adapter 'triage' version 1" in msg and "changed: adapter_model.safetensors" in msg
    assert "register it again" in msg and "set_current" in msg


def test_edited_adapter_metadata_is_not_served(reg, tmp_path):
    path = _registered(reg, tmp_path)
    meta = json.loads((path / "labkit_adapter.json").read_text())
    (path / "labkit_adapter.json").write_text(json.dumps(meta | {"base_model": "other/model"}))
    with pytest.raises(AdapterIntegrityError, match="changed: labkit_adapter.json"):
        reg.load_path("triage", 1)


def test_missing_or_added_adapter_file_is_not_served(reg, tmp_path):
    path = _registered(reg, tmp_path)
    (path / "adapter_config.json").unlink()
    (path / "extra.bin").write_bytes(b"?")
    with pytest.raises(
        AdapterIntegrityError, match="missing: adapter_config.json; added: extra.bin"
    ):
        reg.load_path("triage", 1)


def test_edited_registry_entry_is_not_served(reg, tmp_path):
    _registered(reg, tmp_path)
    data = json.loads(reg.path.read_text())
    data["models"]["triage"]["versions"][0]["path"] = "../../elsewhere"
    reg.path.write_text(json.dumps(data))
    with pytest.raises(AdapterIntegrityError, match="registry.json entry was edited"):
        reg.load_path("triage", 1)
    data["models"]["triage"]["versions"][0]["path"] = "adapters/triage/v1"
    data["models"]["triage"]["versions"][0]["adapter_sha256"] = "0" * 64
    reg.path.write_text(json.dumps(data))
    with pytest.raises(AdapterIntegrityError, match="files unchanged, entry edited"):
        reg.load_path("triage", 1)


def test_two_processes_registering_at_once_lose_nothing(tmp_path):
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    folders = [fake_adapter(tmp_path / f"a{i}", i) for i in range(6)]
    procs = [
        ctx.Process(target=_register_all, args=(tmp_path / "registry", folders[i::2]))
        for i in range(2)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    entries = AdapterRegistry(tmp_path / "registry").list("triage")
    assert sorted(e["version"] for e in entries) == list(range(1, 7))


def _register_all(root, folders):
    reg = AdapterRegistry(root)
    for f in folders:
        reg.register("triage", f, **reg_args())


# -- governance record (notebook 08, issue 13 §5) ----------------------------------------------


def test_register_records_governance_and_defaults_to_unknown(reg, tmp_path):
    old_style = reg.register("triage", fake_adapter(tmp_path / "a1", 1), **reg_args())
    assert old_style["governance"] == {
        "data_hashes": {},
        "redacted": "unknown",
        "canaries": "unknown",
        "data_access": "unknown",
    }
    h = "ab" * 32
    e = reg.register(
        "triage",
        fake_adapter(tmp_path / "a2", 2),
        **reg_args(),
        data_hashes={"behaviour_train": h},
        redacted=True,
        canaries=False,
        data_access="customer",
    )
    assert e["governance"] == {
        "data_hashes": {"behaviour_train": h},
        "redacted": True,
        "canaries": False,
        "data_access": "customer",
    }
    assert reg.get("triage", 2)["governance"]["data_access"] == "customer"  # persisted


@pytest.mark.parametrize(
    "bad",
    [
        {"data_access": "secret"},
        {"data_access": None},
        {"redacted": "yes"},
        {"canaries": 1},
        {"data_hashes": {"train": "not-a-hash"}},
        {"data_hashes": ["ab" * 32]},
    ],
)
def test_register_refuses_bad_governance_fields(reg, tmp_path, bad):
    with pytest.raises(ValueError):
        reg.register("triage", fake_adapter(tmp_path / "a", 1), **reg_args(), **bad)
    assert not reg.path.exists()  # refused before anything was written
