"""Stress-test speed (``make bench``): runs per second of the dispatch rule on china-2025 over
52 weeks in one process, the speed-up with 2 Dask worker processes, scenario-weeks per second,
and the rolling-horizon policy (re-planning through the MILP) as the reference it replaces.

Target (issue #6): 1,000 runs of a year of the national network in under 5 minutes on 2 cores
with the dispatch rule.
"""

from __future__ import annotations

import time

import pytest

from benchmarks.reporting import best_of, report
from radiochain.network.examples import load_example
from radiochain.simulation import plan_template, read_scenario, run_ensemble, run_rolling
from radiochain.simulation.ensemble import local_cluster
from radiochain.simulation.scenario import Scenario

pytestmark = pytest.mark.bench

WEEKS, RUNS, TARGET_S = 52, 1000, 300.0


def _scenario() -> Scenario:
    from importlib import resources

    path = resources.files("radiochain") / "data" / "scenarios" / "china-2025-baseline.yaml"
    return read_scenario(str(path))


def test_dispatch_ensemble_china() -> None:
    network = load_example("china-2025")
    start = time.perf_counter()
    template, _ = plan_template(network)
    plan_s = time.perf_counter() - start
    sc = _scenario()
    one = best_of(lambda: run_ensemble(template, sc, weeks=WEEKS, runs=RUNS, seed=1), repeat=2)
    from distributed import Client

    cluster = local_cluster(2)
    try:
        with Client(cluster) as client:
            run_ensemble(template, sc, weeks=WEEKS, runs=50, seed=1, workers=2, client=client)
            two = best_of(
                lambda: run_ensemble(
                    template, sc, weeks=WEEKS, runs=RUNS, seed=1, workers=2, client=client
                ),
                repeat=2,
            )
    finally:
        cluster.close()
    # reference: weekly re-planning through the MILP, a few runs of 13 weeks
    rolling_runs, rolling_weeks = 3, 13
    start = time.perf_counter()
    run_rolling(network, template, sc, weeks=rolling_weeks, runs=rolling_runs, seed=1)
    rolling_s = time.perf_counter() - start
    rolling_rate = rolling_runs * rolling_weeks / rolling_s
    report(
        "simulation",
        {
            "plan_week_s": plan_s,
            "dispatch_1000x52w_1proc_s": one,
            "dispatch_runs_per_s_1proc": RUNS / one,
            "dispatch_scenario_weeks_per_s_1proc": RUNS * WEEKS / one,
            "dispatch_1000x52w_2workers_s": two,
            "speedup_2_workers": one / two,
            "rolling_scenario_weeks_per_s": rolling_rate,
            "dispatch_vs_rolling_speed_ratio": (RUNS * WEEKS / one) / rolling_rate,
        },
    )
    assert min(one, two) < TARGET_S
