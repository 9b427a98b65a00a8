"""Personalized activity: never breaks a limit; the largest activity per cycle."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from radiochain.clinical.activity import (
    Limit,
    OrganKinetics,
    default_limits,
    max_activity_for,
    personalized_activity,
)
from radiochain.clinical.dosimetry import bed
from radiochain.errors import InputError

GBQ = 1e9


def test_default_limits_carry_sources() -> None:
    limits = {(x.organ, x.quantity): x for x in default_limits()}
    assert limits[("kidneys", "dose")].limit_gy == 23
    assert "Hall" in limits[("kidneys", "dose")].source


def test_vision_kidney_coefficient_allows_six_standard_cycles() -> None:
    # VISION dosimetry: kidneys 0.43 Gy/GBq -> 6 x 7.4 GBq = 19.1 Gy < 23 Gy
    plan = personalized_activity(
        [OrganKinetics("kidneys", 0.43 / GBQ)], [Limit("kidneys", "dose", 23.0)]
    )
    assert plan.cycles == 6
    assert plan.activity_per_cycle_bq == pytest.approx(7.4e9)


def test_high_kidney_uptake_limits_cycles() -> None:
    # single-kidney series: 0.81 Gy/GBq -> 23 / (0.81 * 7.4) = 3.8 -> 3 full cycles
    plan = personalized_activity(
        [OrganKinetics("kidneys", 0.81 / GBQ)], [Limit("kidneys", "dose", 23.0)]
    )
    assert plan.cycles == 3
    assert "kidneys" in plan.limiting_organ


def test_bed_limit_quadratic() -> None:
    organ = OrganKinetics("kidneys", 0.65 / GBQ, protraction=2.8 / 42.8, alpha_beta=2.6)
    a = max_activity_for(organ, Limit("kidneys", "bed", 28.0), cycles=4)
    d = a * organ.dose_per_activity
    assert float(bed([d] * 4, 2.6, organ.protraction)) == pytest.approx(28.0, rel=1e-9)


@given(
    d_kid=st.floats(0.1, 2.0),
    d_marrow=st.floats(0.01, 0.2),
    cycles=st.integers(1, 8),
    prior=st.floats(0.0, 20.0),
    g=st.floats(0.0, 0.5),
)
@settings(max_examples=100, deadline=None)
def test_personalized_activity_never_breaks_a_limit(
    d_kid: float, d_marrow: float, cycles: int, prior: float, g: float
) -> None:
    organs = [
        OrganKinetics(
            "kidneys", d_kid / GBQ, protraction=g, alpha_beta=2.6, prior_dose=prior, prior_bed=prior
        ),
        OrganKinetics("red_marrow", d_marrow / GBQ),
    ]
    limits = [
        Limit("kidneys", "dose", 23.0),
        Limit("kidneys", "bed", 28.0),
        Limit("red_marrow", "dose", 2.0),
    ]
    for plan in (
        personalized_activity(organs, limits, cycles=cycles),
        personalized_activity(organs, limits, max_cycles=cycles),
    ):
        for row in plan.organs.itertuples():
            if row.fraction_of_limit is not None and not math.isnan(row.fraction_of_limit):
                assert row.fraction_of_limit <= 1 + 1e-9
        assert plan.activity_per_cycle_bq <= 7.4e9 * (1 + 1e-12)


def test_bad_organ_value() -> None:
    with pytest.raises(InputError, match="must be a positive number"):
        OrganKinetics("kidneys", -1.0)
