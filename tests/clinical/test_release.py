"""Release: NRC formula on its published I-131 example; dose rate; restriction periods."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np
import pytest

from radiochain.clinical.kinetics import ExponentialSum
from radiochain.clinical.release import (
    dose_rate,
    dose_rate_curve,
    exposure_rate_constant,
    nrc_dose_to_others,
    parse_retention,
    published_restrictions,
    release_decision,
    restriction_period,
    retention,
)
from radiochain.errors import InputError, RadiochainError
from radiochain.physics.nuclide import Nuclide

MCI = 3.7e7


def test_nrc_i131_example_33_mci() -> None:
    # NUREG-1556 Vol. 9 App. U, Table U.1: I-131 release below 1.22 GBq (33 mCi)
    decision = release_decision(1e9, "I-131", "nrc-35.75")
    assert decision.max_activity_bq == pytest.approx(1.22e9, rel=0.01)
    assert decision.max_activity_bq / MCI == pytest.approx(33.0, rel=0.02)
    assert nrc_dose_to_others(33 * MCI, "I-131") == pytest.approx(5.0, rel=0.02)


def test_nrc_i131_dose_rate_7_mrem_per_hour() -> None:
    # Gamma Q / r^2 = 2.2 x 33 / 1e4 R/h = 7.26 mR/h ~ 7 mrem/h at 1 m (Table U.1: 0.07 mSv/h)
    gamma_rate_usv_h = 2.2 * 33 / 1e4 * 1e4
    assert gamma_rate_usv_h == pytest.approx(72.6)
    decision = release_decision(
        33 * MCI, "I-131", "nrc-u1-i131-dose-rate", measured_dose_rate=gamma_rate_usv_h
    )
    assert not decision.releasable  # 72.6 > 70 uSv/h: on the limit, as the table rounds


def test_lu177_standard_activity_is_releasable_under_nrc() -> None:
    decision = release_decision(7.4e9, "Lu-177")
    assert decision.releasable
    assert decision.value < 5.0


def test_dose_rate_decays_and_follows_inverse_square() -> None:
    r0 = float(dose_rate(7.4e9, "Lu-177"))
    assert r0 == pytest.approx(7.4e3 * 0.007636)
    half = 6.6443 * 86400
    assert float(dose_rate(7.4e9, "Lu-177", times=half)) == pytest.approx(r0 / 2, rel=1e-4)
    assert float(dose_rate(7.4e9, "Lu-177", distance_m=2.0)) == pytest.approx(r0 / 4)


def test_restriction_period_analytic_for_mono_exponential() -> None:
    lam = math.log(2) / (40 * 3600)
    curve = ExponentialSum(np.array([30.0]), np.array([lam]))  # µSv/h at 1 m
    days = restriction_period(curve, distance_m=1.0, hours_per_day=24, constraint_msv=0.1)
    # dose from t: 30 e^{-lam t} / lam [µSv h/s...] -> solve 30/3600/1000 e^{-lam t}/lam = 0.1
    t = math.log(30 / 3600 / 1000 / lam / 0.1) / lam
    assert days == pytest.approx(t / 86400, rel=1e-6)


def test_published_restrictions_have_sources() -> None:
    table = published_restrictions("lu177-dotatate")
    assert (table["citation"].str.contains("Levart")).all()
    with pytest.raises(InputError, match="no published restrictions"):
        published_restrictions("nope")


def test_unknown_rule() -> None:
    with pytest.raises(InputError, match="unknown release rule"):
        release_decision(1e9, "Lu-177", "nope")


def test_clearance_at_the_physical_half_life_is_physical_decay() -> None:
    physical = retention([1.0], [Nuclide("I-131").half_life])
    assert nrc_dose_to_others(1e9, "I-131", clearance=physical) == pytest.approx(
        nrc_dose_to_others(1e9, "I-131"), rel=1e-12
    )


def test_nrc_dose_with_clearance_is_the_integral_of_the_dose_rate() -> None:
    # independent: integrate Gamma Q0 / r^2 x R(t) x E numerically (scipy.quad) over hours
    from scipy.integrate import quad

    curve = parse_retention("0.3:8 h, 0.7:3 d")
    q0, occupancy, r_cm = 2e9, 0.25, 100.0
    gamma = exposure_rate_constant("I-131")  # R cm^2/(mCi h)
    rate_msv_h = gamma * (q0 / MCI) / r_cm**2 * 10.0  # R/h taken as rem/h -> mSv/h
    integral, _ = quad(lambda h: float(curve(h * 3600.0)), 0, np.inf)
    expected = rate_msv_h * occupancy * integral
    # App. U's 34.6 is 24/ln 2 = 34.63 rounded: 0.08 %
    assert nrc_dose_to_others(q0, "I-131", clearance=curve) == pytest.approx(expected, rel=1e-3)


def test_measured_dose_rate_replaces_gamma_q_over_r_squared() -> None:
    # 33 mCi of I-131 reads 7.26 mR/h at 1 m (App. U Table U.1); the measured rate gives the
    # same dose to others as the activity does
    measured = 2.2 * 33 / 1e4 * 1e4  # µSv/h
    by_rate = nrc_dose_to_others(33 * MCI, "I-131", measured_dose_rate=measured)
    assert by_rate == pytest.approx(nrc_dose_to_others(33 * MCI, "I-131"), rel=1e-12)
    decision = release_decision(33 * MCI, "I-131", measured_dose_rate=measured / 2)
    assert decision.value == pytest.approx(by_rate / 2)
    assert decision.max_activity_bq == pytest.approx(33 * MCI * 5.0 / (by_rate / 2), rel=1e-9)


def test_faster_clearance_shortens_every_restriction() -> None:
    slow = dose_rate_curve(7.4e9, "Lu-177")
    fast = dose_rate_curve(7.4e9, "Lu-177", clearance=parse_retention("0.5:4 h, 0.5:50 h"))
    assert float(fast(0.0)) == pytest.approx(float(slow(0.0)))
    for distance, hours, constraint in ((1.0, 8, 1.0), (0.5, 1, 0.3), (2.0, 8, 0.3)):
        kw = {"distance_m": distance, "hours_per_day": hours, "constraint_msv": constraint}
        assert restriction_period(fast, **kw) < restriction_period(slow, **kw)


def test_measured_rate_sets_the_curve() -> None:
    curve = dose_rate_curve(7.4e9, "Lu-177", measured_dose_rate=20.0)
    assert float(curve(0.0)) == pytest.approx(20.0)
    day = float(curve(86400.0))
    assert day == pytest.approx(20.0 * 2 ** (-1 / 6.6443), rel=1e-4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0.5", "not fraction:half-life"),
        ("x:3 h", "not a number"),
        ("0.7:3 h, 0.6:2 d", "sum to 1.3"),
        ("0:3 h", "in \\(0, 1\\]"),
        ("1:0 h", "> 0"),
    ],
)
def test_bad_clearance_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_retention(text)


@pytest.mark.parametrize("released_after_h", [0.0, 24.0])
def test_nrc_dose_from_a_measured_rate_is_the_integral_of_the_curve(
    released_after_h: float,
) -> None:
    # one dose-rate curve for both: E x integral of the curve (µSv/h over s) in mSv, with the
    # 24/ln2 = 34.63 vs 34.6 rounding of App. U; fractions summing below 1 included
    clearance = parse_retention("0.3:50 h")
    t0 = released_after_h * 3600
    curve = dose_rate_curve(
        7.4e9, "Lu-177", clearance=clearance, measured_dose_rate=25.0, released_after=t0
    )
    assert float(curve(0.0)) == pytest.approx(25.0)
    expected = 0.25 * curve.integral() / 3600 / 1000
    dose = nrc_dose_to_others(
        7.4e9, "Lu-177", clearance=clearance, measured_dose_rate=25.0, released_after=t0
    )
    assert dose == pytest.approx(expected, rel=1e-3)
    full = parse_retention("1:50 h")
    same_curve = nrc_dose_to_others(7.4e9, "Lu-177", clearance=full, measured_dose_rate=25.0)
    assert dose == pytest.approx(same_curve, rel=1e-12)  # the fraction is in the measured rate


def test_release_after_administration_uses_the_retained_activity() -> None:
    day = 86400.0
    later = release_decision(7.4e9, "Lu-177", released_after=day)
    now = release_decision(7.4e9, "Lu-177")
    assert later.value == pytest.approx(now.value * 2 ** (-1 / 6.6443), rel=1e-4)
    assert later.record_required
    assert not now.record_required


def test_dose_rate_rule_limit_scales_with_the_measured_rate() -> None:
    decision = release_decision(1.5e9, "I-131", "nrc-u1-i131-dose-rate", measured_dose_rate=30.0)
    assert decision.max_activity_bq == pytest.approx(70 / 30 * 1.5e9)


def test_measured_rate_must_be_positive() -> None:
    with pytest.raises(InputError, match="> 0"):
        release_decision(7.4e9, "Lu-177", measured_dose_rate=0.0)


def test_effective_half_life_cannot_exceed_the_physical() -> None:
    with pytest.raises(InputError, match="longer than the physical"):
        parse_retention("1:10 d", physical_half_life=Nuclide("Lu-177").half_life)


# ---------------------------------------------------------------- the release workflow


def test_assess_release_i131_matches_nureg_table_u1() -> None:
    # NUREG-1556 Vol. 9 Table U.1: an I-131 patient may be released with up to 1.22 GBq (33 mCi)
    from radiochain.clinical.release import assess_release

    result = assess_release("I-131", 1e9)
    assert result.decision.releasable
    assert result.decision.max_activity_bq == pytest.approx(1.22e9, rel=0.01)
    payload = result.to_dict()
    assert payload["dataset"] == "radiochain"
    assert isinstance(payload["dataset_version"], str)
    assert "nuclear_data" not in payload
    assert [r["time_after_release_h"] for r in payload["dose_rate_1m_usv_h"]] == [
        0,
        24,
        48,
        72,
        168,
    ]
    assert {r["situation"] for r in payload["restrictions_computed"]} >= {"partner", "child"}
    json.dumps(payload, allow_nan=False)  # plain values only


@pytest.mark.parametrize(("dataset", "half_life_d"), [("radiochain", 6.6443), ("icrp107", 6.647)])
def test_assess_release_decays_with_the_datasets_half_life(
    dataset: str, half_life_d: float
) -> None:
    # Lu-177: 6.6443 d (ENSDF, the radiochain dataset), 6.647 d (ICRP-107)
    from radiochain.clinical.release import assess_release

    result = assess_release("Lu-177", 7.4e9, dataset=dataset)
    assert result.dataset == dataset
    rates = dict(result.dose_rates_usv_h)
    assert rates[168.0] / rates[0.0] == pytest.approx(2 ** (-7 / half_life_d), rel=1e-9)


def test_assess_release_published_restrictions_and_notes() -> None:
    from radiochain.clinical.release import assess_release

    result = assess_release(
        "Lu-177", 7.4e9, agent="lu177-dotatate", constant="patient", clearance="0.5:4 h, 0.5:50 h"
    )
    # Levart et al. 2019: partners of inpatients kept apart for 8 days (95th percentile 15)
    partner = next(r for r in result.restrictions_published if r["setting"] == "inpatient")
    assert (partner["restriction_d"], partner["restriction_p95_d"]) == (8, 15)
    assert any("counts twice" in note for note in result.notes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"activity": math.nan}, "activity"),
        ({"activity": -1e9}, "activity"),
        ({"activity": 0.0}, "activity"),
        ({"activity": math.inf}, "activity"),
        ({"activity": 1e20}, "10 TBq"),
        ({"measured_dose_rate": 0.0}, "measured-dose-rate"),
        ({"measured_dose_rate": math.nan}, "measured-dose-rate"),
        ({"released_after": -3600.0}, "release time"),
        ({"released_after": math.nan}, "release time"),
        ({"constant": "fast"}, "'point', 'patient'"),
        ({"constant": 0.0}, "(0, 1000)"),
        ({"constant": 5000.0}, "(0, 1000)"),
        ({"rule": "eu"}, "unknown release rule"),
        ({"dataset": "endf"}, "endf"),
        ({"nuclide": "Lu-999"}, "Lu-999"),
        ({"agent": "pluvicto"}, "no published restrictions"),
        ({"agent": ""}, "no published restrictions for agent ''"),
        ({"nuclide": "I-131", "agent": "lu177-dotatate"}, "for Lu-177 patients, not I-131"),
        ({"measured_dose_rate": 12.0, "constant": 0.5}, "--constant with --measured-dose-rate"),
        ({"measured_dose_rate": 12.0, "constant": "point"}, "--constant with --measured"),
        ({"clearance": "0.5"}, "fraction:half-life"),
    ],
)
def test_assess_release_validates_its_arguments(changes: dict[str, object], message: str) -> None:
    from radiochain.clinical.release import assess_release

    args: dict[str, Any] = {"nuclide": "Lu-177", "activity": 7.4e9, **changes}
    # an unknown dataset is a DataError; every other mistake an InputError (both exit 2)
    expected = RadiochainError if "dataset" in changes else InputError
    with pytest.raises(expected, match=re.escape(message)):
        assess_release(args.pop("nuclide"), args.pop("activity"), **args)


def test_release_decision_refuses_a_negative_activity() -> None:
    with pytest.raises(InputError, match="activity"):
        release_decision(-1.0, "Lu-177")
