"""Rolling-horizon re-planning through the planner (small ensembles).

For every week in which a producer delivery is lost (unplanned outage, planned shutdown or an
N-1 loss), the planner re-plans the week knowing which deliveries are missing (the lost ones
become shutdowns of that day); the unforeseeable failures of the week (batch/QC failures,
carrier refusals and delays, surges) are then applied to the new plan by the same rule as the
dispatch policy, with the run's same random numbers. Weeks without a loss follow the standing
plan. Re-plans are cached by the set of lost deliveries, since many weeks lose the same ones
(a producer down all week).

This is re-planning once a week with the week's supply losses known at its start — an upper
bound of what daily re-planning can recover, and the reference the fast dispatch rule is
measured against (``docs/simulation.md``).
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, timedelta

import numpy as np

from radiochain.errors import InputError, elide
from radiochain.network.core import Network
from radiochain.planning import PlanOptions
from radiochain.simulation.dispatch import (
    HOURS_PER_DAY,
    Disruptions,
    RunDraws,
    dispatch,
    draw_run,
    lost_deliveries,
    resolve,
)
from radiochain.simulation.ensemble import EnsembleResult, Progress, _tables
from radiochain.simulation.scenario import Scenario
from radiochain.simulation.template import HOURS_PER_WEEK, PlanTemplate, plan_template


def _week_draws(d: RunDraws, w: int) -> RunDraws:
    shift = w * HOURS_PER_WEEK
    return RunDraws(
        outage_producer=d.outage_producer,
        outage_start_h=d.outage_start_h - shift,
        outage_end_h=d.outage_end_h - shift,
        batch_u=d.batch_u[w : w + 1],
        lane_u=d.lane_u[w : w + 1],
        lane_delay_h=d.lane_delay_h[w : w + 1],
        surge=d.surge[w : w + 1],
    )


def _replanned(
    network: Network, template: PlanTemplate, lost: frozenset[int], options: PlanOptions
) -> PlanTemplate:
    """The week re-planned without the lost deliveries (each becomes a one-day shutdown)."""
    net = copy.deepcopy(network)
    net.set_table("shutdowns", net.shutdowns.iloc[0:0])
    start = date.fromisoformat(template.start)
    for i, d in enumerate(sorted(lost)):
        day = start + timedelta(days=int(np.floor(template.delivery_t_h[d] / HOURS_PER_DAY)))
        net.add(
            "shutdowns",
            f"lost-{i}",
            producer=template.producers[int(template.delivery_producer[d])],
            start=day.isoformat(),
            end=day.isoformat(),
        )
    new, _ = plan_template(net, options)
    return new


def refuse_lane_loss(scenario: Scenario, disruptions: Disruptions) -> None:
    """The rolling policy re-plans around lost deliveries only: refuse an N-1 lane loss
    (it would be ignored).

    Raises
    ------
    InputError
    """
    if disruptions.n_minus_1_kind == "lane" and scenario.n_minus_1 is not None:
        raise InputError(
            f"{scenario.n_minus_1.label('target')} {elide(disruptions.n_minus_1_target)}: a "
            "lane loss is not supported by the rolling policy (use the dispatch policy)"
        )


def run_rolling(
    network: Network,
    template: PlanTemplate,
    scenario: Scenario,
    *,
    weeks: int,
    runs: int,
    seed: int,
    options: PlanOptions | None = None,
    progress: Progress | None = None,
) -> EnsembleResult:
    """Simulate with weekly re-planning through the MILP (same seeds as the dispatch rule).

    Parameters
    ----------
    network : Network
        The network the template was planned from.
    template : PlanTemplate
        The standing weekly plan.
    scenario : Scenario
    weeks, runs, seed : int
        As :func:`~radiochain.simulation.ensemble.run_ensemble`; run ``i`` draws the same
        disruptions in both policies.
    """
    options = options or PlanOptions(start=date.fromisoformat(template.start), days=7)
    base = resolve(template, scenario, weeks)
    refuse_lane_loss(scenario, base)
    seeds = np.random.SeedSequence(seed).spawn(runs)
    cache: dict[frozenset[int], PlanTemplate] = {frozenset(): template}
    plain = replace(scenario, n_minus_1=None)
    parts = []
    for r, s in enumerate(seeds):  # small ensembles: one run at a time
        draws = draw_run(template, scenario, base, weeks, np.random.default_rng(s))
        lost, _ = lost_deliveries(template, base, [draws], weeks)
        weekly = []
        for w in range(weeks):
            key = frozenset(int(d) for d in np.nonzero(lost[0, w])[0])
            if key not in cache:
                cache[key] = _replanned(network, template, key, options)
            tpl = cache[key]
            # losses are already out of the plan (or there are none): apply only the rest
            week_draws = replace(
                _week_draws(draws, w),
                outage_producer=np.zeros(0, np.int64),
                outage_start_h=np.zeros(0),
                outage_end_h=np.zeros(0),
            )
            dis = replace(
                resolve(tpl, plain, 1),
                shutdown_lost=np.zeros((1, len(tpl.delivery_t_h)), dtype=bool),
            )
            out = dispatch(tpl, plain, dis, [week_draws], 1)
            weekly.append(out)
        merged = {
            k: (
                np.concatenate([o[k] for o in weekly], axis=1)
                if k.startswith("weekly_")
                else np.sum([o[k] for o in weekly], axis=0)
            )
            for k in weekly[0]
        }
        merged["outages"] = np.array([float((draws.outage_end_h > 0).sum())])
        # patients the standing plan cannot serve (re-plans' own unserved are disruptions)
        structural = template.n_appointments - len(template.dose_batch)
        merged["unserved_by_plan"] = np.array([float(structural * weeks)])
        used = np.isin(np.arange(lost.shape[2]), template.input_delivery)
        merged["deliveries_lost"] = np.array([float(lost[0][:, used].sum())])
        parts.append(merged)
        if progress:
            progress(r + 1, runs)
    runs_table, weekly_table = _tables(parts, weeks, [0])
    return EnsembleResult(
        runs=runs_table,
        weekly=weekly_table,
        events=None,
        weeks=weeks,
        seed=seed,
        scenario=scenario,
        meta={"policy": "rolling-horizon", "replans": len(cache) - 1},
    )
