"""A hospital's page (its orders with forms to place, change and cancel them, its doses and
ETAs, what was not served and why) and a radiopharmacy's production sheet (batches with
calibration activity and time, shipments with packages, a button to plan its network)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from radiochain.errors import RadiochainError
from radiochain.network.core import Network
from radiochain.service import deps
from radiochain.service.dashboard import data
from radiochain.service.dashboard.web import PREFIX, PageRoute, PageUser, path_for, render
from radiochain.service.errors import NotFoundError, ServiceError
from radiochain.service.models import User
from radiochain.service.services import orders, runs

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)

SHOWN_ORDERS = 200
"""Orders listed on a page (newest appointment first)."""

PACKAGE_WORDS = {"type-a": "Type A", "type-b": "Type B"}


def _hospital(session: Session, user: User, name: str, site: str) -> data.Place:
    place = data.newest(session, user, name)
    data.require_site(place, site, "hospital")
    if not data.may_see_hospital(user, place, site):
        raise NotFoundError(f"no hospital {site!r} in {name}")
    return place


def _order_rows(network: Network, rows: list[data.Row]) -> list[dict[str, Any]]:
    return [
        {
            "id": o["id"],
            "hospital": data.site_name(network, str(o.get("hospital"))),
            "patient": o.get("patient"),
            "product": data.product_name(network, str(o.get("product"))),
            "date": o.get("date"),
            "earliest_date": o.get("earliest_date"),
            "latest_date": o.get("latest_date"),
            "prescribed_bq": o.get("prescribed_activity_bq"),
            "prescribed_activity": o.get("prescribed_activity") or "",
            "status": o.get("status"),
            "revision": o.get("revision") or 1,
        }
        for o in rows[:SHOWN_ORDERS]
    ]


def _dose_rows(network: Network, doses: list[data.Row], patients: dict[str, str]) -> list[Any]:
    """A hospital's doses (from the deliveries service) with their patients and sources."""
    rows = []
    for d in doses:
        appointment = str(d.get("appointment") or "")
        rows.append(
            {
                "appointment": appointment,
                "patient": patients.get(appointment, ""),
                "product": data.product_name(network, str(d.get("product"))),
                "status": d.get("status"),
                "planned_date": d.get("planned_date"),
                "administration_time": d.get("administration_time"),
                "arrival_time": d.get("arrival_time"),
                "activity_bq": d.get("activity_at_administration_bq"),
                "prescribed_bq": d.get("prescribed_activity_bq"),
                "reason": d.get("reason") or "",
            }
        )
    return sorted(rows, key=lambda r: str(r["administration_time"] or r["planned_date"]))


def hospital_context(
    request: Request, session: Session, user: User, name: str, site: str
) -> dict[str, Any]:
    """Everything the hospital page shows (also when a refused order shows it again)."""
    place = _hospital(session, user, name, site)
    network = place.network
    order_rows = data.order_list(session, user, name, site)
    patients = {data.appointment_name(int(o["id"])): str(o.get("patient")) for o in order_rows}
    plan = data.newest_plan(session, user, name)
    doses = _dose_rows(
        network, data.deliveries(session, user, name, site, plan.run.id) if plan else [], patients
    )
    return {
        "title": data.site_name(network, site),
        "network": network,
        "site": site,
        "place": data.place_of(network, site),
        "orders": _order_rows(network, order_rows),
        "more_orders": max(0, len(order_rows) - SHOWN_ORDERS),
        "plan": plan.run if plan else None,
        "doses": [d for d in doses if d["status"] != "unserved"],
        "unserved": [d for d in doses if d["status"] == "unserved"],
        "may_order": user.role in ("hospital", "admin"),
        "products": [
            {"key": str(k), "name": data.product_name(network, str(k))}
            for k in sorted(network.products.index)
        ],
        "idempotency_key": uuid.uuid4().hex,
        "placed": None,
        "notice": "",
        "error": "",
        "form": {},
        "change": None,
        "change_form": {},
    }


OrderNumber = Annotated[int, Path(ge=1, le=2**31 - 1, description="Order id")]
ShownOrder = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


def _notice(
    placed: int | None, changed: int | None, kept: int | None, cancelled: int | None
) -> str:
    """What the page says after a placed, changed or cancelled order (Post/Redirect/Get)."""
    if changed is not None:
        return f"Order {changed} changed."
    if kept is not None:
        return f"Order {kept} is as it was: nothing to change."
    if cancelled is not None:
        return f"Order {cancelled} cancelled."
    return f"Order {placed} placed." if placed is not None else ""


@router.get("/networks/{name}/hospitals/{site}", name="hospital")
def hospital_page(
    request: Request,
    name: str,
    site: str,
    user: PageUser,
    session: deps.SessionDep,
    placed: ShownOrder = None,
    change: ShownOrder = None,
    changed: ShownOrder = None,
    kept: ShownOrder = None,
    cancelled: ShownOrder = None,
) -> HTMLResponse:
    """A hospital: its deliveries and ETAs in the newest plan, what was not served and why,
    its orders with a form to change (``change``: the order whose form is open) or cancel
    each, and a form to place one."""
    context = hospital_context(request, session, user, name, site)
    context["placed"] = placed
    context["notice"] = _notice(placed, changed, kept, cancelled)
    context["change"] = change
    return render(request, "hospital.html", context)


@router.post("/networks/{name}/hospitals/{site}/orders", name="place_order")
def place_order(
    request: Request,
    name: str,
    site: str,
    user: PageUser,
    session: deps.SessionDep,
    idempotency_key: Annotated[str, Form(max_length=128)] = "",
    product: Annotated[str, Form(max_length=128)] = "",
    patient: Annotated[str, Form(max_length=64)] = "",
    date: Annotated[str, Form(max_length=32)] = "",
    earliest_date: Annotated[str, Form(max_length=32)] = "",
    latest_date: Annotated[str, Form(max_length=32)] = "",
    prescribed_activity: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Place an order through the orders service with the form's idempotency key (a form sent
    twice makes one order), then show the hospital's page again (Post/Redirect/Get). A refused
    order shows the page again with the reason and what was typed."""
    _hospital(session, user, name, site)
    fields = orders.Fields(
        network=name,
        hospital=site,
        product=product,
        patient=patient.strip(),
        date=date,
        earliest_date=earliest_date or None,
        latest_date=latest_date or None,
        prescribed_activity=prescribed_activity.strip() or None,
    )
    try:
        created = orders.create_order(session, user, fields, key=idempotency_key or None)
    except (RadiochainError, ServiceError) as err:
        session.rollback()
        status = err.status_code if isinstance(err, ServiceError) else 400
        context = hospital_context(request, session, user, name, site)
        context |= {"error": str(err), "form": fields.__dict__, "idempotency_key": idempotency_key}
        return render(request, "hospital.html", context, status_code=status)
    session.commit()  # stored before the page that lists it is asked for
    target = path_for(request, "hospital", name=name, site=site)
    return RedirectResponse(f"{target}?placed={created.body['id']}", status_code=303)


# --- the production sheet ----------------------------------------------------------------


def _pharmacy(session: Session, user: User, name: str, site: str) -> data.Place:
    place = data.newest(session, user, name)
    data.require_site(place, site, "radiopharmacy")
    if not data.may_see_radiopharmacy(user, place, site):
        raise NotFoundError(f"no radiopharmacy {site!r} in {name}")
    return place


def _batch_rows(network: Network, batches: list[data.Row]) -> list[dict[str, Any]]:
    rows = [
        {
            "process": str(b.get("batch") or "").split("@", 1)[0],
            "product": data.product_name(network, str(b.get("product"))),
            "synthesis_start": b.get("synthesis_start"),
            "calibration_time": b.get("calibration_time"),
            "calibration_activity_bq": b.get("calibration_activity_bq"),
            "release_time": b.get("release_time"),
            "input_activity_bq": b.get("input_activity_bq"),
        }
        for b in batches
    ]
    return sorted(rows, key=lambda r: str(r["calibration_time"]))


def _shipment_rows(network: Network, shipments: list[data.Row]) -> list[dict[str, Any]]:
    lanes = network.lanes
    rows = []
    for s in shipments:
        lane = str(s.get("lane") or "")
        rows.append(
            {
                "kind": "bulk nuclide" if s.get("kind") == "bulk" else "doses",
                "from": data.site_name(network, str(s.get("from_site") or "")),
                "to": data.site_name(network, str(s.get("to_site") or "")),
                "mode": str(lanes.loc[lane, "mode"]) if lane in lanes.index else "",
                "departure_time": s.get("departure_time"),
                "arrival_time": s.get("arrival_time"),
                "doses": s.get("doses"),
                "packages": s.get("packages"),
                "package_type": PACKAGE_WORDS.get(str(s.get("package_type")), ""),
                "activity_bq": s.get("activity_at_departure_bq"),
            }
        )
    return sorted(rows, key=lambda r: str(r["departure_time"]))


def _default_start(network: Network) -> str:
    start = network.extra_meta.get("start_date") if network.extra_meta else None
    return str(start) if start else ""


def pharmacy_context(
    request: Request, session: Session, user: User, name: str, site: str
) -> dict[str, Any]:
    """Everything the production sheet shows (also when a refused plan shows it again)."""
    place = _pharmacy(session, user, name, site)
    network = place.network
    plan = data.newest_plan(session, user, name)
    part = data.sheet(session, plan, name, site) if plan else data.PlanTables()
    region = sorted(place.facts.region(site), key=lambda h: data.site_name(network, h).lower())
    region_orders = [
        o for o in data.order_list(session, user, name, None) if o.get("hospital") in region
    ]
    return {
        "title": data.site_name(network, site),
        "network": network,
        "site": site,
        "place": data.place_of(network, site),
        "plan": plan.run if plan else None,
        "batches": _batch_rows(network, part.batches),
        "shipments": _shipment_rows(network, part.shipments),
        "region": [
            {
                "name": data.site_name(network, h),
                "href": path_for(request, "hospital", name=name, site=h),
            }
            for h in region
        ],
        "orders": _order_rows(network, region_orders),
        "more_orders": max(0, len(region_orders) - SHOWN_ORDERS),
        "may_plan": data.may_plan(user, place),
        "runs": [f.run for f in data.run_list(session, user, name, limit=5)],
        "start": _default_start(network),
        "error": "",
    }


@router.get("/networks/{name}/radiopharmacies/{site}", name="radiopharmacy")
def radiopharmacy_page(
    request: Request, name: str, site: str, user: PageUser, session: deps.SessionDep
) -> HTMLResponse:
    """A radiopharmacy's production sheet from the newest plan: batches with calibration
    activity and time, shipments with packages; its region's orders; a button to plan."""
    return render(
        request, "radiopharmacy.html", pharmacy_context(request, session, user, name, site)
    )


@router.post("/networks/{name}/radiopharmacies/{site}/plan", name="run_plan")
def run_plan(
    request: Request,
    name: str,
    site: str,
    user: PageUser,
    session: deps.SessionDep,
    days: Annotated[int, Form(ge=1, le=366)] = 7,
    start: Annotated[str, Form(max_length=32)] = "",
    method: Annotated[str, Form(max_length=16)] = "milp",
) -> Response:
    """Start a plan of the network through the runs service (as ``POST /api/v1/runs``), then
    show the run's page, which follows it until it ends."""
    _pharmacy(session, user, name, site)
    options: dict[str, Any] = {"days": days, "method": method}
    if start.strip():
        options["start"] = start.strip()
    try:
        found = runs.create_run(
            session, user, kind="plan", network=name, version=None, options=options,
            max_time_limit_s=deps.settings(request).job_time_limit_s,
        )  # fmt: skip
    except (RadiochainError, ServiceError) as err:
        session.rollback()
        status = err.status_code if isinstance(err, ServiceError) else 400
        context = pharmacy_context(request, session, user, name, site) | {"error": str(err)}
        return render(request, "radiopharmacy.html", context, status_code=status)
    session.commit()  # the job runner reads the run from the database
    request.app.state.jobs.submit(found.run.id)
    return RedirectResponse(path_for(request, "run", run_id=found.run.id), status_code=303)


# --- changing and cancelling an order ----------------------------------------------------------


def _order_at(session: Session, user: User, name: str, site: str, order_id: int) -> dict[str, Any]:
    """An order of hospital ``site`` of ``name`` that ``user`` may read (404 otherwise: another
    hospital's order is not found, as in the API)."""
    _hospital(session, user, name, site)
    order = orders.get_order(session, user, order_id)
    if (order["network"], order["hospital"]) != (name, site):
        raise NotFoundError(f"no order {order_id} at {site!r} in {name}")
    return order


def _page_again(
    request: Request,
    session: Session,
    user: User,
    where: tuple[str, str],
    err: RadiochainError | ServiceError,
    **shown: Any,
) -> HTMLResponse:
    """The hospital page again after a refused change: the reason, and what was typed."""
    session.rollback()
    status = err.status_code if isinstance(err, ServiceError) else 400
    context = hospital_context(request, session, user, *where) | {"error": str(err), **shown}
    return render(request, "hospital.html", context, status_code=status)


@router.post("/networks/{name}/hospitals/{site}/orders/{order_id}", name="change_order")
def change_order(
    request: Request,
    name: str,
    site: str,
    order_id: OrderNumber,
    user: PageUser,
    session: deps.SessionDep,
    revision: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
    date: Annotated[str, Form(max_length=32)] = "",
    earliest_date: Annotated[str, Form(max_length=32)] = "",
    latest_date: Annotated[str, Form(max_length=32)] = "",
    prescribed_activity: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Change an order's day, window and prescribed activity through the orders service (as
    ``PATCH /api/v1/orders/{id}`` with the revision the page showed); a blank window day or
    activity clears it (the day itself, the product's dose). A refused change shows the page
    again with the reason and the form as typed."""
    _order_at(session, user, name, site, order_id)
    changes: dict[str, str | None] = {
        "date": date.strip(),
        "earliest_date": earliest_date.strip() or None,
        "latest_date": latest_date.strip() or None,
        "prescribed_activity": prescribed_activity.strip() or None,
    }
    try:
        after = orders.modify_order(session, user, order_id, changes, revision=revision)
    except (RadiochainError, ServiceError) as err:
        typed = {k: v or "" for k, v in changes.items()} | {"revision": revision}
        return _page_again(
            request, session, user, (name, site), err, change=order_id, change_form=typed
        )
    session.commit()  # stored before the page that lists it is asked for
    outcome = "kept" if revision is not None and after["revision"] == revision else "changed"
    target = path_for(request, "hospital", name=name, site=site)
    return RedirectResponse(f"{target}?{outcome}={order_id}#order-{order_id}", status_code=303)


@router.post("/networks/{name}/hospitals/{site}/orders/{order_id}/cancel", name="cancel_order")
def cancel_order(
    request: Request,
    name: str,
    site: str,
    order_id: OrderNumber,
    user: PageUser,
    session: deps.SessionDep,
) -> Response:
    """Cancel an order through the orders service (as ``POST /api/v1/orders/{id}/cancel``;
    cancelling it again changes nothing), then show the hospital's page again."""
    _order_at(session, user, name, site, order_id)
    try:
        orders.cancel_order(session, user, order_id)
    except (RadiochainError, ServiceError) as err:
        return _page_again(request, session, user, (name, site), err)
    session.commit()
    target = path_for(request, "hospital", name=name, site=site)
    return RedirectResponse(f"{target}?cancelled={order_id}#order-{order_id}", status_code=303)
