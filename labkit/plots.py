"""Bar charts of rates with 95% Wilson error bars and their true denominators in the title.

Introduced in notebooks/02_retrieval.ipynb with :mod:`labkit.stats`; every notebook that plots
a rate uses these two helpers, so every plot carries the same four things: error bars (the
Wilson interval of each bar, asymmetric), a title that says how many items stand behind the bars
("160 answerable, 19 unanswerable", never a bare "n=179"), axis labels with units, and a legend
outside the axes where it cannot cover a bar. A rate over fewer than ``stats.MIN_N`` items is
drawn as "not measured", never as a bar of height 0 or 1.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np

from .stats import rate

__all__ = ["bar_with_ci", "grouped_bars_with_ci", "as_rate", "denominators_text"]

_TOP = 1.15  # y-axis top for rates: room for value labels above an error bar at 1.0


def as_rate(r) -> dict:
    """A rate dict from :func:`labkit.stats.rate`, a ``(k, n)`` pair, or a list of bools."""
    if isinstance(r, Mapping):
        missing = {"rate", "lo", "hi", "k", "n", "measured"} - set(r)
        if missing:
            raise ValueError(f"a rate needs {sorted(missing)} (use labkit.stats.rate)")
        return dict(r)
    if isinstance(r, tuple) and len(r) == 2:
        return rate(r[0], r[1])
    return rate(r)


def denominators_text(labels: Sequence[str], rates: Sequence[dict], unit: str = "items") -> str:
    """'160 questions per bar', or 'answerable: 160, unanswerable: 19 questions' when they differ."""
    ns = [r["n"] for r in rates]
    if len(set(ns)) == 1:
        return f"{ns[0]} {unit} per bar"
    seen: dict[str, int] = {}
    for label, n in zip(labels, ns, strict=True):
        seen.setdefault(str(label), n)
    return ", ".join(f"{label}: {n}" for label, n in seen.items()) + f" {unit}"


def _yerr(rates: list[dict]) -> np.ndarray:
    """(2, n) distances below and above each rate: Wilson intervals are asymmetric."""
    low = [r["rate"] - r["lo"] if r["measured"] else 0.0 for r in rates]
    high = [r["hi"] - r["rate"] if r["measured"] else 0.0 for r in rates]
    return np.array([low, high])


def _annotate(ax, xs, rates: list[dict], value_labels: bool, digits: int) -> None:
    for x, r in zip(xs, rates, strict=True):
        if not r["measured"]:
            ax.text(
                x,
                0.02,
                f"not measured\n({r['k']}/{r['n']})",
                ha="center",
                va="bottom",
                fontsize=7,
                rotation=90,
            )
        elif value_labels:
            ax.text(
                x, r["hi"] + 0.015, f"{r['rate']:.{digits}f}", ha="center", va="bottom", fontsize=7
            )


def _finish(ax, title: str, denominators: str, ylabel: str, xlabel: str | None) -> None:
    note = textwrap.fill(f"({denominators}; error bars: 95% Wilson interval)", width=58)
    ax.set_title(f"{title}\n{note}", fontsize=9)
    ax.set_ylabel(ylabel)
    if xlabel:
        ax.set_xlabel(xlabel)
    ax.set_ylim(0, _TOP)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)


def _ticks(ax, xs, labels: Sequence[str]) -> None:
    long = max((len(str(s)) for s in labels), default=0) > 10
    ax.set_xticks(
        xs, [str(s) for s in labels], rotation=25 if long else 0, ha="right" if long else "center"
    )


def bar_with_ci(
    ax,
    labels: Sequence[str],
    rates: Sequence,
    title: str,
    ylabel: str = "rate (share of items, 0-1)",
    denominators: str | None = None,
    unit: str = "items",
    xlabel: str | None = None,
    value_labels: bool = True,
    digits: int = 2,
    color: str | None = None,
):
    """One bar per label with its Wilson interval; returns the matplotlib BarContainer.

    rates: ``labkit.stats.rate`` dicts or ``(k, n)`` pairs, one per label.
    denominators: what stands behind the bars, e.g. "160 answerable, 19 unanswerable"; by
    default built from each rate's n and ``unit`` (see :func:`denominators_text`).
    """
    rates = [as_rate(r) for r in rates]
    if len(rates) != len(labels):
        raise ValueError(f"{len(labels)} labels but {len(rates)} rates")
    xs = np.arange(len(rates))
    heights = [r["rate"] if r["measured"] else 0.0 for r in rates]
    bars = ax.bar(
        xs,
        heights,
        yerr=_yerr(rates),
        capsize=4,
        color=color,
        error_kw={"elinewidth": 1, "ecolor": "black"},
    )
    _annotate(ax, xs, rates, value_labels, digits)
    _ticks(ax, xs, labels)
    _finish(ax, title, denominators or denominators_text(labels, rates, unit), ylabel, xlabel)
    return bars


def grouped_bars_with_ci(
    ax,
    systems: Sequence[str],
    metrics: Sequence[str],
    rates: Mapping[str, Mapping[str, object]],
    title: str,
    ylabel: str = "rate (share of items, 0-1)",
    denominators: str | None = None,
    unit: str = "items",
    xlabel: str | None = None,
    value_labels: bool = False,
    digits: int = 2,
):
    """Systems x metrics: one group of bars per metric, one colour per system.

    rates[system][metric]: a ``labkit.stats.rate`` dict or ``(k, n)`` pair. The legend (one
    entry per system) sits outside the axes, right of the plot, so it covers no bar. By default
    the title lists each metric's denominator ("answer accuracy: 29, refusal: 19 tickets").
    Returns {system: BarContainer}.
    """
    grid = {s: [as_rate(rates[s][m]) for m in metrics] for s in systems}
    xs = np.arange(len(metrics))
    width = 0.8 / max(1, len(systems))
    out = {}
    for i, s in enumerate(systems):
        pos = xs - 0.4 + width * (i + 0.5)
        rs = grid[s]
        heights = [r["rate"] if r["measured"] else 0.0 for r in rs]
        out[s] = ax.bar(
            pos,
            heights,
            width,
            yerr=_yerr(rs),
            capsize=3,
            label=str(s),
            error_kw={"elinewidth": 1, "ecolor": "black"},
        )
        _annotate(ax, pos, rs, value_labels, digits)
    _ticks(ax, xs, metrics)
    if denominators is None:
        per_metric = [grid[systems[0]][j] for j in range(len(metrics))]
        for j, m in enumerate(metrics):
            ns = {grid[s][j]["n"] for s in systems}
            if len(ns) > 1:
                raise ValueError(f"systems differ in n for {m!r} ({sorted(ns)}): pass denominators")
        denominators = denominators_text(metrics, per_metric, unit)
    _finish(ax, title, denominators, ylabel, xlabel)
    ax.legend(
        loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0, fontsize=8, title="system"
    )
    return out
