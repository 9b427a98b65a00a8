"""Quantities with units at the edges: ``"7.4 GBq"``, ``"2 mCi"``, ``"1 mg"``, ``"120 h"``.

Inside radiochain every quantity is a plain float in one base unit per dimension:

=========  ==========  ==========================================================
dimension  base unit   accepted units (case-sensitive where SI prefixes need it)
=========  ==========  ==========================================================
activity   Bq          Bq, kBq, MBq, GBq, TBq, PBq, Ci, kCi, mCi, uCi/µCi, nCi, dpm
mass       g           kg, g, mg, ug/µg, ng, pg
atoms      1           atoms, mol, mmol, umol/µmol, nmol
time       s           ns, us/µs, ms, s, min, h, d, wk/week, y/yr/year (365.2422 d)
=========  ==========  ==========================================================

The year is the NUBASE2020 year of 365.2422 d (Kondev et al., Chin. Phys. C 45 (2021)
030001), the convention of the evaluations the nuclear data come from. This module is the one
place where units are converted; nothing else multiplies by 3.7e10 or 86400.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable
from typing import Literal

from radiochain.errors import UnitError, elide

Dimension = Literal["activity", "mass", "atoms", "time"]

AVOGADRO = 6.02214076e23
"""Avogadro constant [1/mol] (exact, SI 2019)."""

SECONDS_PER_DAY = 86_400.0
DAYS_PER_YEAR = 365.2422
"""Days per year [d], the NUBASE2020 convention."""

_ACTIVITY: dict[str, float] = {
    "Bq": 1.0,
    "kBq": 1e3,
    "MBq": 1e6,
    "GBq": 1e9,
    "TBq": 1e12,
    "PBq": 1e15,
    "Ci": 3.7e10,
    "kCi": 3.7e13,
    "mCi": 3.7e7,
    "uCi": 3.7e4,
    "µCi": 3.7e4,
    "μCi": 3.7e4,
    "nCi": 37.0,
    "dpm": 1.0 / 60.0,
}
_MASS: dict[str, float] = {
    "kg": 1e3,
    "g": 1.0,
    "mg": 1e-3,
    "ug": 1e-6,
    "µg": 1e-6,
    "μg": 1e-6,
    "ng": 1e-9,
    "pg": 1e-12,
}
_ATOMS: dict[str, float] = {
    "atoms": 1.0,
    "atom": 1.0,
    "mol": AVOGADRO,
    "mmol": AVOGADRO * 1e-3,
    "umol": AVOGADRO * 1e-6,
    "µmol": AVOGADRO * 1e-6,
    "nmol": AVOGADRO * 1e-9,
}
_TIME: dict[str, float] = {
    "ps": 1e-12,
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "sec": 1.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "second": 1.0,
    "seconds": 1.0,
    "secs": 1.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hrs": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "d": SECONDS_PER_DAY,
    "day": SECONDS_PER_DAY,
    "days": SECONDS_PER_DAY,
    "wk": 7 * SECONDS_PER_DAY,
    "week": 7 * SECONDS_PER_DAY,
    "weeks": 7 * SECONDS_PER_DAY,
    "y": DAYS_PER_YEAR * SECONDS_PER_DAY,
    "yr": DAYS_PER_YEAR * SECONDS_PER_DAY,
    "year": DAYS_PER_YEAR * SECONDS_PER_DAY,
    "years": DAYS_PER_YEAR * SECONDS_PER_DAY,
    "ky": 1e3 * DAYS_PER_YEAR * SECONDS_PER_DAY,
    "My": 1e6 * DAYS_PER_YEAR * SECONDS_PER_DAY,
    "Gy": 1e9 * DAYS_PER_YEAR * SECONDS_PER_DAY,
}

UNITS: dict[Dimension, dict[str, float]] = {
    "activity": _ACTIVITY,
    "mass": _MASS,
    "atoms": _ATOMS,
    "time": _TIME,
}
BASE_UNIT: dict[Dimension, str] = {"activity": "Bq", "mass": "g", "atoms": "atoms", "time": "s"}
_SHOWN: dict[Dimension, str] = {
    "activity": "Bq, kBq, MBq, GBq, TBq, Ci, mCi, µCi",
    "mass": "kg, g, mg, µg, ng",
    "atoms": "atoms, mol, µmol",
    "time": "s, min, h, d, wk, y",
}

_EXAMPLE: dict[Dimension, str] = {
    "activity": "7.4 GBq",
    "mass": "1 mg",
    "atoms": "1e15 atoms",
    "time": "120 h",
}

_TYPICAL_UNIT: dict[Dimension, str] = {
    "activity": "GBq",
    "mass": "mg",
    "atoms": "atoms",
    "time": "d",
}


def _no_unit(what: str, text: str, dims: tuple[Dimension, ...]) -> str:
    """A bare number where a quantity is expected: say how to write it."""
    number = elide(text.strip(), 30)
    shown = " or ".join(f"'{number} {_TYPICAL_UNIT[d]}'" for d in dims)
    units = "; ".join(_SHOWN[d] for d in dims)
    return f"{what}: {number!r} has no unit (write e.g. {shown}; units: {units})"


_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf)"
_TERM = re.compile(rf"\s*({_NUMBER})\s*([A-Za-zµμ]+)?\s*", re.IGNORECASE | re.ASCII)
_PLAIN_NUMBER = re.compile(_NUMBER, re.IGNORECASE | re.ASCII)
_BARE = re.compile(rf"\s*(?:{_NUMBER})\s*", re.IGNORECASE | re.ASCII)


def _lookup_unit(unit: str, dims: Iterable[Dimension]) -> tuple[Dimension, float] | None:
    for dim in dims:
        table = UNITS[dim]
        if unit in table:
            return dim, table[unit]
    return None


def _did_you_mean(unit: str, dims: Iterable[Dimension]) -> str:
    """Suggest the unit that differs only in letter case (never applied silently: 'mBq'
    and 'MBq' differ by a factor of 1e9)."""
    lowered = unit.lower()
    matches = [name for dim in dims for name in UNITS[dim] if name.lower() == lowered]
    return f"did you mean {matches[0]!r}? " if len(matches) == 1 else ""


def unit_factor(unit: str, dimension: Dimension) -> float:
    """Factor that converts a value in ``unit`` to the base unit of ``dimension``.

    Parameters
    ----------
    unit : str
        Unit name, e.g. ``"GBq"``, ``"mg"``, ``"h"``.
    dimension : {"activity", "mass", "atoms", "time"}
        Expected dimension.

    Returns
    -------
    float
        Multiply a value in ``unit`` by this to get the base unit (Bq, g, atoms, s).

    Raises
    ------
    UnitError
        The unit is unknown or of another dimension.
    """
    found = _lookup_unit(unit, (dimension,))
    if found is None:
        raise UnitError(
            f"unknown {dimension} unit {unit!r} "
            f"({_did_you_mean(unit, (dimension,))}use one of {_SHOWN[dimension]})"
        )
    return found[1]


def unit_dimension(unit: str, dimensions: Iterable[Dimension]) -> tuple[Dimension, float]:
    """Which of ``dimensions`` a unit belongs to, and its factor to the base unit.

    Raises
    ------
    UnitError
        The unit belongs to none of them.
    """
    dims = tuple(dimensions)
    found = _lookup_unit(unit, dims)
    if found is None:
        shown = "; ".join(_SHOWN[d] for d in dims)
        raise UnitError(f"unknown unit {unit!r} ({_did_you_mean(unit, dims)}use one of {shown})")
    return found


_DECIMAL_COMMA = re.compile(r"^([+-]?\d+),(\d+)(?=\s*[A-Za-zµμ]|\s*$)")


def parse_quantity(
    value: str | float | int,
    dimensions: Iterable[Dimension],
    *,
    default_unit: str | None = None,
    what: str = "value",
) -> tuple[float, Dimension]:
    """Read a quantity such as ``"7.4 GBq"`` or ``"1 d 12 h"`` into its base unit.

    Parameters
    ----------
    value : str or float
        Text with a number and a unit, or a bare number (then ``default_unit`` applies). Time
        may be written as a sum of terms (``"1 d 12 h"``).
    dimensions : iterable of {"activity", "mass", "atoms", "time"}
        Dimensions accepted, tried in order.
    default_unit : str, optional
        Unit of a bare number. Without it, a bare number is an error.
    what : str
        Name of the quantity in error messages (``"activity of Lu-177"``).

    Returns
    -------
    (float, str)
        Value in the base unit of its dimension, and the dimension.

    Raises
    ------
    UnitError
        The text does not parse or its unit has another dimension.
    """
    dims = tuple(dimensions)
    expected = " or ".join(dims)
    examples = "; ".join(_SHOWN[d] for d in dims)
    if isinstance(value, bool):
        raise UnitError(f"{what}: expected a number with a unit, got {value!r}")
    if isinstance(value, int | float):
        if default_unit is None:
            raise UnitError(_no_unit(what, repr(value), dims))
        return parse_quantity(f"{value!r} {default_unit}", dims, what=what)
    text = str(value).strip()
    if any(c.isdigit() and not c.isascii() for c in text):
        raise UnitError(f"{what}: {elide(text)!r}: write the number with the digits 0-9")
    if _DECIMAL_COMMA.match(text):
        raise UnitError(
            f"{what}: {elide(text)!r} has a comma in its number; write decimals with a "
            f"point and no thousands separator (e.g. {_EXAMPLE[dims[0]]!r})"
        )
    pos = 0
    total = 0.0
    dim_seen: Dimension | None = None
    while pos < len(text):
        match = _TERM.match(text, pos)
        if match is None or match.end() == pos:
            raise UnitError(
                f"{what}: cannot read {elide(text)!r} as {expected} "
                f"(write a number and a unit, e.g. {_EXAMPLE[dims[0]]!r})"
            )
        number, unit = match.group(1), match.group(2)
        if unit is None and not _BARE.fullmatch(text):  # '6_800 MBq': not a bare number
            raise UnitError(
                f"{what}: cannot read {elide(text)!r} as {expected} "
                f"(write a number and a unit, e.g. {_EXAMPLE[dims[0]]!r})"
            )
        if unit is None:
            if default_unit is None:
                raise UnitError(_no_unit(what, text, dims))
            unit = default_unit
        found = _lookup_unit(unit, dims)
        if found is None:
            raise UnitError(
                f"{what}: unknown unit {elide(unit, 20)!r} in {elide(text)!r} "
                f"({_did_you_mean(unit, dims)}use one of {examples})"
            )
        dim, factor = found
        if dim_seen is not None and dim != dim_seen:
            raise UnitError(f"{what}: {elide(text)!r} mixes {dim_seen} and {dim}")
        if dim_seen is not None and dim != "time":
            raise UnitError(f"{what}: {elide(text)!r} has more than one term (write one value)")
        if (dim_seen is not None or match.end() < len(text)) and number.startswith("-"):
            raise UnitError(
                f"{what}: {elide(text)!r} has a negative term (write one duration, e.g. '5 d', "
                "or a sum of positive terms such as '1 d 12 h')"
            )
        dim_seen = dim
        total += float(number) * factor
        pos = match.end()
    if dim_seen is None:
        raise UnitError(f"{what}: empty value (expected {expected}, e.g. {examples})")
    return total, dim_seen


def _finite_nonnegative(value: float, text: object, what: str, allow_negative: bool) -> float:
    if math.isnan(value):
        raise UnitError(f"{what}: {elide(text)!r} is not a number (give a finite value)")
    if math.isinf(value):
        raise UnitError(f"{what}: {elide(text)!r} is infinite (give a finite value)")
    if value < 0 and not allow_negative:
        raise UnitError(f"{what}: {elide(text)!r} is negative (give a value >= 0)")
    return value


def to_seconds(
    value: str | float | int,
    *,
    default_unit: str | None = "s",
    what: str = "duration",
    allow_negative: bool = False,
) -> float:
    """Duration in seconds from ``"120 h"``, ``"10 d"``, ``"1 d 12 h"`` or a number [s].

    Raises
    ------
    UnitError
        Unparsable, NaN, infinite, or negative (unless ``allow_negative``).
    """
    seconds, _ = parse_quantity(value, ("time",), default_unit=default_unit, what=what)
    return _finite_nonnegative(seconds, value, what, allow_negative)


def to_becquerel(
    value: str | float | int, *, default_unit: str | None = "Bq", what: str = "activity"
) -> float:
    """Activity in Bq from ``"7.4 GBq"``, ``"2 mCi"`` or a number [Bq]."""
    bq, _ = parse_quantity(value, ("activity",), default_unit=default_unit, what=what)
    return _finite_nonnegative(bq, value, what, allow_negative=False)


def to_grams(
    value: str | float | int, *, default_unit: str | None = "g", what: str = "mass"
) -> float:
    """Mass in g from ``"1 mg"``, ``"10 µg"`` or a number [g]."""
    grams, _ = parse_quantity(value, ("mass",), default_unit=default_unit, what=what)
    return _finite_nonnegative(grams, value, what, allow_negative=False)


def parse_amount(
    value: str | float | int, *, default_unit: str | None = None, what: str = "amount"
) -> tuple[float, Literal["activity", "mass", "atoms"]]:
    """An amount of a nuclide: activity, mass or number of atoms, in Bq, g or atoms.

    Examples
    --------
    >>> parse_amount("2 mCi")
    (74000000.0, 'activity')
    >>> parse_amount("1 mg")
    (0.001, 'mass')
    """
    amount, dim = parse_quantity(
        value, ("activity", "mass", "atoms"), default_unit=default_unit, what=what
    )
    _finite_nonnegative(amount, value, what, allow_negative=False)
    assert dim != "time"
    return amount, dim


def convert(value: float, from_unit: str, to_unit: str, dimension: Dimension) -> float:
    """Convert ``value`` between two units of one dimension."""
    return value * unit_factor(from_unit, dimension) / unit_factor(to_unit, dimension)


def _mantissa(number: float, digits: int) -> str:
    """``number`` with ``digits`` significant digits, never in e-notation."""
    text = f"{number:.{digits}g}"
    return format_number(number, digits) if "e" in text else text


def format_quantity(value: float, dimension: Dimension, digits: int = 4) -> str:
    """Human-readable text for a base-unit value, e.g. ``format_quantity(7.4e9, "activity")``
    gives ``"7.4 GBq"`` and ``format_quantity(86400, "time")`` gives ``"1 d"``."""
    if not math.isfinite(value):
        return f"{value} {BASE_UNIT[dimension]}"
    ladders: dict[Dimension, list[tuple[str, float]]] = {
        "activity": [
            ("PBq", 1e15),
            ("TBq", 1e12),
            ("GBq", 1e9),
            ("MBq", 1e6),
            ("kBq", 1e3),
            ("Bq", 1.0),
        ],
        "mass": [("kg", 1e3), ("g", 1.0), ("mg", 1e-3), ("µg", 1e-6), ("ng", 1e-9), ("pg", 1e-12)],
        "atoms": [("atoms", 1.0)],
        "time": [
            ("y", _TIME["y"]),
            ("d", SECONDS_PER_DAY),
            ("h", 3600.0),
            ("min", 60.0),
            ("s", 1.0),
            ("ms", 1e-3),
            ("µs", 1e-6),
            ("ns", 1e-9),
        ],
    }
    ladder = ladders[dimension]
    magnitude = abs(value)
    for name, factor in ladder:
        if magnitude >= factor:
            return f"{_mantissa(value / factor, digits)} {name}"
    name, factor = ladder[-1]
    return f"{_mantissa(value / factor, digits)} {name}"


def parse_fraction(
    value: str | float | int, *, what: str = "fraction", upper: float = 1.0
) -> float:
    """A share from ``0.82``, ``"0.82"`` or ``"82 %"``, in [0, ``upper``].

    Examples
    --------
    >>> parse_fraction("82 %")
    0.82
    >>> parse_fraction(0.5)
    0.5

    Raises
    ------
    UnitError
        Not a number, NaN, infinite, negative or above ``upper``.
    """
    text = str(value).strip()
    percent = text.endswith("%")
    number = text[:-1].strip() if percent else text
    if isinstance(value, bool) or not _PLAIN_NUMBER.fullmatch(number):
        raise UnitError(f"{what}: {elide(text)!r} is not a fraction (write e.g. 0.2 or '20 %')")
    x = float(number)
    if percent:
        x = round(x / 100.0, 15)
    if not math.isfinite(x) or not 0.0 <= x <= upper:
        limit = f"{upper:g}" if not percent else f"{upper * 100:g} %"
        raise UnitError(f"{what}: {elide(text)!r} is out of range (give 0 to {limit})")
    return x


FIRST_DATE = "2000-01-01"
LAST_DATE = "2100-12-31"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def parse_date(value: object, *, what: str = "date") -> _dt.date:
    """A calendar day written ``YYYY-MM-DD``, between :data:`FIRST_DATE` and
    :data:`LAST_DATE` (other ISO 8601 forms, such as ``2026-W02`` or ``20260105``, are refused,
    so that every command reads dates the same way).

    Examples
    --------
    >>> parse_date("2026-03-02")
    datetime.date(2026, 3, 2)

    Raises
    ------
    UnitError
        Another form, a day that does not exist (``2026-02-30``), or out of range.
    """
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        day = value
    else:
        text = str(value).strip()
        if not _ISO_DATE.match(text):
            raise UnitError(
                f"{what}: {elide(text)!r} is not a date (write YYYY-MM-DD, e.g. 2026-03-02)"
            )
        try:
            day = _dt.date.fromisoformat(text)
        except ValueError:
            raise UnitError(
                f"{what}: {text} is not a day of the calendar (write YYYY-MM-DD)"
            ) from None
    if not _dt.date.fromisoformat(FIRST_DATE) <= day <= _dt.date.fromisoformat(LAST_DATE):
        raise UnitError(
            f"{what}: {day.isoformat()} is out of range (give {FIRST_DATE} to {LAST_DATE})"
        )
    return day


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_number(value: float, digits: int = 4) -> str:
    """A plain number for people: ``964,375``, ``0.1477``, ``6.147 × 10¹⁴`` — never
    ``6.14707e+14``; ``nan`` and infinities as words.

    Examples
    --------
    >>> format_number(6.14707e14)
    '6.147 × 10¹⁴'
    >>> format_number(964375.2)
    '964,375'
    >>> format_number(3.36e-12, digits=2)
    '3.4 × 10⁻¹²'
    """
    x = float(value)
    if math.isnan(x):
        return "not a number"
    if math.isinf(x):
        return "infinite" if x > 0 else "minus infinite"
    magnitude = abs(x)
    if magnitude == 0:
        return "0"
    if 1e4 <= magnitude < 1e6:
        return f"{x:,.0f}"
    if 1e-3 <= magnitude < 1e4:
        return f"{x:.{digits}g}"
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"
