"""Articles, facts and changes per snapshot (v1, v2), rendered from the world.

Part of the Nimbalo generator (``datasets/build.py``): ``datasets/helpcenter/``.
"""

from __future__ import annotations

from .world_model import World, render_body

# --------------------------------------------------------------------------------------------
# Derived outputs
# --------------------------------------------------------------------------------------------


def build_articles(world: World, snapshot: str = "v1") -> list[dict]:
    """Article records for ``snapshot``; in v2 changed articles get version 2 and a later date."""
    out = []
    for art in world.articles:
        changed = snapshot == "v2" and bool(art.updated_v2)
        out.append(
            {
                "id": art.id,
                "title": art.title,
                "category": art.category,
                "version": 2 if changed else 1,
                "updated": art.updated_v2 if changed else art.updated,
                "access": art.access,
                "body": render_body(world, art, snapshot),
            }
        )
    return out


def build_facts(world: World, snapshot: str = "v1") -> list[dict]:
    out = []
    for f in world.facts:
        value, sentence, must = f.state(snapshot)
        out.append(
            {
                "id": f.id,
                "article_id": f.article_id,
                "category": f.category,
                "access": f.access,
                "subject": f.subject,
                "attribute": f.attribute,
                "value": value,
                "sentence": sentence,
                "must_contain": must,
                "changes_in_v2": f.changes_in_v2,
            }
        )
    return out


def build_changes(world: World) -> list[dict]:
    """One record per fact whose value differs between v1 and v2."""
    return [
        {
            "fact_id": f.id,
            "article_id": f.article_id,
            "attribute": f.attribute,
            "subject": f.subject,
            "old": f.value,
            "new": f.value_v2,
            "old_sentence": f.sentence,
            "new_sentence": f.sentence_v2,
            "old_must_contain": f.must,
            "new_must_contain": f.must_v2,
        }
        for f in world.facts
        if f.changes_in_v2
    ]


def _lower_first(q: str) -> str:
    return (
        q[:1].lower() + q[1:]
        if not q.startswith(("Nimbalo", "I ", "SCIM", "API", "VAT", "CSV", "PDF"))
        else q
    )
