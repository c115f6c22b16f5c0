"""requirements/: the dependency lock is current and consistent (offline; scripts/lock.py)."""

import importlib.util
import re
import tomllib

from labkit.env import ROOT

spec = importlib.util.spec_from_file_location("lock", ROOT / "scripts" / "lock.py")
lock = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lock)

TEXT = lock.LOCK.read_text(encoding="utf-8")
PINS = dict(m.groups() for line in TEXT.splitlines() if (m := lock._PIN.match(line)))


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_lock_matches_pyproject():
    # Fails after a change to a dependency list: run `python scripts/lock.py` (needs PyPI).
    assert lock.recorded_sha256(TEXT) == lock.inputs_sha256()
    assert lock.main(["--check"]) == 0


def test_the_hash_follows_the_dependency_lists(tmp_path):
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    changed = tmp_path / "pyproject.toml"
    changed.write_text(text.replace('"peft>=0.17"', '"peft>=0.18"'), encoding="utf-8")
    assert lock.inputs_sha256(changed) != lock.inputs_sha256()
    same = tmp_path / "same.toml"  # a comment or another table does not stale the lock
    same.write_text(text + "\n[tool.other]\nx = 1  # note\n", encoding="utf-8")
    assert lock.inputs_sha256(same) == lock.inputs_sha256()


def test_every_declared_dependency_is_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = list(project["dependencies"])
    for extra in lock.EXTRAS:
        declared += project["optional-dependencies"][extra]
    pinned = {name.lower().replace("_", "-") for name in PINS}
    assert {_name(r) for r in declared} <= pinned


def test_torch_is_the_course_cpu_build_everywhere():
    assert f"torch=={PINS['torch']}" == lock.TORCH
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert f'spec="{lock.TORCH}"' in setup, "setup.sh installs the torch the lock was resolved with"


def test_the_keep_torch_file_leaves_torch_and_its_cuda_stack_alone():
    text = lock.KEEP_TORCH.read_text(encoding="utf-8")
    names = {m[1].lower() for line in text.splitlines() if (m := lock._PIN.match(line))}
    assert not {"torch", "triton", "sympy"} & names
    assert not [n for n in names if n.startswith(("nvidia-", "cuda-"))]
    # what the course's results depend on stays pinned, at the lock's versions
    for pkg in ("transformers", "peft", "trl", "bitsandbytes", "accelerate", "numpy"):
        assert f"{pkg}=={PINS[pkg]}" in text.splitlines()


def test_torch_only_follows_the_annotations():
    text = (
        "torch==2.0\n    # via\n    #   -c pin\n    #   accelerate\n"
        "sympy==1.0\n    # via torch\n"
        "mpmath==1.0\n    # via sympy\n"
        "filelock==3.0\n    # via\n    #   huggingface-hub\n    #   torch\n"
        "accelerate==1.0\n    # via labkit (pyproject.toml)\n"
    )
    assert lock.torch_only(text) == {"torch", "sympy", "mpmath"}
