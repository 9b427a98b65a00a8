"""What routes depend on: the database session, the signed-in user, role checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

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


def session(request: Request) -> Iterator[Session]:
    """A session per request: committed when the route returns, rolled back on an error."""
    with database(request).session(readonly=request.method in ("GET", "HEAD")) as s:
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
