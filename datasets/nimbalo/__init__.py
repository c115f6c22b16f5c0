"""The Nimbalo course-data generator, one module per thing it builds (``datasets/build.py`` runs it).

``common`` (seeds, sizes, answer matching) -> ``templates`` and ``specs`` (the hand-written
attribute templates, article specs, filler and unanswerable questions) -> ``world`` (facts and
articles: :func:`world.build_world`) -> ``articles`` (v1/v2 snapshots, facts, changes),
``questions`` (+ ``questions_hard``), ``tickets`` (the behaviour task), ``finetune`` (fact QA and
general-knowledge sets), ``security`` (planted secrets and injections) -> ``files`` (every
output as exact text, and the DATASHEET.md count blocks). Split out of the one-file
``build.py`` (issue 12 §4); outputs are byte-identical (``python datasets/build.py --check``).
"""
