"""Treatment plans become appointments in a copy of the network."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from radiochain.clinical.demand import Regimen, read_plans, regimens_to_demand
from radiochain.errors import InputError
from radiochain.network.examples import load_example


def tiny():  # type: ignore[no-untyped-def]
    return load_example("tiny")


def test_regimen_to_appointments_with_windows() -> None:
    network = tiny()
    before = len(network.demand)
    reg = Regimen(
        "p99",
        "hospital-a",
        "lu177-psma",
        dt.date(2026, 2, 2),
        cycles=4,
        interval_d=42,
        window_before_d=7,
        window_after_d=7,
        activity_bq=6.8e9,
    )
    new = regimens_to_demand(network, [reg])
    assert len(network.demand) == before  # not mutated
    added = new.demand.loc[[f"p99-c{k}" for k in range(1, 5)]]
    assert str(added["date"].iloc[1])[:10] == "2026-03-16"
    assert str(added["earliest_date"].iloc[1])[:10] == "2026-03-09"
    assert str(added["latest_date"].iloc[1])[:10] == "2026-03-23"
    assert added["prescribed_activity_bq"].tolist() == [6.8e9] * 4
    assert added["cycle"].tolist() == [1, 2, 3, 4]
    assert new.validate().ok


def test_read_plans_errors_name_row_and_field() -> None:
    frame = pd.DataFrame(
        {
            "patient": ["a"],
            "hospital": ["hospital-a"],
            "product": ["x"],
            "first_date": ["2026-13-01"],
            "cycles": [4],
            "interval_d": [42],
        }
    )
    with pytest.raises(InputError, match="row 2: field 'first_date'"):
        read_plans(frame)
    with pytest.raises(InputError, match="interval_d"):
        read_plans(frame.drop(columns=["interval_d"]))


def test_unknown_hospital() -> None:
    reg = Regimen("p", "nowhere", "lu177-psma", dt.date(2026, 2, 2), 1, 42)
    with pytest.raises(InputError, match="hospital 'nowhere'"):
        regimens_to_demand(tiny(), [reg])
