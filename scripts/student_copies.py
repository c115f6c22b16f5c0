"""Generate the student copies of the notebooks: ``student/NN_*.ipynb`` (issue 16 section 2).

Every code region between nbgrader's markers::

    ### BEGIN SOLUTION
    ...one possible answer...
    ### END SOLUTION

becomes ``# YOUR CODE HERE`` and ``raise NotImplementedError(...)`` at the same indentation, and
every output and execution count is cleared. Everything else is copied as it is, so a student
copy runs the same cells up to its first unsolved exercise.

    python scripts/student_copies.py           # write student/ (generated, not committed:
                                               # notebooks without outputs have nothing for nbval)
    python scripts/student_copies.py --check   # exit 1 if student/ is not what this would write

A malformed region (END without BEGIN, BEGIN without END, nested BEGIN) is an error naming the
notebook and cell.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
STUDENT = ROOT / "student"
BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[ \t]*$")
END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")


class MarkerError(ValueError):
    """A solution region that does not open and close once."""


def strip_solutions(source: str, where: str) -> tuple[str, list[str]]:
    """``(student source, [solution lines removed])``; raises :class:`MarkerError` on bad markers."""
    out, removed, indent = [], [], None
    for n, line in enumerate(source.split("\n"), 1):
        m = BEGIN.match(line)
        if m:
            if indent is not None:
                raise MarkerError(f"{where}, line {n}: BEGIN SOLUTION inside another solution")
            indent = m["indent"]
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(
                f'{indent}raise NotImplementedError("solve this exercise, then run the check")'
            )
            continue
        if END.match(line):
            if indent is None:
                raise MarkerError(f"{where}, line {n}: END SOLUTION without BEGIN SOLUTION")
            indent = None
            continue
        if indent is not None:
            removed.append(line)
        else:
            out.append(line)
    if indent is not None:
        raise MarkerError(f"{where}: BEGIN SOLUTION without END SOLUTION")
    return "\n".join(out), removed


def student_notebook(path: Path) -> tuple[str, int]:
    """The student copy of ``path`` as JSON text (the committed notebooks' formatting), and
    the number of solution regions it removed."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    regions = 0
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        new, removed = strip_solutions(src, f"{path.name}, cell {i}")
        regions += src.count("### BEGIN SOLUTION")
        cell["source"] = new.splitlines(keepends=True)
        cell["outputs"], cell["execution_count"] = [], None
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n", regions


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the folder, write nothing")
    ap.add_argument("--out", default=str(STUDENT), help="where to write (default: student/)")
    args = ap.parse_args(argv)
    out_dir = Path(args.out)
    stale = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        text, regions = student_notebook(path)
        target = out_dir / path.name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != text:
            stale.append(target)
            if not args.check:
                target.parent.mkdir(exist_ok=True)
                target.write_text(text, encoding="utf-8")
        print(f"{path.name}: {regions} solution region(s)")
    extra = sorted(
        p for p in out_dir.glob("*.ipynb") if not (NOTEBOOKS / p.name).exists()
    ) if out_dir.exists() else []  # fmt: skip
    if args.check and (stale or extra):
        print(
            "student copies out of date: run python scripts/student_copies.py",
            *stale,
            *extra,
            sep="\n  ",
        )
        return 1
    print("student copies are current" if args.check else f"wrote {len(stale)} student copies")
    return 0


if __name__ == "__main__":
    sys.exit(main())
