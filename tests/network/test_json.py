"""Networks in JSON: wrong shapes and bad bytes are problems or one-line errors that name the
.json file the user gave and the place in it — never an internal table file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from radiochain.errors import InputError
from radiochain.network import NetworkError, read_network, write_json
from radiochain.network.examples import load_example


def tiny_payload(tmp_path: Path) -> dict[str, Any]:
    path = write_json(load_example("tiny"), tmp_path / "tiny.json")
    payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return payload


def problems_of(tmp_path: Path, payload: Any, name: str = "net.json") -> list[str]:
    path = tmp_path / name
    path.write_text(json.dumps(payload), encoding="utf-8")
    return [f"{p.level}: {p}" for p in read_network(path).validate()]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[1, 2, 3]", ["net.json", "not a list", '"network"']),
        ('"tiny"', ["net.json", "not text"]),
        ("{}", ["net.json", "neither 'network' nor 'tables'"]),
        ('{"sites": []}', ["net.json", "keys: sites"]),
        ('{"network": {"name": "x"', ["net.json", "line 1", "not valid JSON"]),
        ('{"network": {"name": NaN}}', ["net.json", "NaN"]),
        ("", ["net.json", "not valid JSON"]),
    ],
)
def test_documents_that_are_no_network_are_one_line_errors(
    tmp_path: Path, text: str, words: list[str]
) -> None:
    path = tmp_path / "net.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_network(path)
    message = str(info.value)
    assert "\n" not in message
    assert len(message) <= 300
    for word in words:
        assert word in message


def test_bytes_that_are_not_utf8_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "net.json"
    path.write_bytes(b'{"network": {"name": "caf\xe9"}}')
    with pytest.raises(InputError, match=r"net\.json: line 1: byte 0xe9 is not UTF-8"):
        read_network(path)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda p: p.update(tables=[1]),
            "error: net.json: tables: must be an object of table name: list of rows, not a list",
        ),
        (
            lambda p: p["tables"].update(products={"a": 1}),
            "error: net.json: tables.products: must be a list of rows, not an object",
        ),
        (
            lambda p: p["tables"]["products"].insert(0, "lu177"),
            "error: net.json: tables.products[0]: must be an object of column: value, not text",
        ),
        (
            lambda p: p["tables"]["products"][0].update(dose_activity_bq=[7.4, "GBq"]),
            "error: net.json: tables.products[0].dose_activity_bq: must be one value",
        ),
        (
            lambda p: p["tables"]["products"][0].update(dose_activity_bq="7.4 parsecs"),
            "error: net.json: tables.products[0].dose_activity_bq: unknown unit 'parsecs'",
        ),
        (
            lambda p: p["tables"]["lanes"][1].update(to_site="hospital-x"),
            "error: net.json: tables.lanes[1].to_site: unknown site 'hospital-x'",
        ),
        (
            lambda p: p["tables"]["products"][0].update(dose_activity_bq=7.4),
            "error: net.json: tables.products[0].dose_activity_bq: '7.4' is 7.4 Bq",
        ),
        (
            lambda p: p["tables"].pop("processes"),
            "error: net.json: tables.processes.product: no process makes product 'lu177-psma'",
        ),
        (
            lambda p: p["network"].update(timezone="Mars/Olympus"),
            "error: net.json: network.timezone: 'Mars/Olympus' is not a time zone",
        ),
        (
            lambda p: p["network"].update(name=["a", "b"]),
            "error: net.json: network.name: must be text, not a list",
        ),
        (lambda p: p.update(network=[1]), "error: net.json: network: must be a mapping"),
        (
            lambda p: p["tables"].update(trucks=[]),
            "warning: net.json: tables.trucks: unknown table, ignored",
        ),
        (
            lambda p: p["tables"]["sites"].append(dict(p["tables"]["sites"][0])),
            "error: net.json: tables.sites[5].site: 'reactor' appears more than once",
        ),
        (
            lambda p: p["tables"]["sites"][0].pop("site"),
            "error: net.json: tables.sites[0].site: is empty",
        ),
    ],
    ids=lambda v: v[:60] if isinstance(v, str) else "",
)
def test_problems_inside_the_document_name_their_place(
    tmp_path: Path, edit: Any, expected: str
) -> None:
    payload = tiny_payload(tmp_path)
    edit(payload)
    problems = problems_of(tmp_path, payload)
    assert any(p.startswith(expected) for p in problems), "\n".join(problems)
    assert not any(".csv" in p.split(":")[1] for p in problems), "\n".join(problems)


def test_no_problem_of_a_json_network_names_a_csv_file(tmp_path: Path) -> None:
    payload = tiny_payload(tmp_path)
    payload["tables"].pop("sources")  # every row cites a source nobody can find
    payload["tables"]["products"][0]["shelf_life_h"] = "1 h"  # hospitals out of reach
    problems = problems_of(tmp_path, payload)
    assert len(problems) > 10
    for problem in problems:
        assert problem.split(": ")[1] == "net.json", problem


def test_strict_reading_of_json_names_the_file_and_place(tmp_path: Path) -> None:
    payload = tiny_payload(tmp_path)
    payload["tables"]["products"][0]["dose_activity_bq"] = "-7.4 GBq"
    path = tmp_path / "net.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    with pytest.raises(NetworkError) as info:
        read_network(path, strict=True)
    message = str(info.value)
    assert "net.json: the network has 1 error(s), first: net.json: " in message
    assert "tables.products[0].dose_activity_bq" in message
    assert "sites.csv" not in message
    assert "products.csv" not in message


def test_a_hand_written_json_network_reads_like_a_folder(tmp_path: Path) -> None:
    payload = {
        "network": {"name": "by hand", "timezone": "Europe/Berlin"},
        "tables": {
            "sites": [
                {"site": "a", "kind": "radiopharmacy", "latitude_deg": 52.5, "longitude_deg": 13.4},
                {"site": "b", "kind": "hospital", "latitude_deg": "52.4", "longitude_deg": 13.1},
            ],
            "lanes": [{"lane": "ab", "from_site": "a", "to_site": "b", "transit_time_h": "90 min"}],
        },
    }
    path = tmp_path / "hand.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    network = read_network(path)
    assert network.lanes.at["ab", "transit_time_h"] == 1.5
    assert network.sites.at["b", "latitude_deg"] == 52.4
    assert network.validate().ok
    again = json.loads(write_json(network, tmp_path / "again.json").read_text(encoding="utf-8"))
    assert again["tables"]["lanes"][0]["transit_time_h"] == "90 min"
    assert again["tables"]["sites"][1]["latitude_deg"] == 52.4  # a plain number: a number
    assert again["tables"]["sites"][0]["latitude_deg"] == 52.5
