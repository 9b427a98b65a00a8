"""The command line: JSON keys with units, one-line errors with exit code 2, --debug."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from radiochain.cli.main import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_decay_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["decay", "Ac-225", "1 GBq", "--after", "10 d", "--json"], capsys)
    assert code == 0
    payload = json.loads(out)
    assert payload["dataset"] == "radiochain"
    assert payload["dataset_version"]
    assert payload["elapsed_s"] == 864000.0
    assert payload["initial_activity_bq"] == 1e9
    rows = {row["nuclide"]: row for row in payload["chain"]}
    assert {"Ac-225", "Fr-221", "At-217", "Bi-213", "Po-213", "Tl-209", "Pb-209"} <= set(rows)
    half_life = rows["Ac-225"]["half_life_s"]
    assert rows["Ac-225"]["activity_bq"] == pytest.approx(1e9 * 2 ** (-864000.0 / half_life))


def test_decay_table_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png, page = tmp_path / "chain.png", tmp_path / "chain.html"
    code, out, _ = run(["decay", "Ac-225", "1 GBq", "--after", "10 d", "--plot", str(png)], capsys)
    assert code == 0
    assert "Bi-213" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (
        run(["decay", "Lu-177", "7.4 GBq", "--after", "5 d", "--plot", str(page)], capsys)[0] == 0
    )
    text = page.read_text()
    assert "data:image/png;base64," in text
    assert "http://" not in text  # opens offline
    assert "https://" not in text


def test_nuclide_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["nuclide", "lu177m", "--json"], capsys)
    assert code == 0
    info = json.loads(out)
    assert info["nuclide"] == "Lu-177m"
    daughters = {m["daughter"]: m["branching_fraction"] for m in info["decay_modes"]}
    assert set(daughters) == {"Lu-177", "Hf-177"}
    assert sum(daughters.values()) == pytest.approx(1.0)
    assert info["half_life_s"] > 0
    assert info["sources"]["half_life"]


def test_nuclide_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["nuclide", "--list", "--json"], capsys)
    assert code == 0
    names = {row["nuclide"] for row in json.loads(out)["nuclides"]}
    assert {"Lu-177", "Ac-225", "Bi-209"} <= names


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["decay", "Xx-225", "1 GBq", "--after", "10 d"], "not a chemical element"),
        (["decay", "Lu-179", "1 GBq", "--after", "10 d"], "closest: "),
        (["decay", "Ac-225", "-1 GBq", "--after", "10 d"], "negative"),
        (["decay", "Ac-225", "nan GBq", "--after", "10 d"], "not a number"),
        (["decay", "Ac-225", "1 GBqq", "--after", "10 d"], "unknown unit 'GBqq'"),
        (["decay", "Ac-225", "1 GBq", "--after", "ten days"], "cannot read 'ten days'"),
        (["decay", "Ac-225", "1 GBq", "--after", "-3 d"], "negative"),
        (["decay", "Ac-225", "1 GBq"], "Missing option '--after'"),
        (
            ["decay", "Ac-225", "1 GBq", "--after", "1 d", "--dataset", "nope"],
            "unknown nuclear dataset",
        ),
        (["nuclide", "Lu-177", "--dataset", "nope"], "unknown nuclear dataset"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(args, capsys)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("radiochain: error: ")
    assert message in lines[0]
    assert "Traceback" not in err


def test_debug_shows_the_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "radiochain", "--debug", "decay", "Xx-1", "1 GBq", "--after", "1 d"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_console_script_exit_code() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "radiochain", "decay", "Ac-225", "1 GBq", "--after", "-1 d"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    assert "decay" in out
    assert "nuclide" in out
