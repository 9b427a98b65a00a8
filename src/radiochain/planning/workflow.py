"""The planning workflows: :func:`plan` (one plan) and :func:`run_plan` (what ``radiochain
plan`` and the service do: plan, check, write the tables, ``summary.json`` and the report).

Both validate their own arguments: a caller gets one :class:`~radiochain.errors.InputError`
line for a bad argument, before anything is built or solved.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Literal

from radiochain.errors import InputError, elide, elide_path
from radiochain.network.core import Network
from radiochain.planning.check import PlanCheckError, check_plan
from radiochain.planning.greedy import greedy_choice
from radiochain.planning.instance import PlanOptions, build_instance, unserved_reasons
from radiochain.planning.milp import (
    ExtraConstraints,
    PlanWeights,
    check_model_size,
    model_file,
    plan_milp,
)
from radiochain.planning.result import PlanResult, PlanStatus, assemble

__all__ = ["MAX_TIME_LIMIT_S", "METHODS", "PlanCheckError", "plan", "run_plan"]

METHODS = ("milp", "greedy")
"""Planning methods: the MILP on HiGHS, or first come, first served."""

MAX_TIME_LIMIT_S = 7 * 86_400.0
"""Longest solver time limit [s] (a week)."""


DEFAULT_TIME_LIMIT_S = 600.0
"""Solver time limit when none is given [s]."""
DEFAULT_MIP_GAP = 0.005
"""Relative MIP gap at which HiGHS stops when none is given."""


def _refuse_milp_only(**given: object) -> None:
    """Arguments only the MILP uses are refused with the greedy method, never ignored."""
    names = [name for name, value in given.items() if value is not None]
    if names:
        raise InputError(
            f"{', '.join(names)}: only the 'milp' method uses "
            f"{'it' if len(names) == 1 else 'them'} (the greedy rule has no objective, "
            "solver or model)"
        )


def _check_arguments(
    method: str,
    options: PlanOptions | None,
    weights: PlanWeights | None,
    time_limit_s: float | None,
    mip_gap: float | None,
    save_model: str | Path | None = None,
    extra_constraints: ExtraConstraints | None = None,
) -> tuple[float, float]:
    """Check the arguments; the time limit [s] and the MIP gap to use."""
    if method not in METHODS:
        raise InputError(f"method {elide(method)!r}: use 'milp' or 'greedy'")
    if method == "greedy":
        _refuse_milp_only(
            weights=weights,
            time_limit_s=time_limit_s,
            mip_gap=mip_gap,
            save_model=save_model,
            extra_constraints=extra_constraints,
        )
    time_limit_s = DEFAULT_TIME_LIMIT_S if time_limit_s is None else time_limit_s
    mip_gap = DEFAULT_MIP_GAP if mip_gap is None else mip_gap
    if options is not None and not isinstance(options, PlanOptions):
        raise InputError(f"options: give a PlanOptions, not {type(options).__name__}")
    if weights is not None and not isinstance(weights, PlanWeights):
        raise InputError(f"weights: give a PlanWeights, not {type(weights).__name__}")
    if (
        isinstance(time_limit_s, bool)
        or not isinstance(time_limit_s, int | float)
        or not math.isfinite(time_limit_s)
        or not 0 < time_limit_s <= MAX_TIME_LIMIT_S
    ):
        raise InputError(
            f"time limit {elide(time_limit_s)} s: give a duration above 0 and at most 7 d"
        )
    if (
        isinstance(mip_gap, bool)
        or not isinstance(mip_gap, int | float)
        or not math.isfinite(mip_gap)
        or not 0 <= mip_gap < 1
    ):
        raise InputError(f"MIP gap {elide(mip_gap)}: give a fraction from 0 to below 1")
    return float(time_limit_s), float(mip_gap)


def check_out(out: str | Path, network: Network) -> None:
    """Refuse an output folder that is the network's own folder or inside it (the plan's
    tables would mix with the network's, which ``network validate`` then calls unknown), or
    the network's .json file.

    Raises
    ------
    InputError
        Naming the folder given and the network.
    """
    origin = getattr(network, "origin", None)
    if origin is None or str(out).strip() == "":
        return
    target, source = Path(out).resolve(), Path(origin).resolve()
    shown, where = elide_path(out, 60), f"the network folder {elide_path(origin, 60)}"
    if target == source and source.suffix == ".json":
        raise InputError(f"--out {shown}: is the network file itself (give another folder)")
    if source.is_dir() and target.is_relative_to(source):
        inside = "is the network folder" if target == source else f"is inside {where}"
        raise InputError(
            f"--out {shown}: {inside} (the plan's tables would mix with the network's; "
            "give a folder outside it, e.g. out/plan)"
        )


def plan(
    network: Network,
    *,
    method: Literal["milp", "greedy"] = "milp",
    options: PlanOptions | None = None,
    weights: PlanWeights | None = None,
    time_limit_s: float | None = None,
    mip_gap: float | None = None,
    save_model: str | Path | None = None,
    extra_constraints: ExtraConstraints | None = None,
    with_baseline: bool = True,
    warm_start: bool = True,
) -> PlanResult:
    """Plan a network over a horizon.

    Parameters
    ----------
    network : Network
    method : {"milp", "greedy"}
    options : PlanOptions
        Horizon and option generation.
    weights : PlanWeights
        Objective weights (MILP only; default :class:`PlanWeights`).
    time_limit_s : float [s]
        Above 0, at most 7 days (MILP only; default 600 s).
    mip_gap : float
        Relative gap at which HiGHS stops, in [0, 1) (MILP only; default 0.005 = 0.5 %).
    save_model : str or Path, optional
        Write the MILP to this .mps or .lp file before solving (checked first).
    extra_constraints : callable, optional
        Hook ``f(model, instance)`` called after the standard constraints are built.
    with_baseline : bool
        Keep the greedy baseline's KPIs on the same instance (:attr:`PlanResult.baseline`).
    warm_start : bool
        Start HiGHS from the greedy plan, so that a time limit returns at worst that plan.

    Raises
    ------
    InputError
        A bad argument, or a network with errors (:class:`~radiochain.network.NetworkError`).
    InfeasibleError
        The network cannot be planned (e.g. no lane reaches a hospital within the shelf life).
    """
    time_limit_s, mip_gap = _check_arguments(
        method, options, weights, time_limit_s, mip_gap, save_model, extra_constraints
    )
    if save_model is not None:
        model_file(save_model)
    instance = build_instance(network, options)
    if method == "milp":
        check_model_size(instance)
    start = greedy_choice(instance) if (warm_start or with_baseline or method == "greedy") else None
    if method == "greedy":
        assert start is not None
        return assemble(
            instance,
            start,
            method="greedy",
            status=PlanStatus.FEASIBLE,
            objective=None,
            report=None,
            reasons=unserved_reasons(instance),
        )
    result = plan_milp(
        instance,
        weights=weights,
        time_limit_s=time_limit_s,
        mip_gap=mip_gap,
        save_model=save_model,
        extra_constraints=extra_constraints,
        start=start if warm_start else None,
    )
    if with_baseline and start is not None:
        result.baseline = assemble(
            instance,
            start,
            method="greedy",
            status=PlanStatus.FEASIBLE,
            objective=None,
            report=None,
            reasons=unserved_reasons(instance),
        ).kpis
    return result


def with_dataset(network: Network, dataset: str) -> Network:
    """The network with another nuclear dataset (a shallow copy; the tables are shared).

    Raises
    ------
    InputError
        An unknown dataset (or one whose optional package is missing).
    """
    from radiochain.physics.datasets import get_dataset

    name = get_dataset(dataset).name
    other = copy.copy(network)
    other.dataset_name = name
    return other


def run_plan(
    network: Network,
    *,
    method: Literal["milp", "greedy"] = "milp",
    options: PlanOptions | None = None,
    weights: PlanWeights | None = None,
    time_limit_s: float | None = None,
    mip_gap: float | None = None,
    save_model: str | Path | None = None,
    extra_constraints: ExtraConstraints | None = None,
    dataset: str | None = None,
    out: str | Path | None = None,
    report: bool = True,
) -> PlanResult:
    """The ``radiochain plan`` workflow: plan, check the plan independently, write it.

    The output folder and the model file are checked before anything is solved. The plan is
    written even when its check fails (so the violations can be read in ``summary.json``);
    :meth:`PlanResult.raise_for_check` then raises :class:`PlanCheckError` (exit code 1).

    Parameters
    ----------
    network : Network
    method, options, weights, time_limit_s, mip_gap, save_model, extra_constraints
        As :func:`plan` (with the greedy baseline).
    dataset : str, optional
        Nuclear dataset to plan with instead of the network's (``radiochain``, ``icrp107``).
    out : str or Path, optional
        Folder for ``doses.csv``, ``batches.csv``, ``shipments.csv``, ``inputs.csv``,
        ``summary.json`` and (with ``report``) ``report.html`` and its figures, outside the
        network's folder. Nothing is written without it.
    report : bool
        Write the HTML report and figures into ``out``.

    Returns
    -------
    PlanResult
        With :attr:`~PlanResult.check` set, and :attr:`~PlanResult.files` when written.

    Examples
    --------
    >>> from radiochain.network.examples import load_example
    >>> result = run_plan(load_example("tiny"), method="greedy")
    >>> result.check.ok, result.kpis["unserved"]
    (True, 0)
    """
    from radiochain.files import output_folder

    _check_arguments(method, options, weights, time_limit_s, mip_gap, save_model, extra_constraints)
    if out is not None:
        check_out(out, network)
    folder = output_folder(out) if out is not None else None
    if save_model is not None:
        model_file(save_model)
    if dataset is not None:
        network = with_dataset(network, dataset)
    result = plan(
        network,
        method=method,
        options=options,
        weights=weights,
        time_limit_s=time_limit_s,
        mip_gap=mip_gap,
        save_model=save_model,
        extra_constraints=extra_constraints,
    )
    result.check = check_plan(network, result)
    if not result.check.ok:
        result.notes.append(f"plan check FAILED: {result.check.violations[0]}")
    if folder is not None:
        result.write(folder, report=report, network=network)
    return result
