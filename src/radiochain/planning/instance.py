"""The planning problem made concrete: every delivery, candidate batch, departure and way to
serve each appointment over the horizon, with decay factors from the nuclear data.

Both planners (the MILP and the greedy baseline) work on this instance, so they see the same
options. Times are hours since the horizon's start (local midnight of the start date, in the
network's time zone). The instance is built with vectorized pandas merges; no Python loop runs
over appointments times departures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd

from radiochain.errors import InfeasibleError, InputError, elide
from radiochain.network.core import Network, NetworkError
from radiochain.network.parse import parse_days, parse_time, parse_times
from radiochain.network.validate import check_products, check_reachability
from radiochain.physics.decay import decay_factor
from radiochain.physics.transport import a2_value
from radiochain.planning.bulk import bulk_routes
from radiochain.units import parse_date

HOURS_PER_DAY = 24.0
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PlanOptions:
    """How to plan.

    Attributes
    ----------
    start : date, str or None
        First day of the horizon, a date or ``YYYY-MM-DD`` text between 2000-01-01 and
        2100-12-31 (default: ``start_date`` of network.yaml, else the Monday of the earliest
        appointment).
    days : int
        Length of the horizon [d].
    lead_in_days : int or None
        Days before the start in which batches may be made and deliveries used, so that the
        first days' appointments can be served (default: the longest shelf life, at least 2).
    batch_choices : int
        For each departure, the most recent batches (by release) a dose may come from.
    early_arrival_h : float
        How long before the administration window a dose may arrive and wait at the hospital [h].
    input_hold_h : float
        Longest time a delivery of nuclide may wait at the radiopharmacy before synthesis [h].
    transfer_h : float
        Least time between arriving at an intermediate site and leaving it on the second lane
        of a two-leg route [h].
    """

    start: date | str | None = None
    days: int = 7
    lead_in_days: int | None = None
    batch_choices: int = 2
    early_arrival_h: float = 24.0
    input_hold_h: float = 240.0
    transfer_h: float = 1.0

    def __post_init__(self) -> None:
        if self.start is not None:
            if isinstance(self.start, datetime) or not isinstance(self.start, date | str):
                raise InputError(f"start {elide(self.start)!r}: give a date (YYYY-MM-DD)")
            object.__setattr__(self, "start", parse_date(self.start, what="start"))
        _whole(self.days, "days", 1, MAX_DAYS)
        if self.lead_in_days is not None:
            _whole(self.lead_in_days, "lead_in_days", 0, MAX_DAYS)
        _whole(self.batch_choices, "batch_choices", 1, 100)
        for name in ("early_arrival_h", "input_hold_h", "transfer_h"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float | np.number)
                or not 0 <= float(value) <= 24 * MAX_DAYS
            ):
                raise InputError(f"{name} = {elide(value)}: give hours from 0 to {24 * MAX_DAYS}")


MAX_DAYS = 366
"""Longest planning horizon [d] (``plan --days``)."""
FIRST_START = date(2000, 1, 1)
"""Earliest first day of a plan."""
LAST_START = date(2100, 12, 31)
"""Latest first day of a plan."""


def _whole(value: object, name: str, low: int, high: int) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or not low <= value <= high
    ):
        raise InputError(f"{name} = {elide(value)}: give a whole number from {low} to {high}")


@dataclass
class Instance:
    """Everything the planners choose from (tables indexed 0..n-1)."""

    network: Network
    options: PlanOptions
    start: date
    timezone: ZoneInfo
    appointments: pd.DataFrame
    deliveries: pd.DataFrame
    batches: pd.DataFrame
    inputs: pd.DataFrame  # (delivery, batch) pairs with the decay factor of the input
    departures: pd.DataFrame
    options_table: pd.DataFrame  # (appointment, day, departure, batch) ways to serve a dose
    licence_limits: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    routes: pd.DataFrame = field(default_factory=pd.DataFrame)  # bulk routes (planning.bulk)

    def timestamp(self, hours: float) -> str:
        """ISO 8601 local time with offset for an instance time [h] (real elapsed hours since
        local midnight of the start date, so daylight-saving changes are exact)."""
        origin = datetime.combine(self.start, time(0), self.timezone).astimezone(UTC)
        moment = (origin + timedelta(hours=float(hours))).astimezone(self.timezone)
        return moment.isoformat(timespec="minutes")


def _hours(t: time) -> float:
    return t.hour + t.minute / 60.0


def _horizon_days(start: date, first: int, last: int) -> pd.DataFrame:
    days = np.arange(first, last)
    dates = [start + timedelta(days=int(d)) for d in days]
    return pd.DataFrame(
        {
            "day": days,
            "date": [d.isoformat() for d in dates],
            "weekday": [d.weekday() for d in dates],
            "week": [iso_week(d) for d in dates],
        }
    )


def iso_week(day: date) -> str:
    """Calendar week of a day, ``2026-W02`` (ISO 8601): weekly limits count in these."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def elapsed_hours(
    start: date, tz: ZoneInfo, days: npt.ArrayLike, clock_hours: npt.ArrayLike
) -> FloatArray:
    """Real hours from local midnight of ``start`` to local clock time ``clock_hours`` on day
    ``days`` (relative to ``start``), in the time zone ``tz`` (daylight saving included).

    Evaluated once per distinct (day, clock time) pair.
    """
    d = np.asarray(days, dtype=np.int64)
    c = np.asarray(clock_hours, dtype=float)
    if d.size == 0:
        return np.zeros(0)
    origin = datetime.combine(start, time(0), tz).astimezone(UTC)
    pairs = pd.DataFrame({"d": d, "c": c})
    unique = pairs.drop_duplicates()
    values = []
    for day, clock in zip(unique["d"], unique["c"], strict=True):
        minutes = round(float(clock) * 60)
        local = datetime.combine(start + timedelta(days=int(day)), time(0), tz) + timedelta(
            minutes=minutes
        )
        local = datetime.combine(local.date(), local.time(), tz)  # wall clock, zone re-applied
        values.append((local.astimezone(UTC) - origin).total_seconds() / 3600.0)
    lookup = pd.Series(values, index=pd.MultiIndex.from_frame(unique))
    result = np.asarray(lookup.reindex(pd.MultiIndex.from_frame(pairs)), dtype=np.float64)
    return result


def _expand_schedule(
    frame: pd.DataFrame,
    days_col: str,
    times: pd.Series,
    calendar: pd.DataFrame,
    start: date,
    tz: ZoneInfo,
) -> pd.DataFrame:
    """Rows x calendar days on which the row's ``days_col`` is active, x each of its times;
    ``t`` is the real elapsed time [h] of each event."""
    if frame.empty:
        empty = frame.reset_index().iloc[0:0].copy()
        for column in (*calendar.columns, "_times", "t"):
            empty[column] = pd.Series(dtype=float)
        return empty
    active = frame[days_col].map(parse_days)
    rows = frame.assign(_times=times, _active=active).reset_index().merge(calendar, how="cross")
    rows = rows[[wd in act for wd, act in zip(rows["weekday"], rows["_active"], strict=True)]]
    rows = rows.explode("_times")
    rows = rows[rows["_times"].notna()]
    rows["t"] = elapsed_hours(start, tz, rows["day"], rows["_times"].map(_hours))
    return rows.drop(columns=["_active"]).reset_index(drop=True)


def _departures(
    network: Network,
    appts: pd.DataFrame,
    batches: pd.DataFrame,
    calendar: pd.DataFrame,
    start: date,
    tz: ZoneInfo,
    options: PlanOptions,
) -> pd.DataFrame:
    """Every way a dose leaves a radiopharmacy for a hospital with demand: a departure of a
    direct lane, or a departure of a first lane to an intermediate site (a hub, another
    radiopharmacy, an airport) followed by the first departure of a second lane to the
    hospital at least ``transfer_h`` after arrival. Only lanes that accept radioactive goods."""
    lanes = network.lanes
    lanes = lanes[lanes["accepts_radioactive"].fillna(True).astype(bool)]
    hospitals = set(appts["hospital"])
    origins = set(batches["site"])

    def expand(chosen: pd.DataFrame) -> pd.DataFrame:
        times = chosen["departure_times"].map(lambda s: list(parse_times(s)))
        deps = _expand_schedule(chosen, "departure_days", times, calendar, start, tz)
        return pd.DataFrame(
            {
                "lane": deps["lane"].astype(str),
                "from_site": deps["from_site"],
                "to_site": deps["to_site"],
                "mode": deps["mode"],
                "t_dep": deps["t"].astype(float),
                "t_arr": (deps["t"] + deps["transit_time_h"]).astype(float),
                "cost_per_shipment": deps["cost_per_shipment"].astype(float),
                "cost_per_package": deps["cost_per_package"].astype(float),
                "max_packages": deps["max_packages"].astype(float),
            }
        )

    direct = expand(lanes[lanes["to_site"].isin(hospitals) & lanes["from_site"].isin(origins)])
    direct["via"] = ""
    direct["t_transfer"] = np.nan
    first = expand(lanes[lanes["from_site"].isin(origins) & ~lanes["to_site"].isin(hospitals)])
    second = expand(
        lanes[lanes["to_site"].isin(hospitals) & lanes["from_site"].isin(set(first["to_site"]))]
    )
    parts = [direct]
    if len(first) and len(second):
        # for each first leg and each onward lane from its arrival site: the first departure
        # of that lane after arrival + transfer
        legs = first.merge(
            second[["lane", "from_site"]].drop_duplicates(),
            left_on="to_site",
            right_on="from_site",
            suffixes=("", "_2"),
        )
        legs = legs[legs["from_site"] != legs["from_site_2"]].copy()
        legs["ready"] = legs["t_arr"] + options.transfer_h
        legs = legs.sort_values("ready")
        onward = second.rename(columns={"lane": "lane_2", "t_dep": "t_dep_2"}).sort_values(
            "t_dep_2"
        )
        joined = pd.merge_asof(
            legs.rename(columns={"lane_2": "lane_b"}),
            onward.rename(columns={"lane_2": "lane_b"}),
            left_on="ready",
            right_on="t_dep_2",
            by="lane_b",
            direction="forward",
            suffixes=("", "_b"),
        )
        joined = joined[joined["t_dep_2"].notna()]
        two = pd.DataFrame(
            {
                "lane": joined["lane"] + "+" + joined["lane_b"],
                "from_site": joined["from_site"],
                "to_site": joined["to_site_b"],
                "mode": joined["mode"] + "+" + joined["mode_b"],
                "t_dep": joined["t_dep"],
                "t_arr": joined["t_arr_b"],
                "cost_per_shipment": joined["cost_per_shipment"] + joined["cost_per_shipment_b"],
                "cost_per_package": joined["cost_per_package"] + joined["cost_per_package_b"],
                "max_packages": np.fmin(joined["max_packages"], joined["max_packages_b"]),
                "via": joined["to_site"],
                "t_transfer": joined["t_dep_2"],
            }
        )
        parts.append(two)
    result = pd.concat(parts, ignore_index=True)
    return result.sort_values(["from_site", "to_site", "t_dep", "t_arr"]).reset_index(drop=True)


def _default_start(network: Network) -> date:
    meta = network.extra_meta.get("start_date")
    if meta:
        origin = network.origin
        file = origin.name if origin is not None and origin.suffix == ".json" else "network.yaml"
        return parse_date(meta, what=f"{elide(file)}: start_date")
    first = date.fromisoformat(min(network.demand["date"]))
    return first - timedelta(days=first.weekday())


def require_plannable(network: Network) -> None:
    """Refuse a network with validation errors before planning it.

    Raises
    ------
    NetworkError
        Errors that are bad input (exit code 2): the message names the first one (file, row,
        field) and the count.
    InfeasibleError
        Only structural errors (nothing reaches a hospital within the shelf life, nobody makes
        a product): the network is valid input but cannot be planned (exit code 1).
    """
    report = network.validate()
    if report.ok:
        return
    structural = {str(p) for p in check_reachability(network) + check_products(network)}
    errors = report.errors
    bad_input = [p for p in errors if str(p) not in structural]
    where = str(network.origin) if getattr(network, "origin", None) else network.name
    if bad_input:
        raise NetworkError.from_problems(
            where, bad_input + [p for p in errors if str(p) in structural]
        )
    raise InfeasibleError(
        f"cannot be planned: {elide(str(errors[0]), 220)} ({len(errors)} such error(s); "
        "radiochain network validate lists them)"
    )


def _appointments(
    network: Network,
    start: date,
    options: PlanOptions,
    calendar: pd.DataFrame,
    half_life_h: pd.Series,
) -> pd.DataFrame:
    """The appointments in the horizon and the days each may be served on."""
    products = network.products
    demand = network.demand.reset_index()
    demand = demand[
        (demand["date"] >= start.isoformat())
        & (demand["date"] < (start + timedelta(days=options.days)).isoformat())
    ]
    if demand.empty:
        raise InputError(
            f"no appointment between {start} and {start + timedelta(days=options.days - 1)}"
            " (choose another start or more days)"
        )
    appts = pd.DataFrame(
        {
            "appointment": demand["appointment"].to_numpy(),
            "hospital": demand["hospital"].to_numpy(),
            "product": demand["product"].to_numpy(),
            "date": demand["date"].to_numpy(),
            "prescribed_bq": demand["prescribed_activity_bq"]
            .fillna(demand["product"].map(products["dose_activity_bq"]))
            .to_numpy(dtype=float),
            "window_start_h": demand["window_start"]
            .map(lambda s: _hours(parse_time(s)))
            .to_numpy(),
            "window_end_h": demand["window_end"].map(lambda s: _hours(parse_time(s))).to_numpy(),
        }
    )
    day_of = {d: i for i, d in zip(calendar["day"], calendar["date"], strict=True)}
    appts["day"] = appts["date"].map(day_of).astype(int)
    appts["week"] = appts["date"].map(lambda d: iso_week(date.fromisoformat(d)))
    earliest = demand["earliest_date"].where(demand["earliest_date"] != "", demand["date"])
    latest = demand["latest_date"].where(demand["latest_date"] != "", demand["date"])
    appts["first_day"] = [max(day_of.get(max(str(d), start.isoformat()), 0), 0) for d in earliest]
    last_date = (start + timedelta(days=options.days - 1)).isoformat()
    appts["last_day"] = [day_of[min(str(d), last_date)] for d in latest]
    appts["nuclide"] = appts["product"].map(products["nuclide"])
    appts["half_life_h"] = appts["product"].map(half_life_h)
    appts = appts.sort_values(["day", "window_start_h", "appointment"]).reset_index(drop=True)
    appts["a2_bq"] = appts["nuclide"].map(lambda n: a2_value(n) or np.inf).to_numpy()
    return appts


def _deliveries(
    network: Network, calendar: pd.DataFrame, start: date, tz: ZoneInfo
) -> pd.DataFrame:
    """Every scheduled delivery of nuclide in the horizon (lead-in included), outside
    planned shutdowns."""
    producers = network.producers
    out_times = producers["output_time"].map(lambda s: [parse_time(s)])
    deliveries = _expand_schedule(producers, "output_days", out_times, calendar, start, tz)
    shutdowns = network.shutdowns
    if not shutdowns.empty and not deliveries.empty:
        off = deliveries.merge(shutdowns.reset_index(), on="producer")
        off = off[(off["date"] >= off["start"]) & (off["date"] <= off["end"])]
        deliveries = deliveries[
            ~deliveries.set_index(["producer", "t"]).index.isin(
                off.set_index(["producer", "t"]).index
            )
        ]
    return pd.DataFrame(
        {
            "producer": deliveries["producer"],
            "site": deliveries["site"],
            "nuclide": deliveries["nuclide"],
            "t": deliveries["t"],
            "capacity_bq": deliveries["capacity_per_delivery_bq"],
            "cost_per_gbq": deliveries["cost_per_gbq"],
            "week_cap_bq": deliveries["capacity_per_week_bq"],
            "week": deliveries["week"],
        }
    ).reset_index(drop=True)


def _batches(
    network: Network,
    calendar: pd.DataFrame,
    start: date,
    tz: ZoneInfo,
    half_life_h: pd.Series,
    horizon_end: float,
) -> pd.DataFrame:
    """Candidate batches: each process's slot times on its working days."""
    processes, products = network.processes, network.products
    slot_times = processes["slot_times"].map(lambda s: list(parse_times(s)))
    rows = _expand_schedule(processes, "working_days", slot_times, calendar, start, tz)
    batches = pd.DataFrame(
        {
            "process": rows["process"],
            "site": rows["site"],
            "product": rows["product"],
            "producer": rows["producer"],
            "day": rows["day"],
            "t_start": rows["t"],
            "yield": rows["yield"],
            "batch_min_bq": rows["batch_min_bq"].fillna(0.0),
            "batch_max_bq": rows["batch_max_bq"],
            "daily_slots": rows["daily_slots"].astype(int),
            "cost_per_batch": rows["cost_per_batch"],
            "t_release": rows["t"] + rows["synthesis_time_h"] + rows["qc_hold_h"],
            "synthesis_time_h": rows["synthesis_time_h"],
        }
    )
    batches["t_cal"] = batches["t_release"] + batches["product"].map(
        products["calibration_offset_h"]
    )
    batches["nuclide"] = batches["product"].map(products["nuclide"])
    batches["half_life_h"] = batches["product"].map(half_life_h)
    batches["shelf_end"] = batches["t_cal"] + batches["product"].map(products["shelf_life_h"])
    batches = batches[batches["t_release"] < horizon_end].reset_index(drop=True)
    # nuclide per unit of calibration activity needed at synthesis start
    batches["input_per_cal"] = 1.0 / (
        batches["yield"]
        * decay_factor(
            batches["half_life_h"].to_numpy(), (batches["t_cal"] - batches["t_start"]).to_numpy()
        )
    )
    return batches


def _inputs(
    network: Network,
    deliveries: pd.DataFrame,
    batches: pd.DataFrame,
    routes: pd.DataFrame,
    options: PlanOptions,
) -> pd.DataFrame:
    """Which delivery can feed which batch: (delivery, batch, decay factor from delivery to
    synthesis start, route index into ``routes``; -1 when the producer is on site)."""
    pairs = []
    route_index = pd.Series(
        np.arange(len(routes)), index=pd.MultiIndex.from_frame(routes[["producer", "site"]])
    )
    for producer, row in network.producers.iterrows():  # few producers: a loop over them is fine
        own = deliveries[deliveries["producer"] == producer]
        usable = batches[
            (batches["nuclide"] == row["nuclide"])
            & ((batches["producer"] == "") | (batches["producer"] == producer))
        ]
        if own.empty or usable.empty:
            continue
        merged = (
            own.reset_index()
            .rename(columns={"index": "delivery"})
            .merge(
                usable.reset_index().rename(columns={"index": "batch"})[
                    ["batch", "site", "t_start", "half_life_h"]
                ],
                how="cross",
                suffixes=("_d", "_b"),
            )
        )
        mine = routes[routes["producer"] == str(producer)].set_index("site")["transit_h"]
        transit = merged["site_b"].map(mine)
        transit = transit.where(merged["site_b"] != row["site"], 0.0)
        merged["arrive"] = merged["t"] + transit.to_numpy(dtype=float)
        wait = merged["t_start"] - merged["arrive"]
        merged = merged[(wait >= 0) & (wait <= options.input_hold_h)].copy()
        merged["decay"] = decay_factor(
            merged["half_life_h"].to_numpy(), (merged["t_start"] - merged["t"]).to_numpy()
        )
        keys = pd.MultiIndex.from_arrays(
            [np.full(len(merged), str(producer)), merged["site_b"].astype(str).to_numpy()]
        )
        merged["route"] = route_index.reindex(keys).fillna(-1).to_numpy(dtype=np.int64)
        pairs.append(merged[["delivery", "batch", "decay", "route"]])
    if not pairs:
        return pd.DataFrame(
            {
                "delivery": pd.Series(dtype=np.int64),
                "batch": pd.Series(dtype=np.int64),
                "decay": pd.Series(dtype=float),
                "route": pd.Series(dtype=np.int64),
            }
        )
    return pd.concat(pairs, ignore_index=True)


MAX_WAYS_TO_SERVE = 20_000_000
"""Most ways to serve the appointments of one plan: appointment x allowed day x departure
towards its hospital, counted before the planner keeps those that fit the window (about 300
bytes each while the instance is built; ``plan`` refuses larger instances, see
docs/planning.md)."""
MERGE_CHUNK = 1_000_000
"""Rows of appointment-day x departure joined at a time while the options are built [rows]."""


def _appointment_days(
    appts: pd.DataFrame, start: date, tz: ZoneInfo
) -> tuple[pd.DataFrame, npt.NDArray[np.int64]]:
    """Each appointment on each day it may be served: ``appt, serve_day, ws, we`` (its window
    on that day [h]), and the appointment's row in ``appts`` per row."""
    spans = (appts["last_day"] - appts["first_day"] + 1).clip(lower=0).to_numpy(dtype=np.int64)
    appt = np.repeat(np.arange(len(appts), dtype=np.int64), spans)
    offset = np.arange(len(appt)) - np.repeat(np.cumsum(spans) - spans, spans)
    serve_day = appts["first_day"].to_numpy(dtype=np.int64)[appt] + offset
    days = pd.DataFrame({"appt": appt, "serve_day": serve_day})
    days["ws"] = elapsed_hours(start, tz, serve_day, appts["window_start_h"].to_numpy()[appt])
    days["we"] = elapsed_hours(start, tz, serve_day, appts["window_end_h"].to_numpy()[appt])
    return days, appt


def count_ways_to_serve(appts: pd.DataFrame, departures: pd.DataFrame) -> int:
    """Appointment x allowed day x departure towards its hospital: the rows the planner
    considers before it keeps those that fit (what its memory grows with)."""
    per_hospital = departures.groupby("to_site").size()
    days = (appts["last_day"] - appts["first_day"] + 1).clip(lower=0)
    reach = appts["hospital"].map(per_hospital).fillna(0).to_numpy(dtype=np.int64)
    return int((days.to_numpy(dtype=np.int64) * reach).sum())


def _check_size(appts: pd.DataFrame, departures: pd.DataFrame, options: PlanOptions) -> None:
    """Refuse an instance too large to build in memory, before it is built."""
    ways = count_ways_to_serve(appts, departures)
    if ways > MAX_WAYS_TO_SERVE:
        raise InputError(
            f"too large to plan: {len(appts):,} appointments in {options.days} day(s) have "
            f"{ways:,} ways to be served (appointment x day x departure), at most "
            f"{MAX_WAYS_TO_SERVE:,} (plan fewer days or part of the network)"
        )


def _serving_options(
    appts: pd.DataFrame,
    departures: pd.DataFrame,
    batches: pd.DataFrame,
    calendar: pd.DataFrame,
    start: date,
    tz: ZoneInfo,
    options: PlanOptions,
) -> pd.DataFrame:
    """Ways to serve each appointment: (day, departure, batch), with the activity to draw.

    Appointment-days are joined with the departures towards their hospital in chunks of about
    :data:`MERGE_CHUNK` rows, keeping only what fits the window, then with the batches that
    are released in time and within their shelf life (names become integer codes first, so a
    join carries numbers only)."""
    days, appt_of_row = _appointment_days(appts, start, tz)
    sites = pd.Index(
        pd.unique(np.concatenate([departures["to_site"], departures["from_site"], batches["site"]]))
    )
    products = pd.Index(pd.unique(np.concatenate([appts["product"], batches["product"]])))
    days["h"] = sites.get_indexer(appts["hospital"].to_numpy()[appt_of_row])
    dep = pd.DataFrame(
        {
            "departure": np.arange(len(departures)),
            "h": sites.get_indexer(departures["to_site"]),
            "site": sites.get_indexer(departures["from_site"]),
            "t_dep": departures["t_dep"].to_numpy(dtype=float),
            "t_arr": departures["t_arr"].to_numpy(dtype=float),
        }
    )
    fed = np.nonzero(batches["fed"].to_numpy(dtype=bool))[0]
    bat = pd.DataFrame(
        {
            "batch": fed,
            "site": sites.get_indexer(batches["site"].to_numpy()[fed]),
            "product": products.get_indexer(batches["product"].to_numpy()[fed]),
            "t_release": batches["t_release"].to_numpy(dtype=float)[fed],
            "t_cal": batches["t_cal"].to_numpy(dtype=float)[fed],
            "shelf_end": batches["shelf_end"].to_numpy(dtype=float)[fed],
        }
    )
    product_of = products.get_indexer(appts["product"])
    reach = days["h"].map(dep.groupby("h").size()).fillna(0).to_numpy(dtype=np.int64)
    bounds = np.searchsorted(np.cumsum(reach), np.arange(MERGE_CHUNK, reach.sum(), MERGE_CHUNK))
    parts = []
    for chunk in np.split(np.arange(len(days)), np.unique(bounds)):
        part = days.iloc[chunk].merge(dep, on="h")
        part = part[
            (part["t_arr"] <= part["we"]) & (part["t_arr"] >= part["ws"] - options.early_arrival_h)
        ]
        part = part.assign(
            t_admin=np.maximum(part["ws"], part["t_arr"]),
            product=product_of[part["appt"].to_numpy()],
        ).drop(columns=["h", "ws", "we"])
        part = part.merge(bat, on=["site", "product"])
        parts.append(
            part[(part["t_release"] <= part["t_dep"]) & (part["shelf_end"] >= part["t_admin"])]
        )
    opts = pd.concat(parts, ignore_index=True)
    opts = opts.sort_values("t_release", ascending=False)
    opts = opts.groupby(["appt", "serve_day", "departure"], sort=False).head(options.batch_choices)
    appt = opts["appt"].to_numpy(dtype=np.int64)
    half_life_h = appts["half_life_h"].to_numpy(dtype=float)[appt]
    opts["draw_cal_bq"] = appts["prescribed_bq"].to_numpy(dtype=float)[appt] / decay_factor(
        half_life_h, (opts["t_admin"] - opts["t_cal"]).to_numpy()
    )
    opts["dep_factor"] = decay_factor(half_life_h, (opts["t_dep"] - opts["t_cal"]).to_numpy())
    opts["moved"] = opts["serve_day"].to_numpy() != appts["day"].to_numpy()[appt]
    week_of_day = dict(zip(calendar["day"], calendar["week"], strict=True))
    opts["serve_week"] = opts["serve_day"].map(week_of_day)
    columns = ["appt", "serve_day", "serve_week", "departure", "batch", "t_admin"]
    columns += ["draw_cal_bq", "dep_factor", "moved"]
    table = opts[columns].sort_values(["appt", "serve_day", "departure", "batch"])
    return table.reset_index(drop=True)


def build_instance(network: Network, options: PlanOptions | None = None) -> Instance:
    """Enumerate the planning options of a network over the horizon.

    Raises
    ------
    NetworkError
        The network has errors (``radiochain network validate`` lists them).
    InfeasibleError
        The network's only errors are structural (see :func:`require_plannable`).
    InputError
        No demand in the horizon.
    """
    options = options or PlanOptions()
    require_plannable(network)
    if network.demand.empty:
        raise InputError(
            f"{network.table_place('demand')} is empty: the network has no demand to plan"
        )
    start = (
        parse_date(options.start, what="start")
        if options.start is not None
        else _default_start(network)
    )
    tz = ZoneInfo(network.timezone)
    data = network.dataset
    products = network.products
    half_life_h = products["nuclide"].map(
        lambda n: float(data.half_life_s[data.lookup(n)]) / 3600.0
    )
    lead_in = options.lead_in_days
    if lead_in is None:
        lead_in = max(2, int(np.ceil(float(products["shelf_life_h"].max()) / HOURS_PER_DAY)))
    calendar = _horizon_days(start, -lead_in, options.days)
    notes: list[str] = []
    appts = _appointments(network, start, options, calendar, half_life_h)
    deliveries = _deliveries(network, calendar, start, tz)
    batches = _batches(network, calendar, start, tz, half_life_h, options.days * HOURS_PER_DAY)
    routes = bulk_routes(network)
    inputs = _inputs(network, deliveries, batches, routes, options)
    fed = set(inputs["batch"])
    unfed = batches.index.difference(list(fed))
    if len(unfed):
        notes.append(f"{len(unfed)} candidate batch slot(s) have no delivery that arrives in time")
    batches = batches.assign(fed=batches.index.isin(list(fed)))
    # departures towards hospitals: direct lanes, and two legs with a transfer
    departures = _departures(network, appts, batches, calendar, start, tz, options)
    _check_size(appts, departures, options)
    options_table = _serving_options(appts, departures, batches, calendar, start, tz, options)
    licences = network.licences
    limits = (
        licences.reset_index()[["site", "nuclide", "possession_limit_bq"]]
        if not licences.empty
        else (pd.DataFrame(columns=["site", "nuclide", "possession_limit_bq"]))
    )
    return Instance(
        network=network,
        options=options,
        start=start,
        timezone=tz,
        appointments=appts,
        deliveries=deliveries,
        batches=batches,
        inputs=inputs,
        departures=departures,
        options_table=options_table,
        licence_limits=limits,
        notes=notes,
        routes=routes,
    )


def unserved_reasons(inst: Instance) -> dict[int, str]:
    """Appointments with no way to be served at all, and why."""
    has = np.zeros(len(inst.appointments), dtype=bool)
    has[inst.options_table["appt"].to_numpy(dtype=np.int64)] = True
    reasons = {}
    for i in np.nonzero(~has)[0]:
        row = inst.appointments.iloc[i]
        reasons[int(i)] = (
            f"no batch of {row['product']} reaches {row['hospital']} within its window "
            "and shelf life on an allowed day (lanes, departures, synthesis slots, supply)"
        )
    return reasons
