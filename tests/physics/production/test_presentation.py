"""How production values reach a reader: no e-notation, units in table headers, tables that
fit the terminal without cutting a word."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table
from rich.text import Text

from radiochain.physics.production import produce
from radiochain.physics.production.presentation import (
    event_rows,
    fit_columns,
    format_value,
    plain_number,
    scientific,
)

_DIGITS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def _read_back(text: str) -> float:
    """The number a reader sees in ``plain_number``'s text."""
    if " × 10" in text:
        mantissa, power = text.split(" × 10")
        return float(mantissa) * 10.0 ** int(power.translate(_DIGITS))
    return float(text.replace(",", ""))


@given(st.floats(min_value=1e-300, max_value=1e300) | st.floats(-1e300, -1e-300))
@settings(max_examples=300, deadline=None)
def test_plain_numbers_never_use_e_notation_and_read_back(value: float) -> None:
    text = plain_number(value, 4)
    assert "e" not in text
    assert _read_back(text) == pytest.approx(value, rel=1e-3)


def test_examples_of_readable_numbers() -> None:
    assert scientific(3.36e-10) == "3.36 × 10⁻¹⁰"
    assert plain_number(1e14) == "1 × 10¹⁴"
    assert plain_number(0.82) == "0.82"
    assert plain_number(72.5) == "72.5"
    assert plain_number(3000.0) == "3,000"
    assert format_value("lu176_ratio", 3.36e-12) == "3.36 × 10⁻¹⁰ %"
    assert format_value("lu177m_ratio", 5.72e-5) == "0.00572 %"
    assert format_value("breakthrough_max_ratio", 2.5e4) == "2.5 × 10⁶ %"


def test_event_table_has_units_in_headers_and_numbers_in_cells() -> None:
    table = pd.DataFrame(
        {
            "time_s": [86400.0, 172800.0],
            "activity_milking_bq": [1.5e9, 2.5e9],
            "equilibrium_fraction": [0.47, 0.754],
        },
        index=pd.Index([1, 2], name="milking"),
    )
    headers, rows = event_rows(table)
    assert headers == ["milking", "time [d]", "Ac-225 at milking [GBq]", "milked / Th-229 [%]"]
    assert rows == [["1", "1", "1.5", "47"], ["2", "2", "2.5", "75.4"]]


@pytest.mark.parametrize("width", [50, 60, 80, 100, 200])
@pytest.mark.parametrize("samples", [None, 50])
def test_online_table_fits_without_cutting_a_word(width: int, samples: int | None) -> None:
    result = produce(
        "lu177-online",
        {
            "target_mass": "10 mg",
            "enrichment": "0.82",
            "thermal_flux": "1e14",
            "targets": "3",
            "cooling": "2 d",
        },
        samples=samples,
    )
    headers, rows = result.event_rows() or ([], [])
    columns = fit_columns(headers, rows, width)
    kept = [k for k, _ in columns]
    assert kept[0] == 0
    table = Table()
    for k, fixed in columns:
        table.add_column(Text(headers[k]), width=fixed)
    for row in rows:
        table.add_row(*(Text(row[k]) for k in kept))
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(table)
    text = out.getvalue()
    assert "…" not in text
    assert max(map(len, text.splitlines())) <= width
    for k in kept:  # every word of every shown header and cell is printed whole
        for word in {w for t in (headers[k], *(r[k] for r in rows)) for w in t.split()}:
            assert re.search(rf"(?<![^\s│┃]){re.escape(word)}(?![^\s│┃])", text), word
    if width >= 200:
        assert kept == list(range(len(headers)))
