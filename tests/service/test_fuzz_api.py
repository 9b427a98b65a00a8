"""Property-based fuzzing of the whole API from its own OpenAPI schema (issue #12).

schemathesis reads ``/openapi.json`` and, for every operation, generates requests that fit the
schema (positive) and requests that break it (negative: wrong types, missing fields, oversized
or hostile text, malformed bodies). Each is sent through the app, signed in as an admin (every
route does its work) and as a hospital user (most routes refuse), and every response must

- never be a 5xx;
- be, when it is a 4xx, ``{"detail": "<one line>"}`` and nothing else;
- conform to the schema: a documented status, its content type, headers and body shape;
- refuse (4xx) what the schema says is invalid.

A share of the generated requests is steered at the world's real objects (the network
``tiny``, its hospital, existing order and run ids) so that the fuzzing reaches past the first
"not found". Runs started here fail at once (the Dask scheduler is an address where nothing
listens): their routes are exercised, no solver runs.

The examples per operation are few (``RADIOCHAIN_FUZZ_EXAMPLES``, default 12 per mode) and
derandomized, so ``make test`` stays fast and repeatable; raise the number to search longer::

    RADIOCHAIN_FUZZ_EXAMPLES=200 .venv/bin/pytest tests/service/test_fuzz_api.py
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from radiochain.service.app import create_app
from radiochain.service.services.users import create_user
from radiochain.service.settings import Settings
from tests.service.conftest import PASSWORD, headers_for
from tests.service.roles_runs import store_run
from tests.service.world import API, network_bytes, order_body, post_network

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("RADIOCHAIN_FUZZ_EXAMPLES", "12"))
"""Generated requests per operation and generation mode."""

NOWHERE = "tcp://127.0.0.1:9"
"""A Dask scheduler address where nothing listens: a started run fails at once."""


def one_line_refusal(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 4xx body is exactly ``{"detail": "<one line of text>"}``."""
    if not 400 <= response.status_code < 500:
        return None
    body = json.loads(response.content)
    assert isinstance(body, dict), f"a {response.status_code} whose body is not an object"
    assert list(body) == ["detail"], f"a {response.status_code} with keys {sorted(body)}"
    detail = body["detail"]
    assert isinstance(detail, str), f"a {response.status_code} whose detail is not text"
    assert detail.strip(), f"a {response.status_code} without a reason"
    assert "\n" not in detail, f"a {response.status_code} of many lines"
    assert "\r" not in detail, f"a {response.status_code} of many lines"
    return True


POSITIVE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
NEGATIVE_CHECKS = [*POSITIVE_CHECKS, negative_data_rejection]


# --- the world -----------------------------------------------------------------------------
@pytest.fixture
def app(database_url: str) -> Iterator[Any]:
    """The service; its jobs go to a scheduler that is not there (no solver runs here)."""
    settings_ = Settings(database_url=database_url, local_processes=False, scheduler=NOWHERE)
    application = create_app(settings_)
    yield application
    application.state.db.dispose()


class World:
    """``tiny`` and ``other`` imported, an admin ``root`` and a hospital user ``nurse``
    (tiny's hospital-a), orders of hospital-a and hospital-b, a finished plan of each network."""

    def __init__(self, app: Any, client: TestClient) -> None:
        self.app, self.client = app, client
        for username, role, network, site in (
            ("root", "admin", None, None),
            ("nurse", "hospital", "tiny", "hospital-a"),
        ):
            with app.state.db.session() as session:
                create_user(
                    session, username=username, password=PASSWORD, role=role,
                    network=network, site=site,
                )  # fmt: skip
        root = headers_for(client, "root")
        for name in ("tiny", "other"):
            assert post_network(client, root, network_bytes(name)).status_code == 201
        self.orders = [self._order(root, hospital) for hospital in ("hospital-a", "hospital-b")]
        self.runs = [
            store_run(self, name, status="succeeded", progress=1.0, created_by="root",
                      scope_site="pharmacy")
            for name in ("tiny", "other")
        ]  # fmt: skip

    def _order(self, headers: dict[str, str], hospital: str) -> int:
        reply = self.client.post(
            f"{API}/orders",
            json=order_body(hospital=hospital, patient=f"p-{hospital}"),
            headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert reply.status_code == 201, reply.text
        return int(reply.json()["id"])

    def token(self, username: str) -> dict[str, str]:
        return headers_for(self.client, username)


# --- steering generated requests at real objects ---------------------------------------------
_VALID_BODY = {
    "network": "tiny",
    "hospital": "hospital-a",
    "product": "lu177-psma",
    "producer": "reactor-lu177",
}


def _steer(case: Any, world: World, choice: int) -> None:
    """Point some of ``case``'s ids and names at the world's objects (``choice`` % 4 == 0:
    leave it as generated)."""
    if choice % 4 == 0:
        return
    params = case.path_parameters
    if params:
        if "order_id" in params:
            params["order_id"] = world.orders[choice % len(world.orders)]
        if "run_id" in params:
            params["run_id"] = world.runs[choice % len(world.runs)]
        if "name" in params:
            params["name"] = ("tiny", "other")[choice % 2]
    if isinstance(case.body, dict):
        for key, value in _VALID_BODY.items():
            if key in case.body and (choice >> 2) % 2:
                case.body[key] = value


def _send(client: TestClient, case: Any, headers: dict[str, str]) -> Any:
    """Send ``case`` through the test client (requests-style arguments made httpx ones)."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
    data = kwargs.pop("data", None)
    if isinstance(data, bytes | str):
        kwargs["content"] = data
    elif data is not None:
        kwargs["data"] = data
    for empty in ("cookies", "files"):
        if not kwargs.get(empty):
            kwargs.pop(empty, None)
    return client.request(**kwargs)


def _fuzz_operation(
    world: World,
    operation: Any,
    mode: Any,
    username: str,
    tokens: dict[str, Any],
    statuses: dict[str, set[int]],
) -> None:
    """Generate, send and check ``EXAMPLES`` requests of one operation in one mode."""
    checks = NEGATIVE_CHECKS if mode == GenerationMode.NEGATIVE else POSITIVE_CHECKS
    revokes = operation.path.endswith("/auth/logout")

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), choice=st.integers(0, 63))
    def run(case: Any, choice: int) -> None:
        _steer(case, world, choice)
        # signing out revokes the token: a throwaway one each time, the user's kept for the rest
        token = world.token(username) if revokes else tokens[username]
        # schemathesis may generate an Authorization header of its own: the user's token wins
        headers = {**(case.headers or {}), **token}
        response = _send(world.client, case, headers)
        statuses.setdefault(f"{operation.method.upper()} {operation.path}", set()).add(
            response.status_code
        )
        case.validate_response(response, checks=[*checks, one_line_refusal], headers=headers)

    run()


def _fuzz(app: Any, client: TestClient, username: str, modes: tuple[Any, ...]) -> list[str]:
    """Fuzz every operation of the schema as ``username``; the failures, one per operation."""
    world = World(app, client)
    tokens = {username: world.token(username)}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures = []
    statuses: dict[str, set[int]] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20, "the schema lost its operations"
    for operation in operations:
        for mode in modes:
            try:
                _fuzz_operation(world, operation, mode, username, tokens, statuses)
            except Unsatisfiable:  # negative mode: nothing in the operation can be invalid
                continue
            except Exception as err:  # collect them all, report at the end
                where = f"{operation.method.upper()} {operation.path} ({mode.name})"
                failures.append(f"{where}:\n{err}")
    # a fuzz run that never got past sign-in proves nothing
    unheard = sorted(op for op, seen in statuses.items() if seen <= {401})
    failures.extend(f"{op}: every request was refused as not signed in" for op in unheard)
    return failures


def test_the_api_as_an_admin_never_fails_and_keeps_its_schema(app: Any, client: TestClient) -> None:
    failures = _fuzz(app, client, "root", (GenerationMode.POSITIVE, GenerationMode.NEGATIVE))
    assert not failures, "\n\n".join(failures)


def test_the_api_as_a_hospital_never_fails_and_keeps_its_schema(
    app: Any, client: TestClient
) -> None:
    failures = _fuzz(app, client, "nurse", (GenerationMode.POSITIVE,))
    assert not failures, "\n\n".join(failures)
