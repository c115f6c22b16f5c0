"""Which vector engine serves dense retrieval: FAISS (the default) or Qdrant, chosen by ONE setting.

    LABKIT_VECTOR_ENGINE=faiss            # default: the in-process FAISS index (notebooks 01-03)
    LABKIT_VECTOR_ENGINE=qdrant           # Qdrant local mode, in memory (copied from the index)
    LABKIT_QDRANT_PATH=/data/qdrant       #   ... local mode kept in a folder, or
    LABKIT_QDRANT_URL=http://host:6333    #   ... a Qdrant server or cluster (docker run -p 6333:6333 qdrant/qdrant)

:func:`dense_retriever` is the one place the course's code asks for a dense retriever over a
:class:`labkit.rag.index.VectorIndex` (``labkit.hybrid.course``, ``labkit.main``, the
own-documents CLI): with the default it returns exactly the :class:`~labkit.rag.retrieve.DenseRetriever`
it always did; with ``qdrant`` a :class:`~labkit.rag.qdrant_store.QdrantRetriever` with the same
``search`` / ``search_many`` / ``search_vectors`` (required ``caller``), over a collection that
holds the index's chunks and vectors. Nothing else changes: BM25 still reads the chunks, the
hybrid fuses the same way, access control and metadata filters run inside the engine.

The collection is named after the index's content (embedder, documents, chunker, chunk count),
so a rebuilt index gets a new collection and a stale one is never searched; an existing
collection of that name is reused (a server keeps it between runs). Issue 15; the
engines are compared in tests/test_qdrant_store.py and bench/vector_scale.py.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ENGINES", "EngineConfig", "engine_config", "dense_retriever", "open_store"]

ENGINES = ("faiss", "qdrant")
ENV_ENGINE, ENV_URL, ENV_PATH = "LABKIT_VECTOR_ENGINE", "LABKIT_QDRANT_URL", "LABKIT_QDRANT_PATH"


@dataclass(frozen=True)
class EngineConfig:
    """The vector engine and, for Qdrant, where it lives (neither url nor path: in memory)."""

    engine: str = "faiss"  # "faiss" | "qdrant"
    url: str | None = None  # a Qdrant server, e.g. "http://localhost:6333"
    path: str | None = None  # a folder for Qdrant's local mode

    def __post_init__(self):
        if self.engine not in ENGINES:
            raise ValueError(
                f"vector engine {self.engine!r} unknown: use one of {', '.join(ENGINES)} "
                f"(setting {ENV_ENGINE})"
            )
        if self.url and self.path:
            raise ValueError(f"set {ENV_URL} or {ENV_PATH}, not both")

    def where(self) -> dict:
        """The keyword :class:`~labkit.rag.qdrant_store.QdrantStore` takes for this place."""
        if self.url:
            return {"url": self.url}
        if self.path:
            return {"path": str(self.path)}
        return {"location": ":memory:"}


def engine_config(
    engine: str | None = None, default_path: str | Path | None = None
) -> EngineConfig:
    """The setting: ``engine`` if given, else ``$LABKIT_VECTOR_ENGINE`` (default ``faiss``), with
    ``$LABKIT_QDRANT_URL`` / ``$LABKIT_QDRANT_PATH`` (else ``default_path``, else in memory)."""
    name = (engine or os.environ.get(ENV_ENGINE) or "faiss").strip().lower()
    url = os.environ.get(ENV_URL) or None
    path = os.environ.get(ENV_PATH) or None
    if name == "qdrant" and not url and not path and default_path is not None:
        path = str(default_path)
    return EngineConfig(name, url, path)


def collection_name(index) -> str:
    """``labkit-<12 hex>``: a digest of what the index holds (embedder, documents, chunker, size)."""
    mf = getattr(index, "manifest", {}) or {}
    keys = {k: mf.get(k) for k in ("embedder", "doc_hashes", "chunker")}
    ids = [c.get("chunk_id") for c in index.chunks]
    blob = json.dumps({**keys, "n": len(index.chunks), "ids": ids}, sort_keys=True, default=str)
    return "labkit-" + hashlib.sha256(blob.encode()).hexdigest()[:12]


def open_store(index, cfg: EngineConfig | None = None, collection: str | None = None):
    """The Qdrant collection holding ``index``'s chunks and vectors: reopened when it exists
    (refused if built with another embedder) and holds as many chunks, else built from the
    index (in memory: always built, a copy per call)."""
    from .qdrant_store import QdrantStore

    cfg = cfg or engine_config("qdrant")
    collection = collection or collection_name(index)
    if cfg.url or cfg.path:
        try:
            store = QdrantStore.open(index.embedder_name, collection, **cfg.where())
            if len(store) == len(index.chunks):
                return store
        except FileNotFoundError:
            pass  # not built yet (an interrupted copy is rebuilt too)
    return QdrantStore.from_index(index, collection, **cfg.where())


def dense_retriever(index, embedder, cfg: EngineConfig | None = None):
    """The dense retriever over ``index`` on the configured engine (:func:`engine_config`):
    ``DenseRetriever(index, embedder)`` for ``faiss`` (unchanged), a
    :class:`~labkit.rag.qdrant_store.QdrantRetriever` on :func:`open_store` for ``qdrant``."""
    cfg = cfg or engine_config()
    if cfg.engine == "faiss":
        from .retrieve import DenseRetriever

        return DenseRetriever(index, embedder)
    from .qdrant_store import QdrantRetriever

    return QdrantRetriever(open_store(index, cfg), embedder)
