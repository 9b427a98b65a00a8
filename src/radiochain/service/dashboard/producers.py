"""A producer site's page: its producers' declared capacity and planned outages, with forms to
declare both (the producer users of that site and admins), calling the producers service as
the API does (``PUT /api/v1/networks/{name}/producers/{producer}/capacity``, ``POST
/api/v1/networks/{name}/outages``); and the producers' rows of the network page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from radiochain.errors import RadiochainError
from radiochain.network.core import Network
from radiochain.network.parse import parse_time
from radiochain.service import deps
from radiochain.service.dashboard import data
from radiochain.service.dashboard.formatting import blank
from radiochain.service.dashboard.web import PREFIX, PageRoute, PageUser, path_for, render
from radiochain.service.errors import NotFoundError, ServiceError
from radiochain.service.models import User
from radiochain.service.services import producers, scope

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)

VersionNumber = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


def _site(session: Session, user: User, name: str, site: str) -> data.Place:
    """The newest version of ``name`` when ``user`` may see the page of producer site
    ``site`` (404 otherwise, as for another tenant's page)."""
    place = data.newest(session, user, name)
    if site not in place.facts.site_kinds or not data.may_see_producer_site(user, place, site):
        raise NotFoundError(f"no producer site {site!r} in {name}")
    return place


def _time_value(text: str) -> str:
    """An ``HH:MM`` value for a time input (``6:00`` -> ``06:00``; as given when unreadable)."""
    try:
        return parse_time(text).strftime("%H:%M")
    except ValueError:
        return text


def producer_rows(network: Network, among: list[str] | None = None) -> list[dict[str, Any]]:
    """The producers (of ``among``, else all) with their declared fields
    (:func:`~radiochain.service.services.producers.declaration`) and planned outages, by
    site and name."""
    keys = [str(p) for p in network.producers.index]
    if among is not None:
        keys = [k for k in keys if k in among]
    rows = []
    for key in keys:
        fields = producers.declaration(network, key)
        rows.append(
            fields
            | {
                "site_name": data.site_name(network, fields["site"]),
                "route": blank(network.producers.at[key, "route"]),
                "outages": producers.outages(network, key),
                "time_value": _time_value(str(fields["output_time"])),
            }
        )
    return sorted(rows, key=lambda r: (r["site_name"].lower(), r["producer"]))


def _notice(
    site_producers: list[str],
    producer: str | None,
    outcome: tuple[str, int | None],
    network: str,
) -> str:
    """What the page says after a declaration (Post/Redirect/Get)."""
    what, version = outcome
    if version is None:
        return ""
    if what == "kept":
        return f"Version {version} of {network} has this already: nothing changed."
    whose = f" of {producer}" if producer in site_producers else ""
    words = "Capacity" if what == "capacity" else "Outage"
    return f"{words}{whose} declared: version {version} of {network}."


def site_context(
    request: Request, session: Session, user: User, name: str, site: str
) -> dict[str, Any]:
    """Everything a producer site's page shows (also when a refused declaration shows it
    again with the reason)."""
    place = _site(session, user, name, site)
    network = place.network
    mine = sorted(place.facts.producers_at(site))
    return {
        "title": data.site_name(network, site),
        "network": network,
        "version": place.version,
        "site": site,
        "place": data.place_of(network, site),
        "kind": place.facts.site_kinds.get(site, ""),
        "producers": producer_rows(network, mine),
        "may_declare": data.may_declare(user, place, site),
        "notice": "",
        "error": "",
        "failed": None,
        "typed": {},
    }


@router.get("/networks/{name}/producers/{site}", name="producer_site")
def producer_site(
    request: Request,
    name: str,
    site: str,
    user: PageUser,
    session: deps.SessionDep,
    producer: Annotated[str | None, Query(max_length=128)] = None,
    capacity: VersionNumber = None,
    outage: VersionNumber = None,
    kept: VersionNumber = None,
) -> HTMLResponse:
    """A producer site: each producer's capacity (per delivery, per week, days and time of
    output) and planned outages in the newest version, and forms to declare them."""
    context = site_context(request, session, user, name, site)
    mine = [p["producer"] for p in context["producers"]]
    outcome = (
        ("capacity", capacity) if capacity else ("outage", outage) if outage else ("kept", kept)
    )
    context["notice"] = _notice(mine, producer, outcome, name)
    return render(request, "producer.html", context)


def _declared(
    request: Request, name: str, site: str, producer: str, what: str, created: bool, version: int
) -> RedirectResponse:
    target = path_for(request, "producer_site", name=name, site=site)
    query = urlencode({"producer": producer, what if created else "kept": version})
    return RedirectResponse(f"{target}?{query}#producer-{producer}", status_code=303)


def _declare(
    request: Request,
    session: Session,
    user: User,
    where: tuple[str, str, str],
    action: Callable[[], tuple[bool, int]],
    typed: dict[str, Any],
) -> Response:
    """Run a declaration for producer ``where[2]`` at site ``where[1]`` of ``where[0]``; its
    page again with the reason when it is refused, else the page saying what was stored."""
    name, site, producer = where
    place = _site(session, user, name, site)
    scope.require_role(user, scope.OUTAGE_WRITERS, "declare capacity or outages")
    if producer not in place.facts.producers_at(site):
        raise NotFoundError(f"no producer {producer[:40]!r} at {site!r} in {name}")
    try:
        created, version = action()
    except (RadiochainError, ServiceError) as err:
        session.rollback()
        status = err.status_code if isinstance(err, ServiceError) else 400
        context = site_context(request, session, user, name, site)
        context |= {"error": str(err), "failed": (producer, typed["form"]), "typed": typed}
        return render(request, "producer.html", context, status_code=status)
    session.commit()  # stored before the page that shows it is asked for
    return _declared(request, name, site, producer, str(typed["form"]), created, version)


@router.post("/networks/{name}/producers/{site}/capacity", name="declare_capacity")
def declare_capacity(
    request: Request,
    name: str,
    site: str,
    user: PageUser,
    session: deps.SessionDep,
    producer: Annotated[str, Form(max_length=128)] = "",
    capacity_per_delivery: Annotated[str, Form(max_length=64)] = "",
    capacity_per_week: Annotated[str, Form(max_length=64)] = "",
    output_days: Annotated[str, Form(max_length=64)] = "",
    output_time: Annotated[str, Form(max_length=16)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Declare a producer's capacity with the form's values (blank: no weekly cap, the
    table's default days and time, no note)."""
    given = {
        "capacity_per_delivery": capacity_per_delivery, "capacity_per_week": capacity_per_week,
        "output_days": output_days, "output_time": output_time, "note": note,
    }  # fmt: skip

    def action() -> tuple[bool, int]:
        declared = producers.declare_capacity(
            session, name, producer, given, actor=user.username,
            check=lambda known: scope.check_producer(user, known, producer),
        )  # fmt: skip
        return declared.stored.created, declared.stored.version.version

    return _declare(
        request, session, user, (name, site, producer), action, given | {"form": "capacity"}
    )


@router.post("/networks/{name}/producers/{site}/outages", name="declare_outage")
def declare_outage(
    request: Request,
    name: str,
    site: str,
    user: PageUser,
    session: deps.SessionDep,
    producer: Annotated[str, Form(max_length=128)] = "",
    start: Annotated[str, Form(max_length=32)] = "",
    end: Annotated[str, Form(max_length=32)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Declare a planned outage of a producer (first and last day without output)."""

    def action() -> tuple[bool, int]:
        outage = producers.add_outage(
            session, name, producer=producer, start=start, end=end, note=note.strip(),
            actor=user.username, check=lambda known: scope.check_producer(user, known, producer),
        )  # fmt: skip
        return outage.stored.created, outage.stored.version.version

    typed = {"start": start, "end": end, "note": note, "form": "outage"}
    return _declare(request, session, user, (name, site, producer), action, typed)
