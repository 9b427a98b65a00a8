"""Transport physics and rules that depend on the nuclide: A1/A2 values for Type A packages.

A Type A package may hold at most A2 of a nuclide in normal form (A1 in special form); for a
mixture, the sum of activity/A2 over its nuclides must not exceed 1 (IAEA SSR-6, para. 405;
49 CFR 173.433). Values live in ``radiochain/data/transport/a2_values.csv`` with their source.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache

from radiochain.errors import InputError
from radiochain.physics.datasets import bundled_data_path
from radiochain.physics.names import canonical_name

TBQ = 1e12


@cache
def _table() -> dict[str, tuple[float, float]]:
    path = bundled_data_path("transport", "a2_values.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            canonical_name(row["nuclide"]): (float(row["a1_tbq"]) * TBQ, float(row["a2_tbq"]) * TBQ)
            for row in csv.DictReader(handle)
        }


def a2_value(nuclide: str) -> float | None:
    """A2 [Bq] of a nuclide in normal form, or None if the table has no value for it."""
    entry = _table().get(canonical_name(nuclide))
    return None if entry is None else entry[1]


def a1_value(nuclide: str) -> float | None:
    """A1 [Bq] of a nuclide in special form, or None if the table has no value for it."""
    entry = _table().get(canonical_name(nuclide))
    return None if entry is None else entry[0]


def type_a_fraction(activities: Mapping[str, float]) -> float:
    """Sum over nuclides of activity / A2 for a package's contents; at most 1 for Type A.

    Parameters
    ----------
    activities : mapping of nuclide to activity [Bq]

    Raises
    ------
    InputError
        A nuclide has no A2 value in the table.
    """
    total = 0.0
    for nuclide, activity in activities.items():
        a2 = a2_value(nuclide)
        if a2 is None:
            raise InputError(
                f"no A2 value for {nuclide} in radiochain/data/transport/a2_values.csv "
                "(add it from IAEA SSR-6 Table 2)"
            )
        total += activity / a2
    return total
