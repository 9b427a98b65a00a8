"""Numbers for people: what the dashboard's templates show (registered as Jinja2 filters).

Every filter turns a missing value (``None``, NaN, an empty string) into an empty string, never
``None`` or ``nan``; activities get a sensible prefix (``7.40 GBq``, never ``7.4e+09 Bq``);
counts are whole numbers with thousands separators; times are the site's local time as the
plan wrote it (``Tue 6 Jan 2026, 12:30``).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

_ACTIVITY = (("PBq", 1e15), ("TBq", 1e12), ("GBq", 1e9), ("MBq", 1e6), ("kBq", 1e3), ("Bq", 1.0))


def number_or_none(value: Any) -> float | None:
    """``value`` as a finite float, or ``None`` when it is missing or not a number.

    Examples
    --------
    >>> number_or_none("7.4"), number_or_none(float("nan")), number_or_none(None)
    (7.4, None, None)
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _digits(x: float, significant: int = 3) -> str:
    """``x`` with ``significant`` figures in plain decimals and thousands separators."""
    if x == 0:
        return "0"
    magnitude = abs(x)
    decimals = max(0, significant - 1 - math.floor(math.log10(magnitude)))
    text = f"{x:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".") if decimals > significant else text
    return text


def activity(value: Any, unit: str | None = None) -> str:
    """An activity [Bq] as text with a prefix: ``7.40 GBq``, ``1.23 TBq``, ``850 MBq``.

    Parameters
    ----------
    value : float [Bq]
    unit : str, optional
        Force one unit (``"GBq"``, as a production sheet shows every batch).

    Examples
    --------
    >>> activity(7.4e9), activity(1.234e12), activity(8.5e8), activity(0)
    ('7.40 GBq', '1.23 TBq', '850 MBq', '0 GBq')
    >>> activity(3.142851e10, "GBq"), activity(1.5e14, "GBq"), activity(None)
    ('31.4 GBq', '150,000 GBq', '')
    """
    x = number_or_none(value)
    if x is None:
        return ""
    if unit is not None:
        factor = dict(_ACTIVITY)[unit]
        return f"{_digits(x / factor)} {unit}"
    if x == 0:
        return "0 GBq"
    for name, factor in _ACTIVITY:
        if abs(x) >= factor:
            return f"{_digits(x / factor)} {name}"
    return f"{_digits(x)} Bq"


def count(value: Any) -> str:
    """A whole number with thousands separators (``1,234``); blank when missing.

    Examples
    --------
    >>> count(1234.0), count(7), count(None), count(float("nan"))
    ('1,234', '7', '', '')
    """
    x = number_or_none(value)
    return "" if x is None else f"{round(x):,d}"


def money(value: Any) -> str:
    """An amount in the network's currency, to whole units (``59,336``).

    Examples
    --------
    >>> money(59335.75)
    '59,336'
    """
    return count(value)


def percent(value: Any) -> str:
    """A share in [0, 1] as a percentage with at most one decimal (``97.5 %``).

    Examples
    --------
    >>> percent(0.975), percent(1), percent(None)
    ('97.5 %', '100 %', '')
    """
    x = number_or_none(value)
    if x is None:
        return ""
    text = f"{100 * x:.1f}".removesuffix(".0")
    return f"{text} %"


def duration(value: Any) -> str:
    """A duration [s] in days, hours and minutes (``2 h 30 min``, ``1 d 4 h``).

    Examples
    --------
    >>> duration(9000), duration(86400 + 4 * 3600), duration(42), duration(0.213), duration(None)
    ('2 h 30 min', '1 d 4 h', '42 s', '0.21 s', '')
    """
    x = number_or_none(value)
    if x is None:
        return ""
    if abs(x) < 60:
        return f"{x:.2g} s" if abs(x) < 10 else f"{x:.0f} s"
    minutes = round(x / 60)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "min")]
    shown = [f"{n} {unit}" for n, unit in parts if n]
    return " ".join(shown[:2]) if shown else "0 min"


def parse_time(value: Any) -> dt.datetime | None:
    """An ISO 8601 time (as plans write them), or ``None``."""
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def when(value: Any) -> str:
    """A time of day in the site's own clock, as the plan states it: ``Tue 6 Jan 2026, 12:30``.

    Examples
    --------
    >>> when("2026-01-06T12:30+08:00"), when(""), when(None)
    ('Tue 6 Jan 2026, 12:30', '', '')
    """
    moment = parse_time(value)
    if moment is None:
        return "" if value is None or not str(value).strip() else str(value)
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"


def short(value: Any) -> str:
    """A time of day in a table, without the year: ``Tue 6 Jan, 12:30``.

    Examples
    --------
    >>> short("2026-01-06T12:30+08:00"), short(None)
    ('Tue 6 Jan, 12:30', '')
    """
    moment = parse_time(value)
    if moment is None:
        return "" if value is None or not str(value).strip() else str(value)
    return f"{moment:%a} {moment.day} {moment:%b, %H:%M}"


def stamp(value: Any) -> str:
    """When the service recorded something, in UTC: ``Tue 6 Jan 2026, 04:30 UTC``.

    Examples
    --------
    >>> stamp(dt.datetime(2026, 1, 6, 4, 30)), stamp(None)
    ('Tue 6 Jan 2026, 04:30 UTC', '')
    """
    moment = parse_time(value)
    if moment is None:
        return ""
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
    return when(moment.astimezone(dt.UTC)) + " UTC"


def day(value: Any) -> str:
    """A date as ``Tue 6 Jan 2026`` (from a date, a time or ``YYYY-MM-DD`` text).

    Examples
    --------
    >>> day("2026-01-06"), day(dt.date(2026, 1, 9)), day(None)
    ('Tue 6 Jan 2026', 'Fri 9 Jan 2026', '')
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        moment = parse_time(value)
        value = moment.date() if moment is not None else None
    if not isinstance(value, dt.date):
        return ""
    return f"{value:%a} {value.day} {value:%b %Y}"


def dayshort(value: Any) -> str:
    """A date without its year: ``Tue 6 Jan``.

    Examples
    --------
    >>> dayshort("2026-01-06")
    'Tue 6 Jan'
    """
    text = day(value)
    return text.rsplit(" ", 1)[0] if text else ""


def blank(value: Any) -> str:
    """Text for a cell: missing values (``None``, NaN) blank, everything else as text.

    Examples
    --------
    >>> blank(None), blank(float("nan")), blank("a"), blank(3)
    ('', '', 'a', '3')
    """
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return str(value)


FILTERS = {
    "activity": activity,
    "count": count,
    "money": money,
    "percent": percent,
    "duration": duration,
    "when": when,
    "short": short,
    "day": day,
    "dayshort": dayshort,
    "stamp": stamp,
    "blank": blank,
}
"""The filters the templates use, by name."""
