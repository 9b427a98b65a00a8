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

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from radiochain.errors import InputError, elide
from radiochain.units import parse_fraction, to_becquerel

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
    r"^\s*P\s*\(\s*(?P<metric>[A-Za-z_]+)\s*(?P<op>>=|>)(?P<x>[^()<>]+)\)"
    r"\s*(?P<cmp><=|<)(?P<p>[^()<>]+)$"
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
    """A risk target ``P(metric > threshold) < probability``.

    Attributes
    ----------
    metric : {"missed", "delayed", "treated", "wasted"}
        ``missed`` (by disruptions), ``delayed``, ``treated`` (on the day): fractions of the
        appointments of a run; ``wasted``: labelled activity that reached no patient [Bq].
    threshold : float [1] or [Bq]
        A fraction from 0 to 1, or an activity >= 0 for ``wasted``.
    probability : float [1]
        More than 0 and less than 1.
    text : str
        As the user wrote it.
    at_least : bool
        ``>=`` instead of ``>``.
    or_equal : bool
        ``<=`` instead of ``<``.
    """

    metric: str
    threshold: float
    probability: float
    text: str
    at_least: bool = False
    or_equal: bool = False

    def __post_init__(self) -> None:
        shown = f"--target {elide(self.text)!r}"
        if self.metric not in _METRICS:
            raise InputError(f"{shown}: metric {elide(self.metric)!r}: use {', '.join(_METRICS)}")
        upper = math.inf if self.metric == "wasted" else 1.0
        if not (_real(self.threshold) and 0.0 <= self.threshold <= upper):
            limit = "an activity >= 0" if self.metric == "wasted" else "0 to 100 %"
            raise InputError(f"{shown}: the threshold must be {limit}")
        if not (_real(self.probability) and 0.0 < self.probability < 1.0):
            raise InputError(f"{shown}: the probability must be more than 0 and less than 100 %")

    def column(self) -> str:
        return _METRICS[self.metric]

    def risk(self, runs: pd.DataFrame) -> float:
        """Share of runs whose metric exceeds (or, with ``at_least``, reaches) the threshold."""
        values = metric_values(runs, self.metric)
        hit = values >= self.threshold if self.at_least else values > self.threshold
        return float(hit.mean())

    def accepts(self, risk: float) -> bool:
        """Whether a risk [1] meets the target."""
        return risk <= self.probability if self.or_equal else risk < self.probability

    def met(self, runs: pd.DataFrame) -> bool:
        return self.accepts(self.risk(runs))


def _real(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


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


_HOW = (
    "write e.g. 'P(missed > 1 %) < 5 %' (missed, delayed, treated: a share of appointments; "
    "wasted: an activity, 'P(wasted > 1 GBq) < 5 %')"
)


def _threshold(metric: str, text: str, shown: str) -> float:
    if metric == "wasted":
        if text.endswith("%"):
            raise InputError(f"{shown}: wasted is an activity, not a share (write e.g. '1 GBq')")
        return to_becquerel(text, default_unit=None, what=f"{shown}: wasted")
    try:
        return parse_fraction(text, what=f"{shown}: {metric}", upper=1.0)
    except InputError:
        hint = f"; write '{elide(text, 20)} %' for a percentage" if _over_one(text) else ""
        raise InputError(
            f"{shown}: {elide(text, 20)!r} is not a share of appointments from 0 to 100 % "
            f"(e.g. '1 %' or 0.01{hint})"
        ) from None


def _over_one(text: str) -> bool:
    try:
        return 1.0 < float(text) <= 100.0
    except ValueError:
        return False


def parse_target(text: str) -> Target:
    """Parse ``"P(missed > 1 %) < 5 %"`` or ``"P(wasted > 1 GBq) < 5 %"``.

    ``missed``, ``delayed`` and ``treated`` take a share of appointments (``1 %`` or
    ``0.01``, 0 to 100 %), ``wasted`` an activity with its unit; the probability is more than
    0 and less than 100 %. ``>=`` and ``<=`` are read as written.

    Raises
    ------
    InputError
        The expression does not have that form, or a value is out of range.
    """
    shown = f"--target {elide(text)!r}"
    m = _TARGET.match(text if isinstance(text, str) else "")
    if not m:
        raise InputError(f"{shown}: {_HOW}")
    metric = m["metric"].lower()
    if metric not in _METRICS:
        raise InputError(
            f"{shown}: unknown metric {elide(metric, 20)!r} (use missed, delayed, treated or "
            "wasted, e.g. 'P(missed > 1 %) < 5 %')"
        )
    threshold = _threshold(metric, m["x"].strip(), shown)
    try:
        probability = parse_fraction(m["p"].strip(), what=f"{shown}: probability")
    except InputError:
        raise InputError(
            f"{shown}: the probability {elide(m['p'].strip(), 20)!r} must be more than 0 and "
            "less than 100 % (write e.g. '5 %')"
        ) from None
    return Target(
        metric,
        threshold,
        probability,
        text.strip(),
        at_least=m["op"] == ">=",
        or_equal=m["cmp"] == "<=",
    )


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

    if target.accepts(risk(0.0)):
        return ReserveSizing(target.text, 0.0, log[-1]["risk"], log)
    if not target.accepts(risk(upper)):
        return ReserveSizing(target.text, None, None, log)
    lo, hi, r_hi = 0.0, upper, log[-1]["risk"]
    while hi - lo > tolerance:
        mid = 0.5 * (lo + hi)
        r = risk(mid)
        if target.accepts(r):
            hi, r_hi = mid, r
        else:
            lo = mid
    return ReserveSizing(target.text, hi, r_hi, log)
