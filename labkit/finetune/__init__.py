"""Fine-tuning the course generator with QLoRA (notebooks/04-05), one module per stage.

``behaviour`` (the ticket task: prompt, label format, scores) -> ``sft_data`` (chat-record
checks) -> ``train`` (QLoRA training, adapter loading and merging; ``adapters`` holds the
saved-adapter checks; ``learning_curve`` measures answers while training) -> ``registry``
(versioned adapters) -> ``gate`` (promotion decision). Beside them: ``constrained`` (constrained
decoding, the no-training baseline for the ticket format) and ``reader`` (a grounded reader
fine-tuned RAFT-style, scored in notebook 03).

Read it as ``from labkit import finetune`` then ``finetune.train.train_adapter``, or import the
few names below directly. Submodules load on first use (torch and peft only when needed).
"""

import importlib

_SUBMODULES = {
    "adapters",
    "behaviour",
    "constrained",
    "gate",
    "learning_curve",
    "reader",
    "registry",
    "sft_data",
    "train",
}
_NAMES = {
    "QLoRAConfig": "train",
    "train_adapter": "train",
    "load_adapter": "train",
    "AdapterRegistry": "registry",
    "promotion_decision": "gate",
}

__all__ = list(_NAMES)


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _NAMES:
        return getattr(importlib.import_module(f"{__name__}.{_NAMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
