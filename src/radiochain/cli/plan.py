"""``radiochain plan NETWORK``: the decay-aware plan a dispatcher can follow."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from radiochain.cli.common import console as make_console
from radiochain.cli.common import print_json
from radiochain.errors import InputError
from radiochain.planning.milp import PlanWeights


def plan_command(
    network_path: Annotated[
        Path, typer.Argument(metavar="NETWORK", help="Network folder or .json.")
    ],
    start: Annotated[
        str | None, typer.Option(help="First day, YYYY-MM-DD (default: the network's).")
    ] = None,
    days: Annotated[int, typer.Option(help="Horizon [d].")] = 7,
    method: Annotated[
        str, typer.Option(help="'milp' (HiGHS) or 'greedy' (first come, first served).")
    ] = "milp",
    out: Annotated[Path, typer.Option(help="Folder for the plan tables and report.")] = Path(
        "out/plan"
    ),
    time_limit: Annotated[float, typer.Option(help="Solver time limit [s].")] = 600.0,
    gap: Annotated[
        float, typer.Option(help="Relative MIP gap to stop at (0.005 = 0.5 %).")
    ] = 0.005,
    weights: Annotated[
        str | None,
        typer.Option(
            help="Objective weights, e.g. 'unserved=1e8,moved=1e6,waste_per_gbq=100,cost=0.001'."
        ),
    ] = None,
    save_model: Annotated[
        Path | None, typer.Option(help="Write the MILP to a .mps or .lp file.")
    ] = None,
    report: Annotated[bool, typer.Option(help="Write report.html and PNG figures.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Plan production, labelling and delivery so that every patient is treated.

    Writes doses.csv, batches.csv, shipments.csv, summary.json and report.html (+ PNGs) to --out.
    Exit code 1 when the network cannot be planned (e.g. a hospital no lane reaches within the
    shelf life); 2 for bad input.
    """
    from radiochain.network.io import read_network
    from radiochain.planning import PlanOptions, check_plan, plan

    if method not in ("milp", "greedy"):
        raise InputError(f"--method {method!r}: use 'milp' or 'greedy'")
    if not 1 <= days <= 366:
        raise InputError(f"--days {days}: give 1 to 366")
    if not time_limit > 0:
        raise InputError(f"--time-limit {time_limit}: give a positive number of seconds")
    if not 0 <= gap < 1:
        raise InputError(f"--gap {gap}: give a fraction in [0, 1), e.g. 0.005")
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: is a file (give a folder)")
    try:
        first_day = date.fromisoformat(start) if start else None
    except ValueError:
        raise InputError(f"--start {start!r} is not a date (write YYYY-MM-DD)") from None
    network = read_network(network_path)
    result = plan(
        network,
        method=method,  # type: ignore[arg-type]
        options=PlanOptions(start=first_day, days=days),
        weights=_weights(weights),
        time_limit_s=time_limit,
        mip_gap=gap,
        save_model=str(save_model) if save_model else None,
    )
    check = check_plan(network, result)
    if not check.ok:  # a bug, not bad input: say so loudly
        result.notes.append(
            f"plan checker found {len(check.violations)} violation(s): {check.violations[0]}"
        )
    folder = result.write(out)
    files = {}
    if report:
        from radiochain.reports.plan_report import write_plan_report

        files = write_plan_report(result, network, folder)
    summary = result.summary() | {
        "plan_check": {"ok": check.ok, "violations": check.violations[:20]},
        "out": str(folder),
        "files": files,
    }
    (folder / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    if as_json:
        print_json(summary)
        return
    console = make_console()
    k = result.kpis
    console.print(
        f"[bold]{network.name}[/bold]: {result.method} plan, {result.status.value}, "
        f"{result.days} days from {result.start}"
    )
    base = result.baseline or {}
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
    if result.report:
        r = result.report
        gap_text = "n/a" if r.mip_gap is None else f"{r.mip_gap:.2%}"
        console.print(
            f"solver {r.solver}: {r.message}, {r.runtime_s:.2f} s (build {r.build_s:.2f} s), "
            f"gap {gap_text}, {r.variables} variables, {r.constraints} constraints"
        )
    console.print(
        f"plan check: {'ok' if check.ok else 'FAILED'} ({check.doses_checked} doses recomputed)"
    )
    console.print(f"nuclear data: {result.dataset}")
    console.print(
        f"written to {folder}/ (doses.csv, batches.csv, shipments.csv, summary.json"
        f"{', report.html' if report else ''})"
    )


def _weights(text: str | None) -> PlanWeights:
    if not text:
        return PlanWeights()
    values = {}
    for part in text.split(","):
        key, _, value = part.partition("=")
        key = key.strip()
        if key not in PlanWeights.__dataclass_fields__:
            raise InputError(
                f"--weights: unknown weight {key!r} "
                f"(use {', '.join(PlanWeights.__dataclass_fields__)})"
            )
        try:
            values[key] = float(value)
        except ValueError:
            raise InputError(f"--weights: {part!r} needs a number, e.g. {key}=1e6") from None
        if values[key] < 0:
            raise InputError(f"--weights: {key} must be >= 0")
    return PlanWeights(**values)


def register(app: typer.Typer) -> None:
    """Add ``plan`` to the main app."""
    app.command("plan")(plan_command)
