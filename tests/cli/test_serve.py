"""``radiochain serve`` as a newcomer starts it: what it says on stderr before serving."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

WAIT_S = 120.0
"""Longest wait for the server's first lines: it only stops a hung test (nothing is timed)."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _first_lines(url: str) -> str:
    """What ``radiochain serve --db url`` writes on stderr until it listens; then stop it."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "radiochain", "serve", "--db", url, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline and process.poll() is None:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("radiochain serve did not start listening")
    finally:
        process.terminate()
        _, err = process.communicate(timeout=60)
    return err


def test_an_empty_database_says_how_to_add_the_first_admin(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'service.db'}"
    lines = _first_lines(url)
    assert "serving on http://127.0.0.1:" in lines
    assert f"'radiochain users add admin --role admin --db {url}'" in lines


def test_a_database_with_users_says_only_where_it_serves(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'service.db'}"
    command = [sys.executable, "-m", "radiochain", "users", "add", "root", "--role", "admin"]
    added = subprocess.run(
        [*command, "--db", url],
        env={**os.environ, "RADIOCHAIN_PASSWORD": "a long enough password"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    lines = _first_lines(url)
    assert "serving on" in lines
    assert "no users yet" not in lines
