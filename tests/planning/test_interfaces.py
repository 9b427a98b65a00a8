"""The planner's interfaces: silent library, one HiGHS thread setting per process, the warm
start, argument checks, exit codes, the library workflow under the CLI, bulk packages."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from radiochain.cli.main import main
from radiochain.errors import InfeasibleError, InputError
from radiochain.network import Network
from radiochain.network.examples import load_example, synthetic_network
from radiochain.planning import (
    PlanCheckError,
    PlanOptions,
    PlanWeights,
    build_instance,
    bulk_packages,
    check_plan,
    greedy_choice,
    plan,
    plan_milp,
    run_plan,
)
from tests.planning.test_planner import _base, _one_dose_a_day

ROOT = Path(__file__).parents[2]


def _python(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (HiGHS's state is per process)."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT
    )


def test_the_library_prints_nothing_on_stdout() -> None:
    """HiGHS's banner is written by C code to descriptor 1: only a separate process sees it."""
    done = _python(
        "from radiochain.network.examples import load_example\n"
        "from radiochain.planning import plan\n"
        "r = plan(load_example('tiny'))\n"
        "import sys; print(r.status.value, file=sys.stderr)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr.strip().endswith("optimal")
    assert "Running HiGHS" not in done.stderr  # not moved to stderr either: silenced


def test_planner_then_stress_test_template_in_one_fresh_process() -> None:
    """A default solve followed by the stress test's solve used to end in 'Not Set' (HiGHS's
    global scheduler kept the first thread count); both plan now, and threads can change."""
    done = _python(
        "from radiochain.network.examples import load_example\n"
        "from radiochain.planning import plan, set_solver_threads\n"
        "from radiochain.simulation import plan_template\n"
        "n = load_example('tiny')\n"
        "a = plan(n)\n"
        "template, b = plan_template(n)\n"
        "set_solver_threads(2)\n"
        "c = plan(n)\n"
        "set_solver_threads(1)\n"
        "d = plan(n)\n"
        "print(a.status.value, b.status.value, c.status.value, d.status.value)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["optimal"] * 4


def test_verbose_shows_solver_logs_on_stderr_only(tmp_path: Path) -> None:
    assert main(["example", "tiny", str(tmp_path / "net")]) == 0
    base = [sys.executable, "-m", "radiochain"]
    args = ["plan", "net", "--out", "out", "--no-report", "--json"]
    quiet = subprocess.run(
        [*base, *args], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    loud = subprocess.run(
        [*base, "--verbose", *args], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert quiet.returncode == 0, quiet.stderr
    assert loud.returncode == 0, loud.stderr
    assert json.loads(quiet.stdout)["status"] == "optimal"
    assert json.loads(loud.stdout)["status"] == "optimal"
    assert "radiochain.solver" not in quiet.stderr
    assert "radiochain.solver" in loud.stderr
    assert "Running HiGHS" not in quiet.stdout + loud.stdout


def test_a_short_time_limit_returns_the_warm_started_plan_with_its_gap() -> None:
    """On 300 synthetic hospitals a fraction of a second proves nothing: the plan is at least
    the greedy plan HiGHS started from, valid, and its gap is reported once HiGHS has a bound
    (without the start, HiGHS stopped this early leaves every patient unserved)."""
    network = synthetic_network(300)
    greedy = plan(network, method="greedy")
    for limit in (0.05, 0.5):
        result = plan(network, time_limit_s=limit)
        assert check_plan(network, result).ok
        report = result.report
        assert report is not None
        assert report.start_objective is not None
        if result.method == "greedy":  # HiGHS stopped before taking the start: said so
            assert any("greedy plan" in note for note in result.notes)
            continue
        assert result.objective is not None
        assert result.objective <= report.start_objective * (1 + 1e-9)
        assert result.kpis["unserved"] <= greedy.kpis["unserved"]
        if report.dual_bound is not None:
            assert report.mip_gap is not None
            assert 0 <= report.mip_gap <= 1


def test_without_a_solver_plan_the_greedy_plan_is_returned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If HiGHS ends without a plan although greedy has one, the greedy plan is returned with
    a note (here HiGHS is given no start and no time to find one of its own)."""
    import radiochain.planning.milp as milp

    network = synthetic_network(300)
    instance = build_instance(network)
    start = greedy_choice(instance)
    monkeypatch.setattr(milp, "_feasible", lambda m, x, tolerance=1e-6: False)
    with pytest.raises(InfeasibleError, match="found no plan"):
        plan_milp(instance, time_limit_s=1e-6)
    result = plan_milp(instance, time_limit_s=1e-6, start=start)
    assert result.method == "greedy"
    assert any("this is the greedy plan" in note for note in result.notes)
    assert check_plan(network, result).ok


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda n: plan(n, method="simplex"), "simplex"),  # type: ignore[arg-type]
        (lambda n: plan(n, time_limit_s=0), "time limit"),
        (lambda n: plan(n, time_limit_s=math.inf), "time limit"),
        (lambda n: plan(n, time_limit_s=math.nan), "time limit"),
        (lambda n: plan(n, mip_gap=1.0), "gap"),
        (lambda n: plan(n, mip_gap=-0.1), "gap"),
        (lambda n: plan(n, mip_gap=math.nan), "gap"),
        (lambda n: plan(n, save_model="model.txt"), ".mps"),
        (lambda n: plan(n, save_model="/proc/x.lp"), "/proc/x.lp"),
        (lambda n: plan(n, options="7 days"), "PlanOptions"),  # type: ignore[arg-type]
        (lambda n: run_plan(n, out="/proc/radiochain-plan"), "/proc/radiochain-plan"),
        (lambda n: run_plan(n, dataset="nope"), "nope"),
    ],
)
def test_the_library_checks_its_arguments(call: object, words: str) -> None:
    from radiochain.errors import RadiochainError

    with pytest.raises(RadiochainError, match=words.replace(".", r"\.")):
        call(load_example("tiny"))  # type: ignore[operator]


@pytest.mark.parametrize(
    "weights",
    [
        {"unserved": math.inf},
        {"moved": math.nan},
        {"cost": -1.0},
        {"waste_per_gbq": "1e2"},
    ],
)
def test_weights_are_finite_and_not_negative(weights: dict[str, object]) -> None:
    with pytest.raises(InputError, match=next(iter(weights))):
        PlanWeights(**weights)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "options",
    [
        {"days": 0},
        {"days": 367},
        {"days": 7.5},
        {"start": date(1999, 12, 31)},
        {"start": date(2101, 1, 1)},
        {"start": "2026-W02"},
        {"start": "20260105"},
        {"start": "2026-1-5"},
        {"start": 20260105},
        {"start": datetime(2026, 1, 5, 9)},
        {"early_arrival_h": math.nan},
        {"batch_choices": 0},
    ],
)
def test_plan_options_are_checked(options: dict[str, object]) -> None:
    with pytest.raises(InputError):
        PlanOptions(**options)  # type: ignore[arg-type]


def test_plan_options_read_the_start_as_every_command_does() -> None:
    """YYYY-MM-DD text is the date (radiochain.units.parse_date); other ISO 8601 forms are
    refused, naming the form to write."""
    assert PlanOptions(start="2026-01-05").start == date(2026, 1, 5)
    assert PlanOptions(start=" 2026-01-05 ").start == date(2026, 1, 5)
    with pytest.raises(InputError, match=r"'2026-W02' is not a date .*YYYY-MM-DD"):
        PlanOptions(start="2026-W02")


def test_save_model_to_an_unwritable_place_writes_nothing_and_says_where(tmp_path: Path) -> None:
    assert main(["example", "tiny", str(tmp_path / "net")]) == 0
    code = main(["plan", str(tmp_path / "net"), "--save-model", "/proc/x.lp", "--out",
                 str(tmp_path / "out")])  # fmt: skip
    assert code == 2
    assert not (tmp_path / "out" / "summary.json").exists()


def test_a_network_with_errors_exits_2_naming_the_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "net"
    assert main(["example", "tiny", str(folder)]) == 0
    text = (folder / "lanes.csv").read_text(encoding="utf-8")
    (folder / "lanes.csv").write_text(text.replace(",road,", ",boat,", 1), encoding="utf-8")
    capsys.readouterr()
    assert main(["plan", str(folder), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "lanes.csv:2" in err
    assert "mode" in err
    assert "1 error(s)" in err


def _tampered(network: Network) -> object:
    """A plan whose shipments.csv claims fewer packages than its doses need."""
    result = plan(network)
    doses = result.shipments["kind"] == "doses"
    result.shipments.loc[doses, "packages"] = 0
    return result


def test_a_plan_failing_its_check_is_written_and_never_a_success(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import radiochain.planning.workflow as workflow

    network = load_example("tiny")
    monkeypatch.setattr(workflow, "plan", lambda n, **kw: _tampered(n))
    result = run_plan(network, out=tmp_path / "lib", report=False)
    assert result.check is not None
    assert not result.check.ok
    summary = json.loads((tmp_path / "lib" / "summary.json").read_text(encoding="utf-8"))
    assert summary["plan_check"]["ok"] is False
    assert "Type A package" in summary["plan_check"]["violations"][0]
    with pytest.raises(PlanCheckError, match="plan check FAILED") as caught:
        result.raise_for_check()
    assert caught.value.exit_code == 1
    # the command line: the plan and summary.json are written, one line says why, exit 1
    assert main(["example", "tiny", str(tmp_path / "net")]) == 0
    capsys.readouterr()
    code = main(["plan", str(tmp_path / "net"), "--out", str(tmp_path / "cli"), "--json"])
    captured = capsys.readouterr()
    assert code == 1
    assert json.loads(captured.out)["plan_check"]["ok"] is False
    errors = [line for line in captured.err.splitlines() if line.startswith("radiochain: error:")]
    assert len(errors) == 1
    assert "plan check FAILED:" in errors[0]
    assert (tmp_path / "cli" / "shipments.csv").is_file()


def test_run_plan_is_the_cli_workflow(tmp_path: Path) -> None:
    network = load_example("tiny")
    result = run_plan(network, out=tmp_path / "p", report=False, dataset="radiochain")
    assert result.ok
    assert set(result.files) == {"doses", "batches", "shipments", "inputs", "summary"}
    assert all(Path(p).is_file() for p in result.files.values())
    summary = json.loads(Path(result.files["summary"]).read_text(encoding="utf-8"))
    assert summary["files"] == result.files
    assert summary["dataset"] == "radiochain"
    assert summary["out"] == str(tmp_path / "p")
    assert result.baseline is not None


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--time-limit", "600"], 2, "'600 s'"),
        (["--time-limit", "8 d"], 2, "--time-limit"),
        (["--time-limit", "10 min", "--gap", "0.5 %"], 0, ""),
        (["--gap", "100 %"], 2, "--gap"),
        (["--start", "2026-02-30"], 2, "2026-02-30"),
        (["--weights", "moved=1e5,moved=1"], 2, "twice"),
        (["--weights", "moved"], 2, "moved"),
        (["--dataset", "nope"], 2, "nope"),
    ],
)
def test_cli_options(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    words: str,
) -> None:
    assert main(["example", "tiny", str(tmp_path / "net")]) == 0
    capsys.readouterr()
    out = tmp_path / "out"
    assert main(["plan", str(tmp_path / "net"), "--out", str(out), "--no-report", *args]) == code
    err = capsys.readouterr().err
    assert words in err
    if code == 0:
        assert (out / "summary.json").is_file()
        assert not (out / "report.html").exists()


# bulk shipments ---------------------------------------------------------------------------


def test_a_lu177_delivery_of_2_13_tbq_needs_four_type_a_packages() -> None:
    """A2 of Lu-177 is 0.7 TBq (49 CFR 173.435 = IAEA SSR-6 Table 2): three Type A packages
    hold 2.1 TBq, so the Qinshan delivery of 2.13 TBq (3.04 A2) takes four."""
    assert bulk_packages(2.13e12, 0.7e12) == 4
    assert bulk_packages(2.1e12, 0.7e12) == 3
    assert bulk_packages(1.0, 0.7e12) == 1


def _bulk_network(package: str = "type-a") -> Network:
    """Five doses of 400 GBq on one day: the bulk Lu-177 for them is above 2 A2."""
    n = _base(batch_max="3000 GBq")
    n.producers.loc["lu", "capacity_per_delivery_bq"] = 5e12
    n.products.loc["psma", "dose_activity_bq"] = 400e9
    n.lanes.loc["r-p", "bulk_package"] = package
    _one_dose_a_day(n, ["2026-01-06"] * 5)
    return n


def test_bulk_shipments_are_packed_by_a2_and_checked() -> None:
    n = _bulk_network()
    result = plan(n, options=PlanOptions(days=5, lead_in_days=0))
    assert check_plan(n, result).ok
    bulk = result.shipments[result.shipments["kind"] == "bulk"]
    assert len(bulk) >= 1
    assert (bulk["from_site"] == "reactor").all()
    assert (bulk["to_site"] == "pharmacy").all()
    for row in bulk.to_dict("records"):
        a2 = 0.7e12  # Lu-177, 49 CFR 173.435
        assert row["packages"] == math.ceil(row["activity_at_departure_bq"] / a2)
        assert row["package_type"] == "type-a"
    assert bulk["activity_at_departure_bq"].max() > 2 * 0.7e12
    drawn = result.inputs.groupby("shipment")["activity_bq"].sum()
    assert np.allclose(drawn.reindex(bulk["shipment"]).to_numpy(), bulk["activity_at_departure_bq"])
    # the checker catches a bulk shipment packed as if one package were enough
    first = bulk.index[0]
    result.shipments.loc[first, "packages"] = 1
    violations = check_plan(n, result).violations
    assert any("Type A package(s), shipments.csv says 1" in v for v in violations)


def test_a_type_b_lane_ships_bulk_in_one_type_b_package() -> None:
    n = _bulk_network("type-b")
    result = plan(n, options=PlanOptions(days=5, lead_in_days=0))
    assert check_plan(n, result).ok
    bulk = result.shipments[result.shipments["kind"] == "bulk"]
    assert (bulk["package_type"] == "type-b").all()
    assert (bulk["packages"] == 1).all()
    assert result.kpis["bulk_type_b_shipments"] == len(bulk)
    result.shipments.loc[bulk.index[0], "package_type"] = "type-a"
    assert any("require type-b" in v for v in check_plan(n, result).violations)


def test_a_package_limit_on_the_producer_lane_bounds_what_is_shipped() -> None:
    """One Type A package per departure from the reactor: at most 0.7 TBq travels, so fewer
    of the five 400 GBq doses (about 2.1 TBq drawn without the limit) can be made."""
    n = _bulk_network()
    n.lanes.loc["r-p", "max_packages"] = 1
    for method in ("milp", "greedy"):
        result = plan(n, method=method, options=PlanOptions(days=5, lead_in_days=0))  # type: ignore[arg-type]
        assert check_plan(n, result).ok, method
        bulk = result.shipments[result.shipments["kind"] == "bulk"]
        assert (bulk["activity_at_departure_bq"] <= 0.7e12 * (1 + 1e-6)).all(), method
        assert (bulk["packages"] == 1).all()
        assert result.kpis["unserved"] > 0


def test_network_reference_documents_the_bulk_package_column() -> None:
    text = (ROOT / "docs" / "network-reference.md").read_text(encoding="utf-8")
    assert "`bulk_package` | enum:type-a \\| type-b" in text
    lanes = pd.read_csv(ROOT / "src/radiochain/data/schema/lanes.csv")
    row = lanes.set_index("attribute").loc["bulk_package"]
    assert row["default"] == "type-a"
