"""Scenario files: the bundled examples parse; bad keys and values are one-line InputErrors."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from radiochain.errors import InputError
from radiochain.simulation import parse_scenario, read_scenario

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
