"""Reading and writing networks: the user's text comes back, and read(write(n)) equals n."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from radiochain.network import Network, NetworkError, read_network, write_json, write_network
from radiochain.network.examples import bundled_examples, load_example, synthetic_network
from radiochain.network.schema import schema_markdown, schemas


def cells_of(file: Path) -> list[list[str]]:
    """A CSV file's cells as text (quoting style aside, what a user reads in a spreadsheet)."""
    text = file.read_bytes().decode("utf-8-sig")  # read_text would turn a quoted \r into \n
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("name", sorted(bundled_examples()))
def test_writing_a_read_example_gives_the_users_files_back(tmp_path: Path, name: str) -> None:
    source = bundled_examples()[name]
    written = write_network(read_network(source), tmp_path / name)
    assert sorted(p.name for p in written.iterdir()) == sorted(p.name for p in source.iterdir())
    for file in sorted(source.glob("*.csv")):
        assert cells_of(written / file.name) == cells_of(file), file.name
    meta = (source / "network.yaml").read_bytes()
    assert (written / "network.yaml").read_bytes() == meta


def test_the_documented_example_cells_stay_as_written(tmp_path: Path) -> None:
    """The issue's example: '6.8 GBq' was rewritten as 6800000000.0."""
    folder = write_network(load_example("tiny"), tmp_path / "tiny")
    demand = (folder / "demand.csv").read_text(encoding="utf-8")
    assert ",6.8 GBq," in demand
    assert "6800000000" not in demand
    assert ",20 GBq," in (folder / "licences.csv").read_text(encoding="utf-8")


def test_tiny_round_trips_exactly(tmp_path: Path) -> None:
    tiny = load_example("tiny")
    again = read_network(write_network(tiny, tmp_path / "tiny"))
    assert tiny.equals(again)
    write_network(again, tmp_path / "tiny2")
    for file in sorted((tmp_path / "tiny").iterdir()):
        assert file.read_bytes() == (tmp_path / "tiny2" / file.name).read_bytes(), file.name


def test_changed_values_are_written_in_the_column_unit(tmp_path: Path) -> None:
    tiny = load_example("tiny")
    tiny.products.loc["lu177-psma", "dose_activity_bq"] = 6.0e9
    tiny.add(
        "lanes", "pharmacy-a2", from_site="pharmacy", to_site="hospital-a", transit_time_h="45 min"
    )
    folder = write_network(tiny, tmp_path / "changed")
    products = cells_of(folder / "products.csv")
    column = products[0].index("dose_activity_bq")
    assert products[1][column] == "6000000000.0"  # changed: the column's unit, full precision
    assert products[1][products[0].index("ligand")] == "PSMA-617"  # unchanged: as written
    lanes = cells_of(folder / "lanes.csv")
    added = next(row for row in lanes if row[0] == "pharmacy-a2")
    assert added[lanes[0].index("transit_time_h")] == "45 min"  # an added row: as given
    assert lanes[1][lanes[0].index("departure_days")] == "daily"
    again = read_network(folder)
    assert again.equals(tiny)
    assert again.lanes.at["pharmacy-a2", "transit_time_h"] == 0.75


def test_blank_cells_stay_blank_and_defaults_are_not_written(tmp_path: Path) -> None:
    source = bundled_examples()["tiny"]
    folder = tmp_path / "net"
    folder.mkdir()
    for file in source.iterdir():
        (folder / file.name).write_bytes(file.read_bytes())
    (folder / "sites.csv").write_text(
        "site,kind,latitude_deg,longitude_deg,note,colour\n"
        "reactor,reactor,30.43,120.95,,red\n"
        'pharmacy,radiopharmacy,30.27,120.16,"a note, with a comma",\n'
        "hospital-a,hospital,30.26,120.21,,\n"
        "hospital-b,hospital,29.87,121.54,,\n"
        "hospital-c,hospital,28.00,120.67,,\n",
        encoding="utf-8",
    )
    network = read_network(folder)
    assert network.sites.at["hospital-a", "working_days"] == "Mon-Fri"  # the default
    written = write_network(network, tmp_path / "out")
    assert cells_of(written / "sites.csv") == cells_of(folder / "sites.csv")


def test_extending_a_network_appends_rows_and_keeps_every_byte(tmp_path: Path) -> None:
    from radiochain.network.io import write_extended

    source = bundled_examples()["tiny"]
    network = read_network(source)
    network.add(
        "demand",
        "a08",
        hospital="hospital-a",
        product="lu177-psma",
        date="2026-01-08",
        prescribed_activity_bq="6.8 GBq",
    )
    out = write_extended(source, network, tmp_path / "more")
    for file in source.iterdir():
        if file.name != "demand.csv":
            assert (out / file.name).read_bytes() == file.read_bytes(), file.name
    before = (source / "demand.csv").read_text(encoding="utf-8")
    after = (out / "demand.csv").read_text(encoding="utf-8")
    assert after.startswith(before)
    added = after[len(before) :].splitlines()
    assert len(added) == 1
    assert added[0].startswith("a08,hospital-a,lu177-psma,2026-01-08,")
    assert ",6.8 GBq," in added[0]
    assert read_network(out).equals(network)


def test_network_yaml_is_written_back_as_read_while_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "net"
    write_network(load_example("tiny"), folder)
    text = (
        "# my network\nname: tiny  # short\ntimezone: Asia/Shanghai\nnuclear_dataset: radiochain\n"
    )
    (folder / "network.yaml").write_text(text, encoding="utf-8")
    network = read_network(folder)
    assert (write_network(network, tmp_path / "a") / "network.yaml").read_text() == text
    network.description = "changed"
    changed = (write_network(network, tmp_path / "b") / "network.yaml").read_text()
    assert "description: changed" in changed
    assert read_network(tmp_path / "b").description == "changed"


def test_json_round_trip_keeps_the_text_and_the_values(tmp_path: Path) -> None:
    tiny = load_example("tiny")
    path = write_json(tiny, tmp_path / "tiny.json")
    payload = json.loads(path.read_text(encoding="utf-8"))
    demand = {row["appointment"]: row for row in payload["tables"]["demand"]}
    assert demand["a07"]["prescribed_activity_bq"] == "6.8 GBq"
    assert demand["a01"]["prescribed_activity_bq"] is None
    assert payload["tables"]["lanes"][0]["transit_time_h"] == 2
    assert payload["tables"]["lanes"][0]["accepts_radioactive"] is True
    again = read_network(path)
    assert tiny.equals(again)
    folder = write_network(again, tmp_path / "from-json")
    assert cells_of(folder / "demand.csv") == cells_of(bundled_examples()["tiny"] / "demand.csv")


def test_another_dataset_can_be_chosen_when_reading(tmp_path: Path) -> None:
    pytest.importorskip("radioactivedecay")
    tiny = read_network(bundled_examples()["tiny"], dataset="icrp107")
    assert tiny.dataset.name == "icrp107"
    assert tiny.validate().ok
    written = write_network(tiny, tmp_path / "net")  # the choice is a change of the metadata
    assert read_network(written).dataset_name == "icrp107"


def test_units_in_cells_are_converted() -> None:
    tiny = load_example("tiny")
    assert tiny.products.at["lu177-psma", "dose_activity_bq"] == 7.4e9  # written "7.4 GBq"
    assert tiny.licences.at["hospital-c-lu177", "possession_limit_bq"] == 20e9
    n = Network()
    n.add("sites", "a", kind="hospital", latitude_deg=30, longitude_deg=120)
    n.add("sites", "b", kind="radiopharmacy", latitude_deg=31, longitude_deg=121)
    n.add("lanes", "ab", from_site="b", to_site="a", transit_time_h="90 min")
    assert n.lanes.at["ab", "transit_time_h"] == 1.5


def test_defaults_come_from_the_schema() -> None:
    n = Network()
    n.add("sites", "a", kind="hospital", latitude_deg=30, longitude_deg=120)
    assert n.sites.at["a", "working_days"] == "Mon-Fri"
    assert n.sites.at["a", "opening_time"] == "08:00"
    assert n.sites.at["a", "country"] == "CN"


def test_add_rejects_bad_values() -> None:
    n = Network()
    with pytest.raises(NetworkError, match="latitude_deg"):
        n.add("sites", "a", kind="hospital", latitude_deg="north", longitude_deg=120)
    with pytest.raises(NetworkError, match="unknown attribute"):
        n.add("sites", "a", kind="hospital", latitude_deg=1, longitude_deg=2, colour="red")


def test_synthetic_is_deterministic_and_round_trips(tmp_path: Path) -> None:
    a = synthetic_network(120, seed=3)
    b = synthetic_network(120, seed=3)
    assert a.equals(b)
    assert not a.equals(synthetic_network(120, seed=4))
    assert a.equals(read_network(write_network(a, tmp_path / "s")))
    assert a.equals(read_network(write_json(a, tmp_path / "s.json")))
    assert a.validate().ok


def test_reference_page_is_generated_from_the_schema() -> None:
    page = schema_markdown()
    for schema in schemas().values():
        assert f"## `{schema.file}`" in page
        for attr in schema.attributes:
            assert f"| `{attr.name}` |" in page
    docs = Path(__file__).parents[2] / "docs" / "network-reference.md"
    assert docs.read_text(encoding="utf-8") == page, "regenerate docs/network-reference.md"


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-0123456789", min_size=1, max_size=12)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sites=st.lists(
        st.tuples(
            names,
            st.sampled_from(["hospital", "radiopharmacy", "reactor"]),
            st.floats(-90, 90),
            st.floats(-180, 180),
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda t: t[0],
    ),
    transit=st.lists(
        st.floats(min_value=1e-6, max_value=1e4, allow_nan=False), min_size=0, max_size=6
    ),
    note=st.text(max_size=30),
)
def test_generated_networks_round_trip(
    tmp_path: Path, sites: list[tuple[str, str, float, float]], transit: list[float], note: str
) -> None:
    n = Network(name="generated", description=note)
    for name, kind, lat, lon in sites:
        n.add("sites", name, kind=kind, latitude_deg=lat, longitude_deg=lon, note=note)
    for k, hours in enumerate(transit):
        a, b = sites[k % len(sites)][0], sites[(k + 1) % len(sites)][0]
        n.add(
            "lanes",
            f"lane-{k}",
            from_site=a,
            to_site=b,
            transit_time_h=hours,
            distance_km=hours * 50,
        )
    folder = tmp_path / f"net-{abs(hash((note, len(transit))))}"
    assert n.equals(read_network(write_network(n, folder)))
    assert n.equals(read_network(write_json(n, folder / "n.json")))


# what users type in cells: activities and durations with units, dates, blanks, free text
# with commas and quotes, numbers in every notation
number = st.one_of(
    st.integers(0, 10**6).map(str),
    st.floats(1e-3, 1e6, allow_nan=False).map(lambda x: f"{x:.4g}"),
    st.floats(1e-3, 1e6, allow_nan=False).map(repr),
)
activity = st.tuples(number, st.sampled_from(["", " GBq", " MBq", "GBq", " TBq", " mCi"])).map(
    "".join
)
duration = st.tuples(number, st.sampled_from(["", " h", " min", " d", "h", " s"])).map("".join)
days = st.sampled_from(["Mon-Fri", "daily", "Mon,Wed,Fri", "Tue,Thu", "Sat-Sun", ""])
day = st.dates().map(lambda d: d.isoformat())
free = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20
)


def _no_edge_space(text: str) -> str:
    return text.strip()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    dose=activity,
    shelf=duration,
    transit=duration,
    departure=days,
    start=day,
    ligand=free.map(_no_edge_space),
    note=free,
)
def test_read_then_write_gives_every_cell_text_back(
    tmp_path: Path,
    dose: str,
    shelf: str,
    transit: str,
    departure: str,
    start: str,
    ligand: str,
    note: str,
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="net-", dir=tmp_path))
    source = bundled_examples()["tiny"]
    (folder / "network.yaml").write_bytes((source / "network.yaml").read_bytes())
    tables = {p.name: cells_of(p) for p in source.glob("*.csv")}
    products = tables["products.csv"]
    for column, value in (("dose_activity_bq", dose), ("shelf_life_h", shelf), ("ligand", ligand)):
        products[1][products[0].index(column)] = value
    products[1][products[0].index("note")] = note
    lanes = tables["lanes.csv"]
    lanes[2][lanes[0].index("transit_time_h")] = transit
    lanes[2][lanes[0].index("departure_days")] = departure
    demand = tables["demand.csv"]
    demand[1][demand[0].index("date")] = start
    for name, rows in tables.items():
        text = io.StringIO(newline="")
        csv.writer(text).writerows(rows)  # CRLF, as spreadsheets write
        (folder / name).write_text(text.getvalue(), encoding="utf-8", newline="")
    network = read_network(folder)  # with problems or not: the text must come back
    out = write_network(network, tmp_path / (folder.name + "-out"))
    for name, rows in tables.items():
        assert cells_of(out / name) == rows, name
    again = read_network(out)
    assert again.equals(network)
    assert [str(p) for p in again.validate()] == [str(p) for p in network.validate()]
    from_json = read_network(write_json(network, tmp_path / (folder.name + ".json")))
    assert from_json.equals(network)
    assert cells_of(write_network(from_json, tmp_path / (folder.name + "-j")) / "products.csv") == (
        products
    )


def test_lane_decay_factors_come_from_the_nuclear_data() -> None:
    tiny = load_example("tiny")
    factors = tiny.lane_decay_factors()
    half_life_h = tiny.dataset.half_life_s[tiny.dataset.index["Lu-177"]] / 3600
    expected = 2 ** (-tiny.lanes["transit_time_h"] / half_life_h)
    assert np.allclose(factors["lu177-psma"], expected, rtol=1e-14)
    assert isinstance(factors, pd.DataFrame)


NASTY = [
    "1e400", "-1e400", "99999999999999999999999", "nan", "NaN", "inf", "-inf", "-0", "0x10",
    "１２", "1,5", " ", "\t7\t", "7.4 GBq GBq", "1/0", "🙂", "true", "2026-02-30", "25:61",
    "Mon-Fry", "Lu-999", "x" * 500, "1e-400", "7 parsecs", "--1", "1e5 d", "'7'", "\"7\"",
]  # fmt: skip


@pytest.mark.parametrize("table", sorted(schemas()))
def test_every_column_reads_any_text_as_a_value_or_a_problem(table: str) -> None:
    from radiochain.network.parse import parse_column
    from radiochain.physics.datasets import get_dataset

    schema = schemas()[table]
    cells = pd.Series(NASTY, index=[f"r{k}" for k in range(len(NASTY))], dtype=object)
    for attr in schema.attributes:
        parsed, failures = parse_column(attr, cells, get_dataset("radiochain"))
        assert len(parsed) == len(cells), attr.name
        for _name, _cell, message, _hint in failures:
            assert "\n" not in message
            assert len(message) < 200, message


def test_a_network_full_of_nonsense_reads_validates_and_writes(tmp_path: Path) -> None:
    folder = tmp_path / "net"
    folder.mkdir()
    source = bundled_examples()["tiny"]
    (folder / "network.yaml").write_bytes((source / "network.yaml").read_bytes())
    for file in sorted(source.glob("*.csv")):
        rows = cells_of(file)
        for k in range(1, len(rows[0])):
            rows[1][k] = NASTY[(k + len(file.name)) % len(NASTY)]
        text = io.StringIO(newline="")
        csv.writer(text).writerows(rows)
        (folder / file.name).write_text(text.getvalue(), encoding="utf-8", newline="")
    network = read_network(folder)
    problems = [str(p) for p in network.validate()]
    assert problems
    assert all("\n" not in p and len(p) < 400 for p in problems)
    out = write_network(network, tmp_path / "out")
    for file in sorted(source.glob("*.csv")):
        assert cells_of(out / file.name) == cells_of(folder / file.name), file.name
