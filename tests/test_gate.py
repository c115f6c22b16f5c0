"""Promotion gate: exact McNemar against hand-computed binomial sums, bootstrap, decisions."""

import math

import numpy as np
import pytest

from labkit.finetune.gate import (
    GateConfig,
    access_check,
    mcnemar_exact,
    paired_bootstrap,
    promotion_decision,
)


def pairs(b, c, both_right=0, both_wrong=0):
    """Per-item correctness lists with the given discordant / concordant counts."""
    cand = [True] * b + [False] * c + [True] * both_right + [False] * both_wrong
    base = [False] * b + [True] * c + [True] * both_right + [False] * both_wrong
    return cand, base


# Two-sided exact p = 2 * P(X <= min(b, c)), X ~ Binomial(b + c, 1/2), capped at 1; by hand:
HAND = [
    (8, 2, 2 * (1 + 10 + 45) / 2**10),  # 0.109375
    (2, 8, 0.109375),  # symmetric in b and c
    (10, 0, 2 / 2**10),  # 0.001953125
    (6, 1, 2 * (1 + 7) / 2**7),  # 0.125
    (8, 3, 2 * (1 + 11 + 55 + 165) / 2**11),  # 0.2265625
    (15, 5, 2 * (1 + 20 + 190 + 1140 + 4845 + 15504) / 2**20),  # 0.0413894653...
    (1, 0, 1.0),
    (5, 5, 1.0),  # b == c: no evidence either way
    (0, 0, 1.0),  # b + c == 0
]


@pytest.mark.parametrize("b,c,p", HAND)
def test_mcnemar_matches_hand_computed(b, c, p):
    cand, base = pairs(b, c, both_right=7, both_wrong=3)
    r = mcnemar_exact(cand, base)
    assert (r["b"], r["c"], r["both_right"], r["both_wrong"], r["n"]) == (b, c, 7, 3, b + c + 10)
    assert r["p_value"] == pytest.approx(p, rel=1e-12, abs=1e-15)
    assert r["delta"] == pytest.approx((b - c) / r["n"])


def test_mcnemar_reference_value_and_concordant_items_do_not_matter():
    assert mcnemar_exact(*pairs(8, 2))["p_value"] == pytest.approx(0.109375)
    assert mcnemar_exact(*pairs(8, 2, 500, 500))["p_value"] == pytest.approx(0.109375)


def test_mcnemar_identical_lists_and_bad_input():
    r = mcnemar_exact([True, False, True], [True, False, True])
    assert (r["b"], r["c"], r["p_value"], r["delta"]) == (0, 0, 1.0, 0.0)
    assert mcnemar_exact(np.array([1, 0, 1]), [0, 0, 1])["b"] == 1  # 0/1 and numpy bools accepted
    with pytest.raises(ValueError, match="aligned"):
        mcnemar_exact([True, False], [True])
    with pytest.raises(ValueError, match="no items"):
        mcnemar_exact([], [])
    with pytest.raises(TypeError, match=r"candidate_correct\[1\]"):
        mcnemar_exact([True, 0.7], [True, False])


def test_bootstrap_ci_contains_true_difference_and_is_deterministic():
    rng = np.random.default_rng(123)
    base = rng.uniform(0.2, 0.8, size=300)
    cand = base + 0.1 + rng.normal(0, 0.05, size=300)  # true mean difference 0.1
    r = paired_bootstrap(cand, base, n_boot=2000, seed=0)
    assert r["ci_low"] < 0.1 < r["ci_high"]
    assert r["ci_low"] < r["mean_diff"] < r["ci_high"]
    assert r["ci_high"] - r["ci_low"] < 0.03  # pairing removes the spread of base (sd ~0.17)
    assert paired_bootstrap(cand, base, n_boot=2000, seed=0) == r
    assert paired_bootstrap(cand, base, n_boot=2000, seed=1)["ci_low"] != r["ci_low"]


def test_bootstrap_constant_difference_and_errors():
    r = paired_bootstrap([0.5, 0.7, 0.9], [0.2, 0.4, 0.6], n_boot=50)
    assert r["mean_diff"] == pytest.approx(0.3)
    assert r["ci_low"] == pytest.approx(0.3) and r["ci_high"] == pytest.approx(0.3)
    with pytest.raises(ValueError, match="aligned"):
        paired_bootstrap([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="finite"):
        paired_bootstrap([1.0, math.nan], [1.0, 2.0])


def test_gate_config_validates():
    assert GateConfig().as_dict() == {
        "alpha": 0.05,
        "min_improvement": 0.0,
        "max_perplexity_increase": 0.10,
        "max_general_qa_drop": 0.05,
    }
    for bad in (
        {"alpha": 0},
        {"alpha": 1.5},
        {"min_improvement": -0.1},
        {"max_perplexity_increase": -1},
        {"max_general_qa_drop": 2},
    ):
        with pytest.raises(ValueError):
            GateConfig(**bad)


def model(correct, ppl, qa, ids=None):
    d = {"correct": list(correct), "perplexity": ppl, "general_qa": qa}
    if ids is not None:
        d["ids"] = ids
    return d


CAND, BASE = pairs(20, 2, both_right=50, both_wrong=28)  # 100 items, p ~ 1e-4


def test_gate_promotes_significant_improvement_without_forgetting():
    d = promotion_decision(model(CAND, 10.5, 0.80), model(BASE, 10.0, 0.82))
    assert d["promote"] is True and d["reasons"] == []
    assert d["test"]["p_value"] < 0.001 and d["delta"] == pytest.approx(0.18)
    assert d["forgetting"]["perplexity"]["relative_increase"] == pytest.approx(0.05)
    assert d["forgetting"]["general_qa"]["drop"] == pytest.approx(0.02)
    assert d["summary"].startswith("promote")


def test_gate_refuses_significant_candidate_that_forgets():
    d = promotion_decision(model(CAND, 12.0, 0.82), model(BASE, 10.0, 0.82))
    assert d["promote"] is False
    assert d["test"]["p_value"] < 0.05  # it IS significantly better ...
    assert len(d["reasons"]) == 1  # ... and refused for forgetting only
    assert (
        "perplexity" in d["reasons"][0]
        and "+20.0%" in d["reasons"][0]
        and "10.0%" in d["reasons"][0]
    )


def test_gate_refuses_general_qa_drop_and_lists_every_reason():
    cand, base = pairs(8, 2, both_right=40)
    d = promotion_decision(model(cand, 12.0, 0.70), model(base, 10.0, 0.80))
    assert d["promote"] is False and len(d["reasons"]) == 3
    joined = " | ".join(d["reasons"])
    assert "p = 0.1094" in joined and "alpha = 0.05" in joined and "b = 8" in joined
    assert "perplexity" in joined and "general-QA accuracy dropped 0.100" in joined


def test_gate_refuses_significantly_worse_candidate_and_small_gains():
    worse = promotion_decision(model(BASE, 10.0, 0.8), model(CAND, 10.0, 0.8))  # b=2, c=20
    assert worse["test"]["p_value"] < 0.05 and worse["promote"] is False
    assert any("not above the required improvement" in r for r in worse["reasons"])
    small = promotion_decision(
        model(CAND, 10.0, 0.8), model(BASE, 10.0, 0.8), GateConfig(min_improvement=0.2)
    )
    assert small["promote"] is False and len(small["reasons"]) == 1
    assert "required improvement 0.200" in small["reasons"][0]


def test_gate_forgetting_is_measured_against_base_when_given():
    # baseline already drifted 8 %; candidate another 8 %: vs base that is 16.6 % -> refused
    d = promotion_decision(
        model(CAND, 11.664, 0.8), model(BASE, 10.8, 0.8), base=model(BASE, 10.0, 0.8)
    )
    assert d["forgetting"]["reference"] == "base" and d["promote"] is False
    assert "vs the base" in d["reasons"][0]


def test_gate_first_adapter_uses_base_numbers():
    base = {"perplexity": 10.0, "general_qa": 0.80}
    ok = promotion_decision(model(CAND, 10.9, 0.76), None, base=base)
    assert ok["promote"] is True and ok["test"] is None and ok["delta"] is None
    bad = promotion_decision(model(CAND, 11.5, 0.76), None, base=base)
    assert bad["promote"] is False and "perplexity" in bad["reasons"][0]
    info = promotion_decision(model(CAND, 10.0, 0.8), None, base=model(BASE, 10.0, 0.8))
    assert info["test"]["compared_with"] == "base" and info["promote"] is True
    with pytest.raises(ValueError, match="base="):
        promotion_decision(model(CAND, 10.0, 0.8), None)


def test_gate_refuses_misaligned_or_malformed_input():
    with pytest.raises(ValueError, match="aligned"):
        promotion_decision(model(CAND, 10.0, 0.8), model(BASE[:-1], 10.0, 0.8))
    ids = [f"q{i}" for i in range(100)]
    with pytest.raises(ValueError, match="different item ids"):
        promotion_decision(model(CAND, 10.0, 0.8, ids), model(BASE, 10.0, 0.8, ids[::-1]))
    with pytest.raises(ValueError, match="perplexity"):
        promotion_decision({"correct": CAND, "general_qa": 0.8}, model(BASE, 10.0, 0.8))
    with pytest.raises(ValueError, match="general_qa"):
        promotion_decision(model(CAND, 10.0, 80), model(BASE, 10.0, 0.8))  # percent, not share


@pytest.mark.parametrize("side", ["candidate", "baseline"])
def test_gate_refuses_ids_on_one_side_only(side):
    """The id check used to be skipped (and the candidate promoted) when one side had no ids."""
    ids = [f"q{i}" for i in range(100)]
    cand = model(CAND, 10.0, 0.8, ids if side == "candidate" else None)
    base = model(BASE, 10.0, 0.8, ids if side == "baseline" else None)
    assert promotion_decision(model(CAND, 10.0, 0.8), model(BASE, 10.0, 0.8))["promote"]
    other = "baseline" if side == "candidate" else "candidate"
    with pytest.raises(ValueError, match=f"only the {side} has 'ids'.*give the {other}"):
        promotion_decision(cand, base)
    # first adapter: the same check against the base model's numbers
    with pytest.raises(ValueError, match="only the .* has 'ids'"):
        promotion_decision(cand, None, base=base)


# -- access level of the training data vs the users served (notebook 08, issue 13 §5) ---------


@pytest.mark.parametrize(
    "data_access, serve, ok",
    [
        ("public", "public", True),
        ("customer", "public", False),
        ("internal", "public", False),
        ("internal", "customer", False),
        ("customer", "customer", True),
        ("internal", "internal", True),
        ("unknown", "public", False),
        (None, "customer", False),
        ("unknown", "internal", True),
    ],
)
def test_access_check_orders_levels_and_refuses_unknown(data_access, serve, ok):
    r = access_check(data_access, serve)
    assert r["ok"] is ok
    assert (r["reason"] is None) is ok


def test_gate_refuses_adapter_trained_above_the_users_it_serves():
    cand, base = model(CAND, 10.0, 0.9), model(BASE, 10.0, 0.9)
    assert promotion_decision(cand, base)["promote"]  # no serve_access: no access check
    cfg = GateConfig(serve_access="public")
    d = promotion_decision(cand, base, cfg, data_access="internal")
    assert not d["promote"] and d["access"]["ok"] is False
    assert any("trained on internal data" in r for r in d["reasons"])
    d = promotion_decision(cand, base, cfg)  # not recorded -> unknown -> refused for the public
    assert not d["promote"] and "unknown" in d["summary"]
    assert promotion_decision({**cand, "data_access": "public"}, base, cfg)["promote"]
    assert promotion_decision(cand, base, GateConfig(serve_access="internal"))["promote"]
    with pytest.raises(ValueError):
        GateConfig(serve_access="everyone")
    with pytest.raises(ValueError):
        promotion_decision(cand, base, cfg, data_access="top-secret")
