"""Checks of the activities patients receive: each product's dose and each appointment's own
prescription against the nuclide's A2 (the Type A package limit) and the hospital's licence,
and a product's calibration against its shelf life.

A prescription in ``demand.csv`` (``prescribed_activity_bq``) replaces the product's dose for
that appointment, so it is checked the same way, at its own row: a 25 GBq prescription at a
hospital licensed for 20 GBq of the nuclide is an error there, not a plan that never
delivers it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from radiochain.network.core import Network
from radiochain.network.problems import Problem
from radiochain.network.schema import schemas
from radiochain.physics.transport import a2_value
from radiochain.units import format_quantity

_TYPE_B = "it cannot travel in a Type A package; plan a Type B package"


def _activity(value: object) -> str:
    return format_quantity(float(value), "activity")  # type: ignore[arg-type]


def _hours(value: object) -> str:
    return format_quantity(float(value) * 3600.0, "time")  # type: ignore[arg-type]


def _problem(
    network: Network, level: str, table: str, name: object, field: str, message: str, hint: str
) -> Problem:
    place = network.place(table)
    return Problem(level, place.file, place.row(name), field, message, hint)  # type: ignore[arg-type]


def _in_range(table: str, column: str, values: pd.Series) -> pd.Series:
    """Where a value is within the schema's range (out of range: reported by check_bounds)."""
    bounds = schemas()[table].attribute(column).bounds()
    assert bounds is not None
    low, high = bounds[0], bounds[1]
    return (values > low) & (values <= high)


def _a2_by_nuclide(nuclides: pd.Series) -> pd.Series:
    """A2 [Bq] of each distinct nuclide (NaN where the table has none or the cell is blank)."""
    known = {n: a2_value(n) for n in nuclides.dropna().unique() if n}
    return pd.Series({n: np.nan if v is None else v for n, v in known.items()}, dtype=float)


def check_a2(network: Network) -> list[Problem]:
    """Warnings: a product's dose, or an appointment's prescription, above the nuclide's A2."""
    problems = []
    products, demand = network.products, network.demand
    a2 = _a2_by_nuclide(products["nuclide"])
    dose = products["dose_activity_bq"].astype(float)
    limit = products["nuclide"].map(a2).astype(float)
    for name in products.index[(dose > limit) & _in_range("products", "dose_activity_bq", dose)]:
        problems.append(
            _problem(
                network,
                "warning",
                "products",
                name,
                "dose_activity_bq",
                f"one dose ({_activity(dose[name])}) exceeds the A2 value of "
                f"{products['nuclide'][name]!s} ({_activity(limit[name])})",
                _TYPE_B,
            )
        )
    if demand.empty:
        return problems
    prescribed = demand["prescribed_activity_bq"].astype(float)
    nuclides = demand["product"].map(products["nuclide"])
    limit = nuclides.map(a2).astype(float)
    above = (prescribed > limit) & _in_range("demand", "prescribed_activity_bq", prescribed)
    for name in demand.index[above]:
        problems.append(
            _problem(
                network,
                "warning",
                "demand",
                name,
                "prescribed_activity_bq",
                f"{_activity(prescribed[name])} exceeds the A2 value of {nuclides[name]} "
                f"({_activity(limit[name])})",
                _TYPE_B,
            )
        )
    return problems


def _doses_at_licences(network: Network) -> pd.DataFrame:
    """One row per (appointment, licence of its hospital and nuclide): the dose it needs
    (its prescription, else the product's dose), whether it was prescribed, and the limit."""
    demand, products, licences = network.demand, network.products, network.licences
    dose = demand["prescribed_activity_bq"].astype(float)
    appointments = pd.DataFrame(
        {
            "appointment": demand.index,
            "site": demand["hospital"].astype(object).to_numpy(),
            "nuclide": demand["product"].map(products["nuclide"]).astype(object).to_numpy(),
            "prescribed": dose.notna().to_numpy(),
            "dose": dose.fillna(demand["product"].map(products["dose_activity_bq"])).to_numpy(),
        }
    )
    limits = pd.DataFrame(
        {
            "licence": licences.index,
            "site": licences["site"].astype(object).to_numpy(),
            "nuclide": licences["nuclide"].astype(object).to_numpy(),
            "limit": licences["possession_limit_bq"].astype(float).to_numpy(),
        }
    )
    joined = appointments.merge(limits, on=["site", "nuclide"])
    sane = _in_range("products", "dose_activity_bq", joined["dose"])  # else: out of range
    return joined[(joined["dose"] > joined["limit"]) & sane]


def check_licences(network: Network) -> list[Problem]:
    """A dose a hospital is scheduled to give above its possession limit of the nuclide: at
    the appointment when it has its own prescription, else at the licence (the product's dose
    does not fit)."""
    if network.licences.empty or network.demand.empty:
        return []
    problems = []
    over = _doses_at_licences(network)
    licence_place = network.place("licences")
    for row in over[over["prescribed"]].itertuples(index=False):
        problems.append(
            _problem(
                network,
                "error",
                "demand",
                row.appointment,
                "prescribed_activity_bq",
                f"{_activity(row.dose)} is above the possession limit of {row.site!r} for "
                f"{row.nuclide} ({_activity(row.limit)}, {licence_place.file}:"
                f"{licence_place.row(row.licence)})",
                "lower the prescription, raise the limit or move the appointment",
            )
        )
    defaults = over[~over["prescribed"]]
    for licence, group in defaults.groupby("licence", sort=False):
        first = group.iloc[0]
        problems.append(
            _problem(
                network,
                "error",
                "licences",
                licence,
                "possession_limit_bq",
                f"{_activity(first['limit'])} is below one dose ({_activity(group['dose'].max())})"
                f" of the {first['nuclide']} the site is scheduled to give",
                "raise the limit or move the demand",
            )
        )
    return problems


def check_calibration(network: Network) -> list[Problem]:
    """A product calibrated so long before its release that it expires before it is made."""
    products = network.products
    offset = products["calibration_offset_h"].astype(float).fillna(0.0)
    shelf = products["shelf_life_h"].astype(float)
    problems = []
    for name in products.index[(offset + shelf <= 0) & (shelf > 0)]:
        problems.append(
            _problem(
                network,
                "error",
                "products",
                name,
                "calibration_offset_h",
                f"{_hours(offset[name])}: calibrated longer before release than its shelf life "
                f"({_hours(shelf[name])}), the product expires before it is released",
                f"give more than -{_hours(shelf[name])}",
            )
        )
    return problems


MAX_HALF_LIVES = 30
"""Most half-lives of its nuclide a product's shelf life or calibration offset may span: after
30 half-lives less than a billionth (2^-30) of the activity is left, so a longer one is surely
wrong (a Tc-99m product kept 14 d; a generator's nuclide is its parent, Mo-99)."""


def _half_lives_h(network: Network) -> pd.Series:
    """Half-life [h] of each product's nuclide (NaN where unknown, infinite when stable)."""
    data = network.dataset
    values = {}
    for name, nuclide in network.products["nuclide"].items():
        try:
            values[name] = float(data.half_life_s[data.lookup(nuclide)]) / 3600.0
        except (KeyError, ValueError, LookupError):
            values[name] = np.nan  # unreadable nuclide: reported when reading
    return pd.Series(values, index=network.products.index, dtype=float)


def check_half_lives(network: Network) -> list[Problem]:
    """A shelf life, or a calibration offset, of more than :data:`MAX_HALF_LIVES` half-lives
    of the product's nuclide."""
    products = network.products
    if products.empty:
        return []
    half = _half_lives_h(network)
    longest = MAX_HALF_LIVES * half
    problems = []
    for column in ("shelf_life_h", "calibration_offset_h"):
        values = products[column].astype(float)
        spans = values.abs() > longest
        for name in products.index[spans & _in_range("products", column, values.abs())]:
            problems.append(
                _problem(
                    network,
                    "error",
                    "products",
                    name,
                    column,
                    f"{_hours(values[name])} is {abs(values[name]) / half[name]:,.0f} half-lives "
                    f"of {products['nuclide'][name]!s}: less than a billionth of its activity "
                    "would be left",
                    f"give at most {_hours(longest[name])} ({MAX_HALF_LIVES} half-lives)",
                )
            )
    return problems


def check_doses(network: Network) -> list[Problem]:
    """Every check of this module."""
    return (
        check_a2(network)
        + check_licences(network)
        + check_calibration(network)
        + check_half_lives(network)
    )
