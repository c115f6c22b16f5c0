"""The world model: facts with v1/v2 values drawn without collisions, articles laid out from the
specs, and the invariants the course relies on.

Part of the Nimbalo generator (``datasets/build.py``); every output is derived from one
:class:`World` (:func:`build_world`).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import timedelta

from .common import (
    CATEGORY_SLUG,
    N_CHANGED,
    V1_DATES,
    V2_DATES,
    WORDS,
    WORLD_SEED,
    normalize,
    numbers_in,
    occurs,
    token_pattern,
)
from .specs import ACCESS_PREFACE, FILLER, HEADINGS, RELEASES, SPECS, UNANSWERABLE, Spec
from .templates import ATTRS, Attr

# --------------------------------------------------------------------------------------------
# World model
# --------------------------------------------------------------------------------------------


@dataclass
class Fact:
    """One atomic, checkable statement, stated in exactly one article.

    ``value``/``sentence``/``must`` are the v1 state; ``value_v2`` etc. are set only for facts
    that change in the v2 snapshot. ``questions`` and ``paraphrases`` are rendered wordings.
    """

    id: str
    article_id: str
    category: str
    access: str
    subject: str
    attribute: str
    attr_key: str
    value: str
    sentence: str
    must: list[str]
    questions: list[str]
    paraphrases: list[str]
    template: str  # sentence template (subject filled in, "{v}" left open)
    num: float | None = None  # numeric value (None for codes, versions, text)
    value_v2: str | None = None
    sentence_v2: str | None = None
    must_v2: list[str] | None = None

    @property
    def changes_in_v2(self) -> bool:
        return self.value_v2 is not None

    def state(self, snapshot: str) -> tuple[str, str, list[str]]:
        """(value, sentence, must_contain) in ``snapshot`` ("v1" or "v2")."""
        if snapshot == "v2" and self.changes_in_v2:
            return self.value_v2, self.sentence_v2, self.must_v2
        return self.value, self.sentence, self.must


@dataclass
class Article:
    id: str
    title: str
    category: str
    access: str
    topic: str
    updated: str  # v1 date
    updated_v2: str = ""  # set when a fact of this article changes in v2
    fact_ids: list[str] = field(default_factory=list)
    sections: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    # each section: (heading, [("fact", fact_id) | ("text", sentence)])


@dataclass
class World:
    seed: int
    articles: list[Article]
    facts: list[Fact]

    def fact(self, fid: str) -> Fact:
        return self._facts[fid]

    def article(self, aid: str) -> Article:
        return self._articles[aid]

    def __post_init__(self):
        self._facts = {f.id: f for f in self.facts}
        self._articles = {a.id: a for a in self.articles}


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


def _fill(template: str, **kw: str) -> str:
    out = template
    for k, v in kw.items():
        out = out.replace("{" + k + "}", v)
    return out


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


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


def _words(text: str) -> int:
    return len(text.split())


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


# --------------------------------------------------------------------------------------------
# Validation: the invariants the course relies on (also asserted by tests/test_datasets.py)
# --------------------------------------------------------------------------------------------


def absent_term_hits(term: str, text: str) -> bool:
    return (
        re.search(r"(?<![\w-])" + re.escape(term.lower()) + r"(?![\w-])", text.lower()) is not None
    )


def validate_world(world: World) -> None:
    """Raise AssertionError when an invariant fails (run on every build)."""
    for snap in ("v1", "v2"):
        bodies = {a.id: render_body(world, a, snap) for a in world.articles}
        normed = {aid: normalize(b) for aid, b in bodies.items()}
        for f in world.facts:
            _, sentence, must = f.state(snap)
            assert sentence in bodies[f.article_id], (snap, f.id)
            for m in must:
                pat, nm = token_pattern(m), normalize(m)
                assert pat.search(normalize(sentence)), (snap, f.id, m)
                others = [
                    aid
                    for aid, b in normed.items()
                    if aid != f.article_id and nm in b and pat.search(b)
                ]
                assert not others, f"{snap}: {f.id} value {m!r} also occurs in {others}"
                if f.changes_in_v2:  # the old value must vanish from v2 and vice versa
                    other_snap = f.must if snap == "v2" else f.must_v2
                    for o in other_snap:
                        assert not occurs(o, bodies[f.article_id]), (snap, f.id, o)
        for aid, body in bodies.items():
            n = _words(body)
            assert WORDS[0] - 5 <= n <= WORDS[1] + 5, f"{snap}: {aid} has {n} words"
            for q, terms in UNANSWERABLE:
                for t in terms:
                    assert not absent_term_hits(t, body), f"{aid} mentions {t!r} ({q})"


def render_body(world: World, art: Article, snapshot: str) -> str:
    """Markdown body: "# Title", then "## Section" blocks; long sections split in two paragraphs."""
    parts = [f"# {art.title}"]
    for head, items in art.sections:
        sents = [world.fact(v).state(snapshot)[1] if k == "fact" else v for k, v in items]
        parts.append(f"## {head}")
        if len(sents) >= 4:
            cut = len(sents) // 2
            parts += [" ".join(sents[:cut]), " ".join(sents[cut:])]
        else:
            parts.append(" ".join(sents))
    return "\n\n".join(parts) + "\n"
