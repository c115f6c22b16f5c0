"""labkit.finetune.sft_data: every bad chat record is reported with id and line, nothing is dropped,
train/eval leakage is found, and a wrong chat template is refused with a clear message.

Plumbing tests use a tiny fake tokenizer; the slow test uses the real SmolLM2 tokenizer.
"""

from __future__ import annotations

import json

import pytest

from labkit.data import DataError
from labkit.finetune import behaviour as bh
from labkit.finetune.sft_data import (
    ChatTemplateError,
    ValidationReport,
    check_chat_template,
    jaccard,
    load_chat_jsonl,
    shingles,
    validate_chat_records,
)

ANSWER = bh.format_label(
    {
        "category": "bug",
        "priority": "normal",
        "escalate": False,
        "reply": "Hi Ada, thanks for the details. Try again later. — Nimbalo Support",
    }
)


def rec(i: int, user: str | None = None, answer: str = ANSWER, system: bool = True) -> dict:
    msgs = [{"role": "system", "content": "sys"}] if system else []
    msgs += [
        {
            "role": "user",
            "content": user or f"ticket number {i} about topic {i * 7} and more words",
        },
        {"role": "assistant", "content": answer},
    ]
    return {"id": f"r-{i}", "messages": msgs}


class FakeTok:
    """Chat template = role tags; tokens = whitespace words. Enough to test the plumbing."""

    name_or_path = "fake"

    def __init__(self, template="{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}"):
        self.chat_template = template
        self.drop = set()

    def apply_chat_template(self, messages, tokenize=False):
        return " ".join(
            f"<{m['role']}> {m['content']}" for m in messages if m["role"] not in self.drop
        )

    def __call__(self, text, add_special_tokens=False):
        return {"input_ids": text.split()}


def test_clean_records_are_ok():
    report = validate_chat_records([rec(i) for i in range(5)], task="behaviour")
    assert report.ok and report.n_records == 5
    assert isinstance(report, ValidationReport)
    assert "5 records: OK" in str(report)
    assert [r["problems"] for r in report.as_table()] == [0, 0, 0, 0]


@pytest.mark.parametrize(
    "bad, fragment",
    [
        ({"id": "x"}, "messages"),
        ({"id": "x", "messages": []}, "messages"),
        ("just a string", "not a JSON object"),
        ({"id": "x", "messages": [{"role": "assistant", "content": "a"}]}, "order"),
        ({"id": "x", "messages": [{"role": "user", "content": "q"}]}, "last turn"),
        (
            {
                "id": "x",
                "messages": [{"role": "user", "content": "q"}, {"role": "user", "content": "q"}],
            },
            "order",
        ),
        (
            {
                "id": "x",
                "messages": [
                    {"role": "user", "content": "q"},
                    {"role": "system", "content": "s"},
                    {"role": "assistant", "content": "a"},
                ],
            },
            "order",
        ),
        (
            {
                "id": "x",
                "messages": [
                    {"role": "user", "content": " "},
                    {"role": "assistant", "content": "a"},
                ],
            },
            "empty",
        ),
        (
            {
                "id": "x",
                "messages": [
                    {"role": "bot", "content": "q"},
                    {"role": "assistant", "content": "a"},
                ],
            },
            "unknown role",
        ),
        (
            {"id": "x", "messages": [{"role": "user"}, {"role": "assistant", "content": "a"}]},
            "exactly",
        ),
    ],
)
def test_structural_problems_are_reported_with_id_and_line(bad, fragment):
    records = [rec(0), bad, rec(2)]
    report = validate_chat_records(records)
    assert not report.ok and report.n_records == 3  # reported, not dropped
    assert len(report.errors) == 1
    err = report.errors[0]
    assert err["line"] == 2 and fragment in err["problem"]
    if isinstance(bad, dict):
        assert err["id"] == "x"


def test_system_turn_is_optional_and_multi_turn_is_fine():
    two_turns = rec(9, system=False)
    two_turns["messages"] = two_turns["messages"] * 2
    assert validate_chat_records([rec(1, system=False), two_turns]).ok


def test_behaviour_answers_must_parse_only_when_asked():
    records = [rec(0), rec(1, answer='{"category": "bug"}'), rec(2, answer="Sure! Here you go.")]
    assert validate_chat_records(records).ok  # generic chat data: no format check
    report = validate_chat_records(records, task="behaviour")
    assert [(e["id"], e["line"]) for e in report.errors] == [("r-1", 2), ("r-2", 3)]
    assert all("parse_response" in e["problem"] for e in report.errors)
    with pytest.raises(ValueError, match="task"):
        validate_chat_records(records, task="summaries")


def test_exact_duplicates():
    a, b = rec(1), rec(2)
    dup = {**rec(1), "id": "copy"}
    report = validate_chat_records([a, b, dup])
    assert report.duplicates == [{"id": "copy", "line": 3, "first_id": "r-1", "first_line": 1}]
    assert "exact duplicate of r-1" in report.problems()[0]


def test_token_length_with_a_tokenizer():
    long_user = "word " * 600
    report = validate_chat_records([rec(0), rec(1, user=long_user)], tok=FakeTok(), max_tokens=512)
    assert [(t["id"], t["line"]) for t in report.too_long] == [("r-1", 2)]
    assert report.too_long[0]["tokens"] > 600
    assert report.tokens["max"] > 600 and report.tokens["min"] < 50
    assert "tokens" in str(report)


def test_leakage_finds_near_duplicates_only():
    train = [
        rec(
            i,
            user=f"My board export fails with error NB-{1000 + i} every single time I try it today",
        )
        for i in range(3)
    ]
    near = rec(
        10, user="My board export fails with error NB-1001 every single time I try it today."
    )
    other = rec(11, user="How many guests are included with the Team plan on annual billing please")
    report = validate_chat_records(train, eval_records=[near, other], near_dup_threshold=0.9)
    assert [(x["train_id"], x["eval_id"]) for x in report.leakage] == [("r-1", "r-10")]
    assert report.leakage[0]["similarity"] == 1.0
    assert not report.ok
    loose = validate_chat_records(train, eval_records=[near], near_dup_threshold=0.5)
    assert len(loose.leakage) == 3


def test_shingles_and_jaccard():
    a = shingles("The cat sat on the mat")
    assert ("the", "cat", "sat") in a and len(a) == 4
    assert jaccard(a, a) == 1.0 and jaccard(a, shingles("dogs bark loudly at night")) == 0.0
    assert shingles("hi there") == {("hi", "there")}


def test_raise_on_error_names_ids_and_lines():
    records = [rec(0), {"id": "broken", "messages": []}, rec(2, answer="oops")]
    with pytest.raises(DataError) as exc:
        validate_chat_records(records, task="behaviour", raise_on_error=True)
    msg = str(exc.value)
    assert "broken (line 2)" in msg and "r-2 (line 3)" in msg and "2 problem(s)" in msg
    many = [{"id": f"b{i}", "messages": []} for i in range(8)]
    with pytest.raises(DataError, match="and 3 more"):
        validate_chat_records(many, raise_on_error=True)


def test_load_chat_jsonl_names_file_and_line(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(json.dumps(rec(i)) for i in range(3)) + "\n", encoding="utf-8")
    assert len(load_chat_jsonl(good)) == 3
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(rec(0)) + "\n" + json.dumps(rec(1))[:30] + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.jsonl:2:"):
        load_chat_jsonl(bad)
    wrong_role = rec(3)
    wrong_role["messages"][0]["role"] = "bot"
    bad.write_text(json.dumps(rec(0)) + "\n" + json.dumps(wrong_role) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.jsonl:2: messages/0/role"):
        load_chat_jsonl(bad)


def test_check_chat_template_with_fake_tokenizers():
    assert "<system> SYSTEM-PROBE-7" in check_chat_template(FakeTok())
    with pytest.raises(ChatTemplateError, match="no chat template"):
        check_chat_template(FakeTok(template=None))
    drops = FakeTok()
    drops.drop = {"system"}
    with pytest.raises(ChatTemplateError, match="drops the system"):
        check_chat_template(drops)
    drops.drop = {"assistant"}
    with pytest.raises(ChatTemplateError, match="drops the assistant"):
        check_chat_template(drops)
    with pytest.raises(ChatTemplateError):  # validation refuses before measuring anything
        validate_chat_records([rec(0)], tok=FakeTok(template=None))


@pytest.mark.slow
def test_real_smollm2_template_and_behaviour_data(profile):
    from transformers import AutoTokenizer

    from labkit.data import load_behaviour
    from labkit.models import resolve_model

    tok = AutoTokenizer.from_pretrained(resolve_model("generator", profile).path)
    text = check_chat_template(tok)
    assert "<|im_start|>system\nSYSTEM-PROBE-7" in text
    train = load_behaviour("train")
    report = validate_chat_records(
        train, tok=tok, max_tokens=512, eval_records=load_behaviour("eval"), task="behaviour"
    )
    assert report.ok, str(report)
    assert 200 < report.tokens["median"] <= report.tokens["max"] <= 512
    original = tok.chat_template
    try:
        tok.chat_template = (
            "{% for m in messages %}{% if m['role'] == 'user' %}{{ m['content'] }}{% endif %}"
            "{% endfor %}"
        )
        with pytest.raises(ChatTemplateError, match="wrong chat template"):
            check_chat_template(tok)
        tok.chat_template = None
        with pytest.raises(ChatTemplateError, match="no chat template"):
            check_chat_template(tok)
    finally:
        tok.chat_template = original
