"""Tests for labkit.finetune.train: QLoRA on the real SmolLM2-135M in NF4 (CPU), with tiny hand-made chats.

Slow tests load the real generator (a few seconds each) and train for a handful of steps.
"""

import json
import math
import shutil

import pytest
import torch

from labkit.finetune import train as T
from labkit.store import sha256_file


def _rec(i: int, reply: str | None = None) -> dict:
    reply = reply or (
        f'{{"category": "billing", "priority": "normal", "escalate": false, '
        f'"reply": "Hi Dana, invoice {i} is fixed. — Nimbalo Support"}}'
    )
    return {
        "id": f"t{i}",
        "messages": [
            {"role": "system", "content": "Triage the ticket. Answer with one JSON object."},
            {
                "role": "user",
                "content": f"Subject: invoice {i}\nMy invoice {i} shows the wrong plan.",
            },
            {"role": "assistant", "content": reply},
        ],
    }


RECORDS = [_rec(i) for i in range(4)]


@pytest.fixture(autouse=True)
def _one_thread():
    """Train on one torch thread: on the shared 2-core box, 2 threads made a 3-step run 14x
    slower (61.6 s vs 4.5 s) as the OpenMP workers fought other jobs for the cores. Per test,
    because the session ``profile`` fixture (labkit.setup) sets 2 threads when first used."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


def _cfg(**kw) -> T.QLoRAConfig:
    base = dict(max_len=96, batch_size=2, logging_steps=1, warmup_ratio=0.0, save_steps=2)
    return T.QLoRAConfig(**{**base, **kw})


# ---------------------------------------------------------------- plumbing (fast)


def test_config_defaults_validation_and_json_roundtrip():
    cfg = T.QLoRAConfig()
    assert cfg.quant == "nf4" and cfg.r == 16 and cfg.alpha == 32 and cfg.lr == 2e-4
    assert set(cfg.target_modules) == {"q_proj", "k_proj", "v_proj", "o_proj"} | {
        "gate_proj",
        "up_proj",
        "down_proj",
    }
    d = json.loads(json.dumps(cfg.to_dict()))
    assert T.QLoRAConfig.from_dict(d) == cfg
    for bad in (
        {"quant": "int8"},
        {"r": 0},
        {"dropout": 1.0},
        {"lr": 0},
        {"scheduler": "step"},
        {"target_modules": ()},
        {"compute_dtype": "fp8"},
    ):
        with pytest.raises(ValueError):
            T.QLoRAConfig(**bad)
    with pytest.raises(ValueError, match="unknown"):
        T.QLoRAConfig.from_dict({**d, "epochs": 3})


def test_to_prompt_completion_and_data_hash():
    rows = T.to_prompt_completion(RECORDS[:1])
    assert [m["role"] for m in rows[0]["prompt"]] == ["system", "user"]
    assert rows[0]["completion"] == [
        {"role": "assistant", "content": RECORDS[0]["messages"][-1]["content"]}
    ]
    with pytest.raises(ValueError):
        T.to_prompt_completion([{"messages": RECORDS[0]["messages"][:2]}])  # no assistant turn
    assert T.data_sha256(RECORDS) == T.data_sha256(json.loads(json.dumps(RECORDS)))
    assert T.data_sha256(RECORDS) != T.data_sha256(RECORDS[:3])


def _fake_adapter(folder, base_model):
    folder.mkdir(parents=True)
    (folder / T.META_FILE).write_text(json.dumps({"base_model": base_model, "completed": True}))
    (folder / "adapter_config.json").write_text("{}")
    return folder


def test_load_adapter_refuses_other_base_model(tmp_path, profile):
    folder = _fake_adapter(tmp_path / "adapter", "HuggingFaceTB/SmolLM2-1.7B-Instruct")
    for call in (
        lambda: T.load_adapter(folder, profile=profile),
        lambda: T.merge_for_serving(folder, profile),
    ):
        with pytest.raises(ValueError) as e:
            call()
        msg = str(e.value)
        assert "SmolLM2-1.7B-Instruct" in msg and "SmolLM2-135M-Instruct" in msg and "Fix" in msg
    with pytest.raises(FileNotFoundError):
        T.load_adapter(tmp_path / "nothing", profile=profile)


# ------------------------------------------- issue 12 section 3: bad training input, broken adapters


def _no_model_loads(monkeypatch):
    import labkit.models

    def refuse(*a, **k):
        raise AssertionError("a model was loaded before the input was checked")

    monkeypatch.setattr(labkit.models, "load_generator", refuse)


def test_train_adapter_on_no_records_fails_before_loading_the_model(tmp_path, monkeypatch, profile):
    _no_model_loads(monkeypatch)
    for call in (
        lambda: T.train_adapter([], _cfg(), tmp_path / "out", profile, progress=False),
        lambda: T.make_trainer([], _cfg(), tmp_path / "ckpt", profile, progress=False),
    ):
        with pytest.raises(ValueError, match="train_records is empty: there is nothing to train"):
            call()
    with pytest.raises(ValueError, match="record 1: last message must be the assistant"):
        bad = [RECORDS[0], {"messages": RECORDS[1]["messages"][:2]}]
        T.train_adapter(bad, _cfg(), tmp_path / "out", profile, progress=False)
    assert not (tmp_path / "out").exists()  # nothing half-made either


def _adapter_with_weights(folder, profile):
    """A fake adapter folder for this profile's base model, with a small complete safetensors."""
    from safetensors.torch import save_file

    from labkit.models import resolve_model

    folder = _fake_adapter(folder, resolve_model("generator", profile).name)
    (folder / "adapter_config.json").write_text('{"r": 16}')
    save_file({"lora_A": torch.zeros(16, 64)}, str(folder / "adapter_model.safetensors"))
    return folder


def test_truncated_adapter_weights_name_the_file_and_the_fix(tmp_path, monkeypatch, profile):
    folder = _adapter_with_weights(tmp_path / "adapter", profile)
    T.check_adapter_files(folder)  # complete: passes
    weights = folder / "adapter_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:3000])
    _no_model_loads(monkeypatch)
    for call in (
        lambda: T.load_adapter(folder, profile=profile),
        lambda: T.merge_for_serving(folder, profile),
    ):
        with pytest.raises(T.AdapterError) as e:
            call()
        msg = str(e.value)
        assert str(weights) in msg and "truncated or corrupt" in msg
        assert f"delete the adapter folder {folder}" in msg


def test_broken_adapter_metadata_names_the_file_and_the_fix(tmp_path, monkeypatch, profile):
    folder = _adapter_with_weights(tmp_path / "adapter", profile)
    meta = folder / T.META_FILE
    meta.write_text(meta.read_text()[:20])  # cut short
    _no_model_loads(monkeypatch)
    with pytest.raises(
        T.AdapterError, match=r"labkit_adapter\.json: adapter metadata is not valid"
    ):
        T.load_adapter(folder, profile=profile)
    meta.write_text('{"completed": true}')  # parses, but names no base model
    with pytest.raises(T.AdapterError, match=r"has no 'base_model'.*Fix: delete"):
        T.read_adapter_meta(folder)
    (folder / "adapter_config.json").write_text("{")
    with pytest.raises(T.AdapterError, match=r"adapter_config\.json is not valid JSON"):
        T.check_adapter_files(folder)


def test_damaged_adapter_is_not_trained_so_the_cache_retrains(tmp_path, profile):
    folder = _adapter_with_weights(tmp_path / "out" / "adapter", profile)
    meta = json.loads((folder / T.META_FILE).read_text())
    meta |= {"config": _cfg().to_dict(), "data_sha256": T.data_sha256(RECORDS)}
    (folder / T.META_FILE).write_text(json.dumps(meta))
    assert T.adapter_is_trained(tmp_path / "out", _cfg(), RECORDS, profile)
    weights = folder / "adapter_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:3000])
    with pytest.warns(UserWarning, match="truncated or corrupt.*Treating it as not trained"):
        assert not T.adapter_is_trained(tmp_path / "out", _cfg(), RECORDS, profile)


# ---------------------------------------------------------------- 4-bit + LoRA (slow)


@pytest.fixture(scope="module")
def qlora(profile):
    torch.set_num_threads(1)
    return T.load_for_training(_cfg(dropout=0.0), profile)


def _batch(tok, n=2):
    texts = [tok.apply_chat_template(r["messages"], tokenize=False) for r in RECORDS[:n]]
    enc = tok(texts, return_tensors="pt", padding=True)
    labels = enc["input_ids"].masked_fill(enc["attention_mask"] == 0, -100)
    return {**enc, "labels": labels}


def _lora_params(model):
    return [(n, p) for n, p in model.named_parameters() if "lora_" in n]


@pytest.mark.slow
def test_nf4_lora_model_is_frozen_small_and_gets_real_gradients(qlora):
    model, tok = qlora
    assert getattr(model, "is_loaded_in_4bit", False)
    import bitsandbytes as bnb

    n4 = sum(isinstance(m, bnb.nn.Linear4bit) for m in model.modules())
    assert n4 == 30 * 7  # every projection of the 30 blocks is 4-bit
    for n, p in model.named_parameters():
        assert p.requires_grad == ("lora_" in n), n
    share = T.trainable_share(model)
    assert 0 < share["share"] < 0.05 and share["total"] > 130e6

    batch = _batch(tok)
    model.zero_grad()
    model(**batch).loss.backward()
    params = _lora_params(model)
    assert len(params) == 2 * 30 * 7
    for n, p in params:
        assert p.grad is not None and torch.isfinite(p.grad).all(), n
        if "lora_B" in n:
            assert p.grad.abs().sum() > 0, n
        else:  # B starts at 0, so no gradient reaches A in the first step
            assert p.grad.abs().sum() == 0, n

    # one SGD step moves B off zero; now every LoRA matrix must get a non-zero gradient
    with torch.no_grad():
        for _, p in params:
            p -= 1e-2 * p.grad
    model.zero_grad()
    loss = model(**batch).loss
    loss.backward()
    for n, p in params:
        assert p.grad is not None and torch.isfinite(p.grad).all(), n
        assert p.grad.abs().sum() > 0, n

    # the gradient is the real one: the loss changes along it as predicted (central difference)
    g = torch.cat([p.grad.flatten() for _, p in params])
    gnorm = float(g.norm())
    eps = 0.05 / gnorm  # step size giving a loss change of ~0.1
    with torch.no_grad():
        f = []
        for sign in (1, -1):
            for _, p in params:
                p += sign * eps * p.grad
            f.append(float(model(**batch).loss))
            for _, p in params:
                p -= sign * eps * p.grad
    slope = (f[0] - f[1]) / (2 * eps)  # directional derivative along g, predicted = |g|^2
    assert slope == pytest.approx(gnorm**2, rel=0.15)  # fresh: 0.96; repacked model: 0.70
    model.zero_grad()


@pytest.mark.slow
def test_add_lora_guards(qlora, profile):
    model, _ = qlora
    with pytest.warns(UserWarning, match="already has LoRA"):
        assert T.add_lora(model, _cfg()) is model

    from labkit.models import load_generator

    fresh, tok = load_generator("nf4", profile)  # what a notebook uses for generate()
    with torch.no_grad():
        fresh(**tok(["Hello there"], return_tensors="pt"))  # an inference forward
    if not T._repacked_layers(fresh):
        pytest.skip("this CPU's bitsandbytes path does not repack 4-bit weights")
    with pytest.raises(ValueError, match="repacked"):
        T.add_lora(fresh, _cfg())


@pytest.mark.slow
def test_completion_only_labels_and_loss_falls(tmp_path, profile):
    recs = [RECORDS[0], RECORDS[1]] * 2  # 2 examples, repeated
    cfg = _cfg(lr=2e-3, max_steps=8, dropout=0.0, save_steps=100)
    trainer = T.make_trainer(recs, cfg, tmp_path / "ck", profile, progress=False)
    tok = trainer.processing_class

    # what TRL really trains on: only the assistant reply (+ end of turn) carries labels
    row = trainer.train_dataset[0]
    batch = trainer.data_collator([row])
    ids, labels = batch["input_ids"][0], batch["labels"][0]
    kept = labels != -100
    assert kept.any() and not kept.all()
    start = int(kept.nonzero()[0])
    assert kept[start:].all()  # one contiguous block at the end
    assert torch.equal(labels[kept], ids[kept])
    prompt = tok.apply_chat_template(
        recs[0]["messages"][:2], tokenize=False, add_generation_prompt=True
    )
    assert tok.decode(ids[:start]) == prompt
    target = tok.decode(ids[start:])
    assert target.startswith(recs[0]["messages"][2]["content"]) and "<|im_end|>" in target

    trainer.train()
    losses = [e["loss"] for e in trainer.state.log_history if "loss" in e]
    assert len(losses) == 8 and all(math.isfinite(x) for x in losses)
    assert losses[-1] < 0.5 * losses[0], losses


@pytest.mark.slow
def test_prompt_longer_than_max_len_is_refused(tmp_path, profile):
    with pytest.raises(ValueError, match="max_len"):
        T.make_trainer(RECORDS[:2], _cfg(max_len=16), tmp_path / "ck", profile, progress=False)


class _Crash(RuntimeError):
    pass


@pytest.fixture(scope="module")
def trained(tmp_path_factory, profile):
    """An uninterrupted 4-step run (checkpoints every 2 steps)."""
    torch.set_num_threads(1)  # module fixtures run before the per-test _one_thread
    out = tmp_path_factory.mktemp("adapter_run")
    meta = T.train_adapter(RECORDS, _cfg(max_steps=4), out, profile, progress=False)
    return out, meta


@pytest.mark.slow
def test_train_adapter_metadata_and_reuse(trained, profile):
    out, meta = trained
    assert meta["completed"] and meta["steps"] == 4 and meta["resumed_from_step"] == 0
    assert meta["base_model"] == "HuggingFaceTB/SmolLM2-135M-Instruct"
    assert meta["data_sha256"] == T.data_sha256(RECORDS)
    assert [s for s, _ in meta["loss_history"]] == [1, 2, 3, 4]
    assert meta["final_loss"] == meta["loss_history"][-1][1]
    assert meta["tokens_seen"] > 0 and meta["tokens_per_s"] > 0
    assert set(meta["versions"]) >= {"peft", "transformers", "trl"}
    saved = json.loads((out / "adapter" / T.META_FILE).read_text())
    assert saved["loss_history"] == [list(x) for x in meta["loss_history"]]
    assert (out / "adapter" / "adapter_model.safetensors").is_file()
    assert T.adapter_is_trained(out, _cfg(max_steps=4), RECORDS, profile)
    assert not T.adapter_is_trained(out, _cfg(max_steps=5), RECORDS, profile)
    assert not T.adapter_is_trained(out, _cfg(max_steps=4), RECORDS[:3], profile)


@pytest.mark.slow
def test_resume_after_crash_matches_uninterrupted_run(trained, tmp_path, profile):
    from transformers import TrainerCallback

    class CrashAfterSave(TrainerCallback):
        def on_save(self, args, state, control, **kw):
            if state.global_step == 2:
                raise _Crash("simulated crash right after checkpoint-2")

    _, ref = trained
    out = tmp_path / "run"
    with pytest.raises(_Crash):
        T.train_adapter(
            RECORDS, _cfg(max_steps=4), out, profile, progress=False, callbacks=[CrashAfterSave()]
        )
    assert (out / "checkpoints" / "checkpoint-2").is_dir() and not (out / "adapter").exists()
    meta = T.train_adapter(RECORDS, _cfg(max_steps=4), out, profile, progress=False)
    assert meta["resumed_from_step"] == 2
    # same seed -> same steps 1-2 (determinism), and the resumed steps 3-4 match too
    assert meta["loss_history"] == ref["loss_history"]
    assert meta["final_loss"] == ref["final_loss"]


@pytest.mark.slow
def test_adapter_save_is_atomic(trained, tmp_path, profile, monkeypatch):
    src, _ = trained
    out = tmp_path / "copy"
    shutil.copytree(src, out)
    before = {p.name: sha256_file(p) for p in (out / "adapter").iterdir()}

    from peft import PeftModel

    def broken_save(self, save_directory, **kw):
        (save_directory / "adapter_model.safetensors").write_bytes(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(PeftModel, "save_pretrained", broken_save)
    with pytest.raises(OSError, match="disk full"):
        # resumes from checkpoint-4 (nothing left to train) and fails while saving
        T.train_adapter(RECORDS, _cfg(max_steps=4), out, profile, progress=False)
    after = {p.name: sha256_file(p) for p in (out / "adapter").iterdir()}
    assert after == before
    assert not [p for p in out.iterdir() if p.name.startswith((".tmp-", ".old-"))]


@pytest.mark.slow
def test_load_adapter_and_merge_agree(trained, profile):
    out, _ = trained
    peft_model, tok = T.load_adapter(out, "none", profile, dtype=torch.float32)
    assert not peft_model.training
    merged = T.merge_for_serving(out, profile, dtype=torch.float32)
    assert type(merged).__name__ == "LlamaForCausalLM" and not hasattr(merged, "peft_config")
    enc = tok(["Subject: invoice 9\nMy invoice is wrong."], return_tensors="pt")
    with torch.no_grad():
        a = peft_model(**enc).logits
        b = merged(**enc).logits
        base = peft_model.get_base_model()
        with peft_model.disable_adapter():
            c = base(**enc).logits
    assert torch.allclose(a, b, atol=1e-3), float((a - b).abs().max())
    assert (a - c).abs().max() > 1e-3  # the adapter changes the outputs


# ---------------------------------------------------------------- memory and perplexity (slow)


@pytest.mark.slow
def test_memory_footprints(profile):
    fp = T.memory_footprints(profile)
    assert fp["nf4"] < fp["bf16"] < fp["fp32"]
    assert fp["bf16"] / fp["fp32"] == pytest.approx(0.5, abs=0.01)
    assert 0.7 < fp["quantized_share"] < 0.9  # embeddings are ~21% of SmolLM2-135M
    assert fp["nf4_over_fp32"] == pytest.approx(fp["nf4"] / fp["fp32"])
    assert fp["nf4_over_fp32"] < 0.35


ENGLISH = (
    "The library opens at nine in the morning and closes at six in the evening. Visitors can "
    "borrow up to five books at a time, and most loans last three weeks. Children's books are on "
    "the ground floor, while the reading room and the local history archive are upstairs. "
) * 3


@pytest.mark.slow
def test_perplexity_windows_and_sanity(generator):
    model, tok = generator
    ids = tok(ENGLISH, add_special_tokens=False, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        full = math.exp(float(model(input_ids=ids, labels=ids).loss))
    one = T.perplexity(model, tok, ENGLISH, max_len=1024, stride=1024)
    assert one == pytest.approx(full, rel=1e-4)
    windowed = T.perplexity(model, tok, ENGLISH, max_len=64, stride=32)
    assert 1 < one < windowed < 60  # less context -> higher perplexity, still fluent English
    words = ENGLISH.split()
    shuffled = " ".join(
        words[i] for i in torch.randperm(len(words), generator=torch.Generator().manual_seed(0))
    )
    assert T.perplexity(model, tok, shuffled, max_len=64, stride=32) > 3 * windowed


def test_cpu_loss_scores_reply_tokens_only_with_same_loss_and_grads(monkeypatch):
    """labkit lets TRL's fused LM head drop prompt/padding positions on CPU (~30% of a step):
    the projection sees only the labelled rows, and loss and LoRA-free grads are unchanged."""
    from contextlib import nullcontext

    import trl.trainer.utils as tu
    from transformers import LlamaConfig, LlamaForCausalLM

    assert T.score_replies_only_on_cpu(), "installed TRL no longer matches: see the docstring"
    assert T.score_replies_only_on_cpu()  # idempotent
    rows = []
    real_apply = tu._ChunkedLogProbFunction.apply

    def spy(hidden, *args):
        rows.append(hidden.shape[0])
        return real_apply(hidden, *args)

    monkeypatch.setattr(tu._ChunkedLogProbFunction, "apply", spy)
    torch.manual_seed(0)
    cfg = LlamaConfig(
        vocab_size=300, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
    )  # fmt: skip
    model = LlamaForCausalLM(cfg)
    tu.add_fused_lm_head(model)
    ids = torch.randint(0, 300, (2, 12))
    labels = ids.clone()
    labels[:, :7] = -100  # the prompt
    labels[1, 10:] = -100  # padding
    results = {}
    for name, path in (("full", T.trl_every_position_loss), ("compact", nullcontext)):
        with path():
            model.zero_grad()
            out = model(input_ids=ids, labels=labels, fused_lm_head=True)
            out.loss.backward()
        results[name] = (out.loss.detach(), [p.grad.clone() for p in model.parameters()])
    n_labelled = int((labels[:, 1:] != -100).sum())
    assert rows == [2 * 11, n_labelled]  # full scores every shifted position, compact the replies
    torch.testing.assert_close(results["full"][0], results["compact"][0])
    for a, b in zip(results["full"][1], results["compact"][1], strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)


@pytest.mark.slow
def test_a_learning_curve_is_stored_and_does_not_change_the_weights(trained, tmp_path, profile):
    """labkit.hybrid.course.facts_adapter relies on this: a cached adapter serves with or without a curve."""
    from safetensors.torch import load_file

    from labkit.finetune.learning_curve import AnswerCurve
    from labkit.models import load_tokenizer

    out_ref, _ = trained  # the same records and config, trained without a callback
    pairs = [(r["messages"][:2], r["messages"][2]["content"]) for r in RECORDS]
    curve = AnswerCurve(load_tokenizer(profile), {"train": pairs, "first": pairs[:1]}, every=3)
    out = tmp_path / "with-curve"
    meta = T.train_adapter(
        RECORDS, _cfg(max_steps=4), out, profile, progress=False, callbacks=[curve]
    )
    assert [p["step"] for p in meta["learning_curve"]] == [0, 3, 4]
    assert meta["learning_curve_sizes"] == {"train": 4, "first": 1}
    assert 0 < meta["learning_curve_seconds"] and meta["train_seconds"] > 0
    assert all(0.0 <= p["train"] <= 1.0 for p in meta["learning_curve"])
    a = load_file(out_ref / "adapter" / "adapter_model.safetensors")
    b = load_file(out / "adapter" / "adapter_model.safetensors")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
