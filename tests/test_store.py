"""Atomic writes (labkit.store): all or nothing, and ordinary permissions."""

import os

import pytest

from labkit.store import atomic_dir, atomic_write_json


def test_atomic_dir_swaps_in_whole_and_keeps_old_on_error(tmp_path):
    target = tmp_path / "adapter"
    with atomic_dir(target) as tmp:
        (tmp / "a.txt").write_text("v1")
    assert (target / "a.txt").read_text() == "v1"
    with pytest.raises(RuntimeError), atomic_dir(target) as tmp:
        (tmp / "a.txt").write_text("half")
        raise RuntimeError("crash mid-write")
    assert (target / "a.txt").read_text() == "v1"
    assert [p.name for p in tmp_path.iterdir()] == ["adapter"]  # no temporary left behind


def test_atomic_dir_gets_ordinary_permissions_not_mkdtemp_0700(tmp_path):
    umask = os.umask(0o022)
    try:
        with atomic_dir(tmp_path / "index") as tmp:
            atomic_write_json(tmp / "m.json", {"ok": True})
    finally:
        os.umask(umask)
    assert (tmp_path / "index").stat().st_mode & 0o777 == 0o755


def test_racing_writers_of_one_folder_all_finish_whole(tmp_path):
    import threading

    target, errors = tmp_path / "model", []

    def write(w):
        try:
            for i in range(30):
                with atomic_dir(target) as tmp:
                    for name in ("a", "b"):
                        (tmp / name).write_text(f"{w}-{i}")
        except Exception as e:  # pragma: no cover - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=write, args=(w,)) for w in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert (target / "a").read_text() == (target / "b").read_text()  # one writer's folder, whole
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_leftovers_of_killed_writes_are_removed_when_old(tmp_path):
    import time

    old, young = tmp_path / ".tmp-model-old", tmp_path / ".old-model-young"
    old.mkdir(), young.mkdir()
    os.utime(old, (time.time() - 3600,) * 2)
    (tmp_path / ".tmp-other-x").mkdir()  # another target's: not ours to remove
    os.utime(tmp_path / ".tmp-other-x", (time.time() - 3600,) * 2)
    with atomic_dir(tmp_path / "model") as tmp:
        (tmp / "a").write_text("1")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".old-model-young",
        ".tmp-other-x",
        "model",
    ]
