"""Disruption scenarios and operating policies as data (a YAML file or a dict).

A scenario adds to what the network already says (producers' ``outage_rate_per_year`` and
outage-duration columns, the ``shutdowns`` calendar): batch failures, transport refusals and
delays, demand surges, and the policy that reacts (outage reserve capacity, second sources,
stock of long-lived parents, how long a patient may wait). Every key is checked; an unknown key
or a value out of range is an :class:`~radiochain.errors.InputError` naming the file and key.

See ``docs/simulation.md`` for the file format and ``src/radiochain/data/scenarios/`` for
examples with their sources.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from radiochain.errors import InputError, elide, elide_path
from radiochain.simulation.distributions import Distribution, parse_distribution

_TOP = {
    "name",
    "description",
    "sources",
    "outages",
    "batch_failures",
    "transport",
    "demand",
    "policy",
    "n_minus_1",
}
_OUTAGE = {"use_network", "rate_per_year", "duration_d", "producers"}
_PRODUCER = {"rate_per_year", "duration_d", "stock_days"}
_BATCH = {"probability", "processes"}
_TRANSPORT = {"refusal_probability", "delay_probability", "delay_h", "lanes"}
_LANE = {"refusal_probability", "delay_probability"}
_DEMAND = {"surge"}
_POLICY = {
    "reserve_fraction",
    "reserve_delay_d",
    "second_sources",
    "redispatch_delay_d",
    "refusal_delay_d",
    "max_delay_d",
    "stock_days",
}
_N1 = {"target", "days", "start_day"}


@dataclass(frozen=True)
class ProducerOutages:
    """Unplanned outages of one producer: Poisson arrivals, heavy-tailed durations.

    Attributes
    ----------
    rate_per_year : float [1/y]
    duration_d : Distribution [d]
    stock_days : float [d]
        Days of output a stock of a long-lived parent (Th-229 cow, Ge-68 generator, stored
        target) keeps supplying after an outage starts.
    """

    rate_per_year: float
    duration_d: Distribution
    stock_days: float = 0.0


@dataclass(frozen=True)
class NMinus1:
    """A forced loss: ``target`` (a producer or lane name, or ``largest-producer`` /
    ``largest-lane``) is out for ``days`` [d] from ``start_day`` [d] of the run."""

    target: str
    days: float
    start_day: float = 0.0

    def __post_init__(self) -> None:
        if not str(self.target).strip():
            raise InputError("--n-minus-1: give a producer or lane name, or largest-producer")
        for name, value in (("--outage-duration", self.days), ("--outage-start", self.start_day)):
            if not (math.isfinite(value) and 0 <= value <= 3653):
                raise InputError(f"{name} {value!r} d: give a duration from 0 d to 10 y")


@dataclass(frozen=True)
class Scenario:
    """Disruptions and policy of a stress test (all probabilities in [0, 1]).

    Attributes
    ----------
    use_network_outages : bool
        Take outage rates and durations from the network's producers table.
    outage_rate_per_year : float or None [1/y]
        Overrides every producer's rate (None: the network's).
    outage_duration_d : Distribution or None [d]
        Overrides every producer's duration distribution.
    producers : dict
        Per-producer overrides (:class:`ProducerOutages` fields).
    batch_failure_probability : float [1]
        Chance that a batch fails processing or QC; per-process values in ``process_failure``.
    refusal_probability : float [1]
        Chance that a lane's carrier refuses radioactive goods in a given week.
    delay_probability : float [1]
        Chance that a lane's shipments are delayed in a given week, by ``delay_h`` [h].
    surge : Distribution or None [1]
        Weekly multiplier of demand per product (mean ≥ 1 adds patients).
    reserve_fraction : float [1]
        Outage reserve capacity as a fraction of the planned weekly nuclide demand; it serves
        only when a primary delivery is lost (OECD/NEA ORC principle).
    reserve_delay_d : float [d]
        Delay of patients served from the reserve (0: on the day).
    second_sources : bool
        Use the unused capacity of producers that are up (imports, other reactors).
    redispatch_delay_d : float [d]
        Delay of a patient re-dispatched from a second source or a repeated synthesis.
    refusal_delay_d : float [d]
        Delay of a shipment re-booked with another carrier after a refusal.
    max_delay_d : float [d]
        Longest delay before a patient counts as missed (Pluvicto: cycles every 6 ± 1 wk).
    """

    name: str = "baseline"
    description: str = ""
    use_network_outages: bool = True
    outage_rate_per_year: float | None = None
    outage_duration_d: Distribution | None = None
    producers: dict[str, ProducerOutages] = field(default_factory=dict)
    batch_failure_probability: float = 0.0
    process_failure: dict[str, float] = field(default_factory=dict)
    refusal_probability: float = 0.0
    delay_probability: float = 0.0
    delay_h: Distribution = field(default_factory=lambda: Distribution("lognormal", 6.0, 1.0))
    lane_overrides: dict[str, dict[str, float]] = field(default_factory=dict)
    surge: Distribution | None = None
    reserve_fraction: float = 0.0
    reserve_delay_d: float = 0.0
    second_sources: bool = True
    redispatch_delay_d: float = 1.0
    refusal_delay_d: float = 1.0
    max_delay_d: float = 7.0
    n_minus_1: NMinus1 | None = None
    sources: dict[str, str] = field(default_factory=dict)

    def with_reserve(self, fraction: float) -> Scenario:
        """The same scenario with another outage reserve fraction."""
        return replace(self, reserve_fraction=_fraction(fraction, "reserve_fraction", upper=None))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (for summaries)."""
        return {
            "name": self.name,
            "use_network_outages": self.use_network_outages,
            "outage_rate_per_year": self.outage_rate_per_year,
            "batch_failure_probability": self.batch_failure_probability,
            "refusal_probability": self.refusal_probability,
            "delay_probability": self.delay_probability,
            "delay_h": self.delay_h.to_dict(),
            "surge": self.surge.to_dict() if self.surge else None,
            "reserve_fraction": self.reserve_fraction,
            "second_sources": self.second_sources,
            "max_delay_d": self.max_delay_d,
            "n_minus_1": None if self.n_minus_1 is None else self.n_minus_1.__dict__,
        }


def no_disruptions() -> Scenario:
    """A scenario where nothing breaks (planned shutdowns still apply)."""
    return Scenario(name="no-disruptions", use_network_outages=False)


def _fraction(value: Any, where: str, *, upper: float | None = 1.0) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: {elide(value)!r} is not a number") from None
    if not math.isfinite(x) or x < 0 or (upper is not None and x > upper):
        bound = f"0 <= value <= {upper}" if upper is not None else "a value >= 0"
        raise InputError(f"{where}: {elide(value)!r} is out of range (give {bound})")
    return x


def _check_keys(block: Any, allowed: set[str], where: str) -> dict[str, Any]:
    if block is None:
        return {}
    if not isinstance(block, dict):
        raise InputError(f"{where}: expected a mapping of keys, not {elide(block)!r}")
    unknown = sorted(set(map(str, block)) - allowed)
    if unknown:
        raise InputError(
            f"{where}: unknown key(s) {elide(unknown)} (allowed: {', '.join(sorted(allowed))})"
        )
    return {str(k): v for k, v in block.items()}


def parse_scenario(data: dict[str, Any], where: str = "scenario") -> Scenario:
    """A :class:`Scenario` from a mapping (the parsed YAML file).

    Raises
    ------
    InputError
        Unknown keys, negative rates, probabilities outside [0, 1], bad distributions.
    """
    top = _check_keys(data, _TOP, where)
    out = _check_keys(top.get("outages"), _OUTAGE, f"{where}: outages")
    producers = {}
    named = out.get("producers") or {}
    if not isinstance(named, dict):
        raise InputError(f"{where}: outages.producers: expected a mapping of producer names")
    for name, spec in named.items():
        p = _check_keys(spec, _PRODUCER, f"{where}: outages.producers.{name}")
        if "rate_per_year" not in p or "duration_d" not in p:
            raise InputError(
                f"{where}: outages.producers.{name}: give rate_per_year and duration_d"
            )
        producers[str(name)] = ProducerOutages(
            rate_per_year=_fraction(
                p["rate_per_year"], f"{where}: {name}.rate_per_year", upper=None
            ),
            duration_d=parse_distribution(p["duration_d"], f"{where}: {name}.duration_d"),
            stock_days=_fraction(p.get("stock_days", 0), f"{where}: {name}.stock_days", upper=None),
        )
    rate = out.get("rate_per_year")
    batch = _check_keys(top.get("batch_failures"), _BATCH, f"{where}: batch_failures")
    transport = _check_keys(top.get("transport"), _TRANSPORT, f"{where}: transport")
    lanes = {}
    for lane, spec in (transport.get("lanes") or {}).items():
        entry = _check_keys(spec, _LANE, f"{where}: transport.lanes.{lane}")
        lanes[str(lane)] = {k: _fraction(v, f"{where}: {lane}.{k}") for k, v in entry.items()}
    demand = _check_keys(top.get("demand"), _DEMAND, f"{where}: demand")
    policy = _check_keys(top.get("policy"), _POLICY, f"{where}: policy")
    for name, days in (policy.get("stock_days") or {}).items():
        base = producers.get(str(name))
        stock = _fraction(days, f"{where}: policy.stock_days.{name}", upper=None)
        if base is not None:
            producers[str(name)] = replace(base, stock_days=stock)
        else:
            producers[str(name)] = ProducerOutages(-1.0, Distribution("fixed", 0.0, 0.0), stock)
    n1 = _check_keys(top.get("n_minus_1"), _N1, f"{where}: n_minus_1")
    return Scenario(
        name=str(top.get("name", "scenario")),
        description=str(top.get("description", "")),
        use_network_outages=bool(out.get("use_network", True)),
        outage_rate_per_year=None
        if rate is None
        else _fraction(rate, f"{where}: outages.rate_per_year", upper=None),
        outage_duration_d=None
        if out.get("duration_d") is None
        else parse_distribution(out["duration_d"], f"{where}: outages.duration_d"),
        producers=producers,
        batch_failure_probability=_fraction(
            batch.get("probability", 0.0), f"{where}: batch_failures.probability"
        ),
        process_failure={
            str(k): _fraction(v, f"{where}: batch_failures.processes.{k}")
            for k, v in (batch.get("processes") or {}).items()
        },
        refusal_probability=_fraction(
            transport.get("refusal_probability", 0.0), f"{where}: transport.refusal_probability"
        ),
        delay_probability=_fraction(
            transport.get("delay_probability", 0.0), f"{where}: transport.delay_probability"
        ),
        delay_h=parse_distribution(
            transport.get("delay_h", {"distribution": "lognormal", "mean": 6.0, "cv": 1.0}),
            f"{where}: transport.delay_h",
        ),
        lane_overrides=lanes,
        surge=None
        if demand.get("surge") is None
        else parse_distribution(demand["surge"], f"{where}: demand.surge"),
        reserve_fraction=_fraction(
            policy.get("reserve_fraction", 0.0), f"{where}: policy.reserve_fraction", upper=None
        ),
        reserve_delay_d=_fraction(
            policy.get("reserve_delay_d", 0.0), f"{where}: policy.reserve_delay_d", upper=None
        ),
        second_sources=bool(policy.get("second_sources", True)),
        redispatch_delay_d=_fraction(
            policy.get("redispatch_delay_d", 1.0), f"{where}: policy.redispatch_delay_d", upper=None
        ),
        refusal_delay_d=_fraction(
            policy.get("refusal_delay_d", 1.0), f"{where}: policy.refusal_delay_d", upper=None
        ),
        max_delay_d=_fraction(
            policy.get("max_delay_d", 7.0), f"{where}: policy.max_delay_d", upper=None
        ),
        n_minus_1=None
        if not n1
        else NMinus1(
            target=str(n1.get("target", "largest-producer")),
            days=_fraction(n1.get("days", 21), f"{where}: n_minus_1.days", upper=None),
            start_day=_fraction(
                n1.get("start_day", 0), f"{where}: n_minus_1.start_day", upper=None
            ),
        ),
        sources={str(k): str(v) for k, v in (top.get("sources") or {}).items()},
    )


def read_scenario(path: str | Path) -> Scenario:
    """Read a scenario YAML file.

    Raises
    ------
    InputError
        The file is missing, not YAML, or has unknown keys or values out of range.
    """
    from radiochain.files import load_yaml

    data = load_yaml(path, what="scenario file")
    return parse_scenario({} if data is None else data, where=elide_path(path))
