"""Support-ticket scenarios: how-to and security tickets.

Part of the Nimbalo generator (``datasets/build.py``); joined into ``TICKET_SCENARIOS`` by
:mod:`nimbalo.tickets` (the order of the scenarios is the order of the draws).
"""

from __future__ import annotations

from .tickets_base import PAID, TicketScenario, scenario_adder

SCENARIOS: list[TicketScenario] = []
_scen = scenario_adder(SCENARIOS)

# fmt: off
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
# fmt: on
