"""What is wrong with a network's files is said of the file it is wrong with: a table file
that is a folder, a pipe, a device, a loop of links, empty or without rows; a network.yaml that
is no file or says no time zone; a JSON network without its time zone or demand."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from radiochain.network import read_network, write_json
from radiochain.network.examples import copy_example, load_example


def problems_of(folder: Path) -> list[str]:
    return [f"{p.level}: {p}" for p in read_network(folder).validate()]


def _replace(path: Path, make: Callable[[Path], None]) -> None:
    path.unlink()
    make(path)


SPECIAL: dict[str, tuple[Callable[[Path], None], str]] = {
    "folder": (lambda p: p.mkdir(), "is a folder"),
    "fifo": (os.mkfifo, "is not a regular file"),
    "loop": (lambda p: p.symlink_to(p.name), "cannot read (Too many levels of symbolic links)"),
    "dev-zero": (lambda p: p.symlink_to("/dev/zero"), "is not a regular file"),
    "dev-null": (lambda p: p.symlink_to("/dev/null"), "is not a regular file"),
    "broken-link": (lambda p: p.symlink_to("nowhere.csv"), "is a broken symbolic link"),
}


@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_a_table_file_that_is_no_file_is_named(tmp_path: Path, kind: str) -> None:
    folder = copy_example("tiny", tmp_path / "net")
    make, words = SPECIAL[kind]
    _replace(folder / "sites.csv", make)
    problems = problems_of(folder)
    errors = [p for p in problems if p.startswith("error")]
    assert errors[0].startswith(f"error: sites.csv: {words}"), problems
    assert not [p for p in errors if "unknown site" in p], problems  # no blame elsewhere


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("", "error: sites.csv: is empty (a table file starts with its header row"),
        ("\n\n", "error: sites.csv: is empty"),
        (",,,\n", "error: sites.csv: has no header row"),
        (
            "site,kind,latitude_deg,longitude_deg\n",
            "error: sites.csv: has no rows, but licences.csv:2 names site 'hospital-c' "
            "(add a row for each site)",
        ),
    ],
)
def test_an_empty_table_file_is_named(tmp_path: Path, content: str, words: str) -> None:
    folder = copy_example("tiny", tmp_path / "net")
    (folder / "sites.csv").write_text(content, encoding="utf-8")
    problems = problems_of(folder)
    assert [p for p in problems if p.startswith("error")] == [p for p in problems if words in p]
    assert any(p.startswith(words) for p in problems), problems


def test_a_missing_table_others_name_is_one_problem(tmp_path: Path) -> None:
    folder = copy_example("tiny", tmp_path / "net")
    (folder / "sites.csv").unlink()
    errors = [p for p in problems_of(folder) if p.startswith("error")]
    assert errors == [
        "error: sites.csv: is missing, but licences.csv:2 names site 'hospital-c' "
        "(add sites.csv with a row for each site)"
    ]


@pytest.mark.parametrize("kind", ["folder", "fifo", "dev-zero"])
def test_a_network_yaml_that_is_no_file_is_not_called_missing(tmp_path: Path, kind: str) -> None:
    folder = copy_example("tiny", tmp_path / "net")
    make, words = SPECIAL[kind]
    _replace(folder / "network.yaml", make)
    problems = problems_of(folder)
    assert problems[0].startswith(f"error: network.yaml: {words}"), problems
    assert not [p for p in problems if "missing" in p], problems


@pytest.mark.parametrize("text", ["", "# only a comment\n", "name: tiny\n"])
def test_a_network_yaml_without_timezone_is_an_error(tmp_path: Path, text: str) -> None:
    """Without a time zone every local time of the tables would be read as UTC: an 8 h shift
    for a network in China."""
    folder = copy_example("tiny", tmp_path / "net")
    (folder / "network.yaml").write_text(text, encoding="utf-8")
    network = read_network(folder)
    errors = [str(p) for p in network.validate().errors]
    assert errors == [
        "network.yaml: timezone: is missing: the local times of the tables mean nothing without "
        "it (write e.g. 'timezone: Asia/Shanghai', the IANA zone of the network's sites)"
    ]


def test_a_json_network_without_timezone_is_an_error(tmp_path: Path) -> None:
    path = write_json(load_example("tiny"), tmp_path / "n.json")
    payload = json.loads(path.read_text(encoding="utf-8"))
    del payload["network"]["timezone"]
    path.write_text(json.dumps(payload), encoding="utf-8")
    errors = [str(p) for p in read_network(path).validate().errors]
    assert len(errors) == 1
    assert errors[0].startswith("n.json: network.timezone: is missing: the local times")
    assert 'write "timezone": "Asia/Shanghai" in "network"' in errors[0]


def test_control_characters_are_errors_and_never_echoed(tmp_path: Path) -> None:
    path = write_json(load_example("tiny"), tmp_path / "n.json")
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["network"]["name"] = "ti\x1b[31mny"
    payload["tables"]["sites"][0]["name"] = "Reac\x00tor"
    payload["tables"]["lanes"][0]["lane"] = "reactor\x07pharmacy"
    path.write_text(json.dumps(payload), encoding="utf-8")
    errors = [str(p) for p in read_network(path).validate().errors]
    assert "n.json: network.name: holds the control character U+001B" in errors[0]
    assert any(
        e.startswith("n.json: tables.sites[0].name: holds the control character U+0000")
        for e in errors
    ), errors
    assert any("tables.lanes[0].lane: holds the control character U+0007" in e for e in errors)
    assert not [e for e in errors if any(c in e for c in "\x00\x07\x1b")]


def test_a_nuclear_dataset_mistake_has_one_hint(tmp_path: Path) -> None:
    folder = copy_example("tiny", tmp_path / "net")
    meta = folder / "network.yaml"
    meta.write_text(meta.read_text().replace("nuclear_dataset: radiochain", "nuclear_dataset: 5"))
    errors = [str(p) for p in read_network(folder).validate().errors]
    assert errors == [
        "network.yaml: nuclear_dataset: unknown nuclear dataset '5' (use one of: icrp107, "
        "radiochain)"
    ]


def test_table_place_names_the_file_the_user_gave(tmp_path: Path) -> None:
    """What a message about a whole table names: the CSV file of a folder, the place in a
    JSON file (a plan of a JSON network without demand says 'n.json: tables.demand')."""
    tiny = load_example("tiny")
    assert tiny.table_place("demand") == "demand.csv"
    n = read_network(write_json(tiny, tmp_path / "n.json"))
    assert n.table_place("demand") == "n.json: tables.demand"
