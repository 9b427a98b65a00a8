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
