"""Runs: start one (check, store, hand to the job runner), read them, cancel one, and read a
result restricted to what the reader may see.

Who may do what (the tenancy rules of :mod:`radiochain.service.services.scope`):

- start and cancel runs: ``admin``; a ``radiopharmacy`` for its network (and cancels the runs
  it started); ``regulator``, ``hospital``, ``producer``: 403.
- read runs: ``admin`` and ``regulator`` every run; ``radiopharmacy`` and ``producer`` the runs
  of their network; ``hospital`` the plans of its network. Others' runs are not found (404).
- read a result: ``admin`` and ``regulator`` everything; a ``radiopharmacy`` the rows of its
  site (its batches, the shipments from or to it, the doses of its batches and the unserved
  appointments of its region, the nuclide drawn for its batches); a ``hospital`` its own doses
  and the shipments that deliver them (their arrival and administration times are its ETAs);
  a ``producer`` the nuclide drawn from its producers and their bulk shipments. Scoped readers
  see a plan's summary without the names in its check's violations and notes; a stress test's
  tables are network-wide statistics.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.orm import Session, defer

from radiochain.errors import InputError, elide
from radiochain.service import audit, jobs, tasks
from radiochain.service.errors import ConflictError, ForbiddenError, NotFoundError
from radiochain.service.models import NetworkVersion, Run, User
from radiochain.service.services.networks import check_name, facts, get_version
from radiochain.service.services.orders import orders_as_demand
from radiochain.service.services.scope import (
    SEE_ALL,
    require_network,
    require_role,
    visible_network,
)

RUNNERS = ("admin", "radiopharmacy")
"""Roles that start and cancel runs."""
READERS = ("admin", "regulator", "radiopharmacy", "producer", "hospital")
"""Roles that read runs (each within its tenancy)."""
DELIVERY_READERS = ("admin", "regulator", "radiopharmacy", "hospital")
"""Roles that read a hospital's deliveries."""

Row = dict[str, Any]


@dataclass(frozen=True)
class Found:
    """A run with the version of the network it ran on (the payload not loaded)."""

    run: Run
    network: str
    version: int
    content_hash: str
    version_id: int


def orders_hash(orders: list[Row]) -> str:
    """SHA-256 of an orders snapshot as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(orders, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def public(found: Found) -> dict[str, Any]:
    """A run as shown to its readers (never its result: see :func:`result_for`)."""
    run = found.run
    return {
        "id": run.id,
        "kind": run.kind,
        "status": run.status,
        "progress": run.progress,
        "message": run.message,
        "inputs": {
            "network": found.network,
            "version": found.version,
            "content_hash": found.content_hash,
            "orders": len(run.orders),
            "orders_hash": orders_hash(list(run.orders)),
            "options": run.options,
            "dataset": run.dataset,
            "dataset_version": run.dataset_version,
        },
        "scope_site": run.scope_site,
        "created_by": run.created_by,
        "created_at": _iso(run.created_at),
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
    }


# --- starting and cancelling ----------------------------------------------------------------------
def create_run(
    session: Session,
    user: User,
    *,
    kind: str,
    network: str,
    version: int | None,
    options: dict[str, Any],
    max_time_limit_s: float,
) -> Found:
    """Check and store a run (status ``queued``, audited); the caller commits, then hands
    its id to the job runner. The orders of the network are snapshot now.

    Raises
    ------
    ForbiddenError
        A role that may not start runs (403).
    NotFoundError
        A network (or version) the user does not see or that does not exist (404).
    InputError
        Options the library refuses (400).
    """
    from radiochain.physics.datasets import get_dataset

    require_role(user, RUNNERS, "start runs")
    require_network(user, check_name(network))
    normalized = tasks.normalize_options(kind, options, max_time_limit_s=max_time_limit_s)
    stored = get_version(session, network, version)
    dataset = get_dataset(stored.dataset)
    snapshot = orders_as_demand(session, network)
    run = Run(
        kind=kind,
        network_version_id=stored.id,
        orders=snapshot,
        options=normalized,
        dataset=dataset.name,
        dataset_version=dataset.version,
        status="queued",
        progress=0.0,
        message="",
        scope_site=user.site if user.role == "radiopharmacy" else None,
        created_by=user.username,
    )
    session.add(run)
    session.flush()
    found = Found(run, stored.name, stored.version, stored.content_hash, stored.id)
    audit.append(
        session, actor=user.username, action="run.create", entity="run", entity_id=run.id,
        after=public(found)["inputs"] | {"kind": kind},
    )  # fmt: skip
    return found


def cancel_run(session: Session, user: User, run_id: int) -> Found:
    """Mark a queued or running run ``cancelled`` (audited); the caller commits, then tells
    the job runner to stop it.

    Raises
    ------
    ForbiddenError
        A role that may not cancel runs, or a radiopharmacy cancelling another's run (403).
    NotFoundError
        A run the user does not see (404).
    ConflictError
        The run has finished already (409).
    """
    require_role(user, RUNNERS, "cancel runs")
    found = get_run(session, user, run_id)
    if user.role == "radiopharmacy" and found.run.scope_site != user.site:
        raise ForbiddenError(
            f"run {run_id}: only the radiopharmacy that started it (or an admin) may cancel it"
        )
    if not jobs.finish(
        session, run_id, "cancelled", f"cancelled by {user.username}", actor=user.username
    ):
        raise ConflictError(f"run {run_id} is {found.run.status} already; nothing to cancel")
    session.refresh(found.run)
    return found


# --- reading --------------------------------------------------------------------------------------
def _visible(user: User) -> ColumnElement[bool]:
    network = visible_network(user)
    condition: ColumnElement[bool] = true() if network is None else NetworkVersion.name == network
    if user.role == "hospital":
        condition = and_(condition, Run.kind == "plan")
    return condition


def _query(user: User) -> Any:
    return (
        select(
            Run,
            NetworkVersion.name,
            NetworkVersion.version,
            NetworkVersion.content_hash,
            NetworkVersion.id,
        )
        .join(NetworkVersion, NetworkVersion.id == Run.network_version_id)
        .where(_visible(user))
    )


def get_run(session: Session, user: User, run_id: int, *, with_result: bool = False) -> Found:
    """A run the user may read.

    Raises
    ------
    ForbiddenError
        A role that reads no runs (403).
    NotFoundError
        No such run, or one of another tenant (404).
    """
    require_role(user, READERS, "read runs")
    query = _query(user).where(Run.id == run_id)
    if not with_result:
        query = query.options(defer(Run.result))
    row = session.execute(query).one_or_none()
    if row is None:
        raise NotFoundError(f"no run {run_id}")
    return Found(*row)


def list_runs(
    session: Session,
    user: User,
    *,
    network: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    before: int | None = None,
    limit: int = 100,
) -> list[Found]:
    """The runs the user may read, newest first (``before``: ids below it, to page)."""
    require_role(user, READERS, "read runs")
    if network is not None:
        check_name(network)
    query = _query(user).options(defer(Run.result))
    for column, value in ((NetworkVersion.name, network), (Run.status, status), (Run.kind, kind)):
        if value is not None:
            query = query.where(column == value)
    if before is not None:
        query = query.where(Run.id < before)
    rows = session.execute(query.order_by(Run.id.desc()).limit(limit)).all()
    return [Found(*row) for row in rows]


# --- results --------------------------------------------------------------------------------------
def _only(rows: list[Row], keep: Callable[[Row], bool]) -> list[Row]:
    return [row for row in rows if keep(row)]


def _radiopharmacy_tables(tables: dict[str, list[Row]], site: str, region: frozenset[str]) -> Any:
    batches = _only(tables.get("batches", []), lambda r: r.get("site") == site)
    mine = {r.get("batch") for r in batches}
    return {
        "doses": _only(
            tables.get("doses", []),
            lambda r: (
                r.get("batch") in mine
                or (r.get("status") == "unserved" and r.get("hospital") in region)
            ),
        ),
        "batches": batches,
        "shipments": _only(
            tables.get("shipments", []),
            lambda r: site in (r.get("from_site"), r.get("to_site")),
        ),
        "inputs": _only(tables.get("inputs", []), lambda r: r.get("batch") in mine),
    }


def _hospital_tables(tables: dict[str, list[Row]], site: str) -> Any:
    return {
        "doses": _only(tables.get("doses", []), lambda r: r.get("hospital") == site),
        "batches": [],
        "shipments": _only(
            tables.get("shipments", []),
            lambda r: r.get("kind") == "doses" and r.get("to_site") == site,
        ),
        "inputs": [],
    }


def _producer_tables(tables: dict[str, list[Row]], site: str, producers: frozenset[str]) -> Any:
    return {
        "doses": [],
        "batches": [],
        "shipments": _only(
            tables.get("shipments", []),
            lambda r: r.get("kind") == "bulk" and r.get("from_site") == site,
        ),
        "inputs": _only(tables.get("inputs", []), lambda r: r.get("producer") in producers),
    }


def _scoped_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """A plan's summary without the names of other tenants' rows (check violations, notes)."""
    shown = {k: v for k, v in summary.items() if k != "notes"}
    check = summary.get("plan_check")
    if isinstance(check, dict):
        shown["plan_check"] = {k: v for k, v in check.items() if k != "violations"}
    return shown


def restrict(
    session: Session, user: User, found: Found, result: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list[Row]]]:
    """The summary and tables of ``result`` that ``user`` may see (see the module docstring)."""
    summary, tables = result["summary"], result["tables"]
    if user.role in SEE_ALL or found.run.kind != "plan":
        return summary, tables
    site = user.site or ""
    if user.role == "hospital":
        scoped = _hospital_tables(tables, site)
    elif user.role == "radiopharmacy":
        scoped = _radiopharmacy_tables(tables, site, facts(session, found.version_id).region(site))
    else:
        scoped = _producer_tables(tables, site, facts(session, found.version_id).producers_at(site))
    return _scoped_summary(summary), scoped


def result_for(session: Session, user: User, run_id: int) -> dict[str, Any]:
    """A finished run's summary and tables, restricted to what ``user`` may see.

    Raises
    ------
    NotFoundError
        A run the user does not see (404).
    ConflictError
        The run has no result: still queued or running, cancelled, or failed before it had
        one (409, with the reason).
    """
    found = get_run(session, user, run_id, with_result=True)
    run = found.run
    if run.result is None:
        why = f": {run.message}" if run.message else ""
        raise ConflictError(f"run {run_id} has no result (it is {run.status}{why})")
    summary, tables = restrict(session, user, found, run.result)
    return {"id": run.id, "kind": run.kind, "status": run.status, "summary": summary,
            "tables": tables}  # fmt: skip


# --- deliveries (a hospital's ETAs) ---------------------------------------------------------------
def _delivery_run(session: Session, user: User, network: str, run_id: int | None) -> Found:
    if run_id is not None:
        found = get_run(session, user, run_id, with_result=True)
        if found.run.kind != "plan" or found.run.result is None:
            raise ConflictError(f"run {run_id} is not a plan with a result")
        return found
    row = session.execute(
        _query(user)
        .where(NetworkVersion.name == network, Run.kind == "plan", Run.status == "succeeded")
        .order_by(Run.id.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"network {elide(network, 40)!r} has no finished plan yet")
    return Found(*row)


def _delivery_target(user: User, hospital: str | None, network: str | None) -> tuple[str, str]:
    """The (hospital, network) whose deliveries ``user`` asks for, checked."""
    hospital = hospital or (user.site if user.role == "hospital" else None)
    network = network or user.network
    if hospital is None or network is None:
        raise InputError("give hospital= and network= (the hospital's deliveries in which network)")
    if not hospital.isprintable():
        raise InputError(f"hospital {elide(hospital, 40)!r}: give a site name (printable text)")
    require_network(user, check_name(network))
    if user.role == "hospital" and hospital != user.site:
        raise NotFoundError(f"no hospital {elide(hospital, 40)!r} of yours")
    return hospital, network


def deliveries(
    session: Session,
    user: User,
    *,
    hospital: str | None,
    network: str | None,
    run_id: int | None = None,
) -> list[Row]:
    """The doses of a hospital in a plan (default: the newest succeeded plan of the network),
    each with its shipment's arrival time and its administration time (the ETAs).

    Raises
    ------
    ForbiddenError
        A producer (403).
    NotFoundError
        A hospital or network of another tenant, no plan yet (404).
    InputError
        No hospital or network given where they are needed (400).
    """
    require_role(user, DELIVERY_READERS, "read deliveries")
    hospital, network = _delivery_target(user, hospital, network)
    found = _delivery_run(session, user, network, run_id)
    if found.network != network:
        raise NotFoundError(f"run {found.run.id} is not a plan of network {elide(network, 40)!r}")
    if user.role == "radiopharmacy":
        region = facts(session, found.version_id).region(user.site or "")
        if hospital not in region:
            raise NotFoundError(f"no hospital {elide(hospital, 40)!r} in your region")
    result = found.run.result or {}
    tables = result.get("tables", {})
    arrivals = {s.get("shipment"): s.get("arrival_time") for s in tables.get("shipments", [])}
    return [
        {
            "run": found.run.id,
            "appointment": d.get("appointment"),
            "hospital": d.get("hospital"),
            "product": d.get("product"),
            "status": d.get("status"),
            "planned_date": d.get("planned_date"),
            "administration_time": d.get("administration_time") or None,
            "arrival_time": arrivals.get(d.get("shipment")) or None,
            "shipment": d.get("shipment") or None,
            "activity_at_administration_bq": d.get("activity_at_administration_bq"),
            "prescribed_activity_bq": d.get("prescribed_activity_bq"),
            "reason": d.get("reason") or None,
        }
        for d in tables.get("doses", [])
        if d.get("hospital") == hospital
    ]
