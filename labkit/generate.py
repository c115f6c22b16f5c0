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

__all__ = [
    "GenerationConfig",
    "REFUSAL",
    "build_rag_messages",
    "build_closed_book_messages",
    "generate_batch",
    "parse_citations",
    "is_refusal",
    "normalize_answer",
    "answer_contains",
    "rag_answer",
    "closed_book_answer",
]

REFUSAL = "I don't know"

RAG_RULES = (
    "You answer questions using only the numbered sources given by the user.\n"
    "Rules:\n"
    "1. Use only facts stated in the sources.\n"
    "2. Cite every source you use with its number in brackets, like [1].\n"
    f'3. If the sources do not contain the answer, reply exactly "{REFUSAL}".\n'
    "4. Answer in one or two short sentences."
)
CLOSED_BOOK_RULES = (
    "You answer questions briefly and factually.\n"
    "Rules:\n"
    f'1. If you do not know the answer, reply exactly "{REFUSAL}".\n'
    "2. Answer in one or two short sentences."
)


@dataclass
class GenerationConfig:
    max_new_tokens: int = (
        48  # answers are one or two sentences; each token costs ~1/40 s/batch on CPU
    )
    batch_size: int = 16  # prompts per generate() call; 16 x ~350 tokens fits any laptop
    greedy: bool = True  # deterministic answers, so notebook outputs are reproducible
    temperature: float = 0.7  # only used when greedy is False
    progress: bool = True  # tqdm bar over queries

    def __post_init__(self):
        if self.max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be >= 1, got {self.max_new_tokens}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {self.batch_size}")
        if not isinstance(self.greedy, bool):
            raise TypeError(f"greedy must be a bool, got {self.greedy!r}")
        if not self.greedy and self.temperature <= 0:
            raise ValueError("sampling (greedy=False) needs temperature > 0")


def build_rag_messages(query: str, chunks: Sequence[dict]) -> list[dict]:
    """Chat messages: system rules + user turn with sources ``[i] (title) text`` (i from 1), then the question."""
    sources = "\n".join(
        f"[{i}] ({c['title']}) {c['text'].strip()}" for i, c in enumerate(chunks, 1)
    )
    return [
        {"role": "system", "content": RAG_RULES},
        {"role": "user", "content": f"Sources:\n{sources}\n\nQuestion: {query}"},
    ]


def build_closed_book_messages(query: str) -> list[dict]:
    """Same rules without sources: what the model answers from its weights alone."""
    return [
        {"role": "system", "content": CLOSED_BOOK_RULES},
        {"role": "user", "content": f"Question: {query}"},
    ]


def _stop_ids(model, tok) -> set[int]:
    eos = model.generation_config.eos_token_id
    ids = set(eos if isinstance(eos, list) else [eos]) | {tok.pad_token_id, tok.eos_token_id}
    return {i for i in ids if i is not None}


def generate_batch(
    model, tok, messages_list: Sequence[list[dict]], cfg: GenerationConfig | None = None
) -> list[dict]:
    """Generate one answer per chat; returns ``[{"text", "prompt_tokens", "new_tokens", "seconds"}]`` in input order.

    Prompts are sorted by length and cut into batches of ``cfg.batch_size`` (less padding), left
    padded, and decoded with ``model.generate``. ``new_tokens`` counts answer tokens before the
    stop token. ``seconds`` is the batch's wall time divided by its size: an amortised per-query
    cost, not the latency one query would see alone.
    """
    import torch
    from tqdm.auto import tqdm

    cfg = cfg or GenerationConfig()
    prompts = [
        tok.apply_chat_template(m, add_generation_prompt=True, tokenize=False)
        for m in messages_list
    ]
    # The chat template already holds the special tokens, so never add them twice.
    lengths = (
        [len(ids) for ids in tok(prompts, add_special_tokens=False)["input_ids"]] if prompts else []
    )
    order = sorted(range(len(prompts)), key=lambda i: lengths[i])
    stop = _stop_ids(model, tok)
    sampling = (
        {"do_sample": False} if cfg.greedy else {"do_sample": True, "temperature": cfg.temperature}
    )
    results: list[dict | None] = [None] * len(prompts)
    with (
        torch.inference_mode(),
        tqdm(total=len(prompts), desc="generate", unit="query", disable=not cfg.progress) as bar,
    ):
        for start in range(0, len(order), cfg.batch_size):
            idx = order[start : start + cfg.batch_size]
            enc = tok(
                [prompts[i] for i in idx],
                return_tensors="pt",
                padding=True,
                add_special_tokens=False,
            )
            enc = enc.to(model.device)  # input_ids, attention_mask: (batch, longest prompt)
            t0 = time.perf_counter()
            out = model.generate(
                **enc, max_new_tokens=cfg.max_new_tokens, pad_token_id=tok.pad_token_id, **sampling
            )
            per_query = (time.perf_counter() - t0) / len(idx)
            new = out[:, enc["input_ids"].shape[1] :].tolist()  # (batch, <= max_new_tokens)
            for row, i in zip(new, idx, strict=True):
                n = next((j for j, t in enumerate(row) if t in stop), len(row))
                text = tok.decode(row[:n], skip_special_tokens=True).strip()
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


# Lower-case phrases that mark an answer as a refusal (after curly quotes become straight).
REFUSAL_PHRASES = (
    "i don't know",
    "i do not know",
    "i dont know",
    "cannot find",
    "can't find",
    "could not find",
    "couldn't find",
    "not in the sources",
    "not mentioned in the sources",
    "sources do not contain",
    "sources don't contain",
    "cannot answer",
    "unable to answer",
)


def is_refusal(text: str) -> bool:
    """True when the answer declines (any of ``REFUSAL_PHRASES``, case-insensitive) or is empty."""
    t = text.lower().replace("\u2019", "'")
    return not t.strip() or any(p in t for p in REFUSAL_PHRASES)


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def normalize_answer(text: str) -> str:
    """Lowercase, "1,800" -> "1800", drop "$", collapse whitespace (for substring matching)."""
    text = _THOUSANDS.sub("", text.lower()).replace("$", "")
    return " ".join(text.split())


def answer_contains(text: str, must_contain: str | Sequence[str]) -> bool:
    """True when every expected string occurs in the normalised answer (an empty list is True)."""
    items = [must_contain] if isinstance(must_contain, str) else list(must_contain)
    answer = normalize_answer(text)
    return all(normalize_answer(m) in answer for m in items)


def rag_answer(
    queries: Sequence[str],
    retrieve_fn: Callable[[str, int], list[dict]],
    model,
    tok,
    k: int = 3,
    min_score: float | None = None,
    cfg: GenerationConfig | None = None,
) -> list[dict]:
    """Retrieve k chunks per query, answer from them, parse citations.

    retrieve_fn(query, k) -> chunk dicts (text, title, doc_id, chunk_id, score), best first.
    Refusal gate: with ``min_score`` set, a query whose best score is below it (or with no
    chunks) is answered "I don't know" without calling the model (``gated=True``, 0 tokens).
    Returns per query: query, text, citations (ints as written), cited_chunks (the chunk dicts
    those numbers point to; out-of-range numbers are dropped), chunks, gated, prompt_tokens,
    new_tokens, seconds.
    """
    retrieved = [list(retrieve_fn(q, k)) for q in queries]
    gated = [
        min_score is not None and (not ch or max(c["score"] for c in ch) < min_score)
        for ch in retrieved
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
        cites = parse_citations(g["text"])
        chunks = retrieved[i]
        out.append(
            {
                "query": q,
                "text": g["text"],
                "citations": cites,
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
    queries: Sequence[str], model, tok, cfg: GenerationConfig | None = None
) -> list[dict]:
    """Answers without sources, same shape as :func:`rag_answer` (no chunks, never gated)."""
    gens = generate_batch(model, tok, [build_closed_book_messages(q) for q in queries], cfg)
    return [
        {
            "query": q,
            "text": g["text"],
            "citations": parse_citations(g["text"]),
            "cited_chunks": [],
            "chunks": [],
            "gated": False,
            "prompt_tokens": g["prompt_tokens"],
            "new_tokens": g["new_tokens"],
            "seconds": g["seconds"],
        }
        for q, g in zip(queries, gens, strict=True)
    ]
