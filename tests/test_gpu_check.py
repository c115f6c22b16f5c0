"""scripts/gpu_check.py: its plumbing runs end to end (on CPU here, a few steps and items)."""

import json
import subprocess
import sys

import pytest

from labkit.env import ROOT


def test_refuses_to_run_without_cuda_unless_asked():
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    r = subprocess.run(
        [sys.executable, "scripts/gpu_check.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "no CUDA device" in r.stdout


@pytest.mark.slow
def test_plumbing_on_cpu_writes_a_full_report(tmp_path):
    out = tmp_path / "report.json"
    r = subprocess.run(
        [
            sys.executable,
            "scripts/gpu_check.py",
            "--allow-cpu",
            "--steps",
            "2",
            "--tickets",
            "4",
            "--questions",
            "4",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    rep = json.loads(out.read_text())
    assert rep["train_steps"] == 2 and rep["seconds_per_step"] > 0
    assert rep["tickets"] == 4 and rep["rag_questions"] == 4
    assert rep["reader_seconds_per_step"] > 0
    for key in (
        "json_validity",
        "all_fields",
        "rag_answer_accuracy",
        "reader_answer_accuracy",
        "reader_strict_citation",
    ):
        assert rep[key].startswith("not measured (") and "/4, n < 10)" in rep[key], rep[key]
