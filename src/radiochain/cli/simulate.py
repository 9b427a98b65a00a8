"""``radiochain simulate NETWORK``: stress-test the weekly plan under disruptions, on Dask."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from radiochain.errors import InputError


def simulate_command(
    network_path: Annotated[
        Path, typer.Argument(metavar="NETWORK", help="Network folder or .json.")
    ],
    weeks: Annotated[int, typer.Option(help="Weeks per run.")] = 52,
    runs: Annotated[int, typer.Option(help="Runs in the ensemble.")] = 100,
    seed: Annotated[int, typer.Option(help="Root seed (same seed, same result).")] = 0,
    scenario: Annotated[
        Path | None, typer.Option(help="Scenario YAML (disruptions and policy).")
    ] = None,
    workers: Annotated[
        int, typer.Option(help="1: in this process; K>1: a local Dask cluster of K processes.")
    ] = 1,
    scheduler: Annotated[
        str | None, typer.Option(help="Existing Dask scheduler, e.g. tcp://host:8786.")
    ] = None,
    policy: Annotated[
        str, typer.Option(help="'dispatch' (fast rule) or 'rolling' (re-plan via the MILP).")
    ] = "dispatch",
    reserve: Annotated[
        float | None, typer.Option(help="Outage reserve as a fraction of weekly demand.")
    ] = None,
    n_minus_1: Annotated[
        str | None,
        typer.Option(
            "--n-minus-1",
            help="Lose a producer or lane: a name, 'largest-producer' or 'largest-lane'.",
        ),
    ] = None,
    outage_days: Annotated[float, typer.Option(help="Days the --n-minus-1 loss lasts.")] = 21.0,
    outage_start: Annotated[float, typer.Option(help="Day of the run it starts.")] = 0.0,
    size_reserve: Annotated[
        bool, typer.Option("--size-reserve", help="Find the smallest reserve meeting --target.")
    ] = False,
    target: Annotated[
        str, typer.Option(help="Risk target, e.g. 'P(missed > 1 %) < 5 %'.")
    ] = "P(missed > 1 %) < 5 %",
    out: Annotated[Path, typer.Option(help="Folder for tables, figures, report.")] = Path(
        "out/simulate"
    ),
    events: Annotated[bool, typer.Option("--events", help="Write the event log.")] = False,
    report: Annotated[bool, typer.Option(help="Write report.html and PNG figures.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Replay the weekly plan for many runs under disruptions and report what patients see.

    Writes runs.parquet (KPIs per run), weekly.parquet, events.parquet (--events),
    summary.json and report.html (+ fan_chart.png, exceedance.png) to --out.
    """
    from radiochain.network.io import read_network
    from radiochain.simulation import (
        NMinus1,
        exceedance_curve,
        no_disruptions,
        parse_target,
        plan_template,
        read_scenario,
        run_ensemble,
        run_rolling,
        summarize,
    )
    from radiochain.simulation import (
        size_reserve as find_reserve,
    )
    from radiochain.simulation.dispatch import resolve

    if policy not in ("dispatch", "rolling"):
        raise InputError(f"--policy {policy!r}: use 'dispatch' or 'rolling'")
    if weeks < 1 or runs < 1:
        raise InputError(f"--weeks {weeks} / --runs {runs}: give at least 1")
    if workers < 1:
        raise InputError(f"--workers {workers}: give at least 1")
    if seed < 0:
        raise InputError(f"--seed {seed}: give a whole number >= 0")
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: is a file (give a folder)")
    if n_minus_1 and outage_start >= weeks * 7:
        raise InputError(
            f"--outage-start {outage_start:g}: the run lasts {weeks * 7} days (start it earlier)"
        )
    goal = parse_target(target) if size_reserve else None
    chosen = (
        read_scenario(scenario)
        if scenario
        else replace(no_disruptions(), name="network", use_network_outages=True)
    )
    if reserve is not None:
        chosen = chosen.with_reserve(reserve)
    if n_minus_1:
        if outage_days < 0 or outage_start < 0:
            raise InputError("--outage-days and --outage-start must be >= 0")
        chosen = replace(chosen, n_minus_1=NMinus1(n_minus_1, outage_days, outage_start))
    network = read_network(network_path)
    started = time.perf_counter()
    template, plan = plan_template(network)
    resolved = resolve(template, chosen, weeks)  # unknown names fail here, before the bar
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True, disable=as_json) as bar:
        task = bar.add_task(f"{policy}: {runs} runs x {weeks} weeks", total=runs)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        def ensemble(sc: Any) -> Any:
            bar.update(task, completed=0)
            if policy == "rolling":
                return run_rolling(
                    network, template, sc, weeks=weeks, runs=runs, seed=seed, progress=tick
                )
            return run_ensemble(
                template,
                sc,
                weeks=weeks,
                runs=runs,
                seed=seed,
                workers=workers,
                scheduler=scheduler,
                events=events,
                progress=tick,
            )

        sizing = None
        if goal is not None:
            sizing = find_reserve(lambda f: ensemble(chosen.with_reserve(f)).runs, goal)
            if sizing.reserve_fraction is not None:
                chosen = chosen.with_reserve(sizing.reserve_fraction)
        result = ensemble(chosen)
    elapsed = time.perf_counter() - started
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    result.runs.to_parquet(folder / "runs.parquet", index=False)
    result.weekly.to_parquet(folder / "weekly.parquet", index=False)
    files = {"runs": str(folder / "runs.parquet"), "weekly": str(folder / "weekly.parquet")}
    if events and result.events is not None:
        result.events.to_parquet(folder / "events.parquet", index=False)
        files["events"] = str(folder / "events.parquet")
    answers = summarize(result.runs, seed=seed)
    curve = exceedance_curve(result.runs["missed_disrupted_fraction"])
    facts = {
        "network": network.name,
        "policy": policy,
        "weeks": weeks,
        "runs": runs,
        "seed": seed,
        "scenario": chosen.name,
        "reserve_fraction": chosen.reserve_fraction,
        "n_minus_1_target": resolved.n_minus_1_target,
        "planned_treated_on_day_per_week": int(plan.kpis["treated_on_day"]),
        "planned_unserved_per_week": int(plan.kpis["unserved"]),
    }
    if report:
        from radiochain.reports.simulation_report import write_simulation_report

        files |= write_simulation_report(
            result, answers, folder, title=f"Stress test of {network.name}", facts=facts
        )
    summary = facts | {
        "scenario_detail": chosen.to_dict(),
        "mean": {k: float(v) for k, v in result.runs.drop(columns="run").mean().items()},
        "answers": answers.to_dict(orient="records"),
        "exceedance_missed_disrupted_fraction": curve.to_dict(orient="records")[:200],
        "reserve_sizing": sizing.to_dict() if sizing else None,
        "nuclear_dataset": plan.dataset,
        "runtime_s": elapsed,
        "files": files,
    }
    (folder / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
        return
    _print(summary, answers)


def _print(summary: dict[str, Any], answers: Any) -> None:
    console = Console(highlight=False, soft_wrap=True)
    console.print(
        f"[bold]{summary['network']}[/bold]: {summary['runs']} runs x {summary['weeks']} weeks, "
        f"policy {summary['policy']}, scenario {summary['scenario']}, "
        f"reserve {summary['reserve_fraction']:.0%} ({summary['runtime_s']:.1f} s)"
    )
    if summary.get("n_minus_1_target"):
        n1 = summary["scenario_detail"].get("n_minus_1") or {}
        console.print(
            f"N-1: {summary['n_minus_1_target']} lost for {n1.get('days', '?')} d "
            f"from day {n1.get('start_day', '?')}",
            markup=False,
        )
    table = Table(show_header=True)
    for name in ("kpi", "p5", "median [95 % CI]", "p95"):
        table.add_column(name, justify="right")
    for kpi, rows in answers.groupby("kpi", sort=False):
        v = rows.set_index("quantile")
        scale = 1e-9 if str(kpi).endswith("_bq") else 1.0
        label = str(kpi).replace("_bq", " [GBq]")
        table.add_row(
            label,
            _number(v.loc[0.05, "value"] * scale),
            f"{_number(v.loc[0.5, 'value'] * scale)} "
            f"[{_number(v.loc[0.5, 'ci_low'] * scale)}, {_number(v.loc[0.5, 'ci_high'] * scale)}]",
            _number(v.loc[0.95, "value"] * scale),
        )
    console.print(table)
    sizing = summary.get("reserve_sizing")
    if sizing:
        f = sizing["reserve_fraction"]
        console.print(
            f"reserve for {sizing['target']!r}: "
            + ("not reached at 200 %" if f is None else f"{f:.1%} of weekly nuclide demand")
        )
    console.print(f"written to {Path(summary['files']['runs']).parent}")


def register(app: typer.Typer) -> None:
    """Add ``simulate`` to the ``radiochain`` app."""
    app.command("simulate")(simulate_command)


def _number(value: float) -> str:
    """Counts as whole numbers with thousands separators, small values with 3 significant
    figures, rounding noise (|x| < 1e-9) as 0."""
    x = float(value)
    if abs(x) < 1e-9:
        return "0"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"
