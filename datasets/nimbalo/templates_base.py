"""The attribute-template type: how one kind of fact is stated, asked and paraphrased.

Part of the Nimbalo generator (``datasets/build.py``). The tables live in
:mod:`nimbalo.templates_commercial`, :mod:`nimbalo.templates_product` and
:mod:`nimbalo.templates_support`; :mod:`nimbalo.templates` joins them into ``ATTRS``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attr:
    """A kind of fact. Templates use {s} subject, {a} alternative subject wording, {v} value.

    kind: money | eur | pct | dur | count | size | code | semver | version | patch | text.
    lo, hi: default value range (money in dollars, dur in ``unit``s, count/size in units).
    change: "up" / "down" when the fact may change in v2, None when it never does.
    multi: optional template asking for two subjects at once ({s1}, {s2}).
    """

    key: str
    attribute: str
    kind: str
    lo: float
    hi: float
    unit: str
    sentences: tuple[str, ...]
    questions: tuple[str, ...]
    paraphrases: tuple[str, ...]
    change: str | None = None
    multi: str = ""


def attr_adder(table: dict[str, Attr]):
    """The ``_attr(key, attribute, kind, (lo, hi), unit, s, q, p, change=None, multi="")`` the
    tables call: adds one :class:`Attr` to ``table``; ``s``, ``q``, ``p`` are " | "-separated."""

    def _attr(key, attribute, kind, rng_, unit, s, q, p, change=None, multi=""):
        split = lambda t: tuple(x.strip() for x in t.split(" | "))  # noqa: E731
        table[key] = Attr(
            key,
            attribute,
            kind,
            rng_[0],
            rng_[1],
            unit,
            split(s),
            split(q),
            split(p),
            change,
            multi,
        )

    return _attr
