"""What routes depend on: the database session, the signed-in user, role checks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any
from weakref import WeakKeyDictionary

import anyio
from anyio.lowlevel import RunVar
from fastapi import Depends, Request
from fastapi.concurrency import contextmanager_in_threadpool
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from radiochain.service.db import Database
from radiochain.service.errors import ForbiddenError, ServiceError
from radiochain.service.models import User
from radiochain.service.services.users import user_for_token
from radiochain.service.settings import Settings

COOKIE = "radiochain_token"
_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


class UnauthenticatedError(ServiceError):
    status_code = 401


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


_SLOTS: RunVar[WeakKeyDictionary[Any, anyio.Semaphore]] = RunVar("radiochain_session_slots")
"""Per event loop (a server, or each TestClient): each app's semaphore of session slots."""


def _session_slots(request: Request) -> anyio.Semaphore:
    """The app's limit on requests holding a session: the connection pool's size."""
    per_app = _SLOTS.get(None)
    if per_app is None:
        per_app = WeakKeyDictionary()
        _SLOTS.set(per_app)
    slots = per_app.get(request.app)
    if slots is None:
        pool = database(request).engine.pool
        slots = per_app[request.app] = anyio.Semaphore(
            pool.size() if isinstance(pool, QueuePool) else 5
        )
    return slots


async def session(request: Request) -> AsyncIterator[Session]:
    """A session per request: committed when the route returns, rolled back on an error.

    At most as many requests hold a session as the connection pool keeps connections (its
    overflow is left to the job runner): a request waits for a slot here, holding neither a
    worker thread nor a connection. Without the limit, with more concurrent requests than
    worker threads, every worker thread could wait for a connection while every connection
    belongs to a request waiting for a worker thread (to serialise its response) -- a
    deadlock that only the pool's timeout broke, with 500s (100 concurrent sign-ins).
    """
    async with _session_slots(request):
        readonly = request.method in ("GET", "HEAD")
        async with contextmanager_in_threadpool(database(request).session(readonly=readonly)) as s:
            yield s


def token_of(request: Request, bearer: str | None) -> str | None:
    return bearer or request.cookies.get(COOKIE)


def current_user(
    request: Request,
    db: Annotated[Session, Depends(session, scope="function")],
    bearer: Annotated[str | None, Depends(_bearer)],
) -> User:
    """The signed-in user (bearer token, or the dashboard's cookie).

    Raises
    ------
    UnauthenticatedError
        No token, or one that is unknown, expired or revoked (401).
    """
    token = token_of(request, bearer)
    user = user_for_token(db, token) if token else None
    if user is None:
        raise UnauthenticatedError("sign in first (POST /api/v1/auth/token)")
    return user


def require(*roles: str) -> Callable[[User], User]:
    """A dependency that lets only ``roles`` through (403 otherwise)."""

    def check(user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in roles:
            raise ForbiddenError(f"a {user.role} may not do this")
        return user

    return check


# scope='function': the session commits when the route returns, BEFORE the response is sent,
# so an acknowledged write is a committed write
SessionDep = Annotated[Session, Depends(session, scope="function")]
UserDep = Annotated[User, Depends(current_user)]
