"""Typed, validated parameters of the production routes.

Every route takes a frozen dataclass of parameters (:class:`RouteParameters` subclasses such as
``Lu177DirectParameters``). Each field is described once by a :class:`ParameterSpec`: its name
(and so its command-line option: ``target_mass`` is ``--target-mass``), the kind of quantity,
its unit, its allowed range and a one-line help. A concept has one spec, shared by every route
that takes it, so ``cooling`` or ``enrichment`` mean the same thing everywhere. Values are held
in base units: s, g, Bq, n cm⁻² s⁻¹, µA, atom fraction.

Two ways in:

- from Python, ``Lu177DirectParameters(target_mass=0.01, enrichment=0.82, thermal_flux=1e14)``:
  numbers are in base units, text (``"10 mg"``) is parsed; ranges are checked at construction;
- from text (the command line, a service), ``Lu177DirectParameters.parse({"target_mass":
  "10 mg", "enrichment": "82 %", "thermal_flux": "1e14"})``: a time, mass or activity without
  its unit is refused with an example of how to write it (radiochain never guesses whether
  ``7`` means seconds or days).

Every refusal is one :class:`~radiochain.errors.InputError` line that names the option, the
value given and what would be right.

Examples
--------
>>> from radiochain.physics.production.routes_lu177 import Lu177DirectParameters
>>> p = Lu177DirectParameters.parse(
...     {"target_mass": "10 mg", "enrichment": "82 %", "thermal_flux": "1e14"})
>>> p.target_mass, p.enrichment, p.irradiation
(0.01, 0.82, 604800.0)
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Self

from radiochain.errors import InputError, elide, one_line
from radiochain.physics.names import canonical_name
from radiochain.physics.production.presentation import plain_number
from radiochain.units import DAYS_PER_YEAR, SECONDS_PER_DAY, format_quantity, parse_quantity
from radiochain.units import to_seconds as _to_seconds

__all__ = [
    "MAX_DURATION_S",
    "Amount",
    "Kind",
    "ParameterSpec",
    "RouteParameters",
    "parameter",
    "parse_date",
]

Kind = Literal[
    "time",
    "mass",
    "activity",
    "amount",
    "fraction",
    "flux",
    "current",
    "count",
    "nuclide",
    "date",
    "custom",
]
"""What a parameter is: a duration [s], a mass [g], an activity [Bq], an amount of a nuclide
(an activity or a mass: :class:`Amount`), a share in [0, 1], a neutron flux [n cm⁻² s⁻¹], a
beam current [µA], a whole number, a nuclide name, an ISO date, or something a custom parser
reads (reactor outages)."""

YEAR_S = DAYS_PER_YEAR * SECONDS_PER_DAY
MAX_DURATION_S = 10 * YEAR_S
"""Longest irradiation, cooling, interval or delay a route accepts [s] (10 y)."""

FIRST_DATE = datetime.date(2000, 1, 1)
LAST_DATE = datetime.date(2100, 12, 31)

_SPEC = "radiochain.parameter"
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf|infinity)"
_ASCII = re.IGNORECASE | re.ASCII
_FRACTION = re.compile(rf"^\s*({_NUMBER})\s*(%?)\s*$", _ASCII)
_PLAIN = re.compile(rf"^\s*({_NUMBER})\s*$", _ASCII)
_CURRENT = re.compile(rf"^\s*({_NUMBER})\s*(?:µA|μA|uA)?\s*$", _ASCII)
_WHOLE = re.compile(r"^\s*([+-]?\d+)\s*$", re.ASCII)
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$", re.ASCII)


@dataclass(frozen=True)
class Amount:
    """An amount of a nuclide: an activity [Bq] or a mass [g].

    Attributes
    ----------
    value : float
        In the base unit of ``dimension``.
    dimension : {"activity", "mass"}
    """

    value: float
    dimension: Literal["activity", "mass"]

    def __str__(self) -> str:
        return format_quantity(self.value, self.dimension)


MAX_ACTIVITY_BQ = 1e15
"""Largest activity a route accepts as an input [Bq] (1 PBq, ~27,000 Ci)."""
MAX_MASS_G = 1e3
"""Largest mass a route accepts as an input [g] (1 kg)."""

_AMOUNT_LIMIT = {"activity": MAX_ACTIVITY_BQ, "mass": MAX_MASS_G}
_AMOUNT_SUFFIX = {"activity": "_bq", "mass": "_g"}
_SUFFIX: dict[str, str] = {
    "time": "_s",
    "mass": "_g",
    "activity": "_bq",
    "fraction": "_fraction",
    "flux": "_per_cm2_s",
    "current": "_ua",
}


def _show_time(seconds: float) -> str:
    return format_quantity(seconds, "time") if seconds else "0 s"


def parse_date(value: object, what: str) -> datetime.date:
    """An ISO date ``YYYY-MM-DD`` between 2000-01-01 and 2100-12-31.

    Raises
    ------
    InputError
        Not a date in that form, a day that does not exist (``2026-02-30``), or out of range.
    """
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        day = value
    else:
        text = str(value)
        match = _DATE.match(text)
        if match is None:
            raise InputError(
                f"{what}: {elide(text)!r} is not a date (write YYYY-MM-DD, e.g. '2026-01-05')"
            )
        try:
            day = datetime.date(*(int(part) for part in match.groups()))
        except ValueError as err:
            raise InputError(f"{what}: {elide(text)!r} is not a valid date ({err})") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise InputError(
            f"{what}: {day.isoformat()} is outside {FIRST_DATE.isoformat()} to "
            f"{LAST_DATE.isoformat()}"
        )
    return day


CustomParser = Callable[[object, Mapping[str, object]], object]
"""Reads a custom parameter from text or a typed value, given the parameters read so far."""


@dataclass(frozen=True)
class ParameterSpec:
    """One parameter concept: name, kind, unit, range and help.

    Attributes
    ----------
    name : str
        Python keyword (``"target_mass"``); the option is ``--target-mass`` unless ``option``.
    kind : Kind
    help : str
        One line for ``--help`` and the docs; names the unit and gives an example.
    low, high : float, optional
        Allowed range in the base unit (for ``count``: whole numbers).
    low_open : bool
        True when ``low`` itself is not allowed (a value must be more than ``low``).
    option : str
        The command-line option, when it is not ``--`` + the name with dashes.
    parser : callable, optional
        For ``kind="custom"``: reads the value (see :data:`CustomParser`).
    json_name : str
        The key's stem in JSON when it differs from ``name`` (the unit suffix is added).
    json_unit : str
        Unit suffix in JSON of a ``custom`` parameter (``"_s"``).
    """

    name: str
    kind: Kind
    help: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    option: str = ""
    parser: CustomParser | None = None
    json_name: str = ""
    json_unit: str = ""

    @property
    def flag(self) -> str:
        """The command-line option (``--target-mass``)."""
        return self.option or "--" + self.name.replace("_", "-")

    # -- reading ------------------------------------------------------------------------------

    def parse(self, value: object, context: Mapping[str, object] | None = None) -> object:
        """Read ``value`` (text from a user, or a typed value) and check its range.

        Parameters
        ----------
        value : object
            Text such as ``"7 d"``, ``"82 %"``, ``"1e14"``; or a value already in base units.
        context : mapping, optional
            Parameters read before this one (a custom parser may need them).

        Raises
        ------
        InputError
            The value does not parse or is out of range; the message names :attr:`flag`.
        """
        context = {} if context is None else context
        try:
            return self._read(value, context)
        except InputError as err:  # user text may hold line breaks: the message never does
            message = str(err)
            if one_line(message) == message:
                raise
            raise type(err)(one_line(message)) from None

    def _read(self, value: object, context: Mapping[str, object]) -> object:
        if self.kind == "custom":
            if self.parser is None:
                raise InputError(f"{self.flag}: no parser (a bug in the route's parameters)")
            return self.parser(value, context)
        if isinstance(value, bool):
            raise InputError(f"{self.flag}: {value!r} is not a valid value ({self.help})")
        reader = _READERS[self.kind]
        return reader(self, value)

    def _checked(self, value: float, shown: str, unit_text: Callable[[float], str]) -> float:
        if not math.isfinite(value):
            raise InputError(f"{self.flag}: {elide(shown)!r} is not a finite number ({self.help})")
        too_low = self.low is not None and (
            value < self.low or (self.low_open and value == self.low)
        )
        too_high = self.high is not None and value > self.high
        if too_low or too_high:
            raise InputError(
                f"{self.flag}: {elide(shown)!r} is out of range (give {self.range_text(unit_text)})"
            )
        return value

    def range_text(self, unit_text: Callable[[float], str] | None = None) -> str:
        """The allowed range in words (``"more than 0 s and at most 10 y"``)."""
        show = unit_text or (lambda v: f"{v:g}")
        parts = []
        if self.low is not None:
            parts.append(f"{'more than' if self.low_open else 'at least'} {show(self.low)}")
        if self.high is not None:
            parts.append(f"at most {show(self.high)}")
        return " and ".join(parts) or "any value"

    def json_key(self, value: object) -> str:
        """Key of this parameter in JSON output, with its unit as a suffix."""
        stem = self.json_name or self.name
        if isinstance(value, Amount):
            return stem + _AMOUNT_SUFFIX[value.dimension]
        return stem + (self.json_unit or _SUFFIX.get(self.kind, ""))


def _read_time(spec: ParameterSpec, value: object) -> float:
    if isinstance(value, int | float):
        seconds = float(value)  # a number from Python: base unit [s]
    else:
        seconds = _to_seconds(
            str(value), default_unit=None, what=spec.flag, allow_negative=spec.low is None
        )
    return spec._checked(seconds, str(value), _show_time)


def _read_amount(spec: ParameterSpec, value: object) -> Amount:
    if isinstance(value, Amount):
        amount = value
    elif isinstance(value, int | float):
        amount = Amount(float(value), "activity")  # a number from Python: Bq
    else:
        number, dimension = parse_quantity(
            str(value), ("activity", "mass"), default_unit=None, what=spec.flag
        )
        amount = Amount(number, "mass" if dimension == "mass" else "activity")
    _check_amount(spec, amount.value, amount.dimension, value)
    return amount


def _check_amount(spec: ParameterSpec, number: float, dimension: str, shown: object) -> float:
    if not math.isfinite(number):
        raise InputError(f"{spec.flag}: {elide(shown)!r} is not a finite amount ({spec.help})")
    limit = _AMOUNT_LIMIT[dimension]
    if not 0 < number <= limit:
        shown_limit = format_quantity(limit, "activity" if dimension == "activity" else "mass")
        raise InputError(
            f"{spec.flag}: {elide(shown)!r} is out of range (give more than 0 and at most "
            f"{shown_limit})"
        )
    return number


def _read_mass(spec: ParameterSpec, value: object) -> float:
    if isinstance(value, int | float):
        grams = float(value)  # a number from Python: base unit [g]
    else:
        grams, _ = parse_quantity(str(value), ("mass",), default_unit=None, what=spec.flag)
    return _check_amount(spec, grams, "mass", value)


def _read_activity(spec: ParameterSpec, value: object) -> float:
    if isinstance(value, int | float):
        bq = float(value)  # a number from Python: base unit [Bq]
    else:
        bq, _ = parse_quantity(str(value), ("activity",), default_unit=None, what=spec.flag)
    return _check_amount(spec, bq, "activity", value)


def _number(spec: ParameterSpec, value: object, pattern: re.Pattern[str], unit: str) -> float:
    if isinstance(value, int | float):
        return float(value)
    text = str(value)
    match = pattern.match(text)
    if match is None:
        raise InputError(f"{spec.flag}: {elide(text)!r} is not a number{unit} ({spec.help})")
    return float(match.group(1))


def _read_fraction(spec: ParameterSpec, value: object) -> float:
    if isinstance(value, int | float):
        share = float(value)
    else:
        match = _FRACTION.match(str(value))
        if match is None:
            raise InputError(
                f"{spec.flag}: {elide(value)!r} is not a fraction (write e.g. 0.82 or '82 %')"
            )
        share = float(match.group(1)) / (100.0 if match.group(2) else 1.0)
    return spec._checked(share, str(value), lambda v: f"{v:g}")


def _read_flux(spec: ParameterSpec, value: object) -> float:
    flux = _number(spec, value, _PLAIN, " in n cm⁻² s⁻¹")
    return spec._checked(flux, str(value), lambda v: f"{plain_number(v)} n cm⁻² s⁻¹")


def _read_current(spec: ParameterSpec, value: object) -> float:
    current = _number(spec, value, _CURRENT, " in µA")
    return spec._checked(current, str(value), lambda v: f"{v:g} µA")


def _read_count(spec: ParameterSpec, value: object) -> int:
    if isinstance(value, int):
        count = value
    elif isinstance(value, float) and value.is_integer():
        count = int(value)
    elif isinstance(value, str) and (match := _WHOLE.match(value)):
        count = int(match.group(1))
    else:
        raise InputError(f"{spec.flag}: {elide(value)!r} is not a whole number ({spec.help})")
    spec._checked(float(count), str(value), lambda v: f"{v:,.0f}")
    return count


def _read_nuclide(spec: ParameterSpec, value: object) -> str:
    return canonical_name(str(value))


def _read_date(spec: ParameterSpec, value: object) -> datetime.date:
    return parse_date(value, spec.flag)


_READERS: dict[str, Callable[[ParameterSpec, object], object]] = {
    "time": _read_time,
    "mass": _read_mass,
    "activity": _read_activity,
    "amount": _read_amount,
    "fraction": _read_fraction,
    "flux": _read_flux,
    "current": _read_current,
    "count": _read_count,
    "nuclide": _read_nuclide,
    "date": _read_date,
}


def parameter(spec: ParameterSpec, default: Any = dataclasses.MISSING) -> Any:
    """A dataclass field described by ``spec`` (required unless ``default`` is given)."""
    return dataclasses.field(default=default, metadata={_SPEC: spec})


@dataclass(frozen=True, kw_only=True)
class RouteParameters:
    """Base of the typed parameters of a route: a frozen dataclass, validated at construction.

    Subclasses declare their fields with :func:`parameter`; :meth:`parse` reads text;
    :meth:`to_dict` gives the JSON form (keys with unit suffixes); :meth:`arguments` the keyword
    arguments of the route's ``run``.
    """

    route_hint: ClassVar[str] = "this route"

    def __post_init__(self) -> None:
        checked: dict[str, object] = {}
        for name, spec in self.specs().items():
            value = getattr(self, name)
            if value is not None:
                value = spec.parse(value, checked)
                object.__setattr__(self, name, value)
            checked[name] = value
        self.check()

    def check(self) -> None:
        """Checks across fields (a subclass hook); raise :class:`InputError`."""

    @classmethod
    def specs(cls) -> dict[str, ParameterSpec]:
        """The spec of every field, in declaration order."""
        return {f.name: f.metadata[_SPEC] for f in dataclasses.fields(cls) if _SPEC in f.metadata}

    @classmethod
    def required(cls) -> tuple[str, ...]:
        """Names of the fields without a default."""
        return tuple(
            f.name
            for f in dataclasses.fields(cls)
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        )

    @classmethod
    def parse(cls, given: Mapping[str, object]) -> Self:
        """Parameters from user values (text, or numbers where the option takes a number).

        Parameters
        ----------
        given : mapping of str to object
            By parameter name (``"target_mass"``); absent names take their defaults.

        Raises
        ------
        InputError
            An unknown name, a required parameter missing, or a value that does not parse or is
            out of range (one line naming the option).
        """
        specs = cls.specs()
        unknown = [name for name in given if name not in specs]
        if unknown:
            shown = ", ".join(elide(n, 30) for n in unknown[:3])
            raise InputError(
                f"{cls.route_hint} does not take {shown} (it takes: "
                f"{', '.join(s.flag for s in specs.values())})"
            )
        missing = [specs[name].flag for name in cls.required() if given.get(name) is None]
        if missing:
            raise InputError(
                f"{cls.route_hint} needs {', '.join(missing)} (see 'radiochain produce --help')"
            )
        values: dict[str, object] = {}
        for name, spec in specs.items():
            if given.get(name) is not None:
                values[name] = spec.parse(given[name], values)
        return cls(**values)

    def arguments(self) -> dict[str, Any]:
        """Keyword arguments of the route's ``run`` (values in base units)."""
        return {name: getattr(self, name) for name in self.specs()}

    def to_dict(self) -> dict[str, object]:
        """JSON form: keys carry their unit (``target_mass_g``, ``irradiation_s``)."""
        out: dict[str, object] = {}
        for name, spec in self.specs().items():
            value = getattr(self, name)
            if isinstance(value, Amount):
                out[spec.json_key(value)] = value.value
            elif isinstance(value, datetime.date):
                out[spec.json_key(value)] = value.isoformat()
            elif isinstance(value, tuple):
                out[spec.json_key(value)] = [list(v) if isinstance(v, tuple) else v for v in value]
            else:
                out[spec.json_key(value)] = value
        return out

    def describe(self) -> dict[str, str]:
        """Each parameter as text with its unit, by option (for tables)."""
        out: dict[str, str] = {}
        for name, spec in self.specs().items():
            value = getattr(self, name)
            out[spec.flag] = _describe(spec, value)
        return out


def _describe(spec: ParameterSpec, value: object) -> str:
    if value is None:
        return "—"
    if spec.kind == "time" and isinstance(value, float):
        return _show_time(value)
    if spec.kind in ("mass", "activity") and isinstance(value, float):
        return format_quantity(value, "mass" if spec.kind == "mass" else "activity")
    if spec.kind == "fraction" and isinstance(value, float):
        return plain_number(value)
    if spec.kind == "flux" and isinstance(value, float):
        return f"{plain_number(value)} n cm⁻² s⁻¹"
    if spec.kind == "current" and isinstance(value, float):
        return f"{plain_number(value)} µA"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "; ".join(f"{_show_time(a)} to {_show_time(b)}" for a, b in value) or "none"
    return str(value)


# -- the concepts, one spec each (shared by every route that takes them) ----------------------

MAX_FLUX = 1e17
"""Highest neutron flux a route accepts [n cm⁻² s⁻¹] (research reactors reach ~2.5e15)."""
MAX_BEAM_CURRENT = 1e4
"""Highest beam current a route accepts [µA] (10 mA)."""
MAX_COUNT = 1000
"""Most milkings or elutions of one run."""

TARGET_MASS = ParameterSpec(
    "target_mass",
    "mass",
    "mass of the target element (Lu or Yb, not its oxide), e.g. '10 mg'",
)
ENRICHMENT = ParameterSpec(
    "enrichment",
    "fraction",
    "atom fraction of the target isotope (Lu-176 or Yb-176), e.g. 0.82 or 82%",
    low=0.0,
    high=1.0,
    low_open=True,
)
THERMAL_FLUX = ParameterSpec(
    "thermal_flux",
    "flux",
    "thermal neutron flux (Westcott), a bare number of neutrons per cm² per second, e.g. 1e14",
    low=0.0,
    high=MAX_FLUX,
)
EPITHERMAL_FLUX = ParameterSpec(
    "epithermal_flux",
    "flux",
    "epithermal neutron flux per unit lethargy, a bare number of neutrons per cm² per second, "
    "e.g. 3e12",
    low=0.0,
    high=MAX_FLUX,
)
IRRADIATION = ParameterSpec(
    "irradiation",
    "time",
    "irradiation (beam or flux on) time, e.g. '7 d'",
    low=0.0,
    high=MAX_DURATION_S,
    low_open=True,
)
COOLING = ParameterSpec(
    "cooling",
    "time",
    "time from the end of bombardment, or from the separation, milking or elution that made "
    "the product, to the reported point, e.g. '1 d'",
    low=0.0,
    high=MAX_DURATION_S,
)
PRODUCT = ParameterSpec("product", "nuclide", "product nuclide (default: the route's first)")
SEPARATION_DELAY = ParameterSpec(
    "separation_delay",
    "time",
    "time from the end of bombardment to the Lu/Yb separation, e.g. '1 d'",
    low=0.0,
    high=MAX_DURATION_S,
)
LU_YIELD = ParameterSpec(
    "lu_yield",
    "fraction",
    "fraction of the lutetium recovered by the Lu/Yb separation, e.g. 0.9",
    low=0.0,
    high=1.0,
    low_open=True,
)
YB_CARRYOVER = ParameterSpec(
    "yb_carryover",
    "fraction",
    "fraction of the ytterbium that follows the lutetium into the product, e.g. 1e-4",
    low=0.0,
    high=1.0,
)
WEEKS_IN_CORE = ParameterSpec(
    "weeks_in_core",
    "count",
    "whole weeks each on-line target stays in core, e.g. 2",
    low=1,
    high=52,
)
TARGETS = ParameterSpec(
    "targets",
    "count",
    "number of weekly on-line targets, e.g. 52 (one year)",
    low=1,
    high=520,
)
START = ParameterSpec(
    "start",
    "date",
    "date of the first insertion, YYYY-MM-DD between 2000-01-01 and 2100-12-31",
)
TH229 = ParameterSpec(
    "th229",
    "amount",
    "Th-229 in the cow, an activity or a mass, e.g. '100 mCi' or '0.5 g'",
)
INTERVAL = ParameterSpec(
    "interval",
    "time",
    "time between milkings or elutions (the first one after one interval), e.g. '14 d'",
    low=0.0,
    high=MAX_DURATION_S,
    low_open=True,
)
MILKINGS = ParameterSpec(
    "milkings", "count", "number of milkings of the cow, e.g. 6", low=1, high=MAX_COUNT
)
AC_YIELD = ParameterSpec(
    "ac_yield",
    "fraction",
    "fraction of the cow's actinium recovered per milking, e.g. 0.9",
    low=0.0,
    high=1.0,
    low_open=True,
)
RA_REMOVED = ParameterSpec(
    "ra_removed",
    "fraction",
    "fraction of the cow's radium removed (lost) at each milking, e.g. 0",
    low=0.0,
    high=1.0,
)
BEAM_CURRENT = ParameterSpec(
    "beam_current",
    "current",
    "proton beam current [µA], e.g. 20",
    low=0.0,
    high=MAX_BEAM_CURRENT,
    low_open=True,
)
RA226 = ParameterSpec(
    "ra226",
    "amount",
    "Ra-226 on the target, an activity or a mass, e.g. '37 MBq' or '1 mg'",
)
PARENT_ACTIVITY = ParameterSpec(
    "parent_activity",
    "activity",
    "activity of the generator's parent at t = 0, e.g. '1.85 GBq'",
)
ELUTIONS = ParameterSpec(
    "elutions", "count", "number of elutions of the generator, e.g. 5", low=1, high=MAX_COUNT
)
EFFICIENCY = ParameterSpec(
    "efficiency",
    "fraction",
    "fraction of the daughter eluted from the generator, e.g. 0.9",
    low=0.0,
    high=1.0,
    low_open=True,
)
BREAKTHROUGH = ParameterSpec(
    "breakthrough",
    "fraction",
    "fraction of the generator's parent that leaves with each eluate, e.g. 1e-4",
    low=0.0,
    high=1.0,
)
