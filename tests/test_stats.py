"""Wilson intervals and paired comparisons (labkit.stats)."""

import math

import pytest

from labkit import stats


def test_wilson_matches_reference_values():
    # Reference: Newcombe (1998), Table I, method 3 (Wilson score without continuity correction).
    lo, hi = stats.wilson_interval(81, 263)
    assert (round(lo, 4), round(hi, 4)) == (0.2553, 0.3662)
    lo, hi = stats.wilson_interval(15, 148)
    assert (round(lo, 4), round(hi, 4)) == (0.0624, 0.1605)
    lo, hi = stats.wilson_interval(0, 20)
    assert lo == 0.0 and round(hi, 4) == 0.1611


def test_wilson_is_inside_unit_interval_and_contains_the_rate():
    for n in (1, 2, 7, 50, 400):
        for k in range(0, n + 1, max(1, n // 7)):
            lo, hi = stats.wilson_interval(k, n)
            assert 0.0 <= lo <= k / n <= hi <= 1.0
            assert hi - lo > 0


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError):
        stats.wilson_interval(5, 4)
    assert all(math.isnan(x) for x in stats.wilson_interval(0, 0))


def test_rate_below_min_n_is_not_measured():
    r = stats.rate([True] * 3)
    assert not r["measured"] and math.isnan(r["rate"]) and r["n"] == 3
    assert "not measured" in stats.format_rate(r)
    r = stats.rate(33, 160)
    assert r["measured"] and r["rate"] == pytest.approx(33 / 160)
    assert stats.format_rate(r) == "0.206 [0.151, 0.275] (33/160)"


def test_compare_paired_verdicts():
    cand = [True] * 20 + [False] * 5
    base = [False] * 20 + [False] * 5
    assert stats.compare_paired(cand, base)["verdict"] == "better"
    assert stats.compare_paired(base, cand)["verdict"] == "worse"
    few = [True, False] * 5
    assert stats.compare_paired(few, few[::-1])["verdict"] == "not significant"


def test_bootstrap_difference_detects_a_real_gap_and_not_a_null_one():
    import random

    rnd = random.Random(0)
    a = [rnd.random() < 0.7 for _ in range(120)]
    b = [rnd.random() < 0.3 for _ in range(120)]
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    r = stats.bootstrap_difference(mean, a, b, n_boot=500)
    assert r["difference"] == pytest.approx(mean(a) - mean(b))
    assert r["ci_low"] > 0 and r["p_value"] < 0.01
    same = stats.bootstrap_difference(mean, a, list(a), n_boot=200)
    assert same["difference"] == 0 and same["p_value"] == 1.0
    with pytest.raises(ValueError):
        stats.bootstrap_difference(mean, a, b[:-1])


def test_rate_table_uses_each_metrics_own_denominator():
    rows = [{"t": "a", "ans": True, "ok": True}] * 12 + [{"t": "a", "ans": False, "ok": False}] * 3
    rows += [{"t": "b", "ans": True, "ok": False}] * 4
    tab = stats.rate_table(rows, {"acc": ("ok", "ans"), "any": ("ok", None)}, by="t")
    assert tab["a"]["acc"]["n"] == 12 and tab["a"]["acc"]["rate"] == 1.0
    assert tab["a"]["any"]["n"] == 15 and tab["a"]["any"]["k"] == 12
    assert not tab["b"]["acc"]["measured"]  # 4 items: not measured
    assert stats.rate_table(rows, {"acc": ("ok", "ans")})["all"]["acc"]["n"] == 16


def test_wilson_contains_the_rate_exactly_at_the_extremes():
    # float rounding once put the upper bound of 6/6 a hair below 1.0 (negative error bars)
    for n in range(1, 400):
        for k in (0, n):
            lo, hi = stats.wilson_interval(k, n)
            assert lo <= k / n <= hi
