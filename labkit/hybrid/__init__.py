"""Hybrid assembly and knowledge updates (notebooks/06-07).

``assembly`` (the four systems: base, RAG only, fine-tuned only, hybrid; their prompts),
``scores`` (their knowledge and behaviour scores, re-exported by ``assembly``), ``course``
(the course's shared cached index and adapters), ``update`` (knowledge updates: re-indexing
versus retraining). Notebooks read ``from labkit.hybrid import assembly as
hybrid`` and then ``hybrid.answer_tickets(...)``. Submodules load on first use.
"""

import importlib

_SUBMODULES = {"assembly", "course", "reading", "scores", "update"}
_NAMES = {"SYSTEMS": "assembly", "answer_tickets": "assembly"}

__all__ = list(_NAMES)


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _NAMES:
        return getattr(importlib.import_module(f"{__name__}.{_NAMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
