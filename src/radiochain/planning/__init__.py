"""The decay-aware planner: production, labelling and delivery so that every patient is treated.

``plan(network, method="milp")`` builds the instance (every delivery, candidate batch,
departure and way to serve each appointment over the horizon), then solves it with the MILP on
HiGHS or with the first-come-first-served baseline, and returns a :class:`PlanResult` with the
tables a dispatcher follows. :func:`check_plan` verifies any plan independently.
"""

from __future__ import annotations

from typing import Literal

from radiochain.network.core import Network
from radiochain.planning.check import PlanCheck, check_plan
from radiochain.planning.greedy import plan_greedy
from radiochain.planning.instance import Instance, PlanOptions, build_instance
from radiochain.planning.milp import (
    ExtraConstraints,
    Model,
    PlanWeights,
    build_model,
    plan_milp,
    solve_model,
)
from radiochain.planning.result import PlanResult, PlanStatus, SolverReport

__all__ = [
    "Instance",
    "Model",
    "PlanCheck",
    "PlanOptions",
    "PlanResult",
    "PlanStatus",
    "PlanWeights",
    "SolverReport",
    "build_instance",
    "build_model",
    "check_plan",
    "plan",
    "plan_greedy",
    "plan_milp",
    "solve_model",
]


def plan(
    network: Network,
    *,
    method: Literal["milp", "greedy"] = "milp",
    options: PlanOptions | None = None,
    weights: PlanWeights | None = None,
    time_limit_s: float = 600.0,
    mip_gap: float = 0.005,
    save_model: str | None = None,
    extra_constraints: ExtraConstraints | None = None,
    with_baseline: bool = True,
) -> PlanResult:
    """Plan a network over a horizon.

    Parameters
    ----------
    network : Network
    method : {"milp", "greedy"}
    options : PlanOptions
        Horizon and option generation.
    weights : PlanWeights
        Objective weights (MILP only).
    time_limit_s : float [s]
    mip_gap : float
        Relative gap at which HiGHS stops (0.005 = 0.5 %).
    save_model : str, optional
        Write the MILP to this .mps or .lp file before solving.
    extra_constraints : callable, optional
        Hook ``f(model, instance)`` called after the standard constraints are built.
    with_baseline : bool
        Also run the greedy baseline on the same instance and keep its KPIs.
    """
    instance = build_instance(network, options)
    if method == "greedy":
        return plan_greedy(instance)
    result = plan_milp(
        instance,
        weights=weights,
        time_limit_s=time_limit_s,
        mip_gap=mip_gap,
        save_model=save_model,
        extra_constraints=extra_constraints,
    )
    if with_baseline:
        result.baseline = plan_greedy(instance).kpis
    return result
