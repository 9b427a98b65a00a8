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
from radiochain.units import Dimension, format_number, format_quantity, parse_quantity, unit_factor

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

    @property
    def unit_words(self) -> str:
        """The unit as words after a plain number: ``' per year'`` for ``1/y``, ``''`` for a
        pure number or a currency, ``' h'`` for hours."""
        return _UNIT_WORDS.get(self.unit, f" {self.unit}" if self.unit else "")

    def _endpoints(self) -> tuple[str, str, bool, bool] | None:
        """The constraint as (low, high, low inclusive, high inclusive) texts ('' = none)."""
        c = self.constraint.strip()
        if not c:
            return None
        if c.startswith(">="):
            return c[2:].strip(), "", True, False
        if c.startswith(">"):
            return c[1:].strip(), "", False, False
        match = _RANGE.fullmatch(c)
        if match is None:
            raise ValueError(f"bad constraint {c!r} for attribute {self.name!r}")
        return match[2], match[3], match[1] == "[", match[4] == "]"

    def _value(self, text: str) -> float:
        """An endpoint in the column's unit: a plain number, or a quantity such as ``1 y``
        in a column of a time, activity or mass."""
        try:
            return float(text)
        except ValueError:
            dimension = self.dimension
            if dimension is None:
                raise ValueError(f"bad bound {text!r} for attribute {self.name!r}") from None
            value, _ = parse_quantity(text, (dimension,), what=self.name)
            return value / unit_factor(self.unit, dimension)

    def bounds(self) -> tuple[float, float, bool, bool] | None:
        """(low, high, low_inclusive, high_inclusive) from :attr:`constraint` in the column's
        unit, or None."""
        ends = self._endpoints()
        if ends is None:
            return None
        low, high, low_in, high_in = ends
        return self._value(low), self._value(high) if high else math.inf, low_in, high_in

    def _shown(self, text: str, unit: bool = True) -> str:
        """An endpoint for people: as written, with the column's unit after a plain number
        other than 0 (``1000 per year``, ``0``), unless ``unit`` is False."""
        try:
            number = float(text)
        except ValueError:
            return text
        return text + self.unit_words if unit and number != 0 else text

    def describe_bounds(self) -> str:
        """The allowed range in words, for messages and the reference page: ``at least 0``,
        ``more than 0, at most 1 y``, ``0 to 1000 per year``."""
        ends = self._endpoints()
        if ends is None:
            return ""
        low, high, low_in, high_in = ends
        if not high:
            return f"{'at least' if low_in else 'more than'} {self._shown(low)}"
        if low_in and high_in:
            return f"{self._shown(low, unit=False)} to {self._shown(high)}"
        first = f"{'at least' if low_in else 'more than'} {self._shown(low, unit=False)}"
        return f"{first}, {'at most' if high_in else 'less than'} {self._shown(high)}"

    def format_value(self, value: float) -> str:
        """A value of the column for a message, with its unit: ``1000 y``, ``25 GBq``,
        ``2 per year``; never ``2e+10 Bq``."""
        dimension = self.dimension
        if dimension is not None:
            base = value * unit_factor(self.unit, dimension)
            if math.isfinite(base):
                return format_quantity(base, dimension)
        return format_number(value) + self.unit_words


_RANGE = re.compile(r"([\[(])\s*([^,]+?)\s*,\s*([^,]+?)\s*([\])])")

_UNIT_WORDS = {
    "1": "",
    "1/d": " per day",
    "1/wk": " per week",
    "1/y": " per year",
    "deg": "°",
    "CNY": "",
    "CNY/GBq": " per GBq",
}
"""How a plain number of a column is said in a message (costs are in the network's
currency, whatever the column's header calls it)."""


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


RANGES_TEXT = (
    "## Ranges",
    "",
    "Every number must lie in the range of its column (`allowed` below; a value outside is an",
    "error of `radiochain network validate`, and `plan`, `simulate` and `network show` refuse",
    "the network with exit code 2). The upper bounds are far above anything real, so a value",
    "beyond one is a typing or unit mistake, never a network to plan:",
    "",
    "- **a dose** (`dose_activity_bq`, `prescribed_activity_bq`): at most 1 TBq. The largest",
    "  single administrations in nuclear medicine, high-activity I-131 therapies, reach a few",
    "  tens of GBq (I-131-mIBG at up to 666 MBq/kg in neuroblastoma: EANM guideline,",
    "  Giammarile et al., Eur. J. Nucl. Med. Mol. Imaging 35 (2008) 1039; Lu-177",
    "  radioligands are 7.4 GBq a cycle), and the largest unit a hospital receives at once, a",
    "  Mo-99/Tc-99m generator, holds at most 20 Ci (740 GBq). A dose or prescription is also",
    "  checked against the hospital's licence for its nuclide and, as a warning, against the",
    "  nuclide's A2 (IAEA SSR-6: 0.7 TBq for Lu-177, 6 GBq for Ac-225).",
    "- **activities of batches, deliveries, weekly output, stocks and licences**: at most",
    "  10 PBq. The world's weekly Mo-99 need is about 10,000 six-day Ci, some 0.4 PBq",
    "  (OECD-NEA, *The Supply of Medical Radioisotopes*); no radiopharmaceutical site holds",
    "  more than a fraction of it.",
    "- **shelf life**: at most 1 y. Radiopharmaceuticals keep hours to weeks (Lu-177-PSMA",
    "  120 h, Ra-223 dichloride 28 d); the longest-lived product a network ships, a Ge-68/Ga-68",
    "  generator, is used for about a year. Nor may a shelf life, or a calibration offset, span",
    "  more than 30 half-lives of the product's nuclide: less than a billionth (2^-30) of the",
    "  activity would be left (a generator's nuclide is its parent: Mo-99, not Tc-99m).",
    "- **transit**: at most 30 d door to door (international air freight of radioactive",
    "  goods takes days); **synthesis**: at most 7 d (the longest radiochemical separations,",
    "  such as Lu-177 from Yb-176 or Ac-225 from Th-229, take days); **QC hold**: at most",
    "  30 d (a sterility test takes 14 d, Ph. Eur. 2.6.1); **lead time** from order to",
    "  delivery: at most 1 y.",
    "- **calibration offset**: -30 d to 30 d from release (products are calibrated at release",
    "  or days after it, e.g. Ra-223 dichloride at a reference date within its 28-d shelf",
    "  life); a calibration so far before release that the product expires before it is",
    "  released is an error too.",
    "- **costs** (per GBq, batch, shipment, package): at most 1e12 in the network's currency:",
    "  more than any batch or shipment costs even in the currencies of the smallest unit.",
    "- **unplanned outages** of a producer: at most 1,000 a year, mean duration at most 10 y,",
    "  coefficient of variation at most 20 (the limits of a scenario file, docs/simulation.md).",
    "- **distance**: at most 40,075 km (the Earth's circumference).",
)
"""The section of the reference page on the ranges of the columns and why they are what they
are (the ranges themselves are the ``constraint`` column of the schema files)."""


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
        "than a minute (a synthesis time of 0 means none). Writing a network gives every",
        "unchanged cell back as it was written.",
        "",
        *RANGES_TEXT,
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
