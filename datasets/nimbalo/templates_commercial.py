"""Attribute templates for plans-pricing and billing-refunds articles.

Part of the Nimbalo generator (``datasets/build.py``); joined into ``ATTRS`` by
:mod:`nimbalo.templates` (the order of the tables is the order of the draws).
"""

from __future__ import annotations

from .templates_base import Attr, attr_adder

ATTRS: dict[str, Attr] = {}
_attr = attr_adder(ATTRS)

# fmt: off
# (data tables: one attribute per block is easier to read than the formatter's layout)
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
# fmt: on
