"""Support tickets for the behaviour task (notebooks 04-05; contract in docs/design-finetune.md).

Part of the Nimbalo generator (``datasets/build.py``): ``datasets/tickets/``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from .world import Fact, World, _fill, _words

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

    ``signals`` (see labkit.finetune.behaviour.SIGNALS) decide priority and escalation through the rule
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
    category, and priority / escalate come from ``labkit.finetune.behaviour``'s rule functions applied to
    the scenario's category and signals. Eval tickets use held-out problem wordings and subjects
    and a disjoint pool of customer names. Replies follow every tone rule and state one
    customer-visible help-center fact (v1 value) where the scenario names one.
    """
    from labkit.finetune import behaviour as bh

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
    from labkit.finetune import behaviour as bh

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
