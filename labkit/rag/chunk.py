"""Chunking: cut documents into the passages we embed and retrieve.

Two strategies, compared by retrieval quality in notebooks/01_indexing.ipynb:

- ``"fixed"``: windows of ``size`` tokens, consecutive windows sharing ``overlap`` tokens.
  Blind to structure: a window can start mid-sentence and mix two sections.
- ``"headings"``: split Markdown at ``#``/``##``/``###`` headings first, so each chunk stays
  inside one section; a section longer than ``size`` tokens is windowed like ``"fixed"``.

Tokens come from the tokenizer you pass (use the embedder's, so ``size`` matches what the
embedding model sees: all-MiniLM-L6-v2 truncates at 256 word pieces). Without one, tokens
are whitespace-separated words. Chunk text is always an exact slice of the document
(``doc["body"][start:end]``), so chunking never rewrites or loses text.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import asdict, dataclass

__all__ = ["ChunkConfig", "chunk_docs", "chunk_text", "embedding_text"]

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$", re.MULTILINE)
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class ChunkConfig:
    """How to cut documents.

    strategy: "fixed" (token windows) or "headings" (Markdown sections, windowed if long).
    size: max tokens per chunk (MiniLM sees at most 256 word pieces; we stay well below,
          leaving room for the title prefix added by :func:`embedding_text`).
    overlap: tokens shared by consecutive windows (0 <= overlap < size).
    """

    strategy: str = "headings"
    size: int = 128
    overlap: int = 32

    def __post_init__(self):
        if self.strategy not in ("fixed", "headings"):
            raise ValueError(f"strategy must be 'fixed' or 'headings', got {self.strategy!r}")
        if self.size < 8:
            raise ValueError(f"size must be >= 8 tokens, got {self.size}")
        if not 0 <= self.overlap < self.size:
            raise ValueError(
                f"overlap must be in [0, size), got {self.overlap} with size {self.size}"
            )

    def as_dict(self) -> dict:
        return asdict(self)


def _token_spans(text: str, tok=None) -> list[tuple[int, int]]:
    """Character (start, end) of every token in ``text``."""
    if tok is None:
        return [m.span() for m in _WORD.finditer(text)]
    enc = tok(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False)
    return [(s, e) for s, e in enc["offset_mapping"] if e > s]


def _windows(spans: list[tuple[int, int]], size: int, overlap: int) -> list[tuple[int, int]]:
    """Char ranges of token windows: [spans[i].start, spans[i+size-1].end] every size-overlap tokens."""
    if not spans:
        return []
    out, step = [], size - overlap
    for i in range(0, len(spans), step):
        j = min(i + size, len(spans))
        out.append((spans[i][0], spans[j - 1][1]))
        if j == len(spans):
            break
    return out


def chunk_text(text: str, cfg: ChunkConfig, tok=None) -> list[dict]:
    """Cut one text; returns ``[{"start", "end", "section"}]`` char ranges into ``text``."""
    if cfg.strategy == "fixed":
        return [
            {"start": s, "end": e, "section": ""}
            for s, e in _windows(_token_spans(text, tok), cfg.size, cfg.overlap)
        ]
    # headings: section boundaries at every heading line; text before the first heading
    # (if any) is its own section.
    bounds = [m.start() for m in _HEADING.finditer(text)]
    if not bounds or bounds[0] != 0:
        bounds = [0, *bounds]
    bounds.append(len(text))
    out = []
    for a, b in zip(bounds, bounds[1:]):
        section_text = text[a:b]
        m = _HEADING.match(section_text)
        section = m.group(2).strip() if m else ""
        spans = _token_spans(section_text, tok)
        for s, e in _windows(spans, cfg.size, cfg.overlap):
            out.append({"start": a + s, "end": a + e, "section": section})
    return out


def chunk_docs(docs: list[dict], cfg: ChunkConfig | None = None, tok=None) -> list[dict]:
    """Chunk articles (dicts with ``id``, ``title``, ``body`` and metadata).

    Returns plain dicts: ``chunk_id`` ("<doc_id>#<n>"), ``doc_id``, ``title``, ``section``,
    ``text`` (exact slice of the body), ``start``/``end`` (char offsets), and the document's
    ``category``, ``access``, ``version``, ``updated`` copied for metadata filters.
    """
    cfg = cfg or ChunkConfig()
    if cfg.strategy == "headings":
        _warn_if_no_headings(docs, cfg)
    chunks = []
    for doc in docs:
        body = doc["body"]
        for n, piece in enumerate(chunk_text(body, cfg, tok)):
            chunks.append(
                {
                    "chunk_id": f"{doc['id']}#{n}",
                    "doc_id": doc["id"],
                    "title": doc.get("title", ""),
                    "section": piece["section"],
                    "text": body[piece["start"] : piece["end"]],
                    "start": piece["start"],
                    "end": piece["end"],
                    **{
                        key: doc[key]
                        for key in ("category", "access", "version", "updated")
                        if key in doc
                    },
                }
            )
    return chunks


def _warn_if_no_headings(docs: list[dict], cfg: ChunkConfig) -> None:
    """One warning for all documents the heading-aware chunker can only cut into windows."""
    flat = [
        d["id"] for d in docs if isinstance(d.get("body"), str) and not _HEADING.search(d["body"])
    ]
    if flat:
        warnings.warn(
            f"chunking: {len(flat)} of {len(docs)} documents have no Markdown heading "
            f"('#', '##' or '###' at the start of a line), e.g. {flat[0]!r}; strategy='headings' "
            f"cut them into plain windows of {cfg.size} tokens. Add headings, or use "
            "ChunkConfig(strategy='fixed') to say that windows are what you want.",
            UserWarning,
            stacklevel=3,
        )


def embedding_text(chunk: dict) -> str:
    """What we embed for a chunk: its document title, then its text.

    The title gives a window cut mid-article its subject back ("Refund policy" for a window
    that only says "within 21 days"). The chunk's ``text`` itself stays an exact slice.
    """
    title = chunk.get("title", "")
    return (
        f"{title}\n{chunk['text']}"
        if title and not chunk["text"].startswith("# ")
        else chunk["text"]
    )
