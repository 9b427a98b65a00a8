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


def _retained(nuclide: str, clearance: ExponentialSum | None) -> ExponentialSum:
    if clearance is not None:
        return clearance
    return ExponentialSum(np.array([1.0]), np.array([Nuclide(nuclide).decay_constant]))


def _from(curve: ExponentialSum, start: float) -> ExponentialSum:
    """The same curve with time counted from ``start`` [s]."""
    return ExponentialSum(curve.amplitudes * np.exp(-curve.rates * start), curve.rates)


def dose_rate_curve(
    activity: float,
    nuclide: str,
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
    nuclide : str
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
    nuclide: str,
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
    nuclide : str
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
    nuclide: str,
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
    nuclide : str
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
        Unknown rule, a rule for another nuclide, or a measured rate that is not > 0.
    """
    frame = table("release_rules.csv")
    row = frame[frame["rule"] == rule]
    if row.empty:
        raise InputError(f"unknown release rule {rule!r} (rules: {', '.join(frame['rule'])})")
    spec = row.iloc[0]
    name = Nuclide(nuclide).name
    if pd.notna(spec["nuclide"]) and spec["nuclide"] != name:
        raise InputError(f"release rule {rule} applies to {spec['nuclide']} only, not {name}")
    if measured_dose_rate is not None and not (
        math.isfinite(measured_dose_rate) and measured_dose_rate > 0
    ):
        raise InputError(
            f"measured dose rate {measured_dose_rate}: give a finite rate > 0 [uSv/h] at 1 m"
        )
    if float(_from(_retained(name, clearance), released_after)(0.0)) <= 0:
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
                name,
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
            retained = float(_from(_retained(name, clearance), released_after)(0.0))
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

    total = dose_from(0.0)
    if not math.isfinite(total):
        raise InputError("contact pattern: the dose rate is not finite; check the constant")
    if total <= constraint_msv:
        return 0.0
    from scipy.optimize import brentq

    hi = 86400.0
    while dose_from(hi) > constraint_msv:
        hi *= 2
    return float(brentq(lambda t: dose_from(t) - constraint_msv, 0.0, hi)) / 86400
