"""Scenario files: the bundled examples parse; bad keys and values are one-line InputErrors."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from radiochain.errors import InputError
from radiochain.simulation import Distribution, Scenario, parse_scenario, read_scenario

SCENARIOS = resources.files("radiochain") / "data" / "scenarios"


def bundled() -> list[Path]:
    return sorted(Path(str(SCENARIOS)).glob("*.yaml"))


def test_there_are_bundled_scenarios() -> None:
    assert len(bundled()) >= 2


@pytest.mark.parametrize("path", bundled(), ids=lambda p: p.name)
def test_bundled_scenarios_parse_and_cite(path: Path) -> None:
    sc = read_scenario(path)
    assert sc.sources, "every bundled scenario names its sources"


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"outage": {}}, "unknown key"),
        ({"outages": {"rate_per_year": -1}}, "out of range"),
        ({"batch_failures": {"probability": 1.5}}, "out of range"),
        ({"transport": {"delay_h": {"mean": 2, "sd": 1}}}, "unknown key"),
        ({"policy": {"reserve_fraction": "lots"}}, "not a number"),
        ({"outages": {"producers": {"x": {"rate_per_year": 1}}}}, "duration_d"),
        ({"demand": {"surge": {"distribution": "cauchy", "mean": 1}}}, "distribution"),
    ],
)
def test_bad_scenarios(data: dict[str, object], match: str) -> None:
    with pytest.raises(InputError, match=match) as err:
        parse_scenario(data)
    assert "\n" not in str(err.value)


def test_read_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_scenario(tmp_path / "none.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("outages: [1, 2\n")
    with pytest.raises(InputError, match="YAML"):
        read_scenario(bad)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        # rates beyond 1,000 outages a year (1e9 grew a run to 23 GB; 1e308 broke Poisson)
        (
            {"outages": {"rate_per_year": 1e9}},
            "outages.rate_per_year: 1000000000.0 is out of range (give 0 to 1,000 /y)",
        ),
        ({"outages": {"rate_per_year": 1e308}}, "1,000 /y"),
        (
            {"outages": {"producers": {"x": {"rate_per_year": 5000, "duration_d": 3}}}},
            "outages.producers.x.rate_per_year",
        ),
        # means: more than 0 where a distribution needs it, at most 10 y for outages
        ({"outages": {"duration_d": {"mean": 1e308, "cv": 1}}}, "at most 10 y"),
        ({"outages": {"duration_d": {"distribution": "lognormal", "mean": 0}}}, "more than 0"),
        ({"outages": {"duration_d": {"distribution": "fixed", "mean": 5, "cv": 3}}}, "cv 0"),
        ({"transport": {"delay_h": {"mean": 1e9}}}, "transport.delay_h.mean"),
        ({"demand": {"surge": {"distribution": "gamma", "mean": 0, "cv": 1}}}, "surge.mean"),
        ({"demand": {"surge": {"distribution": "gamma", "mean": 1e6, "cv": 1}}}, "at most 10"),
        ({"policy": {"max_delay_d": 1e308}}, "policy.max_delay_d"),
        ({"policy": {"stock_days": {"x": 1e6}}}, "policy.stock_days.x"),
        ({"policy": {"reserve_fraction": 11}}, "policy.reserve_fraction"),
        ({"n_minus_1": {"days": 0}}, "n_minus_1.days"),
        ({"n_minus_1": {"target": 5}}, "n_minus_1.target"),
        # true/false and numbers are what they say (YAML reads 'yes' as true)
        ({"batch_failures": {"probability": True}}, "probability: True is not a number"),
        ({"policy": {"second_sources": "maybe"}}, "second_sources: 'maybe' is not true or false"),
        ({"outages": {"use_network": 1}}, "use_network"),
        # mappings where names are expected
        ({"sources": ["a", "b"]}, "sources: expected a mapping"),
        ({"transport": {"lanes": ["a"]}}, "transport.lanes: expected a mapping"),
        ({"batch_failures": {"processes": [1]}}, "batch_failures.processes: expected"),
        ({"policy": {"stock_days": 3}}, "policy.stock_days: expected"),
        ({"policy": {"reserve_fraction": 0.1, "second_source": True}}, "'second_sources'"),
    ],
)
def test_values_out_of_range_are_refused(data: dict[str, object], words: str) -> None:
    with pytest.raises(InputError, match=re.escape(words)) as err:
        parse_scenario(data, where="s.yaml")
    assert str(err.value).startswith("s.yaml: ")
    assert "\n" not in str(err.value)


def test_the_limits_themselves_are_accepted() -> None:
    sc = parse_scenario(
        {
            "outages": {
                "rate_per_year": 1000,
                "duration_d": {"distribution": "lognormal", "mean": 3652.422, "cv": 20},
            },
            "demand": {"surge": {"distribution": "lognormal", "mean": 10, "cv": 20}},
            "policy": {"max_delay_d": 365.2422, "reserve_fraction": 10},
        }
    )
    assert sc.outage_rate_per_year == 1000
    assert sc.surge is not None
    assert sc.surge.mean == 10


def test_scenarios_made_in_python_are_checked_too() -> None:
    """The service builds scenarios without a file: the same limits hold."""
    with pytest.raises(InputError, match="outage_rate_per_year"):
        Scenario(outage_rate_per_year=1e9)
    with pytest.raises(InputError, match="max_delay_d"):
        Scenario(max_delay_d=1e308)
    with pytest.raises(InputError, match="second_sources"):
        Scenario(second_sources="maybe")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="surge"):
        Scenario(surge=Distribution("gamma", 1e6, 1.0))
    with pytest.raises(InputError, match="batch_failure_probability"):
        Scenario(batch_failure_probability=1.5)
