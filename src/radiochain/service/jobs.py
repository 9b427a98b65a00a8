"""Runs as jobs on Dask: never inside a request.

A request only stores a run (status ``queued``) and hands its id to the :class:`JobRunner`.
The runner's watcher thread submits the run's pure task (:func:`radiochain.service.tasks.
run_on_worker`: the stored network bytes, orders snapshot and options in, plain JSON out) to
Dask — a ``distributed.LocalCluster`` of ``settings.local_workers`` single-threaded processes,
made on the first job, or the scheduler at ``settings.scheduler`` (``tcp://host:8786``) — and
writes what happens into the database: ``running`` (with ``started_at``) when a worker starts
it, progress from the library's progress callback (stress tests: runs done / runs), then
``succeeded`` or ``failed`` with the result or the one-line reason.

- **Cancellation** (:meth:`JobRunner.cancel`): the request marks the run ``cancelled`` at once;
  the runner cancels the Dask future, tells a running stress test to stop (a Dask event it
  checks between ensemble tasks) and restarts the local worker that runs it; a result that
  still arrives is discarded (every status write is conditional on the run being unfinished).
- **Time limit**: a run still running ``settings.job_time_limit_s`` after its worker started it
  is failed with the reason and stopped like a cancelled one; a result that arrives after the
  limit is discarded too. A plan's own ``time_limit`` bounds its solver (HiGHS returns the best
  plan found by then, with its gap) and may not exceed the job limit.
- **Restart**: a run that was ``running`` when the service stopped is failed
  (``interrupted``) when a runner starts on the database; runs still ``queued`` are submitted
  again (their inputs are stored). :meth:`JobRunner.close` (the app's shutdown) fails the runs
  it was running the same way and closes the cluster.

One runner per service process: two server processes on one database would each take the other's
running runs for interrupted ones.
"""

from __future__ import annotations

import importlib
import logging
import queue
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from radiochain.errors import RadiochainError, elide, one_line
from radiochain.service import audit, tasks
from radiochain.service.db import Database
from radiochain.service.models import NetworkVersion, Run, utcnow
from radiochain.service.settings import Settings

log = logging.getLogger("radiochain.service.jobs")

UNFINISHED = ("queued", "running")
"""Statuses of a run that may still change."""
FINISHED = ("succeeded", "failed", "cancelled")
"""Final statuses."""
ACTOR = "jobs"
"""Who the audit trail names for the runner's changes."""
INTERRUPTED = "interrupted: the service stopped while the run was running (submit it again)"
RETRY_CONNECT_S = 30.0
"""After the scheduler could not be reached, runs submitted within this many seconds fail with
the same reason at once instead of each waiting for its own connection timeout."""


@dataclass
class _Active:
    """A run submitted to Dask."""

    run_id: int
    future: Any
    submitted: float  # time.monotonic()
    started: float | None = None


def recover(database: Database) -> list[int]:
    """At start: fail the runs left ``running`` by a stopped service (``interrupted``) and
    return the ids of the runs still ``queued`` (to submit again), oldest first."""
    with database.session() as session:
        stale = session.execute(select(Run.id).where(Run.status == "running")).scalars().all()
        for run_id in stale:
            finish(session, run_id, "failed", INTERRUPTED)
        queued = session.execute(
            select(Run.id).where(Run.status == "queued").order_by(Run.id)
        ).scalars()
        return list(queued)


def rowcount(result: Any) -> int:
    """Rows an UPDATE changed."""
    return int(result.rowcount)


def finish(
    session: Session,
    run_id: int,
    status: str,
    message: str,
    result: dict[str, Any] | None = None,
    *,
    actor: str = ACTOR,
) -> bool:
    """Give an unfinished run its final status (audited); False when it had one already (a
    cancelled run keeps ``cancelled`` whatever its task returns)."""
    values: dict[str, Any] = {
        "status": status,
        "message": one_line(message) if message else "",
        "finished_at": utcnow(),
    }
    if status == "succeeded":
        values["progress"] = 1.0
    if result is not None:
        values["result"] = result
    changed = rowcount(
        session.execute(
            update(Run).where(Run.id == run_id, Run.status.in_(UNFINISHED)).values(**values)
        )
    )
    if changed:
        audit.append(
            session, actor=actor, action=f"run.{status}", entity="run", entity_id=run_id,
            after={"status": status, "message": values["message"]},
        )  # fmt: skip
    return bool(changed)


class JobRunner:
    """Submits runs to Dask and keeps their rows up to date (see the module docstring).

    Parameters
    ----------
    settings : Settings
        ``scheduler``, ``local_workers``, ``local_processes``, ``job_time_limit_s``.
    database : Database
    """

    def __init__(self, settings: Settings, database: Database) -> None:
        self.settings = settings
        self.database = database
        self.topic = f"radiochain-runs-{uuid.uuid4().hex[:12]}"
        self._commands: queue.SimpleQueue[tuple[str, int]] = queue.SimpleQueue()
        self._events: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._active: dict[int, _Active] = {}
        self._client: Any = None
        self._cluster: Any = None
        self._closed = False
        self._unreachable: tuple[float, str] | None = None  # (time.monotonic(), reason)
        for run_id in recover(database):
            self.submit(run_id)

    # what requests call ------------------------------------------------------------------------
    def submit(self, run_id: int) -> None:
        """Queue a stored run (status ``queued``, committed) for Dask."""
        self._command("submit", run_id)

    def cancel(self, run_id: int) -> None:
        """Stop a run already marked ``cancelled`` (its future, its task, its worker)."""
        self._command("cancel", run_id)

    def _command(self, what: str, run_id: int) -> None:
        with self._lock:
            if self._closed:
                return
            self._commands.put((what, run_id))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="radiochain-jobs", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def close(self) -> None:
        """Stop the watcher, fail the runs a worker was running (``interrupted``; runs still
        waiting stay ``queued`` and are submitted again at the next start), close Dask."""
        with self._lock:
            self._closed = True
            thread = self._thread
        self._stop.set()
        self._wake.set()
        if thread is not None:
            thread.join(timeout=60)
        try:  # runs a worker had started are lost; those still waiting stay queued
            with self.database.session() as session:
                for active in self._active.values():
                    if active.started is not None:
                        finish(session, active.run_id, "failed", INTERRUPTED)
        except Exception:  # the database may be gone at shutdown; the next start recovers
            log.exception("could not mark the running runs interrupted")
        self._active.clear()
        self._close_dask()

    def _close_dask(self) -> None:
        for thing in (self._client, self._cluster):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # closing is best effort at shutdown
                    log.exception("closing Dask")
        self._client = self._cluster = None

    # the watcher thread --------------------------------------------------------------------------
    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                self._step()
            except Exception:  # a database hiccup: keep watching, try again
                log.exception("the job watcher failed a step")
                time.sleep(1.0)
            self._wake.wait(0.2)
            self._wake.clear()

    def _step(self) -> None:
        while not self._stop.is_set():
            try:
                what, run_id = self._commands.get_nowait()
            except queue.Empty:
                break
            if what == "submit":
                self._submit(run_id)
            else:
                self._cancel(run_id)
        self._take_events()
        self._take_results()
        self._enforce_time_limit()

    # submission ----------------------------------------------------------------------------------
    def _connect(self) -> Any:
        """The Dask client, made on first use: the configured scheduler or a local cluster."""
        if self._client is None:
            if self.settings.scheduler:
                self._client = self._remote_client(self.settings.scheduler)
            else:
                self._client = self._local_client()
            self._client.subscribe_topic(self.topic, self._on_event)
        return self._client

    def _remote_client(self, address: str) -> Any:
        """The client of the scheduler at ``address``; a failure is remembered for
        :data:`RETRY_CONNECT_S` so a queue of runs fails at once, not one timeout each."""
        from radiochain.simulation.ensemble import connect_scheduler

        if self._unreachable is not None:
            since, reason = self._unreachable
            if time.monotonic() - since < RETRY_CONNECT_S:
                raise RadiochainError(reason)
        try:
            return connect_scheduler(address)
        except RadiochainError as err:
            self._unreachable = (time.monotonic(), str(err))
            raise

    def _local_client(self) -> Any:
        distributed: Any = importlib.import_module("distributed")

        from radiochain.simulation.ensemble import local_cluster

        workers = self.settings.local_workers
        if self.settings.local_processes:
            self._cluster = local_cluster(workers)
        else:
            self._cluster = distributed.LocalCluster(
                n_workers=workers, processes=False, threads_per_worker=1,
                dashboard_address=":0",  # a free port: parallel clusters never collide
            )  # fmt: skip
        return distributed.Client(self._cluster)

    def _on_event(self, event: Any) -> None:
        """Dask calls this (in its own thread) for every event of the runner's topic."""
        _, message = event
        if isinstance(message, dict):
            self._events.put(message)
            self._wake.set()

    def _submit(self, run_id: int) -> None:
        with self.database.session(readonly=True) as session:
            row = session.execute(
                select(Run, NetworkVersion)
                .join(NetworkVersion, NetworkVersion.id == Run.network_version_id)
                .where(Run.id == run_id)
            ).one_or_none()
            if row is None or row[0].status != "queued" or run_id in self._active:
                return
            run, version = row
            arguments = (run.kind, version.payload, list(run.orders), dict(run.options))
            name = version.name
        try:
            client = self._connect()
        except RadiochainError as err:  # a scheduler that cannot be reached, said in the run
            self._finish(run_id, "failed", f"cannot start the job: {err}")
            return
        except Exception as err:
            self._finish(
                run_id, "failed", f"cannot start the job ({type(err).__name__}: {elide(str(err))})"
            )
            return
        future = client.submit(
            tasks.run_on_worker, run_id, *arguments, name, self.topic,
            key=f"radiochain-run-{run_id}-{uuid.uuid4().hex[:8]}", pure=False,
        )  # fmt: skip
        self._active[run_id] = _Active(run_id, future, time.monotonic())

    # progress and results -------------------------------------------------------------------------
    def _take_events(self) -> None:
        while True:
            try:
                message = self._events.get_nowait()
            except queue.Empty:
                return
            active = self._active.get(int(message.get("run", -1)))
            if active is None:
                continue
            if message.get("stage") == "running":
                self._started(active)
            elif message.get("stage") == "progress" and message.get("total"):
                if active.started is None:
                    self._started(active)
                share = min(1.0, max(0.0, float(message["done"]) / float(message["total"])))
                with self.database.session() as session:
                    session.execute(
                        update(Run)
                        .where(Run.id == active.run_id, Run.status == "running")
                        .values(progress=share)
                    )

    def _started(self, active: _Active) -> None:
        active.started = time.monotonic()
        with self.database.session() as session:
            changed = rowcount(
                session.execute(
                    update(Run)
                    .where(Run.id == active.run_id, Run.status == "queued")
                    .values(status="running", started_at=utcnow())
                )
            )
            if changed:
                audit.append(
                    session, actor=ACTOR, action="run.running", entity="run",
                    entity_id=active.run_id, after={"status": "running"},
                )  # fmt: skip

    def _take_results(self) -> None:
        for active in [a for a in self._active.values() if a.future.done()]:
            del self._active[active.run_id]
            if active.started is None:
                self._started(active)
            outcome = self._outcome(active)
            elapsed_s = outcome.get("elapsed_s")
            worked_too_long = (
                isinstance(elapsed_s, int | float) and elapsed_s > self.settings.job_time_limit_s
            )
            if worked_too_long or self._over_time(active):
                self._finish(active.run_id, "failed", self._time_limit_reason())
            elif outcome.get("status") != "cancelled":
                self._finish(
                    active.run_id,
                    str(outcome.get("status", "failed")),
                    str(outcome.get("message", "")),
                    outcome if "summary" in outcome else None,
                )
            active.future.release()

    @staticmethod
    def _outcome(active: _Active) -> dict[str, Any]:
        """What the task returned, or why it has nothing (cancelled, a lost worker)."""
        future = active.future
        if future.status == "cancelled":
            return {"status": "cancelled"}
        try:
            result = future.result(timeout=60)
        except Exception as err:  # a worker that died, a result that did not come back
            return {
                "status": "failed",
                "message": f"the job stopped ({type(err).__name__}: {elide(str(err), 200)})",
            }
        if not isinstance(result, dict):
            return {"status": "failed", "message": "the job returned no result"}
        return result

    def _finish(
        self, run_id: int, status: str, message: str, result: dict[str, Any] | None = None
    ) -> None:
        stored = None
        if result is not None:
            stored = {"summary": result["summary"], "tables": result["tables"]}
        with self.database.session() as session:
            finish(session, run_id, status, message, stored)

    # cancellation and the time limit --------------------------------------------------------------
    def _over_time(self, active: _Active) -> bool:
        started = active.started if active.started is not None else active.submitted
        return time.monotonic() - started > self.settings.job_time_limit_s

    def _time_limit_reason(self) -> str:
        return (
            f"time limit: still running after the service's job time limit "
            f"({self.settings.job_time_limit_s:g} s); the result was discarded"
        )

    def _enforce_time_limit(self) -> None:
        for active in list(self._active.values()):
            if active.started is not None and self._over_time(active):
                self._stop_task(active)
                self._finish(active.run_id, "failed", self._time_limit_reason())

    def _cancel(self, run_id: int) -> None:
        active = self._active.get(run_id)
        if active is not None:
            self._stop_task(active)

    def _stop_task(self, active: _Active) -> None:
        """Cancel the future, tell a running task to stop, restart its local worker."""
        distributed: Any = importlib.import_module("distributed")

        del self._active[active.run_id]
        client = self._client
        key = active.future.key
        try:
            distributed.Event(tasks.cancel_event_name(self.topic, active.run_id), client).set()
            workers = [w for w, keys in client.processing().items() if key in keys]
        except Exception:  # the scheduler is gone: nothing runs there any more
            workers = []
        active.future.cancel()
        if workers and self._cluster is not None and self.settings.local_processes:
            try:
                client.restart_workers(workers, timeout=60, raise_for_error=False)
            except Exception:
                log.exception("restarting worker %s", workers)
