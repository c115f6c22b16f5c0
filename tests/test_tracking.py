"""labkit.production.tracking: runs, metrics and the registry mirrored to MLflow (SQLite store)."""

import json

import pytest

pytest.importorskip("mlflow", reason="scripts/setup.sh installs mlflow-skinny")


def _adapter(tmp_path, name, loss):
    folder = tmp_path / name / "adapter"
    folder.mkdir(parents=True)
    (folder / "adapter_config.json").write_text("{}")
    (folder / "adapter_model.safetensors").write_bytes(b"weights " + name.encode())
    meta = {
        "config": {"r": 16, "lr": 0.002, "max_steps": 80, "batch_size": 4},
        "final_loss": loss,
        "train_seconds": 100.0,
        "steps": 80,
        "data_sha256": f"sha-{name}",
        "base_model": "HuggingFaceTB/SmolLM2-135M-Instruct",
        "loss_history": [[5, 3.0], [10, 2.0], [80, loss]],
    }
    (folder / "labkit_adapter.json").write_text(json.dumps(meta))
    return folder.parent


@pytest.mark.slow
def test_runs_versions_and_aliases_round_trip_through_a_temporary_store(tmp_path):
    from labkit.production.tracking import Tracker

    tr = Tracker(tmp_path / "mlflow")
    r1 = tr.log_training(_adapter(tmp_path, "v1", 0.4), "behaviour-v1")
    r2 = tr.log_training(_adapter(tmp_path, "v2", 0.3), "behaviour-v2", tags={"parent": r1})
    tr.log_metrics(r2, {"json_validity": 0.97, "tone": float("nan")})
    run = tr.client.get_run(r2)
    assert run.data.params["lr"] == "0.002" and run.data.metrics["final_loss"] == 0.3
    assert run.data.metrics["eval.json_validity"] == 0.97 and "eval.tone" not in run.data.metrics
    assert run.data.tags["data_sha256"] == "sha-v2" and run.data.tags["parent"] == r1
    assert [m.step for m in tr.client.get_metric_history(r2, "loss")] == [5, 10, 80]
    files = {f.path for f in tr.client.list_artifacts(r2, "adapter")}
    assert "adapter/adapter_model.safetensors" in files

    v1 = tr.register("ticket-assistant", r1, lineage={"data_sha256": "sha-v1"})
    v2 = tr.register("ticket-assistant", r2, lineage={"log_rows": "1-540"})
    assert (v1, v2) == (1, 2)
    assert tr.client.get_model_version("ticket-assistant", "2").tags["log_rows"] == "1-540"
    tr.set_alias("ticket-assistant", "champion", v1)
    tr.set_alias("ticket-assistant", "candidate", v2)
    assert tr.rollback("ticket-assistant") == v1
    assert tr.alias_version("ticket-assistant", "candidate") is None
    with pytest.raises(ValueError, match="no @candidate"):
        tr.promote("ticket-assistant")
    tr.set_alias("ticket-assistant", "candidate", v2)
    assert tr.promote("ticket-assistant") == v2
    assert tr.alias_version("ticket-assistant", "champion") == v2

    again = Tracker(tmp_path / "mlflow")  # a second process opening the same store sees it all
    assert again.experiment_id == tr.experiment_id
    assert again.alias_version("ticket-assistant", "champion") == v2
