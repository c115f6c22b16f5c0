"""Constrained decoding: a model that can only write what a JSON schema allows.

The fair baseline for "fine-tuning teaches the format" (claim 2): instead of training, mask at
every step the tokens that would break the schema, so the *base* model's output is valid JSON
of the ticket contract by construction (if it finishes within its token budget). What is left
to compare is what the model puts *into* the fields: category, priority, escalation, tone.

Uses lm-format-enforcer (``JsonSchemaParser`` + ``TokenEnforcer``) through the
``prefix_allowed_tokens_fn`` hook of ``transformers`` ``generate``; :func:`labkit.rag.generate.generate_batch` applies it when
``GenerationConfig.json_schema`` is set. Introduced in notebooks/05_evaluating_a_finetune.ipynb.
"""

from __future__ import annotations

from .behaviour import CATEGORIES, KEYS, PRIORITIES

__all__ = ["TICKET_SCHEMA", "prefix_allowed_tokens_fn"]

REPLY_MAX_CHARS = 400
"""The reply's length cap in the schema: the training replies run 226 characters (median) to 324,
and the tone contract allows 70 words. Without a cap a looping base model writes until its token
budget ends, mid-string, and the "valid by construction" output is cut invalid."""

TICKET_SCHEMA: dict = {
    "type": "object",
    "properties": {
        "category": {"type": "string", "enum": list(CATEGORIES)},
        "priority": {"type": "string", "enum": list(PRIORITIES)},
        "escalate": {"type": "boolean"},
        "reply": {"type": "string", "minLength": 1, "maxLength": REPLY_MAX_CHARS},
    },
    "required": list(KEYS),
    "additionalProperties": False,
}
"""The ticket answer contract of :func:`labkit.finetune.behaviour.parse_response` as a JSON schema."""

_TOKENIZER_DATA: dict[int, object] = {}  # id(tok) -> lm-format-enforcer's vocabulary tables


def _tokenizer_data(tok):
    """lm-format-enforcer's vocabulary tables for ``tok``: each regular token's text and whether
    it starts a word. Built here from the tokenizer alone (the library's own transformers
    integration imports a module path that transformers 5 removed)."""
    from lmformatenforcer import TokenEnforcerTokenizerData

    special = set(tok.all_special_ids)
    zero = tok.encode("0", add_special_tokens=False)[-1]
    regular = []
    for idx in range(len(tok)):
        if idx in special:
            continue
        # decode after a "0" and drop it: keeps the leading space of a word-start token
        after_zero = tok.decode([zero, idx])[1:]
        regular.append((idx, after_zero, len(after_zero) > len(tok.decode([idx]))))

    def decode(ids):
        return tok.decode(ids).rstrip("\ufffd")  # drop a half-decoded multi-byte character

    return TokenEnforcerTokenizerData(regular, decode, tok.eos_token_id, False, len(tok))


def prefix_allowed_tokens_fn(tok, schema: dict):
    """A ``prefix_allowed_tokens_fn`` for ``model.generate`` that admits only continuations
    keeping the output a prefix of a JSON document valid under ``schema``.

    The vocabulary tables (seconds for a 49k-token vocabulary) are built once per tokenizer and
    reused; the parser state is per call, so build one function per batch run.
    """
    try:
        from lmformatenforcer import JsonSchemaParser, TokenEnforcer
    except ImportError as e:  # pragma: no cover - installed by scripts/setup.sh
        raise ImportError(
            "constrained decoding needs lm-format-enforcer: pip install 'lm-format-enforcer>=0.11' "
            "(scripts/setup.sh installs it)"
        ) from e
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise ValueError(
            "schema must be a JSON schema dict for an object ({'type': 'object', ...})"
        )
    data = _TOKENIZER_DATA.get(id(tok))
    if data is None:
        data = _TOKENIZER_DATA[id(tok)] = _tokenizer_data(tok)
    enforcer = TokenEnforcer(data, JsonSchemaParser(schema))

    def allowed(batch_id, input_ids):  # (batch index, this row's ids so far) -> allowed ids
        return enforcer.get_allowed_tokens(input_ids.tolist()).allowed_tokens

    return allowed
