"""scripts/student_copies.py: student copies are current, hold no solution, and fail cleanly."""

import contextlib
import importlib.util
import io
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
    assert all(n >= 1 for n in regions.values()), regions  # at least one exercise per notebook
    assert regions["02"] >= 1 and regions["09"] >= 2


# --------------------------------------------------------------------------- exercise cells
# An exercise tagged "exercise" (markdown, solution cell, check cell) is self-contained: its cells
# import what they need and load only small data, so they run alone in a fresh namespace. The
# exercises of 02 and 09 use the notebook's earlier variables (09's student copy is run whole
# below). Loading the generator makes 00's and 04's the slow ones.
NOT_SELF_CONTAINED = {"02", "09"}
LOADS_A_MODEL = {"00", "04"}


def _exercise_cells(nb: dict) -> list[dict]:
    return [
        c
        for c in nb["cells"]
        if c["cell_type"] == "code" and "exercise" in c["metadata"].get("tags", [])
    ]


def _python(source: str) -> str:
    """A cell's source without IPython magics and shell escapes (plain exec cannot run them)."""
    return "\n".join(
        line for line in source.split("\n") if not line.lstrip().startswith(("%", "!"))
    )


def _run_cells(cells: list[dict], where: str) -> list[tuple[str, BaseException | None]]:
    """Exec the cells in order in one fresh namespace; per cell, what it printed and what it
    raised (None). A cell that raised does not stop the next ones, as in a notebook."""
    namespace = {"__name__": "__main__"}
    results = []
    for i, cell in enumerate(cells):
        out, error = io.StringIO(), None
        with contextlib.redirect_stdout(out):
            try:
                exec(compile(_python("".join(cell["source"])), f"{where} {i}", "exec"), namespace)
            except Exception as e:  # noqa: BLE001 - the test inspects it
                error = e
        results.append((out.getvalue(), error))
    return results


def _exercise_params():
    out = []
    for path in NOTEBOOKS:
        if path.name[:2] in NOT_SELF_CONTAINED:
            continue
        marks = [pytest.mark.slow] if path.name[:2] in LOADS_A_MODEL else []
        out.append(pytest.param(path, marks=marks, id=path.name[:2]))
    return out


def test_every_notebook_but_02_and_09_has_a_self_contained_exercise():
    tagged = {
        p.name[:2] for p in NOTEBOOKS if _exercise_cells(json.loads(p.read_text(encoding="utf-8")))
    }
    assert tagged == {p.name[:2] for p in NOTEBOOKS} - NOT_SELF_CONTAINED


@pytest.mark.parametrize("path", _exercise_params())
def test_the_solved_exercise_passes_and_prints_its_committed_output(path, profile):
    cells = _exercise_cells(json.loads(path.read_text(encoding="utf-8")))
    for cell, (printed, error) in zip(cells, _run_cells(cells, path.name), strict=True):
        assert error is None, f"{path.name} cell {cell['id']}: {error!r}"
        committed = "".join(
            "".join(o["text"]) for o in cell["outputs"] if o["output_type"] == "stream"
        )
        assert printed == committed, (path.name, cell["id"])
    assert "### BEGIN SOLUTION" in "".join("".join(c["source"]) for c in cells)


@pytest.mark.parametrize("path", _exercise_params())
def test_the_unsolved_exercise_fails_cleanly_at_its_check(path, profile, student_dir):
    """The student copy's exercise cells: the check cell raises NotImplementedError saying the
    exercise is not solved; no cell raises anything else."""
    cells = _exercise_cells(json.loads((student_dir / path.name).read_text(encoding="utf-8")))
    results = _run_cells(cells, f"student {path.name}")
    errors = [(c["id"], e) for c, (_, e) in zip(cells, results, strict=True) if e is not None]
    assert all(isinstance(e, NotImplementedError) for _, e in errors), errors
    last = results[-1][1]
    assert isinstance(last, NotImplementedError) and "not solved yet" in str(last), errors


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
