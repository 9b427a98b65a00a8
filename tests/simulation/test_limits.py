"""What the simulator accepts it runs without a NumPy warning; what it refuses it names.

- the largest values a scenario (or the network's producers table) may give run cleanly:
  finite answers, no RuntimeWarning on stderr;
- beyond them, the network's own outage columns are refused naming producers.csv;
- a scenario's unknown names are one line with the file, the key and a did-you-mean;
- an N-1 lane loss: every patient of a lost lane misses (a fact of the network's demand),
  a lane the plan does not use changes nothing (and the result says so), the rolling policy
  refuses lane losses instead of ignoring them.
"""

from __future__ import annotations

import warnings
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
    StressTestOptions,
    no_disruptions,
    parse_scenario,
    run_ensemble,
    run_rolling,
    stress_test,
)

Plan = tuple[PlanTemplate, PlanResult]

EXTREME = {
    "outages": {
        "use_network": True,
        "rate_per_year": 1000,
        "duration_d": {"distribution": "weibull", "mean": 3652.422, "cv": 20},
    },
    "batch_failures": {"probability": 1},
    "transport": {
        "refusal_probability": 1,
        "delay_probability": 1,
        "delay_h": {"distribution": "lognormal", "mean": 8765.8, "cv": 20},
    },
    "demand": {"surge": {"distribution": "weibull", "mean": 10, "cv": 20}},
    "policy": {
        "reserve_fraction": 10,
        "reserve_delay_d": 365.2422,
        "redispatch_delay_d": 365.2422,
        "refusal_delay_d": 365.2422,
        "max_delay_d": 365.2422,
        "stock_days": {"reactor-lu177": 3652.422},
    },
}


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"outages": {"rate_per_year": 1000, "duration_d": {"mean": 3652.422, "cv": 20}}},
        {
            "outages": {
                "rate_per_year": 1000,
                "duration_d": {"distribution": "gamma", "mean": 1e-9, "cv": 20},
            }
        },
        {"policy": {"max_delay_d": 0, "second_sources": False}},
        {"demand": {"surge": {"distribution": "lognormal", "mean": 10, "cv": 20}}},
    ],
)
def test_the_limits_run_without_warnings(tiny_plan: Plan, change: dict[str, object]) -> None:
    template, _ = tiny_plan
    scenario = parse_scenario(EXTREME | change)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would reach the user's stderr
        result = run_ensemble(template, scenario, weeks=52, runs=3, seed=5)
    numbers = result.runs.drop(columns="run").to_numpy(dtype=float)
    assert np.isfinite(numbers).all()
    runs = result.runs
    assert (runs["treated_on_day"] + runs["delayed"] + runs["missed"] == runs["appointments"]).all()


def _network_outages(template: PlanTemplate, rate: float, mean: float, cv: float) -> PlanTemplate:
    return replace(
        template,
        producer_rate_per_year=np.full(len(template.producers), rate),
        producer_duration=[("lognormal", mean, cv)] * len(template.producers),
    )


def test_network_outages_at_the_limits_run_without_warnings(tiny_plan: Plan) -> None:
    template = _network_outages(tiny_plan[0], 1000.0, 3652.422, 20.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = run_ensemble(template, parse_scenario({}), weeks=104, runs=2, seed=1)
    assert np.isfinite(result.runs["missed_disrupted_fraction"]).all()


@pytest.mark.parametrize(
    ("rate", "mean", "cv", "words"),
    [
        (1e308, 5.0, 1.0, "producers.csv: reactor-lu177: outage_rate_per_year"),
        (2.0, 1e308, 1.0, "producers.csv: reactor-lu177: outage_duration_mean_d"),
        (2.0, 5.0, 1e308, "producers.csv: reactor-lu177: outage duration"),
    ],
)
def test_network_outages_beyond_the_limits_are_refused(
    tiny_plan: Plan, rate: float, mean: float, cv: float, words: str
) -> None:
    template = _network_outages(tiny_plan[0], rate, mean, cv)
    with pytest.raises(InputError, match=words):
        run_ensemble(template, parse_scenario({}), weeks=2, runs=1, seed=1)


def test_network_outages_without_a_duration_are_none(tiny_plan: Plan) -> None:
    """The schema's defaults (lognormal, mean 0) mean: no outage statistics, no outages."""
    template = _network_outages(tiny_plan[0], 5.0, 0.0, 1.0)
    result = run_ensemble(template, parse_scenario({}), weeks=52, runs=2, seed=1)
    assert (result.runs["outages"] == 0).all()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (
            {"transport": {"lanes": {"label-xyz": {"refusal_probability": 0.1}}}},
            "s.yaml: transport.lanes: unknown lane 'label-xyz'",
        ),
        (
            {"transport": {"lanes": {"pharmacy-aa": {"refusal_probability": 0.1}}}},
            "unknown lane 'pharmacy-aa' (did you mean 'pharmacy-a'?)",
        ),
        (
            {"batch_failures": {"processes": {"label-psm": 0.1}}},
            "s.yaml: batch_failures.processes: unknown process 'label-psm' (did you mean "
            "'label-psma'?)",
        ),
        (
            {"outages": {"producers": {"reactor-lu17": {"rate_per_year": 1, "duration_d": 3}}}},
            "s.yaml: outages.producers: unknown producer 'reactor-lu17' (did you mean "
            "'reactor-lu177'?)",
        ),
        ({"policy": {"stock_days": {"nobody": 3}}}, "s.yaml: policy.stock_days: unknown producer"),
        ({"n_minus_1": {"target": "reactor-lu17"}}, "s.yaml: n_minus_1.target: 'reactor-lu17'"),
        ({"n_minus_1": {"target": "largest-producer", "start_day": 100}}, "start_day 100 d"),
    ],
)
def test_scenario_names_and_days_the_network_lacks(
    tiny_plan: Plan, data: dict[str, object], words: str
) -> None:
    scenario = parse_scenario(data, where="s.yaml")
    with pytest.raises(InputError) as err:
        run_ensemble(tiny_plan[0], scenario, weeks=2, runs=1, seed=1)
    assert words in str(err.value)
    assert "\n" not in str(err.value)


def test_a_lost_lane_misses_its_hospitals_patients(tiny_plan: Plan, tiny: Network) -> None:
    """pharmacy-a is hospital-a's only lane: lost for 3 weeks of a 2-week run, every one of
    hospital-a's appointments (demand.csv) misses (the wait exceeds max_delay_d)."""
    template, _ = tiny_plan
    lanes = tiny.lanes
    assert lanes.index[lanes["to_site"] == "hospital-a"].tolist() == ["pharmacy-a"]
    per_week = int((tiny.demand["hospital"] == "hospital-a").sum())
    scenario = replace(no_disruptions(), n_minus_1=NMinus1("pharmacy-a", 21.0))
    result = run_ensemble(template, scenario, weeks=2, runs=1, seed=1)
    assert result.runs["missed_disrupted"].tolist() == [2 * per_week]
    with pytest.raises(InputError, match="not supported by the rolling policy"):
        run_rolling(tiny, template, scenario, weeks=2, runs=1, seed=1)


def test_a_lane_the_plan_does_not_use_changes_nothing(tiny: Network) -> None:
    """pharmacy-c-air refuses radioactive goods (lanes.csv): the plan sends nothing on it, so
    losing it gives the runs of no loss at all, and the result says why."""
    assert not bool(tiny.lanes.loc["pharmacy-c-air", "accepts_radioactive"])
    lost = stress_test(
        tiny,
        None,
        StressTestOptions(weeks=2, runs=2, seed=4, n_minus_1=NMinus1("pharmacy-c-air", 21.0)),
    )
    same = stress_test(tiny, None, StressTestOptions(weeks=2, runs=2, seed=4))
    pd.testing.assert_frame_equal(lost.ensemble.runs, same.ensemble.runs)
    assert lost.n_minus_1_target == "pharmacy-c-air"
    assert any("sends nothing on lane 'pharmacy-c-air'" in n for n in lost.notes)
    assert "refuses radioactive goods" in lost.summary()["notes"][0]


@pytest.mark.parametrize("where", ["options", "scenario"])
def test_the_rolling_policy_refuses_a_lane_loss(tiny: Network, where: str) -> None:
    """It re-plans around lost deliveries only; a lane loss would be silently ignored."""
    n1 = NMinus1("pharmacy-a", 21.0, where="" if where == "options" else "s.yaml: n_minus_1")
    options = StressTestOptions(weeks=2, runs=1, policy="rolling")
    scenario = None
    if where == "options":
        options = replace(options, n_minus_1=n1)
    else:
        scenario = replace(no_disruptions(), n_minus_1=n1)
    label = "--n-minus-1" if where == "options" else "s.yaml: n_minus_1.target"
    with pytest.raises(InputError, match=f"{label} pharmacy-a: a lane loss is not supported"):
        stress_test(tiny, scenario, options)


def test_a_scenario_loss_after_the_run_is_refused(tiny: Network) -> None:
    scenario = parse_scenario(
        {"n_minus_1": {"target": "largest-producer", "days": 3, "start_day": 1000}},
        where="s.yaml",
    )
    with pytest.raises(InputError, match=r"s.yaml: n_minus_1.start_day 1000 d: the run lasts 14 d"):
        stress_test(tiny, scenario, StressTestOptions(weeks=2, runs=1))
