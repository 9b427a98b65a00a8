"""The Bateman kernel against arbitrary-precision arithmetic (mpmath) and analytic limits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from radiochain.physics.decay import (
    decay_factor,
    divided_difference_exp,
    ingrowth_maximum_two_member,
    time_to_fraction,
)

mpmath = pytest.importorskip("mpmath")


def _reference_g(nodes: list[float], t: float) -> float:
    """G from the exponential of the bidiagonal matrix with -z on the diagonal and ones below
    it (its [n-1, 0] entry is the divided difference of exp at -z, which is G), computed by
    mpmath's arbitrary-precision expm: an independent method that handles repeated nodes."""
    with mpmath.workdps(60):
        n = len(nodes)
        matrix = mpmath.zeros(n, n)
        for k, x in enumerate(nodes):
            matrix[k, k] = -mpmath.mpf(x) * mpmath.mpf(t)
            if k:
                matrix[k, k - 1] = 1
        return float(mpmath.expm(matrix)[n - 1, 0])


CASES = [
    # Ac-225 chain decay constants [1/s]: 10 d .. 4 us (10+ decades)
    [8.0e-7, 2.36e-3, 21.4, 2.53e-4, 1.87e5, 5.96e-5, 0.0],
    # Th-229 -> Ra-225 -> Ac-225
    [2.99e-12, 5.38e-7, 8.0e-7],
    # near-degenerate pair and a cluster
    [1.0e-5, 1.0e-5 * (1 + 1e-9), 2.0e-5, 1.0e-3],
    # repeated node
    [3.0e-4, 3.0e-4, 3.0e-4],
]


@pytest.mark.parametrize("nodes", CASES)
@pytest.mark.parametrize("t", [1e-3, 1.0, 3.6e3, 8.64e5, 3.0e7, 3.0e9])
def test_divided_difference_matches_160_digit_reference(nodes: list[float], t: float) -> None:
    ours = divided_difference_exp(np.sort(np.array(nodes)), np.array([t]))[0]
    ref = _reference_g(sorted(nodes), t)
    if ref < 1e-290:
        assert ours < 1e-280
        return
    assert ours == pytest.approx(ref, rel=1e-13)


@settings(max_examples=200, deadline=None)
@given(
    logs=st.lists(st.floats(min_value=-12, max_value=6), min_size=2, max_size=7),
    log_t=st.floats(min_value=-3, max_value=10),
)
def test_divided_difference_random_nodes(logs: list[float], log_t: float) -> None:
    nodes = sorted(10.0**x for x in logs)
    t = 10.0**log_t
    ref = _reference_g(nodes, t)
    ours = divided_difference_exp(np.array(nodes), np.array([t]))[0]
    if ref < 1e-250:
        assert 0.0 <= ours < 1e-240
    else:
        assert ours == pytest.approx(ref, rel=1e-11)


def test_single_nuclide_is_an_exponential() -> None:
    t = np.linspace(0, 1e7, 50)
    assert np.allclose(
        decay_factor(6.647 * 86400, t),
        np.exp(-math.log(2) * t / (6.647 * 86400)),
        rtol=1e-13,
        atol=0,
    )
    assert decay_factor(10.0, 10.0) == 0.5
    assert decay_factor(10.0, -10.0) == 2.0
    assert decay_factor(math.inf, 1e9) == 1.0


def test_time_to_fraction_inverts_decay_factor() -> None:
    assert time_to_fraction(100.0, 0.25) == pytest.approx(200.0, rel=1e-15)


def test_ingrowth_maximum_two_member_formula() -> None:
    # t_max = ln(lambda_d / lambda_p) / (lambda_d - lambda_p), checked at the derivative's root
    tp, td = 65.94 * 3600, 6.015 * 3600
    t_max = ingrowth_maximum_two_member(tp, td)
    lp, ld = math.log(2) / tp, math.log(2) / td
    derivative = -lp * math.exp(-lp * t_max) + ld * math.exp(-ld * t_max)
    assert derivative == pytest.approx(0.0, abs=1e-18)
    assert 22.0 * 3600 < t_max < 24.0 * 3600  # "about 23 h" for Mo-99/Tc-99m
