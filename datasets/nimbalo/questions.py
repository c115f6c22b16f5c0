"""The question set (single, paraphrase, multi, unanswerable; harder classes from
:mod:`nimbalo.questions_hard`).

Part of the Nimbalo generator (``datasets/build.py``): ``datasets/questions/``.
"""

from __future__ import annotations

import random

from .articles import _lower_first
from .common import (
    N_INTERNAL_PARA,
    N_INTERNAL_SINGLE,
    N_MULTI_CMP,
    N_MULTI_CROSS,
    N_PARAPHRASE,
    N_SINGLE,
)
from .questions_hard import _row, build_hard_questions
from .specs import UNANSWERABLE
from .templates import ATTRS
from .world_model import Fact, World, _cap, _fill


def _pick_facts(world: World, rng: random.Random) -> tuple[list[Fact], list[Fact]]:
    """(single, para): the facts asked directly (sorted by id) and those also paraphrased.

    Every fact that changes in v2 is in both; internal facts are a small fixed share.
    """
    pub = [f for f in world.facts if f.access != "internal"]
    internal = [f for f in world.facts if f.access == "internal"]
    changed = [f for f in pub if f.changes_in_v2]
    rest = [f for f in pub if not f.changes_in_v2]
    n_pub = N_SINGLE - N_INTERNAL_SINGLE
    single = changed + rng.sample(rest, n_pub - len(changed))
    single_int = rng.sample(internal, N_INTERNAL_SINGLE)
    para = changed + rng.sample(
        [f for f in single if not f.changes_in_v2], N_PARAPHRASE - N_INTERNAL_PARA - len(changed)
    )
    para += rng.sample(single_int, N_INTERNAL_PARA)
    return sorted(single + single_int, key=lambda f: f.id), para


def _split_per_fact(single: list[Fact], para: list[Fact], rng: random.Random) -> dict[str, str]:
    """Fact id -> "dev" / "test", stratified: facts with a paraphrase alternate, then the others."""
    para_ids = {f.id for f in para}
    split_of = {}
    for group in (
        [f for f in single if f.id in para_ids],
        [f for f in single if f.id not in para_ids],
    ):
        order = rng.sample(group, len(group))
        for i, f in enumerate(order):
            split_of[f.id] = ("dev", "test")[i % 2]
    return split_of


def _multi_questions(pub: list[Fact], rng: random.Random) -> list[tuple[str, list[Fact]]]:
    """(question, [x, y]) pairs: comparisons of one attribute across two articles (round robin
    over attributes, so none dominates), then two unrelated facts from different categories."""
    multi = []
    groups: dict[str, list[Fact]] = {}
    for f in pub:
        if ATTRS[f.attr_key].multi:
            groups.setdefault(f.attr_key, []).append(f)
    pairs = [
        (x, y)
        for fs in groups.values()
        for i, x in enumerate(fs)
        for y in fs[i + 1 :]
        if x.article_id != y.article_id
    ]
    by_key: dict[str, list[tuple[Fact, Fact]]] = {}
    for x, y in pairs:
        by_key.setdefault(x.attr_key, []).append((x, y))
    queues = [rng.sample(ps, len(ps)) for ps in rng.sample(list(by_key.values()), len(by_key))]
    spread = [q[i] for i in range(max(map(len, queues))) for q in queues if i < len(q)]
    for x, y in spread[:N_MULTI_CMP]:
        q = _cap(_fill(ATTRS[x.attr_key].multi, s1=x._s, s2=y._s))
        multi.append((q, [x, y]))
    seen = set()
    while len(multi) < N_MULTI_CMP + N_MULTI_CROSS:
        x, y = rng.sample(pub, 2)
        if x.category == y.category or (x.id, y.id) in seen:
            continue
        seen.add((x.id, y.id))
        multi.append(
            (f"{rng.choice(x.questions)} And {_lower_first(rng.choice(y.questions))}", [x, y])
        )
    return multi


def _unanswerable_rows(rng: random.Random) -> list[dict]:
    """The unanswerable questions in a shuffled order, alternating dev / test."""
    return [
        {
            "type": "unanswerable",
            "question": q,
            "answer": "",
            "must_contain": [],
            "gold_ids": [],
            "fact_ids": [],
            "split": ("dev", "test")[i % 2],
        }
        for i, (q, _) in enumerate(rng.sample(UNANSWERABLE, len(UNANSWERABLE)))
    ]


def build_questions(world: World) -> list[dict]:
    """The evaluation questions (single, paraphrase, multi, unanswerable), split dev/test 50/50.

    Uses its own RNG (``WORLD_SEED + 1``) so adding questions never changes the articles.
    Single and paraphrase questions about one fact share a split (no fact straddles dev/test).
    The steps draw from that RNG in a fixed order: facts, splits, wordings, multi, unanswerable.
    """
    rng = random.Random(world.seed + 1)
    single, para = _pick_facts(world, rng)
    split_of = _split_per_fact(single, para, rng)
    qs = []
    for f in single:
        qs.append({**_row("single", rng.choice(f.questions), [f]), "split": split_of[f.id]})
    for f in sorted(para, key=lambda f: f.id):
        qs.append({**_row("paraphrase", rng.choice(f.paraphrases), [f]), "split": split_of[f.id]})
    pub = [f for f in world.facts if f.access != "internal"]
    multi = _multi_questions(pub, rng)
    for i, (q, fs) in enumerate(rng.sample(multi, len(multi))):
        qs.append({**_row("multi", q, fs), "split": ("dev", "test")[i % 2]})
    qs += _unanswerable_rows(rng)

    counters: dict[str, int] = {}
    out = []
    for q in qs:
        counters[q["type"]] = counters.get(q["type"], 0) + 1
        out.append({"id": f"q-{q['type']}-{counters[q['type']]:03d}", **q})
    return out + build_hard_questions(world)  # appended: customer, hard_paraphrase, cross_article
