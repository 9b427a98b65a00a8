"""The figures docs/network.md quotes are the figures of the code and the bundled examples
(read from the page, never typed in here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from radiochain.files import MAX_YAML_VALUES
from radiochain.network import NetworkError, read_network
from radiochain.network.examples import MAX_SYNTHETIC_HOSPITALS, copy_example, load_example
from radiochain.network.plausible import MIN_ACTIVITY_BQ, MIN_TIME_H

PAGE = (Path(__file__).parents[2] / "docs" / "network.md").read_text(encoding="utf-8")
FLAT = " ".join(PAGE.split())  # the page's words, line breaks as spaces
WORDS = {"one": 1, "two": 2, "three": 3, "seven": 7}


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def test_limits_and_floors() -> None:
    floor = re.search(r"below ([\d.]+) MBq", PAGE)
    assert floor is not None
    assert float(floor[1]) * 1e6 == MIN_ACTIVITY_BQ
    assert "shorter than a minute" in PAGE
    assert pytest.approx(1.0) == MIN_TIME_H * 60
    hospitals = re.search(r"`--hospitals` 1 to ([\d,]+)", PAGE)
    assert hospitals is not None
    assert _number(hospitals[1]) == MAX_SYNTHETIC_HOSPITALS
    values = re.search(r"expand to more than ([\d,]+) values", FLAT)
    assert values is not None
    assert _number(values[1]) == MAX_YAML_VALUES


def test_china_figures() -> None:
    china = load_example("china-2025")
    hospitals = china.sites[china.sites["kind"] == "hospital"]
    found = re.search(r"([\d,]+) hospitals with therapy wards\s+over (\d+) provinces", PAGE)
    assert found is not None
    assert (_number(found[1]), int(found[2])) == (len(hospitals), hospitals["province"].nunique())
    found = re.search(r"(\d+) sources, (\d+) facts and (\d+) estimates", PAGE)
    assert found is not None
    kinds = china.sources["kind"].value_counts()
    assert tuple(map(int, found.groups())) == (len(china.sources), kinds["fact"], kinds["estimate"])


def test_tiny_figures() -> None:
    tiny = load_example("tiny")
    found = re.search(
        r"`tiny`: (\w+) reactor, (\w+) radiopharmacy, (\w+) hospitals, (\w+) appointments", PAGE
    )
    assert found is not None
    kinds = tiny.sites["kind"].value_counts()
    counts = (kinds["reactor"], kinds["radiopharmacy"], kinds["hospital"], len(tiny.demand))
    assert tuple(WORDS[w] for w in found.groups()) == counts


def test_the_quoted_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    quoted = re.search(r"radiochain: error: (net: .*?) \.\.\. (\(all of them: .*\))\n", PAGE)
    assert quoted is not None
    folder = copy_example("tiny", tmp_path / "net")
    for file, old, new in (
        ("products.csv", "7.4 GBq", "7.4"),
        ("demand.csv", "a02,hospital-a,lu177-psma", "a02,hospital-a,ac225-psma"),
    ):
        text = (folder / file).read_text(encoding="utf-8")
        (folder / file).write_text(text.replace(old, new), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NetworkError) as info:
        read_network("net", strict=True)
    message = str(info.value)
    assert message.startswith(quoted[1])
    assert message.endswith(quoted[2])


RANGES = {
    "a dose or prescription above": [
        ("products", "dose_activity_bq"),
        ("demand", "prescribed_activity_bq"),
    ],
    "output, stock or licence above": [
        ("processes", "batch_max_bq"),
        ("producers", "capacity_per_delivery_bq"),
        ("producers", "capacity_per_week_bq"),
        ("products", "max_stock_bq"),
        ("licences", "possession_limit_bq"),
    ],
    "a shelf life above": [("products", "shelf_life_h")],
    "a transit above": [("lanes", "transit_time_h")],
    "a synthesis above": [("processes", "synthesis_time_h")],
    "a QC hold above": [("processes", "qc_hold_h")],
    "a lead time above": [("producers", "lead_time_h")],
    "a calibration offset beyond": [("products", "calibration_offset_h")],
    "a cost above": [
        ("producers", "cost_per_gbq"),
        ("processes", "cost_per_batch"),
        ("lanes", "cost_per_shipment"),
        ("lanes", "cost_per_package"),
    ],
    "more than": [("producers", "outage_rate_per_year")],
    "a mean outage above": [("producers", "outage_duration_mean_d")],
}


def test_the_ranges_the_page_states_are_the_schema_ranges() -> None:
    from radiochain.network.schema import schemas
    from radiochain.units import parse_quantity

    text = FLAT[FLAT.index("numbers outside their column's range") :]
    for words, columns in RANGES.items():
        found = re.search(re.escape(words) + r" ([\d,.e]+(?: [A-Za-z]+)?)", text)
        assert found is not None, words
        quoted = found[1].replace(",", "")
        for table, column in columns:
            attr = schemas()[table].attribute(column)
            bounds = attr.bounds()
            assert bounds is not None
            high = bounds[1]
            if attr.dimension is None:
                assert float(quoted.split()[0]) == high, (column, quoted)
                continue
            value, _ = parse_quantity(quoted, (attr.dimension,))
            assert value == pytest.approx(
                high * parse_quantity(f"1 {attr.unit}", (attr.dimension,))[0]
            )
