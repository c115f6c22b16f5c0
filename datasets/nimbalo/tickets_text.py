"""A ticket's subject and body: the wording pools around the problem, and the renderer.

Part of the Nimbalo generator (``datasets/build.py``); :func:`nimbalo.tickets.build_tickets`
calls :func:`_ticket_text` for every ticket. Eval tickets use the held-out wordings and a
disjoint pool of customer names.
"""

from __future__ import annotations

import random
import re

from .tickets_base import TicketScenario
from .world_model import _fill, _words

SEATS = {  # team sizes drawn for a plan (Free and Solo workspaces are small)
    "Free": (2, 9),
    "Solo": (2, 4),
    "Starter": (3, 25),
    "Team": (6, 70),
    "Business": (12, 180),
    "Enterprise": (60, 900),
}
BODY_WORDS = (30, 120)

# fmt: off
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
