"""Docs that cannot drift: every command in a ``console`` block and every ``python`` block of
README.md and docs/*.md runs, as a user would run it, and succeeds.

Each page runs in a fresh folder that holds what a reader following it would have: the clinical
example inputs (``lesions.csv``, ``tac.csv``, ...), a ``network/`` folder, and ``src`` pointing at
this checkout (pages refer to bundled scenario files by their path in the repository). The
README's commands start from ``out/demo/network``, which ``make demo`` writes. A page's
commands run in order, so a block may use what an earlier one wrote; its python blocks run
together as one script, in a folder of their own that also holds ``net`` (the china-2025
example the pages create first).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from radiochain.network.examples import copy_clinical_inputs, example_path

ROOT = Path(__file__).parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SKIP = {
    # an example address of the reader's own Dask cluster: nothing listens there
    "tcp://10.0.0.5:8786": "needs the reader's Dask scheduler",
    # runs until Ctrl-C; tests/cli/test_serve.py and tests/service/test_browser.py start it
    "radiochain serve": "a server, not a command that ends",
}
PASSWORD = "the reader's password"
"""What the reader types when ``radiochain users add`` asks for a password."""
BLOCK = re.compile(r"^```(console|python)\n(.*?)^```", re.M | re.S)


def commands(text: str) -> list[str]:
    """The ``$ ...`` lines of a console block (continuations joined, comments dropped)."""
    found, current = [], ""
    for line in text.splitlines():
        if current:
            current += " " + line.strip()
        elif line.startswith("$ "):
            current = line[2:].strip()
        else:
            continue
        if current.endswith("\\"):
            current = current[:-1].rstrip()
            continue
        found.append(re.sub(r"\s{2,}#.*$", "", current).strip())
        current = ""
    return found


def blocks(page: Path) -> list[tuple[str, str]]:
    """``(kind, content)`` of every console and python block, in page order."""
    return [(m[1], m[2]) for m in BLOCK.finditer(page.read_text(encoding="utf-8"))]


def prepare(folder: Path) -> None:
    copy_clinical_inputs(folder)
    shutil.copytree(example_path("tiny"), folder / "network")
    (folder / "src").symlink_to(ROOT / "src")


def run(command: str, folder: Path) -> subprocess.CompletedProcess[str]:
    args = shlex.split(command)
    if args[0].endswith("radiochain"):
        args = [sys.executable, "-m", "radiochain", *args[1:]]
    elif args[:2] == ["make", "demo"]:
        args = [sys.executable, "-m", "radiochain", "example", "china-2025", "out/demo/network"]
    env = dict(os.environ, MPLBACKEND="Agg", COLUMNS="100", RADIOCHAIN_PASSWORD=PASSWORD)
    return subprocess.run(
        args, cwd=folder, capture_output=True, text=True, timeout=900, env=env, check=False
    )


def steps(page: Path) -> list[tuple[str, str]]:
    """What a reader of the page runs, in order: ``("console", command)``, then the page's
    python blocks as one script (a block may use names an earlier one defined)."""
    out: list[tuple[str, str]] = []
    python: list[str] = []
    for kind, content in blocks(page):
        if kind == "python":
            python.append(content)
        else:
            # radiochain's own commands; set-up steps (make, pip) are what the test stands in for
            out.extend(
                ("console", c) for c in commands(content) if c.split()[0].endswith("radiochain")
            )
    if python:
        out.append(("python", "\n".join(python)))
    return out


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_documented_command_runs(page: Path, tmp_path: Path) -> None:
    prepare(tmp_path)
    if page.name == "README.md":
        assert run("make demo", tmp_path).returncode == 0
    failures = []
    for kind, step in steps(page):
        if any(marker in step for marker in SKIP):
            continue
        if "[--" in step:  # a synopsis with optional parts, not a command to run
            continue
        if kind == "python":  # in a folder of its own, where the page's commands have not run
            fresh = tmp_path / "python"
            fresh.mkdir()
            prepare(fresh)
            shutil.copytree(example_path("china-2025"), fresh / "net")
            (fresh / "example.py").write_text(step, encoding="utf-8")
            done = run(f"{sys.executable} example.py", fresh)
        else:
            done = run(step, tmp_path)
        if done.returncode not in (0,) or "Traceback" in done.stderr:
            shown = step[:300]
            failures.append(f"{kind}: {shown}\n  -> exit {done.returncode}: {done.stderr[-800:]}")
    assert not failures, f"{page.name}:\n" + "\n".join(failures)


def test_the_parser_finds_commands() -> None:
    text = "$ radiochain a \\\n      --b c   # note\nout\n$ radiochain d\n"
    assert commands(text) == ["radiochain a --b c", "radiochain d"]
