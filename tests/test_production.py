"""labkit.production: the SQLite interaction log, monitoring SQL, canary routing and the rule."""

import math
import random
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from labkit.env import ROOT
from labkit.production import log as plog
from labkit.production import monitor, rollout
from labkit.security.access import Caller

CUSTOMER = Caller("customer")


def _row(i=0, **over):
    row = {
        "ts": 1000.0 + i,
        "query": f"question {i}",
        "chunk_ids": [f"kb-{i}-0", f"kb-{i}-1"],
        "chunk_scores": [0.9 - 0.01 * i, 0.5],
        "answer": f"answer {i} [1].",
        "citations": [1],
        "refused": False,
        "latency_s": 0.5 + 0.01 * i,
        "prompt_tokens": 300,
        "new_tokens": 40,
        "adapter_version": "v1",
    }
    return row | over


# -- the log ----------------------------------------------------------------------------------
def test_a_new_log_is_migrated_to_the_current_schema(tmp_path):
    with plog.InteractionLog(tmp_path / "log.db") as lg:
        assert lg.conn.execute("PRAGMA user_version").fetchone()[0] == plog.SCHEMA_VERSION
        i = lg.record(CUSTOMER, _row(segment="billing", json_valid=True))
        (r,) = lg.rows()
    assert (
        r["id"] == i and r["caller_role"] == "customer" and r["chunk_ids"] == ["kb-0-0", "kb-0-1"]
    )
    assert r["segment"] == "billing" and r["json_valid"] == 1 and r["feedback"] is None


def test_an_old_log_is_upgraded_in_place_keeping_its_rows(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for sql in plog.MIGRATIONS[0][2]:
        conn.execute(sql)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO interactions (ts, caller_role, query, chunk_ids, chunk_scores, answer, "
        "citations, refused, latency_s, prompt_tokens, new_tokens, adapter_version) "
        "VALUES (1, 'public', 'q', '[]', '[]', 'a', '[]', 0, 0.1, 10, 2, 'v0')"
    )
    conn.commit()
    conn.close()
    with plog.InteractionLog(path) as lg:
        assert lg.conn.execute("PRAGMA user_version").fetchone()[0] == plog.SCHEMA_VERSION
        (r,) = lg.rows()
        assert r["query"] == "q" and r["segment"] is None
        lg.add_feedback(r["id"], -1, ts=2.0)  # a column migration 2 added
        assert lg.rows()[0]["feedback"] == -1


def test_a_log_from_a_newer_labkit_is_refused(tmp_path):
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {plog.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(plog.LogError, match="upgrade labkit"):
        plog.open_log(path)


def test_every_row_needs_a_caller(tmp_path):
    with plog.InteractionLog(tmp_path / "log.db") as lg:
        with pytest.raises(TypeError, match="caller"):
            lg.record(None, _row())
        assert lg.count() == 0


@pytest.mark.parametrize(
    "over, message",
    [
        ({"query": None}, "query must be"),
        ({"latency_s": float("nan")}, "finite"),
        ({"refused": 1}, "refused must be"),
        ({"prompt_tokens": True}, "must be a number"),
        ({"chunk_scores": [0.1]}, "2 chunk ids but 1 scores"),
        ({"segment": 3}, "segment must be str"),
    ],
)
def test_a_bad_row_names_its_field_and_the_batch_writes_nothing(tmp_path, over, message):
    with plog.InteractionLog(tmp_path / "log.db") as lg:
        with pytest.raises(plog.LogError, match=message):
            lg.record_many([(CUSTOMER, _row(0)), (CUSTOMER, _row(1, **over))])
        assert lg.count() == 0
    missing = _row()
    del missing["answer"]
    with (
        plog.InteractionLog(tmp_path / "log.db") as lg,
        pytest.raises(plog.LogError, match="answer"),
    ):
        lg.record(CUSTOMER, missing)


def test_a_constraint_failing_mid_batch_rolls_the_whole_batch_back(tmp_path):
    with plog.InteractionLog(tmp_path / "log.db") as lg:
        lg.record(CUSTOMER, _row(0))
        with pytest.raises(sqlite3.IntegrityError):
            lg.record_many([(CUSTOMER, _row(1)), (CUSTOMER, _row(2, latency_s=-1.0))])
        assert [r["query"] for r in lg.rows()] == ["question 0"]


def test_feedback_is_given_once_to_an_existing_answer(tmp_path):
    with plog.InteractionLog(tmp_path / "log.db") as lg:
        i = lg.record(CUSTOMER, _row())
        lg.add_feedback(i, 1, ts=5.0)
        with pytest.raises(plog.LogError, match="already has feedback"):
            lg.add_feedback(i, -1, ts=6.0)
        with pytest.raises(plog.LogError, match="does not exist"):
            lg.add_feedback(i + 1, -1, ts=6.0)
        with pytest.raises(plog.LogError, match=r"\+1 or -1"):
            lg.add_feedback(i, True, ts=6.0)
        assert lg.rows()[0]["feedback"] == 1


_WRITER = textwrap.dedent(
    """
    import os, sys
    from labkit.production.log import InteractionLog
    from labkit.security.access import Caller
    sys.path.insert(0, {tests!r})
    from test_production import _row
    lg = InteractionLog(sys.argv[1])
    mode, n = sys.argv[2], int(sys.argv[3])
    for i in range(n):
        lg.record(Caller("customer"), _row(i, adapter_version=mode))
    if mode == "crash":  # a batch in flight when the process dies
        lg.conn.execute("BEGIN IMMEDIATE")
        lg.conn.execute("INSERT INTO interactions (ts, caller_role, query, chunk_ids, chunk_scores, "
                        "answer, citations, refused, latency_s, prompt_tokens, new_tokens, "
                        "adapter_version) VALUES (1, 'customer', 'lost', '[]', '[]', 'a', '[]', 0, "
                        "0.1, 1, 1, 'crash')")
        os._exit(1)
    """
)


def _writer(path, mode, n):
    code = _WRITER.format(tests=str(ROOT / "tests"))
    return subprocess.Popen([sys.executable, "-c", code, str(path), mode, str(n)], cwd=ROOT)


def test_a_crash_mid_write_loses_nothing_committed(tmp_path):
    path = tmp_path / "log.db"
    assert _writer(path, "crash", 20).wait(timeout=120) == 1
    with plog.InteractionLog(path) as lg:
        assert lg.count() == 20 and not lg.rows("query = ?", ("lost",))
        assert lg.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "log.db"
    plog.open_log(path).close()  # migrate once, then race
    procs = [_writer(path, f"w{j}", 60) for j in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with plog.InteractionLog(path) as lg:
        got = lg.conn.execute(
            "SELECT adapter_version, COUNT(*) FROM interactions GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert [tuple(r) for r in got] == [("w0", 60), ("w1", 60)]


# -- monitoring ---------------------------------------------------------------------------------
@pytest.fixture
def filled(tmp_path):
    rng = random.Random(0)
    lg = plog.InteractionLog(tmp_path / "log.db")
    rows = []
    for i in range(137):
        r = _row(
            i,
            latency_s=round(rng.lognormvariate(0, 0.5), 4),
            refused=rng.random() < 0.2,
            segment=rng.choice(["billing", "how-to", "security"]),
            json_valid=rng.random() < 0.9,
            adapter_version=rng.choice(["v1", "v2"]),
            ts=1000.0 + 10 * i,
        )
        rows.append(r)
    ids = lg.record_many([(CUSTOMER, r) for r in rows])
    for i, r in zip(ids, rows, strict=True):
        if i % 3:
            r["feedback"] = rng.choice([-1, 1])
            lg.add_feedback(i, r["feedback"], ts=r["ts"] + 1)
    yield lg, rows
    lg.close()


def _nearest_rank(values, p):
    values = sorted(values)
    return values[math.ceil(p * len(values)) - 1]


def test_latency_percentiles_are_nearest_rank(filled):
    lg, rows = filled
    df = monitor.latency_percentiles(lg.conn, by="adapter_version").set_index("adapter_version")
    for v in ("v1", "v2"):
        lat = [r["latency_s"] for r in rows if r["adapter_version"] == v]
        assert df.loc[v, "n"] == len(lat)
        assert df.loc[v, "p50"] == _nearest_rank(lat, 0.5)
        assert df.loc[v, "p95"] == _nearest_rank(lat, 0.95)


def test_rates_by_segment_match_a_count_by_hand(filled):
    lg, rows = filled
    df = monitor.rates(lg.conn, by="segment").set_index("segment")
    for seg in ("billing", "how-to", "security"):
        rs = [r for r in rows if r["segment"] == seg]
        rated = [r for r in rs if "feedback" in r]
        assert df.loc[seg, "n"] == len(rs) and df.loc[seg, "rated"] == len(rated)
        assert df.loc[seg, "refusal_rate"] == pytest.approx(sum(r["refused"] for r in rs) / len(rs))
        neg = sum(r["feedback"] == -1 for r in rated) / len(rated)
        assert df.loc[seg, "negative_rate"] == pytest.approx(neg)
        assert df.loc[seg, "json_validity"] == pytest.approx(
            sum(r["json_valid"] for r in rs) / len(rs)
        )


def test_score_drift_buckets_the_top_score_over_time(filled):
    lg, rows = filled
    df = monitor.score_drift(lg.conn, bucket_s=500)
    assert df["n"].sum() == len(rows) and list(df["bucket"]) == sorted(df["bucket"])
    first = [r["chunk_scores"][0] for r in rows if r["ts"] - 1000.0 < 500]
    assert df.iloc[0]["top_score_mean"] == pytest.approx(sum(first) / len(first))
    assert df["top_score_mean"].iloc[-1] < df["top_score_mean"].iloc[0]  # _row's scores fall


def test_monitoring_refuses_a_column_it_does_not_know(filled):
    lg, _ = filled
    with pytest.raises(ValueError, match="cannot group by"):
        monitor.rates(lg.conn, by="query; DROP TABLE interactions")
    with pytest.raises(ValueError, match="bucket_s"):
        monitor.score_drift(lg.conn, bucket_s=0)


# -- rollout ------------------------------------------------------------------------------------
def test_routing_is_deterministic_nested_and_close_to_the_share():
    ids = [f"customer-{i}" for i in range(10_000)]
    at_20 = {i for i in ids if rollout.route(i, 0.2)}
    at_50 = {i for i in ids if rollout.route(i, 0.5)}
    assert at_20 <= at_50  # raising the share keeps everyone already on the candidate
    assert at_20 == {i for i in ids if rollout.route(i, 0.2)}
    # 10,000 fair draws at 0.2: 4 standard deviations is +-0.016
    assert abs(len(at_20) / len(ids) - 0.2) < 0.016
    assert {i for i in ids if rollout.route(i, 0.2, salt="other")} != at_20
    with pytest.raises(ValueError, match="caller_id"):
        rollout.route("", 0.5)
    with pytest.raises(ValueError, match="share"):
        rollout.route("x", 1.5)


def test_required_n_matches_the_textbook_value():
    assert rollout.required_n(0.5, 0.1) == 388  # Fleiss, alpha 0.05 two-sided, power 0.8
    assert rollout.required_n(0.5, 0.05) > 4 * 388 * 0.95
    with pytest.raises(ValueError):
        rollout.required_n(0.95, 0.1)


def _arm(n, good, bad=0.0, seed=0):
    rng = random.Random(seed)
    return {
        "good": [rng.random() < good for _ in range(n)],
        "invalid_json": [rng.random() < bad for _ in range(n)],
        "refused": [False] * n,
        "slow": [False] * n,
    }


def test_decide_rolls_back_a_broken_candidate_at_any_look():
    rule = rollout.RolloutRule(p_base=0.5, mde=0.1)
    d = rollout.decide(_arm(60, 0.5, 0.01, 1), _arm(60, 0.6, 0.3, 2), rule)
    assert d["decision"] == "rollback" and "invalid_json" in d["reason"]


def test_decide_waits_for_the_horizon_then_promotes_a_real_gain():
    rule = rollout.RolloutRule(p_base=0.5, mde=0.1)
    n = rule.n_per_arm()
    assert (
        rollout.decide(_arm(n - 1, 0.5, seed=1), _arm(n - 1, 0.7, seed=2), rule)["decision"]
        == "continue"
    )
    d = rollout.decide(_arm(n, 0.5, seed=1), _arm(n, 0.7, seed=2), rule)
    assert d["decision"] == "promote" and d["primary"]["p"] < 0.05


def test_decide_keeps_the_champion_without_a_significant_gain():
    rule = rollout.RolloutRule(p_base=0.5, mde=0.1)
    n = rule.n_per_arm()
    d = rollout.decide(_arm(n, 0.5, seed=3), _arm(n, 0.5, seed=4), rule)
    assert d["decision"] == "rollback" and "no significant gain" in d["reason"]
    with pytest.raises(ValueError, match="lack"):
        rollout.decide({"good": []}, _arm(3, 0.5), rule)


# -- traffic and the simulated user -------------------------------------------------------------
def _data():
    from labkit import data

    return data.load_tickets("train"), data.load_questions("dev")


def test_traffic_is_deterministic_time_ordered_and_dev_side_only():
    from labkit import data
    from labkit.production import traffic

    tickets, questions = _data()
    a = traffic.simulate(tickets, questions, 300, seed=1)
    assert a == traffic.simulate(tickets, questions, 300, seed=1)
    assert a != traffic.simulate(tickets, questions, 300, seed=2)
    assert [r.ts for r in a] == sorted(r.ts for r in a) and len({r.request_id for r in a}) == 300
    assert {r.kind for r in a} == {"ticket", "question"}
    assert all(r.item["split"] in ("train", "dev") for r in a)
    with pytest.raises(ValueError, match="eval tickets"):
        traffic.simulate(data.load_tickets("eval"), questions, 10)
    with pytest.raises(ValueError, match="never test"):
        traffic.simulate(tickets, data.load_questions("test"), 10)


def test_drift_raises_the_share_of_unanswerable_questions_late_in_the_run():
    from labkit.production import traffic

    tickets, questions = _data()
    reqs = traffic.simulate([], questions, 2000, drift_at=0.5, drift_share=0.5, seed=0)
    early = [r for r in reqs[:1000] if r.kind == "question"]
    late = [r for r in reqs[1000:] if r.kind == "question"]
    share = lambda rs: sum(not r.answerable for r in rs) / len(rs)  # noqa: E731
    base = sum(q["type"] == "unanswerable" for q in questions) / len(questions)
    assert abs(share(early) - base) < 0.05 and share(late) > base + 0.3


def test_the_feedback_model_follows_its_written_rules():
    from labkit.production import traffic

    tickets, questions = _data()
    reqs = traffic.simulate(tickets, questions, 50, seed=0)
    tk = next(r for r in reqs if r.kind == "ticket" and r.answerable)
    una = next(r for r in traffic.simulate([], questions, 400, seed=3) if not r.answerable)
    exact = random.Random(0)
    say = lambda req, **kw: traffic.feedback(req, rng=exact, rate=1.0, noise=0.0, **kw)  # noqa: E731
    assert say(tk, right=True, refused=False, json_valid=True) == 1
    assert say(tk, right=True, refused=False, json_valid=False) == -1
    assert say(tk, right=False, refused=False, json_valid=True) == -1
    assert say(una, right=False, refused=True, json_valid=None) == 1
    assert say(una, right=False, refused=False, json_valid=None) == -1
    rng = random.Random(5)
    votes = [traffic.feedback(tk, True, False, True, rng, rate=0.6, noise=0.1) for _ in range(5000)]
    rated = [v for v in votes if v is not None]
    assert abs(len(rated) / 5000 - 0.6) < 0.03  # 4 sd of a binomial(5000, 0.6) share is 0.028
    assert abs(rated.count(-1) / len(rated) - 0.1) < 0.025


# -- mining -------------------------------------------------------------------------------------
def test_hard_cases_are_picked_by_sql_and_trained_on_gold_not_on_the_model(tmp_path):
    from labkit import data
    from labkit.production import mining

    train = data.load_behaviour("train")
    ids = [r["id"] for r in train[:4]]
    with plog.InteractionLog(tmp_path / "log.db") as lg:
        rows = [
            _row(0, request_id=ids[0], json_valid=False, answer="{broken"),
            _row(1, request_id=ids[1], json_valid=True, chunk_scores=[0.2, 0.1]),
            _row(2, request_id=ids[2], json_valid=True),
            _row(3, request_id="q-dev-1"),
            _row(4, request_id=ids[0], json_valid=False),  # the same ticket again
            _row(5, request_id=ids[3], json_valid=True, adapter_version="v2"),
        ]
        got = lg.record_many([(CUSTOMER, r) for r in rows])
        lg.add_feedback(got[2], -1, ts=1.0)
        lg.add_feedback(got[3], -1, ts=1.0)
        lg.add_feedback(got[5], -1, ts=1.0)
        cases = mining.hard_cases(lg.conn, min_score=0.3, version="v1")
        assert list(cases["reasons"]) == [
            "invalid_json", "low_retrieval_score", "negative_feedback", "negative_feedback",
            "invalid_json",
        ]  # fmt: skip
        assert len(mining.hard_cases(lg.conn)) == 5  # no score threshold: rows 0, 2, 3, 4, 5
    records, skipped = mining.training_records(cases, train)
    assert [r["id"] for r in records] == ids[:3] and skipped == ["q-dev-1"]
    assert all(r["messages"][-1]["content"] != "{broken" for r in records)
    assert all(m["role"] != "system" for r in records for m in r["messages"])
    report = mining.check_records(records, data.load_behaviour("eval"))
    assert report.ok, report.problems()
    dup = mining.check_records(records + records[:1], data.load_behaviour("eval"))
    assert dup.duplicates and not dup.ok


# -- serving with a log -------------------------------------------------------------------------
def test_serve_logs_every_interaction_with_its_caller_and_the_users_feedback(tmp_path):
    from labkit import data
    from labkit.production import serve, traffic
    from labkit.rag.generate import REFUSAL

    tickets, questions = _data()
    facts = {f["id"]: f for f in data.load_facts("v1")}
    reqs = traffic.simulate(tickets, questions, 40, seed=0)
    seen = []

    def ticket_fn(texts, caller):
        seen.append(caller)
        return [
            {"text": '{"reply": "x"}' if i % 2 else "not json", "parsed": {"reply": "x"} if i % 2 else None,
             "reply": "x", "citations": [1], "chunks": [{"chunk_id": "kb-1#0", "score": 0.7}],
             "seconds": 0.5, "prompt_tokens": 300, "new_tokens": 50}
            for i in range(len(texts))
        ]  # fmt: skip

    def question_fn(texts, caller):
        seen.append(caller)
        return [{"text": REFUSAL, "citations": [], "chunks": [], "seconds": 0.1,
                 "prompt_tokens": 0, "new_tokens": 0} for _ in texts]  # fmt: skip

    with plog.InteractionLog(tmp_path / "log.db") as lg:
        res = serve.serve(reqs, lg, "v1", ticket_fn=ticket_fn, question_fn=question_fn,
                          facts=facts, rng=random.Random(0), rate=1.0, noise=0.0)  # fmt: skip
        rows = lg.rows()
    assert {c.role for c in seen} == {"customer"} and len(rows) == len(reqs) == len(res)
    assert [r["caller_tenant"] for r in rows] == [q.caller_id for q in reqs]
    assert [r["request_id"] for r in rows] == [q.item["id"] for q in reqs]
    tk = [r for r, q in zip(rows, reqs, strict=True) if q.kind == "ticket"]
    assert {r["json_valid"] for r in tk} == {0, 1} and all(r["feedback"] is not None for r in rows)
    for r, q in zip(rows, reqs, strict=True):  # rate 1, noise 0: the written rules exactly
        if q.kind == "question":
            assert r["refused"] == 1 and r["feedback"] == (-1 if q.answerable else 1)
        elif not r["json_valid"]:
            assert r["feedback"] == -1


def test_serve_writes_nothing_when_an_answer_is_missing(tmp_path):
    from labkit.production import serve, traffic

    tickets, questions = _data()
    reqs = traffic.simulate(tickets, [], 5, seed=0)
    with plog.InteractionLog(tmp_path / "log.db") as lg:
        with pytest.raises(ValueError, match="5 requests but 4 answers"):
            serve.serve(reqs, lg, "v1", ticket_fn=lambda t, c: [{"text": "x"}] * 4,
                        question_fn=lambda t, c: [], facts={})  # fmt: skip
        assert lg.count() == 0


def test_the_response_cache_answers_a_repeat_once_per_version_and_logs_the_hit(tmp_path):
    from labkit import data
    from labkit.production import serve, traffic

    tickets, questions = _data()
    reqs = traffic.simulate(tickets[:3], questions[:2], 30, seed=1)  # 5 distinct texts, 30 requests
    asked = []

    def fn(texts, caller):
        asked.extend(texts)
        return [{"text": f"answer to {t[:20]}", "citations": [], "chunks": [], "seconds": 0.5,
                 "prompt_tokens": 10, "new_tokens": 5} for t in texts]  # fmt: skip

    cache, facts = {}, {f["id"]: f for f in data.load_facts("v1")}
    with plog.InteractionLog(tmp_path / "log.db") as lg:
        first = serve.serve(reqs, lg, "v1", ticket_fn=fn, question_fn=fn, facts=facts, cache=cache)
        n_distinct = len({q.text for q in reqs})
        assert len(asked) == n_distinct < len(reqs)  # every distinct text answered exactly once
        assert not any(r["cached"] for r in first)
        again = serve.serve(reqs, lg, "v1", ticket_fn=fn, question_fn=fn, facts=facts, cache=cache)
        assert len(asked) == n_distinct and all(r["cached"] for r in again)
        assert [a["output"]["text"] for a in again] == [f["output"]["text"] for f in first]
        serve.serve(reqs[:4], lg, "v2", ticket_fn=fn, question_fn=fn, facts=facts, cache=cache)
        assert len(asked) > n_distinct  # a new version never gets v1's answers
        rows = lg.rows()
    assert [r["cached"] for r in rows[len(reqs) : 2 * len(reqs)]] == [1] * len(reqs)
    assert max(r["latency_s"] for r in rows[len(reqs) : 2 * len(reqs)]) < 0.5


def test_arm_outcomes_reads_each_versions_flags_after_a_row(tmp_path):
    with plog.InteractionLog(tmp_path / "log.db") as lg:
        ids = lg.record_many([
            (CUSTOMER, _row(0, json_valid=True, adapter_version="v1")),
            (CUSTOMER, _row(1, json_valid=False, adapter_version="v1")),
            (CUSTOMER, _row(2, json_valid=True, adapter_version="v1", latency_s=3.0)),
            (CUSTOMER, _row(3, json_valid=True, adapter_version="v2")),
            (CUSTOMER, _row(4, adapter_version="v1")),  # a question: not a ticket outcome
        ])  # fmt: skip
        lg.add_feedback(ids[2], -1, ts=1.0)
        got = rollout.arm_outcomes(lg.conn, "v1", slow_s=2.0)
        later = rollout.arm_outcomes(lg.conn, "v1", after_id=ids[0])
    assert got == {
        "ok": [True, False, False],
        "invalid_json": [False, True, False],
        "refused": [False, False, False],
        "slow": [False, False, True],
        "negative": [False, False, True],
    }
    assert later["invalid_json"] == [True, False]


def test_a_simulated_week_is_served_logged_and_summarised_by_sql(tmp_path):
    from labkit import data
    from labkit.production import week
    from labkit.rag.generate import REFUSAL

    tickets, questions = _data()
    facts = {f["id"]: f for f in data.load_facts("v1")}

    def ticket_fn(texts, caller):  # plumbing stubs: every third ticket answer is not JSON
        return [{"text": "not json" if len(t) % 3 == 0 else '{"reply": "x"}',
                 "parsed": None if len(t) % 3 == 0 else {"reply": "x"}, "reply": "x", "citations": [],
                 "chunks": [{"chunk_id": "kb-1#0", "score": 0.3 if len(t) % 2 else 0.8}],
                 "seconds": 0.2, "prompt_tokens": 100, "new_tokens": 20} for t in texts]  # fmt: skip

    def question_fn(texts, caller):
        return [{"text": REFUSAL, "citations": [], "chunks": [{"chunk_id": "kb-2#0", "score": 0.6}],
                 "seconds": 0.1, "prompt_tokens": 50, "new_tokens": 5} for _ in texts]  # fmt: skip

    with plog.InteractionLog(tmp_path / "log.db") as lg:
        s = week.run_week(lg, "v1", ticket_fn=ticket_fn, question_fn=question_fn, tickets=tickets,
                          questions=questions, facts=facts, n=40, batch=16, min_score=0.5)  # fmt: skip
        rows = lg.rows()
    assert s["interactions"] == len(rows) == 40
    tk = [r for r in rows if r["json_valid"] is not None]
    qs = [r for r in rows if r["json_valid"] is None]
    assert s["by_kind"]["ticket"]["interactions"] == len(tk) and len(qs) == 40 - len(tk)
    assert s["by_kind"]["question"]["refused"].endswith(f"({len(qs)}/{len(qs)})")
    assert s["by_kind"]["ticket"]["valid JSON"].endswith(
        f"({sum(r['json_valid'] for r in tk)}/{len(tk)})"
    )
    rated = [r for r in rows if r["feedback"] is not None]
    bad = sum(r["feedback"] == -1 for r in rated if r["json_valid"] is not None)
    assert s["by_kind"]["ticket"]["complaints among rated"].split("(")[-1].startswith(f"{bad}/")
    hard = [r for r in rows if r["feedback"] == -1 or r["json_valid"] == 0
            or r["chunk_scores"][0] < 0.5]  # fmt: skip
    assert s["hard_cases"] == len(hard) > 0
    assert s["by_kind"]["ticket"]["cached"] + s["by_kind"]["question"]["cached"] == sum(
        r["cached"] for r in rows
    )
    assert s["latency_uncached_s"]["n"] == sum(not r["cached"] for r in rows)
    from labkit.report import _production_section  # what make demo's report shows of it

    text = "\n".join(_production_section(s | {"version": "v1"}))
    ticket_line = next(line for line in text.splitlines() if line.startswith("| ticket |"))
    assert s["by_kind"]["ticket"]["valid JSON"] in ticket_line
    assert f"would train on: {len(hard)} " in text and "`Caller('customer')`" in text
    assert _production_section(None) == []
    with pytest.raises(ValueError, match="at least 1"):
        week.run_week(None, "v1", ticket_fn=ticket_fn, question_fn=question_fn, tickets=tickets,
                      questions=questions, facts=facts, n=0)  # fmt: skip
