"""``radiochain simulate``: tables, report, JSON, reserve sizing, N-1, one-line errors."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from radiochain.cli import main as cli
from radiochain.cli import simulate

if not any(c.name == "simulate" for c in cli.app.registered_commands):
    simulate.register(cli.app)  # until main.py registers it

EXAMPLES = Path(str(resources.files("radiochain") / "data" / "examples"))
SCENARIOS = Path(str(resources.files("radiochain") / "data" / "scenarios"))


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_simulate_json_and_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sim"
    args = ["simulate", str(EXAMPLES / "tiny"), "--weeks", "8", "--runs", "20", "--seed", "3",
            "--out", str(out), "--events", "--json"]  # fmt: skip
    code, stdout, err = run(args, capsys)
    assert code == 0, err
    summary = json.loads(stdout)
    assert summary["runs"] == 20
    assert summary["weeks"] == 8
    assert {a["kpi"] for a in summary["answers"]} >= {"missed", "delayed", "activity_wasted_bq"}
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 20
    assert (runs["appointments"] == 8 * 7).all()
    weekly = pd.read_parquet(out / "weekly.parquet")
    assert len(weekly) == 20 * 8
    assert (out / "events.parquet").is_file()
    assert (out / "fan_chart.png").read_bytes()[:4] == b"\x89PNG"
    page = (out / "report.html").read_text()
    assert "data:image/png;base64," in page
    assert "http" not in page.split("<body>")[1]
    # same seed, same table
    code, _, _ = run([*args[:-1], "--no-report"], capsys)
    assert code == 0
    pd.testing.assert_frame_equal(runs, pd.read_parquet(out / "runs.parquet"), check_exact=True)


def test_size_reserve_and_n_minus_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, err = run(
        ["simulate", str(EXAMPLES / "tiny"), "--weeks", "6", "--runs", "4", "--n-minus-1",
         "largest-producer", "--outage-duration", "10 d", "--size-reserve", "--target",
         "P(missed > 1 %) < 5 %", "--out", str(tmp_path), "--no-report", "--json"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    sizing = json.loads(stdout)["reserve_sizing"]
    assert 0.9 <= sizing["reserve_fraction"] <= 1.01  # the only producer: all of it


def test_scenario_file_and_table_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, err = run(
        ["simulate", str(EXAMPLES / "tiny"), "--weeks", "4", "--runs", "5", "--scenario",
         str(SCENARIOS / "heavy-tail-outages.yaml"), "--out", str(tmp_path), "--no-report"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    assert "heavy-tail-outages" in stdout
    assert "missed" in stdout


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (["--target", "missed < 5", "--size-reserve"], "--target"),
        (["--runs", "0"], "--runs"),
        (["--policy", "magic"], "--policy"),
        (["--reserve", "-1"], "--reserve"),
        (["--n-minus-1", "nowhere"], "nowhere"),
        (["--scenario", "no-such.yaml"], "does not exist"),
    ],
)
def test_bad_input_exit_2(
    extra: list[str], match: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["simulate", str(EXAMPLES / "tiny"), "--weeks", "1", "--runs", "1", "--out",
         str(tmp_path), "--no-report", *extra],
        capsys,
    )  # fmt: skip
    assert code == 2
    assert match in err
    assert err.count("\n") == 1


def test_unknown_scenario_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("outages:\n  rate_per_year: 1\n  shape: 3\n")
    code, _, err = run(
        ["simulate", str(EXAMPLES / "tiny"), "--runs", "1", "--scenario", str(bad)], capsys
    )
    assert code == 2
    assert "shape" in err
    assert str(bad) in err
