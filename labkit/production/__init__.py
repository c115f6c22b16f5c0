"""The production loop (notebook 10): serve, log, monitor, roll out.

``traffic`` (simulated requests from the dev side of the data, and the written-down user
feedback model), ``serve`` (answer a batch with one adapter version and log every
interaction, caller included), ``log`` (the SQLite interaction log: explicit schema migrations, transactional
writes), ``monitor`` (monitoring as SQL over the log), ``mining`` (hard cases -> gold training
records, validated), ``rollout`` (canary routing by caller id and the pre-declared promote /
rollback rule), ``tracking`` (training runs, evaluations and the registry mirrored to MLflow,
with ``@champion`` / ``@candidate`` aliases), ``week`` (a simulated week served and summarised in one
call: the production section of ``make demo``). Submodules load on first use.
"""

import importlib

_SUBMODULES = {"log", "mining", "monitor", "rollout", "serve", "tracking", "traffic", "week"}

__all__ = sorted(_SUBMODULES)


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
