"""Users (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select

from radiochain.service import deps
from radiochain.service.models import User
from radiochain.service.schemas import UserCreate, UserPublic
from radiochain.service.services import users

router = APIRouter(tags=["users"])
Admin = Annotated[User, Depends(deps.require("admin"))]


@router.post("/users", response_model=UserPublic, status_code=201)
def create_user(body: UserCreate, admin: Admin, session: deps.SessionDep) -> UserPublic:
    """Create a user; scoped roles (producer, radiopharmacy, hospital) need network and site."""
    user = users.create_user(session, **body.model_dump(), actor=admin.username)
    return UserPublic(**users.public(user))


@router.get("/users", response_model=list[UserPublic])
def list_users(admin: Admin, session: deps.SessionDep) -> list[UserPublic]:
    """Every user."""
    rows = session.execute(select(User).order_by(User.id)).scalars()
    return [UserPublic(**users.public(u)) for u in rows]
