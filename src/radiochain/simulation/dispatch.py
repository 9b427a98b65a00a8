"""The fast dispatch rule: replay the weekly plan under disruptions, vectorized over runs × weeks.

Each run draws its disruptions from its own :class:`numpy.random.Generator` (:func:`draw_run`),
so a run's result does not depend on which other runs share its chunk or worker. The rule
(:func:`dispatch`) then works on arrays of shape ``(runs, weeks, items)``:

1. A producer delivery is lost when it falls inside an unplanned outage (after the stock of a
   long-lived parent is used up) or a planned shutdown; batches lose the nuclide it fed them.
2. The shortfall of each nuclide in a week is covered first by the outage reserve capacity
   (``reserve_fraction`` × planned weekly nuclide need; patients on the day, or after
   ``reserve_delay_d``), then by unused capacity of deliveries that are up (second sources,
   patients after ``redispatch_delay_d``). Each batch can then make a fraction of its planned
   activity; its doses are filled in order of administration, the ones that do not fit are
   delayed or missed.
3. A batch that fails processing/QC is repeated once (patients after ``redispatch_delay_d``);
   if the repeat fails too its patients miss the week.
4. A lane that refuses in a week sends its doses with another carrier after
   ``refusal_delay_d``; a delay of ``δ`` hours that makes a dose arrive after its window moves
   the administration by whole days; a dose past its shelf life is missed.
5. A patient delayed more than ``max_delay_d`` counts as missed. A demand surge adds patients
   served (after ``redispatch_delay_d``) from the nuclide still unused, else missed.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from radiochain.errors import InputError, elide
from radiochain.simulation.distributions import Distribution
from radiochain.simulation.scenario import MAX_DURATION_D, MAX_RATE_PER_YEAR, NMinus1, Scenario
from radiochain.simulation.template import HOURS_PER_WEEK, PlanTemplate
from radiochain.units import format_quantity

HOURS_PER_DAY = 24.0
HOURS_PER_YEAR = 365.2422 * HOURS_PER_DAY
WARMUP_H = HOURS_PER_YEAR  # outages start a year before the run, so some are under way at t=0
_MAX_SURGE_SAMPLE = 1.0e6  # [1] added weekly demand a surge sample may bring (int64-safe)
_SPAN = 1.0e7  # [h] key offset between runs when intervals of many runs share one sorted array
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Disruptions:
    """The scenario resolved against a template: per-item rates and probabilities."""

    rate_per_h: FloatArray  # per producer
    durations: list[Distribution]  # per producer [d]
    stock_h: FloatArray  # per producer
    batch_failure: FloatArray  # per candidate batch
    lane_refusal: FloatArray  # per lane
    lane_delay: FloatArray  # per lane
    forced_producer: tuple[int, float, float] | None  # (producer, start_h, end_h)
    forced_lane: tuple[tuple[int, ...], float, float] | None  # (lanes of the plan, start_h, end_h)
    shutdown_lost: BoolArray  # (weeks, deliveries) lost to planned shutdowns
    n_minus_1_target: str | None = None  # the producer or lane an N-1 run loses
    n_minus_1_kind: str | None = None  # "producer" or "lane"
    notes: tuple[str, ...] = ()  # what the user should know (e.g. an N-1 loss that changes nothing)


@dataclass
class RunDraws:
    """One run's random draws (shapes fixed by the template, so runs stack)."""

    outage_producer: IntArray
    outage_start_h: FloatArray
    outage_end_h: FloatArray
    batch_u: FloatArray  # (weeks, candidates, 2): failure, repeat
    lane_u: FloatArray  # (weeks, lanes, 2): refusal, delay
    lane_delay_h: FloatArray  # (weeks, lanes)
    surge: FloatArray  # (weeks, products)


def _legs(route: str) -> list[str]:
    return route.split("+")


def _network_lanes(t: PlanTemplate) -> list[str]:
    """Every lane of the network (the template's routes' legs, for a template without them)."""
    return list(t.network_lanes) or sorted({leg for lane in t.lanes for leg in _legs(lane)})


def _hint(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"did you mean {close[0]!r}?" if close else f"known: {elide(', '.join(known), 80)};"


def check_names(template: PlanTemplate, scenario: Scenario) -> None:
    """Refuse a scenario that names a producer, process or lane the network does not have.

    Raises
    ------
    InputError
        Naming the scenario file and key, the unknown name and a close known one.
    """
    known = {
        "producer": list(template.producers),
        "process": list(template.processes),
        "lane": sorted(set(_network_lanes(template)) | set(template.lanes)),
    }
    for kind, name, key in scenario.named():
        if name not in known[kind]:
            raise InputError(
                f"{scenario.where}: {key}: unknown {kind} {elide(name)!r} "
                f"({_hint(name, known[kind]).rstrip(';')})"
            )


def _network_outages(t: PlanTemplate, i: int, name: str) -> tuple[float, Distribution]:
    """A producer's own outage rate [1/y] and duration [d] from producers.csv, within the
    simulator's limits (a producer without a mean duration has no outages)."""
    kind, mean, cv = t.producer_duration[i]
    rate = float(t.producer_rate_per_year[i])
    where = f"producers.csv: {elide(name)}"
    if not (math.isfinite(rate) and 0 <= rate <= MAX_RATE_PER_YEAR):
        raise InputError(
            f"{where}: outage_rate_per_year {rate:g} /y is out of range for a stress test "
            f"(give 0 to {MAX_RATE_PER_YEAR:,g} /y)"
        )
    if not math.isfinite(mean) or mean <= 0 or rate == 0:
        return 0.0, Distribution("fixed", 0.0)
    if mean > MAX_DURATION_D:
        raise InputError(
            f"{where}: outage_duration_mean_d {format_quantity(mean * 86_400.0, 'time')} is out "
            "of range for a stress test (give at most 10 y)"
        )
    try:
        own_cv = {"fixed": 0.0, "exponential": 1.0}.get(kind, cv)
        return rate, Distribution(kind, mean, own_cv)  # type: ignore[arg-type]
    except InputError as err:
        raise InputError(f"{where}: outage duration: {err}") from None


def _outages(
    t: PlanTemplate, scenario: Scenario
) -> tuple[list[float], list[Distribution], list[float]]:
    """Per producer: outage rate [1/h], duration distribution [d], stock [h]."""
    rates, durations, stock = [], [], []
    for i, name in enumerate(t.producers):
        rate, dist = 0.0, Distribution("fixed", 0.0)
        if scenario.use_network_outages:
            rate, dist = _network_outages(t, i, name)
        if scenario.outage_rate_per_year is not None:
            rate = scenario.outage_rate_per_year
        if scenario.outage_duration_d is not None:
            dist = scenario.outage_duration_d
        own = scenario.producers.get(name)
        if own is not None and own.rate_per_year >= 0:
            rate, dist = own.rate_per_year, own.duration_d
        rates.append(rate / HOURS_PER_YEAR if dist.mean > 0 else 0.0)
        durations.append(dist)
        stock.append((own.stock_days if own else 0.0) * HOURS_PER_DAY)
    return rates, durations, stock


def _lane_values(t: PlanTemplate, scenario: Scenario, key: str, default: float) -> FloatArray:
    """Per route of the plan: its own value, else the largest of its legs', else the default."""
    values = []
    for route in t.lanes:
        own = scenario.lane_overrides.get(route, {})
        legs = [scenario.lane_overrides.get(leg, {}).get(key) for leg in _legs(route)]
        given = [v for v in legs if v is not None]
        values.append(own.get(key, max(given) if given else default))
    return np.array(values, dtype=float)


def _largest(t: PlanTemplate, target: str) -> str:
    if target == "largest-producer":
        drawn = np.bincount(
            t.delivery_producer[t.input_delivery],
            weights=t.input_amount_bq,
            minlength=len(t.producers),
        )
        return t.producers[int(np.argmax(drawn))]
    if target == "largest-lane":
        return t.lanes[int(np.argmax(np.bincount(t.dose_lane, minlength=len(t.lanes))))]
    return target


def _n_minus_1(t: PlanTemplate, n1: NMinus1, weeks: int) -> dict[str, Any]:
    """The forced loss of an N-1 run, as :class:`Disruptions` fields."""
    n1.check_within(weeks)
    window = (n1.start_day * HOURS_PER_DAY, (n1.start_day + n1.days) * HOURS_PER_DAY)
    target = _largest(t, n1.target)
    found: dict[str, Any] = {"n_minus_1_target": target}
    if target in t.producers:
        return found | {"forced_producer": (t.producers.index(target), *window)}
    lanes = tuple(i for i, route in enumerate(t.lanes) if target in (route, *_legs(route)))
    network = _network_lanes(t)
    if not lanes and target not in network:
        known = sorted({*t.producers, *network})
        raise InputError(
            f"{n1.label('target')}: {elide(target)!r} is neither a producer nor a lane of the "
            f"network ({_hint(target, known)} largest-producer and largest-lane work too)"
        )
    found |= {"n_minus_1_kind": "lane", "forced_lane": (lanes, *window) if lanes else None}
    if not lanes:
        why = " (its carrier refuses radioactive goods)" if target in t.lanes_refusing else ""
        found["notes"] = (
            f"N-1: the plan sends nothing on lane {target!r}{why}, so losing it changes nothing",
        )
    return found


def resolve(template: PlanTemplate, scenario: Scenario, weeks: int) -> Disruptions:
    """Per-item disruption parameters of a scenario on a template.

    Raises
    ------
    InputError
        A scenario names a producer, process or lane the network does not have; the N-1
        target is unknown or its loss starts after the run; the network's own outage values
        are beyond the simulator's limits.
    """
    t = template
    check_names(t, scenario)
    rates, durations, stock = _outages(t, scenario)
    failure = np.full(t.n_candidate_batches, scenario.batch_failure_probability)
    per_process = np.array(
        [scenario.process_failure.get(p, scenario.batch_failure_probability) for p in t.processes]
    )
    cand_process = np.full(t.n_candidate_batches, -1, dtype=np.int64)
    cand_process[t.batch_candidate] = t.batch_process
    failure = np.where(cand_process >= 0, per_process[np.maximum(cand_process, 0)], failure)
    forced: dict[str, Any] = {"forced_producer": None, "forced_lane": None}
    if scenario.n_minus_1 is not None:
        forced |= {"n_minus_1_kind": "producer"} | _n_minus_1(t, scenario.n_minus_1, weeks)
    lost = np.zeros((weeks, len(t.delivery_t_h)), dtype=bool)
    day = np.floor((np.arange(weeks)[:, None] * HOURS_PER_WEEK + t.delivery_t_h) / HOURS_PER_DAY)
    for producer, first, last in t.producer_site_shutdowns:  # few planned shutdowns
        mine = t.delivery_producer == producer
        lost |= mine & (day >= first) & (day <= last)
    return Disruptions(
        rate_per_h=np.array(rates),
        durations=durations,
        stock_h=np.array(stock),
        batch_failure=failure,
        lane_refusal=_lane_values(t, scenario, "refusal_probability", scenario.refusal_probability),
        lane_delay=_lane_values(t, scenario, "delay_probability", scenario.delay_probability),
        shutdown_lost=lost,
        **forced,
    )


def draw_run(
    template: PlanTemplate,
    scenario: Scenario,
    disruptions: Disruptions,
    weeks: int,
    rng: np.random.Generator,
) -> RunDraws:
    """Draw one run's disruptions with ``rng``.

    ``rng`` first seeds one stream per kind of disruption (outages, batches, lanes, demand), so
    that changing one kind (e.g. a delay probability) leaves the draws of the others alone.
    """
    g_out, g_batch, g_lane, g_demand = (
        np.random.default_rng(int(k)) for k in rng.integers(0, 2**63 - 1, size=4)
    )
    horizon = weeks * HOURS_PER_WEEK
    producers, starts, ends = [], [], []
    for p, rate in enumerate(disruptions.rate_per_h):  # few producers
        n = int(g_out.poisson(rate * (horizon + WARMUP_H))) if rate > 0 else 0
        if n == 0:
            continue
        s = g_out.uniform(-WARMUP_H, horizon, n)
        d = disruptions.durations[p].sample(g_out, n) * HOURS_PER_DAY
        s_eff = s + disruptions.stock_h[p]
        keep = d > disruptions.stock_h[p]
        producers.append(np.full(int(keep.sum()), p, dtype=np.int64))
        starts.append(s_eff[keep])
        ends.append(np.minimum((s + d)[keep], horizon + HOURS_PER_DAY))
    n_lanes, n_products = len(template.lanes), len(template.products)
    batch_u = g_batch.random((weeks, template.n_candidate_batches, 2))
    lane_u = g_lane.random((weeks, n_lanes, 2))
    lane_delay = np.zeros((weeks, n_lanes))
    hit = lane_u[..., 1] < disruptions.lane_delay
    lane_delay[hit] = scenario.delay_h.sample(g_lane, int(hit.sum()))
    surge = (
        scenario.surge.sample(g_demand, (weeks, n_products))
        if scenario.surge is not None
        else np.ones((weeks, n_products))
    )
    return RunDraws(
        outage_producer=np.concatenate(producers) if producers else np.zeros(0, np.int64),
        outage_start_h=np.concatenate(starts) if starts else np.zeros(0),
        outage_end_h=np.concatenate(ends) if ends else np.zeros(0),
        batch_u=batch_u,
        lane_u=lane_u,
        lane_delay_h=lane_delay,
        surge=surge,
    )


def _covered(
    run: IntArray, start: FloatArray, end: FloatArray, runs: int, times: FloatArray
) -> BoolArray:
    """Whether each time (runs, m) lies in one of its run's intervals [start, end)."""
    if len(start) == 0:
        return np.zeros((runs, times.shape[-1]), dtype=bool)
    key = run * _SPAN + start
    order = np.argsort(key, kind="stable")
    key, reach = key[order], np.maximum.accumulate((run * _SPAN + end)[order])
    query = np.arange(runs)[:, None] * _SPAN + times
    pos = np.searchsorted(key, query, side="right") - 1
    return (pos >= 0) & (reach[np.maximum(pos, 0)] > query)


def lost_deliveries(
    template: PlanTemplate, disruptions: Disruptions, draws: list[RunDraws], weeks: int
) -> tuple[BoolArray, IntArray]:
    """Deliveries lost to outages or shutdowns, (runs, weeks, deliveries), and the run of
    each outage interval."""
    t, runs = template, len(draws)
    n_d = len(t.delivery_t_h)
    weeks_h = np.arange(weeks)[:, None] * HOURS_PER_WEEK
    lost = np.broadcast_to(disruptions.shutdown_lost, (runs, weeks, n_d)).copy()
    run_id = np.concatenate(
        [np.full(len(d.outage_start_h), r, dtype=np.int64) for r, d in enumerate(draws)]
    )
    o_prod = np.concatenate([d.outage_producer for d in draws])
    o_start = np.concatenate([d.outage_start_h for d in draws])
    o_end = np.concatenate([d.outage_end_h for d in draws])
    if disruptions.forced_producer is not None:
        p, s, e = disruptions.forced_producer
        run_id = np.concatenate([run_id, np.arange(runs)])
        o_prod = np.concatenate([o_prod, np.full(runs, p)])
        o_start = np.concatenate([o_start, np.full(runs, s)])
        o_end = np.concatenate([o_end, np.full(runs, e)])
    for p in np.unique(t.delivery_producer):  # few producers
        cols = np.nonzero(t.delivery_producer == p)[0]
        mine = o_prod == p
        times = (weeks_h + t.delivery_t_h[cols]).reshape(-1)
        hit = _covered(run_id[mine], o_start[mine], o_end[mine], runs, times)
        lost[:, :, cols] |= hit.reshape(runs, weeks, len(cols))
    return lost, run_id


def _per_run(x: FloatArray) -> FloatArray:
    """Sum of each run's values, in an order that does not depend on how many runs are
    stacked (bit-identical results for any chunking)."""
    flat = np.ascontiguousarray(x).reshape(x.shape[0], -1)
    return np.array([np.sum(row) for row in flat])


def dispatch(
    template: PlanTemplate,
    scenario: Scenario,
    disruptions: Disruptions,
    draws: list[RunDraws],
    weeks: int,
) -> dict[str, FloatArray]:
    """Apply the dispatch rule to a stack of runs.

    Returns
    -------
    dict
        ``weekly_*`` arrays (runs, weeks): ``appointments, treated_on_day, delayed, missed``;
        ``delay_days`` histogram (runs, max_delay + 1); per-run ``activity_wasted_bq, cost,
        outages, deliveries_lost, batch_failures, refusals``.
    """
    t, runs = template, len(draws)
    n_d = len(t.delivery_t_h)
    weeks_h = np.arange(weeks)[:, None] * HOURS_PER_WEEK
    lost, _ = lost_deliveries(template, disruptions, draws, weeks)
    # 2. nuclide shortfall per batch, reserve and second sources -------------------------------
    n_b = len(t.batch_activity_bq)
    short_in = lost[:, :, t.input_delivery] * t.input_amount_bq
    short = np.zeros((runs, weeks, n_b))
    if len(t.input_batch):
        starts = np.flatnonzero(np.r_[True, np.diff(t.input_batch) != 0])
        short[:, :, t.input_batch[starts]] = np.add.reduceat(short_in, starts, axis=2)
    need = np.where(t.batch_need_bq > 0, t.batch_need_bq, 1.0)
    share_ok = 1.0 - short / need
    share_reserve = np.zeros_like(short)
    share_second = np.zeros_like(short)
    residual = np.zeros((runs, weeks, len(t.nuclides)))
    spare_used = np.zeros((runs, weeks))
    for n in range(len(t.nuclides)):  # few nuclides
        bmask = t.batch_nuclide == n
        dmask = t.delivery_nuclide == n
        total = short[:, :, bmask].sum(axis=2)
        spare = (
            ((~lost[:, :, dmask]) * t.delivery_spare_bq[dmask]).sum(axis=2)
            if scenario.second_sources
            else np.zeros((runs, weeks))
        )
        reserve = scenario.reserve_fraction * t.nuclide_weekly_need_bq[n]
        c1 = np.minimum(total, reserve)
        c2 = np.minimum(total - c1, spare)
        safe = np.where(total > 0, total, 1.0)
        share_reserve[:, :, bmask] = short[:, :, bmask] / need[bmask] * (c1 / safe)[..., None]
        share_second[:, :, bmask] = short[:, :, bmask] / need[bmask] * (c2 / safe)[..., None]
        residual[:, :, n] = spare - c2
        spare_used += c2 * t.nuclide_price_per_gbq[n] / 1e9
    # 3. batch failures --------------------------------------------------------------------------
    u = np.stack([d.batch_u for d in draws])[:, :, t.batch_candidate, :]
    p_fail = disruptions.batch_failure[t.batch_candidate]
    failed = u[..., 0] < p_fail
    repeat_failed = failed & (u[..., 1] < p_fail)
    # 4. doses ------------------------------------------------------------------------------------
    db = t.dose_batch
    cf = t.dose_cum_fraction - 1e-9
    ok = share_ok[:, :, db]
    tier1 = ok + share_reserve[:, :, db]
    tier2 = tier1 + share_second[:, :, db]
    supply_delay = np.where(
        cf <= ok,
        0.0,
        np.where(
            cf <= tier1,
            scenario.reserve_delay_d,
            np.where(cf <= tier2, scenario.redispatch_delay_d, np.inf),
        ),
    )
    supply_delay = np.where(
        failed[:, :, db], np.maximum(supply_delay, scenario.redispatch_delay_d), supply_delay
    )
    supply_delay[repeat_failed[:, :, db]] = np.inf
    lane_u = np.stack([d.lane_u for d in draws])[:, :, t.dose_lane, :]
    refused = lane_u[..., 0] < disruptions.lane_refusal[t.dose_lane]
    delayed_h = np.where(
        lane_u[..., 1] < disruptions.lane_delay[t.dose_lane],
        np.stack([d.lane_delay_h for d in draws])[:, :, t.dose_lane],
        0.0,
    )
    late_h = t.dose_t_arr_h + delayed_h - t.dose_window_end_h
    transport_delay = np.where(late_h > 0, np.ceil(late_h / HOURS_PER_DAY), 0.0)
    transport_delay = np.where(
        refused, np.maximum(transport_delay, scenario.refusal_delay_d), transport_delay
    )
    if disruptions.forced_lane is not None:
        lanes, s, e = disruptions.forced_lane
        dep = weeks_h + t.dose_t_dep_h  # (weeks, doses)
        down = np.isin(t.dose_lane, lanes) & (dep >= s) & (dep < e)
        wait = np.ceil((e - dep) / HOURS_PER_DAY)
        transport_delay = np.where(down, np.maximum(transport_delay, wait), transport_delay)
    expired = t.dose_t_admin_h + transport_delay * HOURS_PER_DAY > t.dose_shelf_end_h
    transport_delay = np.where(expired, np.inf, transport_delay)
    delay = np.maximum(supply_delay, transport_delay) + t.dose_plan_delay_d
    missed_dose = delay > scenario.max_delay_d
    on_day = delay == 0
    # 5. per week counts, surge -------------------------------------------------------------------
    n_served_plan = len(db)
    structural = int(t.n_appointments - n_served_plan)
    weekly_on = on_day.sum(axis=2)
    weekly_missed = missed_dose.sum(axis=2) + structural
    weekly_delayed = (~on_day & ~missed_dose).sum(axis=2)
    surge = np.stack([d.surge for d in draws])
    added = np.clip(surge - 1.0, 0.0, _MAX_SURGE_SAMPLE)  # a far tail stays a whole number
    extra = np.rint(added * t.product_planned).astype(np.int64)
    extra_served = np.zeros_like(extra)
    for p in range(len(t.products)):  # few products, in a fixed order
        n = int(t.product_nuclide[p])
        per_dose = t.product_need_per_dose_bq[p]
        can = np.floor(residual[:, :, n] / per_dose) if per_dose > 0 else extra[:, :, p] * 0
        extra_served[:, :, p] = np.minimum(extra[:, :, p], np.maximum(can, 0)).astype(np.int64)
        residual[:, :, n] -= extra_served[:, :, p] * per_dose
    weekly_delayed = weekly_delayed + extra_served.sum(axis=2)
    weekly_missed = weekly_missed + (extra - extra_served).sum(axis=2)
    weekly_appts = t.n_appointments + extra.sum(axis=2)
    # delay histogram (whole days), activity, cost ----------------------------------------
    max_d = int(np.floor(scenario.max_delay_d))
    served_delay = np.where(missed_dose | on_day, -1, np.minimum(delay, max_d)).astype(np.int64)
    hist = np.stack(
        [np.bincount(row[row >= 0], minlength=max_d + 1) for row in served_delay.reshape(runs, -1)]
    )
    hist[:, min(int(np.ceil(scenario.redispatch_delay_d)), max_d)] += extra_served.sum(axis=(1, 2))
    made_share = np.clip(share_ok + share_reserve + share_second, 0.0, 1.0)
    produced = _per_run(t.batch_activity_bq * made_share * (1.0 + failed + repeat_failed))
    given = _per_run(~missed_dose * t.dose_draw_cal_bq)
    reserve_cost = sum(
        scenario.reserve_fraction * t.nuclide_weekly_need_bq[n] * t.nuclide_price_per_gbq[n] / 1e9
        for n in range(len(t.nuclides))
    )
    return {
        "weekly_appointments": weekly_appts.astype(float),
        "weekly_treated_on_day": weekly_on.astype(float),
        "weekly_delayed": weekly_delayed.astype(float),
        "weekly_missed": weekly_missed.astype(float),
        "delay_days": hist.astype(float),
        "activity_wasted_bq": np.maximum(produced - given, 0.0),
        "unserved_by_plan": np.full(runs, float(structural * weeks)),
        "cost": weeks * (t.plan_cost_per_week + reserve_cost) + spare_used.sum(axis=1),
        "outages": np.array([float((d.outage_end_h > 0).sum()) for d in draws])
        + (disruptions.forced_producer is not None),
        "deliveries_lost": lost[:, :, np.isin(np.arange(n_d), t.input_delivery)]
        .sum(axis=(1, 2))
        .astype(float),
        "batch_failures": failed.sum(axis=(1, 2)).astype(float),
        "refusals": (lane_u[..., 0] < disruptions.lane_refusal[t.dose_lane])
        .any(axis=2)
        .sum(axis=1)
        .astype(float),
    }


def event_log(
    template: PlanTemplate,
    disruptions: Disruptions,
    draws: list[RunDraws],
    first_run: int,
) -> pd.DataFrame:
    """The disruptions of a stack of runs as a tidy table (one row per event)."""
    t = template
    origin = date.fromisoformat(t.start)
    rows: list[dict[str, object]] = []
    for r, d in enumerate(draws):  # only when asked for (--events)
        for p, s, e in zip(d.outage_producer, d.outage_start_h, d.outage_end_h, strict=True):
            if e > 0:
                rows.append(
                    {
                        "run": first_run + r,
                        "kind": "outage",
                        "target": t.producers[p],
                        "start_h": float(s),
                        "end_h": float(e),
                    }
                )
        p_fail = disruptions.batch_failure[t.batch_candidate]
        w_idx, b_idx = np.nonzero(d.batch_u[:, t.batch_candidate, 0] < p_fail)
        for w, b in zip(w_idx, b_idx, strict=True):
            rows.append(
                {
                    "run": first_run + r,
                    "kind": "batch_failure",
                    "target": t.processes[t.batch_process[b]],
                    "start_h": float(w * HOURS_PER_WEEK),
                    "end_h": np.nan,
                }
            )
        w_idx, l_idx = np.nonzero(d.lane_u[:, :, 0] < disruptions.lane_refusal)
        for w, lane in zip(w_idx, l_idx, strict=True):
            rows.append(
                {
                    "run": first_run + r,
                    "kind": "refusal",
                    "target": t.lanes[lane],
                    "start_h": float(w * HOURS_PER_WEEK),
                    "end_h": np.nan,
                }
            )
    table = pd.DataFrame(rows, columns=["run", "kind", "target", "start_h", "end_h"])
    table["start_date"] = [
        (origin + timedelta(hours=float(h))).isoformat() for h in table["start_h"]
    ]
    return table
