"""Experiment tracking with a real tool: the course's training runs, evaluations and registry
mirrored to MLflow (``mlflow-skinny`` with a local SQLite store; notebook 10).

The JSON registry (:class:`labkit.finetune.registry.AdapterRegistry`) stays the course's default:
readable, no server, no extra package. :class:`Tracker` mirrors what it holds into MLflow:

- :meth:`Tracker.log_training`: one MLflow run per trained adapter folder: its QLoRA config as
  parameters, final loss and throughput (and the loss curve, step by step) as metrics, the data
  hash and base model as tags, the adapter files as artifacts;
- :meth:`Tracker.log_metrics`: evaluation numbers added to that run (e.g. the promotion gate's);
- :meth:`Tracker.register`: a version of a registered model whose source is the run's adapter,
  with its lineage (the log rows it was mined from, its data hash) as tags;
- aliases ``@champion`` / ``@candidate``: :meth:`Tracker.set_alias`, and :meth:`Tracker.promote`
  / :meth:`Tracker.rollback`, which the canary step (:mod:`labkit.production.rollout`) calls.

Open the UI on the course's runs with ``mlflow ui --backend-store-uri sqlite:///<store>/mlflow.db``
(the full ``mlflow`` package; the skinny client used here has no UI server).
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["Tracker"]

_PARAMS = ("r", "alpha", "dropout", "lr", "max_steps", "batch_size", "max_len", "quant", "seed")


class Tracker:
    """An MLflow tracking + registry store in ``store_dir`` (``mlflow.db`` and ``artifacts/``),
    one experiment ``experiment``. Nothing global is changed: every call goes through this
    tracker's own client."""

    def __init__(self, store_dir: str | Path, experiment: str = "labkit-course"):
        try:
            from mlflow import MlflowClient
        except ImportError as e:  # pragma: no cover - the setup installs it
            raise ImportError(
                "MLflow tracking needs mlflow-skinny, sqlalchemy and alembic: run scripts/setup.sh "
                "(or pip install 'mlflow-skinny>=3.0' 'sqlalchemy>=2.0' 'alembic>=1.13')"
            ) from e
        self.store = Path(store_dir).resolve()
        self.store.mkdir(parents=True, exist_ok=True)
        self.uri = f"sqlite:///{self.store / 'mlflow.db'}"
        self.client = MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)
        exp = self.client.get_experiment_by_name(experiment)
        self.experiment_id = (
            exp.experiment_id
            if exp is not None
            else self.client.create_experiment(
                experiment, artifact_location=(self.store / "artifacts").as_uri()
            )
        )

    def log_training(self, adapter_dir: str | Path, run_name: str, tags: dict | None = None) -> str:
        """A finished run for the trained adapter in ``adapter_dir`` (a labkit adapter folder:
        ``labkit_adapter.json`` beside the PEFT files, or its parent); returns the run id."""
        from ..finetune.adapters import _adapter_folder

        folder = _adapter_folder(adapter_dir)
        meta = json.loads((folder / "labkit_adapter.json").read_text(encoding="utf-8"))
        cfg = meta.get("config", {})
        run = self.client.create_run(self.experiment_id, run_name=run_name)
        rid = run.info.run_id
        for k in _PARAMS:
            if k in cfg:
                self.client.log_param(rid, k, cfg[k])
        for k in ("final_loss", "train_seconds", "tokens_per_s", "steps"):
            if meta.get(k) is not None:
                self.client.log_metric(rid, k, float(meta[k]))
        for step, loss in meta.get("loss_history", []):
            self.client.log_metric(rid, "loss", float(loss), step=int(step))
        for k in ("data_sha256", "base_model"):
            if meta.get(k):
                self.client.set_tag(rid, k, str(meta[k]))
        for k, v in (tags or {}).items():
            self.client.set_tag(rid, k, str(v))
        self.client.log_artifacts(rid, str(folder), artifact_path="adapter")
        self.client.set_terminated(rid)
        return rid

    def log_metrics(self, run_id: str, metrics: dict[str, float], prefix: str = "eval.") -> None:
        """Evaluation numbers of the run's adapter (finite floats only; NaN = not measured is
        skipped, never logged as 0)."""
        for k, v in metrics.items():
            v = float(v)
            if v == v:
                self.client.log_metric(run_id, f"{prefix}{k}", v)

    def register(self, model: str, run_id: str, lineage: dict | None = None) -> int:
        """A new version of registered model ``model`` (created if missing) from the run's
        adapter artifacts; ``lineage`` (e.g. ``{"log_rows": "1-540", "data_sha256": ...}``)
        as version tags. Returns the version number."""
        from mlflow.exceptions import MlflowException

        try:
            self.client.get_registered_model(model)
        except MlflowException:
            self.client.create_registered_model(model)
        source = f"{self.client.get_run(run_id).info.artifact_uri}/adapter"
        tags = {k: str(v) for k, v in (lineage or {}).items()}
        mv = self.client.create_model_version(model, source=source, run_id=run_id, tags=tags)
        return int(mv.version)

    def set_alias(self, model: str, alias: str, version: int) -> None:
        self.client.set_registered_model_alias(model, alias, str(version))

    def alias_version(self, model: str, alias: str) -> int | None:
        """The version ``@alias`` points at, or None when the alias is not set."""
        from mlflow.exceptions import MlflowException

        try:
            return int(self.client.get_model_version_by_alias(model, alias).version)
        except MlflowException:
            return None

    def promote(self, model: str) -> int:
        """``@champion`` moves to the ``@candidate`` version; the candidate alias is removed.
        Returns the new champion's version."""
        v = self.alias_version(model, "candidate")
        if v is None:
            raise ValueError(f"{model} has no @candidate to promote")
        self.set_alias(model, "champion", v)
        self.client.delete_registered_model_alias(model, "candidate")
        return v

    def rollback(self, model: str) -> int | None:
        """The ``@candidate`` alias is removed; ``@champion`` stays where it was (returned)."""
        if self.alias_version(model, "candidate") is not None:
            self.client.delete_registered_model_alias(model, "candidate")
        return self.alias_version(model, "champion")
