"""Article specs for troubleshooting, integrations, security-compliance and release-notes.

Part of the Nimbalo generator (``datasets/build.py``); joined into ``SPECS`` by
:mod:`nimbalo.specs` (the order of the articles is the order of the draws). The release-notes
specs are built from :data:`RELEASES`.
"""

from __future__ import annotations

from .specs_base import CUS, INT, F, Spec, spec_rows

# fmt: off

SPECS: dict[str, list[Spec]] = {
    "troubleshooting": spec_rows(
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
    "integrations": spec_rows(
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
    "security-compliance": spec_rows(
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
