"""Figures and the self-contained HTML report of a stress test (``radiochain simulate``)."""

from __future__ import annotations

import base64
import functools
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from radiochain.errors import elide
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


KPI_LABELS = {
    "treated_on_day": ("treated on the day", "count"),
    "delayed": ("delayed", "count"),
    "missed": ("missed", "count"),
    "missed_disrupted": ("missed by disruptions", "count"),
    "missed_disrupted_fraction": ("missed by disruptions [%]", "percent"),
    "delay_mean_d": ("mean delay [d]", "days"),
    "activity_wasted_bq": ("activity wasted [GBq]", "gbq"),
    "cost": ("cost", "count"),
}
"""Answer columns -> (label in words with its unit, how its values are shown)."""


def plain(x: float) -> str:
    """A number without e-notation: thousands separators from 100, three significant figures
    below, rounding noise (|x| < 1e-9) as 0.

    Examples
    --------
    >>> plain(15850.2), plain(3.4812), plain(0.000012), plain(2e-12)
    ('15,850', '3.48', '< 0.001', '0')
    """
    x = float(x)
    if not np.isfinite(x):
        return "—"
    if abs(x) < 1e-9:
        return "0"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 0.001:
        return f"{x:.3g}"
    return "< 0.001" if x > 0 else "> -0.001"


def show(value: float, kind: str) -> str:
    """A KPI value as shown to a person: counts whole, fractions in %, activities in GBq."""
    x = float(value)
    if kind == "count":
        return f"{x:,.0f}" if np.isfinite(x) else "—"
    if kind == "percent":
        return plain(100.0 * x)
    if kind == "gbq":
        return plain(x / 1e9)
    return plain(x)


def runs_and_weeks(runs: int, weeks: int) -> str:
    """``"1 run x 8 weeks"``, ``"20 runs x 1 week"``."""
    return f"{runs:,} run{'s' if runs != 1 else ''} x {weeks:,} week{'s' if weeks != 1 else ''}"


def _at(group: pd.DataFrame, quantile: float, column: str = "value") -> float:
    return float(group.loc[np.isclose(group["quantile"], quantile), column].iloc[0])


def kpi_table(answers: pd.DataFrame, runs: int) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the answers in words and units.

    One run has one value per KPI (one column); more have the 5th percentile, the median with
    its 95 % bootstrap interval, and the 95th percentile. A cost of 0 at every percentile (a
    network without costs) is left out.
    """
    single = runs == 1
    header = ["", "value"] if single else ["", "p5", "median [95 % CI]", "p95"]
    rows = []
    for kpi, group in answers.groupby("kpi", sort=False):
        label, kind = KPI_LABELS.get(str(kpi), (str(kpi).replace("_", " "), "number"))
        v = functools.partial(_at, group)
        if kpi == "cost" and not np.any(group[["value", "ci_low", "ci_high"]].to_numpy()):
            continue
        if single:
            rows.append([label, show(v(0.5), kind)])
            continue
        median = (
            f"{show(v(0.5), kind)} "
            f"[{show(v(0.5, 'ci_low'), kind)}, {show(v(0.5, 'ci_high'), kind)}]"
        )
        rows.append([label, show(v(0.05), kind), median, show(v(0.95), kind)])
    return header, rows


def describe_sizing(sizing: dict[str, Any]) -> str:
    """The reserve sizing's answer in words.

    Examples
    --------
    >>> print(describe_sizing({"target": "P(missed > 1 %) < 5 %", "reserve_fraction": 0.72,
    ...                        "risk_at_reserve": 0.042}))  # doctest: +NORMALIZE_WHITESPACE
    The smallest outage reserve that meets the target P(missed > 1 %) < 5 % is 72 % of the
    weekly nuclide need (risk 4.2 %).
    """
    target, fraction = elide(sizing["target"]), sizing.get("reserve_fraction")
    if fraction is None:
        return (
            f"No outage reserve up to 200 % of the weekly nuclide need meets the target "
            f"{target} in these runs."
        )
    risk = sizing.get("risk_at_reserve")
    at = "" if risk is None else f" (risk {plain(100.0 * risk)} %)"
    if fraction == 0:
        return f"The target {target} is met without an outage reserve{at}."
    return (
        f"The smallest outage reserve that meets the target {target} is "
        f"{plain(100.0 * fraction)} % of the weekly nuclide need{at}."
    )


def _facts(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """What was asked, in words (nothing shown as Python's None)."""
    rows = [("network", str(facts.get("network", "")))]
    if "runs" in facts and "weeks" in facts:
        rows.append(("runs", runs_and_weeks(int(facts["runs"]), int(facts["weeks"]))))
    for key in ("policy", "scenario", "seed"):
        if facts.get(key) is not None:
            rows.append((key, str(facts[key])))
    if facts.get("reserve_fraction") is not None:
        rows.append(
            (
                "outage reserve",
                f"{plain(100.0 * facts['reserve_fraction'])} % of the weekly nuclide need",
            )
        )
    if facts.get("n_minus_1_target"):
        rows.append(("N-1 loss", str(facts["n_minus_1_target"])))
    planned = [
        ("planned per week: treated on the day", "planned_treated_on_day_per_week"),
        ("planned per week: unserved", "planned_unserved_per_week"),
    ]
    rows += [(label, f"{int(facts[k]):,}") for label, k in planned if facts.get(k) is not None]
    return rows


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
    sizing: dict[str, Any] | None = None,
    notes: list[str] | None = None,
) -> dict[str, str]:
    """Write ``fan_chart.png``, ``exceedance.png`` and a self-contained ``report.html``.

    Parameters
    ----------
    result : EnsembleResult
    summary : DataFrame
        The answers (:func:`~radiochain.simulation.summarize`).
    folder : str or Path
    title : str
    facts : dict, optional
        What was asked (:meth:`StressTestResult.facts`).
    sizing : dict, optional
        The reserve sizing (:meth:`ReserveSizing.to_dict`), stated in words.
    notes : list of str, optional

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
    esc = html.escape
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in _facts(facts or {}))
    body = "".join(
        f'<img alt="{n}" style="max-width:100%" '
        f'src="data:image/png;base64,{base64.b64encode(d).decode("ascii")}">'
        for n, d in images.items()
    )
    header, kpis = kpi_table(summary, len(result.runs))
    table = (
        "<table><tr>"
        + "".join(f"<th>{esc(h)}</th>" for h in header)
        + "</tr>"
        + "".join(
            "<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in kpis
        )
        + "</table>"
    )
    said = [describe_sizing(sizing)] if sizing else []
    said += list(notes or [])
    answer = "".join(f"<p>{esc(line)}</p>" for line in said)
    what = (
        "one run: its values"
        if len(result.runs) == 1
        else "percentiles over the runs, with 95 % bootstrap intervals of the median"
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;color:#222}}
table{{border-collapse:collapse;margin:1rem 0}}td,th{{padding:.2rem .6rem;text-align:right}}
tr:nth-child(even){{background:#f4f4f4}}</style></head>
<body><h1>{esc(title)}</h1><table>{rows}</table>{answer}
<h2>Answers per run of {result.weeks:,} week{"s" if result.weeks != 1 else ""} ({what})</h2>
{table}
<h2>Figures</h2>{body}
<p><small>Made by radiochain; this page needs no network.</small></p></body></html>
"""
    (out / "report.html").write_text(page, encoding="utf-8")
    files["report"] = str(out / "report.html")
    return files
