"""``radiochain plan NETWORK``: the decay-aware plan a dispatcher can follow.

A thin layer: the options are parsed into the arguments of
:func:`radiochain.planning.run_plan` (which plans, checks, and writes the tables,
``summary.json`` and the report), and the result is printed. A plan that fails its own check
exits 1 after it is written (:meth:`~radiochain.planning.PlanResult.raise_for_check`).
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from radiochain.cli.common import JsonOption, print_json
from radiochain.cli.common import console as make_console
from radiochain.errors import InputError, elide


def plan_command(
    network_path: Annotated[
        Path, typer.Argument(metavar="NETWORK", help="Network folder or .json.")
    ],
    start: Annotated[
        str | None,
        typer.Option(
            help="First day, YYYY-MM-DD, 2000-01-01 to 2100-12-31 (default: the network's)."
        ),
    ] = None,
    days: Annotated[int, typer.Option(help="Horizon in days (1 to 366).")] = 7,
    method: Annotated[
        str,
        typer.Option(
            help="'milp' (HiGHS, from the greedy plan) or 'greedy' (first come, first served)."
        ),
    ] = "milp",
    out: Annotated[
        str, typer.Option(help="Folder for the plan tables, summary.json and the report.")
    ] = "out/plan",
    time_limit: Annotated[
        str | None,
        typer.Option(help="MILP: solver time limit, a duration up to '7 d' (default '10 min')."),
    ] = None,
    gap: Annotated[
        str | None,
        typer.Option(help="MILP: relative gap to stop at, 0.005 or '0.5 %' (the default)."),
    ] = None,
    weights: Annotated[
        str | None,
        typer.Option(
            help="MILP: objective weights, name=value pairs of unserved (above 0), moved, "
            "waste_per_gbq, cost, e.g. 'moved=1e5' (defaults: docs/planning.md)."
        ),
    ] = None,
    save_model: Annotated[
        str | None, typer.Option(help="Also write the MILP to a .mps or .lp file.")
    ] = None,
    dataset: Annotated[
        str | None, typer.Option(help="Nuclear dataset (default: the network's).")
    ] = None,
    report: Annotated[
        bool, typer.Option(help="Write report.html and PNG figures into --out.")
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """Plan production, labelling and delivery so that every patient is treated.

    Writes doses.csv, batches.csv, shipments.csv (doses and bulk nuclide), inputs.csv,
    summary.json and report.html (+ PNGs) to --out. Exit code 1 when the network cannot be
    planned (e.g. a hospital no lane reaches within the shelf life) or the plan fails its own
    check; 2 for bad input (a network with errors included).
    """
    from radiochain.network.io import read_network
    from radiochain.planning import PlanOptions, run_plan

    chosen_method = _method(method)
    if chosen_method == "greedy":
        _milp_only(time_limit=time_limit, gap=gap, weights=weights, save_model=save_model)
    options = PlanOptions(start=_start(start), days=_days(days))
    chosen = _weights(weights)
    seconds = _time_limit(time_limit)
    mip_gap = _gap(gap)
    network = read_network(network_path)
    result = run_plan(
        network,
        method=chosen_method,
        options=options,
        weights=chosen,
        time_limit_s=seconds,
        mip_gap=mip_gap,
        save_model=save_model,
        dataset=dataset,
        out=out,
        report=report,
    )
    summary = result.summary()
    if as_json:
        print_json(summary)
    else:
        _print(result, summary)
    result.raise_for_check()


def _method(text: str) -> Any:
    from radiochain.planning import METHODS

    if text not in METHODS:
        raise InputError(f"--method {elide(text)!r}: use 'milp' or 'greedy'")
    return text


def _milp_only(**given: str | None) -> None:
    """Refuse options that only the MILP uses with ``--method greedy`` (never ignore them)."""
    names = [f"--{name.replace('_', '-')}" for name, value in given.items() if value is not None]
    if names:
        raise InputError(
            f"{', '.join(names)}: only --method milp uses {'it' if len(names) == 1 else 'them'}"
            " (the greedy rule has no objective, solver or model)"
        )


def _start(text: str | None) -> date | None:
    from radiochain.units import parse_date

    if text is None:
        return None
    if not text.strip():
        raise InputError("--start: empty (write a date, YYYY-MM-DD, e.g. 2026-03-02)")
    return parse_date(text, what="--start")


def _days(days: int) -> int:
    from radiochain.planning.instance import MAX_DAYS

    if not 1 <= days <= MAX_DAYS:
        raise InputError(f"--days {days}: give 1 to {MAX_DAYS}")
    return days


def _time_limit(text: str | None) -> float | None:
    from radiochain.planning.workflow import MAX_TIME_LIMIT_S
    from radiochain.units import to_seconds

    if text is None:
        return None
    try:
        float(text)
    except ValueError:
        pass
    else:
        raise InputError(
            f"--time-limit: {elide(text)!r} has no unit (write e.g. '{elide(text.strip(), 20)} s' "
            "or '10 min')"
        )
    seconds = to_seconds(text, default_unit=None, what="--time-limit")
    if not 0 < seconds <= MAX_TIME_LIMIT_S:
        raise InputError(f"--time-limit {elide(text)!r}: give a duration above 0 and at most '7 d'")
    return seconds


def _gap(text: str | None) -> float | None:
    from radiochain.units import parse_fraction

    if text is None:
        return None
    value = parse_fraction(text, what="--gap")
    if value >= 1:
        raise InputError(f"--gap {elide(text)!r}: give a fraction below 1, e.g. 0.005 or '0.5 %'")
    return value


def _weights(text: str | None) -> Any:
    from radiochain.planning import PlanWeights

    if text is None:
        return None
    names = tuple(PlanWeights.__dataclass_fields__)
    values: dict[str, float] = {}
    for part in text.split(","):
        key, sign, value = (p.strip() for p in part.partition("="))
        if key not in names:
            raise InputError(
                f"--weights: unknown weight {elide(key, 40)!r} (use {', '.join(names)}, "
                "e.g. 'moved=1e5')"
            )
        try:
            number = float(value) if sign else math.nan
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or number < 0:
            raise InputError(
                f"--weights: {elide(part.strip(), 40)!r}: {key} needs a finite number >= 0, "
                f"e.g. {key}=1e6"
            )
        if key in values:
            raise InputError(f"--weights: {key} is given twice")
        values[key] = number
    try:
        return PlanWeights(**values)
    except InputError as err:  # the library's range: said once, for the option given
        raise InputError(f"--weights: {err}") from None


def _gbq(value: float | None) -> str:
    return "" if value is None else f"{value / 1e9:,.1f}"


def _print(result: Any, summary: dict[str, Any]) -> None:
    from radiochain.planning.result import activity_balance

    console = make_console()
    console.print(
        f"[bold]{summary['network']}[/bold]: {result.method} plan, {result.status.value}, "
        f"{result.days} days from {result.start}"
    )
    k, base = result.kpis, result.baseline or {}
    table = Table(show_header=True)
    table.add_column("")
    table.add_column("plan", justify="right")
    if base:
        table.add_column("greedy baseline", justify="right")
    for key in ("appointments", "treated_on_day", "moved", "unserved", "batches", "shipments"):
        table.add_row(
            key.replace("_", " "), str(k[key]), *([str(base.get(key, ""))] if base else [])
        )
    base_rows = activity_balance(base) if base else []
    for n, (text, depth, value) in enumerate(activity_balance(k)):
        row = [f"{'  ' * depth}{text} [GBq]", _gbq(value)]
        if base:
            row.append(_gbq(base_rows[n][2]))
        table.add_row(*row)
    row = ["cost (the network's currency)", f"{k['cost']:,.0f}"]
    if base:
        row.append(f"{base['cost']:,.0f}" if "cost" in base else "")
    table.add_row(*row)
    console.print(table)
    console.print("activity: the indented rows add up to the row above them", markup=False)
    console.print(
        f"bulk nuclide: {k['bulk_shipments']} shipment(s) in {k['bulk_packages']} package(s)"
        + (
            f", {k['bulk_type_b_shipments']} of them in Type B(U)"
            if k["bulk_type_b_shipments"]
            else ""
        )
    )
    if result.report:
        r = result.report
        gap_text = "unknown (no bound yet)" if r.mip_gap is None else f"{r.mip_gap:.2%}"
        console.print(
            f"solver {r.solver}: {r.message}, {r.runtime_s:.2f} s (build {r.build_s:.2f} s), "
            f"gap {gap_text}, {r.variables} variables, {r.constraints} constraints",
            markup=False,
        )
    for note in result.notes:
        console.print(f"note: {note}", markup=False)
    check = result.check
    console.print(
        f"plan check: {'ok' if check.ok else 'FAILED'} ({check.doses_checked} doses recomputed)"
    )
    console.print(f"nuclear data: {result.dataset}", markup=False)
    console.print(f"written to {summary['out']}/ ({', '.join(sorted(_names(summary)))})")


def _names(summary: dict[str, Any]) -> list[str]:
    return [Path(p).name for p in summary["files"].values()]


def register(app: typer.Typer) -> None:
    """Add ``plan`` to the main app."""
    app.command("plan")(plan_command)
