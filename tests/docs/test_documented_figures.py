"""Figures quoted in the docs are the figures the code produces.

The expected numbers are read from the pages themselves (never typed into this test), so a
change that moves a documented figure fails here until the page says the new figure.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from radiochain.network.examples import load_example
from radiochain.simulation import (
    PlanTemplate,
    StressTestOptions,
    parse_target,
    read_scenario,
    stress_test,
)
from radiochain.simulation.template import plan_template

ROOT = Path(__file__).parents[2]
SIMULATION = (ROOT / "docs" / "simulation.md").read_text(encoding="utf-8")
QINSHAN = ROOT / "src" / "radiochain" / "data" / "scenarios" / "qinshan-3-weeks.yaml"


def _count(text: str) -> int:
    return int(re.match(r"\*{0,2}([\d,]+)", text.strip())[1].replace(",", ""))  # type: ignore[index]


def qinshan_table() -> dict[str, list[int]]:
    """Rows of the worked example's table: label -> treated on the day, delayed, missed."""
    start = SIMULATION.index("| 6 weeks,")
    rows = {}
    for line in SIMULATION[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = [_count(c) for c in cells[1:4]]
    return rows


@pytest.fixture(scope="module")
def china_week() -> tuple[Any, PlanTemplate]:
    network = load_example("china-2025")
    template, _ = plan_template(network)
    return network, template


def _run(china_week: tuple[Any, PlanTemplate], label: str) -> dict[str, float]:
    network, template = china_week
    scenario = read_scenario(QINSHAN)
    options: dict[str, Any] = {}
    if label.startswith("no outage"):
        scenario = replace(scenario, n_minus_1=None)
    elif "50 %" in label:
        options["reserve_fraction"] = 0.5
    elif "100 %" in label:
        options["reserve_fraction"] = 1.0
    elif "rolling" in label:
        options["policy"] = "rolling"
    result = stress_test(
        network, scenario, StressTestOptions(weeks=6, runs=1, **options), template=template
    )
    return {k: float(v) for k, v in result.ensemble.runs.iloc[0].items()}


@pytest.mark.parametrize("label", list(qinshan_table()))
def test_qinshan_worked_example(label: str, china_week: tuple[Any, PlanTemplate]) -> None:
    """docs/simulation.md, 'Worked example: Qinshan off line for three weeks'."""
    treated, delayed, missed = qinshan_table()[label]
    got = _run(china_week, label)
    assert (got["treated_on_day"], got["delayed"], got["missed_disrupted"]) == (
        treated,
        delayed,
        missed,
    )


def test_qinshan_totals(china_week: tuple[Any, PlanTemplate]) -> None:
    """The table's heading (appointments) and the plan's own unserved appointments."""
    appointments = _count(re.search(r"\| 6 weeks, ([\d,]+) appointments", SIMULATION)[1])  # type: ignore[index]
    unserved = _count(re.search(r"\((\d+) appointments, \d+ a week, are unserved", SIMULATION)[1])  # type: ignore[index]
    got = _run(china_week, "no outage")
    assert got["appointments"] == appointments
    assert got["unserved_by_plan"] == unserved


def test_qinshan_rolling_saving_is_the_tables_difference() -> None:
    """'Re-planning alone ... saves N of the M': M and N follow from the table."""
    rows = qinshan_table()
    dispatch = next(v for k, v in rows.items() if "dispatch rule" in k)[2]
    rolling = next(v for k, v in rows.items() if "rolling" in k)[2]
    match = re.search(r"saves (\d+) of the (\d+)", SIMULATION)
    assert match is not None
    assert (int(match[1]), int(match[2])) == (dispatch - rolling, dispatch)


def _percent(pattern: str) -> float:
    match = re.search(pattern, SIMULATION, re.S)
    assert match is not None, pattern
    return float(match[1]) / 100


def test_qinshan_reserve_sizing(china_week: tuple[Any, PlanTemplate]) -> None:
    """'--size-reserve --target "P(missed > 0.5 %) < 50 %" finds ... (100 %)'."""
    network, template = china_week
    target = parse_target(re.search(r'--target "(P\(missed > 0\.5 %\) < 50 %)"', SIMULATION)[1])  # type: ignore[index]
    options = StressTestOptions(weeks=6, runs=1, target=target)
    result = stress_test(network, read_scenario(QINSHAN), options, template=template)
    assert result.sizing is not None
    assert result.sizing.reserve_fraction is not None
    assert round(result.sizing.reserve_fraction, 2) == _percent(r"need\*\* \((\d+) %\)")


def test_everyday_disruptions_reserve(china_week: tuple[Any, PlanTemplate]) -> None:
    """'For everyday disruptions (china-2025-baseline.yaml, 500 runs x 52 weeks, seed 0), the
    smallest reserve ... is 72 % ... (risk 4.2 %; 41 % of runs exceed 1 % without a reserve,
    25 % with 50 %)'."""
    network, template = china_week
    scenario = read_scenario(QINSHAN.parent / "china-2025-baseline.yaml")
    target = parse_target("P(missed > 1 %) < 5 %")
    options = StressTestOptions(weeks=52, runs=500, seed=0, target=target)
    sizing = stress_test(network, scenario, options, template=template).sizing
    assert sizing is not None
    assert sizing.reserve_fraction is not None
    assert sizing.risk is not None
    risk = {e["reserve_fraction"]: e["risk"] for e in sizing.evaluations}
    assert round(sizing.reserve_fraction, 2) == _percent(r"is \*\*(\d+) %\*\* of\s+the weekly")
    assert round(sizing.risk, 3) == _percent(r"\(risk ([\d.]+) %;")
    assert round(risk[0.0], 2) == _percent(r"; (\d+) % of runs exceed 1 % without")
    assert round(risk[0.5], 2) == _percent(r"without a reserve, (\d+) % with 50 %")
