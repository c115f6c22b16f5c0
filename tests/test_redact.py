"""labkit.security.redact: Presidio on a blank spaCy pipeline (offline). What it catches, what it
misses (names), and the measured table against the generator's ground truth."""

import math

import pytest

redact = pytest.importorskip("labkit.security.redact")

EMAIL, PHONE = "maria.lopez@example.com", "+1 415-555-0142"
CARD, DECOY = "4111 1111 1111 1111", "4111 1111 1111 1112"  # Luhn valid / invalid
IBAN = "DE89 3704 0044 0532 0130 00"  # the textbook valid German IBAN
KEY = "nmb_live_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE"
AWS = "AKIAIOSFODNN7EXAMPLE"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


@pytest.fixture(scope="module")
def cfg():
    return redact.RedactionConfig()


@pytest.mark.parametrize(
    "secret, kind",
    [
        (EMAIL, "EMAIL_ADDRESS"),
        (PHONE, "PHONE_NUMBER"),
        ("020 7946 0958", "PHONE_NUMBER"),
        (CARD, "CREDIT_CARD"),
        (IBAN, "IBAN_CODE"),
        (KEY, "NIMBALO_API_KEY"),
        (AWS, "AWS_ACCESS_KEY"),
        (JWT, "BEARER_TOKEN"),
    ],
)
def test_each_secret_type_is_found_and_removed(cfg, secret, kind):
    text = f"Hello, here it is: {secret}. Thanks!"
    out, findings = redact.redact_text(text, cfg)
    assert secret not in out
    assert f"<{kind}>" in out
    f = next(x for x in findings if x["type"] == kind)
    assert text[f["start"] : f["end"]] == f["text"]
    assert out.startswith("Hello, here it is: ") and out.endswith(". Thanks!")


def test_known_misses_names_and_luhn_decoys(cfg):
    # No NER model offline: the blank pipeline finds no PERSON (the documented limit).
    text = "Please ask Maria Lopez or Kofi Mensah; order reference " + DECOY + "."
    out, findings = redact.redact_text(text, cfg)
    assert "Maria Lopez" in out and "Kofi Mensah" in out
    assert not [f for f in findings if f["type"] == "PERSON"]
    # A card-shaped number failing Luhn is not a card for Presidio.
    assert not [f for f in findings if f["type"] == "CREDIT_CARD"]


def test_clean_text_is_unchanged(cfg):
    text = "The REST API allows 4,450 requests per minute. Error NB-8010, version 5.3.2, $11.60."
    assert redact.redact_text(text, cfg) == (text, [])


def test_bearer_after_keyword_and_key_boundaries(cfg):
    out, _ = redact.redact_text("Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345", cfg)
    assert "abcdefghij" not in out
    short = "nmb_live_tooShort1"  # not 32 characters: not a course key
    assert redact.redact_text(f"key {short}", cfg)[0] == f"key {short}"


def test_redact_docs_and_records_keep_schema_and_ids(cfg):
    docs = [{"id": "d1", "title": "Contact", "access": "internal", "body": f"Mail {EMAIL}."}]
    out, findings = redact.redact_docs(docs, cfg)
    assert out[0]["body"] == "Mail <EMAIL_ADDRESS>." and out[0]["access"] == "internal"
    assert docs[0]["body"] == f"Mail {EMAIL}."  # input not modified
    assert findings[0]["id"] == "d1" and findings[0]["field"] == "body"
    recs = [
        {
            "id": "r1",
            "messages": [
                {"role": "user", "content": f"my card is {CARD}"},
                {"role": "assistant", "content": "Thanks, noted."},
            ],
        }
    ]
    out, findings = redact.redact_records(recs, cfg)
    assert CARD not in out[0]["messages"][0]["content"]
    assert out[0]["messages"][1]["content"] == "Thanks, noted."
    assert [(f["turn"], f["type"]) for f in findings] == [(0, "CREDIT_CARD")]


def test_config_validates():
    for bad in (
        {"entities": ("EMAIL_ADDRESS", "SSN")},
        {"entities": ()},
        {"score_threshold": 1.5},
        {"placeholder": "[REDACTED]"},
        {"phone_regions": ()},
    ):
        with pytest.raises(ValueError):
            redact.RedactionConfig(**bad)
    out, _ = redact.redact_text(
        f"{EMAIL} {PHONE}",
        redact.RedactionConfig(entities=("EMAIL_ADDRESS",), placeholder="[{type}]"),
    )
    assert out == f"[EMAIL_ADDRESS] {PHONE}"


def test_redaction_table_against_ground_truth(cfg):
    d = redact.load_secret_data()
    rows = {
        r["type"]: r for r in redact.redaction_table(d["articles"] + d["tickets"], d["truth"], cfg)
    }
    assert set(rows) >= {"EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "PERSON"}
    for t in (
        "EMAIL_ADDRESS",
        "CREDIT_CARD",
        "IBAN_CODE",
        "NIMBALO_API_KEY",
        "AWS_ACCESS_KEY",
        "BEARER_TOKEN",
    ):
        assert rows[t]["n"] >= 20 and rows[t]["recall"] >= 0.95, rows[t]
        assert rows[t]["precision"] >= 0.95, rows[t]
    assert rows["PHONE_NUMBER"]["recall"] >= 0.9
    person = rows["PERSON"]
    assert person["n"] >= 100 and person["caught"] == 0 and person["found"] == 0
    assert math.isnan(person["precision"]) and person["recall_hi"] < 0.05
    for r in rows.values():
        if r["n"]:
            assert r["recall_lo"] <= r["recall"] <= r["recall_hi"]
