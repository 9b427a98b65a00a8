"""Contact restrictions after radionuclide therapy: published periods
(``contact_restrictions.csv``) and periods computed for a contact pattern (distance, hours a
day, dose constraint) with the dose rate falling as distance^-1.5 near a patient (the model of
glowgreen/dorn, Forster et al., J. Radiol. Prot. 43 (2023) 021501).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from radiochain.clinical._data import sources, table
from radiochain.clinical.kinetics import ExponentialSum
from radiochain.errors import InputError, elide


def published_restrictions(agent: str | None = None, nuclide: str | None = None) -> pd.DataFrame:
    """Published contact-restriction periods (``contact_restrictions.csv``) with sources.

    Parameters
    ----------
    agent : str, optional
        Only this agent's periods.
    nuclide : str, optional
        The patient's nuclide (canonical name): an agent of another nuclide is refused, its
        periods do not hold for this patient.

    Raises
    ------
    InputError
        An unknown agent, or an agent of another nuclide.
    """
    frame = table("contact_restrictions.csv")
    if agent is not None:
        frame = frame[frame["agent"] == agent]
        if frame.empty:
            known = sorted(set(table("contact_restrictions.csv")["agent"]))
            raise InputError(
                f"no published restrictions for agent {elide(agent)!r} (known: {', '.join(known)})"
            )
        own = str(frame["nuclide"].iloc[0])
        if nuclide is not None and own != nuclide:
            raise InputError(
                f"--agent {elide(agent)}: its published restrictions are for {own} patients, "
                f"not {nuclide} (leave --agent out, or give an agent of {nuclide})"
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
        with np.errstate(over="ignore", invalid="ignore"):
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


@dataclass(frozen=True)
class ContactRestriction:
    """Days to avoid a contact pattern of ``contact_patterns.csv`` (a labelled assumption)."""

    situation: str
    distance_m: float
    hours_per_day: float
    constraint_msv: float
    restriction_d: float
    source: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record (keys carry units)."""
        return {
            "situation": self.situation,
            "distance_m": self.distance_m,
            "contact_per_day_h": self.hours_per_day,  # hours a day at that distance
            "constraint_msv": self.constraint_msv,
            "restriction_d": self.restriction_d,
            "source": self.source,
        }


def contact_restrictions(dose_rate_1m: ExponentialSum) -> list[ContactRestriction]:
    """:func:`restriction_period` for every contact pattern of ``contact_patterns.csv``.

    Parameters
    ----------
    dose_rate_1m : ExponentialSum
        Dose rate at 1 m [µSv/h] over time since release [s] (:func:`dose_rate_curve`).
    """
    out = []
    for p in table("contact_patterns.csv").to_dict(orient="records"):
        distance, hours, constraint = (
            float(p["distance_m"]),
            float(p["hours_per_day"]),
            float(p["constraint_msv"]),
        )
        period = restriction_period(
            dose_rate_1m, distance_m=distance, hours_per_day=hours, constraint_msv=constraint
        )
        out.append(
            ContactRestriction(
                str(p["situation"]), distance, hours, constraint, period, str(p["source"])
            )
        )
    return out
