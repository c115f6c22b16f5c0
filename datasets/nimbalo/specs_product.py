"""Article specs for features and limits-quotas.

Part of the Nimbalo generator (``datasets/build.py``); joined into ``SPECS`` by
:mod:`nimbalo.specs` (the order of the articles is the order of the draws).
"""

from __future__ import annotations

from .specs_base import CUS, INT, F, Spec, spec_rows

# fmt: off

SPECS: dict[str, list[Spec]] = {
    "features": spec_rows(
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
    "limits-quotas": spec_rows(
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
}
