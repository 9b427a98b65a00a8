"""``radiochain clinical stratify|dosimetry|activity|release|to-demand``."""

from __future__ import annotations

import datetime as dt
import math
import sys
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from radiochain.cli.common import JsonOption, print_json
from radiochain.cli.common import console as _console
from radiochain.errors import InputError

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


def register(app: typer.Typer) -> None:
    """Add the ``clinical`` sub-commands to the main app."""
    app.add_typer(clinical_app, name="clinical")


_TEXT_COLUMNS = ("patient", "region", "lesion", "hospital", "product", "site", "appointment")
"""Identifiers read as text, so that '007' stays '007'."""


def _read_csv(path: Path) -> Any:
    import csv

    import pandas as pd

    if not path.is_file():
        raise InputError(f"{path}: file does not exist")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, skipinitialspace=True)
            width = len(next(reader, []))
            for record in reader:
                if len(record) > width and any(c.strip() for c in record[width:]):
                    raise InputError(
                        f"{path}: row {reader.line_num} has {len(record)} cells, the header "
                        f'{width} (quote a cell that contains a comma, e.g. "6,8 GBq", or '
                        "write decimals with a point)"
                    )
        frame = pd.read_csv(
            path,
            skipinitialspace=True,
            index_col=False,  # a trailing comma on every row must not shift the columns
            dtype=dict.fromkeys(_TEXT_COLUMNS, str),
        )
        frame.columns = [str(c).strip() for c in frame.columns]  # ' suvmax_psma ' is one
        return frame
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError, csv.Error) as err:
        raise InputError(f"{path}: not a readable CSV file ({err})".replace("\n", " ")) from None


_REPORT_COLUMNS = {
    "region": "region",
    "kind": "kind",
    "mass_g": "mass [g]",
    "model": "model",
    "time_integrated_activity_coefficient_h": "TIAC [h]",
    "effective_half_life_h": "T_eff [h]",
    "s_value_gy_per_bq_s": "S [Gy/(Bq s)]",
    "absorbed_dose_gy": "dose [Gy]",
    "absorbed_dose_per_activity_gy_per_gbq": "dose/activity [Gy/GBq]",
    "note": "note",
}


def _report_table(regions: Any) -> Any:
    """The report's table: the fields a reader needs, with units, empty columns dropped."""
    import pandas as pd

    frame = pd.DataFrame([r.to_dict() for r in regions])[list(_REPORT_COLUMNS)]
    frame = frame.rename(columns=_REPORT_COLUMNS)
    empty = [c for c in frame.columns if frame[c].isna().all() or (frame[c] == "").all()]
    return frame.drop(columns=empty)


def _hint_missing_columns(rules: Any, table: Any, extra: Any, name: str) -> None:
    """A warning for a column that rules read and the tables lack when a column of the tables
    that no rule reads looks like it (``SUVmax_PSMA``, ``ki67``): a misspelt header would
    otherwise make patients 'not evaluable', or skip an optional criterion, without a word."""
    from radiochain.clinical.columns import similar

    available = set(table.columns) | (set(extra.columns) if extra is not None else set())
    read = {c for rule in rules for crit in rule.criteria for c in crit.names}
    unread = sorted(available - read)
    needed: dict[str, list[str]] = {}
    for rule in rules:
        for crit in rule.criteria:
            for column in sorted(crit.names - available):
                needed.setdefault(column, []).append(rule.name)
    for column, users in needed.items():
        match = similar(column, unread)
        if match is not None:
            rules_text = ", ".join(dict.fromkeys(users))
            _warn(f"{name}: no column {column!r} (read by {rules_text}); did you mean {match!r}?")


def _clean(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


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
            help=f"Rule to apply (repeat; default: all): {', '.join(BUILTIN_RULES)}.",
        ),
    ] = None,
    rule_file: Annotated[
        list[Path] | None,
        typer.Option("--rule-file", metavar="FILE", help="Your own rule file (YAML), repeatable."),
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
    from radiochain.clinical.stratify import check_lesion_table, resolve_rules, stratify

    table = check_lesion_table(_read_csv(lesions), str(lesions))
    extra = _read_csv(patients) if patients else None
    rules = resolve_rules(rule or None, rule_file or ())
    _hint_missing_columns(rules, table, extra, lesions.name)
    result = stratify(table, rules, extra, strict=bool(rule))
    if as_json:
        _print_json_text(
            {
                "lesions": str(lesions),
                "results": _clean(result.table.to_dict(orient="records")),
                "eligible_agents": result.eligible_agents(),
            }
        )
        return
    records = result.table.to_dict(orient="records")
    if not details:
        # compact: one row per patient, the rules grouped by outcome
        summary = Table(title=f"Eligibility in {lesions.name}")
        for column in ("patient", "eligible", "not eligible", "not evaluable"):
            summary.add_column(column)
        grouped: dict[str, dict[str, list[str]]] = {}
        for r in records:
            status = str(r["status"])
            grouped.setdefault(str(r["patient"]), {}).setdefault(status, []).append(str(r["rule"]))
        for patient, by_status in grouped.items():
            summary.add_row(
                patient,
                *(
                    ", ".join(by_status.get(k, []))
                    for k in ("eligible", "not eligible", "not evaluable")
                ),
            )
        _console().print(summary)
        _console().print("reasons per criterion: --details (or --json)", markup=False)
        return
    out = Table(title=f"Stratification of {lesions.name}")
    for col in ("patient", "rule", "agent", "status", "failed or unknown"):
        out.add_column(col)
    for record in records:
        reasons: list[str] = list(record["reasons"])
        open_ = [r for r in reasons if not r.startswith(("pass", "skipped"))]
        out.add_row(
            str(record["patient"]),
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
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Folder for per-patient reports: HTML, PDF and PNG."),
    ] = None,
    chain: Annotated[
        bool,
        typer.Option(
            "--chain/--no-chain",
            help="Count the progeny's emissions where the parent decays (in situ; default) or "
            "the parent's only.",
        ),
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """Time-integrated activity, S-value and absorbed dose per organ and lesion (MIRD)."""
    from radiochain.clinical.dosimetry import region_dosimetry
    from radiochain.clinical.kinetics import ClinicalWarning
    from radiochain.physics.nuclide import Nuclide
    from radiochain.units import to_becquerel

    a0 = (
        to_becquerel(administered, default_unit=None, what="--administered")
        if administered
        else None
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ClinicalWarning)
        results = region_dosimetry(
            _read_csv(tac),
            nuclide=nuclide,
            administered_activity=a0,
            model=model,
            source=str(tac),
            chain=chain,
        )
    notes = list(
        dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, ClinicalWarning))
    )
    data_label = Nuclide(nuclide).dataset.label
    for note in notes:
        sys.stderr.write(f"radiochain: warning: {note}\n")
    rows = [r.to_dict() for r in results]
    files: list[str] = []
    if report is not None:
        from radiochain.clinical.figures import tac_figure
        from radiochain.reports.figures import save_figure

        for patient in dict.fromkeys(r.patient for r in results):
            own = [r for r in results if r.patient == patient]
            used = ", ".join(dict.fromkeys(r.nuclide for r in own))
            half_life = Nuclide(own[0].nuclide).half_life
            given = ", ".join(
                dict.fromkeys(f"{r.administered_activity_bq / 1e9:.4g} GBq" for r in own)
            )
            title = f"Patient {patient}: time-activity curves and absorbed doses ({used}, {given})"
            frame = _report_table(own)
            footnote = (
                f"Nuclear data: {data_label}. Self-dose S-values of spheres of each region's mass"
                + (", progeny counted in situ" if chain else "")
                + ". Not a medical device: results support, never replace, the physician and "
                "the physicist."
            )
            for suffix in (".html", ".pdf", ".png"):
                fig = tac_figure(own, half_life, title)
                files.append(
                    str(
                        save_figure(
                            fig,
                            report / f"{patient}{suffix}",
                            title=title,
                            table=frame,
                            footnote=footnote,
                        )
                    )
                )
    if as_json:
        _print_json_text(
            {
                "tac": str(tac),
                "nuclide": nuclide,
                "nuclear_data": data_label,
                "chain": chain,
                "regions": _clean(rows),
                "warnings": notes,
                "report_files": files,
            }
        )
        return
    out = Table(title=f"Dosimetry of {tac.name} ({nuclide})")
    for col in ("patient", "region", "model", "TIAC [h]", "T_eff [h]", "dose [Gy]", "Gy/GBq"):
        out.add_column(col, justify="right")
    for r in rows:
        t_eff = r["effective_half_life_h"]
        out.add_row(
            str(r["patient"]),
            str(r["region"]),
            str(r["model"]),
            f"{r['time_integrated_activity_coefficient_h']:.4g}",
            "-" if t_eff is None else f"{t_eff:.3g}",
            f"{r['absorbed_dose_gy']:.4g}",
            f"{r['absorbed_dose_per_activity_gy_per_gbq']:.4g}",
        )
    console = _console()
    console.print(out)
    console.print(
        f"nuclear data: {data_label}; S-values: self-dose, spheres of the region's mass"
        + (", progeny counted in situ" if chain else ", parent only"),
        markup=False,
    )
    for f in files:
        console.print(f"report written to {f}")


@clinical_app.command("activity")
def activity_cmd(
    patient: Annotated[
        Path,
        typer.Argument(help="Patient file (YAML): organs with dose_per_activity_gy_per_gbq ..."),
    ],
    plans: Annotated[
        Path | None,
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
    import yaml

    from radiochain.clinical.activity import plan_for_patient

    if not patient.is_file():
        raise InputError(f"{patient}: file does not exist")
    try:
        spec = yaml.safe_load(patient.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise InputError(f"{patient}: not UTF-8 text ({err.reason}); save it as UTF-8") from None
    except yaml.YAMLError as err:
        raise InputError(f"{patient}: not valid YAML ({err})".replace("\n", " ")) from None
    if not isinstance(spec, dict):
        raise InputError(
            f"{patient}: needs 'organs:' with, per organ, "
            "dose_per_activity_gy_per_gbq (see docs/clinical.md)"
        )
    plan, limits = plan_for_patient(spec, str(patient))
    payload = {
        "patient": spec.get("patient", patient.stem),
        **_clean(plan.to_dict()),
        "limits": [
            {"organ": x.organ, "quantity": x.quantity, "limit_gy": x.limit_gy, "source": x.source}
            for x in limits
        ],
    }
    if as_json:
        _print_json_text(payload)
    else:
        console = _console()
        console.print(
            f"[bold]{payload['patient']}[/bold]: {plan.cycles} cycle(s) of "
            f"{math.floor(plan.activity_per_cycle_bq / 1e7 * (1 + 1e-12)) / 100:.2f} GBq "
            f"(rounded down; limited by {plan.limiting_organ})"
        )
        for row in plan.to_dict()["organs"]:  # type: ignore[attr-defined]
            if row["limit_quantity"] is None:
                continue
            bed = row["limit_quantity"] == "bed"
            value = row["cumulative_bed_gy"] if bed else row["cumulative_dose_gy"]
            console.print(
                f"  {row['organ']:<16} {'BED' if bed else 'dose'} {value:.3g} Gy of "
                f"{row['limit_gy']:g} Gy limit ({row['fraction_of_limit']:.0%})"
            )
        if plan.note:
            console.print(f"  note: {plan.note}")
    if not plan.feasible:
        raise typer.Exit(1)
    if plans is not None:
        from radiochain.clinical.demand import plans_row

        regimen = spec.get("regimen")
        if not isinstance(regimen, dict):
            raise InputError(
                f"{patient}: --plans needs 'regimen:' with hospital, product, first_date and "
                "interval_d"
            )
        row = plans_row(
            str(payload["patient"]),
            plan.cycles,
            plan.activity_per_cycle_bq,
            regimen,
            f"{patient}: regimen",
        )
        _append_plan(plans, row)
        if not as_json:
            _console().print(f"  added to {plans}: {row['cycles']} x {row['activity']}")


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
        str,
        typer.Option(
            "--constant",
            help="Dose-rate constant: 'point' (unshielded source), 'patient' (measured at 1 m "
            "from patients, where tabulated) or a number [uSv m2/(MBq h)].",
        ),
    ] = "point",
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
    as_json: JsonOption = False,
) -> None:
    """Dose rate at 1 m, release decision and contact-restriction periods."""
    import numpy as np

    from radiochain.clinical._data import table
    from radiochain.clinical.release import (
        dose_rate_constant,
        dose_rate_curve,
        parse_retention,
        published_restrictions,
        release_decision,
        restriction_period,
    )
    from radiochain.physics.nuclide import Nuclide
    from radiochain.units import to_becquerel, to_seconds

    a = to_becquerel(activity, default_unit=None, what="activity")
    if not a > 0:
        raise InputError(f"activity {activity!r}: give the administered activity (> 0)")
    t_release = to_seconds(released_after, default_unit=None, what="--released-after")
    if measured is not None and not (np.isfinite(measured) and measured > 0):
        raise InputError(
            f"--measured-dose-rate {measured}: give a finite dose rate > 0 [uSv/h] at 1 m"
        )
    k: float | None = None
    if measured is not None:
        basis = "measured at release"
    elif constant in ("point", "patient"):
        k = dose_rate_constant(nuclide, "point" if constant == "point" else "patient")
        basis = f"{constant} constant {k:.4g} uSv m2/(MBq h)"
    else:
        try:
            k = float(constant)
        except ValueError:
            k = float("nan")
        if not (np.isfinite(k) and 0 < k < 1e3):
            raise InputError(
                f"--constant {constant!r}: use 'point', 'patient' or a number in (0, 1000) "
                "[uSv m2/(MBq h)]"
            )
        basis = f"constant {k:.4g} uSv m2/(MBq h)"
    retained = (
        parse_retention(clearance, physical_half_life=Nuclide(nuclide).half_life)
        if clearance is not None
        else None
    )
    if retained is not None and constant == "patient" and measured is None:
        _warn(
            "the patient constant already includes early excretion; with --clearance the early "
            "phase counts twice (use --constant point)"
        )
    if retained is not None and measured is not None and t_release == 0:
        _warn(
            "--clearance counts from administration: if the dose rate was measured later, give "
            "--released-after so that early components are not removed twice"
        )
    decision = release_decision(
        a,
        nuclide,
        rule,
        measured_dose_rate=measured,
        clearance=retained,
        constant=None if constant == "point" or measured is not None else k,
        released_after=t_release,
    )
    hours = np.array([0, 24, 48, 72, 168])
    curve = dose_rate_curve(
        a,
        nuclide,
        constant=k,
        clearance=retained,
        measured_dose_rate=measured,
        released_after=t_release,
    )
    rates = curve(hours * 3600.0)
    computed: list[dict[str, Any]] = []
    for p in table("contact_patterns.csv").to_dict(orient="records"):
        distance, hours_d, constraint = (
            float(p["distance_m"]),
            float(p["hours_per_day"]),
            float(p["constraint_msv"]),
        )
        period = restriction_period(
            curve, distance_m=distance, hours_per_day=hours_d, constraint_msv=constraint
        )
        computed.append(
            {
                "situation": str(p["situation"]),
                "distance_m": distance,
                "hours_per_day": hours_d,
                "constraint_msv": constraint,
                "restriction_d": period,
                "source": str(p["source"]),
            }
        )
    published: list[dict[str, Any]] = (
        [
            {str(key): v for key, v in r.items()}
            for r in published_restrictions(agent).to_dict("records")
        ]
        if agent
        else []
    )
    payload = {
        "nuclide": nuclide,
        "activity_bq": a,
        "released_after_h": t_release / 3600,
        "nuclear_data": Nuclide(nuclide).dataset.label,
        "dose_rate_basis": basis,
        "dose_rate_constant_usv_m2_per_mbq_h": k,
        "clearance": clearance or "physical decay",
        "decision": _clean(decision.to_dict()),
        "dose_rate_1m_usv_h": [
            {"time_after_release_h": int(h), "dose_rate_usv_h": float(r)}
            for h, r in zip(hours, rates, strict=True)
        ],
        "restrictions_computed": computed,
        "restrictions_published": _clean(published),
    }
    if as_json:
        _print_json_text(payload)
        return
    console = _console()
    verdict = "may be released" if decision.releasable else "may NOT be released"
    console.print(
        f"[bold]{nuclide} {activity}[/bold]: {verdict} under {rule} "
        f"({decision.detail}; limit {decision.limit:g} {decision.unit})",
        markup=True,
        highlight=False,
    )
    if decision.instructions_required:
        console.print("  written instructions required")
    if decision.record_required:
        console.print("  keep a record of the basis of this release (10 CFR 35.2075(a))")
    console.print(
        f"  dose rate at 1 m at release {rates[0]:.3g} uSv/h, 48 h later {rates[2]:.3g} uSv/h "
        f"({basis}; {clearance or 'physical decay only'})"
    )
    for row in computed:
        console.print(
            f"  {row['situation']:<16} restrict {row['restriction_d']:.1f} d "
            f"({row['hours_per_day']:g} h/d at {row['distance_m']:g} m, "
            f"{row['constraint_msv']:g} mSv; assumption)"
        )
    for row in published:
        console.print(
            f"  published: {row['situation']} ({row['setting']}): "
            f"{row['restriction_d']} d (95th pct {row['restriction_p95_d']} d)"
        )


def _append_plan(path: Path, row: dict[str, object]) -> None:
    """Append a row to a plans table (created with a header if missing), keeping what is there;
    a patient already in the table is an error, never overwritten."""
    import csv
    import io

    columns = list(row)
    if path.exists():
        existing = _read_csv(path)
        if "patient" in existing and str(row["patient"]) in set(existing["patient"].astype(str)):
            raise InputError(
                f"{path}: patient {row['patient']} has a plan already (edit the file or use "
                "another one)"
            )
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
        lacking = [c for c in ("patient", "cycles", "activity") if c not in header]
        if lacking:
            raise InputError(f"{path}: not a plans table (no column {', '.join(lacking)})")
        columns = header
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if not path.exists():
        writer.writerow(columns)
    writer.writerow([row.get(c, "") for c in columns])
    try:
        ends_open = (
            path.exists() and path.stat().st_size > 0 and not path.read_bytes().endswith(b"\n")
        )
        with path.open("a", encoding="utf-8", newline="") as handle:  # appended, never rewritten
            handle.write(("\n" if ends_open else "") + buffer.getvalue())
    except OSError as err:
        raise InputError(f"cannot write {path}: {err.strerror or err}") from None


def _warn(message: str) -> None:
    sys.stderr.write(f"radiochain: warning: {message}\n")


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
    from radiochain.clinical.demand import read_plans, regimens_to_demand
    from radiochain.network.io import read_network, write_extended

    regimens = read_plans(_read_csv(plans), str(plans))
    base = read_network(network)
    new = regimens_to_demand(base, regimens)
    path = write_extended(network, new, out)
    added = len(new.demand) - len(base.demand)
    dates = sorted(str(a["date"]) for r in regimens for a in r.appointments())
    first, last = (dates[0], dates[-1]) if dates else (None, None)
    span_d = (
        (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days + 1
        if first and last
        else 0
    )
    if as_json:
        _print_json_text(
            {
                "network": str(path),
                "appointments_added": added,
                "patients": sorted({r.patient for r in regimens}),
                "first_date": first,
                "last_date": last,
            }
        )
        return
    console = _console()
    console.print(f"{added} appointment(s) added; network written to {path}")
    if first and last:
        # A plan covers --days from --start (default 7 days): say what covers every cycle.
        console.print(
            f"  cycles from {first} to {last} ({span_d} d); to plan them all: "
            f"radiochain plan {path} --start {first} --days {min(span_d, 366)}"
        )


def _print_json_text(payload: object) -> None:
    print_json(payload, text_fallback=True)
