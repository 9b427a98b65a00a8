"""Bad input anywhere on the command line: exit 2 and one line, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from radiochain.cli.main import main
from radiochain.network.examples import example_path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    tiny = tmp_path / "tiny"
    shutil.copytree(example_path("tiny"), tiny)
    bad_zone = tmp_path / "bad-zone"
    shutil.copytree(example_path("tiny"), bad_zone)
    meta = (bad_zone / "network.yaml").read_text().replace("Asia/Shanghai", "Mars/Olympus")
    (bad_zone / "network.yaml").write_text(meta)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"organs:\n  kidney: caf\xe9\n")
    return {"tiny": tiny, "bad_zone": bad_zone, "latin": latin, "file": tiny / "sites.csv"}


CASES = [
    (["plan", "{bad_zone}"], "is not a time zone"),
    (["network", "validate", "{bad_zone}"], None),  # listed problems, exit 2
    (["example", "synthetic", "{tmp}/s", "--seed", "-1"], "--seed -1"),
    (["plan", "{tiny}", "--out", "{file}"], "is a file"),
    (["plan", "{tiny}", "--days", "100000"], "give 1 to 366"),
    (["plan", "{tiny}", "--gap", "-1"], "--gap"),
    (["plan", "{tiny}", "--time-limit", "0"], "--time-limit"),
    (["simulate", "{tiny}", "--seed", "-1"], "--seed -1"),
    (["simulate", "{tiny}", "--out", "{file}"], "is a file"),
    (["simulate", "{tiny}", "--weeks", "1", "--n-minus-1", "largest-producer",
      "--outage-start", "100"], "--outage-start"),
    (["clinical", "activity", "{latin}"], "not UTF-8"),
    (["clinical", "release", "I-131", "5 GBq", "--rule", "nrc-u1-i131-dose-rate",
      "--measured-dose-rate", "nan", "--json"], "--measured-dose-rate"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), CASES, ids=[" ".join(c[0][:3]) for c in CASES])
def test_bad_input_exits_2_with_one_line(
    args: list[str], message: str | None, files: dict[str, Path], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    filled = [a.format(tmp=tmp_path, **files) for a in args]
    assert main(filled) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if message is not None:
        assert err.count("\n") == 1, err
        assert message in err
