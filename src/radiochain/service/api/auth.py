"""Sign in and out (OAuth2 password flow: a bearer token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from radiochain.service import deps
from radiochain.service.schemas import TokenPublic, UserPublic
from radiochain.service.services import users

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=TokenPublic)
def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: deps.SessionDep,
    request: Request,
) -> TokenPublic:
    """A bearer token for a username and password (401 if they do not match)."""
    ttl = deps.settings(request).token_ttl_s
    token = users.login(session, form.username, form.password, ttl)
    if token is None:
        raise deps.UnauthenticatedError("wrong username or password")
    return TokenPublic(access_token=token, expires_in_s=ttl)


@router.post("/auth/logout", status_code=204)
def sign_out(request: Request, user: deps.UserDep, session: deps.SessionDep) -> None:
    """Revoke the token this request carries."""
    auth = request.headers.get("authorization", "")
    token = auth.removeprefix("Bearer ").strip() or request.cookies.get(deps.COOKIE)
    if token:
        users.logout(session, token)


@router.get("/me", response_model=UserPublic)
def me(user: deps.UserDep) -> UserPublic:
    """The signed-in user."""
    return UserPublic(**users.public(user))
