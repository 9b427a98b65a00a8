"""Production solver speed: a year of weekly on-line Lu-177 irradiation with 1,000 uncertainty
samples, against the same computation done step by step with scipy.integrate.solve_ivp
(``make bench``).

The stream: 52 Lu-176 targets (10 mg, 82 %), inserted weekly, 2 weeks in core at 1e14 n/cm2/s,
one 30-day outage; 1,000 samples of the cross sections. radiochain solves every target for all
samples at once (batched Padé exponential, propagators reused across targets). The reference
integrates each (target, sample) history step by step with solve_ivp (Radau, analytic
Jacobian, rtol 1e-8) on the same matrices; it is timed on a random subsample of pairs and
scaled linearly to the 52,000 pairs (the subsample size is printed), and its Lu-177 activities
are compared with ours on that subsample.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from benchmarks.reporting import report
from radiochain.physics.datasets import get_dataset
from radiochain.physics.production import NeutronField
from radiochain.physics.production.activation import schedule_history, target_atoms
from radiochain.physics.production.online import _periods, online_irradiation, parse_outages
from radiochain.physics.production.solver import nuclide_set
from radiochain.physics.production.uncertainty import (
    BatchSystem,
    capture_scales,
    solve_history_samples,
)

pytestmark = pytest.mark.bench

WEEK = 7 * 86400.0
SAMPLES = 1000
TARGETS = 52
SUBSAMPLE = 40


def test_year_of_online_lu177_with_1000_samples() -> None:
    kwargs = {
        "target_mass": "10 mg",
        "enrichment": 0.82,
        "thermal_flux": 1e14,
        "weeks_in_core": 2,
        "targets": TARGETS,
        "outages": ["100 d/130 d"],
    }
    online_irradiation(**kwargs, samples=10, rng=np.random.default_rng(0))  # warm caches
    start = time.perf_counter()
    online_irradiation(**kwargs, samples=SAMPLES, rng=np.random.default_rng(1))
    ours = time.perf_counter() - start

    # the same model, built explicitly, for the step-by-step reference
    data = get_dataset("radiochain")
    field = NeutronField(1e14)
    atoms = target_atoms(0.01, "Lu", isotope="Lu-176", enrichment=0.82, dataset=data)
    spans = parse_outages(["100 d/130 d"])
    histories = [
        schedule_history(
            _periods(k * WEEK, (k + 2) * WEEK, spans, field), atoms, dataset=data, end=2 * WEEK
        )
        for k in range(TARGETS)
    ]
    channels = [c for h in histories for s in h for c in s.channels]
    names = nuclide_set(data, [*atoms, "Lu-177m"], channels)
    rng = np.random.default_rng(2)
    scales = capture_scales(channels, field, SAMPLES, rng)
    system = BatchSystem(names, SAMPLES, scales=scales, dataset=data, always_keep=atoms)
    index = system.system.index
    pairs = rng.choice(TARGETS * SAMPLES, SUBSAMPLE, replace=False)
    j177 = index["Lu-177"]

    def reference(k: int, s: int) -> float:
        state = np.zeros(len(names))
        for name, value in atoms.items():
            state[index[name]] = value
        for step in histories[k]:
            a, _ = system.system.matrix(step)
            for c in step.channels:
                f = scales.get(c.label)
                if f is not None:
                    j = index[c.source]
                    a[j, j] -= (f[s] - 1) * c.rate
                    if c.product is not None:
                        a[index[c.product], j] += (f[s] - 1) * c.rate
            sol = solve_ivp(lambda _t, y, a=a: a @ y, (0, step.duration), state,
                            method="Radau", jac=a, rtol=1e-8, atol=1e-6)  # fmt: skip
            state = sol.y[:, -1]
        return float(state[j177])

    start = time.perf_counter()
    ref = [reference(int(p) // SAMPLES, int(p) % SAMPLES) for p in pairs]
    theirs = (time.perf_counter() - start) * TARGETS * SAMPLES / SUBSAMPLE

    mine = np.array([
        solve_history_samples(histories[int(p) // SAMPLES], atoms, SAMPLES, system=system)
        .atoms[int(p) % SAMPLES, -1, j177]
        for p in pairs
    ])  # fmt: skip
    ok = np.array(ref) > 0
    deviation = float(np.max(np.abs(mine[ok] / np.array(ref)[ok] - 1))) if ok.any() else 0.0
    rows = {
        "targets": TARGETS,
        "samples": SAMPLES,
        "nuclides": len(names),
        "radiochain_s": ours,
        "solve_ivp_s_extrapolated": theirs,
        "solve_ivp_subsample_pairs": SUBSAMPLE,
        "speedup_vs_solve_ivp": theirs / ours,
        "max_rel_deviation_lu177_on_subsample": deviation,
    }
    report("production_online_year_1000_samples", rows)
    assert deviation < 1e-5
    assert rows["speedup_vs_solve_ivp"] > 10
