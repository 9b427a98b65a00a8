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
]

TEXT_COLUMNS = ("patient", "region", "lesion", "hospital", "product", "site", "appointment")
"""Identifiers read as text, so that ``007`` stays ``007``."""

_UNNAMED = "Unnamed: "


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
    _check_shape(text, where)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            skipinitialspace=True,
            index_col=False,  # a trailing comma on every row must not shift the columns
            keep_default_na=False,  # only an empty cell is missing: 'NA' is text
            na_values=[""],
            dtype=str,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as err:
        reason = elide(" ".join(str(err).split()), 100)
        raise InputError(f"{where}: not a readable CSV table ({reason})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = _drop_blank_unnamed(frame, where)
    for column in frame.columns:
        if column not in TEXT_COLUMNS:
            frame[column] = _numbers_if_all(frame[column])
    return frame


def _check_shape(text: str, where: str) -> None:
    """Check the header and the width of every row with the csv module (whose line numbers
    are the user's)."""
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True)
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
        for record in reader:
            if len(record) > width and any(c.strip() for c in record[width:]):
                raise InputError(
                    f"{where}: row {reader.line_num} has {len(record)} cells, the header "
                    f'{width} (quote a cell that contains a comma, e.g. "6,8 GBq", or write '
                    "decimals with a point)"
                )
    except csv.Error as err:
        raise InputError(
            f"{where}: line {reader.line_num}: not a readable CSV table ({elide(str(err), 80)})"
        ) from None


def _numbers_if_all(cells: pd.Series) -> pd.Series:
    """The column as numbers when every non-empty cell is one, else as it is (text)."""
    given = cells.notna()
    if not given.any():
        return pd.to_numeric(cells, errors="coerce")
    numbers = pd.to_numeric(cells.str.strip(), errors="coerce")
    if numbers[given].isna().any() or not np.isfinite(numbers[given].astype(float)).all():
        return cells  # text, or '1e400': kept as written, for a message that quotes it
    return numbers


def _drop_blank_unnamed(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """Drop columns without a header and without values (trailing commas); a column with
    values but no header is an error (a shifted row or a missing header cell)."""
    blank = []
    for k, column in enumerate(frame.columns):
        if not column.startswith(_UNNAMED):
            continue
        values = frame.iloc[:, k]
        if values.isna().all() or (values.astype(str).str.strip() == "").all():
            blank.append(k)
        else:
            raise InputError(
                f"{where}: column {k + 1} has values but no header (name it in the first line)"
            )
    keep = [k for k in range(frame.shape[1]) if k not in blank]
    return frame.iloc[:, keep]


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
            f"{where}: row {k + 2}: field {elide(column)!r} = {elide(cell, 40)!r} {problem} "
            "(write a number; leave the cell empty when the value is unknown)"
        )
    if minimum is not None and (values < minimum).any():
        k = int(np.flatnonzero((values < minimum).to_numpy())[0])
        problem = "is negative" if minimum == 0 else f"is below {minimum:g}"
        raise InputError(
            f"{where}: row {k + 2}: field {elide(column)!r} = {values.iloc[k]:g} {problem} "
            f"(give a value >= {minimum:g})"
        )
    return values.where(given)
