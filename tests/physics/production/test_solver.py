"""The production solver against closed forms, an independent ODE integration and invariants."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from radiochain.errors import InputError
from radiochain.physics.datasets import get_dataset
from radiochain.physics.inventory import decay_batch
from radiochain.physics.production import (
    Channel,
    Irradiation,
    NeutronField,
    Separation,
    Step,
    capture_channels,
    schedule_history,
    solve_history,
    target_atoms,
)

DAY = 86400.0
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _lam(name: str) -> float:
    data = get_dataset("radiochain")
    return float(data.decay_constant[data.index[name]])


def test_no_burnup_saturation_formula_exact() -> None:
    """N(t) = R N_T (1 - exp(-lambda t)) / lambda when the target is not depleted."""
    rate, n_target, t = 3.5e-7, 2.8e18, 7 * DAY
    channel = Channel("Lu-176", "Lu-177", rate, consumes=False)
    result = solve_history([Step(t, (channel,), samples=7)], {"Lu-176": n_target})
    lam = _lam("Lu-177")
    expected = rate * n_target * -np.expm1(-lam * result.times) / lam
    np.testing.assert_allclose(result.atoms_of("Lu-177"), expected, rtol=1e-12, atol=0)
    # the target itself only decays (Lu-176, 3.7e10 y)
    target = n_target * np.exp(-_lam("Lu-176") * result.times)
    np.testing.assert_allclose(result.atoms_of("Lu-176"), target, rtol=1e-14)


def test_saturation_activity_limit() -> None:
    """At t >> half-life the activity reaches its saturation value R N_T."""
    rate, n_target = 1e-9, 1e20
    result = solve_history(
        [Step(200 * DAY, (Channel("Lu-176", "Lu-177", rate, consumes=False),))],
        {"Lu-176": n_target},
    )
    assert result.activity_of("Lu-177")[-1] == pytest.approx(rate * n_target, rel=1e-9)


def test_two_member_burnup_closed_form() -> None:
    """Target burn-up a and product loss b: N2 = N0 a (e^-at - e^-bt) / (b - a)."""
    a, burn, n0, t = 1.7e-6, 4.2e-7, 2.8e18, 7 * DAY
    steps = [Step(t, (Channel("Lu-176", "Lu-177", a), Channel("Lu-177", None, burn)), samples=5)]
    result = solve_history(steps, {"Lu-176": n0})
    b = _lam("Lu-177") + burn
    times = result.times
    expected = n0 * a * (np.exp(-a * times) - np.exp(-b * times)) / (b - a)
    np.testing.assert_allclose(result.atoms_of("Lu-177"), expected, rtol=1e-10)
    loss = a + _lam("Lu-176")
    np.testing.assert_allclose(result.atoms_of("Lu-176"), n0 * np.exp(-loss * times), rtol=1e-12)


def test_constant_feed_is_exact() -> None:
    """A constant source s of a decaying nuclide: N = s (1 - e^-lt) / l."""
    s, t = 1e10, 20 * DAY
    result = solve_history([Step(t, feed={"Lu-177": s}, samples=4)], {})
    lam = _lam("Lu-177")
    np.testing.assert_allclose(
        result.atoms_of("Lu-177"), s * -np.expm1(-lam * result.times) / lam, rtol=1e-12
    )


def _lu_rhs(rates: dict[str, float]) -> tuple[list[str], object]:
    """dN/dt of the Lu direct-route system, written out by hand from the dataset."""
    data = get_dataset("radiochain")
    lam = {n: float(data.decay_constant[data.index[n]]) for n in ("Lu-176", "Lu-177", "Lu-177m")}
    lam["Lu-178"] = float(data.decay_constant[data.index["Lu-178"]])
    it = dict(data.children[data.index["Lu-177m"]])[data.index["Lu-177"]]
    names = ["Lu-175", "Lu-176", "Lu-177", "Lu-177m", "Lu-178"]

    def rhs(_t: float, n: np.ndarray) -> np.ndarray:
        n175, n176, n177, n177m, n178 = n
        c175 = rates["175g"] + rates["175m"]
        c176 = rates["176g"] + rates["176m"]
        return np.array(
            [
                -c175 * n175,
                rates["175g"] * n175 - (c176 + lam["Lu-176"]) * n176,
                rates["176g"] * n176
                + it * lam["Lu-177m"] * n177m
                - (lam["Lu-177"] + rates["177"]) * n177,
                rates["176m"] * n176 - (lam["Lu-177m"] + rates["177m"]) * n177m,
                rates["177"] * n177 + rates["177m"] * n177m - lam["Lu-178"] * n178,
            ]
        )

    return names, rhs


@pytest.mark.parametrize(("flux", "epi"), [(1e14, 0.0), (1e15, 3e13)])
def test_lu_direct_system_against_radau(flux: float, epi: float) -> None:
    """Irradiation, shutdown, irradiation, cooling vs an implicit ODE integration (rtol 1e-10)."""
    data = get_dataset("radiochain")
    field = NeutronField(flux, epi)
    atoms = target_atoms(1e-3, "Lu", isotope="Lu-176", enrichment=0.8, dataset=data)
    periods = [Irradiation(0, 5 * DAY, field), Irradiation(6 * DAY, 9 * DAY, field)]
    steps = schedule_history(periods, atoms, dataset=data, end=12 * DAY)
    result = solve_history(steps, atoms, dataset=data)

    channels = {c.label: c.rate for c in capture_channels(atoms, field, dataset=data)}
    rates = {
        "175g": channels["Lu-175(n,g)Lu-176"],
        "175m": channels["Lu-175(n,g)Hf-176"],
        "176g": channels["Lu-176(n,g)Lu-177"],
        "176m": channels["Lu-176(n,g)Lu-177m"],
        "177": channels["Lu-177(n,g)Lu-178"],
        "177m": channels["Lu-177m(n,g)Lu-178"],
    }
    off = dict.fromkeys(rates, 0.0)
    names, on_rhs = _lu_rhs(rates)
    _, off_rhs = _lu_rhs(off)
    n = np.array([atoms.get(name, 0.0) for name in names])
    for (start, end), rhs in zip(
        [(0, 5), (5, 6), (6, 9), (9, 12)], [on_rhs, off_rhs, on_rhs, off_rhs], strict=True
    ):
        sol = solve_ivp(rhs, (start * DAY, end * DAY), n, method="Radau", rtol=1e-11, atol=1.0)
        n = sol.y[:, -1]
    for name, value in zip(names, n, strict=True):
        assert result.atoms_of(name)[-1] == pytest.approx(value, rel=1e-8), name


def test_separation_moves_element_fractions() -> None:
    atoms = {"Yb-176": 1e20, "Lu-177": 1e15}
    history = [Step(DAY), Separation({"Lu": 0.9, "Yb": 1e-3}, label="Lu"), Step(DAY)]
    result = solve_history(history, atoms)
    moved = result.withdrawals[0]
    lu = result.column("Lu-177")
    before = result.atoms[1, lu]
    assert moved.atoms[lu] == pytest.approx(0.9 * before, rel=1e-14)
    assert result.atoms[2, lu] == pytest.approx(0.1 * before, rel=1e-14)
    assert moved.atoms[result.column("Yb-176")] == pytest.approx(1e17, rel=1e-14)
    assert moved.time == DAY


def test_short_lived_collapse_against_decay_engine() -> None:
    """Ra-225 chain (At-217 32 ms, Po-213 4 µs collapsed) vs the Bateman kernel of the decay
    engine: long-lived members to 1e-11, members behind a collapsed nuclide to 1e-6. Without the
    collapse, expm on the stiff matrix is worse (~2e-6 even for Ra-225): see design record 0004.
    """
    result = solve_history([Step(10 * DAY, samples=4)], {"Ra-225": 1e14})
    batch = decay_batch(["Ra-225"], [1e14], result.times[1:], unit="atoms", quantity="atoms")
    for name, rtol in [("Ra-225", 1e-11), ("Ac-225", 1e-11), ("Fr-221", 1e-11)]:
        np.testing.assert_allclose(result.atoms_of(name)[1:], batch.column(name)[0], rtol=rtol)
    for name in ("At-217", "Bi-213", "Po-213", "Pb-209", "Bi-209"):
        np.testing.assert_allclose(
            result.atoms_of(name)[1:], batch.column(name)[0], rtol=1e-6, err_msg=name
        )


def test_collapse_with_feed_close_to_full_matrix() -> None:
    history = [Step(10 * DAY, feed={"Ra-225": 1e8}, samples=3), Step(5 * DAY)]
    collapsed = solve_history(history, {"Ra-225": 1e14})
    full = solve_history(history, {"Ra-225": 1e14}, collapse_below=0.0)
    for name in ("Ra-225", "Ac-225", "Fr-221", "At-217", "Bi-213", "Bi-209"):
        np.testing.assert_allclose(
            collapsed.activity_of(name)[1:], full.activity_of(name)[1:], rtol=1e-5, err_msg=name
        )


# -- properties -------------------------------------------------------------------------------

fluxes = st.floats(min_value=0.0, max_value=2e15)
days = st.floats(min_value=0.0, max_value=40.0)
enrichments = st.floats(min_value=0.0, max_value=1.0)


@SETTINGS
@given(flux=fluxes, epi=st.floats(0.0, 1e14), t=days, cool=days, enrichment=enrichments)
def test_activities_never_negative(
    flux: float, epi: float, t: float, cool: float, enrichment: float
) -> None:
    data = get_dataset("radiochain")
    atoms = target_atoms(1e-3, "Lu", isotope="Lu-176", enrichment=enrichment, dataset=data)
    steps = schedule_history(
        [Irradiation(0, t * DAY, NeutronField(flux, epi))],
        atoms,
        dataset=data,
        end=(t + cool) * DAY,
        samples_per_day=1,
    )
    result = solve_history(steps, atoms, dataset=data)
    assert np.all(result.activities >= 0)
    assert np.all(result.atoms >= 0)


@SETTINGS
@given(flux=fluxes, t=days, enrichment=enrichments)
def test_atoms_conserved_when_nothing_leaves(flux: float, t: float, enrichment: float) -> None:
    """Captures move atoms between nuclides of the set; decay keeps them; the sum is constant."""
    data = get_dataset("radiochain")
    atoms = target_atoms(1e-3, "Lu", isotope="Lu-176", enrichment=enrichment, dataset=data)
    steps = schedule_history(
        [Irradiation(0, t * DAY, NeutronField(flux))], atoms, dataset=data, end=(t + 3) * DAY
    )
    result = solve_history(steps, atoms, dataset=data)
    total = sum(atoms.values())
    np.testing.assert_allclose(result.atoms.sum(axis=1), total, rtol=1e-11)


@SETTINGS
@given(
    flux=fluxes,
    t=st.floats(min_value=0.1, max_value=30.0),
    cuts=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=5),
)
def test_split_history_gives_same_result(flux: float, t: float, cuts: list[float]) -> None:
    data = get_dataset("radiochain")
    atoms = target_atoms(1e-3, "Lu", isotope="Lu-176", enrichment=0.8, dataset=data)
    channels = capture_channels(atoms, NeutronField(flux), dataset=data)
    whole = solve_history([Step(t * DAY, channels)], atoms, dataset=data)
    bounds = sorted({0.0, *(c * t for c in cuts), t})
    pieces = [Step((b - a) * DAY, channels) for a, b in itertools.pairwise(bounds)]
    split = solve_history(pieces, atoms, dataset=data)
    np.testing.assert_allclose(split.atoms[-1], whole.atoms[-1], rtol=1e-9, atol=1e-3)


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "initial", "message"),
    [
        ([Step(-1.0)], {"Lu-176": 1.0}, "duration"),
        ([Step(1.0, (Channel("Lu-176", "Lu-177", -1.0),))], {"Lu-176": 1.0}, "rate"),
        ([Step(1.0)], {"Lu-176": -5.0}, "initial atoms"),
        ([Separation({"Lu": 1.5})], {"Lu-176": 1.0}, "fraction"),
        ([Step(1.0, feed={"Lu-177": math.nan})], {}, "feed"),
    ],
)
def test_bad_input(
    history: list[Step | Separation], initial: dict[str, float], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        solve_history(history, initial)
