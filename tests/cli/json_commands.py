"""The commands run as processes by the ``--json`` tests, and how to run them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from radiochain.network.examples import copy_clinical_inputs, example_path

# One invocation per command and sub-command (names relative to the working folder).
COMMANDS: dict[str, list[str]] = {
    "nuclide": ["nuclide", "Lu-177"],
    "nuclide --list": ["nuclide", "--list"],
    "decay": ["decay", "Ac-225", "1 GBq", "--after", "10 d"],
    "datasets": ["datasets"],
    "produce --list": ["produce", "--list"],
    "produce": [
        "produce", "lu177-direct", "--target-mass", "10 mg", "--enrichment", "0.82",
        "--thermal-flux", "1e14", "--irradiation", "7 d", "--cooling", "1 d",
    ],
    "example": ["example", "tiny", "copy"],
    "network validate": ["network", "validate", "net"],
    "network show": ["network", "show", "net"],
    "plan": ["plan", "net", "--out", "plan", "--no-report"],
    "simulate": ["simulate", "net", "--weeks", "2", "--runs", "3", "--out", "sim", "--no-report"],
    "clinical stratify": ["clinical", "stratify", "clinical/lesions.csv"],
    "clinical dosimetry": [
        "clinical", "dosimetry", "clinical/tac.csv", "--administered", "7.4 GBq",
    ],
    "clinical activity": ["clinical", "activity", "clinical/patient.yaml"],
    "clinical release": ["clinical", "release", "Lu-177", "7.4 GBq"],
    "network import": ["network", "import", "net", "--db", "sqlite:///svc.db"],
    "users add": ["users", "add", "ada", "--role", "admin", "--db", "sqlite:///svc.db"],
    "users list": ["users", "list", "--db", "sqlite:///svc.db"],
    "audit verify": ["audit", "verify", "--db", "sqlite:///svc.db"],
    "clinical to-demand": [
        "clinical", "to-demand", "clinical/plans.csv", "net", "--out", "net-with-plans",
    ],
}  # fmt: skip


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MPLBACKEND="Agg", COLUMNS="100", RADIOCHAIN_PASSWORD="correct horse")
    return subprocess.run(
        [sys.executable, "-m", "radiochain", *args, "--json"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )


def run_all(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run every command of :data:`COMMANDS` once as a process, two at a time."""
    results: dict[str, Any] = {}

    def one(name: str) -> tuple[str, subprocess.CompletedProcess[str]]:
        folder = tmp_path_factory.mktemp(name.replace(" ", "_").replace("-", ""))
        shutil.copytree(example_path("tiny"), folder / "net")
        copy_clinical_inputs(folder / "clinical")
        return name, _run(COMMANDS[name], folder)

    with ThreadPoolExecutor(max_workers=2) as pool:
        for name, done in pool.map(one, COMMANDS):
            results[name] = done
    return results
