"""Bodies of the runs API: what a client sends to start a plan or a stress test, and what it
reads back. Options are written as on the command line (durations and fractions as text with
their units); the library's option classes check their values (400 with the library's words),
these shapes only their types (422)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from radiochain.service.schemas import Strict

Duration = Annotated[str | float, Field(description="A duration with its unit, e.g. '2 min'.")]
Fraction = Annotated[str | float, Field(description="A fraction: 0.005 or '0.5 %'.")]


class PlanRunOptions(Strict):
    """How to plan (``radiochain plan``'s options)."""

    days: int = Field(default=7, description="Horizon in whole days (1 to 366).")
    start: str | None = Field(
        default=None, max_length=32, description="First day, YYYY-MM-DD (default: the network's)."
    )
    method: str = Field(
        default="milp", max_length=16, description="'milp' (HiGHS) or 'greedy' (baseline)."
    )
    time_limit: Duration | None = Field(
        default=None,
        description="Solver time limit, e.g. '2 min' (MILP only; default 10 min, at most the "
        "service's job time limit); HiGHS returns the best plan found by then.",
    )
    gap: Fraction | None = Field(
        default=None, description="Relative MIP gap to stop at (default '0.5 %')."
    )
    weights: dict[str, float] | None = Field(
        default=None,
        description="Objective weights (MILP only): unserved, moved, waste_per_gbq, cost.",
    )


class StressTestRunOptions(Strict):
    """How to stress-test (``radiochain simulate``'s options)."""

    weeks: int = Field(default=52, description="Weeks per run (1 to 520).")
    runs: int = Field(default=100, description="Runs in the ensemble (1 to 100,000).")
    seed: int = Field(default=0, ge=0, le=2**63 - 1, description="Root seed.")
    policy: str = Field(
        default="dispatch", max_length=16, description="'dispatch' or 'rolling' (MILP)."
    )
    reserve: Fraction | None = Field(
        default=None, description="Outage reserve as a fraction of weekly demand (0 to 10)."
    )
    n_minus_1: str | None = Field(
        default=None,
        max_length=128,
        description="Lose a producer or lane: a name, 'largest-producer' or 'largest-lane'.",
    )
    outage_duration: Duration | None = Field(
        default=None, description="How long the n_minus_1 loss lasts (default '21 d')."
    )
    outage_start: Duration | None = Field(
        default=None, description="When in the run the n_minus_1 loss starts (default '0 d')."
    )
    target: str | None = Field(
        default=None,
        max_length=200,
        description="Size the smallest reserve meeting this risk target, e.g. "
        "'P(missed > 1 %) < 5 %'.",
    )


class _RunCreate(Strict):
    network: str = Field(min_length=1, max_length=128, description="Network name.")
    version: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="Network version (default: the newest)."
    )


class PlanRunCreate(_RunCreate):
    """Start a plan."""

    kind: Literal["plan"]
    options: PlanRunOptions = Field(default_factory=PlanRunOptions)


class StressTestRunCreate(_RunCreate):
    """Start a stress test."""

    kind: Literal["stress_test"]
    options: StressTestRunOptions = Field(default_factory=StressTestRunOptions)


RunCreate = Annotated[PlanRunCreate | StressTestRunCreate, Field(discriminator="kind")]


class RunInputs(BaseModel):
    """Everything a run's result was computed from (enough to compute it again)."""

    network: str
    version: int
    content_hash: str = Field(description="SHA-256 of the network version's JSON export.")
    orders: int = Field(description="Orders in the snapshot merged into the demand.")
    orders_hash: str = Field(description="SHA-256 of the orders snapshot (canonical JSON).")
    options: dict[str, Any] = Field(description="The options in base units, as executed.")
    dataset: str
    dataset_version: str


class RunPublic(BaseModel):
    """A run: its status, progress and inputs."""

    id: int
    kind: str
    status: str = Field(description="queued, running, succeeded, failed or cancelled.")
    progress: float = Field(description="Share done, 0 to 1.")
    message: str = Field(description="Why it failed or was cancelled (one line).")
    inputs: RunInputs
    scope_site: str | None = Field(description="The site of the radiopharmacy that ran it.")
    created_by: str
    created_at: str
    started_at: str | None
    finished_at: str | None


class RunResult(BaseModel):
    """A finished run's summary and tables (rows restricted to what the reader may see)."""

    id: int
    kind: str
    status: str
    summary: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]


class Delivery(BaseModel):
    """A dose for a hospital in a plan: when it arrives and when it is given (the ETA)."""

    run: int
    appointment: str
    hospital: str
    product: str
    status: str = Field(description="served, moved or unserved.")
    planned_date: str | None
    administration_time: str | None = Field(description="ISO 8601 with offset.")
    arrival_time: str | None = Field(description="When its shipment arrives (ISO 8601).")
    shipment: str | None
    activity_at_administration_bq: float | None
    prescribed_activity_bq: float | None
    reason: str | None = Field(description="Why it is not served, if it is not.")
