"""The digits rule of labkit.nbdigits (a pytest plugin): nbval compares a notebook's printed
outputs strictly on the CPU kind that printed them, and elsewhere reports differing cells instead of failing them,
while errors fail everywhere."""

import os
import re
import subprocess
import sys

import nbformat
import pytest

from labkit.env import digits_fingerprint, kernel_kind
from labkit.nbdigits import CLAIMS_TAG, digits_checked, failed_assert


@pytest.mark.parametrize(
    "flags, kind",
    [
        ("fpu avx2 avx512f avx512_bf16 amx_bf16 amx_tile", "x86-amx"),
        ("fpu avx2 avx512f avx512bw avx512_bf16 avx512_vnni", "x86-avx512_bf16"),
        ("fpu avx2 avx512f avx512bw", "x86-avx512"),
        ("fpu sse4_2 avx avx2 fma", "x86-avx2"),
        ("fp asimd evtstrm", "other"),
    ],
)
def test_kernel_kind_from_cpu_flags(flags, kind):
    assert kernel_kind(flags) == kind


def test_digits_checked_only_where_the_kinds_match():
    here = "x86-avx512_bf16 torch-2.13.0"
    assert digits_checked(here, here, None)
    assert digits_checked(None, here, None)  # nothing recorded: strict
    assert not digits_checked("x86-amx torch-2.13.0", here, None)
    assert not digits_checked("x86-avx512_bf16 torch-2.14.1", here, "0")
    assert digits_checked("x86-amx torch-2.13.0", here, "1")


def test_failed_assert_reads_the_exception_an_ipython_traceback_ends_in():
    red = "\x1b[31mAssertionError\x1b[39m"
    tb = f"\n\x1b[31m----\x1b[39m\nCell In[1], line 20\n---> 20 assert x == 36, 'msg'\n\n{red}: the prose says 36\n"
    assert failed_assert(tb) == "the prose says 36"
    assert failed_assert("Traceback\n  assert False\nAssertionError\n") == ""
    assert failed_assert("...\nAssertionError: {'a': 1,\n 'b': 2}\n") == "{'a': 1, 'b': 2}"
    assert failed_assert("...\nValueError: boom\n") is None
    assert failed_assert("...\nKeyError: 'AssertionError'\n") is None
    assert failed_assert("AssertionError: inner\n\nDuring handling...\nTypeError: outer\n") is None
    assert failed_assert("") is None and failed_assert(None) is None


def _notebook(path, outputs_from, source, stored_text, tags=()):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source, execution_count=1)
    if tags:
        cell.metadata["tags"] = list(tags)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored_text)]
    nb.cells = [cell]
    nb.metadata["labkit"] = {"outputs_from": outputs_from}
    nbformat.write(nb, path)


def _run_nbval(folder, env):
    """nbval over folder/nb.ipynb in a separate pytest process with the plugin; (passed, failed, out)."""
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            "-p",
            "no:cacheprovider",
            "-p",
            "labkit.nbdigits",
        ]
        + ["nb.ipynb"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    counts = {w: int(n) for n, w in re.findall(r"(\d+) (passed|failed)", r.stdout.splitlines()[-1])}
    return counts.get("passed", 0), counts.get("failed", 0), r.stdout


def _check_case(folder, recorded, source, stored_text, tags, strict, passed):
    """One-cell notebook recorded on ``recorded`` ("HERE": this kind), nbval over it with
    LABKIT_STRICT_DIGITS=``strict``; asserts it passed or failed as expected; pytest's output."""
    recorded = digits_fingerprint() if recorded == "HERE" else recorded
    _notebook(folder / "nb.ipynb", recorded, source, stored_text, tags)
    env = {k: v for k, v in os.environ.items() if k != "LABKIT_STRICT_DIGITS"}
    if strict:
        env["LABKIT_STRICT_DIGITS"] = strict
    n_passed, n_failed, out = _run_nbval(folder, env)
    assert (n_passed, n_failed) == (int(passed), int(not passed)), out[-2000:]
    return out


@pytest.mark.slow
@pytest.mark.parametrize(
    "recorded, source, strict, passed",
    [
        ("x86-amx torch-0.0", "print(2)", None, True),  # other kind: reported, not failed
        ("x86-amx torch-0.0", "print(2)", "1", False),  # LABKIT_STRICT_DIGITS=1
        ("HERE", "print(2)", None, False),  # this kind: compared
        ("x86-amx torch-0.0", "raise ValueError('boom')", None, False),  # errors fail anywhere
        ("x86-amx torch-0.0", "print(1)", None, True),  # the same output passes
    ],
)
def test_other_kind_reports_differences_errors_still_fail(
    tmp_path, recorded, source, strict, passed
):
    out = _check_case(tmp_path, recorded, source, "1\n", (), strict, passed)
    reported = "ran without error but printed other text" in out
    assert reported == (passed and source == "print(2)")


@pytest.mark.slow
@pytest.mark.parametrize(
    "recorded, source, tags, strict, passed",
    [
        # a claims check that does not hold with another kind's digits: listed, not failed
        ("x86-amx torch-0.0", "assert 35 == 36, 'stale on every fact'", [CLAIMS_TAG], None, True),
        ("x86-amx torch-0.0", "assert 35 == 36, 'stale on every fact'", [CLAIMS_TAG], "1", False),
        ("HERE", "assert 35 == 36, 'stale on every fact'", [CLAIMS_TAG], None, False),
        # an untagged assert (an invariant, an exercise's check) fails on every kind
        ("x86-amx torch-0.0", "assert 35 == 36, 'stale on every fact'", ["exercise"], None, False),
        # a tagged cell that raises something else is broken code, not a claim: it fails
        ("x86-amx torch-0.0", "raise ValueError('stale on every fact')", [CLAIMS_TAG], None, False),
    ],
)
def test_other_kind_reports_claims_that_did_not_hold(
    tmp_path, recorded, source, tags, strict, passed
):
    out = _check_case(tmp_path, recorded, source, "", tags, strict, passed)
    listed = "nb.ipynb::Cell 0: stale on every fact (text written on x86-amx torch-0.0)" in out
    assert listed == passed, out[-2000:]


def test_the_plugin_is_loaded_for_every_run_here(pytestconfig):
    # pyproject.toml's addopts: make test's nbval run over notebooks/ gets the rule too
    assert pytestconfig.pluginmanager.has_plugin("labkit.nbdigits")
