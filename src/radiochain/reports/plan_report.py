"""The plan report: PNG figures and one self-contained HTML page (opens offline)."""

from __future__ import annotations

import base64
import html
import io
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from radiochain.physics.decay import decay_factor

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from radiochain.network.core import Network
    from radiochain.planning.result import PlanResult

MAX_ROWS = 40


def _times(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series.map(lambda s: datetime.fromisoformat(s).replace(tzinfo=None)))


def timeline_figure(plan: PlanResult) -> Figure:
    """Batches (synthesis to release) per radiopharmacy and shipments in transit over time."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 6), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    batches = plan.batches
    if len(batches):
        sites = sorted(batches["site"].unique())[:MAX_ROWS]
        row = {s: i for i, s in enumerate(sites)}
        shown = batches[batches["site"].isin(sites)]
        start, release = _times(shown["synthesis_start"]), _times(shown["release_time"])
        top.barh(
            [row[s] for s in shown["site"]],
            (release - start).dt.total_seconds() / 86400,
            left=start,
            height=0.6,
            color="#1f77b4",
        )
        top.set_yticks(range(len(sites)), sites, fontsize=6 if len(sites) > 15 else 8)
    top.set_title(f"batches (synthesis to release), {len(batches)} in all")
    ships = plan.shipments
    if len(ships):
        dep, arr = _times(ships["departure_time"]), _times(ships["arrival_time"])
        grid = pd.date_range(dep.min().floor("h"), arr.max().ceil("h"), freq="h")
        in_transit = [(dep <= t).sum() - (arr <= t).sum() for t in grid]
        bottom.step(grid, in_transit, where="post", color="#2ca02c")
    bottom.set_ylabel("shipments\nin transit")
    fig.autofmt_xdate()
    return fig


def batch_decay_figure(plan: PlanResult, network: Network, *, count: int = 8) -> Figure:
    """Activity left in the largest batches over time, with the doses drawn from them."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 5), layout="constrained")
    ax = fig.add_subplot()
    data = network.dataset
    doses = plan.doses[plan.doses["status"] != "unserved"]
    largest = plan.batches.nlargest(count, "calibration_activity_bq").to_dict("records")
    for batch in largest:
        half_life_h = float(data.half_life_s[data.lookup(str(batch["nuclide"]))]) / 3600.0
        cal = datetime.fromisoformat(str(batch["calibration_time"]))
        mine = doses[doses["batch"] == batch["batch"]]
        admin = [datetime.fromisoformat(t) for t in mine["administration_time"]]
        hours_admin = np.array([(t - cal).total_seconds() / 3600 for t in admin])
        drawn_at_cal = mine["activity_at_administration_bq"].to_numpy(dtype=float) / decay_factor(
            half_life_h, hours_admin
        )
        order = np.argsort(hours_admin)
        grid = np.linspace(
            min(0.0, hours_admin.min(initial=0.0)), max(hours_admin.max(initial=24.0), 24.0), 200
        )
        taken = np.array([drawn_at_cal[order][hours_admin[order] <= h].sum() for h in grid])
        left = (float(batch["calibration_activity_bq"]) - taken) * decay_factor(half_life_h, grid)
        line = ax.plot(grid, left / 1e9, label=str(batch["batch"]))[0]
        ax.scatter(
            hours_admin, mine["activity_at_administration_bq"] / 1e9, s=12, color=line.get_color()
        )
    ax.set_xlabel("hours after calibration")
    ax.set_ylabel("activity [GBq]")
    ax.set_title("largest batches: activity left (lines) and doses at administration (dots)")
    ax.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def treated_figure(plan: PlanResult, network: Network) -> Figure:
    """Treated on day, moved and unserved per hospital (per province for large networks)."""
    from matplotlib.figure import Figure

    doses = plan.doses.copy()
    key = "hospital"
    if doses["hospital"].nunique() > MAX_ROWS and "province" in network.sites.columns:
        doses["province"] = doses["hospital"].map(network.sites["province"]).replace("", "?")
        key = "province"
    table = doses.groupby([key, "status"]).size().unstack(fill_value=0)
    for status in ("served", "moved", "unserved"):
        if status not in table.columns:
            table[status] = 0
    table = (
        table[["served", "moved", "unserved"]].sort_values("served", ascending=False).head(MAX_ROWS)
    )
    fig = Figure(figsize=(11, 5), layout="constrained")
    ax = fig.add_subplot()
    bottom = np.zeros(len(table))
    for status, color in (("served", "#2ca02c"), ("moved", "#ff7f0e"), ("unserved", "#d62728")):
        ax.bar(table.index.astype(str), table[status], bottom=bottom, label=status, color=color)
        bottom += table[status].to_numpy()
    ax.tick_params(axis="x", labelrotation=90, labelsize=7)
    ax.set_ylabel("appointments")
    ax.set_title(f"appointments per {key}")
    ax.legend()
    return fig


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def write_plan_report(plan: PlanResult, network: Network, folder: str | Path) -> dict[str, str]:
    """Write timeline.png, batches.png, treated.png, map.png and report.html into ``folder``."""
    from radiochain.reports.maps import network_map

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    figures = {
        "timeline": timeline_figure(plan),
        "batches": batch_decay_figure(plan, network),
        "treated": treated_figure(plan, network),
        "map": network_map(network, f"{network.name}: sites and lanes"),
    }
    images = {}
    files = {}
    for name, fig in figures.items():
        data = _png(fig)
        (out / f"{name}.png").write_bytes(data)
        images[name] = base64.b64encode(data).decode("ascii")
        files[name] = str(out / f"{name}.png")
    summary = plan.summary()
    unserved = plan.doses[plan.doses["status"] == "unserved"][
        ["appointment", "hospital", "product", "reason"]
    ]
    solver = summary["solver"] or {}
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in solver.items()
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>radiochain plan: {html.escape(network.name)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;color:#222}}
table{{border-collapse:collapse;margin:1rem 0}}
td,th{{padding:.2rem .6rem;text-align:right;border-bottom:1px solid #eee}}
img{{max-width:100%}}</style></head><body>
<h1>Plan for {html.escape(network.name)}</h1>
<p>{html.escape(plan.method)} plan, status <b>{html.escape(plan.status.value)}</b>,
{plan.days} days from
{html.escape(plan.start)}; nuclear data {html.escape(plan.dataset)}.</p>
<p>{_check_text(plan)}</p>
<h2>Key figures</h2>{key_figures_table(summary["kpis"], summary["baseline_kpis"])}
<h2>Solver</h2><table>{rows}</table>
<h2>Timeline</h2><img alt="timeline" src="data:image/png;base64,{images["timeline"]}">
<h2>Batches and their doses</h2><img alt="batches" src="data:image/png;base64,{images["batches"]}">
<h2>Treated and unserved</h2><img alt="treated" src="data:image/png;base64,{images["treated"]}">
<h2>Map</h2><img alt="map" src="data:image/png;base64,{images["map"]}">
<h2>Unserved appointments ({len(unserved)})</h2>{unserved.head(200).to_html(border=0, index=False)}
<p><small>Made by radiochain; this page needs no network. Tables: doses.csv, batches.csv,
shipments.csv (doses and bulk nuclide), inputs.csv, summary.json beside it.</small></p>
</body></html>
"""
    (out / "report.html").write_text(page, encoding="utf-8")
    files["report"] = str(out / "report.html")
    return files


def _check_text(plan: PlanResult) -> str:
    """The independent check's verdict, for the page's header."""
    check = plan.check
    if check is None:
        return "Plan not checked."
    if check.ok:
        return f"Plan check: ok ({check.doses_checked} doses recomputed independently)."
    first = html.escape(check.violations[0])
    return (
        f"<b>Plan check FAILED</b>: {len(check.violations)} violation(s), first: {first} "
        "(all of them in summary.json)."
    )


COUNTS = (
    "appointments",
    "treated_on_day",
    "moved",
    "unserved",
    "batches",
    "shipments",
    "packages",
    "bulk_shipments",
    "bulk_packages",
    "bulk_type_b_shipments",
)
"""KPIs that are counts, in the order the report lists them."""


def key_figures_table(kpis: dict[str, Any], baseline: dict[str, Any] | None) -> str:
    """The plan's key figures as an HTML table: the counts, then the activity balance in GBq
    (indented rows add up to the row above them) and the cost — the rows of the terminal's
    table, with the greedy baseline beside them when there is one."""
    from radiochain.planning.result import activity_balance

    columns = [kpis, *([baseline] if baseline else [])]
    head = "<tr><th></th><th>plan</th>" + ("<th>baseline (greedy)</th>" if baseline else "")

    def row(label: str, cells: list[str], depth: int = 0) -> str:
        style = f' style="text-align:left;padding-left:{0.6 + 1.2 * depth:.1f}rem"'
        return (
            f"<tr><th{style}>{html.escape(label)}</th>"
            + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
            + "</tr>"
        )

    rows = [
        row(key.replace("_", " "), [_count(c.get(key)) for c in columns])
        for key in COUNTS
        if key in kpis
    ]
    balances = [activity_balance(c) for c in columns]
    for n, (label, depth, _) in enumerate(balances[0]):
        rows.append(row(f"{label} [GBq]", [_gbq(b[n][2]) for b in balances], depth))
    rows.append(row("cost (the network's currency)", [_count(c.get("cost")) for c in columns]))
    note = "<p><small>Activity: the indented rows add up to the row above them.</small></p>"
    return f"<table>{head}</tr>{''.join(rows)}</table>{note}"


def _count(value: Any) -> str:
    return "" if value is None else f"{float(value):,.0f}"


def _gbq(value: Any) -> str:
    return "" if value is None else f"{float(value) / 1e9:,.1f}"
