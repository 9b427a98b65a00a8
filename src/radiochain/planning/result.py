"""Typed plan results and the tables a dispatcher follows (doses, batches, shipments)."""

from __future__ import annotations

import enum
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from radiochain.errors import InputError
from radiochain.network.core import Network
from radiochain.physics.decay import decay_factor
from radiochain.planning.bulk import SHIPMENT_COLUMNS, TYPE_A, TYPE_B, bulk_shipments
from radiochain.planning.instance import Instance

if TYPE_CHECKING:
    from radiochain.planning.check import PlanCheck


class PlanStatus(enum.StrEnum):
    """Outcome of a planning run."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # a plan, not proven optimal (time limit, or the greedy baseline)
    INFEASIBLE = "infeasible"
    ERROR = "error"


@dataclass(frozen=True)
class SolverReport:
    """What the solver said: runtime [s], relative MIP gap, dual bound, model size."""

    solver: str
    runtime_s: float
    build_s: float
    mip_gap: float | None
    dual_bound: float | None
    nodes: int | None
    variables: int
    constraints: int
    nonzeros: int
    message: str = ""
    start_objective: float | None = None  # objective of the plan HiGHS started from, if any

    def to_dict(self) -> dict[str, Any]:
        return {k: _json(v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Choice:
    """A solution of either planner, in instance indices (internal)."""

    option: np.ndarray  # index into instance.options_table per appointment, -1 if unserved
    batch_activity_bq: np.ndarray  # per candidate batch (0 if not made)
    input_bq: np.ndarray  # per instance.inputs row: activity drawn at delivery time
    packages: np.ndarray  # per departure


@dataclass
class PlanResult:
    """A plan: status, objective, solver report, the tables a dispatcher follows, the KPIs
    and (after :func:`radiochain.planning.run_plan` or :meth:`attach_check`) its check.

    Attributes
    ----------
    doses : DataFrame
        One row per appointment: ``appointment, hospital, product, status`` (served, moved,
        unserved), ``batch, shipment, administration_time, activity_at_administration_bq,
        prescribed_activity_bq, planned_date, reason``.
    batches : DataFrame
        ``batch, site, product, nuclide, synthesis_start, calibration_time,
        calibration_activity_bq, release_time, input_activity_bq``.
    shipments : DataFrame
        ``shipment, kind`` (``doses`` to a hospital, ``bulk`` nuclide from a producer),
        ``lane, from_site, to_site, departure_time, arrival_time, via,
        transfer_departure_time, doses, packages, package_type`` (``type-a``, ``type-b``),
        ``nuclide, activity_at_departure_bq``.
    inputs : DataFrame
        Nuclide drawn from producers: ``producer, delivery_time, batch, activity_bq`` (at the
        delivery time), ``shipment`` (its bulk shipment; blank for a producer on site).
    dataset : str
        The nuclear dataset as text (name, version, source); ``dataset_name`` and
        ``dataset_version`` separately.
    check : PlanCheck or None
        The independent check of this plan, once made.
    files : dict
        What :meth:`write` wrote: kind -> path.
    """

    method: str
    status: PlanStatus
    objective: float | None
    report: SolverReport | None
    doses: pd.DataFrame
    batches: pd.DataFrame
    shipments: pd.DataFrame
    kpis: dict[str, Any]
    dataset: str
    start: str
    days: int
    notes: list[str] = field(default_factory=list)
    baseline: dict[str, Any] | None = None
    inputs: pd.DataFrame = field(default_factory=pd.DataFrame)
    dataset_name: str = ""
    dataset_version: str = ""
    network: str = ""
    check: PlanCheck | None = None
    out: str | None = None
    files: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the plan was checked and the check found nothing wrong."""
        return self.check is not None and self.check.ok

    def raise_for_check(self) -> None:
        """Raise :class:`~radiochain.planning.check.PlanCheckError` (exit code 1) unless the
        plan was checked and passed: a plan that fails its own checker is never a success."""
        from radiochain.planning.check import PlanCheckError

        if not self.ok:
            raise PlanCheckError(self)

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary (``summary.json``, ``radiochain plan --json``)."""
        check = self.check
        return {
            "network": self.network,
            "method": self.method,
            "status": self.status.value,
            "objective": _json(self.objective),
            "start": self.start,
            "days": self.days,
            "kpis": {k: _json(v) for k, v in self.kpis.items()},
            "solver": self.report.to_dict() if self.report else None,
            "baseline_kpis": self.baseline,
            "plan_check": None
            if check is None
            else {
                "ok": check.ok,
                "errors": len(check.violations),
                "violations": check.violations[:20],
                "doses": check.doses_checked,
            },
            "dataset": self.dataset_name,
            "dataset_version": self.dataset_version,
            "notes": self.notes,
            "out": self.out,
            "files": dict(self.files),
        }

    def write(
        self, folder: str | Path, *, report: bool = False, network: Network | None = None
    ) -> dict[str, str]:
        """Write ``doses.csv``, ``batches.csv``, ``shipments.csv``, ``inputs.csv``, with
        ``report`` (needs ``network``) ``report.html`` and its PNG figures, then
        ``summary.json``.

        Parameters
        ----------
        folder : str or Path
            Created if missing; checked to be writable first.
        report : bool
        network : Network, optional
            The planned network (the report draws its map and decay curves from it).

        Returns
        -------
        dict
            File kind -> path (also kept in :attr:`files`, and listed in ``summary.json``).

        Raises
        ------
        InputError
            The folder cannot be written, or ``report`` without ``network``.
        """
        from radiochain.files import output_folder

        if report and network is None:
            raise InputError("PlanResult.write(report=True) needs the network")
        out = output_folder(folder)
        files: dict[str, str] = {}
        for kind, table in (
            ("doses", self.doses),
            ("batches", self.batches),
            ("shipments", self.shipments),
            ("inputs", self.inputs),
        ):
            path = out / f"{kind}.csv"
            _whole_activities(table).to_csv(path, index=False)
            files[kind] = str(path)
        if report and network is not None:
            from radiochain.reports.plan_report import write_plan_report

            files |= write_plan_report(self, network, out)
        files["summary"] = str(out / "summary.json")
        self.out, self.files = str(out), files
        text = json.dumps(self.summary(), indent=2, ensure_ascii=False, allow_nan=False)
        (out / "summary.json").write_text(text + "\n", encoding="utf-8")
        return dict(files)


def activity_balance(kpis: dict[str, Any]) -> list[tuple[str, int, float | None]]:
    """The activity balance of a plan's KPIs: ``(label, depth, activity [Bq])`` rows, where
    the rows of one depth under a row add up to it (``None`` for a KPI that is missing).

    ordered = lost before calibration + labelled; labelled = administered + decayed between
    calibration and patient + left unused in the batches.
    """
    ordered = kpis.get("activity_ordered_bq")
    labelled = kpis.get("activity_produced_bq")
    lost = None if ordered is None or labelled is None else float(ordered) - float(labelled)
    return [
        ("nuclide ordered from producers", 0, ordered),
        ("lost before calibration (decay, yield)", 1, lost),
        ("labelled (at calibration)", 1, labelled),
        ("administered", 2, kpis.get("activity_administered_bq")),
        (
            "decayed between calibration and patient",
            2,
            kpis.get("activity_decayed_before_administration_bq"),
        ),
        ("left unused in the batches", 2, kpis.get("activity_unused_at_calibration_bq")),
    ]


def _json(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _whole_activities(table: pd.DataFrame) -> pd.DataFrame:
    """A table to write: activities (``_bq`` columns, already whole, see :func:`whole_bq`) as
    whole numbers, ``7400000000`` rather than ``7400000000.0``; a missing value stays blank."""
    columns = [c for c in table.columns if str(c).endswith("_bq")]
    if not columns:
        return table
    return table.assign(**{str(c): whole_bq(table[c]) for c in columns}).astype(
        dict.fromkeys(columns, "Int64")
    )


def whole_bq(activity_bq: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Activities as written in the plan's tables: rounded to 1 Bq (``7400000000``, not
    ``7399999999.999999``). A part in 1e9 of a GBq dose: far inside the checker's relative
    tolerance, and sums of rounded values are exact."""
    result: npt.NDArray[np.float64] = np.round(np.asarray(activity_bq, dtype=float))
    return result


def type_a_packages(fractions: np.ndarray) -> int:
    """Type A packages needed for doses whose activity is ``fractions`` of A2 each: first-fit
    decreasing bin packing (a dose is never split; each package holds at most 1 A2). A dose
    above 1 A2 still takes a package of its own (validation warns: it needs Type B)."""
    loads: list[float] = []
    for f in sorted((float(x) for x in fractions), reverse=True):
        for k, load in enumerate(loads):
            if load + f <= 1.0 + 1e-12:
                loads[k] = load + f
                break
        else:
            loads.append(f)
    return len(loads)


def batch_names(instance: Instance) -> pd.Series:
    """Readable batch ids: ``process@2026-03-02T06:00``."""
    b = instance.batches
    return b["process"] + "@" + b["t_start"].map(lambda h: instance.timestamp(h)[:16])


def _dose_table(
    instance: Instance,
    choice: Choice,
    chosen: pd.DataFrame,
    ship_name: dict[int, str],
    reasons: dict[int, str],
) -> pd.DataFrame:
    """doses.csv: one row per appointment, with the reason when unserved."""
    appts, batches = instance.appointments, instance.batches
    names = batch_names(instance)
    served = choice.option >= 0
    doses = pd.DataFrame(
        {
            "appointment": appts["appointment"],
            "hospital": appts["hospital"],
            "product": appts["product"],
            "status": "unserved",
            "batch": "",
            "shipment": "",
            "administration_time": "",
            "activity_at_administration_bq": np.nan,
            "prescribed_activity_bq": appts["prescribed_bq"],
            "planned_date": appts["date"],
            "reason": "",
        }
    )
    index = np.nonzero(served)[0]
    if len(index):
        half = appts["half_life_h"].to_numpy()[index]
        t_admin = chosen["t_admin"].to_numpy()
        t_cal = batches["t_cal"].to_numpy()[chosen["batch"].to_numpy()]
        doses.loc[index, "status"] = np.where(chosen["moved"].to_numpy(), "moved", "served")
        doses.loc[index, "batch"] = names.to_numpy()[chosen["batch"].to_numpy()]
        doses.loc[index, "shipment"] = [ship_name[int(g)] for g in chosen["departure"]]
        doses.loc[index, "administration_time"] = [instance.timestamp(t) for t in t_admin]
        doses.loc[index, "activity_at_administration_bq"] = whole_bq(
            chosen["draw_cal_bq"].to_numpy() * decay_factor(half, t_admin - t_cal)
        )
    slots = appts["hospital"].map(instance.network.sites["weekly_treatment_slots"]).astype(float)
    treated = doses[doses["status"] != "unserved"].groupby("hospital").size()
    hospital_of = appts["hospital"].astype(str).to_numpy()
    slot_limit = slots.to_numpy(dtype=float)
    reason_text = doses["reason"].to_numpy(dtype=object)
    for i in np.nonzero(~served)[0]:
        hospital = str(hospital_of[i])
        if int(i) in reasons:
            reason_text[i] = reasons[int(i)]
        elif np.isfinite(slot_limit[i]) and treated.get(hospital, 0) >= slot_limit[i]:
            reason_text[i] = (
                f"{hospital}: its {int(slot_limit[i])} weekly treatment slots are taken"
            )
        else:
            reason_text[i] = (
                "not served within capacity (producer supply, batch size, synthesis slots, "
                "packages or licence limits)"
            )
    doses["reason"] = reason_text
    return doses


def _batch_table(instance: Instance, choice: Choice) -> pd.DataFrame:
    """batches.csv: the batches made."""
    batches, names = instance.batches, batch_names(instance)
    made = np.nonzero(choice.batch_activity_bq > 0)[0]
    drawn_in = (
        pd.Series(whole_bq(choice.input_bq), index=instance.inputs.index)
        .groupby(instance.inputs["batch"])
        .sum()
        if len(instance.inputs)
        else pd.Series(dtype=float)
    )
    return pd.DataFrame(
        {
            "batch": names.to_numpy()[made],
            "site": batches["site"].to_numpy()[made],
            "product": batches["product"].to_numpy()[made],
            "nuclide": batches["nuclide"].to_numpy()[made],
            "synthesis_start": [instance.timestamp(t) for t in batches["t_start"].to_numpy()[made]],
            "calibration_time": [instance.timestamp(t) for t in batches["t_cal"].to_numpy()[made]],
            "calibration_activity_bq": whole_bq(choice.batch_activity_bq[made]),
            "release_time": [instance.timestamp(t) for t in batches["t_release"].to_numpy()[made]],
            "input_activity_bq": drawn_in.reindex(made).fillna(0.0).to_numpy(),
        }
    )


def _input_table(instance: Instance, choice: Choice) -> tuple[pd.DataFrame, pd.DataFrame]:
    """inputs.csv (nuclide drawn from producers, with its bulk shipment) and the bulk
    shipments."""
    drawn = whole_bq(choice.input_bq)
    used_in = np.nonzero(
        (choice.input_bq > 1e-6 * max(float(choice.input_bq.max(initial=0.0)), 1.0)) & (drawn > 0)
    )[0]
    bulk, shipment_of = bulk_shipments(instance, drawn, used_in)
    delivery = instance.inputs["delivery"].to_numpy(dtype=np.int64)[used_in]
    names = batch_names(instance).to_numpy()
    inputs = pd.DataFrame(
        {
            "producer": instance.deliveries["producer"].to_numpy()[delivery],
            "delivery_time": [
                instance.timestamp(t) for t in instance.deliveries["t"].to_numpy()[delivery]
            ],
            "batch": names[instance.inputs["batch"].to_numpy(dtype=np.int64)[used_in]],
            "activity_bq": drawn[used_in],
            "shipment": shipment_of,
        }
    )
    return inputs, bulk


def _dose_shipments(
    instance: Instance, chosen: pd.DataFrame, used_deps: np.ndarray, ship_name: dict[int, str]
) -> pd.DataFrame:
    """Rows of shipments.csv for departures that carry doses."""
    appts, deps = instance.appointments, instance.departures
    appt = chosen["appt"].to_numpy(dtype=np.int64)
    a2_of = appts["a2_bq"].to_numpy(dtype=float)[appt]
    at_dep = (chosen["draw_cal_bq"] * chosen["dep_factor"]).to_numpy(dtype=float)
    fraction = at_dep / a2_of
    departure = chosen["departure"].to_numpy()
    act_dep = pd.Series(at_dep).groupby(departure).sum()
    nuclides = (
        pd.Series(appts["nuclide"].to_numpy()[appt])
        .groupby(departure)
        .agg(lambda v: "+".join(sorted(set(map(str, v)))))
    )
    return pd.DataFrame(
        {
            "shipment": [ship_name[int(g)] for g in used_deps],
            "kind": "doses",
            "lane": deps["lane"].to_numpy()[used_deps],
            "from_site": deps["from_site"].to_numpy()[used_deps],
            "to_site": deps["to_site"].to_numpy()[used_deps],
            "departure_time": [instance.timestamp(t) for t in deps["t_dep"].to_numpy()[used_deps]],
            "arrival_time": [instance.timestamp(t) for t in deps["t_arr"].to_numpy()[used_deps]],
            "via": deps["via"].to_numpy()[used_deps],
            "transfer_departure_time": [
                "" if np.isnan(t) else instance.timestamp(t)
                for t in deps["t_transfer"].to_numpy(dtype=float)[used_deps]
            ],
            "doses": pd.Series(departure).value_counts().reindex(used_deps).to_numpy(dtype=int),
            "packages": [type_a_packages(fraction[departure == g]) for g in used_deps],
            "package_type": TYPE_A,
            "nuclide": nuclides.reindex(used_deps).to_numpy(),
            "activity_at_departure_bq": whole_bq(act_dep.reindex(used_deps).to_numpy()),
        },
        columns=SHIPMENT_COLUMNS,
    )


def assemble(
    instance: Instance,
    choice: Choice,
    *,
    method: str,
    status: PlanStatus,
    objective: float | None,
    report: SolverReport | None,
    reasons: dict[int, str] | None = None,
) -> PlanResult:
    """Turn a choice into the dispatcher's tables and KPIs."""
    opts, deps = instance.options_table, instance.departures
    chosen = opts.loc[choice.option[choice.option >= 0]]
    # dose shipments: departures that carry at least one dose
    used_deps = np.unique(chosen["departure"].to_numpy())
    lane_of, t_dep = deps["lane"].astype(str).to_numpy(), deps["t_dep"].to_numpy(dtype=float)
    ship_name = {int(g): f"{lane_of[g]}@{instance.timestamp(t_dep[g])[:16]}" for g in used_deps}
    doses = _dose_table(instance, choice, chosen, ship_name, reasons or {})
    batch_table = _batch_table(instance, choice)
    input_table, bulk = _input_table(instance, choice)
    dose_ships = _dose_shipments(instance, chosen, used_deps, ship_name)
    kpis = _kpis(instance, choice, doses, batch_table, dose_ships, chosen)
    kpis["bulk_shipments"] = len(bulk)
    kpis["bulk_packages"] = int(bulk["packages"].sum()) if len(bulk) else 0
    kpis["bulk_type_b_shipments"] = int((bulk["package_type"] == TYPE_B).sum())
    if len(bulk):
        kpis["cost"] += float((bulk["packages"] * bulk["cost_of_packages"]).sum())
    shipments = pd.concat(
        [dose_ships, bulk[SHIPMENT_COLUMNS]] if len(bulk) else [dose_ships], ignore_index=True
    )
    return PlanResult(
        method=method,
        status=status,
        objective=objective,
        report=report,
        doses=doses,
        batches=batch_table,
        shipments=shipments,
        inputs=input_table,
        kpis=kpis,
        dataset=instance.network.dataset.label,
        dataset_name=instance.network.dataset.name,
        dataset_version=instance.network.dataset.version,
        network=instance.network.name,
        start=instance.start.isoformat(),
        days=instance.options.days,
        notes=list(instance.notes),
    )


def _kpis(
    instance: Instance,
    choice: Choice,
    doses: pd.DataFrame,
    batches: pd.DataFrame,
    shipments: pd.DataFrame,
    chosen: pd.DataFrame,
) -> dict[str, Any]:
    administered = float(doses["activity_at_administration_bq"].sum())
    produced = float(choice.batch_activity_bq.sum())  # before the tables round it
    drawn = float(chosen["draw_cal_bq"].sum())
    b, d = instance.batches, instance.departures
    cost = (
        float(
            (
                choice.input_bq
                * instance.deliveries["cost_per_gbq"].to_numpy()[
                    instance.inputs["delivery"].to_numpy(dtype=int)
                ]
                / 1e9
            ).sum()
        )
        if len(instance.inputs)
        else 0.0
    )
    made = choice.batch_activity_bq > 0
    cost += float(b["cost_per_batch"].to_numpy()[made].sum())
    used = np.isin(np.arange(len(d)), chosen["departure"].to_numpy())
    cost += float(d["cost_per_shipment"].to_numpy()[used].sum())
    used_deps = np.unique(chosen["departure"].to_numpy(dtype=np.int64))
    if len(shipments):
        per_package = d["cost_per_package"].to_numpy(dtype=float)[used_deps]
        cost += float((per_package * shipments["packages"].to_numpy(dtype=float)).sum())
    counts = doses["status"].value_counts()
    return {
        "appointments": len(doses),
        "treated_on_day": int(counts.get("served", 0)),
        "moved": int(counts.get("moved", 0)),
        "unserved": int(counts.get("unserved", 0)),
        "batches": len(batches),
        "shipments": len(shipments),
        "packages": int(shipments["packages"].sum()) if len(shipments) else 0,
        "activity_ordered_bq": float(choice.input_bq.sum()),
        "activity_produced_bq": produced,
        "activity_administered_bq": administered,
        "activity_unused_at_calibration_bq": produced - drawn,
        "activity_decayed_before_administration_bq": drawn - administered,
        "cost": cost,
    }
