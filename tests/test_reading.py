"""labkit.hybrid.reading: the ticket assistant's training mix (tickets + reading examples)."""

import pytest

from labkit import data
from labkit.hybrid import assembly as hybrid
from labkit.hybrid import course, reading


def _recs(prefix, n):
    return [{"id": f"{prefix}{i}", "messages": []} for i in range(n)]


def test_mix_puts_one_reading_example_after_every_two_tickets():
    out = reading.mix(_recs("t", 6), _recs("r", 10))
    assert [r["id"] for r in out] == ["t0", "t1", "r0", "t2", "t3", "r1", "t4", "t5", "r2"]


def test_mix_keeps_every_ticket_when_reading_runs_out():
    out = reading.mix(_recs("t", 7), _recs("r", 1), every=2)
    assert [r["id"] for r in out] == ["t0", "t1", "r0", "t2", "t3", "t4", "t5", "t6"]


@pytest.mark.parametrize("every", [0, -1])
def test_mix_refuses_a_nonpositive_period(every):
    with pytest.raises(ValueError, match="every"):
        reading.mix(_recs("t", 2), _recs("r", 2), every=every)


def test_mix_refuses_colliding_ids():
    with pytest.raises(ValueError, match="share ids"):
        reading.mix(_recs("x", 2), _recs("x", 2))


def test_reading_training_set_retrieves_as_a_customer(monkeypatch):
    """Every retrieval that builds a training prompt names a customer caller (so no internal
    article can enter the mix), and the mix holds all 640 training tickets, half with sources."""
    callers = []

    def fake_retriever(index, embedder):
        def retrieve(query, k, *, caller=None):
            callers.append(caller)
            return [
                {"doc_id": "kb-x", "title": "T", "text": "A passage that states nothing useful."}
            ] * k

        return retrieve

    monkeypatch.setattr(course, "ticket_retriever", fake_retriever)
    monkeypatch.setattr(course, "reader_training_set", lambda *a, **k: _recs("reader-", 500))
    mix = reading.reading_training_set(index=None, embedder=None)
    n_tickets = len(data.load_behaviour("train"))
    assert callers and {c.role for c in callers} == {"customer"}
    assert len(callers) == (n_tickets + 1) // 2  # every other ticket gets sources
    assert len(mix) == n_tickets + n_tickets // reading.TICKETS_PER_READING
    assert sum(r["id"].startswith("reader-") for r in mix) == n_tickets // 2


def test_system_setups_adds_the_reading_hybrid_only_when_given():
    base, tuned, read = object(), object(), object()

    def retrieve(q, k, *, caller=None):
        return []

    four = hybrid.system_setups(base, tuned, retrieve)
    five = hybrid.system_setups(base, tuned, retrieve, reading=read)
    assert list(four) == list(hybrid.SYSTEMS)
    assert list(five) == [*hybrid.SYSTEMS, "hybrid, tuned to read"]
    extra = five["hybrid, tuned to read"]
    assert extra["model"] is read and extra["retrieve_fn"] is retrieve
    assert five["hybrid"]["model"] is tuned
