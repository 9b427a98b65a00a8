"""Distributions of disruption sizes, parameterized by their mean and coefficient of variation.

Every distribution knows its analytic mean and variance, so the samplers can be tested against
them. Randomness always comes from a :class:`numpy.random.Generator` argument.

References
----------
.. [1] N. L. Johnson, S. Kotz, N. Balakrishnan, *Continuous Univariate Distributions*, vol. 1,
   2nd ed., Wiley (1994): lognormal (ch. 14), Weibull (ch. 21) moments.
.. [2] Nawar & Türler, "New strategies for a sustainable 99mTc supply to meet increasing
   medical demands", Front. Chem. 10 (2022) 926258, doi:10.3389/fchem.2022.926258 — reactor
   outages are heavy-tailed, from days to about 15 months.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from radiochain.errors import InputError, elide
from radiochain.units import format_quantity

Kind = Literal["lognormal", "weibull", "exponential", "fixed", "gamma"]
KINDS: tuple[str, ...] = ("lognormal", "weibull", "exponential", "fixed", "gamma")
FloatArray = npt.NDArray[np.float64]
_OWN_CV = {"fixed": 0.0, "exponential": 1.0}


def _real(value: object) -> bool:
    """A finite int or float (not a bool, not text)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@lru_cache(maxsize=256)
def weibull_shape(cv: float) -> float:
    """Weibull shape ``k`` whose coefficient of variation is ``cv``.

    Solves ``cv**2 = Γ(1 + 2/k) / Γ(1 + 1/k)**2 - 1`` (monotone decreasing in ``k``) by
    bisection on ``log k``.

    Parameters
    ----------
    cv : float [1]
        Coefficient of variation, 0.05 ≤ cv ≤ 20.
    """
    if not 0.05 <= cv <= 20.0:
        raise InputError(f"weibull cv {cv}: give 0.05 <= cv <= 20")

    def cv_of(k: float) -> float:
        g1 = math.lgamma(1.0 + 1.0 / k)
        g2 = math.lgamma(1.0 + 2.0 / k)
        return math.sqrt(max(math.exp(g2 - 2.0 * g1) - 1.0, 0.0))

    lo, hi = math.log(0.05), math.log(60.0)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if cv_of(math.exp(mid)) > cv:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))


MAX_CV = 20.0
"""Largest coefficient of variation of any distribution [1] (a Weibull's shape is then 0.15)."""


@dataclass(frozen=True)
class Distribution:
    """A positive random quantity given by its mean and coefficient of variation.

    Parameters
    ----------
    kind : {"lognormal", "weibull", "exponential", "fixed", "gamma"}
        ``lognormal`` and ``weibull`` (cv > 1) are heavy-tailed; ``exponential`` has cv = 1;
        ``fixed`` has cv = 0.
    mean : float
        Mean, in the unit of the quantity (days for durations, hours for delays, 1 for
        multipliers); more than 0, except for ``fixed`` (0: nothing happens).
    cv : float [1], optional
        Coefficient of variation (standard deviation / mean), 0 to :data:`MAX_CV`. Default: the
        kind's own (0 for ``fixed``, 1 otherwise); ``fixed`` takes only 0 and ``exponential``
        only 1, so that no value given is silently ignored.

    Examples
    --------
    >>> d = Distribution("lognormal", mean=14.0, cv=1.5)
    >>> round(d.variance, 6)
    441.0
    """

    kind: Kind
    mean: float
    cv: float = math.nan  # the kind's own (set on creation)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InputError(f"distribution {self.kind!r}: use one of {', '.join(KINDS)}")
        if math.isnan(self.cv):
            object.__setattr__(self, "cv", _OWN_CV.get(self.kind, 1.0))
        if not (_real(self.mean) and self.mean >= 0):
            raise InputError(f"{self.kind} mean {self.mean!r}: give a finite value >= 0")
        if self.mean == 0 and self.kind != "fixed":
            raise InputError(
                f"{self.kind} mean 0: give a mean more than 0 (or 'fixed' with mean 0: none)"
            )
        if not (_real(self.cv) and 0 <= self.cv <= MAX_CV):
            raise InputError(f"{self.kind} cv {self.cv!r}: give a value from 0 to {MAX_CV:g}")
        own = _OWN_CV.get(self.kind)
        if own is not None and self.cv != own:
            raise InputError(
                f"{self.kind} cv {self.cv:g}: a {self.kind} distribution has cv {own:g} "
                f"(drop cv, or use lognormal, weibull or gamma for another spread)"
            )
        if self.kind == "weibull":
            weibull_shape(self.cv)  # validates the range

    @property
    def variance(self) -> float:
        """Analytic variance, in the square of the quantity's unit."""
        if self.kind == "fixed" or self.mean == 0:
            return 0.0
        cv = 1.0 if self.kind == "exponential" else self.cv
        return (cv * self.mean) ** 2

    @property
    def parameters(self) -> dict[str, float]:
        """The distribution's own parameters (``mu, sigma``; ``shape, scale``; ...)."""
        m, cv = self.mean, self.cv
        if self.kind == "lognormal":
            sigma2 = math.log1p(cv * cv)
            return {
                "mu": math.log(m) - 0.5 * sigma2 if m > 0 else -math.inf,
                "sigma": math.sqrt(sigma2),
            }
        if self.kind == "weibull":
            k = weibull_shape(cv) if m > 0 else 1.0
            return {"shape": k, "scale": m / math.gamma(1.0 + 1.0 / k)}
        if self.kind == "gamma":
            shape = 1.0 / (cv * cv) if cv > 0 else math.inf
            return {"shape": shape, "scale": m / shape if cv > 0 else 0.0}
        if self.kind == "exponential":
            return {"scale": m}
        return {"value": m}

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> FloatArray:
        """Draw ``size`` values with ``rng``."""
        if self.mean == 0:
            return np.zeros(size)
        p = self.parameters
        if self.kind == "lognormal":
            if p["sigma"] == 0:
                return np.full(size, self.mean)
            return rng.lognormal(p["mu"], p["sigma"], size)
        if self.kind == "weibull":
            return p["scale"] * rng.weibull(p["shape"], size)
        if self.kind == "gamma":
            if self.cv == 0:
                return np.full(size, self.mean)
            return rng.gamma(p["shape"], p["scale"], size)
        if self.kind == "exponential":
            return rng.exponential(p["scale"], size)
        return np.full(size, self.mean)

    def to_dict(self) -> dict[str, Any]:
        return {"distribution": self.kind, "mean": self.mean, "cv": self.cv}


_SECONDS = {"d": 86_400.0, "h": 3_600.0}


def show_limit(value: float, unit: str) -> str:
    """A limit for a message: times with their best unit (``10 y``), other numbers plain.

    Examples
    --------
    >>> show_limit(3652.422, "d"), show_limit(365.2422 * 24, "h"), show_limit(1000.0, "/y")
    ('10 y', '1 y', '1,000 /y')
    """
    if unit in _SECONDS:  # nudged so that 8765.8128 h (rounding below 1 y) shows as 1 y
        return format_quantity(value * _SECONDS[unit] * (1.0 + 1e-12), "time")
    return f"{value:,g} {unit}".rstrip()


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{where}: {elide(value)!r} is not a number")
    return float(value)


def parse_distribution(
    spec: Any,
    where: str,
    *,
    default_kind: Kind = "lognormal",
    upper: float | None = None,
    unit: str = "",
) -> Distribution:
    """A :class:`Distribution` from a scenario entry ``{distribution, mean, cv}`` or a number
    (a ``fixed`` value).

    Parameters
    ----------
    spec : dict or number
    where : str
        The file and key, for messages.
    default_kind : str
        The distribution when ``spec`` names none.
    upper : float, optional
        Largest mean, in the quantity's unit.
    unit : str
        The quantity's unit (``"d"``, ``"h"``; ``""`` for a multiplier): the mean is in it.

    Raises
    ------
    InputError
        Unknown keys, missing mean, values that are not numbers or out of range; the message
        names ``where``.
    """
    if isinstance(spec, int | float) and not isinstance(spec, bool):
        spec = {"distribution": "fixed", "mean": spec}
    if not isinstance(spec, dict):
        raise InputError(
            f"{where}: give a number or {{distribution, mean, cv}}, not {elide(spec)!r}"
        )
    unknown = sorted(map(str, set(spec) - {"distribution", "mean", "cv"}))
    if unknown:
        raise InputError(f"{where}: unknown key(s) {elide(unknown)} (use distribution, mean, cv)")
    if "mean" not in spec:
        raise InputError(f"{where}: 'mean' is required")
    kind = str(spec.get("distribution", default_kind))
    mean = _number(spec["mean"], f"{where}.mean")
    cv = _number(spec["cv"], f"{where}.cv") if "cv" in spec else math.nan
    if upper is not None and math.isfinite(mean) and not 0 < mean <= upper:
        raise InputError(
            f"{where}.mean: {elide(spec['mean'])} is out of range (give more than 0 and at most "
            f"{show_limit(upper, unit)})"
        )
    try:
        return Distribution(kind, mean, cv)  # type: ignore[arg-type]
    except InputError as err:
        raise InputError(f"{where}: {err}") from None


def poisson_arrivals(rng: np.random.Generator, rate: float, t0: float, t1: float) -> FloatArray:
    """Sorted arrival times of a homogeneous Poisson process on ``[t0, t1)``.

    Parameters
    ----------
    rng : numpy.random.Generator
    rate : float [1/unit of t]
        Events per unit time, ≥ 0.
    t0, t1 : float
        Interval, same unit as ``1/rate``.
    """
    if rate < 0:
        raise InputError(f"rate {rate}: give a value >= 0")
    n = int(rng.poisson(rate * (t1 - t0))) if rate > 0 else 0
    return np.sort(rng.uniform(t0, t1, n))
