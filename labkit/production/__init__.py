"""The production loop (notebook 10, in progress): serve, log, monitor, roll out.

``log`` (the SQLite interaction log, explicit schema migrations, transactional writes),
``monitor`` (monitoring as SQL over the log), ``rollout`` (canary routing by caller id and the
pre-declared promote / rollback rule). Submodules load on first use.
"""

import importlib

_SUBMODULES = {"log", "monitor", "rollout"}

__all__ = sorted(_SUBMODULES)


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
