"""How large a network may be planned: the size is counted before the instance is built, and
a plan beyond the documented limits is refused in one line (exit 2) instead of running out of
memory (the newcomer's 100,000-hospital greedy plan failed at 5 GB with a MemoryError)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import radiochain.planning.instance as instance_module
import radiochain.planning.milp as milp_module
from radiochain.cli.main import main
from radiochain.errors import InputError
from radiochain.network.examples import load_example, synthetic_network
from radiochain.planning import build_instance, plan
from radiochain.planning.instance import count_ways_to_serve

ROOT = Path(__file__).parents[2]


def test_ways_to_serve_are_counted_by_hand_on_the_tiny_network() -> None:
    """appointment x allowed day x departure towards its hospital, counted with plain loops
    over the instance's tables."""
    inst = build_instance(load_example("tiny"))
    by_hand = 0
    for appt in inst.appointments.itertuples():
        towards = sum(1 for to in inst.departures["to_site"] if to == appt.hospital)
        by_hand += (appt.last_day - appt.first_day + 1) * towards
    assert count_ways_to_serve(inst.appointments, inst.departures) == by_hand
    # the options kept are among those counted: at most batch_choices batches each
    kept = inst.options_table.groupby(["appt", "serve_day", "departure"]).size()
    assert len(kept) <= by_hand
    assert kept.max() <= inst.options.batch_choices


def test_a_network_beyond_the_limit_is_refused_before_the_options_are_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    network = synthetic_network(30, seed=1)
    inst = build_instance(network)
    ways = count_ways_to_serve(inst.appointments, inst.departures)
    monkeypatch.setattr(instance_module, "MAX_WAYS_TO_SERVE", ways - 1)

    def never(*args: object, **kwargs: object) -> pd.DataFrame:
        raise AssertionError("the options were built")

    monkeypatch.setattr(instance_module, "_serving_options", never)
    with pytest.raises(InputError) as caught:
        plan(network, method="greedy")
    message = str(caught.value)
    assert re.search(
        rf"too large to plan: {len(inst.appointments):,} appointments in 7 day", message
    )
    assert f"{ways:,} ways to be served" in message
    assert f"at most {ways - 1:,}" in message
    assert "\n" not in message


def test_the_milp_is_refused_beyond_its_limit_and_greedy_still_plans(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    network = load_example("tiny")
    ways = len(build_instance(network).options_table)
    monkeypatch.setattr(milp_module, "MAX_MILP_WAYS", ways - 1)
    with pytest.raises(InputError, match=f"too large for the MILP: .* {ways:,} ways .*greedy"):
        plan(network)
    assert plan(network, method="greedy").kpis["unserved"] == 0


def test_the_limits_are_documented() -> None:
    """docs/planning.md and the limits table of docs/nomenclature.md give the numbers the
    code uses."""
    planning = (ROOT / "docs" / "planning.md").read_text(encoding="utf-8")
    nomenclature = (ROOT / "docs" / "nomenclature.md").read_text(encoding="utf-8")
    for limit in (instance_module.MAX_WAYS_TO_SERVE, milp_module.MAX_MILP_WAYS):
        assert f"{limit:,}" in planning
        assert f"{limit:,}" in nomenclature


def test_the_command_line_says_it_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(instance_module, "MAX_WAYS_TO_SERVE", 10)
    assert main(["example", "tiny", str(tmp_path / "net")]) == 0
    capsys.readouterr()
    code = main(["plan", str(tmp_path / "net"), "--out", str(tmp_path / "o"), "--method", "greedy"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("radiochain: error: too large to plan:")
    assert err.count("\n") == 1
