"""Article specs (one per help-center article, each stating 1-4 facts), release notes, filler
prose and the unanswerable questions.

Part of the Nimbalo generator (``datasets/build.py``).

The specs are split by category: :mod:`nimbalo.specs_commercial` (plans-pricing,
billing-refunds), :mod:`nimbalo.specs_product` (features, limits-quotas) and
:mod:`nimbalo.specs_support` (troubleshooting, integrations, security-compliance, release-notes);
the types are in :mod:`nimbalo.specs_base`, the filler prose in :mod:`nimbalo.specs_prose`.
"""

from __future__ import annotations

from . import specs_commercial, specs_product, specs_support
from .specs_base import Spec
from .specs_prose import ACCESS_PREFACE, FILLER, HEADINGS
from .specs_support import RELEASES

__all__ = ["SPECS", "Spec", "RELEASES", "HEADINGS", "FILLER", "ACCESS_PREFACE", "UNANSWERABLE"]

# in category order, as the one table was written (world.py iterates over it)
SPECS: dict[str, list[Spec]] = {
    **specs_commercial.SPECS,
    **specs_product.SPECS,
    **specs_support.SPECS,
}

# Plausible questions whose answer is in NO article. Each lists terms that must not occur in any
# article body (checked case-insensitively on word boundaries by validate_world and the tests).
UNANSWERABLE = [
    ("How much does the Nimbalo Platinum plan cost per seat?", ["Platinum"]),
    ("Does Nimbalo have a data center in Singapore?", ["Singapore"]),
    ("How often does the Dropbox integration sync?", ["Dropbox"]),
    ("How do I connect Nimbalo to Basecamp?", ["Basecamp"]),
    ("What is the price of the Nimbalo Kiosk add-on?", ["Kiosk"]),
    ("When will Nimbalo 7.0 be released?", ["7.0"]),
    ("Is Nimbalo FedRAMP authorised for US government agencies?", ["FedRAMP", "government"]),
    ("Will Nimbalo sign a HIPAA business associate agreement?", ["HIPAA", "business associate"]),
    ("Can I pay my Nimbalo invoice with PayPal?", ["PayPal"]),
    (
        "Does Nimbalo accept Bitcoin or other cryptocurrencies?",
        ["Bitcoin", "crypto", "cryptocurrency"],
    ),
    ("Is there a Nimbalo desktop app for Linux?", ["Linux"]),
    ("How many Gantt charts can I create in a workspace?", ["Gantt"]),
    ("How do I turn on offline mode in the Nimbalo mobile app?", ["offline"]),
    ("What does the Enterprise Plus plan include?", ["Enterprise Plus"]),
    ("Does Nimbalo integrate with SAP?", ["SAP"]),
    (
        "How much do I earn for referring another company to Nimbalo?",
        ["referral", "referring", "refer"],
    ),
    ("How long does the Nimbalo Marketplace take to review a third-party app?", ["Marketplace"]),
    ("Can I keep my workspace data in Brazil?", ["Brazil"]),
    ("What is Nimbalo's phone support number?", ["phone support", "phone number", "call us"]),
    ("Can I self-host Nimbalo on my own servers?", ["self-host", "self-hosted", "on-premises"]),
    ("How much storage comes with the Galaxy plan?", ["Galaxy"]),
    ("What margin do Nimbalo resellers get?", ["reseller", "resellers"]),
    ("Does Nimbalo sell a lifetime licence?", ["lifetime", "licence"]),
    ("What is the rate limit of Nimbalo's GraphQL API?", ["GraphQL"]),
    ("How often does the Wrike integration sync?", ["Wrike"]),
    ("How do I connect Nimbalo to Airtable?", ["Airtable"]),
    (
        "Is there a discount for paying three years upfront?",
        ["three years", "three-year", "multi-year"],
    ),
    ("Where is Nimbalo's office in Tokyo?", ["Tokyo", "office"]),
    ("How much does the Nimbalo certification exam cost?", ["exam", "certification exam"]),
    ("How many people can join a Nimbalo Voice call?", ["Nimbalo Voice", "voice"]),
    ("Can I start a video call from inside a board?", ["video call", "video"]),
    ("How many rows can a Nimbalo spreadsheet have?", ["spreadsheet"]),
    ("What is the top reward in Nimbalo's bug bounty program?", ["bug bounty", "bounty"]),
    ("Does Nimbalo offset the carbon emissions of its data centers?", ["carbon", "emissions"]),
    ("Is there a Nimbalo app for smartwatches?", ["smartwatch", "smartwatches", "watchOS"]),
    ("How long is the free trial of the Forms Pro add-on?", ["Forms Pro"]),
    ("Can I import my boards from Monday.com?", ["Monday.com", "Monday"]),
    ("What uptime does Nimbalo guarantee in its SLA?", ["SLA", "uptime"]),
]
