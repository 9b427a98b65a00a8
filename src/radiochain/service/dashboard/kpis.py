"""A run's key figures in words, with units (what ``summary.json`` calls ``kpis``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from radiochain.service.dashboard.formatting import (
    activity,
    count,
    day,
    duration,
    money,
    number_or_none,
    percent,
)


@dataclass(frozen=True)
class Figure:
    """One key figure: ``label`` in words, ``text`` with its unit, ``value`` for comparing
    (``None`` when missing) and ``better`` (``"more"``, ``"less"`` or ``""``)."""

    key: str
    label: str
    text: str
    value: float | None
    better: str = ""


_KNOWN: dict[str, tuple[str, Callable[[Any], str], str]] = {
    "appointments": ("Appointments booked", count, ""),
    "treated_on_day": ("Treated on the booked day", count, "more"),
    "moved": ("Treated on another day of their window", count, "less"),
    "unserved": ("Not served", count, "less"),
    "batches": ("Batches made", count, ""),
    "shipments": ("Shipments", count, ""),
    "packages": ("Packages", count, ""),
    "activity_ordered_bq": ("Nuclide drawn from producers", activity, "less"),
    "activity_produced_bq": ("Activity produced (at calibration)", activity, ""),
    "activity_administered_bq": ("Activity administered to patients", activity, ""),
    "activity_unused_at_calibration_bq": ("Produced but not dispensed", activity, "less"),
    "activity_decayed_before_administration_bq": (
        "Decayed between calibration and administration",
        activity,
        "less",
    ),
    "cost": ("Cost (in the network's currency)", money, "less"),
    "bulk_shipments": ("Bulk nuclide shipments", count, ""),
    "bulk_packages": ("Bulk nuclide packages", count, ""),
    "bulk_type_b_shipments": ("Bulk shipments needing Type B packages", count, "less"),
}


def _generic(key: str, value: Any) -> tuple[str, str]:
    """A label and text for a figure this page has no words for, from its unit suffix."""
    words = key.replace("_", " ")
    if key.endswith("_bq"):
        return words.removesuffix(" bq"), activity(value)
    if key.endswith("_s"):
        return words.removesuffix(" s"), duration(value)
    if key.endswith("_h"):
        x = number_or_none(value)
        return words.removesuffix(" h"), duration(None if x is None else 3600 * x)
    if key.endswith(("_fraction", "_probability")):
        return words.rsplit(" ", 1)[0], percent(value)
    x = number_or_none(value)
    if x is not None and float(x).is_integer():
        return words, count(x)
    return words, "" if x is None else f"{x:.4g}"


def figures(kpis: dict[str, Any]) -> list[Figure]:
    """The figures of a plan, known ones first in a fixed order, with the share treated.

    Examples
    --------
    >>> [f.text for f in figures({"appointments": 8, "treated_on_day": 6, "moved": 1})][:4]
    ['8', '87.5 %', '6', '1']
    """
    kpis = _without_noise(kpis)
    rows: list[Figure] = []
    for key, (label, show, better) in _KNOWN.items():
        if key in kpis:
            rows.append(Figure(key, label, show(kpis[key]), number_or_none(kpis[key]), better))
        if key == "appointments":
            rows.extend(_share_treated(kpis))
    for key, value in kpis.items():
        if key not in _KNOWN and not isinstance(value, dict | list):
            label, text = _generic(key, value)
            rows.append(Figure(key, label[:1].upper() + label[1:], text, number_or_none(value)))
    return rows


def _without_noise(kpis: dict[str, Any]) -> dict[str, Any]:
    """Activities a millionth of the largest or less are rounding left by a subtraction
    (``produced - drawn``): they are shown as 0.

    Examples
    --------
    >>> _without_noise({"a_bq": 5e10, "b_bq": 0.76})["b_bq"]
    0.0
    """
    values = [abs(x) for k, v in kpis.items() if k.endswith("_bq") and (x := number_or_none(v))]
    largest = max(values, default=0.0)
    return {
        k: 0.0
        if k.endswith("_bq") and (x := number_or_none(v)) is not None and abs(x) <= 1e-6 * largest
        else v
        for k, v in kpis.items()
    }


def _share_treated(kpis: dict[str, Any]) -> Iterable[Figure]:
    booked = number_or_none(kpis.get("appointments"))
    treated = number_or_none(kpis.get("treated_on_day"))
    moved = number_or_none(kpis.get("moved")) or 0.0
    if booked and treated is not None:
        share = (treated + moved) / booked
        yield Figure(
            "treated_share", "Share of appointments treated", percent(share), share, "more"
        )


def difference(a: Figure | None, b: Figure | None) -> str:
    """``b`` minus ``a`` in ``a``'s words (``+2``, ``-1.20 GBq``); blank when either is missing.

    Examples
    --------
    >>> difference(Figure("unserved", "", "3", 3.0), Figure("unserved", "", "1", 1.0))
    '-2'
    """
    if a is None or b is None or a.value is None or b.value is None:
        return ""
    delta = b.value - a.value
    if delta == 0:
        return "same"
    sign = "+" if delta > 0 else "-"
    shown = figures({a.key: abs(delta)})
    text = shown[0].text if shown and a.key != "treated_share" else percent(abs(delta))
    return f"{sign}{text}"


def side_by_side(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows ``label, a, b, change, better`` (``better``: ``"a"``, ``"b"`` or ``""``)."""
    left = {f.key: f for f in figures(a)}
    right = {f.key: f for f in figures(b)}
    keys = list(left) + [k for k in right if k not in left]
    rows = []
    for key in keys:
        fa, fb = left.get(key), right.get(key)
        shown = fa or fb
        assert shown is not None
        rows.append(
            {
                "label": shown.label,
                "a": fa.text if fa else "",
                "b": fb.text if fb else "",
                "change": difference(fa, fb),
                "better": _better(fa, fb),
            }
        )
    return rows


def _better(a: Figure | None, b: Figure | None) -> str:
    if a is None or b is None or a.value is None or b.value is None or a.value == b.value:
        return ""
    direction = a.better
    if direction == "more":
        return "a" if a.value > b.value else "b"
    if direction == "less":
        return "a" if a.value < b.value else "b"
    return ""


METHOD_WORDS = {"milp": "optimal (MILP on HiGHS)", "greedy": "first come, first served"}


def option_words(options: dict[str, Any]) -> list[tuple[str, str]]:
    """A run's stored options as (label, text) pairs, units spelled out.

    Examples
    --------
    >>> words = option_words({"method": "milp", "days": 7, "start": None,
    ...                       "time_limit_s": 600.0, "mip_gap": 0.005, "weights": {}})
    >>> [text for _, text in words]
    ['optimal (MILP on HiGHS)', '7', "the network's", '10 min', '0.5 %']
    """
    rows: list[tuple[str, str]] = []
    for key, value in options.items():
        if isinstance(value, dict | list):
            continue
        if key == "method":
            rows.append(("Method", METHOD_WORDS.get(str(value), str(value))))
        elif key == "start":
            rows.append(("First day", day(value) if value else "the network's"))
        elif key == "mip_gap":
            rows.append(("Gap to stop at", percent(value)))
        elif key == "time_limit_s":
            rows.append(("Solver time limit", duration(value)))
        else:
            label, text = _generic(key, value)
            rows.append((label[:1].upper() + label[1:], text if value is not None else ""))
    return rows
