"""Networks and helpers for the tests of networks, orders and the role matrix.

``tiny`` is the bundled example as ``write_json`` exports it, with a second producer at
another site (``cyclotron-lu177`` at ``cyclotron``) so that a producer user has a neighbour
whose outages it may not declare; ``other`` is the same network under another name (another
tenant).
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
