"""Shared helpers of the benchmarks: best-of timing and a printed, saved table."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path("out/bench")


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """Smallest wall time [s] of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def report(name: str, rows: dict[str, float]) -> None:
    """Print a table of results and save it as out/bench/NAME.json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(rows, indent=2))
    print(f"\n== {name} ==")
    for key, value in rows.items():
        print(f"  {key:<48} {value:12.6g}")
