"""The stress-test workflow as a library function: what ``radiochain simulate`` and the service
call. It validates its own options, adds nothing to the ensemble's numbers, and writes itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from radiochain.errors import InputError
from radiochain.network.core import Network
from radiochain.planning import PlanResult
from radiochain.simulation import (
    NMinus1,
    PlanTemplate,
    StressTestOptions,
    network_scenario,
    parse_target,
    read_scenario,
    run_ensemble,
    stress_test,
)

SCENARIOS = Path(__file__).parents[2] / "src" / "radiochain" / "data" / "scenarios"


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"weeks": 0}, "--weeks"),
        ({"weeks": 521}, "--weeks"),
        ({"runs": 100_001}, "--runs"),
        ({"runs": 2.5}, "--runs"),
        ({"workers": 0}, "--workers"),
        ({"seed": -1}, "--seed"),
        ({"policy": "magic"}, "--policy"),
        ({"scheduler": "garbage"}, "tcp://"),
        ({"scheduler": "tcp://host:8786", "policy": "rolling"}, "rolling"),
        ({"scheduler": "tcp://localhost"}, "no port"),
        ({"scheduler": "tcp://127.0.0.1:99999"}, "port 99999 is not 1 to 65535"),
        ({"scheduler": "tcp://127.0.0.1:0"}, "port 0"),
        ({"scheduler": "tls://127.0.0.1:9"}, "tls:// needs TLS certificates"),
        ({"scheduler": "ucx://127.0.0.1:9"}, "ucx://"),
        ({"scheduler": "inproc://x"}, "inproc://"),
        ({"scheduler": "http://127.0.0.1:8787"}, "web address"),
        ({"scheduler": "tcp://127.0.0.1:8786", "workers": 2}, "--workers and --scheduler"),
        ({"workers": 2, "policy": "rolling"}, "--workers: the rolling policy"),
        (
            {"policy": "rolling", "n_minus_1": NMinus1("largest-lane", 3.0)},
            "largest-lane: a lane loss is not supported by the rolling policy",
        ),
        ({"reserve_fraction": 11.0}, "--reserve"),
        ({"target": "P(missed > 1 %) < 5 %"}, "--target"),
        ({"reserve_fraction": float("nan")}, "--reserve"),
        ({"reserve_fraction": -0.1}, "--reserve"),
        ({"weeks": 1, "n_minus_1": NMinus1("largest-producer", 3.0, 7.0)}, "--outage-start"),
    ],
)
def test_options_refuse_what_means_nothing(options: dict[str, Any], words: str) -> None:
    with pytest.raises(InputError, match=words.replace("+", r"\+")):
        StressTestOptions(**options)


@pytest.mark.parametrize("days", [float("nan"), float("inf"), -1.0])
def test_n_minus_1_needs_a_real_duration(days: float) -> None:
    with pytest.raises(InputError, match="--outage-duration"):
        NMinus1("largest-producer", days)


def test_same_numbers_as_the_ensemble_it_runs(
    tiny: Network, tiny_plan: tuple[PlanTemplate, PlanResult]
) -> None:
    """The workflow is plumbing: its runs are the ensemble's, bit for bit, for the same seed."""
    template, plan = tiny_plan
    scenario = read_scenario(SCENARIOS / "heavy-tail-outages.yaml")
    options = StressTestOptions(weeks=4, runs=6, seed=3)
    result = stress_test(tiny, scenario, options, template=template)
    direct = run_ensemble(template, scenario, weeks=4, runs=6, seed=3)
    pd.testing.assert_frame_equal(result.ensemble.runs, direct.runs)
    assert result.planned["treated_on_day"] == int(plan.kpis["treated_on_day"])


def test_writes_itself(tiny: Network, tmp_path: Path) -> None:
    options = StressTestOptions(weeks=2, runs=3, seed=1, events=True)
    result = stress_test(tiny, network_scenario(), options)
    files = result.write(tmp_path / "out", report=True)
    for kind in ("runs", "weekly", "events", "summary", "report"):
        assert Path(files[kind]).is_file(), kind
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["runs"] == 3
    assert summary["dataset"] == tiny.dataset.name
    assert summary["dataset_version"] == tiny.dataset.version
    assert pd.read_parquet(files["runs"]).shape[0] == 3


def test_reserve_sizing_meets_its_target(tiny: Network) -> None:
    """The sized reserve meets the target in the final ensemble (same seeds)."""
    target = parse_target("P(missed > 1 %) < 50 %")
    scenario = read_scenario(SCENARIOS / "heavy-tail-outages.yaml")
    result = stress_test(tiny, scenario, StressTestOptions(weeks=8, runs=20, target=target))
    assert result.sizing is not None
    if result.sizing.reserve_fraction is not None:
        assert result.scenario.reserve_fraction == result.sizing.reserve_fraction
        assert target.met(result.ensemble.runs)


def test_an_unwritable_folder_is_one_line(tiny: Network, tmp_path: Path) -> None:
    result = stress_test(tiny, None, StressTestOptions(weeks=1, runs=1))
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        result.write(tmp_path / "file")
