"""The world model's types: facts (v1 and v2 state), articles (sections of facts and filler), the
world holding both, and the article body they render to.

Part of the Nimbalo generator (``datasets/build.py``); :func:`nimbalo.world.build_world` fills
them in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


def _fill(template: str, **kw: str) -> str:
    out = template
    for k, v in kw.items():
        out = out.replace("{" + k + "}", v)
    return out


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _words(text: str) -> int:
    return len(text.split())


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
