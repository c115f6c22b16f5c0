"""House rules for the notebooks (cheap checks; nbval itself re-runs them and compares outputs)."""

import json

import pytest

from labkit.env import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _code_cells(path):
    """The notebook's own code cells: the Colab set-up cell (scripts/colab_cell.py, whose output
    that script writes and tests/test_colab_cell.py checks) is not part of the story."""
    nb = json.loads(path.read_text())
    return [
        c
        for c in nb["cells"]
        if c["cell_type"] == "code" and "colab-setup" not in c["metadata"].get("tags", [])
    ]


def test_notebooks_exist_in_order():
    # One notebook per number, starting at 00; a gap is a chapter not written yet (see README).
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers[0] == 0 and len(set(numbers)) == len(numbers) and len(numbers) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_starts_with_the_one_setup_call(path):
    first = "".join(_code_cells(path)[0]["source"])
    assert first.startswith("import labkit") and "labkit.setup(" in first


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_with_outputs_and_without_errors(path):
    cells = _code_cells(path)
    assert all(c.get("execution_count") for c in cells), "every code cell was executed"
    assert all(o.get("output_type") != "error" for c in cells for o in c.get("outputs", []))
    assert sum(bool(c.get("outputs")) for c in cells) >= len(cells) * 0.6


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_ignore_markers_are_few_and_exact(path):
    cells = _code_cells(path)
    ignored = [
        "".join(c["source"]).splitlines()[0]
        for c in cells
        if "NBVAL_IGNORE_OUTPUT" in "".join(c["source"])
    ]
    assert all(line.strip() == "# NBVAL_IGNORE_OUTPUT" for line in ignored), (
        "nbval only honours the exact marker line"
    )
    assert len(ignored) <= len(cells) // 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_trailing_semicolon_to_hide_output(path):
    # nbval executes cells without storing history, and IPython then ignores a trailing ";":
    # the hidden value reappears and the comparison fails. Assign to _ instead.
    for c in _code_cells(path):
        lines = "".join(c["source"]).rstrip().splitlines()
        assert not (lines and lines[-1].rstrip().endswith(";")), lines[-1]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_claims_tag_marks_exactly_the_checks_of_the_prose(path):
    # labkit/nbdigits.py lets a failed assert in a "labkit-claims" cell through on another CPU kind
    # (listed at the end of the run): the tag must sit on cells that check what the text states,
    # and on all of them, not on an invariant or an exercise's check.
    from labkit.nbdigits import CLAIMS_TAG

    for cell in _code_cells(path):
        src = "".join(cell["source"])
        tagged = CLAIMS_TAG in cell["metadata"].get("tags", [])
        states_prose = "assert " in src and any(w in src for w in ("the prose", "the text"))
        assert tagged == states_prose, (path.name, src.splitlines()[0])
        if tagged:
            assert "exercise" not in cell["metadata"].get("tags", []), path.name
