"""The same vector search in Qdrant: embedded local mode here, a server or cluster by URL (issue 15).

:class:`QdrantStore` holds what a :class:`labkit.rag.index.VectorIndex` holds (chunks and their
unit vectors, one embedder) in a Qdrant collection: one point per chunk (a UUID derived from its
``chunk_id``), the chunk as payload, inner product as the distance (cosine on unit vectors, the
FAISS index's score). :class:`QdrantRetriever` is the dense retriever on it, with the interface
of :class:`labkit.rag.retrieve.DenseRetriever` (``search`` / ``search_many`` /
``search_vectors``, a required ``caller``), so :class:`~labkit.rag.retrieve.HybridRetriever`
and the RAG path take either engine.

Access control and metadata filters are pushed INTO the engine (:func:`qdrant_filter`: a payload
filter on indexed fields: ``_level``, the chunk's access level as labkit reads it, ``tenant``,
``doc_id``), never applied after the top-k: Qdrant returns the ``k`` best chunks among those the
caller may read.

Where it runs: ``QdrantStore.create(..., location=":memory:")`` or ``path=<folder>`` is Qdrant's
local mode (the ``qdrant-client`` package alone, no server; it searches by brute force: a
development tool, exact and slow at scale); ``url="http://host:6333"`` is the same code against a
server (``docker run -p 6333:6333 qdrant/qdrant``). Tested here: local mode only.

A collection records its embedder and dimension (collection metadata); opening it with another
embedder is refused with the fix, as the FAISS manifest does.
"""

from __future__ import annotations

import atexit
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from ..security.access import _STAFF, Caller, allowed_levels, check_caller, chunk_level
from .filters import _check_queries, _hit, _normalise_filters, _SearchMixin, _warn_unknown_keys

__all__ = ["QdrantStore", "QdrantRetriever", "qdrant_filter", "point_id"]

_NS = uuid.UUID("6f1c2a43-8d4b-4a57-9a4e-2c3f0e5b7d11")  # labkit's namespace for point ids
_INDEXED = ("_level", "tenant", "doc_id")
_PRIVATE = ("_level", "_pos")  # payload fields labkit adds; never part of a returned chunk
_LOCAL_CLIENTS: dict = {}  # resolved folder -> its local-mode client, shared by its collections


def _close_local_clients() -> None:
    while _LOCAL_CLIENTS:
        _LOCAL_CLIENTS.popitem()[1].close()


def point_id(chunk_id: str) -> str:
    """The chunk's stable Qdrant point id (UUID5 of its ``chunk_id``): an upsert replaces it."""
    return str(uuid.uuid5(_NS, chunk_id))


def _match(key: str, values: set):
    from qdrant_client import models

    vals = sorted(values, key=repr)
    if all(isinstance(v, str) for v in vals) or all(
        isinstance(v, int) and not isinstance(v, bool) for v in vals
    ):
        return models.FieldCondition(key=key, match=models.MatchAny(any=vals))
    return models.Filter(
        should=[models.FieldCondition(key=key, match=models.MatchValue(value=v)) for v in vals]
    )


def qdrant_filter(caller: Caller, filters: Mapping | None = None):
    """The Qdrant payload filter of what ``caller`` may read (the rules of
    :func:`labkit.security.access.permitted`) AND ``filters`` (field -> allowed values)."""
    from qdrant_client import models

    check_caller(caller)
    must: list = [_match("_level", set(allowed_levels(caller)))]
    no_tenant = models.IsEmptyCondition(is_empty=models.PayloadField(key="tenant"))
    if caller.tenant is not None:
        own = models.FieldCondition(key="tenant", match=models.MatchValue(value=caller.tenant))
        must.append(models.Filter(should=[no_tenant, own]))
    elif caller.role not in _STAFF:
        must.append(no_tenant)
    for key, ok in (_normalise_filters(filters) or {}).items():
        must.append(_match(key, ok))  # as matches_filters: a chunk without the field fails
    return models.Filter(must=must)


class QdrantStore:
    """A Qdrant collection of chunks; build with :meth:`create` or :meth:`from_index`, reopen
    with :meth:`open`."""

    def __init__(self, client, collection: str, embedder_name: str, dim: int, where: str):
        self.client, self.collection = client, collection
        self.embedder_name, self.dim, self.where = embedder_name, dim, where
        self._chunks: list[dict] | None = None

    def __repr__(self) -> str:
        return f"QdrantStore({self.collection!r} at {self.where}, {len(self)} chunks)"

    @staticmethod
    def _client(location=None, path=None, url=None):
        from qdrant_client import QdrantClient

        if sum(x is not None for x in (location, path, url)) != 1:
            raise ValueError("give exactly one of location=':memory:', path=<folder>, url=<server>")
        if url is not None:
            client = QdrantClient(url=url, timeout=10)
            try:
                client.get_collections()
            except Exception as e:
                raise ConnectionError(
                    f"no Qdrant server answers at {url} ({type(e).__name__}); start one "
                    "(docker run -p 6333:6333 qdrant/qdrant) or use path=<folder> (local mode)"
                ) from e
            return client, url
        if path is not None:  # local mode locks its folder: one open client per folder
            key = str(Path(path).resolve())
            client = _LOCAL_CLIENTS.get(key)
            if client is None or client._client.closed:
                if not _LOCAL_CLIENTS:  # close them before interpreter shutdown, not during
                    atexit.register(_close_local_clients)
                client = _LOCAL_CLIENTS[key] = QdrantClient(path=str(path))
            return client, f"path {path}"
        return QdrantClient(location=location), location

    @classmethod
    def create(cls, chunks, vectors, embedder_name: str, collection="chunks", **where):
        """A new collection (an existing one of that name is replaced) holding ``chunks`` with
        their ``vectors`` (n, d) unit float32, from ``embedder_name``."""
        from qdrant_client import models

        client, desc = cls._client(**where)
        vectors = np.ascontiguousarray(vectors, np.float32)
        if vectors.ndim != 2 or len(vectors) != len(chunks):
            raise ValueError(f"{len(chunks)} chunks but vectors of shape {vectors.shape}")
        if client.collection_exists(collection):
            client.delete_collection(collection)
        client.create_collection(
            collection,
            vectors_config=models.VectorParams(size=vectors.shape[1], distance=models.Distance.DOT),
            metadata={"labkit_embedder": embedder_name, "labkit_dim": int(vectors.shape[1])},
        )
        for field in _INDEXED:
            client.create_payload_index(collection, field, models.PayloadSchemaType.KEYWORD)
        store = cls(client, collection, embedder_name, int(vectors.shape[1]), desc)
        store._put(list(chunks), vectors)
        return store

    @classmethod
    def from_index(cls, index, collection="chunks", **where) -> QdrantStore:
        """The chunks and vectors of a FAISS :class:`~labkit.rag.index.VectorIndex`, in Qdrant."""
        if getattr(index, "vectors", None) is None:
            raise ValueError("this index keeps no vectors: rebuild it (build_index) to copy it")
        return cls.create(index.chunks, index.vectors, index.embedder_name, collection, **where)

    @classmethod
    def open(cls, embedder_name: str, collection="chunks", **where) -> QdrantStore:
        """An existing collection, refused unless it was built with ``embedder_name``."""
        client, desc = cls._client(**where)
        if not client.collection_exists(collection):
            raise FileNotFoundError(f"no collection {collection!r} at {desc}: build it first")
        meta = client.get_collection(collection).config.metadata or {}
        if meta.get("labkit_embedder") != embedder_name:
            raise ValueError(
                f"collection {collection!r} at {desc} was built with embedder "
                f"{meta.get('labkit_embedder')!r}, not {embedder_name!r}: rebuild it with "
                "QdrantStore.from_index(...) for this embedder, or open it with the right one"
            )
        return cls(client, collection, embedder_name, int(meta["labkit_dim"]), desc)

    def _put(self, chunks: list[dict], vectors: np.ndarray, start: int = 0, batch: int = 256):
        from qdrant_client import models

        if vectors.shape[1] != self.dim:
            raise ValueError(f"vectors of dimension {vectors.shape[1]}, collection has {self.dim}")
        for s in range(0, len(chunks), batch):
            points = [
                models.PointStruct(
                    id=point_id(c["chunk_id"]),
                    vector=v.tolist(),
                    payload={**c, "_level": chunk_level(c), "_pos": start + s + j},
                )
                for j, (c, v) in enumerate(zip(chunks[s : s + batch], vectors[s : s + batch]))
            ]
            self.client.upsert(self.collection, points=points, wait=True)
        self._chunks = None

    def __len__(self) -> int:
        return self.client.count(self.collection, exact=True).count

    @property
    def chunks(self) -> list[dict]:
        """Every chunk (payload), in insertion order (for BM25 and filter-key warnings)."""
        if self._chunks is None:
            rows = sorted(self._payloads(), key=lambda c: c["_pos"])
            self._chunks = [{k: v for k, v in c.items() if k not in _PRIVATE} for c in rows]
        return self._chunks

    def delete_docs(self, doc_ids: Sequence[str]) -> int:
        """Remove every chunk of these documents; returns how many."""
        from qdrant_client import models

        flt = models.Filter(must=[_match("doc_id", set(doc_ids))])
        n = self.client.count(self.collection, count_filter=flt, exact=True).count
        self.client.delete(self.collection, points_selector=models.FilterSelector(filter=flt))
        self._chunks = None
        return n

    def upsert_chunks(self, chunks: list[dict], vectors: np.ndarray) -> None:
        """Replace the given documents' chunks by these: the documents' old chunks are deleted
        first (a chunk the new version no longer has must not linger), the new ones go last."""
        self.delete_docs(sorted({c["doc_id"] for c in chunks}))
        start = 1 + max((c["_pos"] for c in self._payloads()), default=-1)
        self._put(list(chunks), np.ascontiguousarray(vectors, np.float32), start)

    def _payloads(self) -> list[dict]:
        pts, offset = [], None
        while True:
            got, offset = self.client.scroll(self.collection, limit=1024, offset=offset)
            pts += got
            if offset is None:
                return [p.payload for p in pts]

    def search(self, query_vecs: np.ndarray, k: int, caller: Caller, filters=None):
        """Top ``k`` per query among the chunks ``caller`` may read that pass ``filters``, the
        filter evaluated by Qdrant; ``[[hit, ...], ...]`` as the FAISS retriever returns."""
        from qdrant_client import models

        flt = qdrant_filter(caller, filters)
        q = np.ascontiguousarray(np.atleast_2d(query_vecs), np.float32)
        reqs = [
            models.QueryRequest(query=v.tolist(), filter=flt, limit=k, with_payload=True) for v in q
        ]
        out = []
        for res in self.client.query_batch_points(self.collection, requests=reqs):
            pts = sorted(res.points, key=lambda p: (-p.score, p.payload["_pos"]))
            out.append(
                [
                    _hit({a: b for a, b in p.payload.items() if a not in _PRIVATE}, p.score, r)
                    for r, p in enumerate(pts, start=1)
                ]
            )
        return out


class QdrantRetriever(_SearchMixin):
    """Dense retrieval over a :class:`QdrantStore` (the interface of
    :class:`~labkit.rag.retrieve.DenseRetriever`)."""

    def __init__(self, store: QdrantStore, embedder, batch_size: int = 64):
        self.store, self.embedder, self.batch_size = store, embedder, batch_size
        self._fields: dict = {}  # cache for the unknown-filter-key warning

    @property
    def index(self):  # what HybridRetriever and the CLI read: .chunks
        return self.store

    def embed_queries(self, queries: Sequence[str]) -> np.ndarray:
        from .embed import embed_texts

        return embed_texts(
            self.embedder, list(queries), batch_size=self.batch_size, show_progress=False
        )

    def search_vectors(self, query_vecs, k: int = 5, filters=None, *, caller: Caller | None = None):
        check_caller(caller)
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        _warn_unknown_keys(_normalise_filters(filters), self.store.chunks, self._fields)
        return self.store.search(query_vecs, k, caller, filters)

    def search_many(self, queries, k: int = 5, filters=None, *, caller: Caller | None = None):
        check_caller(caller)
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        queries = _check_queries(queries)
        if not queries:
            return []
        _normalise_filters(filters)
        return self.search_vectors(self.embed_queries(queries), k, filters, caller=caller)
