"""The service's tests run against both databases it supports: SQLite (the embedded default)
and a real PostgreSQL server, started here in a throwaway folder (``make test`` installs
Debian's ``postgresql`` when it is missing). No mocks of the database.

``RADIOCHAIN_TEST_POSTGRES_URL`` points the tests at a server of your own instead;
``RADIOCHAIN_REQUIRE_POSTGRES=1`` (set by ``make test``) makes a missing server a failure
rather than a skip.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from radiochain.service.app import create_app
from radiochain.service.services.users import create_user
from radiochain.service.settings import Settings

PASSWORD = "correct horse battery staple"
_counter = itertools.count()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the ``postgres`` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server for this test session; yields a URL without a database name."""
    given = os.environ.get("RADIOCHAIN_TEST_POSTGRES_URL")
    if given:
        yield given.rsplit("/", 1)[0]
        return
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        if os.environ.get("RADIOCHAIN_REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL is not installed (make test installs Debian's postgresql)")
        pytest.skip("PostgreSQL is not installed (make test installs Debian's postgresql)")
    bin_dir = Path(found[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="rc-pg-"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", _free_port()
    run = lambda args: subprocess.run(  # noqa: E731
        _as_postgres(args), check=True, capture_output=True, text=True, timeout=120
    )
    run([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "radiochain", "-E", "UTF8"])
    options = f"-k {folder} -p {port} -c listen_addresses=127.0.0.1 -c fsync=on"
    run(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "log"),
            "-w",
            "start",
        ]
    )
    try:
        yield f"postgresql+psycopg://radiochain@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True, check=False, timeout=60,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def _fresh_postgres_database(server: str) -> str:
    import psycopg

    name = f"t{os.getpid()}_{next(_counter)}"
    plain = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(f"{plain}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'radiochain.db'}"
    return _fresh_postgres_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def app(database_url: str) -> Iterator[Any]:
    application = create_app(Settings(database_url=database_url))
    yield application
    application.state.db.dispose()


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def make_user(app: Any) -> Callable[..., str]:
    """Create a user and return the username (password: :data:`PASSWORD`)."""

    def make(username: str, role: str, network: str | None = None, site: str | None = None) -> str:
        with app.state.db.session() as session:
            create_user(
                session, username=username, password=PASSWORD, role=role, network=network,
                site=site,
            )  # fmt: skip
        return username

    return make


def headers_for(client: TestClient, username: str) -> dict[str, str]:
    """Sign in through the API; the bearer header."""
    reply = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}
