"""Widgets and plots for the decision matrix; every number comes from :mod:`labkit.decide`.

Introduced in notebooks/09_decision_matrix.ipynb. ``build_ui`` gives sliders for the nine factors,
a preset menu and a live HTML verdict (scores, reasons); ``build_cost_ui`` gives the cost model's
prices with a break-even plot. Both are plain objects holding their widgets, so tests drive them
without a browser: set a widget's ``.value`` and read ``result()``.

The layout (labels above full-width sliders; controls and results wrap instead of overlapping)
holds from 1024 to 1920 px in JupyterLab and Voila; tests/test_browser.py checks it in chromium.

The plot is drawn to SVG inside an HTML widget (no ``Output`` widget): an Output widget's
captured display messages would reach nbval as extra cell outputs and break the comparison.
"""

from __future__ import annotations

import html
import io

import numpy as np

from .matrix import (
    APPROACHES,
    PRESETS,
    CostConfig,
    DecisionFactors,
    MissingEvidenceError,
    break_even,
    break_even_table,
    cost_curves,
    cost_inputs,
    recommend,
)

__all__ = [
    "CUSTOM",
    "DecisionUI",
    "CostUI",
    "build_ui",
    "build_cost_ui",
    "render_html",
    "plot_costs",
]

CUSTOM = "(custom)"
"""Preset menu entry shown once a slider moves away from the chosen preset."""

_COLOURS = dict(zip(APPROACHES, ("#8d99ae", "#2a9d8f", "#e76f51", "#264653")))

# Layout (JupyterLab and Voila, 1024 to 1920 px wide): each factor's label sits on its own line
# above a full-width slider, so no label is cut and every track is ~250-470 px long. The controls
# column and the results panel are flex items that wrap: side by side when both fit at their
# minimum widths, results below the controls otherwise; neither ever covers the other.
# (Margins, not CSS gap: ipywidgets' Layout has no gap for flex boxes.)
_CONTROLS_LAYOUT = dict(
    flex="1 1 380px", min_width="320px", max_width="520px", margin="0 32px 8px 0"
)
_RESULTS_LAYOUT = dict(flex="100 1 480px", min_width="460px", overflow="auto")
# a control as wide as its box: no side margins, which would push it past the box's edge
_FULL = dict(width="100%", margin="2px 0")
_ROW_LAYOUT = dict(display="flex", flex_flow="row wrap", align_items="flex-start", width="100%")

FACTOR_LABELS = {
    "volatility": "data volatility",
    "format_strictness": "format strictness",
    "citations": "need for citations",
    "accuracy": "factual accuracy",
    "tone": "tone / brand voice",
    "governance": "governance",
    "latency_ms": "latency budget (ms)",
    "training_hours": "training budget (h)",
    "queries_per_month": "queries / month",
}
"""The label shown above each factor's slider (keys: DecisionFactors fields)."""


def _factor_widgets() -> dict:
    """One slider per DecisionFactors field: 0..1 sliders, log sliders for real units.

    No ``description``: :func:`_labelled` puts the label on its own line above the slider.
    """
    import ipywidgets as w

    full = _FULL

    def unit():
        return w.FloatSlider(
            min=0, max=1, step=0.05, readout_format=".2f", layout=full, continuous_update=False
        )

    return {
        "volatility": unit(),
        "format_strictness": unit(),
        "citations": unit(),
        "accuracy": unit(),
        "tone": unit(),
        "governance": unit(),
        # log sliders: value is the real number, min/max are powers of 10
        "latency_ms": w.FloatLogSlider(
            value=2000, base=10, min=2, max=4, step=0.05, readout_format=".0f", layout=full,
            continuous_update=False,
        ),
        "training_hours": w.FloatSlider(
            min=0, max=40, step=0.5, readout_format=".1f", layout=full, continuous_update=False,
        ),
        "queries_per_month": w.FloatLogSlider(
            value=1e4, base=10, min=2, max=7, step=0.1, readout_format=".2s", layout=full,
            continuous_update=False,
        ),
    }  # fmt: skip


def _labelled(text: str, control, name: str, width: str = "100%", margin: str = "0 0 4px 0"):
    """``control`` under a full-width label ``text``; the box has CSS classes decide-factor and
    decide-<name> (what a browser test or a stylesheet selects on)."""
    import ipywidgets as w

    box = w.VBox(
        [w.Label(text, layout={"width": "100%", "margin": "0"}), control],
        layout={"width": width, "margin": margin},
    )
    box.add_class("decide-factor")
    box.add_class(f"decide-{name}")
    return box


def render_html(result: dict) -> str:
    """The verdict of :func:`labkit.decide.matrix.recommend` as HTML: score bars, reasons, contributions."""
    scores = result["scores"]
    lo, hi = min(0.0, *scores.values()), max(0.0, *scores.values())
    best = result["recommendation"]
    rows = []
    for a in APPROACHES:
        width = 100.0 if hi == lo else 4 + 96 * (scores[a] - lo) / (hi - lo)
        weight = "bold" if a == best else "normal"
        rows.append(
            f"<tr><td style='font-weight:{weight};padding-right:8px'>{a}</td>"
            f"<td style='width:320px'><div style='background:{_COLOURS[a]};width:{width:.0f}%;height:14px'></div></td>"
            f"<td style='text-align:right;padding-left:8px'>{scores[a]:.2f}</td></tr>"
        )
    reasons = "".join(f"<li>{html.escape(r)}</li>" for r in result["reasons"])
    head = "".join(f"<th>{a}</th>" for a in APPROACHES)
    contrib = "".join(
        f"<tr><td>{f}</td>"
        + "".join(f"<td style='text-align:right'>{c[a]:+.2f}</td>" for a in APPROACHES)
        + "</tr>"
        for f, c in result["contributions"].items()
    )
    return (
        f"<div><h4 style='margin:4px 0'>Recommendation: {html.escape(best)}</h4>"
        f"<div>{html.escape(result['summary'])}</div><table>{''.join(rows)}</table>"
        f"<b>Why (most decisive factor first)</b><ol>{reasons}</ol>"
        f"<details><summary>contribution of each factor (score = bias + column sum)</summary>"
        f"<table><tr><th>factor</th>{head}</tr>{contrib}</table></details></div>"
    )


class DecisionUI:
    """Preset menu + one widget per factor + live verdict. ``widget`` is the box to display."""

    def __init__(self, evidence: dict, preset: str = "support assistant"):
        import ipywidgets as w

        self.evidence = evidence
        self.controls = _factor_widgets()
        self.preset = w.Dropdown(options=[CUSTOM, *PRESETS], value=CUSTOM, layout=_FULL)
        self.html = w.HTML(layout=_RESULTS_LAYOUT)
        self.html.add_class("decide-results")
        self._result: dict | None = None
        self._applying = (
            False  # True while apply_preset sets several widgets: one refresh at the end
        )
        for c in self.controls.values():
            c.observe(self._on_control, names="value")
        self.preset.observe(self._on_preset, names="value")
        rows = [_labelled("preset", self.preset, "preset")]
        rows += [_labelled(FACTOR_LABELS[k], c, k) for k, c in self.controls.items()]
        controls = w.VBox(rows, layout=_CONTROLS_LAYOUT)
        controls.add_class("decide-controls")
        self.widget = w.Box([controls, self.html], layout=_ROW_LAYOUT)
        self.widget.add_class("decide-matrix")
        self.apply_preset(preset)

    def apply_preset(self, name: str) -> None:
        """Set every factor widget to the preset's value and refresh the verdict."""
        if name not in PRESETS:
            raise KeyError(f"unknown preset {name!r}; presets: {list(PRESETS)}")
        self._applying = True
        try:
            for field, value in PRESETS[name].as_dict().items():
                self.controls[field].value = value
            self.preset.value = name
        finally:
            self._applying = False
        self._refresh()

    def factors(self) -> DecisionFactors:
        """The factors the widgets show now."""
        return DecisionFactors(**{k: c.value for k, c in self.controls.items()})

    def result(self) -> dict:
        """The latest :func:`labkit.decide.matrix.recommend` output (updated on every widget change)."""
        return self._result

    def _on_preset(self, change) -> None:
        if not self._applying and change["new"] != CUSTOM:
            self.apply_preset(change["new"])

    def _on_control(self, change) -> None:
        if self._applying:
            return
        if self.preset.value != CUSTOM:
            self._applying = True
            self.preset.value = CUSTOM  # the sliders no longer show the preset
            self._applying = False
        self._refresh()

    def _refresh(self) -> None:
        self._result = recommend(self.factors(), self.evidence)
        self.html.value = render_html(self._result)

    def __repr__(self) -> str:
        return f"DecisionUI(preset={self.preset.value!r}, recommendation={self._result['recommendation']!r})"

    def _repr_mimebundle_(self, **kwargs):
        # the widget view, with a short stable text (the box's own repr holds every child's value)
        data = self.widget._repr_mimebundle_(**kwargs)
        data["text/plain"] = repr(self)
        return data


def build_ui(evidence: dict | None = None, preset: str = "support assistant") -> DecisionUI:
    """The decision-matrix widget; evidence None loads ``labkit.decide.evidence.load()``, {} uses none."""
    if evidence is None:
        from .evidence import load

        evidence = load()
    return DecisionUI(evidence, preset)


# ---- cost model ---------------------------------------------------------------------------------

VOLUMES = np.logspace(2, 7, 201)
"""Default x axis of the cost plot: 100 to 10M queries per month, log-spaced."""


def plot_costs(
    cfg: CostConfig, evidence: dict, volumes=VOLUMES, ax=None, overrides: dict | None = None
):
    """Cumulative cost over ``cfg.months`` vs monthly volume, one line per approach, log-log;
    dotted verticals where the cheapest approach changes (the break-evens that matter). Title and
    axis labels carry the units; the legend sits outside the axes, clear of the data. Returns ax.
    """
    volumes = np.asarray(volumes, dtype=float)
    curves = cost_curves(cfg, evidence, volumes, overrides)
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=(7, 3.4)).subplots()
    for a, y in curves.items():
        ax.plot(volumes, y, label=a, color=_COLOURS[a], lw=2)
    stack = np.vstack([curves[a] for a in APPROACHES])
    cheapest = stack.argmin(axis=0)  # ties go to the simpler approach (first in APPROACHES)
    for i in np.flatnonzero(np.diff(cheapest)):
        a, b = APPROACHES[cheapest[i + 1]], APPROACHES[cheapest[i]]
        q = break_even(cfg, evidence, a, b, overrides)
        if q is not None:
            y = cost_curves(cfg, evidence, [q], overrides, approaches=(a,))[a][0]
            ax.axvline(q, ls=":", color="k", lw=1)
            ax.annotate(f"{a} cheaper than {b}\nfrom {q:,.0f}/month", (q, y), fontsize=7, xytext=(4, -14),
                        textcoords="offset points")  # fmt: skip
    ax.set(xscale="log", yscale="log", xlabel="query volume (queries per month, log scale)",
           ylabel=f"cumulative cost over {cfg.months:g} months (US$, log scale)")  # fmt: skip
    ax.set_title(
        f"Cost of each approach vs volume: {cfg.updates_per_month:g} knowledge updates/month, "
        f"${cfg.per_million_prompt_tokens:g}/1M prompt tokens",
        fontsize=9,
    )
    # legend outside the axes, right of the plot: it can never cover a line or an annotation
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    ax.grid(True, which="major", alpha=0.3)
    return ax


class CostUI:
    """Price and horizon inputs, a break-even table and the cost plot (SVG in an HTML widget)."""

    def __init__(
        self, evidence: dict, cfg: CostConfig | None = None, overrides: dict | None = None
    ):
        import ipywidgets as w

        self.evidence, self.overrides = evidence, overrides
        cfg = cfg or CostConfig()
        labels = {
            "train_per_hour": "$ / training hour",
            "serve_per_hour": "$ / serving hour",
            "per_million_prompt_tokens": "$ / 1M prompt tokens",
            "updates_per_month": "updates / month",
            "months": "horizon (months)",
        }
        self.controls = {
            k: w.BoundedFloatText(value=getattr(cfg, k), min=0, max=1e6, layout=_FULL)
            for k in labels
        }
        self.html = w.HTML(layout={"width": "100%", "overflow": "auto"})
        self.html.add_class("decide-cost-results")
        self._result: dict | None = None
        for c in self.controls.values():
            c.observe(lambda _: self._refresh(), names="value")
        inputs = w.Box(
            [
                _labelled(labels[k], c, k, width="170px", margin="0 16px 4px 0")
                for k, c in self.controls.items()
            ],
            layout=_ROW_LAYOUT,
        )
        self.widget = w.VBox([inputs, self.html], layout={"width": "100%"})
        self.widget.add_class("decide-cost")
        self._refresh()

    def config(self) -> CostConfig:
        return CostConfig(**{k: c.value for k, c in self.controls.items()})

    def result(self) -> dict:
        """{"config", "inputs", "break_even": {a: {b: volume or None}}, "error": None or str}."""
        return self._result

    def _refresh(self) -> None:
        try:
            cfg = self.config()
            inputs = cost_inputs(cfg, self.evidence, overrides=self.overrides)
        except (MissingEvidenceError, ValueError) as e:
            self._result = {"config": None, "inputs": None, "break_even": None, "error": str(e)}
            self.html.value = f"<pre>{html.escape(str(e))}</pre>"
            return
        be = break_even_table(cfg, self.evidence, self.overrides)
        self._result = {"config": cfg, "inputs": inputs, "break_even": be, "error": None}
        ax = plot_costs(cfg, self.evidence, ax=None, overrides=self.overrides)
        buf = io.StringIO()
        ax.figure.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
        cell = {None: "never"}
        rows = "".join(
            f"<tr><td>{a}</td>"
            + "".join(
                "<td></td>" if b == a else f"<td>{cell.get(be[a][b]) or f'{be[a][b]:,.0f}'}</td>"
                for b in APPROACHES
            )
            + "</tr>"
            for a in APPROACHES
        )
        self.html.value = (
            "<div><b>Monthly volume from which the row approach is cheaper than the column one</b>"
            f"<table><tr><th></th>{''.join(f'<th>{b}</th>' for b in APPROACHES)}</tr>"
            f"{rows}</table>{buf.getvalue()}</div>"
        )

    def __repr__(self) -> str:
        state = "error" if self._result["error"] else "ok"
        return f"CostUI(months={self.controls['months'].value:g}, state={state!r})"

    def _repr_mimebundle_(self, **kwargs):
        data = self.widget._repr_mimebundle_(**kwargs)
        data["text/plain"] = repr(self)
        return data


def build_cost_ui(
    evidence: dict | None = None, cfg: CostConfig | None = None, overrides: dict | None = None
) -> CostUI:
    """The cost-model widget; evidence None loads ``labkit.decide.evidence.load()``."""
    if evidence is None:
        from .evidence import load

        evidence = load()
    return CostUI(evidence, cfg, overrides)
