"""Canaries of labkit.security.canary (notebook 08): planting, leak counting, exposure."""

import math
import re

import pytest

from labkit.rag.index import check_docs
from labkit.security import canary as C
from labkit.security.canary import (
    CanaryConfig,
    canary_document,
    canary_training_set,
    continuation_logprobs,
    exposure,
    extraction_prompts,
    leaks,
    make_canaries,
)

FORMAT = re.compile(r"^NMB-CANARY-[A-Z0-9]{4}-[A-Z0-9]{2}$")
FILLER = [
    {"id": f"f{i}", "messages": [{"role": "user", "content": f"q{i}"},
                                 {"role": "assistant", "content": f"a{i}"}]}
    for i in range(20)
]  # fmt: skip


def test_canaries_have_the_format_are_unique_and_fixed_by_seed():
    a = make_canaries(CanaryConfig(n_canaries=4, seed=0))
    assert all(FORMAT.match(c["code"]) for c in a)
    assert len({c["code"] for c in a}) == 4 and len({c["partner"] for c in a}) == 4
    assert a == make_canaries(CanaryConfig(n_canaries=4, seed=0))
    assert a != make_canaries(CanaryConfig(n_canaries=4, seed=1))


def test_config_validates():
    for bad in ({"n_canaries": 0}, {"n_canaries": 99}, {"repeats": 0}, {"n_candidates": 1}):
        with pytest.raises(ValueError):
            CanaryConfig(**bad)


def test_training_set_plants_each_canary_repeats_times_and_keeps_filler():
    cans = make_canaries(CanaryConfig(n_canaries=3))
    recs = canary_training_set(cans, FILLER, repeats=5)
    assert len(recs) == len(FILLER) + 15
    for c in cans:
        hits = [r for r in recs if c["code"] in r["messages"][-1]["content"]]
        assert len(hits) == 5
        assert len({r["messages"][0]["content"] for r in hits}) == 5  # five phrasings
    assert [r for r in recs if r in FILLER] == FILLER  # filler order unchanged
    assert recs[0] != recs[1] or len(recs) < 2
    # spread, not one block: the first and last planted records are far apart
    pos = [i for i, r in enumerate(recs) if r["id"].startswith("canary-")]
    assert pos[-1] - pos[0] > len(recs) // 2
    assert canary_training_set([], FILLER) == FILLER  # the retrained set: no secret left


def test_document_is_internal_and_indexable():
    cans = make_canaries()
    doc = canary_document(cans)
    assert doc["access"] == "internal"
    assert all(c["code"] in doc["body"] for c in cans)
    check_docs([doc])  # raises if the index would refuse it


def test_extraction_prompts_cover_three_kinds_and_never_contain_the_secret():
    cans = make_canaries()
    prompts = extraction_prompts(cans)
    assert {p["kind"] for p in prompts} == {"direct", "prefix", "roleplay"}
    assert len(prompts) == 6 * len(cans)
    assert not any(c["code"] in p["prompt"] for p in prompts for c in cans)


def test_leaks_are_exact_codes():
    cans = make_canaries(CanaryConfig(n_canaries=2))
    code = cans[0]["code"]
    assert leaks(f"Use {code.lower()} at checkout.", cans) == [code]
    assert leaks(f"Use {code[:-1]} at checkout.", cans) == []  # one symbol short is no leak
    assert leaks("No code here.", cans) == []


class CharTok:
    """A character-level tokenizer (ids 1..299) for the tiny test model."""

    pad_token_id = 0

    def __call__(self, text, add_special_tokens=False):
        return {"input_ids": [ord(ch) % 299 + 1 for ch in text]}


def test_continuation_logprobs_match_a_full_forward_pass():
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    cfg = LlamaConfig(
        vocab_size=300, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
    )  # fmt: skip
    model = LlamaForCausalLM(cfg).eval()
    tok = CharTok()
    prompt = "The code is NMB-"
    conts = ["AB12-X9.", "ZZ-1.", "AB12-X9!", "Q"]  # different lengths: rows are padded
    got = continuation_logprobs(model, tok, prompt, conts, batch_size=3)
    ids = [tok(prompt + c)["input_ids"] for c in conts]
    n = len(tok(prompt)["input_ids"])  # common prefix of these strings is exactly the prompt
    for g, row in zip(got, ids, strict=True):
        with torch.no_grad():
            lp = torch.log_softmax(model(torch.tensor([row])).logits[0].float(), -1)
        ref = sum(float(lp[j - 1, row[j]]) for j in range(n, len(row)))
        assert g == pytest.approx(ref, abs=1e-3)
    assert got[0] != pytest.approx(got[2], abs=1e-6)


class ChatTok(CharTok):
    def apply_chat_template(self, messages, add_generation_prompt=True, tokenize=False):
        return "".join(f"<{m['role']}>{m['content']}" for m in messages) + "<assistant>"


@pytest.mark.parametrize("true_rank", [1, 8, 64])
def test_exposure_is_log2_n_minus_log2_rank(monkeypatch, true_rank):
    seen = {}

    def fake_scores(model, tok, prompt, conts, batch_size=128):
        seen["prompt"], seen["conts"] = prompt, conts
        # candidate i (0 = the true code) scores -i, except the true one sits at true_rank
        scores = [-float(i) for i in range(len(conts))]
        scores[0] = -(true_rank - 1) - 0.5
        return scores

    monkeypatch.setattr(C, "continuation_logprobs", fake_scores)
    can = make_canaries()[0]
    res = exposure(None, ChatTok(), can, CanaryConfig(n_candidates=128))
    assert res["n"] == 128 and res["rank"] == true_rank
    assert res["exposure"] == pytest.approx(math.log2(128) - math.log2(true_rank))
    assert res["max_exposure"] == pytest.approx(7.0)
    tail = can["code"][len("NMB-CANARY-") :]
    assert seen["conts"][0] == tail + "." and len(set(seen["conts"])) == 128
    assert all(re.match(r"^[A-Z0-9]{4}-[A-Z0-9]{2}\.$", c) for c in seen["conts"])
    assert seen["prompt"].endswith(f"{can['partner']} partner programme is NMB-CANARY-")
