"""scripts/student_copies.py: student copies are current, hold no solution, and fail cleanly."""

import importlib.util
import json

import pytest

from labkit.env import ROOT

spec = importlib.util.spec_from_file_location(
    "student_copies", ROOT / "scripts" / "student_copies.py"
)
sc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sc)
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    assert sc.main(["--out", str(out)]) == 0
    return out


def test_a_second_run_finds_the_copies_current(student_dir):
    assert sc.main(["--check", "--out", str(student_dir)]) == 0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_a_student_copy_holds_no_solution_and_no_output(path, student_dir):
    solution = json.loads(path.read_text(encoding="utf-8"))["cells"]
    student = json.loads((student_dir / path.name).read_text(encoding="utf-8"))["cells"]
    assert len(student) == len(solution)
    for i, (a, b) in enumerate(zip(solution, student, strict=True)):
        if a["cell_type"] != "code":
            assert a == b
            continue
        assert b["outputs"] == [] and b["execution_count"] is None
        _, removed = sc.strip_solutions("".join(a["source"]), f"{path.name} cell {i}")
        text = "".join(b["source"])
        leaked = [line for line in removed if line.strip() and line.strip() in text]
        assert not leaked, (path.name, i, leaked)
        assert "### BEGIN SOLUTION" not in text and "### END SOLUTION" not in text


def test_there_are_exercises_to_strip():
    regions = {p.name[:2]: sc.student_notebook(p)[1] for p in NOTEBOOKS}
    assert regions["02"] >= 1 and regions["09"] >= 2


@pytest.mark.parametrize(
    "source, message",
    [
        ("x = 1\n### END SOLUTION", "END SOLUTION without BEGIN"),
        ("### BEGIN SOLUTION\nx = 1", "BEGIN SOLUTION without END"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another"),
    ],
)
def test_malformed_markers_name_the_place(source, message):
    with pytest.raises(sc.MarkerError, match=message):
        sc.strip_solutions(source, "nb.ipynb, cell 3")


def test_a_region_keeps_its_indentation():
    src = "def f(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION\n"
    out, removed = sc.strip_solutions(src, "here")
    assert removed == ["    return x + 1"]
    assert out.splitlines()[1:3] == ["    # YOUR CODE HERE", out.splitlines()[2]]
    assert out.splitlines()[2].startswith("    raise NotImplementedError(")
    namespace = {}
    exec(compile(out, "student", "exec"), namespace)  # the student copy still parses and runs
    with pytest.raises(NotImplementedError):
        namespace["f"](1)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["09_decision_matrix.ipynb"])
def test_the_unsolved_student_copy_fails_only_at_its_exercises(name, student_dir):
    """Run the student copy: every error is the exercises' NotImplementedError, raised in a
    solution or check cell, never a crash elsewhere."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(student_dir / name, 4)
    NotebookClient(
        nb,
        timeout=300,
        allow_errors=True,
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    ).execute()
    errors = [
        (i, o["ename"])
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
        for o in c.outputs
        if o["output_type"] == "error"
    ]
    assert errors, "the unsolved copy raised nothing: its checks cannot fail"
    assert {e for _, e in errors} == {"NotImplementedError"}, errors
