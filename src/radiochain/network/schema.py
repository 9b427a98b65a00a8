"""Component schemas: one CSV per table says each attribute's type, unit, default and meaning.

The schema files in ``radiochain/data/schema/`` drive three things at once (the PyPSA habit):
the defaults filled in when a network is read, the checks of :mod:`radiochain.network.validate`,
and the reference page ``docs/network-reference.md`` (:func:`schema_markdown`).

Attribute types
---------------
``string``, ``float``, ``integer``, ``boolean``; ``date`` (``YYYY-MM-DD``); ``time`` (``HH:MM``
local time); ``times`` (``HH:MM;HH:MM``); ``days`` (``Mon-Fri``, ``Mon,Wed,Fri``, ``daily``);
``enum:a|b|c``; ``ref:<table>`` (the index of another table); ``nuclide`` (a nuclide of the
network's nuclear dataset, stored in canonical spelling).

A float cell may carry a unit (``"90 min"`` in a column whose unit is ``h``; ``"7.4 GBq"`` in one
whose unit is ``Bq``); it is converted to the column's unit when read.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from radiochain.physics.datasets import bundled_data_path
from radiochain.units import Dimension

_DIMENSION_OF_UNIT: dict[str, Dimension] = {
    "Bq": "activity",
    "h": "time",
    "d": "time",
    "s": "time",
    "g": "mass",
}


@dataclass(frozen=True)
class Attribute:
    """One column of a component table.

    Attributes
    ----------
    name : str
    type : str
        See the module docstring.
    unit : str
        Unit of the stored value ('' for none). Cells may be typed in any unit of the same
        dimension when the unit is one of Bq, h, d, s, g.
    default : str
        Default as text ('' for none).
    required : bool
    constraint : str
        ``>=0``, ``>0``, ``>=1``, ``[a,b]``, ``(a,b]``, ``[a,b)`` or ''.
    description : str
    """

    name: str
    type: str
    unit: str
    default: str
    required: bool
    constraint: str
    description: str

    @property
    def base_type(self) -> str:
        """``ref``, ``enum`` or the plain type."""
        return self.type.split(":", 1)[0]

    @property
    def choices(self) -> tuple[str, ...]:
        """Allowed values of an ``enum``."""
        return tuple(self.type.split(":", 1)[1].split("|")) if self.base_type == "enum" else ()

    @property
    def target(self) -> str:
        """Table referenced by a ``ref``."""
        return self.type.split(":", 1)[1] if self.base_type == "ref" else ""

    @property
    def dimension(self) -> Dimension | None:
        """Physical dimension for unit parsing (``activity``, ``time``, ``mass``) or None."""
        return _DIMENSION_OF_UNIT.get(self.unit)

    def bounds(self) -> tuple[float, float, bool, bool] | None:
        """(low, high, low_inclusive, high_inclusive) from :attr:`constraint`, or None."""
        c = self.constraint.strip()
        if not c:
            return None
        if c.startswith(">="):
            return float(c[2:]), math.inf, True, False
        if c.startswith(">"):
            return float(c[1:]), math.inf, False, False
        match = re.fullmatch(r"([\[(])\s*([-\d.e]+)\s*,\s*([-\d.e]+)\s*([\])])", c)
        if match is None:
            raise ValueError(f"bad constraint {c!r} for attribute {self.name!r}")
        return float(match[2]), float(match[3]), match[1] == "[", match[4] == "]"

    def describe_bounds(self) -> str:
        """Text such as ``'>= 0'`` or ``'in (0, 1]'`` for messages."""
        b = self.bounds()
        if b is None:
            return ""
        low, high, low_in, high_in = b
        if math.isinf(high):
            return f"{'>=' if low_in else '>'} {low:g}"
        return f"in {'[' if low_in else '('}{low:g}, {high:g}{']' if high_in else ')'}"


@dataclass(frozen=True)
class TableSchema:
    """Schema of one component table."""

    table: str
    index: str
    description: str
    attributes: tuple[Attribute, ...]

    @property
    def file(self) -> str:
        """File name of the table in a network folder."""
        return f"{self.table}.csv"

    @property
    def columns(self) -> tuple[str, ...]:
        """Attribute names except the index, in schema order."""
        return tuple(a.name for a in self.attributes if a.name != self.index)

    def attribute(self, name: str) -> Attribute:
        for a in self.attributes:
            if a.name == name:
                return a
        raise KeyError(name)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def schemas() -> dict[str, TableSchema]:
    """All table schemas, in the order of ``components.csv``."""
    folder = bundled_data_path("schema")
    result = {}
    for row in _read(folder / "components.csv"):
        attributes = tuple(
            Attribute(
                name=a["attribute"],
                type=a["type"],
                unit=a["unit"],
                default=a["default"],
                required=a["required"].strip().lower() == "true",
                constraint=a["constraint"],
                description=a["description"],
            )
            for a in _read(folder / f"{row['table']}.csv")
        )
        result[row["table"]] = TableSchema(
            row["table"], row["index"], row["description"], attributes
        )
    return result


def schema_markdown() -> str:
    """The reference page of all component tables, generated from the schema files."""
    lines = [
        "# Network reference: component tables",
        "",
        "Generated from `src/radiochain/data/schema/` by "
        "`radiochain.network.schema.schema_markdown()`; do not edit by hand.",
        "",
        "A network is a folder with `network.yaml` and one CSV file per table (or one JSON file",
        "with the same tables). Cells of a column with a unit of Bq, h, d or g may be written with",
        'any unit of that dimension (`"90 min"`, `"7.4 GBq"`); they are stored in the column\'s',
        "unit, and a bare number is in the column's unit (`7.4` in `dose_activity_bq` is 7.4 Bq).",
        "Values that are surely a unit mistake are errors: activities of doses, batches,",
        "deliveries, stocks and licences below 1 MBq; shelf lives, transits and syntheses shorter",
        "than a minute. Writing a network gives every unchanged cell back as it was written.",
        "",
    ]
    for schema in schemas().values():
        lines += [f"## `{schema.file}`", "", schema.description, ""]
        lines += ["| attribute | type | unit | default | required | allowed | description |"]
        lines += ["|---|---|---|---|---|---|---|"]
        for a in schema.attributes:
            kind = a.type.replace("|", " \\| ")
            allowed = a.describe_bounds()
            lines.append(
                f"| `{a.name}` | {kind} | {a.unit} | {a.default} | {'yes' if a.required else ''} "
                f"| {allowed} | {a.description} |"
            )
        lines.append("")
    return "\n".join(lines)
