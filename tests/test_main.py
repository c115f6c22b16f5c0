"""The main job fails fast and clearly on bad data, before loading any model."""

import shutil
import subprocess
import sys

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
