"""Attribute templates for troubleshooting, integrations, security-compliance and release-notes articles.

Part of the Nimbalo generator (``datasets/build.py``); joined into ``ATTRS`` by
:mod:`nimbalo.templates` (the order of the tables is the order of the draws).
"""

from __future__ import annotations

from .templates_base import Attr, attr_adder

ATTRS: dict[str, Attr] = {}
_attr = attr_adder(ATTRS)

# fmt: off
# (data tables: one attribute per block is easier to read than the formatter's layout)
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
