"""What a network holds: counts, and weekly capacity against demand per nuclide."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from radiochain.network.core import Network
from radiochain.network.parse import parse_days


def _monday(day: str) -> str:
    d = date.fromisoformat(day)
    return (d - timedelta(days=d.weekday())).isoformat()


def weekly_demand(network: Network) -> pd.DataFrame:
    """Doses and activity [Bq] asked for per product and week (Monday), from appointments and
    forecasts."""
    products = network.products
    rows = []
    demand = network.demand
    if not demand.empty:
        activity = demand["prescribed_activity_bq"].fillna(
            demand["product"].map(products["dose_activity_bq"])
        )
        frame = pd.DataFrame(
            {
                "product": demand["product"],
                "week_start": demand["date"].map(_monday),
                "doses": 1.0,
                "activity_bq": activity,
            }
        )
        rows.append(frame)
    forecasts = network.forecasts
    if not forecasts.empty:
        rows.append(
            pd.DataFrame(
                {
                    "product": forecasts["product"],
                    "week_start": forecasts["week_start"].map(_monday),
                    "doses": forecasts["doses"],
                    "activity_bq": forecasts["doses"]
                    * forecasts["product"].map(products["dose_activity_bq"]),
                }
            )
        )
    if not rows:
        return pd.DataFrame(columns=["product", "week_start", "doses", "activity_bq"])
    total = (
        pd.concat(rows)
        .groupby(["product", "week_start"], as_index=False)[["doses", "activity_bq"]]
        .sum()
    )
    return total


def weekly_capacity(network: Network) -> pd.Series:
    """Activity [Bq] the producers can deliver per week, by nuclide (deliveries per week x
    capacity per delivery, capped by ``capacity_per_week_bq``; shutdowns not subtracted)."""
    producers = network.producers
    if producers.empty:
        return pd.Series(dtype=float, name="capacity_bq")
    deliveries = producers["output_days"].map(lambda d: len(parse_days(d)) if d else 0)
    per_week = producers["capacity_per_delivery_bq"] * deliveries
    cap = producers["capacity_per_week_bq"]
    per_week = per_week.clip(upper=cap.fillna(np.inf))
    return per_week.groupby(producers["nuclide"]).sum().rename("capacity_bq")


def capacity_vs_demand(network: Network) -> pd.DataFrame:
    """Per nuclide and week: producer capacity [Bq], demand [doses, Bq] and the demand as a
    fraction of capacity (the activity needed at the producer is higher: decay, process yields
    and batch sizes come on top, which the planner accounts for)."""
    demand = weekly_demand(network)
    if demand.empty:
        return pd.DataFrame(
            columns=["nuclide", "week_start", "doses", "demand_bq", "capacity_bq", "demand_share"]
        )
    demand["nuclide"] = demand["product"].map(network.products["nuclide"])
    per = demand.groupby(["nuclide", "week_start"], as_index=False)[["doses", "activity_bq"]].sum()
    per = per.rename(columns={"activity_bq": "demand_bq"})
    per["capacity_bq"] = per["nuclide"].map(weekly_capacity(network)).fillna(0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        per["demand_share"] = per["demand_bq"] / per["capacity_bq"]
    return per


def summarize(network: Network) -> dict[str, Any]:
    """JSON-ready summary: the network's name, description, time zone, start date and nuclear
    dataset (``dataset``, ``dataset_version``), counts per table and site kind, rows marked as
    estimates, and weekly capacity against demand per nuclide."""
    counts = {table: len(frame) for table, frame in network.tables.items()}
    kinds = network.sites["kind"].value_counts().to_dict() if not network.sites.empty else {}
    estimates = {
        table: int(frame["estimate"].fillna(False).astype(bool).sum())
        for table, frame in network.tables.items()
        if "estimate" in frame.columns and len(frame)
    }
    table = capacity_vs_demand(network)
    data = network.dataset
    return {
        "network": network.name,
        "description": network.description,
        "timezone": network.timezone,
        "start_date": network.extra_meta.get("start_date"),
        "dataset": data.name,
        "dataset_version": data.version,
        "counts": counts,
        "sites_by_kind": {str(k): int(v) for k, v in kinds.items()},
        "rows_marked_estimate": estimates,
        "capacity_vs_demand": [
            {
                "nuclide": str(nuclide),
                "week_start": str(week),
                "doses": float(doses),
                "demand_bq": float(demand),
                "capacity_bq": float(capacity),
                "demand_share": float(share) if np.isfinite(share) else None,
            }
            for nuclide, week, doses, demand, capacity, share in zip(
                table["nuclide"],
                table["week_start"],
                table["doses"].to_numpy(float),
                table["demand_bq"].to_numpy(float),
                table["capacity_bq"].to_numpy(float),
                table["demand_share"].to_numpy(float),
                strict=True,
            )
        ],
    }
