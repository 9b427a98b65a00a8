"""Tenancy: what each role may see and change (docs: the service's tenancy rules).

- ``admin`` sees and changes everything; ``regulator`` sees everything and changes nothing.
- A scoped user (``producer``, ``radiopharmacy``, ``hospital``) acts for one site of one
  network (``user.network``, ``user.site``) and sees that network only.
- ``hospital``: its own orders (those of its site).
- ``radiopharmacy``: reads the orders of its *region*: the hospitals that a lane from its
  site reaches directly, in the newest version of its network.
- ``producer``: declares outages of the producers at its site (newest version).

Objects of another tenant are reported as not found (404), so that their existence is not
revealed; an action a role may never take is forbidden (403).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, true
from sqlalchemy.orm import Session

from radiochain.errors import InputError, elide
from radiochain.service.errors import ForbiddenError, NotFoundError
from radiochain.service.models import Order, User
from radiochain.service.services.networks import NetworkFacts, did_you_mean, newest_facts

SEE_ALL = ("admin", "regulator")
"""Roles that read every network and every order."""

ORDER_READERS = ("admin", "regulator", "hospital", "radiopharmacy")
"""Roles that read orders (each within its tenancy)."""

ORDER_WRITERS = ("admin", "hospital")
"""Roles that create, modify and cancel orders (a hospital its own only)."""

OUTAGE_WRITERS = ("admin", "producer")
"""Roles that declare producers' outages (a producer those at its site only)."""


def require_role(user: User, roles: tuple[str, ...], what: str) -> None:
    """Refuse (403) a role that may never do ``what``."""
    if user.role not in roles:
        raise ForbiddenError(f"a {user.role} may not {what}")


def sees_network(user: User, name: str) -> bool:
    """Whether ``user`` may see network ``name`` at all."""
    return user.role in SEE_ALL or user.network == name


def visible_network(user: User) -> str | None:
    """The only network a scoped user sees (None: every network)."""
    return None if user.role in SEE_ALL else (user.network or "")


def require_network(user: User, name: str) -> None:
    """Refuse (404) a network the user may not see, as if it did not exist."""
    if not sees_network(user, name):
        raise NotFoundError(f"no network {elide(name, 40)!r}")


def region(session: Session, user: User) -> frozenset[str]:
    """The hospitals of a radiopharmacy user's region (newest version of its network)."""
    known = newest_facts(session, user.network or "")
    return frozenset() if known is None else known.region(user.site or "")


def order_filter(session: Session, user: User) -> ColumnElement[bool]:
    """The orders ``user`` may read, as a condition on :class:`Order`."""
    if user.role in SEE_ALL:
        return true()
    if user.role == "hospital":
        return and_(Order.network == user.network, Order.hospital == user.site)
    if user.role == "radiopharmacy":
        hospitals = sorted(region(session, user))
        return and_(Order.network == user.network, Order.hospital.in_(hospitals))
    return false()


def may_read_order(session: Session, user: User, order: Order) -> bool:
    """Whether ``user`` may read ``order``."""
    if user.role in SEE_ALL:
        return True
    if user.network != order.network:
        return False
    if user.role == "hospital":
        return user.site == order.hospital
    if user.role == "radiopharmacy":
        return order.hospital in region(session, user)
    return False


def may_change_order(user: User, order: Order) -> bool:
    """Whether ``user`` may modify or cancel ``order`` (the role may write orders)."""
    if user.role == "admin":
        return True
    return user.role == "hospital" and (user.network, user.site) == (order.network, order.hospital)


def check_ordering_hospital(user: User, network: str, hospital: str) -> None:
    """Refuse an order a user may not place: a network it does not see (404), a hospital that
    is not its own (403)."""
    require_network(user, network)
    if user.role == "hospital" and hospital != user.site:
        raise ForbiddenError(
            f"hospital: a hospital user orders for its own hospital {user.site!r} only"
        )


def check_producer(user: User, known: NetworkFacts, producer: str) -> None:
    """Refuse an outage of ``producer`` that ``user`` may not declare: a producer user only
    declares those at its site (403 for another site's; 400 for a name the network lacks)."""
    if user.role == "admin":
        return
    mine = known.producers_at(user.site or "")
    if producer in mine:
        return
    if producer in known.producer_sites:
        raise ForbiddenError(
            f"producer: {elide(producer, 40)!r} is at site {known.producer_sites[producer]!r}, "
            f"not at yours ({user.site!r})"
        )
    raise InputError(
        f"producer: no producer {elide(producer, 40)!r} at your site {user.site!r} in network "
        f"{known.name!r}{did_you_mean(producer, mine)}"
    )
