"""Request and response bodies (pydantic): separate Create / Public shapes, units in names."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in_s: float


class UserCreate(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=10, max_length=1024)
    role: str
    network: str | None = Field(default=None, max_length=128)
    site: str | None = Field(default=None, max_length=128)


class UserPublic(BaseModel):
    id: int
    username: str
    role: str
    network: str | None
    site: str | None
    active: bool


class AuditEntryPublic(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, object] | None
    after: dict[str, object] | None
    hash: str


class AuditVerification(BaseModel):
    ok: bool
    entries: int
    head_hash: str
    problem: str | None
