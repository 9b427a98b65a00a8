"""Bulk shipments: the nuclide a producer sends to a radiopharmacy, packed by A2.

A delivery of nuclide travels from the producer's site to each radiopharmacy it feeds over the
fastest lanes that accept radioactive goods (the planner's simplification: departure times of
these lanes are not modelled). Unlike a patient dose, bulk activity can be divided among
packages, so on lanes whose ``bulk_package`` is ``type-a`` it needs
``ceil(activity at departure / A2)`` Type A packages (a Type A package holds at most A2 of a
nuclide in normal form: IAEA SSR-6, Table 2; radiochain's A2 values:
``radiochain/data/transport/a2_values.csv``). If any lane of the route says ``type-b``, the
shipment is one Type B(U) package, which has no A2 limit (its activity limit is in its
certificate of approval, which radiochain does not model).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from radiochain.network.core import Network
from radiochain.physics.transport import a2_value

if TYPE_CHECKING:
    from radiochain.planning.instance import Instance

__all__ = ["SHIPMENT_COLUMNS", "TYPE_A", "TYPE_B", "bulk_packages", "bulk_routes", "bulk_shipments"]

TYPE_A = "type-a"
TYPE_B = "type-b"

ROUTE_COLUMNS = [
    "producer",
    "site",
    "lanes",
    "via",
    "transit_h",
    "package_type",
    "max_packages",
    "cost_per_package",
    "a2_bq",
]


SHIPMENT_COLUMNS = [
    "shipment",
    "kind",
    "lane",
    "from_site",
    "to_site",
    "departure_time",
    "arrival_time",
    "via",
    "transfer_departure_time",
    "doses",
    "packages",
    "package_type",
    "nuclide",
    "activity_at_departure_bq",
]
"""Columns of ``shipments.csv``: dose shipments (``kind`` = ``doses``) and bulk shipments of
nuclide from producers (``kind`` = ``bulk``)."""


def bulk_packages(activity_bq: float, a2_bq: float | None) -> int:
    """Type A packages for a bulk shipment: ``ceil(activity / A2)``, at least one.

    Parameters
    ----------
    activity_bq : float [Bq]
        Activity at departure.
    a2_bq : float [Bq] or None
        A2 of the nuclide (None or inf when unknown: one package).

    Examples
    --------
    >>> bulk_packages(2.13e12, 0.7e12)  # 3.04 A2 of Lu-177
    4
    """
    if activity_bq <= 0:
        return 0
    if a2_bq is None or not math.isfinite(a2_bq):
        return 1
    return max(1, math.ceil(activity_bq / a2_bq * (1 - 1e-9)))


def _usable_lanes(network: Network) -> pd.DataFrame:
    lanes = network.lanes.reset_index()
    sites = set(network.sites.index)
    usable = lanes[
        lanes["accepts_radioactive"].fillna(True).astype(bool)
        & lanes["from_site"].isin(sites)
        & lanes["to_site"].isin(sites)
        & (lanes["transit_time_h"].astype(float) > 0)
    ]
    # of parallel lanes, the fastest (ties: the first name)
    return usable.sort_values(["transit_time_h", "lane"]).drop_duplicates(["from_site", "to_site"])


def bulk_routes(network: Network) -> pd.DataFrame:
    """For each producer, the fastest route to every site it can reach.

    Returns
    -------
    DataFrame
        One row per (producer, site) other than the producer's own site: ``lanes`` (lane names
        joined by ``+``), ``via`` (intermediate sites joined by ``+``), ``transit_h`` [h],
        ``package_type`` (``type-b`` if a lane of the route says so), ``max_packages`` (the
        least of the route's lanes, NaN if none limits), ``cost_per_package`` (summed over
        the lanes), ``a2_bq`` [Bq] (inf if the nuclide has no A2 value).
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    lanes = _usable_lanes(network)
    sites = list(network.sites.index)
    position = {s: i for i, s in enumerate(sites)}
    a = lanes["from_site"].map(position).to_numpy(dtype=np.int64)
    b = lanes["to_site"].map(position).to_numpy(dtype=np.int64)
    t = lanes["transit_time_h"].to_numpy(dtype=float) + 1e-12
    graph = csr_matrix((t, (a, b)), shape=(len(sites), len(sites)))
    lane_of = {(int(i), int(j)): k for k, (i, j) in enumerate(zip(a, b, strict=True))}
    kinds = lanes.get("bulk_package", pd.Series(TYPE_A, index=lanes.index))
    package = kinds.fillna(TYPE_A).astype(str).to_numpy()
    max_pk = lanes["max_packages"].astype(float).to_numpy()
    cost = lanes["cost_per_package"].astype(float).fillna(0.0).to_numpy()
    names = lanes["lane"].astype(str).to_numpy()
    rows = []
    for producer, row in network.producers.iterrows():  # few producers
        origin = position.get(row["site"])
        if origin is None:
            continue
        dist, pred = dijkstra(graph, directed=True, indices=origin, return_predecessors=True)
        a2 = a2_value(str(row["nuclide"])) or math.inf
        for target in np.nonzero(np.isfinite(dist))[0]:
            if target == origin:
                continue
            path = [int(target)]
            while path[-1] != origin:
                path.append(int(pred[path[-1]]))
            path.reverse()
            legs = [lane_of[(path[k], path[k + 1])] for k in range(len(path) - 1)]
            rows.append(
                {
                    "producer": str(producer),
                    "site": sites[int(target)],
                    "lanes": "+".join(names[legs]),
                    "via": "+".join(sites[p] for p in path[1:-1]),
                    "transit_h": float(sum(t[legs] - 1e-12)),
                    "package_type": TYPE_B if (package[legs] == TYPE_B).any() else TYPE_A,
                    "max_packages": float(np.nanmin(max_pk[legs]))
                    if np.isfinite(max_pk[legs]).any()
                    else np.nan,
                    "cost_per_package": float(cost[legs].sum()),
                    "a2_bq": a2,
                }
            )
    return pd.DataFrame(rows, columns=ROUTE_COLUMNS)


def bulk_shipments(
    instance: Instance, input_bq: npt.NDArray[np.float64], used: npt.NDArray[np.int64]
) -> tuple[pd.DataFrame, list[str]]:
    """The bulk shipments of a plan, as rows of ``shipments.csv``, and the shipment of each
    used input (``''`` for a producer on site).

    Parameters
    ----------
    instance : Instance
    input_bq : array [Bq]
        Activity drawn per row of ``instance.inputs`` (at the delivery time).
    used : array of int
        The rows of ``instance.inputs`` the plan draws from.
    """
    inputs, deliveries, routes = instance.inputs, instance.deliveries, instance.routes
    delivery = inputs["delivery"].to_numpy(dtype=np.int64)[used]
    route = (
        inputs["route"].to_numpy(dtype=np.int64)[used]
        if "route" in inputs
        else np.full(len(used), -1, dtype=np.int64)
    )
    frame = pd.DataFrame({"delivery": delivery, "route": route, "bq": input_bq[used]})
    shipped = frame[frame["route"] >= 0]
    groups = shipped.groupby(["delivery", "route"], sort=True)["bq"].sum().reset_index()
    rows = []
    names: dict[tuple[int, int], str] = {}
    for e, r, activity in zip(groups["delivery"], groups["route"], groups["bq"], strict=True):
        leg = routes.iloc[int(r)]
        t = float(deliveries["t"].iloc[int(e)])
        leaves = instance.timestamp(t)
        name = f"{leg['producer']}->{leg['site']}@{leaves[:16]}"
        names[(int(e), int(r))] = name
        type_b = leg["package_type"] == TYPE_B
        rows.append(
            {
                "shipment": name,
                "kind": "bulk",
                "lane": leg["lanes"],
                "from_site": deliveries["site"].iloc[int(e)],
                "to_site": leg["site"],
                "departure_time": leaves,
                "arrival_time": instance.timestamp(t + float(leg["transit_h"])),
                "via": leg["via"],
                "transfer_departure_time": "",
                "doses": 0,
                "packages": 1 if type_b else bulk_packages(float(activity), float(leg["a2_bq"])),
                "package_type": leg["package_type"],
                "nuclide": deliveries["nuclide"].iloc[int(e)],
                "activity_at_departure_bq": float(activity),
                "cost_of_packages": float(leg["cost_per_package"]),
            }
        )
    per_input = [names.get((int(e), int(r)), "") for e, r in zip(delivery, route, strict=True)]
    return pd.DataFrame(rows, columns=[*SHIPMENT_COLUMNS, "cost_of_packages"]), per_input
