"""Rewrite old labkit import paths (flat ``labkit/<module>.py``) to the course-map layout (issue 12 §4).

Run it once after merging the layout change::

    python scripts/update_imports.py                 # notebooks/*.ipynb code cells (default)
    python scripts/update_imports.py labkit tests    # also .py/.md files under these paths
    python scripts/update_imports.py --check         # list what would change, write nothing

Notebooks are loaded and saved as JSON the way the committed ones are written (``indent=1``,
``ensure_ascii=False``, trailing newline); code cells get the whole rewrite, markdown cells only
the file paths (``labkit/decide.py`` -> ``labkit/decide/matrix.py``); outputs are kept.
The rewrite is idempotent: running it twice changes nothing the second time.

What it rewrites (``MOVES`` is the whole map):

- ``from labkit.index import X`` -> ``from labkit.rag.index import X`` (and ``import labkit.index``);
- ``from labkit import data, index, hybrid, behaviour as bh`` -> one line per package:
  ``from labkit import data`` / ``from labkit.rag import index`` /
  ``from labkit.hybrid import assembly as hybrid`` / ``from labkit.finetune import behaviour as bh``
  (the notebook's names stay: ``hybrid.answer_tickets(...)`` still reads the same);
- file paths: ``labkit/behaviour.py`` -> ``labkit/finetune/behaviour.py``;
- dotted names in code and strings: ``labkit.hybrid.add_sources`` -> ``labkit.hybrid.assembly.add_sources``;
- relative imports inside labkit whose target no longer exists (a module edited on another
  branch while it was moved): ``from .models import X`` in ``labkit/finetune/train.py`` ->
  ``from ..models import X``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# old module (under labkit.) -> new module (under labkit.)
MOVES = {
    "chunk": "rag.chunk",
    "embed": "rag.embed",
    "index": "rag.index",
    "retrieve": "rag.retrieve",
    "generate": "rag.generate",
    "evaluate": "rag.evaluate",
    "metrics": "rag.metrics",
    "beir": "rag.beir",
    "documents": "rag.documents",
    "behaviour": "finetune.behaviour",
    "sft_data": "finetune.sft_data",
    "train": "finetune.train",
    "registry": "finetune.registry",
    "gate": "finetune.gate",
    "constrained": "finetune.constrained",
    "learning_curve": "finetune.learning_curve",
    "reader": "finetune.reader",
    "hybrid": "hybrid.assembly",
    "update": "hybrid.update",
    "course": "hybrid.course",
    "decide": "decide.matrix",
    "decide_ui": "decide.ui",
    "evidence": "decide.evidence",
}
# ``labkit.hybrid`` and ``labkit.decide`` are packages now (old module names reused): ``from labkit
# import hybrid`` becomes ``from labkit.hybrid import assembly as hybrid``, and a dotted
# ``labkit.hybrid.<name>`` becomes ``labkit.hybrid.assembly.<name>`` unless <name> is one of:
NEW_SUBMODULES = {
    "hybrid": {"assembly", "update", "course", "scores"},
    "decide": {"matrix", "ui", "evidence", "sentences", "factors", "cost"},
}
REVERSE = {new: old for old, new in MOVES.items()}

_FROM_PKG = re.compile(
    r"^(?P<indent>[ \t]*)from[ \t]+labkit[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n#]+?)(?P<tail>[ \t]*(#[^\n]*)?)$",
    re.M,
)
_DOTTED = re.compile(r"(?<![\w.])labkit\.(?P<mod>[a-z_]+)(?P<rest>\.[A-Za-z_]\w*)?(?![\w])")


def _names(spec: str) -> list[tuple[str, str | None]]:
    """``"a, b as c"`` -> [("a", None), ("b", "c")]."""
    out = []
    for part in spec.strip().strip("()").replace("\n", " ").split(","):
        part = part.strip()
        if not part:
            continue
        name, _, alias = part.partition(" as ")
        out.append((name.strip(), alias.strip() or None))
    return out


def _from_pkg(m: re.Match) -> str:
    """``from labkit import a, b`` -> one line per package the names now live in."""
    groups: dict[str, list[str]] = {}
    for name, alias in _names(m["names"]):
        if name in MOVES:
            pkg, _, sub = ("labkit." + MOVES[name]).rpartition(".")
            if alias is None and sub != name:
                alias = name  # decide_ui -> ui as decide_ui: the notebook's name stays
        else:
            pkg, sub = "labkit", name
        groups.setdefault(pkg, []).append(sub if alias in (None, sub) else f"{sub} as {alias}")
    lines = [f"{m['indent']}from {pkg} import {', '.join(n)}" for pkg, n in groups.items()]
    return "\n".join(lines) + m["tail"]


def _dotted(m: re.Match) -> str:
    mod, rest = m["mod"], m["rest"] or ""
    if mod not in MOVES:
        return m[0]
    if mod in NEW_SUBMODULES:
        sub = rest[1:]
        if not rest or sub in NEW_SUBMODULES[mod]:
            return m[0]  # ``labkit.hybrid`` itself, or already ``labkit.hybrid.assembly``
    return f"labkit.{MOVES[mod]}{rest}"


_FROM_OLD_MODULE = re.compile(
    r"^(?P<indent>[ \t]*)from[ \t]+labkit\.(?P<mod>hybrid|decide)[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n#]+?)(?P<tail>[ \t]*(#[^\n]*)?)$",
    re.M,
)


def _split_old_module(indent: str, src: str, mod: str, spec: str, tail: str, new_src: str) -> str:
    """``from labkit.hybrid import add_sources`` (the old module) -> ``from labkit.hybrid.assembly import ...``;
    submodule imports (``from labkit.hybrid import course``) stay."""
    names = _names(spec)
    old = [(n, a) for n, a in names if n not in NEW_SUBMODULES[mod]]
    if not old:
        return None
    new = [(n, a) for n, a in names if n in NEW_SUBMODULES[mod]]
    fmt = lambda ns: ", ".join(n if a is None else f"{n} as {a}" for n, a in ns)  # noqa: E731
    if spec.strip().startswith("(") and not new:
        lines = [f"{indent}from {new_src} import {spec.strip()}"]
    else:
        lines = [f"{indent}from {new_src} import {fmt(old)}"]
    if new:
        lines.insert(0, f"{indent}from {src} import {fmt(new)}")
    return "\n".join(lines) + tail


_PATH = re.compile(r"(?<![\w/])labkit/(?P<mod>[a-z_]+)\.py\b")


def rewrite_paths(text: str) -> str:
    """``labkit/decide.py`` -> ``labkit/decide/matrix.py`` (file paths in prose and strings)."""
    return _PATH.sub(
        lambda m: f"labkit/{MOVES[m['mod']].replace('.', '/')}.py" if m["mod"] in MOVES else m[0],
        text,
    )


def rewrite_source(text: str) -> str:
    """Rewrite absolute labkit import paths (and ``labkit/<module>.py`` file paths) in Python or
    Markdown text; idempotent."""
    text = rewrite_paths(text)
    text = _FROM_PKG.sub(_from_pkg, text)
    text = _FROM_OLD_MODULE.sub(
        lambda m: (
            _split_old_module(
                m["indent"],
                f"labkit.{m['mod']}",
                m["mod"],
                m["names"],
                m["tail"],
                f"labkit.{MOVES[m['mod']]}",
            )
            or m[0]
        ),
        text,
    )
    return _DOTTED.sub(_dotted, text)


# -- relative imports inside labkit/ -------------------------------------------------------------
_FROM_REL = re.compile(
    r"^(?P<indent>[ \t]*)from[ \t]+(?P<dots>\.+)(?P<mod>[\w.]*)[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n#]+?)(?P<tail>[ \t]*(#[^\n]*)?)$",
    re.M,
)


def _exists(mod: str) -> bool:
    """Is ``labkit.x.y`` a module or package in this tree?"""
    p = ROOT.joinpath(*mod.split("."))
    return p.with_suffix(".py").is_file() or (p / "__init__.py").is_file()


def _resolve(pkg: str, dots: str, mod: str) -> str:
    base = pkg.split(".")[: len(pkg.split(".")) - (len(dots) - 1)]
    return ".".join(base + ([mod] if mod else []))


def _relative(from_pkg: str, target: str) -> tuple[str, str]:
    """Relative form of absolute ``target`` seen from package ``from_pkg``: (dots, rest)."""
    a, b = from_pkg.split("."), target.split(".")
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return "." * (len(a) - n + 1), ".".join(b[n:])


def _new_abs(old_abs: str) -> str:
    parts = old_abs.split(".")
    if len(parts) >= 2 and parts[0] == "labkit" and parts[1] in MOVES:
        return ".".join(["labkit", *MOVES[parts[1]].split("."), *parts[2:]])
    return old_abs


def rewrite_relative(text: str, module: str) -> str:
    """Fix relative imports of ``module`` (e.g. ``labkit.finetune.train``) written for the old flat layout."""
    pkg = module.rpartition(".")[0]
    short = module.split(".", 1)[1] if "." in module else module
    old_pkg = ("labkit." + REVERSE[short]).rpartition(".")[0] if short in REVERSE else pkg

    def fix(m: re.Match) -> str:
        target = _resolve(pkg, m["dots"], m["mod"])
        names = _names(m["names"])
        short_target = target.removeprefix("labkit.")
        if m["mod"] and short_target in NEW_SUBMODULES:
            dots, rest = _relative(pkg, _new_abs(target))
            src = m["dots"] + m["mod"]
            return (
                _split_old_module(
                    m["indent"], src, short_target, m["names"], m["tail"], dots + rest
                )
                or m[0]
            )
        if m["mod"] and _exists(target):
            return m[0]
        if not m["mod"] and all(
            _exists(f"{target}.{n}") or not _is_module_name(n) for n, _ in names
        ):
            return m[0]
        old_target = _resolve(old_pkg, m["dots"], m["mod"])
        if m["mod"]:
            dots, rest = _relative(pkg, _new_abs(old_target))
            return f"{m['indent']}from {dots}{rest} import {m['names']}{m['tail']}"
        groups: dict[str, list[str]] = {}
        for name, alias in names:
            new = _new_abs(f"{old_target}.{name}")
            src, _, sub = new.rpartition(".")
            if alias is None and sub != name:
                alias = name
            dots, rest = _relative(pkg, src)
            groups.setdefault(dots + rest, []).append(
                sub if alias in (None, sub) else f"{sub} as {alias}"
            )
        return (
            "\n".join(f"{m['indent']}from {s} import {', '.join(n)}" for s, n in groups.items())
            + m["tail"]
        )

    return _FROM_REL.sub(fix, text)


def _is_module_name(name: str) -> bool:
    return name in MOVES or name in {"env", "store", "data", "models", "stats", "plots", "main"}


# -- drivers -------------------------------------------------------------------------------------
def rewrite_notebook(path: Path, check: bool) -> bool:
    raw = path.read_text(encoding="utf-8")
    nb = json.loads(raw)
    changed = False
    for cell in nb.get("cells", []):
        if cell.get("cell_type") not in ("code", "markdown"):
            continue
        src = "".join(cell["source"])
        # code: imports, dotted names and file paths; markdown: file paths only
        new = rewrite_source(src) if cell["cell_type"] == "code" else rewrite_paths(src)
        if new != src:
            changed = True
            cell["source"] = new.splitlines(keepends=True)
    if changed and not check:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


def rewrite_file(path: Path, check: bool) -> bool:
    text = path.read_text(encoding="utf-8")
    new = rewrite_source(text)
    rel = path.resolve().relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path
    if path.suffix == ".py" and rel.parts[:1] == ("labkit",):
        module = ".".join(rel.with_suffix("").parts)
        module = module.removesuffix(".__init__")
        new = rewrite_relative(new, module)
    if new != text and not check:
        path.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "paths", nargs="*", help="files or folders (.py, .md, .ipynb); default: notebooks/"
    )
    ap.add_argument(
        "--check", action="store_true", help="report files that would change; write nothing"
    )
    args = ap.parse_args(argv)
    paths = [Path(p) for p in args.paths] or [ROOT / "notebooks"]
    files: list[Path] = []
    for p in paths:
        files += (
            sorted(q for q in p.rglob("*") if q.suffix in {".py", ".md", ".ipynb"})
            if p.is_dir()
            else [p]
        )
    changed = []
    for f in files:
        if ".ipynb_checkpoints" in f.parts or f.resolve() == Path(__file__).resolve():
            continue
        hit = (
            rewrite_notebook(f, args.check) if f.suffix == ".ipynb" else rewrite_file(f, args.check)
        )
        if hit:
            changed.append(f)
            print(("would rewrite " if args.check else "rewrote ") + str(f))
    print(f"{len(changed)} file(s) {'to change' if args.check else 'changed'}")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
