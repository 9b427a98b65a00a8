"""Personalized activity: never breaks a limit; the largest activity per cycle."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

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


def _patient(**changes: object) -> dict[str, object]:
    spec: dict[str, object] = {
        "patient": "p",
        "max_activity": "7.4 GBq",
        "limit_sets": ["default", "bodei-no-risk"],
        "organs": {
            "kidneys": {"dose_per_activity_gy_per_gbq": 0.8, "effective_half_life_h": 40},
            "red_marrow": {"dose_per_activity_gy_per_gbq": 0.035},
        },
    }
    spec.update(changes)
    return spec


def test_patient_file_override_replaces_only_that_quantity() -> None:
    from radiochain.clinical.activity import plan_for_patient

    limits = plan_for_patient(_patient(limits={"kidneys": {"dose_gy": 18}}), "p.yaml").limits
    kidneys = {(x.quantity, x.limit_gy) for x in limits if x.organ == "kidneys"}
    assert kidneys == {("dose", 18.0), ("bed", 40.0)}  # the Bodei BED limit stays


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"organs": {"kidney": {"dose_per_activity_gy_per_gbq": 1.5}}}, "did you mean 'kidneys'"),
        ({"cycle": 4}, "did you mean 'cycles'"),
        ({"cycles": 2.5}, "whole number"),
        ({"max_cycles": 0}, "at least 1"),
        ({"min_activity": "9 GBq"}, "p.yaml: min_activity 9 GBq must lie between 0"),
        ({"max_activity": "0 GBq"}, r"p.yaml: max_activity 0 Bq: give an activity > 0"),
        ({"limit_sets": []}, r"p.yaml: organ 'kidneys' has no limit: no organ has one"),
        (
            {"limit_sets": [], "limits": {"kidneys": {"dose_gy": 23}}},
            r"'red_marrow' has no limit \(limit_sets is empty\)",
        ),
        # the regimen is checked whenever it is there, not only with --plans
        (
            {
                "regimen": {
                    "hospital": "h",
                    "product": "x",
                    "first_date": "2026-03-02",
                    "interval_d": -5,
                }
            },
            "p.yaml: regimen: field 'interval_d'",
        ),
        ({"regimen": "every six weeks"}, "p.yaml: regimen: give a mapping"),
        ({"regimen": {"hospital": "h"}}, "p.yaml: regimen: needs hospital"),
        ({"limits": {"liver": {"dose_gy": 30}}}, "not under organs"),
        ({"limits": {"kidneys": {"dose": 30}}}, "dose_gy and/or bed_gy"),
        ({"limits": {"kidneys": {"dose_gy": "lots"}}}, "give a limit > 0"),
        (
            {"organs": {"kidneys": {"dose_per_activity_gy_per_gbq": 0.8}}},
            "needs its effective_half_life_h",
        ),
        (
            {"organs": {"kidneys": {"dose_per_activity_gy_per_gbq": 0.8, "alpha_beta_gy": 0}}},
            "alpha_beta_gy",
        ),
        (
            {"organs": {"kidneys": {"dose_per_activity_gy_per_gbq": 0.8, "prior_dose_gy": "x"}}},
            "must be numbers",
        ),
    ],
)
def test_patient_file_mistakes_are_one_clear_error(
    changes: dict[str, object], message: str
) -> None:
    from radiochain.clinical.activity import plan_for_patient

    with pytest.raises(InputError, match=message):
        plan_for_patient(_patient(**changes), "p.yaml")


def test_bed_limit_with_the_dose_rate_effect_is_kept() -> None:
    # Bodei-risk kidney BED 28 Gy, 0.8 Gy/GBq, T_eff 40 h, 2 cycles: the BED of the plan is at
    # most the limit once the dose-rate effect is counted (G > 0)
    from radiochain.clinical.activity import plan_for_patient

    spec = _patient(limit_sets=["bodei-risk"], cycles=2, max_activity="30 GBq")
    spec["organs"] = {"kidneys": {"dose_per_activity_gy_per_gbq": 0.8, "effective_half_life_h": 40}}
    plan = plan_for_patient(spec, "p.yaml").plan
    row = plan.organs[plan.organs["limit_quantity"] == "bed"].iloc[0]
    assert row["cumulative_bed_gy"] <= 28.0
    assert row["cumulative_bed_gy"] == pytest.approx(28.0, rel=1e-9)
    assert row["cumulative_bed_gy"] > row["cumulative_dose_gy"]


# ---------------------------------------------------------------- patient files


def test_read_patient_refuses_what_is_not_a_patient_file(tmp_path: Path) -> None:
    from radiochain.clinical.activity import read_patient

    cases = {
        "list.yaml": ("- kidneys\n", "needs 'organs:'"),
        "bomb.yaml": (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n"
                for p, n in zip("abcde", "bcdef", strict=True)
            ),
            "100,000",
        ),
        "syntax.yaml": ("organs: [\n", "not valid YAML"),
        "date.yaml": ("regimen: {first_date: 2026-02-30}\n", "2026-02-30"),
    }
    for name, (text, message) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=re.escape(message)):
            read_patient(tmp_path / name)
    (tmp_path / "latin.yaml").write_bytes("patient: José\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_patient(tmp_path / "latin.yaml")


def test_patient_plan_to_dict_and_plans_row() -> None:
    from radiochain.clinical.activity import plan_for_patient

    spec = _patient(
        patient="p07",
        regimen={"hospital": "h", "product": "x", "first_date": "2026-03-02", "interval_d": 42},
    )
    result = plan_for_patient(spec, "p.yaml")
    payload = result.to_dict()
    json.dumps(payload, allow_nan=False)  # NaN (no BED for the marrow) became null
    assert payload["patient"] == "p07"
    assert {x["organ"] for x in payload["limits"]} >= {"kidneys", "red_marrow"}  # type: ignore[union-attr]
    row = result.plans_row()
    assert (row["patient"], row["cycles"]) == ("p07", result.plan.cycles)
    without = plan_for_patient(_patient(), "p.yaml")
    assert without.patient == "p"  # the file's stem
    with pytest.raises(InputError, match="needs 'regimen:'"):
        without.plans_row()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cycles": 1000}, "at most 100"),
        ({"max_cycles": 10**9}, "at most 100"),
        ({"cycles": True}, "whole number"),
        ({"max_activity": math.nan}, "max_activity"),
        ({"min_activity": math.inf}, "min_activity"),
    ],
)
def test_personalized_activity_validates_its_arguments(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        personalized_activity([OrganKinetics("kidneys", 0.43e-9)], **kwargs)  # type: ignore[arg-type]
