"""Shared fixtures: the nuclides the project must cover and the reference datasets."""

from __future__ import annotations

from pathlib import Path

import pytest

from radiochain.physics.datasets import NuclearDataset, get_dataset

DATA = Path(__file__).parent / "data"

REQUIRED_NUCLIDES = (
    "Lu-177", "Lu-177m", "Yb-175", "Yb-177", "Ac-225", "Ac-227", "Th-227", "Th-229", "Ra-223",
    "Ra-224", "Ra-225", "Ra-226", "Pb-212", "Bi-213", "Ge-68", "Ga-68", "Mo-99", "Tc-99m", "F-18",
    "I-123", "I-124", "I-125", "I-131", "Y-90", "Sr-89", "Sr-90", "Sm-153", "Tb-161", "Cu-64",
    "Cu-67", "Zr-89", "In-111", "Tl-201", "W-188", "Re-188", "Ho-166", "C-14", "Co-60",
)  # fmt: skip
"""The nuclides issue #2 asks the bundled dataset and the engine to cover."""


@pytest.fixture(scope="session")
def icrp107() -> NuclearDataset:
    pytest.importorskip("radioactivedecay")
    return get_dataset("icrp107")


@pytest.fixture(scope="session")
def bundled() -> NuclearDataset:
    return get_dataset("radiochain")
