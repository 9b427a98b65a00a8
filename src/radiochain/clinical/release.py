"""Release of patients and contact restrictions after radionuclide therapy.

* Dose rate at a distance from the patient, as an unshielded point source with the nuclide's
  dose-rate constant (``dose_rate_constants.csv``), a measured patient constant, or a measured
  dose rate, decaying physically or with a measured clearance.
* Release under configurable rules (``release_rules.csv``): the US NRC rule (10 CFR 35.75) with
  the NUREG-1556 Vol. 9 Appendix U formula, :math:`D(\\infty) = 34.6\\,\\Gamma Q_0 T_p E / r^2`
  [rem] (:math:`\\Gamma` [R cm^2/(mCi h)], :math:`Q_0` [mCi], :math:`T_p` [d], r [cm],
  occupancy E = 0.25 at 1 m), or a dose-rate threshold at 1 m.
* Contact-restriction periods: published ones (``contact_restrictions.csv``) and a computed
  period for a contact pattern (distance, hours a day, dose constraint) with the dose rate
  falling as distance^-1.5 near a patient (the model of glowgreen/dorn, Forster et al.,
  J. Radiol. Prot. 43 (2023) 021501).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from radiochain.clinical._data import sources, table
from radiochain.clinical.columns import json_ready
from radiochain.clinical.contact import (
    ContactRestriction,
    contact_restrictions,
    published_restrictions,
    restriction_period,
)
from radiochain.clinical.kinetics import ExponentialSum
from radiochain.errors import InputError, elide
from radiochain.physics.datasets import DEFAULT_DATASET
from radiochain.physics.nuclide import Nuclide

__all__ = [
    "CONSTANT_KINDS",
    "DOSE_RATE_TIMES_H",
    "ContactRestriction",
    "ReleaseAssessment",
    "ReleaseDecision",
    "assess_release",
    "contact_restrictions",
    "dose_rate",
    "dose_rate_constant",
    "dose_rate_curve",
    "exposure_rate_constant",
    "nrc_dose_to_others",
    "parse_retention",
    "published_restrictions",
    "release_decision",
    "release_rule",
    "restriction_period",
    "retention",
]

MCI = 3.7e7
"""Bq per mCi."""
R_TO_USV = 1e4
"""NRC convention: 1 R of exposure ~ 1 rem = 10 mSv of dose equivalent."""
MAX_ACTIVITY_BQ = 1e13
"""Largest administered activity a release question may name [Bq] (10 TBq: a thousand times
a therapy)."""
MAX_DOSE_RATE_USV_H = 1e6
"""Largest measured dose rate at 1 m [µSv/h] (1 Sv/h)."""


def dose_rate_constant(
    nuclide: str | Nuclide, kind: Literal["point", "patient"] = "point"
) -> float:
    """Dose-rate constant [µSv m^2 / (MBq h)]: ``point`` for an unshielded point source
    (Unger & Trubey), ``patient`` for the mean measured at 1 m from patients (where tabulated).

    Raises
    ------
    InputError
        No value for the nuclide.
    """
    name = Nuclide(nuclide).name
    frame = table("dose_rate_constants.csv")
    column = {
        "point": "dose_rate_constant_usv_m2_per_mbq_h",
        "patient": "patient_dose_rate_usv_m2_per_mbq_h",
    }[kind]
    row = frame[frame["nuclide"] == name]
    if row.empty or pd.isna(row[column].iloc[0]):
        known = frame.loc[frame[column].notna(), "nuclide"]
        raise InputError(
            f"no {kind} dose-rate constant for {name} in dose_rate_constants.csv "
            f"(known: {', '.join(known)}); give a measured dose rate instead"
        )
    return float(row[column].iloc[0])


def exposure_rate_constant(nuclide: str | Nuclide) -> float:
    """:math:`\\Gamma` [R cm^2/(mCi h)] for the NRC formula: the NUREG value where tabulated,
    else derived from the point-source dose-rate constant with 1 R = 10 mSv."""
    name = Nuclide(nuclide).name
    frame = table("dose_rate_constants.csv")
    row = frame[frame["nuclide"] == name]
    if len(row) and pd.notna(row["exposure_rate_constant_r_cm2_per_mci_h"].iloc[0]):
        return float(row["exposure_rate_constant_r_cm2_per_mci_h"].iloc[0])
    k = dose_rate_constant(name)  # µSv m2/(MBq h)
    return k * (MCI / 1e6) * 1e4 / R_TO_USV


def dose_rate(
    activity: float,
    nuclide: str | Nuclide,
    *,
    times: float | np.ndarray = 0.0,
    distance_m: float = 1.0,
    constant: float | None = None,
    clearance: ExponentialSum | None = None,
) -> np.ndarray:
    """Dose rate [µSv/h] at ``distance_m`` [m] from a patient given ``activity`` [Bq].

    Parameters
    ----------
    activity : float [Bq]
    nuclide : str or Nuclide
        A name, or a :class:`Nuclide` of the nuclear dataset to use.
    times : float or array [s]
        Times after administration.
    distance_m : float [m]
        Inverse-square law from the point source.
    constant : float [µSv m^2/(MBq h)], optional
        Default: the point-source constant of the nuclide.
    clearance : ExponentialSum, optional
        Retained fraction over time (amplitudes sum to 1); default physical decay.
    """
    if distance_m <= 0:
        raise InputError(f"distance {distance_m} m must be positive")
    k = dose_rate_constant(nuclide) if constant is None else constant
    retained = _retained(nuclide, clearance)(np.asarray(times, dtype=float))
    return np.asarray(k * activity / 1e6 * retained / distance_m**2)


def retention(
    fractions: npt.ArrayLike,
    effective_half_lives: npt.ArrayLike,
    *,
    physical_half_life: float | None = None,
    where: str = "clearance",
) -> ExponentialSum:
    """Retained fraction of the administered activity, :math:`R(t) = \\sum_i F_i
    e^{-\\ln 2\\, t / T_i}`, from components (fraction :math:`F_i`, effective half-life
    :math:`T_i` [s], physical and biological removal together).

    Parameters
    ----------
    fractions : array
        :math:`F_i` in (0, 1], summing to at most 1 (the rest left at once).
    effective_half_lives : array [s]
    physical_half_life : float [s], optional
        When given, no effective half-life may exceed it.
    where : str
        Name used in error messages.

    Raises
    ------
    InputError
        A fraction outside (0, 1], fractions summing to more than 1, a half-life <= 0 or longer
        than the physical half-life.
    """
    f = np.atleast_1d(np.asarray(fractions, dtype=float))
    t = np.atleast_1d(np.asarray(effective_half_lives, dtype=float))
    if f.shape != t.shape or f.size == 0:
        raise InputError(f"{where}: give one effective half-life per fraction")
    if not (np.all(np.isfinite(f)) and np.all((f > 0) & (f <= 1))):
        raise InputError(f"{where}: fractions must be in (0, 1], got {f.tolist()}")
    if f.sum() > 1 + 1e-9:
        raise InputError(f"{where}: fractions sum to {f.sum():g}; at most 1 can be retained")
    if not (np.all(np.isfinite(t)) and np.all(t > 0)):
        raise InputError(f"{where}: effective half-lives must be > 0")
    if physical_half_life is not None and np.any(t > physical_half_life * (1 + 1e-6)):
        longest = float(t.max()) / 3600
        raise InputError(
            f"{where}: effective half-life {longest:.4g} h is longer than the physical "
            f"{physical_half_life / 3600:.4g} h; give effective (physical and biological) "
            "half-lives"
        )
    return ExponentialSum(f, np.log(2) / t)


def parse_retention(
    text: str, *, physical_half_life: float | None = None, where: str = "--clearance"
) -> ExponentialSum:
    """Components ``"F:T, F:T"`` (fraction and effective half-life, e.g.
    ``"0.4:6 h, 0.6:50 h"``) as a :func:`retention` curve.

    Raises
    ------
    InputError
        A component that is not ``fraction:half-life`` or bad values (see :func:`retention`).
    """
    from radiochain.units import to_seconds

    fractions: list[float] = []
    half_lives: list[float] = []
    for part in (p.strip() for p in text.split(",")):
        fraction, sep, half_life = part.partition(":")
        if not sep:
            raise InputError(
                f"{where}: {part!r} is not fraction:half-life (e.g. '0.4:6 h, 0.6:50 h')"
            )
        try:
            fractions.append(float(fraction))
        except ValueError:
            raise InputError(f"{where}: fraction {fraction.strip()!r} is not a number") from None
        half_lives.append(to_seconds(half_life.strip(), default_unit=None, what=where))
    return retention(fractions, half_lives, physical_half_life=physical_half_life, where=where)


def _retained(nuclide: str | Nuclide, clearance: ExponentialSum | None) -> ExponentialSum:
    if clearance is not None:
        return clearance
    return ExponentialSum(np.array([1.0]), np.array([Nuclide(nuclide).decay_constant]))


def _from(curve: ExponentialSum, start: float) -> ExponentialSum:
    """The same curve with time counted from ``start`` [s]."""
    return ExponentialSum(curve.amplitudes * np.exp(-curve.rates * start), curve.rates)


def dose_rate_curve(
    activity: float,
    nuclide: str | Nuclide,
    *,
    constant: float | None = None,
    clearance: ExponentialSum | None = None,
    measured_dose_rate: float | None = None,
    released_after: float = 0.0,
) -> ExponentialSum:
    """Dose rate at 1 m [µSv/h] over time [s] since release, as an :class:`ExponentialSum`
    (for :func:`restriction_period`).

    Parameters
    ----------
    activity : float [Bq]
        Administered activity.
    nuclide : str or Nuclide
        A name, or a :class:`Nuclide` of the nuclear dataset to use.
    constant : float [µSv m^2/(MBq h)], optional
        Default: the point-source constant.
    clearance : ExponentialSum, optional
        Retained fraction since administration (:func:`retention`); default physical decay.
    measured_dose_rate : float [µSv/h at 1 m], optional
        Measured at release; replaces constant x retained activity.
    released_after : float [s]
        Time from administration to release (and to the measurement).
    """
    retained = _from(_retained(nuclide, clearance), released_after)
    start = float(retained(0.0))
    if measured_dose_rate is not None:
        scale = measured_dose_rate / start if start > 0 else 0.0
    else:
        k = dose_rate_constant(nuclide) if constant is None else constant
        scale = k * activity / 1e6
    return ExponentialSum(retained.amplitudes * scale, retained.rates)


@dataclass(frozen=True)
class ReleaseDecision:
    """Outcome of a release rule.

    ``max_activity_bq`` is NaN when it cannot be derived (a measured rate for no activity);
    ``record_required`` says that 10 CFR 35.2075(a) asks for a record of the basis (retained
    activity, an effective half-life or tissue shielding was used).
    """

    rule: str
    releasable: bool
    instructions_required: bool
    value: float
    limit: float
    unit: str
    max_activity_bq: float
    detail: str
    source: str
    record_required: bool = False

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "rule": self.rule,
            "releasable": self.releasable,
            "instructions_required": self.instructions_required,
            "value": self.value,
            "limit": self.limit,
            "unit": self.unit,
            "max_activity_bq": self.max_activity_bq,
            "detail": self.detail,
            "source": self.source,
            "record_required": self.record_required,
        }


def nrc_dose_to_others(
    activity: float,
    nuclide: str | Nuclide,
    *,
    occupancy: float = 0.25,
    distance_m: float = 1.0,
    gamma: float | None = None,
    half_life: float | None = None,
    clearance: ExponentialSum | None = None,
    measured_dose_rate: float | None = None,
    released_after: float = 0.0,
) -> float:
    """Total dose [mSv] to an individual near a released patient, NUREG-1556 Vol. 9 App. U
    eq. U-1 with t -> infinity: :math:`34.6\\,\\Gamma Q_0 T_p E / r^2` (with :math:`\\Gamma`
    in R cm^2/(mCi h) the result is in R, taken as rem; 1 rem = 10 mSv).

    :math:`34.6\\,T_p \\approx 24 \\int_0^\\infty e^{-\\ln 2\\, t/T_p} dt` [h, t in d]. With a
    ``clearance`` radiochain takes the same integral over the retained fraction from release on,
    :math:`T_p \\to \\ln 2 \\int R\\,dt / R(0) = \\sum_i F_i T_i / \\sum_i F_i` at release at
    administration. This generalises eq. U-1; it is **not** App. U's own uptake-fraction
    equation, and it keeps the occupancy E throughout. A ``measured_dose_rate`` at
    ``distance_m`` at release replaces :math:`\\Gamma Q_0 R / r^2`.

    Parameters
    ----------
    activity : float [Bq]
        Administered activity Q0.
    nuclide : str or Nuclide
        A name, or a :class:`Nuclide` of the nuclear dataset to use.
    occupancy : float
        E, 0.25 at 1 m by default.
    distance_m : float [m]
    gamma : float [R cm^2/(mCi h)], optional
        Default: :func:`exposure_rate_constant`.
    half_life : float [s], optional
        Default: physical half-life (an effective half-life needs records, 10 CFR 35.2075).
    clearance : ExponentialSum, optional
        Retained fraction since administration (:func:`retention`); overrides ``half_life``.
    measured_dose_rate : float [µSv/h], optional
        Dose rate measured at ``distance_m`` at release.
    released_after : float [s]
        Time from administration to release.
    """
    if clearance is None:
        t_half = Nuclide(nuclide).half_life if half_life is None else half_life
        clearance = ExponentialSum(np.array([1.0]), np.array([math.log(2) / t_half]))
    after = _from(clearance, released_after)
    r0 = float(after(0.0))
    if r0 <= 0:
        return 0.0
    t_p = math.log(2) * after.integral() / r0 / 86400  # [d]; T_p for physical decay
    if measured_dose_rate is not None:
        rate_r_per_h = measured_dose_rate / R_TO_USV  # µSv/h -> R/h (1 R ~ 1 rem = 10 mSv)
    else:
        g = exposure_rate_constant(nuclide) if gamma is None else gamma
        rate_r_per_h = g * (activity / MCI) * r0 / (distance_m * 100) ** 2
    return 34.6 * rate_r_per_h * t_p * occupancy * 10.0


def release_decision(
    activity: float,
    nuclide: str | Nuclide,
    rule: str = "nrc-35.75",
    *,
    measured_dose_rate: float | None = None,
    limit: float | None = None,
    clearance: ExponentialSum | None = None,
    constant: float | None = None,
    released_after: float = 0.0,
) -> ReleaseDecision:
    """Apply a release rule of ``release_rules.csv``.

    Parameters
    ----------
    activity : float [Bq]
        Administered activity.
    nuclide : str or Nuclide
        A name, or a :class:`Nuclide` of the nuclear dataset to use.
    rule : str
        ``nrc-35.75`` (dose to others) or a ``dose_rate`` rule.
    measured_dose_rate : float [µSv/h at 1 m], optional
        Measured at release; replaces the estimate from the constant in either kind of rule,
        and the largest releasable activity scales with it.
    limit : float, optional
        Override the rule's limit (mSv or µSv/h).
    clearance : ExponentialSum, optional
        Retained fraction since administration (:func:`retention`); default physical decay.
    constant : float [µSv m^2/(MBq h)], optional
        Dose-rate constant (e.g. the measured patient value); default: the NRC exposure-rate
        constant (Γ) for the NRC rule, the point-source constant for a dose-rate rule.
    released_after : float [s]
        Time from administration to release.

    Raises
    ------
    InputError
        Unknown rule, a rule for another nuclide, an activity that is negative or not finite,
        a measured rate that is not > 0, a release time < 0, or nothing retained at release.
    """
    spec = release_rule(rule)
    nuc = Nuclide(nuclide)
    name = nuc.name
    if pd.notna(spec["nuclide"]) and spec["nuclide"] != name:
        raise InputError(f"release rule {rule} applies to {spec['nuclide']} only, not {name}")
    _check_release_values(activity, measured_dose_rate, released_after, limit)
    if float(_from(_retained(nuc, clearance), released_after)(0.0)) <= 0:
        raise InputError(
            f"nothing of {name} is retained {released_after / 3600:g} h after administration "
            "(check the release time and the clearance)"
        )
    cites = sources()
    source = "; ".join(cites.get(k, k) for k in str(spec["source"]).split(";"))
    lim = float(spec["limit"]) if limit is None else float(limit)
    instr = float(spec["instructions_limit"])
    record = (
        clearance is not None
        or measured_dose_rate is not None
        or released_after > 0
        or constant is not None
    )
    if spec["kind"] == "nrc_tede":
        occ, dist = float(spec["occupancy"]), float(spec["distance_m"])
        gamma = (
            None  # not needed: the measured rate replaces Γ Q0 R / r^2
            if measured_dose_rate is not None
            else exposure_rate_constant(name)
            if constant is None
            else constant * (MCI / 1e6) * 1e4 / R_TO_USV
        )

        def nrc(q: float, measured: float | None) -> float:
            return nrc_dose_to_others(
                q,
                nuc,
                occupancy=occ,
                distance_m=dist,
                gamma=gamma,
                clearance=clearance,
                measured_dose_rate=measured,
                released_after=released_after,
            )

        value, unit = nrc(activity, measured_dose_rate), "mSv"
        if measured_dose_rate is not None:
            per_bq = value / activity if activity > 0 else math.nan
        else:
            per_bq = nrc(1.0, None)
        basis = "measured dose rate" if gamma is None else f"Γ {gamma:.4g} R cm2/(mCi h)"
        detail = f"dose to others {value:.3g} mSv (occupancy {occ:g} at {dist:g} m, {basis}"
    else:
        if measured_dose_rate is not None:
            value = measured_dose_rate
            per_bq = value / activity if activity > 0 else math.nan
            basis = "measured"
        else:
            k = dose_rate_constant(name) if constant is None else constant
            retained = float(_from(_retained(nuc, clearance), released_after)(0.0))
            value = float(k * activity / 1e6 * retained)
            per_bq = k / 1e6 * retained
            basis = f"constant {k:.4g} uSv m2/(MBq h)"
        unit = "uSv/h"
        detail = f"dose rate at 1 m {value:.3g} uSv/h ({basis}"
    how = "physical decay" if clearance is None else "clearance given"
    if released_after > 0:
        how += f", released {released_after / 3600:g} h after administration"
    max_activity = lim / per_bq if per_bq > 0 and math.isfinite(per_bq) else math.nan
    return ReleaseDecision(
        rule,
        value <= lim,
        value > instr,
        value,
        lim,
        unit,
        max_activity,
        f"{detail}, {how})",
        source,
        record,
    )


def release_rule(rule: str) -> pd.Series:
    """The row of ``release_rules.csv`` for ``rule``.

    Raises
    ------
    InputError
        Unknown rule (the known ones listed).
    """
    frame = table("release_rules.csv")
    row = frame[frame["rule"] == rule]
    if row.empty:
        raise InputError(
            f"unknown release rule {elide(rule)!r} (rules: {', '.join(frame['rule'])})"
        )
    return row.iloc[0]


def _check_release_values(
    activity: float, measured: float | None, released_after: float, limit: float | None
) -> None:
    """The numbers of a release question: finite, and in range."""
    if isinstance(activity, bool) or not (0 <= activity <= MAX_ACTIVITY_BQ):
        raise InputError(
            f"activity {activity!r} Bq: give the administered activity, from 0 to "
            f"{MAX_ACTIVITY_BQ / 1e12:g} TBq"
        )
    if measured is not None and not (0 < measured <= MAX_DOSE_RATE_USV_H):
        raise InputError(
            f"--measured-dose-rate {measured:g}: give the dose rate at 1 m [uSv/h], > 0 and at "
            f"most {MAX_DOSE_RATE_USV_H:g}"
        )
    if not (math.isfinite(released_after) and released_after >= 0):
        raise InputError(
            f"release time {released_after!r} s: give the time from administration (>= 0)"
        )
    if limit is not None and not (math.isfinite(limit) and limit > 0):
        raise InputError(f"limit {limit!r}: give a finite limit > 0")


DOSE_RATE_TIMES_H = (0, 24, 48, 72, 168)
"""Times after release [h] at which an assessment lists the dose rate at 1 m."""

CONSTANT_KINDS = ("point", "patient")
"""Named dose-rate constants (:func:`dose_rate_constant`); a number is also accepted."""


@dataclass(frozen=True)
class ReleaseAssessment:
    """Result of :func:`assess_release`: the release decision, the dose rate at 1 m after
    release, computed and published contact restrictions, and the notes a user should read.

    Attributes
    ----------
    dose_rates_usv_h : tuple of (float, float)
        (time after release [h], dose rate at 1 m [µSv/h]) at :data:`DOSE_RATE_TIMES_H`.
    notes : tuple of str
        Warnings about the combination of inputs (e.g. an early phase counted twice).
    """

    nuclide: str
    activity_bq: float
    rule: str
    dataset: str
    dataset_version: str
    released_after_s: float
    dose_rate_basis: str
    dose_rate_constant_usv_m2_per_mbq_h: float | None
    clearance: str | None
    decision: ReleaseDecision
    dose_rates_usv_h: tuple[tuple[float, float], ...]
    restrictions_computed: tuple[ContactRestriction, ...]
    restrictions_published: tuple[dict[str, object], ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """JSON-ready result (keys carry units; ``dataset`` and ``dataset_version`` name the
        nuclear data)."""
        return {
            "nuclide": self.nuclide,
            "activity_bq": self.activity_bq,
            "rule": self.rule,
            "released_after_h": self.released_after_s / 3600,
            "dataset": self.dataset,
            "dataset_version": self.dataset_version,
            "dose_rate_basis": self.dose_rate_basis,
            "dose_rate_constant_usv_m2_per_mbq_h": self.dose_rate_constant_usv_m2_per_mbq_h,
            "clearance": self.clearance or "physical decay",
            "decision": self.decision.to_dict(),
            "dose_rate_1m_usv_h": [
                {"time_after_release_h": h, "dose_rate_usv_h": r} for h, r in self.dose_rates_usv_h
            ],
            "restrictions_computed": [r.to_dict() for r in self.restrictions_computed],
            "restrictions_published": [dict(r) for r in self.restrictions_published],
            "warnings": list(self.notes),
        }


def assess_release(
    nuclide: str | Nuclide,
    activity: float,
    *,
    rule: str = "nrc-35.75",
    measured_dose_rate: float | None = None,
    released_after: float = 0.0,
    constant: str | float | None = None,
    clearance: str | None = None,
    agent: str | None = None,
    dataset: str = DEFAULT_DATASET,
) -> ReleaseAssessment:
    """Whether a patient may be released, and for how long to avoid whom.

    The workflow of ``radiochain clinical release``: the release rule's decision
    (:func:`release_decision`), the dose rate at 1 m over the following week
    (:func:`dose_rate_curve`), restriction periods computed for the contact patterns of
    ``contact_patterns.csv`` (:func:`contact_restrictions`) and, for an ``agent``, the
    published ones (:func:`published_restrictions`).

    Parameters
    ----------
    nuclide : str or Nuclide
    activity : float [Bq]
        Administered activity, > 0 and at most :data:`MAX_ACTIVITY_BQ`.
    rule : str
        A rule of ``release_rules.csv`` (``nrc-35.75``, ``nrc-u1-i131-dose-rate``).
    measured_dose_rate : float [µSv/h at 1 m], optional
        Measured at release (> 0, at most :data:`MAX_DOSE_RATE_USV_H`); replaces the estimate
        from a constant.
    released_after : float [s]
        Time from administration to release (and to the measurement), >= 0.
    constant : {"point", "patient"} or float [µSv m^2/(MBq h)], optional
        Dose-rate constant: the unshielded point source (default), the mean measured at 1 m
        from patients (where tabulated), or a number in (0, 1000); not with
        ``measured_dose_rate``, which replaces it.
    clearance : str, optional
        Retention since administration as ``"fraction:effective half-life"`` components, e.g.
        ``"0.4:6 h, 0.6:50 h"`` (:func:`parse_retention`); default physical decay.
    agent : str, optional
        Agent of ``contact_restrictions.csv`` for published restriction periods; its nuclide
        must be ``nuclide``.
    dataset : str
        Nuclear dataset (``radiochain``, ``icrp107``) for half-lives.

    Raises
    ------
    InputError
        An unknown nuclide, dataset, rule or agent; an agent of another nuclide; an activity
        that is not finite and > 0; a measured rate that is not > 0; a release time < 0; a
        constant that is neither named nor a number in (0, 1000), or given with a measured
        rate; a clearance that cannot be read.

    Examples
    --------
    >>> result = assess_release("I-131", 1e9)
    >>> result.decision.releasable, round(result.decision.max_activity_bq / 1e9, 2)
    (True, 1.21)
    """
    nuc = Nuclide(nuclide, dataset)
    if isinstance(activity, bool) or not (0 < activity <= MAX_ACTIVITY_BQ):
        raise InputError(
            f"activity {activity / 1e9:g} GBq: give the administered activity, > 0 and at most "
            f"{MAX_ACTIVITY_BQ / 1e12:g} TBq"
        )
    _check_release_values(activity, measured_dose_rate, released_after, None)
    release_rule(rule)
    if constant is not None and measured_dose_rate is not None:
        raise InputError(
            "--constant with --measured-dose-rate: the measured rate replaces the dose-rate "
            "constant (give one of them)"
        )
    published = published_restrictions(agent, nuc.name) if agent is not None else None
    constant = "point" if constant is None else constant
    k, basis = _constant_and_basis(nuc, constant, measured_dose_rate)
    retained = (
        parse_retention(clearance, physical_half_life=nuc.half_life)
        if clearance is not None
        else None
    )
    decision = release_decision(
        activity,
        nuc,
        rule,
        measured_dose_rate=measured_dose_rate,
        clearance=retained,
        constant=None if constant == "point" or measured_dose_rate is not None else k,
        released_after=released_after,
    )
    curve = dose_rate_curve(
        activity,
        nuc,
        constant=k,
        clearance=retained,
        measured_dose_rate=measured_dose_rate,
        released_after=released_after,
    )
    hours = np.asarray(DOSE_RATE_TIMES_H, dtype=float)
    rates = curve(hours * 3600.0)
    records = [] if published is None else published.to_dict("records")
    return ReleaseAssessment(
        nuclide=nuc.name,
        activity_bq=float(activity),
        rule=rule,
        dataset=nuc.dataset.name,
        dataset_version=nuc.dataset.version,
        released_after_s=float(released_after),
        dose_rate_basis=basis,
        dose_rate_constant_usv_m2_per_mbq_h=k,
        clearance=clearance,
        decision=decision,
        dose_rates_usv_h=tuple((float(h), float(r)) for h, r in zip(hours, rates, strict=True)),
        restrictions_computed=tuple(contact_restrictions(curve)),
        restrictions_published=tuple(
            {str(key): json_ready(v) for key, v in r.items()} for r in records
        ),
        notes=_release_notes(
            constant, clearance is not None, measured_dose_rate is not None, released_after
        ),
    )


def _constant_and_basis(
    nuc: Nuclide, constant: str | float, measured: float | None
) -> tuple[float | None, str]:
    """The dose-rate constant [µSv m^2/(MBq h)] an assessment uses (None with a measured
    rate) and how the dose rate was obtained, in words."""
    if measured is not None:
        return None, "measured at release"
    if constant in CONSTANT_KINDS:
        k = dose_rate_constant(nuc, "point" if constant == "point" else "patient")
        return k, f"{constant} constant {k:.4g} uSv m2/(MBq h)"
    try:
        k = float(constant)
    except (TypeError, ValueError):
        k = math.nan
    if isinstance(constant, bool) or not (math.isfinite(k) and 0 < k < 1e3):
        raise InputError(
            f"--constant {elide(constant)!r}: use 'point', 'patient' or a number in (0, 1000) "
            "[uSv m2/(MBq h)]"
        )
    return k, f"constant {k:.4g} uSv m2/(MBq h)"


def _release_notes(
    constant: str | float, has_clearance: bool, measured: bool, released_after: float
) -> tuple[str, ...]:
    """What the combination of inputs may count twice."""
    notes = []
    if has_clearance and constant == "patient" and not measured:
        notes.append(
            "the patient constant already includes early excretion; with --clearance the early "
            "phase counts twice (use --constant point)"
        )
    if has_clearance and measured and released_after == 0:
        notes.append(
            "--clearance counts from administration: if the dose rate was measured later, give "
            "--released-after so that early components are not removed twice"
        )
    return tuple(notes)
