"""The decay-aware planner: production, labelling and delivery so that every patient is treated.

``run_plan(network, out=...)`` is the whole ``radiochain plan`` workflow (plan, independent
check, tables, ``summary.json``, report); ``plan(network, method="milp")`` builds the instance
(every delivery, candidate batch, departure and way to serve each appointment over the
horizon), then solves it with the MILP on HiGHS (started from the greedy plan) or with the
first-come-first-served baseline, and returns a :class:`PlanResult` with the tables a dispatcher
follows. :func:`check_plan` verifies any plan independently.
"""

from __future__ import annotations

from radiochain.planning.bulk import bulk_packages, bulk_routes
from radiochain.planning.check import PlanCheck, PlanCheckError, check_plan
from radiochain.planning.greedy import greedy_choice, plan_greedy
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
from radiochain.planning.solver import set_solver_threads, solver_threads
from radiochain.planning.workflow import METHODS, plan, run_plan, with_dataset

__all__ = [
    "METHODS",
    "ExtraConstraints",
    "Instance",
    "Model",
    "PlanCheck",
    "PlanCheckError",
    "PlanOptions",
    "PlanResult",
    "PlanStatus",
    "PlanWeights",
    "SolverReport",
    "build_instance",
    "build_model",
    "bulk_packages",
    "bulk_routes",
    "check_plan",
    "greedy_choice",
    "plan",
    "plan_greedy",
    "plan_milp",
    "run_plan",
    "set_solver_threads",
    "solve_model",
    "solver_threads",
    "with_dataset",
]
