"""Physical invariants of the decay engine, as hypothesis property tests on both datasets."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from radiochain import Inventory, decay_batch, get_dataset
from tests.conftest import REQUIRED_NUCLIDES

DATASETS = ["radiochain", pytest.param("icrp107", marks=pytest.mark.slow)]
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

nuclides = st.sampled_from(REQUIRED_NUCLIDES)
fractions = st.floats(min_value=0.0, max_value=1e3)  # elapsed time in half-lives
amounts = st.floats(min_value=1e-3, max_value=1e15)


def _half_life(dataset: str, nuclide: str) -> float:
    data = get_dataset(dataset)
    return float(data.half_life_s[data.index[nuclide]])


@pytest.fixture(params=DATASETS)
def dataset(request: pytest.FixtureRequest) -> str:
    if request.param == "icrp107":
        pytest.importorskip("radioactivedecay")
    return str(request.param)


@SETTINGS
@given(nuclide=nuclides, x=fractions, amount=amounts)
def test_activity_never_negative(dataset: str, nuclide: str, x: float, amount: float) -> None:
    t = x * _half_life(dataset, nuclide)
    result = decay_batch([nuclide], [[amount]], [0.0, t, 2 * t], dataset=dataset)
    assert np.all(result.values >= 0.0)
    assert np.all(np.isfinite(result.values))


@SETTINGS
@given(nuclide=nuclides, a=fractions, b=fractions)
def test_decay_composes(dataset: str, nuclide: str, a: float, b: float) -> None:
    """decay(a).decay(b) == decay(a + b) for every member above 1e-12 of the initial activity."""
    hl = _half_life(dataset, nuclide)
    start = Inventory({nuclide: "1 GBq"}, dataset=dataset)
    two_steps = start.decay(a * hl).decay(b * hl).activities()
    one_step = start.decay((a + b) * hl).activities()
    for name, value in one_step.items():
        if value > 1e-3 or two_steps.get(name, 0.0) > 1e-3:  # 1e-12 of 1 GBq
            assert two_steps[name] == pytest.approx(value, rel=1e-9), name


@SETTINGS
@given(nuclide=nuclides, x=fractions)
def test_atoms_conserved(dataset: str, nuclide: str, x: float) -> None:
    """Decay moves atoms along the chain; where no branch leaves it (fission), the total
    number of atoms stays the same."""
    data = get_dataset(dataset)
    members = data.descendants(data.index[nuclide])
    if any(m.daughter is None for i in members for m in data.modes[i]):
        return  # a fission branch removes atoms from the chain
    if any(
        data.modes[i] and abs(sum(m.fraction for m in data.modes[i]) - 1.0) > 1e-12 for i in members
    ):
        return  # the dataset lists branchings that do not add up (ICRP-107: At-217 beta- missing)
    t = x * _half_life(dataset, nuclide)
    start = Inventory({nuclide: "1e20 atoms"}, dataset=dataset)
    total = sum(start.decay(t).atoms().values())
    assert total == pytest.approx(1e20, rel=1e-12)


@SETTINGS
@given(
    picks=st.lists(st.tuples(nuclides, amounts), min_size=1, max_size=6),
    x=st.lists(fractions, min_size=1, max_size=4),
)
def test_batch_equals_single(dataset: str, picks: list[tuple[str, float]], x: list[float]) -> None:
    names = sorted({n for n, _ in picks})
    amount = np.zeros((len(picks), len(names)))
    for k, (name, value) in enumerate(picks):
        amount[k, names.index(name)] = value
    times = np.array(x) * 86400.0 * 10
    batch = decay_batch(names, amount, times, dataset=dataset)
    per_row = decay_batch(names, amount, np.tile(times, (len(picks), 1)), dataset=dataset)
    for k, (name, value) in enumerate(picks):
        frame = Inventory({name: value}, dataset=dataset).activities(times)
        for member in frame.columns:
            j = batch.nuclides.index(member)
            expected = frame[member].to_numpy()
            assert np.allclose(batch.values[k, j], expected, rtol=1e-12, atol=1e-300)
            assert np.allclose(per_row.values[k, j], expected, rtol=1e-12, atol=1e-300)


@SETTINGS
@given(nuclide=nuclides, x=st.floats(min_value=1e-3, max_value=50.0))
def test_cumulative_decays_of_parent(dataset: str, nuclide: str, x: float) -> None:
    """For the parent itself: decays over [0, t] = N0 (1 - exp(-lambda t))."""
    hl = _half_life(dataset, nuclide)
    decays = Inventory({nuclide: "1e12 atoms"}, dataset=dataset).cumulative_decays(x * hl)
    assert decays[get_dataset(dataset).nuclides[get_dataset(dataset).lookup(nuclide)]] == (
        pytest.approx(1e12 * -np.expm1(-np.log(2) * x), rel=1e-12)
    )
