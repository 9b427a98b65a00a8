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

from radiochain.errors import InputError

Kind = Literal["lognormal", "weibull", "exponential", "fixed", "gamma"]
KINDS: tuple[str, ...] = ("lognormal", "weibull", "exponential", "fixed", "gamma")
FloatArray = npt.NDArray[np.float64]


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
        multipliers).
    cv : float [1]
        Coefficient of variation (standard deviation / mean).

    Examples
    --------
    >>> d = Distribution("lognormal", mean=14.0, cv=1.5)
    >>> round(d.variance, 6)
    441.0
    """

    kind: Kind
    mean: float
    cv: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InputError(f"distribution {self.kind!r}: use one of {', '.join(KINDS)}")
        if not (math.isfinite(self.mean) and self.mean >= 0):
            raise InputError(f"{self.kind} mean {self.mean}: give a finite value >= 0")
        if not (math.isfinite(self.cv) and self.cv >= 0):
            raise InputError(f"{self.kind} cv {self.cv}: give a finite value >= 0")
        if self.kind == "weibull" and self.mean > 0:
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


def parse_distribution(spec: Any, where: str, *, default_kind: Kind = "lognormal") -> Distribution:
    """A :class:`Distribution` from a scenario entry ``{distribution, mean, cv}`` or a number.

    Raises
    ------
    InputError
        Unknown keys, missing mean, or values out of range; the message names ``where``.
    """
    if isinstance(spec, int | float) and not isinstance(spec, bool):
        return Distribution("fixed", float(spec), 0.0)
    if not isinstance(spec, dict):
        raise InputError(f"{where}: give a number or {{distribution, mean, cv}}, not {spec!r}")
    unknown = set(spec) - {"distribution", "mean", "cv"}
    if unknown:
        raise InputError(f"{where}: unknown key(s) {sorted(unknown)} (use distribution, mean, cv)")
    if "mean" not in spec:
        raise InputError(f"{where}: 'mean' is required")
    kind = str(spec.get("distribution", default_kind))
    try:
        mean, cv = float(spec["mean"]), float(spec.get("cv", 1.0))
    except (TypeError, ValueError):
        raise InputError(f"{where}: mean and cv must be numbers") from None
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
