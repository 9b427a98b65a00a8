"""Reading cells of component tables by their schema type, column by column.

Numbers are converted with one vectorized ``pandas.to_numeric`` per column; only the cells that
are not bare numbers go through the unit parser, so a table of 100,000 rows reads in
milliseconds. A cell that does not parse becomes missing and yields one :class:`Problem`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import time

import numpy as np
import pandas as pd

from radiochain.errors import RadiochainError, elide
from radiochain.network.problems import Place, Problem, split_hint
from radiochain.network.schema import Attribute, TableSchema
from radiochain.physics.datasets import NuclearDataset
from radiochain.units import parse_date, parse_quantity, unit_factor

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_INDEX = {d.lower(): i for i, d in enumerate(WEEKDAYS)}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
LARGEST_WHOLE_NUMBER = 2**53
"""Largest whole number a cell may hold (beyond it, floats no longer count every unit)."""
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f"}


def cell_text(value: object) -> str:
    """A Python value as the text of a CSV cell (floats with full precision)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def parse_days(text: str) -> frozenset[int]:
    """Weekdays (0 = Monday) from ``"Mon-Fri"``, ``"Mon,Wed,Fri"``, ``"daily"``, ``"Sat-Sun"``.

    Raises
    ------
    ValueError
        The text names no weekday.
    """
    cleaned = text.strip().lower()
    if cleaned in ("daily", "every day", "all", "mon-sun"):
        return frozenset(range(7))
    if cleaned in ("", "none", "never"):
        return frozenset()
    days: set[int] = set()
    for part in re.split(r"[,;\s]+", cleaned):
        if not part:
            continue
        if "-" in part:
            first, _, last = part.partition("-")
            a, b = _DAY_INDEX.get(first[:3]), _DAY_INDEX.get(last[:3])
            if a is None or b is None:
                raise ValueError(part)
            k = a
            while True:
                days.add(k)
                if k == b:
                    break
                k = (k + 1) % 7
        else:
            k_single = _DAY_INDEX.get(part[:3])
            if k_single is None or len(part) < 3:
                raise ValueError(part)
            days.add(k_single)
    return frozenset(days)


def parse_time(text: str) -> time:
    """``"08:30"`` -> ``time(8, 30)``; raises ValueError otherwise."""
    match = _TIME.match(text.strip())
    if match is None:
        raise ValueError(text)
    return time(int(match[1]), int(match[2]))


def parse_times(text: str) -> tuple[time, ...]:
    """``"06:00;14:00"`` -> two times, sorted."""
    return tuple(sorted(parse_time(p) for p in re.split(r"[;,\s]+", text.strip()) if p))


def _unparsable(values: pd.Series, check: Callable[[str], object]) -> list[tuple[str, str, str]]:
    """(row name, cell, the check's message) of the non-empty cells that ``check`` rejects
    (each distinct text is checked once: a column of 10,000 rows holds a handful of times or
    weekdays)."""
    rejected: dict[str, str] = {}
    for value in values.unique():
        if value == "":
            continue
        try:
            check(value)
        except (ValueError, RadiochainError) as err:
            rejected[value] = str(err)
    if not rejected:
        return []
    bad = values[values.isin(list(rejected))]
    return [(str(name), value, rejected[value]) for name, value in bad.items()]


def _text(values: pd.Series) -> pd.Series:
    """Cells as Python text, missing as '' (object dtype: cheaper than Arrow strings for the
    many small operations of parsing)."""
    filled = values.astype(object).fillna("")
    if pd.api.types.infer_dtype(filled, skipna=False) in ("string", "empty"):
        return filled
    return pd.Series(
        ["" if v is None or v is pd.NA or v != v else str(v) for v in filled],
        index=values.index,
        dtype=object,
    )


def _strip(values: pd.Series) -> pd.Series:
    return pd.Series([v.strip() for v in values], index=values.index, dtype=object)


def parse_column(
    attr: Attribute, raw: pd.Series, dataset: NuclearDataset
) -> tuple[pd.Series, list[tuple[str, str, str, str]]]:
    """Parse one column of text cells.

    Returns
    -------
    (Series, failures)
        The typed column (missing where empty or unparsable) and, for each cell that did not
        parse, ``(row name, cell text, what is wrong, what would be right)``.
    """
    return _parse_cells(attr, _text(raw), None, dataset)


def _parse_cells(
    attr: Attribute, raw: pd.Series, stripped: pd.Series | None, dataset: NuclearDataset
) -> tuple[pd.Series, list[tuple[str, str, str, str]]]:
    """:func:`parse_column` of cells already made text (and stripped, when given)."""
    kind = attr.base_type
    if kind == "string":  # free text is kept exactly as given
        return raw, []
    text = _strip(raw) if stripped is None else stripped
    failures: list[tuple[str, str, str, str]] = []
    if kind == "float":
        numbers = pd.to_numeric(text.where(text != ""), errors="coerce").astype(float)
        leftover = text[(text != "") & numbers.isna()]
        converted: dict[str, float] = {}
        dimension = attr.dimension
        for name, cell in leftover.items():
            if dimension is None:
                failures.append(
                    (str(name), cell, f"{elide(cell)!r} is not a number", _plain(attr, cell))
                )
                continue
            try:
                value, _ = parse_quantity(cell, (dimension,), what=attr.name)
                converted[str(name)] = value / unit_factor(attr.unit, dimension)
            except RadiochainError as err:
                message, hint = split_hint(str(err).removeprefix(f"{attr.name}: "))
                failures.append(
                    (str(name), cell, _short(message, cell), hint or f"e.g. '{_example(attr)}'")
                )
        if converted:
            numbers.update(pd.Series(converted, dtype=float))
        infinite = np.isinf(numbers.to_numpy())
        for name in numbers.index[infinite]:
            failures.append((str(name), str(text[name]), "is infinite", "give a finite number"))
        return numbers.where(~infinite, math.nan), failures
    if kind == "integer":
        numbers = pd.to_numeric(text.where(text != ""), errors="coerce").astype(float)
        finite = pd.Series(np.isfinite(numbers.to_numpy()), index=numbers.index)
        huge = finite & (numbers.abs() > LARGEST_WHOLE_NUMBER)
        whole = finite & ~huge & (numbers % 1 == 0)
        too_large = set(text.index[huge])
        for name, cell in text[(text != "") & ~whole].items():
            what = "is too large" if name in too_large else "is not a whole number"
            failures.append((str(name), cell, f"{elide(cell)!r} {what}", "write e.g. 12"))
        return numbers.where(whole).astype("Int64"), failures
    if kind == "boolean":
        lowered = text.str.lower()
        result = pd.Series(pd.NA, index=text.index, dtype="boolean")
        result[lowered.isin(_TRUE)] = True
        result[lowered.isin(_FALSE)] = False
        for name, cell in text[(text != "") & ~lowered.isin(_TRUE | _FALSE)].items():
            failures.append(
                (str(name), cell, f"{elide(cell)!r} is not true or false", "write true or false")
            )
        return result, failures
    checks: dict[str, Callable[[str], object]] = {
        "date": lambda cell: parse_date(cell, what=attr.name),
        "time": parse_time,
        "times": parse_times,
        "days": parse_days,
    }
    if kind in checks:
        expected = {
            "date": "a date like 2025-06-30",
            "time": "a local time like 08:30",
            "times": "times like 06:00;14:00",
            "days": "days like Mon-Fri, Mon,Wed,Fri or daily",
        }[kind]
        bad = _unparsable(text, checks[kind])
        what = expected.split(" like")[0]
        for name, cell, error in bad:
            if kind == "date":  # parse_date says what is wrong: the form, the day, the range
                message, hint = split_hint(error.removeprefix(f"{attr.name}: "))
                failures.append((name, cell, _short(message, cell), hint))
            else:
                failures.append((name, cell, f"{elide(cell)!r} is not {what}", f"write {expected}"))
        return text.where(~text.index.isin([b[0] for b in bad]), ""), failures
    if kind == "enum":
        bad_enum = text[(text != "") & ~text.isin(attr.choices)]
        for name, cell in bad_enum.items():
            failures.append(
                (
                    str(name),
                    cell,
                    f"{elide(cell)!r} is not allowed",
                    f"use one of {', '.join(attr.choices)}",
                )
            )
        return text, failures
    if kind == "nuclide":
        canonical: list[str] = []
        for name, cell in text.items():
            try:
                canonical.append(dataset.nuclides[dataset.lookup(cell)] if cell else "")
            except RadiochainError as err:
                failures.append((str(name), cell, _short(str(err), cell), ""))
                canonical.append("")
        return pd.Series(canonical, index=text.index, dtype=object), failures
    return text, failures  # string, ref (references are checked by validate)


def _short(message: str, cell: str) -> str:
    """A message that quotes a cell, with a long cell elided (one short line)."""
    return elide(message.replace(cell, elide(cell)) if len(cell) > 60 else message, 200)


_PERCENT = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+))\s*%\s*", re.ASCII)


def _plain(attr: Attribute, cell: str) -> str:
    """How to write a plain number in a column without a unit of time, activity or mass:
    ``write 0.1 for 10 %`` where a share was written with %, else the column's unit in words."""
    percent = _PERCENT.fullmatch(cell)
    if percent and attr.unit == "1":
        return f"write {float(percent[1]) / 100:g} for {percent[1]} %"
    example = {"1": "0.95", "1/y": "2", "deg": "31.2", "km": "120"}.get(attr.unit, "12")
    unit = _PLAIN_UNIT.get(attr.unit, f" in {attr.unit}" if attr.unit else "")
    return f"write a plain number{unit}, e.g. {example}"


_PLAIN_UNIT = {
    "1": "",
    "1/d": " (per day)",
    "1/wk": " (per week)",
    "1/y": " (per year)",
    "deg": " of degrees",
    "km": " of km",
    "CNY": " (in the network's currency)",
    "CNY/GBq": " (in the network's currency per GBq)",
}


def _example(attr: Attribute) -> str:
    return {"Bq": "7.4 GBq", "h": "6 h", "d": "2 d", "s": "30 s", "g": "1 mg"}.get(attr.unit, "1")


def keyed_cells(schema: TableSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """The text cells of a raw table indexed by row name, as :func:`parse_table` keeps the rows
    (the first row of each non-empty name); every column of the file, as written."""
    if schema.index not in frame.columns:
        return pd.DataFrame(index=pd.Index([], name=schema.index, dtype=object))
    cells = frame.reset_index(drop=True).fillna("").astype(object)
    names = _strip(_text(cells[schema.index]))
    keep = (names != "") & ~names.duplicated()
    cells = cells[keep]
    cells.index = pd.Index(names[keep], name=schema.index)
    return cells


def parse_table(
    schema: TableSchema,
    frame: pd.DataFrame,
    dataset: NuclearDataset,
    *,
    first_line: int | None = None,
    line_numbers: Sequence[int | str] | None = None,
    place: Place | None = None,
) -> tuple[pd.DataFrame, dict[str, int | str], list[Problem]]:
    """Type every column of a raw text table, fill defaults, collect problems.

    Parameters
    ----------
    schema : TableSchema
    frame : DataFrame
        Text cells, one column per attribute including the index column, rows in file order.
    dataset : NuclearDataset
        For ``nuclide`` columns.
    line_numbers : sequence of int or str, optional
        Place of each row for messages: its file line (read_table_csv gives them) or its
        place in a JSON document (``tables.lanes[2]``).
    first_line : int, optional
        Line of the file holding the first row (2 for a CSV with a header), for messages.
    place : Place, optional
        The file to name in messages (default: the table's CSV file) and the row of problems
        of the whole table.

    Returns
    -------
    (DataFrame, dict, list of Problem)
        The typed table indexed by name, the line of each row name, and the problems.
    """
    problems: list[Problem] = []
    frame = frame.reset_index(drop=True)
    index_col = schema.index
    file = place.file if place is not None else schema.file
    whole = place.table_row if place is not None else None
    if index_col not in frame.columns:
        if len(frame) or len(frame.columns):
            problems.append(
                Problem(
                    "error",
                    file,
                    whole,
                    index_col,
                    "column is missing",
                    f"every row of {schema.table} needs its name in column {index_col!r}",
                )
            )
        return empty_table(schema), {}, problems
    names = _strip(_text(frame[index_col]))
    if line_numbers is None and first_line is not None:
        line_numbers = list(range(first_line, first_line + len(frame)))
    line_at = list(line_numbers) if line_numbers is not None else None
    line_of: dict[str, int | str] = (
        {str(name): line_at[position] for position, name in reversed(list(enumerate(names)))}
        if line_at is not None
        else {}
    )

    def where(name: str) -> int | str:
        return line_of.get(name, f"[{name}]")

    problems += _name_problems(names, line_at, file, index_col)
    keep = (names != "") & ~names.duplicated()
    frame = frame[keep]
    frame.index = pd.Index(names[keep], name=index_col)
    frame = frame.drop(columns=[index_col])
    known = set(schema.columns)
    for column in frame.columns:
        if column not in known:
            problems.append(
                Problem(
                    "warning",
                    file,
                    whole,
                    elide(column, 40),
                    "unknown column, ignored",
                    f"known columns: {', '.join(schema.columns)}",
                )
            )
    out = pd.DataFrame(index=frame.index)
    for attr in schema.attributes:
        if attr.name != index_col:
            out[attr.name], found = _parse_attribute(attr, frame, dataset, file, whole, where)
            problems += found
    return out, line_of, problems


def _name_problems(
    names: pd.Series, line_at: list[int | str] | None, file: str, index_col: str
) -> list[Problem]:
    """Rows without a name, and names used twice (the first row of a name is kept)."""
    problems = []
    for position, name in enumerate(names):
        if name == "":
            row: int | str = line_at[position] if line_at is not None else f"[#{position}]"
            problems.append(
                Problem("error", file, row, index_col, "is empty", "give every row a unique name")
            )
    duplicated = names[names.duplicated() & (names != "")]
    for label, name in duplicated.items():
        where_dup: int | str = line_at[int(str(label))] if line_at is not None else f"[{name}]"
        problems.append(
            Problem(
                "error",
                file,
                where_dup,
                index_col,
                f"{elide(name)!r} appears more than once",
                "names must be unique within a table",
            )
        )
    return problems


def _parse_attribute(
    attr: Attribute,
    frame: pd.DataFrame,
    dataset: NuclearDataset,
    file: str,
    whole: int | str | None,
    where: Callable[[str], int | str],
) -> tuple[pd.Series, list[Problem]]:
    """One column of a table typed, its default filled, and its problems (missing, empty
    where required, cells that do not parse)."""
    problems = []
    present = attr.name in frame.columns
    cells: pd.Series = (
        _text(frame[attr.name]) if present else pd.Series("", index=frame.index, dtype=object)
    )
    if attr.required and not present and len(frame):
        problems.append(
            Problem("error", file, whole, attr.name, "required column is missing", attr.description)
        )
    stripped = _strip(cells)
    empty = stripped == ""  # a cell of spaces counts as empty
    if attr.required and present:
        for name in cells[empty].index:
            problems.append(
                Problem(
                    "error",
                    file,
                    where(name),
                    attr.name,
                    "is empty",
                    f"required: {attr.description}",
                )
            )
    if attr.default != "" and empty.any():
        cells = cells.where(~empty, attr.default)
        stripped = stripped.where(~empty, attr.default.strip())
    parsed, failures = _parse_cells(attr, cells, stripped, dataset)
    for name, _cell, message, hint in failures:
        problems.append(Problem("error", file, where(name), attr.name, message, hint))
    return parsed, problems


def empty_table(schema: TableSchema) -> pd.DataFrame:
    """A table with the schema's columns and dtypes and no rows."""
    dtypes = {"float": "float64", "integer": "Int64", "boolean": "boolean"}
    frame = pd.DataFrame(
        {
            a.name: pd.Series(dtype=dtypes.get(a.base_type, "object"))
            for a in schema.attributes
            if a.name != schema.index
        }
    )
    frame.index = pd.Index([], name=schema.index, dtype=object)
    return frame


def format_column(attr: Attribute, column: pd.Series) -> pd.Series:
    """Text cells for writing: floats with full precision (round-trip exact), empty for
    missing."""
    kind = attr.base_type
    if kind == "float":
        return column.map(lambda v: "" if pd.isna(v) else repr(float(v)))
    if kind == "integer":
        return column.map(lambda v: "" if pd.isna(v) else str(int(v)))
    if kind == "boolean":
        return column.map(lambda v: "" if pd.isna(v) else ("true" if bool(v) else "false"))
    return column.fillna("").astype(str)
