"""Support tickets for the behaviour task (notebooks 04-05; contract in docs/design-finetune.md).

Part of the Nimbalo generator (``datasets/build.py``): ``datasets/tickets/``. The scenarios
(:class:`TicketScenario`, :mod:`nimbalo.tickets_base`) are split by category:
:mod:`nimbalo.tickets_billing_bugs`, :mod:`nimbalo.tickets_account_integration` and
:mod:`nimbalo.tickets_howto_security`; the wording pools and the body renderer are in
:mod:`nimbalo.tickets_text`.
"""

from __future__ import annotations

import random

from . import tickets_account_integration, tickets_billing_bugs, tickets_howto_security
from .tickets_base import TicketScenario
from .tickets_text import NAMES_EVAL, NAMES_TRAIN, REPLY_ACKS, _ticket_text
from .world_model import Fact, World, _fill, _words

__all__ = ["TICKET_SCENARIOS", "TicketScenario", "build_tickets", "build_behaviour"]

# --------------------------------------------------------------------------------------------
# Support tickets for the behaviour task (notebooks 04-05; contract in docs/design-finetune.md)
# --------------------------------------------------------------------------------------------

N_TICKETS = {"train": 640, "eval": 160}
PLAN_WEIGHTS = {"Free": 1, "Solo": 1, "Starter": 2, "Team": 3, "Business": 3, "Enterprise": 2}
REPLY_WORDS = (25, 60)

# in category order, as the one table was written (build_tickets samples from it)
TICKET_SCENARIOS: list[TicketScenario] = [
    *tickets_billing_bugs.SCENARIOS,
    *tickets_account_integration.SCENARIOS,
    *tickets_howto_security.SCENARIOS,
]


def _scenario_fact(world: World, sc: TicketScenario, plan: str, which: str) -> Fact | None:
    """The customer-visible fact a scenario names (``which`` = "fact" or "code"), or None."""
    ref = sc.code if which == "code" or sc.fact == "code" else sc.fact
    if ref is None:
        return None
    key, subj = ref
    subj = subj.replace("{plan}", plan) if subj else None
    hits = [
        f
        for f in world.facts
        if f.attr_key == key
        and f.access != "internal"
        and (subj is None or subj.lower() in f.subject.lower())
    ]
    assert len(hits) == 1, (sc.key, ref, [f.id for f in hits])
    return hits[0]


def build_tickets(world: World) -> list[dict]:
    """Support tickets with resolutions (train then eval), from ``random.Random(WORLD_SEED + 2)``.

    Categories are balanced (round robin over a shuffled order), scenarios cycle within their
    category, and priority / escalate come from ``labkit.finetune.behaviour``'s rule functions applied to
    the scenario's category and signals. Eval tickets use held-out problem wordings and subjects
    and a disjoint pool of customer names. Replies follow every tone rule and state one
    customer-visible help-center fact (v1 value) where the scenario names one.
    """
    from labkit.finetune import behaviour as bh

    rng = random.Random(world.seed + 2)
    by_cat: dict[str, list[TicketScenario]] = {c: [] for c in bh.CATEGORIES}
    for sc in TICKET_SCENARIOS:
        by_cat[sc.category].append(sc)
    out, seen = [], set()
    for split, n in N_TICKETS.items():
        names = NAMES_EVAL if split == "eval" else NAMES_TRAIN
        cats = [bh.CATEGORIES[i % len(bh.CATEGORIES)] for i in range(n)]
        rng.shuffle(cats)
        queues = {c: [] for c in bh.CATEGORIES}
        for cat in cats:
            if not queues[cat]:
                queues[cat] = rng.sample(by_cat[cat], len(by_cat[cat]))
            sc = queues[cat].pop()
            for _ in range(50):  # redraw on the (rare) exact duplicate
                name = rng.choice(names)
                plans = list(sc.plans)
                plan = rng.choices(plans, weights=[PLAN_WEIGHTS[p] for p in plans])[0]
                code_fact = _scenario_fact(world, sc, plan, "code") if sc.code else None
                code = code_fact.value if code_fact else ""
                subject, body = _ticket_text(sc, split, name, plan, code, rng)
                if (subject, body) not in seen:
                    seen.add((subject, body))
                    break
            else:
                raise RuntimeError(f"could not draw a fresh ticket for {sc.key}")
            fact = _scenario_fact(world, sc, plan, "fact")
            priority = bh.priority_rules(sc.category, sc.signals)
            escalate = bh.escalation_rules(sc.category, priority, sc.signals)
            ack = _fill(rng.choice(REPLY_ACKS), topic=sc.topic)
            middle = [ack] + ([fact.sentence] if fact else []) + [sc.action]
            reply = f"Hi {name}, {' '.join(middle)} {bh.SIGN_OFF}"
            n_words = _words(reply)
            assert REPLY_WORDS[0] <= n_words <= REPLY_WORDS[1], (sc.key, n_words, reply)
            assert all(bh.check_tone(reply, name).values()), (sc.key, reply)
            out.append(
                {
                    "split": split,
                    "scenario": sc.key,
                    "customer": name,
                    "plan": plan,
                    "subject": subject,
                    "body": body,
                    "category": sc.category,
                    "priority": priority,
                    "escalate": escalate,
                    "signals": list(sc.signals),
                    "reply": reply,
                    "fact_ids": [fact.id] if fact else [],
                }
            )
    return [{"id": f"tk-{i:04d}", **t} for i, t in enumerate(out, start=1)]


def build_behaviour(tickets: list[dict], split: str) -> list[dict]:
    """Chat records (system, user, assistant) for one split of the tickets."""
    from labkit.finetune import behaviour as bh

    return [
        {
            "id": t["id"],
            "messages": [
                {"role": "system", "content": bh.SYSTEM_PROMPT},
                {"role": "user", "content": bh.format_ticket(t)},
                {"role": "assistant", "content": bh.format_label(t)},
            ],
        }
        for t in tickets
        if t["split"] == split
    ]
