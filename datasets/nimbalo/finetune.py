"""Fine-tuning sets beyond the tickets: facts as chat examples and the general-knowledge
questions of the forgetting check.

Part of the Nimbalo generator (``datasets/build.py``): ``datasets/factqa/``, ``datasets/general/``.
"""

from __future__ import annotations

from .common import normalize
from .questions import build_questions
from .templates import ATTRS
from .tickets import TICKET_SCENARIOS
from .world_model import World, _cap, _fill

# --------------------------------------------------------------------------------------------
# Facts as chat examples (claim 3: fine-tuning is a poor way to store facts)
# --------------------------------------------------------------------------------------------


def build_factqa(world: World, questions: list[dict] | None = None) -> dict[str, list[dict]]:
    """{"train": one chat example per v1 fact, "eval": one paraphrase question per fact}.

    Train asks the canonical question: the exact ``single`` question of questions.jsonl when the
    fact has one, else the fact's first question template; the answer is the fact sentence.
    Eval asks the paraphrase: the ``paraphrase`` question of questions.jsonl when there is one
    (``source`` "questions"), else the first paraphrase template ("template"). No RNG is used.
    """
    questions = build_questions(world) if questions is None else questions
    single = {q["fact_ids"][0]: q for q in questions if q["type"] == "single"}
    para = {q["fact_ids"][0]: q for q in questions if q["type"] == "paraphrase"}
    train, evals, asked = [], [], set()
    for f in world.facts:
        q = single[f.id]["question"] if f.id in single else f.questions[0]
        train.append(
            {
                "id": f"fqa-{f.id}",
                "fact_id": f.id,
                "messages": [
                    {"role": "user", "content": q},
                    {"role": "assistant", "content": f.sentence},
                ],
            }
        )
        asked.add(normalize(q))
    for f in world.facts:
        if f.id in para:
            p, source = para[f.id]["question"], "questions"
        else:
            p, source = f.paraphrases[0], "template"
        if normalize(p) in asked:  # never ask an eval question that train already asks
            continue
        asked.add(normalize(p))
        evals.append(
            {
                "id": f"fqe-{f.id}",
                "fact_id": f.id,
                "question": p,
                "answer": f.sentence,
                "must_contain": list(f.must),
                "source": source,
                "access": f.access,
            }
        )
    augmented = _augmented_factqa(world, questions, train, evals)
    return {"train": train, "eval": evals, "augmented": augmented}


GENERIC_FACT_QUESTIONS = (
    "What does the help center say about the {attribute} of {s}?",
    "Quick question about {a}: what is the {attribute}?",
    "Can you tell me the {attribute} for {s}?",
)
"""Attribute-level wordings for the augmented set: every fact gets them, whatever its templates
(56 of the 80 asked facts have a single question template of their own)."""


def _augmented_factqa(
    world: World, questions: list[dict], train: list[dict], evals: list[dict]
) -> list[dict]:
    """Several training phrasings per v1 fact, for the paraphrase-augmented facts adapter.

    Per fact, in order: the canonical question (as in ``train``), every question template with
    the subject's own name, every question template with its alternative name (``{a}``, e.g.
    "Nimbalo's single-user package" for "the Solo plan"), and every paraphrase template. A
    phrasing is dropped when it equals (after :func:`normalize`) any evaluation question that
    names this fact (``questions.jsonl`` of any type, and ``factqa/eval.jsonl``), or an earlier
    phrasing. So the adapter may learn both names of a subject, never an evaluation wording.
    """
    canonical = {r["fact_id"]: r["messages"][0]["content"] for r in train}
    held_out: dict[str, set[str]] = {}
    for q in questions:
        for fid in q["fact_ids"]:
            held_out.setdefault(fid, set()).add(normalize(q["question"]))
    for e in evals:  # factqa/eval.jsonl
        held_out.setdefault(e["fact_id"], set()).add(normalize(e["question"]))
    out = []
    for f in world.facts:
        attr = ATTRS[f.attr_key]
        alias = [_cap(_fill(q, s=f._a, a=f._a)) for q in attr.questions] if f._a != f._s else []
        generic = [
            _cap(_fill(t, s=f._s, a=f._a, attribute=attr.attribute)) for t in GENERIC_FACT_QUESTIONS
        ]
        kinds = (
            [("canonical", canonical[f.id])]
            + [("question", q) for q in f.questions]
            + [("alias_question", q) for q in alias]
            + [("paraphrase", p) for p in f.paraphrases]
            + [("generic", q) for q in generic]
        )
        seen = set(held_out.get(f.id, ()))
        n = 0
        for kind, q in kinds:
            key = normalize(q)
            if key in seen and kind != "canonical":
                continue
            seen.add(key)
            n += 1
            out.append(
                {
                    "id": f"fqa-{f.id}-{n}",
                    "fact_id": f.id,
                    "phrasing": kind,
                    "messages": [
                        {"role": "user", "content": q},
                        {"role": "assistant", "content": f.sentence},
                    ],
                }
            )
    return out


# --------------------------------------------------------------------------------------------
# General-knowledge questions for the forgetting check (hand-written; stable, well-known facts)
# --------------------------------------------------------------------------------------------

# (question, must_contain, topic). Answers are single words or names a small instruct model is
# likely to know; numbers are avoided where a model may write them as words.
# fmt: off
GENERAL_QA = [
    ("What is the capital of France?", ["Paris"], "geography"),
    ("What is the capital of Japan?", ["Tokyo"], "geography"),
    ("What is the capital of Italy?", ["Rome"], "geography"),
    ("What is the capital of Germany?", ["Berlin"], "geography"),
    ("What is the capital of Spain?", ["Madrid"], "geography"),
    ("What is the capital of the United Kingdom?", ["London"], "geography"),
    ("What is the capital of Egypt?", ["Cairo"], "geography"),
    ("What is the capital of Russia?", ["Moscow"], "geography"),
    ("What is the largest ocean on Earth?", ["Pacific"], "geography"),
    ("On which continent is Kenya?", ["Africa"], "geography"),
    ("On which continent is Brazil?", ["South America"], "geography"),
    ("What is the longest river in Africa?", ["Nile"], "geography"),
    ("Which planet is known as the Red Planet?", ["Mars"], "science"),
    ("What is the largest planet in our solar system?", ["Jupiter"], "science"),
    ("Which planet is closest to the Sun?", ["Mercury"], "science"),
    ("What star is at the centre of our solar system?", ["Sun"], "science"),
    ("What gas do plants take in from the air to make food?", ["carbon dioxide"], "science"),
    ("What gas do humans need to breathe in to live?", ["oxygen"], "science"),
    ("What is the chemical symbol for water?", ["H2O"], "science"),
    ("What is the chemical symbol for gold?", ["Au"], "science"),
    ("What is frozen water called?", ["ice"], "science"),
    ("What force pulls objects toward the Earth?", ["gravity"], "science"),
    ("Which organ pumps blood around the human body?", ["heart"], "science"),
    ("Which organ do humans use to think?", ["brain"], "science"),
    ("What do bees make?", ["honey"], "nature"),
    ("What is a baby cat called?", ["kitten"], "nature"),
    ("What is a baby dog called?", ["puppy"], "nature"),
    ("What is the largest animal on Earth?", ["blue whale"], "nature"),
    ("Which animal is known as the king of the jungle?", ["lion"], "nature"),
    ("What colour do you get when you mix blue and yellow?", ["green"], "everyday"),
    ("What colour do you get when you mix red and white?", ["pink"], "everyday"),
    ("What is the opposite of hot?", ["cold"], "language"),
    ("What is the opposite of up?", ["down"], "language"),
    ("What is the plural of mouse?", ["mice"], "language"),
    ("What is the past tense of go?", ["went"], "language"),
    ("Which day comes after Monday?", ["Tuesday"], "everyday"),
    ("Which month comes after January?", ["February"], "everyday"),
    ("Which season comes after winter?", ["spring"], "everyday"),
    ("Who wrote Romeo and Juliet?", ["Shakespeare"], "culture"),
    ("Who painted the Mona Lisa?", ["Leonardo"], "culture"),
    ("What language is mainly spoken in Mexico?", ["Spanish"], "culture"),
    ("What language is mainly spoken in Brazil?", ["Portuguese"], "culture"),
    ("What is the currency of Japan?", ["yen"], "culture"),
    ("In which country are the pyramids of Giza?", ["Egypt"], "history"),
    ("Who was the first person to walk on the Moon?", ["Armstrong"], "history"),
    ("What instrument has black and white keys?", ["piano"], "culture"),
    ("What do you call a shape with three sides?", ["triangle"], "maths"),
    ("What is the name of a shape with eight sides?", ["octagon"], "maths"),
]
# fmt: on


def build_general_qa() -> list[dict]:
    return [
        {"id": f"gq-{i:03d}", "question": q, "must_contain": must, "topic": topic}
        for i, (q, must, topic) in enumerate(GENERAL_QA, start=1)
    ]


def _ticket_counts_block(
    world: World, tickets: list[dict], factqa: dict, general: list[dict]
) -> str:
    from labkit.finetune import behaviour as bh

    lines = ["| tickets | train | eval |", "|---|---:|---:|"]

    def row(label, pred):
        tr = sum(pred(t) for t in tickets if t["split"] == "train")
        ev = sum(pred(t) for t in tickets if t["split"] == "eval")
        lines.append(f"| {label} | {tr} | {ev} |")

    for c in bh.CATEGORIES:
        row(f"category `{c}`", lambda t, c=c: t["category"] == c)
    for p in bh.PRIORITIES:
        row(f"priority `{p}`", lambda t, p=p: t["priority"] == p)
    row("escalate `true`", lambda t: t["escalate"])
    row("reply states a fact", lambda t: bool(t["fact_ids"]))
    changed = {f.id for f in world.facts if f.changes_in_v2}
    row("... a fact that changes in v2", lambda t: bool(set(t["fact_ids"]) & changed))
    row("**total**", lambda t: True)
    n_para = sum(e["source"] == "questions" for e in factqa["eval"])
    lines += [
        "",
        f"Scenarios: {len(TICKET_SCENARIOS)}. Fact QA: {len(factqa['train'])} train examples, "
        f"{len(factqa['eval'])} eval questions ({n_para} from questions.jsonl paraphrases). "
        f"General QA: {len(general)} questions.",
    ]
    return "\n".join(lines)
