"""labkit.plots: error bars are the Wilson intervals, titles state the denominators, legends
stay clear of the bars (matplotlib Agg, no display)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from labkit.plots import bar_with_ci, denominators_text, grouped_bars_with_ci  # noqa: E402
from labkit.stats import rate, wilson_interval  # noqa: E402


def _error_extents(container) -> list[tuple[float, float]]:
    """(low, high) y of each error bar drawn for a BarContainer."""
    _, _, barlines = container.errorbar.lines
    segs = barlines[0].get_segments()
    return [(float(min(s[:, 1])), float(max(s[:, 1]))) for s in segs]


@pytest.fixture
def ax():
    fig, ax = plt.subplots(figsize=(6, 3))
    yield ax
    plt.close(fig)


def test_error_bars_are_the_wilson_interval(ax):
    counts = [(33, 160), (16, 19), (0, 29)]
    bars = bar_with_ci(
        ax,
        ["answer", "refusal", "citation"],
        counts,
        "RAG on test",
        denominators="160 answerable, 19 unanswerable, 29 needing a fact",
    )
    heights = [b.get_height() for b in bars]
    assert heights == pytest.approx([33 / 160, 16 / 19, 0.0])
    for (lo, hi), (k, n) in zip(_error_extents(bars), counts, strict=True):
        wlo, whi = wilson_interval(k, n)
        assert (lo, hi) == pytest.approx((wlo, whi), abs=1e-12)
    # asymmetric: 16/19 sits closer to its upper bound than to its lower one
    lo, hi = _error_extents(bars)[1]
    assert hi - 16 / 19 < 16 / 19 - lo
    # 0/29 still has an upper bound above 0 (a Wilson interval is never zero-width)
    assert _error_extents(bars)[2][1] > 0.05


def test_title_states_the_true_denominators(ax):
    bar_with_ci(
        ax,
        ["answerable", "unanswerable"],
        [(120, 160), (15, 19)],
        "Refusal gate",
        denominators="160 answerable, 19 unanswerable",
        ylabel="share of questions (0-1)",
    )
    title = " ".join(ax.get_title().split())  # the note may wrap over lines
    assert "160 answerable, 19 unanswerable" in title and "n=179" not in title
    assert "95% Wilson" in title
    assert ax.get_ylabel() == "share of questions (0-1)"


def test_default_denominators_come_from_each_rate(ax):
    bar_with_ci(ax, ["a", "b"], [rate(3, 160), rate(15, 19)], "t", unit="questions")
    assert "a: 160, b: 19 questions" in " ".join(ax.get_title().split())
    assert (
        denominators_text(["x", "y"], [rate(1, 50), rate(2, 50)], "tickets") == "50 tickets per bar"
    )


def test_not_measured_rate_draws_no_bar(ax):
    bars = bar_with_ci(ax, ["tone"], [(3, 3)], "tone over valid outputs")
    assert bars[0].get_height() == 0.0
    assert any("not measured" in t.get_text() for t in ax.texts)


def test_mismatched_labels_raise(ax):
    with pytest.raises(ValueError, match="labels"):
        bar_with_ci(ax, ["a", "b"], [(1, 10)], "t")


def test_grouped_bars_intervals_and_legend_outside(ax):
    systems = ["rag", "ft", "hybrid"]
    metrics = ["answer accuracy", "refusal"]
    counts = {
        "rag": {"answer accuracy": (0, 29), "refusal": (16, 19)},
        "ft": {"answer accuracy": (0, 29), "refusal": (0, 19)},
        "hybrid": {"answer accuracy": (4, 29), "refusal": (16, 19)},
    }
    out = grouped_bars_with_ci(ax, systems, metrics, counts, "Four-way table", unit="tickets")
    for s in systems:
        for (lo, hi), m in zip(_error_extents(out[s]), metrics, strict=True):
            assert (lo, hi) == pytest.approx(wilson_interval(*counts[s][m]), abs=1e-12)
    assert "answer accuracy: 29, refusal: 19 tickets" in " ".join(ax.get_title().split())
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend_box = ax.get_legend().get_window_extent(renderer)
    for s in systems:
        for bar in out[s]:
            bb = bar.get_window_extent(renderer)
            assert not legend_box.overlaps(bb), f"legend covers a bar of {s}"
    assert legend_box.x0 >= ax.get_window_extent(renderer).x1 - 1  # outside, right of the axes
    assert [t.get_text() for t in ax.get_legend().get_texts()] == systems


def test_grouped_bars_refuse_mixed_denominators_without_text(ax):
    counts = {"a": {"m": (1, 10)}, "b": {"m": (1, 12)}}
    with pytest.raises(ValueError, match="differ in n"):
        grouped_bars_with_ci(ax, ["a", "b"], ["m"], counts, "t")
    grouped_bars_with_ci(ax, ["a", "b"], ["m"], counts, "t", denominators="10 and 12 tickets")
    assert "10 and 12 tickets" in " ".join(ax.get_title().split())


def test_bar_positions_do_not_overlap_within_a_group(ax):
    counts = {s: {"m1": (5, 10), "m2": (6, 10)} for s in ("a", "b", "c", "d")}
    out = grouped_bars_with_ci(ax, list(counts), ["m1", "m2"], counts, "t")
    xs = sorted(b.get_x() for s in out for b in out[s])
    width = out["a"][0].get_width()
    assert np.all(np.diff(xs) >= width - 1e-9)
