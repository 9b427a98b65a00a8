"""``--json`` as a user's script meets it: every command run as its own process (the installed
console script's code path, ``python -m radiochain``), stdout parsed as exactly one JSON
document. An in-process runner cannot see what C code (a solver) writes to file descriptor 1;
a process can.

The payloads are kept for :mod:`tests.cli.test_nomenclature`, which checks their keys.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.cli.json_commands import COMMANDS


def test_every_command_is_covered() -> None:
    """The list above names every command of the CLI (a new command must join it)."""
    import typer

    from radiochain.cli.main import app

    def names(group: Any, prefix: str = "") -> set[str]:
        found: set[str] = set()
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):
                found |= names(cmd, f"{prefix}{name} ")
            else:
                found.add(f"{prefix}{name}")
        return found

    # serve answers HTTP until stopped: tests/service runs the app it serves
    commands = names(typer.main.get_command(app)) - {"serve"}
    covered = {name.split(" --")[0] for name in COMMANDS}
    assert commands == covered


@pytest.mark.parametrize("name", list(COMMANDS))
def test_json_is_one_document_on_stdout(name: str, json_outputs: dict[str, Any]) -> None:
    done = json_outputs[name]
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    payload = json.loads(done.stdout)  # the whole of stdout, nothing before or after
    assert isinstance(payload, dict)
    assert done.stdout.count("\n{") == 0  # one document, not several
