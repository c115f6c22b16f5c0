"""The invariants the course relies on, checked on every build (and by tests/test_datasets.py).

Part of the Nimbalo generator (``datasets/build.py``): :func:`nimbalo.world.build_world` ends
with :func:`validate_world`.
"""

from __future__ import annotations

import re

from .common import WORDS, normalize, occurs, token_pattern
from .specs import UNANSWERABLE
from .world_model import World, _words, render_body

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
