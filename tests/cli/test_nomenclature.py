"""One name per concept: every option and every ``--json`` key against ``docs/nomenclature.md``.

- every option of every command is named in the nomenclature, and one option name is either a
  switch everywhere or takes a value everywhere;
- every JSON key is snake_case (keys of mappings *by name* — nuclides, rules, criteria, sites —
  are the names themselves); every number sits under a key with a unit suffix the nomenclature
  lists, or under a key it lists as having no unit (counts, fractions, ...);
- results that depend on nuclear data carry ``dataset`` and ``dataset_version``, and no result
  uses the retired synonyms.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from radiochain.cli.main import app
from tests.cli.json_commands import COMMANDS

DOC = (Path(__file__).parents[2] / "docs" / "nomenclature.md").read_text(encoding="utf-8")
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
RETIRED = {"nuclear_data", "nuclear_dataset", "dataset_label", "nuclear_data_version"}
NEEDS_DATASET = {
    "nuclide",
    "nuclide --list",
    "decay",
    "produce",
    "plan",
    "simulate",
    "clinical dosimetry",
    "clinical release",
}


def _section(title: str) -> str:
    start = DOC.index(title)
    end = DOC.find("\n#", start + len(title))
    return DOC[start : end if end > 0 else None]


def _names(text: str) -> set[str]:
    return set(re.findall(r"`([a-z0-9_]+)`", text))


UNIT_SUFFIXES = sorted(
    re.findall(r"`(_[a-z0-9_]+)`", _section("#### Unit suffixes")), key=len, reverse=True
)
UNITLESS = _names(_section("#### Keys without a unit"))
NAME_MAPS = _names(_section("#### Mappings by name"))


def _commands(group: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):  # a group (Typer vendors its own Click)
            yield from _commands(cmd, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", cmd


def _options() -> dict[str, dict[str, bool]]:
    """option -> {command: is_flag}."""
    found: dict[str, dict[str, bool]] = {}
    for command, cmd in _commands(typer.main.get_command(app)):
        for param in cmd.params:
            if getattr(param, "param_type_name", "") == "option":
                for opt in [*param.opts, *param.secondary_opts]:
                    if opt.startswith("--"):
                        found.setdefault(opt, {})[command] = bool(param.is_flag)
    return found


OPTIONS = _options()


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_option_is_in_the_nomenclature(option: str) -> None:
    if option in ("--help",):
        return
    assert f"`{option}" in DOC or f"{option}`" in DOC or f" {option}" in DOC, (
        f"{option} (used by {sorted(OPTIONS[option])}) is not named in docs/nomenclature.md"
    )


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_option_is_a_switch_everywhere_or_nowhere(option: str) -> None:
    kinds = set(OPTIONS[option].values())
    assert len(kinds) == 1, f"{option}: a switch in some commands, a value in others"


def _walk(value: Any, key: str, parent: str, found: list[tuple[str, str, Any]]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            found.append((k, key, v))
            _walk(v, k, key, found)
    elif isinstance(value, list):
        for v in value:
            _walk(v, key, parent, found)


def _has_unit(key: str) -> bool:
    return any(key.endswith(suffix) for suffix in UNIT_SUFFIXES)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_json_keys_follow_the_nomenclature(name: str, json_outputs: dict[str, Any]) -> None:
    done = json_outputs[name]
    assert done.returncode == 0, done.stderr[-2000:]
    payload = json.loads(done.stdout)
    found: list[tuple[str, str, Any]] = []
    _walk(payload, "", "", found)
    bad_names = sorted(
        {k for k, parent, _ in found if parent not in NAME_MAPS and not SNAKE.match(k)}
    )
    assert not bad_names, f"{name}: keys that are not snake_case: {bad_names}"
    retired = sorted({k for k, _, _ in found if k in RETIRED})
    assert not retired, f"{name}: retired key names {retired} (use dataset, dataset_version)"
    numbers = {
        k
        for k, parent, v in found
        if parent not in NAME_MAPS and isinstance(v, int | float) and not isinstance(v, bool)
    }
    unitless = sorted(k for k in numbers if not _has_unit(k) and k not in UNITLESS)
    assert not unitless, (
        f"{name}: numbers under keys with neither a unit suffix nor a place in the "
        f"nomenclature's 'Keys without a unit': {unitless}"
    )
    if name in NEEDS_DATASET:
        assert isinstance(payload.get("dataset"), str), f"{name}: no 'dataset'"
        assert isinstance(payload.get("dataset_version"), str), f"{name}: no 'dataset_version'"
