"""Generate the course data: the Nimbalo help center (v1 and v2), its facts, and the question set.

Nimbalo is a FICTIONAL SaaS team workspace (boards, docs, automations). Every price, limit,
window, error code and version below is invented, so no pretrained model can know the answers:
accuracy on these questions measures retrieval (or memorisation from fine-tuning), not prior
knowledge. Introduced in notebooks/01_indexing.ipynb; the files are described in
``datasets/DATASHEET.md``.

Usage::

    python datasets/build.py           # rewrite every file under datasets/ (atomic writes)
    python datasets/build.py --check   # regenerate in memory; exit 1 if a committed file differs

Design: one *world model* (:func:`build_world`) holds articles and :class:`Fact` objects; every
output (articles per snapshot, facts.jsonl, changes.jsonl, questions) is derived from it by a
``build_*`` function, so nothing can drift apart. Determinism: a single ``random.Random(WORLD_SEED)``
drawn in a fixed order, fixed dates, no wall clock. Distinctive values are drawn by an
:class:`Allocator` that never hands out the same number twice, so a ``must_contain`` string occurs
only in its own gold article (checked by :func:`validate_world`).

Extensions follow one rule: a new ``build_<thing>(world)`` function drawing on ``world.facts`` /
``world.articles`` with its own ``random.Random(WORLD_SEED + k)``, so existing files stay
byte-identical. Built so far: support tickets for the behaviour task (:func:`build_tickets`,
``WORLD_SEED + 2``; labels from ``labkit.finetune.behaviour``'s rule functions), fact QA chat examples
(:func:`build_factqa`, no RNG) and the hand-written general-knowledge questions
(:func:`build_general_qa`). ``datasets/general/general_text.txt`` is hand-written prose, not
generated. Documents and tickets with planted secrets and the planted prompt-injection snapshot
(``WORLD_SEED + 3`` and ``+ 4``) come from ``datasets/nimbalo/security.py``, written under
``datasets/security/``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "datasets"
try:
    from labkit.store import atomic_write_text
except ImportError:  # run with a Python that does not have labkit installed
    sys.path.insert(0, str(ROOT))
    from labkit.store import atomic_write_text
if str(DATA_DIR) not in sys.path:  # the generator package, also when loaded via importlib
    sys.path.append(str(DATA_DIR))
# the generator's public names, re-exported: tests and notebooks load this file as a module
from nimbalo.articles import build_articles, build_changes, build_facts  # noqa: E402
from nimbalo.common import WORLD_SEED, normalize, occurs  # noqa: E402
from nimbalo.files import render_outputs  # noqa: E402
from nimbalo.finetune import build_factqa, build_general_qa  # noqa: E402
from nimbalo.questions import build_questions  # noqa: E402
from nimbalo.specs import UNANSWERABLE  # noqa: E402
from nimbalo.tickets import build_behaviour, build_tickets  # noqa: E402
from nimbalo.world import (  # noqa: E402
    Article,
    Fact,
    World,
    absent_term_hits,
    build_world,
    render_body,
)

__all__ = [
    "WORLD_SEED",
    "Fact",
    "Article",
    "World",
    "build_world",
    "build_articles",
    "build_facts",
    "build_changes",
    "build_questions",
    "build_tickets",
    "build_behaviour",
    "build_factqa",
    "build_general_qa",
    "render_outputs",
    "render_body",
    "absent_term_hits",
    "normalize",
    "occurs",
    "UNANSWERABLE",
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if any committed file differs")
    args = ap.parse_args(argv)
    outputs = render_outputs(build_world())
    if args.check:
        stale = [
            p
            for p, text in outputs.items()
            if not p.is_file() or p.read_text(encoding="utf-8") != text
        ]
        for p in stale:
            print(f"out of date: {p.relative_to(ROOT)}", file=sys.stderr)
        if stale:
            print("run: python datasets/build.py", file=sys.stderr)
        return 1 if stale else 0
    for p, text in outputs.items():
        atomic_write_text(p, text)
        p.chmod(0o644)  # mkstemp creates 0600; these are ordinary repository files
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
