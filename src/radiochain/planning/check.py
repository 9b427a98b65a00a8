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

from radiochain.errors import RadiochainError, elide
from radiochain.network.core import Network
from radiochain.network.parse import parse_days, parse_time, parse_times
from radiochain.physics.decay import decay_factor
from radiochain.physics.transport import a2_value
from radiochain.planning.result import PlanResult, type_a_packages
from radiochain.units import format_quantity

RTOL = 1e-6


def _bq(activity: float) -> str:
    """An activity for a message, with its unit: ``80 GBq``, ``62.23 GBq``."""
    return format_quantity(float(activity), "activity")


class PlanCheckError(RadiochainError):
    """A plan failed its own independent check (a bug, never a success: exit code 1).

    ``result`` holds the plan, with :attr:`PlanResult.check` listing every violation.
    """

    exit_code = 1

    def __init__(self, result: PlanResult) -> None:
        check = result.check
        first = check.violations[0] if check is not None and check.violations else "unchecked"
        count = len(check.violations) if check is not None else 0
        super().__init__(
            f"plan check FAILED: {elide(first, 200)} ({count} violation(s) in all"
            f"{'; see ' + elide(result.out, 40) + '/summary.json' if result.out else ''})"
        )
        self.result = result


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


@dataclass
class _Rows:
    """The network's and the plan's tables as plain dicts of rows: the checker reads values
    one by one, like a person would."""

    network: Network
    batches: dict[str, dict[str, Any]]
    shipments: dict[str, dict[str, Any]]
    demand: dict[str, dict[str, Any]]
    products: dict[str, dict[str, Any]]
    lanes: dict[str, dict[str, Any]]

    @classmethod
    def of(cls, network: Network, plan: PlanResult) -> _Rows:
        return cls(
            network=network,
            batches=_records(plan.batches, "batch"),
            shipments=_records(plan.shipments, "shipment"),
            demand=network.demand.to_dict("index"),  # type: ignore[arg-type]
            products=network.products.to_dict("index"),  # type: ignore[arg-type]
            lanes=network.lanes.to_dict("index"),  # type: ignore[arg-type]
        )

    def half_life_h(self, nuclide: str) -> float:
        data = self.network.dataset
        return float(data.half_life_s[data.lookup(nuclide)]) / 3600.0


def _records(table: pd.DataFrame, key: str) -> dict[str, dict[str, Any]]:
    if table.empty:
        return {}
    rows: dict[str, dict[str, Any]] = table.set_index(key).to_dict("index")  # type: ignore[assignment]
    return rows


@dataclass
class _Tally:
    """What the doses add up to, per batch, shipment and hospital-day."""

    drawn_per_batch: dict[str, float] = field(default_factory=dict)
    fractions_per_shipment: dict[str, list[float]] = field(default_factory=dict)
    doses_per_shipment: dict[str, int] = field(default_factory=dict)
    held: dict[tuple[str, str, str], float] = field(default_factory=dict)


def check_plan(network: Network, plan: PlanResult) -> PlanCheck:
    """Check a plan against its network; see the module docstring.

    The steps: every served dose (:func:`_check_dose`), the batches (:func:`_check_batches`),
    the dose shipments' packages and counts, licence possession limits, weekly treatment
    slots, the nuclide drawn from producers (:func:`_check_supply`) and its bulk shipments
    (:func:`_check_bulk`).
    """
    check = PlanCheck()
    rows = _Rows.of(network, plan)
    served = plan.doses[plan.doses["status"] != "unserved"]
    check.doses_checked = len(served)
    tally = _Tally()
    for dose in served.to_dict("records"):
        _check_dose(rows, {str(k): v for k, v in dose.items()}, tally, check)
    _check_batches(network, plan, tally.drawn_per_batch, check)
    _check_dose_shipments(rows, tally, check)
    _check_licences(network, tally.held, check)
    _check_weekly_slots(network, served, check)
    _check_supply(network, plan, check)
    _check_bulk(rows, plan, check)
    return check


def _check_dose(rows: _Rows, dose: dict[str, Any], tally: _Tally, check: PlanCheck) -> None:
    """One served dose: its batch and shipment, route, timing, activity; adds it to the
    tallies."""
    name = dose["appointment"]
    appt = rows.demand[name]
    product = rows.products[appt["product"]]
    if dose["batch"] not in rows.batches:
        check.add(f"{name}: batch {dose['batch']!r} is not in batches.csv")
        return
    if dose["shipment"] not in rows.shipments:
        check.add(f"{name}: shipment {dose['shipment']!r} is not in shipments.csv")
        return
    batch, ship = rows.batches[dose["batch"]], rows.shipments[dose["shipment"]]
    if batch["product"] != appt["product"]:
        check.add(f"{name}: batch {dose['batch']} makes {batch['product']}, not {appt['product']}")
    t_cal, t_rel = _dt(batch["calibration_time"]), _dt(batch["release_time"])
    t_dep, t_arr = _dt(ship["departure_time"]), _dt(ship["arrival_time"])
    t_admin = _dt(dose["administration_time"])
    if t_dep < t_rel:
        check.add(f"{name}: shipment leaves {t_dep} before batch release {t_rel}")
    if not _check_dose_route(rows, name, batch["site"], appt["hospital"], ship, check):
        return
    _check_dose_timing(name, appt, product, t_cal, t_arr, t_admin, check)
    _check_dose_activity(name, appt, product, dose, check)
    half_life_h = rows.half_life_h(product["nuclide"])
    at_cal = float(
        dose["activity_at_administration_bq"]
        / decay_factor(half_life_h, _hours_between(t_cal, t_admin))
    )
    tally.drawn_per_batch[dose["batch"]] = tally.drawn_per_batch.get(dose["batch"], 0.0) + at_cal
    at_dep = at_cal * float(decay_factor(half_life_h, _hours_between(t_cal, t_dep)))
    a2 = a2_value(product["nuclide"]) or np.inf
    tally.fractions_per_shipment.setdefault(dose["shipment"], []).append(at_dep / a2)
    if at_dep / a2 > 1 + RTOL:
        check.add(f"{name}: one dose is {at_dep / a2:.3g} A2, above a Type A package")
    shipment = dose["shipment"]
    tally.doses_per_shipment[shipment] = tally.doses_per_shipment.get(shipment, 0) + 1
    at_arr = at_cal * float(decay_factor(half_life_h, _hours_between(t_cal, t_arr)))
    for day in pd.date_range(t_arr.date(), t_admin.date()):
        key = (appt["hospital"], product["nuclide"], day.date().isoformat())
        tally.held[key] = tally.held.get(key, 0.0) + at_arr


def _check_dose_route(
    rows: _Rows, name: str, origin: str, hospital: str, ship: dict[str, Any], check: PlanCheck
) -> bool:
    """The shipment's lanes go from the batch's site to the hospital, accept radioactive
    goods, leave on schedule and arrive when the lanes say. False if the lanes do not exist."""
    names = str(ship["lane"]).split("+")
    legs = [rows.lanes.get(n) for n in names]
    if any(leg is None for leg in legs) or len(legs) > 2:
        check.add(f"{name}: lane(s) {ship['lane']!r} do not exist")
        return False
    via = str(ship.get("via") or "")
    stops = [origin, *([via] if len(legs) == 2 else []), hospital]
    leaves = [_dt(ship["departure_time"])]
    if len(legs) == 2:
        leaves.append(_dt(str(ship["transfer_departure_time"])))
    t_arr = _dt(ship["arrival_time"])
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
    return True


def _check_dose_timing(
    name: str,
    appt: dict[str, Any],
    product: dict[str, Any],
    t_cal: datetime,
    t_arr: datetime,
    t_admin: datetime,
    check: PlanCheck,
) -> None:
    """Administration after arrival, on an allowed day, in the window, within shelf life."""
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


def _check_dose_activity(
    name: str, appt: dict[str, Any], product: dict[str, Any], dose: dict[str, Any], check: PlanCheck
) -> None:
    """The activity at administration is the prescription within the product's tolerance."""
    prescribed = appt["prescribed_activity_bq"]
    if pd.isna(prescribed):
        prescribed = product["dose_activity_bq"]
    given = dose["activity_at_administration_bq"]
    if abs(given - prescribed) > product["dose_tolerance"] * prescribed * (1 + RTOL):
        check.add(
            f"{name}: {_bq(given)} given, prescribed {_bq(prescribed)} "
            f"± {product['dose_tolerance']:.0%}"
        )


def _check_dose_shipments(rows: _Rows, tally: _Tally, check: PlanCheck) -> None:
    """Type A packages (no dose split, <= 1 A2 each), the lanes' package limits, dose counts."""
    for ship_name, fractions in tally.fractions_per_shipment.items():
        ship = rows.shipments[ship_name]
        needed = type_a_packages(np.array(fractions))  # a packing that exists (first fit)
        if needed > ship["packages"]:
            check.add(
                f"{ship_name}: doses of {sum(fractions):.3g} A2 in all need {needed} Type A "
                f"package(s) (no dose split), shipments.csv says {ship['packages']}"
            )
        limit = _package_limit(rows, str(ship["lane"]))
        if not pd.isna(limit) and ship["packages"] > limit:
            check.add(f"{ship_name}: {ship['packages']} packages, lane allows {limit}")
        if tally.doses_per_shipment[ship_name] != ship["doses"]:
            check.add(
                f"{ship_name}: shipments.csv says {ship['doses']} doses, "
                f"doses.csv {tally.doses_per_shipment[ship_name]}"
            )


def _package_limit(rows: _Rows, lanes: str) -> float:
    """The least ``max_packages`` of a route's lanes (NaN if none limits)."""
    limits = [rows.lanes[n]["max_packages"] for n in lanes.split("+") if n in rows.lanes]
    return float(min((x for x in limits if not pd.isna(x)), default=np.nan))


def _check_licences(
    network: Network, held: dict[tuple[str, str, str], float], check: PlanCheck
) -> None:
    """Activity a hospital holds on a day within its licence's possession limit."""
    for (site, nuclide, day_text), activity in held.items():
        mine = network.licences[
            (network.licences["site"] == site) & (network.licences["nuclide"] == nuclide)
        ]
        for limit in mine["possession_limit_bq"]:
            if activity > limit * (1 + RTOL):
                check.add(
                    f"{site}: holds up to {_bq(activity)} of {nuclide} on {day_text}, "
                    f"licence {_bq(limit)}"
                )


def _check_weekly_slots(network: Network, served: pd.DataFrame, check: PlanCheck) -> None:
    """Treatments per hospital and calendar week within its weekly treatment slots."""
    week_slots = network.sites["weekly_treatment_slots"]
    weeks = served["administration_time"].map(_iso_week)
    counts = served.groupby([served["hospital"], weeks]).size().reset_index(name="n")
    for hospital, week, count in zip(
        counts["hospital"], counts["administration_time"], counts["n"], strict=True
    ):
        limit = week_slots.get(hospital)
        if limit is not None and not pd.isna(limit) and count > limit:
            check.add(f"{hospital}: {count} treatments in {week}, {limit} weekly slots")


def _check_bulk(rows: _Rows, plan: PlanResult, check: PlanCheck) -> None:
    """Nuclide shipped from producers: every draw from a producer at another site travels in
    a bulk shipment from the producer's site to the batch's site, leaving at the delivery and
    arriving before synthesis; each bulk shipment's lanes chain up, its activity is what its
    draws add up to, and it is packed as its lanes require: ceil(activity / A2) Type A
    packages at least (IAEA SSR-6 Table 2 A2), within the lanes' package limits, or one Type
    B(U) package where a lane says ``type-b``."""
    inputs = plan.inputs
    if inputs.empty:
        return
    if "shipment" not in inputs:
        check.add("inputs.csv has no shipment column: bulk shipments of nuclide are not listed")
        return
    producers: dict[str, dict[str, Any]] = rows.network.producers.to_dict("index")  # type: ignore[assignment]
    totals: dict[str, float] = {}
    for draw in inputs.to_dict("records"):
        _check_bulk_draw(rows, producers, {str(k): v for k, v in draw.items()}, totals, check)
    for name, ship in rows.shipments.items():
        if ship.get("kind") == "bulk":
            _check_bulk_shipment(rows, str(name), ship, totals.get(str(name), 0.0), check)


def _check_bulk_draw(
    rows: _Rows,
    producers: dict[str, dict[str, Any]],
    draw: dict[str, Any],
    totals: dict[str, float],
    check: PlanCheck,
) -> None:
    producer = producers.get(str(draw["producer"]))
    batch = rows.batches.get(str(draw["batch"]))
    if producer is None or batch is None:
        return  # reported by _check_supply
    name = "" if pd.isna(draw["shipment"]) else str(draw["shipment"])
    if producer["site"] == batch["site"]:
        return  # made on site: nothing shipped
    if not name:
        check.add(
            f"inputs.csv: {draw['producer']} -> {draw['batch']}: nuclide drawn at another site "
            "without a bulk shipment"
        )
        return
    ship = rows.shipments.get(name)
    if ship is None or ship.get("kind") != "bulk":
        check.add(f"inputs.csv: bulk shipment {name!r} is not in shipments.csv")
        return
    totals[name] = totals.get(name, 0.0) + float(draw["activity_bq"])
    if ship["from_site"] != producer["site"] or ship["to_site"] != batch["site"]:
        check.add(
            f"{name}: goes {ship['from_site']} -> {ship['to_site']}, the draw for "
            f"{draw['batch']} needs {producer['site']} -> {batch['site']}"
        )
    if _dt(str(ship["departure_time"])) != _dt(str(draw["delivery_time"])):
        check.add(
            f"{name}: leaves {ship['departure_time']}, the delivery is {draw['delivery_time']}"
        )
    if _dt(str(ship["arrival_time"])) > _dt(str(batch["synthesis_start"])):
        check.add(
            f"{name}: arrives {ship['arrival_time']}, after synthesis of {draw['batch']} starts"
        )


def _check_bulk_shipment(
    rows: _Rows, name: str, ship: dict[str, Any], drawn: float, check: PlanCheck
) -> None:
    lanes = [rows.lanes.get(n) for n in str(ship["lane"]).split("+")]
    if any(leg is None for leg in lanes):
        check.add(f"{name}: lane(s) {ship['lane']!r} do not exist")
        return
    via = str(ship.get("via") or "")
    stops = [ship["from_site"], *(via.split("+") if via else []), ship["to_site"]]
    transit = 0.0
    for k, leg in enumerate(lanes):
        assert leg is not None
        if k + 1 >= len(stops) or (leg["from_site"], leg["to_site"]) != (stops[k], stops[k + 1]):
            check.add(f"{name}: its lanes {ship['lane']} do not go {' -> '.join(stops)}")
            return
        if not bool(leg["accepts_radioactive"]):
            check.add(
                f"{name}: lane {leg['from_site']} -> {leg['to_site']} refuses radioactive goods"
            )
        transit += float(leg["transit_time_h"])
    arrive = _dt(str(ship["departure_time"])) + timedelta(hours=transit)
    if abs(_hours_between(arrive, _dt(str(ship["arrival_time"])))) > 1 / 60:
        check.add(f"{name}: arrives {ship['arrival_time']}, its lanes give {arrive}")
    activity = float(ship["activity_at_departure_bq"])
    if abs(activity - drawn) > RTOL * max(activity, drawn):
        check.add(f"{name}: carries {_bq(activity)}, inputs.csv draws {_bq(drawn)}")
    _check_bulk_packages(rows, name, ship, lanes, max(activity, drawn), check)


def _check_bulk_packages(
    rows: _Rows,
    name: str,
    ship: dict[str, Any],
    lanes: list[dict[str, Any] | None],
    activity: float,
    check: PlanCheck,
) -> None:
    kinds = {str(leg.get("bulk_package") or "type-a") for leg in lanes if leg is not None}
    expected = "type-b" if "type-b" in kinds else "type-a"
    if ship["package_type"] != expected:
        check.add(f"{name}: packed as {ship['package_type']}, its lanes require {expected}")
        return
    packages = int(ship["packages"])
    if expected == "type-b":
        if packages < 1:
            check.add(f"{name}: needs a Type B(U) package, shipments.csv says {packages}")
        return
    a2 = a2_value(str(ship["nuclide"]))
    needed = 1 if a2 is None else max(1, int(np.ceil(activity / a2 - 1e-9)))
    if packages < needed:
        check.add(
            f"{name}: {_bq(activity)} of {ship['nuclide']} is {activity / (a2 or np.inf):.3g} "
            f"A2: needs {needed} Type A package(s), shipments.csv says {packages}"
        )
    limit = _package_limit(rows, str(ship["lane"]))
    if not pd.isna(limit) and packages > limit:
        check.add(f"{name}: {packages} packages, its lanes allow {limit:g}")


def _check_supply(network: Network, plan: PlanResult, check: PlanCheck) -> None:
    """Nuclide drawn per producer delivery and per calendar week within capacity, on the
    producer's schedule and outside shutdowns; each batch fed enough (decay and yield)."""
    inputs = plan.inputs
    if inputs.empty:
        if not plan.batches.empty:
            check.add("batches were made but inputs.csv lists no nuclide drawn from producers")
        return
    producers: dict[str, dict[str, Any]] = network.producers.to_dict("index")  # type: ignore[assignment]
    made = set(plan.batches["batch"]) if not plan.batches.empty else set()
    for draw in inputs[~inputs["batch"].isin(made)].head(3).to_dict("records"):
        check.add(
            f"inputs.csv: {_bq(draw['activity_bq'])} drawn from {draw['producer']} at "
            f"{draw['delivery_time']} for {draw['batch']}, which batches.csv does not list"
        )
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
                f"{producer}: {_bq(total)} drawn from the delivery at {when}, "
                f"capacity {_bq(row['capacity_per_delivery_bq'])}"
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
            check.add(f"{producer}: {_bq(total)} drawn in {week}, weekly capacity {_bq(cap)}")
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
                f"{batch['batch']}: its inputs give {_bq(made)} at calibration, "
                f"the batch says {_bq(batch['calibration_activity_bq'])}"
            )


def _check_batches(
    network: Network, plan: PlanResult, drawn: dict[str, float], check: PlanCheck
) -> None:
    processes = network.processes
    per_slot: dict[tuple[str, str], int] = {}
    process_rows: dict[str, dict[str, Any]] = processes.to_dict("index")  # type: ignore[assignment]
    for batch in plan.batches.to_dict("records"):
        process_name = str(batch["batch"]).split("@", 1)[0]
        if process_name not in process_rows:
            check.add(f"{batch['batch']}: process {process_name!r} does not exist")
            continue
        process = process_rows[process_name]
        start = _dt(batch["synthesis_start"])
        release = _dt(batch["release_time"])
        if drawn.get(batch["batch"], 0.0) > batch["calibration_activity_bq"] * (1 + RTOL):
            check.add(
                f"{batch['batch']}: doses draw {_bq(drawn[batch['batch']])} at calibration, "
                f"the batch has {_bq(batch['calibration_activity_bq'])}"
            )
        if (
            not process["batch_min_bq"] * (1 - RTOL)
            <= batch["calibration_activity_bq"]
            <= (process["batch_max_bq"] * (1 + RTOL))
        ):
            check.add(
                f"{batch['batch']}: {_bq(batch['calibration_activity_bq'])} is outside the "
                f"batch limits {_bq(process['batch_min_bq'])} to {_bq(process['batch_max_bq'])}"
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
