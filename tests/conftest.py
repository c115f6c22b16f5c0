"""Shared fixtures: one offline profile and one real model of each role per test session.

The models are real (MiniLM, SmolLM2-135M) and loaded once; tests that use them are marked slow.
The profile never asks the hub (``check_hub=False``), so tests run the offline resolution path.
"""

import pytest


@pytest.fixture(scope="session")
def profile():
    from labkit.env import setup

    return setup(seed=0, check_hub=False)


@pytest.fixture(scope="session")
def embedder(profile):
    from labkit.models import load_embedder

    return load_embedder(profile)


@pytest.fixture(scope="session")
def minilm_tokenizer(embedder):
    return embedder.tokenizer


@pytest.fixture(scope="session")
def generator(profile):
    """(model, tok): SmolLM2-135M-Instruct unquantised (bf16 on CPUs with native bf16, else fp32)."""
    from labkit.models import load_generator

    return load_generator("none", profile)
