"""Security data: documents and tickets with planted secrets, and a planted prompt-injection set.

Introduced in notebooks/08_security.ipynb (issue 13 §2 and §3). Imported by ``datasets/build.py``
(:func:`render_security`), which writes every file under ``datasets/security/`` and checks them
with ``--check``. The course's clean files are NOT touched: every adapter is cached by a hash of
its training data, and the clean numbers must stay comparable, so all of this is a separate
snapshot. Described in ``datasets/DATASHEET.md`` ("Security data").

Files (all JSONL, one record a line):

- ``articles.jsonl`` / ``tickets.jsonl``: help-center articles (article schema, access public /
  customer / internal) and support tickets (ticket schema, copies of ``tickets/tickets.jsonl``
  rows with secrets written in) that contain emails, phone numbers, card numbers, IBANs, API keys,
  AWS access key ids, bearer tokens and person names.
- ``secrets.jsonl``: per record, the ground truth: ``{"id", "file", "secrets": [{"field", "type",
  "start", "end", "text"}], "decoys": [...]}``; spans are character offsets into that field.
  Decoys are card-shaped numbers that fail the Luhn check (order references): NOT secrets.
- ``injection_articles.jsonl`` / ``injection_tickets.jsonl``: public articles and tickets that
  carry an attack; ``injection_labels.jsonl``: per record, the attack type, the marker that
  decides success, and the real v1 fact it targets (with the question ids that ask about it).

Determinism: ``random.Random(WORLD_SEED + 3)`` for secrets, ``+ 4`` for injections; values are
drawn so none repeats and none occurs in the clean corpus. Card numbers are test-style numbers,
phones use fictional ranges (US 555-01xx, UK 020 7946 0xxx), emails use example.com/org/net.

The parts: :mod:`nimbalo.security_values` (types, checksums, value drawer),
:mod:`nimbalo.security_secrets` (secret articles and tickets with spans) and
:mod:`nimbalo.security_injections` (the injection snapshot); this module puts them together.
"""

from __future__ import annotations

import random

from .security_injections import ATTACK_TYPES, build_injections
from .security_secrets import build_secret_docs, build_secret_tickets
from .security_values import DECOY_TYPE, SECRET_TYPES, _Draw, iban_valid, luhn_valid

__all__ = [
    "SECRET_TYPES",
    "ATTACK_TYPES",
    "luhn_valid",
    "iban_valid",
    "build_secret_docs",
    "build_secret_tickets",
    "build_injections",
    "render_security",
    "security_block",
]

SECRET_SEED, INJECTION_SEED = 3, 4  # offsets from WORLD_SEED (build.py reserves +3 onwards)


# --------------------------------------------------------------------------------------------
# Files and the datasheet counts block
# --------------------------------------------------------------------------------------------


def render_security(
    world, questions: list[dict], tickets: list[dict], clean_texts: list[str]
) -> dict[str, list[dict]]:
    """File name (under datasets/security/) -> records. ``clean_texts``: every clean article body
    (v1 and v2) and ticket text, so no planted value can collide with a clean one."""
    clean = "\n".join(t.lower().replace(",", "") for t in clean_texts)
    rng = random.Random(world.seed + SECRET_SEED)
    draw = _Draw(rng, set())
    docs, truth_docs = build_secret_docs(world.seed + SECRET_SEED, draw)
    sec_tickets, truth_tickets = build_secret_tickets(tickets, world.seed + SECRET_SEED + 100, draw)
    inj_articles, inj_tickets, labels = build_injections(
        world, questions, tickets, world.seed + INJECTION_SEED, clean
    )
    return {
        "articles.jsonl": docs,
        "tickets.jsonl": sec_tickets,
        "secrets.jsonl": truth_docs + truth_tickets,
        "injection_articles.jsonl": inj_articles,
        "injection_tickets.jsonl": inj_tickets,
        "injection_labels.jsonl": labels,
    }


def security_block(files: dict[str, list[dict]]) -> str:
    """Markdown counts for DATASHEET.md (written between the security-counts markers)."""
    truth = files["secrets.jsonl"]
    lines = ["| secret type | in articles | in tickets | total |", "|---|---:|---:|---:|"]
    for kind in (*SECRET_TYPES, DECOY_TYPE):
        key = "decoys" if kind == DECOY_TYPE else "secrets"
        a = sum(s["type"] == kind for r in truth if r["file"] == "articles.jsonl" for s in r[key])
        t = sum(s["type"] == kind for r in truth if r["file"] == "tickets.jsonl" for s in r[key])
        label = f"`{kind}` (decoy, not a secret)" if kind == DECOY_TYPE else f"`{kind}`"
        lines.append(f"| {label} | {a} | {t} | {a + t} |")
    docs = files["articles.jsonl"]
    acc = {k: sum(d["access"] == k for d in docs) for k in ("public", "customer", "internal")}
    tk = files["tickets.jsonl"]
    lines += [
        "",
        f"Articles: {len(docs)} ({', '.join(f'{k} {v}' for k, v in acc.items())}). Tickets: "
        f"{len(tk)} (train {sum(t['split'] == 'train' for t in tk)}, eval "
        f"{sum(t['split'] == 'eval' for t in tk)}).",
        "",
        "| attack type | articles | tickets |",
        "|---|---:|---:|",
    ]
    labels = files["injection_labels.jsonl"]
    for kind in ATTACK_TYPES:
        a = sum(
            r["attack_type"] == kind and r["file"] == "injection_articles.jsonl" for r in labels
        )
        t = sum(r["attack_type"] == kind and r["file"] == "injection_tickets.jsonl" for r in labels)
        lines.append(f"| `{kind}` | {a} | {t} |")
    lines.append(
        f"| **total** | {len(files['injection_articles.jsonl'])} | {len(files['injection_tickets.jsonl'])} |"
    )
    return "\n".join(lines)
