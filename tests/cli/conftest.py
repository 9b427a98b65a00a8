"""Fixtures of the command-line tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.json_commands import run_all


@pytest.fixture(scope="session")
def json_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every command run once as a process with ``--json`` (see tests/cli/json_commands.py)."""
    return run_all(tmp_path_factory)
