"""Personalized activity: the largest activity per cycle, and the number of cycles, that keep
every organ's cumulative absorbed dose and BED under its limits.

For organ k with absorbed dose per activity :math:`d_k` [Gy/Bq] and protraction factor
:math:`G_k`, n equal cycles of activity A give :math:`D = n A d_k` and
:math:`BED = n (A d_k + G_k (A d_k)^2/(\\alpha/\\beta)_k)` (full repair between cycles; see
:mod:`radiochain.clinical.dosimetry`). With the budget left after earlier cycles, the largest A
solves a linear (dose) or quadratic (BED) inequality per organ; the smallest over organs wins.
Limits come from ``radiochain/data/clinical/organ_limits.csv`` (with sources) or the caller.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from radiochain.clinical._data import sources, table
from radiochain.clinical.columns import json_ready, positive_number
from radiochain.errors import InputError, elide
from radiochain.units import format_quantity

MAX_CYCLES = 100
"""Most cycles a plan may have (``cycles``, ``max_cycles``): far beyond any regimen."""


@dataclass(frozen=True)
class OrganKinetics:
    """What the activity planner needs to know about one organ of one patient.

    Parameters
    ----------
    organ : str
    dose_per_activity : float [Gy/Bq]
    protraction : float
        G factor (0 for no dose-rate effect; see
        :func:`radiochain.clinical.dosimetry.protraction_factor`).
    alpha_beta : float [Gy]
        Needed only for a BED limit.
    prior_dose : float [Gy]
        Absorbed dose already given (earlier cycles).
    prior_bed : float [Gy]
    """

    organ: str
    dose_per_activity: float
    protraction: float = 0.0
    alpha_beta: float = float("nan")
    prior_dose: float = 0.0
    prior_bed: float = 0.0

    def __post_init__(self) -> None:
        if not (self.dose_per_activity > 0 and math.isfinite(self.dose_per_activity)):
            raise InputError(
                f"organ {self.organ}: dose per activity {self.dose_per_activity!r} must be a "
                "positive number (e.g. 0.43 Gy/GBq)"
            )
        for name, value in (
            ("protraction", self.protraction),
            ("prior_dose_gy", self.prior_dose),
            ("prior_bed_gy", self.prior_bed),
        ):
            if not (math.isfinite(value) and value >= 0):
                raise InputError(f"organ {self.organ}: {name} {value!r} must be a number >= 0")
        if not (math.isnan(self.alpha_beta) or self.alpha_beta > 0):
            raise InputError(f"organ {self.organ}: alpha_beta_gy {self.alpha_beta!r} must be > 0")


@dataclass(frozen=True)
class Limit:
    """A cumulative limit on an organ: absorbed ``dose`` or ``bed`` [Gy], with its source."""

    organ: str
    quantity: Literal["dose", "bed"]
    limit_gy: float
    source: str = ""


def default_limits(sets: Sequence[str] = ("default",)) -> list[Limit]:
    """Limits of the named sets in ``organ_limits.csv`` (``default``, ``bodei-no-risk``,
    ``bodei-risk``), each with its citation.

    Raises
    ------
    InputError
        Unknown set.
    """
    frame = table("organ_limits.csv")
    unknown = set(sets) - set(frame["set"])
    if unknown:
        raise InputError(
            f"unknown limit set(s) {', '.join(sorted(unknown))} "
            f"(known: {', '.join(sorted(set(frame['set'])))})"
        )
    cites = sources()
    chosen = frame[frame["set"].isin(sets)]
    return [
        Limit(str(r.organ), str(r.quantity), float(r.limit_gy), cites.get(str(r.source), ""))  # type: ignore[arg-type]
        for r in chosen.itertuples()
    ]


def max_activity_for(organ: OrganKinetics, limit: Limit, cycles: int) -> float:
    """Largest activity per cycle [Bq] such that ``cycles`` equal cycles keep the organ within
    ``limit`` (inf if the limit does not bind, 0 if the budget is spent)."""
    d = organ.dose_per_activity
    if limit.quantity == "dose":
        budget = limit.limit_gy - organ.prior_dose
        return max(budget, 0.0) / (cycles * d) * _INSIDE
    if math.isnan(organ.alpha_beta):
        raise InputError(f"organ {organ.organ}: a BED limit needs alpha_beta_gy")
    budget = (limit.limit_gy - organ.prior_bed) / cycles
    if budget <= 0:
        return 0.0
    quad = organ.protraction * d * d / organ.alpha_beta
    if quad <= 0:
        return budget / d * _INSIDE
    # positive root of quad A^2 + d A - budget = 0, in the form without cancellation
    return 2 * budget / (d + math.sqrt(d * d + 4 * quad * budget)) * _INSIDE


_INSIDE = 1 - 1e-12
"""Rounding margin: a largest activity never lands a few ulp above its limit."""


@dataclass
class ActivityPlan:
    """Result of :func:`personalized_activity`."""

    activity_per_cycle_bq: float
    cycles: int
    limiting_organ: str
    feasible: bool
    organs: pd.DataFrame = field(default_factory=pd.DataFrame)
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary (keys carry units)."""
        return {
            "activity_per_cycle_bq": self.activity_per_cycle_bq,
            "cycles": self.cycles,
            "cumulative_activity_bq": self.activity_per_cycle_bq * self.cycles,
            "limiting_organ": self.limiting_organ,
            "feasible": self.feasible,
            "note": self.note,
            "organs": json_ready(self.organs.to_dict(orient="records")),
        }


def _projection(
    organs: Sequence[OrganKinetics], limits: Sequence[Limit], activity: float, cycles: int
) -> pd.DataFrame:
    rows = []
    for o in organs:
        dose = o.prior_dose + cycles * activity * o.dose_per_activity
        per = activity * o.dose_per_activity
        bed_value = (
            o.prior_bed + cycles * (per + o.protraction * per * per / o.alpha_beta)
            if not math.isnan(o.alpha_beta)
            else float("nan")
        )
        own: list[Limit | None] = [x for x in limits if x.organ == o.organ]
        for lim in own or [None]:
            value = dose if lim is None or lim.quantity == "dose" else bed_value
            rows.append(
                {
                    "organ": o.organ,
                    "cumulative_dose_gy": dose,
                    "cumulative_bed_gy": bed_value,
                    "limit_quantity": None if lim is None else lim.quantity,
                    "limit_gy": None if lim is None else lim.limit_gy,
                    "fraction_of_limit": None if lim is None else value / lim.limit_gy,
                    "limit_source": None if lim is None else lim.source,
                }
            )
    return pd.DataFrame(rows)


def _count(value: object, name: str) -> int:
    """A number of cycles: a whole number in 1 to :data:`MAX_CYCLES`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{name} must be a whole number, not {elide(value)!r}")
    if not 1 <= value <= MAX_CYCLES:
        raise InputError(f"{name} {value} must be at least 1 and at most {MAX_CYCLES}")
    return value


def _check_plan_arguments(
    organs: Sequence[OrganKinetics],
    cycles: int | None,
    max_activity: float,
    min_activity: float,
    max_cycles: int,
) -> None:
    if not organs:
        raise InputError("give at least one organ with its dose per activity")
    if not (math.isfinite(max_activity) and max_activity > 0):
        raise InputError(
            f"max_activity {format_quantity(max_activity, 'activity')}: give an activity > 0, "
            "e.g. '7.4 GBq'"
        )
    if not (math.isfinite(min_activity) and 0 <= min_activity <= max_activity):
        raise InputError(
            f"min_activity {format_quantity(min_activity, 'activity')} must lie between 0 and "
            f"max_activity {format_quantity(max_activity, 'activity')}"
        )
    _count(max_cycles, "max_cycles")
    if cycles is not None:
        _count(cycles, "cycles")


def personalized_activity(
    organs: Sequence[OrganKinetics],
    limits: Sequence[Limit] | None = None,
    *,
    cycles: int | None = None,
    max_activity: float = 7.4e9,
    min_activity: float = 0.0,
    max_cycles: int = 6,
) -> ActivityPlan:
    """Largest activity per cycle and number of cycles within every organ limit.

    Parameters
    ----------
    organs : sequence of OrganKinetics
    limits : sequence of Limit, optional
        Default: the ``default`` set of ``organ_limits.csv``. Organs without a limit are
        reported but do not constrain.
    cycles : int, optional
        Fixed number of cycles: the activity per cycle is the largest allowed (at most
        ``max_activity``). If omitted, cycles of ``max_activity`` are given while every limit
        holds (up to ``max_cycles``), the way dosimetry-guided PRRT continues "until a
        predefined kidney dose" (e.g. Sundlöv et al., EJNMMI 2022).
    max_activity, min_activity : float [Bq]
        Bounds of one cycle (a cycle below ``min_activity`` is not worth giving).
    max_cycles : int
        At most :data:`MAX_CYCLES`.

    Returns
    -------
    ActivityPlan
        ``feasible`` is False when not even one cycle of ``min_activity`` fits.

    Examples
    --------
    >>> kid = OrganKinetics("kidneys", 0.43e-9)
    >>> plan = personalized_activity([kid], [Limit("kidneys", "dose", 23.0)], cycles=6)
    >>> round(plan.activity_per_cycle_bq / 1e9, 3)
    7.4
    """
    _check_plan_arguments(organs, cycles, max_activity, min_activity, max_cycles)
    limits = list(default_limits()) if limits is None else list(limits)
    for lim in limits:
        if not (math.isfinite(lim.limit_gy) and lim.limit_gy > 0):
            raise InputError(f"limit of {lim.organ} ({lim.quantity}) {lim.limit_gy!r} must be > 0")
    names = {o.organ for o in organs}
    binding = [lim for lim in limits if lim.organ in names]

    def allowed(n: int) -> tuple[float, str]:
        best, which = math.inf, ""
        for o in organs:
            for lim in (x for x in binding if x.organ == o.organ):
                a = max_activity_for(o, lim, n)
                if a < best:
                    best, which = a, f"{o.organ} ({lim.quantity})"
        return best, which

    if cycles is not None:
        a, which = allowed(cycles)
        activity = min(a, max_activity)
        feasible = activity >= min_activity and activity > 0
        limiting = which if a <= max_activity else "max_activity"
        return ActivityPlan(
            activity,
            cycles,
            limiting,
            feasible,
            _projection(organs, limits, activity, cycles),
            "" if feasible else f"the limits allow {activity / 1e9:.3g} GBq per cycle only",
        )
    n_full = 0
    for n in range(1, max_cycles + 1):
        a, _ = allowed(n)
        if a >= max_activity * (1 - 1e-12):
            n_full = n
        else:
            break
    if n_full == max_cycles:
        return ActivityPlan(
            max_activity,
            n_full,
            "max_cycles",
            True,
            _projection(organs, limits, max_activity, n_full),
        )
    if n_full == 0:
        a, which = allowed(1)
        activity = min(a, max_activity)
        feasible = activity >= min_activity and activity > 0
        return ActivityPlan(
            activity,
            1 if feasible else 0,
            which,
            feasible,
            _projection(organs, limits, activity, 1),
        )
    _, which = allowed(n_full + 1)
    return ActivityPlan(
        max_activity,
        n_full,
        which,
        True,
        _projection(organs, limits, max_activity, n_full),
        f"a cycle {n_full + 1} of {max_activity / 1e9:.3g} GBq would break the {which} limit",
    )


ORGAN_KEYS = (
    "dose_per_activity_gy_per_gbq",
    "effective_half_life_h",
    "alpha_beta_gy",
    "repair_half_time_h",
    "prior_dose_gy",
    "prior_bed_gy",
)
"""Keys of an organ in a patient file's ``organs:`` (the first one required)."""


def organs_from_mapping(data: Mapping[Any, object], where: str) -> list[OrganKinetics]:
    """Build :class:`OrganKinetics` from a patient file's ``organs:`` mapping (keys
    :data:`ORGAN_KEYS`: ``dose_per_activity_gy_per_gbq`` [Gy/GBq], optional
    ``effective_half_life_h`` [h], ``alpha_beta_gy`` [Gy], ``repair_half_time_h`` [h],
    ``prior_dose_gy`` [Gy], ``prior_bed_gy`` [Gy]); alpha/beta and the repair half-time
    default to ``radiobiology.csv``.

    Raises
    ------
    InputError
        An organ without its dose per activity, an unknown key (did-you-mean), a value that is
        not a finite number in range (``where: organ 'kidneys': field ...``).
    """
    return [
        _organ(str(name), spec, f"{where}: organ {elide(name)!r}") for name, spec in data.items()
    ]


def _organ(name: str, spec: object, where: str) -> OrganKinetics:
    from radiochain.clinical.dosimetry import protraction_factor_mono

    if not isinstance(spec, Mapping) or "dose_per_activity_gy_per_gbq" not in spec:
        raise InputError(f"{where} needs dose_per_activity_gy_per_gbq (e.g. 0.43)")
    _refuse_unknown(spec, ORGAN_KEYS, where)
    value = {key: _organ_value(spec, key, where) for key in ORGAN_KEYS}
    alpha_beta, repair_s = _radiobiology_or_given(
        name, value["alpha_beta_gy"], value["repair_half_time_h"]
    )
    t_eff = value["effective_half_life_h"]
    g = (
        float(protraction_factor_mono(t_eff * 3600, repair_s))
        if t_eff is not None and not math.isnan(repair_s)
        else 0.0
    )
    try:
        return OrganKinetics(
            name,
            float(value["dose_per_activity_gy_per_gbq"] or math.nan) / 1e9,
            g,
            alpha_beta,
            value["prior_dose_gy"] or 0.0,
            value["prior_bed_gy"] or 0.0,
        )
    except InputError as err:
        raise InputError(f"{where}: {err}") from None


def _organ_value(spec: Mapping[Any, object], key: str, where: str) -> float | None:
    """A number of an organ: finite, > 0 (>= 0 for the prior doses); None if not given."""
    if key not in spec or spec[key] is None:
        return None
    raw = spec[key]
    try:
        number = math.nan if isinstance(raw, bool) else float(str(raw))
    except ValueError:
        number = math.nan
    if math.isnan(number):
        raise InputError(
            f"{where}: {key} {elide(raw)!r} is not a number (values must be numbers, in the "
            "unit the key names)"
        )
    prior = key.startswith("prior_")
    if not math.isfinite(number) or number < 0 or (number == 0 and not prior):
        bound = ">= 0" if prior else "> 0"
        raise InputError(f"{where}: {key} {elide(raw)!r} must be a finite number {bound}")
    return number


def _radiobiology_or_given(
    organ: str, alpha_beta: float | None, repair_h: float | None
) -> tuple[float, float]:
    """(alpha/beta [Gy], repair half-time [s]): given, else ``radiobiology.csv``, else NaN."""
    from radiochain.clinical.dosimetry import radiobiology

    if alpha_beta is not None and repair_h is not None:
        return alpha_beta, repair_h * 3600
    try:
        ab_default, repair_default = radiobiology(organ)
    except InputError:
        ab_default, repair_default = math.nan, math.nan
    return (
        ab_default if alpha_beta is None else alpha_beta,
        repair_default if repair_h is None else repair_h * 3600,
    )


def _refuse_unknown(spec: Mapping[Any, object], known: Sequence[str], where: str) -> None:
    """An unknown key is an error with a did-you-mean."""
    unknown = [str(k) for k in spec if k not in known]
    if unknown:
        key = unknown[0]
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f" (keys: {', '.join(known)})"
        raise InputError(f"{where}: unknown key {elide(key)!r}{hint}")


PATIENT_KEYS = (
    "patient",
    "organs",
    "limit_sets",
    "limits",
    "cycles",
    "max_cycles",
    "max_activity",
    "min_activity",
    "regimen",
)
"""Keys of a patient file (``radiochain clinical activity PATIENT.yaml``)."""


def read_patient(path: str | Path) -> dict[str, Any]:
    """Read a patient file (YAML; see docs/clinical.md): a mapping with :data:`PATIENT_KEYS`.

    Raises
    ------
    InputError
        Missing, not UTF-8, not valid YAML (aliases bounded: :func:`radiochain.files.load_yaml`)
        or not a mapping. The content is checked by :func:`plan_for_patient`.
    """
    from radiochain.files import load_yaml

    spec = load_yaml(path, what="patient file")
    if not isinstance(spec, dict):
        raise InputError(
            f"{elide(str(path))}: needs 'organs:' with, per organ, "
            "dose_per_activity_gy_per_gbq (see docs/clinical.md)"
        )
    return spec


@dataclass
class PatientPlan:
    """Result of :func:`plan_for_patient`: the plan, the limits it was held to and the
    patient file's ``regimen:`` (for :meth:`plans_row`)."""

    patient: str
    plan: ActivityPlan
    limits: list[Limit]
    regimen: Mapping[str, object] | None = None
    where: str = "patient file"

    @property
    def feasible(self) -> bool:
        """Whether at least one cycle fits every limit."""
        return self.plan.feasible

    def to_dict(self) -> dict[str, object]:
        """JSON-ready result: the patient, the plan (:meth:`ActivityPlan.to_dict`) and every
        limit with its source."""
        return {
            "patient": self.patient,
            **self.plan.to_dict(),
            "limits": [
                {
                    "organ": x.organ,
                    "quantity": x.quantity,
                    "limit_gy": x.limit_gy,
                    "source": x.source,
                }
                for x in self.limits
            ],
        }

    def plans_row(self) -> dict[str, object]:
        """The plan as a row of a plans table (:func:`radiochain.clinical.demand.plans_row`).

        Raises
        ------
        InputError
            No ``regimen:`` in the patient file, a bad regimen, or no cycle fits.
        """
        from radiochain.clinical.demand import plans_row

        if not isinstance(self.regimen, Mapping):
            raise InputError(
                f"{self.where}: a plans row needs 'regimen:' with hospital, product, first_date "
                "and interval_d"
            )
        return plans_row(
            self.patient,
            self.plan.cycles,
            self.plan.activity_per_cycle_bq,
            self.regimen,
            f"{self.where}: regimen",
        )


def plan_for_patient(spec: Mapping[str, object], where: str) -> PatientPlan:
    """Personalized activity for one patient file: organs, limit sets, per-organ overrides of a
    limit (``limits: {kidneys: {dose_gy: 23}}`` replaces the kidneys' *dose* limit only), cycles
    and activity bounds.

    Parameters
    ----------
    spec : mapping
        The patient file's content (:func:`read_patient`).
    where : str
        The file, for messages; its stem names the patient without a ``patient:`` key.

    Raises
    ------
    InputError
        An unknown key, an organ without any limit (often a misspelt name), an override for an
        organ that is not in ``organs:``, or bad values.
    """
    from radiochain.clinical.demand import check_regimen

    _refuse_unknown(spec, PATIENT_KEYS, where)
    organs = organs_from_mapping(_organs_mapping(spec, where), where)
    sets = _limit_sets(spec, where)
    limits = _override_limits(default_limits_in(sets, where), spec.get("limits"), organs, where)
    _check_limited(organs, limits, sets, where)
    regimen = check_regimen(spec["regimen"], f"{where}: regimen") if "regimen" in spec else None
    try:
        plan = personalized_activity(organs, limits, **_plan_options(spec, where))
    except InputError as err:
        raise InputError(f"{where}: {err}") from None
    return PatientPlan(
        patient=_patient_name(spec, where),
        plan=plan,
        limits=limits,
        regimen=regimen,
        where=where,
    )


def _patient_name(spec: Mapping[str, object], where: str) -> str:
    name = spec.get("patient")
    if name is None:
        return Path(where).stem
    if isinstance(name, bool) or not isinstance(name, str | int) or not str(name).strip():
        raise InputError(f"{where}: patient must be a name or number, e.g. 'patient: p01'")
    return str(name).strip()


def _organs_mapping(spec: Mapping[str, object], where: str) -> Mapping[Any, object]:
    raw = spec.get("organs")
    if not isinstance(raw, Mapping) or not raw:
        raise InputError(
            f"{where}: needs 'organs:' with, per organ, dose_per_activity_gy_per_gbq "
            "(see docs/clinical.md)"
        )
    return raw


def _limit_sets(spec: Mapping[str, object], where: str) -> list[str]:
    sets = spec.get("limit_sets", ["default"])
    if isinstance(sets, str):
        sets = [sets]
    if not isinstance(sets, list) or not all(isinstance(x, str) for x in sets):
        raise InputError(f"{where}: limit_sets must be a list, e.g. [default, bodei-no-risk]")
    return sets


def default_limits_in(sets: Sequence[str], where: str) -> list[Limit]:
    """:func:`default_limits` with the patient file named in an error."""
    try:
        return default_limits(sets)
    except InputError as err:
        raise InputError(f"{where}: limit_sets: {elide(err, 200)}") from None


def _override_limits(
    limits: list[Limit], overrides: object, organs: Sequence[OrganKinetics], where: str
) -> list[Limit]:
    """``limits:`` of the patient file replace the limit of that organ and quantity."""
    names = [o.organ for o in organs]
    overrides = overrides or {}
    if not isinstance(overrides, Mapping):
        raise InputError(f"{where}: limits must map organs to dose_gy/bed_gy values")
    for organ, values in overrides.items():
        if organ not in names:
            raise InputError(
                f"{where}: limits for organ {elide(organ)!r}, which is not under organs: "
                f"({elide(', '.join(names))})"
            )
        if not isinstance(values, Mapping) or not values or set(values) - {"dose_gy", "bed_gy"}:
            raise InputError(
                f"{where}: limits of {organ}: give dose_gy and/or bed_gy, e.g. {{dose_gy: 23}}"
            )
        quantity: Literal["dose", "bed"]
        for quantity in ("dose", "bed"):
            if f"{quantity}_gy" in values:
                value = positive_number(
                    values[f"{quantity}_gy"], f"{where}: limits of {organ}", "a limit > 0 [Gy]"
                )
                limits = [x for x in limits if (x.organ, x.quantity) != (organ, quantity)]
                limits.append(Limit(str(organ), quantity, value, where))
    return limits


def _check_limited(
    organs: Sequence[OrganKinetics], limits: Sequence[Limit], sets: Sequence[str], where: str
) -> None:
    """Every organ has a limit; a BED limit has what the BED needs."""
    limited = {x.organ for x in limits}
    for organ in organs:
        if organ.organ not in limited and not limited:
            raise InputError(
                f"{where}: organ {elide(organ.organ)!r} has no limit: no organ has one "
                f"(limit_sets is {'empty' if not sets else ', '.join(sets)}); give "
                f"limit_sets: [default] or limits: {{{elide(organ.organ)}: {{dose_gy: ...}}}}"
            )
        if organ.organ not in limited:
            close = difflib.get_close_matches(organ.organ, sorted(limited), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            within = f" in {', '.join(sets)}" if sets else " (limit_sets is empty)"
            raise InputError(
                f"{where}: organ {elide(organ.organ)!r} has no limit{within} "
                f"({hint}organs with limits: {', '.join(sorted(limited))}); fix the name or "
                f"give limits: {{{elide(organ.organ)}: {{dose_gy: ...}}}}"
            )
        bed_limited = any(x.organ == organ.organ and x.quantity == "bed" for x in limits)
        if bed_limited and math.isnan(organ.alpha_beta):
            raise InputError(
                f"{where}: organ {organ.organ!r} has a BED limit but no alpha_beta_gy "
                "(and none in radiobiology.csv); give alpha_beta_gy and repair_half_time_h"
            )
        if bed_limited and not organ.protraction > 0:
            raise InputError(
                f"{where}: organ {organ.organ!r} has a BED limit, which needs its "
                "effective_half_life_h and a repair half-time (repair_half_time_h, or "
                "radiobiology.csv): without them the BED would be underestimated"
            )


def _plan_options(spec: Mapping[str, object], where: str) -> dict[str, Any]:
    """Activity bounds and cycle counts of the patient file, checked."""
    from radiochain.units import to_becquerel

    options: dict[str, Any] = {}
    for key in ("max_activity", "min_activity"):
        if key in spec:
            options[key] = to_becquerel(str(spec[key]), default_unit=None, what=f"{where}: {key}")
    for key in ("cycles", "max_cycles"):
        if spec.get(key) is not None:
            try:
                options[key] = _count(spec[key], key)
            except InputError as err:
                raise InputError(f"{where}: {err}") from None
    return options
