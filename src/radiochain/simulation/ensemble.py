"""Ensembles of runs on Dask: in-process, on a local cluster, or on an existing scheduler.

Every run gets its own child of one :class:`numpy.random.SeedSequence`
(``SeedSequence(seed).spawn(runs)``) and draws only from it, so the same seed gives the same
result bit for bit whatever the chunking or the number of workers. Runs are grouped in chunks
(one Dask task each); the dispatch rule is vectorized inside a chunk.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import importlib
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from radiochain.errors import InputError, elide
from radiochain.simulation.dispatch import (
    Disruptions,
    dispatch,
    draw_run,
    event_log,
    resolve,
)
from radiochain.simulation.scenario import Scenario
from radiochain.simulation.template import PlanTemplate

Progress = Callable[[int, int], None]
_WORKERS_AND_SCHEDULER = (
    "--workers and --scheduler: give one (an existing scheduler's cluster has its own workers)"
)
_PER_RUN = (
    "activity_wasted_bq",
    "cost",
    "outages",
    "deliveries_lost",
    "batch_failures",
    "refusals",
)


@dataclass
class EnsembleResult:
    """Per-run KPIs, weekly counts and (optionally) the event log of an ensemble.

    Attributes
    ----------
    runs : DataFrame
        One row per run: ``run, appointments, treated_on_day, delayed, missed,
        missed_fraction, unserved_by_plan`` (appointments the plan itself cannot serve, in
        ``missed``), ``missed_disrupted, missed_disrupted_fraction`` (missed because of
        disruptions), ``delay_mean_d, delayed_1d, delayed_2_3d, delayed_4d_plus,
        activity_wasted_bq, cost, outages, deliveries_lost, batch_failures, refusals``.
    weekly : DataFrame
        Tidy: ``run, week, appointments, treated_on_day, delayed, missed``.
    events : DataFrame or None
        ``run, kind, target, start_h, end_h, start_date`` (with ``events=True``).
    """

    runs: pd.DataFrame
    weekly: pd.DataFrame
    events: pd.DataFrame | None
    weeks: int
    seed: int
    scenario: Scenario
    meta: dict[str, Any] = field(default_factory=dict)


def simulate_chunk(
    template: PlanTemplate,
    scenario: Scenario,
    weeks: int,
    seeds: list[np.random.SeedSequence],
    first_run: int,
    events: bool = False,
    disruptions: Disruptions | None = None,
) -> tuple[dict[str, np.ndarray], pd.DataFrame | None]:
    """Run a chunk of runs (one Dask task): draws from each run's own seed, then dispatch."""
    disruptions = disruptions or resolve(template, scenario, weeks)
    draws = [
        draw_run(template, scenario, disruptions, weeks, np.random.default_rng(s)) for s in seeds
    ]
    out = dispatch(template, scenario, disruptions, draws, weeks)
    log = event_log(template, disruptions, draws, first_run) if events else None
    return out, log


def _tables(
    parts: list[dict[str, np.ndarray]], weeks: int, first: list[int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    keys = parts[0].keys()
    merged = {k: np.concatenate([p[k] for p in parts]) for k in keys}
    n = len(merged["cost"])
    run = np.arange(n) + (min(first) if first else 0)
    hist = merged["delay_days"]
    days = np.arange(hist.shape[1])
    delayed = hist.sum(axis=1)
    total = {
        k: merged[f"weekly_{k}"].sum(axis=1)
        for k in ("appointments", "treated_on_day", "delayed", "missed")
    }
    runs = pd.DataFrame(
        {
            "run": run,
            "appointments": total["appointments"].astype(np.int64),
            "treated_on_day": total["treated_on_day"].astype(np.int64),
            "delayed": total["delayed"].astype(np.int64),
            "missed": total["missed"].astype(np.int64),
            "missed_fraction": total["missed"] / total["appointments"],
            "unserved_by_plan": merged["unserved_by_plan"].astype(np.int64),
            "missed_disrupted": (total["missed"] - merged["unserved_by_plan"]).astype(np.int64),
            "missed_disrupted_fraction": (total["missed"] - merged["unserved_by_plan"])
            / total["appointments"],
            "delay_mean_d": np.divide(
                (hist * days).sum(axis=1), delayed, out=np.zeros(n), where=delayed > 0
            ),
            "delayed_1d": hist[:, : min(2, hist.shape[1])].sum(axis=1).astype(np.int64),
            "delayed_2_3d": hist[:, 2:4].sum(axis=1).astype(np.int64),
            "delayed_4d_plus": hist[:, 4:].sum(axis=1).astype(np.int64),
        }
        | {k: merged[k] for k in _PER_RUN}
    )
    weekly = pd.DataFrame(
        {
            "run": np.repeat(run, weeks),
            "week": np.tile(np.arange(weeks), n),
        }
        | {k: merged[f"weekly_{k}"].reshape(-1).astype(np.int64) for k in total}
    )
    return runs, weekly


def chunk_sizes(runs: int, workers: int, chunk: int | None = None) -> list[int]:
    """Runs per task: about four tasks per worker, at most 25 runs (memory) per task."""
    size = chunk or max(1, min(25, math.ceil(runs / max(1, 4 * workers))))
    return [min(size, runs - i) for i in range(0, runs, size)]


def run_ensemble(
    template: PlanTemplate,
    scenario: Scenario,
    *,
    weeks: int,
    runs: int,
    seed: int,
    workers: int = 1,
    scheduler: str | None = None,
    chunk: int | None = None,
    events: bool = False,
    progress: Progress | None = None,
    client: Any = None,
) -> EnsembleResult:
    """Simulate ``runs`` runs of ``weeks`` weeks with the dispatch rule.

    Parameters
    ----------
    template : PlanTemplate
        The weekly plan (:func:`~radiochain.simulation.template.plan_template`).
    scenario : Scenario
    weeks, runs : int
    seed : int
        Root of the :class:`numpy.random.SeedSequence`; run ``i`` uses child ``i``.
    workers : int
        1: Dask's synchronous scheduler in this process; more: a ``distributed.LocalCluster``
        with that many worker processes.
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``); overrides ``workers``.
    chunk : int, optional
        Runs per task (default: about four tasks per worker, at most 25).
    events : bool
        Keep the event log.
    progress : callable, optional
        ``progress(done_runs, total_runs)`` after each task.
    client : distributed.Client, optional
        Use this client (tests, notebooks).
    """
    if weeks < 1 or runs < 1:
        raise InputError(f"--weeks {weeks} and --runs {runs}: give at least 1 each")
    if workers < 1:
        raise InputError(f"--workers {workers}: give at least 1")
    if scheduler is not None:
        scheduler = check_scheduler(scheduler)
        if workers != 1:
            raise InputError(_WORKERS_AND_SCHEDULER)
    disruptions = resolve(template, scenario, weeks)
    seeds = np.random.SeedSequence(seed).spawn(runs)
    sizes = chunk_sizes(runs, 1 if (workers == 1 and not scheduler) else workers, chunk)
    firsts = list(np.cumsum([0, *sizes[:-1]]).astype(int))
    results: list[tuple[dict[str, np.ndarray], pd.DataFrame | None] | None] = [None] * len(sizes)
    done = 0
    if client is None and workers == 1 and not scheduler:
        dask: Any = importlib.import_module("dask")

        for i, (first, size) in enumerate(zip(firsts, sizes, strict=True)):
            bound = functools.partial(simulate_chunk, template, scenario, weeks)
            task = dask.delayed(bound, pure=True)(
                seeds[first : first + size], first, events, disruptions
            )
            results[i] = dask.compute(task, scheduler="synchronous")[0]
            done += size
            if progress:
                progress(done, runs)
    else:
        results = _run_distributed(
            template,
            scenario,
            disruptions,
            weeks,
            seeds,
            firsts,
            sizes,
            events,
            workers,
            scheduler,
            client,
            progress,
        )
    parts = [r[0] for r in results if r is not None]
    runs_table, weekly = _tables(parts, weeks, firsts)
    logs = [r[1] for r in results if r is not None and r[1] is not None]
    return EnsembleResult(
        runs=runs_table,
        weekly=weekly,
        events=pd.concat(logs, ignore_index=True) if events and logs else None,
        weeks=weeks,
        seed=seed,
        scenario=scenario,
        meta={"tasks": len(sizes), "workers": workers, "scheduler": scheduler},
    )


SCHEDULER_TIMEOUT_S = 20.0
"""How long to wait for an existing Dask scheduler to answer [s]."""
_ADDRESS = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<rest>.*)$", re.S)
_HOST_PORT = re.compile(
    r"^(?P<host>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])"
    r"(?::(?P<port>[0-9]*))?$",
    re.ASCII,
)
_OTHER_SCHEMES = {
    "tls": "needs TLS certificates (Dask security settings), which radiochain does not take",
    "wss": "needs TLS certificates (Dask security settings), which radiochain does not take",
    "ucx": "needs the UCX transport (ucx-py), which radiochain does not use",
    "inproc": "is a scheduler inside one Python process, which radiochain cannot reach",
    "http": "is a web address (the dashboard's?), not the scheduler's",
    "https": "is a web address (the dashboard's?), not the scheduler's",
    "ws": "is Dask's websocket transport, which radiochain does not use",
}


def check_scheduler(address: str, what: str = "--scheduler") -> str:
    """An existing Dask scheduler's address, ``tcp://HOST:PORT`` (port 1 to 65535).

    Raises
    ------
    InputError
        Any other form; ``tls://``, ``ucx://``, ``inproc://`` and ``ws://`` with the reason.
    """
    example = "give a Dask scheduler address such as 'tcp://host:8786'"
    text = address if isinstance(address, str) else ""
    shown = elide(address)
    m = _ADDRESS.match(text.strip())
    if m is None:
        raise InputError(f"{what} {shown!r}: {example}")
    scheme = m["scheme"].lower()
    if scheme in _OTHER_SCHEMES:
        raise InputError(
            f"{what} {shown!r}: {scheme}:// {_OTHER_SCHEMES[scheme]} (give a tcp:// address)"
        )
    hp = _HOST_PORT.match(m["rest"])
    if scheme != "tcp" or hp is None:
        raise InputError(f"{what} {shown!r}: {example}")
    if not hp["port"]:
        raise InputError(f"{what} {shown!r}: no port (Dask's default is 8786: 'tcp://host:8786')")
    if not 1 <= int(hp["port"]) <= 65_535:
        raise InputError(f"{what} {shown!r}: port {elide(hp['port'], 12)} is not 1 to 65535")
    return f"tcp://{m['rest']}"


async def _handshake(address: str, timeout_s: float) -> dict[str, Any]:
    """Open one comm to ``address`` and read the peer's Dask handshake, within the deadline
    (Dask's own connect waits for the handshake without one)."""
    comm_module: Any = importlib.import_module("distributed.comm")
    comm = await asyncio.wait_for(comm_module.connect(address, timeout=timeout_s), timeout_s)
    try:
        return dict(comm.remote_info)
    finally:
        await comm.close()


def connect_scheduler(address: str, timeout_s: float = SCHEDULER_TIMEOUT_S) -> Any:
    """A ``distributed.Client`` of the Dask scheduler at ``address``, or a one-line error
    within about ``timeout_s`` (twice at most: the handshake, then the client).

    Whatever answers there is first asked for Dask's handshake in a thread of its own with a
    hard deadline, so a server that is not a Dask scheduler (a web server, one that sends
    garbage and closes) is refused instead of hanging or failing inside Dask.

    Raises
    ------
    InputError
        Nothing answers, or what answers is not a Dask scheduler.
    """
    address = check_scheduler(address)
    problem = (
        f"cannot talk to the Dask scheduler {elide(address)!r}: not a Dask scheduler or not "
        "reachable"
    )
    pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="radiochain-probe")
    try:
        info = pool.submit(asyncio.run, _handshake(address, timeout_s)).result(timeout_s + 5.0)
    except Exception as err:  # a garbage answer fails anywhere in Dask, even as MemoryError
        raise InputError(f"{problem} ({_reason(err, timeout_s)})") from None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    if "pickle-protocol" not in info:
        raise InputError(f"{problem} (it did not answer Dask's handshake)")
    distributed: Any = importlib.import_module("distributed")
    try:
        return distributed.Client(address, timeout=f"{timeout_s:g}s")
    except Exception as err:  # a scheduler that stops answering half-way
        raise InputError(f"{problem} ({_reason(err, timeout_s)})") from None


def _reason(err: BaseException, timeout_s: float) -> str:
    if isinstance(err, TimeoutError | asyncio.TimeoutError | concurrent.futures.TimeoutError):
        return f"no answer within {timeout_s:g} s"
    if isinstance(err, MemoryError):
        return "its answer is not Dask's protocol"
    return elide(f"{type(err).__name__}: {err}", 100)


# Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 in its workers, which turns off glibc's
# dynamic mmap threshold: every large NumPy temporary is then mmap'ed and unmapped again, and
# the dispatch kernel runs 2.5 times slower than in-process (measured). Keep the heap instead.
WORKER_ENVIRON = {
    "MALLOC_TRIM_THRESHOLD_": str(2**30),
    "MALLOC_MMAP_THRESHOLD_": str(2**25),
}


def local_cluster(workers: int) -> Any:
    """A ``distributed.LocalCluster`` of ``workers`` single-threaded processes on loopback,
    with the malloc settings of :data:`WORKER_ENVIRON`."""
    dask: Any = importlib.import_module("dask")
    distributed: Any = importlib.import_module("distributed")
    environ = {f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in WORKER_ENVIRON.items()}
    with dask.config.set(environ):
        return distributed.LocalCluster(
            n_workers=workers,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
            host="127.0.0.1",
        )


@contextlib.contextmanager
def dask_client(workers: int = 1, scheduler: str | None = None) -> Iterator[Any]:
    """The Dask client ensembles run on, open for the ``with`` block: ``None`` (in this
    process) for one worker, a :func:`local_cluster` of ``workers`` processes, or the existing
    scheduler at ``scheduler`` (:func:`connect_scheduler`).

    Raises
    ------
    InputError
        A scheduler address that is not ``tcp://HOST:PORT``, or nothing there that answers
        as a Dask scheduler.
    """
    if scheduler is not None:
        client = connect_scheduler(scheduler)
        try:
            yield client
        finally:
            client.close()
    elif workers > 1:
        distributed: Any = importlib.import_module("distributed")
        cluster = local_cluster(workers)
        try:
            with distributed.Client(cluster) as client:
                yield client
        finally:
            cluster.close()
    else:
        yield None


def _run_distributed(
    template: PlanTemplate,
    scenario: Scenario,
    disruptions: Disruptions,
    weeks: int,
    seeds: list[np.random.SeedSequence],
    firsts: list[int],
    sizes: list[int],
    events: bool,
    workers: int,
    scheduler: str | None,
    client: Any,
    progress: Progress | None,
) -> list[tuple[dict[str, np.ndarray], pd.DataFrame | None] | None]:
    as_completed = importlib.import_module("distributed").as_completed
    given = contextlib.nullcontext(client) if client is not None else None
    with given or dask_client(workers if scheduler is None else 1, scheduler) as c:
        try:
            shared = c.scatter([template, scenario, disruptions], broadcast=True, hash=False)
            futures = [
                c.submit(
                    simulate_chunk,
                    shared[0],
                    shared[1],
                    weeks,
                    seeds[first : first + size],
                    first,
                    events,
                    shared[2],
                    pure=False,
                )
                for first, size in zip(firsts, sizes, strict=True)
            ]
            index = {f.key: i for i, f in enumerate(futures)}
            results: list[tuple[dict[str, np.ndarray], pd.DataFrame | None] | None] = [None] * len(
                futures
            )
            done = 0
            for future in as_completed(futures):
                i = index[future.key]
                results[i] = future.result()
                done += sizes[i]
                if progress:
                    progress(done, sum(sizes))
            return results
        except OSError as err:  # the scheduler went away during the run
            lost = f"the Dask scheduler {elide(scheduler)!r}" if scheduler else "the Dask cluster"
            raise InputError(f"lost {lost} during the run ({elide(err, 100)})") from None
