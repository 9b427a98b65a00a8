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
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from radiochain.clinical._data import sources, table
from radiochain.clinical.kinetics import ExponentialSum
from radiochain.errors import InputError
from radiochain.physics.nuclide import Nuclide

MCI = 3.7e7
"""Bq per mCi."""
R_TO_USV = 1e4
"""NRC convention: 1 R of exposure ~ 1 rem = 10 mSv of dose equivalent."""


def dose_rate_constant(nuclide: str, kind: Literal["point", "patient"] = "point") -> float:
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


def exposure_rate_constant(nuclide: str) -> float:
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
    nuclide: str,
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
    nuclide : str
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
    fractions: npt.ArrayLike, effective_half_lives: npt.ArrayLike, *, where: str = "clearance"
) -> ExponentialSum:
    """Retained fraction of the administered activity, :math:`R(t) = \\sum_i F_i
    e^{-\\ln 2\\, t / T_i}`, from components (fraction :math:`F_i`, effective half-life
    :math:`T_i` [s]) as in the uptake-fraction form of NUREG-1556 Vol. 9 App. U.

    Raises
    ------
    InputError
        A fraction outside (0, 1], fractions summing to more than 1, or a half-life <= 0.
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
    return ExponentialSum(f, np.log(2) / t)


def parse_retention(text: str, *, where: str = "--clearance") -> ExponentialSum:
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
    return retention(fractions, half_lives, where=where)


def _retained(nuclide: str, clearance: ExponentialSum | None) -> ExponentialSum:
    if clearance is not None:
        return clearance
    return ExponentialSum(np.array([1.0]), np.array([Nuclide(nuclide).decay_constant]))


@dataclass(frozen=True)
class ReleaseDecision:
    """Outcome of a release rule."""

    rule: str
    releasable: bool
    instructions_required: bool
    value: float
    limit: float
    unit: str
    max_activity_bq: float
    detail: str
    source: str

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
        }


def nrc_dose_to_others(
    activity: float,
    nuclide: str,
    *,
    occupancy: float = 0.25,
    distance_m: float = 1.0,
    gamma: float | None = None,
    half_life: float | None = None,
    clearance: ExponentialSum | None = None,
    measured_dose_rate: float | None = None,
) -> float:
    """Total dose [mSv] to an individual near a released patient, NUREG-1556 Vol. 9 App. U
    eq. U-1 with t -> infinity: :math:`34.6\\,\\Gamma Q_0 T_p E / r^2` (with :math:`\\Gamma`
    in R cm^2/(mCi h) the result is in R, taken as rem; 1 rem = 10 mSv).

    :math:`34.6\\,T_p = 24 \\int_0^\\infty e^{-\\ln 2\\, t/T_p} dt` [h, t in d]: with a
    ``clearance`` the same integral is taken over the retained fraction, i.e. :math:`T_p` becomes
    :math:`\\ln 2 \\sum_i F_i T_i` (the effective half-life for one component). A
    ``measured_dose_rate`` at ``distance_m`` replaces :math:`\\Gamma Q_0 / r^2`.

    Parameters
    ----------
    activity : float [Bq]
        Administered (or retained) activity Q0.
    nuclide : str
    occupancy : float
        E, 0.25 at 1 m by default.
    distance_m : float [m]
    gamma : float [R cm^2/(mCi h)], optional
        Default: :func:`exposure_rate_constant`.
    half_life : float [s], optional
        Default: physical half-life (an effective half-life needs records, 10 CFR 35.2075).
    clearance : ExponentialSum, optional
        Retained fraction over time [s] (see :func:`retention`); overrides ``half_life``.
    measured_dose_rate : float [µSv/h], optional
        Dose rate measured at ``distance_m`` when Q0 is retained.
    """
    if clearance is not None:
        t_p = math.log(2) * clearance.integral() / 86400
    else:
        t_p = (Nuclide(nuclide).half_life if half_life is None else half_life) / 86400
    if measured_dose_rate is not None:  # µSv/h at r -> rem/h, then the same integral
        return 34.6 * (measured_dose_rate / R_TO_USV) * t_p * occupancy * 10.0
    g = exposure_rate_constant(nuclide) if gamma is None else gamma
    r_cm = distance_m * 100
    rem = 34.6 * g * (activity / MCI) * t_p * occupancy / r_cm**2
    return rem * 10.0


def release_decision(
    activity: float,
    nuclide: str,
    rule: str = "nrc-35.75",
    *,
    measured_dose_rate: float | None = None,
    limit: float | None = None,
    clearance: ExponentialSum | None = None,
    constant: float | None = None,
) -> ReleaseDecision:
    """Apply a release rule of ``release_rules.csv``.

    Parameters
    ----------
    activity : float [Bq]
    nuclide : str
    rule : str
        ``nrc-35.75`` (dose to others) or a ``dose_rate`` rule.
    measured_dose_rate : float [µSv/h at 1 m], optional
        Measured now; replaces the estimate from the dose-rate constant in either kind of rule.
    limit : float, optional
        Override the rule's limit (mSv or µSv/h).
    clearance : ExponentialSum, optional
        Retained fraction over time (:func:`retention`); default physical decay.
    constant : float [µSv m^2/(MBq h)], optional
        Dose-rate constant (e.g. the measured patient value); default: the NRC exposure-rate
        constant (Γ) for the NRC rule, the point-source constant for a dose-rate rule.

    Raises
    ------
    InputError
        Unknown rule, or a rule for another nuclide.
    """
    frame = table("release_rules.csv")
    row = frame[frame["rule"] == rule]
    if row.empty:
        raise InputError(f"unknown release rule {rule!r} (rules: {', '.join(frame['rule'])})")
    spec = row.iloc[0]
    name = Nuclide(nuclide).name
    if pd.notna(spec["nuclide"]) and spec["nuclide"] != name:
        raise InputError(f"release rule {rule} applies to {spec['nuclide']} only, not {name}")
    cites = sources()
    source = "; ".join(cites.get(k, k) for k in str(spec["source"]).split(";"))
    lim = float(spec["limit"]) if limit is None else float(limit)
    instr = float(spec["instructions_limit"])
    if spec["kind"] == "nrc_tede":
        occ, dist = float(spec["occupancy"]), float(spec["distance_m"])
        gamma = None if constant is None else constant * (MCI / 1e6) * 1e4 / R_TO_USV

        def nrc(q: float, measured: float | None) -> float:
            return nrc_dose_to_others(
                q,
                name,
                occupancy=occ,
                distance_m=dist,
                gamma=gamma,
                clearance=clearance,
                measured_dose_rate=measured,
            )

        dose = nrc(activity, measured_dose_rate)
        if measured_dose_rate is not None:  # activity limit: scale with the measured rate
            per_bq = dose / activity if activity > 0 else math.inf
        else:
            per_bq = nrc(1.0, None)
        how = ("measured dose rate, " if measured_dose_rate is not None else "") + (
            "physical decay" if clearance is None else "clearance given"
        )
        return ReleaseDecision(
            rule,
            dose <= lim,
            dose > instr,
            dose,
            lim,
            "mSv",
            lim / per_bq,
            f"dose to others {dose:.3g} mSv (occupancy {occ:g} at {dist:g} m, {how})",
            source,
        )
    k = dose_rate_constant(name) if constant is None else constant
    rate = float(k * activity / 1e6) if measured_dose_rate is None else measured_dose_rate
    per_bq = k / 1e6
    how = "measured" if measured_dose_rate is not None else "estimate from the constant"
    return ReleaseDecision(
        rule,
        rate <= lim,
        rate > instr,
        rate,
        lim,
        "uSv/h",
        lim / per_bq,
        f"dose rate at 1 m {rate:.3g} uSv/h ({how})",
        source,
    )


def published_restrictions(agent: str | None = None) -> pd.DataFrame:
    """Published contact-restriction periods (``contact_restrictions.csv``) with sources."""
    frame = table("contact_restrictions.csv")
    if agent is not None:
        frame = frame[frame["agent"] == agent]
        if frame.empty:
            known = sorted(set(table("contact_restrictions.csv")["agent"]))
            raise InputError(
                f"no published restrictions for agent {agent!r} (known: {', '.join(known)})"
            )
    cites = sources()
    frame = frame.assign(citation=frame["source"].map(lambda k: cites.get(k, k)))
    return frame.reset_index(drop=True)


def restriction_period(
    dose_rate_1m: ExponentialSum,
    *,
    distance_m: float,
    hours_per_day: float,
    constraint_msv: float,
    exponent: float = 1.5,
) -> float:
    """Days [d] to avoid a contact pattern so that the dose from resuming it is at most the
    constraint.

    Parameters
    ----------
    dose_rate_1m : ExponentialSum
        Dose rate at 1 m [µSv/h] over time after administration [s].
    distance_m : float [m]
    hours_per_day : float [h]
        Time spent at that distance each day (spread evenly).
    constraint_msv : float [mSv]
    exponent : float
        Distance law :math:`r^{-n}` (1.5 near a patient as in glowgreen; 2 for a point source).
    """
    if not 0 < hours_per_day <= 24 or distance_m <= 0 or constraint_msv <= 0:
        raise InputError(
            "contact pattern: hours_per_day in (0, 24], distance and constraint > 0 required"
        )
    factor = (hours_per_day / 24) * distance_m ** (-exponent) / 3600 / 1000  # µSv/h*s -> mSv

    def dose_from(t: float) -> float:
        a, lam = dose_rate_1m.amplitudes, dose_rate_1m.rates
        return float(np.sum(a * np.exp(-lam * t) / lam) * factor)

    if dose_from(0.0) <= constraint_msv:
        return 0.0
    from scipy.optimize import brentq

    hi = 86400.0
    while dose_from(hi) > constraint_msv:
        hi *= 2
    return float(brentq(lambda t: dose_from(t) - constraint_msv, 0.0, hi)) / 86400


def dose_rate_curve(
    activity: float,
    nuclide: str,
    *,
    constant: float | None = None,
    clearance: ExponentialSum | None = None,
    measured_dose_rate: float | None = None,
) -> ExponentialSum:
    """Dose rate at 1 m [µSv/h] over time [s] after ``activity`` [Bq] as an
    :class:`ExponentialSum` (for :func:`restriction_period`): the constant (or a dose rate
    measured now) times the retained fraction (physical decay by default)."""
    retained = _retained(nuclide, clearance)
    start = float(retained(0.0))
    if measured_dose_rate is not None:
        scale = measured_dose_rate / start
    else:
        k = dose_rate_constant(nuclide) if constant is None else constant
        scale = k * activity / 1e6
    return ExponentialSum(retained.amplitudes * scale, retained.rates)


def physical_clearance(
    activity: float, nuclide: str, constant: float | None = None
) -> ExponentialSum:
    """Dose rate at 1 m [µSv/h] of ``activity`` [Bq] decaying physically, as an
    :class:`ExponentialSum` for :func:`restriction_period`."""
    return dose_rate_curve(activity, nuclide, constant=constant)
