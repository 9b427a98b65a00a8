"""Named production routes: documented recipes on the production solver.

=================  ==========================================================================
route              what it models
=================  ==========================================================================
``lu177-direct``   enriched Lu-176 target, Lu-176(n,γ)Lu-177 in a reactor: carrier-added
                   Lu-177 with the long-lived Lu-177m impurity; target and product burn-up
``lu177-indirect`` enriched Yb-176 target, Yb-176(n,γ)Yb-177 (1.9 h, β⁻) -> Lu-177, then a
                   Lu/Yb separation: no-carrier-added Lu-177 (Lu-175 carrier only from
                   Yb-174(n,γ)Yb-175 -> Lu-175 and Lu impurities)
=================  ==========================================================================

Every route takes quantities with units (``"10 mg"``, ``"7 d"``) or base-unit floats
(g, s, n cm⁻² s⁻¹) and returns a typed result carrying the full :class:`ProductionResult`,
the nuclear dataset label and the sources of the cross sections used.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from radiochain.errors import InputError
from radiochain.physics.datasets import NuclearDataset, get_dataset
from radiochain.physics.inventory import decay_batch
from radiochain.physics.names import canonical_name, parse_nuclide_name
from radiochain.physics.production.activation import (
    Irradiation,
    NeutronField,
    capture_reactions,
    cross_section_sources,
    schedule_history,
    target_atoms,
)
from radiochain.physics.production.solver import (
    ProductionResult,
    Separation,
    Step,
    solve_history,
)
from radiochain.units import AVOGADRO, to_grams, to_seconds

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "ROUTES",
    "ElementSnapshot",
    "Lu177Direct",
    "Lu177DirectResult",
    "Lu177Indirect",
    "Lu177IndirectResult",
    "ProductionRoute",
    "carrier_free_specific_activity",
    "get_route",
]

Quantity = str | float | int


def carrier_free_specific_activity(
    nuclide: str, dataset: str | NuclearDataset = "radiochain"
) -> float:
    """Specific activity of a pure nuclide, ``lambda * N_A / M`` [Bq/g]."""
    data = get_dataset(dataset)
    i = data.lookup(nuclide)
    return float(data.decay_constant[i]) * AVOGADRO / float(data.atomic_mass_u[i])


def _flux(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{what}: {value!r} is not a number (give n/cm2/s, e.g. 1e14)")
    if not math.isfinite(value) or value < 0:
        raise InputError(f"{what}: {value!r} n/cm2/s is invalid (give a finite value >= 0)")
    return float(value)


def _fraction(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InputError(f"{what}: {value!r} is outside [0, 1] (give a fraction, e.g. 0.82)")
    return float(value)


@dataclass(frozen=True)
class ElementSnapshot:
    """Activities and purity of an element fraction (e.g. the Lu product) at some times.

    All arrays have shape (T,) over :attr:`times`.

    Attributes
    ----------
    times : ndarray [s]
        Elapsed since the reference (end of bombardment, or separation).
    activity : ndarray [Bq]
        Activity of the product nuclide.
    element_mass : ndarray [g]
        Mass of all isotopes of the product's element (product included).
    specific_activity : ndarray [Bq/g]
        ``activity / element_mass``.
    impurity_ratio : dict of str to ndarray [1]
        Activity of each radioactive impurity over the product's activity.
    """

    times: FloatArray
    activity: FloatArray
    element_mass: FloatArray
    specific_activity: FloatArray
    impurity_ratio: Mapping[str, FloatArray]


def _snapshot(
    atoms: Mapping[str, float],
    product: str,
    times: FloatArray,
    data: NuclearDataset,
) -> ElementSnapshot:
    """Decay an inventory with the decay engine and summarise one element's fraction."""
    names = [n for n, a in atoms.items() if a > 0]
    batch = decay_batch(
        names, [atoms[n] for n in names], times, unit="atoms", quantity="atoms", dataset=data
    )
    element = parse_nuclide_name(product).symbol
    mass = np.zeros(len(times))
    activities: dict[str, FloatArray] = {}
    for name in batch.nuclides:
        column = batch.column(name)[0]
        i = data.index[name]
        if parse_nuclide_name(name).symbol == element:
            mass += column * float(data.atomic_mass_u[i]) / AVOGADRO
        if data.decay_constant[i] > 0:
            activities[name] = column * float(data.decay_constant[i])
    activity = activities.get(product, np.zeros(len(times)))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = {n: a / activity for n, a in activities.items() if n != product}
        specific = activity / mass
    return ElementSnapshot(times, activity, mass, specific, ratios)


class ProductionRoute(ABC):
    """A named, documented production recipe."""

    name: str
    summary: str
    products: tuple[str, ...]

    def check_product(self, nuclide: str) -> str:
        """Canonical name of ``nuclide`` if this route makes it; else :class:`InputError`."""
        name = canonical_name(nuclide)
        if name not in self.products:
            raise InputError(
                f"route {self.name!r} cannot make {name} (it makes {', '.join(self.products)}; "
                f"see 'radiochain produce --list')"
            )
        return name

    @abstractmethod
    def run(self, **kwargs: object) -> object:
        """Compute the route (keyword arguments as documented by the subclass)."""


def _sources_for(nuclides: Sequence[str]) -> dict[str, str]:
    keys = cross_section_sources()
    out: dict[str, str] = {}
    names = set(nuclides)
    for reaction in capture_reactions():
        if reaction.target in names:
            used = {k: v for k, v in reaction.sources.items() if v}
            out[reaction.label] = "; ".join(f"{k}: {keys.get(v, v)}" for k, v in used.items())
    return out


@dataclass(frozen=True)
class Lu177DirectResult:
    """Result of ``lu177-direct``.

    Attributes
    ----------
    history : ProductionResult
        Full inventory over the irradiation history (target insertion at t = 0).
    end_of_bombardment : float [s]
        End of the last irradiation period, since insertion.
    eob : ElementSnapshot
        Lu fraction at end of bombardment (single time).
    lu176_burnup : float [1]
        Fraction of the initial Lu-176 atoms consumed at EOB.
    target_atoms : dict of str to float
        Initial atoms per isotope.
    dataset : str
        Nuclear dataset label.
    sources : dict of str to str
        Cross-section sources per reaction.
    """

    history: ProductionResult
    end_of_bombardment: float
    eob: ElementSnapshot
    lu176_burnup: float
    target_atoms: Mapping[str, float]
    dataset: str
    sources: Mapping[str, str]
    nuclear_data: NuclearDataset = field(repr=False, compare=False, kw_only=True)

    @property
    def activity_eob(self) -> float:
        """Lu-177 activity at end of bombardment [Bq]."""
        return float(self.eob.activity[0])

    @property
    def specific_activity_eob(self) -> float:
        """Lu-177 activity per gram of Lu at end of bombardment [Bq/g]."""
        return float(self.eob.specific_activity[0])

    @property
    def lu177m_ratio_eob(self) -> float:
        """Activity ratio Lu-177m / Lu-177 at end of bombardment [1]."""
        return float(self.eob.impurity_ratio["Lu-177m"][0])

    def after_eob(self, elapsed: Quantity | Sequence[float] | FloatArray) -> ElementSnapshot:
        """The Lu fraction ``elapsed`` after end of bombardment (e.g. at calibration time).

        Parameters
        ----------
        elapsed : str, float or array of float [s]
            ``"3 d"``, a number of seconds or an array of them (>= 0).
        """
        row = _row_at(self.history, self.end_of_bombardment, len(self.history.times) - 1)
        atoms = dict(zip(self.history.nuclides, self.history.atoms[row].tolist(), strict=True))
        return _snapshot(atoms, "Lu-177", _times(elapsed), self.nuclear_data)


def _times(elapsed: Quantity | Sequence[float] | FloatArray) -> FloatArray:
    if isinstance(elapsed, str):
        return np.array([to_seconds(elapsed, what="time after end of bombardment")])
    values = np.atleast_1d(np.asarray(elapsed, dtype=float))
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise InputError("times after end of bombardment must be finite and >= 0 s")
    return values


def _row_at(result: ProductionResult, time: float, default: int) -> int:
    """Last row at ``time`` (the state after anything that happened then)."""
    rows = np.flatnonzero(np.isclose(result.times, time, rtol=0, atol=1e-6))
    return int(rows[-1]) if rows.size else default


def _periods(
    irradiation: Quantity | Sequence[Irradiation], field: NeutronField
) -> list[Irradiation]:
    if isinstance(irradiation, str | int | float):
        duration = to_seconds(irradiation, what="irradiation time")
        return [Irradiation(0.0, duration, field)]
    return list(irradiation)


class Lu177Direct(ProductionRoute):
    """``lu177-direct``: Lu-176(n,γ)Lu-177 on an enriched Lu target (carrier-added).

    Models capture on Lu-176 (to Lu-177 and, with a 0.1 % branch, to Lu-177m), burn-up of
    Lu-176, Lu-177 and Lu-177m, capture on Lu-175, and decay of everything, for any irradiation
    schedule (cycles, shutdowns). Self-shielding of the target is not modelled.
    """

    name = "lu177-direct"
    summary = "enriched Lu-176 target -> carrier-added Lu-177 with Lu-177m, with burn-up"
    products = ("Lu-177", "Lu-177m")

    def run(  # type: ignore[override]
        self,
        *,
        target_mass: Quantity,
        enrichment: float,
        thermal_flux: float = 0.0,
        epithermal_flux: float = 0.0,
        irradiation: Quantity | Sequence[Irradiation] = "7 d",
        product: str = "Lu-177",
        burnup: bool = True,
        samples_per_day: float = 0.0,
        dataset: str | NuclearDataset = "radiochain",
    ) -> Lu177DirectResult:
        """Irradiate and report the Lu fraction at end of bombardment.

        Parameters
        ----------
        target_mass : str or float [g]
            Mass of lutetium in the target (not of Lu2O3): ``"10 mg"``.
        enrichment : float [1]
            Atom fraction of Lu-176 (natural: 0.02599); Lu-175 makes up the rest.
        thermal_flux, epithermal_flux : float [n cm⁻² s⁻¹]
            Westcott thermal flux and epithermal flux per unit lethargy.
        irradiation : str, float [s] or sequence of Irradiation
            A duration (one period at the given flux) or an explicit schedule.
        product : str
            ``"Lu-177"`` (default) or ``"Lu-177m"``.
        burnup : bool
            False reproduces the textbook no-burn-up limit.
        samples_per_day : float [1/d]
            Output points per day in the history (0: step ends only).
        dataset : str or NuclearDataset
        """
        self.check_product(product)
        data = get_dataset(dataset)
        mass = to_grams(target_mass, what="target mass")
        _fraction(enrichment, "enrichment of Lu-176")
        field = NeutronField(
            _flux(thermal_flux, "thermal flux"), _flux(epithermal_flux, "epithermal flux")
        )
        periods = _periods(irradiation, field)
        atoms = target_atoms(mass, "Lu", isotope="Lu-176", enrichment=enrichment, dataset=data)
        steps = schedule_history(
            periods, atoms, dataset=data, burnup=burnup, samples_per_day=samples_per_day
        )
        history = solve_history(steps, atoms, dataset=data, extra_nuclides=("Lu-177m",))
        eob_time = periods[-1].end if periods else 0.0
        row = _row_at(history, eob_time, len(history.times) - 1)
        eob_atoms = dict(zip(history.nuclides, history.atoms[row].tolist(), strict=True))
        eob = _snapshot(eob_atoms, "Lu-177", np.zeros(1), data)
        burn = 1.0 - eob_atoms["Lu-176"] / atoms["Lu-176"] if atoms.get("Lu-176") else 0.0
        return Lu177DirectResult(
            history=history,
            end_of_bombardment=eob_time,
            eob=eob,
            lu176_burnup=burn,
            target_atoms=atoms,
            dataset=data.label,
            sources=_sources_for(history.nuclides),
            nuclear_data=data,
        )


@dataclass(frozen=True)
class Lu177IndirectResult:
    """Result of ``lu177-indirect``.

    Attributes
    ----------
    history : ProductionResult
        Target inventory from insertion to separation (its withdrawals hold the Lu product).
    end_of_bombardment : float [s]
    separation_time : float [s]
        Since insertion.
    product : ElementSnapshot
        The separated Lu fraction at separation (single time).
    product_atoms : dict of str to float
        Atoms in the product stream at separation (Lu, plus carried-over Yb).
    target_after : dict of str to float
        Atoms left in the Yb target after separation (for recycling).
    ytterbium_mass_in_product : float [g]
        Yb carried into the product.
    dataset : str
    sources : dict of str to str
    """

    history: ProductionResult
    end_of_bombardment: float
    separation_time: float
    product: ElementSnapshot
    product_atoms: Mapping[str, float]
    target_after: Mapping[str, float]
    ytterbium_mass_in_product: float
    dataset: str
    sources: Mapping[str, str]
    nuclear_data: NuclearDataset = field(repr=False, compare=False, kw_only=True)

    @property
    def activity(self) -> float:
        """Lu-177 activity of the product at separation [Bq]."""
        return float(self.product.activity[0])

    @property
    def specific_activity(self) -> float:
        """Lu-177 activity per gram of Lu in the product at separation [Bq/g]."""
        return float(self.product.specific_activity[0])

    def after_separation(self, elapsed: Quantity | Sequence[float] | FloatArray) -> ElementSnapshot:
        """The product ``elapsed`` after separation (e.g. at calibration time)."""
        return _snapshot(self.product_atoms, "Lu-177", _times(elapsed), self.nuclear_data)


class Lu177Indirect(ProductionRoute):
    """``lu177-indirect``: Yb-176(n,γ)Yb-177 -> Lu-177, then Lu/Yb separation (n.c.a.).

    The target is Yb enriched in Yb-176 (other isotopes in natural proportion unless a
    composition is given). Captured Yb-177 (1.911 h) decays to Lu-177 during irradiation and
    the wait before separation; Yb-174(n,γ)Yb-175 (4.185 d) decays to stable Lu-175, the
    carrier that lowers the specific activity; Lu-177 burns up (880 b). The separation moves
    ``lu_yield`` of all Lu and ``yb_carryover`` of all Yb into the product. The defaults
    (1 and 0) are an ideal separation: give measured values for a real process.
    """

    name = "lu177-indirect"
    summary = "enriched Yb-176 target -> Yb-177 -> no-carrier-added Lu-177 after Lu/Yb separation"
    products = ("Lu-177",)

    def run(  # type: ignore[override]
        self,
        *,
        target_mass: Quantity,
        enrichment: float | None = None,
        composition: Mapping[str, float] | None = None,
        thermal_flux: float = 0.0,
        epithermal_flux: float = 0.0,
        irradiation: Quantity | Sequence[Irradiation] = "7 d",
        separation_delay: Quantity = "1 d",
        lu_yield: float = 1.0,
        yb_carryover: float = 0.0,
        product: str = "Lu-177",
        samples_per_day: float = 0.0,
        dataset: str | NuclearDataset = "radiochain",
    ) -> Lu177IndirectResult:
        """Irradiate, wait, separate Lu from Yb and report the Lu product.

        Parameters
        ----------
        target_mass : str or float [g]
            Mass of ytterbium in the target.
        enrichment : float [1], optional
            Atom fraction of Yb-176 (other Yb isotopes in natural proportion).
        composition : mapping of str to float [1], optional
            Full isotopic composition instead of ``enrichment``.
        thermal_flux, epithermal_flux : float [n cm⁻² s⁻¹]
        irradiation : str, float [s] or sequence of Irradiation
        separation_delay : str or float [s]
            From end of bombardment to the Lu/Yb separation (Yb-177 decays meanwhile).
        lu_yield : float [1]
            Fraction of Lu recovered into the product.
        yb_carryover : float [1]
            Fraction of Yb that follows the Lu into the product.
        """
        self.check_product(product)
        data = get_dataset(dataset)
        mass = to_grams(target_mass, what="target mass")
        if enrichment is None and composition is None:
            raise InputError(
                "lu177-indirect: give the Yb-176 enrichment (e.g. 0.996) or a composition"
            )
        if enrichment is not None:
            _fraction(enrichment, "enrichment of Yb-176")
        _fraction(lu_yield, "lu_yield")
        _fraction(yb_carryover, "yb_carryover")
        delay = to_seconds(separation_delay, what="separation delay")
        field = NeutronField(
            _flux(thermal_flux, "thermal flux"), _flux(epithermal_flux, "epithermal flux")
        )
        periods = _periods(irradiation, field)
        atoms = target_atoms(
            mass,
            "Yb",
            isotope="Yb-176" if composition is None else None,
            enrichment=enrichment if composition is None else None,
            composition=composition,
            dataset=data,
        )
        eob_time = periods[-1].end if periods else 0.0
        steps: list[Step | Separation] = list(
            schedule_history(
                periods,
                atoms,
                dataset=data,
                end=eob_time + delay,
                samples_per_day=samples_per_day,
            )
        )
        steps.append(Separation({"Lu": lu_yield, "Yb": yb_carryover}, label="Lu product"))
        history = solve_history(steps, atoms, dataset=data, extra_nuclides=("Lu-177m",))
        withdrawal = history.withdrawals[-1]
        product_atoms = dict(zip(history.nuclides, withdrawal.atoms.tolist(), strict=True))
        remaining = dict(zip(history.nuclides, history.atoms[-1].tolist(), strict=True))
        snapshot = _snapshot(product_atoms, "Lu-177", np.zeros(1), data)
        yb_mass = sum(
            a * float(data.atomic_mass_u[data.index[n]]) / AVOGADRO
            for n, a in product_atoms.items()
            if parse_nuclide_name(n).symbol == "Yb"
        )
        return Lu177IndirectResult(
            history=history,
            end_of_bombardment=eob_time,
            separation_time=withdrawal.time,
            product=snapshot,
            product_atoms=product_atoms,
            target_after=remaining,
            ytterbium_mass_in_product=yb_mass,
            dataset=data.label,
            sources=_sources_for(history.nuclides),
            nuclear_data=data,
        )


ROUTES: dict[str, ProductionRoute] = {
    route.name: route for route in (Lu177Direct(), Lu177Indirect())
}
"""Every route by name."""


def get_route(name: str) -> ProductionRoute:
    """The route called ``name``; :class:`InputError` naming the known routes otherwise."""
    try:
        return ROUTES[name.strip().lower()]
    except KeyError:
        raise InputError(
            f"unknown production route {name!r} (known: {', '.join(sorted(ROUTES))})"
        ) from None
