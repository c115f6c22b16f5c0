"""The conda description and pyproject.toml must name the same packages (and versions)."""

import re
import tomllib

import yaml

from labkit.env import ROOT


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"])
    for extra in meta.get("optional-dependencies", {}).values():
        reqs += extra
    return {_name(r): r.replace(" ", "") for r in reqs}


def _conda():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return {_name(r): r.replace(" ", "") for r in pip if not r.startswith("-e")}


def test_same_packages():
    py, conda = _pyproject(), _conda()
    assert set(py) == set(conda), (
        f"only in pyproject: {set(py) - set(conda)}; only in environment.yml: {set(conda) - set(py)}"
    )


def test_same_version_bounds():
    py, conda = _pyproject(), _conda()
    assert {k: py[k] for k in py} == {k: conda[k] for k in py}


def test_required_packages_present():
    required = {
        "jupyterlab",
        "transformers",
        "peft",
        "bitsandbytes",
        "faiss-cpu",
        "sentence-transformers",
        "ipywidgets",
        "nbval",
    }
    assert required <= set(_pyproject())
