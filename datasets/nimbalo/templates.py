"""Attribute templates: how each kind of fact is stated, asked and paraphrased, per category.

Part of the Nimbalo generator (``datasets/build.py``); :mod:`nimbalo.world` draws facts from them.
"""

from __future__ import annotations

from dataclasses import dataclass

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
