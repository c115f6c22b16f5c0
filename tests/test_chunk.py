"""Chunking invariants: no text lost or rewritten, sizes respected, sections respected."""

import re
import warnings

import pytest

from labkit.rag.chunk import ChunkConfig, chunk_docs, chunk_text, embedding_text

DOC = {
    "id": "kb-test-001",
    "title": "Refund policy",
    "category": "billing-refunds",
    "access": "public",
    "version": 1,
    "body": (
        "# Refund policy\n\nIntro sentence about refunds.\n\n"
        "## Eligibility\n\n" + " ".join(f"word{i}" for i in range(70)) + "\n\n"
        "## How to ask\n\nOpen a ticket within 21 days. Finance answers in 3 business days.\n"
    ),
}


def _covered(body, chunks):
    covered = [False] * len(body)
    for c in chunks:
        for i in range(c["start"], c["end"]):
            covered[i] = True
    return covered


@pytest.mark.parametrize("strategy", ["fixed", "headings"])
@pytest.mark.parametrize("size,overlap", [(16, 0), (16, 4), (40, 10)])
def test_chunking_loses_no_text(strategy, size, overlap):
    cfg = ChunkConfig(strategy=strategy, size=size, overlap=overlap)
    chunks = chunk_docs([DOC], cfg)
    body = DOC["body"]
    for c in chunks:
        assert c["text"] == body[c["start"] : c["end"]]  # exact slice, never rewritten
        assert len(c["text"].split()) <= size
    covered = _covered(body, chunks)
    assert all(covered[i] for i, ch in enumerate(body) if not ch.isspace())


def test_overlap_shares_tokens():
    chunks = chunk_docs([DOC], ChunkConfig("fixed", size=16, overlap=4))
    for a, b in zip(chunks, chunks[1:]):
        assert a["text"].split()[-4:] == b["text"].split()[:4]


def test_headings_never_cross_sections():
    chunks = chunk_docs([DOC], ChunkConfig("headings", size=16, overlap=0))
    for c in chunks:
        # a chunk holds at most one heading, and only at its start
        heads = re.findall(r"^#{1,3} ", c["text"], flags=re.M)
        assert len(heads) <= 1
        if heads:
            assert c["text"].startswith("#")
    assert {c["section"] for c in chunks} == {"Refund policy", "Eligibility", "How to ask"}


def test_metadata_copied_and_ids_unique():
    chunks = chunk_docs([DOC], ChunkConfig("fixed", size=16, overlap=0))
    assert len({c["chunk_id"] for c in chunks}) == len(chunks)
    assert all(c["doc_id"] == "kb-test-001" and c["access"] == "public" for c in chunks)


def test_word_piece_tokenizer_counts(minilm_tokenizer):
    cfg = ChunkConfig("fixed", size=24, overlap=0)
    pieces = chunk_text(DOC["body"], cfg, minilm_tokenizer)
    for p in pieces:
        n = len(
            minilm_tokenizer(DOC["body"][p["start"] : p["end"]], add_special_tokens=False)[
                "input_ids"
            ]
        )
        assert n <= 24 + 2  # re-tokenising a slice can merge/split a piece at the edges


def test_embedding_text_adds_title_once():
    chunks = chunk_docs([DOC], ChunkConfig("headings", size=200, overlap=0))
    assert (
        embedding_text(chunks[0]).count("Refund policy") == 1
    )  # first chunk starts with "# Refund policy"
    assert embedding_text(chunks[1]).startswith("Refund policy\n")


@pytest.mark.parametrize("kw", [{"strategy": "words"}, {"size": 4}, {"size": 16, "overlap": 16}])
def test_config_validates(kw):
    with pytest.raises(ValueError):
        ChunkConfig(**kw)


def test_headings_strategy_warns_when_it_falls_back_to_windows():
    """No Markdown heading: 'headings' can only cut windows, and says so once for all documents."""
    plain = [{"id": f"plain-{i}", "title": "t", "body": "just words " * 40} for i in range(3)]
    with pytest.warns(UserWarning, match=r"3 of 4 documents have no Markdown heading.*'plain-0'"):
        chunks = chunk_docs([DOC, *plain], ChunkConfig("headings", size=16, overlap=0))
    fallback = [c for c in chunks if c["doc_id"].startswith("plain-")]
    assert fallback == chunk_docs(plain, ChunkConfig("fixed", size=16, overlap=0))  # = windows

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chunk_docs([DOC], ChunkConfig("headings", size=16, overlap=0))  # headings: no warning
        chunk_docs(plain, ChunkConfig("fixed", size=16, overlap=0))  # windows asked for: none
