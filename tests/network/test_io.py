"""Reading and writing networks: exact round trips through CSV folders and JSON."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from radiochain.network import Network, NetworkError, read_network, write_json, write_network
from radiochain.network.examples import load_example, synthetic_network
from radiochain.network.schema import schema_markdown, schemas


def test_tiny_round_trips_exactly(tmp_path: Path) -> None:
    tiny = load_example("tiny")
    again = read_network(write_network(tiny, tmp_path / "tiny"))
    assert tiny.equals(again)
    # and writing the re-read network gives the same files byte for byte
    write_network(again, tmp_path / "tiny2")
    for file in sorted((tmp_path / "tiny").iterdir()):
        assert file.read_bytes() == (tmp_path / "tiny2" / file.name).read_bytes(), file.name


def test_json_round_trip(tmp_path: Path) -> None:
    tiny = load_example("tiny")
    path = write_json(tiny, tmp_path / "tiny.json")
    assert tiny.equals(read_network(path))


def test_units_in_cells_are_converted(tmp_path: Path) -> None:
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


def test_strict_read_raises_with_every_problem(tmp_path: Path) -> None:
    folder = write_network(load_example("tiny"), tmp_path / "net")
    lanes = (folder / "lanes.csv").read_text().replace(",2.0,80.0,", ",two hours,80.0,")
    (folder / "lanes.csv").write_text(lanes)
    with pytest.raises(NetworkError) as info:
        read_network(folder, strict=True)
    assert "lanes.csv:2: transit_time_h" in str(info.value)


def test_synthetic_is_deterministic_and_round_trips(tmp_path: Path) -> None:
    a = synthetic_network(120, seed=3)
    b = synthetic_network(120, seed=3)
    assert a.equals(b)
    assert not a.equals(synthetic_network(120, seed=4))
    assert a.equals(read_network(write_network(a, tmp_path / "s")))
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
finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
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


def test_lane_decay_factors_come_from_the_nuclear_data() -> None:
    tiny = load_example("tiny")
    factors = tiny.lane_decay_factors()
    half_life_h = tiny.dataset.half_life_s[tiny.dataset.index["Lu-177"]] / 3600
    expected = 2 ** (-tiny.lanes["transit_time_h"] / half_life_h)
    assert np.allclose(factors["lu177-psma"], expected, rtol=1e-14)
    assert isinstance(factors, pd.DataFrame)
