"""Distinctive fact values: the allocator that never hands out the same number twice, v1 draws
per attribute kind, and v2 draws that move in the attribute's direction.

Part of the Nimbalo generator (``datasets/build.py``); :func:`nimbalo.world.build_world` draws
every value through one :class:`Allocator` (one seeded RNG, a fixed order).
"""

from __future__ import annotations

import random
import re

from .common import numbers_in
from .templates_base import Attr
from .world_model import Fact

_BAD_DUR = {7, 12, 14, 24, 28, 48, 72}


class Allocator:
    """Hands out distinctive numbers, never the same one twice.

    A *bare* value (money, large counts, codes, versions) is matched by its number alone, so
    that number may occur nowhere else in the corpus. A *phrase* value ("21 days", "6 seats")
    is matched with its unit, so only the phrase must be unique (and its number must not be a
    bare one). Numbers found in fixed text (titles, templates) are reserved up front.
    """

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.any: set[str] = set()  # every numeric token handed out or reserved
        self.bare: set[str] = set()  # tokens that must stay unique in the whole corpus
        self.phrases: set[str] = set()  # normalised phrase values handed out

    def reserve(self, text: str) -> None:
        toks = numbers_in(re.sub(r"\{n:[^}]*\}", "", text))
        self.any |= toks
        self.bare |= toks

    def _take(self, draw, ok, what: str):
        for _ in range(2000):
            cand = draw()
            if ok(cand):
                return cand
        raise RuntimeError(f"allocator exhausted for {what}")

    def bare_token(self, draw, what: str) -> str:
        tok = self._take(draw, lambda t: bool(t) and t not in self.any, what)  # "" = rejected draw
        self.any.add(tok)
        self.bare.add(tok)
        return tok

    def phrase(self, lo: int, hi: int, unit: str, bad=lambda n: False, widen: bool = True) -> int:
        """An integer n in [lo, hi] (hi widened if exhausted, unless ``widen`` is False) with
        "n unit" unused."""
        first = unit.split()[0]
        for step in range(6 if widen else 1):
            top = int(hi * (1.5**step)) + 2 * step
            try:
                n = self._take(
                    lambda top=top: self.rng.randint(lo, top),
                    lambda n: (
                        n >= 2
                        and not bad(n)
                        and str(n) not in self.bare
                        and f"{n} {first}".lower() not in self.phrases
                    ),
                    f"{unit} in {lo}-{top}",
                )
            except RuntimeError:
                continue
            self.any.add(str(n))
            self.phrases.add(f"{n} {first}".lower())  # n < 1000 here: no commas to normalise
            self.phrases.add(f"{n} {unit}".lower())
            return n
        raise RuntimeError(f"allocator exhausted for {unit}")


def _bad_count(n: int) -> bool:
    return n % 5 == 0 if n < 100 else (n % 10 == 0 if n < 1000 else n % 500 == 0)


def _bad_dur(unit: str):
    return lambda n: n % 5 == 0 or n in _BAD_DUR or (unit == "days" and n % 7 == 0)


def draw_value(
    kind: str, lo: float, hi: float, unit: str, alloc: Allocator, widen: bool = True
) -> tuple[str, list[str], float | None]:
    """(display value, must_contain strings, numeric value) for an attribute of ``kind``."""
    rng = alloc.rng
    if kind in ("money", "eur"):
        sym = "$" if kind == "money" else "€"
        if hi < 1000:

            def draw():
                cents = rng.randint(int(lo * 20), int(hi * 20)) * 5
                return "" if cents % 100 in (0, 95, 45) else f"{cents / 100:.2f}"

            tok = alloc.bare_token(draw, f"money {lo}-{hi}")
            return f"{sym}{tok}", [tok], float(tok)

        def draw_big():
            n = rng.randint(int(lo) // 10, int(hi) // 10) * 10
            return "" if n % 100 == 0 else str(n)  # no round hundreds

        tok = alloc.bare_token(draw_big, f"money {lo}-{hi}")
        n = int(tok)
        return f"{sym}{n:,}", [f"{n:,}"], float(n)
    if kind == "pct":
        tok = alloc.bare_token(lambda: f"{rng.randint(int(lo), int(hi))}.5", f"pct {lo}-{hi}")
        return f"{tok}%", [tok], float(tok)
    if kind == "dur":
        n = alloc.phrase(int(lo), int(hi), unit, _bad_dur(unit), widen)
        return f"{n} {unit}", [f"{n} {unit}"], float(n)
    if kind in ("count", "size"):
        if lo >= 100:

            def draw():
                n = rng.randint(int(lo), int(hi))
                n = n - n % 50 if n >= 1000 else n
                return "" if _bad_count(n) or n < lo else str(n)

            tok = alloc.bare_token(draw, f"{unit} {lo}-{hi}")
            n = int(tok)
            return f"{n:,} {unit}", [f"{n:,}"], float(n)
        n = alloc.phrase(int(lo), int(hi), unit, _bad_count, widen)
        return f"{n} {unit}", [f"{n} {unit.split()[0]}"], float(n)
    if kind == "code":
        tok = alloc.bare_token(lambda: str(rng.randint(1000, 9999)), "error code")
        return f"NB-{tok}", [f"NB-{tok}"], None
    if kind == "semver":
        major = int(lo)
        tok = alloc.bare_token(
            lambda: f"{major}.{rng.randint(3, 19)}.{rng.randint(2, 9)}", "semver"
        )
        return tok, [tok], None
    raise ValueError(f"draw_value: unsupported kind {kind!r}")


def draw_v2(fact: Fact, attr: Attr, unit: str, alloc: Allocator) -> tuple[str, list[str]]:
    """A new value for a changing fact, moving in the attribute's direction ("up" / "down").

    Tries a moderate step first (money +6-30% / -6-30%, others +12-60% / -12-50%), then wider
    ones; raises RuntimeError when no unused value exists in the right direction.
    """
    old = fact.num
    up = attr.change == "up"
    if attr.kind == "money":
        steps = [(1.06, 1.3), (1.03, 1.6)] if up else [(0.7, 0.94), (0.5, 0.97)]
    elif attr.kind == "pct":
        steps = [(1.1, 1.4), (1.05, 1.8)] if up else [(0.7, 0.9), (0.5, 0.95)]
    else:
        steps = (
            [(1.12, 1.6), (1.05, 2.2), (1.05, 3.5)]
            if up
            else [(0.5, 0.88), (0.3, 0.95), (0.15, 0.97)]
        )
    for a, b in steps:
        lo, hi = old * a, old * b
        if attr.kind not in ("money", "pct"):
            lo, hi = (
                (max(int(old) + 1, int(lo)), max(int(old) + 1, int(hi) + 1))
                if up
                else (max(2, int(lo)), int(hi))
            )
            if attr.kind in ("count", "size") and old >= 100:
                lo = max(lo, 110)  # stay a bare (>= 100) value
            if hi < lo or (not up and hi >= old):
                continue
        elif attr.kind == "pct":
            lo, hi = int(lo), int(hi) if up or int(hi) + 0.5 < old else int(hi) - 1
            if hi < lo:
                continue
        try:
            value, must, num = draw_value(attr.kind, lo, hi, unit, alloc, widen=False)
        except RuntimeError:
            continue
        if num is not None and (num > old) == up and num != old:
            return value, must
    raise RuntimeError(f"no v2 value for {fact.id}")
