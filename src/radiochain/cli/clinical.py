"""``radiochain clinical stratify|dosimetry|activity|release|to-demand``: parse, call the
clinical library (:mod:`radiochain.clinical`), print."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from radiochain.cli.common import JsonOption, print_json, stderr_console
from radiochain.cli.common import console as _console
from radiochain.physics.datasets import DEFAULT_DATASET

if TYPE_CHECKING:
    from radiochain.clinical.activity import PatientPlan
    from radiochain.clinical.dosimetry import DosimetryResult
    from radiochain.clinical.release import ReleaseAssessment
    from radiochain.clinical.stratify import Stratification

BUILTIN_RULES = (
    "vision",
    "therap",
    "netter-1",
    "netter-2",
    "netpet-p5",
    "dll3-nepc",
    "dual-psma-sstr",
    "dual-psma-dll3",
)
"""The bundled rules, for the help text (a test keeps it equal to the rule files)."""

clinical_app = typer.Typer(
    rich_markup_mode=None,
    help="Stratification, dosimetry, personalized activity, release, plans to demand.",
    no_args_is_help=True,
)

DatasetOption = Annotated[
    str,
    typer.Option(
        "--dataset",
        help="Nuclear dataset: 'radiochain' (bundled) or 'icrp107' (needs radioactivedecay).",
    ),
]


def register(app: typer.Typer) -> None:
    """Add the ``clinical`` sub-commands to the main app."""
    app.add_typer(clinical_app, name="clinical")


def _warn(message: str) -> None:
    sys.stderr.write(f"radiochain: warning: {' '.join(message.split())}\n")


@clinical_app.command("stratify")
def stratify_cmd(
    lesions: Annotated[
        Path,
        typer.Argument(
            help="Lesion table (CSV): patient, lesion, site, size_mm, uptake columns, labs."
        ),
    ],
    rule: Annotated[
        list[str] | None,
        typer.Option(
            "--rule",
            metavar="NAME",
            help=f"Bundled rule to apply (repeat; default: all): {', '.join(BUILTIN_RULES)}. "
            "The rules of --rule-file apply too.",
        ),
    ] = None,
    rule_file: Annotated[
        list[Path] | None,
        typer.Option(
            "--rule-file",
            metavar="FILE",
            help="Your own rule file (YAML), repeatable; always applied, next to the --rule "
            "rules. Its rule needs a name of its own.",
        ),
    ] = None,
    patients: Annotated[
        Path | None, typer.Option("--patients", help="Patient table (CSV) with labs.")
    ] = None,
    details: Annotated[
        bool, typer.Option("--details", help="Every failed or unknown criterion per rule.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Who is eligible for which agent, with every reason (pass/fail/unknown per criterion)."""
    from radiochain.clinical.stratify import missing_column_hints, resolve_rules, stratify
    from radiochain.clinical.tables import read_table

    table = read_table(lesions, what="lesion table")
    extra = read_table(patients, what="patient table") if patients else None
    rules = resolve_rules(rule or None, rule_file or ())
    result = stratify(
        table,
        rules,
        extra,
        strict=bool(rule),
        source=str(lesions),
        patients_source=str(patients),
    )
    for hint in missing_column_hints(rules, table, extra, lesions.name):
        _warn(hint)
    if as_json:
        print_json({"lesions": str(lesions), **result.to_dict()})
    elif details:
        _print_stratification_details(result, lesions.name)
    else:
        _print_stratification_summary(result, lesions.name)


def _print_stratification_summary(result: Stratification, name: str) -> None:
    """One row per patient, the rules grouped by outcome."""
    summary = Table(title=f"Eligibility in {name}")
    outcomes = ("eligible", "not eligible", "not evaluable")
    for column in ("patient", *outcomes):
        summary.add_column(column)
    grouped: dict[str, dict[str, list[str]]] = {}
    for r in result.table.to_dict(orient="records"):
        grouped.setdefault(str(r["patient"]), {}).setdefault(str(r["status"]), []).append(
            str(r["rule"])
        )
    for patient, by_status in grouped.items():
        summary.add_row(escape(patient), *(", ".join(by_status.get(k, [])) for k in outcomes))
    _console().print(summary)
    _console().print("reasons per criterion: --details (or --json)", markup=False)


def _print_stratification_details(result: Stratification, name: str) -> None:
    out = Table(title=f"Stratification of {name}")
    for col in ("patient", "rule", "agent", "status", "failed or unknown"):
        out.add_column(col)
    for record in result.table.to_dict(orient="records"):
        reasons: list[str] = list(record["reasons"])
        open_ = [r for r in reasons if not r.startswith(("pass", "skipped"))]
        out.add_row(
            escape(str(record["patient"])),
            str(record["rule"]),
            str(record["agent"]),
            str(record["status"]),
            escape("\n".join(open_)),
        )
    _console().print(out)


@clinical_app.command("dosimetry")
def dosimetry_cmd(
    tac: Annotated[
        Path,
        typer.Argument(
            help="Time-activity table (CSV): patient, region, "
            "time_h, activity_mbq [, mass_g, kind (organ/lesion/blood), rmblr, nuclide]."
        ),
    ],
    nuclide: Annotated[str, typer.Option("--nuclide", help="Nuclide.")] = "Lu-177",
    administered: Annotated[
        str | None, typer.Option("--administered", help="Administered activity, e.g. '7.4 GBq'.")
    ] = None,
    model: Annotated[
        str,
        typer.Option(
            "--model",
            help="auto, mono, bi, tri, uptake or trapezoid; for one time point hanscheid, or "
            "madsen (column effective_half_life_h).",
        ),
    ] = "auto",
    out: Annotated[
        str | None,  # text, not Path: '' must be refused, not read as '.'
        typer.Option(
            "--out",
            metavar="DIR",
            help="Folder for regions.csv and, per patient, a report (HTML, PDF and PNG).",
        ),
    ] = None,
    report: Annotated[
        bool,
        typer.Option(
            "--report/--no-report", help="Write the per-patient reports into --out (default)."
        ),
    ] = True,
    chain: Annotated[
        bool,
        typer.Option(
            "--chain/--no-chain",
            help="Count the progeny's emissions where the parent decays (in situ; default) or "
            "the parent's only.",
        ),
    ] = True,
    dataset: DatasetOption = DEFAULT_DATASET,
    as_json: JsonOption = False,
) -> None:
    """Time-integrated activity, S-value and absorbed dose per organ and lesion (MIRD)."""
    from radiochain.clinical.dosimetry import assess_dosimetry
    from radiochain.clinical.tables import read_table
    from radiochain.files import output_folder
    from radiochain.units import to_becquerel

    a0 = (
        to_becquerel(administered, default_unit=None, what="--administered")
        if administered is not None
        else None
    )
    if out is not None:
        output_folder(out)
    result = assess_dosimetry(
        read_table(tac, what="TAC table"),
        nuclide=nuclide,
        administered_activity=a0,
        model=model,
        chain=chain,
        dataset=dataset,
        source=str(tac),
    )
    for note in result.warnings:
        _warn(note)
    if out is not None:
        with _report_progress(len(result.patients) if report else 0, as_json) as tick:
            result.write(out, report=report, progress=tick)
    if as_json:
        print_json(result.to_dict())
    else:
        _print_dosimetry(result, tac.name)


@contextmanager
def _report_progress(patients: int, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A Rich bar on stderr while the per-patient reports are written (none with --json, for
    a single patient, or when stderr is not a terminal)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = stderr_console()
    bar = Progress(
        TextColumn("reports"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        disable=quiet or patients < 2 or not console.is_terminal,
    )
    with bar:
        task = bar.add_task("reports", total=patients)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield tick


def _print_dosimetry(result: DosimetryResult, name: str) -> None:
    out = Table(title=f"Dosimetry of {name} ({result.nuclide})")
    for col in ("patient", "region", "model", "TIAC [h]", "T_eff [h]", "dose [Gy]", "Gy/GBq"):
        out.add_column(escape(col), justify="right")
    for region in result.regions:
        r = region.to_dict()
        t_eff = r["effective_half_life_h"]
        out.add_row(
            escape(str(r["patient"])),
            escape(str(r["region"])),
            str(r["model"]),
            f"{r['time_integrated_activity_coefficient_h']:.4g}",
            "-" if t_eff is None else f"{t_eff:.3g}",
            f"{r['absorbed_dose_gy']:.4g}",
            f"{r['absorbed_dose_per_activity_gy_per_gbq']:.4g}",
        )
    console = _console()
    console.print(out)
    energies = ""
    if result.energy_dataset != result.dataset:
        energies = f" (emission energies: {result.energy_dataset} {result.energy_dataset_version})"
    console.print(
        f"nuclear data: {result.dataset} {result.dataset_version}{energies}; S-values: "
        "self-dose, spheres "
        "of the region's mass" + (", progeny counted in situ" if result.chain else ", parent only"),
        markup=False,
    )
    if result.out is not None:
        console.print(f"written to {result.out}: regions.csv", markup=False)
        for patient, paths in result.reports.items():
            console.print(f"report of {patient}: {', '.join(str(p) for p in paths)}", markup=False)


@clinical_app.command("activity")
def activity_cmd(
    patient: Annotated[
        Path,
        typer.Argument(help="Patient file (YAML): organs with dose_per_activity_gy_per_gbq ..."),
    ],
    plans: Annotated[
        str | None,  # text, not Path: '' must be refused, not read as '.'
        typer.Option(
            "--plans",
            metavar="CSV",
            help="Add the plan to this plans table for 'clinical to-demand' (needs the patient "
            "file's regimen: hospital, product, first_date, interval_d).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Largest activity per cycle and number of cycles within every organ limit."""
    from radiochain.clinical.activity import plan_for_patient, read_patient
    from radiochain.clinical.demand import append_plan, plans_path

    if plans is not None:
        plans_path(plans)
    result = plan_for_patient(read_patient(patient), str(patient))
    row = result.plans_row() if plans is not None and result.feasible else None
    if plans is not None and row is not None:
        append_plan(plans, row)  # before printing: an error leaves stdout empty
    if as_json:
        print_json(result.to_dict())
    else:
        _print_activity(result)
        if row is not None:
            added = f"  added to {plans}: {row['cycles']} x {row['activity']}"
            _console().print(added, markup=False)
    if not result.feasible:
        raise typer.Exit(1)


def _print_activity(result: PatientPlan) -> None:
    plan = result.plan
    console = _console()
    console.print(
        f"[bold]{escape(result.patient)}[/bold]: {plan.cycles} cycle(s) of "
        f"{math.floor(plan.activity_per_cycle_bq / 1e7 * (1 + 1e-12)) / 100:.2f} GBq "
        f"(rounded down; limited by {escape(plan.limiting_organ)})"
    )
    for row in plan.to_dict()["organs"]:  # type: ignore[attr-defined]
        if row["limit_quantity"] is None:
            continue
        bed = row["limit_quantity"] == "bed"
        value = row["cumulative_bed_gy"] if bed else row["cumulative_dose_gy"]
        console.print(
            f"  {row['organ']:<16} {'BED' if bed else 'dose'} {value:.3g} Gy of "
            f"{row['limit_gy']:g} Gy limit ({row['fraction_of_limit']:.0%})",
            markup=False,
        )
    if plan.note:
        console.print(f"  note: {plan.note}", markup=False)


@clinical_app.command("release")
def release_cmd(
    nuclide: Annotated[str, typer.Argument(help="Nuclide, e.g. Lu-177.")],
    activity: Annotated[str, typer.Argument(help="Administered activity, e.g. '7.4 GBq'.")],
    rule: Annotated[str, typer.Option("--rule", help="Release rule.")] = "nrc-35.75",
    measured: Annotated[
        float | None,
        typer.Option(
            "--measured-dose-rate",
            help="Dose rate measured at release at 1 m [uSv/h]; replaces the constant's estimate.",
        ),
    ] = None,
    released_after: Annotated[
        str,
        typer.Option(
            "--released-after",
            help="Time from administration to release and to the measurement, e.g. '24 h'.",
        ),
    ] = "0 h",
    constant: Annotated[
        str | None,
        typer.Option(
            "--constant",
            help="Dose-rate constant: 'point' (unshielded source; default), 'patient' (measured "
            "at 1 m from patients, where tabulated) or a number [uSv m2/(MBq h)]; not with "
            "--measured-dose-rate.",
        ),
    ] = None,
    clearance: Annotated[
        str | None,
        typer.Option(
            "--clearance",
            help="Retention since administration as fraction:effective half-life components, "
            "e.g. '0.4:6 h, 0.6:50 h' (default: physical decay only).",
        ),
    ] = None,
    agent: Annotated[
        str | None,
        typer.Option(
            "--agent", help="Agent for published contact restrictions, e.g. lu177-dotatate."
        ),
    ] = None,
    dataset: DatasetOption = DEFAULT_DATASET,
    as_json: JsonOption = False,
) -> None:
    """Dose rate at 1 m, release decision and contact-restriction periods."""
    from radiochain.clinical.release import assess_release
    from radiochain.units import to_becquerel, to_seconds

    result = assess_release(
        nuclide,
        to_becquerel(activity, default_unit=None, what="activity"),
        rule=rule,
        measured_dose_rate=measured,
        released_after=to_seconds(released_after, default_unit=None, what="--released-after"),
        constant=constant,
        clearance=clearance,
        agent=agent,
        dataset=dataset,
    )
    for note in result.notes:
        _warn(note)
    if as_json:
        print_json(result.to_dict())
    else:
        _print_release(result, activity)


def _print_release(result: ReleaseAssessment, activity: str) -> None:
    decision = result.decision
    console = _console()
    verdict = "may be released" if decision.releasable else "may NOT be released"
    console.print(
        f"[bold]{result.nuclide} {escape(activity)}[/bold]: {verdict} under {result.rule} "
        f"({escape(decision.detail)}; limit {decision.limit:g} {decision.unit})",
        markup=True,
        highlight=False,
    )
    if decision.instructions_required:
        console.print("  written instructions required")
    if decision.record_required:
        console.print("  keep a record of the basis of this release (10 CFR 35.2075(a))")
    rates = [r for _, r in result.dose_rates_usv_h]
    console.print(
        f"  dose rate at 1 m at release {rates[0]:.3g} uSv/h, 48 h later {rates[2]:.3g} uSv/h "
        f"({result.dose_rate_basis}; {result.clearance or 'physical decay only'}; nuclear data "
        f"{result.dataset} {result.dataset_version})",
        markup=False,
    )
    for row in result.restrictions_computed:
        console.print(
            f"  {row.situation:<16} {_restriction_text(row.restriction_d)} "
            f"({row.hours_per_day:g} h/d at {row.distance_m:g} m, "
            f"{row.constraint_msv:g} mSv; assumption)",
            markup=False,
        )
    for pub in result.restrictions_published:
        console.print(
            f"  published: {pub['situation']} ({pub['setting']}): "
            f"{pub['restriction_d']} d (95th pct {pub['restriction_p95_d']} d)",
            markup=False,
        )


def _restriction_text(days: float) -> str:
    """A restriction period in words: none, hours below a day, else days."""
    if days <= 0:
        return "no restriction"
    if days < 1:
        return f"restrict {max(days * 24, 0.1):.1f} h"
    return f"restrict {days:.1f} d"


@clinical_app.command("to-demand")
def to_demand_cmd(
    plans: Annotated[
        Path,
        typer.Argument(
            help="Plans table (CSV): patient, hospital, product, "
            "first_date, cycles, interval_d [, window_d, activity]."
        ),
    ],
    network: Annotated[Path, typer.Argument(help="Network folder (or .json).")],
    out: Annotated[
        Path,
        typer.Option("--out", help="New folder for the network with the appointments added."),
    ],
    as_json: JsonOption = False,
) -> None:
    """Add every planned cycle as an appointment to a copy of the network's demand table."""
    from radiochain.clinical.demand import plans_to_demand

    result = plans_to_demand(plans, network, out)
    if as_json:
        print_json(result.to_dict())
        return
    console = _console()
    console.print(
        f"{result.appointments_added} appointment(s) added; network written to {result.network}",
        markup=False,
    )
    if result.first_date and result.last_date:
        # A plan covers --days from --start (default 7 days): say what covers every cycle.
        console.print(
            f"  cycles from {result.first_date} to {result.last_date} ({result.span_d} d); to "
            f"plan them all: radiochain plan {result.network} --start {result.first_date} "
            f"--days {min(result.span_d, 366)}",
            markup=False,
        )
