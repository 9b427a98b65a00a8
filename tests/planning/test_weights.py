"""Objective weights: every plan the MILP returns, for any admissible weights, passes the
independent checker; weights without meaning are refused."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from radiochain.errors import InputError
from radiochain.network import Network
from radiochain.network.examples import load_example
from radiochain.planning import PlanWeights, build_instance, check_plan
from radiochain.planning.greedy import greedy_choice
from radiochain.planning.instance import Instance
from radiochain.planning.milp import MAX_WEIGHT, plan_milp


@cache
def _tiny() -> tuple[Network, Instance]:
    network = load_example("tiny")
    return network, build_instance(network)


# a weight: exactly 0 often (the case that broke), else any size from tiny to the largest
weight = st.one_of(
    st.just(0.0),
    st.floats(min_value=1e-6, max_value=MAX_WEIGHT),
    st.sampled_from([1e-3, 1.0, 1e2, 1e6, 1e8]),
)
positive = st.one_of(
    st.floats(min_value=1e-6, max_value=MAX_WEIGHT), st.sampled_from([1e-3, 1.0, 1e8])
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unserved=positive, moved=weight, waste=weight, cost=weight, warm=st.booleans())
def test_every_milp_plan_passes_the_checker_whatever_the_weights(
    unserved: float, moved: float, waste: float, cost: float, warm: bool
) -> None:
    network, instance = _tiny()
    weights = PlanWeights(unserved=unserved, moved=moved, waste_per_gbq=waste, cost=cost)
    start = greedy_choice(instance) if warm else None
    result = plan_milp(instance, weights=weights, time_limit_s=60, start=start)
    check = check_plan(network, result)
    assert check.ok, check.violations[:3]
    # what is ordered is what the batches made need, never nuclide for no batch
    batches = set(result.batches["batch"])
    assert set(result.inputs["batch"]) <= batches


def test_free_nuclide_is_not_ordered_for_batches_not_made() -> None:
    """The newcomer's case: with waste and cost weights 0, nuclide was drawn for a batch the
    plan does not make and shipped in bulk to nobody (80 GBq carried, 62.2 GBq drawn)."""
    network, instance = _tiny()
    result = plan_milp(instance, weights=PlanWeights(waste_per_gbq=0, cost=0))
    assert check_plan(network, result).ok
    assert result.kpis["unserved"] == 0  # unserved still costs: everybody is treated
    # each batch's inputs give exactly what it needs at synthesis (decay and yield): the
    # nuclide ordered is at most the greedy plan's when the plan makes the same activity
    per_batch = result.inputs.groupby("batch")["activity_bq"].sum()
    assert (per_batch > 0).all()
    assert np.isclose(per_batch.sum(), result.kpis["activity_ordered_bq"])


@pytest.mark.parametrize(
    "weights",
    [
        {"unserved": 0.0},
        {"unserved": 0.0, "moved": 0.0, "waste_per_gbq": 0.0, "cost": 0.0},
    ],
)
def test_a_zero_weight_for_untreated_patients_is_refused(weights: dict[str, float]) -> None:
    with pytest.raises(InputError, match=r"unserved = 0: .*treat nobody"):
        PlanWeights(**weights)


def test_weights_beyond_the_largest_are_refused() -> None:
    with pytest.raises(InputError, match="cost = 1e\\+13: give a number from 0 to 1e\\+12"):
        PlanWeights(cost=1e13)
