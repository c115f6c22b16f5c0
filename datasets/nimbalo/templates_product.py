"""Attribute templates for features and limits-quotas articles.

Part of the Nimbalo generator (``datasets/build.py``); joined into ``ATTRS`` by
:mod:`nimbalo.templates` (the order of the tables is the order of the draws).
"""

from __future__ import annotations

from .templates_base import Attr, attr_adder

ATTRS: dict[str, Attr] = {}
_attr = attr_adder(ATTRS)

# fmt: off
# (data tables: one attribute per block is easier to read than the formatter's layout)
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
# fmt: on
