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
        str, typer.Option(help="Solver time limit, a duration, e.g. '10 min' (at most '7 d').")
    ] = "10 min",
    gap: Annotated[
        str, typer.Option(help="Relative MIP gap to stop at, a fraction: 0.005 or '0.5 %'.")
    ] = "0.5 %",
    weights: Annotated[
        str | None,
        typer.Option(
            help="Objective weights, e.g. 'unserved=1e8,moved=1e6,waste_per_gbq=100,cost=0.001'."
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

    options = PlanOptions(start=_start(start), days=_days(days))
    chosen = _weights(weights)
    seconds = _time_limit(time_limit)
    mip_gap = _gap(gap)
    network = read_network(network_path)
    result = run_plan(
        network,
        method=_method(method),
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


def _start(text: str | None) -> date | None:
    from radiochain.planning.instance import FIRST_START, LAST_START

    if text is None:
        return None
    if not text.strip():
        raise InputError("--start: empty (write a date, YYYY-MM-DD, e.g. 2026-03-02)")
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"--start {elide(text)!r}: not a date (write YYYY-MM-DD, e.g. 2026-03-02)"
        ) from None
    if not FIRST_START <= day <= LAST_START:
        raise InputError(f"--start {day}: give a date between {FIRST_START} and {LAST_START}")
    return day


def _days(days: int) -> int:
    from radiochain.planning.instance import MAX_DAYS

    if not 1 <= days <= MAX_DAYS:
        raise InputError(f"--days {days}: give 1 to {MAX_DAYS}")
    return days


def _time_limit(text: str) -> float:
    from radiochain.planning.workflow import MAX_TIME_LIMIT_S
    from radiochain.units import to_seconds

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


def _gap(text: str) -> float:
    from radiochain.units import parse_fraction

    value = parse_fraction(text, what="--gap")
    if value >= 1:
        raise InputError(f"--gap {elide(text)!r}: give a fraction below 1, e.g. 0.005 or '0.5 %'")
    return value


def _weights(text: str | None) -> Any:
    from radiochain.planning import PlanWeights

    if text is None:
        return PlanWeights()
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
    return PlanWeights(**values)


def _print(result: Any, summary: dict[str, Any]) -> None:
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
    for key, text in (
        ("activity_ordered_bq", "nuclide ordered from producers"),
        ("activity_produced_bq", "labelled (at calibration)"),
        ("activity_administered_bq", "administered"),
        ("activity_decayed_before_administration_bq", "decayed between calibration and patient"),
    ):
        row = [f"{text} [GBq]", f"{k[key] / 1e9:,.1f}"]
        if base:
            row.append(f"{base[key] / 1e9:,.1f}" if key in base else "")
        table.add_row(*row)
    console.print(table)
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
