"""The service's core: migrations, sign-in, users, one-line refusals, the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from radiochain.service import audit
from radiochain.service.models import Base, Token, User
from tests.service.conftest import PASSWORD, headers_for


def test_migrations_make_exactly_the_models_schema(app: Any) -> None:
    """The Alembic migrations and the SQLAlchemy models describe the same schema."""
    with app.state.db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_moments_are_stored_in_utc_and_read_back_with_their_offset(
    app: Any, make_user: Callable[..., str]
) -> None:
    """SQLite keeps no UTC offset: every moment still comes back aware, and one given in
    another zone is stored as the same instant."""
    make_user("ada", "admin")
    beijing = dt.timezone(dt.timedelta(hours=8))
    moment = dt.datetime(2026, 3, 1, 20, 30, tzinfo=beijing)
    with app.state.db.session() as session:
        user = session.execute(select(User).where(User.username == "ada")).scalar_one()
        session.add(Token(token_hash="0" * 64, user_id=user.id, expires_at=moment))
    with app.state.db.session(readonly=True) as session:
        stored = session.execute(select(Token.expires_at)).scalar_one()
        created = session.execute(select(User.created_at)).scalar_one()
    assert stored == moment
    assert stored.utcoffset() == dt.timedelta(0)
    assert created.utcoffset() == dt.timedelta(0)


def test_sign_in_and_out(client: TestClient, make_user: Callable[..., str]) -> None:
    make_user("ada", "admin")
    headers = headers_for(client, "ada")
    assert client.get("/api/v1/me", headers=headers).json()["username"] == "ada"
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


@pytest.mark.parametrize(
    ("username", "password"), [("ada", "wrong password!"), ("nobody", PASSWORD), ("", "")]
)
def test_wrong_credentials_are_401(
    client: TestClient, make_user: Callable[..., str], username: str, password: str
) -> None:
    make_user("ada", "admin")
    reply = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert reply.status_code in (401, 422)
    assert "access_token" not in reply.text


def test_passwords_are_hashed_and_never_shown(
    app: Any, client: TestClient, make_user: Callable[..., str]
) -> None:
    make_user("ada", "admin")
    with app.state.db.session() as session:
        stored = session.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    headers = headers_for(client, "ada")
    listing = client.get("/api/v1/users", headers=headers).text
    assert "argon2" not in listing
    assert PASSWORD not in listing
    short = client.post(
        "/api/v1/users",
        headers=headers,
        json={"username": "b", "password": "tiny-secret", "role": "nope"},
    )
    assert short.status_code == 400
    assert "tiny-secret" not in short.text


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"username": "h", "password": "0123456789", "role": "hospital"}, 400, "network"),
        ({"username": "h", "password": "0123", "role": "admin"}, 422, "password"),
        ({"username": "h", "password": "0123456789", "role": "king"}, 400, "role"),
        ({"username": "h", "password": "0123456789", "role": "admin", "x": 1}, 422, "x"),
        ({"username": "ada", "password": "0123456789", "role": "admin"}, 409, "taken"),
    ],
)
def test_bad_requests_are_one_line_4xx(
    client: TestClient, make_user: Callable[..., str], body: dict[str, Any], status: int,
    words: str,
) -> None:  # fmt: skip
    make_user("ada", "admin")
    reply = client.post("/api/v1/users", headers=headers_for(client, "ada"), json=body)
    assert reply.status_code == status, reply.text
    detail = reply.json()["detail"]
    assert isinstance(detail, str)
    assert "\n" not in detail
    assert words in detail


def test_roles_other_than_admin_may_not_manage_users(
    client: TestClient, make_user: Callable[..., str]
) -> None:
    make_user("reg", "regulator")
    headers = headers_for(client, "reg")
    assert client.get("/api/v1/users", headers=headers).status_code == 403
    body = {"username": "x", "password": "0123456789", "role": "admin"}
    assert client.post("/api/v1/users", headers=headers, json=body).status_code == 403


def test_oversized_and_malformed_bodies(client: TestClient, make_user: Callable[..., str]) -> None:
    make_user("ada", "admin")
    headers = headers_for(client, "ada") | {"content-type": "application/json"}
    assert client.post("/api/v1/users", headers=headers, content=b"{nope").status_code == 422
    big = client.post("/api/v1/users", headers=headers, content=b" " * (65 * 2**20))
    assert big.status_code == 413


def test_audit_trail_finds_an_edited_a_removed_and_a_truncated_entry(
    app: Any, make_user: Callable[..., str]
) -> None:
    for i in range(5):
        make_user(f"user{i}", "regulator")
    db = app.state.db
    with db.session() as session:
        assert audit.verify(session).ok
        assert audit.verify(session).entries == 5
    with db.session() as session:  # edit one entry's record, leaving its hash
        session.execute(text("UPDATE audit_entries SET actor = 'mallory' WHERE id = 3"))
    with db.session() as session:
        result = audit.verify(session)
    assert not result.ok
    assert "entry 3 was changed" in str(result.problem)
    with db.session() as session:
        session.execute(text("UPDATE audit_entries SET actor = 'system' WHERE id = 3"))
        assert audit.verify(session).ok
        session.execute(text("DELETE FROM audit_entries WHERE id = 2"))
    with db.session() as session:
        assert "entry 2 is missing" in str(audit.verify(session).problem)
    with db.session() as session:
        session.execute(text("DELETE FROM audit_entries WHERE id >= 2"))
    with db.session() as session:
        assert "removed" in str(audit.verify(session).problem)


def test_every_user_change_is_in_the_audit_trail(
    client: TestClient, make_user: Callable[..., str]
) -> None:
    make_user("ada", "admin")
    headers = headers_for(client, "ada")
    body = {"username": "h1", "password": "0123456789", "role": "hospital", "network": "tiny",
            "site": "hospital-a"}  # fmt: skip
    assert client.post("/api/v1/users", headers=headers, json=body).status_code == 201
    entries = client.get("/api/v1/audit", headers=headers).json()
    assert [e["action"] for e in entries] == ["user.create", "user.create"]
    assert entries[-1]["actor"] == "ada"
    assert entries[-1]["after"]["username"] == "h1"
    assert "password" not in str(entries[-1])
    assert client.get("/api/v1/audit/verify", headers=headers).json()["ok"] is True


def test_openapi_and_offline_docs(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    page = client.get("/docs").text
    assert "/docs-assets/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_an_acknowledged_write_is_committed_before_the_reply(
    client: TestClient, make_user: Callable[..., str]
) -> None:
    """A token is usable the moment its reply arrives (the session commits before the
    response is sent, not after)."""
    make_user("ada", "admin")
    for _ in range(20):
        headers = headers_for(client, "ada")
        assert client.get("/api/v1/me", headers=headers).status_code == 200
