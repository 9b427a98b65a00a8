"""Runs through the API: plans and stress tests as jobs on Dask (a local cluster of threads
here, ``local_processes=False``), on SQLite and PostgreSQL.

Facts asserted come from outside the service: the library's own checker
(:func:`radiochain.planning.check_plan`) on the returned tables, the network's hospitals and
sites, the orders placed, and the stored inputs recomputed.
"""

from __future__ import annotations

import hashlib
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from radiochain.network.jsonio import parse_json_network
from radiochain.planning import PlanResult, PlanStatus, check_plan
from radiochain.service import tasks
from radiochain.service.app import create_app
from radiochain.service.models import NetworkVersion, Run
from radiochain.service.services.users import create_user
from radiochain.service.settings import Settings
from tests.service.conftest import PASSWORD, headers_for
from tests.service.world import network_bytes, order_body, post_network

API = "/api/v1"
FINISHED = ("succeeded", "failed", "cancelled")


def make_app(database_url: str, **settings: Any) -> Any:
    return create_app(Settings(database_url=database_url, local_processes=False, **settings))


@pytest.fixture
def app(database_url: str) -> Iterator[Any]:
    """The service with its jobs on a local Dask cluster of threads (fast to start)."""
    application = make_app(database_url)
    yield application
    application.state.db.dispose()


def store_network(app: Any, name: str = "tiny") -> bytes:
    """Store the test network as version 1 of ``name`` (what ``write_json`` writes)."""
    payload = network_bytes(name)
    with app.state.db.session() as session:
        session.add(
            NetworkVersion(
                name=name, version=1, content_hash=hashlib.sha256(payload).hexdigest(),
                payload=payload, dataset="radiochain", note="", created_by="test",
            )
        )  # fmt: skip
    return payload


def wait(client: TestClient, headers: dict[str, str], run_id: int, timeout_s: float = 300) -> Any:
    """Poll a run until it has finished (the deadline only stops a hung test)."""
    deadline = time.monotonic() + timeout_s
    while True:
        run = client.get(f"{API}/runs/{run_id}", headers=headers).json()
        if run["status"] in FINISHED or time.monotonic() > deadline:
            return run
        time.sleep(0.1)


def start(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    reply = client.post(f"{API}/runs", headers=headers, json={"network": "tiny", **body})
    assert reply.status_code == 202, reply.text
    return reply.json()


def place(client: TestClient, headers: dict[str, str], **changes: Any) -> Any:
    """Place an order through the orders API (with its idempotency key)."""
    key = {"Idempotency-Key": str(uuid.uuid4())}
    return client.post(f"{API}/orders", headers=headers | key, json=order_body(**changes))


@pytest.fixture
def admin(client: TestClient, make_user: Callable[..., str]) -> dict[str, str]:
    make_user("ada", "admin")
    return headers_for(client, "ada")


def plan_result(network: Any, summary: dict[str, Any], tables: dict[str, Any]) -> PlanResult:
    """A :class:`PlanResult` made of an API result's tables, for the library's checker."""
    frames = {k: pd.DataFrame(tables[k]) for k in tasks.PLAN_TABLES}
    for column in ("batch", "shipment", "via", "transfer_departure_time", "reason"):
        for frame in frames.values():
            if column in frame:
                frame[column] = frame[column].fillna("")
    return PlanResult(
        method=summary["method"], status=PlanStatus(summary["status"]), objective=None,
        report=None, kpis=summary["kpis"], dataset=summary["dataset"], start=summary["start"],
        days=summary["days"], **frames,
    )  # fmt: skip


# --- a plan end to end ----------------------------------------------------------------------------
def test_a_plan_of_tiny_end_to_end(app: Any, client: TestClient, admin: dict[str, str]) -> None:
    payload = store_network(app)
    queued = start(client, admin, kind="plan", options={"time_limit": "2 min", "gap": "1 %"})
    assert queued["status"] == "queued"
    inputs = queued["inputs"]
    assert (inputs["network"], inputs["version"]) == ("tiny", 1)
    assert inputs["content_hash"] == hashlib.sha256(payload).hexdigest()
    assert inputs["options"]["time_limit_s"] == 120
    assert inputs["options"]["mip_gap"] == pytest.approx(0.01)
    assert inputs["dataset"] == "radiochain"
    run = wait(client, admin, queued["id"])
    assert run["status"] == "succeeded", run["message"]
    assert run["progress"] == 1.0
    assert run["started_at"]
    assert run["finished_at"]
    result = client.get(f"{API}/runs/{run['id']}/result", headers=admin).json()
    summary, tables = result["summary"], result["tables"]
    assert summary["plan_check"]["ok"] is True
    assert summary["dataset"] == "radiochain"
    network = parse_json_network(payload, where="tiny.json")
    assert sorted(d["appointment"] for d in tables["doses"]) == sorted(network.demand.index)
    # the library's checker, given the tables the API returned, agrees with the stored verdict
    assert check_plan(network, plan_result(network, summary, tables)).ok
    listed = client.get(f"{API}/runs", headers=admin).json()
    assert [r["id"] for r in listed] == [run["id"]]
    trail = client.get(f"{API}/audit", headers=admin).json()
    runs = [e["action"] for e in trail if e["entity"] == "run"]
    assert runs == ["run.create", "run.running", "run.succeeded"]
    assert client.get(f"{API}/audit/verify", headers=admin).json()["ok"] is True


@pytest.mark.parametrize(
    ("kind", "options"),
    [("plan", {}), ("stress_test", {"weeks": 2, "runs": 10, "seed": 3})],
)
def test_a_result_is_reproduced_from_its_stored_inputs(
    app: Any, client: TestClient, admin: dict[str, str], kind: str, options: dict[str, Any]
) -> None:
    store_network(app)
    assert place(client, admin, patient="p-again", date="2026-01-07").status_code == 201
    run = wait(client, admin, start(client, admin, kind=kind, options=options)["id"])
    assert run["status"] == "succeeded", run["message"]
    assert run["inputs"]["orders"] == 1
    with app.state.db.session(readonly=True) as session:
        stored, version = session.execute(
            select(Run, NetworkVersion).join(NetworkVersion).where(Run.id == run["id"])
        ).one()
        again = tasks.execute(
            stored.kind, version.payload, stored.orders, stored.options, name=version.name
        )
        first = stored.result
    assert again["tables"] == first["tables"]
    assert without_runtimes(again["summary"]) == without_runtimes(first["summary"])


def without_runtimes(summary: dict[str, Any]) -> dict[str, Any]:
    solver = {
        k: v for k, v in (summary.get("solver") or {}).items() if k not in ("runtime_s", "build_s")
    }
    return {k: v for k, v in summary.items() if k != "runtime_s"} | {"solver": solver}


def test_a_stress_test_reports_progress_and_its_answers(
    app: Any, client: TestClient, admin: dict[str, str]
) -> None:
    store_network(app)
    options = {"weeks": 2, "runs": 30, "seed": 7, "reserve": "20 %"}
    queued = start(client, admin, kind="stress_test", options=options)
    assert queued["inputs"]["options"]["reserve_fraction"] == pytest.approx(0.2)
    run = wait(client, admin, queued["id"])
    assert run["status"] == "succeeded", run["message"]
    assert run["progress"] == 1.0
    result = client.get(f"{API}/runs/{run['id']}/result", headers=admin).json()
    assert len(result["tables"]["runs"]) == 30
    assert result["summary"]["runs"] == 30
    assert result["summary"]["seed"] == 7
    assert result["tables"]["answers"]


# --- refusals -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"kind": "plan", "options": {"days": 0}}, 400, "days"),
        ({"kind": "plan", "options": {"days": 400}}, 400, "366"),
        ({"kind": "plan", "options": {"time_limit": "2"}}, 400, "no unit"),
        ({"kind": "plan", "options": {"time_limit": 120}}, 400, "no unit"),
        ({"kind": "plan", "options": {"time_limit": "2 parsecs"}}, 400, "time_limit"),
        ({"kind": "plan", "options": {"time_limit": "8 d"}}, 400, "job time limit"),
        ({"kind": "plan", "options": {"gap": "150 %"}}, 400, "gap"),
        ({"kind": "plan", "options": {"gap": 1}}, 400, "below 1"),
        ({"kind": "plan", "options": {"start": "2026-02-30"}}, 400, "start"),
        ({"kind": "plan", "options": {"start": "9999-12-31"}}, 400, "start"),
        ({"kind": "plan", "options": {"method": "simplex"}}, 400, "milp"),
        ({"kind": "plan", "options": {"method": "greedy", "gap": 0.1}}, 400, "only the 'milp'"),
        ({"kind": "plan", "options": {"weights": {"speed": 1}}}, 400, "unknown weight"),
        ({"kind": "plan", "options": {"weights": {"unserved": 0}}}, 400, "unserved"),
        ({"kind": "plan", "options": {"seed": 1}}, 422, "seed"),
        ({"kind": "stress_test", "options": {"weeks": 0}}, 400, "weeks"),
        ({"kind": "stress_test", "options": {"runs": 1_000_000}}, 400, "runs"),
        ({"kind": "stress_test", "options": {"policy": "panic"}}, 400, "dispatch"),
        ({"kind": "stress_test", "options": {"reserve": "-1"}}, 400, "reserve"),
        ({"kind": "stress_test", "options": {"outage_duration": "2 d"}}, 400, "n_minus_1"),
        ({"kind": "stress_test", "options": {"n_minus_1": "x", "outage_start": "9 y"}}, 400, ""),
        ({"kind": "stress_test", "options": {"target": "missed < 5"}}, 400, "target"),
        ({"kind": "stress_test", "options": {"seed": -1}}, 422, "seed"),
        ({"kind": "forecast"}, 422, "kind"),
        ({"kind": "plan", "network": "atlantis"}, 404, "atlantis"),
        ({"kind": "plan", "network": "ti\x00ny"}, 400, "network"),
        ({"kind": "plan", "version": 9}, 404, "version 9"),
    ],
)
def test_bad_runs_are_refused_in_one_line(
    app: Any, client: TestClient, admin: dict[str, str], body: dict[str, Any], status: int,
    words: str,
) -> None:  # fmt: skip
    store_network(app)
    reply = client.post(f"{API}/runs", headers=admin, json={"network": "tiny", **body})
    assert reply.status_code == status, reply.text
    detail = reply.json()["detail"]
    assert words in detail
    assert "\n" not in detail
    assert client.get(f"{API}/runs", headers=admin).json() == []


def test_a_run_the_library_cannot_do_fails_with_its_reason(
    app: Any, client: TestClient, admin: dict[str, str]
) -> None:
    store_network(app)
    options = {"weeks": 2, "runs": 2, "n_minus_1": "no-such-reactor"}
    run = wait(client, admin, start(client, admin, kind="stress_test", options=options)["id"])
    assert run["status"] == "failed"
    assert "no-such-reactor" in run["message"]
    reply = client.get(f"{API}/runs/{run['id']}/result", headers=admin)
    assert reply.status_code == 409
    assert "no-such-reactor" in reply.json()["detail"]


# --- cancel, time limit, restart ------------------------------------------------------------------
def test_cancel_stops_a_run_at_once_and_its_result_is_discarded(
    app: Any, client: TestClient, admin: dict[str, str]
) -> None:
    store_network(app)
    big = {"weeks": 520, "runs": 100_000}
    queued = start(client, admin, kind="stress_test", options=big)
    deadline = time.monotonic() + 300
    while client.get(f"{API}/runs/{queued['id']}", headers=admin).json()["status"] == "queued":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    reply = client.post(f"{API}/runs/{queued['id']}/cancel", headers=admin)
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "cancelled"
    assert client.get(f"{API}/runs/{queued['id']}", headers=admin).json()["status"] == "cancelled"
    again = client.post(f"{API}/runs/{queued['id']}/cancel", headers=admin)
    assert again.status_code == 409
    # a small run after it still runs: the worker was freed
    small = start(client, admin, kind="stress_test", options={"weeks": 1, "runs": 2})
    assert wait(client, admin, small["id"])["status"] == "succeeded"
    assert wait(client, admin, queued["id"])["status"] == "cancelled"
    reply = client.get(f"{API}/runs/{queued['id']}/result", headers=admin)
    assert reply.status_code == 409
    assert "cancelled" in reply.json()["detail"]


def test_a_run_beyond_the_time_limit_fails_with_the_reason(database_url: str) -> None:
    application = make_app(database_url, job_time_limit_s=0.001)
    try:
        with TestClient(application) as client:
            store_network(application)
            with application.state.db.session() as session:
                create_user(session, username="ada", password=PASSWORD, role="admin")
            admin = headers_for(client, "ada")
            queued = start(client, admin, kind="stress_test", options={"weeks": 1, "runs": 1})
            run = wait(client, admin, queued["id"])
            assert run["status"] == "failed"
            assert "time limit" in run["message"]
            reply = client.get(f"{API}/runs/{run['id']}/result", headers=admin)
            assert reply.status_code == 409
    finally:
        application.state.db.dispose()


def test_runs_left_running_by_a_stopped_service_are_failed_as_interrupted(
    database_url: str,
) -> None:
    first = make_app(database_url)
    payload = store_network(first)
    with first.state.db.session() as session:
        version = session.execute(select(NetworkVersion)).scalar_one()
        for status in ("running", "queued"):
            session.add(
                Run(
                    kind="stress_test", network_version_id=version.id, orders=[],
                    options=tasks.stress_test_options({"weeks": 1, "runs": 2}),
                    dataset="radiochain", dataset_version="x", status=status, progress=0.0,
                    message="", created_by="ada",
                )
            )  # fmt: skip
    first.state.db.dispose()
    assert payload
    second = make_app(database_url)  # a restart on the same database
    try:
        with second.state.db.session(readonly=True) as session:
            running = session.execute(select(Run).where(Run.id == 1)).scalar_one()
            assert running.status == "failed"
            assert "interrupted" in running.message
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            with second.state.db.session(readonly=True) as session:
                queued = session.execute(select(Run).where(Run.id == 2)).scalar_one()
            if queued.status in FINISHED:
                break
            time.sleep(0.1)
        assert queued.status == "succeeded", queued.message  # submitted again at the start
    finally:
        second.state.jobs.close()
        second.state.db.dispose()


# --- orders and tenancy --------------------------------------------------------------------------
@pytest.fixture
def world(app: Any, client: TestClient, make_user: Callable[..., str]) -> dict[str, dict[str, str]]:
    """``tiny`` and ``other`` imported through the API, and a user of every role."""
    make_user("ada", "admin")
    ada = headers_for(client, "ada")
    for name in ("tiny", "other"):
        assert post_network(client, ada, network_bytes(name)).status_code == 201
    users = {
        "rex": ("regulator", None, None),
        "pharm": ("radiopharmacy", "tiny", "pharmacy"),
        "hosa": ("hospital", "tiny", "hospital-a"),
        "hosb": ("hospital", "tiny", "hospital-b"),
        "prod": ("producer", "tiny", "reactor"),
        "cyc": ("producer", "tiny", "cyclotron"),
        "opharm": ("radiopharmacy", "other", "pharmacy"),
        "ohos": ("hospital", "other", "hospital-a"),
    }
    for username, (role, network, site) in users.items():
        make_user(username, role, network, site)
    return {"ada": ada} | {u: headers_for(client, u) for u in users}


def test_orders_placed_through_the_api_are_served_in_the_plan(
    client: TestClient, world: dict[str, dict[str, str]]
) -> None:
    placed = place(client, world["hosa"], patient="p-new", date="2026-01-08")
    assert placed.status_code == 201, placed.text
    order = placed.json()
    queued = start(client, world["pharm"], kind="plan")
    assert queued["inputs"]["orders"] == 1
    assert queued["scope_site"] == "pharmacy"
    run = wait(client, world["pharm"], queued["id"])
    assert run["status"] == "succeeded", run["message"]
    doses = client.get(f"{API}/runs/{run['id']}/result", headers=world["hosa"]).json()["tables"]
    served = [d for d in doses["doses"] if d["appointment"] == f"order-{order['id']}"]
    assert len(served) == 1
    assert served[0]["status"] == "served"
    assert served[0]["hospital"] == "hospital-a"
    assert served[0]["administration_time"].startswith("2026-01-08")
    # a later order does not change the stored run (its snapshot is its input)
    assert place(client, world["hosa"], patient="p-late").status_code == 201
    again = client.get(f"{API}/runs/{run['id']}", headers=world["hosa"]).json()
    assert again["inputs"]["orders_hash"] == queued["inputs"]["orders_hash"]
    etas = client.get(f"{API}/deliveries", headers=world["hosa"]).json()
    mine = [e for e in etas if e["appointment"] == f"order-{order['id']}"]
    assert mine[0]["arrival_time"] <= mine[0]["administration_time"]


def test_each_role_sees_only_its_rows_of_a_result(
    app: Any, client: TestClient, world: dict[str, dict[str, str]]
) -> None:
    run = wait(client, world["pharm"], start(client, world["pharm"], kind="plan")["id"])
    assert run["status"] == "succeeded", run["message"]
    result = lambda who: client.get(f"{API}/runs/{run['id']}/result", headers=world[who])  # noqa: E731
    whole = result("ada").json()["tables"]
    assert result("rex").json()["tables"] == whole
    network = parse_json_network(network_bytes("tiny"), where="tiny.json")
    demand = network.demand
    hosa = result("hosa").json()
    assert sorted(d["appointment"] for d in hosa["tables"]["doses"]) == sorted(
        demand.index[demand["hospital"] == "hospital-a"]
    )
    assert {s["to_site"] for s in hosa["tables"]["shipments"]} == {"hospital-a"}
    assert hosa["tables"]["batches"] == []
    assert hosa["tables"]["inputs"] == []
    assert "violations" not in hosa["summary"]["plan_check"]
    pharm = result("pharm").json()["tables"]
    assert {b["site"] for b in pharm["batches"]} == {"pharmacy"}
    assert all("pharmacy" in (s["from_site"], s["to_site"]) for s in pharm["shipments"])
    prod = result("prod").json()["tables"]
    reactor = set(network.producers.index[network.producers["site"] == "reactor"])
    assert prod["inputs"]
    assert {i["producer"] for i in prod["inputs"]} <= reactor
    assert prod["inputs"] == [i for i in whole["inputs"] if i["producer"] in reactor]
    assert result("cyc").json()["tables"]["inputs"] == []  # the neighbour drew nothing
    assert {s["kind"] for s in prod["shipments"]} == {"bulk"}
    assert prod["doses"] == []
    for stranger in ("opharm", "ohos"):
        assert result(stranger).status_code == 404
        assert client.get(f"{API}/runs/{run['id']}", headers=world[stranger]).status_code == 404
        assert client.get(f"{API}/runs", headers=world[stranger]).json() == []
    other_hospital = client.get(f"{API}/deliveries?hospital=hospital-a", headers=world["hosb"])
    assert other_hospital.status_code == 404


def test_who_may_start_and_cancel_runs(
    client: TestClient, world: dict[str, dict[str, str]]
) -> None:
    body = {"network": "tiny", "kind": "stress_test", "options": {"weeks": 1, "runs": 1}}
    for who in ("rex", "hosa", "prod"):
        reply = client.post(f"{API}/runs", headers=world[who], json=body)
        assert reply.status_code == 403, who
    assert client.post(f"{API}/runs", headers=world["opharm"], json=body).status_code == 404
    by_admin = start(client, world["ada"], **body)
    assert (
        client.post(f"{API}/runs/{by_admin['id']}/cancel", headers=world["pharm"]).status_code
        == 403
    )
    for who in ("rex", "hosa", "prod"):
        reply = client.post(f"{API}/runs/{by_admin['id']}/cancel", headers=world[who])
        assert reply.status_code == 403, who
    assert (
        client.post(f"{API}/runs/{by_admin['id']}/cancel", headers=world["opharm"]).status_code
        == 404
    )
    # a hospital reads the plans of its network, not its stress tests
    assert client.get(f"{API}/runs/{by_admin['id']}", headers=world["hosa"]).status_code == 404
    assert client.get(f"{API}/runs", headers=world["hosa"]).json() == []
    assert client.get(f"{API}/runs/{by_admin['id']}", headers=world["prod"]).status_code == 200


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/runs/0", 422),
        ("/runs/abc", 422),
        ("/runs/2147483647", 404),
        ("/runs/2147483647/result", 404),
        ("/runs/99999999999", 422),
        ("/runs?before=99999999999", 422),
        ("/runs?network=%00", 400),
        ("/runs?status=lost", 422),
        ("/runs?limit=0", 422),
        ("/deliveries?network=tiny&hospital=%00", 400),
        ("/deliveries?network=tiny", 400),
        ("/deliveries?network=tiny&hospital=hospital-a", 404),  # no plan yet
    ],
)
def test_strange_reads_are_refused_in_one_line(
    app: Any, client: TestClient, admin: dict[str, str], path: str, status: int
) -> None:
    store_network(app)
    reply = client.get(f"{API}{path}", headers=admin)
    assert reply.status_code == status, reply.text
    assert "\n" not in reply.json()["detail"]


def test_an_unreachable_scheduler_fails_the_run_with_the_reason(database_url: str) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    application = make_app(database_url, scheduler=f"tcp://127.0.0.1:{port}")
    try:
        with TestClient(application) as client:
            store_network(application)
            with application.state.db.session() as session:
                create_user(session, username="ada", password=PASSWORD, role="admin")
            admin = headers_for(client, "ada")
            run = wait(client, admin, start(client, admin, kind="plan")["id"])
            assert run["status"] == "failed"
            assert "Dask scheduler" in run["message"]
    finally:
        application.state.db.dispose()
