"""``radiochain produce``: options from the library's specs, one JSON document, tables with
units, one-line errors (exit 2)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer

from radiochain.cli.main import app, main
from radiochain.physics.production.routes import ROUTES, parameter_specs

LU = ["--target-mass", "10 mg", "--enrichment", "0.82", "--thermal-flux", "1e14"]
OTHERS = {
    "lu177-indirect": ["--target-mass", "1 g", "--enrichment", "0.97", "--thermal-flux", "1e14"],
    "lu177-online": [*LU, "--targets", "3"],
    "ac225-th229-cow": ["--th229", "100 mCi", "--interval", "14 d", "--milkings", "3"],
    "ac225-spallation": ["--beam-current", "72.5", "--irradiation", "36.5 h"],
    "ac225-ra226-p2n": ["--ra226", "37 MBq", "--beam-current", "20"],
    "ga68-generator": ["--parent-activity", "1.85 GBq", "--interval", "6 h"],
    "tc99m-generator": ["--parent-activity", "10 GBq", "--elutions", "3"],
    "re188-generator": ["--parent-activity", "10 GBq", "--interval", "2 d"],
    "bi213-generator": ["--parent-activity", "1 GBq", "--interval", "3 h"],
    "lu177-direct": LU,
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["produce", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_options_are_the_route_parameters() -> None:
    """Every route parameter is an option (named by its spec) and every option a parameter."""
    command = typer.main.get_command(app).commands["produce"]  # type: ignore[attr-defined]
    options = {o for p in command.params for o in p.opts if o.startswith("--")}
    flags = {spec.flag for spec, _ in parameter_specs().values()}
    workflow = {"--list", "--samples", "--seed", "--dataset", "--plot", "--json", "--help"}
    assert options - workflow == flags


def test_list_names_every_route(capsys: pytest.CaptureFixture[str]) -> None:
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
    for key in ("activity_eob_bq", "specific_activity_eob_bq_per_g", "lu177m_eob_ratio",
                "activity_bq", "specific_activity_bq_per_g", "lu177m_ratio"):  # fmt: skip
        assert data[key] > 0
        assert data["intervals"][key]["p05"] <= data["intervals"][key]["p95"]
    assert data["parameters"]["target_mass_g"] == 0.01
    assert data["parameters"]["cooling_s"] == 86400.0
    assert data["dataset"] == "radiochain"
    assert data["dataset_version"]
    assert any("Mughabghab" in v for v in data["sources"].values())
    assert data["impurity_ratios"]["Lu-177m"] == pytest.approx(data["lu177m_ratio"])


def test_every_route_takes_cooling_and_dataset(capsys: pytest.CaptureFixture[str]) -> None:
    assert set(OTHERS) == set(ROUTES)
    for route, args in OTHERS.items():
        code, out, err = run(capsys, route, *args, "--cooling", "6 h", "--dataset", "radiochain",
                             "--json")  # fmt: skip
        assert code == 0, err
        data = json.loads(out)
        assert data["route"] == route
        assert data["parameters"]["cooling_s"] == 6 * 3600.0


def test_online_table_and_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    plot = tmp_path / "stream.png"
    code, out, _ = run(capsys, "lu177-online", *LU, "--targets", "6", "--weeks-in-core", "2",
                       "--outage", "20 d/30 d", "--start", "2026-01-05", "--json",
                       "--plot", str(plot))  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert len(data["table"]) == 6
    assert data["table"][0]["withdrawal"] == "2026-01-19"
    assert data["parameters"]["outages_s"] == [[20 * 86400.0, 30 * 86400.0]]
    assert plot.stat().st_size > 1000
    html = tmp_path / "cow.html"
    code, _, _ = run(capsys, "ac225-th229-cow", *OTHERS["ac225-th229-cow"], "--plot", str(html))
    assert code == 0
    assert "<img" in html.read_text()


def test_terminal_output_has_units_and_no_raw_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    for route, args in OTHERS.items():
        code, out, err = run(capsys, route, *args, "--cooling", "1 d")
        assert code == 0, err
        tables = "\n".join(line for line in out.splitlines() if "│" in line)
        assert not re.search(r"\b(None|nan|NaN|inf)\b", tables), route
        # e-notation only for tiny percentages, never '3.3e+12' where '3.3 TBq' is meant
        assert not re.search(r"\de[+-]\d+(?!\d)(?! %)", tables), route
        assert "Bq" in out
    code, out, _ = run(capsys, "lu177-direct", *LU, "--cooling", "1 d", "--samples", "100")
    assert "median [5 %, 95 %]" in out
    assert "TBq [" in out
    assert "--cooling 1 d" in out  # the parameters used, with units


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lu177-direct", "--target-mass", "10 mg", "--enrichment", "1.2",
          "--thermal-flux", "1e14"], "--enrichment"),
        (["lu177-direct", "--target-mass", "-1 mg", "--enrichment", "0.8",
          "--thermal-flux", "1e14"], "out of range"),
        (["lu177-direct", *LU[:4], "--thermal-flux", "-1e14"], "--thermal-flux"),
        (["lu177-direct", *LU, "--product", "Ac-225"], "cannot make Ac-225"),
        (["lu177-online", *LU, "--outage", "10 d/20 d", "--outage", "15 d/25 d"], "overlap"),
        (["lu177-direct", *LU, "--beam-current", "3"], "does not take --beam-current"),
        (["lu177-direct", *LU, "--irradiation", "7"], "'7 d'"),
        (["lu177-direct", *LU, "--irradiation", "0 d"], "--irradiation"),
        (["lu177-direct", "--target-mass", "10", *LU[2:]], "'10 mg'"),
        (["lu177-direct", *LU, "--plot", "out.txt"], ".png, .html or .pdf"),
        (["nope"], "unknown production route"),
        ([], "give a route"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
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


def test_bad_plot_path_fails_before_the_computation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "lu177-direct", *LU, "--plot", str(blocker / "plot.png"))
    assert code == 2
    assert "--plot" in err
    code, _, err = run(capsys, "lu177-direct", *LU, "--plot", str(tmp_path))
    assert code == 2
    assert "--plot" in err


def _doc_names(title: str) -> set[str]:
    doc = (Path(__file__).parents[2] / "docs" / "nomenclature.md").read_text(encoding="utf-8")
    start = doc.index(title)
    end = doc.find("\n#", start + len(title))
    return set(re.findall(r"`(_?[a-z0-9_]+)`", doc[start:end]))


def test_json_of_every_route_follows_the_nomenclature(capsys: pytest.CaptureFixture[str]) -> None:
    """Every number of every route's JSON (values, parameters, tables, with samples) sits under
    a key with a unit suffix or a key the nomenclature lists as unitless."""
    suffixes = sorted(_doc_names("#### Unit suffixes"), key=len, reverse=True)
    unitless = _doc_names("#### Keys without a unit")
    by_name = _doc_names("#### Mappings by name")
    for route, args in OTHERS.items():
        extra = ["--samples", "20"] if route not in ("ac225-ra226-p2n",) else []
        code, out, err = run(capsys, route, *args, *extra, "--json")
        assert code == 0, err
        found: list[tuple[str, str, object]] = []

        def walk(value: object, key: str, found: list[tuple[str, str, object]] = found) -> None:
            if isinstance(value, dict):
                for k, v in value.items():
                    found.append((k, key, v))
                    walk(v, k)
            elif isinstance(value, list):
                for v in value:
                    walk(v, key)

        walk(json.loads(out), "")
        bad = sorted(
            {
                k
                for k, parent, v in found
                if parent not in by_name
                and isinstance(v, int | float)
                and not isinstance(v, bool)
                and not any(k.endswith(s) for s in suffixes)
                and k not in unitless
            }
        )
        assert not bad, f"{route}: numbers without a unit: {bad}"


@pytest.mark.parametrize("columns", ["80", "120"])
def test_weekly_table_is_never_cut(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    # a pipe or an 80-column terminal: whole columns with units, never 'targ…', and a line
    # naming the columns left out
    monkeypatch.setenv("COLUMNS", columns)
    code, out, _ = run(capsys, "lu177-online", *LU, "--targets", "3", "--cooling", "2 d",
                       "--samples", "50")  # fmt: skip
    assert code == 0
    assert "…" not in out
    assert max(map(len, out.splitlines())) <= int(columns) or "parameters:" in out
    table = [line for line in out.splitlines() if line[:1] in "┃│┏┡└"]
    assert max(map(len, table)) <= int(columns)
    assert "[TBq]" in out
    if columns == "80":
        assert "not shown at this width (80 characters)" in out


def test_parameters_read_as_typed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lu177-direct", *LU)
    assert code == 0
    assert "--thermal-flux 1 × 10¹⁴ n cm⁻² s⁻¹" in out
    assert not re.search(r"\de[+-]\d", out)  # no e-notation anywhere (ratios included)
    code, out, _ = run(capsys, "tc99m-generator", "--parent-activity", "10 GBq")
    assert "--product Tc-99m" in out


@pytest.mark.parametrize("columns", [60, 70, 80, 90, 100, 120])
def test_help_never_cuts_an_example(columns: int) -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["produce", "--help"], env={"COLUMNS": str(columns)},
                                terminal_width=columns)  # fmt: skip
    text = " ".join(result.output.split())
    lines = result.output.splitlines()
    assert "\x00" not in result.output
    for spec, _ in parameter_specs().values():
        for example in re.findall(r"(?<!\w)'[^'\s][^']*'(?!\w)", spec.help):
            assert any(example in line for line in lines), (columns, example)
    assert "90 %" not in text
    first_words = re.findall(r"^  --\S+(?: <[^>]+>)?\s+(\S+)", result.output, re.MULTILINE)
    assert len(first_words) > 20
    assert all(word[:1].isupper() for word in first_words), first_words
