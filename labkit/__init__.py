"""labkit: the helper package behind the RAG / QLoRA / hybrid course notebooks.

Every notebook starts the same way::

    import labkit
    prof = labkit.setup()

One package per part of the course, one module per stage (import them explicitly, e.g.
``from labkit.rag.index import build_index`` or ``from labkit import rag``):

- shared plumbing: ``env`` (setup, profiles, paths), ``store`` (atomic writes), ``data`` and
  ``schemas`` (course data loading and validation), ``models`` and ``gguf`` (resolving and
  loading the embedder and the generator), ``stats``, ``plots``; ``main`` and ``report`` (the
  main job, ``make demo``);
- ``rag``: ``chunk``, ``embed``, ``index`` (FAISS with a manifest), ``retrieve`` (dense, BM25,
  hybrid), ``generate`` (grounded generation with citations), ``metrics``, ``evaluate``,
  ``documents`` (your own documents) and the ``python -m labkit.rag`` command line;
- ``finetune``: ``behaviour`` (the ticket task), ``sft_data`` (validation), ``lora`` and
  ``train`` (QLoRA), ``adapters``, ``registry``, ``gate`` (promotion), ``learning_curve``,
  ``constrained`` (constrained decoding, the format baseline), ``reader`` (a fine-tuned grounded
  reader, RAFT-style);
- ``hybrid``: ``assembly`` (the four systems), ``reading`` (an adapter also taught to read),
  ``scores``, ``course`` (the shared cached index and adapters), ``update`` (knowledge updates);
- ``decide``: ``evidence`` (measured numbers, recorded by notebooks), ``matrix`` (the decision
  matrix), ``cost``, ``ui``;
- ``security``: access control, redaction, canaries, prompt injection (notebook 08);
- ``production``: the production loop (notebook 10, in progress): ``log`` (SQLite interaction
  log), ``monitor`` (monitoring as SQL), ``rollout`` (canary routing and the promotion rule).
"""

from .env import Profile, cache_dir, current_profile, setup

__all__ = ["setup", "current_profile", "cache_dir", "Profile"]
__version__ = "0.1.0"
