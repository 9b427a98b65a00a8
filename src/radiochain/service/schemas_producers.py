"""Request and response bodies of a producer's capacity declaration.

Activities are text with their unit (``"80 GBq"``), read by :mod:`radiochain.units` and the
network reader's parsers, so that a request and a network file accept the same values.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from radiochain.service.schemas import Strict
from radiochain.service.schemas_orders import NetworkVersionPublic


class CapacityDeclare(Strict):
    """What a producer declares of one of its producers (a row of the ``producers`` table).
    Fields left out stay as they are; null (or '') clears one: no weekly cap, the table's
    defaults (Mon-Fri, 08:00), no note."""

    capacity_per_delivery: str = Field(
        min_length=1, max_length=64, description="Activity of one delivery with its unit: '80 GBq'"
    )
    capacity_per_week: str | None = Field(
        default=None, max_length=64, description="Weekly cap with its unit, if lower: '150 GBq'"
    )
    output_days: str | None = Field(
        default=None, max_length=64, description="Days with a delivery: 'Mon,Thu', 'Mon-Fri'"
    )
    output_time: str | None = Field(
        default=None, max_length=16, description="Local time a delivery is available: '06:00'"
    )
    note: str | None = Field(default=None, max_length=500, description="One line of text")


class CapacityPublic(BaseModel):
    """A producer's declared fields in the network version that holds them."""

    producer: str
    site: str
    nuclide: str
    capacity_per_delivery: str | None = Field(description="As written, e.g. '80 GBq'")
    capacity_per_delivery_bq: float | None = Field(description="[Bq]")
    capacity_per_week: str | None = Field(description="As written; null: no weekly cap")
    capacity_per_week_bq: float | None = Field(description="[Bq]; null: no weekly cap")
    output_days: str
    output_time: str = Field(description="Local time (HH:MM)")
    note: str
    previous_version: int = Field(description="The version the declaration was made on")
    version: NetworkVersionPublic
