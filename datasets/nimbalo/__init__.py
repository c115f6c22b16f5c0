"""The Nimbalo course-data generator, one module per thing it builds (``datasets/build.py`` runs it).

``common`` (seeds, sizes, answer matching) -> ``templates`` and ``specs`` (the hand-written
attribute templates, article specs, filler and unanswerable questions; the tables split by
category into ``templates_*`` and ``specs_*``) -> ``world`` (facts and articles:
:func:`world.build_world`; types in ``world_model``, value draws in ``world_values``, invariants
in ``world_checks``) -> ``articles`` (v1/v2 snapshots, facts, changes), ``questions`` (+
``questions_hard`` and its ``questions_hard_*`` tables), ``tickets`` (the behaviour task;
scenarios in ``tickets_*``), ``finetune`` (fact QA and general-knowledge sets), ``security``
(planted secrets and injections: ``security_values``, ``security_secrets``,
``security_injections``) -> ``files`` (every output as exact text, and the DATASHEET.md count
blocks). Split out of the one-file ``build.py`` (issue 12 §4); no module over 400 lines, no
function over 80 (``tests/test_layout.py``); outputs are byte-identical
(``python datasets/build.py --check``).
"""
