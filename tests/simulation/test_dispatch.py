"""The dispatch rule: no disruptions reproduce the plan, seeds reproduce runs, outages and
reserves act as the analytic model says."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from radiochain.errors import InputError
from radiochain.network.core import Network
from radiochain.planning import PlanResult
from radiochain.simulation import (
    NMinus1,
    PlanTemplate,
    no_disruptions,
    parse_scenario,
    run_ensemble,
)

Plan = tuple[PlanTemplate, PlanResult]


def _status_by_appointment(template: PlanTemplate, result: PlanResult) -> None:
    served = result.doses["status"] != "unserved"
    assert template.appt_served.tolist() == served.tolist()


@pytest.mark.parametrize("fixture", ["tiny_plan", "china_plan"])
def test_no_disruptions_reproduces_the_plan(fixture: str, request: pytest.FixtureRequest) -> None:
    template, plan = request.getfixturevalue(fixture)
    _status_by_appointment(template, plan)
    k = plan.kpis
    result = run_ensemble(template, no_disruptions(), weeks=1, runs=3, seed=1)
    for row in result.runs.itertuples():
        assert row.appointments == k["appointments"]
        assert row.treated_on_day == k["treated_on_day"]
        assert row.delayed == k["moved"]
        assert row.missed == k["unserved"]
        assert row.batch_failures == row.deliveries_lost == row.refusals == 0
        # labelled but not given: the plan's unused activity at calibration
        assert row.activity_wasted_bq == pytest.approx(
            k["activity_unused_at_calibration_bq"], rel=1e-9, abs=1.0
        )


def test_tiny_year_without_disruptions_is_the_plan_every_week(tiny_plan: Plan) -> None:
    template, plan = tiny_plan
    result = run_ensemble(template, no_disruptions(), weeks=52, runs=2, seed=3)
    assert (result.weekly["treated_on_day"] == plan.kpis["treated_on_day"]).all()
    assert (result.weekly["missed"] == 0).all()


SCENARIO = {
    "outages": {
        "rate_per_year": 2.0,
        "duration_d": {"distribution": "lognormal", "mean": 14, "cv": 1.5},
    },
    "batch_failures": {"probability": 0.03},
    "transport": {"refusal_probability": 0.02, "delay_probability": 0.05},
    "demand": {"surge": {"distribution": "gamma", "mean": 1.05, "cv": 0.1}},
}


def test_same_seed_same_result_for_any_chunking(china_plan: Plan) -> None:
    template, _ = china_plan
    sc = parse_scenario(SCENARIO)
    a = run_ensemble(template, sc, weeks=8, runs=12, seed=42, chunk=1, events=True)
    b = run_ensemble(template, sc, weeks=8, runs=12, seed=42, chunk=5, events=True)
    c = run_ensemble(template, sc, weeks=8, runs=12, seed=42)
    for other in (b, c):
        pd.testing.assert_frame_equal(a.runs, other.runs, check_exact=True)
        pd.testing.assert_frame_equal(a.weekly, other.weekly, check_exact=True)
    assert a.events is not None
    assert b.events is not None
    pd.testing.assert_frame_equal(a.events, b.events, check_exact=True)
    d = run_ensemble(template, sc, weeks=8, runs=12, seed=43)
    assert not d.runs.equals(a.runs)
    assert (a.runs["missed"] >= 0).all()
    assert (a.runs["delayed"] > 0).any()


def test_lost_deliveries_match_the_m_g_infinity_availability(tiny_plan: Plan) -> None:
    """Poisson outages of fixed length D cover a time with probability 1 - exp(-λ D)."""
    template, _ = tiny_plan
    rate, days = 3.0, 10.0
    sc = parse_scenario(
        {"outages": {"rate_per_year": rate, "duration_d": {"distribution": "fixed", "mean": days}}}
    )
    weeks, runs = 52, 1500
    result = run_ensemble(template, sc, weeks=weeks, runs=runs, seed=11)
    used = len(np.unique(template.input_delivery))
    per_run = result.runs["deliveries_lost"] / (used * weeks)
    expected = 1.0 - math.exp(-rate * days / 365.2422)
    assert abs(per_run.mean() - expected) < 5 * per_run.std() / math.sqrt(runs)


def test_batch_failures_match_their_probability(tiny_plan: Plan) -> None:
    template, _ = tiny_plan
    p, weeks, runs = 0.05, 52, 400
    sc = parse_scenario({"batch_failures": {"probability": p}})
    result = run_ensemble(template, sc, weeks=weeks, runs=runs, seed=5)
    n = len(template.batch_activity_bq) * weeks * runs
    observed = result.runs["batch_failures"].sum() / n
    assert abs(observed - p) < 5 * math.sqrt(p * (1 - p) / n)
    # a failed batch is repeated: most of its patients are delayed, not missed
    assert result.runs["delayed"].sum() > result.runs["missed"].sum()


def test_reserve_covers_the_loss_of_the_only_producer(tiny_plan: Plan) -> None:
    template, plan = tiny_plan
    n1 = replace(no_disruptions(), n_minus_1=NMinus1("largest-producer", 14.0, 0.0))
    without = run_ensemble(template, n1, weeks=4, runs=2, seed=0)
    assert without.runs["missed"].iloc[0] > 0
    full = run_ensemble(template, n1.with_reserve(1.0), weeks=4, runs=2, seed=0)
    assert full.runs["missed"].iloc[0] == 0
    assert full.runs["treated_on_day"].iloc[0] == 4 * plan.kpis["treated_on_day"]
    # more reserve never loses patients (common random numbers)
    sc = parse_scenario(SCENARIO)
    missed = [
        run_ensemble(template, sc.with_reserve(f), weeks=26, runs=50, seed=9).runs["missed"].sum()
        for f in (0.0, 0.25, 0.5, 1.0)
    ]
    assert missed == sorted(missed, reverse=True)


def test_qinshan_three_weeks_off_line(china_plan: Plan) -> None:
    template, _plan = china_plan
    sc = replace(no_disruptions(), n_minus_1=NMinus1("qinshan-lu177", 21.0, 0.0))
    base = run_ensemble(template, no_disruptions(), weeks=6, runs=1, seed=0).runs.iloc[0]
    hit = run_ensemble(template, sc, weeks=6, runs=1, seed=0).runs.iloc[0]
    assert hit["treated_on_day"] < base["treated_on_day"]
    covered = run_ensemble(template, sc.with_reserve(1.0), weeks=6, runs=1, seed=0).runs.iloc[0]
    assert covered["missed"] == base["missed"]


def test_unknown_names_in_a_scenario(tiny_plan: Plan) -> None:
    template, _ = tiny_plan
    bad = parse_scenario({"batch_failures": {"processes": {"no-such-process": 0.1}}})
    with pytest.raises(InputError, match="no-such-process"):
        run_ensemble(template, bad, weeks=1, runs=1, seed=0)
    n1 = replace(no_disruptions(), n_minus_1=NMinus1("nowhere", 3.0))
    with pytest.raises(InputError, match="nowhere"):
        run_ensemble(template, n1, weeks=1, runs=1, seed=0)


def test_network_fixture_is_unchanged(tiny: Network) -> None:
    assert tiny.validate().ok
