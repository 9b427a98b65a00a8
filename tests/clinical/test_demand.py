"""Treatment plans become appointments in a copy of the network."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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
    with pytest.raises(InputError, match="'nowhere' is not a site"):
        regimens_to_demand(tiny(), [reg])
    pharmacy = Regimen("p", "pharmacy", "lu177-psma", dt.date(2026, 2, 2), 1, 42)
    with pytest.raises(InputError, match="'pharmacy' is not a hospital"):
        regimens_to_demand(tiny(), [pharmacy])


def _plan(**changes: object) -> pd.DataFrame:
    row: dict[str, object] = {
        "patient": "a",
        "hospital": "hospital-a",
        "product": "lu177-psma",
        "first_date": "2026-02-02",
        "cycles": 4,
        "interval_d": 42,
        "window_d": 7,
    }
    row.update(changes)
    return pd.DataFrame([row])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"interval_d": 7}, "windows of consecutive cycles overlap"),
        ({"activity": "0 GBq"}, "activity > 0"),
        ({"cycles": 100, "interval_d": 10**5, "window_d": 0}, "run past the calendar"),
        ({"cycles": 10**6, "interval_d": 10**4, "window_d": 0}, "from 1 to 100"),
    ],
)
def test_plans_that_cannot_be_scheduled(changes: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_plans(_plan(**changes))


def test_blank_one_sided_window_falls_back_to_window_d() -> None:
    (reg,) = read_plans(_plan(window_before_d=float("nan"), window_after_d=3))
    assert (reg.window_before_d, reg.window_after_d) == (7, 3)


def test_plans_row_rounds_down_and_checks_the_regimen() -> None:
    from radiochain.clinical.demand import plans_row

    regimen = {
        "hospital": "hospital-a",
        "product": "lu177-psma",
        "first_date": "2026-03-02",
        "interval_d": 42,
    }
    row = plans_row("p", 3, 6.789999e9, regimen, "p.yaml")
    assert row["activity"] == "6.78 GBq"  # never above what the limits allow
    with pytest.raises(InputError, match=r"p\.yaml: needs hospital, product"):
        plans_row("p", 3, 7e9, {"hospital": "hospital-a"}, "p.yaml")
    with pytest.raises(InputError, match="unknown: ward"):
        plans_row("p", 3, 7e9, {**regimen, "ward": 3}, "p.yaml")
    with pytest.raises(InputError, match="nothing to schedule"):
        plans_row("p", 0, 0.0, regimen, "p.yaml")


@pytest.mark.parametrize(("header", "guess"), [("activty", "activity"), ("windw_d", "window_d")])
def test_plans_misspelt_column_is_an_error(header: str, guess: str) -> None:
    frame = _plan().assign(**{header: "6.8 GBq" if header == "activty" else 7})
    with pytest.raises(InputError, match=f"did you mean '{guess}'"):
        read_plans(frame)


# ---------------------------------------------------------------- plans tables and the workflow


def test_append_plan_appends_and_never_rewrites(tmp_path: Path) -> None:
    from radiochain.clinical.demand import append_plan

    path = tmp_path / "plans.csv"
    row = {"patient": "q1", "hospital": "h", "product": "x", "first_date": "2026-03-02",
           "cycles": 3, "interval_d": 42, "window_d": None, "activity": "7.40 GBq"}  # fmt: skip
    append_plan(path, row)
    assert path.read_text(encoding="utf-8").splitlines() == [
        "patient,hospital,product,first_date,cycles,interval_d,window_d,activity",
        "q1,h,x,2026-03-02,3,42,,7.40 GBq",
    ]
    before = path.read_bytes()
    with pytest.raises(InputError, match="q1 has a plan already"):
        append_plan(path, row)
    assert path.read_bytes() == before  # nothing written
    append_plan(path, {**row, "patient": "q2"})
    assert path.read_bytes().startswith(before)
    lesions = tmp_path / "lesions.csv"
    lesions.write_text("patient,lesion,site,size_mm\np1,l1,bone,12\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a plans table"):
        append_plan(lesions, row)


def test_plans_to_demand_summary(tmp_path: Path) -> None:
    from radiochain.clinical.demand import plans_to_demand
    from radiochain.network.examples import copy_example
    from radiochain.network.io import read_network

    network = copy_example("tiny", tmp_path / "tiny")
    plans = tmp_path / "plans.csv"
    plans.write_text(
        "patient,hospital,product,first_date,cycles,interval_d,window_d\n"
        "p99,hospital-a,lu177-psma,2026-02-02,4,42,7\n\n"  # a blank line is skipped
        "p98,hospital-b,lu177-psma,2026-02-03,2,42,7\n",
        encoding="utf-8",
    )
    result = plans_to_demand(plans, network, tmp_path / "new")
    # 4 cycles 42 d apart end 126 d after 2026-02-02; both ends counted: 127 d
    assert result.to_dict() == {
        "network": str(tmp_path / "new"),
        "appointments_added": 6,
        "patients": ["p98", "p99"],
        "first_date": "2026-02-02",
        "last_date": "2026-06-08",
        "span_d": 127,
    }
    assert "p98-c2" in read_network(tmp_path / "new").demand.index
    plans.write_text(
        "patient,hospital,product,first_date,cycles,interval_d\n\n"
        "p97,hospital-z,lu177-psma,2026-02-02,2,42\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"plans.csv: plan of patient p97: 'hospital-z'"):
        plans_to_demand(plans, network, tmp_path / "newer")
    plans.write_text(
        "patient,hospital,product,first_date,cycles,interval_d\n\n"
        "p97,hospital-a,lu177-psma,2026-02-30,2,42\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"plans.csv: row 3: field 'first_date'"):  # its line
        plans_to_demand(plans, network, tmp_path / "newer")
    assert not (tmp_path / "newer").exists()
