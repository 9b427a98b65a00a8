"""Request and response bodies of networks, outages and orders (Create / Update / Public).

Dates are ``YYYY-MM-DD`` text and activities text with their unit (``"7.4 GBq"``): the
services read them with :mod:`radiochain.units`, like every command does, so that a request
and a command line accept the same values and refuse them in the same words.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from radiochain.service.schemas import Strict

Name = Annotated[str, Field(min_length=1, max_length=128)]
Day = Annotated[str, Field(min_length=1, max_length=32, description="YYYY-MM-DD")]


class NetworkVersionPublic(BaseModel):
    """A stored network version (its bytes: ``GET /networks/{name}/versions/{version}``)."""

    name: str
    version: int
    content_hash: str = Field(description="SHA-256 of the stored bytes (hex)")
    dataset: str
    note: str
    bytes: int | None = Field(description="Size of the stored document [bytes]")
    created_by: str
    created_at: str | None
    created: bool | None = Field(
        default=None, description="On import: true for a new version, false for the same bytes"
    )


class OutageCreate(Strict):
    """A planned outage of a producer (a row of the network's ``shutdowns`` table)."""

    producer: Name
    start: str = Field(min_length=1, max_length=32, description="First day without output")
    end: str = Field(min_length=1, max_length=32, description="Last day without output")
    note: str = Field(default="", max_length=500, description="Reason (maintenance...)")


class OutagePublic(BaseModel):
    """The network version that holds the outage."""

    shutdown: str = Field(description="Name of the row in the shutdowns table")
    previous_version: int
    version: NetworkVersionPublic


class OrderCreate(Strict):
    """An order: one patient's dose of a product at a hospital on a day."""

    network: Name
    hospital: Name
    product: Name
    patient: str = Field(
        min_length=1, max_length=64, description="Pseudonym: letters, digits, '_' or '-'"
    )
    date: Day
    earliest_date: str | None = Field(default=None, max_length=32, description="YYYY-MM-DD")
    latest_date: str | None = Field(default=None, max_length=32, description="YYYY-MM-DD")
    prescribed_activity: str | None = Field(
        default=None,
        max_length=64,
        description="With its unit, e.g. '7.4 GBq' (absent: the product's dose)",
    )


class OrderUpdate(Strict):
    """Changes to an order (absent fields stay; null clears a window day or the activity)."""

    date: str | None = Field(default=None, max_length=32, description="YYYY-MM-DD")
    earliest_date: str | None = Field(default=None, max_length=32)
    latest_date: str | None = Field(default=None, max_length=32)
    prescribed_activity: str | None = Field(default=None, max_length=64)
    revision: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="The revision read (or If-Match)"
    )


class OrderPublic(BaseModel):
    """An order as stored."""

    id: int
    network: str
    hospital: str
    product: str
    patient: str
    date: str
    earliest_date: str | None
    latest_date: str | None
    prescribed_activity: str | None
    prescribed_activity_bq: float | None = Field(description="[Bq]; null: the product's dose")
    status: str
    revision: int
    created_by: str
    created_at: str | None
    updated_at: str | None
