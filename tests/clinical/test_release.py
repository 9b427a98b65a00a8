"""Release: NRC formula on its published I-131 example; dose rate; restriction periods."""

from __future__ import annotations

import math

import numpy as np
import pytest

from radiochain.clinical.kinetics import ExponentialSum
from radiochain.clinical.release import (
    dose_rate,
    nrc_dose_to_others,
    published_restrictions,
    release_decision,
    restriction_period,
)
from radiochain.errors import InputError

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
