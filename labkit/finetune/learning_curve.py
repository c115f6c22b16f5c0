"""A learning curve measured *while* an adapter trains: which answers the model already knows.

Generating with the 4-bit model in the middle of training is unsafe on CPU (``generate()``
repacks the NF4 weights for good), and slow. A forward pass is neither, and it answers the
question exactly: greedy decoding writes a target answer word for word **iff** at every answer
position the most likely next token is the target's token (teacher forcing). So
:func:`greedy_reproduces` scores a batch of (prompt, answer) pairs with one forward pass each,
and :class:`AnswerCurve` (a ``transformers.TrainerCallback``) records that share for named
question sets before training and every ``every`` optimiser steps.

This is stricter than the served metric (``answer_contains``: the key value anywhere in the
reply): a reply that states the value in other words counts there, not here. The curve shows the
*trend* on the model as trained (NF4 base + LoRA); the final accuracies are measured by
generation on the model as served. Introduced in notebooks/05_evaluating_a_finetune.ipynb.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from transformers import TrainerCallback

__all__ = ["answer_spans", "greedy_reproduces", "AnswerCurve"]


def answer_spans(tok, pairs: Sequence[tuple[list[dict], str]]) -> list[tuple[list[int], int]]:
    """``[(token ids of prompt + answer, index of the first answer token)]`` for chat ``pairs``
    of (prompt messages, answer text), rendered with the tokenizer's chat template exactly as
    training renders them. The answer span runs up to and including the end-of-turn token."""
    out = []
    for messages, answer in pairs:
        prompt = tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        full = tok.apply_chat_template(
            [*messages, {"role": "assistant", "content": answer}], tokenize=False
        )
        if not full.startswith(prompt):
            raise ValueError("the chat template does not render the prompt as a prefix of the chat")
        p_ids = tok(prompt, add_special_tokens=False)["input_ids"]
        a_ids = tok(full[len(prompt) :], add_special_tokens=False)["input_ids"]
        end = tok.convert_tokens_to_ids("<|im_end|>")
        if end in a_ids:  # keep the end of turn (greedy must stop there), drop what follows
            a_ids = a_ids[: a_ids.index(end) + 1]
        out.append((p_ids + a_ids, len(p_ids)))
    return out


def greedy_reproduces(model, tok, pairs, batch_size: int = 16) -> list[bool]:
    """For each (prompt messages, answer) pair: would greedy decoding write ``answer`` exactly?

    One teacher-forced forward pass per batch (right-padded, no gradients, dropout off); the
    model's training/eval mode is restored afterwards.
    """
    import torch

    spans = answer_spans(tok, pairs)
    was_training = model.training
    model.eval()
    flags: list[bool] = []
    try:
        with torch.no_grad():
            for start in range(0, len(spans), batch_size):
                batch = spans[start : start + batch_size]
                width = max(len(ids) for ids, _ in batch)
                pad = tok.pad_token_id if tok.pad_token_id is not None else 0
                ids = torch.tensor([x + [pad] * (width - len(x)) for x, _ in batch])
                mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x, _ in batch])
                dev = next(model.parameters()).device
                logits = model(input_ids=ids.to(dev), attention_mask=mask.to(dev)).logits
                pred = logits.argmax(-1).cpu()  # (batch, width): the token predicted *next*
                for row, (x, first) in enumerate(batch):
                    target = torch.tensor(x[first:])
                    flags.append(bool((pred[row, first - 1 : len(x) - 1] == target).all()))
    finally:
        model.train(was_training)
    return flags


class AnswerCurve(TrainerCallback):
    """Records, before training and every ``every`` steps (and at the last step), the share of
    each named set of (prompt messages, answer) pairs that greedy decoding would reproduce.

    ``sets``: ``{name: [(messages, answer), ...]}``. After training, :attr:`points` is a list
    of ``{"step", "epoch", <name>: share, ...}``; :meth:`labkit_meta` hands it to
    :func:`labkit.finetune.train.train_adapter`, which stores it in the adapter's metadata as
    ``"learning_curve"`` (so a cached adapter still shows its curve).
    """

    def __init__(self, tok, sets: dict[str, Sequence[tuple[list[dict], str]]], every: int):
        if every < 1:
            raise ValueError(f"every must be >= 1, got {every}")
        if not sets or any(len(v) == 0 for v in sets.values()):
            raise ValueError("sets must name at least one non-empty set of (messages, answer)")
        self.tok, self.sets, self.every = tok, dict(sets), every
        self.points: list[dict] = []
        self.seconds = 0.0  # time spent measuring (train_adapter keeps it out of train_seconds)

    def _measure(self, model, state) -> None:
        t0 = time.perf_counter()
        point = {"step": int(state.global_step), "epoch": round(float(state.epoch or 0.0), 2)}
        for name, pairs in self.sets.items():
            flags = greedy_reproduces(model, self.tok, pairs)
            point[name] = sum(flags) / len(flags)
        self.points.append(point)
        self.seconds += time.perf_counter() - t0

    def on_train_begin(self, args, state, control, model=None, **kwargs):
        if state.global_step == 0:
            self._measure(model, state)

    def on_step_end(self, args, state, control, model=None, **kwargs):
        if state.global_step % self.every == 0 or state.global_step == state.max_steps:
            self._measure(model, state)

    def labkit_meta(self) -> dict:
        return {
            "learning_curve": self.points,
            "learning_curve_sizes": {k: len(v) for k, v in self.sets.items()},
            "learning_curve_seconds": round(self.seconds, 2),
        }
