"""``radiochain network validate|show`` and ``radiochain example``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from radiochain.cli.common import JsonOption
from radiochain.cli.common import console as make_console
from radiochain.cli.common import print_json as _print_json
from radiochain.errors import InputError, elide
from radiochain.units import format_quantity

network_app = typer.Typer(
    rich_markup_mode=None,
    help="Read, check and summarize supply networks.",
    no_args_is_help=True,
)

NetworkArgument = Annotated[
    str, typer.Argument(metavar="PATH", help="Network folder (or .json export).")
]
DatasetOption = Annotated[
    str | None,
    typer.Option("--dataset", help="Nuclear dataset (default: the network's nuclear_dataset)."),
]


def _dataset_keys(network: Any) -> dict[str, str]:
    data = network.dataset
    return {"dataset": data.name, "dataset_version": data.version}


@network_app.command("validate")
def validate(
    path: NetworkArgument, dataset: DatasetOption = None, as_json: JsonOption = False
) -> None:
    """List every problem of a network: file:row: field: what is wrong (what would be right).

    The problems are the result: they are printed on stdout (with --json, one document), one
    per line. Exit code 2 if there is any error; warnings alone exit 0.
    """
    from radiochain.network.io import read_network

    network = read_network(path, dataset=dataset)
    report = network.validate()
    if as_json:
        _print_json(
            {
                "network": network.name,
                **_dataset_keys(network),
                "errors": len(report.errors),
                "warnings": len(report.warnings),
                "problems": [p.to_dict() for p in report],
            }
        )
    else:
        for problem in report:
            sys.stdout.write(f"{problem.level}: {problem}\n")
        sys.stdout.write(
            f"{network.name}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)\n"
        )
    if not report.ok:
        raise typer.Exit(2)


def _figure_file(value: str | None, option: str) -> Path | None:
    """A figure file to write, checked before any work: a .png, .html or .pdf name in a folder
    that can be written."""
    from radiochain.files import output_folder
    from radiochain.reports.figures import FIGURE_SUFFIXES

    if value is None:
        return None
    if value.strip() == "":
        raise InputError(f"{option}: empty path (give a .png, .html or .pdf file)")
    path = Path(value)
    shown = elide(value)
    if path.suffix.lower() not in FIGURE_SUFFIXES:
        raise InputError(f"{option} {shown}: use a .png, .html or .pdf file name")
    if path.is_dir():
        raise InputError(f"{option} {shown}: is a folder (give a file name)")
    output_folder(path.parent, what=f"{option} {shown}: folder")
    return path


@network_app.command("show")
def show(
    path: NetworkArgument,
    map_file: Annotated[
        str | None,
        typer.Option(
            "--map", metavar="FILE", help="Draw sites and lanes to a .png, .html or .pdf file."
        ),
    ] = None,
    dataset: DatasetOption = None,
    as_json: JsonOption = False,
) -> None:
    """Counts per table, and weekly capacity against demand per nuclide.

    A network with errors is refused (exit code 2, the first error named): its summary
    would be wrong. 'radiochain network validate' lists every problem.
    """
    from radiochain.network.io import read_network
    from radiochain.network.summary import summarize

    figure = _figure_file(map_file, "--map")
    network = read_network(path, strict=True, dataset=dataset)
    summary = summarize(network)
    files: dict[str, str] = {}
    if figure is not None:
        from radiochain.reports.figures import save_figure
        from radiochain.reports.maps import network_map

        title = f"{network.name}: sites and lanes"
        files["map"] = str(save_figure(network_map(network, title), figure, title=title))
    summary["files"] = files
    if as_json:
        _print_json(summary)
        return
    _print_summary(network, summary)


def _print_summary(network: Any, summary: dict[str, Any]) -> None:
    console = make_console()
    console.print(
        f"[bold]{network.name}[/bold] ({network.timezone}, nuclear data {network.dataset.label})"
    )
    if network.description:
        console.print(network.description)
    counts = ", ".join(f"{k} {v}" for k, v in summary["counts"].items() if v)
    console.print(f"tables: {counts}")
    console.print("sites: " + ", ".join(f"{k} {v}" for k, v in summary["sites_by_kind"].items()))
    table = Table(title="weekly capacity vs demand")
    for column in ("nuclide", "week", "doses", "demand", "capacity", "demand/capacity"):
        table.add_column(column, justify="right")
    for row in summary["capacity_vs_demand"]:
        share = row["demand_share"]
        table.add_row(
            row["nuclide"],
            row["week_start"],
            f"{row['doses']:.0f}",
            format_quantity(row["demand_bq"], "activity"),
            format_quantity(row["capacity_bq"], "activity"),
            "no capacity" if share is None else f"{share:.0%}",
        )
    console.print(table)
    if "map" in summary["files"]:
        console.print(f"map written to {summary['files']['map']}")


def example(
    name: Annotated[
        str,
        typer.Argument(
            help="'tiny', 'china-2025', 'synthetic', or 'clinical' (clinical command inputs)."
        ),
    ],
    directory: Annotated[
        str, typer.Argument(metavar="DIR", help="New or empty folder to write into.")
    ],
    hospitals: Annotated[
        int | None,
        typer.Option(help="Hospitals of a synthetic network: 1 to 100,000 (default 100)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Seed of a synthetic network: >= 0 (default 0).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Write a bundled example network (or a generated 'synthetic' one) to a folder."""
    from radiochain.network.examples import write_example

    written = write_example(name, directory, hospitals=hospitals, seed=seed)
    files = {p.name: str(p) for p in sorted(written.iterdir()) if p.is_file()}
    if as_json:
        _print_json({"example": name, "out": str(written), "files": files})
    else:
        sys.stdout.write(f"example {name!r} written to {written}\n")


def register(app: typer.Typer) -> None:
    """Add the network commands to the main app."""
    app.add_typer(network_app, name="network")
    app.command("example")(example)
