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
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from radiochain.network.core import Network
from radiochain.network.parse import parse_days, parse_time, parse_times
from radiochain.physics.decay import decay_factor
from radiochain.physics.transport import a2_value
from radiochain.planning.result import PlanResult

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
    load_per_shipment: dict[str, float] = {}
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
        lane = lane_rows.get(ship["lane"])
        if lane is None:
            check.add(f"{name}: lane {ship['lane']!r} does not exist")
            continue
        if lane["from_site"] != batch["site"] or lane["to_site"] != appt["hospital"]:
            check.add(
                f"{name}: lane {ship['lane']} goes {lane['from_site']} -> {lane['to_site']}, "
                f"not {batch['site']} -> {appt['hospital']}"
            )
        if not bool(lane["accepts_radioactive"]):
            check.add(f"{name}: lane {ship['lane']} refuses radioactive goods")
        t_cal, t_rel = _dt(batch["calibration_time"]), _dt(batch["release_time"])
        t_dep, t_arr = _dt(ship["departure_time"]), _dt(ship["arrival_time"])
        t_admin = _dt(dose["administration_time"])
        if t_dep < t_rel:
            check.add(f"{name}: shipment leaves {t_dep} before batch release {t_rel}")
        if abs(_hours_between(t_dep, t_arr) - float(lane["transit_time_h"])) > 1 / 60:
            check.add(
                f"{name}: shipment takes {_hours_between(t_dep, t_arr):.2f} h, lane says "
                f"{lane['transit_time_h']} h"
            )
        if t_dep.weekday() not in parse_days(lane["departure_days"]) or t_dep.time().replace(
            second=0, microsecond=0
        ) not in parse_times(lane["departure_times"]):
            check.add(f"{name}: no scheduled departure of {ship['lane']} at {t_dep}")
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
        load_per_shipment[dose["shipment"]] = (
            load_per_shipment.get(dose["shipment"], 0.0) + at_dep / a2
        )
        doses_per_shipment[dose["shipment"]] = doses_per_shipment.get(dose["shipment"], 0) + 1
        at_arr = at_cal * float(decay_factor(half_life_h, _hours_between(t_cal, t_arr)))
        for day in pd.date_range(t_arr.date(), t_admin.date()):
            key = (appt["hospital"], product["nuclide"], day.date().isoformat())
            held[key] = held.get(key, 0.0) + at_arr
    _check_batches(network, plan, drawn_per_batch, check)
    for ship_name, load in load_per_shipment.items():
        ship = shipments[ship_name]
        if load > ship["packages"] * (1 + RTOL):
            check.add(
                f"{ship_name}: {load:.3g} A2 of activity in {ship['packages']} Type A package(s)"
            )
        limit = lane_rows[ship["lane"]]["max_packages"]
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
    counts = served.groupby("hospital").size()
    for hospital, count in counts.items():
        limit = week_slots.get(hospital)
        if limit is not None and not pd.isna(limit) and plan.days <= 7 and count > limit:
            check.add(f"{hospital}: {count} treatments in the week, {limit} slots")
    return check


def _check_batches(
    network: Network, plan: PlanResult, drawn: dict[str, float], check: PlanCheck
) -> None:
    data, processes, products = network.dataset, network.processes, network.products
    per_slot: dict[tuple[str, str], int] = {}
    needed_per_nuclide: dict[str, float] = {}
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
        need = batch["calibration_activity_bq"] / (
            process["yield"] * float(decay_factor(half_life_h, _hours_between(start, cal)))
        )
        needed_per_nuclide[product["nuclide"]] = (
            needed_per_nuclide.get(product["nuclide"], 0.0) + need
        )
        if batch["input_activity_bq"] < need * (1 - 1e-4):
            check.add(
                f"{batch['batch']}: needs {need:.4g} Bq of {product['nuclide']} at synthesis, "
                f"{batch['input_activity_bq']:.4g} Bq ordered (before decay)"
            )
