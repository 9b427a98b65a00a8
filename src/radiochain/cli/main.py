"""The ``radiochain`` command line: a thin Typer layer over the public Python API.

Exit codes: 0 success, 2 bad input (one line on stderr naming what was wrong and what would be
right; ``--debug`` shows the traceback), 1 when the question has no answer.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from radiochain.cli import common
from radiochain.cli.common import JsonOption
from radiochain.cli.common import console as _console
from radiochain.cli.common import print_json as _print_json
from radiochain.errors import RadiochainError, elide, one_line
from radiochain.physics.datasets import DEFAULT_DATASET, available_datasets, get_dataset
from radiochain.units import format_number, format_quantity, parse_amount, to_seconds

app = typer.Typer(
    rich_markup_mode=None,
    name="radiochain",
    help="Plan and stress-test radiopharmaceutical supply chains, from reactor to patient.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

DatasetOption = Annotated[
    str,
    typer.Option(
        "--dataset",
        help="Nuclear dataset: 'radiochain' (bundled) or 'icrp107' (needs radioactivedecay).",
    ),
]


@app.callback()
def _root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback of errors (anywhere).")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", help="Log what the library and the solver do, on stderr."),
    ] = False,
) -> None:
    """radiochain: from reactor to patient."""


_INITIAL_KEY = {
    "activity": "initial_activity_bq",
    "mass": "initial_mass_g",
    "atoms": "initial_atoms",
}


def _finite_or_none(value: float) -> float | None:
    return value if value != float("inf") else None


def _fmt_half_life(seconds: float) -> str:
    return "stable" if seconds == float("inf") else format_quantity(seconds, "time", digits=5)


@app.command()
def nuclide(
    name: Annotated[str | None, typer.Argument(help="Nuclide, e.g. Lu-177, 177Lu, lu177m.")] = None,
    dataset: DatasetOption = DEFAULT_DATASET,
    list_all: Annotated[
        bool, typer.Option("--list", help="List every nuclide of the dataset.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Half-life, decay modes, progeny, energies and the data source of a nuclide."""
    from radiochain.physics.nuclide import Nuclide

    data = get_dataset(dataset)
    if list_all or name is None:
        if as_json:
            _print_json(
                {
                    "dataset": data.name,
                    "dataset_version": data.version,
                    "nuclides": [
                        {"nuclide": n, "half_life_s": None if h == float("inf") else float(h)}
                        for n, h in zip(data.nuclides, data.half_life_s, strict=True)
                    ],
                }
            )
            return
        table = Table(title=f"{len(data)} nuclides in {data.label}")
        table.add_column("nuclide")
        table.add_column("half-life", justify="right")
        for n, h in zip(data.nuclides, data.half_life_s, strict=True):
            table.add_row(n, _fmt_half_life(float(h)))
        _console().print(table)
        return
    nuc = Nuclide(name, data)
    info = nuc.to_dict()
    if as_json:
        _print_json(info)
        return
    _print_nuclide(nuc, info, data.label)


def _print_nuclide(nuc: Any, info: dict[str, Any], label: str) -> None:
    """A nuclide's data as aligned lines; each distinct source once, numbered."""
    console = _console()
    console.print(
        f"[bold]{nuc.name}[/bold]  (Z={nuc.z}, A={nuc.a}{', isomer' if nuc.state else ''})"
    )

    def line(name: str, text: str) -> None:
        console.print(f"  {name:<19}{text}", markup=False)

    unc = nuc.half_life_uncertainty
    unc_text = "" if unc != unc else f" ± {format_quantity(unc, 'time', digits=2)}"
    line("half-life", f"{_fmt_half_life(nuc.half_life)}{unc_text}")
    if not nuc.stable:
        line("decay constant", f"{format_number(nuc.decay_constant)} per s")
        activity = format_quantity(nuc.specific_activity * 1e-3, "activity")
        line("specific activity", f"{activity}/mg (carrier-free)")
    line("atomic mass", f"{nuc.atomic_mass:.6f} u")
    for mode in nuc.decay_modes:
        share = f"{mode.fraction * 100:.6g} %"
        line("decay", f"{mode.mode:<9} {share:>10}  -> {mode.daughter or 'fission'}")
    energy = {k: v for k, v in nuc.mean_energy.items() if v == v and v > 0}
    if energy:
        line("mean energy/decay", ", ".join(f"{k} {v:.4g} MeV" for k, v in energy.items()))
    if len(nuc.chain) > 1:
        line("chain", " -> ".join(nuc.chain))
    references: dict[str, int] = {}
    for what, citation in info["sources"].items():
        number = references.setdefault(citation, len(references) + 1)
        line(f"source {what.replace('_', '-')}", f"[{number}]")
    for citation, number in references.items():
        console.print(f"  [{number}] {citation}", markup=False)
    console.print(f"  nuclear data: {label}", markup=False)


@app.command(context_settings={"ignore_unknown_options": True})
def decay(
    nuclide: Annotated[str, typer.Argument(help="Parent nuclide, e.g. Ac-225.")],
    amount: Annotated[str, typer.Argument(help="Initial amount, e.g. '1 GBq', '2 mCi', '1 mg'.")],
    after: Annotated[str, typer.Option("--after", help="Elapsed time, e.g. '10 d', '120 h'.")],
    dataset: DatasetOption = DEFAULT_DATASET,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot", help="Write the chain's activities from 0 to --after (.png, .html or .pdf)."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Activity of every member of a decay chain after a time."""
    from radiochain.physics.inventory import Inventory
    from radiochain.physics.nuclide import Nuclide

    data = get_dataset(dataset)
    parent = Nuclide(nuclide, data)
    value, dimension = parse_amount(amount, what=f"amount of {parent.name}")
    elapsed = to_seconds(after, default_unit=None, what="--after")
    start = Inventory({parent.name: amount}, dataset=data)
    end = start.decay(elapsed)
    activity, atoms, mass = end.activities(), end.atoms(), end.masses()
    rows: list[dict[str, Any]] = [
        {
            "nuclide": name,
            "half_life_s": _finite_or_none(float(data.half_life_s[data.index[name]])),
            "activity_bq": activity[name],
            "atoms": atoms[name],
            "mass_g": mass[name],
        }
        for name in parent.chain
    ]
    total = sum(activity.values())
    plot_path = None
    if plot is not None:
        import numpy as np

        from radiochain.reports.figures import chain_activity_figure, save_figure

        # a linear grid plus a logarithmic one near t = 0, so fast ingrowth is drawn too
        times = (
            np.unique(
                np.concatenate(
                    [np.linspace(0.0, elapsed, 300), np.geomspace(elapsed * 1e-6, elapsed, 200)]
                )
            )
            if elapsed > 0
            else np.array([0.0])
        )
        series = start.activities(times)
        title = f"{parent.name}, {amount} at t = 0: chain activities over {after}"
        fig = chain_activity_figure(series, title)
        plot_path = save_figure(fig, plot, title=title, table=end.to_frame())
    if as_json:
        _print_json(
            {
                "nuclide": parent.name,
                "initial_amount": amount,
                _INITIAL_KEY[dimension]: value,
                "elapsed_s": elapsed,
                "chain": rows,
                "total_activity_bq": total,
                "dataset": data.name,
                "dataset_version": data.version,
                "plot": str(plot_path) if plot_path else None,
            }
        )
        return
    shown = format_quantity(elapsed, "time")
    table = Table(
        title=f"{parent.name}, {amount} at t = 0, after {after}"
        + ("" if " ".join(after.split()) == shown else f" ({shown})")
    )
    table.add_column("nuclide")
    table.add_column("half-life", justify="right")
    table.add_column("activity", justify="right")
    table.add_column("atoms", justify="right")
    for row in rows:
        table.add_row(
            row["nuclide"],
            _fmt_half_life(row["half_life_s"] or float("inf")),
            format_quantity(row["activity_bq"], "activity"),
            format_number(row["atoms"]),
        )
    console = _console()
    console.print(table)
    console.print(
        f"total activity {format_quantity(total, 'activity')}; nuclear data: {data.label}"
    )
    if plot_path:
        console.print(f"plot written to {plot_path}")


@app.command()
def datasets(as_json: JsonOption = False) -> None:
    """The nuclear datasets that can be selected with --dataset."""
    found = available_datasets()
    if as_json:
        _print_json({"datasets": found})
        return
    for name, label in found.items():
        _console().print(f"{name:<12} {label}", markup=False)


def _register_commands() -> None:
    from radiochain.cli import clinical, network, plan, produce, service, simulate

    produce.register(app)
    clinical.register(app)
    network.register(app)
    plan.register(app)
    simulate.register(app)
    service.register(app)


_register_commands()


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    if category.__module__.startswith("radiochain"):
        sys.stderr.write(f"radiochain: warning: {one_line(str(message))}\n")
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


GLOBAL_FLAGS = ("--debug", "--verbose")
"""Accepted anywhere on the command line (before ``--``), not only before the command."""

EXIT_INTERNAL = 70
"""Exit code of an unexpected error (a bug in radiochain; BSD's EX_SOFTWARE)."""


def _split_global_flags(args: list[str]) -> tuple[list[str], set[str]]:
    end = args.index("--") if "--" in args else len(args)
    flags = {a for a in args[:end] if a in GLOBAL_FLAGS}
    kept = [a for i, a in enumerate(args) if i >= end or a not in GLOBAL_FLAGS]
    return kept, flags


@contextmanager
def _logs_to_stderr(verbose: bool, debug: bool) -> Iterator[None]:
    """``--verbose``: radiochain's log records (solver logs included) on stderr; the library
    itself never configures logging."""
    if not (verbose or debug):
        yield
        return
    logger = logging.getLogger("radiochain")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def _flush_c_stdio() -> None:
    """Flush what C code (a solver) buffered for stdout, so it goes where fd 1 points now."""
    import ctypes

    with suppress(OSError, AttributeError):  # no C library to ask: nothing buffered by it
        ctypes.CDLL(None).fflush(None)


@contextmanager
def _stdout_reserved_for_json(active: bool) -> Iterator[None]:
    """With ``--json``, stdout holds the one JSON document and nothing else: Python's
    ``sys.stdout`` and file descriptor 1 (where C libraries write) point at stderr while the
    command runs; :func:`radiochain.cli.common.print_json` writes to the real stdout."""
    if not active:
        yield
        return
    original = sys.stdout
    try:
        fd: int | None = original.fileno()
    except (AttributeError, OSError, ValueError):  # a test's capture buffer
        fd = None
    original.flush()
    stream = original
    if fd == 1:
        stream = os.fdopen(os.dup(1), "w", encoding="utf-8")
        os.dup2(2, 1)
    common.JSON_STREAM = stream
    common.json_documents_written = 0
    sys.stdout = sys.stderr
    try:
        yield
    finally:
        sys.stdout = original
        sys.stderr.flush()
        _flush_c_stdio()
        common.JSON_STREAM = None
        if fd == 1:
            stream.flush()
            os.dup2(stream.fileno(), 1)
            stream.close()


_NEGATIVE = re.compile(r"^-(\d|\.\d)")


def _usage_message(err: Exception) -> str:
    """Click's usage message; an 'option' that is a negative number is called what it is."""
    option = str(getattr(err, "option_name", "") or "")
    if _NEGATIVE.match(option):
        return (
            f"{elide(option)!r} is a negative value where radiochain expects a value >= 0 "
            "(or, if it was meant as an option, see 'radiochain --help')"
        )
    return f"{getattr(err, 'format_message', lambda: str(err))()} (see 'radiochain --help')"


def _error(message: str) -> None:
    sys.stderr.write(one_line(f"radiochain: error: {message}") + "\n")


def _traceback(debug: bool) -> None:
    """With ``--debug``, the traceback of the error being handled (the exit code and the
    one-line message stay what they are without it)."""
    if debug:
        import traceback

        traceback.print_exc(file=sys.stderr)


def _run(args: list[str], debug: bool, as_json: bool) -> int:
    command = typer.main.get_command(app)
    try:
        with warnings.catch_warnings():
            if not debug:  # radiochain's own warnings as one line, like its errors
                warnings.showwarning = _show_warning
            code = command.main(args=args, prog_name="radiochain", standalone_mode=False)
        code = code if isinstance(code, int) else 0  # an int: the command ended with Exit(code)
        if as_json and code == 0 and common.json_documents_written != 1:
            _error(
                f"internal error: --json printed {common.json_documents_written} documents "
                "instead of one (a bug; please report it)"
            )
            return EXIT_INTERNAL
        return code
    except RadiochainError as err:
        _traceback(debug)
        _error(str(err))
        return err.exit_code
    except typer.TyperException as err:  # usage errors: missing option, bad choice...
        context = getattr(err, "ctx", None)
        if type(err).__name__ == "NoArgsIsHelpError" and context is not None:
            sys.stdout.write(context.get_help() + "\n")  # a command group alone: its help
            return 0
        _traceback(debug)
        _error(_usage_message(err))
        return int(getattr(err, "exit_code", 2))
    except typer.Exit as err:
        return int(err.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write("radiochain: interrupted\n")
        return 130
    except OSError as err:  # a path the user gave that the system refused
        _traceback(debug)
        where = f" {err.filename}" if err.filename else ""
        _error(f"cannot use{where}: {err.strerror or err}")
        return 2
    except Exception as err:  # a bug: one line all the same, the traceback with --debug
        _traceback(debug)
        _error(
            f"internal error: {type(err).__name__}: {err} (a bug in radiochain; rerun with "
            "--debug for the traceback and please report it)"
        )
        return EXIT_INTERNAL


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv``; return the exit code instead of exiting.

    Exit codes: 0 success, 1 a question without answer (e.g. infeasible), 2 bad input,
    70 an internal error (a bug), 130 interrupted.
    """
    args, flags = _split_global_flags(list(sys.argv[1:] if argv is None else argv))
    debug = "--debug" in flags
    end = args.index("--") if "--" in args else len(args)
    as_json = "--json" in args[:end]
    if debug:
        args = ["--debug", *args]
    with _logs_to_stderr("--verbose" in flags, debug), _stdout_reserved_for_json(as_json):
        return _run(args, debug, as_json)


def run() -> None:
    """Console-script entry point."""
    raise SystemExit(main())
