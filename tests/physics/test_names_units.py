"""Nuclide names and units: every spelling people use, and clear errors for the rest."""

from __future__ import annotations

import pytest

from radiochain import Nuclide, UnitError, UnknownNuclideError
from radiochain.physics.names import canonical_name
from radiochain.units import (
    format_quantity,
    parse_amount,
    to_becquerel,
    to_grams,
    to_seconds,
)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("177Lu", "Lu-177"), ("Lu-177", "Lu-177"), ("lu177", "Lu-177"), ("LU177", "Lu-177"),
     ("Lu177m", "Lu-177m"), ("177mLu", "Lu-177m"), ("lu-177m", "Lu-177m"), ("99mTc", "Tc-99m"),
     (" Tc-99m ", "Tc-99m"), ("Ac225", "Ac-225"), ("18F", "F-18"), ("Y-90", "Y-90")],
)  # fmt: skip
def test_spellings(text: str, canonical: str) -> None:
    assert canonical_name(text) == canonical


def test_nuclide_equality() -> None:
    assert Nuclide("177Lu") == Nuclide("Lu-177") == Nuclide("lu177")
    assert Nuclide("Lu-177") != Nuclide("Lu-177m")
    assert len({Nuclide("177Lu"), Nuclide("Lu-177")}) == 1


@pytest.mark.parametrize("text", ["Xx-12", "Lu", "177", "Lu-17", "", "Lu-177-m"])
def test_bad_names(text: str) -> None:
    with pytest.raises(UnknownNuclideError):
        Nuclide(text)


def test_unknown_nuclide_suggests_close_names() -> None:
    with pytest.raises(UnknownNuclideError, match=r"closest: .*Lu-177"):
        Nuclide("Lu-179")


@pytest.mark.parametrize(
    ("text", "bq"),
    [("7.4 GBq", 7.4e9), ("2 mCi", 7.4e7), ("1 Ci", 3.7e10), ("37 MBq", 3.7e7), ("10 kBq", 1e4),
     ("1e3 Bq", 1e3), ("60 dpm", 1.0), ("1 µCi", 3.7e4), ("1 uCi", 3.7e4)],
)  # fmt: skip
def test_activities(text: str, bq: float) -> None:
    assert to_becquerel(text) == pytest.approx(bq, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("120 h", 432000.0), ("10 d", 864000.0), ("1 d 12 h", 129600.0), ("90 min", 5400.0),
     ("1 y", 365.2422 * 86400), ("2 wk", 1209600.0), ("3.7 us", 3.7e-6), ("5", 5.0)],
)  # fmt: skip
def test_durations(text: str, seconds: float) -> None:
    assert to_seconds(text) == pytest.approx(seconds, rel=1e-15)


def test_masses_and_amounts() -> None:
    assert to_grams("1 mg") == pytest.approx(1e-3)
    assert parse_amount("1 mg") == (pytest.approx(1e-3), "mass")
    assert parse_amount("1e15 atoms") == (1e15, "atoms")


@pytest.mark.parametrize(
    ("text", "message"),
    [("7.4 GBqq", "unknown unit 'GBqq'"), ("7.4 gbq", "did you mean 'GBq'"),
     ("-1 GBq", "negative"), ("nan GBq", "not a number"), ("inf Bq", "infinite"),
     ("GBq", "cannot read"), ("7.4", "no unit"), ("1 h", "unknown unit 'h'")],
)  # fmt: skip
def test_activity_errors(text: str, message: str) -> None:
    with pytest.raises(UnitError, match=message):
        to_becquerel(text, default_unit=None)


def test_format_quantity() -> None:
    assert format_quantity(7.4e9, "activity") == "7.4 GBq"
    assert format_quantity(86400.0, "time") == "1 d"
    assert format_quantity(0.0, "activity") == "0 Bq"


@pytest.mark.parametrize("text", ["7,4 GBq", "7,4GBq", "1,000 MBq", "7,4"])
def test_comma_in_a_number_is_named(text: str) -> None:
    from radiochain.units import to_becquerel

    with pytest.raises(UnitError, match="has a comma in its number"):
        to_becquerel(text, default_unit=None)
