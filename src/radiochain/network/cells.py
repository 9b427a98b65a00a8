"""The text a writer puts in each cell: the user's own text while a value is unchanged.

A network read from files keeps every cell's text (``Network.cells``) and the values it was
read as (``Network.as_read``). Writing gives the text back — ``6.8 GBq`` stays ``6.8 GBq``,
``Mon-Fri`` stays ``Mon-Fri``, a blank stays blank — for every value that is still what was
read, and writes the others (new rows, changed values) in the column's unit with full
precision, so that reading what was written always gives the same network.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

from radiochain.network.core import Network
from radiochain.network.parse import format_column
from radiochain.network.schema import Attribute, schemas

_JSON_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_JSON_INTEGER = re.compile(r"-?(?:0|[1-9]\d*)")


def _unchanged(current: pd.Series, read: pd.Series) -> np.ndarray:
    """Where a value is what was read (missing equals missing)."""
    try:
        same = (current == read).fillna(False).to_numpy(dtype=bool)
    except (TypeError, ValueError):  # values of types that do not compare
        same = np.array([a == b for a, b in zip(current, read, strict=True)], dtype=bool)
    both_missing = current.isna().to_numpy(dtype=bool) & read.isna().to_numpy(dtype=bool)
    return same | both_missing


def _kept(network: Network, table: str, attr: Attribute, in_cells: np.ndarray) -> np.ndarray:
    """Rows whose value of ``attr`` is still what was read from the user's cell."""
    frame, read = network.tables[table], network.as_read.get(table)
    if read is None or attr.name not in read.columns or not read.index.is_unique:
        return np.zeros(len(frame), dtype=bool)
    kept: np.ndarray = in_cells & _unchanged(frame[attr.name], read[attr.name].reindex(frame.index))
    return kept


def table_text(network: Network, table: str) -> pd.DataFrame:
    """The cells to write for ``table``: one text column per column of the user's file (in
    its order; all schema columns for a table made in code), plus any schema column a new or
    changed value needs; rows in the table's order.

    The user's text is kept for every value unchanged since reading; new rows and changed
    values are written by :func:`~radiochain.network.parse.format_column`.
    """
    schema = schemas()[table]
    frame = network.tables[table]
    cells = network.cells.get(table)
    if cells is None or table not in network.as_read:
        cells = pd.DataFrame(columns=[schema.index, *schema.columns], dtype=object)
    in_cells = frame.index.isin(cells.index)

    def old(column: str) -> pd.Series:
        if column not in cells.columns:
            return pd.Series("", index=frame.index, dtype=object)
        return cells[column].reindex(frame.index).fillna("").astype(object)

    out = {column: pd.Series("", index=frame.index, dtype=object) for column in cells.columns}
    names = pd.Series(frame.index.astype(str), index=frame.index, dtype=object)
    out[schema.index] = old(schema.index).where(in_cells, names)
    for attr in schema.attributes:
        if attr.name == schema.index:
            continue
        keep = _kept(network, table, attr, in_cells)
        written = format_column(attr, frame[attr.name]).astype(object).where(~keep, old(attr.name))
        if attr.name in out or (written != "").any():
            out[attr.name] = written
    for column in cells.columns:  # columns radiochain does not know: kept as written
        if column != schema.index and column not in schema.columns:
            out[column] = old(column)
    return pd.DataFrame(out, index=frame.index).reset_index(drop=True)


def json_value(attr: Attribute | None, text: str) -> Any:
    """A cell's text as a JSON value: blank as null; a plain number in a numeric column as a
    number; ``true``/``false`` in a boolean column as a boolean; anything else as text (so
    ``"6.8 GBq"`` stays a string and reads back the same)."""
    if text == "":
        return None
    kind = attr.base_type if attr is not None else "string"
    if kind in ("float", "integer") and _JSON_NUMBER.fullmatch(text):
        if _JSON_INTEGER.fullmatch(text) and len(text) < 16 and str(int(text)) == text:
            return int(text)
        value = float(text)
        if math.isfinite(value) and repr(value) == text:
            return value
        return text
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text
