"""The audit trail (admin and regulator read it; nobody writes it through the API)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from radiochain.service import audit, deps
from radiochain.service.models import AuditEntry, User
from radiochain.service.schemas import AuditEntryPublic, AuditVerification

router = APIRouter(tags=["audit"])
Reader = Annotated[User, Depends(deps.require("admin", "regulator"))]


@router.get("/audit", response_model=list[AuditEntryPublic])
def entries(
    reader: Reader,
    session: deps.SessionDep,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEntryPublic]:
    """Entries after id ``after``, oldest first."""
    rows = session.execute(
        select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id).limit(limit)
    ).scalars()
    return [
        AuditEntryPublic(
            id=e.id,
            at=e.at,
            actor=e.actor,
            action=e.action,
            entity=e.entity,
            entity_id=e.entity_id,
            before=e.before,
            after=e.after,
            hash=e.hash,
        )
        for e in rows
    ]


@router.get("/audit/verify", response_model=AuditVerification)
def verify(reader: Reader, session: deps.SessionDep) -> AuditVerification:
    """Recompute the hash chain; the first problem, if any."""
    return AuditVerification(**audit.verify(session).to_dict())
