"""The committed course data (datasets/) loads, meets its minimums and keeps its invariants.

Fast and model-free: reads the JSONL files through labkit.data and re-runs datasets/build.py
in --check mode. The data is described in datasets/DATASHEET.md.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from collections import Counter

import pytest

from labkit.data import CATEGORIES, DataError, load_articles, load_facts, load_jsonl, load_questions
from labkit.env import DATA_DIR, ROOT


def _norm(text: str) -> str:
    """The answer-matching normalisation from DATASHEET.md (kept independent of build.py)."""
    text = re.sub(r"(?<=\d),(?=\d)", "", text.lower())
    return re.sub(r"\s+", " ", text).strip()


def _occurs(needle: str, text: str) -> bool:
    """Whole-token occurrence after normalisation ("21 days" is not inside "121 days")."""
    pat = r"(?<![\w.])" + re.escape(_norm(needle)) + r"(?![.,]?\w)"
    return re.search(pat, _norm(text)) is not None


@pytest.fixture(scope="module")
def build():
    """datasets/build.py imported as a module (it is a script, not part of labkit)."""
    spec = importlib.util.spec_from_file_location("nimbalo_build", DATA_DIR / "build.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the class is built
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def data():
    return {
        "v1": load_articles("v1"),
        "v2": load_articles("v2"),
        "facts1": load_facts("v1"),
        "facts2": load_facts("v2"),
        "changes": load_jsonl(DATA_DIR / "helpcenter" / "v2" / "changes.jsonl"),
        "questions": load_questions(),
    }


def test_counts_meet_minimums(data):
    arts, qs = data["v1"], data["questions"]
    assert len(arts) >= 150
    per_cat = Counter(a["category"] for a in arts)
    assert set(per_cat) == set(CATEGORIES)
    assert min(per_cat.values()) >= 15
    assert len(qs) >= 250
    types = Counter(q["type"] for q in qs)
    assert types["single"] >= 150 and types["paraphrase"] >= 60
    assert types["multi"] >= 30 and types["unanswerable"] >= 25
    assert {q["split"] for q in qs} == {"dev", "test"}
    assert load_questions("dev") and load_questions("test")
    for t, n in types.items():  # stratified: each type split roughly 50/50
        dev = sum(q["type"] == t and q["split"] == "dev" for q in qs)
        assert abs(dev - n / 2) <= 1, t


def test_access_mix(data):
    arts = data["v1"]
    access = Counter(a["access"] for a in arts)
    assert 0.12 <= access["customer"] / len(arts) <= 0.28
    assert 0.06 <= access["internal"] / len(arts) <= 0.14
    internal = {a["id"] for a in arts if a["access"] == "internal"}
    n_int = sum(any(g in internal for g in q["gold_ids"]) for q in data["questions"])
    assert 0 < n_int <= 0.10 * len(data["questions"])


def test_article_shape(data):
    for a in data["v1"]:
        body = a["body"]
        assert body.startswith(f"# {a['title']}\n"), a["id"]
        heads = re.findall(r"^## .+$", body, flags=re.M)
        assert 2 <= len(heads) <= 4, a["id"]
        assert 120 <= len(body.split()) <= 450, a["id"]
    lengths = [len(a["body"].split()) for a in data["v1"]]
    assert sum(n > 230 for n in lengths) >= 20  # ~300+ tokens: these need chunking


def test_fact_sentences_verbatim(data):
    for snap, facts in (("v1", data["facts1"]), ("v2", data["facts2"])):
        bodies = {a["id"]: a["body"] for a in data[snap]}
        per_article = Counter(f["article_id"] for f in facts)
        assert set(per_article) == set(bodies) and max(per_article.values()) <= 4
        for f in facts:
            assert f["sentence"] in bodies[f["article_id"]], (snap, f["id"])
            assert f["category"] in CATEGORIES and isinstance(f["changes_in_v2"], bool)


def test_must_contain_only_in_gold(data):
    bodies = {a["id"]: a["body"] for a in data["v1"]}
    for q in data["questions"]:
        if q["type"] == "unanswerable":
            assert q["must_contain"] == [] and q["gold_ids"] == [] and q["answer"] == ""
            continue
        assert q["must_contain"] and q["gold_ids"] and q["answer"], q["id"]
        for m in q["must_contain"]:
            hits = {aid for aid, b in bodies.items() if _occurs(m, b)}
            assert hits & set(q["gold_ids"]), (q["id"], m)
            assert hits <= set(q["gold_ids"]), (q["id"], m, hits - set(q["gold_ids"]))
            assert _occurs(m, q["answer"]), (q["id"], m)


def test_multi_questions_need_two_facts(data):
    for q in data["questions"]:
        if q["type"] == "multi":
            assert len(q["fact_ids"]) == 2 and len(q["must_contain"]) >= 2, q["id"]


def test_paraphrases_share_split_with_their_single(data):
    single = {q["fact_ids"][0]: q for q in data["questions"] if q["type"] == "single"}
    for q in data["questions"]:
        if q["type"] == "paraphrase":
            s = single[q["fact_ids"][0]]
            assert s["split"] == q["split"] and s["question"] != q["question"]


def test_unanswerable_terms_absent(data, build):
    assert len(build.UNANSWERABLE) >= 25
    asked = {q["question"] for q in data["questions"] if q["type"] == "unanswerable"}
    assert asked == {q for q, _ in build.UNANSWERABLE}
    for snap in ("v1", "v2"):
        for a in data[snap]:
            for q, terms in build.UNANSWERABLE:
                for t in terms:
                    assert not build.absent_term_hits(t, a["body"]), (snap, a["id"], t, q)


def test_v2_differs_only_in_changed_facts(data):
    changes = data["changes"]
    assert len(changes) >= 25
    facts1 = {f["id"]: f for f in data["facts1"]}
    v2 = {a["id"]: a for a in data["v2"]}
    changed_articles = {c["article_id"] for c in changes}
    assert {f["id"] for f in data["facts1"] if f["changes_in_v2"]} == {
        c["fact_id"] for c in changes
    }
    for a in data["v1"]:
        b = v2[a["id"]]
        if a["id"] not in changed_articles:
            assert a == b
            continue
        assert b["version"] == a["version"] + 1 and b["updated"] > a["updated"]
        assert {k: a[k] for k in ("title", "category", "access")} == {
            k: b[k] for k in ("title", "category", "access")
        }
        body = a["body"]
        for c in changes:
            if c["article_id"] == a["id"]:
                assert c["old"] != c["new"] and facts1[c["fact_id"]]["value"] == c["old"]
                assert body.count(c["old_sentence"]) == 1
                body = body.replace(c["old_sentence"], c["new_sentence"])
                for m in c["old_must_contain"]:
                    assert not _occurs(m, b["body"]), (a["id"], m)
        assert body == b["body"], a["id"]


def test_build_check_passes():
    res = subprocess.run(
        [sys.executable, str(DATA_DIR / "build.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr


def test_build_is_deterministic(build):
    a, b = build.render_outputs(build.build_world()), build.render_outputs(build.build_world())
    assert a == b


def test_malformed_line_names_file_and_line(tmp_path):
    shutil.copytree(DATA_DIR / "helpcenter", tmp_path / "helpcenter")
    path = tmp_path / "helpcenter" / "v1" / "articles.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[6] = lines[6][: len(lines[6]) // 2] + "\n"  # line 7: truncated JSON
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError, match=r"articles\.jsonl:7:"):
        load_articles("v1", data_dir=tmp_path)


# --------------------------------------------------------------------------------------------
# Harder question classes (issue 10 §2; datasets/nimbalo/questions_hard.py, DATASHEET "Harder questions")
# --------------------------------------------------------------------------------------------

HARD_TYPES = ("customer", "hard_paraphrase", "cross_article")
OLD_TYPES = ("single", "paraphrase", "multi", "unanswerable")
# sha256 of the 358 question lines committed before the harder classes were appended
OLD_QUESTIONS_SHA256 = "9df86fd4802205c5243825d22b43dec50d113e4cdb611f964574fc65fb2148ce"
_STOP = set(
    "a an the and or of for to in on at by with from into over per vs your you i we my our us "
    "it its is are be do does can how many much what which when where who why that this there "
    "after before than s".split()
)


def _content(text: str) -> set[str]:
    """Content words: lowercase tokens minus a small stoplist, a plural 's' stripped."""
    out = set()
    for w in re.findall(r"[a-z0-9]+", text.lower()):
        if w in _STOP:
            continue
        w = w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        if w not in _STOP:
            out.add(w)
    return out


def _banned(fact: dict, title: str) -> set[str]:
    """Words a hard paraphrase may not use: the gold title's and the fact's key nouns'."""
    return _content(title) | _content(fact["subject"]) | _content(fact["attribute"])


def _hard(data, kind=None):
    return [q for q in data["questions"] if q["type"] in ((kind,) if kind else HARD_TYPES)]


def test_hard_classes_counts_per_split(data):
    for kind in HARD_TYPES:
        split = Counter(q["split"] for q in _hard(data, kind))
        assert split["test"] >= 50 and split["dev"] >= 25, (kind, split)
    assert sum(q["split"] == "test" for q in _hard(data)) >= 150


def test_older_questions_unchanged_and_first(data):
    import hashlib

    lines = (DATA_DIR / "questions" / "questions.jsonl").read_text(encoding="utf-8")
    lines = lines.splitlines(keepends=True)
    kinds = [q["type"] for q in data["questions"]]
    n_old = sum(k in OLD_TYPES for k in kinds)
    assert all(k in OLD_TYPES for k in kinds[:n_old]), "harder rows must come after the old ones"
    assert hashlib.sha256("".join(lines[:n_old]).encode()).hexdigest() == OLD_QUESTIONS_SHA256


def test_hard_classes_schema(data):
    facts = {f["id"]: f for f in data["facts1"]}
    old = next(q for q in data["questions"] if q["type"] == "single")
    seen = {_norm(q["question"]) for q in data["questions"] if q["type"] in OLD_TYPES}
    for kind in HARD_TYPES:
        rows = _hard(data, kind)
        prefix = "q-" + kind.replace("_", "-") + "-"
        assert [q["id"] for q in rows] == [f"{prefix}{i:03d}" for i in range(1, len(rows) + 1)]
        for q in rows:
            assert set(q) == set(old), q["id"]
            fs = [facts[fid] for fid in q["fact_ids"]]
            assert len(fs) == (2 if kind == "cross_article" else 1), q["id"]
            assert q["gold_ids"] == list(dict.fromkeys(f["article_id"] for f in fs)), q["id"]
            assert q["must_contain"] == [m for f in fs for m in f["must_contain"]], q["id"]
            assert q["answer"] == " ".join(f["sentence"] for f in fs), q["id"]
            assert "?" in q["question"] and _norm(q["question"]) not in seen, q["id"]
            seen.add(_norm(q["question"]))


def test_hard_must_contain_in_each_facts_gold_article(data):
    bodies = {a["id"]: a["body"] for a in data["v1"]}
    facts = {f["id"]: f for f in data["facts1"]}
    for q in _hard(data):
        for fid in q["fact_ids"]:
            f = facts[fid]
            for m in f["must_contain"]:
                assert _occurs(m, bodies[f["article_id"]]), (q["id"], fid, m)


def test_cross_article_rows_need_two_articles(data):
    rows = _hard(data, "cross_article")
    for q in rows:
        assert len(q["gold_ids"]) == 2 and q["gold_ids"][0] != q["gold_ids"][1], q["id"]
        assert len(q["fact_ids"]) == 2 and len(q["must_contain"]) >= 2, q["id"]
    pairs = [frozenset(q["fact_ids"]) for q in rows]
    assert len(set(pairs)) == len(pairs)  # no pair asked twice


def test_hard_paraphrase_avoids_title_and_key_nouns(data):
    facts = {f["id"]: f for f in data["facts1"]}
    titles = {a["id"]: a["title"] for a in data["v1"]}
    rows = _hard(data, "hard_paraphrase")
    assert rows
    for q in rows:
        f = facts[q["fact_ids"][0]]
        hits = _banned(f, titles[f["article_id"]]) & _content(q["question"])
        assert not hits, (q["id"], sorted(hits), q["question"])
    # the check catches the failing case the issue names: a paraphrase keeping the subject
    f = facts["f-billing-001-1"]
    leaky = "How long do I have to get a refund on my annual subscription?"
    assert _banned(f, titles[f["article_id"]]) & _content(leaky) == {
        "refund",
        "annual",
        "subscription",
    }


def test_customer_questions_are_first_person_situations(data):
    first_person = re.compile(r"\b(I|I'm|I've|I'd|we|we're|we've|we'd|our|my|me|us)\b", re.I)
    rows = _hard(data, "customer")
    for q in rows:
        assert first_person.search(q["question"]), q["id"]
    # a situation and a question: most rows have two or more sentences
    multi = sum(len(re.findall(r"[.?!:](?:\s|$)", q["question"])) >= 2 for q in rows)
    assert multi >= 0.8 * len(rows), multi


def test_hard_classes_access_mix_matches_older_test_questions(data):
    access = {a["id"]: a["access"] for a in data["v1"]}

    def shares(qs):
        c = Counter(access[g] for q in qs for g in q["gold_ids"])
        return {k: c[k] / sum(c.values()) for k in ("public", "customer", "internal")}

    old = shares([q for q in data["questions"] if q["type"] in OLD_TYPES and q["split"] == "test"])
    for kind in HARD_TYPES:
        new = shares(_hard(data, kind))
        for k in old:
            assert abs(new[k] - old[k]) <= 0.06, (kind, k, new[k], old[k])


def test_hard_questions_deterministic(build):
    w = build.build_world()
    a, b = build.build_questions(w), build.build_questions(build.build_world())
    assert a == b and [q for q in a if q["type"] in HARD_TYPES]


# --------------------------------------------------------------------------------------------
# Fine-tuning data: tickets / behaviour, fact QA, general (contract: docs/design-finetune.md)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ft():
    from labkit.data import load_behaviour, load_factqa, load_general_qa, load_general_text

    return {
        "tickets": load_jsonl(DATA_DIR / "tickets" / "tickets.jsonl"),
        "train": load_behaviour("train"),
        "eval": load_behaviour("eval"),
        "fqa_train": load_factqa("train"),
        "fqa_eval": load_factqa("eval"),
        "general": load_general_qa(),
        "text": load_general_text(),
    }


def test_behaviour_counts_and_balance(ft):
    from labkit.finetune import behaviour as bh

    assert len(ft["train"]) >= 600 and len(ft["eval"]) >= 150
    tickets = ft["tickets"]
    assert len(tickets) == len(ft["train"]) + len(ft["eval"])
    for split in ("train", "eval"):
        ts = [t for t in tickets if t["split"] == split]
        cats = Counter(t["category"] for t in ts)
        assert set(cats) == set(bh.CATEGORIES)
        if split == "train":
            assert min(cats.values()) >= 0.10 * len(ts)
        assert set(t["priority"] for t in ts) == set(bh.PRIORITIES)
        esc = Counter(t["escalate"] for t in ts)
        assert 0.15 <= esc[True] / len(ts) <= 0.5


def test_behaviour_records_match_tickets_and_rules(ft):
    from labkit.finetune import behaviour as bh

    tickets = {t["id"]: t for t in ft["tickets"]}
    for split in ("train", "eval"):
        for r in ft[split]:
            t = tickets[r["id"]]
            assert t["split"] == split
            system, user, assistant = r["messages"]
            assert [m["role"] for m in r["messages"]] == ["system", "user", "assistant"]
            assert system["content"] == bh.SYSTEM_PROMPT
            assert user["content"] == (
                f"Customer: {t['customer']} ({t['plan']} plan)\nSubject: {t['subject']}\n\n{t['body']}"
            )
            label = bh.parse_response(assistant["content"])
            assert label is not None, r["id"]
            assert list(json.loads(assistant["content"])) == [
                "category",
                "priority",
                "escalate",
                "reply",
            ]
            assert assistant["content"] == json.dumps(
                label, ensure_ascii=False, separators=(", ", ": ")
            )
            assert label == {k: t[k] for k in ("category", "priority", "escalate", "reply")}
            assert all(bh.check_tone(label["reply"], t["customer"]).values()), r["id"]
            assert label["priority"] == bh.priority_rules(t["category"], t["signals"])
            assert label["escalate"] == bh.escalation_rules(
                t["category"], t["priority"], t["signals"]
            )
            assert 25 <= len(label["reply"].split()) <= 60, r["id"]
            assert 30 <= len(t["body"].split()) <= 120, r["id"]


def test_behaviour_no_duplicates_or_leakage(ft):
    from labkit.finetune.sft_data import validate_chat_records

    report = validate_chat_records(
        ft["train"], eval_records=ft["eval"], near_dup_threshold=0.9, task="behaviour"
    )
    assert report.ok, str(report)
    assert validate_chat_records(ft["eval"], task="behaviour").ok
    train_users = {r["messages"][1]["content"] for r in ft["train"]}
    assert not train_users & {r["messages"][1]["content"] for r in ft["eval"]}
    names = lambda split: {t["customer"] for t in ft["tickets"] if t["split"] == split}  # noqa: E731
    assert not names("train") & names("eval")


def test_ticket_reply_facts_are_customer_visible(ft, data):
    facts = {f["id"]: f for f in data["facts1"]}
    with_fact = 0
    for t in ft["tickets"]:
        assert len(t["fact_ids"]) <= 1
        for fid in t["fact_ids"]:
            f = facts[fid]
            assert f["access"] in ("public", "customer"), (t["id"], fid)
            assert f["sentence"] in t["reply"], (t["id"], fid)
            with_fact += 1
    assert with_fact >= 0.7 * len(ft["tickets"])
    codes = [t for t in ft["tickets"] if re.search(r"\bNB-\d{4}\b", t["body"])]
    assert len(codes) >= 0.1 * len(ft["tickets"])
    for t in codes:  # a quoted error code is a real one from the troubleshooting facts
        code = re.search(r"\bNB-\d{4}\b", t["body"]).group()
        assert any(f["value"] == code for f in data["facts1"]), (t["id"], code)


def test_factqa(ft, data):
    fact_ids = [f["id"] for f in data["facts1"]]
    assert [r["fact_id"] for r in ft["fqa_train"]] == fact_ids  # one example per v1 fact
    facts = {f["id"]: f for f in data["facts1"]}
    train_q = set()
    for r in ft["fqa_train"]:
        user, assistant = r["messages"]
        assert user["role"] == "user" and assistant["role"] == "assistant"
        assert assistant["content"] == facts[r["fact_id"]]["sentence"]
        train_q.add(_norm(user["content"]))
    single = {q["fact_ids"][0]: q["question"] for q in data["questions"] if q["type"] == "single"}
    for r in ft["fqa_train"]:
        if r["fact_id"] in single:
            assert r["messages"][0]["content"] == single[r["fact_id"]]
    assert len(ft["fqa_eval"]) >= 200
    para = {q["question"] for q in data["questions"] if q["type"] == "paraphrase"}
    assert para <= {e["question"] for e in ft["fqa_eval"]}
    for e in ft["fqa_eval"]:
        assert _norm(e["question"]) not in train_q, e["id"]
        assert e["must_contain"] == facts[e["fact_id"]]["must_contain"]
        for m in e["must_contain"]:
            assert _occurs(m, e["answer"]), e["id"]


def test_general_set(ft):
    qa = ft["general"]
    assert len(qa) >= 40
    assert len({q["question"] for q in qa}) == len(qa)
    assert all(q["must_contain"] and all(m.strip() for m in q["must_contain"]) for q in qa)
    words = len(ft["text"].split())
    assert 2000 <= words <= 4000
    assert "Nimbalo" not in ft["text"]  # general prose, nothing from the fictional world


def test_behaviour_malformed_line_names_file_and_line(tmp_path):
    from labkit.data import load_behaviour

    shutil.copytree(DATA_DIR / "tickets", tmp_path / "tickets")
    path = tmp_path / "tickets" / "behaviour_eval.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = lines[4].replace('"role": "assistant"', '"role": "bot"')
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError, match=r"behaviour_eval\.jsonl:5:"):
        load_behaviour("eval", data_dir=tmp_path)


def test_augmented_fact_phrasings_never_reuse_an_evaluation_wording(data):
    from labkit.data import load_factqa

    def norm(q):
        return re.sub(r"\W+", " ", q.lower()).strip()

    aug, train = load_factqa("augmented"), load_factqa("train")
    asked = {x["fact_id"] for x in load_factqa("eval") if x["source"] == "questions"}
    held_out: dict[str, set] = {}
    for q in load_questions():
        for f in q["fact_ids"]:
            held_out.setdefault(f, set()).add(norm(q["question"]))
    for x in load_factqa("eval"):
        held_out.setdefault(x["fact_id"], set()).add(norm(x["question"]))
    canonical = {r["fact_id"]: r["messages"][0]["content"] for r in train}
    per_fact = Counter(r["fact_id"] for r in aug)
    for r in aug:
        q = r["messages"][0]["content"]
        if r["phrasing"] == "canonical":
            assert q == canonical[r["fact_id"]]
        else:
            assert norm(q) not in held_out.get(r["fact_id"], set()), (r["id"], q)
    assert all(per_fact[f] >= 4 for f in asked)  # every asked fact in several phrasings
    assert len({(r["fact_id"], norm(r["messages"][0]["content"])) for r in aug}) == len(aug)
    assert {r["fact_id"] for r in aug} == {r["fact_id"] for r in train}
