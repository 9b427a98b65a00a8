"""The audit trail: every change appended as (who, when, what, before, after), hash-chained.

Entry ``n`` stores ``hash_n = SHA-256(hash_{n-1} || canonical JSON of entry n)`` with
``hash_0 = 64 zeros``; ``audit_head`` keeps the newest id and hash. :func:`verify` recomputes
the chain and finds an edited entry (its hash no longer matches), a removed entry (a gap in the
ids or a broken link) and a removed tail (the head no longer matches). It cannot find an attacker
who rewrites the whole chain and the head: keep the head hash that ``radiochain audit verify``
prints somewhere else. (Inspired by GMP record keeping; this is not a claim of regulatory
compliance.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from radiochain.service.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
    record = {
        "id": int(entry.id),
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "before": entry.before,
        "after": entry.after,
    }
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + _canonical(entry)).hexdigest()


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: object,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (so the change and its record commit
    together). The head row is locked for the append, so concurrent writers chain in order."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_id=0, last_hash=GENESIS)
        session.add(head)
    entry = AuditEntry(
        id=head.last_id + 1,
        at=dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
        actor=actor,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=_plain(before),
        after=_plain(after),
        prev_hash=head.last_hash,
        hash="",
    )
    entry.hash = entry_hash(head.last_hash, entry)
    session.add(entry)
    head.last_id, head.last_hash = entry.id, entry.hash
    session.flush()
    return entry


def _plain(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """JSON round trip, so the stored value is exactly what the hash covered."""
    if value is None:
        return None
    result: dict[str, Any] = json.loads(json.dumps(value, default=str, sort_keys=True))
    return result


@dataclass(frozen=True)
class Verification:
    """Outcome of :func:`verify`."""

    ok: bool
    entries: int
    head_hash: str
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head_hash": self.head_hash,
            "problem": self.problem,
        }


def verify(session: Session, *, batch: int = 10_000) -> Verification:
    """Recompute the chain from the first entry; the first problem found, if any."""
    previous, expected_id, count = GENESIS, 1, 0
    last_id = 0
    while True:
        rows = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.id > last_id)
                .order_by(AuditEntry.id)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            break
        for entry in rows:
            if entry.id != expected_id:
                return Verification(False, count, previous, f"entry {expected_id} is missing")
            if entry.prev_hash != previous or entry_hash(previous, entry) != entry.hash:
                return Verification(False, count, previous, f"entry {entry.id} was changed")
            previous, expected_id, count, last_id = entry.hash, entry.id + 1, count + 1, entry.id
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_id != count or head.last_hash != previous):
        return Verification(
            False,
            count,
            previous,
            f"entries after {count} were removed (the head says {head.last_id})",
        )
    return Verification(True, count, previous)
