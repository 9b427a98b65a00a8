"""``radiochain network validate|show`` and ``example`` as a user meets them: real processes.

``network validate`` on a network with errors prints the problems on stdout — they are its
result — and exits 2; nothing else goes to stdout, nothing to stderr, one problem per line.
(The bad-input corpus covers errors that stop a command before any result.)
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from radiochain.network.examples import example_path
from tests.cli.processes import ForkServer, Outcome

BOMB = "".join(
    f"{a}: &{a} [{', '.join([f'*{b}'] * 10)}]\n"
    for b, a in zip("abcdefgh", "bcdefghi", strict=True)
)
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + BOMB + "name: tiny\n"


@pytest.fixture(scope="module")
def server() -> Iterator[ForkServer]:
    forks = ForkServer()
    yield forks
    forks.close()


def tiny(folder: Path) -> Path:
    return Path(shutil.copytree(example_path("tiny"), folder / "net"))


def run(server: ForkServer, folder: Path, *args: str) -> Outcome:
    return server.run(list(args), folder, timeout_s=60)


def replace(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")


def test_validate_lists_every_problem_on_stdout_and_exits_2(
    server: ForkServer, tmp_path: Path
) -> None:
    net = tiny(tmp_path)
    replace(net / "products.csv", "7.4 GBq", "7.4")
    replace(net / "lanes.csv", "pharmacy,hospital-b", "pharmacy,hospital-x")
    (net / "sources.csv").write_text("key,citation\n", encoding="utf-8")
    done = run(server, tmp_path, "network", "validate", "net")
    assert done.exit == 2
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[-1].startswith("tiny: ")
    assert lines[-1].endswith(" warning(s)")
    problems = lines[:-1]
    assert all(p.startswith(("error: ", "warning: ")) for p in problems)
    assert any(
        p.startswith("error: products.csv:2: dose_activity_bq: '7.4' is 7.4 Bq") for p in problems
    )
    assert any("lanes.csv:4: to_site: unknown site 'hospital-x'" in p for p in problems)
    assert sum("there is no sources table" in p for p in problems) > 20
    errors = int(lines[-1].split(": ")[1].split(" error")[0])
    assert errors == sum(p.startswith("error: ") for p in problems)


def test_validate_json_is_one_document_with_every_problem(
    server: ForkServer, tmp_path: Path
) -> None:
    net = tiny(tmp_path)
    replace(net / "demand.csv", "6.8 GBq", "6.8")
    done = run(server, tmp_path, "network", "validate", "net", "--json")
    assert done.exit == 2
    payload = json.loads(done.stdout)
    assert payload["network"] == "tiny"
    assert payload["dataset"] == "radiochain"
    assert payload["errors"] == 1
    (problem,) = [p for p in payload["problems"] if p["level"] == "error"]
    assert problem["file"] == "demand.csv"
    assert problem["row"] == 8
    assert problem["field"] == "prescribed_activity_bq"
    assert "did you mean '6.8 GBq'" in problem["text"]


def test_validate_names_the_json_file_and_place(server: ForkServer, tmp_path: Path) -> None:
    tiny(tmp_path)
    assert run(server, tmp_path, "network", "show", "net").exit == 0
    from radiochain.network import read_network, write_json

    path = write_json(read_network(tmp_path / "net"), tmp_path / "net.json")
    replace(path, '"to_site": "hospital-b"', '"to_site": "hospital-x"')
    done = run(server, tmp_path, "network", "validate", "net.json")
    assert done.exit == 2
    assert "error: net.json: tables.lanes[2].to_site: unknown site 'hospital-x'" in done.stdout
    assert ".csv" not in done.stdout


def test_validate_an_alias_bomb_is_one_problem_at_once(server: ForkServer, tmp_path: Path) -> None:
    net = tiny(tmp_path)
    (net / "network.yaml").write_text(BOMB, encoding="utf-8")
    done = run(server, tmp_path, "network", "validate", "net")
    assert not done.timed_out
    assert done.exit == 2
    first = done.stdout.splitlines()[0]
    assert first.startswith("error: network.yaml: expands to more than 100,000 values")


def test_validate_a_yaml_syntax_error_is_one_line(server: ForkServer, tmp_path: Path) -> None:
    net = tiny(tmp_path)
    (net / "network.yaml").write_text("name: tiny\ntimezone: [Asia\n", encoding="utf-8")
    done = run(server, tmp_path, "network", "validate", "net")
    assert done.exit == 2
    problems = [line for line in done.stdout.splitlines() if "network.yaml" in line]
    assert len(problems) == 1
    assert "line 3, column 1: not valid YAML" in problems[0]


def test_validate_a_clean_network_exits_0(server: ForkServer, tmp_path: Path) -> None:
    tiny(tmp_path)
    done = run(server, tmp_path, "network", "validate", "net")
    assert done.exit == 0, done.stderr
    assert done.stdout == "tiny: 0 error(s), 0 warning(s)\n"


def test_show_json_and_map(server: ForkServer, tmp_path: Path) -> None:
    tiny(tmp_path)
    done = run(server, tmp_path, "network", "show", "net", "--json", "--map", "maps/m.png")
    assert done.exit == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["network"] == "tiny"
    assert summary["dataset"] == "radiochain"
    assert isinstance(summary["dataset_version"], str)
    assert "nuclear_dataset" not in summary
    assert summary["files"] == {"map": "maps/m.png"}
    assert (tmp_path / "maps" / "m.png").read_bytes()[:4] == b"\x89PNG"


def test_example_writes_what_it_says(server: ForkServer, tmp_path: Path) -> None:
    done = run(
        server, tmp_path, "example", "synthetic", "s", "--hospitals", "30", "--seed", "2", "--json"
    )
    assert done.exit == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["example"] == "synthetic"
    assert payload["out"] == "s"
    assert set(payload["files"]) == {p.name for p in (tmp_path / "s").iterdir()}
    assert run(server, tmp_path, "network", "validate", "s").exit == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(server, tmp_path, "example", "china-2025", "empty").exit == 0
    assert (empty / "network.yaml").is_file()
