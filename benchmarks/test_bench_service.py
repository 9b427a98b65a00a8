"""The service's numbers (issue #12, ``make bench``), measured against the real server process
(``radiochain serve``: one uvicorn process -- the command has no workers option and the job
runner wants one process per database) over HTTP:

1. planning china-2025 through the API: seconds from ``POST /runs`` to the plan's result
   readable; the first run includes starting the local Dask cluster. Target <= 10 s.
2. 100 concurrent clients -- 70 hospital users (each a hospital of china-2025) placing orders
   with Idempotency-Keys (half their requests) and reading their own, 20 radiopharmacies and
   10 regulators reading orders, runs and the network -- against PostgreSQL on this machine,
   then the same on SQLite (no target there). After a warm-up (each user's first request),
   a paced phase: each client pauses between requests (uniform 0 to 2 s, mean ``THINK_S``:
   people at desks, about 90 requests/s in all); then a flood phase without pauses, for the
   server's ceiling. Targets (paced, PostgreSQL): 0 errors, p95 read < 300 ms, p95 order
   write < 500 ms. The machine's 2 cores are shared by the server, PostgreSQL and this load
   generator (a minimal asyncio HTTP/1.1 client, to stay lean): their CPU shares are printed.
3. kill -9 of the server during a stream of order writes (8 hospital users), 3 times per
   database: every acknowledged order is there exactly once after the restart, retries with
   the same Idempotency-Key and body create nothing twice and replay the original response.

Only correctness is asserted (errors, losses, duplicates, replays); the timings are printed
and saved under out/bench/service_*.json. ``RADIOCHAIN_BENCH_LOAD_S`` sets each load phase's
length (default 30 s).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.service.conftest import PASSWORD

from benchmarks.reporting import report
from benchmarks.service_load import (
    API,
    NETWORK,
    Server,
    create_users,
    fresh_postgres_database,
    import_network,
    kill_round,
    make_actors,
    postgres_server,
    run_load,
    sign_in,
    sign_in_all,
    warm_up,
)

pytestmark = pytest.mark.bench

LOAD_S = float(os.environ.get("RADIOCHAIN_BENCH_LOAD_S", "30"))
THINK_S = 1.0
"""Mean pause [s] of a client between two requests in the paced phase (uniform, 0 to 2 s)."""
ROUNDS = 3
KILL_WRITERS = 8


@pytest.fixture(scope="module")
def postgres() -> Iterator[str | None]:
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'radiochain.db'}"
    server = request.getfixturevalue("postgres")
    if server is None:
        pytest.skip("PostgreSQL is not installed (make system installs Debian's postgresql)")
    return fresh_postgres_database(server)


def _kind(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def _wait_for_plan(base: str, admin: dict[str, str], timeout_s: float = 600) -> dict[str, Any]:
    """Submit a plan of china-2025 and poll until its result is readable."""
    with httpx.Client(base_url=base, headers=admin, timeout=60) as http:
        start = time.perf_counter()
        reply = http.post(f"{API}/runs", json={"kind": "plan", "network": NETWORK})
        assert reply.status_code == 202, reply.text
        run_id = reply.json()["id"]
        while time.perf_counter() - start < timeout_s:
            run = http.get(f"{API}/runs/{run_id}").json()
            assert run["status"] not in ("failed", "cancelled"), run
            if run["status"] == "succeeded":
                result = http.get(f"{API}/runs/{run_id}/result")
                assert result.status_code == 200, result.text
                return {"visible_s": time.perf_counter() - start, "run": run,
                        "summary": result.json()["summary"]}  # fmt: skip
            time.sleep(0.05)
    pytest.fail(f"run {run_id} did not finish within {timeout_s} s")


def _iso_s(later: str, earlier: str) -> float:
    from datetime import datetime

    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds()


def test_plan_china_2025_through_the_api(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'radiochain.db'}"
    subprocess.run(
        [sys.executable, "-m", "radiochain", "users", "add", "admin", "--role", "admin",
         "--db", url],
        check=True, capture_output=True, env={**os.environ, "RADIOCHAIN_PASSWORD": PASSWORD},
    )  # fmt: skip
    server = Server(url, tmp_path / "server.log")
    rows = {"server_start_s": server.start()}
    try:
        admin = sign_in(server.base, "admin")
        rows["network_import_s"] = import_network(server.base, admin)
        for n in (1, 2):
            found = _wait_for_plan(server.base, admin)
            run = found["run"]
            rows[f"run{n}_submit_to_plan_visible_s"] = found["visible_s"]
            rows[f"run{n}_queued_s"] = _iso_s(run["started_at"], run["created_at"])
            rows[f"run{n}_on_worker_s"] = _iso_s(run["finished_at"], run["started_at"])
        kpis = found["summary"].get("kpis") or {}
        for key in ("appointments", "treated_on_day", "moved", "unserved", "batches"):
            if isinstance(kpis.get(key), int | float):
                rows[f"run2_{key}"] = float(kpis[key])
    finally:
        server.stop()
    rows["target_s"] = 10.0
    report("service_plan_china-2025", rows)


def test_100_concurrent_clients(database_url: str, tmp_path: Path) -> None:
    kind = _kind(database_url)
    actors = make_actors(hospitals=70, pharmacies=20, regulators=10)
    create_users(database_url, actors)
    server = Server(database_url, tmp_path / "server.log")
    server.start()
    try:
        admin = sign_in(server.base, "admin")
        import_network(server.base, admin)
        start = time.perf_counter()
        headers = sign_in_all(server.base, [a.username for a in actors])
        sign_in_s = time.perf_counter() - start
        start = time.perf_counter()
        known = warm_up(server, actors, headers)
        warm_up_s = time.perf_counter() - start
        paced, tally = run_load(server, actors, headers, LOAD_S, THINK_S, "paced_", known)
        flood, flood_tally = run_load(server, actors, headers, LOAD_S, 0.0, "flood_", known)
    finally:
        server.stop()
    rows = {
        "cores": float(os.cpu_count() or 0),
        "load_average_1min_at_end": os.getloadavg()[0],
        "server_processes": 1.0,
        "sign_in_100_users_s": sign_in_s,
        "warm_up_s": warm_up_s,
        "warm_up_first_order_s": known.cold_first_order_s,
    }
    rows |= paced | flood
    if kind == "postgresql":
        rows |= {"target_paced_read_p95_ms": 300.0, "target_paced_write_p95_ms": 500.0}
    report(f"service_load_{kind}", rows)
    print(
        f"  ({kind}: 1 server process; the load generator, the server"
        f"{' and PostgreSQL' if kind == 'postgresql' else ''} share {os.cpu_count()} cores;"
        f" {'targets apply' if kind == 'postgresql' else 'no target on SQLite'})"
    )
    assert not tally.errors, tally.errors.most_common(5)
    assert not flood_tally.errors, flood_tally.errors.most_common(5)


def test_kill_9_during_order_writes(database_url: str, tmp_path: Path) -> None:
    kind = _kind(database_url)
    writers = make_actors(hospitals=KILL_WRITERS, pharmacies=0, regulators=0)
    create_users(database_url, writers)
    server = Server(database_url, tmp_path / "server.log")
    server.start()
    try:
        headers = sign_in_all(server.base, ["admin", *(a.username for a in writers)])
        import_network(server.base, headers["admin"])
    finally:
        server.stop()
    rounds = [
        kill_round(server, writers, headers, "admin", tag=f"r{i}", seed=i) for i in range(ROUNDS)
    ]
    rows: dict[str, float] = {"rounds": float(ROUNDS), "writers": float(KILL_WRITERS)}
    for key in rounds[0]:
        total = sum(r[key] for r in rounds)
        rows[key] = total / ROUNDS if key.endswith("_s") else total
    rows["audit_ok"] = float(all(r["audit_ok"] for r in rounds))
    for i, r in enumerate(rounds):
        rows[f"round{i}_acknowledged"] = r["acknowledged"]
        rows[f"round{i}_in_flight_at_kill"] = r["in_flight_at_kill"]
    report(f"service_kill9_{kind}", rows)
    for r in rounds:
        assert r["unexpected_before_kill"] == 0, r
        assert r["retry_refused"] == 0, r
        assert r["lost"] == 0, r
        assert r["duplicates"] == 0, r
        assert r["missing_after_retry"] == 0, r
        assert r["replay_mismatch"] == 0, r
        assert r["audit_ok"] == 1, r
