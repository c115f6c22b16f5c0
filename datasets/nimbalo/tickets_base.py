"""The ticket-scenario type: one kind of support ticket, with its wordings and labels.

Part of the Nimbalo generator (``datasets/build.py``). The scenarios live in
:mod:`nimbalo.tickets_billing_bugs`, :mod:`nimbalo.tickets_account_integration` and
:mod:`nimbalo.tickets_howto_security`; :mod:`nimbalo.tickets` joins them into
``TICKET_SCENARIOS`` and draws the tickets.
"""

from __future__ import annotations

from dataclasses import dataclass

PLANS = ("Free", "Solo", "Starter", "Team", "Business", "Enterprise")
PAID = PLANS[1:]
TEAMS = ("Team", "Business", "Enterprise")


@dataclass(frozen=True)
class TicketScenario:
    """One kind of ticket. The LAST problem wording and the LAST subject are held out for eval.

    ``signals`` (see labkit.finetune.behaviour.SIGNALS) decide priority and escalation through the rule
    functions; ``fact`` / ``code`` name a help-center fact as (attribute key, subject substring):
    ``fact`` is stated in the reply, ``code`` is the error code the customer quotes ({code});
    ``fact="code"`` states the error-code fact itself. "{plan}" in a subject means the customer's.
    """

    key: str
    category: str
    signals: tuple[str, ...]
    topic: str  # for the reply's acknowledgement: "thanks for ... about {topic}"
    subjects: tuple[str, ...]
    problems: tuple[str, ...]
    action: str  # the reply's last sentence before the sign-off
    fact: tuple[str, str | None] | str | None = None
    code: tuple[str, str] | None = None
    plans: tuple[str, ...] = PLANS


def scenario_adder(table: list[TicketScenario]):
    """The ``_scen(key, cat, sig, topic, subjects, problems, action, fact, code, plans)`` the
    scenario tables call: appends one :class:`TicketScenario` to ``table``; ``sig`` is
    space-separated, ``subjects`` and ``problems`` are " | "-separated."""

    def _scen(key, cat, sig, topic, subjects, problems, action, fact=None, code=None, plans=PLANS):
        split = lambda t: tuple(x.strip() for x in t.split(" | "))  # noqa: E731
        table.append(
            TicketScenario(
                key,
                cat,
                tuple(sig.split()),
                topic,
                split(subjects),
                split(problems),
                action,
                fact,
                code,
                plans,
            )
        )

    return _scen
