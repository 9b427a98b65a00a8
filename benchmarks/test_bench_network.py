"""Reading and checking a network (``make bench``): a synthetic national network of 3,000
hospitals (3,051 sites, 3,050 lanes, ~9,000 appointments), against plain
``pandas.read_csv`` of the same files measured in the same run.

radiochain does more than the floor: every cell is typed by its schema (units such as
``"6.8 GBq"`` converted, dates, times, weekdays, nuclides checked), defaults are filled, the
user's text is kept for writing back, and validation checks ranges, references, sources, unit
mistakes and whether every hospital is reachable within the shelf life. The ratios say what
that costs over just parsing the CSV text. Measured when this benchmark was written (2-core
machine under load): pandas 0.02 s; radiochain reads in ~0.2 s (~10x) and reads and
validates in ~0.4 s (~20x); parsing with Arrow strings instead of Python text had read in
~0.7 s. The assertion only guards against an order-of-magnitude regression.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from benchmarks.reporting import best_of, report
from radiochain.network import read_network, write_json, write_network
from radiochain.network.examples import synthetic_network

pytestmark = pytest.mark.bench


def test_read_and_validate_3000_hospitals(tmp_path: Path) -> None:
    network = synthetic_network(3000, seed=11)
    folder = write_network(network, tmp_path / "big")
    json_file = write_json(network, tmp_path / "big.json")
    files = sorted(folder.glob("*.csv"))
    assert read_network(folder).validate().ok

    def plain_pandas() -> None:
        for file in files:
            pd.read_csv(file, dtype=str, keep_default_na=False)

    floor = best_of(plain_pandas, 5)
    read = best_of(lambda: read_network(folder), 3)
    checked = best_of(lambda: read_network(folder).validate(), 3)
    from_json = best_of(lambda: read_network(json_file).validate(), 3)
    written = best_of(lambda: write_network(network, tmp_path / "again"), 3)
    rows = {
        "sites": len(network.sites),
        "lanes": len(network.lanes),
        "appointments": len(network.demand),
        "pandas_read_csv_s": floor,
        "radiochain_read_s": read,
        "radiochain_read_and_validate_s": checked,
        "radiochain_json_read_and_validate_s": from_json,
        "radiochain_write_s": written,
        "read_ratio_to_pandas": read / floor,
        "read_and_validate_ratio_to_pandas": checked / floor,
    }
    report("network_read_validate_3000_hospitals", rows)
    assert rows["read_and_validate_ratio_to_pandas"] < 50
