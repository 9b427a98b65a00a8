"""Bundled clinical data files (``radiochain/data/clinical``), read lazily and cached.

Every table has a ``source`` column whose keys are explained in ``sources.csv``; see
``PROVENANCE.md`` in the same folder for how each value was obtained.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from radiochain.physics.datasets import bundled_data_path


def clinical_data_path(*parts: str) -> Path:
    """Path of a file in ``radiochain/data/clinical``."""
    return bundled_data_path("clinical", *parts)


@cache
def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(clinical_data_path(name), comment=None, skipinitialspace=True)


def table(name: str) -> pd.DataFrame:
    """A copy of a bundled table (``organ_limits.csv``...)."""
    return _read(name).copy()


def sources() -> dict[str, str]:
    """Citation of every source key used by the clinical tables."""
    frame = _read("sources.csv")
    return dict(zip(frame["key"], frame["citation"], strict=True))
