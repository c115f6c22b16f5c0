"""The behaviour task: triage a Nimbalo support ticket and draft a reply, as one strict JSON object.

Introduced in notebooks/04_qlora_finetuning.ipynb (the task the adapter learns) and
notebooks/05_evaluating_a_finetune.ipynb (the metrics). The data comes from
``datasets/build.py`` (``build_tickets``), which labels every ticket with the rule functions of
this module, so the labels and the written policy below can never drift apart.

A ticket goes in as one user turn (:func:`format_ticket`); the answer is ONE compact JSON object,
keys in this order::

    {"category": "billing", "priority": "high", "escalate": false, "reply": "Hi Dana, ..."}

The policy, in prose (implemented by :func:`priority_rules` and :func:`escalation_rules`)
------------------------------------------------------------------------------------------

A ticket is described by its ``category`` and by the *signals* its text shows (:data:`SIGNALS`):
``outage`` (Nimbalo, or a core feature or integration, is down for a whole team), ``data_loss``
(boards, cards, docs or edits vanished without anyone deleting them), ``locked_out`` (a person or
the workspace cannot get in or cannot work: sign-in blocked, workspace read-only), ``chargeback``
(the customer disputed a charge with their bank), ``legal`` (the customer threatens legal action
or involves a lawyer) and ``question`` (a plain question or request; nothing is broken).

Priority rules, first match wins:

1. **urgent** when the ticket reports an outage or data loss;
2. **high** when it is a security ticket (suspicious access, a leaked link or token, phishing, a
   vulnerability report, a lost device), or mentions a chargeback or legal action, or the
   customer is locked out;
3. **low** when it is a how-to ticket, or only asks a question with nothing broken;
4. **normal** otherwise (something is wrong, but one person can keep working).

Escalation rules: escalate (hand over to a specialist team) when the priority is urgent, the
category is security, or the ticket mentions a chargeback or legal action. Everything else is
answered by the first-line agent.

Tone rules for the reply (:data:`TONE_RULES`, checked by :func:`check_tone`): starts with
``Hi <first name>,``; at most 70 words; no exclamation marks; never "unfortunately" or "sorry
for the inconvenience"; ends with the sign-off ``— Nimbalo Support``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

__all__ = [
    "SYSTEM_PROMPT",
    "CATEGORIES",
    "PRIORITIES",
    "SIGNALS",
    "TONE_RULES",
    "SIGN_OFF",
    "MAX_REPLY_WORDS",
    "priority_rules",
    "escalation_rules",
    "format_ticket",
    "format_label",
    "parse_response",
    "item_scores",
    "MIN_VALID_FOR_TONE",
    "check_tone",
    "behaviour_metrics",
    "few_shot_messages",
    "pick_shots",
    "without_system",
    "item_correct",
]

CATEGORIES = ["billing", "bug", "account", "integration", "how-to", "security"]
PRIORITIES = ["low", "normal", "high", "urgent"]
KEYS = ("category", "priority", "escalate", "reply")  # required order in the JSON answer

SIGNALS = {
    "outage": "Nimbalo, a core feature or an integration is down for a whole team",
    "data_loss": "boards, cards, docs or edits vanished without anyone deleting them",
    "locked_out": "a person or the workspace cannot get in or cannot work",
    "chargeback": "the customer disputed a charge with their bank",
    "legal": "the customer threatens legal action or involves a lawyer",
    "question": "a plain question or request; nothing is broken",
}

SIGN_OFF = "— Nimbalo Support"
MAX_REPLY_WORDS = 70

TONE_RULES = {
    "greeting": "starts with 'Hi <first name>,'",
    "length": f"at most {MAX_REPLY_WORDS} words",
    "no_exclamation": "no exclamation marks",
    "no_unfortunately": "never says 'unfortunately'",
    "no_sorry_inconvenience": "never says 'sorry for the inconvenience'",
    "sign_off": f"ends with '{SIGN_OFF}'",
}

# Short on purpose (< 120 words): the base model sees it with few-shot examples, the fine-tuned
# model with every training example. It states the schema, the values and the tone rules.
SYSTEM_PROMPT = (
    "You triage Nimbalo support tickets. Answer with one JSON object only, keys in this order: "
    "category, priority, escalate, reply.\n"
    "category: billing, bug (something broken or an error), account (sign-in, members, invites), "
    "integration (connected apps, API, webhooks), how-to (how a feature works) or security "
    "(suspicious access, leaks, vulnerabilities).\n"
    "priority: urgent for an outage or lost data; high for security, a chargeback, legal threats "
    "or a locked-out customer; low for how-to or a simple question; otherwise normal.\n"
    "escalate: true if urgent, security, chargeback or legal, else false.\n"
    'reply: start "Hi <first name>,", at most 70 words, no exclamation marks, never '
    '"unfortunately" or "sorry for the inconvenience", end with "— Nimbalo Support".'
)


# --------------------------------------------------------------------------------------------
# The written rules (the data generator labels every ticket with these)
# --------------------------------------------------------------------------------------------


def _check_signals(category: str, signals: Iterable[str]) -> set[str]:
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; expected one of {CATEGORIES}")
    sig = set(signals)
    unknown = sig - set(SIGNALS)
    if unknown:
        raise ValueError(f"unknown signals {sorted(unknown)}; expected some of {list(SIGNALS)}")
    return sig


def priority_rules(category: str, signals: Iterable[str] = ()) -> str:
    """Priority from the category and the ticket's signals (see the module docstring)."""
    sig = _check_signals(category, signals)
    if sig & {"outage", "data_loss"}:
        return "urgent"
    if category == "security" or sig & {"chargeback", "legal", "locked_out"}:
        return "high"
    if category == "how-to" or "question" in sig:
        return "low"
    return "normal"


def escalation_rules(category: str, priority: str, signals: Iterable[str] = ()) -> bool:
    """Escalate when urgent, security, or a chargeback / legal threat is mentioned."""
    sig = _check_signals(category, signals)
    if priority not in PRIORITIES:
        raise ValueError(f"unknown priority {priority!r}; expected one of {PRIORITIES}")
    return priority == "urgent" or category == "security" or bool(sig & {"chargeback", "legal"})


# --------------------------------------------------------------------------------------------
# Formatting and strict parsing
# --------------------------------------------------------------------------------------------


def format_ticket(ticket: dict) -> str:
    """The user turn: ``Customer: <first name> (<plan> plan)\\nSubject: ...\\n\\n<body>``."""
    return (
        f"Customer: {ticket['customer']} ({ticket['plan']} plan)\n"
        f"Subject: {ticket['subject']}\n\n{ticket['body']}"
    )


def format_label(label: dict) -> str:
    """The assistant turn: compact JSON, keys in the contract's order, non-ASCII kept."""
    return json.dumps({k: label[k] for k in KEYS}, ensure_ascii=False, separators=(", ", ": "))


def parse_response(text: str) -> dict | None:
    """The answer as a dict, or None unless ``text`` is exactly one valid JSON object.

    Strict: surrounding whitespace is allowed, nothing else (no prose, no code fences, no second
    object). The object must have exactly the four keys, a known category and priority, a
    boolean ``escalate`` and a non-empty string ``reply``. Key order is not checked here.
    """
    if not isinstance(text, str):
        return None
    try:
        obj = json.loads(text.strip())
    except (json.JSONDecodeError, ValueError):
        return None
    if not isinstance(obj, dict) or set(obj) != set(KEYS):
        return None
    if obj["category"] not in CATEGORIES or obj["priority"] not in PRIORITIES:
        return None
    if not isinstance(obj["escalate"], bool):
        return None
    if not isinstance(obj["reply"], str) or not obj["reply"].strip():
        return None
    return {k: obj[k] for k in KEYS}


def check_tone(reply: str, first_name: str) -> dict[str, bool]:
    """Each rule of :data:`TONE_RULES` -> whether ``reply`` follows it."""
    low = reply.lower()
    return {
        "greeting": reply.startswith(f"Hi {first_name},"),
        "length": len(reply.split()) <= MAX_REPLY_WORDS,
        "no_exclamation": "!" not in reply,
        "no_unfortunately": "unfortunately" not in low,
        "no_sorry_inconvenience": "sorry for the inconvenience" not in low,
        "sign_off": reply.rstrip().endswith(SIGN_OFF),
    }


# --------------------------------------------------------------------------------------------
# Metrics and the few-shot prompt
# --------------------------------------------------------------------------------------------

_CUSTOMER_RE = re.compile(r"^Customer: (.+?) \(")


def _gold(example: dict) -> tuple[dict, str]:
    """(gold label, first name) from a ticket dict or a behaviour chat record."""
    if "messages" in example:
        msgs = example["messages"]
        label = parse_response(msgs[-1]["content"]) if msgs[-1]["role"] == "assistant" else None
        user = next(m["content"] for m in reversed(msgs) if m["role"] == "user")
        m = _CUSTOMER_RE.match(user)
        if label is None or m is None:
            raise ValueError(f"example {example.get('id')!r}: no gold label or customer line")
        return label, m.group(1)
    return {k: example[k] for k in KEYS if k in example}, example["customer"]


def item_scores(examples: Sequence[dict], outputs: Sequence[str]) -> list[dict]:
    """Per-item behaviour scores (what :func:`behaviour_metrics` averages, and what a paired test
    compares): ``valid`` (parses as the strict format), ``category`` / ``priority`` /
    ``escalate`` / ``all_fields`` (right, and False for an invalid output), ``tone_ok`` (every
    tone rule kept; None for an invalid output: there is no reply to judge), ``tone`` (per rule,
    None when invalid) and ``tone_valid`` (valid and every tone rule kept)."""
    if len(examples) != len(outputs):
        raise ValueError(f"{len(examples)} examples but {len(outputs)} outputs")
    rows = []
    for ex, out in zip(examples, outputs, strict=True):
        gold, name = _gold(ex)
        pred = parse_response(out)
        if pred is None:
            rows.append(
                {"valid": False, "category": False, "priority": False, "escalate": False,
                 "all_fields": False, "tone_ok": None, "tone": None, "tone_valid": False}
            )  # fmt: skip
            continue
        same = {k: pred[k] == gold[k] for k in ("category", "priority", "escalate")}
        tone = check_tone(pred["reply"], name)
        rows.append(
            {"valid": True, **same, "all_fields": all(same.values()), "tone_ok": all(tone.values()),
             "tone": tone, "tone_valid": all(tone.values())}
        )  # fmt: skip
    return rows


MIN_VALID_FOR_TONE = 10
"""Below this many valid outputs, tone is "not measured" (NaN): 1 valid reply out of 32 keeping
every rule is not a tone adherence of 1.0 (see :data:`labkit.stats.MIN_N`)."""


def behaviour_metrics(examples: Sequence[dict], outputs: Sequence[str]) -> dict:
    """Score model outputs against gold tickets (or behaviour chat records).

    Returns plain numbers in [0, 1]: ``json_validity`` (share parsed by :func:`parse_response`),
    ``category_accuracy`` / ``priority_accuracy`` / ``escalate_accuracy`` and ``all_fields``
    (all three right) over ALL examples (an invalid output counts as wrong), ``tone_adherence``
    (share of valid outputs whose reply passes every tone rule; NaN, i.e. not measured, when
    fewer than :data:`MIN_VALID_FOR_TONE` outputs are valid) and ``tone_per_rule`` (same
    denominator, per rule), ``tone_valid`` (valid *and* every tone rule kept, over ALL
    examples); plus ``n`` and ``n_valid``. Per item: :func:`item_scores`.
    """
    rows = item_scores(examples, outputs)
    n = len(rows)
    valid = [r for r in rows if r["valid"]]
    n_valid = len(valid)

    def share(x: int, d: int) -> float:
        return x / d if d else 0.0

    def tone_share(x: int) -> float:
        return x / n_valid if n_valid >= MIN_VALID_FOR_TONE else float("nan")

    return {
        "n": n,
        "n_valid": n_valid,
        "json_validity": share(n_valid, n),
        "category_accuracy": share(sum(r["category"] for r in rows), n),
        "priority_accuracy": share(sum(r["priority"] for r in rows), n),
        "escalate_accuracy": share(sum(r["escalate"] for r in rows), n),
        "all_fields": share(sum(r["all_fields"] for r in rows), n),
        "tone_adherence": tone_share(sum(r["tone_ok"] for r in valid)),
        "tone_per_rule": {
            rule: tone_share(sum(r["tone"][rule] for r in valid)) for rule in TONE_RULES
        },
        "tone_valid": share(sum(r["tone_valid"] for r in rows), n),
    }


def _user_and_answer(item: dict) -> tuple[str, str | None]:
    if "messages" in item:
        msgs = item["messages"]
        user = next(m["content"] for m in msgs if m["role"] == "user")
        answer = msgs[-1]["content"] if msgs[-1]["role"] == "assistant" else None
        return user, answer
    answer = format_label(item) if all(k in item for k in KEYS) else None
    return format_ticket(item), answer


def few_shot_messages(ticket: dict, shots: Sequence[dict] = ()) -> list[dict]:
    """Chat messages for the base model: system prompt, ``shots`` as solved turns, then ``ticket``.

    ``ticket`` and each shot are ticket dicts (``datasets/tickets/tickets.jsonl``) or behaviour
    chat records. Each shot becomes a user turn in exactly the training format and an assistant
    turn with its gold JSON, so the model sees the format it must copy; the ticket's own answer
    is never included. Pick shots from the *train* split, with different categories.
    """
    msgs = [{"role": "system", "content": SYSTEM_PROMPT}]
    for shot in shots:
        user, answer = _user_and_answer(shot)
        if answer is None:
            raise ValueError(f"shot {shot.get('id')!r} has no gold answer")
        msgs += [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]
    msgs.append({"role": "user", "content": _user_and_answer(ticket)[0]})
    return msgs


def without_system(records: Sequence[dict], keep_answer: bool = True) -> list[dict]:
    """Chat records with the system turn removed (and the assistant turn too, if not
    ``keep_answer``): the tuned model is trained and served on the ticket alone, because the
    policy the system prompt spells out is what fine-tuning moves into the weights.
    Introduced in notebooks/04_qlora_finetuning.ipynb.
    """
    out = []
    for r in records:
        msgs = [m for m in r["messages"] if m["role"] != "system"]
        if not keep_answer:
            msgs = [m for m in msgs if m["role"] != "assistant"]
        out.append(dict(r, messages=msgs))
    return out


def pick_shots(records: Sequence[dict], k: int = 3) -> list[dict]:
    """``k`` few-shot examples from ``records`` (train split), each of a different category,
    taken in file order so the prompt is deterministic."""
    shots, seen = [], set()
    for r in records:
        cat = _gold(r)[0]["category"]
        if cat not in seen:
            shots.append(r)
            seen.add(cat)
        if len(shots) == k:
            break
    return shots


def item_correct(example: dict, output: str) -> bool:
    """One held-out item judged as a whole: valid JSON, category, priority and escalate all
    right, and every tone rule kept. The per-item outcome the promotion gate's paired test uses."""
    gold, name = _gold(example)
    pred = parse_response(output)
    if pred is None:
        return False
    fields_ok = all(pred[k] == gold[k] for k in ("category", "priority", "escalate"))
    return fields_ok and all(check_tone(pred["reply"], name).values())
