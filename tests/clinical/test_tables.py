"""The clinical CSV reader: what a spreadsheet user writes is read as meant, and anything else
is one InputError, never another exception (hypothesis)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from radiochain.clinical.tables import finite_column, parse_table, read_table, require_rows
from radiochain.errors import InputError


def test_identifiers_stay_text_and_numbers_are_numbers() -> None:
    frame = parse_table("patient,lesion,size_mm,note\n007,01,12,x\n008,02,,y\n")
    assert frame["patient"].tolist() == ["007", "008"]
    assert frame["lesion"].tolist() == ["01", "02"]
    assert frame["size_mm"].iloc[0] == 12
    assert np.isnan(frame["size_mm"].iloc[1])  # only an empty cell is missing
    assert frame["note"].tolist() == ["x", "y"]


def test_na_is_text_not_missing() -> None:
    # pandas would read 'NA', 'n/a' and 'nan' as missing: a clinical table must not
    frame = parse_table("patient,suv\np1,NA\np2,n/a\np3,nan\n")
    assert frame["suv"].tolist() == ["NA", "n/a", "nan"]
    with pytest.raises(InputError, match=r"t.csv: row 2: field 'suv' = 'NA' is not a number"):
        finite_column(frame, "suv", "t.csv")


def test_spreadsheet_habits() -> None:
    # a byte-order mark, spaces after commas and around headers, a trailing comma on every row
    frame = parse_table('\ufeffpatient, region , activity\np1, "a, b", 6\np2,c,7,\n')
    assert list(frame.columns) == ["patient", "region", "activity"]
    assert frame["region"].tolist() == ["a, b", "c"]
    assert frame["activity"].tolist() == [6, 7]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no header row"),
        ("\n\n", "no header row"),
        ("a,b\n1,2,3\n", "row 2 has 3 cells, the header 2"),
        ("a,a\n1,2\n", "column 'a' appears twice"),
        ("a,,c\n1,2,3\n", "column 2 has values but no header"),
        ('a,b\n"1,2\n', "not a readable CSV table"),
    ],
)
def test_tables_that_cannot_be_read(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_table(text, where="t.csv")


def test_finite_column_names_row_and_field() -> None:
    frame = parse_table("patient,ki67_percent\np1,10\np2,high\n")
    with pytest.raises(InputError, match=r"row 3: field 'ki67_percent' = 'high' is not a number"):
        finite_column(frame, "ki67_percent", "labs.csv")
    frame = parse_table("patient,x\np1,1e400\n")
    with pytest.raises(InputError, match=r"'1e400' is not a finite number"):
        finite_column(frame, "x", "t.csv")
    frame = parse_table("patient,x\np1,-3\n")
    with pytest.raises(InputError, match=r"row 2: field 'x' = -3 is negative"):
        finite_column(frame, "x", "t.csv", minimum=0.0)


def test_header_only_has_no_rows() -> None:
    frame = parse_table("patient,lesion\n")
    assert len(frame) == 0
    with pytest.raises(InputError, match="no rows below the header"):
        require_rows(frame, "t.csv")


def test_read_table_refuses_other_encodings(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("patient\nJosé\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"line 2: byte 0xe9 is not UTF-8"):
        read_table(path)


def _attempt(read: Callable[[], pd.DataFrame]) -> tuple[pd.DataFrame | None, str]:
    try:
        return read(), ""
    except InputError as err:
        return None, str(err)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600))
def test_any_bytes_are_a_table_or_an_input_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_bytes(data)
        frame, message = _attempt(lambda: read_table(path))  # nothing else may be raised
    assert (frame is None) != (message == "")
    assert "\n" not in message


CSV_ALPHABET = st.sampled_from([*',"\n\r\t ;ab1.-e9\x00é\ufeffNA', "patient", "size_mm"])


@settings(max_examples=400, deadline=None)
@given(text=st.lists(CSV_ALPHABET, max_size=80).map("".join))
def test_any_csv_like_text_is_a_table_or_an_input_error(text: str) -> None:
    frame, message = _attempt(lambda: parse_table(text, where="t.csv"))
    if frame is None:
        assert message.startswith("t.csv")
        return
    assert all(isinstance(c, str) for c in frame.columns)
    assert len(frame.attrs["lines"]) == len(frame)
    for column in frame.columns:  # as numbers: finite, or one message naming the row
        _, message = _attempt(lambda c=column: finite_column(frame, c, "t.csv").to_frame())
        assert message == "" or " row " in message
