"""The bad-input corpus (``tests/data/bad_inputs/*.yaml``), every case as its own process.

Each case must end with its exit code (2 unless it says otherwise), one line on stderr that
contains the words it names, nothing on stdout, no traceback, within its time limit, and every
file it started with unchanged (nothing a user gave is lost or silently changed).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from radiochain.errors import MESSAGE_LIMIT
from radiochain.network.examples import copy_clinical_inputs, example_path
from tests.cli.processes import ForkServer

CORPUS = Path(__file__).parents[1] / "data" / "bad_inputs"
KEYS = {"id", "class", "args", "says", "exit", "network", "json_network", "clinical", "files"}
KEYS |= {"bytes", "edit", "timeout", "note"}
PREFIX = "radiochain: error: "


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for file in sorted(CORPUS.glob("*.yaml")):
        for case in yaml.safe_load(file.read_text(encoding="utf-8")) or []:
            unknown = set(case) - KEYS
            assert not unknown, f"{file.name}: {case.get('id')}: unknown keys {unknown}"
            case["file"] = file.name
            cases.append(case)
    ids = [c["id"] for c in cases]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate case ids: {duplicates}"
    return cases


CASES = load_cases()


@pytest.fixture(scope="module")
def server() -> Iterator[ForkServer]:
    forks = ForkServer()
    yield forks
    forks.close()


def prepare(case: dict[str, Any], folder: Path) -> None:
    """The files a case starts from."""
    if case.get("network"):
        shutil.copytree(example_path(case["network"]), folder / "net")
    if case.get("json_network"):
        from radiochain.network.io import read_network, write_json

        write_json(read_network(folder / "net"), folder / "net.json")
    if case.get("clinical"):
        copy_clinical_inputs(folder / "clinical")
    for name, text in (case.get("files") or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    for name, escaped in (case.get("bytes") or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(escaped.encode("latin-1"))  # "\xe9" is byte 0xe9
    for name, replacements in (case.get("edit") or {}).items():
        path = folder / name
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, f"{case['id']}: {old!r} is not in {name}"
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")


def fingerprints(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input(case: dict[str, Any], server: ForkServer, tmp_path: Path) -> None:
    prepare(case, tmp_path)
    before = fingerprints(tmp_path)
    args = [str(a) for a in case["args"]]
    outcome = server.run(args, tmp_path, timeout_s=float(case.get("timeout", 60)))
    command = "radiochain " + " ".join(args)
    assert not outcome.timed_out, f"{command}: still running after {case.get('timeout', 60)} s"
    assert "Traceback" not in outcome.stderr, outcome.stderr[-3000:]
    expected = int(case.get("exit", 2))
    assert outcome.exit == expected, f"{command}: exit {outcome.exit}\n{outcome.stderr[-2000:]}"
    assert outcome.stdout == "", f"{command}: wrote to stdout: {outcome.stdout[:500]!r}"
    lines = outcome.stderr.splitlines()
    errors = [line for line in lines if line.startswith(PREFIX)]
    assert len(errors) == 1, f"{command}: stderr {outcome.stderr!r}"
    assert lines[-1] == errors[0], f"{command}: stderr {outcome.stderr!r}"
    message = errors[0]
    assert len(message) <= len(PREFIX) + MESSAGE_LIMIT
    for word in case.get("says") or []:
        assert word in message, f"{command}: {word!r} not in {message!r}"
    after = fingerprints(tmp_path)
    changed = [name for name, digest in before.items() if after.get(name) != digest]
    assert not changed, f"{command}: changed or removed the user's files {changed}"


def test_corpus_covers_every_command() -> None:
    """Every command of the CLI has cases in the corpus."""
    import typer

    from radiochain.cli.main import app

    def names(group: Any, prefix: str = "") -> Iterator[str]:
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):
                yield from names(cmd, f"{prefix}{name} ")
            else:
                yield f"{prefix}{name}"

    commands = set(names(typer.main.get_command(app)))
    covered = {" ".join(str(a) for a in c["args"][:2]) for c in CASES}
    covered |= {str(c["args"][0]) for c in CASES}
    missing = sorted(c for c in commands if c not in covered)
    assert not missing, f"commands without bad-input cases: {missing}"
