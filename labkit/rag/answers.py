"""Reading a generated answer: its citations, the source it copies, refusals, and expected facts.

Introduced in notebooks/03_rag_generation.ipynb (citation and answer accuracy) and used by every
notebook that scores replies. :mod:`labkit.rag.generate` produces the answers and re-exports
these names. Split out of ``generate`` (issue 12 §4).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = [
    "parse_citations",
    "attribute",
    "REFUSAL_PHRASES",
    "is_refusal",
    "normalize_answer",
    "answer_contains",
]


_CITATION = re.compile(r"\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]")


def parse_citations(text: str) -> list[int]:
    """Sorted unique source numbers cited as ``[1]``, ``[2, 3]`` or ``[1][3]``."""
    return sorted({int(n) for group in _CITATION.findall(text) for n in group.split(",")})


_TOKEN = re.compile(r"[a-z0-9]+(?:[.,:-][a-z0-9]+)*")


_STOP = frozenset(
    "a an the is are was were be been to of in on for and or with by at from as it its this that "
    "you your can do does i my we our per".split()
)


def _content_tokens(text: str) -> set[str]:
    return {t for t in _TOKEN.findall(normalize_answer(text)) if t not in _STOP}


def attribute(text: str, chunks: Sequence[dict], min_overlap: float = 0.5) -> int | None:
    """Post-hoc citation: the 1-based number of the source that shares most content words with
    the answer, or None when no source covers at least ``min_overlap`` of them.

    For models too small to write citations reliably (SmolLM2-135M cites in only a few percent
    of answers). Ties go to the better-ranked source. It attributes, it does not verify: an
    answer copied from the wrong source is attributed to that wrong source, which the citation
    accuracy metric then counts as wrong.
    """
    words = _content_tokens(text)
    if not words or not chunks:
        return None
    overlaps = [len(words & _content_tokens(c["text"])) / len(words) for c in chunks]
    best = max(range(len(chunks)), key=lambda i: (overlaps[i], -i))
    return best + 1 if overlaps[best] >= min_overlap else None


# What a decline looks like, as regexes over the lower-cased answer (curly apostrophes made
# straight), one family per line. Checked on 358 hand-labelled real generator outputs on the dev
# questions (tests/data/refusal_labels.jsonl, rule in scripts/collect_outputs.py): a decline
# followed by a guess ("I'm not sure, but maybe 43 days") counts as a refusal; an answer that
# merely contains a negation ("it does not sync", "cannot map a column") does not.
_NOT = r"(?:do not|don't|dont|does not|doesn't|did not|didn't)"


REFUSAL_PHRASES = (
    # not knowing: "I don't know", "I'm not sure", "I am not certain", "no idea"
    r"\bi (?:do not|don't|dont) know\b",
    r"\b(?:i'm|im|i am) (?:not (?:sure|certain)|unsure)\b",
    r"^not sure\b",
    r"\bno idea\b",
    # cannot answer / find / provide: "I cannot answer", "I couldn't find", "we can't provide a
    # specific number", "I don't have that information", "I don't have the ability to provide"
    # (only "I": "we don't have the ability to restore a board" is an answer)
    r"\b(?:cannot|can't|can not|unable to|could not|couldn't) (?:answer|find)\b",
    r"\b(?:cannot|can't|can not|unable to) (?:provide|give|say|tell)"
    r"(?: you)? (?:a |an |the |any )?(?:specific|exact|precise|definitive)\b",
    r"\b(?:i|we) (?:do not|don't|dont) have (?:that |this |the |any |enough |specific )?"
    r"(?:information|details)\b",
    r"\bi (?:do not|don't|dont) have the (?:ability|capability) to (?:provide|answer)\b",
    # the sources do not say: "the sources do not mention it", "not provided in the sources"
    rf"\bsources?(?: \[\d+\])?(?: above)? {_NOT} (?:say|state|mention|contain|specify|provide|include|"
    r"answer|cover|give|tell)",
    r"\bnot (?:mentioned |provided |specified |stated |given |listed |covered |found )?in the "
    r"(?:sources?|context|help center|articles?)\b",
    r"\b(?:is|are) not (?:specified|mentioned|stated)\b",
    # no information: "there is no information about it", "no information is available"
    r"\bno (?:information|details) (?:about|on|regarding|is available|available|"
    r"is provided|provided|is given)\b",
    r"\b(?:information|answer) is not (?:available|provided|given)\b",
)


_REFUSAL_RE = re.compile("|".join(f"(?:{p})" for p in REFUSAL_PHRASES))


def is_refusal(text: str) -> bool:
    """True when the answer declines (matches any of ``REFUSAL_PHRASES``, case-insensitive) or
    is blank. A hedge that declines first ("I'm not sure, but maybe 43 days") is a refusal: the
    model said it does not know, so the scorer never credits the guess as an answer.
    """
    t = text.lower().replace("\u2019", "'").strip()
    return not t or _REFUSAL_RE.search(t) is not None


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def normalize_answer(text: str) -> str:
    """Lowercase, "1,800" -> "1800", drop "$", collapse whitespace (for substring matching)."""
    text = _THOUSANDS.sub("", text.lower()).replace("$", "")
    return " ".join(text.split())


def _whole_token(m: str) -> str:
    """A regex for the normalised string ``m`` standing alone: no letter or digit touches it,
    and where it starts or ends with a digit, no ``.``/``,`` + digit continues the number
    ("5.2" is not inside "4.5.2" or "5.2.1"; a sentence's closing "5.2." still matches)."""
    lead = r"(?<![0-9a-z])" + (r"(?<![.,])" if m[:1].isdigit() else "")
    trail = r"(?![0-9a-z])" + (r"(?![.,][0-9])" if m[-1:].isdigit() else "")
    return lead + re.escape(m) + trail


def answer_contains(text: str, must_contain: str | Sequence[str]) -> bool:
    """True when every expected string occurs in the normalised answer as a whole token run.

    Numbers, versions, prices and codes match only whole: "19 days" not inside "119 days",
    "24.85" not inside "124.85", "5.2" not inside "4.5.2", "NB-4745" not inside "NB-47451"; a
    dot or comma followed by a digit belongs to the number. Punctuation after it is fine
    ("5.2.", "5.2,", "$12.50/month", "(43 days)"). An empty list is True.
    """
    items = [must_contain] if isinstance(must_contain, str) else list(must_contain)
    answer = normalize_answer(text)
    return all(re.search(_whole_token(normalize_answer(m)), answer) for m in items)
