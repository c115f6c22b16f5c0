"""Support-ticket scenarios: billing and bug tickets.

Part of the Nimbalo generator (``datasets/build.py``); joined into ``TICKET_SCENARIOS`` by
:mod:`nimbalo.tickets` (the order of the scenarios is the order of the draws).
"""

from __future__ import annotations

from .tickets_base import PAID, TEAMS, TicketScenario, scenario_adder

SCENARIOS: list[TicketScenario] = []
_scen = scenario_adder(SCENARIOS)

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
# fmt: on
