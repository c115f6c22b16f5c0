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
