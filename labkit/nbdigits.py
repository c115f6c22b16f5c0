"""A pytest plugin for nbval: compare a notebook's digits strictly on the CPU kind that printed them.

The committed outputs of a notebook were printed on one kind of CPU (notebook metadata
``labkit.outputs_from``, written by ``scripts/run_notebooks.py``; see :func:`labkit.env.kernel_kind`).
Another kind picks other matmul kernels, so the 135M generator's greedy answers, losses and scores
can differ in a few places although the code is right. On the same kind nbval compares every output
(the default, and what CI relies on). On another kind, a cell that runs without error but prints
other text is listed at the end of the run instead of failing, unless ``LABKIT_STRICT_DIGITS=1``.
Errors, failed asserts and the notebooks' own exercise and claims checks fail everywhere.

Loaded for every run in this repository by pyproject.toml (``-p labkit.nbdigits``).
"""

from __future__ import annotations

import os

import pytest

OTHER_DIGITS: list[str] = []


def digits_checked(recorded: str | None, here: str, strict: str | None) -> bool:
    """Whether a notebook's printed outputs must match: recorded on this kind (or not recorded),
    or ``LABKIT_STRICT_DIGITS=1``."""
    return strict == "1" or recorded is None or recorded == here


def _outputs_from(item) -> str | None:
    nb = getattr(item.parent, "nb", None)
    return None if nb is None else nb.metadata.get("labkit", {}).get("outputs_from")


def _cpu_model() -> str:
    from labkit.env import cpu_info

    lines = (ln for ln in cpu_info().splitlines() if ln.startswith("model name"))
    return next((ln.split(":", 1)[1].strip() for ln in lines), "?")


def pytest_report_header(config):
    from labkit.env import digits_fingerprint

    strict = os.environ.get("LABKIT_STRICT_DIGITS") == "1"
    return [
        f"labkit: CPU {_cpu_model()}; digits of {digits_fingerprint()}; threads "
        f"{os.environ.get('LABKIT_THREADS') or 'default'}; ONEDNN_MAX_CPU_ISA="
        f"{os.environ.get('ONEDNN_MAX_CPU_ISA', '')}; notebook digits compared "
        f"{'everywhere (LABKIT_STRICT_DIGITS=1)' if strict else 'on the same CPU kind'}"
    ]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    try:
        return (yield)
    except Exception as exc:
        from labkit.env import digits_fingerprint

        recorded = _outputs_from(item)
        differ = type(exc).__name__ == "NbCellError" and exc.args[:1] == ("Cell outputs differ",)
        if not differ or digits_checked(
            recorded, digits_fingerprint(), os.environ.get("LABKIT_STRICT_DIGITS")
        ):
            raise
        OTHER_DIGITS.append(f"{item.nodeid} (outputs of {recorded})")
        return None


def pytest_terminal_summary(terminalreporter):
    if OTHER_DIGITS:
        from labkit.env import digits_fingerprint

        tr = terminalreporter
        tr.section("notebook cells with other digits than the committed outputs")
        n = len(OTHER_DIGITS)
        tr.line(
            f"{n} cell{'s' if n != 1 else ''} ran without error but printed other text on this "
            f"CPU ({digits_fingerprint()}); their notebooks' outputs are another kind's digits, so nbval "
            "compares them only there (README, Troubleshooting). LABKIT_STRICT_DIGITS=1 fails them."
        )
        for line in OTHER_DIGITS:
            tr.line("  " + line)
