"""Loading a public benchmark in BEIR layout (e.g. SciFact) to check labkit against published numbers.

A BEIR folder holds ``corpus.jsonl`` (or ``corpus.jsonl.gz``) with ``{"_id", "title", "text"}``
rows, ``queries.jsonl`` with ``{"_id", "text"}`` rows and ``qrels/<split>.tsv`` with a header line
and ``query-id<TAB>corpus-id<TAB>score`` rows. Used by ``bench/beir_retrieval.py`` and
notebooks/02_retrieval_eval.ipynb (sanity check against MTEB/BEIR tables).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

__all__ = ["BeirError", "load_beir", "beir_doc_text"]


class BeirError(ValueError):
    """A BEIR folder is missing a file or has a malformed line."""


def beir_doc_text(doc: dict) -> str:
    """The text a dense model sees for a BEIR doc: ``title + " " + text``, stripped (as MTEB does)."""
    return (doc.get("title", "") + " " + doc["text"]).strip()


def _open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def _read_jsonl(path: Path) -> list[dict]:
    rows = []
    with _open_text(path) as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise BeirError(f"{path}:{lineno}: not valid JSON ({e.msg})") from e
            if "_id" not in row or "text" not in row:
                raise BeirError(f"{path}:{lineno}: a row needs '_id' and 'text'")
            rows.append(row)
    return rows


def _find(folder: Path, names: list[str], what: str) -> Path:
    for name in names:
        if (folder / name).is_file():
            return folder / name
    raise BeirError(f"{folder}: no {what} (looked for {', '.join(names)})")


def load_beir(
    folder: str | Path, split: str = "test"
) -> tuple[dict[str, dict], dict[str, str], dict[str, dict[str, int]]]:
    """Load a BEIR folder -> ``(corpus, queries, qrels)``.

    corpus: {doc_id: {"title": str, "text": str}} (title "" when absent).
    queries: {qid: text}, only the queries that have a row in ``qrels/<split>.tsv``.
    qrels: {qid: {doc_id: grade}} as ints; all ids are strings.
    Raises :class:`BeirError` for a missing folder/file, a malformed line, or a qrels query id
    that is not in ``queries.jsonl``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise BeirError(f"BEIR folder not found: {folder}")
    corpus_path = _find(folder, ["corpus.jsonl", "corpus.jsonl.gz"], "corpus")
    queries_path = _find(folder, ["queries.jsonl", "queries.jsonl.gz"], "queries")
    qrels_path = _find(folder / "qrels", [f"{split}.tsv"], f"qrels for split {split!r}")

    qrels: dict[str, dict[str, int]] = {}
    with qrels_path.open(encoding="utf-8") as f:
        header = f.readline()
        if not header.lower().startswith("query"):
            raise BeirError(f"{qrels_path}: expected a header line 'query-id corpus-id score'")
        for lineno, line in enumerate(f, start=2):
            if not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                raise BeirError(f"{qrels_path}:{lineno}: expected 3 tab-separated fields")
            qid, doc_id, grade = parts
            try:
                qrels.setdefault(qid, {})[doc_id] = int(grade)
            except ValueError as e:
                raise BeirError(f"{qrels_path}:{lineno}: score {grade!r} is not an int") from e

    corpus = {
        str(r["_id"]): {"title": r.get("title") or "", "text": r["text"]}
        for r in _read_jsonl(corpus_path)
    }
    all_queries = {str(r["_id"]): r["text"] for r in _read_jsonl(queries_path)}
    missing = [q for q in qrels if q not in all_queries]
    if missing:
        raise BeirError(f"{qrels_path}: {len(missing)} query ids not in queries, e.g. {missing[0]}")
    queries = {qid: all_queries[qid] for qid in qrels}
    return corpus, queries, qrels
