"""``radiochain clinical``: JSON output, report files and one-line errors (exit 2)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from radiochain.cli.clinical import register
from radiochain.cli.main import app, main

if not any(getattr(g, "name", None) == "clinical" for g in app.registered_groups):
    register(app)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["clinical", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def write_lesions(path: Path) -> Path:
    path.write_text(
        "patient,lesion,site,size_mm,suvmax_psma,suv_liver,suvmax_fdg\n"
        "p1,L1,bone,12,25,5,2\np1,L2,lymph_node,30,14,5,3\np2,L1,liver,15,3,5,9\n",
        encoding="utf-8",
    )
    return path


def write_tac(path: Path) -> Path:
    t = np.array([4.0, 24.0, 48.0, 96.0, 168.0])
    rows = ["patient,region,time_h,activity_mbq,mass_g,kind"]
    for region, share, t_eff, mass, kind in (
        ("kidneys", 0.02, 40, "", "organ"),
        ("L1", 0.01, 80, 10, "lesion"),
    ):
        act = share * 7400 * np.exp(-math.log(2) * t / t_eff)
        rows += [f"p1,{region},{a:g},{b:.6g},{mass},{kind}" for a, b in zip(t, act, strict=True)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_stratify_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lesions = write_lesions(tmp_path / "lesions.csv")
    code, out, _ = run(capsys, "stratify", str(lesions), "--rule", "vision", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["eligible_agents"] == {"p1": ["lu177-psma-617"], "p2": []}


def test_stratify_missing_column_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("patient,lesion,site\np1,L1,bone\n", encoding="utf-8")
    code, _, err = run(capsys, "stratify", str(path))
    assert code == 2
    assert err.count("\n") == 1
    assert "size_mm missing" in err
    assert "bad.csv" in err


def test_dosimetry_json_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tac = write_tac(tmp_path / "tac.csv")
    code, out, _ = run(
        capsys,
        "dosimetry",
        str(tac),
        "--administered",
        "7.4 GBq",
        "--out",
        str(tmp_path / "out"),
        "--json",
    )
    assert code == 0
    payload = json.loads(out)
    kid = next(r for r in payload["regions"] if r["region"] == "kidneys")
    assert kid["model"] == "mono"
    assert kid["effective_half_life_h"] == pytest.approx(40, rel=1e-4)
    html = (tmp_path / "out" / "p1.html").read_text(encoding="utf-8")
    assert "data:image/png;base64" in html
    assert "kidneys" in html
    assert (tmp_path / "out" / "p1.png").stat().st_size > 1000
    pdf = (tmp_path / "out" / "p1.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page\n") >= 2  # curves, then table
    assert b"Patient p1" in pdf  # the title in the document information
    assert sorted(payload["files"]["reports"]) == sorted(
        str(tmp_path / "out" / f"p1{s}") for s in (".html", ".pdf", ".png")
    )
    assert payload["out"] == str(tmp_path / "out")
    assert payload["files"]["regions"] == str(tmp_path / "out" / "regions.csv")
    assert (payload["dataset"], payload["dataset_version"]) != ("", "")
    assert "nuclear_data" not in payload
    regions = (tmp_path / "out" / "regions.csv").read_text(encoding="utf-8").splitlines()
    assert len(regions) == 1 + 2  # header, kidneys, L1


def test_pdf_report_is_reproducible(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tac = write_tac(tmp_path / "tac.csv")
    for out in ("a", "b"):
        code, _, _ = run(
            capsys,
            "dosimetry",
            str(tac),
            "--administered",
            "7.4 GBq",
            "--out",
            str(tmp_path / out),
        )
        assert code == 0
    assert (tmp_path / "a" / "p1.pdf").read_bytes() == (tmp_path / "b" / "p1.pdf").read_bytes()


def test_dosimetry_negative_time_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tac.csv"
    path.write_text("patient,region,time_h,activity_mbq\np1,kidneys,-4,10\n", encoding="utf-8")
    code, _, err = run(capsys, "dosimetry", str(path), "--administered", "7.4 GBq")
    assert code == 2
    assert "row 2" in err
    assert "negative" in err


def test_activity(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "patient.yaml"
    path.write_text(
        "patient: p1\nmax_activity: 7.4 GBq\norgans:\n"
        "  kidneys: {dose_per_activity_gy_per_gbq: 0.81, effective_half_life_h: 40}\n"
        "  red_marrow: {dose_per_activity_gy_per_gbq: 0.035}\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "activity", str(path), "--json")
    assert code == 0
    assert json.loads(out)["cycles"] == 3


def test_release(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "release", "I-131", "1 GBq", "--json")
    assert code == 0
    assert json.loads(out)["decision"]["max_activity_bq"] == pytest.approx(1.21e9, rel=0.01)


def test_release_with_patient_constant_and_clearance(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "release", "Lu-177", "7.4 GBq", "--json")
    base = json.loads(out)
    code, out, err = run(
        capsys,
        "release",
        "Lu-177",
        "7.4 GBq",
        "--constant",
        "patient",
        "--clearance",
        "0.5:4 h, 0.5:50 h",
        "--json",
    )
    assert code == 0
    faster = json.loads(out)
    now = [p["dose_rate_1m_usv_h"][0]["dose_rate_usv_h"] for p in (base, faster)]
    # Bellamy 2022 patient value 0.0037 vs point source 0.007636 µSv m2/(MBq h)
    assert now[1] / now[0] == pytest.approx(0.0037 / 0.007636)
    assert faster["clearance"] == "0.5:4 h, 0.5:50 h"
    assert "counts twice" in err  # the patient constant already includes early excretion
    assert faster["decision"]["value"] < base["decision"]["value"]
    for a, b in zip(base["restrictions_computed"], faster["restrictions_computed"], strict=True):
        assert b["restriction_d"] <= a["restriction_d"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--clearance", "0.5"], "fraction:half-life"),
        (["--clearance", ""], "fraction:half-life"),
        (["--clearance", "1:100 d"], "longer than the physical"),
        (["--constant", "fast"], "'point', 'patient' or a number in (0, 1000)"),
        (["--constant", "-1"], "a number in (0, 1000)"),
        (["--constant", "1e300"], "a number in (0, 1000)"),
        (["--measured-dose-rate", "0"], "> 0"),
        (["--measured-dose-rate", "-3"], "> 0"),
        (["--released-after", "soon"], "--released-after"),
    ],
)
def test_release_bad_options_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, "release", "Lu-177", "7.4 GBq", *args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


def test_to_demand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from radiochain.network.examples import copy_example

    network = copy_example("tiny", tmp_path / "tiny")
    plans = tmp_path / "plans.csv"
    plans.write_text(
        "patient,hospital,product,first_date,cycles,interval_d,window_d,activity\n"
        "p99,hospital-a,lu177-psma,2026-02-02,4,42,7,6.8 GBq\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys, "to-demand", str(plans), str(network), "--out", str(tmp_path / "new"), "--json"
    )
    assert code == 0
    summary = json.loads(out)
    assert summary["appointments_added"] == 4
    # 4 cycles 42 d apart: the last is 126 d after the first.
    assert (summary["first_date"], summary["last_date"]) == ("2026-02-02", "2026-06-08")
    assert "p99-c4" in (tmp_path / "new" / "demand.csv").read_text(encoding="utf-8")


def test_bundled_clinical_inputs_run_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The illustrative inputs (radiochain example clinical DIR) drive each clinical command."""
    folder = tmp_path / "clin"
    assert main(["example", "clinical", str(folder)]) == 0
    assert main(["example", "tiny", str(folder / "network")]) == 0
    capsys.readouterr()
    f = lambda name: str(folder / name)  # noqa: E731
    assert main(["clinical", "stratify", f("lesions.csv"), "--json"]) == 0
    assert main(["clinical", "stratify", f("lesions.csv"), "--rule-file", f("our_rule.yaml"),
                 "--patients", f("labs.csv"), "--json"]) == 0  # fmt: skip
    assert main(["clinical", "dosimetry", f("tac.csv"), "--administered", "7.4 GBq", "--json"]) == 0
    assert main(["clinical", "activity", f("patient.yaml"), "--json"]) == 0
    assert main(["clinical", "to-demand", f("plans.csv"), f("network"), "--out", f("planned")]) == 0
    assert (folder / "planned" / "demand.csv").is_file()


def test_release_measured_rate_needs_no_constant(capsys: pytest.CaptureFixture[str]) -> None:
    # Y-90 has no tabulated dose-rate constant: a measured rate is enough
    code, out, _ = run(capsys, "release", "Y-90", "1 GBq", "--measured-dose-rate", "5", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["dose_rate_constant_usv_m2_per_mbq_h"] is None
    assert payload["dose_rate_basis"] == "measured at release"
    assert payload["decision"]["record_required"] is True


def test_release_after_a_day_with_clearance(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "release",
        "Lu-177",
        "7.4 GBq",
        "--measured-dose-rate",
        "12",
        "--released-after",
        "24 h",
        "--clearance",
        "0.5:4 h, 0.5:50 h",
        "--json",
    )
    assert code == 0
    assert "counts from administration" not in err
    payload = json.loads(out)
    assert payload["dose_rate_1m_usv_h"][0]["dose_rate_usv_h"] == pytest.approx(12.0)
    assert payload["released_after_h"] == 24
    code, out, err = run(
        capsys,
        "release",
        "Lu-177",
        "7.4 GBq",
        "--measured-dose-rate",
        "12",
        "--clearance",
        "0.5:4 h, 0.5:50 h",
    )
    assert code == 0
    assert "--released-after" in err  # the clearance would start at the measurement
    assert "10 CFR 35.2075" in out


def test_release_zero_activity_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "release", "Lu-177", "0 GBq", "--measured-dose-rate", "5")
    assert code == 2
    assert "give the administered activity, > 0" in err


def test_report_into_a_file_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tac = write_tac(tmp_path / "tac.csv")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("keep me", encoding="utf-8")
    code, _, err = run(
        capsys, "dosimetry", str(tac), "--administered", "7.4 GBq", "--out", str(blocker)
    )
    assert code == 2
    assert err.count("\n") == 1
    assert "is a file" in err
    assert blocker.read_text(encoding="utf-8") == "keep me"  # nothing the user gave is lost


def test_to_demand_keeps_the_users_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from radiochain.network.examples import copy_example

    network = copy_example("tiny", tmp_path / "tiny")
    # tiny's files hold a user's own spellings: "6.8 GBq" in demand.csv, "2" (not "2.0") in
    # lanes.csv; none of them may change
    assert "6.8 GBq" in (network / "demand.csv").read_text(encoding="utf-8")
    plans = tmp_path / "plans.csv"
    plans.write_text(
        "patient,hospital,product,first_date,cycles,interval_d,activity\n"
        "p99,hospital-a,lu177-psma,2026-02-02,2,42,6.8 GBq\n",
        encoding="utf-8",
    )
    out = tmp_path / "new"
    code, _, _ = run(capsys, "to-demand", str(plans), str(network), "--out", str(out))
    assert code == 0
    for file in network.iterdir():
        before = file.read_text(encoding="utf-8")
        after = (out / file.name).read_text(encoding="utf-8")
        assert after.startswith(before), file.name  # every cell as the user wrote it
    assert "p99-c2" in (out / "demand.csv").read_text(encoding="utf-8")
    code, _, err = run(capsys, "to-demand", str(plans), str(network), "--out", str(network))
    assert code == 2
    assert "never changed" in err
    code, _, err = run(capsys, "to-demand", str(plans), str(network), "--out", str(out))
    assert code == 2
    assert "give a new" in err


def test_stratify_names_a_misspelt_uptake_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "lesions.csv"
    path.write_text(
        "patient,lesion,site,size_mm,suv_max_psma,suv_liver\np1,l1,bone,12,25,6\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "stratify", str(path))
    assert code == 0
    assert "no column 'suvmax_psma'" in err
    assert "did you mean 'suv_max_psma'?" in err
    path.write_text(
        "patient,lesion,site,size_mm,SUVmax_PSMA,suv_liver\np1,l1,bone,12,25,6\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "stratify", str(path))
    assert "did you mean 'SUVmax_PSMA'?" in err
    # spaces around a header are not part of its name
    path.write_text(
        "patient,lesion,site,size_mm, suvmax_psma ,suv_liver\np1,l1,bone,12,25,6\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "stratify", str(path), "--rule", "vision", "--json")
    assert code == 0, err
    assert json.loads(out)["results"][0]["status"] == "eligible"
    # a patient-table column that an optional criterion reads
    labs = tmp_path / "labs.csv"
    labs.write_text("patient,ki67\np1,30\n", encoding="utf-8")
    code, _, err = run(capsys, "stratify", str(path), "--patients", str(labs))
    assert "no column 'ki67_percent'" in err
    assert "did you mean 'ki67'?" in err


def test_help_lists_every_bundled_rule() -> None:
    from radiochain.cli.clinical import BUILTIN_RULES
    from radiochain.clinical.stratify import builtin_rules

    assert set(BUILTIN_RULES) == set(builtin_rules())


def test_to_demand_from_a_json_network(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from radiochain.network.examples import load_example
    from radiochain.network.io import read_network, write_json

    source = write_json(load_example("tiny"), tmp_path / "tiny.json")
    plans = tmp_path / "plans.csv"
    plans.write_text(
        "patient,hospital,product,first_date,cycles,interval_d\n"
        "p99,hospital-a,lu177-psma,2026-02-02,2,42\n",
        encoding="utf-8",
    )
    for out in (tmp_path / "as-folder", tmp_path / "as.json"):
        code, _, err = run(capsys, "to-demand", str(plans), str(source), "--out", str(out))
        assert code == 0, err
        assert "p99-c2" in read_network(out).demand.index
        code, _, err = run(capsys, "to-demand", str(plans), str(source), "--out", str(out))
        assert code == 2
        assert "give a new" in err


def test_spreadsheet_trailing_commas_and_quoted_commas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tac.csv"
    path.write_text(
        "patient,region,time_h,activity_mbq,mass_g,\n"
        "007,kidneys,4,100,300,\n007,kidneys,24,80,,\n007,kidneys,48,60,,\n"
        '007,kidneys,96,35,,\n007,"lesion, rib",4,10,12,\n007,"lesion, rib",24,9,,\n'
        '007,"lesion, rib",48,8,,\n007,"lesion, rib",96,6,,\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "dosimetry", str(path), "--administered", "7.4 GBq", "--json")
    assert code == 0, err
    regions = json.loads(out)["regions"]
    assert {r["patient"] for r in regions} == {"007"}  # identifiers stay text
    assert {r["region"] for r in regions} == {"kidneys", "lesion, rib"}
    assert {r["mass_g"] for r in regions} == {300.0, 12.0}  # given on the first row only


def test_activity_plan_flows_into_demand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """dosimetry coefficients -> personalized activity -> plans row -> appointments."""
    from radiochain.network.examples import copy_example
    from radiochain.network.io import read_network

    network = copy_example("tiny", tmp_path / "tiny")
    patient = tmp_path / "patient.yaml"
    patient.write_text(
        "patient: q1\nmax_activity: 7.4 GBq\n"
        "organs:\n  kidneys: {dose_per_activity_gy_per_gbq: 0.9}\n"
        "regimen: {hospital: hospital-a, product: lu177-psma, first_date: 2026-03-02, "
        "interval_d: 42, window_d: 7}\n",
        encoding="utf-8",
    )
    plans = tmp_path / "plans.csv"
    plans.write_text(
        "patient,hospital,product,first_date,cycles,interval_d,window_d,activity\n"
        "old,hospital-b,lu177-psma,2026-03-03,2,42,,6.8 GBq",  # no final newline
        encoding="utf-8",
    )
    before = plans.read_text(encoding="utf-8")
    code, out, err = run(capsys, "activity", str(patient), "--plans", str(plans), "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plans.read_text(encoding="utf-8").startswith(before)
    # 23 Gy / 0.9 Gy/GBq = 25.6 GBq: 3 cycles of 7.4 GBq
    row = plans.read_text(encoding="utf-8").splitlines()[-1]
    assert row == f"q1,hospital-a,lu177-psma,2026-03-02,{plan['cycles']},42,7,7.40 GBq"
    code, _, err = run(capsys, "activity", str(patient), "--plans", str(plans))
    assert code == 2
    assert "has a plan already" in err
    code, _, err = run(
        capsys, "to-demand", str(plans), str(network), "--out", str(tmp_path / "new")
    )
    assert code == 0, err
    demand = read_network(tmp_path / "new").demand
    assert f"q1-c{plan['cycles']}" in demand.index


@pytest.mark.parametrize(
    ("header", "guess"),
    [("mass", "mass_g"), ("knd", "kind"), ("sigma_mbg", "sigma_mbq"), ("activity", "activity_mbq")],
)
def test_tac_misspelt_column_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str, guess: str
) -> None:
    # a misspelt mass_g would silently fall back to the reference organ mass
    path = tmp_path / "tac.csv"
    path.write_text(
        f"patient,region,time_h,activity_mbq,{header}\np1,kidneys,4,100,200\n"
        "p1,kidneys,24,80,200\np1,kidneys,48,60,200\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "dosimetry", str(path), "--administered", "7.4 GBq")
    assert code == 2
    assert f"did you mean {guess!r}?" in err


def test_dosimetry_out_without_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tac = write_tac(tmp_path / "tac.csv")
    out = tmp_path / "out"
    code, stdout, err = run(
        capsys, "dosimetry", str(tac), "--administered", "7.4 GBq", "--out", str(out),
        "--no-report", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["regions.csv"]
    assert json.loads(stdout)["files"] == {"regions": str(out / "regions.csv")}
    code, _, err = run(capsys, "dosimetry", str(tac), "--administered", "7.4 GBq", "--out", "")
    assert code == 2
    assert "--out: empty path" in err


def test_release_names_the_dataset(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "release", "Lu-177", "7.4 GBq", "--dataset", "icrp107", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["dataset"] == "icrp107"
    assert "nuclear_data" not in payload
    code, out, _ = run(capsys, "release", "Lu-177", "7.4 GBq")
    assert "nuclear data radiochain" in out


def test_dosimetry_icrp107_says_where_the_energies_come_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # radioactivedecay's ICRP-107 has no emission energies: a dose > 0 from the bundled
    # energies, said on stderr and in --json, never a silent 0 Gy
    tac = str(write_tac(tmp_path / "tac.csv"))
    code, out, err = run(capsys, "dosimetry", tac, "--administered", "7.4 GBq", "--json")
    own = json.loads(out)
    code, out, err = run(
        capsys, "dosimetry", tac, "--administered", "7.4 GBq", "--dataset", "icrp107", "--json"
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["energy_dataset"] == "radiochain"
    assert "icrp107 dataset has no emission energies" in err
    for a, b in zip(own["regions"], payload["regions"], strict=True):
        assert b["absorbed_dose_gy"] > 0
        assert b["s_value_gy_per_bq_s"] == pytest.approx(a["s_value_gy_per_bq_s"], rel=1e-12)


def test_release_says_no_restriction_when_none_is_needed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 0.2 GBq of Lu-177 cleared mostly within hours: a partner at 1 m for 8 h a day gets far
    # less than 1 mSv over all time, so no period is needed (never "restrict 0.0 d")
    code, out, _ = run(capsys, "release", "Lu-177", "0.2 GBq", "--clearance", "0.9:2 h, 0.1:50 h")
    assert code == 0
    assert "partner          no restriction" in out
    assert "restrict 0.0 d" not in out


def test_stratify_applies_rule_and_rule_file_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lesions = write_lesions(tmp_path / "lesions.csv")
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        "rule: mine\nagent: lu177-psma-617\ncitation: test\n"
        "criteria:\n  - id: ratio\n    lesions: suvmax_psma / suv_liver > 2\n",
        encoding="utf-8",
    )
    args = ("stratify", str(lesions), "--rule-file", str(mine), "--rule", "vision", "--json")
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert {r["rule"] for r in json.loads(out)["results"]} == {"vision", "mine"}
    # suv_liver 0 for p2: the ratio has no value, so p2 is not evaluable (x/0 is not a pass)
    text = lesions.read_text(encoding="utf-8")
    lesions.write_text(text.replace("p2,L1,liver,15,3,5,9", "p2,L1,liver,15,30,0,9"))
    code, out, _ = run(capsys, "stratify", str(lesions), "--rule-file", str(mine), "--json")
    mine_p2 = [r for r in json.loads(out)["results"] if (r["rule"], r["patient"]) == ("mine", "p2")]
    assert mine_p2[0]["status"] == "not evaluable"
