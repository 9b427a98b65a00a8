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
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from radiochain.units import Dimension, format_quantity

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MISSING",
    "STATISTICS",
    "event_rows",
    "fit_columns",
    "format_value",
    "interval_text",
    "label",
    "plain_number",
    "scientific",
    "split_statistic",
    "value_rows",
    "with_statistic",
    "word_width",
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


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def scientific(value: float, digits: int = 3) -> str:
    """``value`` in powers of ten a reader can read: ``"3.36 × 10⁻¹⁰"``, ``"1 × 10¹⁴"``
    (never ``3.36e-10``); ``digits`` significant digits, trailing zeros dropped.

    Examples
    --------
    >>> scientific(3.3612e-10), scientific(1e14), scientific(-2.5e-7, 2)
    ('3.36 × 10⁻¹⁰', '1 × 10¹⁴', '-2.5 × 10⁻⁷')
    """
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def plain_number(value: float, digits: int = 4) -> str:
    """A number without e-notation: ``"0.82"``, ``"3,000"``, ``"1 × 10¹⁴"`` (powers of ten
    from 10⁶ up and below 10⁻³)."""
    magnitude = abs(value)
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    if 1e-3 <= magnitude < 1e3:
        return f"{value:.{digits}g}"
    if 1e3 <= magnitude < 1e6:
        return f"{float(f'{value:.{digits}g}'):,.10g}"
    return scientific(value, digits)


def _ratio(value: float) -> str:
    """A dimensionless ratio or share, as a percentage: ``"0.25 %"``, ``"3.36 × 10⁻¹⁰ %"``."""
    if value == 0:
        return "0"
    return f"{plain_number(value * 100, 3)} %"


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
    return plain_number(value)


def interval_text(key: str, median: float, low: float, high: float) -> str:
    """``"3.3 TBq [3.2 TBq, 3.4 TBq]"``: a median with its 5th and 95th percentiles."""
    return f"{format_value(key, median)} [{format_value(key, low)}, {format_value(key, high)}]"


_TABLE_LABELS = {
    "activity_eob_bq": "activity at EOB",
    "specific_activity_eob_bq_per_g": "specific activity at EOB",
    "lu177m_eob_ratio": "Lu-177m / Lu-177 at EOB",
    "specific_activity_bq_per_g": "specific activity after cooling",
    "lu177m_ratio": "Lu-177m / Lu-177 after cooling",
    "full_power_s": "at full power",
}
"""Shorter headings of per-event table columns (EOB: end of bombardment)."""


def event_rows(
    table: pd.DataFrame, max_rows: int | None = None
) -> tuple[list[str], list[list[str]]]:
    """A per-event table (milkings, elutions, targets) as headers and rows of text; each
    column's unit is in its header (``"activity at EOB [TBq]"``, chosen for the column's
    largest value) and its cells are numbers in that unit, so a column is as narrow as its
    numbers.

    Sampled columns (``activity_median_bq``, ``_p05_``, ``_p95_``) become one column, the median
    with its 5th and 95th percentiles (``"3.43 [3.25, 3.56]"``). Seconds columns are left out
    where a date column says the same.

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
    shown = table.iloc[:max_rows]
    headers = [str(table.index.name or "")]
    cells: list[list[str]] = [[str(index)] for index in shown.index]
    for base, sampled in columns:
        keys = [with_statistic(base, stat) for stat in STATISTICS] if sampled else [base]
        unit, factor = _column_unit(base, shown[keys].to_numpy().ravel())
        headers.append(f"{_TABLE_LABELS.get(base, label(base))}{f' [{unit}]' if unit else ''}")
        for row, (_, record) in zip(cells, shown.iterrows(), strict=True):
            if sampled:
                median, low, high = (_in_unit(record[k], factor, base) for k in keys)
                row.append(f"{median} [{low}, {high}]")
            else:
                row.append(_in_unit(record[base], factor, base))
    return headers, cells


def _column_unit(key: str, values: Iterable[object]) -> tuple[str, float]:
    """The unit of a table column and its size in the column's base unit: the unit
    :func:`format_quantity` gives the column's largest value (``("TBq", 1e12)``); ``("%",
    0.01)`` for ratios; ``("", 1.0)`` for counts, dates and text."""
    from radiochain.units import parse_quantity

    numbers = [
        abs(float(v)) for v in values if isinstance(v, int | float) and not isinstance(v, bool)
    ]
    largest = max((v for v in numbers if math.isfinite(v)), default=0.0)
    per_gram = key.endswith("_bq_per_g")
    for suffix, dimension, base in _UNITS:
        if key.endswith(suffix) or (per_gram and suffix == "_bq"):
            scale = 1e-3 if per_gram else 1.0  # per mg
            unit = format_quantity(largest * scale, dimension).split()[-1] if largest else base
            factor = parse_quantity(f"1 {unit}", (dimension,))[0] / scale
            return (f"{unit}/mg" if per_gram else unit), factor
    if key.endswith("_fraction") or "ratio" in key:
        return "%", 0.01
    return "", 1.0


def _in_unit(value: object, factor: float, key: str) -> str:
    """A cell: a number in the column's unit (``"3.431"``; ratios to 3 digits as elsewhere),
    or the value as text."""
    digits = 3 if factor == 0.01 else 4
    if isinstance(value, bool) or not isinstance(value, int | float):
        return format_value(key, value)
    if not math.isfinite(value):
        return MISSING
    return plain_number(float(value) / factor, digits)


def word_width(headers: Sequence[str], rows: Sequence[Sequence[str]], k: int) -> int:
    """The narrowest column ``k`` can be without cutting a word: its longest word."""
    texts = [headers[k], *(row[k] for row in rows)]
    return max((len(word) for text in texts for word in text.split()), default=1)


def fit_columns(
    headers: Sequence[str], rows: Sequence[Sequence[str]], width: int
) -> list[tuple[int, int | None]]:
    """The columns of a table that fit ``width`` characters without cutting a word, with the
    width to give each: the first column (the event) always, then every other in order while
    it fits. When the whole texts fit, widths are None (the table lays itself out); otherwise
    each column gets :func:`word_width` (its headers and cells wrap at spaces). A column takes
    3 characters beyond its text (padding and rule), the table 1 more.

    Returns
    -------
    list of (int, int or None)
        (index of a column to show, its width).
    """
    need = [word_width(headers, rows, k) + 3 for k in range(len(headers))]
    kept, used = [0], 1 + need[0]
    for k in range(1, len(headers)):
        if used + need[k] <= width:
            kept.append(k)
            used += need[k]
    natural = 1 + sum(
        max(len(text) for text in (headers[k], *(row[k] for row in rows))) + 3 for k in kept
    )
    return [(k, None if natural <= width else need[k] - 3) for k in kept]


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
