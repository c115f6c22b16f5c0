"""A pytest plugin for nbval: compare a notebook's digits strictly on the CPU kind that printed them.

The committed outputs of a notebook were printed on one kind of CPU (notebook metadata
``labkit.outputs_from``, written by ``scripts/run_notebooks.py``; see :func:`labkit.env.kernel_kind`).
Another kind picks other matmul kernels, so the 135M generator's greedy answers, losses and scores
can differ in a few places although the code is right. On the same kind nbval compares every output
(the default, and what CI relies on). On another kind, a cell that runs without error but prints
other text is listed at the end of the run instead of failing, unless ``LABKIT_STRICT_DIGITS=1``.
So is a failed ``assert`` in a cell tagged ``labkit-claims``: such a cell checks that the prose's
verdicts (a direction with p < 0.05, "stale on 36 of 36") hold for the committed run, and another
kind's run is another run, whose borderline verdicts can come out otherwise; the run's end lists
each one with its message, so a claim that does not survive other digits is seen, not hidden.
Every other error and failed assert, the exercises' checks included, fails everywhere.

Loaded for every run in this repository by pyproject.toml (``-p labkit.nbdigits``).
"""

from __future__ import annotations

import os
import re

import pytest

OTHER_DIGITS: list[str] = []
OTHER_CLAIMS: list[str] = []
CLAIMS_TAG = "labkit-claims"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_EXC_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)(:|$)")


def digits_checked(recorded: str | None, here: str, strict: str | None) -> bool:
    """Whether a notebook's printed outputs must match: recorded on this kind (or not recorded),
    or ``LABKIT_STRICT_DIGITS=1``."""
    return strict == "1" or recorded is None or recorded == here


def failed_assert(traceback: str | None) -> str | None:
    """The message of the ``AssertionError`` an IPython traceback ends in (``""`` for a bare
    assert; a message over several lines joined), or None when it ends in another exception."""
    lines = [ln.rstrip() for ln in _ANSI.sub("", traceback or "").splitlines() if ln.strip()]
    heads = [i for i, ln in enumerate(lines) if _EXC_LINE.match(ln)]
    if not heads:
        return None
    name, _, message = lines[heads[-1]].partition(":")
    if name != "AssertionError":
        return None
    return " ".join([message.strip(), *(ln.strip() for ln in lines[heads[-1] + 1 :])]).strip()


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
        if type(exc).__name__ != "NbCellError" or digits_checked(
            recorded, digits_fingerprint(), os.environ.get("LABKIT_STRICT_DIGITS")
        ):
            raise
        if exc.args[:1] == ("Cell outputs differ",):
            OTHER_DIGITS.append(f"{item.nodeid} (outputs of {recorded})")
            return None
        tags = getattr(getattr(item, "cell", None), "metadata", {}).get("tags", [])
        message = failed_assert(getattr(exc, "inner_traceback", None))
        if CLAIMS_TAG not in tags or message is None:
            raise
        OTHER_CLAIMS.append(
            f"{item.nodeid}: {message or 'assert failed'} (text written on {recorded})"
        )
        return None


def _section(tr, title: str, intro: str, rows: list[str]) -> None:
    if rows:
        tr.section(title)
        tr.line(intro)
        for row in rows:
            tr.line("  " + row)


def pytest_terminal_summary(terminalreporter):
    if not (OTHER_DIGITS or OTHER_CLAIMS):
        return
    from labkit.env import digits_fingerprint

    here, n = digits_fingerprint(), len(OTHER_DIGITS)
    _section(
        terminalreporter,
        "notebook cells with other digits than the committed outputs",
        f"{n} cell{'s' if n != 1 else ''} ran without error but printed other text on this "
        f"CPU ({here}); their notebooks' outputs are another kind's digits, so nbval "
        "compares them only there (README, Troubleshooting). LABKIT_STRICT_DIGITS=1 fails them.",
        OTHER_DIGITS,
    )
    _section(
        terminalreporter,
        "claims of the text that did not hold with this CPU's digits",
        f"{len(OTHER_CLAIMS)} claims check(s) failed on this CPU ({here}): the text "
        "states the committed run's verdicts, and this run, with other kernels, came out otherwise "
        "(README, Troubleshooting). They fail on the kind the text was written on, and with "
        "LABKIT_STRICT_DIGITS=1.",
        OTHER_CLAIMS,
    )
