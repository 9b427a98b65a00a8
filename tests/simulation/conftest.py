"""Shared fixtures: weekly plans of the bundled examples (planned once per session)."""

from __future__ import annotations

import pytest

from radiochain.network.core import Network
from radiochain.network.examples import load_example
from radiochain.planning import PlanResult
from radiochain.simulation import PlanTemplate, plan_template


@pytest.fixture(scope="session")
def tiny() -> Network:
    return load_example("tiny")


@pytest.fixture(scope="session")
def tiny_plan(tiny: Network) -> tuple[PlanTemplate, PlanResult]:
    return plan_template(tiny)


@pytest.fixture(scope="session")
def china() -> Network:
    return load_example("china-2025")


@pytest.fixture(scope="session")
def china_plan(china: Network) -> tuple[PlanTemplate, PlanResult]:
    return plan_template(china)
