"""Redact secrets and personal data before indexing and before building training data.

Introduced in notebooks/08_security.ipynb (issue 13 §3). Uses Microsoft Presidio (analyzer +
anonymizer) on a BLANK spaCy pipeline, ``spacy.blank("en")``: nothing is downloaded, and only
Presidio's pattern recognisers do the work. What that catches, measured against the generator's
ground truth (``datasets/security/secrets.jsonl``) by :func:`redaction_table`:

- EMAIL_ADDRESS (regex + a public-suffix check, run offline), PHONE_NUMBER (Google's
  ``phonenumbers``), CREDIT_CARD (regex + Luhn: card-shaped numbers that fail Luhn are left),
  IBAN_CODE (regex + mod-97 checksum), and the course's own formats added here as
  ``PatternRecognizer`` s: NIMBALO_API_KEY (``nmb_live_``/``nmb_test_`` + 32), AWS_ACCESS_KEY
  (``AKIA``/``ASIA`` + 16), BEARER_TOKEN (JWT-shaped, or any long token after "Bearer ").
- NOT caught: PERSON. Names need an NER model (``en_core_web_lg``, ~400 MB, or a transformer);
  a blank pipeline has no entity recogniser, so Presidio's SpacyRecognizer finds nothing. The
  table shows PERSON recall 0; :func:`redact_text` cannot be trusted with names.

Limits: pattern recognisers see one string at a time (a key split over two lines is missed), and
a secret written out in words ("four one one one ...") is missed. Building the analyzer takes
~10-15 s (importing Presidio); it is built once per config and cached.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ..stats import wilson_interval

__all__ = [
    "RedactionConfig",
    "find_secrets",
    "redact_text",
    "redact_docs",
    "redact_records",
    "load_secret_data",
    "redaction_table",
]

# Entity names (Presidio's where it has one; the last three are the course's recognisers).
PRESIDIO_ENTITIES = ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "PERSON")
CUSTOM_ENTITIES = ("NIMBALO_API_KEY", "AWS_ACCESS_KEY", "BEARER_TOKEN")
ALL_ENTITIES = PRESIDIO_ENTITIES + CUSTOM_ENTITIES


@dataclass
class RedactionConfig:
    """What to find and how to replace it.

    entities: entity types to look for (subset of ``ALL_ENTITIES``). PERSON is listed so that
        the blank pipeline's miss is measured, not hidden.
    score_threshold: minimum Presidio score (0..1) to redact. Phone numbers score 0.4 without
        context words, so keep this below 0.4 or phones are kept.
    placeholder: replacement text; ``{type}`` becomes the entity type ("<EMAIL_ADDRESS>").
    phone_regions: regions ``phonenumbers`` parses numbers without a "+" prefix for (ISO codes).
    """

    entities: tuple[str, ...] = ALL_ENTITIES
    score_threshold: float = 0.3
    placeholder: str = "<{type}>"
    phone_regions: tuple[str, ...] = ("US", "GB", "DE", "FR", "NL", "CA")

    def __post_init__(self):
        self.entities = tuple(self.entities)
        self.phone_regions = tuple(self.phone_regions)
        unknown = sorted(set(self.entities) - set(ALL_ENTITIES))
        if unknown or not self.entities:
            raise ValueError(
                f"entities must be a non-empty subset of {ALL_ENTITIES}, got {unknown}"
            )
        if not 0 <= self.score_threshold <= 1:
            raise ValueError(f"score_threshold must be in [0, 1], got {self.score_threshold}")
        if "{type}" not in self.placeholder:
            raise ValueError(f"placeholder must contain '{{type}}', got {self.placeholder!r}")
        if not self.phone_regions:
            raise ValueError("phone_regions must name at least one region (e.g. 'US')")


@functools.lru_cache(maxsize=4)
def _engines(entities: tuple[str, ...], phone_regions: tuple[str, ...]):
    """(AnalyzerEngine, AnonymizerEngine) on spacy.blank("en"); built once per argument set."""
    import spacy
    import tldextract
    from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        PhoneRecognizer,
        SpacyRecognizer,
    )
    from presidio_anonymizer import AnonymizerEngine

    # The blank pipeline: set ``nlp`` directly so SpacyNlpEngine.load() (which would try to
    # download en_core_web_lg) is never called. Tokens only; no NER, so no PERSON.
    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "blank:en"}])
    nlp_engine.nlp = {"en": spacy.blank("en")}

    offline_tld = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # bundled list

    class OfflineEmailRecognizer(EmailRecognizer):
        """Presidio's email recogniser without its network fetch of the public-suffix list."""

        def validate_result(self, pattern_text: str):
            return offline_tld(pattern_text).fqdn != ""

    custom = [
        PatternRecognizer(
            supported_entity="NIMBALO_API_KEY",
            patterns=[Pattern("nmb key", r"\bnmb_(?:live|test)_[A-Za-z0-9]{32}\b", 0.95)],
        ),
        PatternRecognizer(
            supported_entity="AWS_ACCESS_KEY",
            patterns=[Pattern("aws key id", r"\b(?:AKIA|ASIA)[A-Z2-7]{16}\b", 0.9)],
        ),
        PatternRecognizer(
            supported_entity="BEARER_TOKEN",
            patterns=[
                Pattern("jwt", r"\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", 0.9),
                Pattern("after bearer", r"(?<=\b[Bb]earer )[A-Za-z0-9._~+/-]{20,}=*", 0.6),
            ],
        ),
    ]
    registry = RecognizerRegistry(supported_languages=["en"])
    for rec in [
        CreditCardRecognizer(),
        OfflineEmailRecognizer(),
        IbanRecognizer(),
        PhoneRecognizer(supported_regions=list(phone_regions)),
        SpacyRecognizer(),  # reads doc.ents: always empty on a blank pipeline
        *custom,
    ]:
        if set(rec.supported_entities) & set(entities):
            registry.add_recognizer(rec)
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
    return analyzer, AnonymizerEngine()


def _results(text: str, cfg: RedactionConfig):
    analyzer, _ = _engines(cfg.entities, cfg.phone_regions)
    found = analyzer.analyze(
        text, language="en", entities=list(cfg.entities), score_threshold=cfg.score_threshold
    )
    return sorted(found, key=lambda r: (r.start, -r.end))


def _as_dicts(results, text: str) -> list[dict]:
    return [
        {
            "type": r.entity_type,
            "start": r.start,
            "end": r.end,
            "score": round(float(r.score), 3),
            "text": text[r.start : r.end],
        }
        for r in results
    ]


def find_secrets(text: str, cfg: RedactionConfig | None = None) -> list[dict]:
    """Findings in ``text``: [{"type", "start", "end", "score", "text"}], by position."""
    return _as_dicts(_results(text, cfg or RedactionConfig()), text)


def redact_text(text: str, cfg: RedactionConfig | None = None) -> tuple[str, list[dict]]:
    """(redacted text, findings). Overlapping findings are merged by Presidio's anonymizer."""
    from presidio_anonymizer.entities import OperatorConfig

    cfg = cfg or RedactionConfig()
    results = _results(text, cfg)
    if not results:
        return text, []
    _, anonymizer = _engines(cfg.entities, cfg.phone_regions)
    ops = {
        t: OperatorConfig("replace", {"new_value": cfg.placeholder.format(type=t)})
        for t in {r.entity_type for r in results}
    }
    out = anonymizer.anonymize(text=text, analyzer_results=results, operators=ops)
    return out.text, _as_dicts(results, text)


def redact_docs(
    docs: list[dict],
    cfg: RedactionConfig | None = None,
    fields: tuple[str, ...] = ("title", "body"),
) -> tuple[list[dict], list[dict]]:
    """(copies of ``docs`` with ``fields`` redacted, findings with "id" and "field" added).

    For tickets pass ``fields=("customer", "subject", "body", "reply")``. Fields a doc lacks are
    skipped; other keys (id, access, ...) are copied unchanged, so the schema still holds.
    """
    out, findings = [], []
    for d in docs:
        new = dict(d)
        for f in fields:
            if isinstance(d.get(f), str):
                new[f], fs = redact_text(d[f], cfg)
                findings += [{"id": d.get("id"), "field": f, **x} for x in fs]
        out.append(new)
    return out, findings


def redact_records(
    records: list[dict], cfg: RedactionConfig | None = None
) -> tuple[list[dict], list[dict]]:
    """Chat records ``{"id", "messages": [{"role", "content"}]}`` (training data) redacted.

    Returns (copies with every message's content redacted, findings with "id" and "turn").
    """
    out, findings = [], []
    for r in records:
        msgs = []
        for i, m in enumerate(r["messages"]):
            text, fs = redact_text(m["content"], cfg)
            msgs.append({**m, "content": text})
            findings += [{"id": r.get("id"), "turn": i, **x} for x in fs]
        out.append({**r, "messages": msgs})
    return out, findings


def load_secret_data(data_dir: str | Path | None = None) -> dict:
    """{"articles", "tickets", "truth"} from ``datasets/security/`` (see DATASHEET.md)."""
    from .. import data, env

    root = Path(data_dir) if data_dir is not None else Path(env.DATA_DIR)
    d = root / "security"
    return {
        "articles": data.load_jsonl(d / "articles.jsonl", "article"),
        "tickets": data.load_jsonl(d / "tickets.jsonl", "ticket"),
        "truth": data.load_jsonl(d / "secrets.jsonl"),
    }


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Is every character of [start, end) inside some span?"""
    chars = set()
    for s, e in spans:
        chars.update(range(max(s, start), min(e, end)))
    return len(chars) == end - start


def redaction_table(
    records: list[dict], truth: list[dict], cfg: RedactionConfig | None = None
) -> list[dict]:
    """Per type: recall (a planted secret counts as caught only if fully covered by findings of
    any type) and precision (a finding is right if it overlaps a planted secret; findings on
    decoys or clean text are wrong), each with a 95% Wilson interval.

    records: the articles and tickets; truth: rows of ``secrets.jsonl``. Rows:
    {type, n, caught, recall, recall_lo, recall_hi, found, correct, precision, precision_lo,
    precision_hi}; precision is NaN where nothing of that type was found.
    """
    cfg = cfg or RedactionConfig()
    by_id = {r["id"]: r for r in records}
    caught: dict[str, list[bool]] = {}
    found: dict[str, list[bool]] = {}
    for row in truth:
        rec = by_id[row["id"]]
        for f in sorted({s["field"] for s in row["secrets"] + row["decoys"]} | {"body"}):
            if not isinstance(rec.get(f), str):
                continue
            fs = find_secrets(rec[f], cfg)
            spans = [(x["start"], x["end"]) for x in fs]
            gold = [s for s in row["secrets"] if s["field"] == f]
            for s in gold:
                caught.setdefault(s["type"], []).append(_covered(spans, s["start"], s["end"]))
            for x in fs:
                ok = any(x["start"] < s["end"] and s["start"] < x["end"] for s in gold)
                found.setdefault(x["type"], []).append(ok)
    rows = []
    for t in sorted(set(caught) | set(found), key=lambda t: (t not in ALL_ENTITIES, t)):
        c, f = caught.get(t, []), found.get(t, [])
        r_lo, r_hi = wilson_interval(sum(c), len(c))
        p_lo, p_hi = wilson_interval(sum(f), len(f))
        rows.append(
            {
                "type": t,
                "n": len(c),
                "caught": sum(c),
                "recall": sum(c) / len(c) if c else float("nan"),
                "recall_lo": r_lo,
                "recall_hi": r_hi,
                "found": len(f),
                "correct": sum(f),
                "precision": sum(f) / len(f) if f else float("nan"),
                "precision_lo": p_lo,
                "precision_hi": p_hi,
            }
        )
    return rows
