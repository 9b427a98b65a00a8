"""Figures and the self-contained HTML report of a stress test (``radiochain simulate``)."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from radiochain.simulation.answers import exceedance_curve

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from radiochain.simulation.ensemble import EnsembleResult


def fan_chart(weekly: pd.DataFrame, title: str = "Patients treated on the day, per week") -> Figure:
    """Fan chart: median and 5–95 % / 25–75 % bands of weekly patients treated on the day.

    Parameters
    ----------
    weekly : DataFrame
        ``run, week, treated_on_day, appointments`` (:attr:`EnsembleResult.weekly`).
    """
    from matplotlib.figure import Figure

    table = weekly.pivot(index="week", columns="run", values="treated_on_day").to_numpy(float)
    weeks = np.arange(table.shape[0]) + 1
    q = np.quantile(table, [0.05, 0.25, 0.5, 0.75, 0.95], axis=1)
    booked = weekly.groupby("week")["appointments"].median().to_numpy(float)
    fig = Figure(figsize=(9, 4.5), layout="constrained")
    ax = fig.add_subplot()
    ax.fill_between(weeks, q[0], q[4], color="tab:blue", alpha=0.18, label="5–95 %")
    ax.fill_between(weeks, q[1], q[3], color="tab:blue", alpha=0.35, label="25–75 %")
    ax.plot(weeks, q[2], color="tab:blue", linewidth=1.8, label="median")
    ax.plot(weeks, booked, color="0.3", linestyle="--", linewidth=1, label="appointments")
    ax.set_xlabel("week of the run")
    ax.set_ylabel("patients treated on the day")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="lower left")
    return fig


def exceedance_figure(runs: pd.DataFrame, column: str = "missed_disrupted_fraction") -> Figure:
    """Loss-exceedance curve: P(loss ≥ x) against x, over the runs."""
    from matplotlib.figure import Figure

    curve = exceedance_curve(runs[column])
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.add_subplot()
    scale = 100.0 if column.endswith("fraction") else 1.0
    ax.step(curve["loss"] * scale, curve["probability"], where="post", color="tab:red")
    ax.set_yscale("log")
    ax.set_ylim(max(0.5 / len(runs), 1e-4), 1.05)
    ax.set_xlabel("patients missed by disruptions [% of appointments]" if scale == 100 else column)
    ax.set_ylabel("probability of a loss at least this large")
    ax.set_title("Loss-exceedance curve")
    ax.grid(True, which="both", alpha=0.3)
    return fig


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=130)
    return buffer.getvalue()


def write_simulation_report(
    result: EnsembleResult,
    summary: pd.DataFrame,
    folder: str | Path,
    *,
    title: str,
    facts: dict[str, Any] | None = None,
) -> dict[str, str]:
    """Write ``fan_chart.png``, ``exceedance.png`` and a self-contained ``report.html``.

    Returns
    -------
    dict
        File kind -> path.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    images = {
        "fan_chart": _png(fan_chart(result.weekly)),
        "exceedance": _png(exceedance_figure(result.runs)),
    }
    files = {}
    for name, data in images.items():
        (out / f"{name}.png").write_bytes(data)
        files[name] = str(out / f"{name}.png")
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in (facts or {}).items()
    )
    body = "".join(
        f'<img alt="{n}" style="max-width:100%" '
        f'src="data:image/png;base64,{base64.b64encode(d).decode("ascii")}">'
        for n, d in images.items()
    )
    table = summary.to_html(index=False, border=0, float_format=lambda v: f"{v:.4g}")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;color:#222}}
table{{border-collapse:collapse;margin:1rem 0}}td,th{{padding:.2rem .6rem;text-align:right}}
tr:nth-child(even){{background:#f4f4f4}}</style></head>
<body><h1>{html.escape(title)}</h1><table>{rows}</table>
<h2>Answers (percentiles over runs, 95 % bootstrap intervals)</h2>{table}
<h2>Figures</h2>{body}
<p><small>Made by radiochain; this page needs no network.</small></p></body></html>
"""
    (out / "report.html").write_text(page, encoding="utf-8")
    files["report"] = str(out / "report.html")
    return files
