"""Execute notebooks in place, in order, so they are committed with the outputs the code produces.

    python scripts/run_notebooks.py notebooks/01_indexing.ipynb [...]

Each notebook runs top to bottom in a fresh kernel with the notebooks folder as working
directory (as nbval does). Execution-time metadata is dropped to keep diffs readable.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from labkit.env import digits_fingerprint


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    client = NotebookClient(
        nb, timeout=3600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    try:
        client.execute()
    except Exception:
        # Keep what ran, for inspection, next to the notebook (never over it).
        nbformat.write(nb, path.with_suffix(".failed.ipynb"))
        raise
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    # The CPU kind that printed these digits: nbval compares them strictly on that kind only
    # (labkit/nbdigits.py; README, Troubleshooting).
    nb.metadata.setdefault("labkit", {})["outputs_from"] = digits_fingerprint()
    nb.metadata.pop("widgets", None) if not _has_widgets(nb) else None
    nbformat.write(nb, path)
    return time.perf_counter() - t0


def _has_widgets(nb) -> bool:
    return any(
        "application/vnd.jupyter.widget-view+json" in o.get("data", {})
        for c in nb.cells
        for o in c.get("outputs", [])
    )


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        secs = run(Path(arg))
        print(f"{arg}: {secs:.0f} s", flush=True)
    # The numbers notebooks 04-07 measured become the committed snapshot notebook 09 falls back on.
    from labkit.decide import evidence

    if evidence.cache_path().is_file():
        print("evidence snapshot:", evidence.write_snapshot().relative_to(Path.cwd().resolve()))
