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
    t = np.asarray(times, dtype=float)
    if clearance is None:
        lam = Nuclide(nuclide).decay_constant
        retained = np.exp(-lam * t)
    else:
        retained = clearance(t)
    return np.asarray(k * activity / 1e6 * retained / distance_m**2)


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
) -> float:
    """Total dose [mSv] to an individual near a released patient, NUREG-1556 Vol. 9 App. U
    eq. U-1 with t -> infinity: :math:`34.6\\,\\Gamma Q_0 T_p E / r^2` (with :math:`\\Gamma`
    in R cm^2/(mCi h) the result is in R, taken as rem; 1 rem = 10 mSv).

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
    """
    g = exposure_rate_constant(nuclide) if gamma is None else gamma
    t_p = (Nuclide(nuclide).half_life if half_life is None else half_life) / 86400
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
) -> ReleaseDecision:
    """Apply a release rule of ``release_rules.csv``.

    Parameters
    ----------
    activity : float [Bq]
    nuclide : str
    rule : str
        ``nrc-35.75`` (dose to others) or a ``dose_rate`` rule.
    measured_dose_rate : float [µSv/h at 1 m], optional
        For a dose-rate rule: the measured rate (default: point-source estimate).
    limit : float, optional
        Override the rule's limit (mSv or µSv/h).

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
        dose = nrc_dose_to_others(activity, name, occupancy=occ, distance_m=dist)
        per_bq = (
            dose / activity
            if activity > 0
            else nrc_dose_to_others(1.0, name, occupancy=occ, distance_m=dist)
        )
        return ReleaseDecision(
            rule,
            dose <= lim,
            dose > instr,
            dose,
            lim,
            "mSv",
            lim / per_bq,
            f"dose to others {dose:.3g} mSv (occupancy {occ:g} at {dist:g} m, physical decay)",
            source,
        )
    rate = float(dose_rate(activity, name)) if measured_dose_rate is None else measured_dose_rate
    per_bq = dose_rate_constant(name) / 1e6
    how = "measured" if measured_dose_rate is not None else "point-source estimate"
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


def physical_clearance(
    activity: float, nuclide: str, constant: float | None = None
) -> ExponentialSum:
    """Dose rate at 1 m [µSv/h] of ``activity`` [Bq] decaying physically, as an
    :class:`ExponentialSum` for :func:`restriction_period`."""
    k = dose_rate_constant(nuclide) if constant is None else constant
    return ExponentialSum(
        np.array([k * activity / 1e6]), np.array([math.log(2) / Nuclide(nuclide).half_life])
    )
