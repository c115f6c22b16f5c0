"""Choosing an approach from measured evidence (notebook 09).

``evidence`` (numbers measured and recorded by notebooks 01-07), ``factors`` (the approaches and
the nine factors' levels), ``matrix`` (scores and reasons; ``sentences`` quotes the evidence in
them), ``cost`` (the cost model), ``ui`` (the widgets). ``matrix`` re-exports the names of
``factors`` and ``cost`` that notebooks use. Notebooks
read ``from labkit.decide import matrix as decide`` and then ``decide.recommend(...)``.
Submodules load on first use.
"""

import importlib

_SUBMODULES = {"cost", "evidence", "factors", "matrix", "sentences", "ui"}
_NAMES = {"DecisionFactors": "matrix", "recommend": "matrix"}

__all__ = list(_NAMES)


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _NAMES:
        return getattr(importlib.import_module(f"{__name__}.{_NAMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
