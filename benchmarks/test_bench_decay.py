"""Decay engine speed, as ratios against radioactivedecay and the NumPy floor, measured in
the same run (``make bench``).

(a) the Ac-225 chain at 1,000 times; (b) 10,000 mixed inventories at 100 times. The floor is
NumPy evaluating just the exponentials for an output of the same size. radioactivedecay's cost
per ``decay()`` call does not depend on the inventory (it multiplies its full 1512x1512
matrices), so for (b) it is timed on a sample of inventories and scaled linearly; the sample
size is printed.
"""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.reporting import best_of, report
from radiochain import decay_batch, get_dataset

rd = pytest.importorskip("radioactivedecay")

pytestmark = pytest.mark.bench

MIX = ["Lu-177", "Lu-177m", "Ac-225", "Ga-68", "Ge-68", "Mo-99", "Tc-99m", "F-18", "I-131",
       "Y-90", "Ra-223", "Pb-212", "Th-227", "Cu-64", "Zr-89"]  # fmt: skip


def test_ac225_chain_at_1000_times() -> None:
    data = get_dataset("icrp107")
    times = np.linspace(0.0, 30 * 86400.0, 1000)
    ours = best_of(lambda: decay_batch(["Ac-225"], [[1e9]], times, dataset=data), 20)
    inventory = rd.Inventory({"Ac-225": 1e9}, "Bq")
    theirs = best_of(lambda: [inventory.decay(float(t), "s").activities() for t in times], 3)
    out_size = decay_batch(["Ac-225"], [[1e9]], times, dataset=data).values.size
    buffer = np.linspace(0.0, 1.0, out_size)
    floor = best_of(lambda: np.exp(-buffer), 50)
    rows = {
        "radiochain_s": ours,
        "radioactivedecay_s": theirs,
        "numpy_exp_floor_s": floor,
        "speedup_vs_radioactivedecay": theirs / ours,
        "ratio_to_floor": ours / floor,
    }
    report("decay_ac225_1000_times", rows)
    assert rows["speedup_vs_radioactivedecay"] > 10


def test_10000_mixed_inventories_at_100_times() -> None:
    data = get_dataset("icrp107")
    rng = np.random.default_rng(20261122)
    k = 10_000
    amounts = np.zeros((k, len(MIX)))
    amounts[np.arange(k), rng.integers(0, len(MIX), k)] = rng.uniform(1e6, 1e10, k)
    times = np.geomspace(60.0, 60 * 86400.0, 100)
    decay_batch(MIX, amounts, times, dataset=data)  # warm the chain cache
    ours = best_of(lambda: decay_batch(MIX, amounts, times, dataset=data), 5)
    bundled = best_of(lambda: decay_batch(MIX, amounts, times), 5)
    shape = decay_batch(MIX, amounts, times, dataset=data).values.shape
    buffer = np.linspace(0.0, 1.0, int(np.prod(shape)))
    floor = best_of(lambda: np.exp(-buffer), 5)

    sample = 40
    inventories = [
        rd.Inventory({MIX[int(np.argmax(row))]: float(row.max())}, "Bq") for row in amounts[:sample]
    ]

    def reference() -> None:
        for inv in inventories:
            for t in times:
                inv.decay(float(t), "s").activities()

    theirs = best_of(reference, 2) * k / sample
    rows = {
        "inventories": k,
        "times": len(times),
        "chain_members": shape[1],
        "radiochain_s": ours,
        "radiochain_bundled_dataset_s": bundled,
        "radioactivedecay_s_extrapolated": theirs,
        "radioactivedecay_sample_inventories": sample,
        "numpy_exp_floor_s": floor,
        "speedup_vs_radioactivedecay": theirs / ours,
        "ratio_to_floor": ours / floor,
    }
    report("decay_10000_inventories_100_times", rows)
    assert rows["speedup_vs_radioactivedecay"] >= 1000
    assert rows["ratio_to_floor"] <= 5
