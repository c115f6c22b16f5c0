"""Hybrid assembly (labkit.hybrid) and the evidence store (labkit.decide.evidence): plumbing, no models."""

import json
import math

import pytest

from labkit.decide import evidence
from labkit.finetune import behaviour
from labkit.hybrid import assembly as hybrid
from labkit.security.access import AccessError, Caller

FACT = {"id": "f-1", "article_id": "kb-a", "must_contain": ["8 retry attempts"]}
CHUNKS = [
    {
        "doc_id": "kb-b",
        "title": "Other",
        "text": "Something else entirely, with 8 retry attempts mentioned.",
    },
    {
        "doc_id": "kb-a",
        "title": "Webhooks",
        "text": "Nimbalo makes up to 8 retry attempts for a failed webhook delivery.",
    },
]
REPLY = "Hi Chen, thanks for writing. Nimbalo makes up to 8 retry attempts for a failed delivery. Renew the certificate. — Nimbalo Support"


def test_ticket_query_drops_the_customer_line_and_joins_lines():
    user = "Customer: Chen (Business plan)\nSubject: Webhook error\n\nOur webhooks\nstopped."
    assert hybrid.ticket_query(user) == "Subject: Webhook error Our webhooks stopped."


def test_cite_reply_cites_the_chunk_of_the_facts_article_only():
    cited = hybrid.cite_reply(REPLY, CHUNKS, FACT)
    assert "failed delivery [2]." in cited  # chunk 1 has the words but the wrong article
    assert cited.replace(" [2]", "") == REPLY
    # the fact's chunk was not retrieved: no invented citation
    assert hybrid.cite_reply(REPLY, CHUNKS[:1], FACT) == REPLY


def test_add_sources_alternates_and_keeps_ids_and_valid_labels():
    label = {"category": "integration", "priority": "normal", "escalate": False, "reply": REPLY}
    recs = [
        {
            "id": f"tk-{i}",
            "messages": [
                {"role": "user", "content": f"Customer: C (Team plan)\nSubject: s{i}"},
                {"role": "assistant", "content": behaviour.format_label(label)},
            ],
        }
        for i in range(4)
    ]
    tickets = [{"id": f"tk-{i}", "fact_ids": ["f-1"]} for i in range(4)]
    asked = []

    def retrieve(q, k):
        asked.append((q, k))
        return CHUNKS[:k]

    mix = hybrid.add_sources(recs, tickets, {"f-1": FACT}, retrieve, k=2, every=2)
    assert [r["id"] for r in mix] == [r["id"] for r in recs]
    assert mix[1] == recs[1] and mix[3] == recs[3]
    assert asked == [("Subject: s0", 2), ("Subject: s2", 2)]
    for r in (mix[0], mix[2]):
        user, answer = r["messages"][0]["content"], r["messages"][1]["content"]
        assert (
            user.startswith("Help-center sources:\n[1] Other:")
            and "\n\nTicket:\nCustomer: C" in user
        )
        assert behaviour.parse_response(answer)["reply"].count("[2]") == 1


def test_ticket_messages_for_base_and_tuned_models():
    tuned = hybrid.ticket_messages("Customer: C (Team plan)\nSubject: x", CHUNKS)
    assert len(tuned) == 1 and tuned[0]["role"] == "user" and "[2] Webhooks:" in tuned[0]["content"]
    base = hybrid.ticket_messages("Customer: C (Team plan)\nSubject: x", CHUNKS, policy=True)
    assert base[0]["role"] == "system" and hybrid.SOURCE_RULE in base[0]["content"]
    plain = hybrid.ticket_messages("Customer: C (Team plan)\nSubject: x", None, policy=True)
    assert plain[0]["content"] == behaviour.SYSTEM_PROMPT and plain[-1]["content"].endswith(
        "Subject: x"
    )


def _out(reply, cited_docs=(), source=None):
    return {"reply": reply, "cited_docs": list(cited_docs), "citation_source": source}


def test_knowledge_metrics_counts_only_tickets_that_need_a_fact():
    tickets = [{"fact_ids": ["f-1"]}, {"fact_ids": ["f-1"]}, {"fact_ids": []}]
    outs = [
        _out("We make up to 8 retry attempts [2].", ["kb-a"], "model"),
        _out("We make 18 retry attempts.", ["kb-b"], "attributed"),
        _out("x"),
    ]
    m = hybrid.knowledge_metrics(tickets, outs, {"f-1": FACT})
    assert m == {"answer_accuracy": 0.5, "citation_accuracy": 0.5, "self_cited": 0.5, "n": 2}
    with pytest.raises(ValueError):
        hybrid.knowledge_metrics(tickets[:2], outs, {"f-1": FACT})


def test_knowledge_metrics_wrong_reply_citing_the_fact_article_is_not_a_correct_citation():
    # Issue 10: "18" is wrong, yet the cited article kb-a holds the fact (8 retry attempts).
    tickets = [{"fact_ids": ["f-1"]}] * 3
    outs = [
        _out("We make 18 retry attempts [1].", ["kb-a"], "model"),
        _out("We make 8 retry attempts [1].", ["kb-a"], "model"),
        _out("We make 8 retry attempts [1].", ["kb-b"], "model"),
    ]
    m = hybrid.knowledge_metrics(tickets, outs, {"f-1": FACT})
    assert m["answer_accuracy"] == pytest.approx(2 / 3)
    assert m["citation_accuracy"] == pytest.approx(1 / 3)


def test_refusal_rate_counts_gate_and_refusing_replies():
    outs = [_out("I don't know."), _out("It costs $5."), _out("It costs $5.")]
    assert hybrid.refusal_rate(outs) == pytest.approx(1 / 3)
    assert hybrid.refusal_rate(outs, gated=[False, True, False]) == pytest.approx(2 / 3)


def test_combined_score_is_the_mean_of_the_five_visible_scores():
    row = dict.fromkeys(hybrid.COMBINED, 0.0) | {"answer_accuracy": 0.5, "json_validity": 0.5}
    assert len(hybrid.COMBINED) == 5 and "tone_valid" in hybrid.COMBINED
    assert hybrid.combined_score(row) == pytest.approx(0.2)
    assert "refusal_unanswerable" not in hybrid.COMBINED  # measured on other tickets


def test_spread_sample_covers_every_scenario_before_repeating_one():
    tickets = [{"id": f"{s}{i}", "scenario": s} for s in "abc" for i in range(3)]
    assert [t["id"] for t in hybrid.spread_sample(tickets, 5)] == ["a0", "b0", "c0", "a1", "b1"]
    assert [t["id"] for t in hybrid.one_per_scenario(tickets)] == ["a0", "b0", "c0"]
    assert len(hybrid.spread_sample(tickets, 50)) == 9  # never more than there are


def _full(reply, cited_docs=(), source=None, text=None):
    return _out(reply, cited_docs, source) | {
        "text": text or reply,
        "prompt_tokens": 10,
        "seconds": 0.1,
    }


def _ticket(fact_ids=("f-1",)):
    return {"id": "t", "customer": "Chen", "fact_ids": list(fact_ids), "category": "integration",
            "priority": "normal", "escalate": False, "subject": "s", "body": "b", "plan": "Team"}  # fmt: skip


def test_system_row_components_are_shown_and_recompute_combined():
    label = {"category": "integration", "priority": "normal", "escalate": False, "reply": REPLY}
    good = _full(REPLY, ["kb-a"], "attributed", text=behaviour.format_label(label))
    bad = _full("rambling, not JSON, 8 retry attempts", ["kb-b"], "attributed")
    tickets = [_ticket(), _ticket(), _ticket(())] * 4
    outs = [good, bad, good] * 4
    row = hybrid.system_row(tickets, outs, {"f-1": FACT}, [_full("I don't know.")] * 3)
    assert row["n"] == 12 and row["n_fact"] == 8 and row["n_unanswerable"] == 3
    assert row["answer_accuracy"] == 1.0  # both replies state the fact
    assert row["citation_accuracy"] == 0.5  # the second cites the wrong article
    assert row["json_validity"] == pytest.approx(8 / 12)
    assert row["combined"] == pytest.approx(sum(row[k] for k in hybrid.COMBINED) / 5)
    assert hybrid.combined_from_scores(
        hybrid.ticket_scores(tickets, outs, {"f-1": FACT})
    ) == pytest.approx(row["combined"])
    assert row["n_valid"] == 8 and math.isnan(row["tone_adherence"])  # 8 valid < 10


def test_citation_needs_a_right_answer():
    wrong_but_cites_gold_article = _full("We make 18 retry attempts.", ["kb-a"], "attributed")
    s = hybrid.ticket_scores([_ticket()], [wrong_but_cites_gold_article], {"f-1": FACT})[0]
    assert s["answer_ok"] is False and s["citation_ok"] is False


def test_gate_row_charges_false_refusals_to_accuracy():
    scores = [{"needs_fact": True, "answer_ok": True}] * 4 + [
        {"needs_fact": False, "answer_ok": None}
    ]
    g = hybrid.gate_row(scores, [True, False, False, False, True], [True, True, False])
    assert g["false_refusal"] == 0.25 and g["answer_accuracy_gated"] == 0.75
    assert g["refusal_unanswerable"] == pytest.approx(2 / 3) and g["n_fact"] == 4


def test_evidence_round_trip_refuses_unknown_keys_and_nan(tmp_path, monkeypatch):
    monkeypatch.setenv("LABKIT_CACHE", str(tmp_path))
    monkeypatch.setattr(evidence, "snapshot_path", lambda: tmp_path / "snapshot.json")
    (tmp_path / "snapshot.json").write_text(
        json.dumps({"rag.latency_s": {"value": 9.0, "source": "old"}})
    )
    evidence.record({"rag.latency_s": 0.5, "train.seconds": 300}, source="nb06")
    ev = evidence.load()
    assert ev["rag.latency_s"] == {"value": 0.5, "source": "nb06"}  # measurement beats snapshot
    assert evidence.value("train.seconds", evidence=ev) == 300
    assert evidence.value("hybrid.latency_s", default=-1.0, evidence=ev) == -1.0
    with pytest.raises(KeyError):
        evidence.record({"rag.latency": 1.0}, source="typo")
    with pytest.raises(ValueError):
        evidence.record({"rag.latency_s": float("nan")}, source="x")
    assert evidence.load()["rag.latency_s"]["value"] == 0.5  # refused writes changed nothing


def test_attribute_sentences_cites_copied_sentences_only():
    reply = "Hi Chen, thanks for writing. Nimbalo makes up to 8 retry attempts for a failed webhook delivery. — Nimbalo Support"
    assert hybrid.attribute_sentences(reply, CHUNKS) == [2]
    assert (
        hybrid.attribute_sentences("Hi Chen, thanks for writing. — Nimbalo Support", CHUNKS) == []
    )


# --- issue 13 section 1: answer_tickets and source_retriever take a caller


class _Searcher:
    """Records the caller each search gets; returns chunks of every level."""

    def __init__(self):
        self.callers = []

    def search(self, query, k, *, caller):
        self.callers.append(caller)
        return [dict(c, access="public", chunk_id=f"c{i}") for i, c in enumerate(CHUNKS)][:k]


def test_source_retriever_requires_and_passes_the_caller():
    s = _Searcher()
    retrieve = hybrid.source_retriever(s, min_words=3)
    with pytest.raises(TypeError, match="who is asking"):
        retrieve("q", 2)
    assert len(retrieve("q", 2, caller=Caller("customer"))) == 2
    assert s.callers == [Caller("customer")]


def test_answer_tickets_requires_a_caller_and_stops_chunks_above_it(monkeypatch):
    def fake_generate(model, tok, messages_list, cfg=None):
        fake_generate.prompts += messages_list
        return [
            {"text": "{}", "prompt_tokens": 1, "new_tokens": 1, "seconds": 0.0}
            for _ in messages_list
        ]

    fake_generate.prompts = []
    monkeypatch.setattr(hybrid, "generate_batch", fake_generate)
    with pytest.raises(TypeError, match="who is asking"):
        hybrid.answer_tickets(["Subject: s"], None, None)
    internal = dict(CHUNKS[1], access="internal", chunk_id="kb-a#0")
    with pytest.raises(AccessError, match="kb-a#0"):
        hybrid.answer_tickets(
            ["Subject: s"],
            None,
            None,
            caller=Caller("customer"),
            retrieve_fn=lambda q, k, caller: [CHUNKS[0], internal],
        )
    assert fake_generate.prompts == []  # nothing reached a prompt
    out = hybrid.answer_tickets(
        ["Subject: s"],
        None,
        None,
        caller=Caller("agent"),
        retrieve_fn=lambda q, k, caller: [CHUNKS[0], internal],
    )
    assert out[0]["caller"] == "agent" and len(out[0]["chunks"]) == 2


def _scores(n, ok_every):
    """n ticket-score rows; every ``ok_every``-th ticket fully right (0: none)."""
    rows = []
    for i in range(n):
        ok = bool(ok_every) and i % ok_every == 0
        rows.append(
            {"needs_fact": True, "answer_ok": ok, "citation_ok": ok, "valid": ok}
            | {"all_fields": ok, "tone_valid": ok}
        )
    return rows


def _table(hybrid_rows, rag_rows, ft_rows):
    return {
        name: {"combined": hybrid.combined_from_scores(rows), "ticket_scores": rows}
        for name, rows in (
            ("hybrid", hybrid_rows),
            ("RAG only", rag_rows),
            ("fine-tuned only", ft_rows),
        )
    }


def test_versus_best_single_claims_a_direction_only_when_significant():
    from labkit.hybrid.scores import versus_best_single

    # the hybrid right on every ticket, fine-tuning (the better single) on a third: better
    v = versus_best_single(_table(_scores(60, 1), _scores(60, 0), _scores(60, 3)))
    assert (
        v["best_single"] == "fine-tuned only" and v["verdict"] == "better" and v["p_value"] < 0.05
    )
    assert v["difference"] == pytest.approx(1 - 20 / 60) and "better" in v["sentence"]
    # one ticket apart out of 60: no direction may be claimed
    one_more = _scores(60, 0)
    one_more[0] = _scores(1, 1)[0]
    v = versus_best_single(_table(one_more, _scores(60, 0), _scores(60, 0)))
    assert v["verdict"] == "not significant" and v["p_value"] >= 0.05
    # the hybrid worse than RAG only, which is the better single here
    v = versus_best_single(_table(_scores(60, 0), _scores(60, 1), _scores(60, 4)))
    assert v["best_single"] == "RAG only" and v["verdict"] == "worse"
