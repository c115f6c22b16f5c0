"""Canary rollout of a candidate adapter (notebook 10): who gets it, and when to promote or roll back.

- :func:`route`: a caller goes to the candidate when a hash of its id falls below ``share``:
  deterministic (the same caller always meets the same model, so one person never sees the
  two versions alternate), independent of arrival order, and a share raised later keeps
  everyone already on the candidate there.
- :class:`RolloutRule`: the rule, declared BEFORE any traffic: a fixed-horizon test of the
  primary success rate (two-sided Fisher exact at ``alpha`` once both arms reach
  :meth:`RolloutRule.n_per_arm`, the size that detects an absolute gain of ``mde`` over the
  champion's rate with probability ``power``), and guard metrics that trigger an automatic
  rollback at any look (one-sided Fisher exact: the candidate's bad rate is higher than the
  champion's at ``guard_alpha``). Looking at the guards repeatedly can only roll back more
  often: the safe direction.
- :func:`arm_outcomes`: one arm's flags, read from the interaction log by one SQL query;
- :func:`decide`: ``"rollback"`` (a guard tripped, or the horizon reached without a
  significant gain), ``"promote"`` (significant gain at the horizon, no guard tripped) or
  ``"continue"``; with the tests behind it.

The arms hold different callers, so the tests are unpaired (Fisher exact on the 2x2 table).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["route", "required_n", "RolloutRule", "decide", "arm_outcomes"]


def route(caller_id: str, share: float, salt: str = "canary") -> bool:
    """True when ``caller_id`` goes to the candidate: sha256(salt:id) read as a number in
    [0, 1) is below ``share``. Change ``salt`` for a new experiment (a fresh split)."""
    if not isinstance(caller_id, str) or not caller_id:
        raise ValueError("caller_id must be a non-empty string (who is asking decides the arm)")
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must be in [0, 1], got {share}")
    h = hashlib.sha256(f"{salt}:{caller_id}".encode()).hexdigest()
    return int(h[:15], 16) / 16**15 < share


def required_n(p_base: float, mde: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Interactions per arm for a two-sided two-proportion test at ``alpha`` to detect an
    absolute change ``mde`` from ``p_base`` with probability ``power`` (normal approximation,
    Fleiss's formula without continuity correction)."""
    from scipy.stats import norm

    p1, p2 = p_base, p_base + mde
    if not (0 < p1 < 1 and 0 < p2 < 1) or mde == 0:
        raise ValueError(f"need 0 < p_base, p_base + mde < 1 and mde != 0, got {p_base}, {mde}")
    za, zb = norm.ppf(1 - alpha / 2), norm.ppf(power)
    pbar = (p1 + p2) / 2
    num = za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil((num / mde) ** 2)


@dataclass(frozen=True)
class RolloutRule:
    """The pre-declared decision rule. ``primary``: the success flag compared at the horizon
    (e.g. ``"good"``: positive feedback or a right answer). ``guards``: flags where True is BAD
    (e.g. ``"invalid_json"``, ``"refused"``, ``"slow"``)."""

    p_base: float
    mde: float
    primary: str = "good"
    guards: tuple[str, ...] = ("invalid_json", "refused", "slow")
    alpha: float = 0.05
    power: float = 0.8
    guard_alpha: float = 0.01
    min_guard_n: int = 30
    notes: dict = field(default_factory=dict, compare=False)

    def n_per_arm(self) -> int:
        return required_n(self.p_base, self.mde, self.alpha, self.power)


def _counts(flags: Sequence[bool]) -> tuple[int, int]:
    flags = [bool(x) for x in flags]
    return sum(flags), len(flags)


def decide(
    champion: Mapping[str, Sequence[bool]],
    candidate: Mapping[str, Sequence[bool]],
    rule: RolloutRule,
) -> dict:
    """The decision at this look: ``{"decision", "reason", "n": (champion, candidate),
    "horizon", "guards": {name: {...}}, "primary": {...} or None}``. ``champion`` and
    ``candidate`` map each flag name of the rule to one bool per interaction of that arm."""
    from scipy.stats import fisher_exact

    for arm, name in ((champion, "champion"), (candidate, "candidate")):
        missing = [k for k in (rule.primary, *rule.guards) if k not in arm]
        if missing:
            raise ValueError(f"{name} outcomes lack {missing}")
    n_ch, n_ca = len(champion[rule.primary]), len(candidate[rule.primary])
    horizon = rule.n_per_arm()
    guards = {}
    for g in rule.guards:
        (a, na), (b, nb) = _counts(candidate[g]), _counts(champion[g])
        p = float("nan")
        if na >= rule.min_guard_n and nb >= rule.min_guard_n:
            # H1: the candidate's bad rate is higher than the champion's
            p = float(fisher_exact([[a, na - a], [b, nb - b]], alternative="greater").pvalue)
        guards[g] = {"candidate": (a, na), "champion": (b, nb), "p_worse": p}
    tripped = [g for g, r in guards.items() if r["p_worse"] < rule.guard_alpha]
    out = {"n": (n_ch, n_ca), "horizon": horizon, "guards": guards, "primary": None}
    if tripped:
        return out | {"decision": "rollback", "reason": f"guard tripped: {', '.join(tripped)}"}
    if min(n_ch, n_ca) < horizon:
        return out | {"decision": "continue", "reason": f"below the horizon of {horizon} per arm"}
    (a, na), (b, nb) = _counts(candidate[rule.primary]), _counts(champion[rule.primary])
    p = float(fisher_exact([[a, na - a], [b, nb - b]], alternative="two-sided").pvalue)
    diff = a / na - b / nb
    out["primary"] = {"candidate": (a, na), "champion": (b, nb), "difference": diff, "p": p}
    if p < rule.alpha and diff > 0:
        return out | {"decision": "promote", "reason": f"{rule.primary} +{diff:.3f}, p = {p:.2g}"}
    why = "worse" if p < rule.alpha else "no significant gain"
    return out | {"decision": "rollback", "reason": f"{why} at the horizon (p = {p:.2g})"}


def arm_outcomes(
    conn, version: str, after_id: int = 0, slow_s: float = 2.0
) -> dict[str, list[bool]]:
    """The flags :func:`decide` compares, for the ticket interactions ``version`` served after
    log row ``after_id``, oldest first, by one SQL query over the interaction log:

    - ``ok`` (the primary): the reply was delivered (valid JSON) and its user did not complain
      (feedback -1); an unrated answer counts as not complained about;
    - ``invalid_json``, ``refused``, ``slow`` (latency over ``slow_s`` seconds): the guards, True
      is bad; ``negative``: the user rated it -1.
    """
    sql = """
        SELECT (json_valid = 1 AND COALESCE(feedback, 0) != -1) AS ok,
               (json_valid = 0) AS invalid_json, refused, (latency_s > :slow) AS slow,
               (COALESCE(feedback, 0) = -1) AS negative
        FROM interactions
        WHERE adapter_version = :version AND id > :after AND json_valid IS NOT NULL
        ORDER BY id"""
    rows = conn.execute(sql, {"version": version, "after": after_id, "slow": slow_s}).fetchall()
    keys = ("ok", "invalid_json", "refused", "slow", "negative")
    return {k: [bool(r[j]) for r in rows] for j, k in enumerate(keys)}
