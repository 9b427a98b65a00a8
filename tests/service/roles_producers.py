"""The producers' declarations in the role matrix (``tests/service/test_roles.py``): a
producer's capacity, on its own producer (``reactor-lu177`` at ``reactor``, the producer
user's site), a neighbour's (``cyclotron-lu177`` at ``cyclotron``) and another network's.
Each call declares a new capacity (a new version), so that an allowed call is a change."""

from __future__ import annotations

from tests.service.matrix import OK, Call, Rule, Which, World
from tests.service.world import API

PRODUCER = {"own": "reactor-lu177", "neighbour": "cyclotron-lu177", "other": "reactor-lu177"}


def _capacity(w: World, role: str, which: Which) -> Call:
    network = "other" if which == "other" else "tiny"
    body = {"capacity_per_delivery": f"{20 + w.number()} GBq", "note": f"matrix {role} {which}"}
    return Call("PUT", f"{API}/networks/{network}/producers/{PRODUCER[which]}/capacity", json=body)


#                         admin  regulator producer radiopharmacy hospital
RULES = {
    ("PUT", f"{API}/networks/{{name}}/producers/{{producer}}/capacity"): Rule(
        call=_capacity,
        own=(OK, 403, OK, 403, 403),
        neighbour=(OK, 403, 403, 403, 403),
        other=(OK, 403, 404, 403, 403),
        sites=True,
    ),
}
