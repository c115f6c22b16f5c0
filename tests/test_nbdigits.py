"""The digits rule of tests/conftest.py: nbval compares a notebook's printed outputs strictly on
the CPU kind that printed them, and elsewhere reports differing cells instead of failing them,
while errors fail everywhere."""

from pathlib import Path

import nbformat
import pytest

from labkit.env import digits_fingerprint, kernel_kind

CONFTEST = (Path(__file__).parent / "conftest.py").read_text()


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
    from conftest import digits_checked

    here = "x86-avx512_bf16 torch-2.13.0"
    assert digits_checked(here, here, None)
    assert digits_checked(None, here, None)  # nothing recorded: strict
    assert not digits_checked("x86-amx torch-2.13.0", here, None)
    assert not digits_checked("x86-avx512_bf16 torch-2.14.1", here, "0")
    assert digits_checked("x86-amx torch-2.13.0", here, "1")


def _notebook(path, outputs_from, source, stored_text):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored_text)]
    nb.cells = [cell]
    nb.metadata["labkit"] = {"outputs_from": outputs_from}
    nbformat.write(nb, path)


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
    pytester, monkeypatch, recorded, source, strict, passed
):
    recorded = digits_fingerprint() if recorded == "HERE" else recorded
    pytester.makeconftest(CONFTEST)
    _notebook(pytester.path / "nb.ipynb", recorded, source, "1\n")
    if strict:
        monkeypatch.setenv("LABKIT_STRICT_DIGITS", strict)
    else:
        monkeypatch.delenv("LABKIT_STRICT_DIGITS", raising=False)
    result = pytester.runpytest_subprocess("--nbval", "-p", "no:cacheprovider", "nb.ipynb")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) == int(passed) and outcomes.get("failed", 0) == int(not passed)
    reported = "cells ran without error but printed other text" in result.stdout.str()
    assert reported == (passed and source == "print(2)")
