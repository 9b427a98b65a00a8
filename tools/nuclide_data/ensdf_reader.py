"""Helpers to read ENSDF decay data sets as shipped (JSON) by the ``paceENSDF`` package.

Used only by ``tools/build_nuclide_data.py``; never imported by radiochain at run time.
"""

from __future__ import annotations

import glob
import json
import os
import re
from dataclasses import dataclass, field

FILE_RE = re.compile(
    r"j_input_([A-Za-z]+)(\d+)_([A-Za-z]+)(\d+)_(\d{3})(\d{3})_(\d{3})(\d{3})_([0-9.]+)keV\.json$"
)

MODE_MAP = {
    "betaMinusDecay": "beta-",
    "electronCaptureBetaPlusDecay": "ec+beta+",
    "alphaDecay": "alpha",
}


def ensdf_json_dir() -> str:
    import paceENSDF

    return os.path.join(os.path.dirname(paceENSDF.__file__), "ENSDF_JSON")


@dataclass
class DataSet:
    path: str
    parent_z: int
    parent_a: int
    parent_level: float
    daughter_z: int
    daughter_a: int
    mode: str
    raw: dict = field(repr=False)

    @property
    def norm(self) -> dict:
        return self.raw["decaySchemeNormalization"][0]["normalizationRecord"][0]

    @property
    def br(self) -> float | None:
        n = self.norm
        if n.get("recordExistsBR"):
            return float(n["multiplerBranchingRatio"])
        return None

    @property
    def br_unc(self) -> float:
        return float(self.norm.get("dMultiplerBranchingRatio") or 0.0)

    @property
    def nr(self) -> float:
        n = self.norm
        return float(n["multiplerPhotonIntensity"]) if n.get("recordExistsNR") else 1.0

    @property
    def nt(self) -> float | None:
        n = self.norm
        return float(n["multiplerTransitionIntensity"]) if n.get("recordExistsNT") else None

    @property
    def nb(self) -> float:
        n = self.norm
        if n.get("recordExistsNB") and n.get("multiplerLeptonIntensity") is not None:
            return float(n["multiplerLeptonIntensity"])
        return 1.0

    @property
    def half_life(self) -> tuple[float, str, float] | None:
        hl = self.raw["parentDecay"][0]["halfLife"]
        if not hl:
            return None
        h = hl[0]
        return float(h["halfLifeBest"]), h["unitHalfLifeBest"], float(h["dHalfLifeBest"] or 0.0)

    @property
    def q_value(self) -> float:
        return float(self.raw["parentDecay"][0]["valueQ"] or 0.0)

    @property
    def levels(self) -> list[dict]:
        return self.raw["levelScheme"]


def load_index() -> dict[tuple[int, int, float], list[DataSet]]:
    """Map (Z, A, parent level keV) -> decay data sets of that parent."""
    index: dict[tuple[int, int, float], list[DataSet]] = {}
    for path in sorted(glob.glob(os.path.join(ensdf_json_dir(), "j_input_*keV.json"))):
        m = FILE_RE.search(os.path.basename(path))
        if not m:
            continue  # level energies with unknown offsets (0pX, ...): not needed here
        pz, pa, _dz, _da = int(m.group(5)), int(m.group(6)), int(m.group(7)), int(m.group(8))
        lvl = float(m.group(9))
        index.setdefault((pz, pa, round(lvl, 1)), []).append(path)
    return index


def read(path: str) -> DataSet:
    with open(path, encoding="utf-8") as fh:
        raw = json.load(fh)
    return DataSet(
        path=path,
        parent_z=int(raw["parentAtomicNumber"]),
        parent_a=int(raw["parentAtomicMass"]),
        parent_level=float(raw["parentDecay"][0]["parentDecayLevelEnergy"] or 0.0),
        daughter_z=int(raw["daughterAtomicNumber"]),
        daughter_a=int(raw["daughterAtomicMass"]),
        mode=MODE_MAP.get(raw["decayMode"], raw["decayMode"]),
        raw=raw,
    )
