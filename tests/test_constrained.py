"""labkit.finetune.constrained: the base model's output follows the ticket schema by construction."""

import jsonschema
import pytest

from labkit import data
from labkit.finetune import behaviour
from labkit.finetune.constrained import TICKET_SCHEMA, prefix_allowed_tokens_fn
from labkit.rag.generate import GenerationConfig, generate_batch


def test_schema_is_the_answer_contract():
    """Every gold answer fits the schema; what the schema admits, parse_response accepts."""
    for rec in data.load_behaviour("eval")[:50]:
        answer = rec["messages"][-1]["content"]
        obj = behaviour.parse_response(answer)
        assert obj is not None
        jsonschema.validate(obj, TICKET_SCHEMA)
    bad = [
        {"category": "refund", "priority": "low", "escalate": False, "reply": "Hi"},
        {"category": "billing", "priority": "low", "escalate": "no", "reply": "Hi"},
        {"category": "billing", "priority": "low", "escalate": False, "reply": ""},
        {"category": "billing", "priority": "low", "escalate": False},
        {"category": "billing", "priority": "low", "escalate": False, "reply": "Hi", "x": 1},
    ]
    for obj in bad:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(obj, TICKET_SCHEMA)
        assert behaviour.parse_response(__import__("json").dumps(obj)) is None


def test_refuses_a_schema_that_is_not_an_object(generator):
    _, tok = generator
    with pytest.raises(ValueError, match="object"):
        prefix_allowed_tokens_fn(tok, {"type": "string"})


@pytest.mark.slow
def test_base_model_output_is_valid_json_by_construction(generator):
    model, tok = generator
    held_out = data.load_behaviour("eval")[:2]
    shots = behaviour.pick_shots(data.load_behaviour("train"), k=3)  # notebook 05's prompt
    msgs = [behaviour.few_shot_messages(x, shots) for x in held_out]
    free = GenerationConfig(max_new_tokens=200, stop_at_newline=False, progress=False)
    forced = GenerationConfig(
        max_new_tokens=200, stop_at_newline=False, progress=False, json_schema=TICKET_SCHEMA
    )
    outs = generate_batch(model, tok, msgs, forced)
    for o in outs:
        assert o["new_tokens"] < 200, f"ran out of tokens before closing the object: {o['text']!r}"
        obj = behaviour.parse_response(o["text"])
        assert obj is not None, o["text"]
        jsonschema.validate(obj, TICKET_SCHEMA)
    free_outs = generate_batch(model, tok, msgs, free)
    assert [o["text"] for o in free_outs] != [o["text"] for o in outs]  # the constraint acted
