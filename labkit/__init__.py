"""labkit: the helper package behind the RAG / QLoRA / hybrid course notebooks.

Every notebook starts the same way::

    import labkit
    prof = labkit.setup()

Modules, one per stage (import them explicitly: ``from labkit import index``):
``env`` (setup, profiles, paths), ``store`` (atomic writes), ``data`` (course data loading and
validation), ``models`` (resolving and loading the embedder and the generator), ``chunk``,
``embed``, ``index`` (FAISS with a manifest), ``retrieve`` (dense, BM25, hybrid),
``metrics``, ``generate`` (grounded generation with citations), ``evaluate``, ``reader`` (a
fine-tuned grounded reader, RAFT-style); fine-tuning:
``behaviour`` (the ticket task), ``sft_data`` (validation), ``train`` (QLoRA), ``registry``,
``gate`` (promotion); assembly: ``course`` (the shared cached index and adapters), ``hybrid``
(the four systems), ``update`` (knowledge updates), ``evidence`` (measured numbers, recorded
by notebooks), ``decide`` and ``decide_ui`` (the decision matrix); ``main`` (``make demo``).
"""

from .env import Profile, cache_dir, current_profile, setup

__all__ = ["setup", "current_profile", "cache_dir", "Profile"]
__version__ = "0.1.0"
