"""Orders: a hospital's appointments (patient pseudonym, product, day and window, prescribed
activity), with create / modify / cancel, idempotency keys and optimistic concurrency.

Every order is checked against the newest version of its network the way the library checks
a row of the network's ``demand`` table (:meth:`radiochain.network.Network.validate` on the
order with its hospital, product and the hospital's licences): a range or unit mistake or a
prescription above the hospital's licence is refused with the library's words. Those checks
do not depend on the day, so their verdict is cached per (version, hospital, product,
activity); the days are read by :func:`radiochain.units.parse_date` and the window
(``earliest_date <= date <= latest_date``) is checked here, with the library's words.
:func:`orders_as_demand` gives the active orders of a network as rows of that table, for runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from radiochain.errors import InputError, RadiochainError, elide
from radiochain.network import Network
from radiochain.service import audit
from radiochain.service.errors import ConflictError, NotFoundError
from radiochain.service.models import IdempotencyKey, Order, User, utcnow
from radiochain.service.services import scope
from radiochain.service.services.networks import (
    NetworkFacts,
    check_text,
    did_you_mean,
    lock,
    newest_facts,
)
from radiochain.units import parse_date, to_becquerel

PATIENT = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""A patient pseudonym: 1 to 64 letters, digits, '_' or '-' (never a name)."""

IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,128}")
"""An ``Idempotency-Key``: 1 to 128 visible ASCII characters (a UUID is a good one)."""

STATUSES = ("active", "cancelled")

MAX_ID = 2**31 - 1
"""Largest order id (the column is a 32-bit integer)."""

DEMAND_COLUMNS = (
    "appointment",
    "hospital",
    "product",
    "date",
    "window_start",
    "window_end",
    "prescribed_activity_bq",
    "earliest_date",
    "latest_date",
    "patient",
    "cycle",
    "source",
    "estimate",
)
"""Columns of the network's ``demand`` table (docs/network-reference.md), in order."""

_API_FIELD = {"prescribed_activity_bq": "prescribed_activity"}
"""Demand columns that orders call otherwise."""


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def public(order: Order) -> dict[str, Any]:
    """An order as users see it (and as the audit trail records it)."""
    return {
        "id": order.id,
        "network": order.network,
        "hospital": order.hospital,
        "product": order.product,
        "patient": order.patient,
        "date": _day(order.date),
        "earliest_date": _day(order.earliest_date),
        "latest_date": _day(order.latest_date),
        "prescribed_activity": order.prescribed_activity or None,
        "prescribed_activity_bq": order.prescribed_activity_bq,
        "status": order.status,
        "revision": order.revision,
        "created_by": order.created_by,
        "created_at": _iso(order.created_at),
        "updated_at": _iso(order.updated_at),
    }


# --- checking an order ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Fields:
    """The fields of an order as given (text), before checking."""

    network: str
    hospital: str
    product: str
    patient: str
    date: str
    earliest_date: str | None = None
    latest_date: str | None = None
    prescribed_activity: str | None = None


@dataclass(frozen=True)
class Checked:
    """The fields of an order, checked against the newest version of its network."""

    fields: Fields
    date: dt.date
    earliest_date: dt.date | None
    latest_date: dt.date | None
    activity_bq: float | None
    network_version: int


def _known(session: Session, fields: Fields) -> NetworkFacts:
    for what in ("network", "hospital", "product"):
        check_text(getattr(fields, what), what, limit=128)
    known = newest_facts(session, fields.network)
    if known is None:
        raise NotFoundError(f"no network {elide(fields.network, 40)!r}")
    hospitals = known.hospitals
    if fields.hospital not in hospitals:
        kind = known.site_kinds.get(fields.hospital)
        what = f"site {fields.hospital!r} is a {kind}, not a hospital" if kind else (
            f"no hospital {elide(fields.hospital, 40)!r}"
            f"{did_you_mean(fields.hospital, hospitals)}"
        )  # fmt: skip
        raise InputError(f"hospital: {what} (network {known.name!r} version {known.version})")
    if fields.product not in known.products:
        raise InputError(
            f"product: no product {elide(fields.product, 40)!r} in network {known.name!r} "
            f"version {known.version}{did_you_mean(fields.product, known.products)}"
        )
    return known


class _Checks:
    """The library's verdicts on (version, hospital, product, prescribed activity), most
    recently used first (thread-safe, bounded): a version never changes, and the day of an
    order does not enter these checks, so many orders share one verdict."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, ...], list[str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> list[str] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, ...], problems: list[str]) -> None:
        with self._lock:
            self._items[key] = problems
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_CHECKS = _Checks()


def _row_problems(known: NetworkFacts, hospital: str, product: str, activity: str) -> list[str]:
    """The library's errors of one appointment of ``product`` at ``hospital`` with the
    prescribed ``activity`` ('' for the product's dose), as a row of the network's ``demand``
    table checked with its hospital, product and the hospital's licences (each problem as
    ``field: what (hint)``)."""
    full = known.network
    network = Network(name=full.name, timezone=full.timezone, dataset=full.dataset_name)
    network.set_table("sites", full.sites.loc[[hospital]])
    network.set_table("products", full.products.loc[[product]])
    network.set_table("licences", full.licences[full.licences["site"] == hospital])
    cells = {"hospital": hospital, "product": product, "date": "2026-01-05", "patient": "p"}
    try:
        network.add("demand", "order", **cells, prescribed_activity_bq=activity)
        problems = [p for p in network.validate().errors if p.file == "demand.csv"]
    except RadiochainError as err:
        return [str(err)]
    return [
        f"{_API_FIELD.get(p.field, p.field) or 'order'}: {p.message}"
        + (f" ({p.hint})" if p.hint else "")
        for p in problems
    ]


def _library_problems(known: NetworkFacts, fields: Fields) -> list[str]:
    """:func:`_row_problems` of an order, from the cache when it holds them."""
    activity = fields.prescribed_activity or ""
    key = (known.content_hash, fields.hospital, fields.product, activity)
    found = _CHECKS.get(key)
    if found is None:
        found = _row_problems(known, fields.hospital, fields.product, activity)
        _CHECKS.put(key, found)
    return found


def _check_window(day: dt.date, earliest: dt.date | None, latest: dt.date | None) -> None:
    """The days an appointment may move to hold its day (as the library's demand check)."""
    for what, bound, wrong in (
        ("earliest_date", earliest, earliest is not None and earliest > day),
        ("latest_date", latest, latest is not None and latest < day),
    ):
        if wrong:
            raise InputError(
                f"{what}: {bound} is on the wrong side of date {day} "
                "(earliest_date <= date <= latest_date)"
            )


def check_fields(session: Session, fields: Fields) -> Checked:
    """Check an order against the newest version of its network.

    Raises
    ------
    NotFoundError
        No such network.
    InputError
        The first problem, naming its field: an unknown hospital or product (with a
        did-you-mean), a patient that is not a pseudonym, a date that is not ``YYYY-MM-DD``,
        an activity without its unit, or any error the library finds in the order as a row
        of the demand table.
    """
    known = _known(session, fields)
    if not PATIENT.fullmatch(fields.patient):
        raise InputError(
            f"patient: {elide(fields.patient, 40)!r} is not a pseudonym (give 1 to 64 letters, "
            "digits, '_' or '-'; never a patient's name)"
        )
    day = parse_date(fields.date, what="date")
    earliest = None if fields.earliest_date is None else parse_date(
        fields.earliest_date, what="earliest_date"
    )  # fmt: skip
    latest = None if fields.latest_date is None else parse_date(
        fields.latest_date, what="latest_date"
    )  # fmt: skip
    activity = None
    if fields.prescribed_activity is not None:
        check_text(fields.prescribed_activity, "prescribed_activity", limit=64)
        activity = to_becquerel(
            fields.prescribed_activity, default_unit=None, what="prescribed_activity"
        )
    _check_window(day, earliest, latest)
    problems = _library_problems(known, fields)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(problems[0] + more)
    return Checked(fields, day, earliest, latest, activity, known.version)


# --- idempotency ---------------------------------------------------------------------------------
def _request_hash(fields: Fields) -> str:
    body = json.dumps(fields.__dict__, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(("POST /orders\n" + body).encode()).hexdigest()


def _replay(session: Session, user: User, key: str, digest: str) -> IdempotencyKey | None:
    """The stored answer to the same key with the same body; 409 for another body."""
    found = session.execute(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user.id, IdempotencyKey.key == key)
    ).scalar_one_or_none()
    if found is not None and found.request_hash != digest:
        raise ConflictError(
            f"Idempotency-Key {elide(key, 40)!r} was used for another order "
            "(a new order needs a new key)"
        )
    return found


@dataclass(frozen=True)
class Created:
    """Outcome of :func:`create_order`: the response and whether it is a replay."""

    status_code: int
    body: dict[str, Any]
    replayed: bool


def check_key(key: str | None) -> str:
    """The ``Idempotency-Key`` header of a POST.

    Raises
    ------
    InputError
        Missing, or not 1 to 128 visible ASCII characters.
    """
    if key is None or not key.strip():
        raise InputError(
            "Idempotency-Key header: required to place an order (a new unique text per order, "
            "e.g. a UUID; send the same key again to retry safely)"
        )
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise InputError("Idempotency-Key header: give 1 to 128 visible ASCII characters")
    return key


def create_order(session: Session, user: User, fields: Fields, *, key: str | None) -> Created:
    """Place an order. The same ``key`` with the same fields gives the first response again
    (nothing new is stored); with other fields, 409.

    Raises
    ------
    ForbiddenError
        A role that does not place orders, or a hospital user ordering for another hospital.
    NotFoundError
        A network the user does not see.
    ConflictError
        ``key`` was used for another body.
    InputError
        See :func:`check_key` and :func:`check_fields`.
    """
    scope.require_role(user, scope.ORDER_WRITERS, "place orders")
    key = check_key(key)
    digest = _request_hash(fields)
    lock(session, "idempotency", user.id, key)
    previous = _replay(session, user, key, digest)
    if previous is not None:
        return Created(previous.status_code, dict(previous.response), replayed=True)
    scope.check_ordering_hospital(user, fields.network, fields.hospital)
    checked = check_fields(session, fields)
    now = utcnow()
    order = Order(
        network=fields.network, hospital=fields.hospital, product=fields.product,
        patient=fields.patient, date=checked.date, earliest_date=checked.earliest_date,
        latest_date=checked.latest_date, prescribed_activity_bq=checked.activity_bq,
        prescribed_activity=fields.prescribed_activity or "", status="active", revision=1,
        created_by=user.username, created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(order)
    session.flush()
    body = public(order)
    audit.append(
        session, actor=user.username, action="order.create", entity="order", entity_id=order.id,
        after={**body, "network_version": checked.network_version},
    )  # fmt: skip
    session.add(
        IdempotencyKey(
            user_id=user.id, key=key, request_hash=digest, status_code=201, response=body
        )
    )
    try:
        session.flush()
    except IntegrityError:
        raise ConflictError(
            f"Idempotency-Key {elide(key, 40)!r} is being used by another request; retry"
        ) from None
    return Created(201, body, replayed=False)


# --- reading -------------------------------------------------------------------------------------
def _visible_order(session: Session, user: User, order_id: int, *, for_update: bool) -> Order:
    order = None
    if 1 <= order_id <= MAX_ID:
        order = session.get(Order, order_id, with_for_update=for_update or None)
    if order is None or not scope.may_read_order(session, user, order):
        raise NotFoundError(f"no order {order_id}")
    return order


def get_order(session: Session, user: User, order_id: int) -> dict[str, Any]:
    """One order the user may read.

    Raises
    ------
    ForbiddenError
        A role that does not read orders.
    NotFoundError
        No such order, or one of another tenant.
    """
    scope.require_role(user, scope.ORDER_READERS, "read orders")
    return public(_visible_order(session, user, order_id, for_update=False))


@dataclass(frozen=True)
class Query:
    """Filters of :func:`list_orders` (dates as ``YYYY-MM-DD`` text, checked there)."""

    network: str | None = None
    hospital: str | None = None
    status: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    after: int = 0
    limit: int = 100


def list_orders(session: Session, user: User, query: Query) -> list[dict[str, Any]]:
    """The orders ``user`` may read that match ``query``, by id (``after``: the last id of the
    previous page).

    Raises
    ------
    ForbiddenError
        A role that does not read orders.
    InputError
        A date that is not ``YYYY-MM-DD``, an unknown status, text with control characters.
    """
    scope.require_role(user, scope.ORDER_READERS, "read orders")
    statement = select(Order).where(scope.order_filter(session, user), Order.id > query.after)
    for what in ("network", "hospital"):
        value = getattr(query, what)
        if value is not None:
            check_text(value, what, limit=128)
            statement = statement.where(getattr(Order, what) == value)
    if query.status is not None:
        if query.status not in STATUSES:
            raise InputError(f"status: {elide(query.status, 20)!r}: use {' or '.join(STATUSES)}")
        statement = statement.where(Order.status == query.status)
    if query.date_from is not None:
        statement = statement.where(Order.date >= parse_date(query.date_from, what="date_from"))
    if query.date_to is not None:
        statement = statement.where(Order.date <= parse_date(query.date_to, what="date_to"))
    rows = session.execute(statement.order_by(Order.id).limit(query.limit)).scalars()
    return [public(order) for order in rows]


# --- changing ------------------------------------------------------------------------------------
CHANGEABLE = ("date", "earliest_date", "latest_date", "prescribed_activity")
"""Fields of an order that :func:`modify_order` changes."""


def _changeable(user: User, session: Session, order_id: int, what: str) -> Order:
    scope.require_role(user, scope.ORDER_WRITERS, what)
    order = _visible_order(session, user, order_id, for_update=True)
    if not scope.may_change_order(user, order):
        raise NotFoundError(f"no order {order_id}")
    return order


def modify_order(
    session: Session,
    user: User,
    order_id: int,
    changes: dict[str, str | None],
    *,
    revision: int | None = None,
) -> dict[str, Any]:
    """Change an active order's day, window or prescribed activity (checked again against the
    newest version of its network); its revision goes up by one. Changes that change nothing
    leave the order (and its revision) as it is.

    Parameters
    ----------
    changes : dict
        Some of :data:`CHANGEABLE`; None clears a window day or the prescription (then the
        product's dose applies); ``date`` cannot be cleared.
    revision : int, optional
        The revision the caller read (``If-Match``); another one is a conflict.

    Raises
    ------
    ForbiddenError, NotFoundError
        As :func:`create_order` and :func:`get_order`.
    ConflictError
        ``revision`` is not the order's, or the order is cancelled.
    InputError
        An unknown field, a cleared date, or what :func:`check_fields` refuses.
    """
    order = _changeable(user, session, order_id, "change orders")
    if revision is not None and revision != order.revision:
        raise ConflictError(
            f"order {order.id} is at revision {order.revision}, not {revision} "
            "(read it again, then change it)"
        )
    if order.status != "active":
        raise ConflictError(f"order {order.id} is cancelled (place a new order instead)")
    unknown = sorted(set(changes) - set(CHANGEABLE))
    if unknown:
        raise InputError(
            f"{elide(unknown[0], 40)}: cannot be changed (change {', '.join(CHANGEABLE)})"
        )
    if "date" in changes and changes["date"] is None:
        raise InputError("date: cannot be cleared (give YYYY-MM-DD)")
    before = public(order)
    current = Fields(
        network=order.network, hospital=order.hospital, product=order.product,
        patient=order.patient, date=before["date"], earliest_date=before["earliest_date"],
        latest_date=before["latest_date"], prescribed_activity=before["prescribed_activity"],
    )  # fmt: skip
    fields = Fields(**{**current.__dict__, **changes})
    if fields == current:
        return before
    checked = check_fields(session, fields)
    order.date, order.earliest_date, order.latest_date = (
        checked.date, checked.earliest_date, checked.latest_date,
    )  # fmt: skip
    order.prescribed_activity_bq = checked.activity_bq
    order.prescribed_activity = fields.prescribed_activity or ""
    order.revision += 1
    order.updated_at = utcnow()
    session.flush()
    after = public(order)
    audit.append(
        session, actor=user.username, action="order.modify", entity="order", entity_id=order.id,
        before=before, after={**after, "network_version": checked.network_version},
    )  # fmt: skip
    return after


def cancel_order(session: Session, user: User, order_id: int) -> dict[str, Any]:
    """Cancel an order; cancelling a cancelled order again changes nothing (idempotent).

    Raises
    ------
    ForbiddenError, NotFoundError
        As :func:`modify_order`.
    """
    order = _changeable(user, session, order_id, "cancel orders")
    if order.status == "cancelled":
        return public(order)
    before = public(order)
    order.status = "cancelled"
    order.revision += 1
    order.updated_at = utcnow()
    session.flush()
    after = public(order)
    audit.append(
        session, actor=user.username, action="order.cancel", entity="order", entity_id=order.id,
        before=before, after=after,
    )  # fmt: skip
    return after


# --- orders as the network's demand --------------------------------------------------------------
def appointment_name(order_id: int) -> str:
    """The ``appointment`` name of an order in the demand table (``order-42``)."""
    return f"order-{order_id}"


def orders_as_demand(session: Session, network_name: str) -> list[dict[str, Any]]:
    """The active orders of a network as rows of its ``demand`` table, for a run.

    Each row has every column of :data:`DEMAND_COLUMNS` (docs/network-reference.md,
    ``demand.csv``): ``appointment`` is ``order-<id>``; ``date``, ``earliest_date`` and
    ``latest_date`` are ``YYYY-MM-DD`` text (None: the day itself); ``prescribed_activity_bq``
    is a number [Bq] (None: the product's ``dose_activity_bq``); the local time window, the
    cycle, ``source`` and ``estimate`` are None (the table's defaults: 09:00 to 16:00, cycle
    1, no source, not an estimate). Rows are sorted by date, then order id.

    Examples
    --------
    Put them in a network (``network``: the run's version, read with
    :func:`radiochain.service.services.networks.load`), beside or instead of its own demand::

        for row in orders_as_demand(session, "tiny"):
            name = row.pop("appointment")
            network.add("demand", name, **{k: v for k, v in row.items() if v is not None})
    """
    rows = session.execute(
        select(Order)
        .where(Order.network == network_name, Order.status == "active")
        .order_by(Order.date, Order.id)
    ).scalars()
    return [
        {
            "appointment": appointment_name(order.id),
            "hospital": order.hospital,
            "product": order.product,
            "date": _day(order.date),
            "window_start": None,
            "window_end": None,
            "prescribed_activity_bq": order.prescribed_activity_bq,
            "earliest_date": _day(order.earliest_date),
            "latest_date": _day(order.latest_date),
            "patient": order.patient,
            "cycle": None,
            "source": None,
            "estimate": None,
        }
        for order in rows
    ]
