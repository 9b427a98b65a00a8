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

import difflib
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from radiochain.errors import InputError, elide, elide_path
from radiochain.simulation.distributions import Distribution, parse_distribution, show_limit

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
_PLAIN = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


MAX_RATE_PER_YEAR = 1000.0
"""Most unplanned outages per producer and year [1/y] a scenario may give."""
MAX_DURATION_D = 3652.422
"""Longest outage (mean), N-1 loss, or stock of a long-lived parent [d] (10 y)."""
MAX_DELAY_D = 365.2422
"""Longest delay a policy or a transport delay (mean) may name [d] (1 y)."""
MAX_SURGE = 10.0
"""Largest mean weekly demand multiplier [1]."""
MAX_RESERVE = 10.0
"""Largest outage reserve, as a fraction of the weekly nuclide need [1]."""


@dataclass(frozen=True)
class ProducerOutages:
    """Unplanned outages of one producer: Poisson arrivals, heavy-tailed durations.

    Attributes
    ----------
    rate_per_year : float [1/y]
        0 to :data:`MAX_RATE_PER_YEAR` (-1: only ``stock_days`` is given, the network's
        outages apply).
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
    ``largest-lane``) is out for ``days`` [d] from ``start_day`` [d] of the run.

    ``where`` names the scenario entry it came from (``"s.yaml: n_minus_1"``) for messages;
    empty, it came from the command line options ``--n-minus-1``, ``--outage-duration`` and
    ``--outage-start``.
    """

    target: str
    days: float
    start_day: float = 0.0
    where: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.target, str) or not self.target.strip():
            raise InputError(
                f"{self.label('target')}: give a producer or lane name, or largest-producer "
                "or largest-lane"
            )
        for key, value in (("days", self.days), ("start_day", self.start_day)):
            real = isinstance(value, int | float) and not isinstance(value, bool)
            if not (real and math.isfinite(value) and 0 <= value <= MAX_DURATION_D):
                raise InputError(
                    f"{self.label(key)} {elide(value)} d: give a duration from 0 d to 10 y"
                )
        if self.days == 0:
            raise InputError(f"{self.label('days')} 0 d: give a loss longer than 0 d")

    def label(self, key: str) -> str:
        """How the user wrote ``key`` (``target``, ``days``, ``start_day``)."""
        if not self.where:
            return {"target": "--n-minus-1", "days": "--outage-duration"}.get(key, "--outage-start")
        return f"{self.where}.{key}"

    def check_within(self, weeks: int) -> None:
        """Refuse a loss that starts after a run of ``weeks`` weeks has ended.

        Raises
        ------
        InputError
        """
        if self.start_day >= weeks * 7:
            raise InputError(
                f"{self.label('start_day')} {self.start_day:g} d: the run lasts {weeks * 7} d "
                f"({weeks} week{'s' if weeks != 1 else ''}); start the loss earlier"
            )

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "duration_d": self.days, "start_d": self.start_day}


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
    where: str = field(default="scenario", compare=False)

    def __post_init__(self) -> None:
        """The same limits as the file's keys, for scenarios made in Python (the service)."""
        w = self.where
        for name in ("batch_failure_probability", "refusal_probability", "delay_probability"):
            _fraction(getattr(self, name), f"{w}: {name}")
        for name, probability in self.process_failure.items():
            _fraction(probability, f"{w}: process_failure.{name}")
        for lane, values in self.lane_overrides.items():
            for key, probability in values.items():
                _fraction(probability, f"{w}: lane_overrides.{lane}.{key}")
        for name in ("reserve_delay_d", "redispatch_delay_d", "refusal_delay_d", "max_delay_d"):
            _number(getattr(self, name), f"{w}: {name}", upper=MAX_DELAY_D, unit="d")
        _number(self.reserve_fraction, f"{w}: reserve_fraction", upper=MAX_RESERVE)
        for name in ("use_network_outages", "second_sources"):
            _bool(getattr(self, name), f"{w}: {name}")
        rates = [("outage_rate_per_year", self.outage_rate_per_year)]
        durations = [("outage_duration_d", self.outage_duration_d)]
        for name, own in self.producers.items():
            rates.append((f"producers.{name}.rate_per_year", max(own.rate_per_year, 0.0)))
            durations.append((f"producers.{name}.duration_d", own.duration_d))
            _number(own.stock_days, f"{w}: producers.{name}.stock_days", upper=MAX_DURATION_D)
        for name, rate in rates:
            if rate is not None:
                _number(rate, f"{w}: {name}", upper=MAX_RATE_PER_YEAR, unit="/y")
        for name, dist in durations:
            _mean_at_most(dist, f"{w}: {name}", MAX_DURATION_D, "d")
        _mean_at_most(self.delay_h, f"{w}: delay_h", MAX_DELAY_D * 24.0, "h")
        _mean_at_most(self.surge, f"{w}: surge", MAX_SURGE, "")

    def with_reserve(self, fraction: float) -> Scenario:
        """The same scenario with another outage reserve fraction (0 to :data:`MAX_RESERVE`)."""
        return replace(
            self, reserve_fraction=_number(fraction, "reserve_fraction", upper=MAX_RESERVE)
        )

    def named(self) -> list[tuple[str, str, str]]:
        """Every producer, process and lane the scenario names: ``(kind, name, key)``, the key
        as written in the file (``outages.producers``, ``policy.stock_days``, ...)."""
        found = [
            (
                "producer",
                name,
                "outages.producers" if own.rate_per_year >= 0 else "policy.stock_days",
            )
            for name, own in self.producers.items()
        ]
        found += [("process", name, "batch_failures.processes") for name in self.process_failure]
        found += [("lane", name, "transport.lanes") for name in self.lane_overrides]
        return found

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
            "n_minus_1": None if self.n_minus_1 is None else self.n_minus_1.to_dict(),
        }


def no_disruptions() -> Scenario:
    """A scenario where nothing breaks (planned shutdowns still apply)."""
    return Scenario(name="no-disruptions", use_network_outages=False)


def _number(value: Any, where: str, *, upper: float, unit: str = "") -> float:
    """A number from 0 to ``upper`` (YAML numbers; plain-number text is read too)."""
    real = isinstance(value, int | float) and not isinstance(value, bool)
    if not (real or (isinstance(value, str) and _PLAIN.fullmatch(value.strip()))):
        raise InputError(f"{where}: {_shown(value)} is not a number")
    x = float(value)
    if not math.isfinite(x) or not 0 <= x <= upper:
        raise InputError(
            f"{where}: {_shown(value)} is out of range (give 0 to {show_limit(upper, unit)})"
        )
    return x


def _mean_at_most(dist: Distribution | None, where: str, upper: float, unit: str) -> None:
    if dist is not None and dist.mean > upper:
        raise InputError(
            f"{where}: mean {dist.mean!r} is out of range (give at most {show_limit(upper, unit)})"
        )


def _shown(value: Any) -> str:
    """A value the user wrote, for a message: text quoted, numbers and booleans as read."""
    return repr(elide(value)) if isinstance(value, str) else elide(value)


def _fraction(value: Any, where: str) -> float:
    return _number(value, where, upper=1.0)


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"{where}: {_shown(value)} is not true or false")
    return value


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected a mapping of names, not {elide(value)!r}")
    return {str(k): v for k, v in value.items()}


def _check_keys(block: Any, allowed: set[str], where: str) -> dict[str, Any]:
    if block is None:
        return {}
    if not isinstance(block, dict):
        raise InputError(f"{where}: expected a mapping of keys, not {elide(block)!r}")
    unknown = sorted(set(map(str, block)) - allowed)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(allowed), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise InputError(
            f"{where}: unknown key(s) {elide(', '.join(unknown))} "
            f"({hint}allowed: {', '.join(sorted(allowed))})"
        )
    return {str(k): v for k, v in block.items()}


def _duration(spec: Any, where: str) -> Distribution:
    return parse_distribution(spec, where, upper=MAX_DURATION_D, unit="d")


def _producers(out: dict[str, Any], policy: dict[str, Any], where: str) -> dict[str, Any]:
    """``outages.producers`` and ``policy.stock_days``, per producer."""
    producers: dict[str, ProducerOutages] = {}
    for name, spec in _mapping(out.get("producers"), f"{where}: outages.producers").items():
        key = f"{where}: outages.producers.{name}"
        p = _check_keys(spec, _PRODUCER, key)
        if "rate_per_year" not in p or "duration_d" not in p:
            raise InputError(f"{key}: give rate_per_year and duration_d")
        producers[name] = ProducerOutages(
            rate_per_year=_number(
                p["rate_per_year"], f"{key}.rate_per_year", upper=MAX_RATE_PER_YEAR, unit="/y"
            ),
            duration_d=_duration(p["duration_d"], f"{key}.duration_d"),
            stock_days=_number(
                p.get("stock_days", 0), f"{key}.stock_days", upper=MAX_DURATION_D, unit="d"
            ),
        )
    for name, days in _mapping(policy.get("stock_days"), f"{where}: policy.stock_days").items():
        stock = _number(days, f"{where}: policy.stock_days.{name}", upper=MAX_DURATION_D, unit="d")
        base = producers.get(name)
        if base is not None:
            producers[name] = replace(base, stock_days=stock)
        else:
            producers[name] = ProducerOutages(-1.0, Distribution("fixed", 0.0), stock)
    return producers


def _outages(out: dict[str, Any], where: str) -> dict[str, Any]:
    rate = out.get("rate_per_year")
    duration = out.get("duration_d")
    return {
        "use_network_outages": _bool(out.get("use_network", True), f"{where}: outages.use_network"),
        "outage_rate_per_year": None
        if rate is None
        else _number(rate, f"{where}: outages.rate_per_year", upper=MAX_RATE_PER_YEAR, unit="/y"),
        "outage_duration_d": None
        if duration is None
        else _duration(duration, f"{where}: outages.duration_d"),
    }


def _failures(batch: dict[str, Any], transport: dict[str, Any], where: str) -> dict[str, Any]:
    lanes: dict[str, dict[str, float]] = {}
    for lane, spec in _mapping(transport.get("lanes"), f"{where}: transport.lanes").items():
        key = f"{where}: transport.lanes.{lane}"
        entry = _check_keys(spec, _LANE, key)
        lanes[lane] = {k: _fraction(v, f"{key}.{k}") for k, v in entry.items()}
    processes = _mapping(batch.get("processes"), f"{where}: batch_failures.processes")
    return {
        "batch_failure_probability": _fraction(
            batch.get("probability", 0.0), f"{where}: batch_failures.probability"
        ),
        "process_failure": {
            k: _fraction(v, f"{where}: batch_failures.processes.{k}") for k, v in processes.items()
        },
        "refusal_probability": _fraction(
            transport.get("refusal_probability", 0.0), f"{where}: transport.refusal_probability"
        ),
        "delay_probability": _fraction(
            transport.get("delay_probability", 0.0), f"{where}: transport.delay_probability"
        ),
        "delay_h": parse_distribution(
            transport.get("delay_h", {"distribution": "lognormal", "mean": 6.0, "cv": 1.0}),
            f"{where}: transport.delay_h",
            upper=MAX_DELAY_D * 24.0,
            unit="h",
        ),
        "lane_overrides": lanes,
    }


def _policy(policy: dict[str, Any], where: str) -> dict[str, Any]:
    delays = {"reserve_delay_d": 0.0, "redispatch_delay_d": 1.0, "refusal_delay_d": 1.0}
    delays["max_delay_d"] = 7.0
    found: dict[str, Any] = {
        key: _number(
            policy.get(key, default), f"{where}: policy.{key}", upper=MAX_DELAY_D, unit="d"
        )
        for key, default in delays.items()
    }
    found["reserve_fraction"] = _number(
        policy.get("reserve_fraction", 0.0), f"{where}: policy.reserve_fraction", upper=MAX_RESERVE
    )
    found["second_sources"] = _bool(
        policy.get("second_sources", True), f"{where}: policy.second_sources"
    )
    return found


def _n_minus_1(block: Any, where: str) -> NMinus1 | None:
    n1 = _check_keys(block, _N1, f"{where}: n_minus_1")
    if not n1:
        return None
    key = f"{where}: n_minus_1"
    target = n1.get("target", "largest-producer")
    if not isinstance(target, str):
        raise InputError(f"{key}.target: {elide(target)!r} is not a producer or lane name")
    return NMinus1(
        target=target,
        days=_number(n1.get("days", 21), f"{key}.days", upper=MAX_DURATION_D, unit="d"),
        start_day=_number(
            n1.get("start_day", 0), f"{key}.start_day", upper=MAX_DURATION_D, unit="d"
        ),
        where=key,
    )


def _text(value: Any, where: str, default: str) -> str:
    if value is None:
        return default
    if isinstance(value, dict | list):
        raise InputError(f"{where}: give text, not {elide(value)!r}")
    return str(value)


def parse_scenario(data: dict[str, Any], where: str = "scenario") -> Scenario:
    """A :class:`Scenario` from a mapping (the parsed YAML file).

    Parameters
    ----------
    data : dict
    where : str
        The file the mapping came from, for messages (and :attr:`Scenario.where`).

    Raises
    ------
    InputError
        Unknown keys, values that are not numbers or booleans, rates, durations, delays or
        probabilities out of range (see ``docs/simulation.md``), bad distributions.
    """
    top = _check_keys(data, _TOP, where)
    out = _check_keys(top.get("outages"), _OUTAGE, f"{where}: outages")
    batch = _check_keys(top.get("batch_failures"), _BATCH, f"{where}: batch_failures")
    transport = _check_keys(top.get("transport"), _TRANSPORT, f"{where}: transport")
    demand = _check_keys(top.get("demand"), _DEMAND, f"{where}: demand")
    policy = _check_keys(top.get("policy"), _POLICY, f"{where}: policy")
    surge = demand.get("surge")
    sources = _mapping(top.get("sources"), f"{where}: sources")
    return Scenario(
        name=_text(top.get("name"), f"{where}: name", "scenario"),
        description=_text(top.get("description"), f"{where}: description", ""),
        producers=_producers(out, policy, where),
        surge=None
        if surge is None
        else parse_distribution(surge, f"{where}: demand.surge", upper=MAX_SURGE),
        n_minus_1=_n_minus_1(top.get("n_minus_1"), where),
        sources={k: _text(v, f"{where}: sources.{k}", "") for k, v in sources.items()},
        where=where,
        **_outages(out, where),
        **_failures(batch, transport, where),
        **_policy(policy, where),
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
