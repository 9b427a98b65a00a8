"""Networks and helpers for the tests of networks, orders and the role matrix.

``tiny`` is the bundled example as ``write_json`` exports it, with neighbours: a second
producer at another site (``cyclotron-lu177`` at ``cyclotron``), whose outages the reactor's
producer user may not declare, and a second radiopharmacy (``pharmacy-2``) whose region is
``hospital-d`` (outside ``pharmacy``'s region: hospital-a, -b, -c). ``other`` is the same
network under another name (another tenant).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from radiochain.network import Network, read_network
from radiochain.network.examples import example_path
from radiochain.service.services.networks import export_bytes

API = "/api/v1"


def tiny_network(name: str = "tiny") -> Network:
    network = read_network(example_path("tiny"))
    network.name = name
    network.add("sites", "cyclotron", kind="accelerator", latitude_deg=30.3, longitude_deg=120.2)
    network.add(
        "producers", "cyclotron-lu177", site="cyclotron", nuclide="Lu-177",
        capacity_per_delivery_bq="20 GBq",
    )  # fmt: skip
    network.add("sites", "pharmacy-2", kind="radiopharmacy", latitude_deg=30.0, longitude_deg=120.5)
    network.add("sites", "hospital-d", kind="hospital", latitude_deg=30.1, longitude_deg=120.6)
    network.add("lanes", "reactor-pharmacy-2", from_site="reactor", to_site="pharmacy-2",
                transit_time_h=2)  # fmt: skip
    network.add("lanes", "pharmacy-2-d", from_site="pharmacy-2", to_site="hospital-d",
                transit_time_h=1)  # fmt: skip
    network.add("processes", "label-psma-2", site="pharmacy-2", product="lu177-psma",
                batch_max_bq="60 GBq")  # fmt: skip
    return network


@functools.cache
def network_bytes(name: str = "tiny") -> bytes:
    """The test network named ``name`` as ``write_json`` writes it."""
    return export_bytes(tiny_network(name))


def changed(payload: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    """``payload`` (a network's JSON) with ``change`` applied to its parsed document."""
    document = json.loads(payload)
    change(document)
    return json.dumps(document, indent=1, ensure_ascii=False).encode()


def post_network(client: TestClient, headers: dict[str, str], payload: bytes, **params: str) -> Any:
    return client.post(
        f"{API}/networks",
        content=payload,
        headers={**headers, "Content-Type": "application/json"},
        params=params,
    )


ORDER = {
    "network": "tiny",
    "hospital": "hospital-a",
    "product": "lu177-psma",
    "patient": "p-001",
    "date": "2026-01-06",
}
"""A valid order of ``hospital-a`` in ``tiny``."""


def order_body(**changes: Any) -> dict[str, Any]:
    return {**ORDER, **changes}
