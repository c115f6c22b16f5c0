"""Grounded generation: prompts with numbered sources, batched greedy decoding, citation parsing.

Introduced in notebooks/03_rag_generation.ipynb (closed-book answers reappear in the QLoRA and
hybrid notebooks). The model must answer only from the numbered sources, cite them like ``[1]``,
and say exactly "I don't know" when they do not hold the answer; a *refusal gate* can skip the
model entirely when retrieval found nothing close enough (``rag_answer(min_score=...)``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .security.access import Caller, check_caller, check_chunks

__all__ = [
    "GenerationConfig",
    "REFUSAL",
    "build_rag_messages",
    "build_closed_book_messages",
    "generate_batch",
    "shared_prefix_length",
    "parse_citations",
    "attribute",
    "format_sources",
    "is_refusal",
    "normalize_answer",
    "answer_contains",
    "rag_answer",
    "closed_book_answer",
    "apply_gate",
]

REFUSAL = "I don't know"

# The instructions sit in the user turn, after the sources: SmolLM2-135M follows a short
# instruction next to the question far better than a system prompt (measured on the dev set:
# 0.48 vs 0.23 answer accuracy over 48 questions, same retrieval).
RAG_INSTRUCTION = (
    "Using only the sources above, answer in one sentence and cite the source number like [1]. "
    f'If the sources do not answer it, say "{REFUSAL}".'
)
CLOSED_BOOK_INSTRUCTION = f'Answer in one sentence. If you do not know, say "{REFUSAL}".'


@dataclass
class GenerationConfig:
    max_new_tokens: int = 40  # one sentence; each new token costs ~1/40 s per batch on CPU
    batch_size: int = 16  # prompts per generate() call; 16 x ~350 tokens fits any laptop
    greedy: bool = True  # deterministic answers, so notebook outputs are reproducible
    temperature: float = 0.7  # only used when greedy is False
    stop_at_newline: bool = True  # answers are one sentence; small models ramble into lists
    progress: bool = True  # tqdm bar over queries
    # Prompts that share a long opening (a system prompt + few-shot examples) run it through the
    # model once and reuse its key/value cache; 0 turns this off. See generate_batch.
    shared_prefix_min: int = 64
    # A JSON schema (dict) the output must follow, enforced token by token (labkit.constrained,
    # lm-format-enforcer); None = free text. A reply cut by max_new_tokens can still be invalid.
    json_schema: dict | None = None

    def __post_init__(self):
        if self.max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be >= 1, got {self.max_new_tokens}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {self.batch_size}")
        if self.shared_prefix_min < 0:
            raise ValueError(f"shared_prefix_min must be >= 0, got {self.shared_prefix_min}")
        if not isinstance(self.greedy, bool):
            raise TypeError(f"greedy must be a bool, got {self.greedy!r}")
        if not self.greedy and self.temperature <= 0:
            raise ValueError("sampling (greedy=False) needs temperature > 0")


def format_sources(chunks: Sequence[dict]) -> str:
    """Numbered sources, best first: ``Source [i]: title`` then the chunk text (i from 1)."""
    return "\n\n".join(
        f"Source [{i}]: {c['title']}\n{c['text'].strip()}" for i, c in enumerate(chunks, 1)
    )


def build_rag_messages(query: str, chunks: Sequence[dict]) -> list[dict]:
    """One user turn: the numbered sources, the instruction, then the question."""
    content = f"Sources:\n{format_sources(chunks)}\n\n{RAG_INSTRUCTION}\nQuestion: {query}"
    return [{"role": "user", "content": content}]


def build_closed_book_messages(query: str) -> list[dict]:
    """The same question without sources: what the model answers from its weights alone."""
    return [{"role": "user", "content": f"{CLOSED_BOOK_INSTRUCTION}\nQuestion: {query}"}]


_NEWLINE_IDS: dict[int, object] = {}


def _newline_criteria(tok):
    """A stopping criterion that ends each row at its first token containing a newline.

    Faster than ``generate(stop_strings=...)``, which rebuilds token tables on every call.
    """
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    key = id(tok)
    if key not in _NEWLINE_IDS:
        ids = [i for i in range(len(tok)) if "\n" in tok.decode([i])]
        _NEWLINE_IDS[key] = torch.tensor(ids)
    ids = _NEWLINE_IDS[key]

    class _StopAtNewline(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):  # -> (batch,) bool
            return torch.isin(input_ids[:, -1], ids.to(input_ids.device))

    return StoppingCriteriaList([_StopAtNewline()])


def _stop_ids(model, tok) -> set[int]:
    eos = model.generation_config.eos_token_id
    ids = set(eos if isinstance(eos, list) else [eos]) | {tok.pad_token_id, tok.eos_token_id}
    return {i for i in ids if i is not None}


def shared_prefix_length(token_lists: Sequence[Sequence[int]]) -> int:
    """Tokens every list starts with, capped so each list keeps at least one token of its own."""
    if not token_lists:
        return 0
    first, shortest = token_lists[0], min(len(t) for t in token_lists)
    n = 0
    while n < shortest - 1 and all(t[n] == first[n] for t in token_lists):
        n += 1
    return n


def _prefix_cache(model, prefix: list[int]):
    """The key/value cache of ``prefix`` (batch 1), computed once."""
    import torch

    ids = torch.tensor([prefix], device=model.device)
    return model(input_ids=ids, use_cache=True).past_key_values


def generate_batch(
    model, tok, messages_list: Sequence[list[dict]], cfg: GenerationConfig | None = None
) -> list[dict]:
    """Generate one answer per chat; returns ``[{"text", "prompt_tokens", "new_tokens", "seconds"}]`` in input order.

    Prompts are sorted by length and cut into batches of ``cfg.batch_size`` (less padding), left
    padded, and decoded with ``model.generate``. ``new_tokens`` counts answer tokens before the
    stop token. ``seconds`` is the batch's wall time divided by its size: an amortised per-query
    cost, not the latency one query would see alone.

    Shared prefix: when all prompts open with the same ``>= cfg.shared_prefix_min`` tokens (a
    system prompt and few-shot examples), that opening runs through the model once and every
    batch starts from a copy of its key/value cache. Each row is then ``prefix | padding | own
    tokens``; the attention mask hides the padding and position ids follow the mask, so a row
    sees what it would see alone. On CPU, reading the prompt (prefill) is most of the cost of a
    long few-shot prompt: 3 shots (655 shared of ~740 tokens) ran 1.7x faster this way.
    """
    import copy

    import torch
    from tqdm.auto import tqdm

    cfg = cfg or GenerationConfig()
    prompts = [
        tok.apply_chat_template(m, add_generation_prompt=True, tokenize=False)
        for m in messages_list
    ]
    # The chat template already holds the special tokens, so never add them twice.
    ids = tok(prompts, add_special_tokens=False)["input_ids"] if prompts else []
    lengths = [len(x) for x in ids]
    shared = shared_prefix_length(ids) if cfg.shared_prefix_min and len(ids) > 1 else 0
    if shared < cfg.shared_prefix_min:
        shared = 0
    order = sorted(range(len(prompts)), key=lambda i: lengths[i])
    stop = _stop_ids(model, tok)
    extra = {"stopping_criteria": _newline_criteria(tok)} if cfg.stop_at_newline else {}
    if cfg.json_schema is not None:
        from .constrained import prefix_allowed_tokens_fn

        extra["prefix_allowed_tokens_fn"] = prefix_allowed_tokens_fn(tok, cfg.json_schema)
    sampling = (
        {"do_sample": False} if cfg.greedy else {"do_sample": True, "temperature": cfg.temperature}
    )
    pad = tok.pad_token_id
    results: list[dict | None] = [None] * len(prompts)
    with (
        torch.inference_mode(),
        tqdm(total=len(prompts), desc="generate", unit="query", disable=not cfg.progress) as bar,
    ):
        prefix_cache = _prefix_cache(model, ids[0][:shared]) if shared else None
        for start in range(0, len(order), cfg.batch_size):
            idx = order[start : start + cfg.batch_size]
            width = max(lengths[i] for i in idx) - shared
            rows, mask = [], []
            for i in idx:
                own = ids[i][shared:]
                gap = width - len(own)
                rows.append(ids[i][:shared] + [pad] * gap + own)
                mask.append([1] * shared + [0] * gap + [1] * len(own))
            enc = {  # input_ids, attention_mask: (batch, shared + longest own part)
                "input_ids": torch.tensor(rows, device=model.device),
                "attention_mask": torch.tensor(mask, device=model.device),
            }
            if prefix_cache is not None:
                cache = copy.deepcopy(prefix_cache)
                cache.batch_repeat_interleave(len(idx))
                enc["past_key_values"] = cache
            t0 = time.perf_counter()
            out = model.generate(
                **enc,
                max_new_tokens=cfg.max_new_tokens,
                pad_token_id=pad,
                **sampling,
                **extra,
            )
            per_query = (time.perf_counter() - t0) / len(idx)
            new = out[:, enc["input_ids"].shape[1] :].tolist()  # (batch, <= max_new_tokens)
            for row, i in zip(new, idx, strict=True):
                n = next((j for j, t in enumerate(row) if t in stop), len(row))
                text = tok.decode(row[:n], skip_special_tokens=True).strip()
                if cfg.stop_at_newline:
                    text = text.split("\n", 1)[0].strip()
                results[i] = {
                    "text": text,
                    "prompt_tokens": lengths[i],
                    "new_tokens": n,
                    "seconds": per_query,
                }
            bar.update(len(idx))
    return results


_CITATION = re.compile(r"\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]")


def parse_citations(text: str) -> list[int]:
    """Sorted unique source numbers cited as ``[1]``, ``[2, 3]`` or ``[1][3]``."""
    return sorted({int(n) for group in _CITATION.findall(text) for n in group.split(",")})


_TOKEN = re.compile(r"[a-z0-9]+(?:[.,:-][a-z0-9]+)*")
_STOP = frozenset(
    "a an the is are was were be been to of in on for and or with by at from as it its this that "
    "you your can do does i my we our per".split()
)


def _content_tokens(text: str) -> set[str]:
    return {t for t in _TOKEN.findall(normalize_answer(text)) if t not in _STOP}


def attribute(text: str, chunks: Sequence[dict], min_overlap: float = 0.5) -> int | None:
    """Post-hoc citation: the 1-based number of the source that shares most content words with
    the answer, or None when no source covers at least ``min_overlap`` of them.

    For models too small to write citations reliably (SmolLM2-135M cites in only a few percent
    of answers). Ties go to the better-ranked source. It attributes, it does not verify: an
    answer copied from the wrong source is attributed to that wrong source, which the citation
    accuracy metric then counts as wrong.
    """
    words = _content_tokens(text)
    if not words or not chunks:
        return None
    overlaps = [len(words & _content_tokens(c["text"])) / len(words) for c in chunks]
    best = max(range(len(chunks)), key=lambda i: (overlaps[i], -i))
    return best + 1 if overlaps[best] >= min_overlap else None


# What a decline looks like, as regexes over the lower-cased answer (curly apostrophes made
# straight), one family per line. Checked on 358 hand-labelled real generator outputs on the dev
# questions (tests/data/refusal_labels.jsonl, rule in scripts/collect_outputs.py): a decline
# followed by a guess ("I'm not sure, but maybe 43 days") counts as a refusal; an answer that
# merely contains a negation ("it does not sync", "cannot map a column") does not.
_NOT = r"(?:do not|don't|dont|does not|doesn't|did not|didn't)"
REFUSAL_PHRASES = (
    # not knowing: "I don't know", "I'm not sure", "I am not certain", "no idea"
    r"\bi (?:do not|don't|dont) know\b",
    r"\b(?:i'm|im|i am) (?:not (?:sure|certain)|unsure)\b",
    r"^not sure\b",
    r"\bno idea\b",
    # cannot answer / find / provide: "I cannot answer", "I couldn't find", "we can't provide a
    # specific number", "I don't have that information", "I don't have the ability to provide"
    # (only "I": "we don't have the ability to restore a board" is an answer)
    r"\b(?:cannot|can't|can not|unable to|could not|couldn't) (?:answer|find)\b",
    r"\b(?:cannot|can't|can not|unable to) (?:provide|give|say|tell)"
    r"(?: you)? (?:a |an |the |any )?(?:specific|exact|precise|definitive)\b",
    r"\b(?:i|we) (?:do not|don't|dont) have (?:that |this |the |any |enough |specific )?"
    r"(?:information|details)\b",
    r"\bi (?:do not|don't|dont) have the (?:ability|capability) to (?:provide|answer)\b",
    # the sources do not say: "the sources do not mention it", "not provided in the sources"
    rf"\bsources?(?: \[\d+\])?(?: above)? {_NOT} (?:say|state|mention|contain|specify|provide|include|"
    r"answer|cover|give|tell)",
    r"\bnot (?:mentioned |provided |specified |stated |given |listed |covered |found )?in the "
    r"(?:sources?|context|help center|articles?)\b",
    r"\b(?:is|are) not (?:specified|mentioned|stated)\b",
    # no information: "there is no information about it", "no information is available"
    r"\bno (?:information|details) (?:about|on|regarding|is available|available|"
    r"is provided|provided|is given)\b",
    r"\b(?:information|answer) is not (?:available|provided|given)\b",
)
_REFUSAL_RE = re.compile("|".join(f"(?:{p})" for p in REFUSAL_PHRASES))


def is_refusal(text: str) -> bool:
    """True when the answer declines (matches any of ``REFUSAL_PHRASES``, case-insensitive) or
    is blank. A hedge that declines first ("I'm not sure, but maybe 43 days") is a refusal: the
    model said it does not know, so the scorer never credits the guess as an answer.
    """
    t = text.lower().replace("\u2019", "'").strip()
    return not t or _REFUSAL_RE.search(t) is not None


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def normalize_answer(text: str) -> str:
    """Lowercase, "1,800" -> "1800", drop "$", collapse whitespace (for substring matching)."""
    text = _THOUSANDS.sub("", text.lower()).replace("$", "")
    return " ".join(text.split())


def _whole_token(m: str) -> str:
    """A regex for the normalised string ``m`` standing alone: no letter or digit touches it,
    and where it starts or ends with a digit, no ``.``/``,`` + digit continues the number
    ("5.2" is not inside "4.5.2" or "5.2.1"; a sentence's closing "5.2." still matches)."""
    lead = r"(?<![0-9a-z])" + (r"(?<![.,])" if m[:1].isdigit() else "")
    trail = r"(?![0-9a-z])" + (r"(?![.,][0-9])" if m[-1:].isdigit() else "")
    return lead + re.escape(m) + trail


def answer_contains(text: str, must_contain: str | Sequence[str]) -> bool:
    """True when every expected string occurs in the normalised answer as a whole token run.

    Numbers, versions, prices and codes match only whole: "19 days" not inside "119 days",
    "24.85" not inside "124.85", "5.2" not inside "4.5.2", "NB-4745" not inside "NB-47451"; a
    dot or comma followed by a digit belongs to the number. Punctuation after it is fine
    ("5.2.", "5.2,", "$12.50/month", "(43 days)"). An empty list is True.
    """
    items = [must_contain] if isinstance(must_contain, str) else list(must_contain)
    answer = normalize_answer(text)
    return all(re.search(_whole_token(normalize_answer(m)), answer) for m in items)


def rag_answer(
    queries: Sequence[str],
    retrieve_fn: Callable[[str, int], list[dict]],
    model,
    tok,
    k: int = 3,
    min_score: float | None = None,
    cfg: GenerationConfig | None = None,
    gate_fn: Callable[[str], float] | None = None,
    *,
    caller: Caller | None = None,
) -> list[dict]:
    """Retrieve k chunks per query for ``caller``, answer from them, parse citations.

    retrieve_fn(query, k, caller=caller) -> chunk dicts (text, title, doc_id, chunk_id, score),
    best first, e.g. ``lambda q, k, caller: hybrid.search(q, k, caller=caller)``.
    caller: who is asking (:class:`labkit.security.access.Caller`), required. Every returned
    chunk is checked again before any prompt is built: one the caller may not read raises
    :class:`labkit.security.access.AccessError` (defence in depth against a retrieve function
    that ignores the caller).
    Refusal gate: with ``min_score`` set, a query whose relevance score is below it (or with
    no chunks) is answered "I don't know" without calling the model (``gated=True``, 0 tokens).
    The relevance score is ``gate_fn(query)`` when given (e.g. the top dense cosine, which is
    comparable across queries), else the best chunk's ``score``.
    Citations: the numbers the model wrote; when it wrote none (and did not refuse), the source
    :func:`attribute` picks (``citation_source`` says which: "model", "attributed" or None).
    Returns per query: query, caller (its role), text, citations, citation_source,
    cited_chunks (the chunk dicts the numbers point to; out-of-range numbers are dropped),
    chunks, gated, prompt_tokens, new_tokens, seconds.
    """
    check_caller(caller)
    retrieved = [list(retrieve_fn(q, k, caller=caller)) for q in queries]
    for ch in retrieved:
        check_chunks(ch, caller)  # before any prompt exists

    def relevance(q: str, ch: list[dict]) -> float:
        return gate_fn(q) if gate_fn is not None else max(c["score"] for c in ch)

    gated = [
        min_score is not None and (not ch or relevance(q, ch) < min_score)
        for q, ch in zip(queries, retrieved, strict=True)
    ]
    todo = [i for i, g in enumerate(gated) if not g]
    gens = (
        generate_batch(
            model, tok, [build_rag_messages(queries[i], retrieved[i]) for i in todo], cfg
        )
        if todo
        else []
    )
    by_index = dict(zip(todo, gens, strict=True))
    refusal = {"text": REFUSAL, "prompt_tokens": 0, "new_tokens": 0, "seconds": 0.0}
    out = []
    for i, q in enumerate(queries):
        g = by_index.get(i, refusal)
        chunks = retrieved[i]
        cites, source = parse_citations(g["text"]), "model"
        if not cites:
            picked = None if is_refusal(g["text"]) else attribute(g["text"], chunks)
            cites, source = ([picked], "attributed") if picked else ([], None)
        out.append(
            {
                "query": q,
                "caller": caller.role,
                "text": g["text"],
                "citations": cites,
                "citation_source": source,
                "cited_chunks": [chunks[c - 1] for c in cites if 1 <= c <= len(chunks)],
                "chunks": chunks,
                "gated": gated[i],
                "prompt_tokens": g["prompt_tokens"],
                "new_tokens": g["new_tokens"],
                "seconds": g["seconds"],
            }
        )
    return out


def closed_book_answer(
    queries: Sequence[str],
    model,
    tok,
    cfg: GenerationConfig | None = None,
    *,
    caller: Caller | None = None,
) -> list[dict]:
    """Answers without sources, same shape as :func:`rag_answer` (no chunks, never gated).

    caller: required like everywhere a question reaches the model; recorded in each result
    (no document is read here, but what the *weights* learned is served to this caller)."""
    check_caller(caller)
    gens = generate_batch(model, tok, [build_closed_book_messages(q) for q in queries], cfg)
    return [
        {
            "query": q,
            "caller": caller.role,
            "text": g["text"],
            "citations": parse_citations(g["text"]),
            "citation_source": None,
            "cited_chunks": [],
            "chunks": [],
            "gated": False,
            "prompt_tokens": g["prompt_tokens"],
            "new_tokens": g["new_tokens"],
            "seconds": g["seconds"],
        }
        for q, g in zip(queries, gens, strict=True)
    ]


def apply_gate(results: Sequence[dict], scores: Sequence[float], min_score: float) -> list[dict]:
    """The refusal gate applied after the fact: same as ``rag_answer(min_score=...)`` without
    generating again. Results whose relevance score is below ``min_score`` become refusals
    (``gated=True``, no citations, 0 tokens); the others are kept as they are.
    """
    out = []
    for r, s in zip(results, scores, strict=True):
        if s < min_score:
            r = dict(
                r,
                text=REFUSAL,
                citations=[],
                citation_source=None,
                cited_chunks=[],
                gated=True,
                prompt_tokens=0,
                new_tokens=0,
                seconds=0.0,
            )
        out.append(r)
    return out
