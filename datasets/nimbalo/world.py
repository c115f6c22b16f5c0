"""The world model: facts with v1/v2 values drawn without collisions, articles laid out from the
specs, and the invariants the course relies on.

Part of the Nimbalo generator (``datasets/build.py``); every output is derived from one
:class:`World` (:func:`build_world`). The types and the article body are in
:mod:`nimbalo.world_model`, the value draws in :mod:`nimbalo.world_values`, the invariants in
:mod:`nimbalo.world_checks`; this module lays the articles out and builds the world.
"""

from __future__ import annotations

import random
import re
from datetime import timedelta

from .common import CATEGORY_SLUG, N_CHANGED, V1_DATES, V2_DATES, WORDS, WORLD_SEED
from .specs import ACCESS_PREFACE, FILLER, HEADINGS, RELEASES, SPECS, UNANSWERABLE, Spec
from .templates import ATTRS
from .world_checks import absent_term_hits, validate_world
from .world_model import Article, Fact, World, _cap, _fill, _words, render_body
from .world_values import Allocator, _bad_count, draw_v2, draw_value

__all__ = [
    "Fact",
    "Article",
    "World",
    "Allocator",
    "build_world",
    "draw_value",
    "draw_v2",
    "validate_world",
    "absent_term_hits",
    "render_body",
]


def _reserve_static(alloc: Allocator) -> None:
    texts = [q for q, _ in UNANSWERABLE] + [
        t for terms in (t for _, t in UNANSWERABLE) for t in terms
    ]
    for attr in ATTRS.values():
        texts += [*attr.sentences, *attr.questions, *attr.paraphrases, attr.multi]
    for specs in SPECS.values():
        for sp in specs:
            texts += [sp.title, sp.s, sp.a]
            texts += [str(fs.get(k, "")) for fs in sp.facts for k in ("s", "a", "u")]
    for pool in FILLER.values():
        texts += pool
    texts += [h for hs in HEADINGS.values() for h in hs] + list(ACCESS_PREFACE.values())
    for ver, feats, bug in RELEASES:  # versions are bare values: reserve them
        texts += [ver] + [x for f in feats for x in f] + list(bug)
    for t in texts:
        alloc.reserve(t)


def _make_fact(
    fid: str, art: Article, spec: Spec, slot: dict, alloc: Allocator, used: dict
) -> Fact:
    attr = ATTRS[slot["key"]]
    s = slot.get("s", spec.s)
    a = slot.get("a") or spec.a or s
    unit = slot.get("u", attr.unit)
    lo, hi = slot.get("r", (attr.lo, attr.hi))
    num = None
    if attr.kind == "text":
        value = slot["v"]
        must = [value.split(",")[0]]
    elif attr.kind == "version":
        value, must = slot["v"], [slot["v"]]
    elif attr.kind == "patch":
        value = alloc.bare_token(lambda: f"{slot['v']}.{alloc.rng.randint(2, 9)}", "patch")
        must = [value]
    else:
        value, must, num = draw_value(attr.kind, lo, hi, unit, alloc)
    # rotate through sentence/question templates so neighbouring facts do not read identically
    k = used.setdefault(attr.key, 0)
    used[attr.key] += 1
    tpl = _cap(_fill(attr.sentences[k % len(attr.sentences)], s=s))
    sentence = _fill(tpl, v=value)
    qs = [_cap(_fill(q, s=s, a=a)) for q in attr.questions]
    ps = [_cap(_fill(p, s=s, a=a)) for p in attr.paraphrases]
    subject = s[4:] if s.startswith("the ") else s
    fact = Fact(
        fid,
        art.id,
        art.category,
        art.access,
        subject,
        attr.attribute,
        attr.key,
        value,
        sentence,
        must,
        qs,
        ps,
        tpl,
        num,
    )
    fact._unit, fact._s, fact._a = unit, s, a  # kept for v2 draws, multi questions, augmentation
    return fact


def _layout(art: Article, facts: list[Fact], rng: random.Random, alloc: Allocator) -> None:
    """Place the facts among filler sentences in 2-4 sections of 2-5 sentences each."""
    pool = list(FILLER[art.category])
    rng.shuffle(pool)
    heads = HEADINGS[art.category]
    long_ = rng.random() < 0.4
    nsec = 4 if long_ else rng.choice([2, 3, 3])
    idx = sorted(rng.sample(range(len(heads)), nsec))
    sizes = [5 if long_ else rng.randint(3, 4) for _ in range(nsec)]
    slots: list[list[tuple[str, str]]] = [[] for _ in range(nsec)]
    if art.access in ACCESS_PREFACE:
        slots[0].append(("text", ACCESS_PREFACE[art.access]))
    order = list(range(nsec))
    rng.shuffle(order)
    for i, f in enumerate(facts):
        slots[order[i % nsec]].append(("fact", f.id))

    def render_filler(t: str) -> str:
        def num(m):
            lo_, hi_, unit = int(m.group(1)), int(m.group(2)), m.group(3)
            return f"{alloc.phrase(lo_, hi_, unit, _bad_count)} {unit}"

        return _cap(_fill(re.sub(r"\{n:(\d+)-(\d+):([^}]+)\}", num, t), s=art.topic))

    for sec, size in zip(slots, sizes, strict=True):
        while len(sec) < size and pool:
            sec.insert(rng.randint(0, len(sec)), ("text", pool.pop()))
    # keep the preface first
    if art.access in ACCESS_PREFACE:
        pre = ("text", ACCESS_PREFACE[art.access])
        slots[0].remove(pre)
        slots[0].insert(0, pre)
    sections = [
        (heads[i], [(k, render_filler(v) if k == "text" else v) for k, v in sec])
        for i, sec in zip(idx, slots, strict=True)
    ]
    art.sections = sections


def build_world(seed: int = WORLD_SEED) -> World:
    """Draw the whole world (articles, facts, v2 changes) from one seeded RNG, in a fixed order."""
    rng = random.Random(seed)
    alloc = Allocator(rng)
    _reserve_static(alloc)
    articles, facts, specs_of = [], [], {}
    used: dict[str, int] = {}
    for cat, specs in SPECS.items():
        slug = CATEGORY_SLUG[cat]
        for i, sp in enumerate(specs, start=1):
            aid = f"kb-{slug}-{i:03d}"
            day = V1_DATES[0] + timedelta(days=rng.randint(0, V1_DATES[1]))
            art = Article(aid, sp.title, cat, sp.access, sp.s, day.isoformat())
            for j, slot in enumerate(sp.facts, start=1):
                f = _make_fact(f"f-{slug}-{i:03d}-{j}", art, sp, slot, alloc, used)
                art.fact_ids.append(f.id)
                facts.append(f)
            articles.append(art)
            specs_of[aid] = sp
    # v2: pick the facts that change, spread over categories (never internal, <= 2 per article)
    eligible = [f for f in facts if ATTRS[f.attr_key].change and f.access != "internal"]
    by_cat: dict[str, list[Fact]] = {}
    for f in eligible:
        by_cat.setdefault(f.category, []).append(f)
    queues = [rng.sample(fs, len(fs)) for fs in by_cat.values()]
    order = [
        q[i] for i in range(max(map(len, queues))) for q in queues if i < len(q)
    ]  # round robin
    chosen, per_article = [], {}
    for f in order:
        if len(chosen) < N_CHANGED and per_article.get(f.article_id, 0) < 2:
            try:
                f.value_v2, f.must_v2 = draw_v2(f, ATTRS[f.attr_key], f._unit, alloc)
            except RuntimeError:  # no fresh value in the right direction: pick another fact
                continue
            f.sentence_v2 = _fill(f.template, v=f.value_v2)
            chosen.append(f)
            per_article[f.article_id] = per_article.get(f.article_id, 0) + 1

    by_id = {f.id: f for f in facts}
    for art in articles:
        _layout(art, [by_id[x] for x in art.fact_ids], rng, alloc)
        if any(by_id[x].changes_in_v2 for x in art.fact_ids):
            day = V2_DATES[0] + timedelta(days=rng.randint(0, V2_DATES[1]))
            art.updated_v2 = day.isoformat()
    world = World(seed, articles, facts)
    _fit_lengths(world, rng, alloc)
    validate_world(world)
    return world


def _fit_lengths(world: World, rng: random.Random, alloc: Allocator) -> None:
    """Trim or pad filler so every body stays within WORDS (both snapshots)."""
    for art in world.articles:
        for _ in range(40):
            n = max(_words(render_body(world, art, s)) for s in ("v1", "v2"))
            if n > WORDS[1]:
                # drop the last filler sentence of the longest section that keeps >= 2 sentences
                secs = [
                    sec
                    for _, sec in art.sections
                    if len(sec) > 2 and any(k == "text" for k, _ in sec)
                ]
                sec = max(secs, key=len)
                for i in range(len(sec) - 1, -1, -1):
                    if sec[i][0] == "text" and sec[i][1] not in ACCESS_PREFACE.values():
                        del sec[i]
                        break
            elif min(_words(render_body(world, art, s)) for s in ("v1", "v2")) < WORDS[0]:
                have = {v for _, sec in art.sections for k, v in sec if k == "text"}
                spare = [
                    t
                    for t in FILLER[art.category]
                    if "{n:" not in t and _cap(_fill(t, s=art.topic)) not in have
                ]
                short = [sec for _, sec in art.sections if len(sec) < 5]
                if not short:
                    used_heads = {h for h, _ in art.sections}
                    head = next(h for h in HEADINGS[art.category] if h not in used_heads)
                    art.sections.append((head, []))
                    short = [art.sections[-1][1]]
                short[0].append(("text", _cap(_fill(rng.choice(spare), s=art.topic))))
            else:
                break
