"""Your own documents: a general document model and loaders for JSONL, Markdown folders and BEIR.

The course's help-center articles (:func:`labkit.data.load_articles`) follow a strict schema;
this module is the general model they are a profile of, for documents the course did not
write. Used by the command line (``python -m labkit.rag``, see docs/OWN_DOCUMENTS.md); the
indexing it feeds is introduced in notebooks/01_indexing.ipynb.

A document is a plain dict ``{"id", "title", "body", **metadata}``:

- ``id``: required, a non-empty string (an integer id is turned into its string);
- ``text`` or ``body``: required (exactly one of the two), a string with some non-space text;
  it is stored as ``body``, the field the chunker cuts;
- ``title``: optional string ("" when absent);
- every other field is metadata, copied onto each chunk of the document by
  :func:`attach_metadata` and usable in retriever filters. Scalar values (string, number,
  boolean) are filterable by equality; lists and objects are kept but cannot be filtered on.
  Field names the chunks use themselves (:data:`RESERVED_FIELDS`) are refused.

Every loader validates all records before returning any (all or nothing) and raises
:class:`labkit.data.DataError` naming the file and line (or file) of the first bad one.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..data import DataError

__all__ = [
    "RESERVED_FIELDS",
    "make_document",
    "load_documents",
    "load_documents_jsonl",
    "load_documents_folder",
    "load_documents_beir",
    "load_beir_questions",
    "load_questions_jsonl",
    "attach_metadata",
    "metadata_fields",
]

# Fields a chunk or a hit already has (labkit.rag.chunk, labkit.rag.retrieve): metadata must not clobber them.
RESERVED_FIELDS = frozenset(
    {
        "chunk_id",
        "doc_id",
        "section",
        "start",
        "end",
        "score",
        "rank",
        "dense_rank",
        "sparse_rank",
        "dense_score",
    }
)
FOLDER_SUFFIXES = (".md", ".markdown", ".txt")
_TITLE = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)  # first level-1 Markdown heading


def _id_of(value, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise DataError(f"{where}: 'id' must be a string, got {type(value).__name__}")
    value = str(value)
    if not value.strip():
        raise DataError(f"{where}: 'id' is empty")
    return value


def make_document(record, where: str = "record") -> dict:
    """Validate one record and return it as a document ``{"id", "title", "body", **metadata}``.

    ``where`` names the record in errors (e.g. ``"docs.jsonl:12"``). Raises
    :class:`~labkit.data.DataError` when ``id`` or the text is missing or blank, when both
    ``text`` and ``body`` are given, when ``title`` is not a string, or when a metadata field
    uses a reserved name.
    """
    if not isinstance(record, Mapping):
        raise DataError(f"{where}: a document must be a JSON object, got {type(record).__name__}")
    if "id" not in record:
        raise DataError(f"{where}: missing required field 'id'")
    doc_id = _id_of(record["id"], where)
    if "text" in record and "body" in record:
        raise DataError(f"{where}: give 'text' or 'body', not both")
    key = "text" if "text" in record else "body"
    if key not in record:
        raise DataError(f"{where}: missing required field 'text' (or 'body')")
    body = record[key]
    if not isinstance(body, str):
        raise DataError(f"{where}: '{key}' must be a string, got {type(body).__name__}")
    if not body.strip():
        raise DataError(f"{where}: '{key}' is blank (document {doc_id!r})")
    title = record.get("title")
    if title is None:
        title = ""
    if not isinstance(title, str):
        raise DataError(f"{where}: 'title' must be a string, got {type(title).__name__}")
    meta = {k: v for k, v in record.items() if k not in ("id", "text", "body", "title")}
    clash = sorted(RESERVED_FIELDS & meta.keys())
    if clash:
        raise DataError(
            f"{where}: field(s) {clash} are reserved for chunks; rename them in your data"
        )
    return {"id": doc_id, "title": title, "body": body, **meta}


def _check_unique(docs: list[dict], wheres: list[str]) -> None:
    first: dict[str, str] = {}
    for doc, where in zip(docs, wheres, strict=True):
        if doc["id"] in first:
            raise DataError(f"{where}: duplicate id {doc['id']!r} (first at {first[doc['id']]})")
        first[doc["id"]] = where


def _no_duplicate_keys(where: str):
    def hook(pairs):
        keys = [k for k, _ in pairs]
        dup = next((k for k in keys if keys.count(k) > 1), None)
        if dup is not None:
            raise DataError(f"{where}: key {dup!r} appears twice in one object")
        return dict(pairs)

    return hook


def _read_bytes(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def _read_jsonl_records(path: Path) -> list[tuple[str, object]]:
    """[(where, parsed record)] of every non-blank line; DataError with file:line on bad input."""
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    out: list[tuple[str, object]] = []
    for lineno, raw in enumerate(_read_bytes(path).split(b"\n"), start=1):
        where = f"{path}:{lineno}"
        try:
            line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")  # tolerate a BOM
        except UnicodeDecodeError as e:
            raise DataError(
                f"{where}: not UTF-8 text ({e.reason}); save the file as UTF-8"
            ) from None
        if not line.strip():
            continue
        try:
            rec = json.loads(line, object_pairs_hook=_no_duplicate_keys(where))
        except json.JSONDecodeError as e:
            raise DataError(f"{where}: not valid JSON ({e.msg} at column {e.colno})") from None
        out.append((where, rec))
    if not out:
        raise DataError(f"{path}: no records (the file is empty)")
    return out


def load_documents_jsonl(path: str | Path) -> list[dict]:
    """Documents from a JSONL file (one JSON object per line; blank lines skipped; ``.gz`` ok)."""
    path = Path(path)
    rows = _read_jsonl_records(path)
    docs = [make_document(rec, where) for where, rec in rows]
    _check_unique(docs, [w for w, _ in rows])
    return docs


def _read_text_file(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")  # a leading BOM is dropped
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise DataError(f"{path}:{line}: not UTF-8 text ({e.reason}); save it as UTF-8") from None


def load_documents_folder(
    folder: str | Path, suffixes: Iterable[str] = FOLDER_SUFFIXES
) -> list[dict]:
    """Documents from a folder of Markdown/text files, searched recursively, sorted by path.

    id: the path relative to ``folder`` with "/" separators (``guides/install.md``).
    title: the first level-1 heading (``# Title``), else the file name without its suffix.
    metadata: ``folder``, the relative sub-folder ("" at the top), so ``--filter folder=guides``
    works. Hidden files and folders (name starting with ".") are skipped. Front matter is not
    parsed: it stays part of the text.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: folder not found")
    suffixes = tuple(s.lower() for s in suffixes)
    paths = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in suffixes
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    if not paths:
        raise DataError(f"{folder}: no {', '.join(suffixes)} files found")
    docs = []
    for p in paths:
        rel = p.relative_to(folder)
        text = _read_text_file(p)
        m = _TITLE.search(text)
        title = m.group(1).strip() if m else p.stem
        record = {"id": rel.as_posix(), "title": title, "text": text}
        docs.append(make_document(record | {"folder": rel.parent.as_posix().strip(".")}, str(p)))
    return docs


def _beir_split(folder: Path) -> str:
    for split in ("test", "dev", "train"):
        if (folder / "qrels" / f"{split}.tsv").is_file():
            return split
    raise DataError(f"{folder}: no qrels/test.tsv, qrels/dev.tsv or qrels/train.tsv")


def _load_beir(folder: Path, split: str | None):
    from .beir import BeirError, load_beir

    try:
        return load_beir(folder, split or _beir_split(folder))
    except BeirError as e:
        raise DataError(str(e)) from None


def load_documents_beir(folder: str | Path, split: str | None = None) -> list[dict]:
    """Documents of a BEIR folder (``corpus.jsonl``: ``_id``, ``title``, ``text``), via
    :func:`labkit.rag.beir.load_beir`. ``split`` picks the qrels file (default: test, dev or train,
    the first that exists)."""
    folder = Path(folder)
    corpus, _, _ = _load_beir(folder, split)
    if not corpus:
        raise DataError(f"{folder}: the corpus is empty")
    where = f"{folder}/corpus"
    return [
        make_document({"id": i, "title": d["title"], "text": d["text"]}, f"{where} id {i!r}")
        for i, d in corpus.items()
    ]


def load_beir_questions(folder: str | Path, split: str | None = None) -> list[dict]:
    """The judged queries of a BEIR folder as ``[{"id", "question", "answer": "", "gold_ids"}]``
    (gold ids: documents graded > 0)."""
    _, queries, qrels = _load_beir(Path(folder), split)
    return [
        {
            "id": qid,
            "question": text,
            "answer": "",
            "gold_ids": [d for d, g in qrels[qid].items() if g > 0],
        }
        for qid, text in queries.items()
    ]


def load_documents(path: str | Path, kind: str = "auto") -> list[dict]:
    """Load documents from ``path``: a JSONL file, a BEIR folder or a folder of Markdown/text.

    kind: "jsonl", "beir", "folder", or "auto" (a file is JSONL; a folder holding
    ``corpus.jsonl`` or ``corpus.jsonl.gz`` is BEIR; any other folder is Markdown/text).
    """
    path = Path(path)
    if kind == "auto":
        if path.is_file():
            kind = "jsonl"
        elif path.is_dir():
            beir = (path / "corpus.jsonl").is_file() or (path / "corpus.jsonl.gz").is_file()
            kind = "beir" if beir else "folder"
        else:
            raise DataError(f"{path}: no such file or folder")
    loaders = {
        "jsonl": load_documents_jsonl,
        "beir": load_documents_beir,
        "folder": load_documents_folder,
    }
    if kind not in loaders:
        raise ValueError(f"kind must be 'auto', 'jsonl', 'beir' or 'folder', got {kind!r}")
    return loaders[kind](path)


def _text_field(rec: Mapping, field: str, where: str, required: bool = True) -> str:
    value = rec.get(field)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise DataError(f"{where}: field {field!r} must be a non-empty string")
    return value


def load_questions_jsonl(
    path: str | Path,
    question_field: str = "question",
    answer_field: str = "answer",
    gold_field: str = "gold_ids",
    label_field: str | None = None,
) -> list[dict]:
    """Evaluation questions -> ``[{"id", "question", "answer", "gold_ids", "answerable"}]``.

    question_field: required non-empty string. answer_field: optional reference answer.
    gold_field: the ids of the documents that answer it, a list of ids or one id; missing or
    empty means unanswerable from the documents. label_field: optional boolean field that says
    whether the question is answerable (for calibration sets without gold ids); when given and
    present it wins over the gold ids. ``id`` is taken from the record or made from the line.
    """
    rows = _read_jsonl_records(Path(path))
    out = []
    for where, rec in rows:
        if not isinstance(rec, Mapping):
            raise DataError(f"{where}: a question must be a JSON object")
        question = _text_field(rec, question_field, where)
        answer = _text_field(rec, answer_field, where, required=False)
        gold = rec.get(gold_field) or []
        if isinstance(gold, (str, int)) and not isinstance(gold, bool):
            gold = [gold]
        if not isinstance(gold, list):
            raise DataError(f"{where}: field {gold_field!r} must be a list of document ids")
        gold = [_id_of(g, f"{where}: {gold_field}") for g in gold]
        answerable = bool(gold)
        if label_field is not None and label_field in rec:
            if not isinstance(rec[label_field], bool):
                raise DataError(f"{where}: field {label_field!r} must be true or false")
            answerable = rec[label_field]
        qid = _id_of(rec["id"], where) if "id" in rec else f"line-{where.rsplit(':', 1)[1]}"
        out.append(
            {
                "id": qid,
                "question": question,
                "answer": answer,
                "gold_ids": gold,
                "answerable": answerable,
            }
        )
    _check_unique(out, [w for w, _ in rows])
    return out


def metadata_fields(doc: Mapping) -> dict:
    """The metadata of a document: every field but id, title and body."""
    return {k: v for k, v in doc.items() if k not in ("id", "title", "body", "text")}


def attach_metadata(chunks: list[dict], docs: Iterable[Mapping]) -> list[dict]:
    """Copy each document's metadata onto its chunks (fields a chunk already has are kept).

    Returns the same list, updated in place: chunks are plain dicts keyed by ``doc_id``.
    """
    meta = {d["id"]: metadata_fields(d) for d in docs}
    for chunk in chunks:
        for key, value in meta.get(chunk["doc_id"], {}).items():
            chunk.setdefault(key, value)
    return chunks
