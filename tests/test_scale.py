"""labkit.rag.scale: the synthetic vectors and the recall measure behind bench/vector_scale.py."""

import numpy as np
import pytest

from labkit.rag.scale import build_ann, clustered, index_bytes, mixture, recall_at_k, time_search


def _data(n=600, seed=3):
    centres, basis = mixture(8, 16, seed=0, dim=32)
    return clustered(n, centres, basis, spread=0.3, noise=0.05, rng=np.random.default_rng(seed))


def test_recall_on_hand_cases():
    truth = np.array([[1, 2, 3, 4], [5, 6, 7, 8]])
    assert recall_at_k(truth, truth) == 1.0
    found = np.array([[4, 3, 9, 9], [8, -1, -1, -1]])  # 2 of 4, then 1 of 4
    assert recall_at_k(found, truth) == pytest.approx((0.5 + 0.25) / 2)
    # a -1 (no hit) never counts, even when the truth would hold -1
    assert recall_at_k(np.array([[-1, -1]]), np.array([[-1, 0]])) == 0.0


@pytest.mark.parametrize(
    "found, truth",
    [
        (np.zeros((2, 3)), np.zeros((3, 3))),
        (np.zeros((1, 0)), np.zeros((1, 0))),
        (np.zeros(3), np.zeros(3)),
    ],
)
def test_recall_refuses_bad_shapes(found, truth):
    with pytest.raises(ValueError, match="must be"):
        recall_at_k(found, truth)


def test_clustered_unit_norm_deterministic_and_clustered():
    a, b = _data(), _data()
    assert a.shape == (600, 32) and a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, _data(seed=4))
    # clustered: a vector's nearest other vector is much closer than a random pair
    sims = a @ a.T
    np.fill_diagonal(sims, -2)
    assert sims.max(axis=1).mean() > np.median(sims) + 0.3


def test_mixture_refuses_bad_sizes():
    with pytest.raises(ValueError, match="latent"):
        mixture(4, 64, dim=32)
    with pytest.raises(ValueError, match="n_centres"):
        mixture(0, 8, dim=32)


def test_indexes_find_the_exact_neighbours_and_refuse_unknown_kinds():
    xb = _data()
    xq = _data(n=50, seed=9)
    flat, _ = build_ann("flat", xb)
    truth, qps = time_search(flat, xq, 10, rounds=2)
    assert truth.shape == (50, 10) and len(qps) == 2 and min(qps) > 0
    hnsw, _ = build_ann("hnsw", xb)
    hnsw.hnsw.efSearch = 128
    assert recall_at_k(time_search(hnsw, xq, 10, rounds=1)[0], truth) > 0.9
    ivf, _ = build_ann("ivf", xb, nlist=8)
    ivf.nprobe = 8  # every list: exact
    assert recall_at_k(time_search(ivf, xq, 10, rounds=1)[0], truth) == 1.0
    ivf.nprobe = 1
    assert recall_at_k(time_search(ivf, xq, 10, rounds=1)[0], truth) < 1.0
    assert index_bytes(flat) >= xb.nbytes
    with pytest.raises(ValueError, match="kind"):
        build_ann("lsh", xb)
