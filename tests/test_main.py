"""The main job fails fast and clearly on bad data, before loading any model."""

import shutil
import subprocess
import sys

import pytest

from labkit.env import DATA_DIR, ROOT
from labkit.main import main


def test_missing_data_dir_is_a_clear_error(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path / "nope"), "--out", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert "data folder not found" in err and "nope" in err
    assert not (tmp_path / "runs").exists()


def test_malformed_data_names_file_and_line(tmp_path, capsys):
    data = tmp_path / "datasets"
    shutil.copytree(DATA_DIR, data)
    path = data / "helpcenter" / "v1" / "articles.jsonl"
    lines = path.read_text().splitlines()
    lines[4] = lines[4][:-10]  # truncate line 5
    path.write_text("\n".join(lines) + "\n")
    assert main(["--data-dir", str(data), "--out", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert "articles.jsonl:5:" in err and "not valid JSON" in err


def test_cli_entry_point_reports_errors_without_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "labkit.main", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "file not found" in proc.stderr


def test_missing_ticket_file_stops_before_any_model_loads(tmp_path, capsys):
    data = tmp_path / "datasets"
    shutil.copytree(DATA_DIR, data)
    (data / "tickets" / "tickets.jsonl").unlink()
    assert main(["--data-dir", str(data), "--out", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert "tickets.jsonl" in err and "not found" in err
    assert not (tmp_path / "runs").exists()


def test_step_cache_reuses_only_identical_inputs(tmp_path, monkeypatch):
    from labkit import main as job

    monkeypatch.setenv("LABKIT_CACHE", str(tmp_path))
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    assert job._cached("step", {"a": 1}, compute) == {"n": 1}
    assert job._cached("step", {"a": 1}, compute) == {"n": 1}  # reused, not recomputed
    assert job._cached("step", {"a": 2}, compute) == {"n": 2}  # another input: recomputed
    assert len(calls) == 2


# --- issue 12, section 3: bad data never crashes the job, and --data-dir is read by every step


def _copy_data(tmp_path):
    data = tmp_path / "datasets"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("*.py", "*.md"))
    return data


def _no_models(monkeypatch):
    """Make any model load fail the test: the job must stop before it."""
    import labkit.models

    def refuse(*a, **k):
        raise AssertionError("a model was loaded before the data error stopped the job")

    for name in ("load_embedder", "load_generator", "describe_models"):
        monkeypatch.setattr(labkit.models, name, refuse)


def test_non_utf8_data_is_a_clear_error_not_a_traceback(tmp_path, capsys, monkeypatch):
    data = _copy_data(tmp_path)
    path = data / "questions" / "questions.jsonl"
    raw = path.read_bytes().splitlines(keepends=True)
    raw[6] = b"\xff\xfe" + raw[6]
    path.write_bytes(b"".join(raw))
    _no_models(monkeypatch)
    assert main(["--data-dir", str(data), "--out", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert "questions.jsonl:7: not UTF-8 text" in err


def test_empty_training_file_stops_before_any_model_loads(tmp_path, capsys, monkeypatch):
    data = _copy_data(tmp_path)
    (data / "tickets" / "behaviour_train.jsonl").write_text("")
    _no_models(monkeypatch)
    assert main(["--data-dir", str(data), "--out", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert "behaviour_train.jsonl: no records" in err
    assert not (tmp_path / "runs").exists()


def test_training_step_reads_the_given_data_dir(tmp_path, monkeypatch):
    """Everything before training is faked (no models); the adapter must get --data-dir."""
    import labkit.hybrid.course
    import labkit.models
    import labkit.rag.evaluate
    import labkit.rag.index

    class FakeIndex:
        chunks = [{"chunk_id": "c0", "doc_id": "d0", "title": "t", "text": "refund policy"}]

    seen = {}

    class Stop(Exception):
        pass

    def fake_adapter(profile=None, progress=True, retrieve=None, data_dir=None):
        seen["data_dir"] = data_dir
        raise Stop

    monkeypatch.setattr(labkit.models, "describe_models", lambda prof: [])
    monkeypatch.setattr(labkit.models, "load_embedder", lambda prof: object())
    monkeypatch.setattr(
        labkit.rag.index, "load_or_build_index", lambda *a, **k: (FakeIndex(), True)
    )
    monkeypatch.setattr(labkit.rag.evaluate, "retrieval_table", lambda *a, **k: {})
    monkeypatch.setattr(labkit.hybrid.course, "behaviour_adapter", fake_adapter)
    data = _copy_data(tmp_path)
    with pytest.raises(Stop):
        main(["--data-dir", str(data), "--out", str(tmp_path / "runs")])
    assert seen["data_dir"] == str(data)


def test_behaviour_adapter_trains_on_its_data_dir_and_keeps_the_course_cache_key(
    tmp_path, monkeypatch
):
    from labkit.env import Profile
    from labkit.finetune.train import data_sha256
    from labkit.hybrid import course

    cpu = Profile("cpu-offline", "cpu", hub=False, threads=1, bf16=False, seed=0)
    calls = []
    monkeypatch.setattr(course, "_trained", lambda name, recs, *a: calls.append((name, recs)))
    data = _copy_data(tmp_path)
    path = data / "tickets" / "behaviour_train.jsonl"
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:7]))  # 7 records

    course.behaviour_adapter(cpu)  # the course's data: the cache name notebooks share
    course.behaviour_adapter(cpu, data_dir=DATA_DIR)  # the same folder named explicitly
    course.behaviour_adapter(cpu, data_dir=data)
    (name0, recs0), (name1, recs1), (name2, recs2) = calls
    assert name0 == name1 == "behaviour" and recs0 == recs1
    assert len(recs0) > 7 and len(recs2) == 7
    assert name2 == f"behaviour-{data_sha256(recs2)[:12]}"


def test_trained_refuses_no_records_before_loading_anything():
    from labkit.data import DataError
    from labkit.env import Profile
    from labkit.hybrid import course

    cpu = Profile("cpu-offline", "cpu", hub=False, threads=1, bf16=False, seed=0)
    with pytest.raises(DataError, match="no training records"):
        course._trained("behaviour", [], course.BEHAVIOUR_CFG, cpu, False)
