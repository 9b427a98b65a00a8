"""The spreadsheet baseline: first come, first served from the earliest batch that still fits.

Appointments are taken in order of day and window; each is served on its planned day (a person
with a spreadsheet does not move patients) from the earliest-released batch that can still take
the dose (batch size, nuclide supply, synthesis slot), on the first departure that gets it there
in time. It works on the same :class:`~radiochain.planning.instance.Instance` as the MILP, so
the two are compared on the same options. The loop over appointments is sequential by nature
(each choice changes what is left); everything else is array lookups.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from radiochain.planning.bulk import TYPE_A
from radiochain.planning.instance import HOURS_PER_DAY, Instance, unserved_reasons
from radiochain.planning.result import Choice, PlanResult, PlanStatus, assemble


def plan_greedy(inst: Instance) -> PlanResult:
    """Plan an instance with the first-come-first-served rule."""
    return assemble(
        inst,
        greedy_choice(inst),
        method="greedy",
        status=PlanStatus.FEASIBLE,
        objective=None,
        report=None,
        reasons=unserved_reasons(inst),
    )


def greedy_choice(inst: Instance) -> Choice:
    """The first-come-first-served plan of an instance, as a :class:`Choice` (what the MILP
    starts from)."""
    appts, opts, b = inst.appointments, inst.options_table, inst.batches
    inputs, deliveries, deps = inst.inputs, inst.deliveries, inst.departures
    same_day = opts[~opts["moved"]].copy()
    same_day["t_release"] = b["t_release"].to_numpy()[same_day["batch"].to_numpy()]
    same_day["t_dep"] = deps["t_dep"].to_numpy()[same_day["departure"].to_numpy()]
    same_day = same_day.sort_values(["appt", "t_release", "t_dep"])
    by_appt = {int(str(k)): v.index.to_numpy() for k, v in same_day.groupby("appt")}

    # plain arrays for the sequential loop (fast, and typed)
    o_batch = opts["batch"].to_numpy(dtype=np.int64)
    o_dep = opts["departure"].to_numpy(dtype=np.int64)
    o_draw = opts["draw_cal_bq"].to_numpy(dtype=float)
    o_dep_factor = opts["dep_factor"].to_numpy(dtype=float)
    o_admin = opts["t_admin"].to_numpy(dtype=float)
    b_process = b["process"].astype(str).to_numpy()
    b_day = b["day"].to_numpy(dtype=np.int64)
    b_slots = b["daily_slots"].to_numpy(dtype=np.int64)
    b_min = b["batch_min_bq"].to_numpy(dtype=float)
    b_max = b["batch_max_bq"].to_numpy(dtype=float)
    b_input = b["input_per_cal"].to_numpy(dtype=float)
    b_cal = b["t_cal"].to_numpy(dtype=float)
    d_arr = deps["t_arr"].to_numpy(dtype=float)
    a_hospital = appts["hospital"].astype(str).to_numpy()
    a_nuclide = appts["nuclide"].astype(str).to_numpy()
    a_week = appts["week"].astype(str).to_numpy()
    a_a2 = appts["a2_bq"].to_numpy(dtype=float)
    a_half = appts["half_life_h"].to_numpy(dtype=float)
    in_delivery = inputs["delivery"].to_numpy(dtype=np.int64)
    in_decay = inputs["decay"].to_numpy(dtype=float)
    in_bulk = _bulk_limits(inst)  # per input: the most its bulk shipment may carry [Bq]
    in_key = [(int(e), int(r)) for e, r in zip(in_delivery, _routes(inst), strict=True)]
    bulk_used: dict[tuple[int, int], float] = {}

    activity = np.zeros(len(b))  # calibration activity committed per batch
    made = np.zeros(len(b), dtype=bool)
    remaining = deliveries["capacity_bq"].to_numpy(dtype=float).copy()
    drawn = np.zeros(len(inputs))
    feeds = {
        int(str(k)): v.sort_values("delivery").index.to_numpy() for k, v in inputs.groupby("batch")
    }
    slots_used: dict[tuple[str, int], int] = {}
    package_load = np.zeros(len(deps))
    max_pk = deps["max_packages"].astype(float).fillna(np.inf).to_numpy()
    weekly = (
        appts["hospital"].map(inst.network.sites["weekly_treatment_slots"]).astype(float).to_numpy()
    )
    treated: dict[tuple[str, str], int] = {}
    d_producer = deliveries["producer"].astype(str).to_numpy()
    d_week = deliveries["week"].astype(str).to_numpy()
    week_cap = dict(
        zip(
            zip(d_producer, d_week, strict=True),
            deliveries["week_cap_bq"].astype(float).fillna(np.inf).to_numpy(),
            strict=True,
        )
    )
    week_used: dict[tuple[str, str], float] = {}
    limits = {
        (str(s), str(n)): float(lim) for s, n, lim in inst.licence_limits.itertuples(index=False)
    }
    held: dict[tuple[str, str, int], float] = {}
    option = np.full(len(appts), -1, dtype=np.int64)

    def draw_input(batch: int, need: float, commit: bool) -> bool:
        """Take ``need`` [Bq at synthesis start] from the batch's deliveries, earliest first,
        within each delivery and each producer's weekly cap."""
        left = need
        plan: list[tuple[int, float]] = []
        pending: dict[tuple[str, str], float] = {}
        pending_bulk: dict[tuple[int, int], float] = {}
        for row in feeds.get(batch, []):
            e = in_delivery[row]
            key = (str(d_producer[e]), str(d_week[e]))
            room = week_cap[key] - week_used.get(key, 0.0) - pending.get(key, 0.0)
            bulk = in_key[row]
            bulk_room = in_bulk[row] - bulk_used.get(bulk, 0.0) - pending_bulk.get(bulk, 0.0)
            take = min(remaining[e], left / in_decay[row], max(room, 0.0), max(bulk_room, 0.0))
            if take > 0:
                plan.append((int(row), take))
                pending[key] = pending.get(key, 0.0) + take
                pending_bulk[bulk] = pending_bulk.get(bulk, 0.0) + take
                left -= take * in_decay[row]
            if left <= need * 1e-12:
                break
        if left > need * 1e-9:
            return False
        if commit:
            for row, take in plan:
                e = in_delivery[row]
                remaining[e] -= take
                drawn[row] += take
                key = (str(d_producer[e]), str(d_week[e]))
                week_used[key] = week_used.get(key, 0.0) + take
                bulk_used[in_key[row]] = bulk_used.get(in_key[row], 0.0) + take
        return True

    for i in range(len(appts)):  # sequential by nature: each choice changes what is left
        hospital, nuclide = str(a_hospital[i]), str(a_nuclide[i])
        week = str(a_week[i])
        if np.isfinite(weekly[i]) and treated.get((hospital, week), 0) >= weekly[i]:
            continue
        for o in by_appt.get(i, []):
            batch, dep, draw = int(o_batch[o]), int(o_dep[o]), float(o_draw[o])
            slot_key = (str(b_process[batch]), int(b_day[batch]))
            new_activity = activity[batch] + draw
            if not made[batch]:
                new_activity = max(new_activity, float(b_min[batch]))
                if slots_used.get(slot_key, 0) >= b_slots[batch]:
                    continue
            if new_activity > b_max[batch] * (1 + 1e-12):
                continue
            extra_input = (new_activity - activity[batch]) * float(b_input[batch])
            fraction = draw * float(o_dep_factor[o]) / float(a_a2[i])
            if np.ceil(package_load[dep] + fraction - 1e-12) > max_pk[dep]:
                continue
            limit = limits.get((hospital, nuclide))
            t_arr, t_admin = float(d_arr[dep]), float(o_admin[o])
            days = range(int(t_arr // HOURS_PER_DAY), int(t_admin // HOURS_PER_DAY) + 1)
            at_arrival = draw * 2.0 ** (-(t_arr - float(b_cal[batch])) / float(a_half[i]))
            if limit is not None and any(
                held.get((hospital, nuclide, d), 0.0) + at_arrival > limit for d in days
            ):
                continue
            if not draw_input(batch, extra_input, commit=False):
                continue
            draw_input(batch, extra_input, commit=True)
            if not made[batch]:
                made[batch] = True
                slots_used[slot_key] = slots_used.get(slot_key, 0) + 1
            activity[batch] = new_activity
            package_load[dep] += fraction
            treated[(hospital, week)] = treated.get((hospital, week), 0) + 1
            if limit is not None:
                for d in days:
                    held[(hospital, nuclide, d)] = (
                        held.get((hospital, nuclide, d), 0.0) + at_arrival
                    )
            option[i] = o
            break
    return Choice(
        option=option,
        batch_activity_bq=np.where(made, activity, 0.0),
        input_bq=drawn,
        packages=np.ceil(package_load - 1e-12),
    )


def _routes(inst: Instance) -> npt.NDArray[np.int64]:
    if "route" not in inst.inputs:
        return np.full(len(inst.inputs), -1, dtype=np.int64)
    return inst.inputs["route"].to_numpy(dtype=np.int64)


def _bulk_limits(inst: Instance) -> npt.NDArray[np.float64]:
    """Per input: max_packages x A2 of its bulk route when it ships in Type A packages on
    lanes that limit packages [Bq]; inf otherwise."""
    route = _routes(inst)
    limit = np.full(len(route), np.inf)
    shipped = route >= 0
    if shipped.any():
        r = inst.routes.iloc[route[shipped]]
        cap = r["max_packages"].to_numpy(dtype=float) * r["a2_bq"].to_numpy(dtype=float)
        cap = np.where((r["package_type"] == TYPE_A).to_numpy() & np.isfinite(cap), cap, np.inf)
        limit[shipped] = cap
    return limit
