"""A real Dask LocalCluster with two worker processes, or an existing scheduler, gives the
in-process result, bit for bit; what is not a Dask scheduler is refused in one line within the
connect timeout."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pandas as pd
import pytest

from radiochain.errors import InputError
from radiochain.planning import PlanResult
from radiochain.simulation import PlanTemplate, parse_scenario, run_ensemble
from radiochain.simulation.ensemble import check_scheduler, connect_scheduler

distributed = pytest.importorskip("distributed")


def test_local_cluster_matches_in_process(china_plan: tuple[PlanTemplate, PlanResult]) -> None:
    template, _ = china_plan
    sc = parse_scenario(
        {
            "outages": {"rate_per_year": 2.0, "duration_d": {"mean": 14, "cv": 1.5}},
            "batch_failures": {"probability": 0.02},
            "transport": {"refusal_probability": 0.01, "delay_probability": 0.05},
        }
    )
    local = run_ensemble(template, sc, weeks=10, runs=16, seed=2026)
    cluster = distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        dashboard_address=None,
        host="127.0.0.1",
    )
    try:
        with distributed.Client(cluster) as client:
            seen: list[int] = []
            remote = run_ensemble(
                template,
                sc,
                weeks=10,
                runs=16,
                seed=2026,
                workers=2,
                chunk=3,
                client=client,
                progress=lambda done, total: seen.append(done),
            )
            assert len(client.scheduler_info()["workers"]) == 2
    finally:
        cluster.close()
    assert seen[-1] == 16
    pd.testing.assert_frame_equal(local.runs, remote.runs, check_exact=True)
    pd.testing.assert_frame_equal(local.weekly, remote.weekly, check_exact=True)


@contextlib.contextmanager
def _server(answer: bytes | None) -> Iterator[str]:
    """A TCP server on loopback that is not a Dask scheduler: it answers ``answer`` and
    closes, or (None) accepts and never says a word, like a web server waiting for a request."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:  # closed: the test is over
                return
            if answer is None:
                held.append(conn)
            else:
                with conn:
                    conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()
        for conn in held:
            conn.close()


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (b"HTTP/1.1 400 Bad Request\r\n\r\n", "its answer is not Dask's protocol"),
        (b"", "CommClosedError"),
        (None, "no answer within 1 s"),
    ],
    ids=["garbage", "closes", "silent"],
)
def test_what_is_not_a_scheduler_is_one_line(answer: bytes | None, why: str) -> None:
    """A server answering garbage made Dask allocate exabytes (exit 70); one that says nothing
    (http.server) made it wait for ever. Both end within the timeout, as bad input."""
    with _server(answer) as address, pytest.raises(InputError) as err:
        connect_scheduler(address, timeout_s=1.0)
    message = str(err.value)
    assert message.startswith(f"cannot talk to the Dask scheduler '{address}': not a Dask")
    assert why in message


def test_nothing_listening_is_one_line() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(InputError, match="not a Dask scheduler or not reachable"):
        connect_scheduler(address, timeout_s=1.0)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("tcp://127.0.0.1:8786", "tcp://127.0.0.1:8786"),
        ("TCP://scheduler.example.org:1", "tcp://scheduler.example.org:1"),
        ("tcp://[::1]:65535", "tcp://[::1]:65535"),
    ],
)
def test_scheduler_addresses(address: str, expected: str) -> None:
    assert check_scheduler(address) == expected


@pytest.mark.parametrize(
    "address",
    ["tcp://localhost", "tcp://h:", "tcp://h:65536", "tcp://h:８７８６", "tcp://a b:1", "tcp://h:1/x",
     "tls://h:1", "ucx://h:1", "inproc://x", "ws://h:1", "h:8786", "", "tcp://"],
)  # fmt: skip
def test_scheduler_addresses_refused_at_once(address: str) -> None:
    with pytest.raises(InputError, match="--scheduler"):
        check_scheduler(address)


def test_an_existing_scheduler_gives_the_in_process_result(
    tiny_plan: tuple[PlanTemplate, PlanResult],
) -> None:
    """The handshake probe lets a real scheduler through (here one on loopback, its worker
    a thread of this process)."""
    template, _ = tiny_plan
    sc = parse_scenario({"outages": {"rate_per_year": 4.0, "duration_d": {"mean": 9, "cv": 1}}})
    local = run_ensemble(template, sc, weeks=6, runs=7, seed=11)
    with distributed.LocalCluster(
        n_workers=1, processes=False, threads_per_worker=1, dashboard_address=None,
        host="127.0.0.1", protocol="tcp",
    ) as cluster:  # fmt: skip
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        remote = run_ensemble(template, sc, weeks=6, runs=7, seed=11, scheduler=address)
    pd.testing.assert_frame_equal(local.runs, remote.runs, check_exact=True)
