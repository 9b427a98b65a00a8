"""``radiochain simulate NETWORK``: stress-test the weekly plan under disruptions, on Dask.

A thin layer: options become :class:`~radiochain.simulation.StressTestOptions`, the work is
:func:`~radiochain.simulation.stress_test`, the result writes itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from radiochain.cli.common import JsonOption, print_json, stderr_console
from radiochain.cli.common import console as make_console

_DEFAULT_TARGET = "P(missed > 1 %) < 5 %"


def simulate_command(
    network_path: Annotated[
        Path, typer.Argument(metavar="NETWORK", help="Network folder or .json.")
    ],
    weeks: Annotated[int, typer.Option(help="Weeks per run (1 to 520).")] = 52,
    runs: Annotated[int, typer.Option(help="Runs in the ensemble (1 to 100,000).")] = 100,
    seed: Annotated[int, typer.Option(help="Root seed (same seed, same result).")] = 0,
    scenario: Annotated[
        Path | None, typer.Option(help="Scenario YAML (disruptions and policy).")
    ] = None,
    workers: Annotated[
        int,
        typer.Option(help="1: in this process; K>1: a local Dask cluster of K processes (<= 256)."),
    ] = 1,
    scheduler: Annotated[
        str | None, typer.Option(help="Existing Dask scheduler, e.g. tcp://host:8786.")
    ] = None,
    policy: Annotated[
        str, typer.Option(help="'dispatch' (fast rule) or 'rolling' (re-plan via the MILP).")
    ] = "dispatch",
    reserve: Annotated[
        str | None,
        typer.Option(help="Outage reserve as a fraction of weekly demand, e.g. 0.2 or '20 %'."),
    ] = None,
    n_minus_1: Annotated[
        str | None,
        typer.Option(
            "--n-minus-1",
            help="Lose a producer or lane: a name, 'largest-producer' or 'largest-lane'.",
        ),
    ] = None,
    outage_duration: Annotated[
        str, typer.Option(help="How long the --n-minus-1 loss lasts, e.g. '21 d'.")
    ] = "21 d",
    outage_start: Annotated[
        str, typer.Option(help="When in the run the --n-minus-1 loss starts, e.g. '0 d'.")
    ] = "0 d",
    size_reserve: Annotated[
        bool, typer.Option("--size-reserve", help="Find the smallest reserve meeting --target.")
    ] = False,
    target: Annotated[
        str, typer.Option(help="Risk target of --size-reserve, e.g. 'P(missed > 1 %) < 5 %'.")
    ] = _DEFAULT_TARGET,
    dataset: Annotated[
        str | None, typer.Option(help="Nuclear dataset (default: the network's).")
    ] = None,
    out: Annotated[str, typer.Option(help="Folder for tables, figures, report.")] = "out/simulate",
    events: Annotated[bool, typer.Option("--events", help="Write the event log.")] = False,
    report: Annotated[bool, typer.Option(help="Write report.html and PNG figures.")] = True,
    as_json: JsonOption = False,
) -> None:
    """Replay the weekly plan for many runs under disruptions and report what patients see.

    Writes runs.parquet (KPIs per run), weekly.parquet, events.parquet (--events),
    summary.json and report.html (+ fan_chart.png, exceedance.png) to --out.
    """
    from radiochain.files import output_folder
    from radiochain.network.io import read_network
    from radiochain.simulation import (
        NMinus1,
        StressTestOptions,
        parse_target,
        read_scenario,
        stress_test,
    )
    from radiochain.units import parse_fraction, to_seconds

    day = 86_400.0
    options = StressTestOptions(
        weeks=weeks,
        runs=runs,
        seed=seed,
        policy=policy,  # type: ignore[arg-type]  # validated by StressTestOptions
        workers=workers,
        scheduler=scheduler,
        reserve_fraction=None
        if reserve is None
        else parse_fraction(reserve, what="--reserve", upper=10.0),
        n_minus_1=None
        if n_minus_1 is None
        else NMinus1(
            n_minus_1,
            to_seconds(outage_duration, default_unit=None, what="--outage-duration") / day,
            to_seconds(outage_start, default_unit=None, what="--outage-start") / day,
        ),
        target=parse_target(target) if size_reserve else None,
        events=events,
    )
    chosen = read_scenario(scenario) if scenario is not None else None
    # the library refuses a network with errors (exit 2) or one it cannot plan (exit 1)
    network = read_network(network_path, dataset=dataset)
    folder = output_folder(out)
    with _ProgressBar(options, as_json) as tick:
        result = stress_test(network, chosen, options, progress=tick)
    result.write(folder, report=report)
    summary = result.summary()
    if as_json:
        print_json(summary)
        return
    _print(summary, result.answers)


class _ProgressBar:
    """A Rich bar on stderr (none with --json); restarts for each ensemble of a search."""

    def __init__(self, options: Any, quiet: bool) -> None:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        console = stderr_console()
        self._bar = Progress(
            *columns,
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=quiet or not console.is_terminal,  # no bar drawn into logs and pipes
        )
        self._label = f"{options.policy}: {options.runs} runs x {options.weeks} weeks"

    def __enter__(self) -> Any:
        self._bar.__enter__()
        task = self._bar.add_task(self._label, total=None)

        def tick(done: int, total: int) -> None:
            self._bar.update(task, completed=done, total=total)

        return tick

    def __exit__(self, *exc: object) -> None:
        self._bar.__exit__(None, None, None)


def _print(summary: dict[str, Any], answers: Any) -> None:
    console = make_console()
    console.print(
        f"[bold]{summary['network']}[/bold]: {summary['runs']} runs x {summary['weeks']} weeks, "
        f"policy {summary['policy']}, scenario {summary['scenario']}, "
        f"reserve {summary['reserve_fraction']:.0%} ({summary['runtime_s']:.1f} s)"
    )
    if summary.get("n_minus_1_target"):
        n1 = summary["scenario_detail"].get("n_minus_1") or {}
        console.print(
            f"N-1: {summary['n_minus_1_target']} lost for {n1.get('days', '?'):g} d "
            f"from day {n1.get('start_day', '?'):g}",
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
