"""``Nuclide``: one nuclide of a dataset, with its half-life, decay modes and progeny."""

from __future__ import annotations

import math
from typing import Any

from radiochain.physics.datasets import (
    DEFAULT_DATASET,
    DecayMode,
    NuclearDataset,
    atoms_per_gram,
    get_dataset,
)
from radiochain.physics.decay import decay_factor, ingrowth_maximum_two_member, time_to_fraction
from radiochain.physics.names import parse_nuclide_name
from radiochain.units import AVOGADRO

__all__ = ["DecayMode", "Nuclide", "specific_activity"]


class Nuclide:
    """A nuclide in a nuclear dataset.

    ``Nuclide("177Lu") == Nuclide("Lu-177") == Nuclide("lu177")``; the canonical name is
    ``Lu-177`` (isomers ``Lu-177m``).

    Parameters
    ----------
    name : str or Nuclide
        Any common spelling.
    dataset : str or NuclearDataset
        ``"radiochain"`` (bundled, default) or ``"icrp107"`` (needs radioactivedecay).

    Raises
    ------
    UnknownNuclideError
        Not a nuclide, or not in the dataset (closest names suggested).

    Examples
    --------
    >>> lu = Nuclide("177Lu")
    >>> lu.name, round(lu.half_life / 86400, 3)
    ('Lu-177', 6.644)
    """

    __slots__ = ("_dataset", "_index", "name")

    def __init__(
        self, name: str | Nuclide, dataset: str | NuclearDataset = DEFAULT_DATASET
    ) -> None:
        if isinstance(name, Nuclide):
            source: NuclearDataset = name.dataset
            data = source if dataset == DEFAULT_DATASET else get_dataset(dataset)
            name = name.name
        else:
            data = get_dataset(dataset)
        self._dataset: NuclearDataset = data
        self._index: int = data.lookup(name)
        self.name: str = data.nuclides[self._index]

    # identity ----------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Nuclide):
            return NotImplemented
        return self.name == other.name and self._dataset.name == other._dataset.name

    def __hash__(self) -> int:
        return hash((self.name, self._dataset.name))

    def __repr__(self) -> str:
        return f"Nuclide({self.name!r}, dataset={self._dataset.name!r})"

    def __str__(self) -> str:
        return self.name

    # data ----------------------------------------------------------------------------------
    @property
    def dataset(self) -> NuclearDataset:
        """The nuclear dataset this nuclide's values come from."""
        return self._dataset

    @property
    def index(self) -> int:
        """Position of the nuclide in its dataset's arrays."""
        return self._index

    @property
    def z(self) -> int:
        """Atomic number."""
        return parse_nuclide_name(self.name).z

    @property
    def a(self) -> int:
        """Mass number."""
        return parse_nuclide_name(self.name).a

    @property
    def state(self) -> str:
        """Isomeric state: ``""`` (ground), ``"m"``, ``"m2"``."""
        return parse_nuclide_name(self.name).state

    @property
    def half_life(self) -> float:
        """Half-life [s]; ``inf`` if stable."""
        return float(self._dataset.half_life_s[self._index])

    @property
    def half_life_uncertainty(self) -> float:
        """Standard uncertainty of the half-life [s]; NaN if the dataset gives none."""
        return float(self._dataset.half_life_uncertainty_s[self._index])

    @property
    def decay_constant(self) -> float:
        """Decay constant [1/s]; 0 if stable."""
        return float(self._dataset.decay_constant[self._index])

    @property
    def stable(self) -> bool:
        """True for a stable (or, per the dataset, quasi-stable) nuclide."""
        return self.decay_constant == 0.0

    @property
    def atomic_mass(self) -> float:
        """Atomic mass [u]."""
        return float(self._dataset.atomic_mass_u[self._index])

    @property
    def decay_modes(self) -> tuple[DecayMode, ...]:
        """Decay modes with daughters and branching fractions."""
        return self._dataset.modes[self._index]

    @property
    def progeny(self) -> tuple[str, ...]:
        """Direct daughters, in the order of :attr:`decay_modes`."""
        return tuple(m.daughter for m in self.decay_modes if m.daughter is not None)

    @property
    def chain(self) -> tuple[str, ...]:
        """This nuclide and every descendant down to stable nuclides, parents first."""
        return tuple(self._dataset.nuclides[i] for i in self._dataset.descendants(self._index))

    @property
    def mean_energy(self) -> dict[str, float]:
        """Mean energy emitted per decay [MeV] as ``electron``, ``photon`` and ``alpha``
        radiation (NaN where the dataset has none)."""
        return {k: float(v[self._index]) for k, v in self._dataset.mean_energy_mev.items()}

    @property
    def specific_activity(self) -> float:
        """Carrier-free specific activity [Bq/g], :math:`\\lambda N_A / M`."""
        return self.decay_constant * atoms_per_gram(self._dataset, self._index)

    # conversions ---------------------------------------------------------------------------
    def activity_to_atoms(self, activity: float) -> float:
        """Atoms for an activity [Bq]."""
        return activity / self.decay_constant

    def atoms_to_mass(self, atoms: float) -> float:
        """Mass [g] of a number of atoms."""
        return atoms * self.atomic_mass / AVOGADRO

    def activity_to_mass(self, activity: float) -> float:
        """Mass [g] of an activity [Bq] of this nuclide (carrier-free)."""
        return activity / self.specific_activity

    def mass_to_activity(self, mass: float) -> float:
        """Activity [Bq] of a mass [g] of this nuclide."""
        return mass * self.specific_activity

    def decay_correct(self, activity: float, elapsed: float) -> float:
        """Activity [Bq] ``elapsed`` seconds after a measurement of ``activity`` [Bq]; a
        negative ``elapsed`` corrects back to an earlier reference time."""
        return float(activity * decay_factor(self.half_life, elapsed))

    def time_to_activity(self, activity: float, target: float) -> float:
        """Time [s] for ``activity`` [Bq] to decay to ``target`` [Bq] (negative if ``target``
        is larger, i.e. it was reached in the past)."""
        return time_to_fraction(self.half_life, target / activity)

    def ingrowth_maximum(self, daughter: str | Nuclide) -> float:
        """Time [s] at which a direct daughter's activity peaks, starting from the pure
        parent; see :meth:`radiochain.Inventory.ingrowth_maximum` for any chain member."""
        other = Nuclide(daughter, self._dataset)
        if other.name not in self.progeny:
            from radiochain.errors import InputError

            raise InputError(
                f"{other.name} is not a direct daughter of {self.name} "
                f"(daughters: {', '.join(self.progeny) or 'none'})"
            )
        return ingrowth_maximum_two_member(self.half_life, other.half_life)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description; keys carry their unit."""
        energy = self.mean_energy
        return {
            "nuclide": self.name,
            "z": self.z,
            "a": self.a,
            "state": self.state,
            "stable": self.stable,
            "half_life_s": None if self.stable else self.half_life,
            "half_life_uncertainty_s": _none_if_nan(self.half_life_uncertainty),
            "decay_constant_per_s": self.decay_constant,
            "atomic_mass_u": self.atomic_mass,
            "specific_activity_bq_per_g": self.specific_activity,
            "decay_modes": [
                {
                    "mode": m.mode,
                    "daughter": m.daughter,
                    "branching_fraction": m.fraction,
                    "branching_fraction_uncertainty": _none_if_nan(m.fraction_uncertainty),
                }
                for m in self.decay_modes
            ],
            "progeny": list(self.progeny),
            "chain": list(self.chain),
            "mean_energy_electron_mev": _none_if_nan(energy["electron"]),
            "mean_energy_photon_mev": _none_if_nan(energy["photon"]),
            "mean_energy_alpha_mev": _none_if_nan(energy["alpha"]),
            "sources": {
                what: self._dataset.source(self.name, what)
                for what in ("half_life", "branching", "mass", "energy")
                if self._dataset.source(self.name, what)
            },
            "dataset": self._dataset.name,
            "dataset_version": self._dataset.version,
        }


def _none_if_nan(value: float) -> float | None:
    return None if math.isnan(value) else value


def specific_activity(
    nuclide: str | Nuclide,
    *,
    activity: float | None = None,
    carrier_mass: float = 0.0,
    dataset: str | NuclearDataset = DEFAULT_DATASET,
) -> float:
    """Specific activity [Bq/g of the element], carrier-free or with carrier.

    Parameters
    ----------
    nuclide : str or Nuclide
    activity : float, optional [Bq]
        Activity of the nuclide; needed only with a carrier.
    carrier_mass : float [g]
        Mass of the other isotopes of the same element mixed in (0 = carrier-free).

    Returns
    -------
    float [Bq/g]
        ``activity / (mass of the nuclide + carrier_mass)``; for ``carrier_mass = 0`` the
        carrier-free value :math:`\\lambda N_A / M`.
    """
    nuc = Nuclide(nuclide, dataset)
    if carrier_mass == 0.0:
        return nuc.specific_activity
    if activity is None:
        from radiochain.errors import InputError

        raise InputError("specific activity with carrier needs the nuclide's activity [Bq]")
    return activity / (nuc.activity_to_mass(activity) + carrier_mass)
