"""Evidence store (labkit.decide.evidence): only real numbers are recorded, and concurrent recorders
never lose each other's values (the read-modify-write holds a file lock)."""

import json
import threading

import numpy as np
import pytest

from labkit.decide import evidence


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LABKIT_CACHE", str(tmp_path))


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (True, TypeError, r"must be a number, got True \(bool\)"),
        (np.bool_(False), TypeError, "must be a number"),
        ("0.5", TypeError, r"must be a number, got '0.5' \(str\)"),
        (None, TypeError, "must be a number"),
        (float("nan"), ValueError, "finite"),
        (float("inf"), ValueError, "finite"),
    ],
    ids=["bool", "numpy-bool", "str", "none", "nan", "inf"],
)
def test_non_numbers_are_refused_and_nothing_is_written(value, error, match):
    evidence.record({"rag.latency_s": 0.5}, source="first")
    with pytest.raises(error, match=match):
        evidence.record({"base.latency_s": 1.0, "rag.json_validity": value}, source="bad")
    ev = evidence.load(use_snapshot=False)
    assert set(ev) == {"rag.latency_s"}  # the good key of the refused call was not written


def test_unknown_key_is_refused():
    with pytest.raises(KeyError, match="unknown evidence keys"):
        evidence.record({"rag.latency": 1.0}, source="typo")


def test_numpy_and_int_values_are_stored_as_floats():
    evidence.record({"rag.latency_s": np.float32(0.25), "train.seconds": 300}, source="nb")
    ev = evidence.load(use_snapshot=False)
    assert ev["rag.latency_s"] == {"value": 0.25, "source": "nb"}
    assert isinstance(ev["train.seconds"]["value"], float)


def test_concurrent_recorders_lose_nothing():
    keys = sorted(evidence.KEYS)
    errors = []

    def work(part):
        try:
            for k in part:
                evidence.record({k: 1.0}, source="thread")
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(keys[i::3],)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert set(evidence.load(use_snapshot=False)) == set(keys)


def test_not_measured_replaces_an_older_value(tmp_path, monkeypatch):
    monkeypatch.setenv("LABKIT_CACHE", str(tmp_path))
    monkeypatch.setattr(evidence, "snapshot_path", lambda: tmp_path / "snapshot.json")
    (tmp_path / "snapshot.json").write_text(
        json.dumps({"rag.tone_adherence": {"value": 1.0, "source": "old run, 1 valid reply"}})
    )
    assert evidence.value("rag.tone_adherence") == 1.0
    evidence.record({"rag.json_validity": 0.03}, source="nb06", not_measured=["rag.tone_adherence"])
    ev = evidence.load()
    assert ev["rag.tone_adherence"] == {"value": None, "source": "nb06"}
    assert evidence.value("rag.tone_adherence", default=-1.0) == -1.0
    with pytest.raises(ValueError, match="both"):
        evidence.record({"rag.json_validity": 0.1}, "x", not_measured=["rag.json_validity"])
    with pytest.raises(KeyError):
        evidence.record({}, "x", not_measured=["rag.tone"])
