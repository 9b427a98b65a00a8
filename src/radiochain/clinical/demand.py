"""Treatment plans to demand: a patient's regimen becomes appointments in a network.

Each cycle k (1-based, from ``start_cycle``) is planned on ``first_date + (k - start_cycle) *
interval``; the allowed window (``window_before_d``, ``window_after_d``) becomes the
appointment's ``earliest_date`` and ``latest_date``, so the planner may move it. The network is
copied, never changed.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from radiochain.errors import InputError, elide, elide_path
from radiochain.network import Network
from radiochain.units import parse_date, to_becquerel

MAX_PLAN_CYCLES = 100
"""Most cycles one row of a plans table may schedule."""


@dataclass(frozen=True)
class Regimen:
    """A patient's treatment plan.

    Parameters
    ----------
    patient, hospital, product : str
        Hospital and product must exist in the network.
    first_date : datetime.date
        Planned day of the first cycle given here.
    cycles : int
        Number of cycles to schedule.
    interval_d : int
        Days between cycles (42 for Lu-PSMA q6w, 56 for Lu-DOTATATE q8w).
    window_before_d, window_after_d : int
        Allowed shift of each appointment [d] (e.g. NETTER-2: 8 weeks +- 1 week -> 7, 7).
    activity_bq : float or None [Bq]
        Prescribed activity per cycle (None: the product's dose activity).
    start_cycle : int
        Number of the first cycle (for a plan that continues a treatment).
    """

    patient: str
    hospital: str
    product: str
    first_date: dt.date
    cycles: int
    interval_d: int
    window_before_d: int = 0
    window_after_d: int = 0
    activity_bq: float | None = None
    start_cycle: int = 1

    def appointments(self) -> list[dict[str, object]]:
        """One row per cycle, in the demand table's columns."""
        rows = []
        for k in range(self.cycles):
            day = self.first_date + dt.timedelta(days=k * self.interval_d)
            cycle = self.start_cycle + k
            row: dict[str, object] = {
                "appointment": f"{self.patient}-c{cycle}",
                "hospital": self.hospital,
                "product": self.product,
                "date": day.isoformat(),
                "earliest_date": (day - dt.timedelta(days=self.window_before_d)).isoformat(),
                "latest_date": (day + dt.timedelta(days=self.window_after_d)).isoformat(),
                "patient": self.patient,
                "cycle": cycle,
                "estimate": False,
            }
            if self.activity_bq is not None:
                row["prescribed_activity_bq"] = self.activity_bq
            rows.append(row)
        return rows


def _int(value: object, where: str, field: str, minimum: int, maximum: int = 10**6) -> int:
    try:
        number = float(str(value))
    except ValueError:
        number = float("nan")
    if not (number == number and abs(number) < 1e18) or number != int(number):
        raise InputError(
            f"{where}: field {field!r} = {elide(value, 40)!r} must be a whole number >= {minimum}"
        )
    if not minimum <= number <= maximum:
        raise InputError(
            f"{where}: field {field!r} = {elide(value, 40)!r} must be a whole number from "
            f"{minimum} to {maximum:,}"
        )
    return int(number)


PLAN_COLUMNS = (
    "patient",
    "hospital",
    "product",
    "first_date",
    "cycles",
    "interval_d",
    "window_d",
    "window_before_d",
    "window_after_d",
    "activity",
    "activity_gbq",
    "start_cycle",
)
"""Every column a plans table may have."""


def read_plans(frame: pd.DataFrame, source: str = "plans") -> list[Regimen]:
    """Regimens from a table with columns ``patient, hospital, product, first_date, cycles,
    interval_d`` and optional ``window_d`` (both sides), ``window_before_d``,
    ``window_after_d``, ``activity`` (``"7.4 GBq"``) or ``activity_gbq``, ``start_cycle``.

    Raises
    ------
    InputError
        A required column is missing or a value is invalid (with file, row and field).
    """
    from radiochain.clinical.columns import check_columns
    from radiochain.clinical.tables import require_rows, row_number

    required = ("patient", "hospital", "product", "first_date", "cycles", "interval_d")
    check_columns(frame.columns, PLAN_COLUMNS, source)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            f"{source}: column(s) {', '.join(missing)} missing "
            f"(a plans table needs {', '.join(required)})"
        )
    require_rows(frame, source, "one row per patient")
    regimens = []
    for i, row in enumerate(frame.to_dict(orient="records")):
        regimens.append(_regimen(row, f"{source}: row {row_number(frame, i)}"))
    return regimens


_REQUIRED = ("patient", "hospital", "product", "first_date", "cycles", "interval_d")


def _regimen(row: Mapping[Any, Any], where: str) -> Regimen:
    """One row of a plans table as a :class:`Regimen`, every field checked."""
    for column in _REQUIRED[:3]:
        if pd.isna(row[column]) or not str(row[column]).strip():
            raise InputError(f"{where}: field {column!r} is empty")
    first = parse_date(row["first_date"], what=f"{where}: field 'first_date'")
    before, after = _windows(row, where)
    start = row.get("start_cycle", 1)
    regimen = Regimen(
        patient=str(row["patient"]).strip(),
        hospital=str(row["hospital"]).strip(),
        product=str(row["product"]).strip(),
        first_date=first,
        cycles=_int(row["cycles"], where, "cycles", 1, MAX_PLAN_CYCLES),
        interval_d=_int(row["interval_d"], where, "interval_d", 1),
        window_before_d=before,
        window_after_d=after,
        activity_bq=_activity(row, where),
        start_cycle=_int(start if pd.notna(start) else 1, where, "start_cycle", 1),
    )
    width = regimen.window_before_d + regimen.window_after_d
    if regimen.cycles > 1 and width >= regimen.interval_d:
        raise InputError(
            f"{where}: windows of consecutive cycles overlap ({regimen.window_before_d} d "
            f"before + {regimen.window_after_d} d after >= interval {regimen.interval_d} d), "
            "so cycles could swap; keep the window narrower than the interval"
        )
    try:
        regimen.appointments()
    except OverflowError:
        raise InputError(
            f"{where}: {regimen.cycles} cycles every {regimen.interval_d} d run past the "
            "calendar (check cycles and interval_d)"
        ) from None
    return regimen


def _windows(row: Mapping[Any, Any], where: str) -> tuple[int, int]:
    """Days an appointment may move earlier and later: ``window_before_d`` and
    ``window_after_d``, each defaulting to ``window_d`` (both sides), else 0."""
    out = []
    for side in ("window_before_d", "window_after_d"):
        value, name = row.get(side), side
        if value is None or pd.isna(value):
            value, name = row.get("window_d"), "window_d"
        out.append(0 if value is None or pd.isna(value) else _int(value, where, name, 0))
    return out[0], out[1]


def _activity(row: Mapping[Any, Any], where: str) -> float | None:
    """Prescribed activity [Bq] per cycle from ``activity`` (``"7.4 GBq"``) or
    ``activity_gbq``; None when neither is given."""
    activity = None
    if "activity" in row and pd.notna(row["activity"]):
        activity = to_becquerel(
            str(row["activity"]), default_unit=None, what=f"{where}: field 'activity'"
        )
    elif "activity_gbq" in row and pd.notna(row["activity_gbq"]):
        activity = to_becquerel(
            f"{row['activity_gbq']} GBq", default_unit=None, what=f"{where}: activity_gbq"
        )
    if activity is not None and not activity > 0:
        raise InputError(f"{where}: field 'activity': give an activity > 0, e.g. '7.4 GBq'")
    return activity


PLAN_SOURCE = "clinical-plans"
"""Key of the sources row that appointments made from regimens point to."""


def regimens_to_demand(network: Network, regimens: Iterable[Regimen]) -> Network:
    """A copy of ``network`` with one demand row per planned cycle of every regimen.

    Raises
    ------
    InputError
        Unknown hospital or product, or an appointment name that exists already.
    """
    new = copy.deepcopy(network)
    if PLAN_SOURCE not in new.sources.index:
        new.add(
            "sources",
            PLAN_SOURCE,
            citation="appointments planned from patients' regimens by 'radiochain clinical "
            "to-demand' (the plans file given there)",
            kind="fact",
        )
    for reg in regimens:
        where = f"plan of patient {reg.patient}"
        hospitals = new.sites.index[new.sites["kind"] == "hospital"]
        if reg.hospital not in hospitals:
            what = "not a hospital" if reg.hospital in new.sites.index else "not a site"
            raise InputError(
                f"{where}: {reg.hospital!r} is {what} of network {new.name} "
                f"(hospitals: {', '.join(hospitals)})"
            )
        if reg.product not in new.products.index:
            raise InputError(
                f"{where}: product {reg.product!r} is not in network {new.name} "
                f"(products: {', '.join(new.products.index)})"
            )
        for row in reg.appointments():
            name = str(row.pop("appointment"))
            if name in new.demand.index:
                raise InputError(f"{where}: appointment {name!r} exists already in the network")
            new.add("demand", name, source=PLAN_SOURCE, **row)
    return new


REGIMEN_KEYS = ("hospital", "product", "first_date", "interval_d", "window_d")
"""Keys of a patient file's ``regimen:`` (see :func:`plans_row`)."""


def plans_row(
    patient: str, cycles: int, activity_bq: float, regimen: Mapping[str, object], where: str
) -> dict[str, object]:
    """A row of a plans table (``clinical to-demand``) for a personalized activity plan: the
    cycles and the activity per cycle (rounded *down* to 0.01 GBq, so the prescription never
    exceeds what the limits allow) with the patient file's ``regimen:`` (hospital, product,
    first_date, interval_d, optional window_d).

    Raises
    ------
    InputError
        A missing or unknown regimen key, or a plan with no cycle.
    """
    import math

    check_regimen(regimen, where)
    if cycles < 1 or not activity_bq > 0:
        raise InputError(f"{where}: no cycle fits the limits, so there is nothing to schedule")
    gbq = math.floor(activity_bq / 1e7 * (1 + 1e-12)) / 100
    row = _regimen_row(patient, cycles, regimen) | {"activity": f"{gbq:.2f} GBq"}
    _regimen(row, where)  # the row must be a valid plan
    return row


def check_regimen(regimen: object, where: str) -> Mapping[str, object]:
    """A patient file's ``regimen:`` (:data:`REGIMEN_KEYS`), checked as the first cycle of a
    plan: every key known and present, a date, an interval and a window in range.

    Raises
    ------
    InputError
        Not a mapping, a missing or unknown key, or a bad value (named with ``where``).
    """
    needs = f"{', '.join(REGIMEN_KEYS[:4])} (optional window_d)"
    if not isinstance(regimen, Mapping):
        raise InputError(f"{where}: give a mapping of {needs}, not {elide(regimen)!r}")
    missing = [k for k in REGIMEN_KEYS[:4] if k not in regimen]
    unknown = [k for k in regimen if k not in REGIMEN_KEYS]
    if missing or unknown:
        raise InputError(
            f"{where}: needs {needs}"
            + (f"; unknown: {', '.join(map(str, unknown))}" if unknown else "")
        )
    _regimen(_regimen_row("patient", 1, regimen), where)
    return regimen


def _regimen_row(patient: str, cycles: int, regimen: Mapping[str, object]) -> dict[str, object]:
    return {
        "patient": patient,
        "hospital": str(regimen["hospital"]),
        "product": str(regimen["product"]),
        "first_date": str(regimen["first_date"]),
        "cycles": cycles,
        "interval_d": regimen["interval_d"],
        "window_d": regimen.get("window_d"),
    }


def append_plan(path: str | Path, row: Mapping[str, object]) -> Path:
    """Append ``row`` (:func:`plans_row`) to the plans table at ``path``, created with a header
    if missing. What is there is kept byte for byte: the row is appended, never rewritten.

    Parameters
    ----------
    path : str or Path
        A plans table (CSV) for ``radiochain clinical to-demand``.
    row : mapping
        Column -> value; columns the table lacks are left out, columns the row lacks are empty.

    Returns
    -------
    Path

    Raises
    ------
    InputError
        The file is not a plans table (no patient, cycles or activity column) or not readable,
        the patient has a plan in it already (never overwritten), or it cannot be written.
    """
    import csv
    import io

    from radiochain.clinical.tables import read_table

    file = plans_path(path)
    shown = elide_path(file)
    columns = [str(c) for c in row]
    if file.exists():
        existing = read_table(file, what="plans table")
        lacking = [c for c in ("patient", "cycles", "activity") if c not in existing.columns]
        if lacking:
            raise InputError(f"{shown}: not a plans table (no column {', '.join(lacking)})")
        if str(row["patient"]) in set(existing["patient"].astype(str)):
            raise InputError(
                f"{shown}: patient {elide(row['patient'])} has a plan already (edit the file or "
                "use another one)"
            )
        columns = [str(c) for c in existing.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if not file.exists():
        writer.writerow(columns)
    writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    try:
        ends_open = (
            file.exists() and file.stat().st_size > 0 and not file.read_bytes().endswith(b"\n")
        )
        with file.open("a", encoding="utf-8", newline="") as handle:  # appended, never rewritten
            handle.write(("\n" if ends_open else "") + buffer.getvalue())
    except OSError as err:
        raise InputError(f"cannot write {shown}: {err.strerror or err}") from None
    return file


def plans_path(path: str | Path) -> Path:
    """The plans table a plan is appended to (:func:`append_plan`), checked before any work:
    a path that is not empty, blank or a folder.

    Raises
    ------
    InputError
        An empty or blank path, or a folder.
    """
    text = str(path)
    if not text.strip():
        raise InputError(
            f"--plans {text!r}: the path is empty or blank; give a CSV file, e.g. plans.csv"
        )
    file = Path(text)
    if file.is_dir():
        raise InputError(
            f"--plans {elide_path(file)}: is a folder; give a CSV file, e.g. plans.csv"
        )
    return file


@dataclass(frozen=True)
class DemandUpdate:
    """Result of :func:`plans_to_demand`: the network written and what was added."""

    network: str
    appointments_added: int
    patients: tuple[str, ...]
    first_date: dt.date | None
    last_date: dt.date | None

    @property
    def span_d(self) -> int:
        """Days from the first to the last planned cycle, both counted (0 without any)."""
        if self.first_date is None or self.last_date is None:
            return 0
        return (self.last_date - self.first_date).days + 1

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary (dates as ``YYYY-MM-DD``)."""
        return {
            "network": self.network,
            "appointments_added": self.appointments_added,
            "patients": list(self.patients),
            "first_date": None if self.first_date is None else self.first_date.isoformat(),
            "last_date": None if self.last_date is None else self.last_date.isoformat(),
            "span_d": self.span_d,
        }


def plans_to_demand(plans: str | Path, network: str | Path, out: str | Path) -> DemandUpdate:
    """The workflow of ``radiochain clinical to-demand``: read a plans table and a network,
    add every planned cycle as an appointment, and write the network to ``out`` (a new folder,
    or a new ``.json`` for a ``.json`` network) keeping every cell of the original as it was.

    Parameters
    ----------
    plans : str or Path
        Plans table (CSV, :func:`read_plans`).
    network : str or Path
        Network folder or ``.json`` file; never changed.
    out : str or Path
        Where the extended network goes; must not exist yet (or be an empty folder).

    Raises
    ------
    InputError
        A bad plans table, a network with validation errors (as every network command), an
        unknown hospital or product, an appointment that exists already, or an ``out`` that
        exists, lies inside the network's folder or cannot be written.
    """
    from radiochain.clinical.tables import read_table
    from radiochain.files import output_folder
    from radiochain.network.io import read_network, write_extended

    shown = elide(str(plans))
    regimens = read_plans(read_table(plans, what="plans table"), shown)
    _check_out_outside(Path(network), Path(out))
    base = read_network(network, strict=True)
    try:
        new = regimens_to_demand(base, regimens)
    except InputError as err:
        raise InputError(f"{shown}: {err}") from None
    target = Path(out)
    if Path(network).resolve() != target.resolve() and not target.is_file():
        as_json = target.suffix.lower() == ".json"  # a new file in a writable folder
        output_folder(target.parent if as_json else target, empty=not as_json)
    path = write_extended(network, new, out)
    dates = sorted(
        dt.date.fromisoformat(str(a["date"])) for r in regimens for a in r.appointments()
    )
    return DemandUpdate(
        network=str(path),
        appointments_added=len(new.demand) - len(base.demand),
        patients=tuple(sorted({r.patient for r in regimens})),
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
    )


def _check_out_outside(network: Path, out: Path) -> None:
    """Refuse an ``out`` inside the network's folder: the copy would become part of the input
    (``out`` equal to the network is refused by :func:`write_extended`)."""
    source, target = network.resolve(), out.resolve()
    if network.is_dir() and target != source and target.is_relative_to(source):
        raise InputError(
            f"--out {elide_path(out)}: is inside the input network {elide_path(network)} "
            "(give a folder outside it; the input network is never changed)"
        )
