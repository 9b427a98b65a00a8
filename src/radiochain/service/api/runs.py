"""Runs: plans and stress tests as jobs (start, list, read, cancel, results, deliveries).

Routes only check, store and enqueue: the work runs on Dask (:mod:`radiochain.service.jobs`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path, Query, Request

from radiochain.service import deps
from radiochain.service.jobs import JobRunner
from radiochain.service.schemas_runs import Delivery, RunCreate, RunPublic, RunResult
from radiochain.service.services import runs

router = APIRouter(tags=["runs"])

Status = Literal["queued", "running", "succeeded", "failed", "cancelled"]
Kind = Literal["plan", "stress_test"]
RunId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The run's id.")]


def _jobs(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.jobs
    return runner


@router.post("/runs", response_model=RunPublic, status_code=202)
def start_run(
    body: Annotated[RunCreate, Body()],
    user: deps.UserDep,
    session: deps.SessionDep,
    request: Request,
) -> RunPublic:
    """Start a plan or a stress test of a network version (default: the newest) with the
    network's active orders merged into its demand. Returns at once (status ``queued``);
    poll ``GET /runs/{id}``. Admin, or a radiopharmacy for its network."""
    found = runs.create_run(
        session,
        user,
        kind=body.kind,
        network=body.network,
        version=body.version,
        options=body.options.model_dump(exclude_unset=True),
        max_time_limit_s=deps.settings(request).job_time_limit_s,
    )
    reply = RunPublic(**runs.public(found))
    session.commit()  # the job runner reads the run from the database
    _jobs(request).submit(found.run.id)
    return reply


@router.get("/runs", response_model=list[RunPublic])
def list_runs(
    user: deps.UserDep,
    session: deps.SessionDep,
    network: Annotated[str | None, Query(max_length=128)] = None,
    status: Status | None = None,
    kind: Kind | None = None,
    before: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[RunPublic]:
    """The runs you may read, newest first (``before``: ids below it, for the next page)."""
    found = runs.list_runs(
        session, user, network=network, status=status, kind=kind, before=before, limit=limit
    )
    return [RunPublic(**runs.public(f)) for f in found]


@router.get("/runs/{run_id}", response_model=RunPublic)
def get_run(run_id: RunId, user: deps.UserDep, session: deps.SessionDep) -> RunPublic:
    """A run: status, progress, and the inputs that make its result reproducible."""
    return RunPublic(**runs.public(runs.get_run(session, user, run_id)))


@router.post("/runs/{run_id}/cancel", response_model=RunPublic)
def cancel_run(
    run_id: RunId,
    user: deps.UserDep,
    session: deps.SessionDep,
    request: Request,
) -> RunPublic:
    """Cancel a queued or running run: it is ``cancelled`` at once and whatever its job still
    returns is discarded (409 when it has finished already)."""
    found = runs.cancel_run(session, user, run_id)
    reply = RunPublic(**runs.public(found))
    session.commit()
    _jobs(request).cancel(run_id)
    return reply


@router.get("/runs/{run_id}/result", response_model=RunResult)
def get_result(run_id: RunId, user: deps.UserDep, session: deps.SessionDep) -> RunResult:
    """A finished run's summary and tables (only the rows of your site for scoped roles);
    409 while it has no result."""
    return RunResult(**runs.result_for(session, user, run_id))


@router.get("/deliveries", response_model=list[Delivery])
def deliveries(
    user: deps.UserDep,
    session: deps.SessionDep,
    hospital: Annotated[str | None, Query(max_length=128)] = None,
    network: Annotated[str | None, Query(max_length=128)] = None,
    run: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> list[Delivery]:
    """A hospital's doses in a plan (default: the newest succeeded plan of the network) with
    their arrival and administration times (ETAs). A hospital sees its own only."""
    rows = runs.deliveries(session, user, hospital=hospital, network=network, run_id=run)
    return [Delivery(**r) for r in rows]
