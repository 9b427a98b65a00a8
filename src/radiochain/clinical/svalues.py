"""S-values (absorbed dose per decay) for organ self-dose and for spheres (lesions).

The model (``docs/design/0007-clinical.md``) takes the mean energies per decay of the nuclide
from :mod:`radiochain.physics` and treats the source region as a uniform sphere of its mass and
density:

* **electrons and alphas** deposit their energy along straight tracks of an effective range R
  with constant stopping power; from a uniform source in a sphere of radius r the escape
  probability within a path length x is :math:`3x/4r - x^3/16r^3`, which gives the absorbed
  fraction :math:`\\phi = 1 - 3R/8r + R^3/64r^3` for R <= 2r and :math:`3r/4R` beyond. When no
  range is tabulated the energy is absorbed locally (:math:`\\phi = 1`, the "non-penetrating"
  S-value :math:`S = \\Delta/m`).
* **photons** are absorbed with :math:`\\phi_p = 1 - \\exp(-\\mu_{en} \\bar r)`, with
  :math:`\\bar r = 3r/4` the mean distance from a uniformly distributed point to the surface of a
  sphere along a random direction, and :math:`\\mu_{en}` the energy-weighted mass
  energy-absorption coefficient of water for the nuclide's main photon lines (NIST).

Self-S-values scale with mass as the model implies (electrons ~1/m, photons ~m^-2/3), so an
organ S-value is "mass-scaled to the patient" by giving the patient's organ mass.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from radiochain.clinical._data import table
from radiochain.clinical.kinetics import ClinicalWarning
from radiochain.errors import InputError
from radiochain.physics.datasets import DEFAULT_DATASET, NuclearDataset, get_dataset
from radiochain.physics.nuclide import Nuclide

FloatArray = npt.NDArray[np.float64]
MEV = 1.602176634e-13
"""Joule per MeV."""


@dataclass(frozen=True)
class EmissionData:
    """Energies per decay [J] and the transport parameters of the sphere model.

    Attributes
    ----------
    electron, alpha, photon : float [J per decay]
    electron_range : float [cm] or NaN (local absorption)
    alpha_range : float [cm] or NaN
    photon_mu_en : float [cm^2/g] or NaN (photons ignored)
    energy_dataset : str
        Name and version of the dataset the energies come from (see :func:`mean_energies`).
    """

    nuclide: str
    electron: float
    alpha: float
    photon: float
    electron_range: float
    alpha_range: float
    photon_mu_en: float
    energy_dataset: str = ""


@cache
def _mu_en_water() -> tuple[FloatArray, FloatArray]:
    frame = table("mu_en_water.csv")
    return frame["energy_mev"].to_numpy(float), frame["mu_en_cm2_g"].to_numpy(float)


def mu_en_water(energy: npt.ArrayLike) -> FloatArray:
    """Mass energy-absorption coefficient of liquid water [cm^2/g] at ``energy`` [MeV]
    (log-log interpolation of the NIST table, Hubbell & Seltzer, NISTIR 5632,
    doi:10.18434/T4D01F)."""
    e, mu = _mu_en_water()
    x = np.log(np.asarray(energy, dtype=float))
    return np.asarray(np.exp(np.interp(x, np.log(e), np.log(mu))), dtype=float)


def photon_mu_en(nuclide: str) -> float:
    """Energy-weighted :math:`\\mu_{en}/\\rho` of water [cm^2/g] over the nuclide's photon
    lines in ``photon_lines.csv``; without lines, the effective coefficient of
    ``particle_ranges.csv`` (column ``photon_mu_en_cm2_g``, fitted to one published sphere);
    NaN if neither is tabulated (photons ignored)."""
    lines = table("photon_lines.csv")
    own = lines[lines["nuclide"] == nuclide]
    if own.empty:
        ranges = table("particle_ranges.csv")
        row = ranges[ranges["nuclide"] == nuclide]
        if row.empty or "photon_mu_en_cm2_g" not in row:
            return float("nan")
        return float(row["photon_mu_en_cm2_g"].iloc[0])
    energy = own["energy_kev"].to_numpy(float) / 1000.0
    weight = energy * own["intensity"].to_numpy(float)
    return float(np.sum(weight * mu_en_water(energy)) / np.sum(weight))


@cache
def _has_energies(dataset: NuclearDataset) -> bool:
    """True if the dataset tabulates emission energies (radioactivedecay's ICRP-107 has none)."""
    return any(bool(np.isfinite(v).any()) for v in dataset.mean_energy_mev.values())


def energy_dataset(nuclide: Nuclide) -> NuclearDataset:
    """The dataset whose mean emission energies serve ``nuclide``: its own, or, when its own
    tabulates none at all (``icrp107``: radioactivedecay carries half-lives and branchings
    only), the bundled ``radiochain`` dataset (ENSDF energies, compared with ICRP-107 in its
    ``PROVENANCE.md``)."""
    if _has_energies(nuclide.dataset):
        return nuclide.dataset
    return get_dataset(DEFAULT_DATASET)


def mean_energies(nuclide: Nuclide) -> dict[str, float]:
    """Mean energy emitted per decay [MeV] (``electron``, ``photon``, ``alpha``; 0 where none)
    from :func:`energy_dataset`.

    Raises
    ------
    InputError
        The nuclide is stable (it emits nothing), or no dataset has its energies.
    """
    if nuclide.stable:
        raise InputError(
            f"{nuclide.name} is stable: it does not decay, so it gives no dose "
            "(dosimetry needs a radioactive nuclide, e.g. Lu-177)"
        )
    data = energy_dataset(nuclide)
    try:
        own = Nuclide(nuclide.name, data)
    except InputError:
        raise InputError(
            f"the {nuclide.dataset.name} dataset has no emission energies and the "
            f"{data.name} dataset lacks {nuclide.name}: dosimetry needs the mean energies per "
            f"decay (use --dataset {data.name})"
        ) from None
    energy = own.mean_energy
    values = {k: (0.0 if v != v else v) for k, v in energy.items()}
    if not sum(values.values()) > 0:
        raise InputError(
            f"{nuclide.name} has no emission energies in the {data.name} dataset: dosimetry "
            "needs the mean energies per decay"
        )
    return values


def emission_data(nuclide: str | Nuclide, *, chain: bool = False) -> EmissionData:
    """Energies per decay from the nuclear data and ranges from ``particle_ranges.csv``.

    Parameters
    ----------
    nuclide : str or Nuclide
    chain : bool
        Add the progeny's energies, weighted by their yield per parent decay: every daughter
        atom formed at the site decays there (the "in situ" assumption for Ac-225, Ra-223,
        Pb-212...), so over all time each contributes its yield. Progeny living more than
        :data:`CHAIN_HALF_LIFE_RATIO` times longer than the parent (e.g. Tc-99 after Tc-99m)
        and their descendants are left out: they leave the body first.

    Raises
    ------
    InputError
        A stable nuclide, or energies that no dataset has (see :func:`mean_energies`).
    """
    nuc = nuclide if isinstance(nuclide, Nuclide) else Nuclide(nuclide)
    yields = _chain_yields(nuc) if chain else {nuc.name: 1.0}
    totals = {"electron": 0.0, "alpha": 0.0, "photon": 0.0}
    for name, y in yields.items():
        energy = mean_energies(Nuclide(name, nuc.dataset))
        for kind in totals:
            totals[kind] += y * energy.get(kind, 0.0) * MEV
    ranges = table("particle_ranges.csv")
    row = ranges[ranges["nuclide"] == nuc.name]
    e_range = float(row["electron_range_mm"].iloc[0]) / 10 if len(row) else float("nan")
    a_range = float(row["alpha_range_mm"].iloc[0]) / 10 if len(row) else float("nan")
    return EmissionData(
        nuclide=nuc.name,
        electron=totals["electron"],
        alpha=totals["alpha"],
        photon=totals["photon"],
        electron_range=e_range,
        alpha_range=a_range,
        photon_mu_en=photon_mu_en(nuc.name),
        energy_dataset=f"{energy_dataset(nuc).name} {energy_dataset(nuc).version}",
    )


CHAIN_HALF_LIFE_RATIO = 100.0
"""Progeny with a half-life above this multiple of the parent's are not counted in a chain."""


def _chain_yields(nuc: Nuclide) -> dict[str, float]:
    yields: dict[str, float] = {nuc.name: 1.0}
    longest = CHAIN_HALF_LIFE_RATIO * nuc.half_life
    for name in nuc.chain:
        parent = Nuclide(name, nuc.dataset)
        if parent.stable or name not in yields:
            continue
        for mode in parent.decay_modes:
            if not mode.daughter:
                continue
            daughter = Nuclide(mode.daughter, nuc.dataset)
            if daughter.stable or daughter.half_life > longest:
                continue
            yields[mode.daughter] = yields.get(mode.daughter, 0.0) + yields[name] * float(
                mode.fraction
            )
    return yields


def sphere_radius(mass: npt.ArrayLike, density: float = 1.0) -> FloatArray:
    """Radius [cm] of a sphere of ``mass`` [g] and ``density`` [g/cm^3]."""
    return np.asarray(np.cbrt(3.0 * np.asarray(mass, float) / (4.0 * math.pi * density)))


def track_absorbed_fraction(track_range: npt.ArrayLike, radius: npt.ArrayLike) -> FloatArray:
    """Absorbed fraction of straight tracks of length ``track_range`` [cm] with constant
    stopping power, from a uniform isotropic source in a sphere of ``radius`` [cm].

    :math:`\\phi = 1 - 3x/8 + x^3/64` for :math:`x = R/r \\le 2`, :math:`3/(4x)` beyond;
    NaN range means local absorption (:math:`\\phi = 1`).
    """
    r_track = np.asarray(track_range, dtype=float)
    x = np.divide(r_track, np.asarray(radius, dtype=float))
    inner = 1.0 - 3.0 * x / 8.0 + x**3 / 64.0
    outer = 3.0 / (4.0 * np.where(x > 0, x, 1.0))
    phi = np.where(x <= 2.0, inner, outer)
    return np.asarray(np.where(np.isnan(r_track), 1.0, phi), dtype=float)


def photon_absorbed_fraction(mu_en: float, mass: npt.ArrayLike, density: float = 1.0) -> FloatArray:
    """Self-absorbed fraction of photons in a sphere, :math:`1 - e^{-\\mu_{en} \\rho 3r/4}`
    (0 if ``mu_en`` [cm^2/g] is NaN)."""
    if mu_en != mu_en:
        return np.zeros_like(np.asarray(mass, dtype=float))
    mean_chord = 0.75 * sphere_radius(mass, density)
    return np.asarray(-np.expm1(-mu_en * density * mean_chord))


def s_value_nonpenetrating(nuclide: str | Nuclide, mass: npt.ArrayLike) -> FloatArray:
    """Non-penetrating self-S-value [Gy/(Bq s)]: electron and alpha energy per decay
    absorbed in ``mass`` [g], :math:`S = (\\Delta_e + \\Delta_\\alpha)/m` (MIRD Pamphlet 21,
    Bolch et al., J. Nucl. Med. 50 (2009) 477, doi:10.2967/jnumed.108.056036)."""
    data = emission_data(nuclide)
    m = _positive_mass(mass)
    return np.asarray((data.electron + data.alpha) / (m * 1e-3))


def _positive_mass(mass: npt.ArrayLike) -> FloatArray:
    m = np.asarray(mass, dtype=float)
    if not np.all(np.isfinite(m)) or np.any(m <= 0):
        raise InputError(f"mass {m!r} must be a positive number of grams")
    return m


def sphere_s_value(
    nuclide: str | Nuclide,
    mass: npt.ArrayLike,
    *,
    density: float = 1.0,
    chain: bool = False,
) -> FloatArray:
    """Self-S-value of a uniform sphere [Gy/(Bq s)] (lesion, or an organ approximated by a
    sphere of its mass), vectorized over ``mass`` [g].

    Parameters
    ----------
    nuclide : str or Nuclide
    mass : array [g]
    density : float [g/cm^3]
        1.0 (unit density) as in the OLINDA sphere model.
    chain : bool
        Include progeny in equilibrium (see :func:`emission_data`).

    Warns
    -----
    ClinicalWarning
        No particle ranges or photon lines are tabulated for the nuclide: electrons and alphas
        are absorbed locally and photons are ignored (the non-penetrating value).

    Examples
    --------
    >>> s = float(sphere_s_value("Lu-177", 1000.0))  # Gy/(Bq s)
    >>> round(s / float(s_value_nonpenetrating("Lu-177", 1000.0)), 3)  # photon add-on
    1.026
    """
    data = emission_data(nuclide, chain=chain)
    m = _positive_mass(mass)
    if data.electron_range != data.electron_range and data.photon_mu_en != data.photon_mu_en:
        warnings.warn(
            f"no particle ranges or photon lines for {data.nuclide} in "
            "radiochain/data/clinical: non-penetrating S-value (local absorption, no photons)",
            ClinicalWarning,
            stacklevel=2,
        )
    r = sphere_radius(m, density)
    absorbed = (
        data.electron * track_absorbed_fraction(data.electron_range, r)
        + data.alpha * track_absorbed_fraction(data.alpha_range, r)
        + data.photon * photon_absorbed_fraction(data.photon_mu_en, m, density)
    )
    return np.asarray(absorbed / (m * 1e-3))


def organ_s_value(
    nuclide: str | Nuclide,
    organ: str,
    mass: float | None = None,
    *,
    chain: bool = False,
) -> float:
    """Self-S-value of an organ [Gy/(Bq s)] for the patient's organ ``mass`` [g] (default:
    the reference adult mass in ``reference_organs.csv``).

    Raises
    ------
    InputError
        No mass given and the organ has no reference mass.
    """
    if mass is None:
        mass = reference_mass(organ)
    return float(sphere_s_value(nuclide, mass, chain=chain))


def reference_mass(organ: str) -> float:
    """Reference adult mass [g] of an organ (``reference_organs.csv``).

    Raises
    ------
    InputError
        Unknown organ.
    """
    frame = table("reference_organs.csv")
    row = frame[frame["organ"] == organ]
    if row.empty:
        raise InputError(
            f"no reference mass for organ {organ!r} (known: {', '.join(frame['organ'])}); "
            "give the patient's organ mass (mass_g)"
        )
    return float(row["mass_g"].iloc[0])


def scale_s_value(
    s_reference: float, mass_reference: float, mass: float, photon_share: float = 0.0
) -> float:
    """Scale a tabulated self-S-value [Gy/(Bq s)] from a phantom organ mass to a patient's
    [g]: the non-photon part as :math:`1/m`, the photon part (share ``photon_share``) as
    :math:`m^{-2/3}` (MIRD Pamphlet 21, Bolch et al. 2009, doi:10.2967/jnumed.108.056036)."""
    ratio = mass_reference / mass
    return float(s_reference * ((1 - photon_share) * ratio + photon_share * ratio ** (2 / 3)))
