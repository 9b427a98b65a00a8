"""Orders: hospitals place, change and cancel their own; radiopharmacies read their region's;
regulators read all; admins do everything. ``POST /orders`` needs an ``Idempotency-Key``;
changes take the revision read (``If-Match``) for optimistic concurrency."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query, Response
from fastapi.responses import JSONResponse

from radiochain.errors import InputError
from radiochain.service import deps
from radiochain.service.schemas_orders import OrderCreate, OrderPublic, OrderUpdate
from radiochain.service.services import orders

router = APIRouter(tags=["orders"])
OrderId = Annotated[int, Path(ge=1, le=orders.MAX_ID, description="Order id")]
DayQuery = Annotated[str | None, Query(max_length=32, description="YYYY-MM-DD")]


def _etag(response: Response, body: dict[str, object]) -> dict[str, object]:
    response.headers["ETag"] = f'"{body["revision"]}"'
    return body


@router.post(
    "/orders",
    response_model=OrderPublic,
    status_code=201,
    responses={409: {"description": "The Idempotency-Key was used for another body"}},
)
def place_order(
    body: OrderCreate,
    user: deps.UserDep,
    session: deps.SessionDep,
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", description="A new unique text per order (a UUID)"),
    ] = None,
) -> JSONResponse:
    """Place an order (a hospital user: for its own hospital). The same key with the same
    body gives the first response again (header ``Idempotent-Replayed: true``)."""
    created = orders.create_order(
        session, user, orders.Fields(**body.model_dump()), key=idempotency_key
    )
    headers = {
        "Location": f"/api/v1/orders/{created.body['id']}",
        "ETag": f'"{created.body["revision"]}"',
    }
    if created.replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(created.body, status_code=created.status_code, headers=headers)


@router.get("/orders", response_model=list[OrderPublic])
def list_orders(
    user: deps.UserDep,
    session: deps.SessionDep,
    network: Annotated[str | None, Query(max_length=128)] = None,
    hospital: Annotated[str | None, Query(max_length=128)] = None,
    status: Literal["active", "cancelled"] | None = None,
    date_from: DayQuery = None,
    date_to: DayQuery = None,
    after: Annotated[int, Query(ge=0, le=orders.MAX_ID, description="Last id seen")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, object]]:
    """The orders the user may read, by id; the next page: ``after`` = the last id."""
    query = orders.Query(network, hospital, status, date_from, date_to, after, limit)
    return orders.list_orders(session, user, query)


@router.get("/orders/{order_id}", response_model=OrderPublic)
def get_order(
    order_id: OrderId, user: deps.UserDep, session: deps.SessionDep, response: Response
) -> dict[str, object]:
    """One order (ETag: its revision)."""
    return _etag(response, orders.get_order(session, user, order_id))


def _revision(if_match: str | None, body: int | None) -> int | None:
    """The revision the caller read: ``If-Match`` (``3``, ``"3"`` or ``W/"3"``) or the body's."""
    if if_match is None:
        return body
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        raise InputError(f"If-Match: give the order's revision (a number), not {if_match[:20]!r}")
    header = int(text)
    if body is not None and body != header:
        raise InputError(f"If-Match {header} and revision {body} disagree (give one)")
    return header


@router.patch(
    "/orders/{order_id}",
    response_model=OrderPublic,
    responses={409: {"description": "Another revision, or a cancelled order"}},
)
def change_order(
    order_id: OrderId,
    body: OrderUpdate,
    user: deps.UserDep,
    session: deps.SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> dict[str, object]:
    """Change the day, window or prescribed activity of an active order."""
    changes = body.model_dump(exclude_unset=True)
    revision = _revision(if_match, changes.pop("revision", None))
    changed = orders.modify_order(session, user, order_id, changes, revision=revision)
    return _etag(response, changed)


@router.post("/orders/{order_id}/cancel", response_model=OrderPublic)
def cancel_order(
    order_id: OrderId, user: deps.UserDep, session: deps.SessionDep, response: Response
) -> dict[str, object]:
    """Cancel an order (again: no change)."""
    return _etag(response, orders.cancel_order(session, user, order_id))
