"""labkit.data: every bad input is a DataError naming the file (and line), never a silent result.

Each test holds one case of issue 12, section 3 ("data"); the table in docs/ERRORS.md lists them.
"""

import json
import shutil

import pytest

from labkit.data import (
    DataError,
    check_data_dir,
    load_articles,
    load_facts,
    load_jsonl,
)
from labkit.env import DATA_DIR


@pytest.fixture()
def data(tmp_path):
    """A private copy of the course data to break (3 MB, copied in a few ms)."""
    dst = tmp_path / "datasets"
    shutil.copytree(DATA_DIR, dst, ignore=shutil.ignore_patterns("*.py", "*.md"))
    return dst


def _rewrite(path, fn):
    """Apply ``fn(list_of_records) -> list_of_records`` to a JSONL file."""
    recs = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    path.write_text("".join(json.dumps(r) + "\n" for r in fn(recs)))


def test_real_data_passes_the_full_check():
    counts = check_data_dir()
    assert counts["articles"] > 0 and counts["tickets"] > 0 and counts["facts"] > 0


def test_empty_file_is_an_error_not_an_empty_list(tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_text("\n  \n")
    with pytest.raises(DataError, match=r"articles\.jsonl: no records"):
        load_jsonl(path, "article")
    assert load_jsonl(path, "article", allow_empty=True) == []


def test_non_utf8_bytes_name_file_line_and_column(data):
    path = data / "helpcenter" / "v1" / "articles.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b"Team plan", b"Team pl\xe9n", 1)  # a latin-1 byte
    assert b"\xe9" in lines[2]
    path.write_bytes(b"".join(lines))
    with pytest.raises(DataError, match=r"articles\.jsonl:3: not UTF-8 text \(byte 0xe9"):
        load_articles("v1", data)


def test_impossible_date_is_refused(data):
    path = data / "helpcenter" / "v1" / "articles.jsonl"
    _rewrite(path, lambda rs: [rs[0] | {"updated": "2024-13-45"}, *rs[1:]])
    with pytest.raises(DataError, match=r"articles\.jsonl:1: updated: '2024-13-45' is not a"):
        load_articles("v1", data)


def test_blank_body_is_refused(data):
    path = data / "helpcenter" / "v1" / "articles.jsonl"
    _rewrite(path, lambda rs: [*rs[:3], rs[3] | {"body": "  \n\t "}, *rs[4:]])
    with pytest.raises(DataError, match=r"articles\.jsonl:4: body: is blank"):
        load_articles("v1", data)


def test_key_given_twice_in_one_object_is_refused(tmp_path):
    rec = json.dumps(json.loads((DATA_DIR / "helpcenter/v1/articles.jsonl").open().readline()))
    assert '"access": "' in rec
    # the last "access" would win silently: an internal article relabelled public
    doubled = rec[:-1] + ', "access": "public"}'
    path = tmp_path / "articles.jsonl"
    path.write_text(rec + "\n" + doubled.replace(json.loads(rec)["id"], "another-id") + "\n")
    with pytest.raises(DataError, match=r"articles\.jsonl:2: key 'access' appears twice"):
        load_jsonl(path, "article")


def test_fact_pointing_to_no_article_is_refused(data):
    path = data / "helpcenter" / "v1" / "facts.jsonl"
    _rewrite(path, lambda rs: [rs[0] | {"article_id": "kb-no-such-article"}, *rs[1:]])
    with pytest.raises(DataError, match=r"facts\.jsonl: 1 facts' article ids point to no such id"):
        load_facts("v1", data)
    with pytest.raises(DataError, match="kb-no-such-article"):
        check_data_dir(data)


def test_unknown_fact_id_in_a_ticket_fails_the_data_check(data):
    path = data / "tickets" / "tickets.jsonl"
    _rewrite(path, lambda rs: [rs[0] | {"fact_ids": ["f-does-not-exist"]}, *rs[1:]])
    with pytest.raises(DataError, match=r"tickets\.jsonl: 1 ticket fact ids .*f-does-not-exist"):
        check_data_dir(data)


def test_unknown_fact_id_in_changes_fails_the_data_check(data):
    path = data / "helpcenter" / "v2" / "changes.jsonl"
    _rewrite(path, lambda rs: [rs[0] | {"fact_id": "f-gone"}, *rs[1:]])
    with pytest.raises(DataError, match=r"changes\.jsonl: 1 changed fact ids .*f-gone"):
        check_data_dir(data)


def test_zero_tickets_fail_the_data_check(data):
    for name in ("tickets.jsonl", "behaviour_train.jsonl", "behaviour_eval.jsonl"):
        (data / "tickets" / name).write_text("")
    with pytest.raises(DataError, match=r"tickets\.jsonl: no records"):
        check_data_dir(data)


def test_no_eval_tickets_fails_the_data_check(data):
    path = data / "tickets" / "tickets.jsonl"
    _rewrite(path, lambda rs: [r | {"split": "train"} for r in rs])
    with pytest.raises(DataError, match=r"no records for eval tickets"):
        check_data_dir(data)
