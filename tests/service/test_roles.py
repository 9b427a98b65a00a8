"""The role x endpoint matrix, generated from the app's routes: every route under /api/v1 x
the five roles x their own, a neighbour's and another network's objects. Every cross-tenant
read or write is refused (403/404, or left out of a listing) and every allowed one works
(2xx). A route without a row fails :func:`test_every_route_has_a_row`.

The rows are :data:`RULES` below and the ``RULES`` of any ``tests/service/roles_*.py``
module (see :mod:`tests.service.matrix` for how to add one).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.service import matrix
from tests.service.conftest import PASSWORD, headers_for
from tests.service.matrix import HIDDEN, OK, Call, Rule, Which, World
from tests.service.world import API, network_bytes, post_network

Users = Callable[..., str]
R = f"{API}/orders"


def _order_body(w: World, role: str, which: Which) -> dict[str, Any]:
    network, hospital = w.order_site(role, which)
    return {
        "network": network, "hospital": hospital, "product": "lu177-psma",
        "patient": w.unique("p"), "date": "2026-01-06",
    }  # fmt: skip


def _network_of(which: Which) -> str:
    return "other" if which == "other" else "tiny"


_OUTAGE_PRODUCER = {
    "own": "reactor-lu177",
    "neighbour": "cyclotron-lu177",
    "other": "reactor-lu177",
}


def _outage(w: World, role: str, which: Which) -> Call:
    day = 1 + w.number() % 27  # a new outage each call: a new version
    body = {
        "producer": _OUTAGE_PRODUCER[which], "start": f"2026-02-{day:02d}",
        "end": f"2026-02-{day:02d}", "note": f"matrix {role} {which}",
    }  # fmt: skip
    return Call("POST", f"{API}/networks/{_network_of(which)}/outages", json=body)


def _sign_in(w: World, role: str, which: Which) -> Call:
    form = {"username": role, "password": PASSWORD}
    return Call("POST", f"{API}/auth/token", data=form, auth="none")


def _import(w: World, role: str, which: Which) -> Call:
    json_type = {"Content-Type": "application/json"}
    return Call(
        "POST", f"{API}/networks", content=network_bytes(_network_of(which)), headers=json_type
    )


def _place(w: World, role: str, which: Which) -> Call:
    key = {"Idempotency-Key": w.unique("key")}
    return Call("POST", R, json=_order_body(w, role, which), headers=key)


def _list_orders(w: World, role: str, which: Which) -> Call:
    network, hospital = w.order_site(role, which)
    return Call("GET", R, params={"network": network, "hospital": hospital})


def _new_user(w: World, role: str, which: Which) -> Call:
    body = {"username": w.unique("user"), "password": PASSWORD, "role": "regulator"}
    return Call("POST", f"{API}/users", json=body)


#                         admin  regulator producer radiopharmacy hospital
RULES: dict[tuple[str, str], Rule] = {
    # --- sign-in, users, audit (no tenant objects) ---
    ("POST", f"{API}/auth/token"): Rule(
        call=_sign_in,
        own=(OK, OK, OK, OK, OK),
    ),
    ("POST", f"{API}/auth/logout"): Rule(
        call=lambda w, role, which: Call("POST", f"{API}/auth/logout", auth="fresh"),
        own=(OK, OK, OK, OK, OK),
    ),
    ("GET", f"{API}/me"): Rule(
        call=lambda w, role, which: Call("GET", f"{API}/me"),
        own=(OK, OK, OK, OK, OK),
    ),
    ("GET", f"{API}/users"): Rule(
        call=lambda w, role, which: Call("GET", f"{API}/users"),
        own=(OK, 403, 403, 403, 403),
    ),
    ("POST", f"{API}/users"): Rule(call=_new_user, own=(OK, 403, 403, 403, 403)),
    ("GET", f"{API}/audit"): Rule(
        call=lambda w, role, which: Call("GET", f"{API}/audit"),
        own=(OK, OK, 403, 403, 403),
    ),
    ("GET", f"{API}/audit/verify"): Rule(
        call=lambda w, role, which: Call("GET", f"{API}/audit/verify"),
        own=(OK, OK, 403, 403, 403),
    ),
    # --- networks: a network is its users' tenant ---
    ("POST", f"{API}/networks"): Rule(
        call=_import,
        own=(OK, 403, 403, 403, 403),
        other=(OK, 403, 403, 403, 403),
    ),
    ("GET", f"{API}/networks"): Rule(
        call=lambda w, role, which: Call(
            "GET", f"{API}/networks", params={"name": _network_of(which)}
        ),
        own=(OK, OK, OK, OK, OK),
        other=(OK, OK, HIDDEN, HIDDEN, HIDDEN),
        listing=True,
    ),
    ("GET", f"{API}/networks/{{name}}/versions/latest"): Rule(
        call=lambda w, role, which: Call(
            "GET", f"{API}/networks/{_network_of(which)}/versions/latest"
        ),
        own=(OK, OK, OK, OK, OK),
        other=(OK, OK, 404, 404, 404),
    ),
    ("GET", f"{API}/networks/{{name}}/versions/{{version}}"): Rule(
        call=lambda w, role, which: Call("GET", f"{API}/networks/{_network_of(which)}/versions/1"),
        own=(OK, OK, OK, OK, OK),
        other=(OK, OK, 404, 404, 404),
    ),
    ("POST", f"{API}/networks/{{name}}/outages"): Rule(
        call=_outage,
        own=(OK, 403, OK, 403, 403),
        neighbour=(OK, 403, 403, 403, 403),
        other=(OK, 403, 404, 403, 403),
        sites=True,
    ),
    # --- orders: an order is its hospital's (and its region's radiopharmacy's) ---
    ("POST", R): Rule(
        call=_place,
        own=(OK, 403, 403, 403, OK),
        neighbour=(OK, 403, 403, 403, 403),
        other=(OK, 403, 403, 403, 404),
        sites=True,
    ),
    ("GET", R): Rule(
        call=_list_orders,
        own=(OK, OK, 403, OK, OK),
        neighbour=(OK, OK, 403, HIDDEN, HIDDEN),
        other=(OK, OK, 403, HIDDEN, HIDDEN),
        sites=True,
        listing=True,
    ),
    ("GET", f"{R}/{{order_id}}"): Rule(
        call=lambda w, role, which: Call("GET", f"{R}/{w.order(role, which)}"),
        own=(OK, OK, 403, OK, OK),
        neighbour=(OK, OK, 403, 404, 404),
        other=(OK, OK, 403, 404, 404),
        sites=True,
    ),
    ("PATCH", f"{R}/{{order_id}}"): Rule(
        call=lambda w, role, which: Call(
            "PATCH", f"{R}/{w.order(role, which)}", json={"date": "2026-01-07"}
        ),
        own=(OK, 403, 403, 403, OK),
        neighbour=(OK, 403, 403, 403, 404),
        other=(OK, 403, 403, 403, 404),
        sites=True,
    ),
    ("POST", f"{R}/{{order_id}}/cancel"): Rule(
        call=lambda w, role, which: Call("POST", f"{R}/{w.order(role, which)}/cancel"),
        own=(OK, 403, 403, 403, OK),
        neighbour=(OK, 403, 403, 403, 404),
        other=(OK, 403, 403, 403, 404),
        sites=True,
    ),
}


def _extensions() -> tuple[dict[tuple[str, str], Rule], list[Callable[[World], None]]]:
    """The rows and setups of every ``tests/service/roles_*.py`` module."""
    rules: dict[tuple[str, str], Rule] = dict(RULES)
    setups: list[Callable[[World], None]] = []
    folder = Path(__file__).parent
    for info in sorted(pkgutil.iter_modules([str(folder)]), key=lambda m: m.name):
        if info.name.startswith("roles_"):
            module = importlib.import_module(f"tests.service.{info.name}")
            overlap = set(rules) & set(module.RULES)
            assert not overlap, f"{info.name} repeats rows: {sorted(overlap)}"
            rules.update(module.RULES)
            if hasattr(module, "setup"):
                setups.append(module.setup)
    return rules, setups


def _routes(app: Any) -> set[tuple[str, str]]:
    """(method, path template) of every route under /api/v1: from the app's routes (through
    included routers, which FastAPI >= 0.16x keeps unflattened) and from its OpenAPI schema."""
    try:
        from fastapi.routing import iter_route_contexts

        routes: list[Any] = list(iter_route_contexts(app.routes))
    except ImportError:  # an older FastAPI lists every route in app.routes
        routes = list(app.routes)
    found = {
        (method, route.path)
        for route in routes
        if (route.path or "").startswith(f"{API}/")
        for method in getattr(route, "methods", None) or ()
        if method != "HEAD"
    }
    paths = app.openapi()["paths"].items()
    documented = {
        (method.upper(), path)
        for path, item in paths
        if path.startswith(f"{API}/")
        for method in item
    }
    return found | documented


def test_every_route_has_a_row(app: Any) -> None:
    """A new route under /api/v1 without a row fails here (and a row without a route)."""
    rules, _ = _extensions()
    routes = _routes(app)
    missing = sorted(routes - set(rules))
    stale = sorted(set(rules) - routes)
    where = "tests/service/test_roles.py or a roles_*.py beside it"
    assert not missing, f"routes without a row in the role matrix ({where}): {missing}"
    assert not stale, f"rows of the role matrix without a route: {stale}"


def test_the_table_never_lets_a_scoped_role_reach_another_tenant() -> None:
    rules, _ = _extensions()
    assert matrix.table_problems(rules) == []


def test_role_matrix(app: Any, client: TestClient, make_user: Users) -> None:
    """Every route x role x (own, neighbour, other) gives the outcome of its row."""
    for role, (kind, network, site) in matrix.USERS.items():
        make_user(role, kind, network, site)
    admin = headers_for(client, "admin")
    for name in ("tiny", "other"):
        assert post_network(client, admin, network_bytes(name)).status_code == 201
    world = World(app, client)
    rules, setups = _extensions()
    for setup in setups:
        setup(world)
    whiches: tuple[Which, ...] = ("own", "neighbour", "other")
    for which in whiches:  # listings have something to hide
        for role in matrix.ROLES:
            if (role, which) in matrix.ORDER_SITES or role == "admin":
                world.order(role, which)
    wrong = []
    for (method, path), rule in sorted(rules.items()):
        for which, row in rule.cells():
            for role, expected in zip(matrix.ROLES, row, strict=True):
                call = rule.call(world, role, which)
                assert call.method == method, (method, path, call)
                reply = world.send(role, call)
                assert reply.status_code < 500, (method, path, role, which, reply.text)
                if not matrix.matches(expected, reply, rule.listing):
                    wrong.append(
                        f"{method} {path} as {role} on {which}'s: expected {expected}, got "
                        f"{reply.status_code} {reply.text[:120]}"
                    )
    assert wrong == [], "\n".join(wrong)
