"""``produce()``: the one workflow under ``radiochain produce`` and the service.

Facts from outside the code: half-lives (Lu-177 6.647 d, Ac-225 9.92 d, Tc-99m 6.0067 h;
tests/data/SOURCES.md), so ``--cooling`` by one half-life halves the product; JSON allows no
NaN; the documented limits of docs/nomenclature.md.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from radiochain.errors import InputError
from radiochain.physics.datasets import get_dataset
from radiochain.physics.production import DEFAULT_SEED, RouteResult, produce
from radiochain.physics.production.routes import ROUTES, get_route
from radiochain.physics.production.routes_lu177 import Lu177DirectParameters

DAY = 86400.0
HOUR = 3600.0
LU = {"target_mass": "10 mg", "enrichment": "82 %", "thermal_flux": "1e14"}
EVERY_ROUTE = {
    "lu177-direct": LU,
    "lu177-indirect": {"target_mass": "1 g", "enrichment": "0.97", "thermal_flux": "1e14"},
    "lu177-online": {**LU, "targets": "3"},
    "ac225-th229-cow": {"th229": "100 mCi", "milkings": "3"},
    "ac225-spallation": {"beam_current": "72.5", "irradiation": "36.5 h"},
    "ac225-ra226-p2n": {"ra226": "37 MBq", "beam_current": "20"},
    "ga68-generator": {"parent_activity": "1.85 GBq", "interval": "6 h"},
    "tc99m-generator": {"parent_activity": "10 GBq"},
    "re188-generator": {"parent_activity": "10 GBq", "interval": "2 d"},
    "bi213-generator": {"parent_activity": "1 GBq", "interval": "3 h"},
}


def half_life(nuclide: str) -> float:
    data = get_dataset("radiochain")
    return float(data.half_life_s[data.lookup(nuclide)])


def test_every_route_runs_and_its_json_is_clean() -> None:
    assert set(EVERY_ROUTE) == set(ROUTES)
    for route, parameters in EVERY_ROUTE.items():
        result = produce(route, parameters)
        assert isinstance(result, RouteResult)
        payload = result.to_dict()
        text = json.dumps(payload, allow_nan=False)  # no NaN, no NumPy types
        assert payload["route"] == route
        assert payload["dataset"] == "radiochain"
        assert payload["dataset_version"]
        assert "cooling_s" in payload["parameters"]
        assert "NaN" not in text
        assert "Infinity" not in text
        for name, value, _ in result.value_rows():
            assert value, (route, name)
            assert "nan" not in value, (route, name)
            assert "None" not in value, (route, name)
            assert not re.search(r"\de[+-]?\d", value), (route, name, value)  # no e-notation


def test_workflow_equals_the_route_it_runs() -> None:
    """The workflow adds reading and checking, not physics: same numbers as Lu177Direct.run."""
    result = produce("lu177-direct", {**LU, "irradiation": "7 d"})
    direct = get_route("lu177-direct").run(
        target_mass="10 mg", enrichment=0.82, thermal_flux=1e14, irradiation="7 d"
    )
    assert result.values["activity_eob_bq"] == direct.activity_eob
    assert result.values["lu177m_eob_ratio"] == direct.lu177m_ratio_eob
    typed = Lu177DirectParameters(target_mass=0.01, enrichment=0.82, thermal_flux=1e14)
    assert produce("lu177-direct", typed).values == result.values


@pytest.mark.parametrize(
    ("route", "parameters", "nuclide", "rel"),
    [
        ("lu177-direct", LU, "Lu-177", 1e-3),  # Lu-177m -> Lu-177 (IT) adds ~1e-5
        ("lu177-indirect", EVERY_ROUTE["lu177-indirect"], "Lu-177", 1e-3),
        ("ac225-spallation", EVERY_ROUTE["ac225-spallation"], "Ac-225", 0.3),  # Ra-225 feeds
        ("ac225-ra226-p2n", EVERY_ROUTE["ac225-ra226-p2n"], "Ac-225", 1e-6),
    ],
)
def test_cooling_one_half_life_halves_the_product(
    route: str, parameters: dict[str, str], nuclide: str, rel: float
) -> None:
    cooled = produce(route, {**parameters, "cooling": f"{half_life(nuclide)} s"}).values
    reference = "activity_separation_bq" if route == "lu177-indirect" else "activity_eob_bq"
    ratio = cooled["activity_bq"] / cooled[reference]
    assert ratio == pytest.approx(0.5, rel=rel)


def test_cooling_on_streams_cows_and_generators() -> None:
    """Every per-event route reports its product one half-life after each event at half."""
    lu = half_life("Lu-177")
    stream = produce("lu177-online", {**LU, "targets": "3", "cooling": f"{lu} s"}).table
    assert stream is not None
    ratio = stream["activity_bq"] / stream["activity_eob_bq"]
    assert np.allclose(ratio, 0.5, rtol=1e-3)
    cow = produce("ac225-th229-cow", {"th229": "100 mCi", "cooling": f"{half_life('Ac-225')} s"})
    assert cow.table is not None
    assert np.allclose(cow.table["activity_bq"] / cow.table["activity_milking_bq"], 0.5, 1e-6)
    tc = f"{half_life('Tc-99m')} s"
    gen = produce("tc99m-generator", {"parent_activity": "10 GBq", "cooling": tc})
    assert gen.table is not None
    assert np.allclose(gen.table["activity_bq"] / gen.table["activity_elution_bq"], 0.5, 1e-9)


def test_nothing_made_is_refused_not_a_traceback() -> None:
    """Issue 11: '--irradiation 0 d' gave KeyError 'Lu-177m'."""
    for change, words in [
        ({"irradiation": "0 d"}, "--irradiation"),
        ({"thermal_flux": "0"}, "no neutrons"),
        ({"target_mass": "0 mg"}, "--target-mass"),
        ({"enrichment": "0"}, "--enrichment"),
        ({"enrichment": "1.5"}, "--enrichment"),
        ({"irradiation": "1000 y"}, "at most 10 y"),
    ]:
        with pytest.raises(InputError, match=words):
            produce("lu177-direct", {**LU, **change})


def test_extremes_inside_the_limits_make_sense() -> None:
    """At the limits the physics still holds: a target burnt out, activity long decayed."""
    burnt = produce(
        "lu177-direct",
        {"target_mass": "1 kg", "enrichment": "1", "thermal_flux": "1e17", "irradiation": "10 y"},
    ).to_dict()
    assert burnt["lu176_burnup_fraction"] == pytest.approx(1.0)
    assert burnt["activity_eob_bq"] == pytest.approx(0.0, abs=1e-3)
    assert burnt["specific_activity_eob_bq_per_g"] is None  # no lutetium left: no SA
    # after 10 y only Lu-177m (160 d) is left, feeding Lu-177 by its IT branch b: transient
    # equilibrium, A(Lu-177m) / A(Lu-177) = (1 - lambda_m / lambda_177) / b
    cold = produce("lu177-direct", {**LU, "cooling": "10 y"}).values
    data = get_dataset("radiochain")
    m, g = data.lookup("Lu-177m"), data.lookup("Lu-177")
    b = sum(f for k, f in data.children[m] if k == g)
    expected = (1 - half_life("Lu-177") / half_life("Lu-177m")) / b
    assert cold["lu177m_ratio"] == pytest.approx(expected, rel=1e-6)


def test_samples_are_reproducible_and_bounded() -> None:
    a = produce("lu177-direct", LU, samples=300, seed=5)
    b = produce("lu177-direct", LU, samples=300, seed=5)
    assert a.intervals == b.intervals
    band = a.intervals["activity_eob_bq"]
    assert band.low < a.values["activity_eob_bq"] < band.high  # type: ignore[operator]
    assert a.to_dict()["seed"] == 5
    assert produce("lu177-direct", LU).to_dict()["intervals"] is None
    with pytest.raises(InputError, match="from 1 to 1,000,000"):
        produce("lu177-direct", LU, samples=1_000_001)
    with pytest.raises(InputError, match="--samples"):
        produce("lu177-direct", LU, samples=0)
    with pytest.raises(InputError, match="at most 5,000"):
        produce("ac225-th229-cow", {"th229": "1 mCi", "milkings": "1000"}, samples=6000)
    with pytest.raises(InputError, match="does not propagate"):
        produce("ac225-ra226-p2n", EVERY_ROUTE["ac225-ra226-p2n"], samples=10)
    with pytest.raises(InputError, match="--seed"):
        produce("lu177-direct", LU, samples=10, seed=-1)


def test_chunked_samples_follow_one_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drawn in chunks (memory bound), the samples are still the same for a seed."""
    import radiochain.physics.production.workflow as workflow

    whole = produce("tc99m-generator", {"parent_activity": "1 GBq"}, samples=50, seed=3)
    monkeypatch.setattr(workflow, "CHUNK_SAMPLES", 7)
    chunked = produce("tc99m-generator", {"parent_activity": "1 GBq"}, samples=50, seed=3)
    assert set(chunked.intervals) == set(whole.intervals)
    assert all(math.isfinite(i.median) for i in chunked.intervals.values())


def test_online_samples_fill_the_table() -> None:
    result = produce("lu177-online", {**LU, "targets": "3"}, samples=100)
    assert result.table is not None
    assert {"activity_eob_median_bq", "activity_p05_bq"} <= set(result.table.columns)
    headers, rows = result.event_rows() or ([], [])
    column = headers.index("activity after cooling [TBq]")  # the unit is in the header
    median, low, high = map(float, re.findall(r"[0-9.]+", rows[0][column]))
    table = result.table.iloc[0]
    assert median == pytest.approx(table["activity_median_bq"] / 1e12, rel=1e-3)
    assert (low, high) == pytest.approx(
        (table["activity_p05_bq"] / 1e12, table["activity_p95_bq"] / 1e12), rel=1e-3
    )
    with pytest.raises(InputError, match="--samples"):
        produce("lu177-online", {**LU, "targets": "520"}, samples=10_000)


def test_unknown_route_option_and_product() -> None:
    with pytest.raises(InputError, match="did you mean 'lu177-direct'"):
        produce("lu177-drect", LU)
    with pytest.raises(InputError, match="does not take --beam-current"):
        produce("lu177-direct", {**LU, "beam_current": "3"})
    with pytest.raises(InputError, match="cannot make Ac-225"):
        produce("lu177-direct", {**LU, "product": "Ac-225"})
    with pytest.raises(InputError, match="not Lu177DirectParameters"):
        produce("lu177-online", Lu177DirectParameters.parse(LU))


def test_text_tables_have_units() -> None:
    result = produce("lu177-direct", {**LU, "cooling": "1 d"}, samples=50)
    rows = {name: value for name, value, _ in result.value_rows()}
    assert rows["activity at end of bombardment"].endswith("TBq")
    assert rows["specific activity after cooling"].endswith("Bq/mg")
    assert rows["cooling (to the reported point)"] == "1 d"
    assert rows["Lu-176 burnt up"].endswith("%")
    assert any(line.startswith("  [1] ") for line in result.source_lines())
    frame = result.series_frame()
    assert frame.index.name == "time_s"
    assert {"Lu-177", "Lu-177m"} <= set(frame.columns)


def test_every_route_prints_its_product_and_balanced_sources() -> None:
    for route, parameters in EVERY_ROUTE.items():
        result = produce(route, parameters)
        shown = result.parameters.describe()
        assert shown["--product"] == result.product, route  # never "—"
        assert result.product == ROUTES[route].products[0]
        lines = result.source_lines()
        text = "\n".join(lines)
        assert text.count("(") == text.count(")"), (route, text)
        cited = {int(n) for line in lines if line.startswith("data ") for n in
                 re.findall(r"\[(\d+)\]", line)}  # fmt: skip
        listed = [int(m) for m in re.findall(r"^  \[(\d+)\] ", text, flags=re.MULTILINE)]
        assert listed == list(range(1, len(listed) + 1))
        assert cited == set(listed), (route, text)


def test_a_citation_with_colons_and_semicolons_stays_whole() -> None:
    # TRIUMF's citation holds ': ' and '; ' of its own: one reference, brackets balanced
    result = produce("ac225-spallation", EVERY_ROUTE["ac225-spallation"])
    references = [line for line in result.source_lines() if line.startswith("  [")]
    assert len(references) == 2
    assert "abstract: 524(21) MBq" in references[0]
    assert "17.6 MBq/uA Ra-225)" in references[0]


def test_seed_needs_samples() -> None:
    with pytest.raises(InputError, match="--seed needs --samples"):
        produce("lu177-direct", LU, seed=5)
    assert produce("lu177-direct", LU, samples=20).seed == DEFAULT_SEED
