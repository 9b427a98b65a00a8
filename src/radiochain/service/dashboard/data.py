"""What the pages show, read through the services and their tenancy rules.

The dashboard holds no domain logic and no tenancy rule of its own: who may see a network, a
hospital, an order or a run's rows is decided by the functions the API uses
(:mod:`~radiochain.service.services.scope`, :mod:`~radiochain.service.services.runs`,
:mod:`~radiochain.service.services.orders`); this module gathers what a page needs and gives
sites and products their names for people.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from radiochain.network.core import Network
from radiochain.service.dashboard.svgmap import Flow, Site
from radiochain.service.errors import ConflictError, NotFoundError
from radiochain.service.models import NetworkVersion, User
from radiochain.service.services import networks, orders, runs, scope

Row = dict[str, Any]


# --- networks and tenancy ------------------------------------------------------------------


def sees_everything(user: User) -> bool:
    """Admins and regulators read every network and every row of every run."""
    return user.role in scope.SEE_ALL


def visible_networks(session: Session, user: User) -> list[NetworkVersion]:
    """The newest version of each network ``user`` may look at, by name."""
    newest: dict[str, NetworkVersion] = {}
    for version, _size in networks.list_versions(session, scope.visible_network(user)):
        newest[version.name] = version  # listed by name, then version
    return [newest[name] for name in sorted(newest)]


@dataclass(frozen=True)
class Place:
    """A network as a page shows it: the newest version, the network and its facts."""

    version: NetworkVersion
    facts: networks.NetworkFacts

    @property
    def network(self) -> Network:
        return self.facts.network

    @property
    def name(self) -> str:
        return self.version.name


def newest(session: Session, user: User, name: str) -> Place:
    """The newest version of network ``name`` (404 when it does not exist or is another
    tenant's)."""
    scope.require_network(user, name)
    version = networks.get_version(session, name, None)
    return Place(version, networks.facts(session, version.id))


def require_site(place: Place, site: str, kind: str) -> None:
    """404 unless ``site`` is a ``kind`` of the network."""
    if place.facts.site_kinds.get(site) != kind:
        raise NotFoundError(f"no {kind} {site!r} in {place.name}")


def may_see_hospital(user: User, place: Place, site: str) -> bool:
    """The rule of the API's orders and deliveries: admin, regulator, the hospital itself, or
    a radiopharmacy whose region holds it."""
    if sees_everything(user):
        return True
    if not scope.sees_network(user, place.name):
        return False
    if user.role == "hospital":
        return user.site == site
    if user.role == "radiopharmacy":
        return site in place.facts.region(user.site or "")
    return False


def may_see_radiopharmacy(user: User, place: Place, site: str) -> bool:
    """A production sheet: admin, regulator, or the radiopharmacy itself."""
    if sees_everything(user):
        return True
    return user.role == "radiopharmacy" and user.network == place.name and user.site == site


def may_see_producer_site(user: User, place: Place, site: str) -> bool:
    """A producer site's page: admin, regulator, or a producer user of that site."""
    if sees_everything(user):
        return True
    return user.role == "producer" and user.network == place.name and user.site == site


def may_declare(user: User, place: Place, site: str) -> bool:
    """Who may declare capacity and outages of the producers at ``site`` (the API's rule:
    an admin, or a producer user of that site)."""
    if user.role not in scope.OUTAGE_WRITERS:
        return False
    return user.role == "admin" or (user.network == place.name and user.site == site)


def may_plan(user: User, place: Place) -> bool:
    """Who may start a plan of the network (:data:`runs.RUNNERS` within their network)."""
    return user.role in runs.RUNNERS and scope.sees_network(user, place.name)


# --- names for people ----------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def site_name(network: Network, site: str) -> str:
    """A site's display name (its key when it has none)."""
    sites = network.sites
    if site in sites.index and "name" in sites.columns:
        name = _text(sites.loc[site, "name"])
        if name:
            return name
    return site


def product_name(network: Network, product: str) -> str:
    """``Lu-177 PSMA-617`` for product ``lu177-psma`` (its nuclide and ligand)."""
    products = network.products
    if product not in products.index:
        return product
    row = products.loc[product]
    words = " ".join(w for w in (_text(row.get("nuclide")), _text(row.get("ligand"))) if w)
    return words or product


def place_of(network: Network, site: str) -> str:
    """``Hangzhou, Zhejiang``: a site's city and province, when known."""
    if site not in network.sites.index:
        return ""
    row = network.sites.loc[site]
    return ", ".join(t for t in (_text(row.get("city")), _text(row.get("province"))) if t)


def sites_of(network: Network) -> list[Site]:
    """The sites to draw, with their names."""
    rows = []
    for key, row in network.sites.iterrows():
        lat, lon = row.get("latitude_deg"), row.get("longitude_deg")
        if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        rows.append(
            Site(
                site=str(key),
                name=site_name(network, str(key)),
                kind=_text(row.get("kind")) or "other",
                latitude_deg=float(lat),
                longitude_deg=float(lon),
                country=_text(row.get("country")),
            )
        )
    return rows


def sites_by_kind(network: Network, kind: str, among: Iterable[str] | None = None) -> list[str]:
    """Keys of the sites of one kind, by display name."""
    table = network.sites
    keys = [str(k) for k in table.index[table["kind"] == kind]]
    if among is not None:
        allowed = set(among)
        keys = [k for k in keys if k in allowed]
    return sorted(keys, key=lambda k: site_name(network, k).lower())


# --- runs and their results ----------------------------------------------------------------


@dataclass
class PlanTables:
    """What a reader may see of a run: ``summary`` (with ``kpis``) and the tables as rows."""

    summary: dict[str, Any] = field(default_factory=dict)
    doses: list[Row] = field(default_factory=list)
    batches: list[Row] = field(default_factory=list)
    shipments: list[Row] = field(default_factory=list)
    inputs: list[Row] = field(default_factory=list)

    @property
    def kpis(self) -> dict[str, Any]:
        found = self.summary.get("kpis")
        return dict(found) if isinstance(found, dict) else {}

    @classmethod
    def of(cls, summary: dict[str, Any], tables: dict[str, Any]) -> PlanTables:
        def rows(name: str) -> list[Row]:
            return [dict(r) for r in tables.get(name) or [] if isinstance(r, dict)]

        return cls(dict(summary), rows("doses"), rows("batches"), rows("shipments"), rows("inputs"))


def run_list(session: Session, user: User, network: str, limit: int = 20) -> list[runs.Found]:
    """The runs of a network the user may read, newest first."""
    return runs.list_runs(session, user, network=network, limit=limit)


def newest_plan(session: Session, user: User, network: str) -> runs.Found | None:
    """The newest succeeded plan of a network the user may read."""
    found = runs.list_runs(session, user, network=network, status="succeeded", kind="plan", limit=1)
    return found[0] if found else None


def result(session: Session, user: User, run_id: int) -> PlanTables:
    """A run's summary and tables as the runs service restricts them for ``user`` (empty
    while the run has no result)."""
    try:
        reply = runs.result_for(session, user, run_id)
    except ConflictError:
        return PlanTables()
    return PlanTables.of(reply.get("summary") or {}, reply.get("tables") or {})


def sheet(session: Session, found: runs.Found, network: str, site: str) -> PlanTables:
    """One radiopharmacy's part of a plan, as the runs service restricts it for that
    radiopharmacy (the production sheet shows this part to whoever may read the sheet)."""
    reader = User(username="sheet", role="radiopharmacy", network=network, site=site)
    stored = found.run.result
    if not stored:
        return PlanTables()
    summary, tables = runs.restrict(session, reader, found, stored)
    return PlanTables.of(summary, tables)


def deliveries(session: Session, user: User, network: str, hospital: str, run_id: int) -> list[Row]:
    """A hospital's doses in a plan with their ETAs (the API's ``/deliveries``)."""
    return runs.deliveries(session, user, hospital=hospital, network=network, run_id=run_id)


def flows(tables: PlanTables, day: str | None = None) -> list[Flow]:
    """Shipments summed by pair of sites (on ``day``, ``YYYY-MM-DD`` of departure, if given)."""
    pairs: dict[tuple[str, str], list[float]] = {}
    for ship in tables.shipments:
        departure = _text(ship.get("departure_time"))
        if day is not None and not departure.startswith(day):
            continue
        key = (_text(ship.get("from_site")), _text(ship.get("to_site")))
        total = pairs.setdefault(key, [0, 0, 0.0])
        total[0] += round(_float(ship.get("doses")))
        total[1] += 1
        total[2] += _float(ship.get("activity_at_departure_bq"))
    return [Flow(a, b, int(t[0]), int(t[1]), float(t[2])) for (a, b), t in pairs.items()]


def days_of(tables: PlanTables) -> list[str]:
    """The departure days of a plan's shipments (``YYYY-MM-DD``), in order."""
    found = {_text(s.get("departure_time"))[:10] for s in tables.shipments}
    return sorted(d for d in found if len(d) == 10)


def _float(value: Any) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return 0.0
    return x if math.isfinite(x) else 0.0


# --- orders --------------------------------------------------------------------------------


def order_list(session: Session, user: User, network: str, hospital: str | None) -> list[Row]:
    """The orders ``user`` may read (of one hospital, if given), newest appointment first."""
    found: list[Row] = []
    after = 0
    while True:
        page = orders.list_orders(
            session,
            user,
            orders.Query(network=network, hospital=hospital, after=after, limit=1000),
        )
        found += page
        if len(page) < 1000:
            break
        after = int(page[-1]["id"])
    return sorted(found, key=lambda o: (str(o.get("date")), int(o["id"])), reverse=True)


def appointment_name(order_id: int) -> str:
    """What a plan calls the appointment of an order (``order-42``)."""
    return orders.appointment_name(order_id)
