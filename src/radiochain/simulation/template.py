"""A plan turned into flat arrays the dispatch rule replays week after week.

The planner plans one week (the network's demand is one week of appointments); the simulator
repeats that plan for every week of the run, as the dispatcher's standing weekly schedule, and
applies the disruptions to it. The template holds, in plain NumPy arrays: each served dose's
batch, lane, activity drawn and times; each made batch's activity and the nuclide it needs at
synthesis; which producer delivery feeds which batch with how much; the unused capacity of each
delivery (a second source when another producer fails).

Times are hours since the plan's start (local midnight of its first day); a template time ``t``
in week ``w`` of a run happens at ``168 w + t``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from radiochain.errors import InfeasibleError
from radiochain.network.core import Network
from radiochain.planning import PlanOptions, PlanResult, PlanWeights, build_instance
from radiochain.planning.greedy import greedy_choice
from radiochain.planning.instance import HOURS_PER_DAY, Instance, unserved_reasons
from radiochain.planning.milp import (
    build_model,
    read_solution,
    solution_from_choice,
    solve_model,
)
from radiochain.planning.result import Choice, PlanStatus, assemble

HOURS_PER_WEEK = 7 * HOURS_PER_DAY
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class PlanTemplate:
    """The weekly plan as arrays (indices are positions in the name lists).

    Attributes (arrays over served doses ``s``, made batches ``b``, inputs ``k``, deliveries
    ``d``, lanes ``l``, nuclides ``n``, products ``p``, candidate batches ``c``)
    """

    network_name: str
    start: str
    dataset: str
    producers: list[str]
    producer_rate_per_year: FloatArray
    producer_duration: list[tuple[str, float, float]]  # (distribution, mean_d, cv)
    producer_site_shutdowns: list[tuple[int, int, int]]  # (producer, first day, last day) ordinal
    nuclides: list[str]
    products: list[str]
    lanes: list[str]
    lane_mode: list[str]
    processes: list[str]
    n_candidate_batches: int
    # appointments
    appt_names: list[str]
    appt_product: IntArray
    appt_served: BoolArray
    # served doses, ordered by batch then administration time
    dose_appt: IntArray
    dose_batch: IntArray
    dose_lane: IntArray
    dose_draw_cal_bq: FloatArray
    dose_cum_fraction: FloatArray
    dose_t_dep_h: FloatArray
    dose_t_arr_h: FloatArray
    dose_t_admin_h: FloatArray
    dose_window_end_h: FloatArray
    dose_shelf_end_h: FloatArray
    dose_plan_delay_d: IntArray
    # made batches
    batch_candidate: IntArray
    batch_process: IntArray
    batch_nuclide: IntArray
    batch_activity_bq: FloatArray
    batch_need_bq: FloatArray
    # inputs (delivery -> batch), sorted by batch
    input_delivery: IntArray
    input_batch: IntArray
    input_amount_bq: FloatArray  # activity drawn, decayed to synthesis start [Bq]
    # deliveries
    delivery_producer: IntArray
    delivery_t_h: FloatArray
    delivery_nuclide: IntArray
    delivery_spare_bq: FloatArray  # unused capacity, decayed to a typical synthesis [Bq]
    # per nuclide and product
    nuclide_weekly_need_bq: FloatArray
    nuclide_price_per_gbq: FloatArray
    product_planned: IntArray
    product_nuclide: IntArray
    product_need_per_dose_bq: FloatArray
    plan_cost_per_week: float
    plan_kpis: dict[str, Any] = field(default_factory=dict)
    network_lanes: tuple[str, ...] = ()  # every lane of lanes.csv, used or not
    lanes_refusing: tuple[str, ...] = ()  # lanes whose carrier refuses radioactive goods

    @property
    def n_appointments(self) -> int:
        return len(self.appt_names)


def solve_plan(
    network: Network,
    options: PlanOptions | None = None,
    *,
    weights: PlanWeights | None = None,
    time_limit_s: float = 120.0,
    mip_gap: float = 0.005,
) -> tuple[Instance, Choice, PlanResult]:
    """Plan one week with the MILP and keep the solver's :class:`Choice` (per-delivery inputs
    are not in :class:`PlanResult`'s tables).

    The MILP starts from the greedy plan, as :func:`radiochain.planning.plan` does, so a time
    limit never leaves the stress test without a plan: if HiGHS ends without one of its own,
    the greedy plan is the template (and the result says so).
    """
    inst = build_instance(network, options or PlanOptions(days=7))
    model = build_model(inst, weights)
    greedy = greedy_choice(inst)
    start = solution_from_choice(model, inst, greedy)
    solver, report = solve_model(model, time_limit_s=time_limit_s, mip_gap=mip_gap, start=start)
    method = "milp"
    try:
        choice, objective, status = read_solution(solver, model, inst)
    except InfeasibleError:
        choice, objective, status, method = greedy, None, PlanStatus.FEASIBLE, "greedy"
    result = assemble(
        inst,
        choice,
        method=method,
        status=status if status else PlanStatus.FEASIBLE,
        objective=objective,
        report=report,
        reasons=unserved_reasons(inst),
    )
    if method == "greedy":
        result.notes.append(
            f"the MILP ended without a plan ({report.message}); the stress test replays the "
            "greedy plan"
        )
    return inst, choice, result


def _codes(values: pd.Series | npt.ArrayLike, names: list[str]) -> IntArray:
    index = {n: i for i, n in enumerate(names)}
    return np.array([index[str(v)] for v in np.asarray(values)], dtype=np.int64)


def build_template(inst: Instance, choice: Choice, result: PlanResult) -> PlanTemplate:
    """Flatten a week's plan (instance + solver choice) into a :class:`PlanTemplate`."""
    net = inst.network
    appts, opts, b = inst.appointments, inst.options_table, inst.batches
    deps, deliveries, inputs = inst.departures, inst.deliveries, inst.inputs
    producers = [str(p) for p in net.producers.index]
    nuclides = sorted(set(map(str, deliveries["nuclide"])) | set(map(str, appts["nuclide"])))
    products = sorted(set(map(str, appts["product"])))
    lanes = sorted(set(map(str, deps["lane"])))
    processes = [str(p) for p in net.processes.index]

    served = np.nonzero(choice.option >= 0)[0]
    chosen = opts.loc[choice.option[served]].reset_index(drop=True)
    chosen["appt"] = served
    made = np.nonzero(choice.batch_activity_bq > 0)[0]
    batch_pos = {int(c): i for i, c in enumerate(made)}
    chosen["b"] = chosen["batch"].map(batch_pos).astype(np.int64)
    chosen = chosen.sort_values(["b", "t_admin", "appt"], kind="stable").reset_index(drop=True)
    activity = choice.batch_activity_bq[made]
    draw = chosen["draw_cal_bq"].to_numpy(dtype=float)
    cum = chosen.groupby("b")["draw_cal_bq"].cumsum().to_numpy(dtype=float)
    dep_index = chosen["departure"].to_numpy(dtype=np.int64)
    appt_index = chosen["appt"].to_numpy(dtype=np.int64)
    serve_day = chosen["serve_day"].to_numpy(dtype=np.int64)
    window_end = serve_day * HOURS_PER_DAY + appts["window_end_h"].to_numpy(float)[appt_index]

    # inputs actually drawn, decayed to synthesis start
    drawn = choice.input_bq
    keep = drawn > 0
    in_batch = inputs["batch"].to_numpy(dtype=np.int64)[keep]
    in_amount = drawn[keep] * inputs["decay"].to_numpy(dtype=float)[keep]
    in_delivery = inputs["delivery"].to_numpy(dtype=np.int64)[keep]
    in_ok = np.isin(in_batch, made)
    in_b = np.array([batch_pos[int(c)] for c in in_batch[in_ok]], dtype=np.int64)
    order = np.argsort(in_b, kind="stable")
    in_b, in_amount, in_delivery = in_b[order], in_amount[in_ok][order], in_delivery[in_ok][order]
    need = np.bincount(in_b, weights=in_amount, minlength=len(made)).astype(float)

    # deliveries: unused capacity of this week's deliveries (lead-in ones belong to last week)
    d_nuclide = _codes(deliveries["nuclide"], nuclides)
    used_per_delivery = np.bincount(
        inputs["delivery"].to_numpy(dtype=np.int64), weights=drawn, minlength=len(deliveries)
    )
    capacity = deliveries["capacity_bq"].to_numpy(dtype=float)
    spare = np.where(deliveries["t"].to_numpy(float) >= 0, capacity - used_per_delivery, 0.0)
    spare = np.clip(spare, 0.0, None)
    d_producer = _codes(deliveries["producer"], producers)
    week_cap = deliveries["week_cap_bq"].to_numpy(dtype=float)
    for p in range(len(producers)):  # few producers
        mine = (d_producer == p) & (deliveries["t"].to_numpy(float) >= 0)
        caps = week_cap[mine]
        if mine.any() and np.isfinite(caps).any():
            room = max(float(np.nanmin(caps)) - float(used_per_delivery[mine].sum()), 0.0)
            total = float(spare[mine].sum())
            if total > room:
                spare[mine] *= room / total if total > 0 else 0.0
    # typical decay from delivery to synthesis, per nuclide (for the spare capacity)
    mean_decay = np.ones(len(nuclides))
    k_nuc = d_nuclide[in_delivery]
    for n in range(len(nuclides)):
        rows = k_nuc == n
        if rows.any():
            mean_decay[n] = float(in_amount[rows].sum() / drawn[keep][in_ok][order][rows].sum())
    spare = spare * mean_decay[d_nuclide]

    b_nuclide = _codes(b["nuclide"].to_numpy()[made], nuclides)
    nuclide_need = np.bincount(b_nuclide, weights=need, minlength=len(nuclides)).astype(float)
    price = np.zeros(len(nuclides))
    cost_per_gbq = deliveries["cost_per_gbq"].to_numpy(dtype=float)
    for n in range(len(nuclides)):
        rows = d_nuclide == n
        price[n] = float(np.mean(cost_per_gbq[rows])) if rows.any() else 0.0
    a_product = _codes(appts["product"], products)
    p_nuclide = np.array(
        [nuclides.index(str(net.products.loc[p, "nuclide"])) for p in products], dtype=np.int64
    )
    planned = np.bincount(a_product[served], minlength=len(products))
    need_per_dose = np.zeros(len(products))
    dose_need = draw * b["input_per_cal"].to_numpy(float)[made][chosen["b"].to_numpy()]
    for p in range(len(products)):
        rows = a_product[appt_index] == p
        need_per_dose[p] = float(dose_need[rows].mean()) if rows.any() else 0.0

    shutdowns = []
    start = inst.start.toordinal()
    for _, row in net.shutdowns.iterrows():
        if str(row["producer"]) in producers:
            from datetime import date

            shutdowns.append(
                (
                    producers.index(str(row["producer"])),
                    date.fromisoformat(str(row["start"])).toordinal() - start,
                    date.fromisoformat(str(row["end"])).toordinal() - start,
                )
            )
    pr = net.producers
    return PlanTemplate(
        network_name=net.name,
        start=inst.start.isoformat(),
        dataset=result.dataset,
        producers=producers,
        producer_rate_per_year=pr["outage_rate_per_year"].fillna(0.0).to_numpy(dtype=float),
        producer_duration=[
            (str(k), float(m), float(c))
            for k, m, c in zip(
                pr["outage_duration_distribution"].fillna("lognormal"),
                pr["outage_duration_mean_d"].fillna(0.0),
                pr["outage_duration_cv"].fillna(1.0),
                strict=True,
            )
        ],
        producer_site_shutdowns=shutdowns,
        nuclides=nuclides,
        products=products,
        lanes=lanes,
        # a two-leg route ("a+b") travels by the modes of both lanes
        lane_mode=[
            "+".join(str(net.lanes.loc[part, "mode"]) for part in lane.split("+")) for lane in lanes
        ],
        processes=processes,
        n_candidate_batches=len(b),
        appt_names=[str(a) for a in appts["appointment"]],
        appt_product=a_product,
        appt_served=choice.option >= 0,
        dose_appt=appt_index,
        dose_batch=chosen["b"].to_numpy(dtype=np.int64),
        dose_lane=_codes(deps["lane"].to_numpy()[dep_index], lanes),
        dose_draw_cal_bq=draw,
        dose_cum_fraction=cum / activity[chosen["b"].to_numpy()],
        dose_t_dep_h=deps["t_dep"].to_numpy(dtype=float)[dep_index],
        dose_t_arr_h=deps["t_arr"].to_numpy(dtype=float)[dep_index],
        dose_t_admin_h=chosen["t_admin"].to_numpy(dtype=float),
        dose_window_end_h=window_end,
        dose_shelf_end_h=b["shelf_end"].to_numpy(dtype=float)[chosen["batch"].to_numpy()],
        dose_plan_delay_d=serve_day - appts["day"].to_numpy(dtype=np.int64)[appt_index],
        batch_candidate=made.astype(np.int64),
        batch_process=_codes(b["process"].to_numpy()[made], processes),
        batch_nuclide=b_nuclide,
        batch_activity_bq=activity,
        batch_need_bq=need,
        input_delivery=in_delivery,
        input_batch=in_b,
        input_amount_bq=in_amount,
        delivery_producer=d_producer,
        delivery_t_h=deliveries["t"].to_numpy(dtype=float),
        delivery_nuclide=d_nuclide,
        delivery_spare_bq=spare,
        nuclide_weekly_need_bq=nuclide_need,
        nuclide_price_per_gbq=price,
        product_planned=planned.astype(np.int64),
        product_nuclide=p_nuclide,
        product_need_per_dose_bq=need_per_dose,
        plan_cost_per_week=float(result.kpis.get("cost", 0.0)),
        plan_kpis=dict(result.kpis),
        network_lanes=tuple(str(lane) for lane in net.lanes.index),
        lanes_refusing=tuple(
            str(lane)
            for lane, ok in net.lanes["accepts_radioactive"].fillna(True).items()
            if not bool(ok)
        ),
    )


def plan_template(
    network: Network, options: PlanOptions | None = None, **solver: Any
) -> tuple[PlanTemplate, PlanResult]:
    """Plan a network's week with the MILP and flatten it (see :func:`build_template`)."""
    inst, choice, result = solve_plan(network, options, **solver)
    return build_template(inst, choice, result), result
