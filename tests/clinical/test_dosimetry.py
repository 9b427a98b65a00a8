"""BED formulas, absorbed dose per organ, and the label-study kidney coefficient."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from radiochain.clinical.dosimetry import (
    bed,
    protraction_factor,
    protraction_factor_mono,
    region_dosimetry,
)
from radiochain.clinical.kinetics import ExponentialSum
from radiochain.errors import InputError

H = 3600.0
LN2 = math.log(2)


def test_protraction_factor_mono_matches_dale() -> None:
    # G = lambda / (lambda + mu) = T_rep / (T_rep + T_eff)  (Dale 1985)
    curve = ExponentialSum(np.array([1.0]), np.array([LN2 / (40 * H)]))
    assert protraction_factor(curve, 2.8 * H) == pytest.approx(2.8 / (2.8 + 40), rel=1e-12)
    assert float(protraction_factor_mono(40 * H, 2.8 * H)) == pytest.approx(2.8 / 42.8)


@pytest.mark.parametrize(
    "curve",
    [
        ExponentialSum(np.array([2.0, 1.0]), np.array([LN2 / (3 * H), LN2 / (60 * H)])),
        ExponentialSum(np.array([1.0, -1.0]), np.array([LN2 / (40 * H), LN2 / (2 * H)])),
    ],
    ids=["bi-exponential", "uptake-washout"],
)
def test_protraction_factor_by_numerical_double_integral(curve: ExponentialSum) -> None:
    # G = 2 int R(t) int_0^t R(w) exp(-mu (t - w)) dw dt / D^2 (Dale 1985), by quadrature
    mu = LN2 / (2.8 * H)
    t = np.linspace(0, 2000 * H, 200001)
    rate = curve(t)
    dt = t[1] - t[0]
    # inner(t) = int_0^t R(w) e^{-mu (t-w)} dw by a recursive exponential filter
    inner = np.zeros_like(t)
    decay = math.exp(-mu * dt)
    for k in range(1, t.size):
        inner[k] = inner[k - 1] * decay + 0.5 * dt * (rate[k] + rate[k - 1] * decay)
    g = 2 * np.trapezoid(rate * inner, t) / curve.integral() ** 2
    assert protraction_factor(curve, 2.8 * H) == pytest.approx(g, rel=1e-3)


def test_bed_multicycle_sums_cycles() -> None:
    # BED = sum D + G sum D^2 / (alpha/beta)
    doses = np.array([4.0, 4.0, 3.0])
    g = 2.8 / 42.8
    assert float(bed(doses, 2.6, g)) == pytest.approx(11.0 + g * (16 + 16 + 9) / 2.6)


@given(dose=st.floats(0.0, 50.0), extra=st.floats(0.0, 10.0))
@settings(max_examples=50, deadline=None)
def test_more_dose_never_less_bed(dose: float, extra: float) -> None:
    assert float(bed(dose + extra, 2.6, 0.1)) >= float(bed(dose, 2.6, 0.1))


def _tac(t_eff_h: float, uptake_fraction: float, a0: float) -> pd.DataFrame:
    times = np.array([4.0, 24.0, 48.0, 96.0, 168.0])
    act = uptake_fraction * a0 * np.exp(-LN2 * times / t_eff_h)
    return pd.DataFrame(
        {
            "patient": "p1",
            "region": "kidneys",
            "time_h": times,
            "activity_mbq": act / 1e6,
            "administered_activity_gbq": a0 / 1e9,
        }
    )


@given(a0=st.floats(1e9, 1e10), factor=st.floats(1.0, 3.0))
@settings(max_examples=10, deadline=None)
def test_more_activity_never_less_dose(a0: float, factor: float) -> None:
    low = region_dosimetry(_tac(40.0, 0.02, a0))[0].dose_gy
    high = region_dosimetry(_tac(40.0, 0.02, a0 * factor))[0].dose_gy
    assert high >= low * (1 - 1e-6)


def test_dose_is_tia_times_s() -> None:
    (reg,) = region_dosimetry(_tac(40.0, 0.02, 7.4e9))
    assert reg.dose_gy == pytest.approx(reg.fit.tia * reg.s_value)
    # mono-exponential data: TIA = A0 f T_eff / ln2
    assert reg.fit.tia == pytest.approx(0.02 * 7.4e9 * 40 * H / LN2, rel=1e-5)


def test_lesion_without_mass_is_an_input_error() -> None:
    tac = _tac(40.0, 0.02, 7.4e9).assign(kind="lesion", region="L1")
    with pytest.raises(InputError, match="lesion needs its mass"):
        region_dosimetry(tac)


def test_negative_activity_row_is_reported() -> None:
    tac = _tac(40.0, 0.02, 7.4e9)
    tac.loc[2, "activity_mbq"] = -5
    with pytest.raises(InputError, match=r"row 4: field .activity_mbq. = -5 is negative"):
        region_dosimetry(tac)


def test_blood_curve_gives_red_marrow_self_dose() -> None:
    # EANM blood-based method: marrow TIA = blood concentration TIA x RMBLR x marrow mass; for
    # Lu-177 the 1170 g marrow absorbs its electrons, so D ~ [Ã_blood] x RMBLR x Δ_e (analytic
    # non-penetrating limit), a few per cent more with the photons it also absorbs
    from radiochain.physics.nuclide import Nuclide

    c0, t_eff = 2e-3, 20.0  # MBq/mL at t=0, h
    times = np.array([0.5, 2.0, 6.0, 24.0, 48.0, 96.0])
    tac = pd.DataFrame(
        {
            "patient": "p1",
            "region": "blood",
            "kind": "blood",
            "time_h": times,
            "activity_mbq": c0 * np.exp(-LN2 * times / t_eff),
            "administered_activity_gbq": 7.4,
        }
    )
    with pytest.warns(UserWarning, match="cross-dose"):
        (reg,) = region_dosimetry(tac)
    assert reg.region == "red_marrow (from blood)"
    assert reg.mass_g == 1170
    tia_per_g = c0 * 1e6 * t_eff * H / LN2  # Bq s per mL (= per g of marrow, RMBLR 1)
    delta_e = Nuclide("Lu-177").mean_energy["electron"] * 1.602176634e-13  # J per decay
    nonpenetrating = tia_per_g * delta_e * 1e3  # Gy (J/kg with 1 g = 1e-3 kg)
    assert 1.0 <= reg.dose_gy / nonpenetrating <= 1.10
    doubled = tac.assign(rmblr=2.0)
    with pytest.warns(UserWarning, match="RMBLR 2"):
        (reg2,) = region_dosimetry(doubled)
    assert reg2.dose_gy == pytest.approx(2 * reg.dose_gy)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("kind", "tumour", "field 'kind'"),
        ("mass_g", 0.0, "give a mass > 0"),
        ("rmblr", -1.0, "field 'rmblr'"),
    ],
)
def test_bad_region_fields_are_input_errors(column: str, value: object, message: str) -> None:
    tac = _tac(40.0, 0.02, 7.4e9).assign(**{column: value})
    if column == "rmblr":
        tac = tac.assign(kind="blood")
    with pytest.raises(InputError, match=message):
        region_dosimetry(tac)


def test_alpha_emitter_progeny_are_counted_in_situ() -> None:
    # Ac-225's daughters (Fr-221, At-217, Bi-213, Po-213...) each decay once per Ac-225 decay
    # at the site: their energies add with their yields (the non-penetrating sum is the check)
    from radiochain.clinical.svalues import _chain_yields
    from radiochain.physics.nuclide import Nuclide

    tac = _tac(200.0, 0.02, 8e6).assign(nuclide="Ac-225", mass_g=310.0)
    with pytest.warns(UserWarning, match="non-penetrating"):
        (chain,) = region_dosimetry(tac)
    with pytest.warns(UserWarning, match="non-penetrating"):
        (alone,) = region_dosimetry(tac, chain=False)
    yields = _chain_yields(Nuclide("Ac-225"))
    energy = {  # non-penetrating: electrons and alphas absorbed, photons ignored
        n: sum(v for k, v in Nuclide(n).mean_energy.items() if k != "photon" and v == v)
        for n in yields
    }
    expected = sum(yields[n] * energy[n] for n in yields) / energy["Ac-225"]
    assert chain.dose_gy / alone.dose_gy == pytest.approx(expected, rel=1e-9)
    assert 4.5 < expected < 5.2
    # a daughter that outlives the parent by far (Tc-99 after Tc-99m) leaves the body first
    assert set(_chain_yields(Nuclide("Tc-99m"))) == {"Tc-99m"}


def test_blank_ids_and_inconsistent_region_fields_are_errors() -> None:
    tac = _tac(40.0, 0.02, 7.4e9)
    blank = tac.astype({"region": object})
    blank.loc[3, "region"] = " "
    with pytest.raises(InputError, match="row 5: field 'region' is empty"):
        region_dosimetry(blank)
    mixed = tac.assign(mass_g=[300.0, 300.0, 310.0, 300.0, 300.0])
    with pytest.raises(InputError, match="'mass_g' differs between rows"):
        region_dosimetry(mixed)


def test_wrong_nuclide_is_flagged() -> None:
    # a 40 h clearance cannot belong to Lu-178 (half-life 28 min)
    tac = _tac(40.0, 0.02, 7.4e9).assign(nuclide="Lu-178")
    with (
        pytest.warns(UserWarning, match="non-penetrating"),
        pytest.warns(UserWarning, match="slower than the physical decay of Lu-178"),
    ):
        region_dosimetry(tac)


# ---------------------------------------------------------------- the dosimetry workflow


def test_assess_dosimetry_keeps_warnings_in_the_result(tmp_path: Path) -> None:
    import warnings

    from radiochain.clinical.dosimetry import assess_dosimetry
    from radiochain.clinical.kinetics import ClinicalWarning

    tac = _tac(40.0, 0.0001, 7.4e9).assign(region="blood", kind="blood")  # MBq per mL
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = assess_dosimetry(tac, source="tac.csv")
    assert not [w for w in caught if issubclass(w.category, ClinicalWarning)]
    assert any("cross-dose" in note for note in result.warnings)  # marrow from blood: self only
    payload = result.to_dict()
    assert (payload["dataset"], payload["tac"], payload["out"]) == ("radiochain", "tac.csv", None)
    json.dumps(payload, allow_nan=False)


def test_dosimetry_result_writes_its_table(tmp_path: Path) -> None:
    from radiochain.clinical.dosimetry import assess_dosimetry

    result = assess_dosimetry(_tac(40.0, 0.02, 7.4e9))
    files = result.write(tmp_path / "out", report=False)
    assert files == {"regions": str(tmp_path / "out" / "regions.csv")}
    table = pd.read_csv(tmp_path / "out" / "regions.csv")
    assert table["region"].tolist() == ["kidneys"]
    # mono-exponential, 2 % of 7.4 GBq with T_eff 40 h: TIA = A0 f T_eff / ln 2
    expected = 0.02 * 7.4e9 * 40 * H / LN2
    assert table["time_integrated_activity_bq_s"].iloc[0] == pytest.approx(expected, rel=1e-4)
    assert result.out == tmp_path / "out"


def test_dosimetry_uses_the_datasets_half_life() -> None:
    # the trapezoid's tail after the last point is A_last T_phys / ln 2, with the half-life of
    # the dataset chosen: Lu-177 6.6443 d (radiochain, ENSDF) or 6.647 d (ICRP-107)
    from radiochain.clinical.dosimetry import assess_dosimetry

    tac = _tac(40.0, 0.02, 7.4e9)
    tia = {}
    for dataset in ("radiochain", "icrp107"):
        result = assess_dosimetry(tac, model="trapezoid", dataset=dataset)
        assert (result.dataset, result.regions[0].nuclide) == (dataset, "Lu-177")
        tia[dataset] = result.regions[0].fit.tia
    last = float(tac["activity_mbq"].iloc[-1]) * 1e6
    expected = last * (6.647 - 6.6443) * 86400 / LN2
    assert tia["icrp107"] - tia["radiochain"] == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"administered_activity": math.nan}, "administered activity"),
        ({"administered_activity": -7.4e9}, "administered activity"),
        ({"model": "quadratic"}, "'quadratic' is not one of"),
        ({"nuclide": "Lu-999"}, "Lu-999"),
    ],
)
def test_region_dosimetry_validates_its_arguments(changes: dict[str, object], message: str) -> None:
    tac = _tac(40.0, 0.02, 7.4e9).drop(columns="administered_activity_gbq")
    with pytest.raises(InputError, match=re.escape(message)):
        region_dosimetry(tac, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cell", "message"),
    [("lots", "'lots' is not a number"), ("inf", "not a finite number"), ("", "is empty")],
)
def test_tac_cells_that_are_not_numbers(cell: str, message: str) -> None:
    from radiochain.clinical.tables import parse_table

    text = f"patient,region,time_h,activity_mbq\np1,kidneys,4,100\np1,kidneys,24,{cell}\n"
    with pytest.raises(InputError, match=rf"tac.csv: row 3: field 'activity_mbq'.*{message}"):
        region_dosimetry(parse_table(text), administered_activity=7.4e9, source="tac.csv")


def test_icrp107_dose_uses_the_bundled_emission_energies() -> None:
    # radioactivedecay's ICRP-107 carries half-lives and branchings, no emission energies: the
    # energies come from the bundled dataset, so the S-value is the same and the dose differs
    # only through the half-life in the TIA (D = TIA x S); the result names where they came from
    from radiochain.clinical.dosimetry import assess_dosimetry

    tac = _tac(40.0, 0.02, 7.4e9)
    own = assess_dosimetry(tac, model="trapezoid")
    icrp = assess_dosimetry(tac, model="trapezoid", dataset="icrp107")
    (a,), (b,) = own.regions, icrp.regions
    assert b.dose_gy > 0
    assert b.s_value == pytest.approx(a.s_value, rel=1e-12)
    assert b.dose_gy / a.dose_gy == pytest.approx(b.fit.tia / a.fit.tia, rel=1e-12)
    assert b.dose_gy == pytest.approx(a.dose_gy, rel=1e-3)  # 6.647 d vs 6.6443 d
    payload = icrp.to_dict()
    assert (payload["dataset"], payload["energy_dataset"]) == ("icrp107", "radiochain")
    assert any("no emission energies" in note for note in icrp.warnings)
    assert own.to_dict()["energy_dataset"] == "radiochain"
    assert not any("no emission energies" in note for note in own.warnings)


@pytest.mark.filterwarnings("ignore:no particle ranges")
def test_icrp107_chain_s_value_matches_with_the_same_energies() -> None:
    # Ac-225 in situ: the same energies per decay, ICRP-107's branchings (At-217 -> Bi-213,
    # Bi-213 -> Po-213/Tl-209 within 1e-4 of ENSDF's): the S-values agree to 1e-3
    from radiochain.clinical.svalues import sphere_s_value
    from radiochain.physics.nuclide import Nuclide

    own = float(sphere_s_value(Nuclide("Ac-225"), 100.0, chain=True))
    icrp = float(sphere_s_value(Nuclide("Ac-225", "icrp107"), 100.0, chain=True))
    assert icrp > 0
    assert icrp == pytest.approx(own, rel=1e-3)


@pytest.mark.parametrize("dataset", ["radiochain", "icrp107"])
def test_a_stable_nuclide_is_refused(dataset: str) -> None:
    tac = _tac(40.0, 0.02, 7.4e9)
    with pytest.raises(InputError, match="Hf-177 is stable"):
        region_dosimetry(tac, nuclide="Hf-177", dataset=dataset)
    tac["nuclide"] = "Hf-177"
    with pytest.raises(InputError, match="field 'nuclide': Hf-177 is stable"):
        region_dosimetry(tac, dataset=dataset)


def test_icrp107_nuclide_without_bundled_energies_is_refused() -> None:
    # Cs-137 is in ICRP-107 but not in the bundled dataset: no energies anywhere, no 0 Gy
    with pytest.raises(InputError, match="icrp107 dataset has no emission energies"):
        region_dosimetry(_tac(40.0, 0.02, 7.4e9), nuclide="Cs-137", dataset="icrp107")


@given(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=12, unique=True))
@settings(max_examples=50, deadline=None)
def test_report_names_never_share_a_file(patients: list[str]) -> None:
    # distinct patients get distinct report files, also where the file system ignores case
    from radiochain.clinical.dosimetry import report_names

    stems = report_names(patients)
    assert list(stems) == patients
    assert len({s.casefold() for s in stems.values()}) == len(patients)
    assert all("/" not in s and "\\" not in s and s for s in stems.values())


def test_patients_whose_names_clash_get_their_own_reports(tmp_path: Path) -> None:
    from radiochain.clinical.dosimetry import assess_dosimetry

    one = _tac(40.0, 0.02, 7.4e9)
    tac = pd.concat([one.assign(patient="p/1"), one.assign(patient="p_1")], ignore_index=True)
    result = assess_dosimetry(tac)
    calls: list[tuple[int, int]] = []
    files = result.write(tmp_path / "out", progress=lambda done, total: calls.append((done, total)))
    reports = files["reports"]
    assert isinstance(reports, list)
    assert len(reports) == len(set(reports)) == 6  # HTML, PDF, PNG for each patient
    assert all(Path(f).is_file() for f in reports)
    assert [p.name for p in result.reports["p/1"]] == ["p_1.html", "p_1.pdf", "p_1.png"]
    assert result.reports["p_1"][0].name == "p_1-2.html"
    assert calls == [(1, 2), (2, 2)]
