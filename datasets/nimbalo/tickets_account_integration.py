"""Support-ticket scenarios: account and integration tickets.

Part of the Nimbalo generator (``datasets/build.py``); joined into ``TICKET_SCENARIOS`` by
:mod:`nimbalo.tickets` (the order of the scenarios is the order of the draws).
"""

from __future__ import annotations

from .tickets_base import TEAMS, TicketScenario, scenario_adder

SCENARIOS: list[TicketScenario] = []
_scen = scenario_adder(SCENARIOS)

# fmt: off
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
# fmt: on
