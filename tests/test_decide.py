"""Decision matrix: presets, monotonicity, validation, evidence in reasons, cost model by hand, widgets."""

import dataclasses
import math
import random
import re

import numpy as np
import pytest

from labkit.decide import matrix as decide
from labkit.decide.evidence import KEYS
from labkit.decide.matrix import (
    APPROACHES,
    BIAS,
    EVIDENCE_GAPS,
    EXPECTED,
    PRESETS,
    TRAIN_MISFIT_PENALTY,
    WEIGHTS,
    CostConfig,
    DecisionFactors,
    MissingEvidenceError,
    break_even,
    cost_curves,
    evidence_multipliers,
    levels,
    recommend,
)


def ev(values: dict, source: str = "test_source") -> dict:
    return {k: {"value": v, "source": source} for k, v in values.items()}


# Hand-made evidence for these tests only (made-up, plausible shapes; not course measurements).
PLAUSIBLE = ev(
    {
        "base.answer_accuracy": 0.05, "rag.answer_accuracy": 0.42, "ft.answer_accuracy": 0.04,
        "hybrid.answer_accuracy": 0.4, "base.citation_accuracy": 0.0, "rag.citation_accuracy": 0.31,
        "hybrid.citation_accuracy": 0.3, "base.json_validity": 0.08, "ft.json_validity": 0.61,
        "hybrid.json_validity": 0.55, "base.tone_adherence": 0.3, "ft.tone_adherence": 0.7,
        "update.rag_fresh": 0.8, "update.ft_v1_fresh": 0.1, "update.ft_v1_stale": 0.7, "update.index_seconds": 1.2,
        "update.retrain_seconds": 1250, "train.seconds": 1300,
    },
    "06_hybrid_assembly",
)  # fmt: skip


def gaps_evidence(multipliers: dict) -> dict:
    """Evidence whose measured gaps give exactly these row multipliers (0.5..1.5).

    Both rates stay in 0..1 and, for m < 1.5, the baseline is above 0 (a JSON validity of 0
    would make the same system's tone rate "not measured": no valid reply to judge).
    """
    out = {}
    for factor, m in multipliers.items():
        better, baseline = EVIDENCE_GAPS[factor]
        low = (1.0 - (m - 0.5)) / 2
        out |= ev({better: low + (m - 0.5), baseline: low})
    return out


def random_factors(rng: random.Random) -> DecisionFactors:
    return DecisionFactors(
        **{f: rng.random() for f in ("volatility", "format_strictness", "citations", "accuracy", "tone", "governance")},
        latency_ms=10 ** rng.uniform(2, 4), training_hours=rng.choice([0, 0.5, 2, 10, 40]),
        queries_per_month=10 ** rng.uniform(1, 7),
    )  # fmt: skip


# ---- presets ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PRESETS)
@pytest.mark.parametrize("evidence", [{}, PLAUSIBLE], ids=["no-evidence", "plausible-evidence"])
def test_each_preset_gives_its_expected_recommendation(name, evidence):
    assert recommend(PRESETS[name], evidence)["recommendation"] == EXPECTED[name]


def test_presets_cover_every_approach_and_the_named_cases():
    assert set(EXPECTED.values()) == set(APPROACHES)
    assert EXPECTED["support assistant"] == "hybrid"
    assert EXPECTED["pricing Q&A over changing data"] == "rag"
    assert EXPECTED["strict JSON extraction"] == EXPECTED["brand-voice writer"] == "fine-tuning"
    assert EXPECTED["regulated data"] == "rag"


@pytest.mark.parametrize("name", PRESETS)
def test_presets_hold_when_any_one_measured_gap_is_extreme(name):
    for factor in EVIDENCE_GAPS:
        for m in (0.5, 1.5):
            r = recommend(PRESETS[name], gaps_evidence({factor: m}))
            assert r["multipliers"][factor] == pytest.approx(m)
            assert r["recommendation"] == EXPECTED[name], (factor, m, r["scores"])


def test_evidence_can_overturn_the_hybrid_when_tuning_shows_no_gain():
    # Tuning measured no better than prompting on format and tone: the matrix stops paying for it.
    r = recommend(
        PRESETS["support assistant"], gaps_evidence({"format_strictness": 0.5, "tone": 0.5})
    )
    assert r["recommendation"] == "rag"


# ---- the arithmetic a learner can check -----------------------------------------------------------


def test_levels_convert_real_units_as_documented():
    f = DecisionFactors
    assert levels(f(latency_ms=300))["latency"] == pytest.approx(1.0)
    assert levels(f(latency_ms=100))["latency"] == 1.0  # clipped
    assert levels(f(latency_ms=5000))["latency"] == pytest.approx(0.0)
    assert levels(f(latency_ms=math.sqrt(300 * 5000)))["latency"] == pytest.approx(0.5)
    assert levels(f(queries_per_month=1e3))["volume"] == 0.0
    assert levels(f(queries_per_month=0))["volume"] == 0.0
    assert levels(f(queries_per_month=10**4.5))["volume"] == pytest.approx(0.5)
    assert levels(f(queries_per_month=1e8))["volume"] == 1.0
    assert levels(f(training_hours=0))["training_scarcity"] == 1.0
    assert levels(f(training_hours=1))["training_scarcity"] == 0.5


@pytest.mark.parametrize("name", PRESETS)
def test_scores_are_bias_plus_weighted_levels(name):
    m = {"format_strictness": 1.3, "volatility": 0.7}
    r = recommend(PRESETS[name], gaps_evidence(m))
    lv = levels(PRESETS[name])
    for a in APPROACHES:
        by_hand = BIAS[a] + sum(m.get(f, 1.0) * lv[f] * WEIGHTS[f][a] for f in WEIGHTS)
        assert r["scores"][a] == pytest.approx(by_hand, abs=1e-5)
        assert r["scores"][a] == pytest.approx(
            BIAS[a] + sum(c[a] for c in r["contributions"].values()), abs=1e-5
        )
    assert r["recommendation"] == max(APPROACHES, key=lambda a: r["scores"][a])


def test_prompting_is_the_zero_baseline_and_ties_go_to_the_simpler_approach():
    assert all(row["prompting"] == 0 for row in WEIGHTS.values()) and BIAS["prompting"] == 0
    assert recommend(PRESETS["quick prototype"], {})["scores"]["prompting"] == 0


def test_multipliers_from_measured_gaps():
    m = evidence_multipliers(PLAUSIBLE)
    assert m["format_strictness"] == pytest.approx(0.5 + (0.61 - 0.08))
    assert m["volatility"] == pytest.approx(0.5 + (0.8 - 0.1))
    assert m["accuracy"] == pytest.approx(0.5 + (0.40 - 0.04))  # hybrid vs fine-tuned only
    assert m["latency"] == 1.0 and m["governance"] == 1.0  # no gap defined
    assert (
        evidence_multipliers(ev({"ft.json_validity": 0.9}))["format_strictness"] == 1.0
    )  # one side only
    assert (
        evidence_multipliers(ev({"ft.json_validity": 0.1, "base.json_validity": 0.6}))[
            "format_strictness"
        ]
        == 0.5
    )


def test_training_that_does_not_fit_the_budget_is_penalised():
    f = dataclasses.replace(PRESETS["strict JSON extraction"], training_hours=0.5)
    fits, misfit = (
        recommend(f, ev({"train.seconds": 1000})),
        recommend(f, ev({"train.seconds": 3600})),
    )
    for a in APPROACHES:
        penalty = TRAIN_MISFIT_PENALTY if a in ("fine-tuning", "hybrid") else 0.0
        assert misfit["scores"][a] == pytest.approx(fits["scores"][a] - penalty)
    assert misfit["reasons"][0].startswith("training does not fit")
    assert "1.00 h" in misfit["reasons"][0]


# ---- monotonicity ---------------------------------------------------------------------------------


@pytest.mark.parametrize("evidence", [{}, PLAUSIBLE], ids=["no-evidence", "plausible-evidence"])
def test_monotone_in_volatility_format_governance_and_budget(evidence):
    rng = random.Random(0)
    grid = [0.0, 0.25, 0.5, 0.75, 1.0]
    for _ in range(60):
        base = random_factors(rng)

        def scores(base=base, **change):
            return recommend(dataclasses.replace(base, **change), evidence)["scores"]

        vol = [scores(volatility=v) for v in grid]
        for a in ("rag", "hybrid"):
            gap = [s[a] - s["fine-tuning"] for s in vol]
            assert all(x <= y + 1e-9 for x, y in zip(gap, gap[1:])), (a, gap)
        fmt = [scores(format_strictness=v) for v in grid]
        ft = [s["fine-tuning"] for s in fmt]
        assert all(x <= y + 1e-9 for x, y in zip(ft, ft[1:]))
        for a in APPROACHES:
            rel = [s["fine-tuning"] - s[a] for s in fmt]
            assert all(x <= y + 1e-9 for x, y in zip(rel, rel[1:]))
        gov = [scores(governance=v) for v in grid]
        rel = [s["rag"] - s["fine-tuning"] for s in gov]
        assert all(x <= y + 1e-9 for x, y in zip(rel, rel[1:]))
        hours = [scores(training_hours=h) for h in (0, 0.1, 1, 10, 100)]
        ft = [s["fine-tuning"] for s in hours]
        assert all(x <= y + 1e-9 for x, y in zip(ft, ft[1:]))


# ---- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"volatility": 1.5}, {"tone": -0.1}, {"governance": float("nan")}, {"citations": True},
        {"accuracy": "high"}, {"latency_ms": 0}, {"latency_ms": float("inf")}, {"training_hours": -1},
        {"queries_per_month": -5},
    ],
)  # fmt: skip
def test_factors_are_validated(change):
    with pytest.raises(ValueError):
        DecisionFactors(**change)


def test_factors_coerce_to_float_and_are_frozen():
    f = DecisionFactors(volatility=1, latency_ms=500)
    assert isinstance(f.volatility, float) and f.latency_ms == 500.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.volatility = 0.2
    with pytest.raises(TypeError):
        recommend(f.as_dict(), {})


@pytest.mark.parametrize(
    "change", [{"months": 0}, {"train_per_hour": -1}, {"updates_per_month": float("nan")}]
)
def test_cost_config_is_validated(change):
    with pytest.raises(ValueError):
        CostConfig(**change)


# ---- reasons and evidence ---------------------------------------------------------------------------


def test_reasons_quote_measured_values_with_their_sources():
    r = recommend(PRESETS["pricing Q&A over changing data"], PLAUSIBLE)
    text = "\n".join(r["reasons"])
    assert (
        "with retrieval the tuned model stated 0.40 of held-out tickets' facts vs 0.04 without (06_hybrid_assembly)"
        in text
    )
    assert "the base model: 0.42 with retrieval vs 0.05 without" in text
    assert (
        "stale (the v1 value) on 0.70 and fresh on 0.10 of changed facts, RAG fresh on 0.80" in text
    )
    assert "re-indexing took 1.2 s vs 1250 s of retraining" in text
    assert r["evidence_used"]["rag.answer_accuracy"] == {
        "value": 0.42,
        "source": "06_hybrid_assembly",
    }
    assert set(r["evidence_used"]) <= set(PLAUSIBLE)
    assert len(r["reasons"]) == len(WEIGHTS)
    # the numbers come from the evidence dict: change one, the reason changes with it
    other = PLAUSIBLE | ev({"rag.answer_accuracy": 0.37}, "elsewhere")
    assert "the base model: 0.37 with retrieval vs 0.05 without" in "\n".join(
        recommend(PRESETS["regulated data"], other)["reasons"]
    )


def test_reasons_say_not_measured_without_evidence():
    r = recommend(PRESETS["support assistant"], {})
    assert r["evidence_used"] == {}
    assert all("Not measured yet: run notebook" in s for s in r["reasons"])
    text = "\n".join(r["reasons"])
    for nb in ("04", "06", "07"):
        assert f"notebook {nb}" in text or f"and {nb}" in text


def test_reasons_put_the_most_decisive_factor_first():
    r = recommend(PRESETS["regulated data"], {})
    c, best = r["contributions"], r["recommendation"]
    runner = sorted(APPROACHES, key=lambda a: -r["scores"][a])[1]
    top = max(WEIGHTS, key=lambda f: abs(c[f][best] - c[f][runner]))
    assert r["reasons"][0].startswith(top)


def test_evidence_rows_cover_every_key():
    rows = decide.evidence_rows(PLAUSIBLE)
    assert [r["key"] for r in rows] == list(KEYS)
    by_key = {r["key"]: r for r in rows}
    assert by_key["train.seconds"]["value"] == 1300
    assert by_key["index.build_seconds"]["value"] is None
    assert "run notebook 07" in by_key["index.build_seconds"]["source"]


# ---- cost model, checked by hand --------------------------------------------------------------------

# $0.001 per second of compute, both training and serving; $1 per 1M prompt tokens
CFG = CostConfig(
    train_per_hour=3.6,
    serve_per_hour=3.6,
    per_million_prompt_tokens=1.0,
    updates_per_month=2,
    months=10,
)
COST_EV = ev(
    {
        "base.latency_s": 2.0, "base.prompt_tokens": 1000, "ft.latency_s": 0.5, "ft.prompt_tokens": 200,
        "rag.latency_s": 1.0, "rag.prompt_tokens": 600, "hybrid.latency_s": 0.8, "hybrid.prompt_tokens": 500,
        "train.seconds": 1000, "update.retrain_seconds": 500, "index.build_seconds": 100,
        "update.index_seconds": 5,
    }
)  # fmt: skip


def test_cost_curves_match_a_hand_computation():
    c = cost_curves(CFG, COST_EV, [0, 1000])
    # prompting: per query 2 s * 0.001 + 1000 tok * 1e-6 = 0.003; nothing fixed, nothing to update
    assert c["prompting"] == pytest.approx([0.0, 10 * 1000 * 0.003])
    # fine-tuning: fixed = behaviour adapter 1000 s + first facts adapter 500 s = 1.5;
    # updates retrain the facts adapter: 10 months * 2 * 500 s * 0.001 = 10; per query 0.0007
    assert c["fine-tuning"] == pytest.approx([11.5, 11.5 + 10 * 1000 * 0.0007])
    # rag: fixed 0.1; updates 10 * 2 * 0.005 = 0.1; per query 0.001 + 0.0006 = 0.0016
    assert c["rag"] == pytest.approx([0.2, 0.2 + 10 * 1000 * 0.0016])
    # hybrid: fixed 1 + 0.1; updates re-index only 0.1; per query 0.0008 + 0.0005 = 0.0013
    assert c["hybrid"] == pytest.approx([1.2, 1.2 + 10 * 1000 * 0.0013])
    assert isinstance(c["rag"], np.ndarray) and c["rag"].shape == (2,)


def test_break_even_matches_a_hand_computation():
    # prompting 0.03 q vs fine-tuning 11.5 + 0.007 q  ->  q = 11.5 / 0.023 = 500
    q = break_even(CFG, COST_EV, "fine-tuning", "prompting")
    assert q == pytest.approx(11.5 / 0.023)
    c = cost_curves(CFG, COST_EV, [q])
    assert c["fine-tuning"][0] == pytest.approx(c["prompting"][0])
    assert break_even(CFG, COST_EV, "prompting", "fine-tuning") is None  # dearer per query: never
    # rag 0.2 + 0.016 q vs prompting 0.03 q -> q = 0.2 / 0.014
    assert break_even(CFG, COST_EV, "rag", "prompting") == pytest.approx(0.2 / 0.014)
    assert break_even(CFG, COST_EV, "rag", "rag") == 0.0
    table = decide.break_even_table(CFG, COST_EV)
    assert table["fine-tuning"]["prompting"] == pytest.approx(11.5 / 0.023)
    assert table["prompting"]["fine-tuning"] is None and "rag" not in table["rag"]
    with pytest.raises(ValueError):
        break_even(CFG, COST_EV, "rag", "agents")


def test_more_updates_push_the_fine_tuning_break_even_up():
    many = dataclasses.replace(CFG, updates_per_month=8)
    assert break_even(many, COST_EV, "fine-tuning", "prompting") > break_even(
        CFG, COST_EV, "fine-tuning", "prompting"
    )
    assert break_even(many, COST_EV, "hybrid", "prompting") == pytest.approx(
        (1.1 + 10 * 8 * 0.005) / (10 * (0.003 - 0.0013))
    )


def test_missing_cost_evidence_names_the_notebook_and_overrides_fill_it():
    partial = {k: v for k, v in COST_EV.items() if k != "train.seconds"}
    with pytest.raises(MissingEvidenceError, match=r"train\.seconds.*run notebook 04"):
        cost_curves(CFG, partial, [10])
    with pytest.raises(MissingEvidenceError, match="run notebook 06"):
        break_even(CFG, {}, "rag", "prompting")
    assert break_even(CFG, partial, "rag", "prompting") == pytest.approx(
        0.2 / 0.014
    )  # rag needs no training
    q = break_even(CFG, partial, "fine-tuning", "prompting", overrides={"train.seconds": 1000})
    assert q == pytest.approx(11.5 / 0.023)
    with pytest.raises(KeyError):
        cost_curves(CFG, COST_EV, [10], overrides={"train.minutes": 3})
    assert decide.missing_cost_evidence(partial) == ["train.seconds"]


def test_each_approach_pays_for_the_adapters_and_index_it_uses():
    # Change one measured cost at a time: only the approaches that use that adapter/index move.
    base = decide.cost_inputs(CFG, COST_EV)

    def moved(key, extra=1000.0):
        bumped = decide.cost_inputs(CFG, COST_EV, overrides={key: COST_EV[key]["value"] + extra})
        return {
            a: {part: round(bumped[a][part] - base[a][part], 9) for part in ("fixed", "per_update")}
            for a in APPROACHES
        }

    # behaviour adapter (notebook 04): fine-tuning and hybrid, once each
    d = moved("train.seconds")
    assert d["fine-tuning"] == d["hybrid"] == {"fixed": 1.0, "per_update": 0.0}
    assert d["prompting"] == d["rag"] == {"fixed": 0.0, "per_update": 0.0}
    # facts adapter (notebook 07): fine-tuning alone, once up front and on every update
    d = moved("update.retrain_seconds")
    assert d["fine-tuning"] == {"fixed": 1.0, "per_update": 1.0}
    assert all(d[a] == {"fixed": 0.0, "per_update": 0.0} for a in ("prompting", "rag", "hybrid"))
    # the index: RAG and the hybrid only
    for key, part in (("index.build_seconds", "fixed"), ("update.index_seconds", "per_update")):
        d = moved(key)
        assert d["rag"][part] == d["hybrid"][part] == 1.0
        assert d["fine-tuning"] == d["prompting"] == {"fixed": 0.0, "per_update": 0.0}
    # the mapping the docstring explains is the one the arithmetic uses
    assert decide.COST_SECONDS["fine-tuning"]["fixed"] == (
        "train.seconds",
        "update.retrain_seconds",
    )
    assert decide.COST_SECONDS["hybrid"]["per_update"] == ("update.index_seconds",)


def test_prompt_tokens_have_a_sourced_non_zero_default_price():
    price = CostConfig().per_million_prompt_tokens
    assert price > 0
    src = decide.PROMPT_PRICE_SOURCE
    assert f"${price:.2f} per 1M input tokens" in src
    assert "groq.com/pricing" in src and "llama-3.1-8b-instant" in src
    assert re.search(
        r"(January|February|March|April|May|June|July|August|September|October|November|December) 20\d\d",
        src,
    )
    # equal serving time, longer prompt: RAG's retrieved chunks now cost something per query
    same_time = COST_EV | ev({"rag.latency_s": 2.0, "base.latency_s": 2.0})
    inp = decide.cost_inputs(CostConfig(), same_time)
    extra = (600 - 1000) * price / 1e6  # rag 600 prompt tokens vs base 1000 in COST_EV
    assert inp["rag"]["per_query"] - inp["prompting"]["per_query"] == pytest.approx(extra)
    longer = same_time | ev({"rag.prompt_tokens": 5000})
    assert decide.cost_inputs(CostConfig(), longer)["rag"]["per_query"] > inp["rag"]["per_query"]


# ---- not measured -----------------------------------------------------------------------------------

# Notebook 06 judges tone only over replies that parse; with no (or too few) valid replies the rate
# is not measured. Each way it can reach notebook 09 must leave the tone row at x1.00.
TONE_NOT_MEASURED = {
    "missing key": {k: v for k, v in PLAUSIBLE.items() if k != "base.tone_adherence"},
    "None": PLAUSIBLE | ev({"base.tone_adherence": None}),
    "NaN": PLAUSIBLE | ev({"base.tone_adherence": float("nan")}),
    # the old store: 0 valid replies, tone stored as 0.0 (0/0) -> used to give x1.50
    "no valid reply": PLAUSIBLE | ev({"base.json_validity": 0.0, "base.tone_adherence": 0.0}),
}


@pytest.mark.parametrize("case", TONE_NOT_MEASURED)
def test_tone_that_is_not_measured_leaves_the_multiplier_at_one(case):
    evidence = TONE_NOT_MEASURED[case]
    assert evidence_multipliers(evidence)["tone"] == 1.0
    assert evidence_multipliers(PLAUSIBLE)["tone"] == pytest.approx(0.5 + (0.7 - 0.3))  # measured
    r = recommend(PRESETS["support assistant"], evidence)
    (tone,) = [s for s in r["reasons"] if s.startswith("tone ")]
    assert "not measured: prompting (" in tone, tone
    assert "weight x1.00: the gap ft.tone_adherence - base.tone_adherence is not measured" in tone
    assert "fine-tuning 0.70" in tone  # the measured side is still quoted
    assert "base.tone_adherence" not in r["evidence_used"]
    # scores are exactly those of a store that never had the unmeasured value
    without = {k: v for k, v in evidence.items() if k != "base.tone_adherence"}
    for name, f in PRESETS.items():
        assert recommend(f, evidence)["scores"] == recommend(f, without)["scores"], name


def test_no_valid_reply_says_why_and_hides_the_stored_number():
    evidence = TONE_NOT_MEASURED["no valid reply"]
    assert decide.not_measured_reason(evidence, "base.tone_adherence") == "no valid reply to judge"
    assert (
        decide.not_measured_reason(evidence, "base.json_validity") is None
    )  # 0.0 is a measurement
    assert decide.not_measured_reason(evidence, "ft.tone_adherence") is None
    assert decide.not_measured_reason({}, "ft.tone_adherence") == "not recorded"
    row = {r["key"]: r for r in decide.evidence_rows(evidence)}["base.tone_adherence"]
    assert row["value"] is None and "not measured (no valid reply to judge)" in row["source"]
    r = recommend(PRESETS["brand-voice writer"], evidence)
    assert "prompting (no valid reply to judge)" in "\n".join(r["reasons"])


def test_a_row_with_nothing_measured_says_not_measured_not_run_the_notebook():
    evidence = ev({k: None for k in KEYS if k.endswith(".tone_adherence")})
    r = recommend(PRESETS["brand-voice writer"], evidence)
    (tone,) = [s for s in r["reasons"] if s.startswith("tone ")]
    assert "Not measured: base.tone_adherence (recorded as not measured)" in tone
    assert "run notebook" not in tone


def test_cost_model_treats_a_value_recorded_as_not_measured_as_missing():
    evidence = COST_EV | ev({"train.seconds": None})
    with pytest.raises(MissingEvidenceError, match=r"train\.seconds"):
        decide.cost_inputs(CFG, evidence)
    assert decide.missing_cost_evidence(evidence) == ["train.seconds"]
    assert break_even(CFG, evidence, "rag", "prompting") == pytest.approx(0.2 / 0.014)


# ---- widgets ----------------------------------------------------------------------------------------


def test_ui_updates_live_and_presets_set_the_widgets():
    from labkit.decide.ui import CUSTOM, build_ui

    ui = build_ui({}, preset="brand-voice writer")
    assert (
        ui.result()["recommendation"] == "fine-tuning" and ui.preset.value == "brand-voice writer"
    )
    before = ui.result()["scores"]
    ui.controls["volatility"].value = 1.0
    assert ui.result()["scores"] != before and ui.factors().volatility == 1.0
    assert ui.preset.value == CUSTOM  # no longer the preset
    for name in ("pricing Q&A over changing data", "strict JSON extraction"):
        ui.apply_preset(name)
        assert ui.factors() == PRESETS[name]
        assert {k: c.value for k, c in ui.controls.items()} == PRESETS[name].as_dict()
        assert ui.result()["recommendation"] == EXPECTED[name] and ui.preset.value == name
    ui.preset.value = "regulated data"  # choosing from the menu applies the preset
    assert ui.result()["recommendation"] == "rag" and ui.factors() == PRESETS["regulated data"]
    assert "Recommendation: rag" in ui.html.value and "governance" in ui.html.value
    assert repr(ui) == "DecisionUI(preset='regulated data', recommendation='rag')"
    with pytest.raises(KeyError):
        ui.apply_preset("no such preset")


def test_ui_html_escapes_and_lists_every_reason():
    from labkit.decide.ui import render_html

    r = recommend(PRESETS["support assistant"], PLAUSIBLE)
    page = render_html(r)
    assert page.count("<li>") == len(r["reasons"])
    assert "tickets&#x27; facts" in page  # the apostrophe in a reason is escaped


def test_cost_ui_reacts_and_reports_missing_evidence():
    from labkit.decide.ui import build_cost_ui

    ui = build_cost_ui(COST_EV, cfg=CFG)
    assert ui.result()["error"] is None and "<svg" in ui.html.value
    assert ui.result()["break_even"]["fine-tuning"]["prompting"] == pytest.approx(11.5 / 0.023)
    ui.controls["updates_per_month"].value = 8
    assert ui.result()["config"].updates_per_month == 8
    assert ui.result()["break_even"]["fine-tuning"]["prompting"] > 11.5 / 0.023
    empty = build_cost_ui({})
    assert "run notebook" in empty.result()["error"] and "<svg" not in empty.html.value


def test_cost_plot_has_title_units_and_a_legend_clear_of_the_data():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from labkit.decide.ui import plot_costs

    ax = plot_costs(CFG, COST_EV)
    assert "updates/month" in ax.get_title() and "prompt tokens" in ax.get_title()
    assert "queries per month" in ax.get_xlabel() and "US$" in ax.get_ylabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(APPROACHES)
    FigureCanvasAgg(ax.figure).draw()
    legend, plot_area = ax.get_legend().get_window_extent(), ax.get_window_extent()
    assert not legend.overlaps(plot_area)  # outside the axes: no line or label under it
