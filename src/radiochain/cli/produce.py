"""``radiochain produce ROUTE``: production yield, specific activity, impurities of a route.

A thin layer over :func:`radiochain.physics.production.produce`: every route option is handed
over as the text the user typed (the library reads it, checks its unit and range, and names the
option in any error), the :class:`~radiochain.physics.production.RouteResult` is printed as
tables with units or as one JSON document. Options and their help come from the routes'
parameter specs, so the command line cannot drift from the library.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperCommand

from radiochain.cli.common import JsonOption, print_json
from radiochain.cli.common import console as make_console
from radiochain.errors import InputError, elide
from radiochain.physics.datasets import DEFAULT_DATASET
from radiochain.physics.production.presentation import fit_columns
from radiochain.physics.production.routes import ROUTES, parameter_specs
from radiochain.physics.production.workflow import DEFAULT_SEED, RouteResult

__all__ = ["produce", "register"]

_SPECS = parameter_specs()
MAX_TABLE_ROWS = 60
"""Rows of a per-event table printed on the terminal (``--json`` has them all)."""


_KEEP = "\x00"
"""Stands for a space that must not end a help line (inside a quoted example such as
'10 mg'); Click wraps at spaces, :class:`_Command` puts the spaces back after wrapping."""


_QUOTED = re.compile(r"(?<!\w)'[^'\s][^']*'(?!\w)")
"""A quoted example; an apostrophe inside a word (``generator's``) opens none."""


def _unbroken(text: str) -> str:
    """``text`` with the spaces inside quoted examples (``'10 mg'``) kept from wrapping."""
    return re.sub(_QUOTED, lambda m: m.group(0).replace(" ", _KEEP), text)


def _help(name: str) -> str:
    """An option's help from its spec, capitalized like every command's help, with the routes
    that take it."""
    spec, routes = _SPECS[name]
    takes = "every route" if len(routes) == len(ROUTES) else ", ".join(routes)
    return _unbroken(f"{spec.help[:1].upper()}{spec.help[1:]}. [{takes}]")


class _Command(TyperCommand):
    """``produce``'s help: wrapped by Click, then the kept spaces of :func:`_unbroken` put
    back, so that an example such as '37 MBq' is never cut in two."""

    def format_help(self, ctx: Any, formatter: Any) -> None:  # Typer vendors its own Click
        super().format_help(ctx, formatter)
        formatter.buffer[:] = [part.replace(_KEEP, " ") for part in formatter.buffer]


def _option(name: str) -> Any:
    return typer.Option(_SPECS[name][0].flag, help=_help(name))


def produce(
    ctx: typer.Context,
    route: Annotated[
        str | None, typer.Argument(help="Route name, e.g. lu177-direct (see --list).")
    ] = None,
    list_routes: Annotated[bool, typer.Option("--list", help="List every route.")] = False,
    target_mass: Annotated[str | None, _option("target_mass")] = None,
    enrichment: Annotated[str | None, _option("enrichment")] = None,
    thermal_flux: Annotated[str | None, _option("thermal_flux")] = None,
    epithermal_flux: Annotated[str | None, _option("epithermal_flux")] = None,
    irradiation: Annotated[str | None, _option("irradiation")] = None,
    cooling: Annotated[str | None, _option("cooling")] = None,
    product: Annotated[str | None, _option("product")] = None,
    separation_delay: Annotated[str | None, _option("separation_delay")] = None,
    lu_yield: Annotated[str | None, _option("lu_yield")] = None,
    yb_carryover: Annotated[str | None, _option("yb_carryover")] = None,
    weeks_in_core: Annotated[str | None, _option("weeks_in_core")] = None,
    targets: Annotated[str | None, _option("targets")] = None,
    start: Annotated[str | None, _option("start")] = None,
    outages: Annotated[list[str] | None, _option("outages")] = None,
    th229: Annotated[str | None, _option("th229")] = None,
    interval: Annotated[str | None, _option("interval")] = None,
    milkings: Annotated[str | None, _option("milkings")] = None,
    ac_yield: Annotated[str | None, _option("ac_yield")] = None,
    ra_removed: Annotated[str | None, _option("ra_removed")] = None,
    beam_current: Annotated[str | None, _option("beam_current")] = None,
    ra226: Annotated[str | None, _option("ra226")] = None,
    parent_activity: Annotated[str | None, _option("parent_activity")] = None,
    elutions: Annotated[str | None, _option("elutions")] = None,
    efficiency: Annotated[str | None, _option("efficiency")] = None,
    breakthrough: Annotated[str | None, _option("breakthrough")] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            help="Uncertainty samples, 1 to 1,000,000: each value's median with its 5th and "
            "95th percentiles."
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            help=f"Seed of the uncertainty samples, a whole number, 0 or more (default "
            f"{DEFAULT_SEED}); needs --samples."
        ),
    ] = None,
    dataset: Annotated[
        str | None,
        typer.Option(
            help="Nuclear dataset: 'radiochain' (bundled, the default) or 'icrp107'.",
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(help="Write the product's and impurities' activities (.png/.html/.pdf)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Production yield, specific activity and impurities of a production route."""
    from radiochain.physics.production.workflow import produce as run_route

    given = {k: v for k, v in ctx.params.items() if k in _SPECS and v not in (None, [], ())}
    if list_routes:
        _refuse_with_list(route, given, samples, seed, dataset, plot)
        _list_routes(as_json)
        return
    if route is None:
        raise InputError("give a route (e.g. 'radiochain produce lu177-direct ...') or --list")
    plot_file = _plot_file(plot) if plot is not None else None
    result = run_route(
        route,
        given,
        samples=samples,
        seed=seed,
        dataset=dataset or DEFAULT_DATASET,
        detail=plot is not None,
    )
    written = _write_plot(result, plot_file) if plot_file is not None else None
    if as_json:
        print_json({**result.to_dict(), "plot": str(written) if written else None})
        return
    _print_result(result, written)


def register(app: typer.Typer) -> None:
    """Add the ``produce`` command to ``app``."""
    app.command(name="produce", cls=_Command)(produce)


def _refuse_with_list(route: str | None, given: dict[str, Any], *others: object) -> None:
    """``--list`` lists every route and takes nothing else (it would be ignored)."""
    extra = ([elide(route)] if route is not None else []) + [_SPECS[k][0].flag for k in given]
    names = ("--samples", "--seed", "--dataset", "--plot")
    extra += [name for name, value in zip(names, others, strict=True) if value is not None]
    if extra:
        raise InputError(
            f"--list takes no route or option (it lists every route; only --json goes with "
            f"it), not {', '.join(extra)}"
        )


def _list_routes(as_json: bool) -> None:
    if as_json:
        print_json({"routes": [{"route": r.name, "summary": r.summary} for r in ROUTES.values()]})
        return
    table = Table(title="production routes")
    table.add_column("route")
    table.add_column("what it models")
    for route in ROUTES.values():
        table.add_row(route.name, Text(route.summary))
    make_console().print(table)


def _plot_file(path: Path) -> Path:
    """Check a ``--plot`` file can be written, before the computation."""
    from radiochain.files import output_folder
    from radiochain.reports.figures import FIGURE_SUFFIXES

    if str(path).strip() == "" or path.suffix.lower() not in FIGURE_SUFFIXES:
        raise InputError(f"--plot {elide(str(path))!r}: give a .png, .html or .pdf file name")
    if path.is_dir():
        raise InputError(f"--plot {elide(str(path))}: is a folder (give a file name)")
    output_folder(path.parent, what="--plot")
    return path


def _write_plot(result: RouteResult, path: Path) -> Path:
    from radiochain.reports.figures import chain_activity_figure, save_figure

    title = f"{result.route}: activities over the history"
    figure = chain_activity_figure(result.series_frame(), title)
    return save_figure(figure, path, title=title, table=result.table)


def _print_events(
    console: Console, result: RouteResult, headers: list[str], rows: list[list[str]]
) -> None:
    """The per-event table, units in the headers; on a narrow terminal (or a pipe, 80
    characters) only the columns that fit whole, and a line naming the others."""
    columns = fit_columns(headers, rows, console.width)
    kept = [k for k, _ in columns]
    table = Table()
    for k, width in columns:
        table.add_column(
            Text(headers[k]),  # text, not markup: "[d]" is a unit, not a style
            justify="left" if k == 0 else "right",
            width=width,  # wraps at spaces, never inside a word
        )
    for row in rows:
        table.add_row(*(Text(row[k]) for k in kept))
    console.print(table)
    if any("EOB" in headers[k] for k in kept):
        console.print("EOB: end of bombardment (the target's withdrawal)", markup=False)
    left_out = [headers[k] for k in range(len(headers)) if k not in kept]
    if left_out:
        console.print(
            f"not shown at this width ({console.width} characters): {'; '.join(left_out)} "
            "(a wider terminal shows them; --json and --plot have every column)",
            markup=False,
        )
    hidden = len(result.table) - len(rows) if result.table is not None else 0
    if hidden > 0:
        console.print(f"... {hidden} more rows (--json gives them all)", markup=False)


def _print_result(result: RouteResult, plot: Path | None) -> None:
    console = make_console()
    sampled = bool(result.intervals)
    values = Table(title=f"{result.route}: {result.summary}")
    values.add_column("quantity")
    values.add_column("value", justify="right")
    if sampled:
        values.add_column("median [5 %, 95 %]", justify="right")
    for name, value, band in result.value_rows():
        values.add_row(Text(name), Text(value), *([Text(band)] if sampled else []))
    console.print(values)
    events = result.event_rows(MAX_TABLE_ROWS)
    if events is not None:
        _print_events(console, result, *events)
    shown = ", ".join(f"{flag} {value}" for flag, value in result.parameters.describe().items())
    console.print(f"parameters: {shown}", markup=False)
    if result.samples is not None:
        console.print(f"uncertainty: {result.samples:,} samples, seed {result.seed}", markup=False)
    for note in result.report.notes:
        console.print(f"note: {note}", markup=False)
    for line in result.source_lines():
        console.print(line, markup=False)
    console.print(f"nuclear data: {result.dataset_label}", markup=False)
    if plot is not None:
        console.print(f"plot written to {plot}", markup=False)
