"""labkit.finetune.behaviour: the strict JSON contract, the tone rules, the written policy and the metrics.

Model-free. The contract is in docs/design-finetune.md; the data in datasets/tickets/.
"""

from __future__ import annotations

import json
import math

import pytest

from labkit.finetune import behaviour as bh

NAME = "Dana"
GOOD_REPLY = (
    "Hi Dana, thanks for getting in touch about the refund. A full refund can be requested "
    "within 43 days of the charge. Reply with the invoice number and I will start it. "
    "— Nimbalo Support"
)
LABEL = {"category": "billing", "priority": "normal", "escalate": False, "reply": GOOD_REPLY}
TICKET = {
    "id": "tk-x",
    "customer": NAME,
    "plan": "Team",
    "subject": "Refund",
    "body": "We were charged twice.",
    **LABEL,
}


def test_system_prompt_is_short_and_complete():
    p = bh.SYSTEM_PROMPT
    assert len(p.split()) < 120
    for word in [*bh.CATEGORIES, *bh.PRIORITIES, "escalate", "reply", bh.SIGN_OFF, "70 words"]:
        assert word in p, word
    assert "unfortunately" in p and "sorry for the inconvenience" in p and "exclamation" in p


def test_format_label_order_and_round_trip():
    text = bh.format_label({"reply": GOOD_REPLY, "escalate": False, **LABEL})
    assert text.startswith('{"category": "billing", "priority": "normal", "escalate": false, ')
    assert list(json.loads(text)) == ["category", "priority", "escalate", "reply"]
    assert bh.parse_response(text) == LABEL
    assert "—" in text  # ensure_ascii=False keeps the em dash readable


def test_format_ticket():
    assert bh.format_ticket(TICKET) == (
        "Customer: Dana (Team plan)\nSubject: Refund\n\nWe were charged twice."
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "Sure! " + bh.format_label(LABEL),
        "```json\n" + bh.format_label(LABEL) + "\n```",
        bh.format_label(LABEL) + bh.format_label(LABEL),
        bh.format_label(LABEL) + " Hope this helps.",
        json.dumps([LABEL]),
        json.dumps({k: v for k, v in LABEL.items() if k != "reply"}),
        json.dumps({**LABEL, "confidence": 0.9}),
        json.dumps({**LABEL, "category": "billing-refunds"}),
        json.dumps({**LABEL, "priority": "critical"}),
        json.dumps({**LABEL, "escalate": "false"}),
        json.dumps({**LABEL, "escalate": 0}),
        json.dumps({**LABEL, "reply": "   "}),
        json.dumps({**LABEL, "reply": None}),
    ],
)
def test_parse_response_is_strict(text):
    assert bh.parse_response(text) is None


def test_parse_response_accepts_whitespace_and_any_key_order():
    assert bh.parse_response("  \n" + bh.format_label(LABEL) + "\n") == LABEL
    shuffled = json.dumps(
        {"reply": GOOD_REPLY, "escalate": False, "priority": "normal", "category": "billing"}
    )
    assert bh.parse_response(shuffled) == LABEL
    assert bh.parse_response(None) is None


def test_check_tone_passes_a_good_reply():
    assert bh.check_tone(GOOD_REPLY, NAME) == dict.fromkeys(bh.TONE_RULES, True)


@pytest.mark.parametrize(
    "rule, reply",
    [
        ("greeting", GOOD_REPLY.replace("Hi Dana,", "Hello Dana,")),
        ("greeting", GOOD_REPLY.replace("Hi Dana,", "Hi Priya,")),
        ("length", GOOD_REPLY.replace("start it.", "start it. " + "More words here. " * 20)),
        ("no_exclamation", GOOD_REPLY.replace("the refund.", "the refund!")),
        ("no_unfortunately", GOOD_REPLY.replace("A full", "Unfortunately, a full")),
        (
            "no_sorry_inconvenience",
            GOOD_REPLY.replace("start it.", "start it. Sorry for the inconvenience."),
        ),
        ("sign_off", GOOD_REPLY.replace("— Nimbalo Support", "Best, Nimbalo")),
    ],
)
def test_check_tone_flags_exactly_the_broken_rule(rule, reply):
    tone = bh.check_tone(reply, NAME)
    assert tone[rule] is False
    assert all(ok for r, ok in tone.items() if r != rule), tone


@pytest.mark.parametrize(
    "category, signals, priority, escalate",
    [
        ("bug", ["outage"], "urgent", True),
        ("account", ["outage"], "urgent", True),
        ("bug", ["data_loss"], "urgent", True),
        ("security", ["data_loss"], "urgent", True),
        ("security", [], "high", True),
        ("billing", ["chargeback"], "high", True),
        ("billing", ["legal"], "high", True),
        ("account", ["locked_out"], "high", False),
        ("billing", ["locked_out"], "high", False),
        ("how-to", [], "low", False),
        ("integration", ["question"], "low", False),
        ("billing", ["question"], "low", False),
        ("bug", [], "normal", False),
        ("integration", [], "normal", False),
        ("billing", [], "normal", False),
    ],
)
def test_written_rules(category, signals, priority, escalate):
    assert bh.priority_rules(category, signals) == priority
    assert bh.escalation_rules(category, priority, signals) is escalate


def test_rules_reject_unknown_values():
    with pytest.raises(ValueError, match="category"):
        bh.priority_rules("sales", [])
    with pytest.raises(ValueError, match="signals"):
        bh.priority_rules("bug", ["on_fire"])
    with pytest.raises(ValueError, match="priority"):
        bh.escalation_rules("bug", "p1", [])


def test_rules_documented_in_module_docstring():
    doc = bh.__doc__
    for word in ("urgent", "high", "low", "normal", "Escalation rules", *bh.SIGNALS):
        assert word in doc, word


def _record(label: dict, name: str = NAME) -> dict:
    ticket = {**TICKET, "customer": name, **label}
    return {
        "id": "r",
        "messages": bh.few_shot_messages(ticket)
        + [{"role": "assistant", "content": bh.format_label(label)}],
    }


def test_metrics_perfect_and_invalid():
    examples = [TICKET, _record(LABEL)] * 5
    gold = [bh.format_label(LABEL)] * 10
    m = bh.behaviour_metrics(examples, gold)
    assert m["json_validity"] == m["category_accuracy"] == m["all_fields"] == 1.0
    assert m["tone_adherence"] == 1.0 and set(m["tone_per_rule"]) == set(bh.TONE_RULES)
    assert m["tone_valid"] == 1.0
    bad = bh.behaviour_metrics(examples, ["nope", "{}"] * 5)
    assert bad["n_valid"] == 0 and bad["json_validity"] == 0.0
    assert bad["category_accuracy"] == 0.0 and bad["tone_valid"] == 0.0
    assert math.isnan(bad["tone_adherence"])  # no valid reply: tone not measured, not 0


def test_tone_not_measured_below_ten_valid_outputs():
    # 1 valid reply of 32 keeping every rule is not "tone adherence 1.0" (issue: 06's RAG row)
    outputs = [bh.format_label(LABEL)] + ["rambling, not JSON"] * 31
    m = bh.behaviour_metrics([TICKET] * 32, outputs)
    assert m["n_valid"] == 1 and math.isnan(m["tone_adherence"])
    assert m["tone_valid"] == pytest.approx(1 / 32)
    m = bh.behaviour_metrics([TICKET] * 32, [bh.format_label(LABEL)] * 10 + ["x"] * 22)
    assert m["tone_adherence"] == 1.0


def test_metrics_mixed():
    wrong_priority = {**LABEL, "priority": "high"}
    rude = {**LABEL, "reply": GOOD_REPLY.replace("the refund.", "the refund!")}
    outputs = [bh.format_label(LABEL), bh.format_label(wrong_priority), bh.format_label(rude), "x"]
    m = bh.behaviour_metrics([TICKET] * 12, outputs * 3)
    assert m["n"] == 12 and m["n_valid"] == 9 and m["json_validity"] == 0.75
    assert m["category_accuracy"] == 0.75  # invalid output counts as wrong
    assert m["priority_accuracy"] == 0.5
    assert m["all_fields"] == 0.5
    assert math.isnan(m["tone_adherence"])  # 9 valid < 10: not measured
    m = bh.behaviour_metrics([TICKET] * 16, outputs * 4)  # 12 valid: tone measured
    assert m["tone_adherence"] == pytest.approx(2 / 3)
    assert m["tone_per_rule"]["no_exclamation"] == pytest.approx(2 / 3)
    assert m["tone_per_rule"]["greeting"] == 1.0
    with pytest.raises(ValueError, match="outputs"):
        bh.behaviour_metrics([TICKET], [])


def test_few_shot_messages():
    shot = {**TICKET, "id": "tk-s", "customer": "Priya", "category": "bug", "priority": "urgent"}
    target = {**TICKET, "id": "tk-t", "subject": "Other", "reply": "SECRET GOLD"}
    msgs = bh.few_shot_messages(target, [shot, _record(LABEL)])
    assert msgs[0] == {"role": "system", "content": bh.SYSTEM_PROMPT}
    assert [m["role"] for m in msgs[1:]] == ["user", "assistant"] * 2 + ["user"]
    assert msgs[1]["content"] == bh.format_ticket(shot)
    assert bh.parse_response(msgs[2]["content"])["priority"] == "urgent"
    assert msgs[-1]["content"] == bh.format_ticket(target)
    assert all("SECRET GOLD" not in m["content"] for m in msgs)
    with pytest.raises(ValueError, match="no gold answer"):
        bh.few_shot_messages(
            target, [{"id": "x", "customer": "A", "plan": "Team", "subject": "s", "body": "b"}]
        )


def test_without_system_pick_shots_item_correct():
    from labkit import data
    from labkit.finetune import behaviour

    train = data.load_behaviour("train")
    stripped = behaviour.without_system(train[:3])
    assert [m["role"] for m in stripped[0]["messages"]] == ["user", "assistant"]
    assert [
        m["role"] for m in behaviour.without_system(train[:1], keep_answer=False)[0]["messages"]
    ] == ["user"]
    assert train[0]["messages"][0]["role"] == "system"  # the input is not modified
    shots = behaviour.pick_shots(train, k=3)
    cats = {behaviour.parse_response(s["messages"][-1]["content"])["category"] for s in shots}
    assert len(shots) == 3 and len(cats) == 3
    gold = train[0]["messages"][-1]["content"]
    assert behaviour.item_correct(train[0], gold)
    label = behaviour.parse_response(gold)
    flipped = behaviour.format_label(dict(label, escalate=not label["escalate"]))
    assert not behaviour.item_correct(train[0], flipped)
    rude = behaviour.format_label(dict(label, reply=label["reply"] + " Thanks!"))
    assert not behaviour.item_correct(train[0], rude)
    assert not behaviour.item_correct(train[0], "not json")
