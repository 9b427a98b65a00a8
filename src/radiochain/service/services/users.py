"""Users and logins: create, authenticate, resolve a token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from radiochain.errors import InputError, elide
from radiochain.service import audit
from radiochain.service.errors import ConflictError
from radiochain.service.models import ROLES, Token, User, utcnow
from radiochain.service.security import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)

SCOPED_ROLES = ("producer", "radiopharmacy", "hospital")
"""Roles that act for one site of one network."""


def public(user: User) -> dict[str, Any]:
    """What may be shown of a user (never the password hash)."""
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "network": user.network,
        "site": user.site,
        "active": user.active,
    }


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    network: str | None = None,
    site: str | None = None,
    actor: str = "system",
) -> User:
    """A new user; its creation is audited (without the password).

    Raises
    ------
    InputError
        Unknown role, a short password, a scoped role without network and site, a taken name.
    """
    name = username.strip()
    if not name or len(name) > 64 or not name.isprintable():
        raise InputError(f"username {elide(username)!r}: give 1 to 64 printable characters")
    if role not in ROLES:
        raise InputError(f"role {elide(role)!r}: use one of {', '.join(ROLES)}")
    if role in SCOPED_ROLES and not (network and site):
        raise InputError(f"role {role}: give the network and the site the user acts for")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"password: give at least {MIN_PASSWORD_LENGTH} characters")
    if session.execute(select(User).where(User.username == name)).scalar_one_or_none():
        raise ConflictError(f"username {elide(name)!r} is taken")
    user = User(
        username=name,
        password_hash=hash_password(password),
        role=role,
        network=network if role in SCOPED_ROLES else network or None,
        site=site if role in SCOPED_ROLES else None,
    )
    session.add(user)
    session.flush()
    audit.append(
        session, actor=actor, action="user.create", entity="user", entity_id=user.id,
        after=public(user),
    )  # fmt: skip
    return user


def login(session: Session, username: str, password: str, ttl_s: float) -> str | None:
    """A new token for valid credentials of an active user, else ``None``."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active or not verify_password(user.password_hash, password):
        return None
    token = new_token()
    session.add(
        Token(
            user_id=user.id,
            token_hash=token_digest(token),
            expires_at=utcnow() + dt.timedelta(seconds=ttl_s),
        )
    )
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a valid, unexpired, unrevoked token belongs to."""
    row = session.execute(
        select(Token).where(Token.token_hash == token_digest(token))
    ).scalar_one_or_none()
    if row is None or row.revoked:
        return None
    expires = row.expires_at
    if expires <= utcnow():
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def logout(session: Session, token: str) -> None:
    row = session.execute(
        select(Token).where(Token.token_hash == token_digest(token))
    ).scalar_one_or_none()
    if row is not None:
        row.revoked = True
