"""Exact-math tests of the fits and single-time-point methods on noiseless curves."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from radiochain.clinical.kinetics import (
    ClinicalWarning,
    ExponentialSum,
    fit_model,
    fit_tac,
    hanscheid_tia,
    madsen_tia,
    trapezoid_tia,
)
from radiochain.errors import InputError

H = 3600.0
LU177 = 6.6443 * 86400
LN2 = math.log(2)
TIMES = np.array([1, 4, 24, 48, 96, 168]) * H


def test_mono_exponential_recovered_exactly() -> None:
    curve = ExponentialSum(np.array([2e8]), np.array([LN2 / (40 * H)]))
    fit = fit_model(TIMES, curve(TIMES), "mono", LU177)
    assert fit.tia == pytest.approx(curve.integral(), rel=1e-6)
    assert fit.curve is not None
    assert fit.curve.effective_half_life() == pytest.approx(40 * H, rel=1e-6)


def test_bi_exponential_recovered_and_selected() -> None:
    curve = ExponentialSum(np.array([3e8, 1e8]), np.array([LN2 / (3 * H), LN2 / (60 * H)]))
    times = np.array([0.5, 1, 2, 4, 8, 24, 48, 96, 168]) * H
    fit = fit_tac(times, curve(times), LU177)
    assert fit.model == "bi"
    assert fit.tia == pytest.approx(curve.integral(), rel=1e-5)


def test_uptake_washout_recovered() -> None:
    lw, lu = LN2 / (50 * H), LN2 / (2 * H)
    curve = ExponentialSum(np.array([1e8, -1e8]), np.array([lw, lu]))
    fit = fit_model(TIMES, curve(TIMES), "uptake", LU177)
    assert fit.tia == pytest.approx(1e8 * (1 / lw - 1 / lu), rel=1e-5)


def test_trapezoid_of_a_straight_line_with_physical_tail() -> None:
    t = np.array([1.0, 2.0]) * H
    a = np.array([10.0, 10.0])
    tail = 10.0 * LU177 / LN2
    assert trapezoid_tia(t, a, LU177) == pytest.approx(10 * H + 10 * H + tail)
    assert trapezoid_tia(t, a, LU177, start="zero") == pytest.approx(5 * H + 10 * H + tail)


def test_trapezoid_exact_for_physical_decay_only_in_tail() -> None:
    lam = LN2 / LU177
    t = np.array([0.0, 1e-3])  # tiny body, everything in the tail
    a = 5e7 * np.exp(-lam * t)
    assert trapezoid_tia(t, a, LU177) == pytest.approx(5e7 / lam, rel=1e-6)


@given(t_eff_h=st.floats(5.0, 150.0), t_h=st.floats(4.0, 200.0))
@settings(max_examples=50, deadline=None)
def test_madsen_exact_for_mono_exponential(t_eff_h: float, t_h: float) -> None:
    lam = LN2 / (t_eff_h * H)
    a_t = 1e9 * math.exp(-lam * t_h * H)
    assert float(madsen_tia(a_t, t_h * H, t_eff_h * H)) == pytest.approx(1e9 / lam, rel=1e-9)


@given(x=st.floats(0.1, 4.0))
@settings(max_examples=50, deadline=None)
def test_hanscheid_ratio_is_two_over_ln2_x_exp_minus_x(x: float) -> None:
    lam = LN2 / (40 * H)
    t = x / lam
    a_t = 1e9 * math.exp(-x)
    ratio = float(hanscheid_tia(a_t, t)) / (1e9 / lam)
    assert ratio == pytest.approx(2 / LN2 * x * math.exp(-x), rel=1e-12)
    assert ratio <= 2 / LN2 / math.e + 1e-12  # at most +6.1 %


def test_too_few_points_for_forced_model() -> None:
    with pytest.raises(InputError, match="bi model has 4 parameters"):
        fit_tac(TIMES[:3], np.ones(3), LU177, model="bi")


@pytest.mark.parametrize(
    ("times", "acts", "match"),
    [
        ([-1.0, 2.0], [1.0, 1.0], "time -1 is negative"),
        ([1.0, 2.0], [1.0, -3.0], "activity -3 is negative"),
        ([1.0, 1.0], [1.0, 2.0], "same time"),
    ],
)
def test_bad_curves_are_input_errors(times: list[float], acts: list[float], match: str) -> None:
    with pytest.raises(InputError, match=match):
        fit_tac(times, acts, LU177)


def test_non_converging_fit_falls_back_to_trapezoid(monkeypatch: pytest.MonkeyPatch) -> None:
    import scipy.optimize

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Optimal parameters not found")

    monkeypatch.setattr(scipy.optimize, "curve_fit", boom)
    a = 1e8 * np.exp(-LN2 * TIMES / (40 * H))
    with pytest.warns(ClinicalWarning, match="did not converge"):
        fit = fit_tac(TIMES, a, LU177, model="mono")
    assert fit.method == "trapezoid"
    assert fit.tia == pytest.approx(trapezoid_tia(TIMES, a, LU177))


def test_row_order_does_not_change_a_weighted_fit() -> None:
    # the uncertainties travel with their points when the curve is sorted by time
    curve = ExponentialSum(np.array([2e8, 1e8]), np.array([LN2 / (3 * H), LN2 / (60 * H)]))
    rng = np.random.default_rng(3)
    acts = curve(TIMES) * (1 + 0.03 * rng.standard_normal(TIMES.size))
    sigma = 0.03 * curve(TIMES) + 1e5
    forward = fit_tac(TIMES, acts, LU177, sigma=sigma)
    backward = fit_tac(TIMES[::-1], acts[::-1], LU177, sigma=sigma[::-1])
    assert backward.model == forward.model
    assert backward.tia == pytest.approx(forward.tia, rel=1e-9)


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan")])
def test_bad_uncertainty_names_the_field(bad: float) -> None:
    sigma = np.full(TIMES.size, 1e6)
    sigma[2] = bad
    with pytest.raises(InputError, match="point 3: field 'sigma_mbq'"):
        fit_tac(TIMES, np.linspace(1e8, 1e7, TIMES.size), LU177, sigma=sigma)


def test_one_point_needs_a_single_time_point_method() -> None:
    t, a = np.array([48 * H]), np.array([5e7])
    with pytest.raises(InputError, match="hanscheid"):
        fit_tac(t, a, LU177)
    fit = fit_tac(t, a, LU177, model="hanscheid")
    assert fit.method == "single-point"
    assert fit.tia == pytest.approx(float(hanscheid_tia(a, t)[0]))
    assert fit.curve is not None
    assert fit.curve.integral() == pytest.approx(fit.tia)
    # Madsen with the true effective half-life is exact for a mono-exponential
    t_eff = 40 * H
    a48 = 1e8 * math.exp(-LN2 * 48 * H / t_eff)
    madsen = fit_tac(t, np.array([a48]), LU177, model="madsen", effective_half_life=t_eff)
    assert madsen.tia == pytest.approx(1e8 * t_eff / LN2, rel=1e-12)
    with pytest.raises(InputError, match="effective half-life"):
        fit_tac(t, a, LU177, model="madsen")


def test_auto_does_not_fit_a_washout_to_a_rising_curve() -> None:
    # uptake over the first day: with 4 points only the mono model is eligible, and it cannot
    # rise, so auto falls back to the trapezoid and says why
    t = np.array([1, 24, 72, 168]) * H
    a = 1e8 * (np.exp(-LN2 * t / (50 * H)) - np.exp(-LN2 * t / (6 * H)))
    with pytest.warns(ClinicalWarning, match="rises to its maximum"):
        fit = fit_tac(t, a, LU177)
    assert fit.method == "trapezoid"


def test_all_zero_curve_has_no_fit() -> None:
    fit = fit_tac(TIMES, np.zeros(TIMES.size), LU177)
    assert fit.tia == 0.0
    assert fit.curve is None
    assert "every activity is 0" in fit.note
