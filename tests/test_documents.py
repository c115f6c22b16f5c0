"""The general document model and its loaders: validation with file:line, metadata kept."""

import gzip
import json

import pytest

from labkit import data
from labkit.data import DataError
from labkit.rag.chunk import ChunkConfig, chunk_docs
from labkit.rag.documents import (
    attach_metadata,
    load_beir_questions,
    load_documents,
    load_documents_folder,
    load_documents_jsonl,
    load_questions_jsonl,
    make_document,
)


def _jsonl(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def test_text_or_body_title_optional_other_fields_are_metadata():
    doc = make_document({"id": 7, "text": "Hello", "lang": "en", "year": 2020})
    assert doc == {"id": "7", "title": "", "body": "Hello", "lang": "en", "year": 2020}
    assert make_document({"id": "a", "body": "x", "title": "T"})["title"] == "T"


@pytest.mark.parametrize(
    "record,message",
    [
        ({"text": "x"}, "missing required field 'id'"),
        ({"id": "a"}, "missing required field 'text'"),
        ({"id": "a", "text": "x", "body": "y"}, "not both"),
        ({"id": "a", "text": "  \n"}, "blank"),
        ({"id": "", "text": "x"}, "'id' is empty"),
        ({"id": True, "text": "x"}, "'id' must be a string"),
        ({"id": "a", "text": 3}, "'text' must be a string"),
        ({"id": "a", "text": "x", "title": ["t"]}, "'title' must be a string"),
        ({"id": "a", "text": "x", "chunk_id": "c"}, "reserved"),
        (["id", "text"], "must be a JSON object"),
    ],
)
def test_make_document_rejects(record, message):
    with pytest.raises(DataError, match=message):
        make_document(record, "f.jsonl:3")


def test_jsonl_errors_name_file_and_line(tmp_path):
    good = {"id": "a", "text": "alpha"}
    cases = [
        ([good, "{not json"], ":2: not valid JSON"),
        ([good, {"id": "b"}], ":2: missing required field 'text'"),
        ([good, "", {"id": "a", "text": "again"}], r":3: duplicate id .a. \(first at"),
        ([good, '{"id": "b", "text": "x", "access": "internal", "access": "public"}'], ":2: key"),
    ]
    for rows, message in cases:
        path = _jsonl(tmp_path / "docs.jsonl", rows)
        with pytest.raises(DataError, match=message) as e:
            load_documents_jsonl(path)
        assert str(path) in str(e.value)


def test_jsonl_empty_and_non_utf8_are_clear_errors(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    with pytest.raises(DataError, match="no records"):
        load_documents_jsonl(empty)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "caf\xe9"}\n')
    with pytest.raises(DataError, match=r"latin\.jsonl:2: not UTF-8"):
        load_documents_jsonl(latin)
    with pytest.raises(DataError, match="file not found"):
        load_documents_jsonl(tmp_path / "missing.jsonl")


def test_jsonl_gz_and_bom(tmp_path):
    path = tmp_path / "d.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"id": "a", "text": "zipped"}\n'))
    assert load_documents_jsonl(path)[0]["body"] == "zipped"
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "windows"}\n')
    assert load_documents_jsonl(bom)[0]["id"] == "a"


def test_course_articles_load_through_the_general_loader():
    """The course schema is a stricter profile of the general model: same documents either way."""
    path = data.DATA_DIR / "helpcenter" / "v1" / "articles.jsonl"
    strict = data.load_articles("v1")
    general = load_documents_jsonl(path)
    assert [d["id"] for d in general] == [a["id"] for a in strict]
    for g, a in zip(general, strict, strict=True):
        assert g == a  # every field kept, as is
    assert {"category", "access", "version", "updated"} <= general[0].keys()


def test_the_course_schema_is_stricter(tmp_path):
    rec = {"id": "my-note", "title": "Note", "body": "Some text.", "team": "ops"}
    folder = tmp_path / "helpcenter" / "v1"
    folder.mkdir(parents=True)
    path = _jsonl(folder / "articles.jsonl", [rec])
    assert load_documents_jsonl(path)[0]["team"] == "ops"  # general: fine
    with pytest.raises(DataError, match="articles.jsonl:1"):  # course: category etc. required
        data.load_articles("v1", tmp_path)


def test_markdown_folder_ids_titles_and_folder_metadata(tmp_path):
    (tmp_path / "guides").mkdir()
    (tmp_path / "guides" / "install.md").write_text("Intro line\n\n# Installing\n\nRun it.\n")
    (tmp_path / "notes.txt").write_text("No heading here, just text.\n")
    (tmp_path / ".hidden.md").write_text("# Secret\n\nskip me\n")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    docs = load_documents_folder(tmp_path)
    assert [(d["id"], d["title"], d["folder"]) for d in docs] == [
        ("guides/install.md", "Installing", "guides"),
        ("notes.txt", "notes", ""),
    ]
    assert docs[0]["body"].startswith("Intro line")  # the whole file is the body
    assert load_documents(tmp_path) == docs  # auto-detects a plain folder


def test_markdown_folder_errors_name_the_file(tmp_path):
    with pytest.raises(DataError, match="no .md, .markdown, .txt files"):
        load_documents_folder(tmp_path)
    (tmp_path / "a.md").write_text("# A\n\ntext\n")
    (tmp_path / "b.md").write_bytes(b"# B\n\nline two\nbad \xff byte\n")
    with pytest.raises(DataError, match=r"b\.md:4: not UTF-8"):
        load_documents_folder(tmp_path)
    (tmp_path / "b.md").write_text("   \n")
    with pytest.raises(DataError, match=r"b\.md: 'text' is blank"):
        load_documents_folder(tmp_path)


def _beir(folder, corpus_rows):
    folder.mkdir()
    _jsonl(folder / "corpus.jsonl", corpus_rows)
    _jsonl(folder / "queries.jsonl", [{"_id": "q1", "text": "what is alpha?"}])
    (folder / "qrels").mkdir()
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t0\n")
    return folder


def test_beir_folder_reuses_labkit_beir(tmp_path):
    folder = _beir(tmp_path / "beir", [{"_id": "d1", "title": "Alpha", "text": "alpha text"}])
    docs = load_documents(folder)
    assert docs == [{"id": "d1", "title": "Alpha", "body": "alpha text"}]
    qs = load_beir_questions(folder)
    assert qs == [{"id": "q1", "question": "what is alpha?", "answer": "", "gold_ids": ["d1"]}]
    bad = _beir(tmp_path / "bad", [{"_id": "d1", "title": "t"}])
    with pytest.raises(DataError, match=r"corpus\.jsonl:1: a row needs '_id' and 'text'"):
        load_documents(bad)


def test_questions_fields_configurable_and_validated(tmp_path):
    path = _jsonl(
        tmp_path / "q.jsonl",
        [
            {"q": "Which module parses options?", "a": "argparse", "docs": "argparse.md"},
            {"q": "What is the capital of France?", "docs": []},
        ],
    )
    qs = load_questions_jsonl(path, "q", "a", "docs")
    assert [(q["id"], q["gold_ids"], q["answerable"]) for q in qs] == [
        ("line-1", ["argparse.md"], True),
        ("line-2", [], False),
    ]
    with pytest.raises(DataError, match=r"q\.jsonl:1: field 'question' must be"):
        load_questions_jsonl(path)  # default field names are not in this file
    labelled = _jsonl(tmp_path / "l.jsonl", [{"question": "x?", "answerable": "yes"}])
    with pytest.raises(DataError, match=r"l\.jsonl:1: field 'answerable' must be true or false"):
        load_questions_jsonl(labelled, label_field="answerable")


def test_every_metadata_field_reaches_every_chunk():
    docs = [
        make_document({"id": "a", "text": "# A\n\n" + "word " * 300, "team": "ops", "year": 2021}),
        make_document({"id": "b", "text": "# B\n\nshort", "team": "sales", "tags": ["x"]}),
    ]
    chunks = attach_metadata(chunk_docs(docs, ChunkConfig("headings", 64, 0)), docs)
    assert len(chunks) > 2
    for c in chunks:
        doc = next(d for d in docs if d["id"] == c["doc_id"])
        assert {k: c[k] for k in doc if k not in ("id", "body")} == {
            k: v for k, v in doc.items() if k not in ("id", "body")
        }
