"""The article-spec types: one :class:`Spec` per help-center article, each stating 1-4 facts.

Part of the Nimbalo generator (``datasets/build.py``). The specs themselves live in
:mod:`nimbalo.specs_commercial`, :mod:`nimbalo.specs_product` and :mod:`nimbalo.specs_support`;
:mod:`nimbalo.specs` joins them into ``SPECS``.
"""

from __future__ import annotations

from dataclasses import dataclass

# --------------------------------------------------------------------------------------------
# Article specs: one entry per help-center article, each stating 1-4 facts
# --------------------------------------------------------------------------------------------


def F(key: str, **kw) -> dict:
    """A fact slot: attribute key plus optional overrides s, a (subject wordings), u (unit),
    r (value range), v (fixed value)."""
    return {"key": key, **kw}


@dataclass(frozen=True)
class Spec:
    title: str
    s: str  # topic / subject noun phrase ("the Team plan")
    facts: tuple
    access: str = "public"
    a: str = ""  # alternative wording for paraphrases


def spec_rows(*rows) -> list[Spec]:
    """Specs from rows ``(title, subject, [F(...), ...], {"access": ..., "a": ...})``."""
    out = []
    for row in rows:
        title, s, facts, *rest = row
        opts = rest[0] if rest else {}
        out.append(Spec(title, s, tuple(facts), opts.get("access", "public"), opts.get("a", "")))
    return out


CUS, INT = {"access": "customer"}, {"access": "internal"}
