"""Repository-wide pytest options: benchmarks run only with --bench (make bench)."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--bench", action="store_true", default=False, help="run benchmarks")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--bench"):
        return
    skip = pytest.mark.skip(reason="benchmark: run with 'make bench'")
    for item in items:
        if "bench" in item.keywords:
            item.add_marker(skip)


# Alembic's env.py runs only inside Alembic (it reads Alembic's context): not a module to
# import for doctests
collect_ignore_glob = ["src/radiochain/service/migrations/*"]
