"""The clinical input tables (lesions, patients' labs, time-activity curves, plans): CSV text
read the same way for every command and for the service.

What a spreadsheet user writes is read as meant: a byte-order mark and spaces after commas are
ignored, headers are stripped (``' suvmax_psma '`` is ``suvmax_psma``), identifiers stay text
(``'007'``), a trailing comma on every row (spreadsheet export) adds no column, and only an
*empty* cell is a missing value — ``NA``, ``n/a`` or ``nan`` are text, so that in a numeric
column they are an error naming the row and field instead of a silent "unknown". Everything that
can go wrong is one :class:`~radiochain.errors.InputError` line naming the file.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from radiochain.errors import InputError, elide

__all__ = [
    "TEXT_COLUMNS",
    "finite_column",
    "parse_table",
    "read_table",
    "require_rows",
    "row_number",
]

TEXT_COLUMNS = ("patient", "region", "lesion", "hospital", "product", "site", "appointment")
"""Identifiers read as text, so that ``007`` stays ``007``."""


def read_table(path: str | Path, *, what: str = "table") -> pd.DataFrame:
    """Read a clinical CSV table.

    Parameters
    ----------
    path : str or Path
        The file (UTF-8, comma-separated, one header row).
    what : str
        What the table is, for messages (``"lesion table"``).

    Returns
    -------
    DataFrame
        One column per header; identifier columns (:data:`TEXT_COLUMNS`) as text, others as
        numbers where every cell is one; empty cells NaN. May have no rows (see
        :func:`require_rows`).

    Raises
    ------
    InputError
        Missing, a folder, not UTF-8, larger than :data:`radiochain.files.MAX_FILE_BYTES`, or
        not a table (see :func:`parse_table`).
    """
    from radiochain.files import read_text

    return parse_table(read_text(path, what=what), where=elide(str(path)))


def parse_table(text: str, *, where: str = "table") -> pd.DataFrame:
    """Parse the text of a clinical CSV table (see :func:`read_table`).

    Blank lines are skipped; :func:`row_number` gives the line of a row in the file.

    Parameters
    ----------
    text : str
    where : str
        Name of the source (the file the user gave) for messages.

    Raises
    ------
    InputError
        No header, a row with more cells than the header, a quote left open, a header given
        twice, or a column with values but no header.
    """
    header, rows, lines = _records(text, where)
    width = len(header)
    cells = [[c.strip() for c in (row + [""] * width)[:width]] for row in rows]
    frame = pd.DataFrame(cells, columns=range(width), dtype=object)
    frame = frame.mask(frame == "", None) if len(frame) else frame
    keep = _named_columns(header, frame, where)
    frame = frame[keep]
    frame.columns = [header[k] for k in keep]
    for column in frame.columns:
        given = frame[column]
        frame[column] = given.astype("str") if column in TEXT_COLUMNS else _numbers_if_all(given)
    frame.attrs["lines"] = lines
    return frame


def row_number(frame: pd.DataFrame, position: int) -> int:
    """The line in the file of the row at ``position`` (0-based) of a table read by
    :func:`parse_table`; ``position + 2`` for other frames (one header line)."""
    lines = frame.attrs.get("lines")
    if isinstance(lines, list) and len(lines) == len(frame) and 0 <= position < len(lines):
        return int(lines[position])
    return position + 2


def _records(text: str, where: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Header (stripped), rows and the line each row starts on, checked with the csv module:
    a header, no header twice, no row wider than the header (unless the extra cells are
    empty: spreadsheets add trailing commas)."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True, strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        header = [h.strip() for h in next(reader, [])]
        if not any(header):
            raise InputError(
                f"{where}: no header row (the first line names the columns, e.g. "
                "'patient,lesion,site,size_mm')"
            )
        named = [h for h in header if h]
        twice = sorted({h for h in named if named.count(h) > 1})
        if twice:
            raise InputError(f"{where}: column {elide(twice[0])!r} appears twice in the header")
        width = len(header)
        start = reader.line_num + 1
        for record in reader:
            if any(c.strip() for c in record):
                if len(record) > width and any(c.strip() for c in record[width:]):
                    raise InputError(
                        f"{where}: row {start} has {len(record)} cells, the header {width} "
                        '(quote a cell that contains a comma, e.g. "6,8 GBq", or write '
                        "decimals with a point)"
                    )
                rows.append(record)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as err:
        raise InputError(
            f"{where}: line {reader.line_num}: not a readable CSV table ({elide(str(err), 80)})"
        ) from None
    return header, rows, lines


def _named_columns(header: list[str], frame: pd.DataFrame, where: str) -> list[int]:
    """Positions of the columns with a header; a column without one must be empty (a
    trailing comma), else it is an error (a shifted row or a missing header cell)."""
    keep = []
    for k, name in enumerate(header):
        if name:
            keep.append(k)
        elif frame[k].notna().any():
            raise InputError(
                f"{where}: column {k + 1} has values but no header (name it in the first line)"
            )
    return keep


def _numbers_if_all(cells: pd.Series) -> pd.Series:
    """The column as numbers when every non-empty cell is one, else as it is (text)."""
    given = cells.notna()
    if not given.any():
        return pd.Series(np.nan, index=cells.index, dtype=float)
    numbers = pd.to_numeric(cells, errors="coerce")
    if numbers[given].isna().any() or not np.isfinite(numbers[given].astype(float)).all():
        return cells.astype("str")  # text, or '1e400': kept as written, for a message
    return numbers


def require_rows(frame: pd.DataFrame, where: str, example: str = "") -> None:
    """Refuse a table without rows (a header alone, or an empty file).

    Raises
    ------
    InputError
        ``where: no rows below the header``.
    """
    if len(frame) == 0:
        hint = f" ({example})" if example else ""
        raise InputError(f"{where}: no rows below the header{hint}")


def finite_column(
    frame: pd.DataFrame, column: str, where: str, *, minimum: float | None = None
) -> pd.Series:
    """A column as finite numbers (empty cells stay NaN: unknown).

    Parameters
    ----------
    frame : DataFrame
    column : str
    where : str
        The file, for messages.
    minimum : float, optional
        Smallest value allowed (e.g. 0).

    Raises
    ------
    InputError
        A cell that is text (``'high'``, ``'n/a'``), not finite (``inf``, ``1e400``) or below
        ``minimum``: ``where: row N: field 'column' = 'high' is not a number (...)``.
    """
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    given = raw.notna() & (raw.astype(str).str.strip() != "")
    bad = given & ~np.isfinite(values.to_numpy())
    if bad.any():
        k = int(np.flatnonzero(bad.to_numpy())[0])
        cell = raw.iloc[k]
        problem = "is not a number" if math.isnan(values.iloc[k]) else "is not a finite number"
        raise InputError(
            f"{where}: row {row_number(frame, k)}: field {elide(column)!r} = "
            f"{elide(cell, 40)!r} {problem} (write a number; leave the cell empty when the "
            "value is unknown)"
        )
    if minimum is not None and (values < minimum).any():
        k = int(np.flatnonzero((values < minimum).to_numpy())[0])
        problem = "is negative" if minimum == 0 else f"is below {minimum:g}"
        raise InputError(
            f"{where}: row {row_number(frame, k)}: field {elide(column)!r} = "
            f"{values.iloc[k]:g} {problem} (give a value >= {minimum:g})"
        )
    return values.where(given)
