"""Values that parse but are surely a unit mistake: a dose of 7.4 Bq, a shelf life of 30 s.

A column whose unit is Bq takes a bare number in Bq — that is what its header says — so
``dose_activity_bq = 7.4`` reads as 7.4 Bq. No radiopharmaceutical dose, batch, delivery or
licence is below 1 MBq, and no shelf life, transit or synthesis is shorter than a minute, so
such a value is an error that says what was probably meant (``did you mean '7.4 GBq'?``)
instead of a plan that doses patients with 7.4 Bq. (A synthesis time of 0 is no unit mistake:
it means the process has none.) Values too large to be meant are refused by the ranges of the
schema (:meth:`~radiochain.network.schema.Attribute.bounds`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from radiochain.errors import elide
from radiochain.network.core import Network
from radiochain.network.problems import Problem
from radiochain.physics.transport import a2_value
from radiochain.units import format_quantity

MIN_ACTIVITY_BQ = 1e6
"""Smallest activity any dose, batch, delivery, stock or licence limit can be [Bq] (1 MBq:
diagnostic doses are tens to hundreds of MBq, therapy doses GBq; Ac-225 therapy ~8 MBq)."""

MIN_TIME_H = 1.0 / 60.0
"""Shortest shelf life, transit or synthesis that can be meant [h] (one minute; a synthesis
time of 0 means none: a product dispensed as delivered)."""

LARGEST_SUGGESTED_BQ = 1e14
"""Largest activity a suggestion may propose [Bq] (100 TBq, a reactor's weekly output)."""

_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")


@dataclass(frozen=True)
class Rule:
    """One column's floor: below it, a value is surely a unit mistake."""

    table: str
    column: str
    what: str
    dose: bool = False  # a patient dose: also at most the nuclide's A2 when suggesting
    zero_ok: bool = False  # 0 means none (a process without synthesis)


RULES = (
    Rule("products", "dose_activity_bq", "a dose", dose=True),
    Rule("demand", "prescribed_activity_bq", "a dose", dose=True),
    Rule("processes", "batch_min_bq", "a batch"),
    Rule("processes", "batch_max_bq", "a batch"),
    Rule("producers", "capacity_per_delivery_bq", "a delivery"),
    Rule("producers", "capacity_per_week_bq", "a week's output"),
    Rule("licences", "possession_limit_bq", "a possession limit"),
    Rule("products", "max_stock_bq", "a stock"),
    Rule("products", "shelf_life_h", "a shelf life"),
    Rule("lanes", "transit_time_h", "a transit"),
    Rule("processes", "synthesis_time_h", "a synthesis", zero_ok=True),
)


def _activity_hint(number: float, ceiling: float) -> str:
    """``did you mean '7.4 GBq'?`` with the units that make ``number`` a plausible activity."""
    shown = f"{number:g}"
    guesses = [
        f"'{shown} {unit}'"
        for unit, factor in (("GBq", 1e9), ("MBq", 1e6))
        if MIN_ACTIVITY_BQ <= number * factor <= ceiling
    ]
    if not guesses:
        return "write the unit, e.g. '7.4 GBq' or '200 MBq'"
    return f"did you mean {' or '.join(guesses)}?"


def _nuclide_a2(network: Network, rule: Rule, name: object) -> float | None:
    """A2 [Bq] of the nuclide of a dose row, if known."""
    products = network.products
    product = name if rule.table == "products" else network.demand["product"].get(name)
    nuclide = products["nuclide"].get(product) if product in products.index else None
    return a2_value(nuclide) if nuclide else None


def _activity_problem(network: Network, rule: Rule, name: object, value: float) -> Problem:
    text = network.written(rule.table, name, rule.column)
    match = _NUMBER.match(text) if text else None
    number = float(match[1]) if match else value
    ceiling = LARGEST_SUGGESTED_BQ
    if rule.dose:
        a2 = _nuclide_a2(network, rule, name)
        ceiling = min(1e11, a2 if a2 is not None else math.inf)
    bare = text is not None and match is not None and match.end() == len(text)
    quantity = format_quantity(value, "activity")
    said = f"'{elide(text)}' is {quantity}" if text else f"{quantity} is"
    said += " (a bare number in this column is in Bq)" if bare else ""
    place = network.place(rule.table)
    return Problem(
        "error",
        place.file,
        place.row(name),
        rule.column,
        f"{said}: less than 1 MBq, too little for {rule.what}; surely a unit mistake",
        _activity_hint(number, ceiling),
    )


def _time_problem(network: Network, rule: Rule, name: object, value_h: float) -> Problem:
    text = network.written(rule.table, name, rule.column)
    quantity = format_quantity(value_h * 3600, "time")
    said = f"'{elide(text)}' is {quantity}" if text else f"{quantity} is"
    place = network.place(rule.table)
    hint = (
        "a bare number in this column is in hours; write the unit, e.g. '120 h', '5 d' or '45 min'"
    )
    return Problem(
        "error",
        place.file,
        place.row(name),
        rule.column,
        f"{said}: shorter than a minute, too short for {rule.what}; surely a unit mistake",
        hint + ("; or 0 for none" if rule.zero_ok else ""),
    )


def check_plausibility(network: Network) -> list[Problem]:
    """Activities below 1 MBq and times below a minute in the columns of :data:`RULES`."""
    problems = []
    for rule in RULES:
        frame = network.tables[rule.table]
        if frame.empty or rule.column not in frame.columns:
            continue
        values = pd.to_numeric(frame[rule.column], errors="coerce").astype(float)
        activity = rule.column.endswith("_bq")
        floor = MIN_ACTIVITY_BQ if activity else MIN_TIME_H
        for name, value in values[(values > 0) & (values < floor)].items():
            if activity:
                problems.append(_activity_problem(network, rule, name, float(value)))
            else:
                problems.append(_time_problem(network, rule, name, float(value)))
    return problems
