"""Reactor activation: neutron capture rates, target composition and irradiation schedules.

Reaction rate per target atom in the Westcott convention, two-parameter form
(Westcott, AECL-1101, 1960; van Sluijs et al., J. Radioanal. Nucl. Chem. 306 (2015) 579,
doi:10.1007/s10967-015-4134-1):

.. math::

    R = \\phi_{th} \\, g_w(T) \\, \\sigma_0 + \\phi_{epi} \\, I_0

* ``phi_th`` [n cm⁻² s⁻¹] is the conventional (Westcott) thermal flux ``n v0`` with
  ``v0 = 2200 m/s``: the flux that, times the 2200 m/s cross section ``sigma_0`` of a 1/v
  absorber, gives its thermal reaction rate.
* ``g_w`` [1] corrects ``sigma_0`` for non-1/v behaviour in a Maxwellian spectrum at the
  neutron temperature (1.71 for Lu-176 at 293.6 K: its 0.142 eV resonance).
* ``phi_epi`` [n cm⁻² s⁻¹] is the epithermal flux per unit lethargy of an ideal 1/E spectrum,
  and ``I_0`` [b] the resonance integral above the cadmium cut-off (0.55 eV).

Not modelled (documented limitations): self-shielding of dense targets (flux depression in
Lu2O3 with 2000 b), fast-neutron reactions, temperature dependence of ``g_w``.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from radiochain.errors import DataError, InputError
from radiochain.physics.datasets import NuclearDataset, bundled_data_path, get_dataset
from radiochain.physics.names import canonical_name, parse_nuclide_name
from radiochain.physics.production.solver import Channel, Step
from radiochain.units import AVOGADRO

__all__ = [
    "BARN_CM2",
    "CaptureReaction",
    "Irradiation",
    "NeutronField",
    "capture_channels",
    "capture_reactions",
    "cross_section_sources",
    "natural_abundance",
    "reaction_rate",
    "schedule_history",
    "target_atoms",
]

BARN_CM2 = 1e-24
"""One barn [cm²]."""


@dataclass(frozen=True)
class CaptureReaction:
    """One (n,γ) channel from the bundled cross-section table.

    Attributes
    ----------
    target, product : str
        Canonical nuclide names.
    sigma0 : float [b]
        Total thermal (2200 m/s) capture cross section of ``target``.
    sigma0_uncertainty : float [b]
    branch : float [1]
        Share of the target's captures that end in ``product`` (isomeric branching).
    branch_uncertainty : float [1]
    resonance_integral : float [b]
        Total capture resonance integral ``I_0`` (0 where no evaluated value exists).
    resonance_integral_uncertainty : float [b]
    westcott_g : float [1]
        Westcott g factor at room temperature.
    sources : dict of str to str
        Source key of ``sigma0``, ``branch``, ``resonance_integral``, ``westcott_g``.
    note : str
    """

    target: str
    product: str
    sigma0: float
    sigma0_uncertainty: float
    branch: float
    branch_uncertainty: float
    resonance_integral: float
    resonance_integral_uncertainty: float
    westcott_g: float
    sources: Mapping[str, str]
    note: str = ""

    @property
    def label(self) -> str:
        """``"Lu-176(n,g)Lu-177m"``."""
        return f"{self.target}(n,g){self.product}"


@dataclass(frozen=True)
class NeutronField:
    """Neutron flux at the irradiation position.

    Attributes
    ----------
    thermal_flux : float [n cm⁻² s⁻¹]
        Conventional (Westcott) thermal flux.
    epithermal_flux : float [n cm⁻² s⁻¹]
        Epithermal flux per unit lethargy (0: a well-thermalized position, e.g. a heavy-water
        reflector).
    """

    thermal_flux: float
    epithermal_flux: float = 0.0

    def __post_init__(self) -> None:
        for name in ("thermal_flux", "epithermal_flux"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise InputError(
                    f"{name}: {value!r} n/cm2/s is not a valid flux (give a finite value >= 0, "
                    "e.g. 1e14)"
                )


def _float(text: str, default: float = math.nan) -> float:
    text = text.strip()
    return float(text) if text else default


@cache
def capture_reactions() -> tuple[CaptureReaction, ...]:
    """All bundled capture channels (read once from ``data/cross_sections``)."""
    path = bundled_data_path("cross_sections", "thermal_capture.csv")
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError as err:
        raise DataError(f"cross-section table missing: {path}") from err
    out = []
    for line, row in enumerate(rows, start=2):
        try:
            out.append(
                CaptureReaction(
                    target=canonical_name(row["target"]),
                    product=canonical_name(row["product"]),
                    sigma0=float(row["sigma0_b"]),
                    sigma0_uncertainty=_float(row["sigma0_unc_b"]),
                    branch=float(row["branch"]),
                    branch_uncertainty=_float(row["branch_unc"]),
                    resonance_integral=_float(row["resonance_integral_b"], 0.0),
                    resonance_integral_uncertainty=_float(row["resonance_integral_unc_b"]),
                    westcott_g=_float(row["westcott_g"], 1.0),
                    sources={
                        "sigma0": row["sigma0_source"].strip(),
                        "branch": row["branch_source"].strip(),
                        "resonance_integral": row["resonance_integral_source"].strip(),
                        "westcott_g": row["westcott_g_source"].strip(),
                    },
                    note=row["note"].strip(),
                )
            )
        except (KeyError, ValueError) as err:
            raise DataError(f"{path}:{line}: cannot read cross-section row ({err})") from err
    return tuple(out)


@cache
def cross_section_sources() -> dict[str, str]:
    """Citation of every source key used in the cross-section and abundance tables."""
    path = bundled_data_path("cross_sections", "sources.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["key"]: row["citation"] for row in csv.DictReader(handle)}


@cache
def _abundances() -> dict[str, float]:
    path = bundled_data_path("cross_sections", "natural_abundance.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        return {canonical_name(r["nuclide"]): float(r["abundance"]) for r in csv.DictReader(handle)}


def natural_abundance(element: str) -> dict[str, float]:
    """Isotopic composition of a natural element [atom fraction], from the bundled table.

    Raises
    ------
    InputError
        The element is not in the table (Lu and Yb are).
    """
    symbol = element.strip().capitalize()
    found = {n: a for n, a in _abundances().items() if parse_nuclide_name(n).symbol == symbol}
    if not found:
        known = sorted({parse_nuclide_name(n).symbol for n in _abundances()})
        raise InputError(
            f"no natural isotopic composition bundled for {element!r} (known: {', '.join(known)})"
        )
    return found


def reaction_rate(reaction: CaptureReaction, field: NeutronField) -> float:
    """Capture rate per target atom into ``reaction.product`` [1/s] (Westcott convention).

    ``R = branch * (phi_th * g_w * sigma_0 + phi_epi * I_0) * 1e-24``.
    """
    sigma_eff = field.thermal_flux * reaction.westcott_g * reaction.sigma0
    sigma_eff += field.epithermal_flux * reaction.resonance_integral
    return reaction.branch * sigma_eff * BARN_CM2


def capture_channels(
    nuclides: Iterable[str],
    field: NeutronField,
    *,
    dataset: NuclearDataset,
    burnup: bool = True,
    reactions: Sequence[CaptureReaction] | None = None,
) -> tuple[Channel, ...]:
    """Every capture channel reachable from ``nuclides``, as solver channels.

    The set is closed: products that themselves capture (Lu-177 -> Lu-178) are followed.
    Products the dataset does not hold raise :class:`DataError`.

    Parameters
    ----------
    nuclides : iterable of str
        Nuclides present in the target.
    field : NeutronField
    dataset : NuclearDataset
    burnup : bool
        False: targets are not depleted and products do not capture (textbook limit).
    reactions : sequence of CaptureReaction, optional
        Default: the bundled table.
    """
    table = capture_reactions() if reactions is None else tuple(reactions)
    todo = [canonical_name(n) for n in nuclides]
    initial = set(todo)
    seen: set[str] = set()
    channels: list[Channel] = []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(dataset.nuclides[j] for j in dataset.descendants(dataset.lookup(name)))
        for reaction in table:
            if reaction.target != name:
                continue
            if reaction.product not in dataset.index:
                raise DataError(
                    f"{reaction.label}: product {reaction.product} is not in nuclear dataset "
                    f"{dataset.name!r} (use dataset 'icrp107' or extend the dataset)"
                )
            if not burnup and name not in initial:
                continue
            channels.append(
                Channel(
                    reaction.target,
                    reaction.product,
                    reaction_rate(reaction, field),
                    consumes=burnup,
                    label=reaction.label,
                )
            )
            if burnup:
                todo.append(reaction.product)
    return tuple(channels)


def target_atoms(
    mass: float,
    element: str,
    *,
    enrichment: float | None = None,
    isotope: str | None = None,
    composition: Mapping[str, float] | None = None,
    dataset: str | NuclearDataset = "radiochain",
) -> dict[str, float]:
    """Atoms of each isotope in a target of one element.

    The composition is, in order of precedence: ``composition`` as given; or ``isotope``
    enriched to ``enrichment`` with the other isotopes in their natural proportions; or the
    natural element.

    Parameters
    ----------
    mass : float [g]
        Mass of the element (not of its oxide).
    element : str
        Element symbol (``"Lu"``, ``"Yb"``).
    enrichment : float [1], optional
        Atom fraction of ``isotope``, in [0, 1].
    isotope : str, optional
        The enriched isotope (``"Lu-176"``).
    composition : mapping of str to float [1], optional
        Atom fractions that sum to 1 (within 1e-6).
    dataset : str or NuclearDataset
        Source of atomic masses.

    Raises
    ------
    InputError
        Negative mass, enrichment outside [0, 1], an isotope of another element, fractions
        that do not sum to 1.
    """
    data = get_dataset(dataset)
    if not (isinstance(mass, int | float) and math.isfinite(mass) and mass >= 0):
        raise InputError(f"target mass: {mass!r} g is not valid (give a mass >= 0, e.g. '10 mg')")
    symbol = element.strip().capitalize()
    if composition is not None:
        fractions = {canonical_name(k): float(v) for k, v in composition.items()}
        for name, value in fractions.items():
            if not (0.0 <= value <= 1.0):
                raise InputError(f"composition: {name} fraction {value!r} is outside [0, 1]")
            if parse_nuclide_name(name).symbol != symbol:
                raise InputError(f"composition: {name} is not an isotope of {symbol}")
        total = sum(fractions.values())
        if abs(total - 1.0) > 1e-6:
            raise InputError(
                f"composition of the {symbol} target sums to {total:.6g} (atom fractions must sum "
                "to 1)"
            )
    else:
        fractions = natural_abundance(symbol)
        if enrichment is not None or isotope is not None:
            if enrichment is None or isotope is None:
                raise InputError("give both isotope and enrichment (e.g. 'Lu-176' and 0.82)")
            iso = canonical_name(isotope)
            if not (isinstance(enrichment, int | float) and 0.0 <= enrichment <= 1.0):
                raise InputError(
                    f"enrichment of {iso}: {enrichment!r} is outside [0, 1] (give an atom "
                    "fraction, e.g. 0.82 for 82 %)"
                )
            if iso not in fractions:
                raise InputError(
                    f"{iso} is not a natural isotope of {symbol} "
                    f"(choose one of {', '.join(fractions)})"
                )
            rest = 1.0 - fractions[iso]
            fractions = {
                n: (enrichment if n == iso else (1.0 - enrichment) * a / rest)
                for n, a in fractions.items()
            }
    molar_mass = sum(f * float(data.atomic_mass_u[data.lookup(n)]) for n, f in fractions.items())
    moles = mass / molar_mass
    return {n: f * moles * AVOGADRO for n, f in fractions.items() if f > 0}


@dataclass(frozen=True)
class Irradiation:
    """One period of constant flux in an absolute schedule.

    Attributes
    ----------
    start, end : float [s]
        Since the start of the schedule (the target's insertion).
    field : NeutronField
    """

    start: float
    end: float
    field: NeutronField


def schedule_history(
    periods: Sequence[Irradiation],
    nuclides: Iterable[str],
    *,
    dataset: NuclearDataset,
    end: float | None = None,
    burnup: bool = True,
    samples_per_day: float = 0.0,
) -> list[Step]:
    """Solver steps from an absolute irradiation schedule; gaps become shutdown steps.

    Parameters
    ----------
    periods : sequence of Irradiation
        In time order, not overlapping.
    nuclides : iterable of str
        Nuclides of the target (to close the reaction network).
    dataset : NuclearDataset
    end : float [s], optional
        Append cooling until this time (after the last period).
    burnup : bool
        See :func:`capture_channels`.
    samples_per_day : float [1/d]
        Output points per day inside each step (0: only step ends).

    Raises
    ------
    InputError
        A period that ends before it starts, or that overlaps the previous one.
    """
    names = list(nuclides)
    steps: list[Step] = []
    clock = 0.0
    for k, period in enumerate(periods):
        if not (math.isfinite(period.start) and math.isfinite(period.end)) or period.start < 0:
            raise InputError(f"irradiation period {k}: start/end must be finite and >= 0 s")
        if period.end < period.start:
            raise InputError(
                f"irradiation period {k} ends ({period.end:g} s) before it starts "
                f"({period.start:g} s)"
            )
        if period.start < clock - 1e-9:
            raise InputError(
                f"irradiation period {k} starts at {period.start:g} s, before the previous one "
                f"ends ({clock:g} s): the history overlaps itself (periods must be in time order "
                "and not overlap)"
            )
        if period.start > clock:
            steps.append(_step(period.start - clock, (), samples_per_day, "shutdown"))
        channels = capture_channels(names, period.field, dataset=dataset, burnup=burnup)
        steps.append(_step(period.end - period.start, channels, samples_per_day, "irradiation"))
        clock = period.end
    if end is not None:
        if end < clock:
            raise InputError(f"end {end:g} s is before the last irradiation ends ({clock:g} s)")
        if end > clock:
            steps.append(_step(end - clock, (), samples_per_day, "cooling"))
    return steps


def _step(duration: float, channels: tuple[Channel, ...], per_day: float, label: str) -> Step:
    samples = max(1, math.ceil(duration / 86400.0 * per_day)) if per_day > 0 else 1
    return Step(duration, channels, samples=samples, label=label)
