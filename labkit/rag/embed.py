"""Turning texts into unit-length float32 vectors with a sentence-transformers model.

One function, :func:`embed_texts`, used for chunks (when building an index), for queries (in
``labkit.rag.retrieve``) and by the benchmarks in ``bench/``. Introduced in
notebooks/01_indexing.ipynb.

Speed notes (2-core CPU with avx512_bf16, see bench/README.md): the model may run in bfloat16;
outputs are always cast to float32 and re-normalised in float32, so downstream code (FAISS,
NumPy dot products) never sees bf16. Texts are sorted by length so each batch pads to a similar
length; the output rows are in input order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from tqdm.auto import tqdm

__all__ = ["embed_texts", "embedding_dim"]


def embedding_dim(model) -> int:
    """Vector size of ``model`` (384 for all-MiniLM-L6-v2)."""
    fn = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(fn())


def embed_texts(
    model,
    texts: Sequence[str],
    batch_size: int = 64,
    show_progress: bool = True,
    prefix: str | None = None,
) -> np.ndarray:
    """Embed ``texts`` -> float32 array (n, d), each row L2-normalised, rows in input order.

    model: a ``SentenceTransformer`` (fp32 or bf16 weights).
    batch_size: texts per forward pass; 64 is a good CPU default for MiniLM.
    prefix: prepended to every text (e.g. ``"query: "`` for E5-style models; MiniLM needs none).
    An empty ``texts`` gives an array of shape (0, d).
    """
    if isinstance(texts, str):
        raise TypeError("embed_texts expects a list of strings, not a single string")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    texts = [prefix + t for t in texts] if prefix else list(texts)
    dim = embedding_dim(model)
    out = np.empty((len(texts), dim), dtype=np.float32)
    if not texts:
        return out
    # Longest first: the first batch shows the worst-case memory and time straight away.
    order = np.argsort([-len(t) for t in texts], kind="stable")
    bar = tqdm(total=len(texts), desc="embed", unit="text", disable=not show_progress)
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            idx = order[start : start + batch_size]
            vecs = model.encode(
                [texts[i] for i in idx],
                batch_size=len(idx),
                show_progress_bar=False,
                convert_to_tensor=True,
                normalize_embeddings=False,
            )
            vecs = vecs.float()  # bf16 -> fp32 before normalising: unit norm to ~1e-7
            vecs = torch.nn.functional.normalize(vecs, p=2, dim=1)
            out[idx] = vecs.cpu().numpy()
            bar.update(len(idx))
    bar.close()
    return out
