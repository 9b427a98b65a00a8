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
from rich.text import Text

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
        str | None,
        typer.Option(
            help="How long the --n-minus-1 loss lasts (default '21 d').", show_default=False
        ),
    ] = None,
    outage_start: Annotated[
        str | None,
        typer.Option(
            help="When in the run the --n-minus-1 loss starts (default '0 d').", show_default=False
        ),
    ] = None,
    size_reserve: Annotated[
        bool, typer.Option("--size-reserve", help="Find the smallest reserve meeting --target.")
    ] = False,
    target: Annotated[
        str | None,
        typer.Option(
            help="Risk target of --size-reserve (default 'P(missed > 1 %) < 5 %'); "
            "'P(wasted > 1 GBq) < 5 %' for activity.",
            show_default=False,
        ),
    ] = None,
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
    from radiochain.simulation.scenario import MAX_RESERVE
    from radiochain.units import parse_fraction, to_seconds

    _refuse_lone_options(n_minus_1, outage_duration, outage_start, size_reserve, target)
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
        else parse_fraction(reserve, what="--reserve", upper=MAX_RESERVE),
        n_minus_1=None
        if n_minus_1 is None
        else NMinus1(
            n_minus_1,
            to_seconds(outage_duration or "21 d", default_unit=None, what="--outage-duration")
            / day,
            to_seconds(outage_start or "0 d", default_unit=None, what="--outage-start") / day,
        ),
        target=parse_target(target or _DEFAULT_TARGET) if size_reserve else None,
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


def _refuse_lone_options(
    n_minus_1: str | None,
    outage_duration: str | None,
    outage_start: str | None,
    size_reserve: bool,
    target: str | None,
) -> None:
    """Options that mean something only beside another one are refused alone (never ignored)."""
    from radiochain.errors import InputError

    if target is not None and not size_reserve:
        raise InputError("--target needs --size-reserve (the target is what the reserve must meet)")
    for name, value in (("--outage-duration", outage_duration), ("--outage-start", outage_start)):
        if value is not None and n_minus_1 is None:
            raise InputError(f"{name} needs --n-minus-1 (the producer or lane that is lost)")


class _ProgressBar:
    """A Rich bar on stderr (none with --json); restarts for each ensemble of a search."""

    def __init__(self, options: Any, quiet: bool) -> None:
        from radiochain.reports.simulation_report import runs_and_weeks

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        console = stderr_console()
        self._bar = Progress(
            *columns,
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=quiet or not console.is_terminal,  # no bar drawn into logs and pipes
        )
        self._label = f"{options.policy}: {runs_and_weeks(options.runs, options.weeks)}"

    def __enter__(self) -> Any:
        self._bar.__enter__()
        task = self._bar.add_task(self._label, total=None)

        def tick(done: int, total: int) -> None:
            self._bar.update(task, completed=done, total=total)

        return tick

    def __exit__(self, *exc: object) -> None:
        self._bar.__exit__(None, None, None)


def _print(summary: dict[str, Any], answers: Any) -> None:
    from radiochain.reports.simulation_report import (
        describe_sizing,
        kpi_table,
        plain,
        runs_and_weeks,
    )

    console = make_console()
    console.print(
        f"{summary['network']}: {runs_and_weeks(summary['runs'], summary['weeks'])}, "
        f"policy {summary['policy']}, scenario {summary['scenario']}, "
        f"reserve {plain(100.0 * summary['reserve_fraction'])} % "
        f"({summary['runtime_s']:.1f} s)",
        markup=False,
    )
    if summary.get("n_minus_1_target"):
        n1 = summary["scenario_detail"].get("n_minus_1") or {}
        console.print(
            f"N-1: {summary['n_minus_1_target']} lost for {plain(n1.get('duration_d', 0))} d "
            f"from day {plain(n1.get('start_d', 0))}",
            markup=False,
        )
    header, rows = kpi_table(answers, summary["runs"])
    table = Table(
        show_header=True,
        title=f"per run of {summary['weeks']:,} week" + ("s" if summary["weeks"] != 1 else ""),
    )
    for i, name in enumerate(header):
        table.add_column(Text(name), justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*map(Text, row))  # text, not markup: "[d]" is a unit
    console.print(table)
    if summary.get("reserve_sizing"):
        console.print(describe_sizing(summary["reserve_sizing"]), markup=False)
    for note in summary.get("notes") or []:
        console.print(note, markup=False)
    console.print(f"written to {Path(summary['files']['runs']).parent}", markup=False)


def register(app: typer.Typer) -> None:
    """Add ``simulate`` to the ``radiochain`` app."""
    app.command("simulate")(simulate_command)
