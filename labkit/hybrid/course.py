"""The course's shared artefacts, built once and cached: what several notebooks and the main job use.

- :func:`ticket_retriever`: hybrid (dense + BM25, RRF) retrieval over the help-center index,
  skipping heading-only chunks, as the RAG and hybrid systems use it for tickets;
- :func:`behaviour_adapter`: the ticket-triage adapter of notebook 04, trained on the tickets
  alone (:func:`behaviour_training_set`), reused by 05, 06, 07 and ``make demo``; given a
  retriever, the variant trained with retrieved sources (see :func:`labkit.hybrid.assembly.add_sources`);
- :func:`facts_adapter`: an adapter trained to *memorise* fact answers (notebooks 05 and 07):
  on the v1 facts, or retrained on v2 after the knowledge update.

Each ``*_adapter`` function trains only when the cache (``.labkit_cache/adapters/<name>``) lacks
a finished adapter for exactly this config, data and base model; otherwise it returns at once.
Every function takes ``data_dir`` (default: the repo's ``datasets/``) and reads only that folder;
an adapter trained on another folder is cached under ``<name>-<data hash>`` so it never replaces
the course's own.
Introduced in notebooks/04_qlora_finetuning.ipynb.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .. import data
from ..env import DATA_DIR, Profile, cache_dir, current_profile
from ..finetune import behaviour
from ..finetune.train import (
    QLoRAConfig,
    adapter_is_trained,
    data_sha256,
    read_adapter_meta,
    train_adapter,
)
from . import assembly as hybrid

__all__ = [
    "BEHAVIOUR_CFG",
    "SOURCES_CFG",
    "FACTS_CFG",
    "READER_CFG",
    "GPU_OVERRIDES",
    "behaviour_config",
    "facts_config",
    "SOURCES_K",
    "ticket_retriever",
    "behaviour_training_set",
    "behaviour_adapter",
    "facts_training_set",
    "facts_adapter",
    "as_served",
    "facts_curve_sets",
    "facts_eval_questions",
    "reader_retriever",
    "reader_training_set",
    "reader_adapter",
    "FACTS_CURVE_EVERY",
    "cache_name",
]

BEHAVIOUR_CFG = QLoRAConfig(max_steps=80, lr=2e-3, dropout=0.0)
"""80 steps x 4 tickets (half an epoch, ~3 min on 2 CPU cores). Measured on the 160 held-out
tickets (notebook 05), JSON validity / all three triage fields: over 100 steps, lr 2e-4 (the
QLoRA paper's) left validity at 0.61; 1e-3 with LoRA dropout 0.05 reached 0.98 / 0.62 in 255 s;
2e-3 without dropout 0.97 / 0.74 in ~205 s. 80 steps at 2e-3: 0.99 / 0.63 in ~175 s (3e-3:
0.99 / 0.65); 60 steps: 0.89. 80 steps keeps notebooks 04 + 05 inside their 10-minute CPU budget;
the 20 more steps buy field accuracy, not format (the GPU profile trains longer: see
:data:`GPU_OVERRIDES`). Dropout's random masks cost ~20% of a CPU step, and a half-epoch run
has little to regularise. The price of the large step is forgetting (notebook 05)."""

SOURCES_CFG = QLoRAConfig(max_steps=100, lr=2e-3, dropout=0.0, max_len=512)
"""The with-sources variant: prompts ~2.4x longer (512 fits 2 passages + ticket + reply), so
~2.5x the training time: a GPU-profile exercise (measured here: ~12 s/step on 2 CPU cores)."""

FACTS_CFG = QLoRAConfig(max_steps=100, lr=5e-3, batch_size=8, max_len=128, dropout=0.0)
"""100 steps x 8 questions = 10 passes over the 80 facts, trained on the prompt it is served
(:func:`as_served`). No LoRA dropout: the experiment asks whether fine-tuning can *store* facts,
so it gets the setting that memorises best. Chosen on the training questions alone (target:
>= 0.95 of the trained phrasing, as served), measured on 2 CPU cores: 150 steps at 3e-3 reached
0.975 merged (1.000 on the NF4 training model) in ~400 s; 100 steps at 5e-3 also 0.975 merged,
in ~270 s, so the cheaper run is the course's. The earlier 40 steps at 3e-3 (4 passes) reached
only 0.100 of the trained phrasing, too little to ask what memorised facts are good for."""

READER_CFG = QLoRAConfig(max_steps=60, lr=1e-3, batch_size=4, max_len=512, dropout=0.0)
"""The grounded reader (:mod:`labkit.finetune.reader`): 60 steps x 4 of its 409 training examples (~340
tokens each: three sources, the question, a one-sentence cited answer), ~5 min on 2 CPU cores.
Chosen on the dev questions of unseen articles (136 answerable, 19 unanswerable), answer
accuracy / strict citation accuracy / refusal on unanswerable / false refusals, base reader
0.140 / 0.000 / 0.053 / 0.015: 60 steps at lr 1e-3 0.243 / 0.206 / 0.421 / 0.250; at 2e-3
0.221 / 0.169 / 0.368 / 0.228; 40 steps at 2e-3 0.206 / 0.110 / 0.632 / 0.301; 75 steps at 3e-3
0.147 / 0.125 / 0.263 / 0.221 (every tuned reader cited its own source in all its answers). The
intervals of these dev rates overlap (136 questions): the choice is the best point, not a proven
optimum. Notebook 03 prints the test numbers."""

FACTS_CURVE_EVERY = 20
"""Learning-curve resolution of the facts adapters: every 20 steps = two passes over the 80
facts. Each point costs ~30 s on 2 CPU cores (191 teacher-forced questions), so one point per
pass would add ~5 min to the training's ~4.5."""

GPU_OVERRIDES = {
    "behaviour": {"max_steps": 320, "lr": 2e-4, "dropout": 0.05},
    "facts": {"max_steps": 300, "lr": 1e-3},
}
"""What the GPU profile changes: SmolLM2-1.7B trains two passes over the 640 tickets (320 steps
of 4) at the QLoRA paper's lr 2e-4 with its dropout, and thirty passes over the 80 facts at 1e-3
(memorising needs many passes; the paper's 2e-4 is for learning a task, not storing values) for
the (the CPU profile's 2e-3 serves a 135M model on a 3-minute budget). Chosen from the
paper's defaults for a model this size, not tuned here: no GPU was available when this was
written, so the first GPU run is the measurement (notebooks 04-05 print what it reached)."""


def behaviour_config(profile: Profile | None = None) -> QLoRAConfig:
    """The behaviour adapter's config for ``profile``: :data:`BEHAVIOUR_CFG` on CPU, with
    :data:`GPU_OVERRIDES` on a GPU (the bigger model and more steps, same code)."""
    return _for_profile(BEHAVIOUR_CFG, "behaviour", profile)


def facts_config(profile: Profile | None = None) -> QLoRAConfig:
    """The facts adapters' config for ``profile`` (see :func:`behaviour_config`)."""
    return _for_profile(FACTS_CFG, "facts", profile)


def _for_profile(cfg: QLoRAConfig, kind: str, profile: Profile | None) -> QLoRAConfig:
    profile = profile or current_profile()
    if not profile.device.startswith("cuda"):
        return cfg
    return replace(cfg, **GPU_OVERRIDES[kind])


SOURCES_K = 2
"""Retrieved passages per ticket (training mix, RAG and hybrid): ~80 words each."""


def ticket_retriever(index, embedder) -> Callable[..., list[dict]]:
    """``retrieve(query, k, *, caller)`` for tickets: RRF of dense and BM25 over ``index``
    (notebook 02), restricted to what ``caller`` may read (required; tickets come from
    customers: ``Caller("customer")``), without heading-only chunks
    (:func:`labkit.hybrid.assembly.source_retriever`). :func:`behaviour_adapter` and
    :func:`labkit.hybrid.assembly.add_sources` call ``retrieve(query, k)``: bind a caller first, e.g.
    ``functools.partial(retrieve, caller=Caller("customer"))``."""
    return hybrid.source_retriever(reader_retriever(index, embedder))


def behaviour_training_set(
    retrieve: Callable[[str, int], list[dict]] | None = None, data_dir=None
) -> list[dict]:
    """The adapter's training records: train tickets without the system prompt (the policy is
    what training moves into the weights). With ``retrieve``: every other ticket also gets
    :data:`SOURCES_K` retrieved passages and a reply citing the one that holds its fact
    (:func:`labkit.hybrid.assembly.add_sources`)."""
    recs = behaviour.without_system(data.load_behaviour("train", data_dir))
    if retrieve is None:
        return recs
    facts = {f["id"]: f for f in data.load_facts("v1", data_dir)}
    return hybrid.add_sources(
        recs, data.load_tickets("train", data_dir), facts, retrieve, k=SOURCES_K
    )


def cache_name(name: str, records: list[dict], data_dir) -> str:
    """``name`` for the course's own data (the cache key notebooks share); for another data
    folder, ``name-<first 12 hex of the records' hash>`` so the course's adapter (or index) stays
    cached."""
    if data_dir is None or Path(data_dir).resolve() == DATA_DIR.resolve():
        return name
    return f"{name}-{data_sha256(records)[:12]}"


def _trained(
    name: str,
    records: list[dict],
    cfg: QLoRAConfig,
    profile: Profile,
    progress: bool,
    callbacks: Callable[[], list] | None = None,
    needs: str | None = None,
):
    """The cached adapter ``name``, trained first if missing. ``callbacks`` builds the trainer
    callbacks (only when training); ``needs``: a metadata key the cached adapter must have (a
    learning curve), else it is trained again from scratch to measure it."""
    if not records:
        raise data.DataError(f"no training records for the {name!r} adapter")
    out_dir = cache_dir("adapters", name)
    trained = adapter_is_trained(out_dir, cfg, records, profile)
    if trained and needs and needs not in read_adapter_meta(out_dir):
        trained = False  # e.g. cached without its curve: train again, measuring it (same weights)
    if not trained:
        # resume=False when re-measuring a finished run (its checkpoints would skip the measuring)
        resume = not (needs and (out_dir / "adapter").is_dir())
        cbs = callbacks() if callbacks else None
        train_adapter(
            records, cfg, out_dir, profile, resume=resume, progress=progress, callbacks=cbs
        )
    return out_dir, read_adapter_meta(out_dir)


def behaviour_adapter(
    profile: Profile | None = None,
    progress: bool = True,
    retrieve: Callable[[str, int], list[dict]] | None = None,
    data_dir: str | Path | None = None,
) -> tuple[Path, dict]:
    """``(out_dir, meta)`` of the course's ticket-triage adapter, training it if not cached
    (~3 min on a 2-core CPU). With ``retrieve``: the variant trained with sources. Trains on
    ``data_dir``'s tickets (default: the repo's ``datasets/``)."""
    profile = profile or current_profile()
    records = behaviour_training_set(retrieve, data_dir)
    name, cfg = (
        ("behaviour", behaviour_config(profile))
        if retrieve is None
        else ("behaviour-sources", SOURCES_CFG)
    )
    return _trained(cache_name(name, records, data_dir), records, cfg, profile, progress)


def facts_training_set(snapshot: str = "v1", data_dir=None, augmented: bool = False) -> list[dict]:
    """Fact QA chat records (question -> fact sentence) for the 80 facts the course's question
    set asks about: the canonical question of each, or with ``augmented`` every phrasing of
    ``factqa/train_augmented.jsonl`` (4-8 per fact; never an evaluation wording). For ``"v2"``
    the changed facts answer with their new sentence. The user turn is the bare question; the
    adapter trains on it as served (:func:`as_served`)."""
    asked = {x["fact_id"] for x in data.load_factqa("eval", data_dir) if x["source"] == "questions"}
    split = "augmented" if augmented else "train"
    recs = [r for r in data.load_factqa(split, data_dir) if r["fact_id"] in asked]
    if snapshot == "v1":
        return recs
    if snapshot != "v2":
        raise ValueError(f"snapshot must be 'v1' or 'v2', got {snapshot!r}")
    new = {f["id"]: f["sentence"] for f in data.load_facts("v2", data_dir)}
    return [
        dict(r, messages=[r["messages"][0], {"role": "assistant", "content": new[r["fact_id"]]}])
        for r in recs
    ]


def as_served(records: list[dict]) -> list[dict]:
    """The records with each question wrapped exactly as :func:`labkit.rag.generate.closed_book_answer`
    asks it (instruction + "Question: ..."), so the adapter is trained on the prompt it is served."""
    from ..rag.generate import build_closed_book_messages

    return [
        dict(
            r,
            messages=[*build_closed_book_messages(r["messages"][0]["content"]), r["messages"][-1]],
        )
        for r in records
    ]


def facts_curve_sets(data_dir=None) -> dict[str, list[tuple[list[dict], str]]]:
    """The question sets a facts adapter's learning curve tracks, as (served prompt, v1 answer):
    ``trained phrasing`` (the canonical question of each of the 80 facts), ``paraphrase`` (the 80
    paraphrases of ``factqa/eval.jsonl``) and ``customer-worded`` (the test questions of the
    ``customer`` and ``hard_paraphrase`` classes about one of these facts)."""
    from ..rag.generate import build_closed_book_messages

    canon = facts_training_set("v1", data_dir)
    sentence = {r["fact_id"]: r["messages"][-1]["content"] for r in canon}
    para = facts_eval_questions(data_dir)

    def pairs(rows):
        return [(build_closed_book_messages(q), sentence[f]) for q, f in rows]

    return {
        "trained phrasing": pairs((r["messages"][0]["content"], r["fact_id"]) for r in canon),
        "paraphrase": pairs((x["question"], x["fact_id"]) for x in para["paraphrase"]),
        "customer-worded": pairs(
            (x["question"], x["fact_ids"][0]) for x in para["customer-worded"]
        ),
    }


def facts_eval_questions(data_dir=None) -> dict[str, list[dict]]:
    """The questions about the 80 facts, by set: ``paraphrase`` (``factqa/eval.jsonl`` rows) and
    ``customer-worded`` (``questions.jsonl`` test rows of class customer or hard_paraphrase
    that ask about exactly one of these facts)."""
    para = [x for x in data.load_factqa("eval", data_dir) if x["source"] == "questions"]
    asked = {x["fact_id"] for x in para}
    customer = [
        q
        for q in data.load_questions(data_dir=data_dir)
        if q["split"] == "test"
        and q["type"] in ("customer", "hard_paraphrase")
        and len(q["fact_ids"]) == 1
        and q["fact_ids"][0] in asked
    ]
    return {"paraphrase": para, "customer-worded": customer}


def facts_adapter(
    snapshot: str = "v1",
    profile: Profile | None = None,
    progress: bool = True,
    data_dir: str | Path | None = None,
    augmented: bool = False,
    curve: bool = False,
) -> tuple[Path, dict]:
    """``(out_dir, meta)`` of the adapter tuned to memorise ``snapshot``'s facts (~5 min on a
    2-core CPU), read from ``data_dir`` (default: the repo's ``datasets/``). ``augmented``: the
    paraphrase-augmented variant (same steps, several phrasings per fact). ``curve``: record the
    learning curve of :func:`facts_curve_sets` in the metadata (``meta["learning_curve"]``, a
    point every :data:`FACTS_CURVE_EVERY` steps; ~30 s each on 2 CPU cores). Measuring the curve
    does not change the weights (forward passes without dropout or random draws), so a cached
    adapter serves callers with or without ``curve``; one cached without it is retrained once."""
    records = as_served(facts_training_set(snapshot, data_dir, augmented))
    profile = profile or current_profile()
    name = cache_name(f"facts-{snapshot}" + ("-augmented" if augmented else ""), records, data_dir)

    def curve_callbacks():
        from ..finetune.learning_curve import AnswerCurve
        from ..models import load_tokenizer

        sets = facts_curve_sets(data_dir)
        return [AnswerCurve(load_tokenizer(profile), sets, FACTS_CURVE_EVERY)]

    return _trained(
        name,
        records,
        facts_config(profile),
        profile,
        progress,
        callbacks=curve_callbacks if curve else None,
        needs="learning_curve" if curve else None,
    )


def reader_retriever(index, embedder):
    """The RAG path's retriever of notebook 03: RRF of dense and BM25 over ``index``
    (``search(query, k, filters=None, *, caller)``). The dense part runs on the configured
    vector engine (:func:`labkit.rag.engine.dense_retriever`; FAISS unless set otherwise)."""
    from ..rag.engine import dense_retriever
    from ..rag.retrieve import BM25Retriever, HybridRetriever

    return HybridRetriever(dense_retriever(index, embedder), BM25Retriever(index.chunks))


def reader_training_set(index, embedder, data_dir=None) -> list[dict]:
    """The grounded reader's training records (:func:`labkit.finetune.reader.training_set`): questions
    about the public facts of the training articles (:func:`labkit.finetune.reader.split_articles`), each
    phrasing of ``factqa/train_augmented.jsonl``, with three sources from ``index`` restricted to
    those articles (the gold one absent in a quarter of them)."""
    from ..finetune import reader

    train_ids = reader.split_articles(data.load_articles("v1", data_dir))
    return reader.training_set(
        data.load_facts("v1", data_dir),
        data.load_factqa("augmented", data_dir),
        index.chunks,
        reader_retriever(index, embedder),
        train_ids,
    )


def reader_adapter(
    index, embedder, profile: Profile | None = None, progress: bool = True, data_dir=None
) -> tuple[Path, dict]:
    """``(out_dir, meta)`` of the grounded reader adapter (:data:`READER_CFG`, ~5 min on a
    2-core CPU), trained on :func:`reader_training_set` unless cached."""
    profile = profile or current_profile()
    records = reader_training_set(index, embedder, data_dir)
    return _trained(cache_name("reader", records, data_dir), records, READER_CFG, profile, progress)
