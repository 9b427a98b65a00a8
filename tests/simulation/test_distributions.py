"""Disruption samplers against their analytic moments (tolerance from the standard error)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from radiochain.errors import InputError
from radiochain.simulation.distributions import (
    Distribution,
    parse_distribution,
    poisson_arrivals,
    weibull_shape,
)

N = 400_000


def raw_moment(d: Distribution, k: int) -> float:
    """E[X^k] from the textbook formulas (Johnson, Kotz & Balakrishnan 1994)."""
    p = d.parameters
    if d.kind == "lognormal":
        return math.exp(k * p["mu"] + 0.5 * k * k * p["sigma"] ** 2)
    if d.kind == "weibull":
        return p["scale"] ** k * math.gamma(1 + k / p["shape"])
    if d.kind == "gamma":
        return p["scale"] ** k * math.exp(math.lgamma(p["shape"] + k) - math.lgamma(p["shape"]))
    if d.kind == "exponential":
        return math.factorial(k) * p["scale"] ** k
    return d.mean**k


CASES = [
    Distribution("lognormal", 14.0, 1.5),  # reactor outage durations [d], heavy tail
    Distribution("lognormal", 6.0, 0.5),
    Distribution("weibull", 21.0, 1.5),
    Distribution("weibull", 3.0, 0.5),
    Distribution("exponential", 10.0),
    Distribution("gamma", 1.05, 0.1),  # demand surge multiplier
]


@pytest.mark.parametrize("dist", CASES, ids=lambda d: f"{d.kind}-{d.mean}-{d.cv}")
def test_sample_mean_and_variance(dist: Distribution) -> None:
    rng = np.random.default_rng(20261122)
    x = dist.sample(rng, N)
    m1, m2 = raw_moment(dist, 1), raw_moment(dist, 2)
    assert m1 == pytest.approx(dist.mean, rel=1e-9)  # parameters reproduce the mean
    assert m2 - m1**2 == pytest.approx(dist.variance, rel=1e-6)
    se_mean = math.sqrt(dist.variance / N)
    assert abs(x.mean() - dist.mean) < 5 * se_mean
    if dist.cv <= 1.0:  # the 4th moment is small enough for a sharp variance test
        m3, m4 = raw_moment(dist, 3), raw_moment(dist, 4)
        mu4 = m4 - 4 * m1 * m3 + 6 * m1**2 * m2 - 3 * m1**4
        se_var = math.sqrt((mu4 - dist.variance**2) / N)
        assert abs(x.var(ddof=1) - dist.variance) < 5 * se_var


def test_weibull_shape_matches_cv() -> None:
    assert weibull_shape(1.0) == pytest.approx(1.0, rel=1e-9)  # exponential
    for cv in (0.3, 0.8, 1.5, 3.0):
        k = weibull_shape(cv)
        g1, g2 = math.gamma(1 + 1 / k), math.gamma(1 + 2 / k)
        assert math.sqrt(g2 / g1**2 - 1) == pytest.approx(cv, rel=1e-9)


def test_fixed_and_zero() -> None:
    rng = np.random.default_rng(1)
    assert (Distribution("fixed", 3.0, 0.0).sample(rng, 5) == 3.0).all()
    assert (Distribution("fixed", 0.0).sample(rng, 5) == 0.0).all()  # nothing happens
    assert Distribution("fixed", 3.0).variance == 0.0
    assert Distribution("fixed", 3.0).cv == 0.0  # each kind's own cv by default
    assert Distribution("exponential", 3.0).cv == 1.0
    assert Distribution("lognormal", 3.0).cv == 1.0


@pytest.mark.parametrize(
    ("kind", "mean", "cv", "words"),
    [
        ("lognormal", 0.0, 1.0, "more than 0"),  # log(0): no distribution
        ("gamma", 0.0, 0.5, "more than 0"),
        ("fixed", 5.0, 3.0, "cv 0"),  # a spread that would be ignored
        ("exponential", 5.0, 2.0, "cv 1"),
        ("lognormal", 5.0, 1e308, "0 to 20"),
        ("lognormal", float("inf"), 1.0, "finite"),
        ("lognormal", True, 1.0, "finite"),
    ],
)
def test_distributions_that_mean_nothing(kind: str, mean: float, cv: float, words: str) -> None:
    with pytest.raises(InputError, match=words):
        Distribution(kind, mean, cv)  # type: ignore[arg-type]


def test_poisson_arrivals_count() -> None:
    rng = np.random.default_rng(7)
    counts = np.array([len(poisson_arrivals(rng, 2.5, 0.0, 4.0)) for _ in range(20_000)])
    assert abs(counts.mean() - 10.0) < 5 * math.sqrt(10.0 / len(counts))
    assert abs(counts.var() - 10.0) < 0.5


@pytest.mark.parametrize(
    "spec",
    [
        {"distribution": "pareto", "mean": 1},
        {"mean": -1},
        {"mean": 1, "cv": -0.5},
        {"mean": 1, "shape": 2},
        {"cv": 1},
        "long",
        {"distribution": "fixed", "mean": 5, "cv": 3},
        {"distribution": "lognormal", "mean": 0, "cv": 1},
        {"mean": True},
        {"mean": "5"},
        {"mean": 1, "cv": "wide"},
    ],
)
def test_bad_distributions(spec: object) -> None:
    with pytest.raises(InputError):
        parse_distribution(spec, "test")


def test_parse_bounds_the_mean() -> None:
    with pytest.raises(InputError, match=r"test.mean: 1e\+308 is out of range .* at most 10 y"):
        parse_distribution({"mean": 1e308, "cv": 1}, "test", upper=3652.422, unit="d")
    with pytest.raises(InputError, match="more than 0"):
        parse_distribution({"distribution": "fixed", "mean": 0}, "test", upper=10.0)
    assert parse_distribution(7, "test").kind == "fixed"  # a number is a fixed value
