"""``radiochain simulate``: tables, report, JSON, reserve sizing, N-1, one-line errors."""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from radiochain.cli import main as cli
from radiochain.cli import simulate

if not any(c.name == "simulate" for c in cli.app.registered_commands):
    simulate.register(cli.app)  # until main.py registers it

EXAMPLES = Path(str(resources.files("radiochain") / "data" / "examples"))
SCENARIOS = Path(str(resources.files("radiochain") / "data" / "scenarios"))


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_simulate_json_and_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sim"
    args = ["simulate", str(EXAMPLES / "tiny"), "--weeks", "8", "--runs", "20", "--seed", "3",
            "--out", str(out), "--events", "--json"]  # fmt: skip
    code, stdout, err = run(args, capsys)
    assert code == 0, err
    summary = json.loads(stdout)
    assert summary["runs"] == 20
    assert summary["weeks"] == 8
    assert {a["kpi"] for a in summary["answers"]} >= {"missed", "delayed", "activity_wasted_bq"}
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 20
    assert (runs["appointments"] == 8 * 7).all()
    weekly = pd.read_parquet(out / "weekly.parquet")
    assert len(weekly) == 20 * 8
    assert (out / "events.parquet").is_file()
    assert (out / "fan_chart.png").read_bytes()[:4] == b"\x89PNG"
    page = (out / "report.html").read_text()
    assert "data:image/png;base64," in page
    assert "http" not in page.split("<body>")[1]
    # same seed, same table
    code, _, _ = run([*args[:-1], "--no-report"], capsys)
    assert code == 0
    pd.testing.assert_frame_equal(runs, pd.read_parquet(out / "runs.parquet"), check_exact=True)


def test_size_reserve_and_n_minus_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, err = run(
        ["simulate", str(EXAMPLES / "tiny"), "--weeks", "6", "--runs", "4", "--n-minus-1",
         "largest-producer", "--outage-duration", "10 d", "--size-reserve", "--target",
         "P(missed > 1 %) < 5 %", "--out", str(tmp_path), "--no-report", "--json"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    sizing = json.loads(stdout)["reserve_sizing"]
    assert 0.9 <= sizing["reserve_fraction"] <= 1.01  # the only producer: all of it


def test_scenario_file_and_table_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, err = run(
        ["simulate", str(EXAMPLES / "tiny"), "--weeks", "4", "--runs", "5", "--scenario",
         str(SCENARIOS / "heavy-tail-outages.yaml"), "--out", str(tmp_path), "--no-report"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    assert "heavy-tail-outages" in stdout
    assert "missed" in stdout


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (["--target", "missed < 5", "--size-reserve"], "--target"),
        (["--runs", "0"], "--runs"),
        (["--policy", "magic"], "--policy"),
        (["--reserve", "-1"], "--reserve"),
        (["--n-minus-1", "nowhere"], "nowhere"),
        (["--scenario", "no-such.yaml"], "does not exist"),
    ],
)
def test_bad_input_exit_2(
    extra: list[str], match: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["simulate", str(EXAMPLES / "tiny"), "--weeks", "1", "--runs", "1", "--out",
         str(tmp_path), "--no-report", *extra],
        capsys,
    )  # fmt: skip
    assert code == 2
    assert match in err
    assert err.count("\n") == 1


def test_unknown_scenario_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("outages:\n  rate_per_year: 1\n  shape: 3\n")
    code, _, err = run(
        ["simulate", str(EXAMPLES / "tiny"), "--runs", "1", "--scenario", str(bad)], capsys
    )
    assert code == 2
    assert "shape" in err
    assert str(bad) in err


def _zero_costs(folder: Path) -> None:
    """A copy of the tiny network without any cost."""
    shutil.copytree(EXAMPLES / "tiny", folder)
    for table, columns in {
        "producers": ["cost_per_gbq"],
        "processes": ["cost_per_batch"],
        "lanes": ["cost_per_shipment", "cost_per_package"],
    }.items():
        path = folder / f"{table}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame[columns] = "0"
        frame.to_csv(path, index=False)


def test_terminal_output_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """KPIs in words with units, one value column for one run, singular and plural counted
    right, no constant cost row for a network without costs."""
    _zero_costs(tmp_path / "net")
    args = ["simulate", str(tmp_path / "net"), "--out", str(tmp_path / "o"), "--no-report"]
    code, stdout, err = run([*args, "--runs", "1", "--weeks", "8"], capsys)
    assert code == 0, err
    assert "1 run x 8 weeks" in stdout
    for label in ("treated on the day", "missed by disruptions [%]", "mean delay [d]",
                  "activity wasted [GBq]"):  # fmt: skip
        assert label in stdout, label
    assert "treated_on_day" not in stdout
    assert "p5" not in stdout  # one run: one value, not three equal percentiles
    assert "cost" not in stdout.split("treated on the day")[1]
    code, stdout, err = run([*args, "--runs", "2", "--weeks", "1"], capsys)
    assert code == 0, err
    assert "2 runs x 1 week," in stdout
    assert "median [95 % CI]" in stdout


def test_report_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """report.html: no Python None, no e-notation, fractions in %, activities in GBq, and the
    sized reserve stated in words."""
    code, _, err = run(
        ["simulate", str(EXAMPLES / "tiny"), "--weeks", "4", "--runs", "6", "--scenario",
         str(SCENARIOS / "heavy-tail-outages.yaml"), "--size-reserve", "--target",
         "P(missed > 1 %) < 50 %", "--out", str(tmp_path)],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    text = re.sub(r'src="data:image/png;base64,[^"]*"', "", page)
    assert "None" not in text
    assert not re.search(r"\d\.?\d*e[+-]\d", text), re.search(r".{40}\d\.?\d*e[+-]\d.{40}", text)
    assert "missed by disruptions [%]" in text
    assert "activity wasted [GBq]" in text
    sizing = json.loads((tmp_path / "summary.json").read_text())["reserve_sizing"]
    if sizing["reserve_fraction"] is None:
        assert "No outage reserve up to 200 % of the weekly nuclide need meets" in text
    else:
        assert "outage reserve that meets the target" in text or "without an outage" in text


def _process(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "radiochain", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@contextlib.contextmanager
def _not_a_scheduler(kind: str) -> Iterator[str]:
    """A server in a thread of this test: 'garbage' answers bytes and closes; 'http' is
    Python's web server (it waits for a request line that never comes)."""
    if kind == "http":
        server: Any = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        port = server.server_address[1]
    else:
        server = socket.create_server(("127.0.0.1", 0))
        port = server.getsockname()[1]

        def answer() -> None:
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                with conn:
                    conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

        thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{port}"
    finally:
        if kind == "http":
            server.shutdown()
            server.server_close()
        else:
            server.close()


@pytest.mark.parametrize("kind", ["garbage", "http"])
def test_a_server_that_is_not_a_scheduler(kind: str, tmp_path: Path) -> None:
    """As a user meets it: exit 2 and one line (was: exit 70 after a MemoryError, or a hang)."""
    with _not_a_scheduler(kind) as address:
        done = _process(
            ["simulate", str(EXAMPLES / "tiny"), "--runs", "2", "--weeks", "1", "--out",
             str(tmp_path / "o"), "--scheduler", address],
            tmp_path,
        )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(
        f"radiochain: error: cannot talk to the Dask scheduler '{address}': not a Dask scheduler"
    )
