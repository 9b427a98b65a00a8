"""Stress tests: the supply chain replayed many times under disruptions.

``plan_template`` plans a week and flattens it; ``run_ensemble`` replays it for many runs with
the fast dispatch rule (on Dask), ``run_rolling`` re-plans through the MILP; ``summarize``,
``exceedance_curve`` and ``size_reserve`` turn the runs into answers; ``stress_test`` runs the
whole workflow (what ``radiochain simulate`` calls). See ``docs/simulation.md``.
"""

from radiochain.simulation.answers import (
    ReserveSizing,
    Target,
    exceedance_curve,
    parse_target,
    percentiles_with_ci,
    size_reserve,
    summarize,
)
from radiochain.simulation.distributions import Distribution, parse_distribution
from radiochain.simulation.ensemble import EnsembleResult, run_ensemble
from radiochain.simulation.rolling import run_rolling
from radiochain.simulation.scenario import (
    NMinus1,
    ProducerOutages,
    Scenario,
    no_disruptions,
    parse_scenario,
    read_scenario,
)
from radiochain.simulation.stress_test import (
    MAX_RUNS,
    MAX_WEEKS,
    MAX_WORKERS,
    StressTestOptions,
    StressTestResult,
    network_scenario,
    stress_test,
)
from radiochain.simulation.template import PlanTemplate, build_template, plan_template

__all__ = [
    "MAX_RUNS",
    "MAX_WEEKS",
    "MAX_WORKERS",
    "Distribution",
    "EnsembleResult",
    "NMinus1",
    "PlanTemplate",
    "ProducerOutages",
    "ReserveSizing",
    "Scenario",
    "StressTestOptions",
    "StressTestResult",
    "Target",
    "build_template",
    "exceedance_curve",
    "network_scenario",
    "no_disruptions",
    "parse_distribution",
    "parse_scenario",
    "parse_target",
    "percentiles_with_ci",
    "plan_template",
    "read_scenario",
    "run_ensemble",
    "run_rolling",
    "size_reserve",
    "stress_test",
    "summarize",
]
