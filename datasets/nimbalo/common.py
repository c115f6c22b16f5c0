"""Constants and answer-matching helpers shared by every part of the generator.

Split out of ``datasets/build.py`` (issue 12 §4); the normalisation rule is documented in
``datasets/DATASHEET.md``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository
WORLD_SEED = 20240611
DATA_DIR = ROOT / "datasets"
N_CHANGED = 36  # facts whose value differs in the v2 snapshot
N_SINGLE, N_PARAPHRASE, N_MULTI_CMP, N_MULTI_CROSS = 200, 80, 24, 16
N_INTERNAL_SINGLE, N_INTERNAL_PARA = 16, 6  # questions on internal articles (<= 10% of all)
WORDS = (125, 440)  # body length bounds in words (incl. headings)
V1_DATES = (date(2024, 1, 8), 320)  # first date, span in days
V2_DATES = (date(2025, 3, 3), 40)

CATEGORY_SLUG = {
    "plans-pricing": "pricing",
    "billing-refunds": "billing",
    "features": "features",
    "limits-quotas": "limits",
    "troubleshooting": "troubleshooting",
    "integrations": "integrations",
    "security-compliance": "security",
    "release-notes": "releases",
}


# --------------------------------------------------------------------------------------------
# Normalisation used for answer matching (the same rule is documented in DATASHEET.md)
# --------------------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """Lowercase, drop commas inside numbers ("1,800" -> "1800"), collapse whitespace."""
    text = re.sub(r"(?<=\d),(?=\d)", "", text.lower())
    return re.sub(r"\s+", " ", text).strip()


NUM_RE = re.compile(r"\d+(?:\.\d+)*")


def numbers_in(text: str) -> set[str]:
    """Numeric tokens of normalised text ("$4,860.50 and 5.3.2" -> {"4860.50", "5.3.2"})."""
    return set(NUM_RE.findall(normalize(text)))


def token_pattern(needle: str) -> re.Pattern:
    """Regex for normalised ``needle`` as a whole token in normalised text (not 21 in 121)."""
    return re.compile(r"(?<![\w.])" + re.escape(normalize(needle)) + r"(?![.,]?\w)")


def occurs(needle: str, text: str) -> bool:
    """Does normalised ``needle`` occur in normalised ``text`` as a whole token?"""
    return token_pattern(needle).search(normalize(text)) is not None
