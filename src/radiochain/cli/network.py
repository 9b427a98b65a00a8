"""``radiochain network validate|show`` and ``radiochain example``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from radiochain.cli.common import JsonOption
from radiochain.cli.common import console as make_console
from radiochain.cli.common import print_json as _print_json
from radiochain.errors import InputError
from radiochain.units import format_quantity

network_app = typer.Typer(
    rich_markup_mode=None,
    help="Read, check and summarize supply networks.",
    no_args_is_help=True,
)


@network_app.command("validate")
def validate(
    path: Annotated[Path, typer.Argument(help="Network folder (or .json export).")],
    as_json: JsonOption = False,
) -> None:
    """List every problem of a network: file:row: field: what is wrong (what would be right).

    Exit code 2 if there is any error; warnings alone exit 0.
    """
    from radiochain.network.io import read_network

    network = read_network(path)
    report = network.validate()
    if as_json:
        _print_json(
            {
                "network": network.name,
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


@network_app.command("show")
def show(
    path: Annotated[Path, typer.Argument(help="Network folder (or .json export).")],
    map_file: Annotated[
        Path | None,
        typer.Option("--map", help="Draw sites and lanes to a .png, .html or .pdf file."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Counts per table, and weekly capacity against demand per nuclide."""
    from radiochain.network.io import read_network
    from radiochain.network.summary import summarize

    network = read_network(path)
    summary = summarize(network)
    if map_file is not None:
        from radiochain.reports.figures import save_figure
        from radiochain.reports.maps import network_map

        title = f"{network.name}: sites and lanes"
        summary["map"] = str(save_figure(network_map(network, title), map_file, title=title))
    if as_json:
        _print_json(summary)
        return
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
    if "map" in summary:
        console.print(f"map written to {summary['map']}")


def example(
    name: Annotated[
        str,
        typer.Argument(
            help="'tiny', 'china-2025', 'synthetic', or 'clinical' (clinical command inputs)."
        ),
    ],
    directory: Annotated[Path, typer.Argument(help="Folder to write the network into.")],
    hospitals: Annotated[int, typer.Option(help="Hospitals of a synthetic network.")] = 100,
    seed: Annotated[int, typer.Option(help="Seed of a synthetic network.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Write a bundled example network (or a generated 'synthetic' one) to a folder."""
    from radiochain.network.examples import copy_example, synthetic_network
    from radiochain.network.io import write_network

    if name == "clinical":
        from radiochain.network.examples import copy_clinical_inputs

        written = copy_clinical_inputs(directory)
    elif name == "synthetic":
        if seed < 0:
            raise InputError(f"--seed {seed}: give a whole number >= 0")
        if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
            raise InputError(f"{directory}: is not an empty folder (choose a new folder)")
        written = write_network(synthetic_network(hospitals, seed=seed), directory)
    else:
        written = copy_example(name, directory)
    if as_json:
        _print_json({"example": name, "path": str(written)})
    else:
        sys.stdout.write(f"example {name!r} written to {written}\n")


def register(app: typer.Typer) -> None:
    """Add the network commands to the main app."""
    app.add_typer(network_app, name="network")
    app.command("example")(example)
