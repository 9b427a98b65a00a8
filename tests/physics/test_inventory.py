"""The Inventory API: units at the edges, immutability, conversions and analytic limits."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from radiochain import InputError, Inventory, Nuclide, UnitError, UnknownNuclideError
from radiochain.physics.nuclide import specific_activity
from radiochain.units import AVOGADRO


def test_units_at_the_edges() -> None:
    lu = Nuclide("Lu-177")
    inv = Inventory({"Lu-177": "2 mCi"})
    assert inv.activity("Lu-177") == pytest.approx(74e6, rel=1e-15)
    assert Inventory({"177Lu": 74}, unit="MBq") == inv
    mass = Inventory({"Lu-177": "1 ug"})
    assert mass.atoms()["Lu-177"] == pytest.approx(1e-6 * AVOGADRO / lu.atomic_mass, rel=1e-15)
    assert Inventory({"Lu-177": "1e15 atoms"}).activity("Lu-177") == pytest.approx(
        1e15 * lu.decay_constant, rel=1e-15
    )
    assert inv.activity("Lu-177", unit="GBq") == pytest.approx(0.074)
    assert inv.masses("ng")["Lu-177"] == pytest.approx(74e6 / lu.specific_activity * 1e9)


def test_decay_returns_a_new_inventory() -> None:
    inv = Inventory({"Lu-177": "7.4 GBq"})
    later = inv.decay("1 d")
    assert inv.activity("Lu-177") == pytest.approx(7.4e9)
    assert later is not inv
    assert later.activity("Lu-177") < inv.activity("Lu-177")


def test_one_half_life_halves_the_activity() -> None:
    lu = Nuclide("Lu-177")
    inv = Inventory({"Lu-177": "7.4 GBq"}).decay(lu.half_life)
    assert inv.activity("Lu-177") == pytest.approx(3.7e9, rel=1e-14)


def test_activities_over_time_is_a_table() -> None:
    frame = Inventory({"Ac-225": "1 GBq"}).activities(np.linspace(0, 864000, 11), unit="MBq")
    assert isinstance(frame, pd.DataFrame)
    assert frame.index.name == "time_s"
    assert "Bi-213" in frame.columns
    assert frame.attrs["dataset"].startswith("radiochain")
    assert frame["Ac-225"].iloc[0] == pytest.approx(1000.0)


def test_secular_equilibrium_limit() -> None:
    """Th-229 (7,900 y) -> Ra-225 (14.9 d): after many Ra-225 half-lives the daughter's
    activity equals lambda_d / (lambda_d - lambda_p) times the parent's (analytic limit)."""
    th, ra = Nuclide("Th-229"), Nuclide("Ra-225")
    inv = Inventory({"Th-229": "1 MBq"}).decay(1000 * 86400)  # 67 Ra-225 half-lives
    ratio = inv.activity("Ra-225") / inv.activity("Th-229")
    expected = ra.decay_constant / (ra.decay_constant - th.decay_constant)
    assert ratio == pytest.approx(expected, rel=1e-9)


def test_transient_equilibrium_mo99_tc99m() -> None:
    """Mo-99 -> Tc-99m: A_Tc/A_Mo -> b * lambda_Tc / (lambda_Tc - lambda_Mo) (Bateman)."""
    mo, tc = Nuclide("Mo-99"), Nuclide("Tc-99m")
    branch = next(m.fraction for m in mo.decay_modes if m.daughter == "Tc-99m")
    inv = Inventory({"Mo-99": "10 GBq"}).decay("10 d")
    expected = branch * tc.decay_constant / (tc.decay_constant - mo.decay_constant)
    assert inv.activity("Tc-99m") / inv.activity("Mo-99") == pytest.approx(expected, rel=1e-9)


def test_ingrowth_maximum_matches_the_closed_form() -> None:
    mo, tc = Nuclide("Mo-99"), Nuclide("Tc-99m")
    lp, ld = mo.decay_constant, tc.decay_constant
    expected = math.log(ld / lp) / (ld - lp)
    t_max, a_max = Inventory({"Mo-99": "1 GBq"}).ingrowth_maximum("Tc-99m")
    assert t_max == pytest.approx(expected, rel=1e-8)
    assert mo.ingrowth_maximum("Tc-99m") == pytest.approx(expected, rel=1e-14)
    assert a_max == pytest.approx(Inventory({"Mo-99": "1 GBq"}).decay(expected).activity("Tc-99m"))


def test_ingrowth_maximum_deeper_in_a_chain() -> None:
    """Bi-213 from Ac-225 peaks where its net production is zero (Brent on the derivative),
    and that is a maximum of the activity on a fine grid."""
    inv = Inventory({"Ac-225": "1 GBq"})
    t_max, a_max = inv.ingrowth_maximum("Bi-213")
    grid = np.linspace(0.5 * t_max, 1.5 * t_max, 2001)
    assert inv.activities(grid)["Bi-213"].max() <= a_max * (1 + 1e-12)


def test_cumulative_decays_single_nuclide() -> None:
    lu = Nuclide("Lu-177")
    decays = Inventory({"Lu-177": "1 GBq"}).cumulative_decays("1000 d")["Lu-177"]
    assert decays == pytest.approx(1e9 / lu.decay_constant, rel=1e-12)  # all of them


def test_decay_correction_both_ways() -> None:
    f18 = Nuclide("F-18")
    later = f18.decay_correct(1e9, f18.half_life)
    assert later == pytest.approx(5e8, rel=1e-15)
    assert f18.decay_correct(later, -f18.half_life) == pytest.approx(1e9, rel=1e-15)
    assert f18.time_to_activity(1e9, 2.5e8) == pytest.approx(2 * f18.half_life, rel=1e-15)


def test_specific_activity_carrier_free_and_with_carrier() -> None:
    lu = Nuclide("Lu-177")
    expected = math.log(2) / lu.half_life * AVOGADRO / lu.atomic_mass
    assert lu.specific_activity == pytest.approx(expected, rel=1e-15)
    with_carrier = specific_activity("Lu-177", activity=1e12, carrier_mass=1e-3)
    assert with_carrier == pytest.approx(1e12 / (1e12 / expected + 1e-3), rel=1e-15)
    assert with_carrier < lu.specific_activity


def test_bad_input_raises_radiochain_errors() -> None:
    with pytest.raises(UnknownNuclideError, match="closest"):
        Inventory({"Lu-179": "1 GBq"})
    with pytest.raises(UnitError, match="negative"):
        Inventory({"Lu-177": "-1 GBq"})
    with pytest.raises(UnitError, match="not a number"):
        Inventory({"Lu-177": float("nan")})
    with pytest.raises(UnitError, match="unknown unit"):
        Inventory({"Lu-177": "1 GBqq"})
    with pytest.raises(InputError, match=">= 0"):
        Inventory({"Lu-177": "1 GBq"}).decay(-5.0)
    with pytest.raises(InputError, match="stable"):
        Inventory({"Hf-177": "1 GBq"})
