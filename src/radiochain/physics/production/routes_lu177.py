"""Lu-177 routes: direct (enriched Lu-176) and indirect (enriched Yb-176) reactor activation.

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
the nuclear dataset label and the sources of the cross sections used. Their typed parameters
are :class:`Lu177DirectParameters` and :class:`Lu177IndirectParameters`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from radiochain.errors import InputError
from radiochain.physics.datasets import NuclearDataset, get_dataset
from radiochain.physics.names import parse_nuclide_name
from radiochain.physics.production.activation import (
    Irradiation,
    NeutronField,
    schedule_history,
    target_atoms,
)
from radiochain.physics.production.base import (
    ElementSnapshot,
    FloatArray,
    ProductionRoute,
    Quantity,
    RouteReport,
    check_flux,
    check_fraction,
    element_snapshot,
    element_values,
    periods_from,
    row_at,
    sources_for,
    times_after,
)
from radiochain.physics.production.parameters import (
    COOLING,
    ENRICHMENT,
    EPITHERMAL_FLUX,
    IRRADIATION,
    LU_YIELD,
    PRODUCT,
    SEPARATION_DELAY,
    TARGET_MASS,
    THERMAL_FLUX,
    YB_CARRYOVER,
    RouteParameters,
    parameter,
)
from radiochain.physics.production.solver import (
    ProductionResult,
    Separation,
    Step,
    solve_history,
)
from radiochain.physics.production.uncertainty import (
    capture_scales,
    check_samples,
    solve_history_samples,
    truncated_fractions,
)
from radiochain.units import AVOGADRO, to_grams, to_seconds

__all__ = [
    "Lu177Direct",
    "Lu177DirectParameters",
    "Lu177DirectResult",
    "Lu177Indirect",
    "Lu177IndirectParameters",
    "Lu177IndirectResult",
]

DAY = 86400.0


def check_neutrons(thermal_flux: float, epithermal_flux: float) -> None:
    """:class:`InputError` unless some neutrons reach the target (a flux above 0)."""
    if not (thermal_flux > 0 or epithermal_flux > 0):
        raise InputError(
            "--thermal-flux and --epithermal-flux are both 0: no neutrons, nothing is made "
            "(give e.g. --thermal-flux 1e14)"
        )


@dataclass(frozen=True, kw_only=True)
class Lu177DirectParameters(RouteParameters):
    """Parameters of ``lu177-direct``, in base units (g, 1, n cm⁻² s⁻¹, s).

    Attributes
    ----------
    target_mass : float [g]
        Lutetium in the target (not Lu2O3).
    enrichment : float [1]
        Atom fraction of Lu-176, in (0, 1].
    thermal_flux, epithermal_flux : float [n cm⁻² s⁻¹]
        At least one above 0.
    irradiation : float [s]
        Default 7 d.
    cooling : float [s]
        From end of bombardment to the reported point; default 0.
    product : str
        ``"Lu-177"`` (default) or ``"Lu-177m"``.
    """

    route_hint: ClassVar[str] = "route 'lu177-direct'"
    target_mass: float = parameter(TARGET_MASS)
    enrichment: float = parameter(ENRICHMENT)
    thermal_flux: float = parameter(THERMAL_FLUX)
    epithermal_flux: float = parameter(EPITHERMAL_FLUX, 0.0)
    irradiation: float = parameter(IRRADIATION, 7 * DAY)
    cooling: float = parameter(COOLING, 0.0)
    product: str = parameter(PRODUCT, "Lu-177")

    def check(self) -> None:
        """Some neutrons must reach the target."""
        check_neutrons(self.thermal_flux, self.epithermal_flux)


@dataclass(frozen=True, kw_only=True)
class Lu177IndirectParameters(RouteParameters):
    """Parameters of ``lu177-indirect``, in base units (g, 1, n cm⁻² s⁻¹, s).

    Attributes
    ----------
    target_mass : float [g]
        Ytterbium in the target.
    enrichment : float [1]
        Atom fraction of Yb-176, in (0, 1].
    thermal_flux, epithermal_flux : float [n cm⁻² s⁻¹]
    irradiation : float [s]
        Default 7 d.
    separation_delay : float [s]
        From end of bombardment to the Lu/Yb separation; default 1 d.
    lu_yield, yb_carryover : float [1]
        Lu recovered (default 1) and Yb carried into the product (default 0).
    cooling : float [s]
        From the separation to the reported point; default 0.
    product : str
    """

    route_hint: ClassVar[str] = "route 'lu177-indirect'"
    target_mass: float = parameter(TARGET_MASS)
    enrichment: float = parameter(ENRICHMENT)
    thermal_flux: float = parameter(THERMAL_FLUX)
    epithermal_flux: float = parameter(EPITHERMAL_FLUX, 0.0)
    irradiation: float = parameter(IRRADIATION, 7 * DAY)
    separation_delay: float = parameter(SEPARATION_DELAY, DAY)
    lu_yield: float = parameter(LU_YIELD, 1.0)
    yb_carryover: float = parameter(YB_CARRYOVER, 0.0)
    cooling: float = parameter(COOLING, 0.0)
    product: str = parameter(PRODUCT, "Lu-177")

    def check(self) -> None:
        """Some neutrons must reach the target."""
        check_neutrons(self.thermal_flux, self.epithermal_flux)


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
    cooling: float = field(default=0.0, kw_only=True)

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
        """Activity ratio Lu-177m / Lu-177 at end of bombardment [1] (0 without Lu-177m)."""
        ratio = self.eob.impurity_ratio.get("Lu-177m")
        return float(ratio[0]) if ratio is not None else 0.0

    def after_eob(self, elapsed: Quantity | Sequence[float] | FloatArray) -> ElementSnapshot:
        """The Lu fraction ``elapsed`` after end of bombardment (e.g. at calibration time).

        Parameters
        ----------
        elapsed : str, float or array of float [s]
            ``"3 d"``, a number of seconds or an array of them (>= 0).
        """
        row = row_at(self.history, self.end_of_bombardment, len(self.history.times) - 1)
        atoms = dict(zip(self.history.nuclides, self.history.atoms[row].tolist(), strict=True))
        times = times_after(elapsed, "time after end of bombardment")
        return element_snapshot(atoms, "Lu-177", times, self.nuclear_data)


class Lu177Direct(ProductionRoute):
    """``lu177-direct``: Lu-176(n,γ)Lu-177 on an enriched Lu target (carrier-added).

    Models capture on Lu-176 (to Lu-177 and, with a 0.1 % branch, to Lu-177m), burn-up of
    Lu-176, Lu-177 and Lu-177m, capture on Lu-175, and decay of everything, for any irradiation
    schedule (cycles, shutdowns). Self-shielding of the target is not modelled.
    """

    name = "lu177-direct"
    summary = "enriched Lu-176 target -> carrier-added Lu-177 with Lu-177m, with burn-up"
    products = ("Lu-177", "Lu-177m")
    parameter_type = Lu177DirectParameters

    def history_span(self, parameters: RouteParameters) -> float:
        """Irradiation [s] (the history ends at end of bombardment)."""
        assert isinstance(parameters, Lu177DirectParameters)
        return parameters.irradiation

    def _setup(
        self,
        target_mass: Quantity,
        enrichment: float,
        thermal_flux: float,
        epithermal_flux: float,
        irradiation: Quantity | Sequence[Irradiation],
        burnup: bool,
        samples_per_day: float,
        dataset: str | NuclearDataset,
    ) -> tuple[NuclearDataset, dict[str, float], list[Irradiation], list[Step]]:
        data = get_dataset(dataset)
        mass = to_grams(target_mass, what="target mass")
        check_fraction(enrichment, "enrichment of Lu-176")
        flux = NeutronField(
            check_flux(thermal_flux, "thermal flux"), check_flux(epithermal_flux, "epithermal flux")
        )
        periods = periods_from(irradiation, flux)
        atoms = target_atoms(mass, "Lu", isotope="Lu-176", enrichment=enrichment, dataset=data)
        steps = schedule_history(
            periods, atoms, dataset=data, burnup=burnup, samples_per_day=samples_per_day
        )
        return data, atoms, periods, steps

    def run(  # type: ignore[override]
        self,
        *,
        target_mass: Quantity,
        enrichment: float,
        thermal_flux: float = 0.0,
        epithermal_flux: float = 0.0,
        irradiation: Quantity | Sequence[Irradiation] = "7 d",
        cooling: Quantity = 0.0,
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
        cooling : str or float [s]
            Time from end of bombardment to the reported calibration point (``"1 d"``).
        product : str
            ``"Lu-177"`` (default) or ``"Lu-177m"``.
        burnup : bool
            False reproduces the textbook no-burn-up limit.
        samples_per_day : float [1/d]
            Output points per day in the history (0: step ends only).
        dataset : str or NuclearDataset
        """
        self.check_product(product)
        cool = to_seconds(cooling, what="cooling time")
        data, atoms, periods, steps = self._setup(
            target_mass,
            enrichment,
            thermal_flux,
            epithermal_flux,
            irradiation,
            burnup,
            samples_per_day,
            dataset,
        )
        history = solve_history(steps, atoms, dataset=data, extra_nuclides=("Lu-177m",))
        eob_time = periods[-1].end if periods else 0.0
        row = row_at(history, eob_time, len(history.times) - 1)
        eob_atoms = dict(zip(history.nuclides, history.atoms[row].tolist(), strict=True))
        eob = element_snapshot(eob_atoms, "Lu-177", np.zeros(1), data)
        burn = 1.0 - eob_atoms["Lu-176"] / atoms["Lu-176"] if atoms.get("Lu-176") else 0.0
        return Lu177DirectResult(
            history=history,
            end_of_bombardment=eob_time,
            eob=eob,
            lu176_burnup=burn,
            target_atoms=atoms,
            dataset=data.label,
            sources=sources_for(history.nuclides),
            nuclear_data=data,
            cooling=cool,
        )

    def report(self, result: object) -> RouteReport:
        """Activity, specific activity and Lu-177m ratio at EOB and after the cooling time."""
        if not isinstance(result, Lu177DirectResult):
            raise InputError(f"{self.name}: report() needs a Lu177DirectResult")
        later = result.after_eob(np.array([result.cooling]))
        history = result.history
        ratio = later.impurity_ratio.get("Lu-177m")
        values: dict[str, float | None] = {
            "end_of_bombardment_s": result.end_of_bombardment,
            "activity_eob_bq": result.activity_eob,
            "specific_activity_eob_bq_per_g": result.specific_activity_eob,
            "lu177m_eob_ratio": result.lu177m_ratio_eob,
            "lu176_burnup_fraction": result.lu176_burnup,
            "cooling_s": result.cooling,
            "activity_bq": float(later.activity[0]),
            "specific_activity_bq_per_g": float(later.specific_activity[0]),
            "lu177m_ratio": float(ratio[0]) if ratio is not None else 0.0,
            "lutetium_mass_g": float(later.element_mass[0]),
        }
        ratios = {n: float(r[0]) for n, r in later.impurity_ratio.items() if np.isfinite(r[0])}
        shown = [n for n in ("Lu-177", "Lu-177m") if n in history.nuclides]
        series: dict[str, FloatArray] = {n: history.activity_of(n) for n in shown}
        return RouteReport(
            self.name,
            values,
            ratios,
            history.times,
            series,
            result.sources,
            result.dataset,
            notes=(
                "specific activity is per gram of Lu present (Lu-175, Lu-176, Lu-177, Lu-177m)",
                "no self-shielding of the target; the whole target sees the given flux",
            ),
        )

    def sample(  # type: ignore[override]
        self,
        samples: int,
        rng: np.random.Generator,
        *,
        target_mass: Quantity,
        enrichment: float,
        thermal_flux: float = 0.0,
        epithermal_flux: float = 0.0,
        irradiation: Quantity | Sequence[Irradiation] = "7 d",
        cooling: Quantity = 0.0,
        product: str = "Lu-177",
        samples_per_day: float = 0.0,
        dataset: str | NuclearDataset = "radiochain",
    ) -> dict[str, FloatArray]:
        """Samples of the headline values under the cross-section uncertainties.

        Every capture channel's rate is scaled by :func:`uncertainty.capture_scales`
        (σ0, resonance integral and isomeric branch, lognormal); all samples are solved at once
        by :func:`uncertainty.solve_history_samples`.
        """
        check_samples(samples)
        self.check_product(product)
        cool = to_seconds(cooling, what="cooling time")
        data, atoms, periods, steps = self._setup(
            target_mass, enrichment, thermal_flux, epithermal_flux, irradiation, True, 0.0, dataset
        )
        flux = periods[0].field if periods else NeutronField(0.0)
        scales = capture_scales((c for st in steps for c in st.channels), flux, samples, rng)
        runs = solve_history_samples(
            steps, atoms, samples, scales=scales, dataset=data, extra_nuclides=("Lu-177m",)
        )
        eob_time = periods[-1].end if periods else 0.0
        row = int(np.flatnonzero(np.isclose(runs.times, eob_time, rtol=0, atol=1e-6))[-1])
        eob = element_values(runs.nuclides, runs.atoms[:, row], "Lu-177", 0.0, data)
        later = element_values(runs.nuclides, runs.atoms[:, row], "Lu-177", cool, data)
        return {
            "activity_eob_bq": eob.activity,
            "specific_activity_eob_bq_per_g": eob.specific_activity,
            "lu177m_eob_ratio": eob.ratio("Lu-177m"),
            "activity_bq": later.activity,
            "specific_activity_bq_per_g": later.specific_activity,
            "lu177m_ratio": later.ratio("Lu-177m"),
        }


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
    cooling : float [s]
        From the separation to the reported point.
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
    cooling: float = field(default=0.0, kw_only=True)

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
        return element_snapshot(
            self.product_atoms,
            "Lu-177",
            times_after(elapsed, "time after separation"),
            self.nuclear_data,
        )


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
    parameter_type = Lu177IndirectParameters

    def history_span(self, parameters: RouteParameters) -> float:
        """Irradiation and separation delay [s]."""
        assert isinstance(parameters, Lu177IndirectParameters)
        return parameters.irradiation + parameters.separation_delay

    def _build(
        self,
        target_mass: Quantity,
        enrichment: float | None,
        composition: Mapping[str, float] | None,
        thermal_flux: float,
        epithermal_flux: float,
        irradiation: Quantity | Sequence[Irradiation],
        separation_delay: Quantity,
        lu_yield: float | FloatArray,
        yb_carryover: float,
        samples_per_day: float,
        dataset: str | NuclearDataset,
    ) -> tuple[NuclearDataset, dict[str, float], list[Step | Separation], float]:
        data = get_dataset(dataset)
        mass = to_grams(target_mass, what="target mass")
        if enrichment is None and composition is None:
            raise InputError(
                "lu177-indirect: give the Yb-176 enrichment (e.g. 0.996) or a composition"
            )
        if enrichment is not None:
            check_fraction(enrichment, "enrichment of Yb-176")
        if isinstance(lu_yield, int | float):
            check_fraction(lu_yield, "lu_yield")
        check_fraction(yb_carryover, "yb_carryover")
        delay = to_seconds(separation_delay, what="separation delay")
        flux = NeutronField(
            check_flux(thermal_flux, "thermal flux"), check_flux(epithermal_flux, "epithermal flux")
        )
        periods = periods_from(irradiation, flux)
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
        fractions: dict[str, float] = {"Lu": lu_yield, "Yb": yb_carryover}  # type: ignore[dict-item]
        steps.append(Separation(fractions, label="Lu product"))
        return data, atoms, steps, eob_time

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
        cooling: Quantity = 0.0,
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
        cooling : str or float [s]
            From the separation to the reported point (``"1 d"``).
        """
        self.check_product(product)
        cool = to_seconds(cooling, what="cooling time")
        data, atoms, steps, eob_time = self._build(
            target_mass,
            enrichment,
            composition,
            thermal_flux,
            epithermal_flux,
            irradiation,
            separation_delay,
            lu_yield,
            yb_carryover,
            samples_per_day,
            dataset,
        )
        history = solve_history(steps, atoms, dataset=data, extra_nuclides=("Lu-177m",))
        withdrawal = history.withdrawals[-1]
        product_atoms = dict(zip(history.nuclides, withdrawal.atoms.tolist(), strict=True))
        remaining = dict(zip(history.nuclides, history.atoms[-1].tolist(), strict=True))
        snapshot = element_snapshot(product_atoms, "Lu-177", np.zeros(1), data)
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
            sources=sources_for(history.nuclides),
            nuclear_data=data,
            cooling=cool,
        )

    def report(self, result: object) -> RouteReport:
        """Activity, specific activity and impurities of the Lu product at separation and at
        the reported point (``cooling`` after it)."""
        if not isinstance(result, Lu177IndirectResult):
            raise InputError(f"{self.name}: report() needs a Lu177IndirectResult")
        snap = result.after_separation(np.array([result.cooling]))
        values: dict[str, float | None] = {
            "end_of_bombardment_s": result.end_of_bombardment,
            "separation_time_s": result.separation_time,
            "activity_separation_bq": result.activity,
            "specific_activity_separation_bq_per_g": result.specific_activity,
            "cooling_s": result.cooling,
            "activity_bq": float(snap.activity[0]),
            "specific_activity_bq_per_g": float(snap.specific_activity[0]),
            "lutetium_mass_g": float(snap.element_mass[0]),
            "ytterbium_mass_in_product_g": result.ytterbium_mass_in_product,
        }
        ratios = {n: float(r[0]) for n, r in snap.impurity_ratio.items() if np.isfinite(r[0])}
        history = result.history
        series: dict[str, FloatArray] = {
            n: history.activity_of(n)
            for n in ("Yb-177", "Lu-177", "Yb-175")
            if n in history.nuclides
        }
        return RouteReport(
            self.name,
            values,
            ratios,
            history.times,
            series,
            result.sources,
            result.dataset,
            notes=(
                "series: activities of the whole target until the separation",
                "product values after --cooling from the separation",
            ),
        )

    def sample(  # type: ignore[override]
        self,
        samples: int,
        rng: np.random.Generator,
        *,
        target_mass: Quantity,
        enrichment: float | None = None,
        thermal_flux: float = 0.0,
        epithermal_flux: float = 0.0,
        irradiation: Quantity | Sequence[Irradiation] = "7 d",
        separation_delay: Quantity = "1 d",
        lu_yield: float = 1.0,
        lu_yield_uncertainty: float = 0.0,
        yb_carryover: float = 0.0,
        cooling: Quantity = 0.0,
        product: str = "Lu-177",
        samples_per_day: float = 0.0,
        dataset: str | NuclearDataset = "radiochain",
    ) -> dict[str, FloatArray]:
        """Samples of the product's activity and specific activity (cross sections, yield),
        at the separation and ``cooling`` after it."""
        check_samples(samples)
        self.check_product(product)
        cool = to_seconds(cooling, what="cooling time")
        check_fraction(lu_yield, "lu_yield")
        yields = truncated_fractions(lu_yield, lu_yield_uncertainty, samples, rng)
        data, atoms, steps, _ = self._build(
            target_mass,
            enrichment,
            None,
            thermal_flux,
            epithermal_flux,
            irradiation,
            separation_delay,
            yields,
            yb_carryover,
            0.0,
            dataset,
        )
        flux = NeutronField(thermal_flux, epithermal_flux)
        channels = (c for st in steps if isinstance(st, Step) for c in st.channels)
        scales = capture_scales(channels, flux, samples, rng)
        runs = solve_history_samples(
            steps, atoms, samples, scales=scales, dataset=data, extra_nuclides=("Lu-177m",)
        )
        moved = runs.withdrawals[-1][2]
        values = element_values(runs.nuclides, moved, "Lu-177", 0.0, data)
        later = element_values(runs.nuclides, moved, "Lu-177", cool, data)
        return {
            "activity_separation_bq": values.activity,
            "specific_activity_separation_bq_per_g": values.specific_activity,
            "activity_bq": later.activity,
            "specific_activity_bq_per_g": later.specific_activity,
        }
