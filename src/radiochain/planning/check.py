"""An independent plan checker: recomputes every served dose from the network and the nuclear
data, using only the plan's output tables — none of the optimizer's code path.

It checks, for each served dose: the batch and the shipment exist and fit together (batch site
= lane origin, lane destination = hospital, the lane accepts radioactive goods, departure after
release on a scheduled departure, arrival = departure + transit time, administration after
arrival, inside the window, on an allowed day, before the shelf life ends); the activity at
administration is within the product's tolerance of the prescription (decay recomputed from the
batch's calibration time); and, per batch, the activity drawn at calibration fits in the batch,
the batch lies within its size limits, on a working day in a synthesis slot, and the nuclide it
needed is covered by producer capacity; per shipment, Type A packages (sum of activity / A2 <= 1
each) and the lane's package limit; per hospital, licence possession limits on each day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from radiochain.network.core import Network
from radiochain.network.parse import parse_days, parse_time, parse_times
from radiochain.physics.decay import decay_factor
from radiochain.physics.transport import a2_value
from radiochain.planning.result import PlanResult, type_a_packages

RTOL = 1e-6


@dataclass
class PlanCheck:
    """Violations found (empty when the plan is valid)."""

    violations: list[str] = field(default_factory=list)
    doses_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations

    def add(self, message: str) -> None:
        self.violations.append(message)


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _iso_week(text: str) -> str:
    year, week, _ = _dt(text).isocalendar()
    return f"{year}-W{week:02d}"


def _hours_between(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 3600.0


def check_plan(network: Network, plan: PlanResult) -> PlanCheck:
    """Check a plan against its network; see the module docstring."""
    check = PlanCheck()
    data = network.dataset
    products, demand, lanes = network.products, network.demand, network.lanes
    sites = network.sites
    # plain dicts of rows: the checker reads values one by one, like a person would
    batches: dict[str, dict[str, Any]] = plan.batches.set_index("batch").to_dict("index")  # type: ignore[assignment]
    shipments: dict[str, dict[str, Any]] = plan.shipments.set_index("shipment").to_dict("index")  # type: ignore[assignment]
    demand_rows: dict[str, dict[str, Any]] = demand.to_dict("index")  # type: ignore[assignment]
    product_rows: dict[str, dict[str, Any]] = products.to_dict("index")  # type: ignore[assignment]
    lane_rows: dict[str, dict[str, Any]] = lanes.to_dict("index")  # type: ignore[assignment]
    served = plan.doses[plan.doses["status"] != "unserved"]
    check.doses_checked = len(served)
    drawn_per_batch: dict[str, float] = {}
    fractions_per_shipment: dict[str, list[float]] = {}
    doses_per_shipment: dict[str, int] = {}
    held: dict[tuple[str, str, str], float] = {}
    for dose in served.to_dict("records"):
        name = dose["appointment"]
        appt = demand_rows[name]
        product = product_rows[appt["product"]]
        half_life_h = float(data.half_life_s[data.lookup(product["nuclide"])]) / 3600.0
        if dose["batch"] not in batches:
            check.add(f"{name}: batch {dose['batch']!r} is not in batches.csv")
            continue
        if dose["shipment"] not in shipments:
            check.add(f"{name}: shipment {dose['shipment']!r} is not in shipments.csv")
            continue
        batch, ship = batches[dose["batch"]], shipments[dose["shipment"]]
        if batch["product"] != appt["product"]:
            check.add(
                f"{name}: batch {dose['batch']} makes {batch['product']}, not {appt['product']}"
            )
        t_cal, t_rel = _dt(batch["calibration_time"]), _dt(batch["release_time"])
        t_dep, t_arr = _dt(ship["departure_time"]), _dt(ship["arrival_time"])
        t_admin = _dt(dose["administration_time"])
        if t_dep < t_rel:
            check.add(f"{name}: shipment leaves {t_dep} before batch release {t_rel}")
        names = str(ship["lane"]).split("+")
        legs = [lane_rows.get(n) for n in names]
        if any(leg is None for leg in legs) or len(legs) > 2:
            check.add(f"{name}: lane(s) {ship['lane']!r} do not exist")
            continue
        via = str(ship.get("via") or "")
        stops = [batch["site"], *([via] if len(legs) == 2 else []), appt["hospital"]]
        leaves = [t_dep]
        if len(legs) == 2:
            leaves.append(_dt(str(ship["transfer_departure_time"])))
        for k, (leg_name, leg) in enumerate(zip(names, legs, strict=True)):
            assert leg is not None
            if leg["from_site"] != stops[k] or leg["to_site"] != stops[k + 1]:
                check.add(
                    f"{name}: lane {leg_name} goes {leg['from_site']} -> {leg['to_site']}, "
                    f"not {stops[k]} -> {stops[k + 1]}"
                )
            if not bool(leg["accepts_radioactive"]):
                check.add(f"{name}: lane {leg_name} refuses radioactive goods")
            leave = leaves[k]
            if leave.weekday() not in parse_days(leg["departure_days"]) or leave.time().replace(
                second=0, microsecond=0
            ) not in parse_times(leg["departure_times"]):
                check.add(f"{name}: no scheduled departure of {leg_name} at {leave}")
            arrive = leave + timedelta(hours=float(leg["transit_time_h"]))
            if k + 1 < len(legs) and leaves[k + 1] < arrive:
                check.add(f"{name}: leaves {via} at {leaves[k + 1]} before arriving at {arrive}")
            if k + 1 == len(legs) and abs(_hours_between(arrive, t_arr)) > 1 / 60:
                check.add(f"{name}: shipment arrives {t_arr}, its last lane gives {arrive}")
        if t_admin < t_arr:
            check.add(f"{name}: administered {t_admin} before the dose arrives {t_arr}")
        earliest = appt["earliest_date"] or appt["date"]
        latest = appt["latest_date"] or appt["date"]
        if not earliest <= t_admin.date().isoformat() <= latest:
            check.add(f"{name}: administered on {t_admin.date()}, allowed {earliest}..{latest}")
        if not parse_time(appt["window_start"]) <= t_admin.time() <= parse_time(appt["window_end"]):
            check.add(
                f"{name}: administered at {t_admin.time()}, window {appt['window_start']}-"
                f"{appt['window_end']}"
            )
        if _hours_between(t_cal, t_admin) > float(product["shelf_life_h"]) + 1e-6:
            check.add(
                f"{name}: administered {_hours_between(t_cal, t_admin):.1f} h after calibration, "
                f"shelf life {product['shelf_life_h']} h"
            )
        prescribed = appt["prescribed_activity_bq"]
        if pd.isna(prescribed):
            prescribed = product["dose_activity_bq"]
        if abs(dose["activity_at_administration_bq"] - prescribed) > product[
            "dose_tolerance"
        ] * prescribed * (1 + RTOL):
            check.add(
                f"{name}: {dose['activity_at_administration_bq']:.4g} Bq given, "
                f"prescribed {prescribed:.4g} "
                f"+-{product['dose_tolerance']:.0%}"
            )
        at_cal = float(
            dose["activity_at_administration_bq"]
            / decay_factor(half_life_h, _hours_between(t_cal, t_admin))
        )
        drawn_per_batch[dose["batch"]] = drawn_per_batch.get(dose["batch"], 0.0) + at_cal
        at_dep = at_cal * float(decay_factor(half_life_h, _hours_between(t_cal, t_dep)))
        a2 = a2_value(product["nuclide"]) or np.inf
        fractions_per_shipment.setdefault(dose["shipment"], []).append(at_dep / a2)
        if at_dep / a2 > 1 + RTOL:
            check.add(f"{name}: one dose is {at_dep / a2:.3g} A2, above a Type A package")
        doses_per_shipment[dose["shipment"]] = doses_per_shipment.get(dose["shipment"], 0) + 1
        at_arr = at_cal * float(decay_factor(half_life_h, _hours_between(t_cal, t_arr)))
        for day in pd.date_range(t_arr.date(), t_admin.date()):
            key = (appt["hospital"], product["nuclide"], day.date().isoformat())
            held[key] = held.get(key, 0.0) + at_arr
    _check_batches(network, plan, drawn_per_batch, check)
    for ship_name, fractions in fractions_per_shipment.items():
        ship = shipments[ship_name]
        needed = type_a_packages(np.array(fractions))  # a packing that exists (first fit)
        if needed > ship["packages"]:
            check.add(
                f"{ship_name}: doses of {sum(fractions):.3g} A2 in all need {needed} Type A "
                f"package(s) (no dose split), shipments.csv says {ship['packages']}"
            )
        limits = [
            lane_rows[n]["max_packages"] for n in str(ship["lane"]).split("+") if n in lane_rows
        ]
        limit = min((x for x in limits if not pd.isna(x)), default=np.nan)
        if not pd.isna(limit) and ship["packages"] > limit:
            check.add(f"{ship_name}: {ship['packages']} packages, lane allows {limit}")
        if doses_per_shipment[ship_name] != ship["doses"]:
            check.add(
                f"{ship_name}: shipments.csv says {ship['doses']} doses, "
                f"doses.csv {doses_per_shipment[ship_name]}"
            )
    for (site, nuclide, day_text), activity in held.items():
        mine = network.licences[
            (network.licences["site"] == site) & (network.licences["nuclide"] == nuclide)
        ]
        for limit in mine["possession_limit_bq"]:
            if activity > limit * (1 + RTOL):
                check.add(
                    f"{site}: holds up to {activity:.3g} Bq of {nuclide} on {day_text}, "
                    f"licence {limit:.3g} Bq"
                )
    week_slots = sites["weekly_treatment_slots"]
    weeks = served["administration_time"].map(_iso_week)
    counts = served.groupby([served["hospital"], weeks]).size().reset_index(name="n")
    for hospital, week, count in zip(
        counts["hospital"], counts["administration_time"], counts["n"], strict=True
    ):
        limit = week_slots.get(hospital)
        if limit is not None and not pd.isna(limit) and count > limit:
            check.add(f"{hospital}: {count} treatments in {week}, {limit} weekly slots")
    _check_supply(network, plan, check)
    return check


def _check_supply(network: Network, plan: PlanResult, check: PlanCheck) -> None:
    """Nuclide drawn per producer delivery and per calendar week within capacity, on the
    producer's schedule and outside shutdowns; each batch fed enough (decay and yield)."""
    if plan.batches.empty:
        return
    producers: dict[str, dict[str, Any]] = network.producers.to_dict("index")  # type: ignore[assignment]
    inputs = plan.inputs
    if inputs.empty:
        check.add("batches were made but inputs.csv lists no nuclide drawn from producers")
        return
    per_delivery = inputs.groupby(["producer", "delivery_time"])["activity_bq"].sum().reset_index()
    for producer, when, total in zip(
        per_delivery["producer"],
        per_delivery["delivery_time"],
        per_delivery["activity_bq"],
        strict=True,
    ):
        row = producers.get(str(producer))
        if row is None:
            check.add(f"inputs.csv: unknown producer {producer!r}")
            continue
        moment = _dt(str(when))
        if moment.weekday() not in parse_days(row["output_days"]) or moment.time().replace(
            second=0, microsecond=0
        ) != parse_time(row["output_time"]):
            check.add(f"{producer}: no scheduled delivery at {when}")
        if total > row["capacity_per_delivery_bq"] * (1 + RTOL):
            check.add(
                f"{producer}: {total:.4g} Bq drawn from the delivery at {when}, "
                f"capacity {row['capacity_per_delivery_bq']:.4g} Bq"
            )
        off = network.shutdowns[network.shutdowns["producer"] == producer]
        day = moment.date().isoformat()
        if ((off["start"] <= day) & (off["end"] >= day)).any():
            check.add(f"{producer}: delivery at {when} falls in a planned shutdown")
    weeks = inputs["delivery_time"].map(_iso_week)
    weekly = inputs.groupby([inputs["producer"], weeks])["activity_bq"].sum().reset_index()
    for producer, week, total in zip(
        weekly["producer"], weekly["delivery_time"], weekly["activity_bq"], strict=True
    ):
        cap = producers.get(str(producer), {}).get("capacity_per_week_bq")
        if cap is not None and not pd.isna(cap) and total > cap * (1 + RTOL):
            check.add(f"{producer}: {total:.4g} Bq drawn in {week}, weekly capacity {cap:.4g} Bq")
    data = network.dataset
    processes: dict[str, dict[str, Any]] = network.processes.to_dict("index")  # type: ignore[assignment]
    products = network.products
    for batch in plan.batches.to_dict("records"):
        process = processes.get(str(batch["batch"]).split("@", 1)[0])
        if process is None:
            continue  # reported by _check_batches
        nuclide = str(products.at[process["product"], "nuclide"])
        half_life_h = float(data.half_life_s[data.lookup(nuclide)]) / 3600.0
        start, cal = _dt(batch["synthesis_start"]), _dt(batch["calibration_time"])
        fed = inputs[inputs["batch"] == batch["batch"]]
        at_start = sum(
            float(a) * float(decay_factor(half_life_h, _hours_between(_dt(str(t)), start)))
            for a, t in zip(fed["activity_bq"], fed["delivery_time"], strict=True)
        )
        made = (
            at_start
            * process["yield"]
            * float(decay_factor(half_life_h, _hours_between(start, cal)))
        )
        if made < batch["calibration_activity_bq"] * (1 - RTOL):
            check.add(
                f"{batch['batch']}: its inputs give {made:.4g} Bq at calibration, "
                f"the batch says {batch['calibration_activity_bq']:.4g} Bq"
            )


def _check_batches(
    network: Network, plan: PlanResult, drawn: dict[str, float], check: PlanCheck
) -> None:
    data, processes, products = network.dataset, network.processes, network.products
    per_slot: dict[tuple[str, str], int] = {}
    process_rows: dict[str, dict[str, Any]] = processes.to_dict("index")  # type: ignore[assignment]
    product_rows: dict[str, dict[str, Any]] = products.to_dict("index")  # type: ignore[assignment]
    for batch in plan.batches.to_dict("records"):
        process_name = str(batch["batch"]).split("@", 1)[0]
        if process_name not in process_rows:
            check.add(f"{batch['batch']}: process {process_name!r} does not exist")
            continue
        process = process_rows[process_name]
        product = product_rows[process["product"]]
        start, cal = _dt(batch["synthesis_start"]), _dt(batch["calibration_time"])
        release = _dt(batch["release_time"])
        if drawn.get(batch["batch"], 0.0) > batch["calibration_activity_bq"] * (1 + RTOL):
            check.add(
                f"{batch['batch']}: doses draw {drawn[batch['batch']]:.4g} Bq at calibration, "
                "batch has "
                f"{batch['calibration_activity_bq']:.4g} Bq"
            )
        if (
            not process["batch_min_bq"] * (1 - RTOL)
            <= batch["calibration_activity_bq"]
            <= (process["batch_max_bq"] * (1 + RTOL))
        ):
            check.add(
                f"{batch['batch']}: {batch['calibration_activity_bq']:.4g} Bq "
                "outside the batch limits"
            )
        if start.weekday() not in parse_days(process["working_days"]) or start.time().replace(
            second=0, microsecond=0
        ) not in parse_times(process["slot_times"]):
            check.add(f"{batch['batch']}: synthesis at {start} is not a slot of {process_name}")
        expected_release = process["synthesis_time_h"] + process["qc_hold_h"]
        if abs(_hours_between(start, release) - expected_release) > 1 / 60:
            check.add(
                f"{batch['batch']}: released {_hours_between(start, release):.2f} h after start, "
                f"process needs {expected_release} h"
            )
        key = (process_name, start.date().isoformat())
        per_slot[key] = per_slot.get(key, 0) + 1
        if per_slot[key] > int(process["daily_slots"]):
            check.add(
                f"{batch['batch']}: more than {process['daily_slots']} batch(es) "
                f"of {process_name} on {key[1]}"
            )
        half_life_h = float(data.half_life_s[data.lookup(product["nuclide"])]) / 3600.0
        batch["calibration_activity_bq"] / (
            process["yield"] * float(decay_factor(half_life_h, _hours_between(start, cal)))
        )
