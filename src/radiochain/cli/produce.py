"""``radiochain produce ROUTE``: production yield, specific activity, impurities of a route.

Registered on the main Typer app by :func:`register` (``register(app)`` in ``cli/main.py``).
A thin layer: options become keyword arguments of the route's ``run`` (only those the route
declares in ``parameters``), the route's :class:`RouteReport` becomes the output.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from radiochain.cli.common import console as make_console
from radiochain.cli.common import print_json
from radiochain.errors import InputError
from radiochain.physics.datasets import DEFAULT_DATASET, get_dataset

__all__ = ["produce", "register"]

# CLI option name -> keyword of the routes' run()
_OPTION_NAMES = {
    "target_mass": "--target-mass",
    "enrichment": "--enrichment",
    "thermal_flux": "--thermal-flux",
    "epithermal_flux": "--epithermal-flux",
    "irradiation": "--irradiation",
    "cooling": "--cooling",
    "product": "--product",
    "separation_delay": "--separation-delay",
    "lu_yield": "--lu-yield",
    "yb_carryover": "--yb-carryover",
    "weeks_in_core": "--weeks-in-core",
    "targets": "--targets",
    "outages": "--outage",
    "start": "--start",
    "th229": "--th229",
    "interval": "--interval",
    "milkings": "--milkings",
    "ac_yield": "--ac-yield",
    "ra_removed": "--ra-removed",
    "beam_current": "--beam-current",
    "ra226": "--ra226",
    "parent_activity": "--parent-activity",
    "elutions": "--elutions",
    "efficiency": "--efficiency",
    "breakthrough": "--breakthrough",
}


def _clean(value: Any) -> Any:
    """JSON-safe: non-finite floats become None, numpy scalars plain numbers."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _list_routes(as_json: bool) -> None:
    from radiochain.physics.production.routes import ROUTES

    if as_json:
        payload = {"routes": [{"route": r.name, "summary": r.summary} for r in ROUTES.values()]}
        print_json(payload)
        return
    table = Table(title="production routes")
    table.add_column("route")
    table.add_column("what it models")
    for route in ROUTES.values():
        table.add_row(route.name, route.summary)
    make_console().print(table)


def produce(
    route: Annotated[
        str | None, typer.Argument(help="Route name, e.g. lu177-direct (see --list).")
    ] = None,
    list_routes: Annotated[bool, typer.Option("--list", help="List every route.")] = False,
    target_mass: Annotated[
        str | None, typer.Option(help="Element mass in the target, e.g. '10 mg'.")
    ] = None,
    enrichment: Annotated[
        float | None, typer.Option(help="Atom fraction of the target isotope, in [0, 1].")
    ] = None,
    thermal_flux: Annotated[
        float | None, typer.Option(help="Thermal neutron flux [n cm-2 s-1], e.g. 1e14.")
    ] = None,
    epithermal_flux: Annotated[
        float | None, typer.Option(help="Epithermal flux per unit lethargy [n cm-2 s-1].")
    ] = None,
    irradiation: Annotated[str | None, typer.Option(help="Irradiation time, e.g. '7 d'.")] = None,
    cooling: Annotated[
        str | None, typer.Option(help="Time from EOB to the reported point, e.g. '1 d'.")
    ] = None,
    product: Annotated[str | None, typer.Option(help="Product nuclide (default: route's).")] = None,
    separation_delay: Annotated[
        str | None, typer.Option(help="lu177-indirect: EOB to Lu/Yb separation.")
    ] = None,
    lu_yield: Annotated[float | None, typer.Option(help="lu177-indirect: Lu yield.")] = None,
    yb_carryover: Annotated[
        float | None, typer.Option(help="lu177-indirect: Yb carried over.")
    ] = None,
    weeks_in_core: Annotated[
        int | None, typer.Option(help="lu177-online: weeks each target stays in core.")
    ] = None,
    targets: Annotated[
        int | None, typer.Option(help="lu177-online: number of weekly targets.")
    ] = None,
    outage: Annotated[
        list[str] | None,
        typer.Option(help="lu177-online: reactor outage 'begin/end' ('30 d/45 d'), repeatable."),
    ] = None,
    start: Annotated[
        str | None, typer.Option(help="lu177-online: ISO date of the first insertion.")
    ] = None,
    th229: Annotated[
        str | None, typer.Option(help="Th-229 cow: Th-229 activity or mass, '100 mCi'.")
    ] = None,
    interval: Annotated[
        str | None, typer.Option(help="Cow milking / generator elution interval, '14 d'.")
    ] = None,
    milkings: Annotated[int | None, typer.Option(help="Th-229 cow: number of milkings.")] = None,
    ac_yield: Annotated[float | None, typer.Option(help="Th-229 cow: Ac yield.")] = None,
    ra_removed: Annotated[
        float | None, typer.Option(help="Th-229 cow: Ra fraction removed per milking.")
    ] = None,
    beam_current: Annotated[
        float | None, typer.Option(help="Accelerator routes: beam current [µA].")
    ] = None,
    ra226: Annotated[
        str | None, typer.Option(help="ac225-ra226-p2n: Ra-226 on target, '37 MBq'.")
    ] = None,
    parent_activity: Annotated[
        str | None, typer.Option(help="Generators: parent activity at t = 0, '1.85 GBq'.")
    ] = None,
    elutions: Annotated[int | None, typer.Option(help="Generators: number of elutions.")] = None,
    efficiency: Annotated[
        float | None, typer.Option(help="Generators: elution efficiency.")
    ] = None,
    breakthrough: Annotated[
        float | None, typer.Option(help="Generators: parent breakthrough fraction.")
    ] = None,
    samples: Annotated[
        int | None, typer.Option(help="Uncertainty samples (median and 90 % interval).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the uncertainty samples.")] = 20261122,
    dataset: Annotated[str, typer.Option(help="Nuclear dataset.")] = DEFAULT_DATASET,
    plot: Annotated[
        Path | None,
        typer.Option(
            help="Write product and impurity activities over the history (.png/.html/.pdf)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Production yield, specific activity and impurities of a production route."""
    import numpy as np

    from radiochain.physics.production.routes import get_route
    from radiochain.physics.production.uncertainty import check_samples, summarize

    if list_routes:
        _list_routes(as_json)
        return
    if route is None:
        raise InputError("give a route (e.g. 'radiochain produce lu177-direct ...') or --list")
    chosen = get_route(route)
    local = locals()
    given: dict[str, Any] = {
        k: local[k.rstrip("s") if k == "outages" else k] for k in _OPTION_NAMES
    }
    given["outages"] = outage
    given = {k: v for k, v in given.items() if v is not None}
    if "outages" in given:
        given["outages"] = list(given["outages"])
    for key in given:
        if key not in chosen.parameters:
            accepted = [_OPTION_NAMES[p] for p in chosen.parameters if p in _OPTION_NAMES]
            raise InputError(
                f"route {chosen.name!r} does not take {_OPTION_NAMES[key]} "
                f"(it takes: {', '.join(accepted)})"
            )
    data = get_dataset(dataset)
    kwargs: dict[str, Any] = dict(given, dataset=data)
    if plot is not None and "samples_per_day" in chosen.parameters:
        kwargs["samples_per_day"] = 24.0
    intervals: dict[str, dict[str, float]] = {}
    if samples is not None:
        check_samples(samples)
    if samples is not None and "samples" in chosen.parameters:
        kwargs.update(samples=samples, seed=seed)
    _require_arguments(chosen, kwargs)
    result = chosen.run(**kwargs)
    report = chosen.report(result)
    if samples is not None and "samples" not in chosen.parameters:
        import inspect

        takes = set(inspect.signature(chosen.sample).parameters)
        extra = [k for k in given if k not in takes]
        if extra:
            raise InputError(
                f"--samples with route {chosen.name!r} does not support "
                f"{', '.join(_OPTION_NAMES[k] for k in extra)} (drop them or --samples)"
            )
        sample_kwargs = {k: v for k, v in kwargs.items() if k in takes}
        draws = chosen.sample(samples, np.random.default_rng(seed), **sample_kwargs)
        for key, values in draws.items():
            stats = summarize(values)
            intervals[key] = {"median": stats.median, "p05": stats.low, "p95": stats.high}

    plot_path = None
    if plot is not None:
        import pandas as pd

        from radiochain.reports.figures import chain_activity_figure, save_figure

        frame = pd.DataFrame(
            {name: np.asarray(v, dtype=float) for name, v in report.series.items()},
            index=pd.Index(np.asarray(report.series_times, dtype=float), name="time_s"),
        )
        frame.attrs["unit"] = "Bq"
        frame.attrs["dataset"] = report.dataset
        title = f"{chosen.name}: activities over the history"
        fig = chain_activity_figure(frame, title)
        plot_path = save_figure(fig, plot, title=title, table=report.table)

    table_records = None
    if report.table is not None:
        table_records = json.loads(
            report.table.reset_index().to_json(orient="records", date_format="iso")
        )
    if as_json:
        payload = {
            "route": chosen.name,
            "summary": chosen.summary,
            "inputs": given,
            **dict(report.values),
            "impurity_ratios": dict(report.impurity_ratios),
            "intervals": intervals or None,
            "samples": samples,
            "seed": seed if samples is not None else None,
            "table": table_records,
            "sources": dict(report.sources),
            "notes": list(report.notes),
            "dataset": data.name,
            "dataset_version": data.version,
            "plot": str(plot_path) if plot_path else None,
        }
        text = json.dumps(_clean(payload), indent=2, ensure_ascii=False, allow_nan=False)
        sys.stdout.write(text + "\n")
        return
    console = make_console()
    out = Table(title=f"{chosen.name}: {chosen.summary}")
    out.add_column("quantity")
    out.add_column("value", justify="right")
    out.add_column("median [5 %, 95 %]", justify="right")
    for key, value in report.values.items():
        band = intervals.get(key)
        text = (
            "" if band is None else f"{band['median']:.4g} [{band['p05']:.4g}, {band['p95']:.4g}]"
        )
        out.add_row(key, "—" if value is None else f"{value:.6g}", text)
    for name, ratio in report.impurity_ratios.items():
        out.add_row(f"{name} / {chosen.products[0]} activity", f"{ratio:.4g}", "")
    console.print(out)
    if report.table is not None:
        console.print(report.table.to_string(max_rows=60))
    for note in report.notes:
        console.print(f"note: {note}")
    # each distinct reference once, numbered; each datum points to its numbers
    references: dict[str, int] = {}
    for what, text in report.sources.items():
        numbers = []
        for part in text.split("; "):
            item, _, citation = part.partition(": ")
            key = citation or item
            references.setdefault(key, len(references) + 1)
            numbers.append(f"{item} [{references[key]}]" if citation else f"[{references[key]}]")
        console.print(f"data {what}: {', '.join(numbers)}")
    for citation, number in references.items():
        console.print(f"  [{number}] {citation}", markup=False)
    console.print(f"nuclear data: {data.label}")
    if plot_path:
        console.print(f"plot written to {plot_path}")


def register(app: typer.Typer) -> None:
    """Add the ``produce`` command to ``app``."""
    app.command(name="produce")(produce)


def _require_arguments(route: Any, kwargs: dict[str, Any]) -> None:
    """Name every option the route needs and was not given, instead of a TypeError."""
    import inspect

    missing = [
        name
        for name, parameter in inspect.signature(route.run).parameters.items()
        if parameter.default is inspect.Parameter.empty
        and parameter.kind in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD)
        and name not in kwargs
        and name != "self"
    ]
    if missing:
        shown = ", ".join(_OPTION_NAMES.get(m, "--" + m.replace("_", "-")) for m in missing)
        raise InputError(f"route {route.name!r} needs {shown} (see 'radiochain produce --help')")
