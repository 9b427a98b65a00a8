"""Helpers of the service benchmark (``benchmarks/test_bench_service.py``): a throwaway
PostgreSQL server, the real ``radiochain serve`` process, the china-2025 world (users, the
network), a lean asyncio load generator and the kill -9 durability round.

Everything talks to the server over HTTP (httpx) exactly as a client would; the only direct
database access is making the users before the server starts (Argon2 hashing of a hundred
passwords through the API would only time the hasher).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import numpy as np
from tests.service.conftest import PASSWORD, _as_postgres, _free_port, _fresh_postgres_database

from radiochain.network.examples import load_example
from radiochain.service.db import Database
from radiochain.service.services.networks import export_bytes
from radiochain.service.services.users import create_user

API = "/api/v1"
NETWORK = "china-2025"
PRODUCT = "lu177-psma"
fresh_postgres_database = _fresh_postgres_database


# --- PostgreSQL and the server process -----------------------------------------------------------
@contextlib.contextmanager
def postgres_server() -> Iterator[str | None]:
    """A throwaway PostgreSQL server (as ``tests/service/conftest.py`` starts one: Debian's
    binaries, trust authentication, fsync on); yields a URL without a database name, or None
    when PostgreSQL is not installed. ``RADIOCHAIN_TEST_POSTGRES_URL`` uses a server of yours."""
    given = os.environ.get("RADIOCHAIN_TEST_POSTGRES_URL")
    if given:
        yield given.rsplit("/", 1)[0]
        return
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        yield None
        return
    bin_dir = found[-1].parent
    folder = Path(tempfile.mkdtemp(prefix="rc-bench-pg-"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", _free_port()

    def run(args: list[str]) -> None:
        subprocess.run(_as_postgres(args), check=True, capture_output=True, text=True, timeout=120)

    run([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "radiochain", "-E", "UTF8"])
    options = f"-k {folder} -p {port} -c listen_addresses=127.0.0.1 -c fsync=on"
    pg_ctl = str(bin_dir / "pg_ctl")
    run([pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"])
    try:
        yield f"postgresql+psycopg://radiochain@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True, check=False, timeout=60,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


class Server:
    """``radiochain serve --db URL --port P`` as a child process (one uvicorn process: the
    command has no workers option, and the job runner wants one process per database)."""

    def __init__(self, database_url: str, log: Path) -> None:
        self.database_url = database_url
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout_s: float = 120.0) -> float:
        """Start it on a free port; seconds until it answers HTTP."""
        self.port = _free_port()
        command = [sys.executable, "-m", "radiochain", "serve", "--db", self.database_url,
                   "--port", str(self.port)]  # fmt: skip
        start = time.perf_counter()
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        while time.perf_counter() - start < timeout_s:
            if self.process.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"the server exited ({self.process.returncode}):\n{tail}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}{API}/me", timeout=2).status_code == 401:
                    return time.perf_counter() - start
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer within {timeout_s} s")

    def cpu_s(self) -> float:
        """CPU time [s] the server process has used (user + system, from /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def kill(self) -> None:
        """``kill -9``."""
        os.kill(self.pid, signal.SIGKILL)
        assert self.process is not None
        self.process.wait(30)

    def stop(self) -> None:
        """Ctrl-C (the app's shutdown closes the job runner), then kill after 60 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(30)


# --- the world: users and the network -----------------------------------------------------------
@dataclass(frozen=True)
class Actor:
    """A user of the load: its name, role and site."""

    username: str
    role: str
    site: str | None = None


def china_sites() -> tuple[list[str], list[str]]:
    """The hospitals and radiopharmacies of china-2025, sorted."""
    sites = load_example(NETWORK).sites
    return (
        sorted(sites.index[sites["kind"] == "hospital"]),
        sorted(sites.index[sites["kind"] == "radiopharmacy"]),
    )


def make_actors(hospitals: int, pharmacies: int, regulators: int) -> list[Actor]:
    """Hospital users (each a hospital of china-2025), radiopharmacy users, regulators."""
    hospital_sites, pharmacy_sites = china_sites()
    return (
        [Actor(f"h{i}", "hospital", hospital_sites[i]) for i in range(hospitals)]
        + [Actor(f"rp{i}", "radiopharmacy", pharmacy_sites[i]) for i in range(pharmacies)]
        + [Actor(f"reg{i}", "regulator") for i in range(regulators)]
    )


def create_users(database_url: str, actors: list[Actor]) -> None:
    """The users (and an ``admin``), straight into the database (migrated first)."""
    database = Database(database_url)
    database.upgrade()
    with database.session() as session:
        create_user(session, username="admin", password=PASSWORD, role="admin")
        for a in actors:
            network = NETWORK if a.site else None
            create_user(
                session, username=a.username, password=PASSWORD, role=a.role, network=network,
                site=a.site,
            )  # fmt: skip
    database.dispose()


def sign_in(base: str, username: str) -> dict[str, str]:
    """The bearer header of ``username``."""
    reply = httpx.post(
        f"{base}{API}/auth/token", data={"username": username, "password": PASSWORD}, timeout=60
    )
    reply.raise_for_status()
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


async def _sign_in_all(base: str, usernames: list[str]) -> dict[str, dict[str, str]]:
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:

        async def one(name: str) -> tuple[str, dict[str, str]]:
            data = {"username": name, "password": PASSWORD}
            reply = await http.post(f"{API}/auth/token", data=data)
            reply.raise_for_status()
            return name, {"Authorization": f"Bearer {reply.json()['access_token']}"}

        return dict(await asyncio.gather(*(one(n) for n in usernames)))


def sign_in_all(base: str, usernames: list[str]) -> dict[str, dict[str, str]]:
    """Bearer headers of every user (signed in concurrently)."""
    return asyncio.run(_sign_in_all(base, usernames))


def import_network(base: str, admin: dict[str, str]) -> float:
    """POST china-2025's JSON export as the admin; seconds it took."""
    payload = export_bytes(load_example(NETWORK))
    start = time.perf_counter()
    reply = httpx.post(
        f"{base}{API}/networks",
        content=payload,
        headers={**admin, "Content-Type": "application/json"},
        timeout=300,
    )
    assert reply.status_code == 201, reply.text
    return time.perf_counter() - start


def order_body(hospital: str, patient: str, day: int = 2) -> dict[str, str]:
    """An order of one patient at ``hospital`` (a day of the network's week)."""
    return {
        "network": NETWORK,
        "hospital": hospital,
        "product": PRODUCT,
        "patient": patient,
        "date": f"2026-03-{day:02d}",
    }


# --- the load ------------------------------------------------------------------------------------
@dataclass
class Tally:
    """What the clients saw: latencies [s] per kind (read, write) and endpoint, errors."""

    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    endpoint: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    order_ids: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    all_ids: list[int] = field(default_factory=list)
    cold_first_order_s: float = 0.0

    def rows(self, seconds: float, prefix: str = "") -> dict[str, float]:
        """Requests, errors, throughput and p50/p95/p99 per kind [ms]."""
        count = sum(len(v) for v in self.latency.values())
        rows = {
            f"{prefix}requests": float(count),
            f"{prefix}errors": float(sum(self.errors.values())),
            f"{prefix}throughput_per_s": count / seconds,
        }
        for kind in ("read", "write"):
            ms = np.asarray(self.latency[kind]) * 1000.0
            rows[f"{prefix}{kind}_requests"] = float(ms.size)
            for q in (50, 95, 99):
                rows[f"{prefix}{kind}_p{q}_ms"] = float(np.percentile(ms, q)) if ms.size else 0.0
        for name, seconds_list in sorted(self.endpoint.items()):
            ms = np.asarray(seconds_list) * 1000.0
            rows[f"{prefix}p95_ms[{name}]"] = float(np.percentile(ms, 95))
        return rows


class Connection:
    """A minimal HTTP/1.1 keep-alive connection on asyncio streams: the load's client. httpx
    costs the load generator about as much CPU per request as the server spends answering it,
    on the same 2 cores; this costs a fraction of that. Responses are read by their
    Content-Length (or chunked); any failure closes the connection (the next request opens a
    new one)."""

    def __init__(self, base: str) -> None:
        host, _, port = base.removeprefix("http://").partition(":")
        self.host, self.port = host, int(port)
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(
        self, method: str, target: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        """(status, body) of one request."""
        try:
            if self.streams is None:
                self.streams = await asyncio.open_connection(self.host, self.port)
            reader, writer = self.streams
            lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
            lines += [f"{k}: {v}" for k, v in headers.items()]
            if body or method == "POST":
                lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            status_line = await reader.readline()
            if not status_line:
                raise ConnectionError("the server closed the connection")
            status = int(status_line.split(b" ", 2)[1])
            fields: dict[bytes, bytes] = {}
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                fields[name.strip().lower()] = value.strip()
            return status, await self._body(reader, fields)
        except BaseException:
            self.close()
            raise

    @staticmethod
    async def _body(reader: asyncio.StreamReader, fields: dict[bytes, bytes]) -> bytes:
        if b"content-length" in fields:
            return await reader.readexactly(int(fields[b"content-length"]))
        if fields.get(b"transfer-encoding", b"").lower() != b"chunked":
            raise ConnectionError("a response without Content-Length or chunked encoding")
        chunks = []
        while size := int((await reader.readline()).split(b";")[0], 16):
            chunks.append(await reader.readexactly(size))
            await reader.readline()
        await reader.readline()
        return b"".join(chunks)

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


Request = tuple[str, str, str, str, bytes, dict[str, str], int]
"""(kind, endpoint, method, target, body, extra headers, expected status)."""


def _read(endpoint: str, path: str, params: dict[str, int] | None = None) -> Request:
    target = f"{path}?{urlencode(params)}" if params else path
    return "read", endpoint, "GET", target, b"", {}, 200


class _Client:
    """One simulated user: a request at a time, then a pause (``think_s``: mean, uniform on
    0 to twice it; 0 = none)."""

    def __init__(self, actor: Actor, headers: dict[str, str], tally: Tally, seed: int) -> None:
        self.actor, self.headers, self.tally = actor, headers, tally
        self.random = random.Random(seed)
        self.sent = 0

    def next_request(self) -> Request:
        """The next request: hospitals place orders (half their requests) and read their own;
        radiopharmacies and regulators read orders, runs and (rarely) the network's newest
        version (1.3 MB)."""
        roll = self.random.random()
        if self.actor.role == "hospital":
            mine = self.tally.order_ids[self.actor.username]
            if roll < 0.5:
                return self._order()
            if roll < 0.75 and mine:
                return _read("GET /orders/{id}", f"{API}/orders/{self.random.choice(mine)}")
            return _read("GET /orders", f"{API}/orders", {"limit": 50})
        ids = self.tally.all_ids
        if roll < 0.45:
            after = max(0, self.random.choice(ids) - 25) if ids else 0
            return _read("GET /orders", f"{API}/orders", {"limit": 50, "after": after})
        if roll < 0.75:
            return _read("GET /runs", f"{API}/runs", {"limit": 20})
        if roll < 0.95 and self.actor.role == "regulator" and ids:
            return _read("GET /orders/{id}", f"{API}/orders/{self.random.choice(ids)}")
        if roll < 0.97:
            path = f"{API}/networks/{NETWORK}/versions/latest"
            return _read("GET /networks/{name}/versions/latest", path)
        return _read("GET /networks", f"{API}/networks")

    def _order(self) -> Request:
        self.sent += 1
        patient = f"load-{self.actor.username}-{self.sent}-{uuid.uuid4().hex[:8]}"
        body = json.dumps(order_body(str(self.actor.site), patient, day=2 + self.sent % 5))
        key = {"Idempotency-Key": str(uuid.uuid4())}
        return "write", "POST /orders", "POST", f"{API}/orders", body.encode(), key, 201

    async def run(self, base: str, stop_at: float, think_s: float) -> None:
        http = Connection(base)
        await asyncio.sleep(self.random.uniform(0, max(think_s, 0.05)))  # staggered start
        while time.perf_counter() < stop_at:
            kind, endpoint, method, target, body, extra, expected = self.next_request()
            start = time.perf_counter()
            try:
                status, answer = await asyncio.wait_for(
                    http.request(method, target, {**self.headers, **extra}, body), 60
                )
            except (OSError, ValueError, asyncio.IncompleteReadError, TimeoutError) as err:
                status, answer = 0, f"{type(err).__name__}: {err}".encode()
            elapsed = time.perf_counter() - start
            self.tally.latency[kind].append(elapsed)
            self.tally.endpoint[endpoint].append(elapsed)
            if status != expected:
                self.tally.errors[f"{endpoint} {status} {answer[:200]!r}"] += 1
            elif kind == "write":
                new = int(json.loads(answer)["id"])
                self.tally.order_ids[self.actor.username].append(new)
                self.tally.all_ids.append(new)
            if think_s > 0:
                await asyncio.sleep(self.random.uniform(0.0, 2.0 * think_s))
        http.close()


async def _warm_up(
    base: str, actors: list[Actor], headers: dict[str, dict[str, str]], tally: Tally
) -> float:
    """One order per hospital user and one list of orders per other user, 8 at a time, after
    one order alone (the server reads the network version and caches it, and checks each
    hospital's first order with the library); seconds of that first order."""
    async with httpx.AsyncClient(base_url=base, timeout=300) as http:
        gate = asyncio.Semaphore(8)

        async def first(a: Actor) -> float:
            async with gate:
                start = time.perf_counter()
                if a.role == "hospital":
                    body = order_body(str(a.site), f"warm-{a.username}")
                    key = {"Idempotency-Key": str(uuid.uuid4())}
                    reply = await http.post(
                        f"{API}/orders", json=body, headers={**headers[a.username], **key}
                    )
                    assert reply.status_code == 201, reply.text
                    tally.order_ids[a.username].append(int(reply.json()["id"]))
                    tally.all_ids.append(int(reply.json()["id"]))
                else:
                    reply = await http.get(f"{API}/orders", headers=headers[a.username])
                    assert reply.status_code == 200, reply.text
                return time.perf_counter() - start

        cold = await first(actors[0])
        await asyncio.gather(*(first(a) for a in actors[1:]))
        return cold


async def _load(
    base: str,
    actors: list[Actor],
    headers: dict[str, dict[str, str]],
    seconds: float,
    think_s: float,
    tally: Tally,
) -> tuple[float, float]:
    clients = [_Client(a, headers[a.username], tally, seed=i) for i, a in enumerate(actors)]
    cpu, start = time.process_time(), time.perf_counter()
    await asyncio.gather(*(c.run(base, start + seconds, think_s) for c in clients))
    return time.perf_counter() - start, time.process_time() - cpu


def warm_up(server: Server, actors: list[Actor], headers: dict[str, dict[str, str]]) -> Tally:
    """:func:`_warm_up`; the tally (with the orders placed) to start the load with."""
    tally = Tally()
    tally.cold_first_order_s = asyncio.run(_warm_up(server.base, actors, headers, tally))
    return tally


def run_load(
    server: Server,
    actors: list[Actor],
    headers: dict[str, dict[str, str]],
    seconds: float,
    think_s: float,
    prefix: str,
    known: Tally,
) -> tuple[dict[str, float], Tally]:
    """``len(actors)`` concurrent clients for ``seconds``; the rows to report (with the CPU
    shares of the server and of this load generator, which share the machine's cores).
    ``known``: orders placed before (read by the clients too)."""
    tally = Tally()
    tally.order_ids.update({k: list(v) for k, v in known.order_ids.items()})
    tally.all_ids.extend(known.all_ids)
    server_cpu = server.cpu_s()
    wall, client_cpu = asyncio.run(_load(server.base, actors, headers, seconds, think_s, tally))
    rows = {f"{prefix}clients": float(len(actors)), f"{prefix}think_mean_s": think_s,
            f"{prefix}seconds": wall}  # fmt: skip
    rows |= tally.rows(wall, prefix)
    rows[f"{prefix}server_cpu_share"] = (server.cpu_s() - server_cpu) / wall
    rows[f"{prefix}client_cpu_share"] = client_cpu / wall
    return rows, tally


# --- kill -9 -------------------------------------------------------------------------------------
@dataclass
class Stream:
    """Order writes of one durability round: every request sent and every acknowledgement."""

    sent: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)  # key: user, body
    acked: dict[str, bytes] = field(default_factory=dict)  # key: the 201 response's body
    other: Counter[str] = field(default_factory=Counter)  # unexpected replies before the kill
    killed: bool = False


async def _writer(
    http: httpx.AsyncClient,
    stream: Stream,
    user: str,
    hospital: str,
    headers: dict[str, str],
    tag: str,
) -> None:
    n = 0
    while not stream.killed:
        n += 1
        key = str(uuid.uuid4())
        body = order_body(hospital, f"kill-{tag}-{user}-{n}", day=2 + n % 5)
        stream.sent[key] = (user, body)
        try:
            reply = await http.post(
                f"{API}/orders", json=body, headers={**headers, "Idempotency-Key": key}
            )
        except httpx.HTTPError:
            return  # the server died with this request in flight
        if reply.status_code == 201:
            stream.acked[key] = reply.content
        else:
            stream.other[f"{reply.status_code} {reply.text[:200]}"] += 1


async def _stream_and_kill(
    server: Server,
    writers: list[Actor],
    headers: dict[str, dict[str, str]],
    tag: str,
    kill_at: int,
    lag_s: float,
) -> tuple[Stream, float]:
    """Stream orders until ``kill_at`` are acknowledged (or 30 s have passed since the first
    acknowledgement), wait ``lag_s`` more (so that the kill falls anywhere in a request's
    life), then ``kill -9`` the server; seconds from the start of the stream to the first
    acknowledgement (the first orders after a start read the network)."""
    stream = Stream()
    async with httpx.AsyncClient(base_url=server.base, timeout=120) as http:
        start = time.perf_counter()
        tasks = [
            asyncio.create_task(
                _writer(http, stream, a.username, str(a.site), headers[a.username], tag)
            )
            for a in writers
        ]
        while not stream.acked and not all(t.done() for t in tasks):
            await asyncio.sleep(0.005)
        first_ack_s = time.perf_counter() - start
        deadline = time.perf_counter() + 30.0
        while len(stream.acked) < kill_at and time.perf_counter() < deadline:
            await asyncio.sleep(0.001)
        await asyncio.sleep(lag_s)
        stream.killed = True
        server.kill()
        await asyncio.gather(*tasks)
    return stream, first_ack_s


def _all_orders(base: str, admin: dict[str, str]) -> list[dict[str, Any]]:
    """Every order of the network (admin), page by page."""
    found: list[dict[str, Any]] = []
    after = 0
    with httpx.Client(base_url=base, headers=admin, timeout=120) as http:
        while True:
            reply = http.get(
                f"{API}/orders", params={"network": NETWORK, "limit": 1000, "after": after}
            )
            reply.raise_for_status()
            page = reply.json()
            found.extend(page)
            if len(page) < 1000:
                return found
            after = page[-1]["id"]


def kill_round(
    server: Server,
    writers: list[Actor],
    headers: dict[str, dict[str, str]],
    admin_user: str,
    tag: str,
    seed: int,
) -> dict[str, float]:
    """Stream order writes, ``kill -9`` the server mid-stream (after a random number of
    acknowledgements), restart it on the same database, retry every unacknowledged request
    with its key and body (and a few acknowledged ones), then count every patient's orders.
    Tokens are stored in the database: they survive the restart."""
    server.start()
    rng = random.Random(seed)
    kill_at, lag_s = rng.randint(50, 250), rng.uniform(0.0, 0.05)
    stream, first_ack_s = asyncio.run(
        _stream_and_kill(server, writers, headers, tag, kill_at, lag_s)
    )
    restart_s = server.start()
    try:
        return {"first_ack_after_start_s": first_ack_s} | _retry_and_count(
            server, stream, headers, admin_user, restart_s
        )
    finally:
        server.stop()


def _retry_and_count(
    server: Server,
    stream: Stream,
    headers: dict[str, dict[str, str]],
    admin_user: str,
    restart_s: float,
) -> dict[str, float]:
    unacked = [k for k in stream.sent if k not in stream.acked]
    again = list(stream.acked)[:: max(1, len(stream.acked) // 5)][:5]
    admin = headers[admin_user]
    replayed: set[str] = set()
    refused = mismatch = 0
    with httpx.Client(base_url=server.base, timeout=60) as http:
        for key in unacked + again:
            user, body = stream.sent[key]
            reply = http.post(
                f"{API}/orders", json=body, headers={**headers[user], "Idempotency-Key": key}
            )
            if reply.status_code != 201:
                refused += 1
                continue
            if reply.headers.get("Idempotent-Replayed") == "true":
                replayed.add(key)
            answer = reply.json()
            if key in stream.acked:  # the original response, byte for byte
                mismatch += key not in replayed or reply.content != stream.acked[key]
            elif key in replayed:  # committed before the kill: the stored order, unchanged
                mismatch += http.get(f"{API}/orders/{answer['id']}", headers=admin).json() != answer
        audit = http.get(f"{API}/audit/verify", headers=admin).json()
    orders = _all_orders(server.base, admin)
    per_patient = Counter(o["patient"] for o in orders)
    stored = {o["id"]: o for o in orders}
    patients = [body["patient"] for _, body in stream.sent.values()]
    acked = [json.loads(body) for body in stream.acked.values()]
    lost = sum(
        1 for b in acked
        if per_patient[b["patient"]] == 0 or stored.get(b["id"], {}).get("patient") != b["patient"]
    )  # fmt: skip
    return {
        "restart_s": restart_s,
        "sent": float(len(stream.sent)),
        "acknowledged": float(len(stream.acked)),
        "in_flight_at_kill": float(len(unacked)),
        "in_flight_committed_before_kill": float(sum(1 for k in unacked if k in replayed)),
        "retried": float(len(unacked) + len(again)),
        "retried_acknowledged": float(len(again)),
        "retry_replayed": float(len(replayed)),
        "retry_refused": float(refused),
        "replay_mismatch": float(mismatch),
        "lost": float(lost),
        "duplicates": float(sum(1 for p in patients if per_patient[p] > 1)),
        "missing_after_retry": float(sum(1 for p in patients if per_patient[p] == 0)),
        "unexpected_before_kill": float(sum(stream.other.values())),
        "audit_ok": float(bool(audit.get("ok"))),
    }
