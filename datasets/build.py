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
``WORLD_SEED + 2``; labels from ``labkit.behaviour``'s rule functions), fact QA chat examples
(:func:`build_factqa`, no RNG) and the hand-written general-knowledge questions
(:func:`build_general_qa`). ``datasets/general/general_text.txt`` is hand-written prose, not
generated. Documents and tickets with planted secrets and the planted prompt-injection snapshot
(``WORLD_SEED + 3`` and ``+ 4``) come from ``datasets/security.py``, written under
``datasets/security/``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    from labkit.store import atomic_write_text
except ImportError:  # run with a Python that does not have labkit installed
    sys.path.insert(0, str(ROOT))
    from labkit.store import atomic_write_text

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
    "normalize",
    "occurs",
    "UNANSWERABLE",
]

WORLD_SEED = 20240611
DATA_DIR = ROOT / "datasets"
if str(DATA_DIR) not in sys.path:  # sibling generator modules, also when loaded via importlib
    sys.path.append(str(DATA_DIR))
from questions_hard import HARD_TYPES, build_hard_questions, hard_block  # noqa: E402
from security import render_security, security_block  # noqa: E402

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


# --------------------------------------------------------------------------------------------
# Attribute templates: how a kind of fact is stated, asked and paraphrased
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attr:
    """A kind of fact. Templates use {s} subject, {a} alternative subject wording, {v} value.

    kind: money | eur | pct | dur | count | size | code | semver | version | patch | text.
    lo, hi: default value range (money in dollars, dur in ``unit``s, count/size in units).
    change: "up" / "down" when the fact may change in v2, None when it never does.
    multi: optional template asking for two subjects at once ({s1}, {s2}).
    """

    key: str
    attribute: str
    kind: str
    lo: float
    hi: float
    unit: str
    sentences: tuple[str, ...]
    questions: tuple[str, ...]
    paraphrases: tuple[str, ...]
    change: str | None = None
    multi: str = ""


ATTRS: dict[str, Attr] = {}


def _attr(key, attribute, kind, rng_, unit, s, q, p, change=None, multi=""):
    split = lambda t: tuple(x.strip() for x in t.split(" | "))  # noqa: E731
    ATTRS[key] = Attr(
        key, attribute, kind, rng_[0], rng_[1], unit, split(s), split(q), split(p), change, multi
    )


# fmt: off
# (data tables: one attribute / article per block is easier to read than the formatter's layout)
# ---- plans-pricing
_attr("plan_month", "monthly price per seat", "money", (8, 60), "",
      "{s} costs {v} per seat per month on monthly billing. | On monthly billing, {s} is priced at {v} per seat per month.",
      "How much does {s} cost per seat per month? | What is the monthly per-seat price of {s}?",
      "If I pay month to month, how much is each user on {a}? | What will one person on {a} cost me every month without a yearly commitment?",
      "up", "What do {s1} and {s2} each cost per seat per month on monthly billing?")
_attr("plan_annual", "per-seat monthly price on annual billing", "money", (6, 50), "",
      "With annual billing, {s} works out to {v} per seat per month. | Paid yearly, {s} comes to {v} per seat per month.",
      "What does {s} cost per seat with annual billing? | How much is {s} per seat per month if I pay annually?",
      "If we commit for twelve months up front, what is the effective rate per person for {a}?",
      None, "With annual billing, what do {s1} and {s2} work out to per seat per month?")
_attr("plan_min_seats", "minimum seat count", "count", (3, 9), "seats",
      "{s} requires a minimum purchase of {v}. | You need to buy at least {v} to subscribe to {s}.",
      "What is the minimum number of seats for {s}? | How many seats do I have to buy at minimum on {s}?",
      "What is the smallest team size I can buy {a} for?", "up",
      "What are the minimum seat counts for {s1} and for {s2}?")
_attr("plan_guests", "guest accounts included", "count", (4, 60), "guests",
      "{s} includes {v} per workspace at no extra cost.",
      "How many guests are included with {s}? | How many free guest accounts come with {s}?",
      "How many outside collaborators can I bring into {a} without paying more?", "down")
_attr("plan_trial", "free trial length", "dur", (9, 40), "days",
      "New workspaces can try {s} free for {v}. | The free trial of {s} lasts {v}.",
      "How long is the free trial for {s}? | How many days does the trial of {s} last?",
      "For how long can I test-drive {a} before my card is charged?", "down",
      "How long are the free trials of {s1} and {s2}?")
_attr("plan_storage", "file storage per seat", "size", (100, 900), "GB",
      "{s} includes {v} of file storage per seat.",
      "How much storage per seat does {s} include? | What is the per-seat storage allowance on {s}?",
      "How much room for uploaded files does each user get with {a}?", "up",
      "How much file storage per seat do {s1} and {s2} include?")
_attr("addon_price", "monthly price", "money", (4, 90), "",
      "{s} costs {v} per workspace per month. | {s} is billed at {v} per workspace per month.",
      "How much does {s} cost? | What is the monthly price of {s}?",
      "What will adding {a} to my workspace run me each month?", "up",
      "What do {s1} and {s2} each cost per workspace per month?")
_attr("addon_min_term", "minimum commitment", "dur", (3, 11), "months",
      "{s} has a minimum commitment of {v}.",
      "What is the minimum commitment for {s}? | How long is the minimum term of {s}?",
      "Once I buy {a}, how long am I locked in before I can drop it?")
_attr("addon_quantity", "capacity added", "count", (20, 900), "",
      "Every subscription to {s} adds {v} to the workspace.",
      "How much extra capacity does {s} add? | What does one subscription to {s} add to a workspace?",
      "What do I actually get, in volume, when I buy {a}?", "up")
_attr("addon_trial", "trial period", "dur", (5, 26), "days",
      "You can trial {s} for {v} before it is billed.",
      "How long can I trial {s}? | How long is the trial period for {s}?",
      "Can I test {a} for a while before paying, and for how long?", "down")
_attr("support_response", "first-response target for urgent tickets", "dur", (3, 9), "hours",
      "With {s}, the first-response target for urgent tickets is {v}.",
      "What is the first-response time for urgent tickets with {s}?",
      "If something is on fire and I have {a}, how fast will someone get back to me?", "down")
_attr("prog_discount", "discount off list price", "pct", (12, 68), "",
      "{s} gives approved organisations {v} off the list price.",
      "How much of a discount does {s} give? | What discount do organisations get through {s}?",
      "How much cheaper is Nimbalo for organisations accepted into {a}?", "down",
      "What discounts do {s1} and {s2} give off the list price?")
_attr("prog_cap", "seat cap", "count", (12, 95), "seats",
      "{s} covers up to {v} per workspace.",
      "How many seats does {s} cover? | What is the seat cap for {s}?",
      "What is the biggest team that can get the reduced rate through {a}?")
_attr("prog_duration", "discount duration", "dur", (6, 40), "months",
      "Pricing under {s} lasts {v} from the approval date.",
      "How long does the discount from {s} last?",
      "After approval, for how long do I keep the reduced rate from {a}?", "down")
_attr("prog_review", "application review time", "dur", (3, 19), "business days",
      "Applications to {s} are reviewed within {v}.",
      "How long does it take to review an application to {s}?",
      "After I apply to {a}, how soon will I hear back?")
_attr("vol_threshold", "volume pricing threshold", "count", (120, 480), "seats",
      "Volume pricing starts at {v} on a single contract.",
      "At how many seats does volume pricing start?",
      "How big does my team have to be before Nimbalo gives a bulk rate?")
_attr("vol_discount", "volume discount", "pct", (6, 19), "",
      "Contracts above the volume threshold receive {v} off the per-seat price.",
      "How much is the volume discount for large contracts?",
      "What reduction do very large teams get on every seat?", "down")
_attr("price_lock", "price protection period", "dur", (4, 17), "months",
      "After a price change is announced, existing customers keep their current price for {v}.",
      "How long do existing customers keep their old price after a price change?",
      "If Nimbalo raises list prices, how long until my own bill goes up?", "down")
_attr("price_notice", "notice before a price change", "dur", (32, 89), "days",
      "Nimbalo announces price changes at least {v} in advance.",
      "How much notice does Nimbalo give before changing prices?",
      "How far ahead will I be warned that what I pay is going to change?", "up")
_attr("viewer_price", "viewer seat price", "money", (2, 7), "",
      "Viewer seats cost {v} per viewer per month once the free allowance is used up.",
      "How much does a viewer seat cost?",
      "What do read-only users cost each month beyond the ones I get free?", "up")
_attr("viewer_free", "free viewer seats", "count", (11, 95), "viewers",
      "Each paid workspace includes {v} at no charge.",
      "How many free viewer seats does a paid workspace include?",
      "How many read-only people can I add without paying for them?", "down")
_attr("rep_discount", "maximum discount an account executive may approve", "pct", (8, 22), "",
      "Account executives may approve up to {v} off list price without a manager.",
      "What is the largest discount an account executive can approve alone?",
      "How much can a salesperson knock off the price without asking their boss?")
_attr("deal_desk", "deal desk threshold", "count", (150, 900), "seats",
      "Any quote above {v} must go through the deal desk.",
      "Above how many seats must a quote go through the deal desk?",
      "How big does a quote have to be before pricing review is mandatory?")
_attr("legacy_price", "legacy plan price per seat", "money", (5, 15), "",
      "Customers still on {s} pay {v} per seat per month.",
      "What do customers on {s} pay per seat?",
      "What is the per-user rate for workspaces still on {a}?")
_attr("legacy_sunset", "notice before legacy migration", "dur", (4, 11), "months",
      "Workspaces on {s} get {v} of notice before they are migrated to a current plan.",
      "How much notice do customers on {s} get before migration?",
      "How long before workspaces on {a} are moved to a current plan?")

# ---- billing-refunds
_attr("refund_window", "refund window", "dur", (3, 44), "days",
      "A full refund for {s} can be requested within {v} of the charge.",
      "How long do I have to request a refund for {s}? | What is the refund window for {s}?",
      "How long do I have to get my money back on {a}?", "down",
      "How long are the refund windows for {s1} and for {s2}?")
_attr("refund_processing", "refund processing time", "dur", (3, 12), "business days",
      "Approved refunds reach the original card within {v}.",
      "How long do approved refunds take to arrive?",
      "Once my money-back request is approved, when will I see the funds?")
_attr("credit_expiry", "prorated credit expiry", "dur", (4, 23), "months",
      "Prorated credit from a downgrade expires after {v}.",
      "When does prorated credit from a downgrade expire?",
      "If I move to a cheaper plan, how long can I use the leftover balance?", "down")
_attr("dunning_grace", "grace period after a failed payment", "dur", (4, 19), "days",
      "After a card payment fails, the workspace stays fully active for {v}.",
      "How long does my workspace stay active after a failed payment?",
      "If my card bounces, how long before anything stops working?", "down")
_attr("retry_interval", "card retry interval", "dur", (6, 47), "hours",
      "Nimbalo retries a failed card every {v}.",
      "How often does Nimbalo retry a failed card payment?",
      "After my card is declined, how frequently will you try charging it again?")
_attr("readonly_period", "read-only period before suspension", "dur", (8, 33), "days",
      "Once the grace period ends, an unpaid workspace is read-only for {v} before it is suspended.",
      "How long is an unpaid workspace read-only before suspension?",
      "After the grace period, how long can I still look at my boards before everything is locked?", "down")
_attr("invoice_terms", "invoice payment terms", "dur", (17, 59), "days",
      "Invoices are due within {v} of the issue date.",
      "What are the payment terms on Nimbalo invoices?",
      "How long do I have to pay a bill once it is issued?", "down")
_attr("invoice_min", "minimum contract value for invoice billing", "money", (1500, 9000), "",
      "Paying by invoice is available for annual contracts of {v} or more.",
      "What is the minimum contract value for invoice billing?",
      "How large must a yearly deal be before I can pay against a bill instead of a card?", "up")
_attr("switch_cutoff", "cutoff for switching from annual to monthly", "dur", (8, 44), "days",
      "You can switch from annual to monthly billing up to {v} before your renewal date.",
      "How late can I switch from annual to monthly billing before renewal?",
      "What is the last point before my yearly renewal at which I can move to paying every month?")
_attr("vat_validation", "VAT ID validation time", "dur", (6, 47), "hours",
      "Nimbalo validates a new VAT ID within {v}.",
      "How long does VAT ID validation take?",
      "After I enter my European tax number, how soon is it checked?")
_attr("tax_exempt_review", "tax-exemption review time", "dur", (3, 13), "business days",
      "Tax-exemption certificates are reviewed within {v}.",
      "How long does it take to review a tax-exemption certificate?",
      "Once I upload proof that we do not pay sales tax, when will it be approved?")
_attr("wire_fee", "international wire handling fee", "money", (11, 49), "",
      "International wire payments carry a handling fee of {v}.",
      "What is the fee for paying by international wire?",
      "Is there an extra charge when I send money from abroad by bank transfer, and how much?", "up")
_attr("ach_min", "minimum invoice for ACH payment", "money", (1100, 4900), "",
      "ACH bank transfer is offered for invoices above {v}.",
      "What is the minimum invoice amount for ACH payment?",
      "How big must a bill be before I can pay it straight from a US bank account?")
_attr("chargeback_lock", "lock after a card dispute", "dur", (6, 47), "hours",
      "If a card dispute is opened, the workspace is locked {v} after Nimbalo receives the notice.",
      "How soon is a workspace locked after a chargeback?",
      "When my bank disputes a charge, how long until I lose access?")
_attr("seat_trueup", "seat true-up interval", "dur", (32, 97), "days",
      "Seats added mid-term on annual plans are trued up every {v}.",
      "How often are added seats trued up on annual plans?",
      "On a yearly contract, how frequently do I get billed for people I have added?")
_attr("coupon_expiry", "promotional credit expiry", "dur", (41, 170), "days",
      "Promotional credits expire {v} after they are applied.",
      "When do promotional credits expire?",
      "How long can I sit on bonus credit from a promotion before it is gone?", "down")
_attr("coupon_cap", "maximum credit per promo code", "money", (120, 900), "",
      "A single promo code is capped at {v} of credit.",
      "What is the maximum credit from a single promo code?",
      "What is the most a discount voucher can ever be worth?")
_attr("receipt_history", "receipt download history", "dur", (26, 83), "months",
      "Receipts stay downloadable from the billing page for {v}.",
      "How long are receipts downloadable?",
      "How far back can I pull old payment records from the billing page?", "down")
_attr("cancel_retention", "data retention after cancellation", "dur", (33, 88), "days",
      "After you cancel, workspace data is kept for {v} before it is deleted.",
      "How long is my data kept after I cancel?",
      "If I close my subscription, how long before my boards and docs are erased?", "down")
_attr("reactivation_window", "reactivation window", "dur", (8, 29), "days",
      "A cancelled workspace can be reactivated with all its content within {v}.",
      "How long do I have to reactivate a cancelled workspace?",
      "If I change my mind after quitting, how long do I have to come back with everything intact?")
_attr("currency_change", "billing currency change frequency", "dur", (4, 17), "months",
      "The billing currency can be changed once every {v}.",
      "How often can I change my billing currency?",
      "How frequently am I allowed to switch which money I am charged in?")
_attr("ent_terms", "Enterprise invoice due period", "dur", (33, 89), "days",
      "Enterprise invoices are due {v} after the invoice date.",
      "When are Enterprise invoices due?",
      "How long does a large contract customer have to settle a bill?", "down")
_attr("ent_uplift", "cap on Enterprise renewal increases", "pct", (3, 9), "",
      "Enterprise renewals are capped at a {v} price increase.",
      "What is the maximum price increase at an Enterprise renewal?",
      "By how much at most can my large contract go up when it renews?")
_attr("goodwill_max", "goodwill refund limit for agents", "money", (60, 390), "",
      "Support agents can approve goodwill refunds of up to {v} without escalation.",
      "How much can a support agent refund as goodwill without escalating?",
      "What is the biggest courtesy payback an agent can hand out alone?")
_attr("exception_window", "refund exception window", "dur", (8, 44), "days",
      "Refund exceptions can be granted up to {v} after the standard window closes.",
      "How long after the refund window closes can an exception be granted?",
      "How late can staff still make a one-off refund past the normal deadline?")
_attr("collections_handoff", "collections handoff", "dur", (36, 97), "days",
      "Unpaid invoices are handed to collections {v} after the due date.",
      "When are unpaid invoices handed to collections?",
      "How long after a bill is overdue does the debt team take over?")
_attr("dunning_emails", "payment reminders before collections", "count", (3, 9), "reminders",
      "Finance sends {v} before an account is handed over.",
      "How many payment reminders are sent before collections?",
      "How many nudges about an overdue bill go out before it escalates?")

# ---- features
_attr("history_retention", "version history on paid plans", "dur", (41, 170), "days",
      "Docs keep full version history for {v} on paid plans.",
      "How long do docs keep version history on paid plans?",
      "On a paid plan, how far back can I roll a document to an earlier state?", "up")
_attr("history_free", "version history on the Free plan", "dur", (3, 19), "days",
      "On the Free plan, version history covers the last {v}.",
      "How much version history do docs have on the Free plan?",
      "Without paying, how far back can I restore an older copy of a document?")
_attr("template_count", "number of built-in templates", "count", (110, 480), "built-in templates",
      "The template gallery ships with {v}.",
      "How many built-in templates does the template gallery have?",
      "How many ready-made starting layouts come with Nimbalo?")
_attr("automation_steps", "steps per automation", "count", (11, 49), "steps",
      "A single automation can chain up to {v}.",
      "How many steps can one automation have?",
      "How long can a chain of actions inside one rule get?", "up")
_attr("recurrence_min", "shortest recurrence interval", "dur", (3, 11), "hours",
      "Recurring cards can repeat as often as every {v}.",
      "What is the shortest interval for a recurring card?",
      "How frequently at most can a repeating task be recreated?")
_attr("trash_retention", "Trash retention", "dur", (23, 89), "days",
      "Deleted boards and docs stay in Trash for {v} before they are purged.",
      "How long do deleted items stay in Trash?",
      "If I remove a board by accident, how long until it is gone for good?", "down")
_attr("comment_edit", "comment edit window", "dur", (6, 59), "minutes",
      "You can edit a comment for {v} after posting it.",
      "How long can I edit a comment after posting it?",
      "Is there a time limit for fixing something I wrote in a reply, and what is it?")
_attr("snooze_max", "maximum snooze", "dur", (41, 170), "days",
      "A snoozed card reappears after at most {v}.",
      "What is the longest a card can be snoozed?",
      "How long can I hide a task from my view before it pops back?")
_attr("pdf_pages", "PDF export page limit", "count", (110, 900), "pages",
      "PDF exports of a doc are capped at {v}.",
      "What is the page limit for PDF exports of a doc?",
      "How long can a document be when I print it to a file?", "up")
_attr("timeline_range", "timeline window", "dur", (13, 47), "months",
      "The timeline view can display up to {v} at once.",
      "How many months can the timeline view show at once?",
      "How far into the future can the schedule view stretch on one screen?")
_attr("assist_words", "summary length limit", "count", (110, 690), "words",
      "Nimbalo Assist summaries are limited to {v}.",
      "How long can a Nimbalo Assist summary be?",
      "What is the maximum length of the automatic recap the AI helper writes?")
_attr("whiteboard_objects", "objects per whiteboard", "count", (2100, 19000), "objects",
      "A whiteboard holds up to {v}.",
      "How many objects can a whiteboard hold?",
      "How many shapes and sticky notes fit on one canvas?", "up")
_attr("form_responses", "responses per form", "count", (1100, 49000), "responses",
      "A single form accepts up to {v}.",
      "How many responses can one form collect?",
      "How many submissions will a survey take before it closes itself?")
_attr("dashboard_refresh", "dashboard refresh interval", "dur", (3, 29), "minutes",
      "Dashboard widgets refresh every {v}.",
      "How often do dashboards refresh?",
      "How stale can the numbers on my charts page be?", "down")
_attr("mobile_digest", "mobile notification digest interval", "dur", (3, 11), "hours",
      "The mobile app bundles low-priority notifications into a digest every {v}.",
      "How often does the mobile app send a notification digest?",
      "How frequently does my phone get the roll-up of less urgent alerts?")
_attr("guest_link_expiry", "guest link expiry", "dur", (16, 89), "days",
      "Shared guest links expire after {v}.",
      "When do shared guest links expire?",
      "How long does a link I send to an outsider keep working?", "down")
_attr("timer_autostop", "automatic timer stop", "dur", (9, 23), "hours",
      "Running time-tracking timers stop automatically after {v}.",
      "When do time-tracking timers stop automatically?",
      "If I forget to turn off the clock on a task, when does it end by itself?")
_attr("dependency_cap", "blocking dependencies per card", "count", (11, 49), "dependencies",
      "A card can have at most {v} blocking it.",
      "How many blocking dependencies can a card have?",
      "How many other tasks can hold up a single task?")
_attr("custom_fields", "custom fields per board", "count", (21, 97), "custom fields",
      "Each board supports up to {v}.",
      "How many custom fields can a board have?",
      "How many extra data columns can I add to one board?", "up")
_attr("email_attach", "attachment limit for email-to-board", "size", (110, 490), "MB",
      "Emails sent to a board address can carry attachments of up to {v} in total.",
      "What is the attachment size limit when emailing content into a board?",
      "How big can the files be when I forward a message into a board?")
_attr("analytics_history", "analytics history", "dur", (13, 47), "months",
      "Workspace analytics keep {v} of history.",
      "How much history do workspace analytics keep?",
      "How far back can admins see usage trends for the workspace?", "up")
_attr("rollout_ring", "rollout ring duration", "dur", (3, 13), "days",
      "Each rollout ring lasts {v} before the next ring is enabled.",
      "How long does each rollout ring last?",
      "How long do we wait before turning a new feature on for the next group of workspaces?")
_attr("beta_cap", "closed beta size", "count", (110, 900), "workspaces",
      "A closed beta is limited to {v}.",
      "How many workspaces can join a closed beta?",
      "How many customer accounts may take part in an invite-only trial of a feature?")

# ---- limits-quotas
_attr("api_rate", "API rate limit per token", "count", (1100, 4900), "requests per minute",
      "The REST API allows {v} per access token.",
      "What is the REST API rate limit per token?",
      "How many calls can one key make to the REST interface each minute?", "down")
_attr("api_burst", "API burst allowance", "count", (110, 490), "requests",
      "Short bursts of up to {v} within ten seconds are tolerated.",
      "How large a burst does the REST API tolerate?",
      "How many calls can I fire off in a quick spike without being throttled?")
_attr("webhook_count", "webhooks per workspace", "count", (11, 95), "webhooks",
      "A workspace can register up to {v}.",
      "How many webhooks can a workspace register?",
      "How many outbound event endpoints may one workspace set up?", "up")
_attr("webhook_timeout", "webhook delivery timeout", "dur", (6, 29), "seconds",
      "Webhook deliveries time out after {v}.",
      "When do webhook deliveries time out?",
      "How long will Nimbalo wait for my endpoint to answer an event call?")
_attr("upload_max", "maximum file upload size", "size", (110, 900), "MB",
      "A single file upload can be up to {v}.",
      "What is the maximum file upload size?",
      "How big can one attachment be?", "up")
_attr("cards_per_board", "cards per board", "count", (11000, 49000), "cards",
      "A board can hold up to {v}.",
      "How many cards can a board hold?",
      "How many tasks fit on one board before it is full?", "up")
_attr("bulk_edit", "bulk edit limit", "count", (110, 900), "cards",
      "Bulk actions apply to at most {v} at a time.",
      "How many cards can I bulk edit at once?",
      "What is the cap on tasks changed in one mass update?")
_attr("automation_runs", "automation runs per month", "count", (1100, 29000), "automation runs per month",
      "{s} includes {v}.",
      "How many automation runs per month does {s} include?",
      "How many times can rules fire each month on {a}?", "up",
      "How many automation runs per month do {s1} and {s2} include?")
_attr("members_free", "member cap on the Free plan", "count", (6, 19), "members",
      "The Free plan allows up to {v} in a workspace.",
      "How many members can a Free workspace have?",
      "How many people can join our workspace if we do not pay?", "down")
_attr("boards_free", "board cap on the Free plan", "count", (6, 19), "boards",
      "Free workspaces can create up to {v}.",
      "How many boards can I create on the Free plan?",
      "What is the cap on project spaces for a workspace that pays nothing?", "down")
_attr("storage_free", "total storage on the Free plan", "size", (110, 900), "MB",
      "A Free workspace gets {v} of total storage.",
      "How much storage does a Free workspace get?",
      "How much file space do we get without a paid plan?", "down")
_attr("doc_blocks", "blocks per doc", "count", (1100, 9000), "blocks",
      "A doc can contain up to {v}.",
      "How many blocks can a doc contain?",
      "How long can a single page of writing get, counted in content pieces?")
_attr("card_attachments", "attachments per card", "count", (21, 97), "attachments",
      "Each card holds up to {v}.",
      "How many attachments can a card have?",
      "How many files can I pin to a single task?", "up")
_attr("export_rows", "CSV export row limit", "count", (11000, 99000), "rows",
      "A CSV export includes at most {v}.",
      "What is the row limit on CSV exports?",
      "How many lines will a comma-separated download top out at?", "up")
_attr("guests_per_board", "guests per board", "count", (21, 97), "guests",
      "A single board can be shared with up to {v}.",
      "How many guests can a board be shared with?",
      "How many outside people can be invited to one board?", "down")
_attr("import_rows", "rows per import file", "count", (1100, 9900), "rows",
      "A CSV import accepts up to {v} per file.",
      "How many rows can one CSV import contain?",
      "How many lines can the file I bring in have?")
_attr("import_size", "import file size limit", "size", (110, 490), "MB",
      "Import files can be up to {v}.",
      "How large can an import file be?",
      "What is the biggest file I can upload to migrate my data in?")
_attr("integrations_cap", "connected integrations per workspace", "count", (11, 49), "integrations",
      "A workspace can connect up to {v} at once.",
      "How many integrations can a workspace connect at once?",
      "How many outside tools can be hooked up to one workspace at the same time?", "up")
_attr("comment_chars", "comment length limit", "count", (1100, 9900), "characters",
      "A comment can be up to {v} long.",
      "How long can a comment be?",
      "What is the maximum length of a reply under a task, in letters?")
_attr("email_cap", "hourly email notification cap", "count", (110, 900), "emails per hour",
      "Nimbalo sends at most {v} per workspace.",
      "What is the hourly email notification cap per workspace?",
      "How many messages per hour will Nimbalo send to our inboxes at most?")
_attr("custom_roles", "custom roles per workspace", "count", (11, 49), "custom roles",
      "A workspace can define up to {v}.",
      "How many custom roles can a workspace define?",
      "How many tailor-made permission sets can an admin create?", "up")
_attr("sessions_cap", "concurrent sessions per user", "count", (6, 19), "sessions",
      "Each user can have up to {v} signed in at the same time.",
      "How many concurrent sessions can a user have?",
      "On how many devices can I be logged in simultaneously?")
_attr("checklist_items", "items per checklist", "count", (110, 490), "items",
      "A checklist can hold up to {v}.",
      "How many items can a checklist hold?",
      "How long can a to-do list inside a task get?", "up")
_attr("title_chars", "title length limit", "count", (110, 490), "characters",
      "Board and doc titles can be up to {v} long.",
      "How long can a board or doc title be?",
      "How many letters fit in the name of a board?")
_attr("sched_min", "shortest schedule for automations", "dur", (6, 59), "minutes",
      "Scheduled automations can run at most every {v}.",
      "How often can a scheduled automation run at most?",
      "What is the tightest repeat I can give a rule that runs on a timer?")
_attr("quota_raise", "raise support may grant without engineering", "pct", (21, 69), "",
      "Support can raise a rate limit by up to {v} without engineering approval.",
      "By how much can support raise a rate limit without engineering approval?",
      "How big a bump to a customer's throttle can an agent give on their own?")
_attr("quota_review", "quota request review time", "dur", (3, 13), "business days",
      "Quota increase requests are reviewed within {v}.",
      "How long does a quota increase review take?",
      "How soon does engineering look at a request for more headroom?")
_attr("api_rate_ent", "Enterprise API rate limit per token", "count", (5100, 19000), "requests per minute",
      "Enterprise access tokens allow {v}.",
      "What is the API rate limit per token on Enterprise?",
      "How many calls a minute can a key on the biggest contract make?", "up")

# ---- troubleshooting
_attr("err_code", "error code", "code", (1000, 9999), "",
      "If {s}, Nimbalo shows error code {v}. | When {s}, the error message includes code {v}.",
      "What error code appears when {s}? | Which error code does Nimbalo show if {s}?",
      "What code is on the error message when {a}?", None,
      "Which error codes does Nimbalo show when {s1}, and when {s2}?")
_attr("lockout_attempts", "failed attempts before lockout", "count", (4, 9), "failed attempts",
      "Nimbalo locks sign-in after {v} in a row.",
      "How many failed sign-in attempts trigger a lockout?",
      "How many wrong passwords can I type before I am shut out?", "down")
_attr("lockout_minutes", "lockout duration", "dur", (11, 49), "minutes",
      "A locked account unlocks automatically after {v}.",
      "How long does a sign-in lockout last?",
      "If I am shut out for wrong passwords, when can I try again?", "up")
_attr("export_timeout", "export timeout", "dur", (21, 89), "minutes",
      "Exports that have not finished after {v} are cancelled.",
      "When are stuck exports cancelled?",
      "How long will a download job run before Nimbalo gives up on it?")
_attr("auto_disable", "consecutive failures before an automation is paused", "count", (6, 19), "consecutive failures",
      "An automation is paused after {v}.",
      "After how many consecutive failures is an automation paused?",
      "How many times can a rule break in a row before it gets switched off?", "up")
_attr("digest_delay", "maximum digest delay", "dur", (16, 89), "minutes",
      "Email notifications can be delayed by up to {v} when digest mode is on.",
      "How long can notification emails be delayed in digest mode?",
      "Why do alerts reach my inbox late, and how late can they be?")
_attr("webhook_retries", "webhook retry attempts", "count", (6, 19), "retry attempts",
      "Nimbalo makes up to {v} for a failed webhook delivery.",
      "How many times is a failed webhook delivery retried?",
      "If my endpoint is down, how many more tries will an event call get?")
_attr("invite_expiry", "invitation link expiry", "dur", (26, 97), "hours",
      "Invitation links expire {v} after they are sent.",
      "When do invitation links expire?",
      "How long does a join link stay valid?", "down")
_attr("totp_drift", "allowed clock drift for two-factor codes", "dur", (31, 89), "seconds",
      "Nimbalo accepts two-factor codes up to {v} out of sync with the server clock.",
      "How much clock drift is allowed for two-factor codes?",
      "How far off can my phone's time be before my authenticator codes stop working?")
_attr("index_delay", "search indexing delay", "dur", (3, 13), "minutes",
      "New cards can take up to {v} to appear in search.",
      "How long until new cards show up in search?",
      "I cannot find a task I just made; how long should I wait?")
_attr("retry_after", "Retry-After value for throttled requests", "dur", (11, 59), "seconds",
      "The Retry-After header on a throttled response is set to {v}.",
      "What Retry-After value does a throttled API response use?",
      "When my script is slowed down, how long does Nimbalo tell it to wait?")
_attr("paged_cards", "paging threshold for large boards", "count", (1100, 4900), "cards",
      "Boards with more than {v} load in pages.",
      "At what size do boards start loading in pages?",
      "How many tasks can a board have before it loads in chunks?")
_attr("import_errors", "errors listed in the import report", "count", (21, 97), "errors",
      "The import report lists the first {v} it finds.",
      "How many errors does the CSV import report list?",
      "When my upload has problems, how many of them does the summary show?")
_attr("mobile_min", "oldest mobile app version that can sign in", "semver", (8, 8), "",
      "The oldest mobile app version that can still sign in is {v}.",
      "What is the oldest mobile app version that can still sign in?",
      "Which phone app release do I need at minimum to log in?")
_attr("desktop_min", "oldest desktop version that updates automatically", "semver", (3, 3), "",
      "Desktop apps older than {v} no longer update automatically.",
      "Below which version does the desktop app stop updating automatically?",
      "From what release of the computer app do I have to reinstall by hand?")
_attr("escalation_sla", "tier 2 acknowledgement target", "dur", (3, 11), "hours",
      "Tier 2 must acknowledge an escalated ticket within {v}.",
      "How quickly must tier 2 acknowledge an escalated ticket?",
      "When a case is bumped up to the second line, how fast must they pick it up?")
_attr("p1_threshold", "P1 declaration threshold", "count", (110, 490), "workspaces",
      "An incident is declared P1 when more than {v} report the same error.",
      "How many affected workspaces make an incident P1?",
      "How widespread must an error be before it counts as top priority?")
_attr("scim_retry", "SCIM retry interval", "dur", (3, 29), "minutes",
      "Failed SCIM provisioning calls are retried every {v}.",
      "How often are failed SCIM provisioning calls retried?",
      "When our identity provider's user sync fails, how soon does Nimbalo try again?")

# ---- integrations
_attr("int_sync", "sync interval", "dur", (3, 59), "minutes",
      "{s} syncs changes every {v}. | Changes flow through {s} every {v}.",
      "How often does {s} sync? | What is the sync interval of {s}?",
      "How frequently does information move between Nimbalo and {a}?", "down",
      "How often do {s1} and {s2} each sync?")
_attr("int_backfill", "initial history import", "dur", (16, 97), "days",
      "When you first connect {s}, Nimbalo imports the last {v} of history.",
      "How much history does {s} import when first connected?",
      "How far back does the first pull from {a} go?", None,
      "How much history do {s1} and {s2} import when first connected?")
_attr("int_item_cap", "linked items per board", "count", (110, 4900), "",
      "Each board can link up to {v} through {s}.",
      "How many items can a board link through {s}?",
      "What is the cap on records from {a} per board?", "up")
_attr("int_token", "access token refresh interval", "dur", (16, 89), "days",
      "{s} refreshes its access token every {v}.",
      "How often does {s} refresh its access token?",
      "How often does the connection to {a} renew its credentials?")
_attr("int_disconnect", "failed syncs before disconnect", "count", (6, 19), "failed syncs",
      "{s} disconnects itself after {v} in a row.",
      "After how many failed syncs in a row does {s} disconnect?",
      "How many broken updates in a row before the link to {a} drops?")
_attr("int_file_size", "size above which files are linked, not copied", "size", (110, 490), "MB",
      "Files larger than {v} are linked rather than copied by {s}.",
      "Above what size are files linked instead of copied by {s}?",
      "When is a document from {a} too big to be brought across as a copy?")
_attr("int_channel_cap", "channels per board", "count", (6, 19), "channels",
      "{s} can post updates from one board to up to {v}.",
      "How many channels can {s} post to from one board?",
      "How many chat rooms can a single board send updates to via {a}?")
_attr("importer_max", "cards per import run", "count", (5100, 49000), "cards",
      "{s} can bring in up to {v} per run.",
      "How many cards can {s} import in one run?",
      "What is the most tasks a single migration with {a} can move?")
_attr("partner_share", "partner revenue share", "pct", (11, 29), "",
      "Certified integration partners receive a {v} revenue share.",
      "What revenue share do certified integration partners receive?",
      "What cut of the money do approved connector builders get?")
_attr("partner_review", "partner app review time", "dur", (6, 19), "business days",
      "New partner connectors are reviewed within {v}.",
      "How long does a partner connector review take?",
      "How soon is a third-party connector checked after it is submitted?")
_attr("health_threshold", "connector error-rate alarm", "pct", (3, 9), "",
      "A connector is flagged unhealthy when its error rate passes {v}.",
      "At what error rate is a connector flagged unhealthy?",
      "What failure rate makes on-call get an alarm about a connector?")
_attr("health_interval", "connector health check interval", "dur", (3, 13), "minutes",
      "Connector health checks run every {v}.",
      "How often do connector health checks run?",
      "How frequently do we probe whether each connector is working?")

# ---- security-compliance
_attr("audit_retention", "audit log retention", "dur", (91, 400), "days",
      "On {s}, audit logs are retained for {v}.",
      "How long are audit logs kept on {s}?",
      "How far back can I see who did what in the admin log on {a}?", "up",
      "How long are audit logs kept on {s1} and on {s2}?")
_attr("residency", "hosting city", "text", (0, 0), "",
      "Workspaces that choose {s} data residency are hosted in {v}.",
      "Which city hosts Nimbalo's {s} data residency region?",
      "If we keep our data in the {a}, where does it physically live?", None,
      "Which cities host the {s1} and {s2} data residency regions?")
_attr("pw_min", "minimum password length", "count", (11, 19), "characters",
      "Passwords must be at least {v} long.",
      "What is the minimum password length?",
      "How short can a login secret be?", "up")
_attr("pw_history", "previous passwords blocked from reuse", "count", (6, 19), "previous passwords",
      "Nimbalo blocks reuse of any of your {v}.",
      "How many previous passwords are blocked from reuse?",
      "How many of my old secrets am I not allowed to recycle?")
_attr("session_timeout", "idle web session timeout", "dur", (6, 47), "hours",
      "Web sessions expire after {v} of inactivity.",
      "When do idle web sessions expire?",
      "How long can I leave the browser tab untouched before I am signed out?", "down")
_attr("guest_session", "guest session lifetime", "dur", (3, 23), "hours",
      "Guest sessions expire after {v}.",
      "When do guest sessions expire?",
      "How long can an outside collaborator stay logged in?")
_attr("backup_codes", "backup codes for two-factor authentication", "count", (6, 19), "backup codes",
      "Turning on two-factor authentication gives you {v}.",
      "How many backup codes do I get with two-factor authentication?",
      "How many one-time recovery keys come with 2FA?")
_attr("saml_notice", "warning before a SAML certificate expires", "dur", (16, 59), "days",
      "Nimbalo emails admins {v} before a SAML signing certificate expires.",
      "How early are admins warned about an expiring SAML certificate?",
      "How long before our single sign-on signing key runs out will we be told?")
_attr("scim_deprovision", "SCIM deprovisioning time", "dur", (3, 19), "minutes",
      "Users removed in your identity provider lose access within {v}.",
      "How quickly does SCIM deprovisioning remove access?",
      "After I offboard someone in our identity provider, how soon are they cut off?", "down")
_attr("key_rotation", "encryption key rotation", "dur", (41, 170), "days",
      "Data encryption keys are rotated every {v}.",
      "How often are data encryption keys rotated?",
      "How frequently does Nimbalo swap the keys that scramble stored data?")
_attr("backup_freq", "backup frequency", "dur", (3, 11), "hours",
      "Workspace backups are taken every {v}.",
      "How often are workspace backups taken?",
      "How much work could I lose at most between two safety copies?")
_attr("backup_retention", "backup retention", "dur", (16, 59), "days",
      "Backups are retained for {v}.",
      "How long are backups retained?",
      "How long does Nimbalo hold on to safety copies of my workspace?", "up")
_attr("purge_backups", "purge from backups after deletion", "dur", (33, 97), "days",
      "After a deletion request, data is purged from backups within {v}.",
      "How long until deleted data is purged from backups?",
      "Once I ask for my information to be erased, when is it gone from safety copies too?", "down")
_attr("soc2_delivery", "SOC report delivery time", "dur", (3, 13), "business days",
      "Nimbalo shares its latest SOC report under NDA within {v} of a request.",
      "How long does it take to receive Nimbalo's SOC report?",
      "If our auditors ask for the independent controls report, how soon do we get it?")
_attr("breach_notice", "breach notification window", "dur", (26, 71), "hours",
      "Nimbalo notifies affected customers of a confirmed breach within {v}.",
      "How quickly does Nimbalo notify customers of a confirmed breach?",
      "If our data is exposed, how soon will Nimbalo tell us?", "down")
_attr("ip_ranges", "allowlisted IP ranges", "count", (11, 97), "IP ranges",
      "An admin can allowlist up to {v} per workspace.",
      "How many IP ranges can be allowlisted?",
      "How many network address blocks can I permit for sign-in?", "up")
_attr("mobile_pin", "mobile PIN lock delay", "dur", (3, 19), "minutes",
      "The mobile app asks for your PIN after {v} in the background.",
      "When does the mobile app ask for a PIN again?",
      "How long can the phone app sit unused before I must unlock it again?")
_attr("vuln_response", "first reply to security reports", "dur", (3, 9), "business days",
      "Security reports sent to the disclosure address get a first reply within {v}.",
      "How quickly do security researchers get a first reply?",
      "If I report a weakness I found, how soon will someone answer?")
_attr("subprocessor_notice", "notice before adding a subprocessor", "dur", (16, 59), "days",
      "Nimbalo gives {v} of notice before adding a new subprocessor.",
      "How much notice does Nimbalo give before adding a subprocessor?",
      "How far ahead are we told about a new vendor that will handle our data?", "up")
_attr("dsar_response", "data subject request response time", "dur", (9, 29), "days",
      "Data subject access requests are answered within {v}.",
      "How quickly are data subject access requests answered?",
      "If someone asks what personal information you hold on them, how long until they get it?", "down")
_attr("siem_interval", "SIEM delivery interval", "dur", (3, 13), "minutes",
      "Audit events are delivered to your SIEM every {v}.",
      "How often are audit events delivered to a SIEM?",
      "How fresh is the activity feed we stream into our security monitoring tool?")
_attr("export_role", "role allowed to export the audit log", "text", (0, 0), "",
      "Only members with the {v} role can export the audit log.",
      "Which role can export the audit log?",
      "Who in our workspace is allowed to download the admin activity record?")
_attr("sev1_page", "Sev1 page acknowledgement", "dur", (3, 13), "minutes",
      "The on-call security engineer must acknowledge a Sev1 page within {v}.",
      "How fast must on-call security acknowledge a Sev1 page?",
      "When the top-severity alarm goes off, how quickly must the security engineer respond?")
_attr("staff_access", "staff access grant length", "dur", (3, 11), "hours",
      "Staff access to customer data is granted for at most {v} per approval.",
      "How long does an approved staff access grant to customer data last?",
      "When an employee is allowed into a customer's data, how long before that permission ends?")

_attr("fraud_refunds", "refunds per year before a fraud review", "count", (3, 9), "refunds",
      "Flag any account that requests more than {v} in a year for a fraud review.",
      "How many refunds in a year trigger a fraud review?",
      "After how many money-back requests in twelve months do we look at an account for abuse?")
_attr("fraud_hold", "payout hold during a fraud review", "dur", (26, 71), "hours",
      "Refunds on a flagged account are held for {v} while the review runs.",
      "How long are refunds held on an account under fraud review?",
      "When an account looks suspicious, how long do we pause sending its money back?")
_attr("signup_cap", "sign-ups per hour from one IP address", "count", (110, 490), "sign-ups per hour",
      "More than {v} from a single IP address trigger the abuse filter.",
      "How many sign-ups per hour from one IP address trigger the abuse filter?",
      "How many new accounts from the same network address in an hour look like abuse?")
_attr("abuse_block", "abuse block duration", "dur", (6, 47), "hours",
      "An IP address caught by the abuse filter is blocked for {v}.",
      "How long is an IP address blocked by the abuse filter?",
      "When the anti-spam system catches an address, how long is it shut out?")
_attr("export_approval", "approval time for bulk data exports", "dur", (3, 9), "business days",
      "Bulk customer data exports need security sign-off, which takes up to {v}.",
      "How long does security sign-off for a bulk customer data export take?",
      "If an employee needs a large extract of customer records, how long until it is approved?")
_attr("macro_review", "support macro review cycle", "dur", (16, 59), "days",
      "Every support macro is reviewed for accuracy every {v}.",
      "How often are support macros reviewed?",
      "How frequently do we check that our canned replies are still correct?")
_attr("assist_daily_cap", "daily AI request cap per workspace", "count", (1100, 9000), "requests per workspace per day",
      "Nimbalo Assist is capped at {v} to contain runaway costs.",
      "What is the daily request cap for Nimbalo Assist per workspace?",
      "How many times a day can one workspace call the AI helper before it is cut off?")
_attr("mobile_stage", "first rollout stage for mobile releases", "pct", (3, 9), "",
      "Mobile releases start with a staged rollout to {v} of users.",
      "What share of users gets a mobile release in the first rollout stage?",
      "How many of our phone users see a new app version first, before everyone else?")

# ---- release-notes
_attr("rel_feature", "release that introduced the feature", "version", (0, 0), "",
      "Nimbalo {v} introduced {s}. | {s} arrived in Nimbalo {v}.",
      "Which Nimbalo version introduced {s}? | In which release did {s} arrive?",
      "Since which version has Nimbalo supported {a}?", None,
      "Which Nimbalo versions introduced {s1} and {s2}?")
_attr("rel_patch", "patch that fixed the bug", "patch", (0, 0), "",
      "Patch {v} fixed {s}.",
      "Which patch fixed {s}?",
      "In which update did Nimbalo repair {a}?")
_attr("code_freeze", "code freeze lead time", "dur", (3, 13), "days",
      "Code freeze starts {v} before each minor release.",
      "How long before a minor release does code freeze start?",
      "How early do we stop merging changes ahead of a release?")
_attr("hotfix_window", "hotfix window", "dur", (6, 23), "hours",
      "Hotfixes must ship within {v} of a Sev1 being declared.",
      "How soon after a Sev1 must a hotfix ship?",
      "When something critical breaks, how long do engineers have to push a fix?")
_attr("deferred_delay", "deferred channel delay", "dur", (9, 44), "days",
      "Workspaces on the deferred channel receive each release {v} after general availability.",
      "How long after general availability do deferred-channel workspaces get a release?",
      "If we opt for the slower update track, how much later do new versions reach us?", "up")

# fmt: on

# --------------------------------------------------------------------------------------------
# Article specs: one entry per help-center article, each stating 1-4 facts
# --------------------------------------------------------------------------------------------


def F(key: str, **kw) -> dict:
    """A fact slot: attribute key plus optional overrides s, a (subject wordings), u (unit),
    r (value range), v (fixed value)."""
    return {"key": key, **kw}


@dataclass(frozen=True)
class Spec:
    title: str
    s: str  # topic / subject noun phrase ("the Team plan")
    facts: tuple
    access: str = "public"
    a: str = ""  # alternative wording for paraphrases


def _specs(*rows) -> list[Spec]:
    out = []
    for row in rows:
        title, s, facts, *rest = row
        opts = rest[0] if rest else {}
        out.append(Spec(title, s, tuple(facts), opts.get("access", "public"), opts.get("a", "")))
    return out


CUS, INT = {"access": "customer"}, {"access": "internal"}

# fmt: off

SPECS: dict[str, list[Spec]] = {
    "plans-pricing": _specs(
        ("Nimbalo Solo plan: pricing and features", "the Solo plan",
         [F("plan_month", r=(9, 12)), F("plan_annual", r=(7, 8.9)), F("plan_storage", r=(101, 190))],
         {"a": "Nimbalo's single-user package"}),
        ("Starter plan pricing", "the Starter plan",
         [F("plan_month", r=(15, 19)), F("plan_annual", r=(12.5, 14.4)), F("plan_min_seats", r=(3, 4)),
          F("plan_trial", r=(8, 19))], {"a": "the entry-level Starter package"}),
        ("Team plan pricing and what's included", "the Team plan",
         [F("plan_month", r=(21, 29)), F("plan_annual", r=(16, 20.5)), F("plan_guests", r=(11, 29)),
          F("plan_storage", r=(201, 390))], {"a": "the mid-tier Team package"}),
        ("Business plan pricing", "the Business plan",
         [F("plan_month", r=(38, 49)), F("plan_annual", r=(29, 34)), F("plan_min_seats", r=(6, 13)),
          F("plan_trial", r=(20, 36))], {"a": "the Business tier"}),
        ("Enterprise plan: pricing and requirements", "the Enterprise plan",
         [F("plan_month", r=(52, 79)), F("plan_min_seats", r=(31, 74)), F("plan_guests", r=(61, 99))],
         {**CUS, "a": "the top Enterprise tier"}),
        ("Automations Plus add-on", "the Automations Plus add-on",
         [F("addon_price", r=(14, 29)), F("addon_quantity", u="automation runs per month", r=(2100, 9800)),
          F("addon_trial")], {"a": "the extra automation pack"}),
        ("Guest Pack add-on", "the Guest Pack add-on",
         [F("addon_price", r=(6, 13)), F("addon_quantity", u="guest accounts", r=(26, 94))],
         {"a": "the bundle of additional outsider accounts"}),
        ("Storage Boost add-on", "the Storage Boost add-on",
         [F("addon_price", r=(9, 21)), F("addon_quantity", u="GB of shared storage", r=(401, 990)),
          F("addon_min_term")], {"a": "the extra disk space bundle"}),
        ("Insights Pro analytics add-on", "the Insights Pro add-on",
         [F("addon_price", r=(22, 44)), F("addon_quantity", u="custom dashboards", r=(21, 69)), F("addon_trial")],
         {"a": "the advanced reporting package"}),
        ("Priority Support add-on", "the Priority Support add-on",
         [F("addon_price", r=(81, 149)), F("support_response"), F("addon_min_term")],
         {**CUS, "a": "the faster-help package"}),
        ("Nimbalo Assist add-on pricing", "the Nimbalo Assist add-on",
         [F("addon_price", r=(4.1, 8.9)), F("addon_quantity", u="AI credits per seat per month", r=(120, 480))],
         {"a": "the AI writing helper"}),
        ("Audit Vault add-on", "the Audit Vault add-on",
         [F("addon_price", r=(31, 59)), F("addon_min_term")], {**CUS, "a": "the long-term log archive package"}),
        ("Nonprofit program", "the Nonprofit program",
         [F("prog_discount", r=(41, 68)), F("prog_cap"), F("prog_review")],
         {"a": "Nimbalo's pricing scheme for charities"}),
        ("Education program", "the Education program",
         [F("prog_discount", r=(51, 78)), F("prog_duration")],
         {"a": "the pricing scheme for schools and universities"}),
        ("Startup program", "the Startup program",
         [F("prog_discount", r=(31, 50)), F("prog_cap"), F("prog_duration"), F("prog_review")],
         {**CUS, "a": "the scheme for early-stage companies"}),
        ("Open Source program", "the Open Source program",
         [F("prog_cap"), F("prog_review")], {"a": "free access for community software projects"}),
        ("Volume pricing for large teams", "volume pricing", [F("vol_threshold"), F("vol_discount")], CUS),
        ("Price protection for existing customers", "price protection",
         [F("price_lock"), F("price_notice")], CUS),
        ("Viewer seats and how they are billed", "viewer seats", [F("viewer_price"), F("viewer_free")]),
        ("Internal: sales discount approval matrix", "sales discount approvals",
         [F("rep_discount"), F("deal_desk")], INT),
        ("Internal: handling the legacy Classic plan", "the legacy Classic plan",
         [F("legacy_price"), F("legacy_sunset")], {**INT, "a": "the old Classic package"}),
    ),
    "billing-refunds": _specs(
        ("Refunds for annual subscriptions", "annual refunds",
         [F("refund_window", s="annual subscriptions", a="a yearly plan", r=(16, 44))]),
        ("Refunds for monthly subscriptions", "monthly refunds",
         [F("refund_window", s="monthly subscriptions", a="a month-to-month plan", r=(3, 9))]),
        ("Refunds for add-ons", "add-on refunds",
         [F("refund_window", s="add-on purchases", a="extras bought on top of my plan", r=(4, 13))]),
        ("How long refunds take to arrive", "refund processing", [F("refund_processing")]),
        ("Downgrading and prorated credit", "downgrades", [F("credit_expiry")]),
        ("What happens when a payment fails", "failed payments", [F("dunning_grace"), F("retry_interval")]),
        ("Read-only mode after non-payment", "read-only mode", [F("readonly_period")]),
        ("Paying by invoice", "invoice billing", [F("invoice_terms"), F("invoice_min")], CUS),
        ("Switching between monthly and annual billing", "billing cycle changes", [F("switch_cutoff")]),
        ("Sales tax, VAT and tax exemption", "tax handling", [F("vat_validation"), F("tax_exempt_review")]),
        ("Accepted payment methods", "payment methods", [F("wire_fee"), F("ach_min")]),
        ("Chargebacks and card disputes", "card disputes", [F("chargeback_lock")], CUS),
        ("Adding seats in the middle of a term", "mid-term seat changes", [F("seat_trueup")], CUS),
        ("Promo codes and account credits", "promotional credit", [F("coupon_expiry"), F("coupon_cap")]),
        ("Receipts and billing history", "receipts", [F("receipt_history")]),
        ("Cancelling your subscription", "cancellation", [F("cancel_retention")]),
        ("Reactivating a cancelled workspace", "reactivation", [F("reactivation_window")]),
        ("Changing your billing currency", "billing currency", [F("currency_change")]),
        ("Enterprise billing terms", "Enterprise billing", [F("ent_terms"), F("ent_uplift")], CUS),
        ("Internal: refund exception policy", "refund exceptions",
         [F("goodwill_max"), F("exception_window")], INT),
        ("Internal: collections process", "collections", [F("collections_handoff"), F("dunning_emails")], INT),
        ("Internal: refund fraud signals", "refund fraud checks", [F("fraud_refunds"), F("fraud_hold")], INT),
    ),
    "features": _specs(
        ("Document version history", "doc version history", [F("history_retention"), F("history_free")]),
        ("Using the board template gallery", "the template gallery", [F("template_count")]),
        ("Building multi-step automations", "automations", [F("automation_steps")]),
        ("Recurring cards", "recurring cards", [F("recurrence_min")]),
        ("Trash and restoring deleted items", "Trash", [F("trash_retention")]),
        ("Comments and mentions", "comments", [F("comment_edit")]),
        ("Snoozing cards", "card snoozing", [F("snooze_max")]),
        ("Exporting docs to PDF", "PDF export", [F("pdf_pages")]),
        ("Planning with the timeline view", "the timeline view", [F("timeline_range")]),
        ("Summaries with Nimbalo Assist", "Nimbalo Assist", [F("assist_words")]),
        ("Whiteboards", "whiteboards", [F("whiteboard_objects")]),
        ("Collecting input with forms", "forms", [F("form_responses")]),
        ("Dashboards and charts", "dashboards", [F("dashboard_refresh")], CUS),
        ("Notifications in the mobile app", "mobile notifications", [F("mobile_digest")]),
        ("Sharing boards with guest links", "guest links", [F("guest_link_expiry"), F("guest_session")]),
        ("Time tracking", "time tracking", [F("timer_autostop")], CUS),
        ("Card dependencies", "card dependencies", [F("dependency_cap")]),
        ("Custom fields", "custom fields", [F("custom_fields")]),
        ("Emailing content into a board", "email-to-board", [F("email_attach")]),
        ("Workspace analytics", "workspace analytics", [F("analytics_history")], CUS),
        ("Internal: feature rollout rings", "feature rollouts", [F("rollout_ring"), F("beta_cap")], INT),
        ("Internal: Nimbalo Assist cost guardrails", "Assist guardrails", [F("assist_daily_cap")], INT),
    ),
    "limits-quotas": _specs(
        ("REST API rate limits", "API rate limits", [F("api_rate"), F("api_burst")]),
        ("Webhook limits", "webhook limits", [F("webhook_count"), F("webhook_timeout")]),
        ("File upload size limit", "the upload limit", [F("upload_max")]),
        ("How many cards a board can hold", "board size", [F("cards_per_board"), F("bulk_edit")]),
        ("Automation run quotas by plan", "automation quotas",
         [F("automation_runs", s="the Starter plan", a="the entry-level package", r=(1100, 2900)),
          F("automation_runs", s="the Team plan", a="the mid-tier Team package", r=(3100, 7900)),
          F("automation_runs", s="the Business plan", a="the Business tier", r=(12000, 29000))]),
        ("Free plan limits", "the Free plan", [F("members_free"), F("boards_free"), F("storage_free")]),
        ("Doc size limits", "doc size", [F("doc_blocks")]),
        ("Attachments per card", "card attachments", [F("card_attachments")]),
        ("CSV export limits", "CSV exports", [F("export_rows")]),
        ("Guest limits per board", "guest limits", [F("guests_per_board")]),
        ("Import limits", "imports", [F("import_rows"), F("import_size")], CUS),
        ("Connected integrations per workspace", "integration slots", [F("integrations_cap")]),
        ("Comment length limit", "comment length", [F("comment_chars")]),
        ("Email notification limits", "email notifications", [F("email_cap")]),
        ("Custom roles", "custom roles", [F("custom_roles")], CUS),
        ("Concurrent sessions", "concurrent sessions", [F("sessions_cap")], CUS),
        ("Checklist limits", "checklists", [F("checklist_items")]),
        ("Title length limits", "title length", [F("title_chars")]),
        ("Enterprise API limits", "Enterprise API limits", [F("api_rate_ent")], CUS),
        ("Scheduled automation limits", "scheduled automations", [F("sched_min")]),
        ("Internal: raising customer quotas", "quota increases", [F("quota_raise"), F("quota_review")], INT),
        ("Internal: sign-up abuse limits", "abuse limits", [F("signup_cap"), F("abuse_block")], INT),
    ),
    "troubleshooting": _specs(
        ("Why a file upload fails", "file uploads",
         [F("err_code", s="a file is larger than your upload limit", a="an attachment is too big to add")]),
        ("Locked out after failed sign-in attempts", "sign-in lockouts",
         [F("lockout_attempts"), F("lockout_minutes"),
          F("err_code", s="your account is locked after repeated wrong passwords",
            a="I am shut out for typing the wrong password too often")]),
        ("Exports stuck or failing", "exports",
         [F("export_timeout"),
          F("err_code", s="an export runs too long and is cancelled", a="a download job gives up because it took too long")]),
        ("Resolving doc edit conflicts", "doc editing",
         [F("err_code", s="two people save conflicting edits to the same doc block",
            a="my changes clash with a colleague's changes in the same paragraph")]),
        ("An automation stopped running", "automations",
         [F("auto_disable"),
          F("err_code", s="an automation is paused after repeated failures", a="a rule gets switched off because it kept breaking")]),
        ("Email notifications are late or missing", "notification emails",
         [F("digest_delay"),
          F("err_code", s="a notification email bounces", a="an alert message cannot be delivered to my inbox")]),
        ("The mobile app will not sign in", "mobile sign-in",
         [F("mobile_min"),
          F("err_code", s="the mobile app is too old to sign in", a="my phone app is outdated and refuses to log me in")]),
        ("Webhook deliveries failing", "webhook deliveries",
         [F("webhook_retries"),
          F("err_code", s="your webhook endpoint presents an invalid TLS certificate",
            a="the receiving server for event calls has a bad certificate")], CUS),
        ("SSO sign-in errors", "SSO sign-in",
         [F("err_code", s="the SAML response is signed with an expired certificate",
            a="our identity provider's signing certificate has run out")], CUS),
        ("Fixing CSV import errors", "CSV imports",
         [F("import_errors"),
          F("err_code", s="an import file has a column Nimbalo cannot map",
            a="one of the columns in my upload cannot be matched to a field")]),
        ("Large boards load slowly", "large boards", [F("paged_cards")]),
        ("Calendar sync stopped updating", "calendar sync",
         [F("err_code", s="calendar sync loses permission to your calendar", a="Nimbalo no longer has access to my calendar")]),
        ("API requests return 429 Too Many Requests", "API throttling",
         [F("retry_after"),
          F("err_code", s="an API token is throttled", a="my script sends too many calls and gets blocked")]),
        ("Card payment declined", "card payments",
         [F("err_code", s="your bank declines the subscription charge", a="my card refuses the renewal charge")], CUS),
        ("Invitation link expired", "invitation links",
         [F("invite_expiry"),
          F("err_code", s="someone opens an expired invitation link", a="a colleague clicks a join link that is too old")]),
        ("Two-factor codes rejected", "two-factor codes",
         [F("totp_drift"),
          F("err_code", s="a two-factor code is rejected", a="the number from my authenticator app is not accepted")]),
        ("New cards missing from search", "search indexing", [F("index_delay")]),
        ("The desktop app will not update", "desktop app updates",
         [F("desktop_min"),
          F("err_code", s="the desktop app update download is corrupted",
            a="the installer for a new desktop version arrives broken")]),
        ("Duplicate cards after an import", "imports",
         [F("err_code", s="an import would create duplicate cards",
            a="bringing in my file would make copies of tasks that already exist")]),
        ("Troubleshooting SCIM provisioning", "SCIM provisioning",
         [F("scim_retry"),
          F("err_code", s="a SCIM request uses a revoked token",
            a="our identity provider calls Nimbalo with a cancelled credential")], CUS),
        ("Internal: support escalation runbook", "ticket escalations",
         [F("escalation_sla"), F("p1_threshold")], INT),
        ("Internal: maintaining support macros", "support macros", [F("macro_review")], INT),
    ),
    "integrations": _specs(
        ("Connecting Slack", "the Slack integration",
         [F("int_channel_cap"), F("int_token")], {"a": "the Slack connection"}),
        ("Connecting Microsoft Teams", "the Microsoft Teams integration",
         [F("int_channel_cap"), F("int_sync")], {"a": "the Microsoft Teams connection"}),
        ("Using the Jira Cloud integration", "the Jira Cloud integration",
         [F("int_sync"), F("int_item_cap", u="Jira issues"), F("int_backfill")], {"a": "Jira Cloud"}),
        ("Linking GitHub pull requests", "the GitHub integration",
         [F("int_item_cap", u="pull requests"), F("int_token")], {"a": "GitHub"}),
        ("Using the GitLab integration", "the GitLab integration",
         [F("int_sync"), F("int_backfill")], {"a": "GitLab"}),
        ("Salesforce integration for admins", "the Salesforce integration",
         [F("int_sync"), F("int_item_cap", u="Salesforce records"), F("int_disconnect")], {**CUS, "a": "Salesforce"}),
        ("Connecting HubSpot", "the HubSpot integration", [F("int_sync"), F("int_backfill")], {"a": "HubSpot"}),
        ("Connecting Zendesk", "the Zendesk integration",
         [F("int_sync"), F("int_item_cap", u="Zendesk tickets")], {**CUS, "a": "Zendesk"}),
        ("Connecting Freshdesk", "the Freshdesk integration",
         [F("int_sync"), F("int_disconnect")], {**CUS, "a": "Freshdesk"}),
        ("Attaching files from Google Drive", "the Google Drive integration",
         [F("int_file_size"), F("int_token")], {"a": "Google Drive"}),
        ("Attaching files from OneDrive", "the OneDrive integration",
         [F("int_file_size"), F("int_sync")], {"a": "OneDrive"}),
        ("Embedding Figma designs", "the Figma integration",
         [F("int_sync"), F("int_item_cap", u="Figma frames")], {"a": "Figma"}),
        ("Using the Zoom integration", "the Zoom integration",
         [F("int_token"), F("int_backfill")], {"a": "Zoom"}),
        ("Syncing with Google Calendar", "the Google Calendar integration",
         [F("int_sync"), F("int_backfill")], {"a": "Google Calendar"}),
        ("Syncing with Outlook Calendar", "the Outlook Calendar integration",
         [F("int_sync"), F("int_disconnect")], {"a": "Outlook Calendar"}),
        ("Connecting Intercom", "the Intercom integration",
         [F("int_sync"), F("int_item_cap", u="Intercom conversations")], {**CUS, "a": "Intercom"}),
        ("Automating with Zapier", "the Zapier integration", [F("int_sync")], {"a": "Zapier"}),
        ("Importing from Trello", "the Trello importer",
         [F("importer_max"), F("int_file_size")], {"a": "the Trello migration tool"}),
        ("Importing from Asana", "the Asana importer",
         [F("importer_max"), F("int_file_size")], {"a": "the Asana migration tool"}),
        ("Internal: integration partner program", "the partner program",
         [F("partner_share"), F("partner_review")], INT),
        ("Internal: connector health monitoring", "connector health monitoring",
         [F("health_threshold"), F("health_interval")], INT),
    ),
    "security-compliance": _specs(
        ("Audit logs", "audit logs",
         [F("audit_retention", s="the Business plan", a="the Business tier", r=(91, 200)),
          F("audit_retention", s="the Enterprise plan", a="the top Enterprise tier", r=(401, 900))]),
        ("Choosing a data residency region", "data residency",
         [F("residency", s="EU", a="European Union", v="Helsinki"),
          F("residency", s="US", a="United States", v="Columbus, Ohio"),
          F("residency", s="Australian", a="Australian region", v="Melbourne")], CUS),
        ("Password requirements", "password rules", [F("pw_min"), F("pw_history")]),
        ("Session security", "session security", [F("session_timeout")]),
        ("Two-factor authentication", "two-factor authentication", [F("backup_codes")]),
        ("Setting up SAML single sign-on", "SAML single sign-on", [F("saml_notice")], CUS),
        ("Provisioning users with SCIM", "SCIM provisioning", [F("scim_deprovision")], CUS),
        ("Encryption at rest and in transit", "encryption", [F("key_rotation")]),
        ("Backups and recovery", "backups", [F("backup_freq"), F("backup_retention")]),
        ("Deleting your data", "data deletion", [F("purge_backups")]),
        ("Compliance reports", "compliance reporting", [F("soc2_delivery")]),
        ("Incident response and breach notification", "incident response", [F("breach_notice")]),
        ("IP allowlisting", "IP allowlisting", [F("ip_ranges")], CUS),
        ("Mobile app security", "mobile app security", [F("mobile_pin")]),
        ("Responsible disclosure", "responsible disclosure", [F("vuln_response")]),
        ("Subprocessors", "subprocessors", [F("subprocessor_notice")]),
        ("GDPR and data subject requests", "data subject requests", [F("dsar_response")]),
        ("Streaming audit events to a SIEM", "SIEM streaming", [F("siem_interval")], CUS),
        ("Admin roles and the audit log", "admin roles", [F("export_role", v="Steward")], CUS),
        ("Internal: security incident runbook", "security incidents", [F("sev1_page")], INT),
        ("Internal: staff access to customer data", "staff data access", [F("staff_access")], INT),
        ("Internal: approving bulk data exports", "bulk data exports", [F("export_approval")], INT),
    ),
}

# Release notes: version, two features (name, paraphrase), one fixed bug (description, paraphrase).
RELEASES = [
    ("4.4", [("nested board folders", "folders inside other folders for organising boards"),
             ("card snoozing", "temporarily hiding a task until later")],
     ("a bug where due dates shifted by one day in some time zones", "due dates moving a day off in certain regions")),
    ("4.5", [("inline doc comments", "remarks attached to highlighted text in a document"),
             ("automation dry runs", "testing a rule without it changing anything")],
     ("duplicated notifications after reconnecting to Wi-Fi", "getting the same alert twice after the network came back")),
    ("4.6", [("recurring cards", "tasks that recreate themselves on a schedule"),
             ("the workload heatmap", "a colour chart of how busy each teammate is")],
     ("board exports missing card covers", "downloaded boards lacking their pictures")),
    ("4.7", [("guest links", "sharing a board with someone outside through a link"),
             ("board templates with variables", "reusable starting layouts with fill-in placeholders")],
     ("comments disappearing after an undo", "replies vanishing when undoing")),
    ("4.8", [("the focus panel", "a distraction-free sidebar that shows only your own tasks"),
             ("card dependencies", "marking one task as blocked by another")],
     ("the search box ignoring accented letters", "lookups failing on words with accents")),
    ("4.9", [("bulk card editing", "changing many tasks in a single action"),
             ("email-to-board addresses", "forwarding messages straight into a board")],
     ("slow loading of boards with many automations", "boards with lots of rules opening slowly")),
    ("4.10", [("sticky note clustering on whiteboards", "automatically grouping sticky notes on a canvas"),
              ("doc page locking", "preventing further edits to a finished document")],
     ("broken links in PDF exports", "dead hyperlinks in printed documents")),
    ("4.11", [("form branching logic", "surveys that skip questions based on earlier answers"),
              ("dashboard sharing links", "sending a read-only view of charts to people outside")],
     ("the calendar view showing cancelled events", "cancelled meetings still appearing in the calendar")),
    ("4.12", [("Nimbalo Assist summaries", "automatic recaps written by the AI helper"),
              ("time-tracking timers", "a stopwatch on each task")],
     ("guest invitations arriving without a subject line", "invites for outsiders with a blank email title")),
    ("5.0", [("custom field formulas", "calculated values in board columns"),
             ("board archiving rules", "automatically tidying away inactive boards")],
     ("dark mode text becoming unreadable in docs", "hard-to-read writing in the night theme")),
    ("5.1", [("mention digests", "a daily roll-up of where you were tagged"),
             ("private cards", "tasks visible only to their assignee")],
     ("automation triggers firing twice on moved cards", "rules running two times when a task changed board")),
    ("5.2", [("the keyboard command palette", "a quick launcher opened from the keyboard"),
             ("cross-board mirrors", "the same task appearing on two boards at once")],
     ("a crash when pasting large tables into docs", "the app closing when inserting big tables")),
    ("5.3", [("audit log export", "downloading the admin activity record as a file"),
             ("doc translation", "converting a document into another language")],
     ("wrong seat counts on the billing page", "the billing page miscounting users")),
    ("5.4", [("card cover images", "pictures shown on top of tasks"),
             ("sprint boards", "boards organised around short work cycles")],
     ("missing avatars in mention digests", "profile pictures absent from the tag roll-up")),
    ("5.5", [("approval steps in automations", "rules that pause until someone signs off"),
             ("read receipts on docs", "seeing who has opened a document")],
     ("drag and drop failing on touchscreen laptops", "moving tasks not working on touch laptops")),
    ("5.6", [("custom board backgrounds", "setting your own picture behind a board"),
             ("the home screen widget for phones", "a panel on my phone's home screen showing due tasks")],
     ("forms rejecting valid email addresses", "surveys refusing legitimate emails")),
    ("5.7", [("comment-only guest access", "letting outsiders reply without editing"),
             ("workspace-wide search filters", "narrowing results across the whole workspace")],
     ("timers continuing after a card was archived", "stopwatches still running on tucked-away tasks")),
    ("5.8", [("checklist templates", "reusable to-do lists"),
             ("SCIM group sync", "pulling team membership from our identity provider")],
     ("recurring cards skipping the last day of the month", "repeating tasks missing month-end")),
    ("5.9", [("signed webhook payloads", "outbound event calls that carry a signature"),
             ("doc version compare", "seeing differences between two saved copies of a document")],
     ("audit log entries showing the wrong actor", "the admin record naming the wrong person")),
]

# fmt: on


def _release_specs() -> list[Spec]:
    specs = []
    for i, (ver, feats, bug) in enumerate(RELEASES):
        title = f"Nimbalo {ver} release notes" if i % 3 else f"What's new in Nimbalo {ver}"
        facts = [F("rel_feature", s=name, a=alt, v=ver) for name, alt in feats]
        facts.append(F("rel_patch", s=bug[0], a=bug[1], v=ver))
        specs.append(Spec(title, f"Nimbalo {ver}", tuple(facts)))
    specs.append(
        Spec(
            "Deferred release channel for Enterprise",
            "the deferred channel",
            (F("deferred_delay"),),
            "customer",
        )
    )
    specs.append(
        Spec(
            "Internal: release train schedule",
            "the release train",
            (F("code_freeze"), F("hotfix_window")),
            "internal",
        )
    )
    specs.append(
        Spec(
            "Internal: mobile release checklist",
            "mobile releases",
            (F("mobile_stage"),),
            "internal",
        )
    )
    return specs


SPECS["release-notes"] = _release_specs()


# --------------------------------------------------------------------------------------------
# Filler prose: related-but-different sentences around the facts. {s} is the article topic;
# {n:LO-HI:UNIT} draws a fresh distinctive number (a distractor detail, never asked about).
# --------------------------------------------------------------------------------------------

HEADINGS = {
    "plans-pricing": [
        "What's included",
        "Pricing",
        "How billing works",
        "Who it is for",
        "Changing or cancelling",
        "Frequently asked questions",
    ],
    "billing-refunds": [
        "Overview",
        "How it works",
        "Timelines",
        "What you need to do",
        "Exceptions",
        "Frequently asked questions",
    ],
    "features": [
        "Overview",
        "How to use it",
        "Limits and behaviour",
        "Permissions",
        "Tips",
        "Frequently asked questions",
    ],
    "limits-quotas": [
        "Overview",
        "The limit",
        "What happens when you reach it",
        "Staying under the limit",
        "Plan differences",
        "Frequently asked questions",
    ],
    "troubleshooting": [
        "Symptoms",
        "Why it happens",
        "How to fix it",
        "If it keeps happening",
        "Contacting support",
    ],
    "integrations": [
        "Overview",
        "Setting it up",
        "How syncing works",
        "Limits",
        "Troubleshooting",
        "Frequently asked questions",
    ],
    "security-compliance": [
        "Overview",
        "How it works",
        "Settings for admins",
        "Timing and retention",
        "Compliance notes",
        "Frequently asked questions",
    ],
    "release-notes": ["Highlights", "New features", "Improvements", "Fixes", "Rollout"],
}

FILLER = {
    "plans-pricing": [
        "Prices on this page are shown in US dollars and exclude sales tax and VAT.",
        "Workspace owners can review {s} from Settings > Billing at any time.",
        "If you are unsure which option fits, start with a trial and compare usage after a few weeks.",
        "Changes to {s} take effect immediately, and the next invoice shows a prorated line item.",
        "Only workspace owners and billing admins can purchase or change {s}.",
        "Your invoice lists {s} as a separate line so finance teams can reconcile it.",
        "Seats are counted per member, not per device, so signing in on a phone and a laptop uses one seat.",
        "Deactivated members stop counting toward your seat total on the next billing cycle.",
        "Quotes for {s} can be downloaded as a PDF from the pricing page before you buy.",
        "Our sales team can walk you through {s} on a short call if you are comparing options.",
        "Guests and viewers are billed differently from full members; see the seat types article for details.",
        "All paid options include unlimited boards and docs, so you only decide on seats and extras.",
        "You can combine {s} with other discounts only where this page says so explicitly.",
        "When a workspace downgrades, features that are no longer included become read-only rather than deleted.",
        "We review {s} once a year and announce any changes in the release notes and by email.",
        "{s} renews automatically unless a billing admin turns off auto-renewal.",
        "Annual and monthly subscriptions include the same features; only the billing schedule differs.",
        "Billing admins receive an email receipt every time {s} is charged.",
        "If your company needs a signed order form, ask sales before purchasing {s}.",
        "Taxes are calculated from the billing address on file, so keep it current.",
        "Payment by card is available for every paid option; invoice billing has its own requirements.",
        "The plan summary card on the billing page shows exactly what {s} includes for your workspace.",
        "Each workspace on {s} can pin up to {n:11-39:boards} to the shared sidebar.",
        "The billing page keeps a usage chart for {s} covering the last {n:13-26:weeks}.",
    ],
    "billing-refunds": [
        "Billing admins can find every charge, credit and refund under Settings > Billing > History.",
        "Refunds always go back to the original payment method; we cannot send them to a different card.",
        "Questions about {s} are handled by the billing team rather than general support.",
        "To speed things up, include your workspace URL and the invoice number when you contact us about {s}.",
        "Amounts are shown in the currency your workspace is billed in.",
        "Credits are applied automatically to the next invoice before any card is charged.",
        "Nimbalo never stores full card numbers; payments are handled by our payment processor.",
        "If your finance team needs a copy of a past invoice, any billing admin can download it.",
        "Billing changes are recorded in the workspace audit log with the name of the admin who made them.",
        "We email the billing contact whenever anything about {s} changes on your account.",
        "Partial months are calculated to the day, not rounded to a full month.",
        "Enterprise contracts can override some of these terms, so check your order form.",
        "Sales tax and VAT are added according to the billing address on file.",
        "You can add a purchase order number so it appears on every future invoice.",
        "Disputing a charge with your bank before contacting us usually slows the resolution down.",
        "Billing emails come from a dedicated address, so add it to your allowlist to avoid missing them.",
        "The rules for {s} are the same for monthly and annual customers unless stated otherwise.",
        "Our billing team works on weekdays and answers most questions about {s} on the same day.",
        "A workspace can have several billing admins, and all of them receive receipts.",
        "If a payment fails, the billing page shows a banner with a link to update the card.",
        "None of this affects the content of your boards and docs unless this article says so explicitly.",
        "We recommend downloading invoices each month if your accounting system needs them.",
        "The billing history page lists up to {n:41-99:entries} per screen for {s}.",
        "Each invoice can be sent to up to {n:3-9:extra recipients} besides the billing contact.",
    ],
    "features": [
        "You can turn {s} on or off per workspace from Settings > Features.",
        "{s} works the same way in the web app, the desktop app and the mobile apps.",
        "Workspace admins can restrict who uses {s} with the permissions panel.",
        "Changes made through {s} appear in the activity feed of the board or doc.",
        "Keyboard shortcuts for {s} are listed in the shortcut sheet; press the question mark key to open it.",
        "If you do not see {s}, ask a workspace admin whether it has been disabled for your team.",
        "{s} respects board permissions, so people only see what they already have access to.",
        "We designed {s} for day-to-day teamwork rather than for long-term archiving.",
        "Feedback on {s} is welcome through the in-app feedback button.",
        "Guests can use {s} on the boards they were invited to.",
        "Every action taken with {s} is attributed to the person who performed it.",
        "Boards, docs and automations share one permission model, so {s} follows the rules you already set.",
        "Admins can export a report of how often {s} is used across the workspace.",
        "Some parts of {s} are only available on paid plans, as noted below.",
        "The mobile apps show a simplified version of {s} on small screens.",
        "Screen reader support for {s} follows our accessibility guidelines.",
        "When you duplicate a board, the settings for {s} are copied with it.",
        "You can undo most actions taken with {s} for a short while from the undo toast.",
        "Notifications about {s} follow your personal notification settings.",
        "Tips for getting the most out of {s} are collected in the Nimbalo Academy course for new users.",
        "Integrations can read the results of {s} through the REST API.",
        "Templates from the gallery often come with {s} already configured.",
        "Most teams set up {s} in under {n:6-19:minutes} using the guided tour.",
        "The in-app tour for {s} walks through {n:4-9:short steps}.",
    ],
    "limits-quotas": [
        "Limits exist to keep Nimbalo fast and reliable for every workspace.",
        "When you approach a limit, admins see a warning banner before anything is blocked.",
        "Limits apply per workspace unless this article says they apply per user or per board.",
        "If your team regularly runs into the rules for {s}, contact support to discuss options.",
        "Enterprise contracts can include custom limits, which are listed on the order form.",
        "The Usage page in Settings shows how close your workspace is to each limit.",
        "Limits are enforced the same way through the web app, the mobile apps and the API.",
        "We announce changes to {s} in the release notes before they take effect.",
        "Reaching a limit never deletes data; it only blocks new items until usage drops.",
        "Archived items do not count toward most limits, so archiving is the quickest fix.",
        "API clients receive a clear error when they exceed the rules for {s}, with a link to this article.",
        "Admins can set lower internal limits than the ones described here, but not higher ones.",
        "We size {s} generously, and very few workspaces ever come close.",
        "Some limits differ between plans; where that is the case, this article names the plan.",
        "Counting for {s} starts when an item is created, not when it is first opened.",
        "Deleted items in Trash still count toward {s} until they are purged.",
        "If you build integrations, design them to back off and retry rather than to push harder.",
        "Bulk operations performed by automations count toward the same limits as manual work.",
        "For capacity planning, export the Usage page at the end of each month.",
        "Activity by guests counts toward the workspace's limits, not toward a separate pool.",
        "These limits were last reviewed by our platform team alongside the latest release.",
        "Support can explain how {s} is measured if the Usage page does not match your own count.",
        "The Usage page keeps {n:13-29:weeks of history} for {s}.",
        "Admins get a warning email when usage of {s} reaches {n:71-89:percent} of the limit.",
    ],
    "troubleshooting": [
        "Before anything else, make sure you are on the latest version of the app.",
        "Try the same action in a private browser window to rule out extensions.",
        "If the problem started recently, check the status page for ongoing incidents.",
        "Signing out and back in refreshes your session and fixes many problems with {s}.",
        "Clearing the app cache does not delete any boards or docs.",
        "When you contact support about {s}, include the error code and the time it happened.",
        "Screenshots of the full error message help our team find the cause faster.",
        "Problems with {s} are usually specific to one workspace, so note which workspace you were in.",
        "Admins can see recent errors for their workspace in Settings > Diagnostics.",
        "Corporate proxies and VPNs sometimes block the connections Nimbalo needs.",
        "If several teammates see the same issue with {s}, one support request is enough.",
        "We keep this article up to date as we learn more about {s}.",
        "Restarting the desktop app reloads its configuration and clears stuck background jobs.",
        "Most issues with {s} resolve without losing any work, because changes are saved continuously.",
        "If the steps here do not help, reply to the error email or open a ticket from the help menu.",
        "Check that your system clock is set automatically, since many sign-in checks depend on it.",
        "Browser extensions that block scripts are a common cause of odd behaviour.",
        "Our support engineers may ask for a diagnostic bundle, which you can create from the help menu.",
        "Mobile users should confirm that background data is allowed for the Nimbalo app.",
        "Error codes starting with NB are Nimbalo's own; other codes come from your browser or network.",
        "If you manage several workspaces, check whether the problem with {s} affects all of them or just one.",
        "Known issues are listed on the status page together with their workarounds.",
        "The Diagnostics panel keeps the last {n:16-49:events} related to {s}.",
        "Support usually answers tickets about {s} within {n:3-9:working hours}.",
    ],
    "integrations": [
        "Only workspace admins can connect or disconnect {s}.",
        "You can find {s} under Settings > Integrations, together with every other connector.",
        "Connecting {s} requires an account on the other service with permission to authorise apps.",
        "Disconnecting {s} keeps everything already synced but stops new updates.",
        "Data that arrives through {s} respects Nimbalo board permissions.",
        "If a sync fails, the integration page shows the last error and when it happened.",
        "{s} is built and supported by Nimbalo, not by a third party.",
        "You can pause {s} without losing its configuration.",
        "Each board chooses separately whether to use {s}.",
        "Field mappings for {s} can be edited after setup without reconnecting.",
        "We recommend connecting {s} with a service account rather than a personal login.",
        "Activity created by {s} is labelled with the integration's name in the feed.",
        "Rate limits on the other service can slow {s} down during busy periods.",
        "Automations can react to events that {s} brings into a board.",
        "Removing a member from Nimbalo does not remove their account on the other service.",
        "The integration log keeps a record of what {s} changed, for troubleshooting.",
        "Admins receive an email if {s} needs to be authorised again.",
        "{s} is available on all paid plans unless this article says otherwise.",
        "Guests cannot configure {s}, but they can see the items it brings into shared boards.",
        "Some older boards need to be reopened once before {s} shows up in their settings.",
        "We test {s} against the other service's current API whenever either side releases changes.",
        "Questions about the other service itself are best sent to its own support team.",
        "The setup wizard for {s} takes about {n:3-9:minutes to finish}.",
        "The integration log for {s} shows the last {n:21-95:sync events}.",
    ],
    "security-compliance": [
        "Security settings are managed by workspace owners and admins under Settings > Security.",
        "Changes to settings for {s} are recorded in the audit log with the admin who made them.",
        "Our security team reviews {s} as part of every annual audit.",
        "Customers can request more detail about {s} through their account manager.",
        "The rules for {s} apply to the web app, the desktop app, the mobile apps and the API alike.",
        "We publish our security practices in the Trust Center, which links to this article.",
        "Nimbalo encrypts data in transit with TLS and at rest with AES-256.",
        "Independent auditors check that {s} works as described here.",
        "If you believe {s} is not working as described, contact the security team right away.",
        "Admins can export the current configuration for {s} for their own compliance records.",
        "We never use customer content to train machine learning models.",
        "Policies described here cover all regions where Nimbalo hosts data.",
        "Basic controls for {s} are included on every plan, while some settings are limited to Business and Enterprise.",
        "Security questionnaires that ask about {s} can usually be answered from this article.",
        "Access by Nimbalo staff is logged and reviewed, including access related to {s}.",
        "We notify admins by email before making material changes to {s}.",
        "Your identity provider's own policies apply in addition to the rules for {s}.",
        "The Trust Center also lists our certifications and the date of each latest report.",
        "Combining these controls with single sign-on gives the strongest protection.",
        "Users see a short explanation in the app whenever {s} affects what they can do.",
        "Compliance teams often ask about {s}, so we keep this page precise and current.",
        "Penetration tests cover {s} along with the rest of the product.",
        "The Trust Center page on {s} has been read by compliance teams in {n:41-89:countries}.",
        "Security reviews of {s} follow a checklist of {n:21-95:controls}.",
    ],
    "release-notes": [
        "{s} rolls out gradually to all workspaces over the course of a week.",
        "Desktop apps update automatically to {s}; mobile apps update through the app stores.",
        "Workspaces on the deferred channel receive {s} later, as described in the release channel article.",
        "If something in {s} does not work as expected, use the in-app feedback button.",
        "The full list of changes in {s} is also available in the in-app What's New panel.",
        "No action is needed from admins to receive {s}.",
        "{s} also includes performance improvements across boards and docs.",
        "We fixed a number of smaller bugs in {s} that are not listed individually.",
        "Thanks to everyone who sent feedback during the beta of {s}.",
        "API changes in {s} are backward compatible.",
        "Admins can switch off the new features in {s} during the first weeks after launch.",
        "Translations for the new screens in {s} follow shortly after the English release.",
        "{s} is a minor release with no changes to pricing or plans.",
        "Accessibility improvements in {s} include clearer focus outlines and better screen reader labels.",
        "Some of the features in {s} are limited to paid plans, as noted in the linked help articles.",
        "Known issues in {s} are tracked on the status page.",
        "Documentation for the changes in {s} has been updated across the help center.",
        "If your workspace was part of the early access group, you may already have seen parts of {s}.",
        "{s} contains security fixes, so we recommend updating desktop apps promptly.",
        "Each patch for {s} is cumulative and includes all earlier fixes.",
        "Release notes for earlier versions remain available in this section.",
        "Mobile features may reach Android a few days before iOS, or the other way round.",
        "{s} resolved {n:21-89:smaller issues} reported by customers.",
        "Our team merged {n:110-490:pull requests} on the way to {s}.",
    ],
}

ACCESS_PREFACE = {
    "customer": "This article is available to signed-in customers and workspace admins.",
    "internal": "This page is for Nimbalo staff only; do not share it with customers.",
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


_BAD_DUR = {7, 12, 14, 24, 28, 48, 72}


class Allocator:
    """Hands out distinctive numbers, never the same one twice.

    A *bare* value (money, large counts, codes, versions) is matched by its number alone, so
    that number may occur nowhere else in the corpus. A *phrase* value ("21 days", "6 seats")
    is matched with its unit, so only the phrase must be unique (and its number must not be a
    bare one). Numbers found in fixed text (titles, templates) are reserved up front.
    """

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.any: set[str] = set()  # every numeric token handed out or reserved
        self.bare: set[str] = set()  # tokens that must stay unique in the whole corpus
        self.phrases: set[str] = set()  # normalised phrase values handed out

    def reserve(self, text: str) -> None:
        toks = numbers_in(re.sub(r"\{n:[^}]*\}", "", text))
        self.any |= toks
        self.bare |= toks

    def _take(self, draw, ok, what: str):
        for _ in range(2000):
            cand = draw()
            if ok(cand):
                return cand
        raise RuntimeError(f"allocator exhausted for {what}")

    def bare_token(self, draw, what: str) -> str:
        tok = self._take(draw, lambda t: bool(t) and t not in self.any, what)  # "" = rejected draw
        self.any.add(tok)
        self.bare.add(tok)
        return tok

    def phrase(self, lo: int, hi: int, unit: str, bad=lambda n: False, widen: bool = True) -> int:
        """An integer n in [lo, hi] (hi widened if exhausted, unless ``widen`` is False) with
        "n unit" unused."""
        first = unit.split()[0]
        for step in range(6 if widen else 1):
            top = int(hi * (1.5**step)) + 2 * step
            try:
                n = self._take(
                    lambda top=top: self.rng.randint(lo, top),
                    lambda n: (
                        n >= 2
                        and not bad(n)
                        and str(n) not in self.bare
                        and f"{n} {first}".lower() not in self.phrases
                    ),
                    f"{unit} in {lo}-{top}",
                )
            except RuntimeError:
                continue
            self.any.add(str(n))
            self.phrases.add(f"{n} {first}".lower())  # n < 1000 here: no commas to normalise
            self.phrases.add(f"{n} {unit}".lower())
            return n
        raise RuntimeError(f"allocator exhausted for {unit}")


def _bad_count(n: int) -> bool:
    return n % 5 == 0 if n < 100 else (n % 10 == 0 if n < 1000 else n % 500 == 0)


def _bad_dur(unit: str):
    return lambda n: n % 5 == 0 or n in _BAD_DUR or (unit == "days" and n % 7 == 0)


def draw_value(
    kind: str, lo: float, hi: float, unit: str, alloc: Allocator, widen: bool = True
) -> tuple[str, list[str], float | None]:
    """(display value, must_contain strings, numeric value) for an attribute of ``kind``."""
    rng = alloc.rng
    if kind in ("money", "eur"):
        sym = "$" if kind == "money" else "€"
        if hi < 1000:

            def draw():
                cents = rng.randint(int(lo * 20), int(hi * 20)) * 5
                return "" if cents % 100 in (0, 95, 45) else f"{cents / 100:.2f}"

            tok = alloc.bare_token(draw, f"money {lo}-{hi}")
            return f"{sym}{tok}", [tok], float(tok)

        def draw_big():
            n = rng.randint(int(lo) // 10, int(hi) // 10) * 10
            return "" if n % 100 == 0 else str(n)  # no round hundreds

        tok = alloc.bare_token(draw_big, f"money {lo}-{hi}")
        n = int(tok)
        return f"{sym}{n:,}", [f"{n:,}"], float(n)
    if kind == "pct":
        tok = alloc.bare_token(lambda: f"{rng.randint(int(lo), int(hi))}.5", f"pct {lo}-{hi}")
        return f"{tok}%", [tok], float(tok)
    if kind == "dur":
        n = alloc.phrase(int(lo), int(hi), unit, _bad_dur(unit), widen)
        return f"{n} {unit}", [f"{n} {unit}"], float(n)
    if kind in ("count", "size"):
        if lo >= 100:

            def draw():
                n = rng.randint(int(lo), int(hi))
                n = n - n % 50 if n >= 1000 else n
                return "" if _bad_count(n) or n < lo else str(n)

            tok = alloc.bare_token(draw, f"{unit} {lo}-{hi}")
            n = int(tok)
            return f"{n:,} {unit}", [f"{n:,}"], float(n)
        n = alloc.phrase(int(lo), int(hi), unit, _bad_count, widen)
        return f"{n} {unit}", [f"{n} {unit.split()[0]}"], float(n)
    if kind == "code":
        tok = alloc.bare_token(lambda: str(rng.randint(1000, 9999)), "error code")
        return f"NB-{tok}", [f"NB-{tok}"], None
    if kind == "semver":
        major = int(lo)
        tok = alloc.bare_token(
            lambda: f"{major}.{rng.randint(3, 19)}.{rng.randint(2, 9)}", "semver"
        )
        return tok, [tok], None
    raise ValueError(f"draw_value: unsupported kind {kind!r}")


def draw_v2(fact: Fact, attr: Attr, unit: str, alloc: Allocator) -> tuple[str, list[str]]:
    """A new value for a changing fact, moving in the attribute's direction ("up" / "down").

    Tries a moderate step first (money +6-30% / -6-30%, others +12-60% / -12-50%), then wider
    ones; raises RuntimeError when no unused value exists in the right direction.
    """
    old = fact.num
    up = attr.change == "up"
    if attr.kind == "money":
        steps = [(1.06, 1.3), (1.03, 1.6)] if up else [(0.7, 0.94), (0.5, 0.97)]
    elif attr.kind == "pct":
        steps = [(1.1, 1.4), (1.05, 1.8)] if up else [(0.7, 0.9), (0.5, 0.95)]
    else:
        steps = (
            [(1.12, 1.6), (1.05, 2.2), (1.05, 3.5)]
            if up
            else [(0.5, 0.88), (0.3, 0.95), (0.15, 0.97)]
        )
    for a, b in steps:
        lo, hi = old * a, old * b
        if attr.kind not in ("money", "pct"):
            lo, hi = (
                (max(int(old) + 1, int(lo)), max(int(old) + 1, int(hi) + 1))
                if up
                else (max(2, int(lo)), int(hi))
            )
            if attr.kind in ("count", "size") and old >= 100:
                lo = max(lo, 110)  # stay a bare (>= 100) value
            if hi < lo or (not up and hi >= old):
                continue
        elif attr.kind == "pct":
            lo, hi = int(lo), int(hi) if up or int(hi) + 0.5 < old else int(hi) - 1
            if hi < lo:
                continue
        try:
            value, must, num = draw_value(attr.kind, lo, hi, unit, alloc, widen=False)
        except RuntimeError:
            continue
        if num is not None and (num > old) == up and num != old:
            return value, must
    raise RuntimeError(f"no v2 value for {fact.id}")


def _fill(template: str, **kw: str) -> str:
    out = template
    for k, v in kw.items():
        out = out.replace("{" + k + "}", v)
    return out


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _reserve_static(alloc: Allocator) -> None:
    texts = [q for q, _ in UNANSWERABLE] + [
        t for terms in (t for _, t in UNANSWERABLE) for t in terms
    ]
    for attr in ATTRS.values():
        texts += [*attr.sentences, *attr.questions, *attr.paraphrases, attr.multi]
    for specs in SPECS.values():
        for sp in specs:
            texts += [sp.title, sp.s, sp.a]
            texts += [str(fs.get(k, "")) for fs in sp.facts for k in ("s", "a", "u")]
    for pool in FILLER.values():
        texts += pool
    texts += [h for hs in HEADINGS.values() for h in hs] + list(ACCESS_PREFACE.values())
    for ver, feats, bug in RELEASES:  # versions are bare values: reserve them
        texts += [ver] + [x for f in feats for x in f] + list(bug)
    for t in texts:
        alloc.reserve(t)


def _make_fact(
    fid: str, art: Article, spec: Spec, slot: dict, alloc: Allocator, used: dict
) -> Fact:
    attr = ATTRS[slot["key"]]
    s = slot.get("s", spec.s)
    a = slot.get("a") or spec.a or s
    unit = slot.get("u", attr.unit)
    lo, hi = slot.get("r", (attr.lo, attr.hi))
    num = None
    if attr.kind == "text":
        value = slot["v"]
        must = [value.split(",")[0]]
    elif attr.kind == "version":
        value, must = slot["v"], [slot["v"]]
    elif attr.kind == "patch":
        value = alloc.bare_token(lambda: f"{slot['v']}.{alloc.rng.randint(2, 9)}", "patch")
        must = [value]
    else:
        value, must, num = draw_value(attr.kind, lo, hi, unit, alloc)
    # rotate through sentence/question templates so neighbouring facts do not read identically
    k = used.setdefault(attr.key, 0)
    used[attr.key] += 1
    tpl = _cap(_fill(attr.sentences[k % len(attr.sentences)], s=s))
    sentence = _fill(tpl, v=value)
    qs = [_cap(_fill(q, s=s, a=a)) for q in attr.questions]
    ps = [_cap(_fill(p, s=s, a=a)) for p in attr.paraphrases]
    subject = s[4:] if s.startswith("the ") else s
    fact = Fact(
        fid,
        art.id,
        art.category,
        art.access,
        subject,
        attr.attribute,
        attr.key,
        value,
        sentence,
        must,
        qs,
        ps,
        tpl,
        num,
    )
    fact._unit, fact._s, fact._a = unit, s, a  # kept for v2 draws, multi questions, augmentation
    return fact


def _layout(art: Article, facts: list[Fact], rng: random.Random, alloc: Allocator) -> None:
    """Place the facts among filler sentences in 2-4 sections of 2-5 sentences each."""
    pool = list(FILLER[art.category])
    rng.shuffle(pool)
    heads = HEADINGS[art.category]
    long_ = rng.random() < 0.4
    nsec = 4 if long_ else rng.choice([2, 3, 3])
    idx = sorted(rng.sample(range(len(heads)), nsec))
    sizes = [5 if long_ else rng.randint(3, 4) for _ in range(nsec)]
    slots: list[list[tuple[str, str]]] = [[] for _ in range(nsec)]
    if art.access in ACCESS_PREFACE:
        slots[0].append(("text", ACCESS_PREFACE[art.access]))
    order = list(range(nsec))
    rng.shuffle(order)
    for i, f in enumerate(facts):
        slots[order[i % nsec]].append(("fact", f.id))

    def render_filler(t: str) -> str:
        def num(m):
            lo_, hi_, unit = int(m.group(1)), int(m.group(2)), m.group(3)
            return f"{alloc.phrase(lo_, hi_, unit, _bad_count)} {unit}"

        return _cap(_fill(re.sub(r"\{n:(\d+)-(\d+):([^}]+)\}", num, t), s=art.topic))

    for sec, size in zip(slots, sizes, strict=True):
        while len(sec) < size and pool:
            sec.insert(rng.randint(0, len(sec)), ("text", pool.pop()))
    # keep the preface first
    if art.access in ACCESS_PREFACE:
        pre = ("text", ACCESS_PREFACE[art.access])
        slots[0].remove(pre)
        slots[0].insert(0, pre)
    sections = [
        (heads[i], [(k, render_filler(v) if k == "text" else v) for k, v in sec])
        for i, sec in zip(idx, slots, strict=True)
    ]
    art.sections = sections


def _words(text: str) -> int:
    return len(text.split())


def build_world(seed: int = WORLD_SEED) -> World:
    """Draw the whole world (articles, facts, v2 changes) from one seeded RNG, in a fixed order."""
    rng = random.Random(seed)
    alloc = Allocator(rng)
    _reserve_static(alloc)
    articles, facts, specs_of = [], [], {}
    used: dict[str, int] = {}
    for cat, specs in SPECS.items():
        slug = CATEGORY_SLUG[cat]
        for i, sp in enumerate(specs, start=1):
            aid = f"kb-{slug}-{i:03d}"
            day = V1_DATES[0] + timedelta(days=rng.randint(0, V1_DATES[1]))
            art = Article(aid, sp.title, cat, sp.access, sp.s, day.isoformat())
            for j, slot in enumerate(sp.facts, start=1):
                f = _make_fact(f"f-{slug}-{i:03d}-{j}", art, sp, slot, alloc, used)
                art.fact_ids.append(f.id)
                facts.append(f)
            articles.append(art)
            specs_of[aid] = sp
    # v2: pick the facts that change, spread over categories (never internal, <= 2 per article)
    eligible = [f for f in facts if ATTRS[f.attr_key].change and f.access != "internal"]
    by_cat: dict[str, list[Fact]] = {}
    for f in eligible:
        by_cat.setdefault(f.category, []).append(f)
    queues = [rng.sample(fs, len(fs)) for fs in by_cat.values()]
    order = [
        q[i] for i in range(max(map(len, queues))) for q in queues if i < len(q)
    ]  # round robin
    chosen, per_article = [], {}
    for f in order:
        if len(chosen) < N_CHANGED and per_article.get(f.article_id, 0) < 2:
            try:
                f.value_v2, f.must_v2 = draw_v2(f, ATTRS[f.attr_key], f._unit, alloc)
            except RuntimeError:  # no fresh value in the right direction: pick another fact
                continue
            f.sentence_v2 = _fill(f.template, v=f.value_v2)
            chosen.append(f)
            per_article[f.article_id] = per_article.get(f.article_id, 0) + 1

    by_id = {f.id: f for f in facts}
    for art in articles:
        _layout(art, [by_id[x] for x in art.fact_ids], rng, alloc)
        if any(by_id[x].changes_in_v2 for x in art.fact_ids):
            day = V2_DATES[0] + timedelta(days=rng.randint(0, V2_DATES[1]))
            art.updated_v2 = day.isoformat()
    world = World(seed, articles, facts)
    _fit_lengths(world, rng, alloc)
    validate_world(world)
    return world


def _fit_lengths(world: World, rng: random.Random, alloc: Allocator) -> None:
    """Trim or pad filler so every body stays within WORDS (both snapshots)."""
    for art in world.articles:
        for _ in range(40):
            n = max(_words(render_body(world, art, s)) for s in ("v1", "v2"))
            if n > WORDS[1]:
                # drop the last filler sentence of the longest section that keeps >= 2 sentences
                secs = [
                    sec
                    for _, sec in art.sections
                    if len(sec) > 2 and any(k == "text" for k, _ in sec)
                ]
                sec = max(secs, key=len)
                for i in range(len(sec) - 1, -1, -1):
                    if sec[i][0] == "text" and sec[i][1] not in ACCESS_PREFACE.values():
                        del sec[i]
                        break
            elif min(_words(render_body(world, art, s)) for s in ("v1", "v2")) < WORDS[0]:
                have = {v for _, sec in art.sections for k, v in sec if k == "text"}
                spare = [
                    t
                    for t in FILLER[art.category]
                    if "{n:" not in t and _cap(_fill(t, s=art.topic)) not in have
                ]
                short = [sec for _, sec in art.sections if len(sec) < 5]
                if not short:
                    used_heads = {h for h, _ in art.sections}
                    head = next(h for h in HEADINGS[art.category] if h not in used_heads)
                    art.sections.append((head, []))
                    short = [art.sections[-1][1]]
                short[0].append(("text", _cap(_fill(rng.choice(spare), s=art.topic))))
            else:
                break


# --------------------------------------------------------------------------------------------
# Derived outputs
# --------------------------------------------------------------------------------------------


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


def build_questions(world: World) -> list[dict]:
    """The evaluation questions (single, paraphrase, multi, unanswerable), split dev/test 50/50.

    Uses its own RNG (``WORLD_SEED + 1``) so adding questions never changes the articles.
    Single and paraphrase questions about one fact share a split (no fact straddles dev/test).
    """
    rng = random.Random(world.seed + 1)
    pub = [f for f in world.facts if f.access != "internal"]
    internal = [f for f in world.facts if f.access == "internal"]
    changed = [f for f in pub if f.changes_in_v2]
    rest = [f for f in pub if not f.changes_in_v2]
    n_pub = N_SINGLE - N_INTERNAL_SINGLE
    single = changed + rng.sample(rest, n_pub - len(changed))
    single_int = rng.sample(internal, N_INTERNAL_SINGLE)
    para = changed + rng.sample(
        [f for f in single if not f.changes_in_v2], N_PARAPHRASE - N_INTERNAL_PARA - len(changed)
    )
    para += rng.sample(single_int, N_INTERNAL_PARA)
    single = sorted(single + single_int, key=lambda f: f.id)
    para_ids = {f.id for f in para}

    # split per fact, stratified: facts with a paraphrase alternate, then the others
    split_of = {}
    for group in (
        [f for f in single if f.id in para_ids],
        [f for f in single if f.id not in para_ids],
    ):
        order = rng.sample(group, len(group))
        for i, f in enumerate(order):
            split_of[f.id] = ("dev", "test")[i % 2]

    qs = []

    def add(kind, question, facts):
        qs.append(
            {
                "type": kind,
                "question": question,
                "answer": " ".join(f.sentence for f in facts),
                "must_contain": [m for f in facts for m in f.must],
                "gold_ids": list(dict.fromkeys(f.article_id for f in facts)),
                "fact_ids": [f.id for f in facts],
            }
        )

    for f in single:
        add("single", rng.choice(f.questions), [f])
        qs[-1]["split"] = split_of[f.id]
    for f in sorted(para, key=lambda f: f.id):
        add("paraphrase", rng.choice(f.paraphrases), [f])
        qs[-1]["split"] = split_of[f.id]

    # multi: comparisons of one attribute across two articles, then two unrelated facts
    multi = []
    groups: dict[str, list[Fact]] = {}
    for f in pub:
        if ATTRS[f.attr_key].multi:
            groups.setdefault(f.attr_key, []).append(f)
    pairs = [
        (x, y)
        for fs in groups.values()
        for i, x in enumerate(fs)
        for y in fs[i + 1 :]
        if x.article_id != y.article_id
    ]
    by_key: dict[str, list[tuple[Fact, Fact]]] = {}
    for x, y in pairs:
        by_key.setdefault(x.attr_key, []).append((x, y))
    queues = [rng.sample(ps, len(ps)) for ps in rng.sample(list(by_key.values()), len(by_key))]
    spread = [q[i] for i in range(max(map(len, queues))) for q in queues if i < len(q)]
    for x, y in spread[:N_MULTI_CMP]:  # round robin over attributes: no attribute dominates
        q = _cap(_fill(ATTRS[x.attr_key].multi, s1=x._s, s2=y._s))
        multi.append((q, [x, y]))
    seen = set()
    while len(multi) < N_MULTI_CMP + N_MULTI_CROSS:
        x, y = rng.sample(pub, 2)
        if x.category == y.category or (x.id, y.id) in seen:
            continue
        seen.add((x.id, y.id))
        multi.append(
            (f"{rng.choice(x.questions)} And {_lower_first(rng.choice(y.questions))}", [x, y])
        )
    for i, (q, fs) in enumerate(rng.sample(multi, len(multi))):
        add("multi", q, fs)
        qs[-1]["split"] = ("dev", "test")[i % 2]

    for i, (q, _) in enumerate(rng.sample(UNANSWERABLE, len(UNANSWERABLE))):
        qs.append(
            {
                "type": "unanswerable",
                "question": q,
                "answer": "",
                "must_contain": [],
                "gold_ids": [],
                "fact_ids": [],
                "split": ("dev", "test")[i % 2],
            }
        )

    counters: dict[str, int] = {}
    out = []
    for q in qs:
        counters[q["type"]] = counters.get(q["type"], 0) + 1
        out.append({"id": f"q-{q['type']}-{counters[q['type']]:03d}", **q})
    return out + build_hard_questions(world)  # appended: customer, hard_paraphrase, cross_article


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


# --------------------------------------------------------------------------------------------
# Support tickets for the behaviour task (notebooks 04-05; contract in docs/design-finetune.md)
# --------------------------------------------------------------------------------------------

N_TICKETS = {"train": 640, "eval": 160}
PLANS = ("Free", "Solo", "Starter", "Team", "Business", "Enterprise")
PAID = PLANS[1:]
TEAMS = ("Team", "Business", "Enterprise")
PLAN_WEIGHTS = {"Free": 1, "Solo": 1, "Starter": 2, "Team": 3, "Business": 3, "Enterprise": 2}
SEATS = {  # team sizes drawn for a plan (Free and Solo workspaces are small)
    "Free": (2, 9),
    "Solo": (2, 4),
    "Starter": (3, 25),
    "Team": (6, 70),
    "Business": (12, 180),
    "Enterprise": (60, 900),
}
REPLY_WORDS = (25, 60)
BODY_WORDS = (30, 120)


@dataclass(frozen=True)
class TicketScenario:
    """One kind of ticket. The LAST problem wording and the LAST subject are held out for eval.

    ``signals`` (see labkit.behaviour.SIGNALS) decide priority and escalation through the rule
    functions; ``fact`` / ``code`` name a help-center fact as (attribute key, subject substring):
    ``fact`` is stated in the reply, ``code`` is the error code the customer quotes ({code});
    ``fact="code"`` states the error-code fact itself. "{plan}" in a subject means the customer's.
    """

    key: str
    category: str
    signals: tuple[str, ...]
    topic: str  # for the reply's acknowledgement: "thanks for ... about {topic}"
    subjects: tuple[str, ...]
    problems: tuple[str, ...]
    action: str  # the reply's last sentence before the sign-off
    fact: tuple[str, str | None] | str | None = None
    code: tuple[str, str] | None = None
    plans: tuple[str, ...] = PLANS


TICKET_SCENARIOS: list[TicketScenario] = []


def _scen(key, cat, sig, topic, subjects, problems, action, fact=None, code=None, plans=PLANS):
    split = lambda t: tuple(x.strip() for x in t.split(" | "))  # noqa: E731
    TICKET_SCENARIOS.append(
        TicketScenario(
            key,
            cat,
            tuple(sig.split()),
            topic,
            split(subjects),
            split(problems),
            action,
            fact,
            code,
            plans,
        )
    )


# fmt: off
# ---- billing
_scen("refund-annual", "billing", "", "the refund for your annual renewal",
      "Refund for annual renewal | Annual plan charged, want a refund | Refund request for yearly charge",
      "Our annual subscription renewed on {date} and charged us {amount}, but we have decided to move the team to another tool. Could you refund the renewal? | "
      "I forgot to turn off auto-renewal and the yearly charge of {amount} went through on {date}. We don't plan to keep the workspace, so I'd like the annual payment refunded. | "
      "We were billed {amount} for another year on {date}. Nobody here approved that renewal and we would like our money back for the annual plan.",
      "Reply with the invoice number and I will start the refund to the original card.",
      fact=("refund_window", "annual subscriptions"), plans=PAID)
_scen("refund-monthly", "billing", "", "the refund for your monthly charge",
      "Refund for monthly charge | Charged after cancelling | Monthly payment refund",
      "I switched to monthly billing by mistake on {date} and was charged {amount}. Can I get that monthly charge refunded? | "
      "We cancelled but the monthly payment of {amount} still went out on {date}. Please refund this month's charge. | "
      "There is a monthly charge of {amount} from {date} that we did not expect after closing our trial. Requesting a refund for it.",
      "Send me the invoice number and I will check the dates and process the refund.",
      fact=("refund_window", "monthly subscriptions"), plans=PAID)
_scen("card-declined", "billing", "", "the declined card payment",
      "Payment failed | Card declined again | Renewal payment error",
      "Our renewal failed with error {code} and the billing page says the card was declined. The card is valid and has funds. What should we do? | "
      "Payment keeps failing, the error says {code}. Finance already updated the card twice and it still gets declined. | "
      "Getting {code} every time we try to pay the subscription. Our bank says they see no declined attempts on their side.",
      "Please update the card under Settings > Billing or ask your bank to allow the charge, and I will retry it.",
      fact=("dunning_grace", None), code=("err_code", "bank declines"), plans=PAID)
_scen("read-only", "billing", "locked_out", "your workspace being read-only",
      "Workspace is read-only | Can't edit anything after payment issue | Locked in view-only mode",
      "Our workspace suddenly became read-only and we are locked out of editing boards. I think an invoice went unpaid while our finance lead was away. | "
      "We can't create or edit anything, the workspace is locked in read-only mode because of a missed payment. We've paid now, please unlock it. | "
      "Everything in our account has been view-only since this morning and we are locked out of our work. The banner mentions an overdue payment, which I have just settled.",
      "Once the payment shows as settled, full access returns automatically; reply here if it has not.",
      fact=("readonly_period", None), plans=PAID)
_scen("chargeback", "billing", "chargeback", "the disputed charge",
      "Disputed charge | Chargeback on our account | Bank dispute",
      "I didn't recognise a charge of {amount} from Nimbalo so I disputed it with my bank. Now a colleague says it was our renewal. What happens next? | "
      "We filed a chargeback for the {amount} payment on {date} because we were charged twice. Please sort this out. | "
      "My bank has opened a dispute on the {amount} charge from {date}. I never authorised an upgrade to the {plan} plan.",
      "I have passed this to our billing team, who will review the dispute with you today.",
      fact=("chargeback_lock", None), plans=PAID)
_scen("legal-threat", "billing", "legal", "the charge after your cancellation",
      "Charged after cancelling, final warning | Unauthorised charges | Formal complaint about billing",
      "We cancelled in {month} and you charged us {amount} anyway. If this is not refunded this week our lawyer will be in touch. | "
      "This is the third time I'm asking about the {amount} charge on {date}. I am now considering legal action. | "
      "You keep billing a card for a workspace we closed. Our legal department has asked me to get this resolved in writing.",
      "I have escalated this to our billing team lead, who will contact you in writing today.",
      fact=("refund_processing", None), plans=PAID)
_scen("invoice-question", "billing", "question", "paying by invoice",
      "Pay by invoice? | Invoice billing question | Question about payment by invoice",
      "Is it possible to pay by invoice instead of card? Our procurement team prefers bank transfers. | "
      "Quick question: can we switch to invoice billing for our annual contract? | "
      "Our accounts department asked whether Nimbalo accepts payment against an invoice rather than a credit card. Is that an option for us?",
      "If your contract qualifies, reply with your billing contact and I will set it up.",
      fact=("invoice_min", None), plans=TEAMS)
_scen("switch-question", "billing", "question", "switching to monthly billing",
      "Annual to monthly? | Changing billing cycle | Question about monthly billing",
      "How late can we move from annual to monthly billing? Our renewal is coming up on {date}. | "
      "Wondering if we can change our billing from yearly to monthly before the next renewal. | "
      "Before our contract renews on {date}, is there still time to go from annual payments to month-by-month?",
      "You can make the change yourself under Settings > Billing.",
      fact=("switch_cutoff", None), plans=PAID)
_scen("vat-question", "billing", "question", "your VAT ID",
      "VAT ID added | Question about VAT | EU tax number",
      "We just added our VAT ID to the billing page. How long until invoices stop including VAT? | "
      "Do I need to do anything else after entering our VAT number? Just want to be sure the next invoice is correct. | "
      "Our EU tax number is now saved in the billing settings. When will it be validated?",
      "Invoices issued after validation will show the reverse-charge note.",
      fact=("vat_validation", None), plans=PAID)
_scen("seat-overcharge", "billing", "", "the seat count on your invoice",
      "Wrong seat count on invoice | Overcharged for seats | Invoice seat mismatch",
      "Our latest invoice charges for {seats} seats but we only have {seats2} active members. Can you check this? | "
      "We removed a few people last month but the bill still shows {seats} seats. I think we're being overcharged. | "
      "The seat count on the new invoice ({seats}) doesn't match our member list, which has {seats2} people.",
      "Send me the invoice number and I will compare it with your member history.",
      fact=("seat_trueup", None), plans=TEAMS)
_scen("downgrade-question", "billing", "question", "downgrading your plan",
      "Downgrade question | What happens if we downgrade | Credit after downgrade",
      "If we move from the {plan} plan to a cheaper plan, what happens to the money we already paid? | "
      "Thinking about downgrading next month. Do we get credit for the unused time? | "
      "Before we drop down a tier, can you explain how leftover payment is handled?",
      "The credit is applied automatically to your next invoices.",
      fact=("credit_expiry", None), plans=("Team", "Business", "Enterprise"))

# ---- bug
_scen("export-timeout", "bug", "", "the failing board export",
      "Export fails | Board export error | Export never finishes",
      "Every time I export our project board it fails with {code}. The board is pretty big, around {n} cards. | "
      "Exports of our main board never finish and then show error {code}. Smaller boards export fine. | "
      "The board export sits at ninety percent for ages and then I get {code}. Is something wrong on your side?",
      "Try exporting fewer lists at a time, and send me the board link if it still fails.",
      fact=("export_timeout", None), code=("err_code", "export runs too long"))
_scen("doc-conflict", "bug", "", "the error in your shared doc",
      "Error when saving doc | Doc editing error | Conflict error in doc",
      "Two of us were editing the same doc and one of us got error {code}. The page asked us to reload. | "
      "I keep seeing {code} when I save changes to our meeting notes doc while a colleague is also typing. | "
      "Error {code} pops up in the roadmap doc whenever my teammate and I work on the same paragraph.",
      "Reload the doc to see both versions of the block, then keep the one you want.",
      fact="code", code=("err_code", "conflicting edits"))
_scen("automation-paused", "bug", "", "the paused automation",
      "Automation stopped | Automation paused with error | Rule not running",
      "One of our automations stopped running and shows {code}. It moved cards to Done every night. | "
      "Our weekly report automation is paused with error {code}. Nobody turned it off. | "
      "A rule that assigns new cards has stopped working and the log shows {code}. Can you tell why?",
      "Open the automation's run log to see the failing step, fix it, and turn the automation back on.",
      fact=("auto_disable", None), code=("err_code", "automation is paused"))
_scen("search-missing", "bug", "", "new cards missing from search",
      "Search not finding cards | New cards not in search | Search results missing",
      "Cards I created this morning do not show up when I search for them. Older cards are found fine. | "
      "Search is missing new cards. I typed the exact title and got no results. | "
      "Newly added tasks are not appearing in search results, even when I search for their exact name.",
      "If a card is still missing after that, send me its link and I will check the search index.",
      fact=("index_delay", None))
_scen("desktop-update", "bug", "", "the desktop app update",
      "Desktop app won't update | Update error | Desktop update fails",
      "The desktop app tries to update and fails with {code}. I've restarted my laptop twice. | "
      "Desktop app update keeps failing, error {code}. Running on a Mac. | "
      "Got {code} when the Windows app tried to install the latest version. It's stuck on the old one now.",
      "Download the latest installer from our website and install it over the current app.",
      fact=("desktop_min", None), code=("err_code", "update download is corrupted"))
_scen("mobile-old", "bug", "", "the mobile app error",
      "Mobile app error | Phone app won't open workspace | App shows error code",
      "The phone app shows {code} when I open it. The web version still works for me. | "
      "My iPhone app won't open my workspace, error {code}. The web app is fine. | "
      "On Android the Nimbalo app just says {code} after the splash screen. The browser works normally.",
      "Update the app from your app store and sign in again.",
      fact=("mobile_min", None), code=("err_code", "mobile app is too old"))
_scen("upload-limit", "bug", "", "the failing upload",
      "Upload fails | Can't attach file | Attachment error",
      "I can't attach a video to a card, it fails with {code}. | "
      "Uploading our design file fails with error {code}. Other files upload fine. | "
      "Trying to add a large recording to a task and I get {code} each time.",
      "For bigger files, link them from your cloud storage instead of uploading them.",
      fact=("upload_max", None), code=("err_code", "larger than your upload limit"))
_scen("import-column", "bug", "", "the CSV import error",
      "CSV import error | Import fails | Problem importing spreadsheet",
      "Our CSV import fails with {code}. The file came from our old tool. | "
      "Import stops with error {code}, I'm not sure which column is the problem. | "
      "I'm trying to bring in a spreadsheet export and get {code} halfway through.",
      "Check the import report, rename or remove the unmapped column, and run the import again.",
      fact=("import_errors", None), code=("err_code", "column Nimbalo cannot map"))
_scen("import-duplicates", "bug", "", "the blocked import",
      "Import blocked | Import refuses file | Re-import error",
      "Re-running our import gives {code} and stops. We need the new rows in. | "
      "Import blocked with {code}. Some of the cards in the file are already on the board. | "
      "When I upload the updated file, Nimbalo refuses with {code}.",
      "Remove the rows that already exist on the board, or import into a new board and merge.",
      fact="code", code=("err_code", "duplicate cards"))
_scen("email-bounce", "bug", "", "the missing notification emails",
      "Notification emails bouncing | Teammates not getting emails | Email alerts missing",
      "Our notification emails seem to bounce, the activity log shows {code} for two people. | "
      "Teammates aren't getting notification emails and I see {code} next to their names. | "
      "Two of our members stopped receiving alerts and their profiles show {code}.",
      "Ask them to check the address on their profile and to allow our sending domain.",
      fact=("digest_delay", None), code=("err_code", "notification email bounces"))
_scen("slow-board", "bug", "", "the slow board",
      "Board loads slowly | Big board is very slow | Slow board",
      "Our main board takes almost a minute to load. It has a lot of cards. | "
      "The big backlog board is very slow to open and scrolls with a lag. | "
      "Loading our largest board is painfully slow compared to the others.",
      "Archiving finished cards speeds up loading straight away.",
      fact=("paged_cards", None))
_scen("outage", "bug", "outage", "the outage in your workspace",
      "Nimbalo down for everyone | Nothing loads | Whole workspace unreachable",
      "None of our boards will load, for anyone on the team. We just get a blank screen since {time}. | "
      "Nimbalo is down for our whole company. Every page shows an error and nobody can work. | "
      "The entire workspace has been unreachable for all of us since {time}, on every browser and in the desktop app.",
      "I have escalated this to our on-call engineers as urgent, and they will update you here as soon as they know more.")
_scen("cards-vanished", "bug", "data_loss", "the cards missing from your board",
      "Cards disappeared | Lost cards on our board | Tasks vanished",
      "Half the cards on our sprint board disappeared overnight. Nobody deleted them and they're not in the activity feed. | "
      "A whole list of cards vanished from our board after this morning's sync. We didn't delete anything. | "
      "Around {n} tasks are simply gone from our client board, and no one on the team removed them.",
      "I have escalated this to our engineers as urgent; they will check the workspace history and update you today.",
      fact=("trash_retention", None))
_scen("doc-reverted", "bug", "data_loss", "the lost edits in your doc",
      "Doc lost our edits | Doc content gone | Doc reverted by itself",
      "Two days of edits in our handbook doc are gone. The doc went back to an old version by itself. | "
      "A doc we worked on all week lost most of its content. No one on the team removed it. | "
      "Our proposal doc reverted to last week's version and this week's changes are missing.",
      "I have escalated this to our engineers as urgent, and they will restore what they can and update you today.",
      fact=("history_retention", None), plans=PAID)

# ---- account
_scen("lockout", "account", "locked_out", "the sign-in lockout",
      "Locked out | Can't sign in | Account locked",
      "I'm locked out of my account after mistyping my password, it says {code}. I need to get in for a client meeting. | "
      "Can't sign in, error {code}. I think I tried the wrong password too many times. | "
      "My login is blocked with {code} after a few failed attempts and I have work due today.",
      "After that you can sign in again, or reset your password from the sign-in page.",
      fact=("lockout_minutes", None), code=("err_code", "locked after repeated"))
_scen("2fa-rejected", "account", "locked_out", "your two-factor codes",
      "2FA codes not working | Stuck at two-factor step | Authenticator codes rejected",
      "My two-factor codes are rejected with {code}, so I can't sign in at all. | "
      "Can't get past the 2FA step, every code gives {code}. I'm locked out. | "
      "The authenticator codes keep failing with {code} and I'm stuck on the sign-in page.",
      "Set your phone's clock to update automatically, or use one of your backup codes to get in.",
      fact=("totp_drift", None), code=("err_code", "two-factor code is rejected"))
_scen("invite-expired", "account", "", "the invitation link",
      "Invite link not working | New colleague can't join | Invitation error",
      "A new colleague clicked our invite link and got {code}. We sent it last week. | "
      "Our new hire can't join the workspace, the invitation shows {code}. | "
      "Someone I invited says the join link gives {code}.",
      "Send a fresh invitation from Settings > Members and ask them to accept it soon.",
      fact=("invite_expiry", None), code=("err_code", "expired invitation"))
_scen("sso-down", "account", "outage", "single sign-on failing for your team",
      "SSO broken for everyone | Nobody can log in via SSO | Single sign-on error for all users",
      "Nobody in our company can sign in through SSO this morning, everyone gets {code}. | "
      "SSO login is broken for the whole team, error {code}. We are completely stuck. | "
      "All {seats} of our users are getting {code} on the single sign-on page since {time}.",
      "I have escalated this to our identity team as urgent; renewing the certificate in your identity provider usually restores access.",
      fact="code", code=("err_code", "SAML response"), plans=("Business", "Enterprise"))
_scen("members-question", "account", "question", "member limits on the Free plan",
      "Member limit on Free? | How many people can join | Free plan members",
      "How many people can we add to our free workspace before we need to pay? | "
      "Quick question about the Free plan: is there a limit on members? | "
      "We're trying Nimbalo without a subscription. What is the member limit?",
      "When you need more room, any paid plan removes that cap.",
      fact=("members_free", None), plans=("Free",))
_scen("sessions-question", "account", "question", "signing in on several devices",
      "Device limit? | How many sessions | Logged in on multiple devices",
      "Is there a limit to how many devices I can be signed in on at once? | "
      "I use Nimbalo on a laptop, a tablet and my phone. Is there a maximum number of sessions? | "
      "How many computers and phones can one user stay logged in on at the same time?",
      "You can review and end sessions under Profile > Security.",
      fact=("sessions_cap", None))
_scen("password-rules", "account", "", "changing your password",
      "New password rejected | Password change not working | Password requirements",
      "I'm trying to change my password from my profile, but the form keeps rejecting the new one and doesn't say why. | "
      "Trying to set a new password in my profile settings but it says it doesn't meet the requirements. | "
      "I'm signed in and want a new password, but the change form refuses every one I try.",
      "Choose a longer one and avoid reusing a recent password.",
      fact=("pw_min", None))
_scen("ownership-question", "account", "question", "transferring workspace ownership",
      "Transfer ownership | Change workspace owner | Owner leaving",
      "Our workspace owner is leaving the company. How do we transfer ownership to me? | "
      "I need to become the owner of our workspace because the original owner is moving on. What's the process? | "
      "How can ownership of our workspace move from my manager to me?",
      "The current owner can transfer it under Settings > Members; if they have already left, reply from an admin account and we will verify you.")

# ---- integration
_scen("slack-channels", "integration", "", "Slack updates to your new channel",
      "Slack not posting to new channel | Slack integration issue | Slack updates missing",
      "Slack updates from our board stopped posting to a new channel we added. | "
      "We connected Slack but updates only go to some of our channels, not the latest one. | "
      "Our board posts to several Slack channels, but the newest channel never gets anything.",
      "Remove a channel you no longer need, then add the new one again.",
      fact=("int_channel_cap", "Slack"))
_scen("jira-lag", "integration", "", "the Jira Cloud sync",
      "Jira sync delay | Jira updates slow | Jira Cloud not in sync",
      "Jira changes take a while to show up in Nimbalo. Is the Jira integration broken? | "
      "Issues updated in Jira Cloud don't appear on our board right away. | "
      "The Jira Cloud status on our linked cards lags behind what we see in Jira.",
      "If changes are still missing after that, reconnect the integration from Settings > Integrations.",
      fact=("int_sync", "Jira"))
_scen("calendar-permission", "integration", "", "the calendar sync",
      "Calendar sync stopped | Calendar integration error | Due dates not syncing",
      "Calendar sync stopped updating and shows {code}. | "
      "Our due dates no longer appear in Google Calendar, the integration page says {code}. | "
      "The calendar connection has an error {code} and new dates are not syncing.",
      "Reconnect your calendar from Settings > Integrations and grant access again.",
      fact="code", code=("err_code", "calendar sync loses permission"))
_scen("api-throttled", "integration", "", "the throttled API calls",
      "API errors | Throttled by the REST API | API calls rejected",
      "Our script that creates cards through the API is getting {code} responses. | "
      "We're hitting {code} from the REST API during our nightly sync. | "
      "Our API client keeps failing with {code} after a few hundred calls.",
      "Make your client wait that long before retrying, and spread the calls out.",
      fact=("retry_after", None), code=("err_code", "API token is throttled"))
_scen("webhook-tls", "integration", "", "the failing webhook deliveries",
      "Webhooks failing | Webhook delivery error | Webhooks not arriving",
      "Webhook deliveries to our endpoint fail with {code}. | "
      "Our webhooks stopped arriving and the delivery log shows {code}. | "
      "Events are no longer reaching our server, and every webhook attempt lists {code}.",
      "Renew the certificate on your endpoint, and deliveries will go through again.",
      fact=("webhook_retries", None), code=("err_code", "invalid TLS certificate"), plans=TEAMS)
_scen("scim-token", "integration", "", "the SCIM provisioning errors",
      "SCIM provisioning failing | Okta provisioning error | User sync errors",
      "User provisioning from Okta fails with {code} since yesterday. | "
      "Our SCIM sync is erroring with {code} and new hires aren't being created. | "
      "Provisioning calls from our identity provider return {code}.",
      "Generate a new SCIM token in Settings > Security and update it in your identity provider.",
      fact=("scim_retry", None), code=("err_code", "revoked token"), plans=("Business", "Enterprise"))
_scen("salesforce-disconnect", "integration", "", "the Salesforce connection",
      "Salesforce disconnected | Salesforce not syncing | Salesforce integration dropped",
      "The Salesforce integration disconnected itself and records stopped updating. | "
      "Salesforce is no longer linked to our board, and I didn't disconnect it. | "
      "Our Salesforce connection shows as disconnected this morning and nothing syncs.",
      "Reconnect it from Settings > Integrations with an account that still has API access.",
      fact=("int_disconnect", "Salesforce"), plans=("Business", "Enterprise"))
_scen("gitlab-question", "integration", "question", "connecting GitLab",
      "GitLab history question | Connecting GitLab | GitLab import question",
      "When we connect GitLab, how much of our past history comes across? | "
      "Before connecting GitLab, I'd like to know how far back it imports. | "
      "Does the GitLab connection bring in older activity, and how much?",
      "Older items can still be linked by hand after setup.",
      fact=("int_backfill", "GitLab"))
_scen("drive-question", "integration", "question", "Google Drive attachments",
      "Google Drive files question | Are Drive files copied? | Drive attachments",
      "Do files from Google Drive get copied into Nimbalo or just linked? | "
      "Wondering how attaching Google Drive files works, are they stored in Nimbalo? | "
      "If I attach a Google Drive document to a card, does Nimbalo keep a copy?",
      "Linked files always open the latest version in Drive.",
      fact=("int_file_size", "Google Drive"))
_scen("trello-question", "integration", "question", "importing from Trello",
      "Trello import limit? | Moving from Trello | Trello migration question",
      "We're moving from Trello. Is there a limit to how many cards the importer can bring in? | "
      "Planning our Trello migration, how big can one import be? | "
      "How many cards can I move over from Trello in a single import?",
      "Larger boards can be moved in several runs.",
      fact=("importer_max", "Trello"))
_scen("integration-outage", "integration", "outage", "the integration outage",
      "Integration down for everyone | Nothing syncing for the whole team | Integration stopped for all users",
      "The Zendesk integration has been down for our whole support team since {time}, no tickets are syncing. | "
      "Every Slack notification from Nimbalo stopped for the entire company this morning. Nobody gets updates. | "
      "Our Microsoft Teams integration stopped working for everyone at once, nothing has come through since {time}.",
      "I have escalated this to our integrations engineers as urgent, and they will update you here as soon as they know more.",
      plans=TEAMS)

# ---- how-to
_scen("recurring-howto", "how-to", "", "recurring cards",
      "Recurring cards? | Repeat a card every week | How to set up repeating tasks",
      "How do I make a card repeat every week? | "
      "Is there a way to set up recurring tasks, like a daily standup card? | "
      "Can a task recreate itself on a schedule? I'd like one for our monthly report.",
      "Open the card, choose Repeat, and pick the schedule.",
      fact=("recurrence_min", None))
_scen("history-howto", "how-to", "", "doc version history",
      "Older versions of a doc | Version history | Restore earlier doc version",
      "How do I see older versions of a doc? | "
      "Can I go back to an earlier version of a document my team edited? | "
      "Where do I find the version history of a page, and how far back does it go?",
      "Open the doc menu and choose Version history to compare or restore.",
      fact=("history_retention", None), plans=PAID)
_scen("pdf-howto", "how-to", "", "exporting docs to PDF",
      "Export doc as PDF | PDF export | Save doc as PDF",
      "How do I export a doc as a PDF? | "
      "What's the best way to turn our handbook doc into a PDF? | "
      "Can I save a document as a PDF to send to a client?",
      "Choose Export > PDF from the doc menu.",
      fact=("pdf_pages", None))
_scen("timeline-howto", "how-to", "", "the timeline view",
      "Using the timeline | Timeline view question | Plan on a timeline",
      "How do I plan a project on the timeline view? | "
      "Can the timeline show our whole year of releases? | "
      "We'd like to lay out next quarter's work on a timeline. How does that view work?",
      "Switch the board to Timeline from the view menu and drag cards onto dates.",
      fact=("timeline_range", None))
_scen("fields-howto", "how-to", "", "custom fields",
      "Custom fields | Add a field to cards | Extra fields on a board",
      "How do I add a custom field for budget to our cards? | "
      "Can I add my own fields to a board, like a priority dropdown? | "
      "Is there a way to track an extra value, say cost, on each card?",
      "Open the board settings and choose Custom fields > Add field.",
      fact=("custom_fields", None))
_scen("guestlink-howto", "how-to", "", "sharing a board with a guest",
      "Share a board with a client | Guest access | Share board outside the company",
      "How do I share a board with a client who doesn't have an account? | "
      "What's the easiest way to show a board to someone outside our company? | "
      "Can I give a freelancer access to one board without making them a member?",
      "Use Share > Guest link on the board and choose what guests can do.",
      fact=("guest_link_expiry", None))
_scen("email-howto", "how-to", "", "emailing content into a board",
      "Forward emails to a board | Emails into cards | Email-to-board",
      "How do I forward emails into a board? | "
      "Is there a way to turn emails into cards automatically? | "
      "Can I send a message from my inbox straight into Nimbalo as a card?",
      "Copy the board's email address from the board menu and forward messages to it.",
      fact=("email_attach", None))
_scen("checklist-howto", "how-to", "", "checklists",
      "Checklists in cards | Add a checklist | Sub-steps in a card",
      "How do I add a checklist to a card? | "
      "Can I break a card into smaller steps with a checklist? | "
      "Is there a to-do list feature inside cards?",
      "Open the card, choose Add > Checklist, and type one item per line.",
      fact=("checklist_items", None))
_scen("snooze-howto", "how-to", "", "snoozing cards",
      "Hide a card until later | Snooze cards? | Snoozing",
      "How do I hide a card until next month? | "
      "Is there a snooze option for cards I can't work on yet? | "
      "Can I temporarily remove a task from my view and have it come back later?",
      "Open the card menu, choose Snooze and pick a date.",
      fact=("snooze_max", None))
_scen("residency-howto", "how-to", "", "choosing a data residency region",
      "Data residency | Store data in the EU | Choosing a hosting region",
      "How do we choose where our workspace data is stored? We need it in the EU. | "
      "Our compliance team asks which region our data is hosted in. Can we pick the EU? | "
      "Is it possible to keep our workspace data inside the European Union?",
      "An admin can pick the region under Settings > Security > Data residency.",
      fact=("residency", "EU"), plans=("Business", "Enterprise"))
_scen("audit-howto", "how-to", "", "the audit log",
      "Where is the audit log | Who changed permissions | Admin activity log",
      "Where can I find the audit log for our workspace? | "
      "How do I see who changed permissions in our workspace? | "
      "Is there an admin log showing who did what, and how long is it kept?",
      "Admins find it under Settings > Security > Audit log.",
      fact=("audit_retention", "{plan} plan"), plans=("Business", "Enterprise"))
_scen("automation-howto", "how-to", "", "setting up automations",
      "Automations how-to | Move cards automatically | Set up an automation",
      "How do I set up an automation that moves cards when they are marked done? | "
      "Can I automate assigning cards when they land in a list? | "
      "What's the way to make cards move to another list automatically?",
      "Open the board's Automations tab and start from a template.",
      fact=("automation_runs", "{plan} plan"), plans=("Starter", "Team", "Business"))

# ---- security
_scen("suspicious-login", "security", "", "the unfamiliar sign-in",
      "Suspicious login | Someone else in my account? | Unknown sign-in",
      "I got a sign-in alert from a city I've never been to. I think someone else has my password. | "
      "There's a login on my account from an unknown device last night. It wasn't me. | "
      "The security page shows an active session in a country none of us are in.",
      "Reset your password and sign out all sessions now; I have passed this to our security team, who will review the sign-ins today.")
_scen("leaked-link", "security", "", "the publicly shared board link",
      "Board link posted publicly | Shared a link by mistake | Exposed guest link",
      "I accidentally posted a guest link to our finance board in a public forum. | "
      "A guest link to a board with customer data was shared publicly by mistake. | "
      "One of our staff put a board share link on a public website. The board has client details.",
      "Turn the link off under Share now; our security team will check the access log and contact you today.",
      fact=("guest_link_expiry", None))
_scen("leaked-token", "security", "", "the exposed API token",
      "API token leaked | Token exposed publicly | Leaked access token",
      "Our developer pushed a Nimbalo API token to a public code repository. | "
      "An access token for our workspace leaked in a public repo this morning. | "
      "We found one of our Nimbalo API keys exposed on a public website.",
      "Revoke the token in Settings > API now; I have passed this to our security team, who will review its recent use.")
_scen("phishing", "security", "", "the suspicious email",
      "Phishing email? | Fake Nimbalo email | Suspicious sign-in email",
      "I received an email claiming to be from Nimbalo asking me to confirm my password. Is this phishing? | "
      "Several of us got a suspicious email with a fake Nimbalo sign-in link. | "
      "An email that looks like it is from Nimbalo is asking staff to log in through a strange link.",
      "Do not click the link, and forward the email to our security team, who will investigate it today.")
_scen("vulnerability", "security", "", "the vulnerability you found",
      "Security vulnerability report | Found a security issue | Reporting a weakness",
      "I think I found a vulnerability in how Nimbalo handles shared links. Where should I report it? | "
      "I'm a security researcher and found an issue that exposes board titles to other workspaces. | "
      "I'd like to report a security weakness I found in the Nimbalo web app.",
      "I have passed your report to our security team; please send the details to the disclosure address.",
      fact=("vuln_response", None))
_scen("stolen-device", "security", "", "the stolen device",
      "Stolen phone | Lost laptop still signed in | Device stolen",
      "My phone with the Nimbalo app was stolen last night. | "
      "I lost my work laptop and I'm still signed in to Nimbalo on it. | "
      "Our employee's tablet, signed in to our workspace, was stolen from a car.",
      "Sign out that device under Profile > Security > Sessions now; our security team will check for any unusual activity.",
      fact=("mobile_pin", None))
_scen("leaver-access", "security", "", "the former employee's access",
      "Ex-employee still has access | Former staff accessed boards | Offboarded user still active",
      "A former employee still accessed our boards yesterday, days after we removed him. | "
      "Someone who left the company last month still has access to our workspace and opened a doc. | "
      "Our audit log shows a person we offboarded viewing boards this week.",
      "Remove them under Settings > Members now; our security team will review the audit log with you today.",
      fact=("scim_deprovision", None), plans=("Business", "Enterprise"))
_scen("hacked-wipe", "security", "data_loss", "the deleted boards",
      "Account hacked, boards deleted | Someone wiped our workspace | Boards deleted by unknown user",
      "Someone logged into our admin account and deleted dozens of boards. We did not do this. | "
      "An unknown person got into our workspace and wiped our projects overnight. | "
      "Our boards were deleted by an account we don't recognise, it looks like we were hacked.",
      "I have escalated this to our security team as urgent, and they will contact you today to restore your data.",
      fact=("backup_freq", None))

# Wording pools for the parts of a ticket around the problem. Shared by train and eval.
TICKET_OPENERS = ["Hi,", "Hello,", "Hi there,", "Hello Nimbalo team,", "Hey,", "Good morning,",
                  "Hi support,", "", "", "Dear Nimbalo Support,", "Hi team,", "Hello support team,"]
TICKET_CONTEXT = [
    "We're a team of {seats} on the {plan} plan.", "I'm the admin for our workspace, about {seats} people.",
    "I run operations at a small {biz}.", "We've used Nimbalo for a couple of years now.",
    "I manage projects for a {biz} of {seats} people.", "We switched to Nimbalo earlier this year.",
    "I look after the Nimbalo workspace for our {biz}.", "Our {biz} runs most of its work in Nimbalo.",
]
TICKET_BIZ = ["design agency", "logistics company", "nonprofit", "software startup",
              "architecture studio", "marketing team", "school", "retail chain", "consultancy"]
TICKET_EXTRA = {
    "outage": ["Nobody on the team can work right now.", "This is blocking all {seats} of us.",
               "We have a launch today and everything is stuck.", "Our whole operation runs on these boards."],
    "data_loss": ["Nobody deleted anything, it just vanished.", "This was weeks of planning work.",
                  "We need this back as soon as possible.", "Please help us get it back."],
    "locked_out": ["I can't do any work until this is fixed.", "I need to get in today.",
                   "This is holding up my whole day."],
    "chargeback": ["The dispute is already open with my bank.",
                   "Please don't close the workspace while the bank sorts it out."],
    "legal": ["I expect a written answer.", "I want this resolved properly this time."],
    "question": ["No rush on this.", "Just trying to plan ahead.", "Thanks for any pointers.",
                 "Not urgent, just curious."],
    "security": ["Please advise what we should do right away.", "I'm worried our data is exposed.",
                 "We haven't told anyone outside IT yet."],
    "": ["It started yesterday afternoon.", "I already tried another browser.",
         "It happens on both Chrome and Firefox.", "A screenshot is attached.",
         "Happy to share more details if needed.", "It was working fine last week."],
}
TICKET_PAD = [
    "I looked through the help center first but couldn't find a clear answer.",
    "We use the web app, mostly on Chrome.", "Let me know if you need our workspace URL.",
    "Thanks for your help with this.", "I'm one of the admins on our account.",
    "Our workspace is {slug}.nimbalo.app if that helps.",
]
TICKET_CLOSINGS = ["Thanks,\n{name}", "Thanks in advance.", "Cheers,\n{name}", "Regards,\n{name} {initial}.",
                   "Best,\n{name}", "", "thx", "Thank you,\n{name}", "{name}", "Kind regards,\n{name}"]
REPLY_ACKS = ["thanks for getting in touch about {topic}.", "thank you for writing to us about {topic}.",
              "thanks for the details on {topic}.", "thanks for reaching out about {topic}."]
# Disjoint first-name pools: eval customers never appear in train.
NAMES_TRAIN = ("Dana Priya Tomasz Aiko Mateo Grace Olu Sven Leila Marcus Ines Kofi Hannah Ravi "
               "Elena Jonas Amara Chen Lucia Omar Freya Diego Nadia Pavel Sofia Kwame Ingrid Arjun "
               "Maya Bruno Zainab Felix Yara Hugo Mei Tariq Clara Emeka Rosa Anton Keiko Liam "
               "Fatima Nils Beatriz Samir Alma Jorge").split()
NAMES_EVAL = ("Wiktor Ngozi Astrid Rahul Camila Idris Saoirse Kenji Malia Bastien Thandi Mirela "
              "Osman Linnea Farid Greta Tomas Aylin Rohan Esther Joaquin Hana Kalani Sergei").split()
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
TIMES = ["9am", "about 8:30 this morning", "lunchtime", "an hour ago", "early this morning",
         "10:15 our time", "the start of the day"]
# fmt: on


def _scenario_fact(world: World, sc: TicketScenario, plan: str, which: str) -> Fact | None:
    """The customer-visible fact a scenario names (``which`` = "fact" or "code"), or None."""
    ref = sc.code if which == "code" or sc.fact == "code" else sc.fact
    if ref is None:
        return None
    key, subj = ref
    subj = subj.replace("{plan}", plan) if subj else None
    hits = [
        f
        for f in world.facts
        if f.attr_key == key
        and f.access != "internal"
        and (subj is None or subj.lower() in f.subject.lower())
    ]
    assert len(hits) == 1, (sc.key, ref, [f.id for f in hits])
    return hits[0]


def _typo(text: str, rng: random.Random) -> str:
    """Swap two inner letters of one lowercase word (>= 5 letters): a realistic slip."""
    words = [m for m in re.finditer(r"\b[a-z]{5,}\b", text)]
    if not words:
        return text
    m = rng.choice(words)
    w = m.group()
    i = rng.randint(1, len(w) - 3)
    w2 = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    return text[: m.start()] + w2 + text[m.end() :]


def _ticket_text(sc: TicketScenario, split: str, name: str, plan: str, code: str, rng) -> tuple:
    """(subject, body) for one ticket of ``sc``; eval uses the held-out wordings."""
    subject = sc.subjects[-1] if split == "eval" else rng.choice(sc.subjects[:-1])
    problem = sc.problems[-1] if split == "eval" else rng.choice(sc.problems[:-1])
    seats = rng.randint(*SEATS[plan])
    slots = {
        "code": code,
        "plan": plan,
        "name": name,
        "initial": rng.choice("ABCDEFGHJKLMNPRSTW"),
        "seats": str(seats),
        "seats2": str(seats - rng.randint(1, min(5, seats - 1))),
        "n": str(rng.randint(3, 40) * 10 + rng.randint(1, 9)),
        "amount": f"${rng.randint(40, 2400):,}.{rng.choice(['20', '40', '60', '80', '50'])}",
        "date": f"{rng.choice(MONTHS)} {rng.randint(1, 28)}",
        "month": rng.choice(MONTHS),
        "time": rng.choice(TIMES),
        "biz": rng.choice(TICKET_BIZ),
        "slug": name.lower() + rng.choice(["-team", "co", "-hq", "works"]),
    }
    parts = []
    if rng.random() < 0.7:
        parts.append(rng.choice(TICKET_CONTEXT))
    parts.append(problem)
    pool = sc.signals[0] if sc.signals else ("security" if sc.category == "security" else "")
    if sc.category == "how-to":
        pool = "question"
    extras = rng.sample(TICKET_EXTRA[pool], k=min(len(TICKET_EXTRA[pool]), rng.choice([1, 1, 2])))
    parts += extras
    pads = rng.sample(TICKET_PAD, len(TICKET_PAD))
    opener, closing = rng.choice(TICKET_OPENERS), rng.choice(TICKET_CLOSINGS)

    def render() -> str:
        body = " ".join(parts)
        if rng.random() < 0.15:
            body = _typo(body, rng)
        chunks = [c for c in (opener, body, closing) if c]
        return _fill("\n\n".join(chunks), **slots)

    text = render()
    while (_words(text) < BODY_WORDS[0] or rng.random() < 0.35) and pads:
        parts.insert(-len(extras), pads.pop())
        text = render()
    while _words(text) > BODY_WORDS[1] and len(parts) > 1 and parts[0] != problem:
        parts.pop(0)
        text = render()
    return _fill(subject, **slots), text


def build_tickets(world: World) -> list[dict]:
    """Support tickets with resolutions (train then eval), from ``random.Random(WORLD_SEED + 2)``.

    Categories are balanced (round robin over a shuffled order), scenarios cycle within their
    category, and priority / escalate come from ``labkit.behaviour``'s rule functions applied to
    the scenario's category and signals. Eval tickets use held-out problem wordings and subjects
    and a disjoint pool of customer names. Replies follow every tone rule and state one
    customer-visible help-center fact (v1 value) where the scenario names one.
    """
    from labkit import behaviour as bh

    rng = random.Random(world.seed + 2)
    by_cat: dict[str, list[TicketScenario]] = {c: [] for c in bh.CATEGORIES}
    for sc in TICKET_SCENARIOS:
        by_cat[sc.category].append(sc)
    out, seen = [], set()
    for split, n in N_TICKETS.items():
        names = NAMES_EVAL if split == "eval" else NAMES_TRAIN
        cats = [bh.CATEGORIES[i % len(bh.CATEGORIES)] for i in range(n)]
        rng.shuffle(cats)
        queues = {c: [] for c in bh.CATEGORIES}
        for cat in cats:
            if not queues[cat]:
                queues[cat] = rng.sample(by_cat[cat], len(by_cat[cat]))
            sc = queues[cat].pop()
            for _ in range(50):  # redraw on the (rare) exact duplicate
                name = rng.choice(names)
                plans = list(sc.plans)
                plan = rng.choices(plans, weights=[PLAN_WEIGHTS[p] for p in plans])[0]
                code_fact = _scenario_fact(world, sc, plan, "code") if sc.code else None
                code = code_fact.value if code_fact else ""
                subject, body = _ticket_text(sc, split, name, plan, code, rng)
                if (subject, body) not in seen:
                    seen.add((subject, body))
                    break
            else:
                raise RuntimeError(f"could not draw a fresh ticket for {sc.key}")
            fact = _scenario_fact(world, sc, plan, "fact")
            priority = bh.priority_rules(sc.category, sc.signals)
            escalate = bh.escalation_rules(sc.category, priority, sc.signals)
            ack = _fill(rng.choice(REPLY_ACKS), topic=sc.topic)
            middle = [ack] + ([fact.sentence] if fact else []) + [sc.action]
            reply = f"Hi {name}, {' '.join(middle)} {bh.SIGN_OFF}"
            n_words = _words(reply)
            assert REPLY_WORDS[0] <= n_words <= REPLY_WORDS[1], (sc.key, n_words, reply)
            assert all(bh.check_tone(reply, name).values()), (sc.key, reply)
            out.append(
                {
                    "split": split,
                    "scenario": sc.key,
                    "customer": name,
                    "plan": plan,
                    "subject": subject,
                    "body": body,
                    "category": sc.category,
                    "priority": priority,
                    "escalate": escalate,
                    "signals": list(sc.signals),
                    "reply": reply,
                    "fact_ids": [fact.id] if fact else [],
                }
            )
    return [{"id": f"tk-{i:04d}", **t} for i, t in enumerate(out, start=1)]


def build_behaviour(tickets: list[dict], split: str) -> list[dict]:
    """Chat records (system, user, assistant) for one split of the tickets."""
    from labkit import behaviour as bh

    return [
        {
            "id": t["id"],
            "messages": [
                {"role": "system", "content": bh.SYSTEM_PROMPT},
                {"role": "user", "content": bh.format_ticket(t)},
                {"role": "assistant", "content": bh.format_label(t)},
            ],
        }
        for t in tickets
        if t["split"] == split
    ]


# --------------------------------------------------------------------------------------------
# Facts as chat examples (claim 3: fine-tuning is a poor way to store facts)
# --------------------------------------------------------------------------------------------


def build_factqa(world: World, questions: list[dict] | None = None) -> dict[str, list[dict]]:
    """{"train": one chat example per v1 fact, "eval": one paraphrase question per fact}.

    Train asks the canonical question: the exact ``single`` question of questions.jsonl when the
    fact has one, else the fact's first question template; the answer is the fact sentence.
    Eval asks the paraphrase: the ``paraphrase`` question of questions.jsonl when there is one
    (``source`` "questions"), else the first paraphrase template ("template"). No RNG is used.
    """
    questions = build_questions(world) if questions is None else questions
    single = {q["fact_ids"][0]: q for q in questions if q["type"] == "single"}
    para = {q["fact_ids"][0]: q for q in questions if q["type"] == "paraphrase"}
    train, evals, asked = [], [], set()
    for f in world.facts:
        q = single[f.id]["question"] if f.id in single else f.questions[0]
        train.append(
            {
                "id": f"fqa-{f.id}",
                "fact_id": f.id,
                "messages": [
                    {"role": "user", "content": q},
                    {"role": "assistant", "content": f.sentence},
                ],
            }
        )
        asked.add(normalize(q))
    for f in world.facts:
        if f.id in para:
            p, source = para[f.id]["question"], "questions"
        else:
            p, source = f.paraphrases[0], "template"
        if normalize(p) in asked:  # never ask an eval question that train already asks
            continue
        asked.add(normalize(p))
        evals.append(
            {
                "id": f"fqe-{f.id}",
                "fact_id": f.id,
                "question": p,
                "answer": f.sentence,
                "must_contain": list(f.must),
                "source": source,
                "access": f.access,
            }
        )
    augmented = _augmented_factqa(world, questions, train, evals)
    return {"train": train, "eval": evals, "augmented": augmented}


GENERIC_FACT_QUESTIONS = (
    "What does the help center say about the {attribute} of {s}?",
    "Quick question about {a}: what is the {attribute}?",
    "Can you tell me the {attribute} for {s}?",
)
"""Attribute-level wordings for the augmented set: every fact gets them, whatever its templates
(56 of the 80 asked facts have a single question template of their own)."""


def _augmented_factqa(
    world: World, questions: list[dict], train: list[dict], evals: list[dict]
) -> list[dict]:
    """Several training phrasings per v1 fact, for the paraphrase-augmented facts adapter.

    Per fact, in order: the canonical question (as in ``train``), every question template with
    the subject's own name, every question template with its alternative name (``{a}``, e.g.
    "Nimbalo's single-user package" for "the Solo plan"), and every paraphrase template. A
    phrasing is dropped when it equals (after :func:`normalize`) any evaluation question that
    names this fact (``questions.jsonl`` of any type, and ``factqa/eval.jsonl``), or an earlier
    phrasing. So the adapter may learn both names of a subject, never an evaluation wording.
    """
    canonical = {r["fact_id"]: r["messages"][0]["content"] for r in train}
    held_out: dict[str, set[str]] = {}
    for q in questions:
        for fid in q["fact_ids"]:
            held_out.setdefault(fid, set()).add(normalize(q["question"]))
    for e in evals:  # factqa/eval.jsonl
        held_out.setdefault(e["fact_id"], set()).add(normalize(e["question"]))
    out = []
    for f in world.facts:
        attr = ATTRS[f.attr_key]
        alias = [_cap(_fill(q, s=f._a, a=f._a)) for q in attr.questions] if f._a != f._s else []
        generic = [
            _cap(_fill(t, s=f._s, a=f._a, attribute=attr.attribute)) for t in GENERIC_FACT_QUESTIONS
        ]
        kinds = (
            [("canonical", canonical[f.id])]
            + [("question", q) for q in f.questions]
            + [("alias_question", q) for q in alias]
            + [("paraphrase", p) for p in f.paraphrases]
            + [("generic", q) for q in generic]
        )
        seen = set(held_out.get(f.id, ()))
        n = 0
        for kind, q in kinds:
            key = normalize(q)
            if key in seen and kind != "canonical":
                continue
            seen.add(key)
            n += 1
            out.append(
                {
                    "id": f"fqa-{f.id}-{n}",
                    "fact_id": f.id,
                    "phrasing": kind,
                    "messages": [
                        {"role": "user", "content": q},
                        {"role": "assistant", "content": f.sentence},
                    ],
                }
            )
    return out


# --------------------------------------------------------------------------------------------
# General-knowledge questions for the forgetting check (hand-written; stable, well-known facts)
# --------------------------------------------------------------------------------------------

# (question, must_contain, topic). Answers are single words or names a small instruct model is
# likely to know; numbers are avoided where a model may write them as words.
# fmt: off
GENERAL_QA = [
    ("What is the capital of France?", ["Paris"], "geography"),
    ("What is the capital of Japan?", ["Tokyo"], "geography"),
    ("What is the capital of Italy?", ["Rome"], "geography"),
    ("What is the capital of Germany?", ["Berlin"], "geography"),
    ("What is the capital of Spain?", ["Madrid"], "geography"),
    ("What is the capital of the United Kingdom?", ["London"], "geography"),
    ("What is the capital of Egypt?", ["Cairo"], "geography"),
    ("What is the capital of Russia?", ["Moscow"], "geography"),
    ("What is the largest ocean on Earth?", ["Pacific"], "geography"),
    ("On which continent is Kenya?", ["Africa"], "geography"),
    ("On which continent is Brazil?", ["South America"], "geography"),
    ("What is the longest river in Africa?", ["Nile"], "geography"),
    ("Which planet is known as the Red Planet?", ["Mars"], "science"),
    ("What is the largest planet in our solar system?", ["Jupiter"], "science"),
    ("Which planet is closest to the Sun?", ["Mercury"], "science"),
    ("What star is at the centre of our solar system?", ["Sun"], "science"),
    ("What gas do plants take in from the air to make food?", ["carbon dioxide"], "science"),
    ("What gas do humans need to breathe in to live?", ["oxygen"], "science"),
    ("What is the chemical symbol for water?", ["H2O"], "science"),
    ("What is the chemical symbol for gold?", ["Au"], "science"),
    ("What is frozen water called?", ["ice"], "science"),
    ("What force pulls objects toward the Earth?", ["gravity"], "science"),
    ("Which organ pumps blood around the human body?", ["heart"], "science"),
    ("Which organ do humans use to think?", ["brain"], "science"),
    ("What do bees make?", ["honey"], "nature"),
    ("What is a baby cat called?", ["kitten"], "nature"),
    ("What is a baby dog called?", ["puppy"], "nature"),
    ("What is the largest animal on Earth?", ["blue whale"], "nature"),
    ("Which animal is known as the king of the jungle?", ["lion"], "nature"),
    ("What colour do you get when you mix blue and yellow?", ["green"], "everyday"),
    ("What colour do you get when you mix red and white?", ["pink"], "everyday"),
    ("What is the opposite of hot?", ["cold"], "language"),
    ("What is the opposite of up?", ["down"], "language"),
    ("What is the plural of mouse?", ["mice"], "language"),
    ("What is the past tense of go?", ["went"], "language"),
    ("Which day comes after Monday?", ["Tuesday"], "everyday"),
    ("Which month comes after January?", ["February"], "everyday"),
    ("Which season comes after winter?", ["spring"], "everyday"),
    ("Who wrote Romeo and Juliet?", ["Shakespeare"], "culture"),
    ("Who painted the Mona Lisa?", ["Leonardo"], "culture"),
    ("What language is mainly spoken in Mexico?", ["Spanish"], "culture"),
    ("What language is mainly spoken in Brazil?", ["Portuguese"], "culture"),
    ("What is the currency of Japan?", ["yen"], "culture"),
    ("In which country are the pyramids of Giza?", ["Egypt"], "history"),
    ("Who was the first person to walk on the Moon?", ["Armstrong"], "history"),
    ("What instrument has black and white keys?", ["piano"], "culture"),
    ("What do you call a shape with three sides?", ["triangle"], "maths"),
    ("What is the name of a shape with eight sides?", ["octagon"], "maths"),
]
# fmt: on


def build_general_qa() -> list[dict]:
    return [
        {"id": f"gq-{i:03d}", "question": q, "must_contain": must, "topic": topic}
        for i, (q, must, topic) in enumerate(GENERAL_QA, start=1)
    ]


def _ticket_counts_block(
    world: World, tickets: list[dict], factqa: dict, general: list[dict]
) -> str:
    from labkit import behaviour as bh

    lines = ["| tickets | train | eval |", "|---|---:|---:|"]

    def row(label, pred):
        tr = sum(pred(t) for t in tickets if t["split"] == "train")
        ev = sum(pred(t) for t in tickets if t["split"] == "eval")
        lines.append(f"| {label} | {tr} | {ev} |")

    for c in bh.CATEGORIES:
        row(f"category `{c}`", lambda t, c=c: t["category"] == c)
    for p in bh.PRIORITIES:
        row(f"priority `{p}`", lambda t, p=p: t["priority"] == p)
    row("escalate `true`", lambda t: t["escalate"])
    row("reply states a fact", lambda t: bool(t["fact_ids"]))
    changed = {f.id for f in world.facts if f.changes_in_v2}
    row("... a fact that changes in v2", lambda t: bool(set(t["fact_ids"]) & changed))
    row("**total**", lambda t: True)
    n_para = sum(e["source"] == "questions" for e in factqa["eval"])
    lines += [
        "",
        f"Scenarios: {len(TICKET_SCENARIOS)}. Fact QA: {len(factqa['train'])} train examples, "
        f"{len(factqa['eval'])} eval questions ({n_para} from questions.jsonl paraphrases). "
        f"General QA: {len(general)} questions.",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def _jsonl(records: list[dict]) -> str:
    # identical to labkit.store.atomic_write_jsonl's serialisation
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records]
    return "\n".join(lines) + ("\n" if lines else "")


def _counts_block(world: World, questions: list[dict]) -> str:
    cats = {}
    acc = {}
    for a in world.articles:
        cats[a.category] = cats.get(a.category, 0) + 1
        acc[a.access] = acc.get(a.access, 0) + 1
    lines = ["| category | articles | facts | changed in v2 |", "|---|---:|---:|---:|"]
    for c in CATEGORY_SLUG:
        fs = [f for f in world.facts if f.category == c]
        lines.append(f"| {c} | {cats.get(c, 0)} | {len(fs)} | {sum(f.changes_in_v2 for f in fs)} |")
    lines.append(
        f"| **total** | {len(world.articles)} | {len(world.facts)} | "
        f"{sum(f.changes_in_v2 for f in world.facts)} |"
    )
    lines += [
        "",
        "Access: "
        + ", ".join(f"{k} {acc.get(k, 0)}" for k in ("public", "customer", "internal"))
        + ".",
        "",
    ]
    lines += ["| question type | dev | test | total |", "|---|---:|---:|---:|"]
    for t in ("single", "paraphrase", "multi", "unanswerable", *HARD_TYPES):
        d = sum(q["type"] == t and q["split"] == "dev" for q in questions)
        e = sum(q["type"] == t and q["split"] == "test" for q in questions)
        lines.append(f"| {t} | {d} | {e} | {d + e} |")
    d = sum(q["split"] == "dev" for q in questions)
    lines.append(f"| **total** | {d} | {len(questions) - d} | {len(questions)} |")
    internal = {a.id for a in world.articles if a.access == "internal"}
    n_int = sum(any(g in internal for g in q["gold_ids"]) for q in questions)
    words = sorted(_words(render_body(world, a, "v1")) for a in world.articles)
    lines += [
        "",
        f"Questions about internal articles: {n_int} ({100 * n_int / len(questions):.1f}%). "
        f"Article length (v1, words): min {words[0]}, median {words[len(words) // 2]}, max {words[-1]}.",
    ]
    return "\n".join(lines)


COUNTS_START, COUNTS_END = "<!-- counts:start (written by build.py) -->", "<!-- counts:end -->"
TICKETS_START = "<!-- ticket-counts:start (written by build.py) -->"
TICKETS_END = "<!-- ticket-counts:end -->"
HARD_START, HARD_END = (
    "<!-- hard-questions:start (written by build.py) -->",
    "<!-- hard-questions:end -->",
)
SECURITY_START = "<!-- security-counts:start (written by build.py) -->"
SECURITY_END = "<!-- security-counts:end -->"


def render_outputs(world: World) -> dict[Path, str]:
    """Every generated file (path -> exact text). DATASHEET.md only gets its counts block replaced."""
    questions = build_questions(world)
    out = {
        DATA_DIR / "helpcenter" / "v1" / "articles.jsonl": _jsonl(build_articles(world, "v1")),
        DATA_DIR / "helpcenter" / "v1" / "facts.jsonl": _jsonl(build_facts(world, "v1")),
        DATA_DIR / "helpcenter" / "v2" / "articles.jsonl": _jsonl(build_articles(world, "v2")),
        DATA_DIR / "helpcenter" / "v2" / "facts.jsonl": _jsonl(build_facts(world, "v2")),
        DATA_DIR / "helpcenter" / "v2" / "changes.jsonl": _jsonl(build_changes(world)),
        DATA_DIR / "questions" / "questions.jsonl": _jsonl(questions),
    }
    tickets = build_tickets(world)
    factqa = build_factqa(world, questions)
    general = build_general_qa()
    out |= {
        DATA_DIR / "tickets" / "tickets.jsonl": _jsonl(tickets),
        DATA_DIR / "tickets" / "behaviour_train.jsonl": _jsonl(build_behaviour(tickets, "train")),
        DATA_DIR / "tickets" / "behaviour_eval.jsonl": _jsonl(build_behaviour(tickets, "eval")),
        DATA_DIR / "factqa" / "train.jsonl": _jsonl(factqa["train"]),
        DATA_DIR / "factqa" / "eval.jsonl": _jsonl(factqa["eval"]),
        DATA_DIR / "factqa" / "train_augmented.jsonl": _jsonl(factqa["augmented"]),
        DATA_DIR / "general" / "general_qa.jsonl": _jsonl(general),
    }
    clean = [render_body(world, a, v) for a in world.articles for v in ("v1", "v2")]
    clean += [t["subject"] + "\n" + t["body"] + "\n" + t["reply"] for t in tickets]
    security = render_security(world, questions, tickets, clean)  # datasets/security.py
    out |= {DATA_DIR / "security" / name: _jsonl(recs) for name, recs in security.items()}
    sheet = DATA_DIR / "DATASHEET.md"
    if sheet.is_file():
        text = sheet.read_text(encoding="utf-8")
        blocks = [
            (COUNTS_START, COUNTS_END, _counts_block(world, questions)),
            (TICKETS_START, TICKETS_END, _ticket_counts_block(world, tickets, factqa, general)),
            (HARD_START, HARD_END, hard_block(world, questions)),
            (SECURITY_START, SECURITY_END, security_block(security)),
        ]
        for start, end, block in blocks:
            if start in text and end in text:
                head, rest = text.split(start, 1)
                _, tail = rest.split(end, 1)
                text = f"{head}{start}\n{block}\n{end}{tail}"
        out[sheet] = text
    return out


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
