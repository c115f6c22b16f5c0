"""The main job's output: tables printed while it runs, and the run folder it writes
(``report.md``, ``metrics.json``, PNG plots).

Used by :mod:`labkit.main` (``make demo``); the tables are the ones notebooks 02, 06 and 07
print. Split out of ``main`` (issue 12 §4).
"""

from __future__ import annotations

import time
from pathlib import Path

from .hybrid.assembly import COMBINED as QUALITY  # the five scores the combined score averages

__all__ = ["print_table", "write_report"]


def print_table(rows: dict, cols: list[str]) -> None:
    print("    " + " " * 22 + "".join(f"{c[:12]:>13}" for c in cols))
    for name, row in rows.items():
        print(f"    {name:<22}" + "".join(f"{row[c]:>13.3f}" for c in cols))


def _md_table(rows: dict, cols: list[str], fmt: str = ".3f") -> list[str]:
    lines = [
        "| | " + " | ".join(c.replace("_", " ") for c in cols) + " |",
        "| --- |" + " ---: |" * len(cols),
    ]
    lines += [
        f"| {name} | " + " | ".join(f"{row[c]:{fmt}}" for c in cols) + " |"
        for name, row in rows.items()
    ]
    return lines


def _plots(folder: Path, metrics: dict) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    quality = QUALITY
    table = metrics["four_way"]
    fig, ax = plt.subplots(figsize=(9, 3.4))
    width = 0.8 / len(table)
    for i, (name, row) in enumerate(table.items()):
        ax.bar(
            [j + i * width for j in range(len(quality))],
            [row[q] for q in quality],
            width,
            label=name,
        )
    ax.set_xticks(
        [j + 0.4 - width / 2 for j in range(len(quality))],
        [q.replace("_", "\n") for q in quality],
        fontsize=8,
    )
    ax.set_ylim(0, 1.05)
    ax.set_title(f"four-way table, {metrics['n_tickets']} held-out tickets (knowledge | behaviour)")
    ax.legend(fontsize=8, ncol=4)
    fig.tight_layout()
    fig.savefig(folder / "four_way.png", dpi=110)
    plt.close(fig)

    fresh = metrics["update"]["freshness"]
    fig, ax = plt.subplots(figsize=(7, 2.6))
    left = [0.0] * len(fresh)
    for outcome, color in zip(
        ("fresh", "stale", "wrong"), ("tab:green", "tab:orange", "tab:grey"), strict=True
    ):
        vals = [row[outcome] for row in fresh.values()]
        ax.barh(list(fresh), vals, left=left, color=color, label=outcome)
        left = [a + b for a, b in zip(left, vals, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel(
        f"share of replies about a changed fact ({metrics['update']['n_tickets']} tickets)"
    )
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(folder / "freshness.png", dpi=110)
    plt.close(fig)

    steps, losses = zip(*metrics["training"]["loss_history"], strict=True)
    fig, ax = plt.subplots(figsize=(5, 2.6))
    ax.plot(steps, losses)
    ax.set(xlabel="optimiser step", ylabel="loss", title="QLoRA training loss")
    fig.tight_layout()
    fig.savefig(folder / "loss.png", dpi=110)
    plt.close(fig)
    return ["four_way.png", "freshness.png", "loss.png"]


def write_report(out: Path, metrics: dict) -> Path:
    from .store import atomic_write_json, atomic_write_text

    folder = out / time.strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_json(folder / "metrics.json", metrics)
    _plots(folder, metrics)
    tr, upd, table = metrics["training"], metrics["update"], metrics["four_way"]
    callers = metrics.get("callers", {"retrieval_dev": "agent", "four_way": "customer"})
    versus = metrics["four_way_versus"]  # labkit.hybrid.scores.versus_best_single
    retrieval_cols = list(next(iter(metrics["retrieval_dev"].values())))
    lines = [
        "# Course kit: main job report",
        "",
        f"Profile `{metrics['profile']['name']}`; data: "
        + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in metrics["data"].items())
        + ".",
        f"Total {metrics['seconds']} s.",
        "",
        "## Retrieval (dev questions)",
        "",
        f"Searched as `Caller({callers['retrieval_dev']!r})` (support staff read every article); the "
        f"four-way table and the knowledge update answer as `Caller({callers['four_way']!r})`: "
        "tickets come from customers, so internal-only articles never reach their prompts.",
        "",
        *_md_table(metrics["retrieval_dev"], retrieval_cols),
        "",
        "## QLoRA training",
        "",
        f"{tr['steps']} steps, loss {tr['loss_history'][0][1]:.2f} -> {tr['final_loss']:.2f}, {tr['train_seconds']:.0f} s "
        f"({tr['tokens_per_s']:.0f} tokens/s), {tr['trainable']['share']:.2%} of the parameters trainable.",
        "",
        "![loss](loss.png)",
        "",
        f"## The four-way table ({metrics['n_tickets']} held-out tickets)",
        "",
        *_md_table(table, [*QUALITY, "combined"]),
        "",
        *_md_table(table, ["prompt_tokens", "latency_s"], ".2f"),
        "",
        f"{versus['sentence'][0].upper()}{versus['sentence'][1:]}"
        + (
            "." if versus["verdict"] != "not significant" else " at this sample size: no direction."
        ),
        "",
        "![four-way](four_way.png)",
        "",
        "## Knowledge update (v1 -> v2)",
        "",
        f"Index update: {upd['index_seconds']:.1f} s ({upd['chunks_embedded']} chunks re-embedded). "
        f"Retraining the adapter would cost ~{upd['retrain_seconds_behaviour_adapter']:.0f} s.",
        "",
        *_md_table(upd["freshness"], ["fresh", "stale", "wrong"]),
        "",
        "![freshness](freshness.png)",
        *_production_section(metrics.get("production")),
    ]
    atomic_write_text(folder / "report.md", "\n".join(lines) + "\n")
    return folder


def _production_section(week: dict | None) -> list[str]:
    """The production loop in small (``labkit.production.week``): rates per kind of request."""
    if not week:
        return []
    kinds = week["by_kind"]
    cols = list(dict.fromkeys(k for row in kinds.values() for k in row))
    lat = week["latency_uncached_s"]
    return [
        "",
        "## Production loop (notebook 10 in small)",
        "",
        f"{week['interactions']} simulated requests from the dev side of the data (train tickets, dev "
        f"questions), answered by the `{week['version']}` system as `Caller('customer')`, every one logged to "
        "`interactions.db` in this folder (SQLite; open it with `labkit.production.log`). Rates "
        "with their 95% Wilson interval and count; complaints come from the simulated users' "
        "written-down feedback model.",
        "",
        *_md_table({k: {c: row.get(c, "") for c in cols} for k, row in kinds.items()}, cols, ""),
        "",
        f"Latency of the {lat['n']} uncached answers: p50 {lat['p50']} s, p95 {lat['p95']} s. "
        f"Hard cases the next adapter would train on: {week['hard_cases']} "
        f"(by reason, one case can have several: "
        f"{', '.join(f'{k} {v}' for k, v in week['hard_case_reasons'].items()) or 'none'}; "
        f"low retrieval score = top cosine below {week['min_score']}).",
    ]
