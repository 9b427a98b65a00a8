"""The stress-test workflow: plan the week, replay it under disruptions, answer, write.

:func:`stress_test` is what ``radiochain simulate`` and the service run: it validates its
options, plans the network's week (the template), runs the ensemble with the chosen policy,
optionally sizes the outage reserve for a risk target, and returns a
:class:`StressTestResult` that can describe itself (:meth:`StressTestResult.summary`) and
write itself (:meth:`StressTestResult.write`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from radiochain.errors import InputError, elide
from radiochain.network.core import Network
from radiochain.simulation.answers import (
    ReserveSizing,
    Target,
    exceedance_curve,
    size_reserve,
    summarize,
)
from radiochain.simulation.ensemble import (
    EnsembleResult,
    check_scheduler,
    dask_client,
    run_ensemble,
)
from radiochain.simulation.rolling import refuse_lane_loss, run_rolling
from radiochain.simulation.scenario import MAX_RESERVE, NMinus1, Scenario, no_disruptions
from radiochain.simulation.template import PlanTemplate

__all__ = [
    "MAX_RUNS",
    "MAX_WEEKS",
    "MAX_WORKERS",
    "StressTestOptions",
    "StressTestResult",
    "network_scenario",
    "stress_test",
]

MAX_WEEKS = 520
"""Longest run [weeks] (ten years)."""
MAX_RUNS = 100_000
"""Most runs in one ensemble."""
MAX_WORKERS = 256
"""Most local Dask worker processes."""

Policy = Literal["dispatch", "rolling"]
Progress = Callable[[int, int], None]


def _count(value: int, name: str, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(f"{name} {elide(value)}: give a whole number from {low} to {high:,}")


@dataclass(frozen=True)
class StressTestOptions:
    """How to stress-test a network (validated on creation).

    Attributes
    ----------
    weeks : int
        Weeks per run, 1 to :data:`MAX_WEEKS`.
    runs : int
        Runs in the ensemble, 1 to :data:`MAX_RUNS`.
    seed : int
        Root seed (>= 0): the same seed gives the same result, bit for bit.
    policy : {"dispatch", "rolling"}
        The fast dispatch rule, or weekly re-planning through the MILP (an upper bound: it
        knows the week's losses in advance).
    workers : int
        1: in this process; more: a local Dask cluster of that many processes.
    scheduler : str, optional
        Address of an existing Dask scheduler, ``tcp://host:8786`` (dispatch policy only).
    reserve_fraction : float, optional [1]
        Outage reserve as a fraction of the weekly nuclide demand (overrides the scenario's).
    n_minus_1 : NMinus1, optional
        A forced loss of a producer or lane.
    target : Target, optional
        With it, find the smallest reserve that meets this risk target.
    events : bool
        Keep the event log.
    """

    weeks: int = 52
    runs: int = 100
    seed: int = 0
    policy: Policy = "dispatch"
    workers: int = 1
    scheduler: str | None = None
    reserve_fraction: float | None = None
    n_minus_1: NMinus1 | None = None
    target: Target | None = None
    events: bool = False

    def __post_init__(self) -> None:
        _count(self.weeks, "--weeks", 1, MAX_WEEKS)
        _count(self.runs, "--runs", 1, MAX_RUNS)
        _count(self.workers, "--workers", 1, MAX_WORKERS)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise InputError(f"--seed {elide(self.seed)}: give a whole number >= 0")
        if self.policy not in ("dispatch", "rolling"):
            raise InputError(f"--policy {elide(self.policy)!r}: use 'dispatch' or 'rolling'")
        self._check_scheduler()
        if self.reserve_fraction is not None and not (
            isinstance(self.reserve_fraction, int | float)
            and not isinstance(self.reserve_fraction, bool)
            and math.isfinite(self.reserve_fraction)
            and 0 <= self.reserve_fraction <= MAX_RESERVE
        ):
            raise InputError(
                f"--reserve {elide(self.reserve_fraction)}: give a fraction of weekly demand "
                f"from 0 to {MAX_RESERVE:g} (e.g. 0.2 or '20 %')"
            )
        if self.n_minus_1 is not None:
            self.n_minus_1.check_within(self.weeks)
            if self.policy == "rolling" and self.n_minus_1.target == "largest-lane":
                raise InputError(
                    f"{self.n_minus_1.label('target')} largest-lane: a lane loss is not "
                    "supported by the rolling policy (use the dispatch policy)"
                )
        if self.target is not None and not isinstance(self.target, Target):
            raise InputError("--target: give a risk target (radiochain.simulation.parse_target)")
        if not isinstance(self.events, bool):
            raise InputError(f"--events {elide(self.events)!r}: give true or false")

    def _check_scheduler(self) -> None:
        if self.policy == "rolling" and self.workers != 1:
            raise InputError("--workers: the rolling policy runs in this process (drop it)")
        if self.scheduler is None:
            return
        check_scheduler(self.scheduler)
        if self.policy == "rolling":
            raise InputError("--scheduler: the rolling policy runs in this process (drop it)")
        if self.workers != 1:
            raise InputError(
                "--workers and --scheduler: give one of them (an existing scheduler's cluster "
                "has its own workers)"
            )


def network_scenario() -> Scenario:
    """The scenario of a network as it is: its own outage statistics, nothing else."""
    return replace(no_disruptions(), name="network", use_network_outages=True)


@dataclass
class StressTestResult:
    """A finished stress test: the ensemble, its answers, and what it was asked.

    Attributes
    ----------
    network : str
        Name of the network.
    options : StressTestOptions
    scenario : Scenario
        The scenario the final ensemble ran (with the sized reserve, if any).
    ensemble : EnsembleResult
        Per-run KPIs, weekly counts, events.
    answers : DataFrame
        Percentiles with bootstrap intervals per KPI (:func:`summarize`).
    exceedance : DataFrame
        Loss-exceedance curve of the share of patients missed by disruptions.
    sizing : ReserveSizing or None
        The reserve-sizing search, when a target was given.
    n_minus_1_target : str or None
        The producer or lane an N-1 run lost.
    planned : dict
        The weekly plan's treated and unserved appointments.
    dataset, dataset_version : str
        Nuclear data of every decay factor.
    runtime_s : float [s]
    files : dict
        What :meth:`write` wrote (kind -> path).
    notes : list of str
        What the user should know about the answer (e.g. an N-1 loss that changes nothing).
    """

    network: str
    options: StressTestOptions
    scenario: Scenario
    ensemble: EnsembleResult
    answers: pd.DataFrame
    exceedance: pd.DataFrame
    sizing: ReserveSizing | None
    n_minus_1_target: str | None
    planned: dict[str, int]
    dataset: str
    dataset_version: str
    runtime_s: float
    files: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        """What was asked, in a few fields (the head of the summary and of the report)."""
        o = self.options
        return {
            "network": self.network,
            "policy": o.policy,
            "weeks": o.weeks,
            "runs": o.runs,
            "seed": o.seed,
            "scenario": self.scenario.name,
            "reserve_fraction": self.scenario.reserve_fraction,
            "n_minus_1_target": self.n_minus_1_target,
            "planned_treated_on_day_per_week": self.planned["treated_on_day"],
            "planned_unserved_per_week": self.planned["unserved"],
        }

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary (what ``summary.json`` and ``--json`` hold)."""
        runs = self.ensemble.runs
        return self.facts() | {
            "scenario_detail": self.scenario.to_dict(),
            "mean": {str(k): float(v) for k, v in runs.drop(columns="run").mean().items()},
            "answers": self.answers.to_dict(orient="records"),
            "exceedance_missed_disrupted_fraction": self.exceedance.to_dict(orient="records")[:200],
            "reserve_sizing": self.sizing.to_dict() if self.sizing else None,
            "dataset": self.dataset,
            "dataset_version": self.dataset_version,
            "runtime_s": self.runtime_s,
            "notes": list(self.notes),
            "files": dict(self.files),
        }

    def write(self, folder: str | Path, *, report: bool = True) -> dict[str, str]:
        """Write ``runs.parquet``, ``weekly.parquet``, ``events.parquet`` (with events),
        ``summary.json`` and, with ``report``, ``report.html`` and its figures.

        Returns
        -------
        dict
            File kind -> path, also kept in :attr:`files`.
        """
        from radiochain.files import output_folder, write_json

        out = output_folder(folder)
        files = {"runs": out / "runs.parquet", "weekly": out / "weekly.parquet"}
        self.ensemble.runs.to_parquet(files["runs"], index=False)
        self.ensemble.weekly.to_parquet(files["weekly"], index=False)
        if self.ensemble.events is not None:
            files["events"] = out / "events.parquet"
            self.ensemble.events.to_parquet(files["events"], index=False)
        self.files = {k: str(v) for k, v in files.items()}
        if report:
            from radiochain.reports.simulation_report import write_simulation_report

            self.files |= write_simulation_report(
                self.ensemble,
                self.answers,
                out,
                title=f"Stress test of {self.network}",
                facts=self.facts(),
                sizing=self.sizing.to_dict() if self.sizing else None,
                notes=self.notes,
            )
        self.files["summary"] = str(out / "summary.json")
        write_json(out / "summary.json", self.summary())
        return dict(self.files)


def _ensemble(
    network: Network,
    template: PlanTemplate,
    scenario: Scenario,
    options: StressTestOptions,
    progress: Progress | None,
    client: Any = None,
) -> EnsembleResult:
    o = options
    if o.policy == "rolling":
        return run_rolling(
            network, template, scenario, weeks=o.weeks, runs=o.runs, seed=o.seed, progress=progress
        )
    return run_ensemble(
        template,
        scenario,
        weeks=o.weeks,
        runs=o.runs,
        seed=o.seed,
        workers=o.workers,
        scheduler=o.scheduler,
        events=o.events,
        progress=progress,
        client=client,
    )


def _scenario(scenario: Scenario | None, options: StressTestOptions) -> Scenario:
    chosen = scenario if scenario is not None else network_scenario()
    if options.reserve_fraction is not None:
        chosen = chosen.with_reserve(options.reserve_fraction)
    if options.n_minus_1 is not None:
        chosen = replace(chosen, n_minus_1=options.n_minus_1)
    return chosen


def stress_test(
    network: Network,
    scenario: Scenario | None = None,
    options: StressTestOptions | None = None,
    *,
    template: PlanTemplate | None = None,
    progress: Progress | None = None,
) -> StressTestResult:
    """Replay the network's weekly plan for many runs under disruptions.

    Parameters
    ----------
    network : Network
        A valid network (see :meth:`~radiochain.network.core.Network.validate`).
    scenario : Scenario, optional
        Disruptions and policy (default: the network's own outage statistics).
    options : StressTestOptions, optional
    template : PlanTemplate, optional
        A weekly plan already made for this network (default: planned here with the MILP).
    progress : callable, optional
        ``progress(done_runs, total_runs)``; with a target, once per ensemble of the search.

    Returns
    -------
    StressTestResult

    Raises
    ------
    InputError
        A scenario or N-1 target that names what the network lacks, an N-1 loss after the end
        of the run or (rolling policy) of a lane, network outage values beyond the simulator's
        limits, a scheduler that cannot be reached or is not a Dask scheduler.
    InfeasibleError
        The network's week cannot be planned.
    """
    from radiochain.simulation.dispatch import resolve
    from radiochain.simulation.template import plan_template

    options = options or StressTestOptions()
    if not isinstance(options, StressTestOptions):
        raise InputError("stress_test: give the options as StressTestOptions")
    started = time.perf_counter()
    chosen = _scenario(scenario, options)
    # the scheduler is reached (or refused) before the week is planned, and serves every
    # ensemble of a reserve search
    with dask_client(options.workers, options.scheduler) as client:
        if template is None:
            template, plan = plan_template(network)
            planned = {k: int(plan.kpis[k]) for k in ("treated_on_day", "unserved")}
        else:
            planned = {k: int(template.plan_kpis.get(k, 0)) for k in ("treated_on_day", "unserved")}
        resolved = resolve(template, chosen, options.weeks)  # bad names fail before any run
        if options.policy == "rolling":
            refuse_lane_loss(chosen, resolved)
        sizing = None
        if options.target is not None:
            sizing = size_reserve(
                lambda f: (
                    _ensemble(
                        network, template, chosen.with_reserve(f), options, progress, client
                    ).runs
                ),
                options.target,
            )
            if sizing.reserve_fraction is not None:
                chosen = chosen.with_reserve(sizing.reserve_fraction)
        result = _ensemble(network, template, chosen, options, progress, client)
    dataset = network.dataset
    return StressTestResult(
        network=network.name,
        options=options,
        scenario=chosen,
        ensemble=result,
        answers=summarize(result.runs, seed=options.seed),
        exceedance=exceedance_curve(result.runs["missed_disrupted_fraction"]),
        sizing=sizing,
        n_minus_1_target=resolved.n_minus_1_target,
        planned=planned,
        dataset=dataset.name,
        dataset_version=dataset.version,
        runtime_s=time.perf_counter() - started,
        notes=list(resolved.notes),
    )
