"""Every number stated in a notebook's markdown is computed (issue 10, section 5).

A number in a markdown cell must appear in an output of the same notebook (stream text,
text/plain, text/markdown, text/html), printed as the prose gives it or rounded to fewer decimals
(prose 0.21 matches an output 0.206; 37.5% matches an output 0.375), or in the evidence store
(``notebooks/evidence.json``) when the sentence names the notebook that recorded it ("notebook
05"), or as a literal in the notebook's code (a setting such as ``max_steps=80``; code comments
do not count). A short allowlist covers constants that are not measurements (see ``allowed``).

Run ``python tests/test_markdown_numbers.py`` to print every failing number.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EVIDENCE = NOTEBOOKS / "evidence.json"

# One number token: 1,000 / 0.206 / 2e-4 / 37.5; never a piece of an identifier (bf16, L6, @5,
# SmolLM2) nor of a version string (4.5.2, matched whole and skipped).
_NUM = re.compile(
    r"(?<![A-Za-z_@#\d.])"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?![\d])|\d+(?:\.\d+)*(?:[eE][-+]?\d+)?)"
    r"(?P<suffix>%|×|[A-Za-z]+)?"
)
# a unit after the number, attached or after one space: percent, ratio, time
_UNIT = re.compile(
    r"^\s?(%|×|x\b|(?:ms|s|secs?|seconds?|mins?|minutes?|h|hours?)\b)", re.IGNORECASE
)
_ORDINALS = {"st", "nd", "rd", "th"}
# Constants that are not measurements (each kept deliberately short):
_MODEL_SIZE = {"M", "B"}  # 135M, 1.7B, 7B: model sizes, named not measured
_DIMS = re.compile(r"^\s*-?(dim|dims|dimensional|dimensions)\b")  # 384-dim MiniLM vectors
_YEARS = range(1990, 2036)  # years and citations ("Zhang et al. 2024")
_SMALL = 12  # bare integers <= 12: k values (1, 3, 5, 10), notebook numbers 00-11, counts
_APPROX = re.compile(r"(~|about|around|approximately|roughly|nearly)\s*$", re.IGNORECASE)
_ALPHA = re.compile(r"\bp\s*[<>=≤≥]\s*$")  # a significance level: "p < 0.05"
_LEVEL = re.compile(r"^%?\s*(Wilson|confidence|CI\b|interval)", re.IGNORECASE)  # "95% interval"
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_STRIP = [
    re.compile(r"```.*?```", re.DOTALL),  # fenced code
    re.compile(r"`[^`\n]*`"),  # inline code: code, not a claim
    re.compile(r"\$\$.*?\$\$", re.DOTALL),  # display math (formulas)
    re.compile(r"\$[^$\n]+\$"),  # inline math
    re.compile(r"https?://\S+"),  # addresses
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"<[^>\n]+>"),  # html tags
]


@dataclass(frozen=True)
class Number:
    value: Decimal  # absolute value as written ("37.5%" -> 37.5)
    decimals: int  # digits after the point as written
    percent: bool
    text: str  # as written, e.g. "~7 min"


def _parse(num: str) -> tuple[Decimal, int] | None:
    try:
        d = Decimal(num.replace(",", ""))
    except InvalidOperation:
        return None
    return abs(d), max(0, -d.as_tuple().exponent)


def _rounds_to(value: Decimal, decimals: int, target: Decimal) -> bool:
    q = Decimal(1).scaleb(-decimals)
    return any(value.quantize(q, rounding=r) == target for r in (ROUND_HALF_UP, ROUND_HALF_EVEN))


def numbers_in_prose(text: str) -> list[Number]:
    """Numbers a reader would take as measurements, minus the allowlisted constants."""
    out = []
    for m in _NUM.finditer(text):
        num, suffix = m.group("num"), m.group("suffix") or ""
        if num.count(".") > 1 or suffix.lower() in _ORDINALS:  # 4.5.2 (a version), 2nd
            continue
        parsed = _parse(num)
        if parsed is None:
            continue
        value, decimals = parsed
        before, after = text[: m.start()], text[m.end("num") :]
        if suffix in _MODEL_SIZE or _DIMS.match(after) or _ALPHA.search(before):
            continue
        if num == "95" and _LEVEL.match(after):
            continue
        if suffix == "k":  # 49k: thousands, so an output 49152 supports it
            value, decimals = value * 1000, decimals - 3
        unit_m = _UNIT.match(after)
        unit = unit_m.group(1) if unit_m else ""
        approx = _APPROX.search(before)
        is_int = decimals == 0 and "e" not in num.lower()
        if is_int and not suffix and int(value) in _YEARS:
            continue
        if is_int and value <= _SMALL and not unit and not approx and suffix != "k":
            continue
        shown = num + suffix if suffix else num + (unit_m.group(0) if unit_m else "")
        if approx:
            shown = approx.group(1) + ("" if approx.group(1) == "~" else " ") + shown
        out.append(Number(value, decimals, unit == "%" or suffix == "%", shown))
    return out


def numbers_in_output(text: str) -> list[tuple[Decimal, int]]:
    """(value, decimals) of every number printed; a percentage also counts as its fraction."""
    out = []
    for m in re.finditer(r"(\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(\s?%)?", text):
        parsed = _parse(m.group(1))
        if parsed is None:
            continue
        out.append(parsed)
        if m.group(2):
            value, decimals = parsed
            out.append((value / 100, decimals + 2))
    return out


def matches(n: Number, printed: list[tuple[Decimal, int]]) -> bool:
    """As printed, or an output rounded to the prose's decimals; a percentage also as a fraction."""
    targets = [(n.value, n.decimals)]
    if n.percent:
        targets.append((n.value / 100, n.decimals + 2))
    for target, decimals in targets:
        for value, shown in printed:
            if value == target or (shown > decimals and _rounds_to(value, decimals, target)):
                return True
    return False


def sentences(markdown: str) -> list[str]:
    """Split a markdown cell into sentences; a list item, table row or heading starts a new one."""
    items: list[str] = []
    for block in re.split(r"\n\s*\n", markdown):
        for line in block.splitlines():
            s = line.strip()
            if not items or not s or re.match(r"^([-*|#>]|\d+\.\s)", s):
                items.append(s)
            else:
                items[-1] += " " + s
        items.append("")
    out = []
    for item in items:
        out += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z*(\[`\"])", item) if s.strip()]
    return out


def _code_literals(source: str) -> list[tuple[Decimal, int]]:
    """Number literals of a code cell, comments excluded (a comment is prose, not a setting)."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    code = "\n".join(lines) + "\n"
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return numbers_in_output(re.sub(r"#.*", "", code))
    out = []
    for t in toks:
        if t.type == tokenize.NUMBER:
            parsed = _parse(t.string.replace("_", "").rstrip("jJ"))
            if parsed:
                out.append(parsed)
        elif t.type == tokenize.STRING:
            out += numbers_in_output(t.string)
    return out


def _output_text(cell: dict) -> str:
    parts = []
    for o in cell.get("outputs", []):
        if "text" in o:
            parts.append("".join(o["text"]))
        for mime in ("text/plain", "text/markdown", "text/html"):
            if mime in o.get("data", {}):
                parts.append("".join(o["data"][mime]))
    return "\n".join(parts)


def _named_notebooks(sentence: str) -> set[str]:
    """Two-digit notebook numbers a sentence names: 'notebook 05', 'notebooks 04 to 06', '04–07'."""
    if not re.search(r"notebooks?\b", sentence, re.IGNORECASE):
        return set()
    named = set(re.findall(r"(?<![\d.])(0\d|1[01])(?![\d.])", sentence))
    for a, b in re.findall(r"(?<!\d)(0\d|1[01])\s*(?:to|–|-)\s*(0\d|1[01])(?!\d)", sentence):
        named |= {f"{i:02d}" for i in range(int(a), int(b) + 1)}
    return named


def load_evidence(path: Path = EVIDENCE) -> dict[str, list[tuple[Decimal, int]]]:
    """Evidence values by the two-digit number of the notebook that recorded them."""
    if not path.is_file():
        return {}
    by_nb: dict[str, list[tuple[Decimal, int]]] = {}
    for entry in json.loads(path.read_text()).values():
        if isinstance(entry.get("value"), (int, float)) and not isinstance(entry["value"], bool):
            parsed = _parse(repr(float(entry["value"])))
            if parsed:
                by_nb.setdefault(str(entry.get("source", ""))[:2], []).append(parsed)
    return by_nb


def unsupported_numbers(nb: dict, evidence: dict | None = None) -> list[tuple[int, str, str]]:
    """(cell index, number as written, sentence) for each prose number nothing computed."""
    evidence = evidence or {}
    printed, code = [], []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            printed += numbers_in_output(_output_text(cell))
            code += _code_literals("".join(cell["source"]))
    failures = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        text = _DATE.sub(" ", "".join(cell["source"]))
        for pattern in _STRIP:
            text = pattern.sub(" ", text)
        for sentence in sentences(text):
            from_store = [v for n in _named_notebooks(sentence) for v in evidence.get(n, [])]
            for n in numbers_in_prose(sentence):
                settings = [(v, d) for v, d in code if v == n.value]
                if not (matches(n, printed) or matches(n, from_store) or settings):
                    failures.append((i, n.text, sentence))
    return failures


def _nb(markdown: list[str], code: list[tuple[str, str]]) -> dict:
    cells = [{"cell_type": "markdown", "source": m} for m in markdown]
    for src, printed in code:
        cells.append(
            {
                "cell_type": "code",
                "source": src,
                "outputs": [{"output_type": "stream", "name": "stdout", "text": printed}],
            }
        )
    return {"cells": cells}


def _failing(markdown: str, code: list[tuple[str, str]], evidence=None) -> list[str]:
    return [text for _, text, _ in unsupported_numbers(_nb([markdown], code), evidence)]


# --- the checker itself, on the cases the issue names ---------------------------------------


def test_number_only_in_a_code_comment_fails():
    # 03: "0.48 vs 0.23 on 48 dev questions" was only written in a code comment
    md = "A short instruction works better: 0.48 vs 0.23 answer accuracy on 48 dev questions."
    code = [("# instruction next to question: 0.48 vs 0.23 on 48 dev questions\nx = 1", "")]
    assert _failing(md, code) == ["0.48", "0.23", "48"]


def test_typed_times_and_approximations_fail():
    # 06: "~7 min" and "about 20 minutes"; 07: "~75 s each"; 04: "~97% in 7B"
    md = "Training takes ~7 min (about 20 minutes on 2 cores), ~75 s each; ~97% in 7B."
    assert _failing(md, [("print(51.3)", "51.3 s\n")]) == [
        "~7 min",
        "about 20 minutes",
        "~75 s",
        "~97%",
    ]


def test_rounded_output_and_percent_of_fraction_pass():
    md = "Accuracy 0.21 (0.2061 printed), 37.5% sent to a human, 2.5× faster, retrained in 51 s."
    printed = "acc 0.2061\nfalse refusals 0.375\nspeed-up 2.47x 2.53\nretrain 51.3 s\n"
    assert _failing(md, [("print(r)", printed)]) == []


def test_prose_may_not_add_digits_or_round_wrongly():
    md = "Accuracy 0.207 and 0.20 and 36% of tickets."
    assert _failing(md, [("print(r)", "0.206\n0.375\n")]) == ["0.207", "0.20", "36%"]


def test_settings_in_code_count_but_comments_do_not():
    md = "We train 80 steps at lr 2e-4, batch 16 (typed: 320 steps)."
    code = [("cfg = Config(max_steps=80, lr=2e-4, batch=16)  # GPU: 320 steps", "")]
    assert _failing(md, code) == ["320"]


def test_evidence_counts_only_when_the_sentence_names_its_notebook():
    ev = {"04": [(Decimal("0.631"), 3)]}
    assert _failing("All fields 0.631 (notebook 04).", [], ev) == []
    assert _failing("All fields 0.631 here.", [], ev) == ["0.631"]
    assert _failing("All fields 0.631 (notebook 05).", [], ev) == ["0.631"]


def test_allowlisted_constants_pass():
    md = (
        "## 3. Recall@5 and top-3 of 10 notebooks\n"
        "SmolLM2-135M or 1.7B with 384-dim vectors (Zhang et al. 2024, 2024-05-01), the 2nd run, "
        "`answer_contains('4.5.2', ['5.2'])`, version 4.5.2, $m = 0.5 + x$, p < 0.05, "
        "95% Wilson interval."
    )
    assert _failing(md, []) == []


# --- the committed notebooks ----------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("[0-9]*.ipynb")), ids=lambda p: p.stem)
def test_markdown_numbers_are_computed(path):
    nb = json.loads(path.read_text())
    failures = unsupported_numbers(nb, load_evidence())
    listing = "\n".join(f"  cell {i}: {text!r} in: {s}" for i, text, s in failures)
    assert not failures, f"{path.name}: numbers in prose that no output shows:\n{listing}"


if __name__ == "__main__":
    ev = load_evidence()
    for p in sorted(NOTEBOOKS.glob("[0-9]*.ipynb")):
        for i, text, s in unsupported_numbers(json.loads(p.read_text()), ev):
            print(f"{p.name}\tcell {i}\t{text}\t{s}")
