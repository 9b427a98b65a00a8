"""The registry of production routes: every named recipe, by name.

=====================  ======================================================================
route                  what it models
=====================  ======================================================================
``lu177-direct``       enriched Lu-176 target: carrier-added Lu-177 with Lu-177m, burn-up
``lu177-indirect``     enriched Yb-176 target -> Yb-177 -> n.c.a. Lu-177 after Lu/Yb separation
``lu177-online``       Qinshan-like on-line irradiation: a weekly stream of Lu-176 targets
``ac225-th229-cow``    Th-229 "cow" milked for Ac-225 every N days
``ac225-spallation``   Th-232 spallation with high-energy protons (parametric, Ac-227)
``ac225-ra226-p2n``    Ra-226(p,2n)Ac-225 on a cyclotron (parametric, Ac-226)
``ga68-generator``     Ge-68/Ga-68 generator elutions
``tc99m-generator``    Mo-99/Tc-99m generator elutions
``re188-generator``    W-188/Re-188 generator elutions
``bi213-generator``    Ac-225/Bi-213 generator elutions
=====================  ======================================================================

Routes live in :mod:`routes_lu177`, :mod:`online`, :mod:`routes_ac225` and :mod:`generators`;
this module only collects them (and re-exports the Lu-177 names it used to define).
"""

from __future__ import annotations

import difflib

from radiochain.errors import InputError, elide
from radiochain.physics.production.base import (
    ElementSnapshot,
    ProductionRoute,
    RouteReport,
    carrier_free_specific_activity,
)
from radiochain.physics.production.generators import GENERATOR_ROUTES
from radiochain.physics.production.online import Lu177Online
from radiochain.physics.production.parameters import ParameterSpec
from radiochain.physics.production.routes_ac225 import (
    Ac225RaP2n,
    Ac225Spallation,
    Th229Cow,
)
from radiochain.physics.production.routes_lu177 import (
    Lu177Direct,
    Lu177DirectResult,
    Lu177Indirect,
    Lu177IndirectResult,
)

__all__ = [
    "ROUTES",
    "ElementSnapshot",
    "Lu177Direct",
    "Lu177DirectResult",
    "Lu177Indirect",
    "Lu177IndirectResult",
    "ProductionRoute",
    "RouteReport",
    "carrier_free_specific_activity",
    "get_route",
    "parameter_specs",
]

ROUTES: dict[str, ProductionRoute] = {
    route.name: route
    for route in (
        Lu177Direct(),
        Lu177Indirect(),
        Lu177Online(),
        Th229Cow(),
        Ac225Spallation(),
        Ac225RaP2n(),
        *GENERATOR_ROUTES,
    )
}
"""Every route by name."""


def get_route(name: str) -> ProductionRoute:
    """The route called ``name`` (case and surrounding spaces ignored).

    Raises
    ------
    InputError
        Unknown name: the message suggests the closest route names and how to list them all.
    """
    key = str(name).strip().lower()
    route = ROUTES.get(key)
    if route is not None:
        return route
    close = difflib.get_close_matches(key[:100], list(ROUTES), n=3, cutoff=0.5)
    hint = (
        f"did you mean {' or '.join(repr(c) for c in close)}?"
        if close
        else f"known: {', '.join(ROUTES)};"
    )
    raise InputError(
        f"unknown production route {elide(name, 40)!r} ({hint} see 'radiochain produce --list')"
    )


def parameter_specs() -> dict[str, tuple[ParameterSpec, tuple[str, ...]]]:
    """Every route parameter by name: its spec and the routes that take it (in route order).

    A name has one spec everywhere (the same concept, unit and range in every route).
    """
    out: dict[str, tuple[ParameterSpec, tuple[str, ...]]] = {}
    for route in ROUTES.values():
        for name, spec in route.parameter_type.specs().items():
            if name in out and out[name][0] != spec:
                raise AssertionError(f"parameter {name!r} has two meanings")  # a bug
            known = out.get(name, (spec, ()))[1]
            out[name] = (spec, (*known, route.name))
    return out
