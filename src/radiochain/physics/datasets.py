"""Nuclear decay datasets: the bundled curated one and ICRP-107 through radioactivedecay.

Two datasets can be selected by name:

``radiochain`` (default)
    Curated for medical nuclides from public evaluations (ENSDF, NUBASE2020/AME2020, DDEP), shipped
    as CSV in ``radiochain/data/nuclides/radiochain/`` with the source of every value
    (``PROVENANCE.md``, ``LICENSE.md``, ``sources.csv`` beside the data).
``icrp107``
    All 1252 radionuclides of ICRP Publication 107 with AME2020 masses, read from the
    ``radioactivedecay`` package when it is installed (``pip install radiochain[icrp107]``).
    Not bundled: its data licence allows educational, research and not-for-profit use only.

Datasets are read on first use and cached; nothing is loaded at import time.
"""

from __future__ import annotations

import csv
import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from radiochain.errors import DataError, UnitError, UnknownNuclideError
from radiochain.physics.names import canonical_name
from radiochain.units import AVOGADRO, unit_factor

DEFAULT_DATASET = "radiochain"

FloatArray = npt.NDArray[np.float64]

MODE_NAMES = ("alpha", "beta-", "ec+beta+", "IT", "SF", "beta-n", "beta-alpha", "p", "n", "2beta-")
_RD_MODES = {
    "α": "alpha",
    "β-": "beta-",
    "β+": "ec+beta+",
    "EC": "ec+beta+",
    "β+ & EC": "ec+beta+",
    "IT": "IT",
    "SF": "SF",
    "β-n": "beta-n",
    "β-α": "beta-alpha",
    "p": "p",
    "n": "n",
    "2β-": "2beta-",
}


@dataclass(frozen=True)
class DecayMode:
    """One way a nuclide decays.

    Attributes
    ----------
    mode : str
        ``alpha``, ``beta-``, ``ec+beta+`` (electron capture and positron emission),
        ``IT`` (isomeric transition), ``SF`` (spontaneous fission), ...
    daughter : str or None
        Canonical name of the daughter (an isomer where the decay feeds one), None for
        spontaneous fission.
    fraction : float
        Branching fraction [1], share of all decays of the parent.
    fraction_uncertainty : float
        Standard uncertainty of ``fraction`` [1]; NaN when the evaluation gives none.
    """

    mode: str
    daughter: str | None
    fraction: float
    fraction_uncertainty: float = math.nan


@dataclass(eq=False)
class NuclearDataset:
    """Decay data for a set of nuclides, as flat arrays indexed by nuclide.

    Treat it as read-only: the decay engine caches chain structures on it.

    Attributes
    ----------
    name, version : str
        Dataset name (``radiochain``, ``icrp107``) and version; every result that depends on
        nuclear data reports them (:attr:`label`).
    nuclides : tuple of str
        Canonical names; position ``i`` indexes every array below.
    half_life_s : ndarray [s]
        ``inf`` for stable nuclides.
    half_life_uncertainty_s : ndarray [s]
        Standard uncertainty, NaN where unknown.
    decay_constant : ndarray [1/s]
        ``ln 2 / half_life``; 0 for stable nuclides.
    atomic_mass_u : ndarray [u]
        Atomic mass (neutral atom) in unified atomic mass units.
    mean_energy_mev : dict of str to ndarray [MeV per decay]
        Mean energy emitted per decay as ``electron``, ``photon`` and ``alpha`` radiation;
        NaN where the dataset has none.
    modes : tuple of tuple of DecayMode
        Decay modes of each nuclide.
    """

    name: str
    version: str
    description: str
    licence: str
    nuclides: tuple[str, ...]
    half_life_s: FloatArray
    half_life_uncertainty_s: FloatArray
    atomic_mass_u: FloatArray
    mean_energy_mev: dict[str, FloatArray]
    modes: tuple[tuple[DecayMode, ...], ...]
    sources: dict[str, dict[str, str]] = field(default_factory=dict)
    citations: dict[str, str] = field(default_factory=dict)
    index: dict[str, int] = field(init=False)
    decay_constant: FloatArray = field(init=False)
    children: tuple[tuple[tuple[int, float], ...], ...] = field(init=False)
    _cache: dict[Any, Any] = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.index = {name: i for i, name in enumerate(self.nuclides)}
        with np.errstate(divide="ignore"):
            self.decay_constant = np.where(
                np.isfinite(self.half_life_s), math.log(2) / self.half_life_s, 0.0
            )
        children: list[tuple[tuple[int, float], ...]] = []
        for parent, modes in zip(self.nuclides, self.modes, strict=True):
            links: dict[int, float] = {}
            for mode in modes:
                if mode.daughter is None or mode.fraction <= 0:
                    continue
                if mode.daughter not in self.index:
                    raise DataError(
                        f"dataset {self.name!r}: {parent} decays to {mode.daughter}, "
                        "which the dataset does not list"
                    )
                j = self.index[mode.daughter]
                links[j] = links.get(j, 0.0) + mode.fraction
            children.append(tuple(links.items()))
        self.children = tuple(children)
        for name in self.nuclides:  # defensive: a cycle would make the chain infinite
            self._check_acyclic(self.index[name])

    def _check_acyclic(self, start: int) -> None:
        stack: list[tuple[int, tuple[int, ...]]] = [(start, (start,))]
        while stack:
            i, path = stack.pop()
            for j, _ in self.children[i]:
                if j in path:
                    raise DataError(
                        f"dataset {self.name!r}: decay cycle through {self.nuclides[j]}"
                    )
                stack.append((j, (*path, j)))

    @property
    def label(self) -> str:
        """``"name version"``, the way results name their nuclear data."""
        return f"{self.name} {self.version}"

    def __len__(self) -> int:
        return len(self.nuclides)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        try:
            return canonical_name(name) in self.index
        except UnknownNuclideError:
            return False

    def lookup(self, name: str) -> int:
        """Index of a nuclide given in any spelling.

        Raises
        ------
        UnknownNuclideError
            Not a nuclide name, or not in this dataset (the message suggests close names).
        """
        canonical = canonical_name(name)
        try:
            return self.index[canonical]
        except KeyError:
            close = difflib.get_close_matches(canonical, self.nuclides, n=4, cutoff=0.6)
            hint = f"closest: {', '.join(close)}" if close else "see 'radiochain nuclide --list'"
            more = (
                "; the 'icrp107' dataset (radioactivedecay) has 1252 nuclides"
                if self.name != "icrp107"
                else ""
            )
            raise UnknownNuclideError(
                f"{name!r} is not in nuclear dataset {self.name!r} ({hint}{more})"
            ) from None

    def source(self, nuclide: str, what: str) -> str:
        """Citation of one value (``what``: half_life, branching, mass, energy)."""
        key = self.sources.get(canonical_name(nuclide), {}).get(what, "")
        return self.citations.get(key, key)

    def descendants(self, i: int) -> tuple[int, ...]:
        """Indices of ``i`` and everything it decays into, parents before daughters."""
        key = ("descendants", i)
        if key not in self._cache:
            order: list[int] = []
            seen: set[int] = set()

            def visit(k: int) -> None:  # depth-first post-order, reversed = topological
                if k in seen:
                    return
                seen.add(k)
                for j, _ in self.children[k]:
                    visit(j)
                order.append(k)

            visit(i)
            self._cache[key] = tuple(reversed(order))
        result: tuple[int, ...] = self._cache[key]
        return result


_REGISTRY: dict[str, Callable[[], NuclearDataset]] = {}


def _register(name: str) -> Callable[[Callable[[], NuclearDataset]], Callable[[], NuclearDataset]]:
    def wrap(loader: Callable[[], NuclearDataset]) -> Callable[[], NuclearDataset]:
        _REGISTRY[name] = cache(loader)
        return loader

    return wrap


def available_datasets() -> dict[str, str]:
    """Names of the datasets that can be selected, with whether each is usable here."""
    out = {}
    for name in _REGISTRY:
        try:
            out[name] = get_dataset(name).label
        except DataError as err:
            out[name] = f"unavailable: {err}"
    return out


def get_dataset(name: str | NuclearDataset = DEFAULT_DATASET) -> NuclearDataset:
    """The dataset called ``name`` (cached after the first call).

    Raises
    ------
    DataError
        Unknown name, or an optional dataset whose package is not installed.
    """
    if isinstance(name, NuclearDataset):
        return name
    key = str(name).lower()
    if key not in _REGISTRY:
        raise DataError(
            f"unknown nuclear dataset {name!r} (use one of: {', '.join(sorted(_REGISTRY))})"
        )
    return _REGISTRY[key]()


def _float(text: str) -> float:
    text = text.strip()
    return float(text) if text else math.nan


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_csv_dataset(folder: Path | str, name: str, version: str) -> NuclearDataset:
    """Read a dataset in radiochain's CSV layout (``nuclides.csv``, ``decay_modes.csv``,
    ``sources.csv``); see ``docs/nomenclature.md`` for the columns."""
    folder = Path(folder)
    try:
        rows = _read_csv(folder / "nuclides.csv")
        mode_rows = _read_csv(folder / "decay_modes.csv")
        source_rows = _read_csv(folder / "sources.csv")
    except FileNotFoundError as err:
        raise DataError(f"nuclear dataset {name!r} is incomplete: {err.filename} missing") from err
    names = []
    half_life, half_life_unc, mass = [], [], []
    energies: dict[str, list[float]] = {"electron": [], "photon": [], "alpha": []}
    sources: dict[str, dict[str, str]] = {}
    for line, row in enumerate(rows, start=2):
        nuclide = canonical_name(row["nuclide"])
        names.append(nuclide)
        stable = row["stable"].strip().lower() == "true"
        if stable:
            half_life.append(math.inf)
            half_life_unc.append(math.nan)
        else:
            try:
                factor = unit_factor(row["half_life_unit"].strip(), "time")
            except UnitError as err:
                raise DataError(f"{folder / 'nuclides.csv'}:{line}: half_life_unit: {err}") from err
            half_life.append(float(row["half_life"]) * factor)
            half_life_unc.append(_float(row["half_life_unc"]) * factor)
        mass.append(_float(row["atomic_mass_u"]))
        for kind in energies:
            energies[kind].append(_float(row.get(f"energy_{kind}_mev", "")))
        sources[nuclide] = {
            what: row.get(f"{what}_source", "")
            for what in ("half_life", "branching", "mass", "energy")
        }
    modes: dict[str, list[DecayMode]] = {n: [] for n in names}
    for row in mode_rows:
        parent = canonical_name(row["parent"])
        daughter = canonical_name(row["daughter"]) if row["daughter"].strip() else None
        modes.setdefault(parent, []).append(
            DecayMode(
                mode=row["mode"].strip(),
                daughter=daughter,
                fraction=float(row["branching_fraction"]),
                fraction_uncertainty=_float(row.get("branching_fraction_unc", "")),
            )
        )
    citations = {row["key"]: row["citation"] for row in source_rows}
    return NuclearDataset(
        name=name,
        version=version,
        description="curated from ENSDF, NUBASE2020/AME2020 and DDEP evaluations",
        licence="see LICENSE.md beside the data",
        nuclides=tuple(names),
        half_life_s=np.array(half_life),
        half_life_uncertainty_s=np.array(half_life_unc),
        atomic_mass_u=np.array(mass),
        mean_energy_mev={k: np.array(v) for k, v in energies.items()},
        modes=tuple(tuple(modes[n]) for n in names),
        sources=sources,
        citations=citations,
    )


def bundled_data_path(*parts: str) -> Path:
    """Path of a file shipped in ``radiochain/data``."""
    return Path(str(resources.files("radiochain").joinpath("data", *parts)))


def _read_version(folder: Path) -> str:
    provenance = folder / "PROVENANCE.md"
    if not provenance.is_file():
        raise DataError(
            f"nuclear dataset at {folder} has no PROVENANCE.md (its version and sources)"
        )
    for line in provenance.read_text(encoding="utf-8").splitlines():
        if line.lower().startswith("version:"):
            return line.split(":", 1)[1].strip()
    return "unversioned"


@_register("radiochain")
def _load_radiochain() -> NuclearDataset:
    folder = bundled_data_path("nuclides", "radiochain")
    return load_csv_dataset(folder, "radiochain", _read_version(folder))


@_register("icrp107")
def _load_icrp107() -> NuclearDataset:
    try:
        import radioactivedecay as rd
    except ImportError as err:
        raise DataError(
            "the 'icrp107' dataset needs the radioactivedecay package "
            "(pip install 'radiochain[icrp107]'; its ICRP-107 data are for non-commercial use)"
        ) from err
    data = rd.DEFAULTDATA
    names = tuple(str(n) for n in data.nuclides)
    decay_constants = np.asarray(data.scipy_data.decay_consts, dtype=float)
    with np.errstate(divide="ignore"):
        half_life = np.where(decay_constants > 0, math.log(2) / decay_constants, math.inf)
    # radioactivedecay orders stable nuclides after radioactive ones; keep its order
    modes = []
    for i in range(len(names)):
        entry = []
        for daughter, fraction, mode in zip(
            data.progeny[i], data.bfs[i], data.modes[i], strict=True
        ):
            daughter_name = str(daughter) if str(daughter) in data.nuclide_dict else None
            entry.append(
                DecayMode(_RD_MODES.get(str(mode), str(mode)), daughter_name, float(fraction))
            )
        modes.append(tuple(entry))
    nan = np.full(len(names), math.nan)
    return NuclearDataset(
        name="icrp107",
        version=f"{data.dataset_name} (radioactivedecay {rd.__version__})",
        description="ICRP Publication 107 decay data, AME2020/NUBASE2020 masses",
        licence="ICRP-107: educational, research and not-for-profit use only",
        nuclides=names,
        half_life_s=half_life,
        half_life_uncertainty_s=nan.copy(),
        atomic_mass_u=np.asarray(data.scipy_data.atomic_masses, dtype=float),
        mean_energy_mev={"electron": nan.copy(), "photon": nan.copy(), "alpha": nan.copy()},
        modes=tuple(modes),
    )


def atoms_per_gram(dataset: NuclearDataset, i: int) -> float:
    """Number of atoms in one gram of nuclide ``i`` [1/g]."""
    return AVOGADRO / float(dataset.atomic_mass_u[i])
