"""Typed route parameters: text in, base units out, one line per refusal; fuzzed.

Facts from outside the code: 1 d = 86,400 s, 1 mCi = 3.7e7 Bq, 82 % = 0.82; dates that do not
exist (2026-02-30); the documented limits of docs/nomenclature.md.
"""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from radiochain.errors import InputError, one_line
from radiochain.physics.production.generators import GeneratorParameters
from radiochain.physics.production.online import Lu177OnlineParameters
from radiochain.physics.production.parameters import Amount, RouteParameters
from radiochain.physics.production.routes import ROUTES, parameter_specs
from radiochain.physics.production.routes_ac225 import CowParameters
from radiochain.physics.production.routes_lu177 import Lu177DirectParameters

DAY = 86400.0
LU = {"target_mass": "10 mg", "enrichment": "0.82", "thermal_flux": "1e14"}

# the smallest valid text for every required parameter of every route
REQUIRED = {
    "target_mass": "10 mg",
    "enrichment": "0.82",
    "thermal_flux": "1e14",
    "th229": "100 mCi",
    "beam_current": "20",
    "ra226": "37 MBq",
    "parent_activity": "1 GBq",
}


def minimal(route: str) -> dict[str, object]:
    kind = ROUTES[route].parameter_type
    return {name: REQUIRED[name] for name in kind.required()}


def test_text_is_read_into_base_units() -> None:
    p = Lu177DirectParameters.parse({**LU, "irradiation": "1 d 12 h", "cooling": "2 d"})
    assert (p.target_mass, p.enrichment, p.thermal_flux) == (0.01, 0.82, 1e14)
    assert p.irradiation == 1.5 * DAY
    assert p.cooling == 2 * DAY
    assert Lu177DirectParameters.parse({**LU, "enrichment": "82 %"}).enrichment == 0.82
    cow = CowParameters.parse({"th229": "100 mCi", "milkings": "3"})
    assert cow.th229 == Amount(3.7e9, "activity")
    assert CowParameters.parse({"th229": "0.5 g"}).th229 == Amount(0.5, "mass")


def test_defaults_are_the_documented_ones() -> None:
    p = Lu177DirectParameters.parse(LU)
    assert (p.epithermal_flux, p.irradiation, p.cooling, p.product) == (0.0, 7 * DAY, 0.0, "Lu-177")
    g = GeneratorParameters.parse({"parent_activity": "1 GBq"})
    assert (g.interval, g.elutions, g.efficiency, g.breakthrough) == (86400.0, 5, 1.0, 0.0)


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("irradiation", "7", ["--irradiation", "'7 d'"]),
        ("cooling", "1", ["--cooling", "no unit"]),
        ("target_mass", "10", ["--target-mass", "'10 mg'"]),
        ("irradiation", "0 d", ["--irradiation", "more than 0 s"]),
        ("irradiation", "1000 y", ["--irradiation", "at most 10 y"]),
        ("irradiation", "nan d", ["--irradiation"]),
        ("cooling", "-1 d", ["--cooling", "negative"]),
        ("enrichment", "1.5", ["--enrichment", "at most 1"]),
        ("enrichment", "0", ["--enrichment", "more than 0"]),
        ("enrichment", "150 %", ["--enrichment"]),
        ("enrichment", "0.82 mg", ["--enrichment", "'82 %'"]),
        ("thermal_flux", "1e14 n/cm2/s", ["--thermal-flux", "n cm⁻² s⁻¹"]),
        ("thermal_flux", "-1e14", ["--thermal-flux", "at least 0"]),
        ("thermal_flux", "1e300", ["--thermal-flux", "at most"]),
        ("target_mass", "2 kg", ["--target-mass", "at most 1 kg"]),
        ("target_mass", "10 GBq", ["--target-mass", "unknown unit"]),
        ("product", "Xx-999", ["Xx-999"]),
    ],
)
def test_bad_text_is_one_line_naming_the_option(name: str, text: str, words: list[str]) -> None:
    with pytest.raises(InputError) as err:
        Lu177DirectParameters.parse({**LU, name: text})
    message = str(err.value)
    assert message == one_line(message)
    for word in words:
        assert word in message


def test_counts_and_dates_have_limits() -> None:
    for text in ("0", "1001", "2.5", "1e3", "six"):
        with pytest.raises(InputError, match="--milkings"):
            CowParameters.parse({"th229": "1 mCi", "milkings": text})
    assert CowParameters.parse({"th229": "1 mCi", "milkings": "1000"}).milkings == 1000
    for text, words in [
        ("2026-02-30", "not a valid date"),
        ("9999-12-31", "2100-12-31"),
        ("1999-12-31", "2000-01-01"),
        ("", "not a date"),
        ("05/01/2026", "YYYY-MM-DD"),
    ]:
        with pytest.raises(InputError, match=words):
            Lu177OnlineParameters.parse({**LU, "start": text})
    p = Lu177OnlineParameters.parse({**LU, "start": "2026-01-05"})
    assert p.start == datetime.date(2026, 1, 5)
    with pytest.raises(InputError, match="--weeks-in-core"):
        Lu177OnlineParameters.parse({**LU, "weeks_in_core": "53"})
    with pytest.raises(InputError, match="--targets"):
        Lu177OnlineParameters.parse({**LU, "targets": "521"})


def test_outages_read_durations_or_dates_after_start() -> None:
    p = Lu177OnlineParameters.parse(
        {**LU, "start": "2026-01-05", "outages": ["2026-01-15/2026-01-20", "30 d/35 d"]}
    )
    assert p.outages == ((10 * DAY, 15 * DAY), (30 * DAY, 35 * DAY))
    for outages, words in [
        (["2026-01-15/2026-01-20"], "--start"),  # a date needs the start date
        (["30/45"], "no unit"),
        (["30 d"], "begin/end"),
        (["45 d/30 d"], "before it begins"),
        (["10 d/20 d", "15 d/25 d"], "overlap"),
    ]:
        with pytest.raises(InputError, match=words):
            Lu177OnlineParameters.parse({**LU, "outages": outages})


def test_python_construction_is_validated_too() -> None:
    with pytest.raises(InputError, match="--target-mass"):
        Lu177DirectParameters(target_mass=-1.0, enrichment=0.82, thermal_flux=1e14)
    with pytest.raises(InputError, match="no neutrons"):
        Lu177DirectParameters(target_mass=0.01, enrichment=0.82, thermal_flux=0.0)
    p = Lu177DirectParameters(target_mass=0.01, enrichment=0.82, thermal_flux=1e14, cooling="1 d")
    assert p.cooling == DAY  # text is read, numbers are base units


def test_unknown_and_missing_parameters_are_named() -> None:
    with pytest.raises(InputError, match="does not take beam_current"):
        Lu177DirectParameters.parse({**LU, "beam_current": "3"})
    with pytest.raises(InputError, match="needs --enrichment, --thermal-flux"):
        Lu177DirectParameters.parse({"target_mass": "10 mg"})


def test_json_keys_carry_units() -> None:
    p = CowParameters.parse({"th229": "0.5 g", "cooling": "1 d"})
    assert p.to_dict() == {
        "th229_g": 0.5,
        "interval_s": 14 * DAY,
        "milkings": 6,
        "ac_yield_fraction": 1.0,
        "ra_removed_fraction": 0.0,
        "cooling_s": DAY,
        "product": "Ac-225",
    }
    online = Lu177OnlineParameters.parse({**LU, "start": "2026-01-05", "outages": ["1 d/2 d"]})
    data = online.to_dict()
    assert data["start"] == "2026-01-05"
    assert data["outages_s"] == [[DAY, 2 * DAY]]
    assert data["thermal_flux_per_cm2_s"] == 1e14


def test_one_concept_one_spec_and_cooling_everywhere() -> None:
    specs = parameter_specs()  # raises if a name has two meanings
    assert set(specs["cooling"][1]) == set(ROUTES)
    assert set(specs["product"][1]) == set(ROUTES)
    for route in ROUTES.values():
        assert issubclass(route.parameter_type, RouteParameters)
        route.parameter_type.parse(minimal(route.name))  # the required ones suffice


# -- fuzzing: any text for any parameter is a value or one InputError line ---------------------

TEXT = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\A[-+]?[0-9.eE+-]{1,12}\s?(%|d|h|s|y|mg|g|kg|GBq|mCi|µA|nan|inf)?\Z"),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}(/\d{4}-\d{2}-\d{2})?\Z"),
    st.from_regex(r"\A[-0-9.]{1,6} ?[a-z]{0,3}/[-0-9.]{1,6} ?[a-z]{0,3}\Z"),
)
CASES = [(route, name) for route in ROUTES for name in ROUTES[route].parameter_type.specs()]


@pytest.mark.parametrize(("route", "name"), CASES, ids=[f"{r}:{n}" for r, n in CASES])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT)
def test_any_text_is_a_value_or_one_input_error(route: str, name: str, text: str) -> None:
    kind = ROUTES[route].parameter_type
    given_ = {**minimal(route), "start": "2026-01-05"} if name == "outages" else minimal(route)
    given_ = {k: v for k, v in given_.items() if k in kind.specs()}
    given_[name] = [text] if name == "outages" else text
    try:
        parsed = kind.parse(given_)
    except InputError as err:
        message = str(err)
        assert message
        assert message == one_line(message)  # one line, at most 300 characters
        return
    assert isinstance(parsed, kind)
    assert parsed.to_dict()  # a parsed value can always be shown


def test_the_documented_parameter_table_lists_every_option() -> None:
    """docs/production.md's table of options cannot drift from the specs."""
    from pathlib import Path

    doc = (Path(__file__).parents[3] / "docs" / "production.md").read_text(encoding="utf-8")
    start = doc.index("### Parameters")
    table = doc[start : doc.index("\n### ", start + 1)]
    rows = [line for line in table.splitlines() if line.startswith("| `--")]
    documented = {
        flag for row in rows for flag in re.findall(r"`(--[a-z0-9-]+)`", row.split("|")[1])
    }
    specs = parameter_specs()
    assert documented == {spec.flag for spec, _ in specs.values()}
    cooling = next(row for row in rows if row.startswith("| `--cooling`"))
    assert "every route" in cooling
