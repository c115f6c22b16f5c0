"""Retrieval-augmented generation, one module per stage (notebooks/01-03), and its command line.

Stages: ``chunk`` -> ``embed`` -> ``index`` (FAISS with a manifest) -> ``retrieve`` (dense, BM25,
hybrid) -> ``generate`` (grounded answers with citations); measured by ``metrics`` and
``evaluate``; documents come from ``documents`` (JSONL, Markdown folder, BEIR via ``beir``).
``python -m labkit.rag`` (``cli``, ``workspace``) runs them on a user's folder: see
docs/OWN_DOCUMENTS.md.

Read it as ``from labkit import rag`` then ``rag.retrieve.HybridRetriever``, or import the few
names below directly (``from labkit.rag import HybridRetriever``). Submodules load on first use,
so ``import labkit.rag`` stays cheap (no faiss or torch until a stage is used).
"""

import importlib

from .cli import main

_SUBMODULES = {"beir", "chunk", "cli", "documents", "embed", "evaluate", "generate", "index"}
_SUBMODULES |= {"engine", "metrics", "qdrant_store", "retrieve", "workspace"}
_NAMES = {
    "chunk_docs": "chunk",
    "build_index": "index",
    "load_or_build_index": "index",
    "HybridRetriever": "retrieve",
    "rag_answer": "generate",
    "load_documents": "documents",
}

__all__ = ["main", *_NAMES]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _NAMES:
        return getattr(importlib.import_module(f"{__name__}.{_NAMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
