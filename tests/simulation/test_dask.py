"""A real Dask LocalCluster with two worker processes gives the in-process result, bit for bit."""

from __future__ import annotations

import pandas as pd
import pytest

from radiochain.planning import PlanResult
from radiochain.simulation import PlanTemplate, parse_scenario, run_ensemble

distributed = pytest.importorskip("distributed")


def test_local_cluster_matches_in_process(china_plan: tuple[PlanTemplate, PlanResult]) -> None:
    template, _ = china_plan
    sc = parse_scenario(
        {
            "outages": {"rate_per_year": 2.0, "duration_d": {"mean": 14, "cv": 1.5}},
            "batch_failures": {"probability": 0.02},
            "transport": {"refusal_probability": 0.01, "delay_probability": 0.05},
        }
    )
    local = run_ensemble(template, sc, weeks=10, runs=16, seed=2026)
    cluster = distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        dashboard_address=None,
        host="127.0.0.1",
    )
    try:
        with distributed.Client(cluster) as client:
            seen: list[int] = []
            remote = run_ensemble(
                template,
                sc,
                weeks=10,
                runs=16,
                seed=2026,
                workers=2,
                chunk=3,
                client=client,
                progress=lambda done, total: seen.append(done),
            )
            assert len(client.scheduler_info()["workers"]) == 2
    finally:
        cluster.close()
    assert seen[-1] == 16
    pd.testing.assert_frame_equal(local.runs, remote.runs, check_exact=True)
    pd.testing.assert_frame_equal(local.weekly, remote.weekly, check_exact=True)
