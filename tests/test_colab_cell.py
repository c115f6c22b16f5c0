"""scripts/colab_cell.py: every notebook's Colab badge and set-up cell are current and behave."""

import importlib.util
import json
import subprocess
import sys
from importlib.metadata import version

import pytest

from labkit.env import ROOT

spec = importlib.util.spec_from_file_location("colab_cell", ROOT / "scripts" / "colab_cell.py")
cc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cc)
NOTEBOOKS = cc.notebooks()


def test_notebooks_and_readme_are_current():
    # runs the cell's source once here (cwd notebooks/) and compares with the stored output
    assert cc.main(["--check"]) == 0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_badge_and_setup_cell_follow_the_title(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    assert cells[1]["id"] == cc.BADGE_ID and cc.colab_url(path.name) in "".join(cells[1]["source"])
    assert cc.is_setup_cell(cells[2]) and "".join(cells[2]["source"]) == cc.SETUP_SOURCE.rstrip()
    assert sum(cc.is_setup_cell(c) for c in cells) == 1
    first = next(c for c in cells[3:] if c["cell_type"] == "code")
    assert "".join(first["source"]).startswith("import labkit")


def test_the_update_is_idempotent_and_leaves_other_cells_alone():
    path = NOTEBOOKS[0]
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    bare = dict(nb, cells=[c for c in nb["cells"] if c["id"] not in (cc.BADGE_ID, cc.SETUP_ID)])
    bare_text = json.dumps(bare, indent=1, ensure_ascii=False) + "\n"
    output = "".join(nb["cells"][2]["outputs"][0]["text"])
    once = cc.update(bare_text, path.name, output)
    assert once == text and cc.update(once, path.name, output) == once


def test_the_local_line_is_the_same_in_a_fresh_interpreter():
    run = subprocess.run(
        [sys.executable, "-c", cc.SETUP_SOURCE], cwd=cc.NOTEBOOKS, capture_output=True, text=True
    )
    assert (
        run.stdout
        == f"Not on Colab: nothing to install; using labkit {version('labkit')} from ../labkit\n"
    )


@pytest.mark.parametrize("signal", ["module", "env"])
def test_on_colab_it_clones_and_installs_with_the_lock_keeping_torch(
    signal, monkeypatch, tmp_path, capsys
):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append([str(a) for a in cmd]))
    monkeypatch.setattr("os.chdir", lambda where: calls.append(["chdir", str(where)]))
    if signal == "module":
        monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    else:
        monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab_20260101-060000_RC00")
    monkeypatch.setattr(sys, "path", list(sys.path))
    exec(compile(cc.SETUP_SOURCE, "setup-cell", "exec"), {})
    clone, pip, chdir = calls
    repo = cc.REPOSITORY.split("/")[1]
    assert clone[:2] == ["git", "clone"] and f"--branch={cc.TAG}" in clone
    assert clone[-2:] == [f"https://github.com/{cc.REPOSITORY}", f"/content/{repo}"]
    assert pip[1:4] == ["-m", "pip", "install"]
    assert pip[pip.index("-e") + 1] == f"/content/{repo}"  # labkit only: torch is not named
    constraints = [pip[i + 1] for i, a in enumerate(pip) if a == "-c"]
    assert constraints[0].endswith("requirements/constraints-keep-torch.txt")
    with open(constraints[1]) as f:
        assert f.read() == f"torch=={version('torch')}\n"
    assert chdir == ["chdir", f"/content/{repo}/notebooks"]
    out = capsys.readouterr().out
    assert (
        out.startswith(f"On Colab: cloned {cc.REPOSITORY} at {cc.TAG}")
        and "kept Colab's torch" in out
    )
