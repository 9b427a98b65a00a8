"""The planner: known optima that the greedy rule misses, the independent checker on every
plan, and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from radiochain.cli.main import main
from radiochain.network import Network
from radiochain.network.examples import load_example, synthetic_network
from radiochain.planning import PlanOptions, PlanResult, build_instance, check_plan, plan
from radiochain.planning.greedy import plan_greedy
from radiochain.planning.milp import plan_milp


def _base(batch_max: str = "8.3 GBq", working_days: str = "Mon-Fri") -> Network:
    """One reactor, one radiopharmacy (one batch a day, batches of ~one dose), one hospital."""
    n = Network(name="known-optimum", timezone="Asia/Shanghai")
    n.extra_meta = {"start_date": "2026-01-05"}
    n.add(
        "sites",
        "reactor",
        kind="reactor",
        latitude_deg=30.4,
        longitude_deg=120.9,
        working_days="daily",
    )
    n.add("sites", "pharmacy", kind="radiopharmacy", latitude_deg=30.3, longitude_deg=120.2)
    n.add("sites", "hospital", kind="hospital", latitude_deg=30.2, longitude_deg=120.2)
    n.add(
        "producers",
        "lu",
        site="reactor",
        nuclide="Lu-177",
        output_days="daily",
        output_time="04:00",
        capacity_per_delivery_bq="100 GBq",
    )
    n.add("products", "psma", nuclide="Lu-177", dose_activity_bq="7.4 GBq", shelf_life_h=120)
    n.add(
        "processes",
        "label",
        site="pharmacy",
        product="psma",
        producer="lu",
        synthesis_time_h=1,
        qc_hold_h=1,
        batch_max_bq=batch_max,
        daily_slots=1,
        slot_times="07:00",
        working_days=working_days,
    )
    n.add(
        "lanes",
        "r-p",
        from_site="reactor",
        to_site="pharmacy",
        transit_time_h=1,
        departure_times="05:00",
    )
    n.add(
        "lanes",
        "p-h",
        from_site="pharmacy",
        to_site="hospital",
        transit_time_h=1,
        departure_days="Mon-Fri",
        departure_times="10:00",
    )
    return n


def _checked(network: Network, result: PlanResult) -> PlanResult:
    check = check_plan(network, result)
    assert check.ok, check.violations
    return result


def test_milp_moves_a_flexible_patient_where_greedy_leaves_one_untreated() -> None:
    """X (09:00, may move to Thursday) and Y (11:00, Wednesday only) both want Wednesday's only
    batch (the radiopharmacy labels on Wednesday and Thursday only). First come, first served
    gives it to X and leaves Y untreated; the optimum treats both, moving X to Thursday."""
    n = _base(working_days="Wed,Thu")
    n.add(
        "demand",
        "X",
        hospital="hospital",
        product="psma",
        date="2026-01-07",
        window_start="09:00",
        earliest_date="2026-01-07",
        latest_date="2026-01-08",
    )
    n.add(
        "demand", "Y", hospital="hospital", product="psma", date="2026-01-07", window_start="11:00"
    )
    options = PlanOptions(days=5, lead_in_days=0)
    milp = _checked(n, plan(n, options=options))
    greedy = _checked(n, plan(n, method="greedy", options=options))
    assert greedy.kpis["unserved"] == 1
    assert milp.kpis["unserved"] == 0
    assert milp.kpis["moved"] == 1
    status = dict(zip(milp.doses["appointment"], milp.doses["status"], strict=True))
    assert status == {"X": "moved", "Y": "served"}
    assert milp.status.value == "optimal"


def test_milp_uses_the_fresher_batch_and_wastes_less() -> None:
    """A Friday dose can come from Thursday's or Friday's batch; the one made the same day
    needs less Lu-177 (one day less of decay), which the MILP chooses; the earliest-batch rule
    does not."""
    n = _base(batch_max="20 GBq")
    n.add(
        "demand",
        "early",
        hospital="hospital",
        product="psma",
        date="2026-01-08",
        window_start="11:00",
    )
    n.add(
        "demand",
        "late",
        hospital="hospital",
        product="psma",
        date="2026-01-09",
        window_start="11:00",
    )
    options = PlanOptions(days=5, lead_in_days=0)
    milp = _checked(n, plan(n, options=options))
    greedy = _checked(n, plan(n, method="greedy", options=options))
    batch_of = dict(zip(milp.doses["appointment"], milp.doses["batch"], strict=True))
    assert batch_of["late"].endswith("2026-01-09T07:00")
    assert milp.kpis["activity_ordered_bq"] < greedy.kpis["activity_ordered_bq"]
    # Lu-177 decays by 2^(-24 h / T1/2) in a day: the saving is one day of decay of one dose
    assert milp.kpis["unserved"] == greedy.kpis["unserved"] == 0


def test_every_plan_passes_the_independent_checker() -> None:
    for network in (
        load_example("tiny"),
        load_example("china-2025"),
        synthetic_network(150, seed=5),
    ):
        instance = build_instance(network)
        for result in (plan_milp(instance, time_limit_s=60), plan_greedy(instance)):
            check = check_plan(network, result)
            assert check.ok, (network.name, result.method, check.violations[:3])
            assert check.doses_checked == result.kpis["treated_on_day"] + result.kpis["moved"]


def test_checker_catches_broken_plans() -> None:
    network = load_example("tiny")
    result = plan(network, with_baseline=False)
    doses = result.doses.copy()
    doses.loc[0, "activity_at_administration_bq"] *= 1.2  # outside the +-10 % tolerance
    doses.loc[1, "administration_time"] = "2026-01-06T11:00+08:00"  # before the shipment arrives
    broken = PlanResult(**{**result.__dict__, "doses": doses})
    violations = "\n".join(check_plan(network, broken).violations)
    assert "prescribed" in violations
    assert "before the dose arrives" in violations
    batches = result.batches.copy()
    batches.loc[0, "calibration_activity_bq"] = 1e9
    broken = PlanResult(**{**result.__dict__, "batches": batches})
    assert any("doses draw" in v for v in check_plan(network, broken).violations)


def test_milp_never_treats_fewer_than_the_baseline() -> None:
    for seed in (1, 2, 3):
        network = synthetic_network(80, seed=seed, doses_per_week=6.0)
        result = plan(network)
        base = result.baseline
        assert base is not None
        assert result.kpis["unserved"] <= base["unserved"]


def test_cli_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "tiny"
    assert main(["example", "tiny", str(folder)]) == 0
    capsys.readouterr()
    out = tmp_path / "plan"
    assert (
        main(
            [
                "plan",
                str(folder),
                "--out",
                str(out),
                "--json",
                "--save-model",
                str(tmp_path / "m.lp"),
            ]
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["status"] == "optimal"
    assert summary["kpis"]["unserved"] == 0
    assert summary["plan_check"]["ok"]
    assert summary["solver"]["mip_gap"] is not None
    assert summary["dataset"] == "radiochain"
    assert summary["dataset_version"]
    assert summary["out"] == str(out)
    assert Path(summary["files"]["shipments"]).name == "shipments.csv"
    for name in (
        "doses.csv",
        "batches.csv",
        "shipments.csv",
        "summary.json",
        "report.html",
        "timeline.png",
    ):
        assert (out / name).is_file(), name
    doses = pd.read_csv(out / "doses.csv")
    assert list(doses.columns)[:10] == [
        "appointment",
        "hospital",
        "product",
        "status",
        "batch",
        "shipment",
        "administration_time",
        "activity_at_administration_bq",
        "prescribed_activity_bq",
        "planned_date",
    ]
    assert doses["administration_time"].str.endswith("+08:00").all()
    assert "Dose_assignment_0" in (tmp_path / "m.lp").read_text()
    assert main(["plan", str(folder), "--method", "simplex"]) == 2
    assert "--method 'simplex'" in capsys.readouterr().err
    assert main(["plan", str(folder), "--start", "2030-01-01", "--out", str(out)]) == 2
    assert "no appointment between" in capsys.readouterr().err


def test_cli_plan_infeasible_network_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "tiny"
    assert main(["example", "tiny", str(folder)]) == 0
    lanes = pd.read_csv(folder / "lanes.csv", dtype=str, keep_default_na=False)
    lanes.loc[lanes["lane"] == "pharmacy-b", "transit_time_h"] = "200"  # beyond the shelf life
    lanes.to_csv(folder / "lanes.csv", index=False)
    capsys.readouterr()
    assert main(["plan", str(folder), "--out", str(tmp_path / "p")]) == 1
    err = capsys.readouterr().err
    assert "cannot be planned" in err
    assert "the fastest route to 'hospital-b' takes 8.333 d, longer than the shelf life" in err


def _one_dose_a_day(n: Network, dates: list[str], window_start: str = "11:00") -> None:
    for i, day in enumerate(dates):
        n.add("demand", f"A{i}", hospital="hospital", product="psma", date=day,
              window_start=window_start)  # fmt: skip


def test_weekly_producer_cap_binds_both_planners_and_the_checker() -> None:
    n = _base(batch_max="100 GBq")
    n.producers.loc["lu", "capacity_per_week_bq"] = 10e9  # one dose's worth a week
    _one_dose_a_day(n, ["2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08"])
    options = PlanOptions(days=5, lead_in_days=0)
    for method in ("milp", "greedy"):
        result = _checked(n, plan(n, method=method, options=options))  # type: ignore[arg-type]
        assert result.kpis["unserved"] == 3, method
        assert result.inputs["activity_bq"].sum() <= 10e9 * (1 + 1e-9)
    result = plan(n, options=options, with_baseline=False)
    inputs = result.inputs.copy()
    inputs["activity_bq"] *= 2  # pretend twice as much was drawn
    tampered = PlanResult(**{**result.__dict__, "inputs": inputs})
    assert any("weekly capacity" in v for v in check_plan(n, tampered).violations)


def test_daylight_saving_change_keeps_real_hours() -> None:
    """Berlin switches to summer time in the night of 2026-03-29: a 6 h lane leaving at
    22:00 (+01:00) arrives at 05:00 (+02:00), and decay is computed over 6 real hours."""
    from datetime import date

    n = _base(batch_max="100 GBq", working_days="daily")
    n.timezone = "Europe/Berlin"
    n.lanes.loc["p-h", ["departure_days", "departure_times", "transit_time_h"]] = [
        "daily",
        "22:00",
        6.0,
    ]
    n.add("demand", "A", hospital="hospital", product="psma", date="2026-03-29",
          window_start="00:00", window_end="23:59")  # fmt: skip
    result = _checked(n, plan(n, options=PlanOptions(start=date(2026, 3, 23), days=7)))
    ship = result.shipments.iloc[0]
    assert ship["departure_time"] == "2026-03-28T22:00+01:00"
    assert ship["arrival_time"] == "2026-03-29T05:00+02:00"


def test_weekly_treatment_slots_count_calendar_weeks() -> None:
    """Two slots a week at the hospital; four appointments Monday to Thursday of one calendar
    week, with a horizon that starts the Wednesday before: only two can be treated."""
    from datetime import date

    n = _base(batch_max="100 GBq", working_days="daily")
    n.sites.loc["hospital", "weekly_treatment_slots"] = 2
    _one_dose_a_day(n, ["2026-01-12", "2026-01-13", "2026-01-14", "2026-01-15"])
    result = _checked(n, plan(n, options=PlanOptions(start=date(2026, 1, 7), days=14)))
    assert result.kpis["unserved"] == 2


def test_type_a_packages_never_split_a_dose() -> None:
    """Three doses of 0.6 A2 each on a lane that takes two packages: at most two of them can
    travel together (one package each), whatever their total."""
    n = _base(batch_max="3000 GBq")
    n.producers.loc["lu", "capacity_per_delivery_bq"] = 5e12
    n.products.loc["psma", "dose_activity_bq"] = 420e9  # 0.6 A2 of Lu-177 (A2 = 0.7 TBq)
    n.lanes.loc["p-h", "max_packages"] = 2
    _one_dose_a_day(n, ["2026-01-06"] * 3)
    result = _checked(n, plan(n, options=PlanOptions(days=5, lead_in_days=0)))
    doses = result.shipments[result.shipments["kind"] == "doses"]
    assert (doses["packages"] >= doses["doses"]).all()
    assert (doses["packages"] <= 2).all()


def test_two_leg_route_through_a_hub() -> None:
    """No direct lane from the radiopharmacy to the hospital: the dose goes pharmacy -> hub
    -> hospital, and the checker follows both legs."""
    n = _base(batch_max="100 GBq")
    n.set_table("lanes", n.lanes.drop(index="p-h"))
    n.add("sites", "hub", kind="airport", latitude_deg=30.0, longitude_deg=120.0)
    n.add("lanes", "p-hub", from_site="pharmacy", to_site="hub", transit_time_h=1,
          departure_times="10:00")  # fmt: skip
    n.add("lanes", "hub-h", from_site="hub", to_site="hospital", transit_time_h=1,
          departure_times="12:00")  # fmt: skip
    _one_dose_a_day(n, ["2026-01-06"], window_start="13:00")
    result = _checked(n, plan(n, options=PlanOptions(days=5, lead_in_days=0)))
    assert result.kpis["unserved"] == 0
    ship = result.shipments.iloc[0]
    assert ship["lane"] == "p-hub+hub-h"
    assert ship["via"] == "hub"
    assert ship["transfer_departure_time"] == "2026-01-06T12:00+08:00"
