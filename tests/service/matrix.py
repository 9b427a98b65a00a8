"""The role x endpoint matrix: what each role gets from each route, on its own tenant's
object, on a neighbour's (another site of the same network) and on another network's.

A route's row is a :class:`Rule`: how to call it (``call(world, role, which)`` gives a
:class:`Call`) and the expected outcome per role, in the order of :data:`ROLES`. Rows live in
``tests/service/test_roles.py`` (:data:`RULES` there) and in any ``tests/service/roles_*.py``
module with a ``RULES`` dict of its own (and optionally ``setup(world)`` to add objects), so
that a new group of routes adds its rows in its own file::

    # tests/service/roles_things.py
    from tests.service.matrix import OK, Call, Rule

    RULES = {
        ("GET", "/api/v1/things/{thing_id}"): Rule(
            call=lambda w, role, which: Call("GET", f"/api/v1/things/{w.objects[which]}"),
            own=(OK, OK, 403, OK, OK),          # admin, regulator, producer, pharmacy, hospital
            other=(OK, OK, 403, 404, 404),
        ),
    }

Outcomes: :data:`OK` (any 2xx), :data:`HIDDEN` (200 with an empty list: a listing that
leaves the other tenant's objects out), or a refusal status (403, 404).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi.testclient import TestClient
from sqlalchemy import select

from radiochain.service.models import User
from radiochain.service.services import orders
from tests.service.conftest import PASSWORD, headers_for

ROLES = ("admin", "regulator", "producer", "radiopharmacy", "hospital")
"""The columns of every outcome tuple."""

SCOPED = ("producer", "radiopharmacy", "hospital")

OK = "ok"
"""Any 2xx."""

HIDDEN = "hidden"
"""200 with an empty list (the listing leaves another tenant's objects out)."""

Outcome = str | int
Which = Literal["own", "neighbour", "other"]

USERS = {
    "admin": ("admin", None, None),
    "regulator": ("regulator", None, None),
    "producer": ("producer", "tiny", "reactor"),
    "radiopharmacy": ("radiopharmacy", "tiny", "pharmacy"),
    "hospital": ("hospital", "tiny", "hospital-a"),
}
"""The user of each role (username = role): role, network, site."""

ORDER_SITES: dict[tuple[str, str], tuple[str, str]] = {
    ("hospital", "neighbour"): ("tiny", "hospital-b"),
    ("radiopharmacy", "neighbour"): ("tiny", "hospital-d"),
}
"""Where an order of (role, which) is, when not :data:`DEFAULT_ORDER_SITES`."""

DEFAULT_ORDER_SITES = {
    "own": ("tiny", "hospital-a"),
    "neighbour": ("tiny", "hospital-b"),
    "other": ("other", "hospital-a"),
}


@dataclass(frozen=True)
class Call:
    """One request. ``auth``: the role's token, a fresh one (for a call that revokes it), or
    none."""

    method: str
    url: str
    json: Any = None
    content: bytes | None = None
    data: dict[str, str] | None = None
    params: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    auth: Literal["token", "fresh", "none"] = "token"


@dataclass(frozen=True)
class Rule:
    """A route's row of the matrix.

    Attributes
    ----------
    call : callable
        ``call(world, role, which) -> Call`` for ``which`` in own, neighbour, other.
    own, neighbour, other : tuple
        Expected outcome per role (:data:`ROLES` order); ``neighbour`` None: the route has
        no per-site objects (not called); ``other`` None: no tenant objects at all (a route
        such as ``/me``).
    sites : bool
        Objects belong to sites (orders, producers): a neighbour's is another tenant's.
    listing : bool
        The route lists objects: an OK answer must be a non-empty list (so that a HIDDEN
        answer to the same query means something).
    """

    call: Callable[[World, str, Which], Call]
    own: tuple[Outcome, ...]
    neighbour: tuple[Outcome, ...] | None = None
    other: tuple[Outcome, ...] | None = None
    sites: bool = False
    listing: bool = False

    def cells(self) -> list[tuple[Which, tuple[Outcome, ...]]]:
        found: list[tuple[Which, tuple[Outcome, ...] | None]] = [
            ("own", self.own), ("neighbour", self.neighbour), ("other", self.other),
        ]  # fmt: skip
        return [(which, row) for which, row in found if row is not None]


class World:
    """The app, its users (one per role) and factories of fresh objects per (role, which)."""

    def __init__(self, app: Any, client: TestClient) -> None:
        self.app = app
        self.client = client
        self.tokens = {role: headers_for(client, role) for role in ROLES}
        self.objects: dict[str, Any] = {}
        """Free slots for the setup of ``roles_*.py`` modules."""
        self._counter = itertools.count(1)

    def number(self) -> int:
        """A new number (1, 2, 3...)."""
        return next(self._counter)

    def unique(self, prefix: str = "x") -> str:
        """A new name (``x-1``, ``x-2``...)."""
        return f"{prefix}-{self.number()}"

    def headers(self, role: str, auth: str) -> dict[str, str]:
        if auth == "none":
            return {}
        if auth == "fresh":
            return headers_for(self.client, role)
        return self.tokens[role]

    def order_site(self, role: str, which: Which) -> tuple[str, str]:
        """(network, hospital) of an order of ``which`` for ``role``."""
        return ORDER_SITES.get((role, which), DEFAULT_ORDER_SITES[which])

    def order(self, role: str, which: Which) -> int:
        """A new active order at :meth:`order_site` (placed by the admin)."""
        network, hospital = self.order_site(role, which)
        with self.app.state.db.session() as session:
            admin = session.execute(select(User).where(User.username == "admin")).scalar_one()
            fields = orders.Fields(
                network=network, hospital=hospital, product="lu177-psma",
                patient=self.unique("p"), date="2026-01-06",
            )  # fmt: skip
            created = orders.create_order(session, admin, fields, key=self.unique("world"))
        return int(created.body["id"])

    def send(self, role: str, call: Call) -> Any:
        return self.client.request(
            call.method,
            call.url,
            json=call.json,
            content=call.content,
            data=call.data,
            params=call.params,
            headers={**self.headers(role, call.auth), **call.headers},
        )


def matches(expected: Outcome, reply: Any, listing: bool) -> bool:
    """Whether ``reply`` is the ``expected`` outcome."""
    if expected == OK:
        if not 200 <= reply.status_code < 300:
            return False
        return not listing or (isinstance(reply.json(), list) and len(reply.json()) > 0)
    if expected == HIDDEN:
        return reply.status_code == 200 and reply.json() == []
    return bool(reply.status_code == expected)


def table_problems(rules: dict[tuple[str, str], Rule]) -> list[str]:
    """Rows that would let a scoped role reach another tenant's object, or that deny a role
    its own object with a 404 (a role either may act on its own objects or never may: 403)."""
    problems = []
    for key, rule in rules.items():
        for which, row in rule.cells():
            if len(row) != len(ROLES):
                problems.append(f"{key} {which}: {len(row)} outcomes for {len(ROLES)} roles")
                continue
            cross = which == "other" or (which == "neighbour" and rule.sites)
            for role, outcome in zip(ROLES, row, strict=True):
                if role in SCOPED and cross and outcome not in (403, 404, HIDDEN):
                    problems.append(f"{key}: {role} gets {outcome!r} on a {which}'s object")
                if which == "own" and outcome == 404:
                    problems.append(f"{key}: {role} gets 404 on its own object")
    return problems


__all__ = ["HIDDEN", "OK", "PASSWORD", "ROLES", "Call", "Rule", "World"]
