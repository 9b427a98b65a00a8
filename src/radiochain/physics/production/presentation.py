"""Human-readable production results: labels, values with their units, event tables.

A value's unit is read from its key's suffix (``activity_eob_bq`` is an activity in Bq,
``cooling_s`` a time in s, ``specific_activity_bq_per_g`` an activity per gram), so every
number reaches a reader as ``"3.3 TBq"`` or ``"1 d"``, never ``3.3e+12``; a value that does not
exist reads ``"—"``, never ``None`` or ``nan``. Formatting goes through
:func:`radiochain.units.format_quantity`, the one place that knows unit factors.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from radiochain.units import Dimension, format_quantity

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MISSING",
    "STATISTICS",
    "event_rows",
    "format_value",
    "interval_text",
    "label",
    "split_statistic",
    "value_rows",
    "with_statistic",
]

MISSING = "—"
"""What a value that does not exist reads as."""

_LABELS = {
    "end_of_bombardment_s": "end of bombardment (since start)",
    "activity_eob_bq": "activity at end of bombardment",
    "specific_activity_eob_bq_per_g": "specific activity at end of bombardment",
    "lu177m_eob_ratio": "Lu-177m / Lu-177 activity at end of bombardment",
    "lu176_burnup_fraction": "Lu-176 burnt up",
    "cooling_s": "cooling (to the reported point)",
    "activity_bq": "activity after cooling",
    "specific_activity_bq_per_g": "specific activity after cooling",
    "lu177m_ratio": "Lu-177m / Lu-177 activity after cooling",
    "lutetium_mass_g": "lutetium in the product",
    "separation_time_s": "Lu/Yb separation (since start)",
    "activity_separation_bq": "activity at separation",
    "specific_activity_separation_bq_per_g": "specific activity at separation",
    "ytterbium_mass_in_product_g": "ytterbium in the product",
    "targets": "targets",
    "activity_total_bq": "activity, total",
    "activity_mean_bq": "activity, mean",
    "activity_min_bq": "activity, lowest",
    "activity_first_bq": "activity, first",
    "specific_activity_mean_bq_per_g": "specific activity, mean",
    "lu177m_max_ratio": "Lu-177m / Lu-177 activity, highest",
    "th229_activity_bq": "Th-229 in the cow",
    "milkings": "milkings",
    "elutions": "elutions",
    "equilibrium_max_fraction": "Ac-225 milked / Th-229 activity, highest",
    "ra225_activity_eob_bq": "Ra-225 at end of bombardment",
    "breakthrough_max_ratio": "parent / daughter in the eluate, highest",
    # table columns
    "time_s": "time",
    "insertion": "insertion",
    "withdrawal": "withdrawal",
    "insertion_s": "insertion",
    "withdrawal_s": "withdrawal",
    "full_power_s": "at full power",
    "activity_milking_bq": "Ac-225 at milking",
    "equilibrium_fraction": "milked / Th-229",
    "ra225_removed_bq": "Ra-225 removed",
    "activity_elution_bq": "at elution",
    "column_parent_bq": "parent on the column",
    "parent_breakthrough_bq": "parent in the eluate",
    "breakthrough_ratio": "parent / daughter",
}

STATISTICS = ("median", "p05", "p95")
"""Statistics of sampled columns, written before the unit: ``activity_eob_median_bq``."""
_UNIT_SUFFIXES = ("_bq_per_g", "_bq", "_s", "_g", "_fraction", "_ratio")


def with_statistic(key: str, statistic: str) -> str:
    """``key`` with a statistic before its unit suffix (``"activity_eob_bq"``, ``"p05"`` ->
    ``"activity_eob_p05_bq"``), so the key still ends with its unit; ``""`` leaves it."""
    if not statistic:
        return key
    for suffix in _UNIT_SUFFIXES:
        if key.endswith(suffix):
            return f"{key[: -len(suffix)]}_{statistic}{suffix}"
    return f"{key}_{statistic}"


def split_statistic(key: str) -> tuple[str, str]:
    """The inverse of :func:`with_statistic`: (key, statistic or ``""``)."""
    for statistic in STATISTICS:
        for suffix in (*_UNIT_SUFFIXES, ""):
            infix = f"_{statistic}{suffix}"
            if key.endswith(infix):
                return key[: -len(infix)] + suffix, statistic
    return key, ""


def label(key: str) -> str:
    """A reader's name for a value or column key (``"activity at end of bombardment"``)."""
    if key in _LABELS:
        return _LABELS[key]
    if key.endswith("_eob_ratio"):
        return f"{_nuclide(key[: -len('_eob_ratio')])} / product activity at end of bombardment"
    if key.endswith("_ratio"):
        return f"{_nuclide(key[: -len('_ratio')])} / product activity after cooling"
    return key.replace("_", " ")


def _nuclide(stem: str) -> str:
    """``"ac227"`` -> ``"Ac-227"``."""
    letters = "".join(c for c in stem if c.isalpha())
    digits = "".join(c for c in stem if c.isdigit())
    rest = letters[2:] if len(letters) > 2 else ""
    return f"{letters[:2].capitalize()}-{digits}{rest}" if digits else stem


def _ratio(value: float) -> str:
    """A dimensionless ratio or share, as a percentage."""
    if value == 0:
        return "0"
    return f"{value * 100:.3g} %"


def format_value(key: str, value: object) -> str:
    """``value`` as text with the unit its ``key`` names (``"3.3 TBq"``, ``"1 d"``, ``"82 %"``).

    A statistic in the key (``activity_median_bq``) is ignored for the unit.
    """
    key, _ = split_statistic(key)
    if value is None:
        return MISSING
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ") if value.time() != datetime.time() else str(value.date())
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return format_value(key, value.to_pydatetime())
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return _format_float(key, float(value))


_UNITS: tuple[tuple[str, Dimension, str], ...] = (
    ("_bq", "activity", "Bq"),
    ("_s", "time", "s"),
    ("_g", "mass", "g"),
)


def _format_float(key: str, value: float) -> str:
    if not math.isfinite(value):
        return MISSING
    if key.endswith("_bq_per_g"):
        return f"{format_quantity(value * 1e-3, 'activity')}/mg" if value else "0 Bq/mg"
    for suffix, dimension, base in _UNITS:
        if key.endswith(suffix):
            return format_quantity(value, dimension) if value else f"0 {base}"
    if key.endswith("_fraction") or "ratio" in key or key.startswith("fraction_of"):
        return _ratio(value)
    return f"{value:.4g}"


def interval_text(key: str, median: float, low: float, high: float) -> str:
    """``"3.3 TBq [3.2 TBq, 3.4 TBq]"``: a median and its 90 % interval."""
    return f"{format_value(key, median)} [{format_value(key, low)}, {format_value(key, high)}]"


def event_rows(
    table: pd.DataFrame, max_rows: int | None = None
) -> tuple[list[str], list[list[str]]]:
    """A per-event table (milkings, elutions, targets) as headers and rows of text.

    Sampled columns (``activity_median_bq``, ``_p05_``, ``_p95_``) become one column, the median
    with its 90 % interval. Seconds columns are left out where a date column says the same.

    Parameters
    ----------
    table : DataFrame
        Index named after the event (``"milking"``), columns keyed with units.
    max_rows : int, optional
        Show at most this many rows.

    Returns
    -------
    (headers, rows)
    """
    columns = _shown_columns(list(map(str, table.columns)))
    headers = [str(table.index.name or "")] + [label(base) for base, _ in columns]
    rows = []
    for index, record in table.iloc[:max_rows].iterrows():
        row = [str(index)]
        for base, sampled in columns:
            if sampled:
                band = (float(record[with_statistic(base, stat)]) for stat in STATISTICS)
                row.append(interval_text(base, *band))
            else:
                row.append(format_value(base, record[base]))
        rows.append(row)
    return headers, rows


def _shown_columns(names: Sequence[str]) -> list[tuple[str, bool]]:
    """(column key, is it a median/p05/p95 group) in table order."""
    out: list[tuple[str, bool]] = []
    seen: set[str] = set()
    dated = {"insertion", "withdrawal"} & set(names)
    for name in names:
        if name.removesuffix("_s") in dated and name.endswith("_s"):
            continue
        base, statistic = split_statistic(name)
        sampled = bool(statistic)
        if base not in seen:
            seen.add(base)
            out.append((base, sampled))
    return out


def value_rows(
    values: Mapping[str, object], intervals: Mapping[str, tuple[float, float, float]]
) -> list[tuple[str, str, str]]:
    """Headline values as (label, value, median [5 %, 95 %]) rows of text."""
    rows = []
    for key, value in values.items():
        band = intervals.get(key)
        rows.append(
            (label(key), format_value(key, value), interval_text(key, *band) if band else "")
        )
    return rows
