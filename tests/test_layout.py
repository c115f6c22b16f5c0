"""The folder tree reads like the course map, and stays short (issue 12 §4).

No labkit module over 400 lines, no function or method over 80 (measured with ``ast``, from
the ``def`` line to the last line of the body); every module opens with a docstring; the
course's parts are packages; each package has a short ``__all__``. The dataset generator
(``datasets/build.py`` and the ``datasets/nimbalo/`` package) keeps the same three rules.
"""

import ast
import importlib

import pytest

from labkit.env import ROOT

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
PACKAGES = [
    "labkit.rag",
    "labkit.finetune",
    "labkit.hybrid",
    "labkit.decide",
    "labkit.security",
    "labkit.production",
]
MODULES = sorted((ROOT / "labkit").rglob("*.py"))
DATASET_MODULES = sorted((ROOT / "datasets").rglob("*.py"))  # build.py and the nimbalo package
CHECKED = MODULES + DATASET_MODULES


def long_functions(source: str, limit: int = MAX_FUNCTION_LINES) -> list[tuple[str, int]]:
    """(name, lines) of every function or method in ``source`` longer than ``limit`` lines."""
    return [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > limit
    ]


def test_the_checks_catch_a_long_function():
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    assert long_functions(f"def f():\n{body}\n") == [("f", MAX_FUNCTION_LINES + 1)]
    assert long_functions("def g():\n    return 1\n") == []


def test_modules_were_found():
    names = {p.relative_to(ROOT / "labkit").as_posix() for p in MODULES}
    assert {"rag/index.py", "finetune/train.py", "hybrid/assembly.py", "decide/matrix.py"} <= names


def test_dataset_modules_were_found():
    names = {p.relative_to(ROOT / "datasets").as_posix() for p in DATASET_MODULES}
    assert {"build.py", "nimbalo/world.py", "nimbalo/security.py", "nimbalo/specs.py"} <= names


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_module_is_short(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_MODULE_LINES, f"{path.relative_to(ROOT)} has {n} lines; split it by stage"


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_functions_are_short(path):
    long = long_functions(path.read_text(encoding="utf-8"))
    assert not long, f"{path.relative_to(ROOT)}: functions over {MAX_FUNCTION_LINES} lines: {long}"


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_module_has_a_docstring(path):
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), path


@pytest.mark.parametrize("name", PACKAGES)
def test_course_parts_are_packages_with_a_short_surface(name):
    pkg = importlib.import_module(name)
    assert pkg.__file__.endswith("__init__.py")
    public = getattr(pkg, "__all__", [])
    assert len(public) <= 8, f"{name}.__all__ has {len(public)} names; keep the surface small"
    for attr in public:
        assert getattr(pkg, attr) is not None


def test_notebook_style_imports_work():
    from labkit import rag
    from labkit.decide import matrix as decide
    from labkit.hybrid import assembly as hybrid
    from labkit.rag import HybridRetriever

    assert rag.retrieve.HybridRetriever is HybridRetriever
    assert callable(hybrid.answer_tickets) and callable(hybrid.system_row)
    assert callable(decide.recommend) and callable(decide.cost_curves)
    with pytest.raises(AttributeError):
        rag.no_such_stage  # noqa: B018


OLD = "lab" + "kit."  # old paths spelt in two pieces, so the script leaves this file alone


def _update_imports():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "update_imports", ROOT / "scripts/update_imports.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_update_imports_maps_every_old_module_to_one_that_exists():
    mod = _update_imports()
    for old, new in mod.MOVES.items():
        assert not (ROOT / "labkit" / f"{old}.py").exists(), old
        importlib.import_module(f"labkit.{new}")


@pytest.mark.parametrize(
    "old, new",
    [
        (f"from {OLD}index import build_index", "from labkit.rag.index import build_index"),
        (
            "from labkit import data, behaviour as bh, hybrid",
            "from labkit import data\nfrom labkit.finetune import behaviour as bh\n"
            "from labkit.hybrid import assembly as hybrid",
        ),
        (
            "from labkit import decide, decide_ui, evidence",
            "from labkit.decide import matrix as decide, ui as decide_ui, evidence",
        ),
        (f"x = {OLD}hybrid.add_sources", "x = labkit.hybrid.assembly.add_sources"),
        ("from labkit.decide import recommend", "from labkit.decide.matrix import recommend"),
        ("root = labkit.env.ROOT", "root = labkit.env.ROOT"),
    ],
)
def test_update_imports_rewrites_old_paths_once(old, new):
    mod = _update_imports()
    assert mod.rewrite_source(old) == new
    assert mod.rewrite_source(new) == new  # idempotent


def test_update_imports_fixes_relative_imports_of_a_moved_module():
    mod = _update_imports()
    src = "from .models import load_generator\nfrom . import behaviour, data\n"
    out = mod.rewrite_relative(src, "labkit.finetune.train")
    assert (
        out == "from ..models import load_generator\nfrom . import behaviour\nfrom .. import data\n"
    )
    assert mod.rewrite_relative(out, "labkit.finetune.train") == out


def test_update_imports_rewrites_file_paths():
    mod = _update_imports()
    old = "lab" + "kit/"
    text = f"The logic lives in `{old}decide.py`; the widgets in `{old}decide_ui.py`."
    new = "The logic lives in `labkit/decide/matrix.py`; the widgets in `labkit/decide/ui.py`."
    assert mod.rewrite_paths(text) == new and mod.rewrite_paths(new) == new
    assert mod.rewrite_paths("labkit/env.py") == "labkit/env.py"
