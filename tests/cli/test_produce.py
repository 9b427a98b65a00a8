"""``radiochain produce``: output keys with units, samples, plots and one-line errors.

Until ``register(app)`` is called in cli/main.py, the command is registered here on the app.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from radiochain.cli.main import app, main
from radiochain.cli.produce import register

if not any(getattr(c, "name", None) == "produce" for c in app.registered_commands):
    register(app)

LU = ["--target-mass", "10 mg", "--enrichment", "0.82", "--thermal-flux", "1e14"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["produce", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_names_every_route(capsys: pytest.CaptureFixture[str]) -> None:
    from radiochain.physics.production.routes import ROUTES

    code, out, _ = run(capsys, "--list", "--json")
    assert code == 0
    listed = {r["route"]: r["summary"] for r in json.loads(out)["routes"]}
    assert set(listed) == set(ROUTES)
    assert all(listed.values())


def test_lu177_direct_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lu177-direct", *LU, "--irradiation", "7 d", "--cooling", "1 d",
                       "--json", "--samples", "200")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    for key in ("activity_eob_bq", "specific_activity_eob_bq_per_g", "lu177m_ratio_eob",
                "activity_bq", "specific_activity_bq_per_g", "lu177m_ratio"):  # fmt: skip
        assert data[key] > 0
        assert data["intervals"][key]["p05"] <= data["intervals"][key]["p95"]
    assert data["dataset"] == "radiochain"
    assert data["dataset_version"]
    assert any("Mughabghab" in v for v in data["sources"].values())
    assert data["impurity_ratios"]["Lu-177m"] == pytest.approx(data["lu177m_ratio"])


def test_online_table_and_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    plot = tmp_path / "stream.png"
    code, out, _ = run(capsys, "lu177-online", *LU, "--targets", "6", "--weeks-in-core", "2",
                       "--outage", "20 d/30 d", "--start", "2026-01-05", "--json",
                       "--plot", str(plot))  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert len(data["table"]) == 6
    assert data["table"][0]["withdrawal"].startswith("2026-01-19")
    assert plot.stat().st_size > 1000


def test_other_routes_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cases = [
        ["ac225-th229-cow", "--th229", "100 mCi", "--interval", "14 d", "--milkings", "3"],
        ["ac225-spallation", "--beam-current", "72.5", "--irradiation", "36.5 h"],
        ["ac225-ra226-p2n", "--ra226", "37 MBq", "--beam-current", "20"],
        ["tc99m-generator", "--parent-activity", "10 GBq", "--elutions", "3"],
        ["bi213-generator", "--parent-activity", "1 GBq", "--interval", "3 h"],
    ]
    for case in cases:
        code, out, err = run(capsys, *case, "--json")
        assert code == 0, err
        assert json.loads(out)["route"] == case[0]
    html = tmp_path / "cow.html"
    code, _, _ = run(capsys, *cases[0], "--plot", str(html))
    assert code == 0
    assert "<img" in html.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lu177-direct", "--target-mass", "10 mg", "--enrichment", "1.2",
          "--thermal-flux", "1e14"], "enrichment"),
        (["lu177-direct", "--target-mass", "-1 mg", "--enrichment", "0.8",
          "--thermal-flux", "1e14"], "out of range"),
        (["lu177-direct", *LU[:4], "--thermal-flux", "-1e14"], "flux"),
        (["lu177-direct", *LU, "--product", "Ac-225"], "cannot make Ac-225"),
        (["lu177-online", *LU, "--outage", "10 d/20 d", "--outage", "15 d/25 d"], "overlap"),
        (["lu177-direct", *LU, "--beam-current", "3"], "does not take --beam-current"),
        (["nope"], "unknown production route"),
        ([], "give a route"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("route", "option"),
    [("tc99m-generator", "--parent-activity"), ("ac225-th229-cow", "--th229")],
)
def test_missing_required_option_is_named(
    capsys: pytest.CaptureFixture[str], route: str, option: str
) -> None:
    code, out, err = run(capsys, route)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert f"needs {option}" in err
