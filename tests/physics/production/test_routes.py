"""Production routes against published figures (tests/data/SOURCES.md) and bad input.

Only figures read from a retrieved publication are used; each test states its tolerance and
why (the uncertainty of the inputs).
"""

from __future__ import annotations

import numpy as np
import pytest

from radiochain.errors import InputError
from radiochain.physics.production.routes import (
    ROUTES,
    carrier_free_specific_activity,
    get_route,
)

DAY = 86400.0
LU2O3_LU_FRACTION = 2 * 174.9668 / (2 * 174.9668 + 3 * 15.999)  # standard atomic weights


def test_carrier_free_specific_activity_lu177() -> None:
    """[P1] theoretical maximum 4.1 TBq Lu-177 per mg Lu (2 significant digits)."""
    sa = carrier_free_specific_activity("Lu-177")
    assert sa / 1e15 == pytest.approx(4.1, abs=0.05)


def test_indirect_route_approaches_carrier_free_limit() -> None:
    """Pure Yb-176, short irradiation: no carrier, so SA -> lambda N_A / M exactly."""
    route = get_route("lu177-indirect")
    result = route.run(
        target_mass="1 g",
        composition={"Yb-176": 1.0},
        thermal_flux=1e13,
        irradiation="1 h",
        separation_delay="2 d",
    )
    assert result.specific_activity == pytest.approx(
        carrier_free_specific_activity("Lu-177"), rel=1e-6
    )


def test_lu177m_maximum_tu_delft() -> None:
    """[P2] 1 g Lu2O3, 84.44 % Lu-176, 2.5e15 n/cm2/s, 4 d: 0.11 TBq Lu-177m.

    The dominant input uncertainty is sigma(Lu-176 -> Lu-177m) = 2.0 +- 0.7 b (35 %),
    to which the Lu-177m activity is proportional: accept 0.11 TBq within 35 %.
    """
    result = get_route("lu177-direct").run(
        target_mass=LU2O3_LU_FRACTION,
        enrichment=0.8444,
        thermal_flux=2.5e15,
        irradiation="4 d",
        product="Lu-177m",
    )
    activity = float(result.history.activity_of("Lu-177m")[-1])
    assert activity == pytest.approx(0.11e12, rel=0.35)


@pytest.mark.parametrize(("flux", "published_days"), [(2e14, 42.0), (8e14, 12.0), (2.5e15, 4.0)])
def test_lu177m_time_of_maximum_tu_delft(flux: float, published_days: float) -> None:
    """[P2] time to maximum Lu-177m: 42, 12, 4 d at 2e14, 8e14, 2.5e15 n/cm2/s.

    Our model gives 0.79-0.80 of each published time (it applies g_w = 1.71 to Lu-176
    capture; the publication's effective Lu-176 burn-up cross section is not stated in the
    abstract). Accepted within 25 %; the flux scaling itself must match within 5 %.
    """
    days = 4.0 * published_days
    result = get_route("lu177-direct").run(
        target_mass=LU2O3_LU_FRACTION,
        enrichment=0.8444,
        thermal_flux=flux,
        irradiation=f"{days} d",
        product="Lu-177m",
        samples_per_day=40 / published_days * 10,
    )
    activity = result.history.activity_of("Lu-177m")
    t_max = result.history.times[int(np.argmax(activity))] / DAY
    assert t_max == pytest.approx(published_days, rel=0.25)
    assert t_max / published_days == pytest.approx(0.79, abs=0.04)


def test_lu177m_maximum_independent_of_flux_tu_delft() -> None:
    """[P2] 'keeping the maximum 177mLu activity unaffected' across the three fluxes."""
    maxima = []
    for flux, days in [(2e14, 120.0), (8e14, 40.0), (2.5e15, 12.0)]:
        result = get_route("lu177-direct").run(
            target_mass=LU2O3_LU_FRACTION,
            enrichment=0.8444,
            thermal_flux=flux,
            irradiation=f"{days} d",
            product="Lu-177m",
            samples_per_day=5,
        )
        maxima.append(result.history.activity_of("Lu-177m").max())
    assert max(maxima) / min(maxima) < 1.15


@pytest.mark.parametrize("flux", [1e14, 5e14, 1e15])
def test_lu177m_ratio_at_eob_in_published_range(flux: float) -> None:
    """[P3] measured Lu-177m/Lu-177 = 0.009 +- 0.001 % against a spec <= 0.02 % at EOB.

    The batch's irradiation conditions are not published. The model (sigma -> 177m = 2.0 b,
    RIPL-3) gives 0.0057-0.0063 % for 6 d at 1e14-1e15; the measurement corresponds to about
    3 b, inside the EXFOR spread of 1-7 b but 1.4 sigma above RIPL-3. Accepted: below the
    specification and within a factor 2 of the measurement.
    """
    result = get_route("lu177-direct").run(
        target_mass="1 mg", enrichment=0.82, thermal_flux=flux, irradiation="6 d"
    )
    ratio = result.lu177m_ratio_eob
    assert ratio < 0.0002
    assert 0.5 < ratio / 0.00009 < 2.0


def test_lu177m_ratio_doubles_weekly_after_eob() -> None:
    """Lu-177m/Lu-177 grows as exp((lambda_177 - lambda_177m) t): x2 in ~7.0 d (physics_facts)."""
    result = get_route("lu177-direct").run(
        target_mass="1 mg", enrichment=0.82, thermal_flux=1e14, irradiation="7 d"
    )
    later = result.after_eob(np.array([0.0, 7 * DAY]))
    ratio = later.impurity_ratio["Lu-177m"]
    assert ratio[1] / ratio[0] == pytest.approx(2.0, rel=0.02)


def test_direct_route_high_flux_specific_activity_order() -> None:
    """High flux direct route gives carrier-added SA well below the carrier-free 4.1 TBq/mg."""
    result = get_route("lu177-direct").run(
        target_mass="1 mg", enrichment=0.82, thermal_flux=5e14, irradiation="7 d"
    )
    assert 0.5e15 < result.specific_activity_eob < carrier_free_specific_activity("Lu-177")


def test_indirect_route_yb175_carrier_and_separation() -> None:
    """Yb-174 in the target makes Yb-175 -> Lu-175 carrier; carry-over brings Yb-175 along."""
    result = get_route("lu177-indirect").run(
        target_mass="1 g",
        enrichment=0.97,
        thermal_flux=1e14,
        irradiation="7 d",
        separation_delay="1 d",
        lu_yield=0.9,
        yb_carryover=1e-4,
    )
    assert result.specific_activity < carrier_free_specific_activity("Lu-177")
    assert result.product_atoms["Lu-175"] > 0
    assert result.product.impurity_ratio["Yb-175"][0] > 0
    assert result.ytterbium_mass_in_product == pytest.approx(1e-4, rel=0.01)
    lu177 = result.history.column("Lu-177")
    before = result.history.atoms[-2, lu177]
    assert result.product_atoms["Lu-177"] == pytest.approx(0.9 * before, rel=1e-12)


# -- bad input --------------------------------------------------------------------------------

DIRECT = {"target_mass": "1 mg", "enrichment": 0.8, "thermal_flux": 1e14, "irradiation": "7 d"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"enrichment": 1.2}, "enrichment"),
        ({"enrichment": -0.1}, "enrichment"),
        ({"thermal_flux": -1e14}, "thermal flux"),
        ({"epithermal_flux": float("nan")}, "epithermal flux"),
        ({"target_mass": "-1 mg"}, "negative"),
        ({"product": "Ac-225"}, "cannot make Ac-225"),
    ],
)
def test_direct_route_bad_input(change: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        get_route("lu177-direct").run(**{**DIRECT, **change})


def test_overlapping_schedule_is_rejected() -> None:
    from radiochain.physics.production import Irradiation, NeutronField

    field = NeutronField(1e14)
    schedule = [Irradiation(0, 5 * DAY, field), Irradiation(4 * DAY, 8 * DAY, field)]
    with pytest.raises(InputError, match="overlaps"):
        get_route("lu177-direct").run(target_mass="1 mg", enrichment=0.8, irradiation=schedule)


def test_unknown_route_suggests_the_closest_or_lists_known() -> None:
    with pytest.raises(InputError, match="did you mean 'ac225-th229-cow'"):
        get_route("ac225-cow")
    with pytest.raises(InputError, match="known: lu177-direct"):
        get_route("zzzz")
    assert {"lu177-direct", "lu177-indirect", "lu177-online", "ac225-th229-cow"} <= set(ROUTES)
