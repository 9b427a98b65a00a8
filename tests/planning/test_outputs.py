"""What ``radiochain plan`` writes and prints, as a user meets it: where it may write, options
that only one method uses, the activity balance of its table, the precision of its tables,
its help and its messages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from radiochain.cli.main import main
from radiochain.errors import InputError
from radiochain.network.examples import load_example
from radiochain.network.io import read_network, write_json
from radiochain.planning import PlanOptions, check_plan, plan, run_plan


@pytest.fixture
def net(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "net"
    assert main(["example", "tiny", str(folder)]) == 0
    capsys.readouterr()
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("out", ["net", "net/plan", "net/./sub/../plan", "net.json"])
def test_the_plan_is_never_written_into_the_network(
    out: str,
    net: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    write_json(read_network(net), tmp_path / "net.json")
    source = "net.json" if out == "net.json" else "net"
    before = _files(tmp_path)
    assert main(["plan", source, "--out", out, "--no-report"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"--out {out}:" in err
    assert ("network file itself" if out == "net.json" else "network folder") in err
    assert _files(tmp_path) == before
    # the library refuses it too, before planning
    with pytest.raises(InputError, match="network"):
        run_plan(read_network(source), method="greedy", out=out)


def test_a_folder_beside_the_network_is_fine(net: Path, tmp_path: Path) -> None:
    before = _files(net)
    result = run_plan(read_network(net), method="greedy", out=tmp_path / "net-plan", report=False)
    assert result.ok
    assert _files(net) == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--gap", "1 %"], "--gap: only --method milp uses it"),
        (["--time-limit", "1 min"], "--time-limit: only --method milp"),
        (["--weights", "moved=1"], "--weights: only --method milp"),
        (["--weights", "moved=1", "--gap", "0"], "--gap, --weights: only --method milp uses them"),
        (["--save-model", "m.lp"], "--save-model: only --method milp"),
    ],
)
def test_milp_options_with_the_greedy_method_are_refused(
    args: list[str], words: str, net: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["plan", str(net), "--method", "greedy", "--out", str(out), *args]) == 2
    assert words in capsys.readouterr().err
    assert not out.exists()
    assert not (tmp_path / "m.lp").exists()


@pytest.mark.parametrize(
    "given", [{"mip_gap": 0.01}, {"time_limit_s": 60.0}, {"save_model": "m.lp"}]
)
def test_the_library_refuses_milp_arguments_for_greedy(given: dict[str, object]) -> None:
    with pytest.raises(InputError, match=f"{next(iter(given))}: only the 'milp' method"):
        plan(load_example("tiny"), method="greedy", **given)  # type: ignore[arg-type]


@pytest.mark.parametrize("start", ["2026-W02", "20260105", "2026-002", "2026-01-05T00:00"])
def test_start_is_written_yyyy_mm_dd(
    start: str, net: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", str(net), "--start", start, "--method", "greedy"]) == 2
    err = capsys.readouterr().err
    assert "--start" in err
    assert "YYYY-MM-DD" in err


def test_an_empty_demand_names_the_json_file_and_its_place(
    net: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "n.json"
    write_json(read_network(net), path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["tables"]["demand"] = []
    document["network"].pop("start_date", None)
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main(["plan", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "n.json: tables.demand is empty" in capsys.readouterr().err
    (net / "demand.csv").write_text(
        (net / "demand.csv").read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8"
    )
    assert main(["plan", str(net), "--out", str(tmp_path / "o")]) == 2
    assert "demand.csv is empty" in capsys.readouterr().err


def _table_rows(text: str) -> dict[str, list[str]]:
    """The rows of the printed table: label -> cells (the box characters removed)."""
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line)[1:-1]]
        if len(cells) >= 2 and cells[0]:
            rows[cells[0]] = cells[1:]
    return rows


def _gbq(cell: str) -> float:
    return float(cell.replace(",", ""))


def test_the_activity_rows_add_up_and_match_the_tables(
    net: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ordered = lost before calibration + labelled; labelled = administered + decayed +
    unused — each row read back from the tables the plan wrote (127 days: a plan that leaves
    activity unused, the newcomer's case)."""
    monkeypatch.setenv("COLUMNS", "120")
    out = tmp_path / "out"
    assert main(["plan", str(net), "--days", "127", "--out", str(out), "--no-report"]) == 0
    rows = _table_rows(capsys.readouterr().out)
    plan_column = {label: _gbq(cells[0]) for label, cells in rows.items() if "[GBq]" in label}
    ordered = plan_column["nuclide ordered from producers [GBq]"]
    lost = plan_column["lost before calibration (decay, yield) [GBq]"]
    labelled = plan_column["labelled (at calibration) [GBq]"]
    administered = plan_column["administered [GBq]"]
    decayed = plan_column["decayed between calibration and patient [GBq]"]
    unused = plan_column["left unused in the batches [GBq]"]
    assert ordered == pytest.approx(lost + labelled, abs=0.11)
    assert labelled == pytest.approx(administered + decayed + unused, abs=0.16)
    assert unused > 0
    doses = pd.read_csv(out / "doses.csv")
    assert administered == pytest.approx(
        doses["activity_at_administration_bq"].sum() / 1e9, abs=0.05
    )
    batches = pd.read_csv(out / "batches.csv")
    assert labelled == pytest.approx(batches["calibration_activity_bq"].sum() / 1e9, abs=0.05)
    inputs = pd.read_csv(out / "inputs.csv")
    assert ordered == pytest.approx(inputs["activity_bq"].sum() / 1e9, abs=0.05)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    cost = rows["cost (the network's currency)"][0]
    assert float(cost.replace(",", "")) == pytest.approx(summary["kpis"]["cost"], abs=0.5)


def test_activities_in_the_tables_are_whole_becquerels(net: Path, tmp_path: Path) -> None:
    """A dose of exactly the prescription reads 7400000000, not 7399999999.999999, and the
    rounded tables still pass the independent checker."""
    result = run_plan(read_network(net), out=tmp_path / "o", report=False)
    assert result.ok
    for name in ("doses", "batches", "shipments", "inputs"):
        text = (tmp_path / "o" / f"{name}.csv").read_text(encoding="utf-8")
        header, *lines = text.splitlines()
        columns = [i for i, c in enumerate(header.split(",")) if c.endswith("_bq")]
        for line in lines:
            cells = line.split(",")
            for i in columns:
                assert re.fullmatch(r"\d*", cells[i]), (name, cells[i])
    doses = pd.read_csv(tmp_path / "o" / "doses.csv")
    served = doses[doses["status"] != "unserved"]
    assert (served["activity_at_administration_bq"] == served["prescribed_activity_bq"]).all()


def test_help_never_splits_a_word(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Click wraps at spaces: every word of every option's help appears whole at 80 columns."""
    import inspect
    import typing

    from radiochain.cli.plan import plan_command

    monkeypatch.setenv("COLUMNS", "80")
    assert main(["plan", "--help"]) == 0
    shown = capsys.readouterr().out
    hints = typing.get_type_hints(plan_command, include_extras=True)
    for name in inspect.signature(plan_command).parameters:
        for meta in getattr(hints[name], "__metadata__", ()):
            for word in (getattr(meta, "help", None) or "").split():
                assert word in shown, (name, word)


def test_plan_options_take_the_start_as_text() -> None:
    result = plan(load_example("tiny"), method="greedy", options=PlanOptions(start="2026-01-05"))
    assert result.start == "2026-01-05"


def test_checker_messages_give_activities_with_units() -> None:
    """A bulk shipment that carries 1 GBq more than its draws: the violation reads in GBq
    (format_quantity), never '8e+10 Bq'."""
    network = load_example("tiny")
    result = plan(network, method="greedy")
    bulk = result.shipments["kind"] == "bulk"
    carried = float(result.shipments.loc[bulk, "activity_at_departure_bq"].iloc[0])
    first = result.shipments.index[bulk][0]
    result.shipments.loc[first, "activity_at_departure_bq"] = carried + 1e9
    result.batches.loc[0, "calibration_activity_bq"] = 1e13  # above the batch limit
    violations = check_plan(network, result).violations
    carries = next(v for v in violations if "carries" in v)
    assert re.search(r"carries [\d.]+ GBq, inputs.csv draws [\d.]+ GBq", carries), carries
    limits = next(v for v in violations if "batch limits" in v)
    assert "10 TBq is outside the batch limits" in limits, limits
    assert not any(re.search(r"\de[+-]\d", v) for v in violations), violations


def test_the_report_gives_the_same_balance_in_gbq(tmp_path: Path) -> None:
    result = run_plan(load_example("tiny"), out=tmp_path / "o")
    page = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    figures = page[page.index("Key figures") : page.index("<h2>Solver")]
    text = re.sub(r"<[^>]+>", " ", figures)
    for label in ("nuclide ordered from producers [GBq]", "left unused in the batches [GBq]"):
        assert label in text
    assert "cost (the network&#x27;s currency)" in text
    assert not re.search(r"\de[+-]\d", text), text
    administered = result.kpis["activity_administered_bq"] / 1e9
    assert f"administered [GBq]  {administered:,.1f}" in text
