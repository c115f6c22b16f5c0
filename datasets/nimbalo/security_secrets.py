"""Documents and tickets with planted secrets, and their exact span ground truth.

Part of :mod:`nimbalo.security` (``datasets/security/articles.jsonl``, ``tickets.jsonl`` and
``secrets.jsonl``); the values come from :mod:`nimbalo.security_values`.
"""

from __future__ import annotations

import random
import re

from .security_values import DECOY_TYPE, LAST_NAMES, STAFF_FIRST, UPDATED, _Draw

N_DOCS_PER_ACCESS = 10  # secret articles per access level (public, customer, internal)
N_SECRET_TICKETS = (120, 40)  # (train, eval) tickets copied from tickets.jsonl with secrets


# --------------------------------------------------------------------------------------------
# Text with spans: pieces are appended and the planted values' offsets recorded as we go
# --------------------------------------------------------------------------------------------


def _render(template: str, values: dict[str, tuple[str, str]]) -> tuple[str, list[dict]]:
    """Fill ``{slot}``s of ``template``; values = slot -> (type, text). Returns (text, spans)."""
    out, spans, pos = [], [], 0
    for m in re.finditer(r"\{(\w+)\}", template):
        out.append(template[pos : m.start()])
        kind, text = values[m.group(1)]
        start = sum(map(len, out))
        out.append(text)
        spans.append({"type": kind, "start": start, "end": start + len(text), "text": text})
        pos = m.end()
    out.append(template[pos:])
    return "".join(out), spans


def _shift(spans: list[dict], by: int) -> list[dict]:
    return [{**s, "start": s["start"] + by, "end": s["end"] + by} for s in spans]


def _name_spans(text: str, first: str, full: str) -> list[dict]:
    """PERSON spans: every ``full`` name, then every lone ``first`` name (case-sensitive words)."""
    spans, covered = [], set()
    for m in re.finditer(rf"(?<!\w){re.escape(full)}(?!\w)", text):
        spans.append({"type": "PERSON", "start": m.start(), "end": m.end(), "text": full})
        covered.update(range(m.start(), m.end()))
    for m in re.finditer(rf"(?<![\w-]){re.escape(first)}(?![\w-])", text):
        if m.start() not in covered:
            spans.append({"type": "PERSON", "start": m.start(), "end": m.end(), "text": first})
    return spans


# Secret-bearing sentences (slot {v}); ticket sentences are in the customer's voice.
TICKET_SENTENCES = {
    "EMAIL_ADDRESS": [
        "Please send the invoice to {v} instead of my personal address.",
        "You can reach me at {v} if anything is unclear.",
        "Our finance contact is {v}, please copy them on the reply.",
    ],
    "PHONE_NUMBER": [
        "My direct line is {v} if a call is quicker.",
        "Feel free to call me on {v} before 5pm.",
    ],
    "CREDIT_CARD": [
        "The card we tried was {v}, expiry 08/27.",
        "Can you charge the remaining balance to {v} instead?",
    ],
    DECOY_TYPE: [
        "Our purchase order reference is {v}.",
        "The order number on our side is {v}, in case finance asks.",
    ],
    "IBAN_CODE": [
        "We would like to pay by bank transfer from {v}.",
        "Refunds should go to our company account {v}.",
    ],
    "NIMBALO_API_KEY": [
        "Here is the API key we use, in case it helps: {v}",
        "Our integration sends requests with the key {v} and still gets the error.",
    ],
    "AWS_ACCESS_KEY": [
        "The S3 export is configured with the access key {v}.",
    ],
    "BEARER_TOKEN": [
        "The request header we send is `Authorization: Bearer {v}`.",
    ],
}
REPLY_SENTENCES = {
    "EMAIL_ADDRESS": "We have sent a copy of this reply to {v}.",
    "PHONE_NUMBER": "If you prefer, we can call you back on {v}.",
}
TICKET_WEIGHTS = {  # how often each type is planted in a ticket (relative)
    "EMAIL_ADDRESS": 4,
    "PHONE_NUMBER": 3,
    "CREDIT_CARD": 2,
    DECOY_TYPE: 2,
    "IBAN_CODE": 2,
    "NIMBALO_API_KEY": 2,
    "AWS_ACCESS_KEY": 1,
    "BEARER_TOKEN": 1,
}

# Article sections: (heading, sentence templates); slots {email} {phone} {card} {decoy} {iban}
# {key} {aws} {jwt} {person} {person2}. Access decides which sections an article draws from.
DOC_KINDS = {
    "public": [
        (
            "api-quickstart",
            "integrations",
            "Nimbalo API quickstart ({n})",
            [
                "Every request needs an access token in the header, for example `Authorization: Bearer {jwt}`.",
                "In the example below the workspace key {key} is used; replace it with your own.",
                "Keys start with nmb_live_ for production and nmb_test_ for the sandbox.",
                "Questions about this guide go to {person}, developer relations, at {email}.",
            ],
        ),
        (
            "contact-billing",
            "billing-refunds",
            "Contacting the billing team ({n})",
            [
                "Our billing desk answers on {phone} on weekdays.",
                "You can also write to {email}; {person} reads that mailbox.",
                "Always quote your invoice reference, for example {decoy}, so we can find the charge.",
                "Never send a full card number such as {card} by email.",
            ],
        ),
    ],
    "customer": [
        (
            "bank-transfer",
            "billing-refunds",
            "Paying by bank transfer ({n})",
            [
                "Transfers go to Nimbalo Ltd, IBAN {iban}, with your workspace id as the reference.",
                "For refunds we pay back to the account you paid from, such as {iban2}.",
                "Your account manager {person} ({email}, {phone}) confirms receipt within two working days.",
                "Purchase order numbers like {decoy} are printed on the invoice.",
            ],
        ),
        (
            "sso-setup",
            "security-compliance",
            "Setting up single sign-on for your workspace ({n})",
            [
                "Your identity provider calls the SCIM endpoint with a token, e.g. `Bearer {jwt}`.",
                "If provisioning fails, send the logs to {person} at {email}.",
                "Workspace API keys such as {key} are never needed for SSO.",
            ],
        ),
    ],
    "internal": [
        (
            "escalation-runbook",
            "troubleshooting",
            "Escalation runbook: payments incidents ({n})",
            [
                "On-call lead this quarter: {person}, {phone}, {email}.",
                "Backup: {person2}, reachable at {phone2}.",
                "Staging checkout accepts the test card {card}; never use it in production.",
                "The nightly export to S3 authenticates with access key {aws}.",
                "The admin service key {key} has full workspace rights: rotate it after every incident.",
            ],
        ),
        (
            "refund-exceptions",
            "billing-refunds",
            "Refund exceptions log ({n})",
            [
                "Customer {person} was refunded to {iban} after a double charge.",
                "The disputed card was {card}; the case reference is {decoy}.",
                "Finance contact for exceptions: {email}, {phone}.",
            ],
        ),
    ],
}
DOC_FILLER = [
    "This page is reviewed every quarter by the team that owns it.",
    "Workspace owners can change these settings at any time.",
    "If something here looks out of date, tell your account contact.",
    "Changes take effect immediately and are recorded in the audit log.",
]
SLOT_TYPE = {
    "email": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER",
    "phone2": "PHONE_NUMBER",
    "card": "CREDIT_CARD",
    "decoy": DECOY_TYPE,
    "iban": "IBAN_CODE",
    "iban2": "IBAN_CODE",
    "key": "NIMBALO_API_KEY",
    "aws": "AWS_ACCESS_KEY",
    "jwt": "BEARER_TOKEN",
    "person": "PERSON",
    "person2": "PERSON",
}


def _split(spans: list[dict], field: str) -> tuple[list[dict], list[dict]]:
    secrets = [{"field": field, **s} for s in spans if s["type"] != DECOY_TYPE]
    decoys = [{"field": field, **s} for s in spans if s["type"] == DECOY_TYPE]
    return secrets, decoys


def build_secret_docs(seed: int, draw: _Draw | None = None) -> tuple[list[dict], list[dict]]:
    """(articles, ground truth rows) for the secret-bearing help-center articles."""
    rng = random.Random(seed)
    draw = draw or _Draw(rng, set())
    docs, truth = [], []
    for access in ("public", "customer", "internal"):
        kinds = DOC_KINDS[access]
        for i in range(N_DOCS_PER_ACCESS):
            slug, category, title, sentences = kinds[i % len(kinds)]
            people = [(rng.choice(STAFF_FIRST), rng.choice(LAST_NAMES)) for _ in range(2)]
            values = {}
            for slot, kind in SLOT_TYPE.items():
                if kind == "PERSON":
                    p = people[slot == "person2"]
                    values[slot] = (kind, f"{p[0]} {p[1]}")
                elif kind == "EMAIL_ADDRESS":
                    values[slot] = (kind, draw(kind, person=people[0]))
                else:
                    values[slot] = (kind, draw(kind))
            title = title.format(n=i // len(kinds) + 1)
            paras = [f"# {title}", "## Details"]
            chosen = list(sentences)
            rng.shuffle(chosen)
            chosen.insert(rng.randint(0, len(chosen)), rng.choice(DOC_FILLER))
            body_parts = [*paras, " ".join(chosen[: len(chosen) // 2 + 1])]
            body_parts += ["## More", " ".join(chosen[len(chosen) // 2 + 1 :])]
            body, spans = _render("\n\n".join(body_parts), values)
            aid = f"sec-{slug}-{access}-{i + 1:02d}"
            docs.append(
                {
                    "id": aid,
                    "title": title,
                    "category": category,
                    "version": 1,
                    "updated": UPDATED,
                    "access": access,
                    "body": body,
                }
            )
            secrets, decoys = _split(spans, "body")
            truth.append(
                {"id": aid, "file": "articles.jsonl", "secrets": secrets, "decoys": decoys}
            )
    return docs, truth


def build_secret_tickets(
    tickets: list[dict], seed: int, draw: _Draw | None = None
) -> tuple[list[dict], list[dict]]:
    """(tickets, ground truth rows): copies of course tickets with 1-3 secrets written in.

    The copies keep every label of their source (category, priority, escalate, fact_ids, split):
    the inserted sentences carry no new signal. The customer gets a surname at the sign-off.
    """
    rng = random.Random(seed)
    draw = draw or _Draw(rng, set())
    out, truth = [], []
    kinds, weights = list(TICKET_WEIGHTS), list(TICKET_WEIGHTS.values())
    for split, n in zip(("train", "eval"), N_SECRET_TICKETS):
        pool = [t for t in tickets if t["split"] == split]
        for src in sorted(rng.sample(pool, n), key=lambda t: t["id"]):
            first = src["customer"]
            full = f"{first} {rng.choice(LAST_NAMES)}"
            planted = []
            for _ in range(rng.choice([1, 2, 2, 3])):
                kind = rng.choices(kinds, weights)[0]
                person = (first, full.split()[1]) if kind == "EMAIL_ADDRESS" else None
                planted.append((kind, draw(kind, person=person)))
            sentences = [
                rng.choice(TICKET_SENTENCES[k]).replace("{v}", "{" + str(j) + "}")
                for j, (k, _) in enumerate(planted)
            ]
            values = {str(j): p for j, p in enumerate(planted)}
            extra, spans = _render(" ".join(sentences), values)
            paras = src["body"].split("\n\n")
            sign = f"Best,\n{full}"
            if first in paras[-1] and len(paras) > 1:  # replace the closing that names them
                paras = paras[:-1]
            body = "\n\n".join([*paras, extra, sign])
            offset = len("\n\n".join(paras)) + 2
            body_spans = _shift(spans, offset) + _name_spans(body, first, full)
            reply = src["reply"]
            reply_spans = []
            if rng.random() < 0.3:
                kind = rng.choice(list(REPLY_SENTENCES))
                value = draw(kind, person=(first, full.split()[1]))
                end = reply.rfind(" — Nimbalo Support")
                end = len(reply) if end < 0 else end
                sent, sp = _render(
                    " " + REPLY_SENTENCES[kind].replace("{v}", "{x}"), {"x": (kind, value)}
                )
                reply = reply[:end] + sent + reply[end:]
                reply_spans = _shift(sp, end)
            reply_spans += [s for s in _name_spans(reply, first, full) if s not in reply_spans]
            tid = "sec-" + src["id"]
            out.append({**src, "id": tid, "body": body, "reply": reply})
            secrets, decoys = _split(body_spans, "body")
            r_secrets, _ = _split(reply_spans, "reply")
            subject_spans = _name_spans(src["subject"], first, full)
            cust = [
                {
                    "field": "customer",
                    "type": "PERSON",
                    "start": 0,
                    "end": len(first),
                    "text": first,
                }
            ]
            truth.append(
                {
                    "id": tid,
                    "file": "tickets.jsonl",
                    "secrets": cust + _split(subject_spans, "subject")[0] + secrets + r_secrets,
                    "decoys": decoys,
                }
            )
    return out, truth
