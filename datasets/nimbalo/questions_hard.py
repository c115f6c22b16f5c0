"""Harder evaluation questions: customer-worded, hard paraphrase and cross-article (issue 10 §2).

The course's ``single``/``paraphrase`` questions keep the subject's name, so BM25 and the reader
find them easily. This module adds three classes that do not, appended after the existing rows
of ``datasets/questions/questions.jsonl`` (existing rows stay byte-identical):

- ``customer``: first person, a situation and a question, as a customer writes to support; the
  subject is described rather than named with the article title's words where avoidable.
- ``hard_paraphrase``: avoids every content word of the gold article's title and of the fact's
  key nouns (content words of its ``subject`` and ``attribute``); wordings follow
  :data:`SYNONYMS`. :func:`build_hard_questions` asserts the rule on every build.
- ``cross_article``: needs one fact from each of two different articles.

Every question below is hand-written for a v1 fact (no generated wording); answers, gold ids and
``must_contain`` come from the facts, exactly as ``build_questions`` sets them. Splits: per class,
a ``random.Random(WORLD_SEED + 10)`` draw puts half of the rows (rounded down) in ``dev``, for
calibration only, and the rest in ``test``, like the older types' 50/50 split. Imported by ``datasets/build.py``; the questions are first used in
notebooks 02 (retrieval) and 03 (generation). Described in ``datasets/DATASHEET.md``.
"""

from __future__ import annotations

import random
import re

__all__ = [
    "HARD_TYPES",
    "build_hard_questions",
    "content_words",
    "key_nouns",
    "hard_block",
]

HARD_TYPES = ("customer", "hard_paraphrase", "cross_article")
SEED_OFFSET = 10  # RNG = random.Random(WORLD_SEED + 10); build.py reserves +3.. for other sets
DEV_SHARE = 2  # one row in DEV_SHARE goes to dev (rounded down): 50/50 like the other types

# Function words ignored by the overlap rule (lowercase, after plural-'s' stripping).
STOPWORDS = frozenset(
    "a an the and or of for to in on at by with from into over per vs your you i we my our us "
    "it its is are be do does can how many much what which when where who why that this there "
    "after before than s".split()
)


def content_words(text: str) -> set[str]:
    """Lowercased word tokens minus :data:`STOPWORDS`, a final plural 's' stripped ("refunds" ->
    "refund"). Digits count as words, so "4.4" in a title forbids the token "4"."""
    words = set()
    for w in re.findall(r"[a-z0-9]+", text.lower()):
        if w in STOPWORDS:
            continue
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        if w not in STOPWORDS:
            words.add(w)
    return words


def key_nouns(subject: str, attribute: str) -> set[str]:
    """A fact's key nouns: the content words of its subject and attribute."""
    return content_words(subject) | content_words(attribute)


# fmt: off
# (hand-written data tables; one question per line reads better than the formatter's layout)
# fact id -> question. Internal-article facts are asked as a customer would ask about the policy.
CUSTOMER = {
    "f-pricing-001-1": "I'm a freelancer working on my own and want the plan meant for one person, paying month to month. What will that cost me each month?",
    "f-pricing-002-3": "We're a tiny team of two and were looking at the cheapest paid tier above the single-user one. Is there a minimum number of seats we'd have to buy?",
    "f-pricing-003-2": "Our group of twelve is about to sign up for the mid-sized tier and we'd happily commit for a year if it's cheaper. What's the per-person monthly price if we pay yearly?",
    "f-pricing-004-4": "Before I convince my boss to buy the tier with audit logs, I want to try it out properly. How many days do we get to test it for free?",
    "f-pricing-005-2": "We're a company of about 40 people and our IT lead wants the top plan with all the security bells and whistles. Is there a minimum headcount we need to buy for that?",
    "f-pricing-007-2": "We work with loads of outside contractors and keep running out of spots for them. If we buy the add-on for extra outside collaborators, how many more do we get?",
    "f-pricing-008-3": "We only need extra disk space for one short project. If I buy the extra-space add-on, how long am I locked in for at minimum?",
    "f-pricing-010-1": "Our tickets sometimes wait too long and my manager asked about paying for faster help. How much is the premium support add-on per month?",
    "f-pricing-013-2": "I run a small charity and heard you have a discount for organisations like ours. Is there a limit on how many seats the discount covers?",
    "f-pricing-014-2": "I teach at a university and we got the discount for schools. How long does that reduced price last before we go back to normal pricing?",
    "f-pricing-019-2": "Half of our company only needs to look at boards, never edit them. How many of those read-only people can we add without paying anything?",
    "f-pricing-020-1": "Our sales rep said they could 'probably' get us a better deal. How big a discount can a rep sign off on by themselves, without asking their manager?",
    "f-billing-001-1": "We paid yearly and want out after three weeks. Can we still get our money back, and how long do we have to ask?",
    "f-billing-002-1": "I signed up for a month-to-month plan on Monday and already realised it's not for us. How many days do I have to request a refund?",
    "f-billing-004-1": "Support approved my refund this morning. How soon should the money show up back on my card?",
    "f-billing-006-1": "Our company card expired and the last charge didn't go through. How long before we lose access to our workspace?",
    "f-billing-007-1": "Our account went read-only because an invoice wasn't paid. How long do we have before it gets suspended completely?",
    "f-billing-008-1": "Our finance team hates card payments and wants to be invoiced instead. How many days would we have to pay each invoice?",
    "f-billing-009-1": "We're on yearly billing but want to move to monthly payments when we renew. How close to the renewal can we still make that switch?",
    "f-billing-012-1": "My colleague disputed one of your charges with our bank by mistake and now we can't get in. How long does that lock last?",
    "f-billing-016-1": "We're shutting down our workspace next month but might need our boards again later. How long do you keep our data after we cancel?",
    "f-billing-017-1": "We cancelled last week and now the team wants to come back. Is there a deadline for bringing the old workspace back to life?",
    "f-billing-014-1": "I got some free credit from a promo at a conference. Does it expire, and if so after how long?",
    "f-billing-020-1": "I was charged twice and the agent said they can give me a goodwill refund on the spot. What's the most they're allowed to refund without escalating?",
    "f-features-001-2": "I'm on the free tier and accidentally wiped half of a doc. How far back can I go to restore an older copy?",
    "f-features-005-1": "I deleted a board I thought we didn't need and now my boss wants it back. How long do deleted things stick around before they're gone for good?",
    "f-features-006-1": "I posted a comment with a typo and the edit button vanished. How long after posting can I still change what I wrote?",
    "f-features-007-1": "I want to hide a card until a project restarts in spring. What's the longest I can push a card out of sight?",
    "f-features-008-1": "I'm turning our handbook into a PDF for new hires and it keeps getting cut off. Is there a maximum number of pages?",
    "f-features-012-1": "We're running a big customer survey through one of your forms. How many submissions can a single form take?",
    "f-features-013-1": "The charts on our dashboard look out of date compared with the boards. How often do they refresh?",
    "f-features-015-1": "I shared a board with a client using a link. When will that link stop working?",
    "f-features-016-1": "I forgot to stop my timer on a card last night. Does it keep running forever, or is there a point where it stops on its own?",
    "f-features-019-1": "I forward client emails straight into our board. What's the biggest attachment that can come through that way?",
    "f-features-022-1": "Our team uses the AI assistant all day and it suddenly stopped answering. Is there a daily cap on AI requests for a workspace?",
    "f-limits-001-1": "Our developer is building a sync script against your API. How many calls per minute can one token make?",
    "f-limits-003-1": "I'm trying to attach a long screen recording to a card and it won't go through. What's the largest file I can upload?",
    "f-limits-004-1": "We track every support case as a card and one board keeps growing. How many cards can a single board hold?",
    "f-limits-006-1": "We're a volunteer group using the version that costs nothing. How many people can we invite before we have to pay?",
    "f-limits-008-1": "We keep all the photos from a site visit on one card. How many files can I attach to a single card?",
    "f-limits-010-1": "We want to invite every client contact to one shared board. How many outside people can one board have?",
    "f-limits-011-1": "I'm moving our old spreadsheet of tasks into your tool. How many lines can one spreadsheet upload have?",
    "f-limits-013-1": "I tried to paste a long write-up as a comment and it got rejected. How long can a comment be?",
    "f-limits-016-1": "I'm logged in on my laptop, my phone, two tablets and several browsers. How many places can I be signed in at once?",
    "f-limits-017-1": "Our launch checklist is huge. How many items can one checklist hold?",
    "f-limits-020-1": "I'd like a rule that runs every five minutes to tidy up a board. What's the shortest schedule you allow?",
    "f-limits-021-2": "We asked support to raise our quota and they passed it on to engineering. How long does that review usually take?",
    "f-troubleshooting-002-2": "I typed my password wrong too many times and now I can't get in. How long do I have to wait before I can try again?",
    "f-troubleshooting-003-1": "I started a full export of our workspace and it's been spinning for ages. How long will it run before it gives up?",
    "f-troubleshooting-005-1": "One of my rules keeps failing because a field got renamed. How many failures in a row before it gets switched off?",
    "f-troubleshooting-007-1": "Our field staff have old phones with an outdated version of your app and can't log in. What's the oldest version that still works?",
    "f-troubleshooting-013-1": "Our integration keeps getting 'too many requests' back from your API. How long should it wait before trying again?",
    "f-troubleshooting-015-1": "I invited a new hire on Friday, they only tried the link on Monday, and it didn't work. How long are those invites valid?",
    "f-troubleshooting-016-1": "My authenticator codes keep getting rejected and I think my phone's clock is off. How much clock difference do you tolerate?",
    "f-troubleshooting-017-1": "I just created a card and it doesn't show up when I search for it. How long until new things appear in search?",
    "f-troubleshooting-008-1": "Our server was down for an hour and we think we missed some webhook events. How many times do you retry a failed delivery?",
    "f-troubleshooting-019-1": "I re-ran an import to add a few new rows and it stopped with an error about duplicates. Which error code is that?",
    "f-troubleshooting-021-1": "My ticket got escalated to the second line of support. How long until someone there picks it up?",
    "f-integrations-001-1": "We want updates from one board to go to several of our Slack channels. How many channels can one board post to?",
    "f-integrations-003-3": "We're hooking up Jira Cloud to our workspace for the first time. How far back will it pull in existing issues?",
    "f-integrations-006-2": "Our sales team wants their CRM records linked on a board. How many Salesforce records can one board link to?",
    "f-integrations-010-1": "When I attach a big video from Google Drive, does it get copied into your storage or just linked? At what size does that change?",
    "f-integrations-014-1": "I moved a meeting in my Google Calendar and the board still shows the old time. How often does that sync run?",
    "f-integrations-015-2": "Our Outlook calendar connection seems to drop now and then. How many failed syncs before it disconnects itself?",
    "f-integrations-017-1": "My Zapier workflow only seems to pick up new cards every so often. How often does it sync?",
    "f-integrations-018-1": "We're finally leaving Trello and have a massive board. How many cards can come across in one go?",
    "f-integrations-013-2": "We just connected Zoom. How much of our past meeting history will show up?",
    "f-integrations-008-1": "Our helpdesk in Zendesk and our board seem out of step. How often do they sync?",
    "f-integrations-020-2": "We built an app for your marketplace and submitted it to the partner program. How long does the review take?",
    "f-security-001-1": "Our auditor wants to see who changed what last spring. We're on the Business tier: how long are audit log entries kept?",
    "f-security-002-1": "We're a German company and our data has to stay in Europe. If we pick the EU region, which city is our data actually stored in?",
    "f-security-003-1": "I'm setting a new password and it keeps saying it's too short. How many characters does it need?",
    "f-security-004-1": "I leave the web app open in a tab all week. How long can I be inactive before it logs me out?",
    "f-security-005-1": "I'm turning on two-step login and I'm worried about losing my phone. How many backup codes do I get?",
    "f-security-009-2": "Someone on our team wrecked a board three weeks ago. How long do you keep backups, in case we need an old state?",
    "f-security-010-1": "We asked you to delete all our data. How long until it's gone from your backups too?",
    "f-security-012-1": "Our legal team asks: if there's ever a breach affecting our data, how quickly would you tell us?",
    "f-security-013-1": "Our IT team wants to restrict logins to our office networks. How many IP ranges can we add to the allowlist?",
    "f-security-017-1": "I sent a request to see all the personal data you hold about me. How long do you have to respond?",
    "f-security-021-1": "If one of your engineers needs to look inside our workspace to fix a bug, how long does their access last?",
    "f-releases-003-1": "We've been using repeating cards for a while now. Which version of the app first added them?",
    "f-releases-005-3": "Search used to ignore letters with accents in our French team names. Which patch fixed that?",
    "f-releases-011-2": "I'd like to keep some cards visible only to me. Which release introduced that?",
    "f-releases-016-2": "I want to put a board on my phone's home screen. Which version brought in that widget?",
    "f-releases-020-1": "Our IT team doesn't like surprise updates and asked about the slower update track for big companies. How long are updates held back on it?",
    "f-releases-013-3": "Our billing page showed the wrong number of seats for a while. In which patch was that fixed?",
    "f-pricing-006-3": "We'd like to try the add-on that gives us more automation runs before committing. How long is the trial?",
    "f-pricing-009-1": "My manager wants fancier dashboards and reports. What does the analytics add-on cost each month?",
    "f-pricing-015-3": "We're a three-person startup and got accepted into your startup discount. How many months does the discount run?",
    "f-billing-010-2": "We're a registered charity and sent you our tax-exempt certificate. How long does it take you to review it?",
    "f-billing-013-1": "We keep hiring in the middle of our contract and adding people. How often do you bill us for the extra seats?",
    "f-features-004-1": "I want a card that recreates itself every hour for our on-call checks. What's the shortest repeat interval?",
    "f-features-011-1": "Our workshop whiteboard is getting crowded with sticky notes. How many objects can one whiteboard hold?",
    "f-limits-002-1": "Our dev team keeps adding webhooks for every little thing. Is there a cap on how many one workspace can have?",
    "f-limits-012-1": "We connect a lot of tools to our workspace. How many integrations can we have connected at the same time?",
    "f-troubleshooting-006-1": "My email digests sometimes arrive really late. What's the longest they can be delayed?",
    "f-troubleshooting-010-1": "My spreadsheet import failed and the report only lists some of the errors. How many errors does it show?",
    "f-integrations-002-2": "We use Microsoft Teams and updates from our board show up there with a delay. How often does it sync?",
    "f-security-009-1": "Before I move our whole company onto your platform I need to know how often you back up our data. How often is that?",
    "f-releases-009-3": "Guest invites we sent used to arrive without a subject line. Which patch fixed that?",
    "f-security-016-1": "Our data protection officer wants advance warning whenever you add a new subprocessor. How much notice do you give?",
}

# fact id -> question avoiding the gold title's and the fact's key nouns' content words.
HARD = {
    "f-pricing-001-1": "What does the one-person tier cost for each user if I pay month by month?",
    "f-pricing-002-4": "How many days can a new team test the entry-level paid tier before being charged?",
    "f-pricing-003-3": "How many outside collaborators come bundled with the mid-level tier, the one between Starter and Business?",
    "f-pricing-004-1": "On the tier above Team, what is the month-to-month charge for every user?",
    "f-pricing-005-3": "How many outside collaborators are bundled with the top tier for big organisations?",
    "f-pricing-006-1": "What does the bolt-on with extra workflow rule executions cost each month?",
    "f-pricing-008-2": "If I buy the extra disk-space bolt-on, how much room does it give the whole workspace?",
    "f-pricing-009-3": "How long can I try out the bolt-on that brings custom reporting dashboards before I pay for it?",
    "f-pricing-011-2": "How many AI credits does each user get a month with the AI helper bolt-on?",
    "f-pricing-013-1": "How much cheaper is it for charities and other non-commercial organisations, in percent?",
    "f-pricing-014-1": "What percentage reduction do schools and universities get?",
    "f-pricing-016-2": "After a free-software project asks for the community deal, how long until you decide?",
    "f-pricing-017-1": "From what headcount do big organisations start getting bulk rates?",
    "f-pricing-018-2": "If you raise what we pay, how far ahead do you warn us?",
    "f-pricing-019-1": "What does a read-only user cost once the complimentary ones are used up?",
    "f-pricing-021-1": "Customers still on the old grandfathered tier pay how much for each user?",
    "f-billing-001-1": "If I paid for a whole year up front and change my mind, how long do I have to ask for my money back?",
    "f-billing-003-1": "How many days after buying an optional extra can I still get reimbursed?",
    "f-billing-005-1": "When I move to a cheaper tier and get a balance for the unused time, how long can I spend that balance?",
    "f-billing-006-2": "After a charge bounces, how long do you wait before trying the same bank details again?",
    "f-billing-008-2": "How big does our deal have to be before you'll send us bills we settle by bank transfer?",
    "f-billing-010-1": "After I enter my EU business registration number for value-added levies, how long until it is confirmed?",
    "f-billing-011-1": "Paying from abroad by bank transfer: what extra charge do you add?",
    "f-billing-013-1": "If we bring on new colleagues partway through our contract, how often do you reconcile what we owe for them?",
    "f-billing-014-2": "What is the most money a single voucher can put on my balance?",
    "f-billing-015-1": "How far back can I grab proof-of-purchase documents for my past charges?",
    "f-billing-018-1": "How often may we switch whether we're charged in dollars, euros or pounds?",
    "f-billing-019-2": "For the biggest corporate contracts, how much can the yearly price go up when the deal rolls over?",
    "f-billing-021-1": "How many days overdue does an unpaid account get before it goes to the debt agency?",
    "f-billing-022-1": "How many reimbursements in twelve months can one customer receive before staff investigate them for abuse?",
    "f-features-001-1": "On a paying tier, how far back can I roll a page of writing to an earlier state?",
    "f-features-002-1": "How many ready-made starting layouts ship with the product?",
    "f-features-003-1": "How many actions can one workflow rule chain together?",
    "f-features-004-1": "What is the most frequent a task can repeat itself automatically?",
    "f-features-009-1": "How many months ahead can the Gantt-style schedule display?",
    "f-features-010-1": "How many words can the AI helper's digest of a long page run to at most?",
    "f-features-011-1": "How many shapes and sticky notes fit on one freeform drawing canvas?",
    "f-features-014-1": "How often does the phone application bundle alerts into one roundup?",
    "f-features-015-2": "Once an outside visitor opens a shared URL, how long do they stay signed in?",
    "f-features-017-1": "How many other tasks can hold up a single task?",
    "f-features-018-1": "How many user-defined attributes can one kanban space carry?",
    "f-features-020-1": "How many months of usage statistics for our whole organisation account can we look back over?",
    "f-features-021-1": "When a new capability is released in stages, how long does each stage last?",
    "f-limits-001-2": "How many calls can a developer fire off in a quick spike above the steady per-minute ceiling?",
    "f-limits-002-2": "How many seconds does your outgoing event callback wait for my server to answer?",
    "f-limits-004-2": "How many tasks can I change at once in a single mass update?",
    "f-limits-006-3": "How much disk space does a workspace get altogether if nobody pays anything?",
    "f-limits-007-1": "How many paragraphs, images and other content pieces can a single page of writing contain?",
    "f-limits-009-1": "How many lines can a spreadsheet download of a board contain?",
    "f-limits-012-1": "How many third-party apps can be hooked up to one organisation account at the same time?",
    "f-limits-014-1": "What is the most alert messages sent to one inbox in sixty minutes?",
    "f-limits-015-1": "How many self-defined permission sets can an organisation create?",
    "f-limits-018-1": "How many characters can a card or board name have?",
    "f-limits-019-1": "On the biggest corporate tier, how many developer calls a minute are allowed for each access key?",
    "f-limits-022-2": "When too many new accounts come from one address and it gets cut off, how long does that ban last?",
    "f-troubleshooting-001-1": "What NB number do I see when something I attach is too big to go through?",
    "f-troubleshooting-002-1": "How many wrong passwords in a row until the account is frozen?",
    "f-troubleshooting-004-1": "Which NB number shows up when my colleague and I change one paragraph of a page simultaneously?",
    "f-troubleshooting-006-1": "How long can a roundup of alerts sent to my inbox be held up at most?",
    "f-troubleshooting-010-1": "When a spreadsheet upload goes wrong, how many problems does the summary show?",
    "f-troubleshooting-011-1": "At how many tasks does a big kanban space start showing them page by page?",
    "f-troubleshooting-013-2": "Which NB number do developers get when their key is slowed down for calling excessively?",
    "f-troubleshooting-018-1": "What's the earliest build of the computer application that still upgrades itself?",
    "f-troubleshooting-020-1": "When automatic user syncing from our identity provider hits a problem, how soon is the call attempted again?",
    "f-troubleshooting-022-1": "How often do staff re-check the canned replies agents use?",
    "f-integrations-012-1": "How often do frames from the browser-based UI mockup app refresh on a board?",
    "f-integrations-020-1": "What cut of sales do third-party app makers in our marketplace scheme keep?",
    "f-integrations-021-2": "How often do we ping the third-party app links to see whether they still work?",
    "f-security-003-2": "How many of my old login secrets am I barred from using again?",
    "f-security-006-1": "How many days ahead are admins alerted that the identity-provider signing credential for corporate login is running out?",
    "f-security-007-1": "After someone leaves and is removed in our identity provider, how quickly is their login switched off here?",
    "f-security-008-1": "How often are the cryptographic secrets protecting stored data swapped for new ones?",
    "f-security-009-1": "How often is a safety copy of everything taken?",
    "f-security-011-1": "After we ask for the independent auditor's attestation, how many working days until it arrives?",
    "f-security-014-1": "How long can the phone application sit in the background before it asks for my code again?",
    "f-security-015-1": "If a researcher tells you about a vulnerability, how soon do they hear back?",
    "f-security-016-1": "How far ahead are customers told when a new third-party vendor will handle their data?",
    "f-security-018-1": "How often are activity records pushed to our security monitoring platform?",
    "f-security-019-1": "Which permission level may download the record of who did what?",
    "f-security-022-1": "How long does sign-off take when a customer wants a full dump of their information?",
    "f-releases-001-3": "Which point update stopped deadlines moving by twenty-four hours for people in certain regions of the world?",
    "f-releases-004-2": "Which version first let reusable layouts include placeholders that fill in when you create from them?",
    "f-releases-008-1": "In which version could surveys first show different questions depending on earlier answers?",
    "f-releases-010-1": "Which version first let user-defined attributes compute their value from a calculation?",
    "f-releases-012-2": "Which version first let a card appear live on several kanban spaces at once?",
    "f-releases-015-3": "Which point update repaired moving items with a finger on notebooks with touch displays?",
    "f-releases-018-2": "Which version began copying team memberships from an identity provider automatically?",
    "f-billing-002-1": "If I pay month to month and change my mind, how many days do I have to ask for my money back?",
    "f-billing-004-1": "Once my reimbursement is approved, how many working days until the money lands in my bank account?",
    "f-billing-007-1": "When a workspace is frozen to viewing because a bill went unpaid, how many days until it is shut off entirely?",
    "f-billing-017-1": "After we close our account, how many days do we have to bring it back?",
    "f-features-006-1": "How many minutes after posting a remark on a card can I still change its wording?",
    "f-features-008-1": "How many sheets long can a printable copy of a written document be?",
    "f-features-012-1": "How many submissions can one survey accept?",
    "f-limits-003-1": "What's the biggest attachment I can add to a card straight from my computer?",
    "f-limits-010-1": "How many outside visitors can be invited to one kanban space?",
    "f-limits-017-1": "How many tick-box entries fit in one to-do list on a card?",
    "f-security-004-1": "How many hours of inactivity in the browser before I get signed out?",
    "f-security-010-1": "After we ask you to erase everything, how long until it's gone from your safety copies too?",
    "f-security-017-1": "If someone asks what personal information you hold about them, how many days do you have to answer?",
    "f-troubleshooting-016-1": "How many seconds out of sync can my authenticator phone's time be before the one-time numbers stop working?",
}

# (fact id, fact id, question): each pair from two different articles.
CROSS = [
    ("f-billing-001-1", "f-billing-002-1", "How long do I have to ask for a refund on a yearly subscription, compared with a monthly one?"),
    ("f-pricing-003-1", "f-pricing-004-1", "We're choosing between the Team and Business plans on monthly billing. What does a seat cost on each?"),
    ("f-limits-006-3", "f-pricing-008-2", "Our free workspace is nearly full. How much storage do we have now, and how much would the Storage Boost add-on give us?"),
    ("f-limits-003-1", "f-integrations-010-1", "What's the biggest file I can upload directly, and above what size does a file attached from Google Drive get linked instead of copied?"),
    ("f-features-005-1", "f-security-009-2", "If someone deletes a board, how long is it kept in Trash, and how long are backups retained in case we need it after that?"),
    ("f-billing-016-1", "f-billing-017-1", "After we cancel, how long can we still reactivate the workspace, and how long is our data kept?"),
    ("f-pricing-002-4", "f-pricing-004-4", "Which trial is longer, the Starter plan's or the Business plan's? Give both lengths."),
    ("f-integrations-014-1", "f-integrations-015-1", "Do Google Calendar and Outlook Calendar sync at the same pace? How often does each one sync?"),
    ("f-limits-001-1", "f-limits-019-1", "How much higher is the Enterprise API rate limit per token than the standard REST API limit? Give both numbers."),
    ("f-pricing-013-1", "f-pricing-014-1", "Which gives the bigger discount, the nonprofit program or the education program?"),
    ("f-billing-006-1", "f-billing-007-1", "Our payment failed. How long is the grace period, and once we're in read-only mode, how long until the workspace is suspended?"),
    ("f-troubleshooting-002-1", "f-security-003-1", "For our security policy: what's the minimum password length, and how many failed sign-in attempts lock an account?"),
    ("f-features-001-1", "f-features-005-1", "How long is doc version history kept on paid plans, and how long do deleted items stay in Trash?"),
    ("f-pricing-007-1", "f-limits-010-1", "How many guests can one board have, and what does the Guest Pack add-on cost per month?"),
    ("f-integrations-018-1", "f-integrations-019-1", "How many cards can one import run bring in from Trello, and from Asana?"),
    ("f-limits-011-1", "f-limits-009-1", "How many rows can a CSV import file have, and how many rows can a CSV export contain?"),
    ("f-security-010-1", "f-billing-016-1", "After cancelling we asked for our data to be deleted. How long is data retained after cancellation, and how long until a deletion is purged from backups?"),
    ("f-pricing-001-2", "f-pricing-002-2", "On annual billing, what does a seat cost per month on the Solo plan and on the Starter plan?"),
    ("f-features-003-1", "f-limits-020-1", "How many steps can an automation have, and what's the shortest schedule a scheduled automation can run on?"),
    ("f-billing-003-1", "f-billing-004-1", "I bought an add-on by mistake. How long do I have to ask for a refund, and how long does the refund take to arrive?"),
    ("f-integrations-001-1", "f-integrations-002-1", "How many channels can one board post to in Slack, and in Microsoft Teams?"),
    ("f-pricing-009-1", "f-pricing-006-1", "What would Insights Pro and Automations Plus cost per month? Give each price."),
    ("f-troubleshooting-015-1", "f-features-015-1", "How long is an invitation link valid, compared with a guest link to a board?"),
    ("f-limits-006-1", "f-pricing-002-3", "We're a group on the Free plan. How many members does Free allow, and what's the minimum seat count if we move to Starter?"),
    ("f-security-004-1", "f-troubleshooting-002-2", "How long before an idle web session times out, and how long does a sign-in lockout last?"),
    ("f-pricing-005-1", "f-pricing-004-1", "What's the monthly per-seat price of Enterprise versus Business?"),
    ("f-billing-019-1", "f-billing-008-1", "How many days do Enterprise customers have to pay an invoice, compared with the standard invoice payment terms?"),
    ("f-integrations-003-1", "f-integrations-005-1", "Which syncs more often with a board, Jira Cloud or GitLab? Give both intervals."),
    ("f-limits-002-1", "f-troubleshooting-008-1", "How many webhooks can a workspace have, and how many times is a failed webhook delivery retried?"),
    ("f-features-019-1", "f-limits-003-1", "What's the attachment limit for email-to-board, and the maximum upload size for files added directly?"),
    ("f-security-012-1", "f-security-017-1", "How quickly do you notify customers of a breach, and how long do you take to answer a data subject request?"),
    ("f-pricing-015-1", "f-pricing-013-1", "Which is the bigger discount: the startup program's or the nonprofit program's?"),
    ("f-pricing-019-1", "f-pricing-001-1", "How does a paid viewer seat compare in price with a Solo plan seat per month?"),
    ("f-limits-004-1", "f-troubleshooting-011-1", "How many cards can a board hold, and at how many cards does a large board start paging?"),
    ("f-billing-014-1", "f-billing-005-1", "Which expires sooner, promotional credit or the prorated credit from a downgrade? Give both."),
    ("f-features-014-1", "f-troubleshooting-006-1", "How often does the mobile app send notification digests, and what's the maximum delay for email digests?"),
    ("f-integrations-013-2", "f-integrations-007-2", "How many days of history do Zoom and HubSpot import when first connected?"),
    ("f-security-005-1", "f-troubleshooting-016-1", "How many backup codes do I get for two-factor authentication, and how much clock drift is allowed for the codes?"),
    ("f-pricing-017-1", "f-pricing-013-2", "At how many seats does volume pricing start, and what's the seat cap of the nonprofit program?"),
    ("f-features-012-1", "f-releases-008-1", "How many responses can a form collect, and which release added form branching logic?"),
    ("f-releases-003-1", "f-features-004-1", "Which release introduced recurring cards, and what's the shortest interval they can recur at?"),
    ("f-releases-005-2", "f-features-017-1", "In which version did card dependencies arrive, and how many blocking dependencies can one card have?"),
    ("f-releases-007-3", "f-features-008-1", "Which patch fixed broken links in PDF exports, and how many pages can a PDF export have?"),
    ("f-releases-009-2", "f-features-016-1", "Which release added time-tracking timers, and after how many hours does a running timer stop on its own?"),
    ("f-releases-006-1", "f-limits-004-2", "Which release introduced bulk card editing, and how many cards can one bulk edit change?"),
    ("f-releases-019-1", "f-limits-002-2", "Which version introduced signed webhook payloads, and what's the webhook delivery timeout?"),
    ("f-releases-013-1", "f-security-019-1", "Which release added audit log export, and which admin role may export the audit log?"),
    ("f-releases-018-2", "f-security-007-1", "Which release added SCIM group sync, and how long does SCIM deprovisioning take?"),
    ("f-security-002-1", "f-releases-020-1", "For an EU Enterprise customer: in which city is EU data hosted, and how long does the deferred release channel hold updates back?"),
    ("f-pricing-010-2", "f-troubleshooting-021-1", "What's the first-response target for urgent tickets with Priority Support, and what's the tier 2 acknowledgement target for escalations?"),
    ("f-pricing-020-1", "f-pricing-017-2", "How does the biggest discount an account executive may approve compare with the volume discount?"),
    ("f-billing-020-2", "f-billing-002-1", "What's the refund window for monthly subscriptions, and how long is the refund exception window agents can use?"),
    ("f-limits-021-1", "f-limits-001-1", "What's the API rate limit per token, and by how much may support raise a quota without engineering?"),
    ("f-security-020-1", "f-security-012-1", "How fast must a Sev1 page be acknowledged, and what's the breach notification window for customers?"),
    ("f-releases-021-2", "f-releases-006-3", "How long is the hotfix window in the release train, and which patch fixed slow loading of boards with many automations?"),
    ("f-pricing-011-1", "f-features-010-1", "What does the Nimbalo Assist add-on cost per month, and how long can its summaries be?"),
    ("f-pricing-011-2", "f-features-022-1", "How many AI credits per seat does the Assist add-on give, and what's the daily AI request cap per workspace?"),
    ("f-billing-011-2", "f-billing-008-2", "What's the minimum invoice for ACH payment, and the minimum contract value to pay by invoice at all?"),
    ("f-integrations-006-1", "f-integrations-007-1", "Which CRM syncs more often with a board, Salesforce or HubSpot? Give both intervals."),
    ("f-integrations-008-1", "f-integrations-009-1", "How often do Zendesk and Freshdesk each sync with a board?"),
    ("f-integrations-016-2", "f-integrations-008-2", "How many Intercom conversations, and how many Zendesk tickets, can be linked to one board?"),
    ("f-security-006-1", "f-troubleshooting-009-1", "How many days before a SAML certificate expires do admins get a warning, and what error code appears when the SAML response is signed with an expired certificate?"),
    ("f-security-013-1", "f-limits-016-1", "How many IP ranges can we allowlist, and how many concurrent sessions may one user have?"),
    ("f-features-013-1", "f-features-020-1", "How often do dashboards refresh, and how many months of workspace analytics are kept?"),
    ("f-billing-012-1", "f-troubleshooting-014-1", "After a card dispute, how long is the account locked, and what error code do I get if the bank declines the subscription charge?"),
    ("f-pricing-012-2", "f-pricing-010-3", "What's the minimum commitment for Audit Vault compared with Priority Support?"),
    ("f-billing-009-1", "f-pricing-003-2", "We pay yearly for the Team plan. What's the annual per-seat price, and how long before renewal can we still switch to monthly?"),
    ("f-integrations-004-2", "f-integrations-001-2", "How often must the GitHub and the Slack access tokens be refreshed?"),
    ("f-limits-008-1", "f-limits-013-1", "How many attachments can a card hold, and how long can a comment on it be?"),
    ("f-limits-017-1", "f-limits-018-1", "How many items fit in a checklist, and how many characters can a title have?"),
    ("f-features-011-1", "f-releases-007-1", "How many objects can a whiteboard hold, and which release added sticky note clustering?"),
    ("f-features-009-1", "f-releases-003-2", "How many months does the timeline view show, and which release brought the workload heatmap?"),
    ("f-security-008-1", "f-security-009-1", "How often are encryption keys rotated, and how often are backups taken?"),
    ("f-security-015-1", "f-security-016-1", "How long until you first reply to a security report, and how much notice do you give before adding a subprocessor?"),
    ("f-troubleshooting-003-1", "f-limits-009-1", "How long can an export run before it times out, and how many rows can a CSV export have?"),
    ("f-troubleshooting-005-1", "f-features-003-1", "How many consecutive failures pause an automation, and how many steps can an automation have?"),
    ("f-troubleshooting-017-1", "f-features-006-1", "How long until a new card shows up in search, and how long can I edit a comment after posting it?"),
    ("f-billing-010-2", "f-pricing-013-3", "How long does a tax-exemption review take, and how long does the nonprofit program take to review an application?"),
    ("f-pricing-016-1", "f-pricing-015-2", "What are the seat caps of the open source program and of the startup program?"),
    ("f-billing-018-1", "f-billing-015-1", "How often can we change our billing currency, and how far back can receipts be downloaded?"),
    ("f-pricing-018-1", "f-billing-019-2", "How long does price protection last for existing customers, and by how much can Enterprise renewals increase at most?"),
    ("f-troubleshooting-013-1", "f-limits-001-2", "What Retry-After value do throttled API requests get, and how large is the API burst allowance?"),
    ("f-integrations-011-1", "f-integrations-019-2", "Above what size are files linked instead of copied, for OneDrive and for the Asana importer?"),
    ("f-security-021-1", "f-security-022-1", "How long does a staff access grant to customer data last, and how long does approval of a bulk data export take?"),
    ("f-billing-021-2", "f-billing-006-2", "How many payment reminders go out before collections, and how often is a failed card retried?"),
    ("f-features-007-1", "f-releases-001-2", "Which release introduced card snoozing, and what's the longest a card can be snoozed?"),
    ("f-pricing-002-1", "f-pricing-003-1", "What's the monthly per-seat price of the Starter plan, and of the Team plan?"),
    ("f-billing-001-1", "f-pricing-004-2", "If we pay annually for Business, what's the per-seat monthly price, and how long do we have to get a refund if it doesn't work out?"),
    ("f-limits-005-1", "f-pricing-006-2", "How many automation runs a month does the Starter plan include, and how many does the Automations Plus add-on add?"),
    ("f-limits-005-3", "f-limits-020-1", "How many automation runs per month does Business include, and what's the shortest schedule for a scheduled automation?"),
    ("f-pricing-005-3", "f-pricing-003-3", "How many guest accounts come with Enterprise, compared with the Team plan?"),
    ("f-troubleshooting-007-1", "f-troubleshooting-018-1", "What's the oldest mobile app version that can still sign in, and the oldest desktop version that still updates automatically?"),
    ("f-integrations-012-2", "f-integrations-003-2", "How many Figma frames and how many Jira issues can be linked to one board?"),
    ("f-integrations-010-2", "f-integrations-013-1", "How often are the Google Drive and the Zoom access tokens refreshed?"),
    ("f-features-015-2", "f-security-004-1", "How long does a guest session last, compared with the idle timeout of a normal web session?"),
    ("f-limits-014-1", "f-features-014-1", "What's the hourly cap on email notifications, and how often does the mobile app send its digest?"),
    ("f-security-018-1", "f-security-001-2", "How often are audit events streamed to a SIEM, and how long does Enterprise keep audit logs?"),
    ("f-pricing-008-1", "f-pricing-007-1", "What do the Storage Boost and Guest Pack add-ons cost per month?"),
    ("f-billing-022-2", "f-billing-004-1", "How long are payouts held during a fraud review, and how long does a normal refund take to arrive?"),
    ("f-releases-010-2", "f-releases-011-1", "Which releases introduced board archiving rules and mention digests?"),
]

# The wordings the hard paraphrases use instead of a title word or key noun (DATASHEET.md).
SYNONYMS = [
    ("refund", "money back, reimbursed, reimbursement"),
    ("annual / yearly subscription", "paid for a whole year up front"),
    ("plan", "tier"),
    ("seat", "user, person"),
    ("price, pricing", "cost, charge, what we pay"),
    ("monthly", "month by month, each month"),
    ("free trial", "test / try out before being charged"),
    ("guest", "outside collaborator, outside visitor"),
    ("add-on", "bolt-on, optional extra"),
    ("storage", "disk space, room"),
    ("Insights Pro analytics", "custom reporting dashboards"),
    ("Nimbalo Assist", "the AI helper"),
    ("discount", "cheaper, reduction, bulk rates, deal"),
    ("nonprofit", "charities and non-commercial organisations"),
    ("education", "schools and universities"),
    ("open source", "free-software project"),
    ("volume pricing threshold", "from what headcount ... bulk rates"),
    ("notice before a price change", "how far ahead do you warn us"),
    ("viewer", "read-only user"),
    ("legacy Classic plan", "old grandfathered tier"),
    ("downgrade, prorated credit", "move to a cheaper tier, balance for the unused time"),
    ("failed payment, card retry", "a charge bounces, trying the same bank details again"),
    ("invoice billing", "bills we settle by bank transfer"),
    ("VAT ID validation", "EU business registration number for value-added levies ... confirmed"),
    ("international wire fee", "paying from abroad by bank transfer: extra charge"),
    ("seat true-up", "reconcile what we owe for new colleagues"),
    ("promo code, credit", "voucher, balance"),
    ("receipts", "proof-of-purchase documents"),
    ("billing currency", "charged in dollars, euros or pounds"),
    ("Enterprise", "biggest corporate contracts / tier, top tier for big organisations"),
    ("collections", "debt agency"),
    ("refund fraud review", "reimbursements ... staff investigate them for abuse"),
    ("doc, version history", "page of writing, roll back to an earlier state"),
    ("template", "ready-made starting layout, reusable layout"),
    ("automation", "workflow rule"),
    ("recurring card", "a task that repeats itself"),
    ("timeline view", "Gantt-style schedule"),
    ("summary", "digest"),
    ("whiteboard, objects", "freeform drawing canvas, shapes and sticky notes"),
    ("mobile app, notification digest", "phone application, alerts bundled into a roundup"),
    ("guest link, session", "shared URL, stay signed in"),
    ("card (in a title or key noun)", "task"),
    ("dependencies", "tasks that hold up a task"),
    ("custom field", "user-defined attribute"),
    ("board (in a title or key noun)", "kanban space"),
    ("workspace", "organisation account"),
    ("feature rollout ring", "a capability released in stages"),
    ("API rate limit, burst", "developer calls, a quick spike above the steady ceiling"),
    ("webhook", "outgoing event callback"),
    ("bulk edit", "mass update"),
    ("CSV import / export", "spreadsheet upload / download"),
    ("integration", "third-party app hooked up"),
    ("email notifications, hourly", "alert messages to an inbox, in sixty minutes"),
    ("custom role", "self-defined permission set"),
    ("title", "name"),
    ("sign-up abuse block", "too many new accounts from one address ... ban"),
    ("error code", "NB number"),
    ("upload", "attach"),
    ("lockout", "account frozen"),
    ("doc edit conflict", "change one paragraph simultaneously"),
    ("large board paging", "big kanban space showing tasks page by page"),
    ("throttled API token", "key slowed down for calling excessively"),
    ("desktop app update, version", "computer application upgrades itself, build"),
    ("SCIM provisioning", "automatic user syncing from our identity provider"),
    ("support macros", "canned replies"),
    ("partner program, revenue share", "marketplace scheme, cut of sales"),
    ("connector health check", "ping the third-party app links"),
    ("Figma", "browser-based UI mockup app"),
    ("password", "login secret"),
    ("SAML certificate", "identity-provider signing credential for corporate login"),
    ("encryption key rotation", "cryptographic secrets swapped for new ones"),
    ("backup", "safety copy"),
    ("SOC compliance report", "independent auditor's attestation"),
    ("mobile PIN lock", "asks for my code again"),
    ("responsible disclosure, security report", "a researcher tells you about a vulnerability"),
    ("subprocessor", "third-party vendor that handles data"),
    ("SIEM streaming, audit events", "security monitoring platform, activity records"),
    ("audit log, admin role", "record of who did what, permission level"),
    ("bulk data export approval", "sign-off for a full dump of their information"),
    ("release, patch that fixed the bug", "version, point update that repaired / stopped"),
    ("form branching logic", "surveys showing different questions depending on earlier answers"),
    ("cross-board mirrors", "a card appearing live on several kanban spaces"),
    ("custom field formulas", "user-defined attributes computing their value from a calculation"),
    ("SCIM group sync", "copying team memberships from an identity provider"),
]
# fmt: on


def _row(kind: str, question: str, facts: list) -> dict:
    """One question record, built from facts the way ``build_questions`` builds its rows."""
    return {
        "type": kind,
        "question": question,
        "answer": " ".join(f.sentence for f in facts),
        "must_contain": [m for f in facts for m in f.must],
        "gold_ids": list(dict.fromkeys(f.article_id for f in facts)),
        "fact_ids": [f.id for f in facts],
    }


def _check_hard(world, fid: str, question: str) -> None:
    f = world.fact(fid)
    banned = content_words(world.article(f.article_id).title) | key_nouns(f.subject, f.attribute)
    hits = banned & content_words(question)
    assert not hits, f"hard_paraphrase for {fid} uses title / key-noun words {sorted(hits)}"


def build_hard_questions(world) -> list[dict]:
    """The customer, hard_paraphrase and cross_article rows (v1 facts), ids numbered per class.

    ``world`` is build.py's ``World``. Raises AssertionError when a table names an unknown fact,
    a cross pair shares an article, or a hard paraphrase uses a banned word.
    """
    rng = random.Random(world.seed + SEED_OFFSET)
    for fid, q in HARD.items():
        _check_hard(world, fid, q)
    tables = {
        "customer": [(q, [world.fact(fid)]) for fid, q in CUSTOMER.items()],
        "hard_paraphrase": [(q, [world.fact(fid)]) for fid, q in HARD.items()],
        "cross_article": [(q, [world.fact(a), world.fact(b)]) for a, b, q in CROSS],
    }
    for _, (x, y) in tables["cross_article"]:
        assert x.article_id != y.article_id, (x.id, y.id)
    out = []
    for kind in HARD_TYPES:
        rows = tables[kind]
        dev = set(rng.sample(range(len(rows)), len(rows) // DEV_SHARE))
        for i, (q, facts) in enumerate(rows):
            row = _row(kind, q, facts)
            qid = f"q-{kind.replace('_', '-')}-{i + 1:03d}"  # ids allow no "_" (labkit.data)
            out.append({"id": qid, **row, "split": ("test", "dev")[i in dev]})
    return out


def hard_block(world, questions: list[dict]) -> str:
    """Markdown for DATASHEET.md: counts per class/split/access and the synonym table."""
    lines = ["| class | dev | test | total | gold articles: public / customer / internal |"]
    lines.append("|---|---:|---:|---:|---|")
    for kind in HARD_TYPES:
        qs = [q for q in questions if q["type"] == kind]
        d = sum(q["split"] == "dev" for q in qs)
        acc = [world.article(g).access for q in qs for g in q["gold_ids"]]
        lines.append(
            f"| {kind} | {d} | {len(qs) - d} | {len(qs)} | "
            + " / ".join(str(acc.count(a)) for a in ("public", "customer", "internal"))
            + " |"
        )
    lines += ["", "| title word or key noun | wording used instead |", "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in SYNONYMS]
    return "\n".join(lines)
