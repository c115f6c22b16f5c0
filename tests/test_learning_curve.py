"""labkit.finetune.learning_curve: teacher forcing says "greedy writes this answer" exactly when it does."""

from types import SimpleNamespace

import pytest

from labkit.finetune.learning_curve import AnswerCurve, answer_spans, greedy_reproduces
from labkit.rag.generate import GenerationConfig, build_closed_book_messages, generate_batch

QUESTIONS = [
    "What is the capital of France?",
    "Which planet is known as the Red Planet?",
    "What do bees make?",
    "How many legs does a spider have?",
]


@pytest.fixture(scope="module")
def fp32_model():
    import torch

    from labkit import models

    return models.load_generator("none", dtype=torch.float32)


@pytest.fixture(scope="module")
def own_answers(fp32_model):
    """The model's own greedy answers, run to their end of turn (not cut at a newline)."""
    model, tok = fp32_model
    msgs = [build_closed_book_messages(q) for q in QUESTIONS]
    cfg = GenerationConfig(max_new_tokens=60, stop_at_newline=False, batch_size=1, progress=False)
    outs = generate_batch(model, tok, msgs, cfg)
    assert all(o["new_tokens"] < 60 for o in outs), "an answer ran to the token limit"
    return list(zip(msgs, [o["text"] for o in outs], strict=True))


def test_the_models_own_greedy_answer_is_reproduced(fp32_model, own_answers):
    model, tok = fp32_model
    assert greedy_reproduces(model, tok, own_answers, batch_size=3) == [True] * len(QUESTIONS)


def test_a_changed_answer_is_not_reproduced(fp32_model, own_answers):
    model, tok = fp32_model
    changed = [(m, "Certainly not: " + a) for m, a in own_answers]  # a different first token
    swapped = [
        (m, own_answers[(i + 1) % len(own_answers)][1]) for i, (m, _) in enumerate(own_answers)
    ]
    assert greedy_reproduces(model, tok, changed) == [False] * len(QUESTIONS)
    assert not any(greedy_reproduces(model, tok, swapped))


def test_answer_span_ends_at_the_end_of_turn(fp32_model):
    _, tok = fp32_model
    ((ids, first),) = answer_spans(tok, [(build_closed_book_messages("Hi?"), "Hello there.")])
    assert tok.decode(ids[first:]) == "Hello there.<|im_end|>"
    assert tok.decode(ids[:first]).endswith("<|im_start|>assistant\n")


def test_curve_measures_at_start_every_n_steps_and_at_the_end(fp32_model, own_answers):
    model, tok = fp32_model
    curve = AnswerCurve(tok, {"own": own_answers, "first two": own_answers[:2]}, every=4)
    state = SimpleNamespace(global_step=0, epoch=0.0, max_steps=10)
    curve.on_train_begin(None, state, None, model=model)
    for step in range(1, 11):
        state.global_step, state.epoch = step, step / 5
        curve.on_step_end(None, state, None, model=model)
    assert [p["step"] for p in curve.points] == [0, 4, 8, 10]
    assert all(p["own"] == 1.0 and p["first two"] == 1.0 for p in curve.points)
    meta = curve.labkit_meta()
    assert meta["learning_curve_sizes"] == {"own": 4, "first two": 2}
    assert model.training is False  # the eval/train mode is restored


def test_curve_refuses_empty_sets_and_bad_every(fp32_model):
    _, tok = fp32_model
    with pytest.raises(ValueError, match="non-empty"):
        AnswerCurve(tok, {"none": []}, every=5)
    with pytest.raises(ValueError, match="every"):
        AnswerCurve(tok, {"x": [(build_closed_book_messages("Hi?"), "Hello.")]}, every=0)
