import pytest
import torch

from labkit.rag.generate import (
    REFUSAL,
    GenerationConfig,
    answer_contains,
    attribute,
    build_closed_book_messages,
    build_rag_messages,
    closed_book_answer,
    generate_batch,
    is_refusal,
    normalize_answer,
    parse_citations,
    rag_answer,
    shared_prefix_length,
)
from labkit.security.access import AccessError, Caller

PUBLIC = Caller("public")

CHUNKS = [
    {
        "doc_id": "d1",
        "chunk_id": "d1#0",
        "title": "Refunds",
        "text": "Refunds take 14 days.",
        "score": 0.8,
    },
    {
        "doc_id": "d2",
        "chunk_id": "d2#0",
        "title": "Shipping",
        "text": "Shipping costs $5.",
        "score": 0.6,
    },
    {
        "doc_id": "d3",
        "chunk_id": "d3#0",
        "title": "Returns",
        "text": "Returns need a receipt.",
        "score": 0.4,
    },
]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Refunds take 14 days [1].", [1]),
        ("See [2, 3] and [1].", [1, 2, 3]),
        ("Both [1][3], again [3].", [1, 3]),
        ("No citation here, 1,800 items.", []),
        ("Costs $5 [ 2 ].", [2]),
    ],
)
def test_parse_citations(text, expected):
    assert parse_citations(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("I don't know.", True),
        ("I DO NOT KNOW", True),
        ("I don\u2019t know the answer.", True),
        ("I cannot find this in the sources.", True),
        ("That is not in the sources.", True),
        ("", True),
        ("Refunds take 14 days [1].", False),
        ("I know that refunds take 14 days.", False),
    ],
)
def test_is_refusal(text, expected):
    assert is_refusal(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        # not knowing (the generator's most common decline, issue 10)
        "I'm not sure.",
        "I\u2019m not sure yet.",
        "I am not certain about that.",
        "Not sure, sorry.",
        "I have no idea.",
        "No, I don't know if Nimbalo has a data center in Singapore.",
        'The answer is "I don\'t know."',
        # cannot answer / find / provide
        "I cannot answer that from the sources.",
        "I couldn't find that in the sources.",
        "We can't provide a specific number of people.",
        "I don't have that information.",
        "I do not have any information about a Linux app.",
        "As a chatbot, I don't have the capability to provide information about it.",
        # the sources do not say
        "The sources do not say.",
        "The sources above don't mention a lifetime licence.",
        "Source [2] does not specify the price.",
        "That is not provided in the sources.",
        "The exact amount is not specified.",
        # no information
        "There is no information about self-hosting.",
        "No information is available on that.",
        "The answer is not available in the help center.",
        # hedges that decline first are refusals (rule: scripts/collect_outputs.py)
        "I'm not sure, but the answer is 43 days.",
        "I don't know, maybe 43 days.",
        "   ",
    ],
)
def test_is_refusal_phrase_families(text):
    assert is_refusal(text)


@pytest.mark.parametrize(
    "text",
    [
        # answers that contain a negation, a "no" or an apology are not declines
        "The Slack integration does not refresh its access token every day.",
        "Nimbalo cannot map a column when an import file has a column that is not a Nimbalo column.",
        "The answer to this question is no, Nimbalo does not sell a lifetime licence.",
        "The Team plan includes 14 guests per workspace at no extra cost.",
        "We fixed a number of smaller bugs that are not listed individually.",
        "We don't have data residency in Singapore.",
        "Guests don't have the ability to edit boards.",
        "A refund is not provided for add-on purchases.",
        "I'm sorry for the confusion. I'm here to help you with any questions you have.",
        "Question: When are Enterprise invoices due?",
        "I'm sure it is 43 days.",
    ],
)
def test_is_refusal_answers_with_negations_are_not_refusals(text):
    assert not is_refusal(text)


def test_answer_contains_normalises():
    assert normalize_answer("  It costs $1,800,000\n now ") == "it costs 1800000 now"
    assert answer_contains("The fee is $1,800 per year.", ["1800", "per year"])
    assert answer_contains("The fee is 1800 dollars.", "$1,800")
    assert not answer_contains("The fee is 1,900.", ["1800"])
    assert not answer_contains("The fee is 1800.", ["1800", "monthly"])
    assert normalize_answer("1, 2, 3") == "1, 2, 3"  # list commas stay


def test_build_rag_messages_numbers_sources_in_order():
    msgs = build_rag_messages("How long do refunds take?", CHUNKS)
    assert [m["role"] for m in msgs] == ["user"]
    user = msgs[0]["content"]
    assert REFUSAL in user and "[1]" in user
    pos = [user.index(f"Source [{i}]: {c['title']}\n{c['text']}") for i, c in enumerate(CHUNKS, 1)]
    assert pos == sorted(pos)
    assert user.rstrip().endswith("How long do refunds take?")
    closed = build_closed_book_messages("How long do refunds take?")
    assert REFUSAL in closed[0]["content"] and "Source [1]" not in closed[0]["content"]


def test_answer_contains_matches_whole_tokens():
    assert answer_contains("Refunds within 19 days.", ["19 days"])
    assert not answer_contains("Refunds within 119 days.", ["19 days"])
    assert not answer_contains("It costs 124.85 a month", ["24.85"])
    assert answer_contains("It costs $24.85.", ["24.85"])


@pytest.mark.parametrize(
    "text,expected,hit",
    [
        # Issue 10: numbers, versions, prices and codes match only as whole tokens.
        ("Upgrade to version 4.5.2 first.", "5.2", False),
        ("Upgrade to version 4.5.2 first.", "4.5", False),
        ("Upgrade to version 4.5.2 first.", "4.5.2", True),
        ("It needs version 5.2.1.", "5.2", False),
        ("It needs version 5.2.", "5.2", True),  # closing period is not part of the number
        ("Version 5.2, released in May.", "5.2", True),
        ("Versions 5.2,3 and 6.", "5.2", False),  # a comma + digit continues the number
        ("The plan costs $112.50 a month.", "$12.50", False),
        ("The plan costs $12.50/month.", "$12.50", True),
        ("The plan costs $12.50.", "12.50", True),
        ("Refunds within 143 days.", "43 days", False),
        ("Refunds are possible (43 days).", "43 days", True),
        ("Error NB-47451 means a timeout.", "NB-4745", False),
        ("Error NB-4745 means a timeout.", "NB-4745", True),
        ("It is 1,800 seats.", "1800", True),
        ("Save 53.5% on the list price.", "53.5", True),
    ],
)
def test_answer_contains_numbers_versions_prices_codes(text, expected, hit):
    assert answer_contains(text, [expected]) is hit


def test_attribute_picks_the_supporting_source():
    chunks = [
        {"text": "Annual plans can be refunded within 43 days of the charge."},
        {"text": "Monthly plans can be refunded within 6 days of the charge."},
    ]
    assert attribute("Monthly plans are refundable within 6 days.", chunks) == 2
    assert attribute("The sky is blue today.", chunks) is None
    assert attribute("", chunks) is None


@pytest.mark.parametrize(
    "kw", [{"max_new_tokens": 0}, {"batch_size": 0}, {"greedy": False, "temperature": 0}]
)
def test_config_validates(kw):
    with pytest.raises(ValueError):
        GenerationConfig(**kw)


class EchoLengthModel:
    """Stub for plumbing: "answers" each row with its own number of real prompt tokens."""

    def __init__(self, tok):
        self.tok, self.device, self.calls = tok, torch.device("cpu"), 0
        self.generation_config = type("GC", (), {"eos_token_id": tok.eos_token_id})()

    def generate(self, input_ids, attention_mask, max_new_tokens, pad_token_id, **kw):
        self.calls += 1
        assert (attention_mask[:, -1] == 1).all(), "prompts must be left padded"
        rows = [
            self.tok.encode(str(int(n)), add_special_tokens=False) + [self.tok.eos_token_id]
            for n in attention_mask.sum(1)
        ]
        width = max(map(len, rows))
        new = torch.tensor([r + [pad_token_id] * (width - len(r)) for r in rows])
        return torch.cat([input_ids, new], dim=1)


@pytest.mark.slow
def test_generate_batch_restores_input_order(generator):
    _, tok = generator
    queries = [
        "short?",
        "a much longer question " * 12 + "?",
        "medium length question here?",
        "tiny",
    ]
    msgs = [build_closed_book_messages(q) for q in queries]
    stub = EchoLengthModel(tok)
    out = generate_batch(stub, tok, msgs, GenerationConfig(batch_size=3, progress=False))
    assert stub.calls == 2
    alone = [generate_batch(stub, tok, [m], GenerationConfig(progress=False))[0] for m in msgs]
    assert [o["prompt_tokens"] for o in out] == [a["prompt_tokens"] for a in alone]
    assert [o["text"] for o in out] == [str(o["prompt_tokens"]) for o in out]
    assert len({o["prompt_tokens"] for o in out}) == len(queries)
    assert all(o["new_tokens"] >= 1 and o["seconds"] >= 0 for o in out)


@pytest.mark.slow
def test_real_model_batched_equals_alone(generator):
    model, tok = generator
    queries = [
        "What is 2 + 2?",
        "Name a colour of the sky on a clear day and say why it looks that way.",
    ]
    msgs = [build_closed_book_messages(q) for q in queries]
    cfg = GenerationConfig(max_new_tokens=6, progress=False)
    batched = generate_batch(model, tok, msgs, cfg)
    alone = [generate_batch(model, tok, [m], cfg)[0] for m in msgs]
    assert [b["prompt_tokens"] for b in batched] == [a["prompt_tokens"] for a in alone]
    assert batched[0]["text"] == alone[0]["text"]  # the longest prompt has no padding in either run
    assert all(b["text"] for b in batched)


class ExplodingModel:
    def generate(self, *a, **kw):
        raise AssertionError("the refusal gate should not call the model")


def test_gate_skips_model_when_scores_low():
    low = [dict(c, score=0.1) for c in CHUNKS]
    out = rag_answer(
        ["q1", "q2"],
        lambda q, k, caller: low[:k],
        ExplodingModel(),
        tok=None,
        k=2,
        min_score=0.3,
        caller=PUBLIC,
    )
    assert [o["gated"] for o in out] == [True, True]
    assert all(o["text"] == REFUSAL and is_refusal(o["text"]) for o in out)
    assert all(
        len(o["chunks"]) == 2 and o["citations"] == [] and o["prompt_tokens"] == 0 for o in out
    )
    empty = rag_answer(
        ["q"], lambda q, k, caller: [], ExplodingModel(), tok=None, min_score=0.0, caller=PUBLIC
    )
    assert empty[0]["gated"]


@pytest.mark.slow
def test_rag_answer_end_to_end(generator):
    model, tok = generator

    def retrieve(q, k, caller):
        return CHUNKS[:k] if "refund" in q else [dict(c, score=0.05) for c in CHUNKS[:k]]

    cfg = GenerationConfig(max_new_tokens=24, progress=False)
    out = rag_answer(
        ["How long do refunds take?", "Who won the 1998 World Cup?"],
        retrieve,
        model,
        tok,
        k=3,
        min_score=0.3,
        cfg=cfg,
        caller=PUBLIC,
    )
    assert [o["gated"] for o in out] == [False, True]
    assert out[0]["prompt_tokens"] > 0 and out[0]["text"]
    assert all(1 <= c <= 3 for c in out[0]["citations"])
    assert [c["chunk_id"] for c in out[0]["cited_chunks"]] == [
        CHUNKS[c - 1]["chunk_id"] for c in out[0]["citations"]
    ]
    closed = closed_book_answer(["How long do refunds take?"], model, tok, cfg, caller=PUBLIC)
    assert set(closed[0]) == set(out[0]) and not closed[0]["gated"] and closed[0]["chunks"] == []


def test_apply_gate_turns_low_scores_into_refusals():
    from labkit.rag.generate import apply_gate

    res = [{"text": "43 days [1]", "citations": [1], "cited_chunks": [{}], "prompt_tokens": 9}] * 2
    out = apply_gate(res, [0.9, 0.1], 0.5)
    assert out[0] is res[0]
    assert out[1]["gated"] and is_refusal(out[1]["text"]) and out[1]["citations"] == []


def test_shared_prefix_length_keeps_one_own_token():
    assert shared_prefix_length([[1, 2, 3, 4], [1, 2, 3, 5], [1, 2, 9]]) == 2
    assert shared_prefix_length([[1, 2, 3], [1, 2, 3, 4]]) == 2  # never the whole shortest list
    assert shared_prefix_length([[7, 8]]) == 1
    assert shared_prefix_length([[1], [2]]) == 0
    assert shared_prefix_length([]) == 0


@pytest.mark.slow
def test_shared_prefix_cache_gives_the_same_answers(profile, monkeypatch):
    """A long shared system prompt runs once; in fp32 the answers equal plain left padding."""
    import labkit.rag.generate as G
    from labkit.models import load_generator

    model, tok = load_generator("none", profile, dtype=torch.float32)
    system = "You are the support assistant of Nimbalo, a project-planning app. " * 6
    msgs = [
        [{"role": "system", "content": system}, {"role": "user", "content": q}]
        for q in ("What is 2 + 2?", "Name a colour.", "How do I reset my password, please?")
    ]
    calls = []
    real = G._prefix_cache
    monkeypatch.setattr(G, "_prefix_cache", lambda m, p: calls.append(len(p)) or real(m, p))
    cfg = GenerationConfig(max_new_tokens=8, batch_size=2, progress=False)
    shared = generate_batch(model, tok, msgs, cfg)
    plain = generate_batch(
        model, tok, msgs, GenerationConfig(**{**cfg.__dict__, "shared_prefix_min": 0})
    )
    assert len(calls) == 1 and calls[0] >= 64  # computed once, for the whole system prompt
    assert [s["text"] for s in shared] == [p["text"] for p in plain]
    assert [s["prompt_tokens"] for s in shared] == [p["prompt_tokens"] for p in plain]


# --- issue 13 section 1: who is asking, on the answer path


def test_rag_answer_requires_a_caller_and_passes_it_to_retrieval():
    seen = []

    def retrieve(q, k, caller):
        seen.append(caller)
        return [dict(c, score=0.1) for c in CHUNKS[:k]]

    for bad in (None, "public", {"role": "public"}):
        with pytest.raises(TypeError, match=r"pass caller=Caller\('public'\) \(who is asking\?\)"):
            rag_answer(["q"], retrieve, ExplodingModel(), None, min_score=0.5, caller=bad)
    assert seen == []  # refused before any retrieval
    out = rag_answer(["q"], retrieve, ExplodingModel(), None, min_score=0.5, caller=PUBLIC)
    assert seen == [PUBLIC] and out[0]["caller"] == "public"
    with pytest.raises(TypeError, match="who is asking"):
        closed_book_answer(["q"], ExplodingModel(), None)


def test_rag_answer_stops_a_chunk_above_the_caller_before_any_prompt(monkeypatch):
    import labkit.rag.generate as gen

    def no_prompt(*a, **kw):
        raise AssertionError("a prompt was built")

    monkeypatch.setattr(gen, "build_rag_messages", no_prompt)
    monkeypatch.setattr(gen, "generate_batch", no_prompt)
    internal = dict(CHUNKS[1], access="internal")

    def leaky(q, k, caller):  # a retrieve function that ignores the caller
        return [CHUNKS[0], internal]

    for role in ("public", "customer"):
        with pytest.raises(AccessError, match=r"d2#0.*'internal'.*" + role):
            rag_answer(["q"], leaky, ExplodingModel(), None, k=2, caller=Caller(role))
    customer_only = dict(CHUNKS[1], access="customer")
    with pytest.raises(AccessError):
        rag_answer(["q"], lambda q, k, caller: [customer_only], None, None, k=1, caller=PUBLIC)
