"""Answers from an ensemble: percentiles with bootstrap confidence intervals, loss-exceedance
curves, risk targets such as ``"P(missed > 1 %) < 5 %"`` and the smallest outage reserve that
meets one.

References
----------
.. [1] B. Efron, R. J. Tibshirani, *An Introduction to the Bootstrap*, Chapman & Hall (1993),
   ch. 13 (percentile intervals).
.. [2] OECD/NEA, "The Supply of Medical Radioisotopes: An Economic Diagnosis and Possible
   Solutions" (2019) and the HLG-MR policy principles (2011): outage reserve capacity (ORC)
   sourced and paid for by the supply chain.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from radiochain.errors import InputError

FloatArray = npt.NDArray[np.float64]
ANSWER_COLUMNS = (
    "treated_on_day",
    "delayed",
    "missed",
    "missed_disrupted",
    "missed_disrupted_fraction",
    "delay_mean_d",
    "activity_wasted_bq",
    "cost",
)
_METRICS = {
    "missed": "missed_disrupted_fraction",
    "delayed": "delayed_fraction",
    "treated": "treated_fraction",
    "wasted": "activity_wasted_bq",
}
_TARGET = re.compile(
    r"^\s*P\s*\(\s*(?P<metric>[a-z_]+)\s*(?P<op>>=|>)\s*(?P<x>[0-9.eE+-]+)\s*(?P<xu>%?)\s*\)"
    r"\s*(?P<cmp><=|<)\s*(?P<p>[0-9.eE+-]+)\s*(?P<pu>%?)\s*$"
)


def percentiles_with_ci(
    values: npt.ArrayLike,
    quantiles: tuple[float, ...] = (0.05, 0.5, 0.95),
    *,
    n_boot: int = 1000,
    confidence: float = 0.95,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Percentiles of per-run values with percentile-bootstrap confidence intervals [1]_.

    Parameters
    ----------
    values : array_like
        One value per run.
    quantiles : tuple of float [1]
    n_boot : int
        Bootstrap resamples.
    confidence : float [1]
    rng : numpy.random.Generator

    Returns
    -------
    DataFrame
        ``quantile, value, ci_low, ci_high``.
    """
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        raise InputError("no runs to summarize")
    q = np.asarray(quantiles)
    idx = rng.integers(0, x.size, size=(n_boot, x.size))
    boot = np.quantile(x[idx], q, axis=1)  # (quantiles, n_boot)
    alpha = (1.0 - confidence) / 2.0
    return pd.DataFrame(
        {
            "quantile": q,
            "value": np.quantile(x, q),
            "ci_low": np.quantile(boot, alpha, axis=1),
            "ci_high": np.quantile(boot, 1.0 - alpha, axis=1),
        }
    )


def summarize(runs: pd.DataFrame, *, seed: int = 0, n_boot: int = 1000) -> pd.DataFrame:
    """Percentiles (5, 50, 95) with 95 % bootstrap intervals of the answer columns."""
    rng = np.random.default_rng(seed)
    frames = []
    for column in ANSWER_COLUMNS:
        table = percentiles_with_ci(runs[column], n_boot=n_boot, rng=rng)
        table.insert(0, "kpi", column)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def exceedance_curve(values: npt.ArrayLike) -> pd.DataFrame:
    """Loss-exceedance curve: for each observed loss, the share of runs with a loss ≥ it.

    Returns
    -------
    DataFrame
        ``loss, probability`` sorted by loss (ascending).
    """
    x = np.sort(np.asarray(values, dtype=float))
    unique, first = np.unique(x, return_index=True)
    return pd.DataFrame({"loss": unique, "probability": 1.0 - first / x.size})


@dataclass(frozen=True)
class Target:
    """``P(metric > threshold) < probability`` (fractions, not percent)."""

    metric: str
    threshold: float
    probability: float
    text: str

    def column(self) -> str:
        return _METRICS[self.metric]

    def risk(self, runs: pd.DataFrame) -> float:
        """Share of runs whose metric exceeds the threshold."""
        return float((metric_values(runs, self.metric) > self.threshold).mean())

    def met(self, runs: pd.DataFrame) -> bool:
        return self.risk(runs) < self.probability


def metric_values(runs: pd.DataFrame, metric: str) -> FloatArray:
    """Per-run values of a target metric (fractions of appointments, or Bq).

    ``missed`` counts the patients missed because of disruptions (the plan's own unserved
    appointments, e.g. out of reach of any radiopharmacy, are excluded: no reserve helps them).
    """
    if metric == "missed":  # missed because of disruptions, not the plan's structural misses
        return runs["missed_disrupted_fraction"].to_numpy(dtype=float)
    if metric == "delayed":
        return (runs["delayed"] / runs["appointments"]).to_numpy(dtype=float)
    if metric == "treated":
        return (runs["treated_on_day"] / runs["appointments"]).to_numpy(dtype=float)
    return runs["activity_wasted_bq"].to_numpy(dtype=float)


def parse_target(text: str) -> Target:
    """Parse ``"P(missed > 1 %) < 5 %"`` (metrics: missed, delayed, treated, wasted [Bq]).

    Raises
    ------
    InputError
        The expression does not have the form ``P(METRIC > X[%]) < P[%]``.
    """
    m = _TARGET.match(text or "")
    if not m or m["metric"] not in _METRICS:
        raise InputError(
            f"--target {text!r}: write e.g. 'P(missed > 1 %) < 5 %' "
            f"(metrics: {', '.join(_METRICS)})"
        )
    try:
        x = float(m["x"]) / (100.0 if m["xu"] else 1.0)
        p = float(m["p"]) / (100.0 if m["pu"] else 1.0)
    except ValueError:
        raise InputError(f"--target {text!r}: the numbers do not parse") from None
    if not 0.0 < p <= 1.0:
        raise InputError(f"--target {text!r}: the probability must be in (0, 100 %]")
    return Target(m["metric"], x, p, text.strip())


@dataclass(frozen=True)
class ReserveSizing:
    """Result of :func:`size_reserve`: the smallest reserve fraction that meets the target."""

    target: str
    reserve_fraction: float | None
    risk: float | None
    evaluations: list[dict[str, float]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "reserve_fraction": self.reserve_fraction,
            "risk_at_reserve": self.risk,
            "evaluations": self.evaluations,
        }


def size_reserve(
    evaluate: Callable[[float], pd.DataFrame],
    target: Target,
    *,
    upper: float = 2.0,
    tolerance: float = 0.01,
) -> ReserveSizing:
    """Bisection on the outage reserve fraction with common random numbers.

    ``evaluate(fraction)`` must run the same seeds for every fraction (the dispatch rule draws
    no random number that depends on the reserve), so the risk is monotone in the fraction up
    to nothing but the rule itself.

    Parameters
    ----------
    evaluate : callable
        Reserve fraction [1] -> per-run KPI table.
    target : Target
    upper : float [1]
        Largest reserve tried (2 = twice the weekly nuclide need).
    tolerance : float [1]
        Width of the final bracket.
    """
    log: list[dict[str, float]] = []

    def risk(f: float) -> float:
        r = target.risk(evaluate(f))
        log.append({"reserve_fraction": f, "risk": r})
        return r

    if risk(0.0) < target.probability:
        return ReserveSizing(target.text, 0.0, log[-1]["risk"], log)
    if risk(upper) >= target.probability:
        return ReserveSizing(target.text, None, None, log)
    lo, hi, r_hi = 0.0, upper, log[-1]["risk"]
    while hi - lo > tolerance:
        mid = 0.5 * (lo + hi)
        r = risk(mid)
        if r < target.probability:
            hi, r_hi = mid, r
        else:
            lo = mid
    return ReserveSizing(target.text, hi, r_hi, log)
