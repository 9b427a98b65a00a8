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

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from radiochain.clinical._data import sources, table
from radiochain.clinical.columns import positive_number
from radiochain.errors import InputError


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
            "organs": self.organs.to_dict(orient="records"),
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
    if not organs:
        raise InputError("give at least one organ with its dose per activity")
    if not (math.isfinite(max_activity) and max_activity > 0):
        raise InputError(f"max_activity {max_activity!r} Bq must be > 0")
    if not 0 <= min_activity <= max_activity:
        raise InputError(
            f"min_activity {min_activity / 1e9:g} GBq must lie between 0 and max_activity "
            f"{max_activity / 1e9:g} GBq"
        )
    if max_cycles < 1:
        raise InputError(f"max_cycles {max_cycles} must be at least 1")
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
        if cycles < 1:
            raise InputError(f"cycles {cycles} must be at least 1")
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


def organs_from_mapping(
    data: Mapping[str, Mapping[str, object]], where: str
) -> list[OrganKinetics]:
    """Build :class:`OrganKinetics` from a patient file's ``organs:`` mapping (keys
    ``dose_per_activity_gy_per_gbq``, optional ``effective_half_life_h``, ``alpha_beta_gy``,
    ``repair_half_time_h``, ``prior_dose_gy``, ``prior_bed_gy``)."""
    from radiochain.clinical.dosimetry import protraction_factor_mono, radiobiology

    organs = []
    for name, spec in data.items():
        if not isinstance(spec, Mapping) or "dose_per_activity_gy_per_gbq" not in spec:
            raise InputError(
                f"{where}: organ {name!r} needs dose_per_activity_gy_per_gbq (e.g. 0.43)"
            )
        try:
            d = float(spec["dose_per_activity_gy_per_gbq"]) / 1e9  # type: ignore[arg-type]
            ab = spec.get("alpha_beta_gy")
            t_rep = spec.get("repair_half_time_h")
            if ab is None or t_rep is None:
                try:
                    ab_default, rep_default = radiobiology(str(name))
                except InputError:
                    ab_default, rep_default = float("nan"), float("nan")
                ab = ab if ab is not None else ab_default
                t_rep_s = float(t_rep) * 3600 if t_rep is not None else rep_default  # type: ignore[arg-type]
            else:
                t_rep_s = float(t_rep) * 3600  # type: ignore[arg-type]
            t_eff = spec.get("effective_half_life_h")
            for key, value in (("effective_half_life_h", t_eff), ("repair_half_time_h", t_rep)):
                if value is not None and not float(value) > 0:  # type: ignore[arg-type]
                    raise InputError(f"{where}: organ {name!r}: {key} {value!r} must be > 0")
            g = (
                float(protraction_factor_mono(float(t_eff) * 3600, t_rep_s))  # type: ignore[arg-type]
                if t_eff is not None and not math.isnan(t_rep_s)
                else 0.0
            )
            organs.append(
                OrganKinetics(
                    str(name),
                    d,
                    g,
                    float(ab),  # type: ignore[arg-type]
                    float(spec.get("prior_dose_gy", 0.0)),  # type: ignore[arg-type]
                    float(spec.get("prior_bed_gy", 0.0)),  # type: ignore[arg-type]
                )
            )
        except InputError as err:
            message = str(err)
            raise InputError(
                message if message.startswith(where) else f"{where}: {message}"
            ) from None
        except (TypeError, ValueError):
            raise InputError(f"{where}: organ {name!r}: values must be numbers") from None
    return organs


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


def plan_for_patient(spec: Mapping[str, object], where: str) -> tuple[ActivityPlan, list[Limit]]:
    """Personalized activity for one patient file: organs, limit sets, per-organ overrides of a
    limit (``limits: {kidneys: {dose_gy: 23}}`` replaces the kidneys' *dose* limit only), cycles
    and activity bounds.

    Raises
    ------
    InputError
        An unknown key, an organ without any limit (often a misspelt name), an override for an
        organ that is not in ``organs:``, or bad values.
    """
    import difflib

    from radiochain.units import to_becquerel

    unknown = [k for k in spec if k not in PATIENT_KEYS]
    if unknown:
        key = str(unknown[0])
        close = difflib.get_close_matches(key, PATIENT_KEYS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f" (keys: {', '.join(PATIENT_KEYS)})"
        raise InputError(f"{where}: unknown key {key!r}{hint}")
    raw_organs = spec.get("organs")
    if not isinstance(raw_organs, Mapping) or not raw_organs:
        raise InputError(
            f"{where}: needs 'organs:' with, per organ, dose_per_activity_gy_per_gbq "
            "(see docs/clinical.md)"
        )
    organs = organs_from_mapping(raw_organs, where)
    sets = spec.get("limit_sets", ["default"])
    if isinstance(sets, str):
        sets = [sets]
    if not isinstance(sets, list):
        raise InputError(f"{where}: limit_sets must be a list, e.g. [default, bodei-no-risk]")
    try:
        limits = default_limits([str(x) for x in sets])
    except InputError as err:
        raise InputError(f"{where}: limit_sets: {err}") from None
    names = [o.organ for o in organs]
    overrides = spec.get("limits") or {}
    if not isinstance(overrides, Mapping):
        raise InputError(f"{where}: limits must map organs to dose_gy/bed_gy values")
    for organ, values in overrides.items():
        if organ not in names:
            raise InputError(
                f"{where}: limits for organ {organ!r}, which is not under organs: "
                f"({', '.join(names)})"
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
    limited = {x.organ for x in limits}
    for organ in organs:
        if organ.organ not in limited:
            close = difflib.get_close_matches(organ.organ, sorted(limited), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise InputError(
                f"{where}: organ {organ.organ!r} has no limit in {', '.join(map(str, sets))} "
                f"({hint}organs with limits: {', '.join(sorted(limited))}); fix the name or "
                f"give limits: {{{organ.organ}: {{dose_gy: ...}}}}"
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
    kwargs: dict[str, float] = {}
    for key in ("max_activity", "min_activity"):
        if key in spec:
            kwargs[key] = to_becquerel(str(spec[key]), default_unit=None, what=f"{where}: {key}")
    cycles = spec.get("cycles")
    max_cycles = spec.get("max_cycles", 6)
    for key, count in (("cycles", cycles), ("max_cycles", max_cycles)):
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
            raise InputError(f"{where}: {key} must be a whole number, not {count!r}")
    plan = personalized_activity(
        organs,
        limits,
        cycles=cycles,  # type: ignore[arg-type]
        max_cycles=max_cycles,  # type: ignore[arg-type]
        **kwargs,
    )
    return plan, limits
