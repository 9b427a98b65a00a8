"""Every validation rule, each with a broken network that triggers it and its message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from radiochain.cli.main import main
from radiochain.errors import InputError
from radiochain.network import NetworkError, read_network
from radiochain.network.examples import copy_example, load_example

Edit = Callable[[dict[str, pd.DataFrame]], None]


def broken(tmp_path: Path, edit: Edit) -> list[str]:
    """Copy the tiny example, apply ``edit`` to its raw CSV tables, return the problems."""
    folder = copy_example("tiny", tmp_path / "net")
    tables = {
        p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in folder.glob("*.csv")
    }
    edit(tables)
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return [f"{p.level}: {p}" for p in read_network(folder).validate()]


def _set(table: str, row: int, column: str, value: str) -> Edit:
    def edit(tables: dict[str, pd.DataFrame]) -> None:
        tables[table].loc[row, column] = value

    return edit


def _both(first: Edit, second: Edit) -> Edit:
    def edit(tables: dict[str, pd.DataFrame]) -> None:
        first(tables)
        second(tables)

    return edit


CASES = [
    # (edit, expected text)
    (
        _set("lanes", 1, "to_site", "hospital-x"),
        "error: lanes.csv:3: to_site: unknown site 'hospital-x' (did you mean",
    ),
    (
        _set("lanes", 0, "transit_time_h", "-2"),
        "error: lanes.csv:2: transit_time_h: -2 h is out of range (give more than 0, at most 30 d)",
    ),
    (
        _set("lanes", 0, "transit_time_h", "2 parsecs"),
        "error: lanes.csv:2: transit_time_h: unknown unit 'parsecs'",
    ),
    (
        _set("products", 0, "nuclide", "Lu-178x"),
        "error: products.csv:2: nuclide: 'Lu-178x' is not a nuclide name",
    ),
    (
        _set("products", 0, "nuclide", "Lu-179"),
        "error: products.csv:2: nuclide: 'Lu-179' is not in nuclear dataset",
    ),
    (
        _set("products", 0, "shelf_life_h", "1"),
        "error: demand.csv:5: hospital: the fastest route to 'hospital-b' takes 2.5 h, "
        "longer than the shelf life",
    ),
    (
        _set("lanes", 3, "accepts_radioactive", "false"),
        "error: demand.csv:7: hospital: 'hospital-c' has demand for 'lu177-psma' and no route of "
        "one or two lanes that accept radioactive goods reaches it",
    ),
    (
        _set("licences", 0, "possession_limit_bq", "5 GBq"),
        "error: licences.csv:2: possession_limit_bq: 5 GBq is below one dose (7.4 GBq) of the "
        "Lu-177 the site is scheduled to give",
    ),
    (
        _set("processes", 0, "yield", "1.5"),
        "error: processes.csv:2: yield: 1.5 is out of range (give more than 0, at most 1)",
    ),
    (
        _set("products", 0, "dose_tolerance", "1"),
        "dose_tolerance: 1 is out of range (give at least 0, less than 1)",
    ),
    (
        _set("sites", 2, "latitude_deg", "95"),
        "error: sites.csv:4: latitude_deg: 95° is out of range (give -90 to 90°)",
    ),
    (
        _set("sites", 2, "kind", "clinic"),
        "error: sites.csv:4: kind: 'clinic' is not allowed (use one of reactor",
    ),
    (
        _set("sites", 1, "working_days", "Mon-Fry"),
        "error: sites.csv:3: working_days: 'Mon-Fry' is not days",
    ),
    (
        _set("demand", 0, "date", "2026-13-01"),
        "error: demand.csv:2: date: 2026-13-01 is not a day of the calendar (write YYYY-MM-DD)",
    ),
    (
        _set("demand", 0, "earliest_date", "2026-01-07"),
        "error: demand.csv:2: earliest_date: 2026-01-07 is on the wrong side of date 2026-01-06",
    ),
    (
        _set("demand", 0, "window_end", "08:00"),
        "error: demand.csv:2: window_end: is not after window_start",
    ),
    (
        _set("demand", 1, "appointment", "a01"),
        "error: demand.csv:3: appointment: 'a01' appears more than once",
    ),
    (
        _set("demand", 1, "product", "ac225-psma"),
        "error: demand.csv:3: product: unknown product 'ac225-psma'",
    ),
    (
        _set("lanes", 0, "to_site", "reactor"),
        "error: lanes.csv:2: to_site: is the same site as from_site",
    ),
    (
        _set("processes", 0, "producer", "nobody"),
        "error: processes.csv:2: producer: unknown producer 'nobody'",
    ),
    (
        _set("sites", 0, "source", "tiny;nope"),
        "error: sites.csv:2: source: unknown source key 'nope'",
    ),
    (
        _set("processes", 0, "batch_min_bq", "100 GBq"),
        "error: processes.csv:2: batch_min_bq: is larger than batch_max_bq",
    ),
    (
        _set("products", 0, "dose_activity_bq", "1 TBq"),
        "warning: products.csv:2: dose_activity_bq: one dose (1 TBq) exceeds the A2 value of "
        "Lu-177 (700 GBq) (it cannot travel in a Type A package; plan a Type B package)",
    ),
    (
        _set("products", 0, "dose_activity_bq", "1.5 TBq"),
        "error: products.csv:2: dose_activity_bq: '1.5 TBq' is out of range (give more than 0, at "
        "most 1 TBq)",
    ),
    (
        _set("demand", 0, "hospital", "pharmacy"),
        "warning: demand.csv:2: hospital: site 'pharmacy' is a radiopharmacy",
    ),
    # values that parse but are surely a unit mistake
    (
        _set("products", 0, "dose_activity_bq", "7.4"),
        "error: products.csv:2: dose_activity_bq: '7.4' is 7.4 Bq (a bare number in this column "
        "is in Bq): less than 1 MBq, too little for a dose; surely a unit mistake "
        "(did you mean '7.4 GBq'",
    ),
    (
        _set("demand", 6, "prescribed_activity_bq", "6.8 kBq"),
        "error: demand.csv:8: prescribed_activity_bq: '6.8 kBq' is 6.8 kBq: less than 1 MBq",
    ),
    (
        _set("processes", 0, "batch_max_bq", "60"),
        "error: processes.csv:2: batch_max_bq: '60' is 60 Bq (a bare number in this column is "
        "in Bq): less than 1 MBq, too little for a batch; surely a unit mistake "
        "(did you mean '60 GBq' or '60 MBq'?)",
    ),
    (
        _set("producers", 0, "capacity_per_delivery_bq", "80"),
        "error: producers.csv:2: capacity_per_delivery_bq: '80' is 80 Bq",
    ),
    (
        _set("licences", 0, "possession_limit_bq", "20"),
        "error: licences.csv:2: possession_limit_bq: '20' is 20 Bq",
    ),
    (
        _set("products", 0, "shelf_life_h", "30 s"),
        "error: products.csv:2: shelf_life_h: '30 s' is 30 s: shorter than a minute",
    ),
    (
        _set("lanes", 1, "transit_time_h", "0.001"),
        "error: lanes.csv:3: transit_time_h: '0.001' is 3.6 s: shorter than a minute",
    ),
    (
        _set("processes", 0, "synthesis_time_h", "0.01"),
        "error: processes.csv:2: synthesis_time_h: '0.01' is 36 s: shorter than a minute, too "
        "short for a synthesis; surely a unit mistake (a bare number in this column is in hours; "
        "write the unit, e.g. '120 h', '5 d' or '45 min'; or 0 for none)",
    ),
    # values too large to be meant: the ranges of the schema (docs/network-reference.md)
    (
        _set("products", 0, "shelf_life_h", "1000 y"),
        "error: products.csv:2: shelf_life_h: '1000 y' is out of range (give more than 0, at "
        "most 1 y)",
    ),
    (
        _set("products", 0, "shelf_life_h", "1e308"),
        "error: products.csv:2: shelf_life_h: 1e308 h is out of range",
    ),
    (
        _set("processes", 0, "synthesis_time_h", "1e308"),
        "error: processes.csv:2: synthesis_time_h: 1e308 h is out of range (give 0 to 7 d)",
    ),
    (
        _set("processes", 0, "qc_hold_h", "1000 y"),
        "error: processes.csv:2: qc_hold_h: '1000 y' is out of range (give 0 to 30 d)",
    ),
    (
        _set("products", 0, "calibration_offset_h", "1e308"),
        "error: products.csv:2: calibration_offset_h: 1e308 h is out of range (give -30 d to 30 d)",
    ),
    (
        _set("products", 0, "calibration_offset_h", "-200"),
        "error: products.csv:2: calibration_offset_h: -8.333 d: calibrated longer before "
        "release than its shelf life (5 d), the product expires before it is released (give "
        "more than -5 d)",
    ),
    (
        _set("products", 0, "nuclide", "Tc-99m"),  # kept 120 h: 20 half-lives, fine
        "error: processes.csv:2: producer: 'reactor-lu177' delivers Lu-177, product "
        "'lu177-psma' needs Tc-99m",
    ),
    (
        _both(
            _set("products", 0, "nuclide", "Tc-99m"), _set("products", 0, "shelf_life_h", "14 d")
        ),
        "error: products.csv:2: shelf_life_h: 14 d is 56 half-lives of Tc-99m: less than a "
        "billionth of its activity would be left (give at most 7.509 d (30 half-lives))",
    ),
    (
        _set("lanes", 3, "transit_time_h", "1000 y"),
        "error: lanes.csv:5: transit_time_h: '1000 y' is out of range (give more than 0, at most "
        "30 d)",
    ),
    (
        _set("producers", 0, "lead_time_h", "2 y"),
        "error: producers.csv:2: lead_time_h: '2 y' is out of range (give 0 to 1 y)",
    ),
    (
        _set("producers", 0, "cost_per_gbq", "1e308"),
        "error: producers.csv:2: cost_per_gbq: 1e308 per GBq is out of range (give 0 to 1e12 "
        "per GBq)",
    ),
    (
        _set("processes", 0, "cost_per_batch", "1e308"),
        "error: processes.csv:2: cost_per_batch: 1e308 is out of range (give 0 to 1e12)",
    ),
    (
        _set("lanes", 1, "cost_per_shipment", "1e308"),
        "error: lanes.csv:3: cost_per_shipment: 1e308 is out of range (give 0 to 1e12)",
    ),
    (
        _set("producers", 0, "outage_rate_per_year", "1e308"),
        "error: producers.csv:2: outage_rate_per_year: 1e308 per year is out of range (give 0 to "
        "1000 per year)",
    ),
    (
        _set("producers", 0, "outage_rate_per_year", "-2"),
        "error: producers.csv:2: outage_rate_per_year: -2 per year is out of range",
    ),
    (
        _set("producers", 0, "outage_duration_mean_d", "1e308"),
        "error: producers.csv:2: outage_duration_mean_d: 1e308 d is out of range (give 0 to 10 y)",
    ),
    (
        _set("producers", 0, "capacity_per_delivery_bq", "1e30 GBq"),
        "error: producers.csv:2: capacity_per_delivery_bq: '1e30 GBq' is out of range (give 0 to "
        "10 PBq)",
    ),
    (
        _set("processes", 0, "batch_max_bq", "1e30 GBq"),
        "error: processes.csv:2: batch_max_bq: '1e30 GBq' is out of range",
    ),
    (
        _set("licences", 0, "possession_limit_bq", "1e30 GBq"),
        "error: licences.csv:2: possession_limit_bq: '1e30 GBq' is out of range",
    ),
    (
        _set("products", 0, "dose_activity_bq", "1e30 GBq"),
        "error: products.csv:2: dose_activity_bq: '1e30 GBq' is out of range",
    ),
    (
        _set("processes", 0, "daily_slots", "0"),
        "error: processes.csv:2: daily_slots: 0 per day is out of range (give at least 1 per day)",
    ),
    # a prescription is a dose: the same checks as the product's
    (
        _set("demand", 6, "prescribed_activity_bq", "25 GBq"),
        "error: demand.csv:8: prescribed_activity_bq: 25 GBq is above the possession limit of "
        "'hospital-c' for Lu-177 (20 GBq, licences.csv:2) (lower the prescription, raise the "
        "limit or move the appointment)",
    ),
    (
        _set("demand", 6, "prescribed_activity_bq", "1 TBq"),
        "warning: demand.csv:8: prescribed_activity_bq: 1 TBq exceeds the A2 value of Lu-177 "
        "(700 GBq) (it cannot travel in a Type A package; plan a Type B package)",
    ),
    (
        _set("demand", 6, "prescribed_activity_bq", "2 TBq"),
        "error: demand.csv:8: prescribed_activity_bq: '2 TBq' is out of range (give more than 0, "
        "at most 1 TBq)",
    ),
    (
        _set("demand", 6, "prescribed_activity_bq", "1e30 GBq"),
        "error: demand.csv:8: prescribed_activity_bq: '1e30 GBq' is out of range",
    ),
    # one hint each; plain numbers said in words
    (
        _set("processes", 0, "batch_max_bq", "60 GBq/h"),
        "error: processes.csv:2: batch_max_bq: cannot read '60 GBq/h' as activity (write a number "
        "and a unit, e.g. '7.4 GBq')",
    ),
    (
        _set("demand", 6, "prescribed_activity_bq", "6_800 MBq"),
        "error: demand.csv:8: prescribed_activity_bq: cannot read '6_800 MBq' as activity (write "
        "a number and a unit, e.g. '7.4 GBq')",
    ),
    (
        _set("processes", 0, "yield", "95 %"),
        "error: processes.csv:2: yield: '95 %' is not a number (write 0.95 for 95 %)",
    ),
    (
        _set("sites", 0, "name", "Reac\x00tor"),
        "error: sites.csv:2: name: holds the control character U+0000 (remove it",
    ),
]


@pytest.mark.parametrize(("edit", "expected"), CASES, ids=[c[1][:60] for c in CASES])
def test_rule(tmp_path: Path, edit: Edit, expected: str) -> None:
    problems = broken(tmp_path, edit)
    assert any(expected in p for p in problems), "\n".join(problems)
    assert all(p.count("(e.g.") + p.count(", e.g.") <= 1 for p in problems), problems
    assert not [p for p in problems if " 1/" in p or "e+" in p], problems


def test_unreached_site_is_a_warning(tmp_path: Path) -> None:
    def add_site(tables: dict[str, pd.DataFrame]) -> None:
        row = tables["sites"].iloc[[2]].copy()
        row["site"] = "hospital-d"
        tables["sites"] = pd.concat([tables["sites"], row])

    problems = broken(tmp_path, add_site)
    assert "warning: sites.csv:7: site: no lane reaches or leaves it" in problems
    assert not [p for p in problems if p.startswith("error")]


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    def many(tables: dict[str, pd.DataFrame]) -> None:
        for edit, _ in CASES[:4]:
            edit(tables)

    assert sum(p.startswith("error") for p in broken(tmp_path, many)) >= 4


def test_bundled_examples_validate_clean() -> None:
    from radiochain.network.examples import bundled_examples, load_example

    for name in bundled_examples():
        report = load_example(name).validate()
        assert report.ok, [str(p) for p in report.errors]


def test_cli_validate_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = copy_example("tiny", tmp_path / "good")
    assert main(["network", "validate", str(good)]) == 0
    capsys.readouterr()
    bad = broken(tmp_path, CASES[0][0])  # builds tmp_path/net
    assert bad
    assert main(["network", "validate", str(tmp_path / "net")]) == 2
    out = capsys.readouterr().out
    assert "lanes.csv:3: to_site: unknown site 'hospital-x'" in out
    assert main(["network", "validate", str(tmp_path / "missing")]) == 2
    assert "no such network folder" in capsys.readouterr().err


def test_cited_sources_must_exist_even_without_a_sources_table(tmp_path: Path) -> None:
    folder = copy_example("tiny", tmp_path / "net")
    (folder / "sources.csv").unlink()
    problems = [str(p) for p in read_network(folder).validate().errors]
    cited = sum(len(frame) for frame in load_example("tiny").tables.values() if "source" in frame)
    unknown = [p for p in problems if ": source: unknown source key" in p]
    assert len(unknown) == cited + 1  # the product row cites two keys
    assert (
        "sites.csv:2: source: unknown source key 'tiny' (there is no sources table: add "
        in (unknown[0])
    )


def test_blank_sources_are_not_problems(tmp_path: Path) -> None:
    def blank(tables: dict[str, pd.DataFrame]) -> None:
        for frame in tables.values():
            if "source" in frame.columns:
                frame["source"] = ""

    assert not [p for p in broken(tmp_path, blank) if "source" in p]


def test_plausible_values_and_other_nuclides_pass(tmp_path: Path) -> None:
    """1 MBq and one minute are floors, not guesses: an Ac-225 dose of 8 MBq, a Ga-68 dose of
    150 MBq and a one-minute synthesis are fine; the suggestion for an Ac-225 dose written
    as a bare '8' leaves out 8 GBq (more than Ac-225's A2)."""

    def edit(tables: dict[str, pd.DataFrame]) -> None:
        tables["products"].loc[0, "dose_activity_bq"] = "150 MBq"
        tables["processes"].loc[0, "synthesis_time_h"] = "1 min"

    assert not [p for p in broken(tmp_path, edit) if "unit mistake" in p]

    def ac225(tables: dict[str, pd.DataFrame]) -> None:
        tables["products"].loc[0, "nuclide"] = "Ac-225"
        tables["products"].loc[0, "dose_activity_bq"] = "8"

    problems = [p for p in broken(tmp_path / "ac", ac225) if "dose_activity_bq" in p]
    assert any(p.endswith("(did you mean '8 MBq'?)") for p in problems), problems


def test_strict_reading_refuses_a_network_with_errors(tmp_path: Path) -> None:
    def two(tables: dict[str, pd.DataFrame]) -> None:
        tables["products"].loc[0, "dose_activity_bq"] = "7.4"
        tables["sites"].loc[2, "latitude_deg"] = "95"

    broken(tmp_path, two)
    folder = tmp_path / "net"
    network = read_network(folder)  # not strict: read, problems kept
    assert len(network.validate().errors) == 2
    with pytest.raises(NetworkError) as info:
        read_network(folder, strict=True)
    message = str(info.value)
    assert isinstance(info.value, InputError)
    assert info.value.exit_code == 2
    assert "the network has 2 error(s), first: sites.csv:4: latitude_deg: 95°" in message
    assert f"radiochain network validate {folder}" in message or "…" in message
    assert "\n" not in message
    assert len(message) <= 300
    assert len(info.value.problems) == 2
    with pytest.raises(NetworkError, match="2 error"):
        network.require_valid()


def test_strict_reading_passes_warnings(tmp_path: Path) -> None:
    folder = copy_example("tiny", tmp_path / "net")
    text = (folder / "demand.csv").read_text(encoding="utf-8")
    (folder / "demand.csv").write_text(text.replace("a02,hospital-a,", "a02,pharmacy,"))
    network = read_network(folder, strict=True)  # demand at a radiopharmacy is a warning
    assert network.require_valid().warnings


def test_strict_message_stays_one_short_line_for_long_values(tmp_path: Path) -> None:
    broken(tmp_path, _set("lanes", 1, "to_site", "x" * 5000))
    with pytest.raises(NetworkError) as info:
        read_network(tmp_path / "net", strict=True)
    assert len(str(info.value)) <= 300
    assert "…" in str(info.value)


def test_cli_show_and_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["example", "tiny", str(tmp_path / "tiny")]) == 0
    assert (
        main(["example", "synthetic", str(tmp_path / "syn"), "--hospitals", "50", "--seed", "2"])
        == 0
    )
    capsys.readouterr()
    assert (
        main(
            ["network", "show", str(tmp_path / "tiny"), "--json", "--map", str(tmp_path / "m.png")]
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["counts"]["demand"] == 7
    assert summary["sites_by_kind"]["hospital"] == 3
    (row,) = summary["capacity_vs_demand"]
    assert row["nuclide"] == "Lu-177"
    assert row["doses"] == 7
    assert row["demand_bq"] == pytest.approx(6 * 7.4e9 + 6.8e9)
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["example", "tiny", str(tmp_path / "tiny")]) == 2  # not empty
    assert "not empty" in capsys.readouterr().err
    assert main(["example", "atlantis", str(tmp_path / "x")]) == 2
    assert "unknown example 'atlantis'" in capsys.readouterr().err


def test_cli_refuses_folders_that_are_not_networks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "file.txt").write_text("x")
    assert main(["network", "show", str(tmp_path / "empty")]) == 2
    assert "not a network folder" in capsys.readouterr().err
    assert main(["example", "tiny", str(tmp_path / "file.txt")]) == 2
    assert "is a file" in capsys.readouterr().err
    assert main(["example", "synthetic", str(tmp_path / "file.txt")]) == 2
    assert "is a file" in capsys.readouterr().err


def test_line_numbers_count_blank_lines_and_duplicate_columns_are_named(tmp_path: Path) -> None:
    folder = copy_example("tiny", tmp_path / "net")
    lines = (folder / "demand.csv").read_text().splitlines()
    lines.insert(2, "")  # a blank line after the first appointment
    lines[4] = lines[4].replace("hospital-a", "hospital-zz")  # the appointment on file line 5
    (folder / "demand.csv").write_text("\n".join(lines) + "\n")
    header = (folder / "lanes.csv").read_text().splitlines()
    header[0] = header[0].replace("distance_km", "transit_time_h")
    (folder / "lanes.csv").write_text("\n".join(header) + "\n")
    problems = [str(p) for p in read_network(folder).validate()]
    assert any(p.startswith("demand.csv:5: hospital: unknown site 'hospital-zz'") for p in problems)
    assert any(p.startswith("lanes.csv:1: transit_time_h: column appears twice") for p in problems)


def _ac225(tables: dict[str, pd.DataFrame]) -> None:
    """The tiny network making Ac-225-PSMA (A2 of Ac-225: 6 GBq, 49 CFR 173.435)."""
    tables["products"].loc[0, "nuclide"] = "Ac-225"
    tables["products"].loc[0, "dose_activity_bq"] = "8 MBq"
    tables["producers"].loc[0, "nuclide"] = "Ac-225"
    tables["licences"].loc[0, "nuclide"] = "Ac-225"


def test_a_prescription_above_a2_is_a_warning_at_its_appointment(tmp_path: Path) -> None:
    def edit(tables: dict[str, pd.DataFrame]) -> None:
        _ac225(tables)
        tables["demand"].loc[6, "prescribed_activity_bq"] = "10 GBq"
        tables["licences"].loc[0, "possession_limit_bq"] = "50 GBq"

    problems = broken(tmp_path, edit)
    assert problems == [
        "warning: demand.csv:8: prescribed_activity_bq: 10 GBq exceeds the A2 value of Ac-225 "
        "(6 GBq) (it cannot travel in a Type A package; plan a Type B package)"
    ]


def test_a_product_dose_above_a2_is_a_warning(tmp_path: Path) -> None:
    def edit(tables: dict[str, pd.DataFrame]) -> None:
        _ac225(tables)
        tables["products"].loc[0, "dose_activity_bq"] = "7 GBq"
        tables["demand"].loc[6, "prescribed_activity_bq"] = ""
        tables["licences"].loc[0, "possession_limit_bq"] = "50 GBq"

    problems = broken(tmp_path, edit)
    assert problems == [
        "warning: products.csv:2: dose_activity_bq: one dose (7 GBq) exceeds the A2 value of "
        "Ac-225 (6 GBq) (it cannot travel in a Type A package; plan a Type B package)"
    ]


def test_every_dose_a_hospital_gives_must_fit_its_licence(tmp_path: Path) -> None:
    """A licence below the largest dose scheduled is an error, not only below the smallest:
    hospital-c gives 7.4 GBq (the product's dose, a06) and 6.8 GBq (prescribed, a07)."""
    problems = broken(tmp_path, _set("licences", 0, "possession_limit_bq", "7 GBq"))
    errors = [p for p in problems if p.startswith("error")]
    assert errors == [
        "error: licences.csv:2: possession_limit_bq: 7 GBq is below one dose (7.4 GBq) of the "
        "Lu-177 the site is scheduled to give (raise the limit or move the demand)"
    ]


def test_a_synthesis_time_of_zero_means_none(tmp_path: Path) -> None:
    """0 is no unit mistake (a product dispensed as delivered); 0.001 h (3.6 s) is."""
    assert not broken(tmp_path / "zero", _set("processes", 0, "synthesis_time_h", "0"))
    problems = broken(tmp_path / "small", _set("processes", 0, "synthesis_time_h", "0.001"))
    assert len(problems) == 1
    assert "'0.001' is 3.6 s: shorter than a minute" in problems[0]
    assert problems[0].endswith("; or 0 for none)")


def test_ranges_hold_the_bundled_examples_and_the_synthetic_network() -> None:
    """The ranges are above anything real: every value of the bundled examples and of a
    generated network is inside them (the examples validate clean is the other half)."""
    from radiochain.network.examples import bundled_examples, synthetic_network
    from radiochain.network.validate import check_bounds

    networks = [load_example(name) for name in bundled_examples()]
    for network in [*networks, synthetic_network(500, seed=3)]:
        assert check_bounds(network) == []


def test_a_shelf_life_of_a_few_half_lives_is_fine(tmp_path: Path) -> None:
    """14 d of Lu-177 (half-life 6.65 d) is about 2 half-lives; a calibration 10 d after
    release too."""
    edit = _both(
        _set("products", 0, "shelf_life_h", "14 d"),
        _set("products", 0, "calibration_offset_h", "10 d"),
    )
    assert broken(tmp_path, edit) == []
