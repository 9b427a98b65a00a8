"""Networks: import (admin), list and export versions (each user its own network), and what
producers declare: outages and capacity (each a new version)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from radiochain.service import deps
from radiochain.service.errors import NotFoundError
from radiochain.service.models import NetworkVersion, User
from radiochain.service.schemas_orders import NetworkVersionPublic, OutageCreate, OutagePublic
from radiochain.service.schemas_producers import CapacityDeclare, CapacityPublic
from radiochain.service.services import networks, producers, scope

router = APIRouter(tags=["networks"])
Admin = Annotated[User, Depends(deps.require("admin"))]
OutageWriter = Annotated[User, Depends(deps.require(*scope.OUTAGE_WRITERS))]
VersionNumber = Annotated[int, Path(ge=1, le=2**31 - 1, description="Version number")]

_DOCUMENT: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A network's JSON export, as `radiochain.network.write_json` writes it",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


async def raw_body(request: Request) -> bytes:
    """The request body as sent (the byte-for-byte document to store)."""
    return await request.body()


def _public(
    version: NetworkVersion, size: int, created: bool | None = None
) -> NetworkVersionPublic:
    return NetworkVersionPublic(**networks.describe(version, size=size), created=created)


def _name(user: User, name: str) -> str:
    """A network name from a path that the user may see (404 otherwise)."""
    scope.require_network(user, name)
    if not networks.NAME.fullmatch(name):
        raise NotFoundError(f"no network {name[:40]!r}")
    return name


@router.post(
    "/networks",
    response_model=NetworkVersionPublic,
    status_code=201,
    openapi_extra=_DOCUMENT,
    responses={200: {"description": "The same bytes are stored already: that version"}},
)
def import_network(
    admin: Admin,
    session: deps.SessionDep,
    response: Response,
    payload: Annotated[bytes, Depends(raw_body)],
    note: Annotated[str, Query(max_length=networks.NOTE_LIMIT)] = "",
) -> NetworkVersionPublic:
    """Import a network's JSON export: validated by the library (a network with errors is
    refused, naming the first error's place), stored byte for byte as the next version of the
    network it names; the same bytes again give the stored version (200)."""
    stored = networks.import_network(session, payload, actor=admin.username, note=note)
    if not stored.created:
        response.status_code = 200
    return _public(stored.version, len(stored.version.payload), stored.created)


@router.get("/networks", response_model=list[NetworkVersionPublic])
def list_networks(
    user: deps.UserDep,
    session: deps.SessionDep,
    name: Annotated[str | None, Query(max_length=128)] = None,
) -> list[NetworkVersionPublic]:
    """The versions of the networks the user sees (a scoped user: its own network's)."""
    own = scope.visible_network(user)
    if name is not None and own is not None and name != own:
        return []
    if name is not None:
        networks.check_text(name, "name", limit=128)
    rows = networks.list_versions(session, name if name is not None else own)
    return [_public(version, size) for version, size in rows]


def _document(version: NetworkVersion) -> Response:
    return Response(
        content=version.payload,
        media_type="application/json",
        headers={
            "ETag": f'"{version.content_hash}"',
            "X-Network-Version": str(version.version),
            "Content-Disposition": f'inline; filename="{version.name}-v{version.version}.json"',
        },
    )


@router.get("/networks/{name}/versions/latest", response_class=Response)
def newest_version(name: str, user: deps.UserDep, session: deps.SessionDep) -> Response:
    """The newest version's document, byte for byte as imported."""
    return _document(networks.get_version(session, _name(user, name), None))


@router.get("/networks/{name}/versions/{version}", response_class=Response)
def get_version(
    name: str, version: VersionNumber, user: deps.UserDep, session: deps.SessionDep
) -> Response:
    """Version ``version``'s document, byte for byte as imported (ETag: its SHA-256)."""
    return _document(networks.get_version(session, _name(user, name), version))


@router.post(
    "/networks/{name}/outages",
    response_model=OutagePublic,
    status_code=201,
    responses={200: {"description": "The same outage is in the newest version already"}},
)
def declare_outage(
    name: str,
    body: OutageCreate,
    user: OutageWriter,
    session: deps.SessionDep,
    response: Response,
) -> OutagePublic:
    """A planned outage of a producer (a producer user: one at its site): a new version of
    the network with the outage in its ``shutdowns`` table."""
    outage = producers.add_outage(
        session, _name(user, name), producer=body.producer, start=body.start, end=body.end,
        note=body.note, actor=user.username,
        check=lambda known: scope.check_producer(user, known, body.producer),
    )  # fmt: skip
    if not outage.stored.created:
        response.status_code = 200
    version = outage.stored.version
    return OutagePublic(
        shutdown=outage.shutdown,
        previous_version=outage.previous_version,
        version=_public(version, len(version.payload), outage.stored.created),
    )


@router.put(
    "/networks/{name}/producers/{producer}/capacity",
    response_model=CapacityPublic,
    status_code=201,
    responses={200: {"description": "The newest version has these values already"}},
)
def declare_capacity(
    name: str,
    producer: Annotated[str, Path(max_length=128, description="A producer of the network")],
    body: CapacityDeclare,
    user: OutageWriter,
    session: deps.SessionDep,
    response: Response,
) -> CapacityPublic:
    """A producer's capacity (a producer user: one at its site): a new version of the network
    with the producer's row changed, validated by the library; the same values again give the
    newest version (200). Fields left out stay; null clears one."""
    declared = producers.declare_capacity(
        session, _name(user, name), producer, body.model_dump(exclude_unset=True),
        actor=user.username, check=lambda known: scope.check_producer(user, known, producer),
    )  # fmt: skip
    stored = declared.stored
    if not stored.created:
        response.status_code = 200
    version = _public(stored.version, len(stored.version.payload), stored.created)
    return CapacityPublic(
        **declared.fields, previous_version=declared.previous_version, version=version
    )
