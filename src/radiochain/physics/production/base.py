"""Shared pieces of the production routes: the route interface, typed reports, element
snapshots and input checks.

Every route is a :class:`ProductionRoute`: ``run(**inputs)`` returns a typed result,
``report(result)`` turns it into a :class:`RouteReport` (values whose names carry their unit,
impurity ratios, activity series for plots, sources, dataset), and ``sample(samples, rng,
**inputs)`` propagates the uncertainties of cross sections and yields, vectorized over samples.
Its typed parameters are a :class:`~radiochain.physics.production.parameters.RouteParameters`
subclass, :attr:`ProductionRoute.parameter_type`; :meth:`ProductionRoute.evaluate` and
:meth:`ProductionRoute.draw` run the route from them (what :func:`produce` calls).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import numpy.typing as npt

from radiochain.errors import InputError
from radiochain.physics.datasets import NuclearDataset
from radiochain.physics.inventory import decay_batch
from radiochain.physics.names import canonical_name, parse_nuclide_name
from radiochain.physics.production.activation import (
    Irradiation,
    NeutronField,
    capture_reactions,
    cross_section_sources,
)
from radiochain.physics.production.parameters import Amount, RouteParameters
from radiochain.physics.production.solver import ProductionResult
from radiochain.units import AVOGADRO, SECONDS_PER_DAY, parse_amount, to_seconds

if TYPE_CHECKING:
    import pandas as pd

FloatArray = npt.NDArray[np.float64]
Quantity = str | float | int

__all__ = [
    "ElementSnapshot",
    "ElementValues",
    "FloatArray",
    "ProductionRoute",
    "Quantity",
    "RouteReport",
    "amount_of",
    "carrier_free_specific_activity",
    "check_flux",
    "check_fraction",
    "element_snapshot",
    "element_values",
]


def carrier_free_specific_activity(
    nuclide: str, dataset: str | NuclearDataset = "radiochain"
) -> float:
    """Specific activity of a pure nuclide, ``lambda * N_A / M`` [Bq/g] (the decay engine's
    :attr:`radiochain.Nuclide.specific_activity`)."""
    from radiochain.physics.nuclide import Nuclide

    return Nuclide(nuclide, dataset).specific_activity


def check_flux(value: float, what: str) -> float:
    """``value`` as a float flux [n cm⁻² s⁻¹]; :class:`InputError` unless finite and >= 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{what}: {value!r} is not a number (give n/cm2/s, e.g. 1e14)")
    if not math.isfinite(value) or value < 0:
        raise InputError(f"{what}: {value!r} n/cm2/s is invalid (give a finite value >= 0)")
    return float(value)


def check_fraction(value: float, what: str) -> float:
    """``value`` as a float in [0, 1]; :class:`InputError` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InputError(f"{what}: {value!r} is outside [0, 1] (give a fraction, e.g. 0.82)")
    return float(value)


def check_positive(value: float, what: str, unit: str) -> float:
    """``value`` as a float > 0 and finite; :class:`InputError` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{what}: {value!r} is not a number (give a value in {unit})")
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"{what}: {value!r} {unit} is invalid (give a finite value > 0)")
    return float(value)


def amount_of(value: Amount | Quantity, what: str) -> tuple[float, str]:
    """An amount of a nuclide as (value in Bq, g or atoms; dimension).

    ``value`` is an :class:`Amount`, text with a unit (``"100 mCi"``, ``"0.5 g"``) or a number
    of becquerel.
    """
    if isinstance(value, Amount):
        return value.value, value.dimension
    return parse_amount(value, default_unit="Bq", what=what)


def series_per_day(span: float, detail: bool, points: int = 500) -> float:
    """Output points per day [1/d] for plotted activity series over ``span`` [s].

    0 (step ends only) unless ``detail``; otherwise about ``points`` points over the span, and
    at most one per hour.
    """
    if not detail or not span > 0:
        return 0.0
    return min(24.0, points * SECONDS_PER_DAY / span)


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


def element_snapshot(
    atoms: Mapping[str, float],
    product: str,
    times: FloatArray,
    data: NuclearDataset,
) -> ElementSnapshot:
    """Decay an inventory with the decay engine and summarise one element's fraction.

    Parameters
    ----------
    atoms : mapping of str to float [1]
        Atoms of each nuclide at the reference time.
    product : str
        The product nuclide; its element defines the mass for the specific activity.
    times : ndarray [s]
        Elapsed times after the reference.
    data : NuclearDataset
    """
    names = [n for n, a in atoms.items() if a > 0]
    if not names:
        zeros = np.zeros(len(times))
        return ElementSnapshot(times, zeros, zeros, zeros, {})
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
    activity = activities.get(canonical_name(product), np.zeros(len(times)))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = {n: a / activity for n, a in activities.items() if n != product}
        specific = activity / mass
    return ElementSnapshot(times, activity, mass, specific, ratios)


@dataclass(frozen=True)
class ElementValues:
    """One element fraction of K inventories at one time (vectorized over inventories).

    Attributes
    ----------
    activity : ndarray [Bq], shape (K,)
        Activity of the product nuclide.
    element_mass : ndarray [g], shape (K,)
        Mass of the product's element.
    impurity_activity : dict of str to ndarray [Bq], shape (K,)
        Activity of every other radioactive nuclide present.
    """

    activity: FloatArray
    element_mass: FloatArray
    impurity_activity: Mapping[str, FloatArray]

    @property
    def specific_activity(self) -> FloatArray:
        """``activity / element_mass`` [Bq/g]."""
        with np.errstate(divide="ignore", invalid="ignore"):
            result: FloatArray = self.activity / self.element_mass
        return result

    def ratio(self, nuclide: str) -> FloatArray:
        """Activity of ``nuclide`` over the product's [1] (0 where absent)."""
        name = canonical_name(nuclide)
        other = self.impurity_activity.get(name, np.zeros_like(self.activity))
        with np.errstate(divide="ignore", invalid="ignore"):
            result: FloatArray = other / self.activity
        return result


def element_values(
    nuclides: Sequence[str],
    atoms: FloatArray,
    product: str,
    elapsed: float,
    data: NuclearDataset,
) -> ElementValues:
    """Decay K inventories by ``elapsed`` [s] with the decay engine; summarise one element.

    Parameters
    ----------
    nuclides : sequence of str, length n
    atoms : ndarray [1], shape (K, n)
    product : str
        Product nuclide (its element defines the mass).
    elapsed : float [s]
    data : NuclearDataset
    """
    atoms = np.atleast_2d(np.asarray(atoms, dtype=float))
    present = [j for j in range(len(nuclides)) if np.any(atoms[:, j] > 0)]
    element = parse_nuclide_name(product).symbol
    product = canonical_name(product)
    k = atoms.shape[0]
    activity = np.zeros(k)
    mass = np.zeros(k)
    others: dict[str, FloatArray] = {}
    if not present:
        return ElementValues(activity, mass, others)
    names = [nuclides[j] for j in present]
    if elapsed > 0:
        batch = decay_batch(
            names, atoms[:, present], [elapsed], unit="atoms", quantity="atoms", dataset=data
        )
        out_names, values = batch.nuclides, batch.values[:, :, 0]
    else:
        out_names, values = tuple(names), atoms[:, present]
    for m, name in enumerate(out_names):
        i = data.index[name]
        column = values[:, m]
        if parse_nuclide_name(name).symbol == element:
            mass = mass + column * float(data.atomic_mass_u[i]) / AVOGADRO
        lam = float(data.decay_constant[i])
        if lam > 0:
            if name == product:
                activity = column * lam
            else:
                others[name] = column * lam
    return ElementValues(activity, mass, others)


def times_after(elapsed: Quantity | Sequence[float] | FloatArray, what: str) -> FloatArray:
    """Elapsed times [s] from ``"3 d"``, a number of seconds or an array of them (>= 0)."""
    if isinstance(elapsed, str):
        return np.array([to_seconds(elapsed, what=what)])
    values = np.atleast_1d(np.asarray(elapsed, dtype=float))
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise InputError(f"{what}: times must be finite and >= 0 s")
    return values


def row_at(result: ProductionResult, time: float, default: int) -> int:
    """Last row of ``result`` at ``time`` (the state after anything that happened then)."""
    rows = np.flatnonzero(np.isclose(result.times, time, rtol=0, atol=1e-6))
    return int(rows[-1]) if rows.size else default


def periods_from(
    irradiation: Quantity | Sequence[Irradiation], field: NeutronField
) -> list[Irradiation]:
    """A duration (one period at ``field``) or an explicit schedule, as a list of periods."""
    if isinstance(irradiation, str | int | float):
        duration = to_seconds(irradiation, what="irradiation time")
        return [Irradiation(0.0, duration, field)]
    return list(irradiation)


def sources_for(nuclides: Sequence[str]) -> dict[str, str]:
    """Citation of the cross sections of every capture reaction on ``nuclides``."""
    keys = cross_section_sources()
    out: dict[str, str] = {}
    names = set(nuclides)
    for reaction in capture_reactions():
        if reaction.target in names:
            used = {k: v for k, v in reaction.sources.items() if v}
            out[reaction.label] = "; ".join(f"{k}: {keys.get(v, v)}" for k, v in used.items())
    return out


@dataclass(frozen=True)
class RouteReport:
    """What a route run gives, in a form the command line, the network and reports share.

    Attributes
    ----------
    route : str
        Route name.
    values : dict of str to float or None
        Headline results; every key carries its unit (``activity_eob_bq``,
        ``specific_activity_bq_per_g``, ``lu177m_ratio``).
    impurity_ratios : dict of str to float [1]
        Activity of each impurity over the product's activity at the reference time.
    series_times : ndarray [s]
        Times of :attr:`series`, since the start of the history.
    series : dict of str to ndarray [Bq]
        Activity of the product and its impurities over the history (for plots).
    sources : dict of str to str
        Citation of every datum used (cross sections, yields).
    dataset : str
        Nuclear dataset label (name and version).
    table : DataFrame, optional
        Per-event table (weekly withdrawals, milkings, elutions).
    notes : tuple of str
        Assumptions and limitations that apply to this result.
    """

    route: str
    values: Mapping[str, float | None]
    impurity_ratios: Mapping[str, float]
    series_times: FloatArray
    series: Mapping[str, FloatArray]
    sources: Mapping[str, str]
    dataset: str
    table: pd.DataFrame | None = None
    notes: tuple[str, ...] = field(default=())


class ProductionRoute(ABC):
    """A named, documented production recipe.

    Attributes
    ----------
    name : str
        Registry name (``"lu177-direct"``).
    summary : str
        One line on what the route models (``radiochain produce --list``).
    products : tuple of str
        Nuclides the route makes.
    parameter_type : type of RouteParameters
        The route's typed parameters (their fields are the keyword arguments of :meth:`run`
        that a user sets; :func:`produce` reads them from text).
    """

    name: str
    summary: str
    products: tuple[str, ...]
    parameter_type: ClassVar[type[RouteParameters]]
    samples_in_table: ClassVar[bool] = False
    """True when the route puts its uncertainty samples in its table
    (:meth:`evaluate_sampled`) rather than in intervals of its values (:meth:`draw`)."""

    @property
    def propagates_uncertainty(self) -> bool:
        """Whether the route can draw uncertainty samples."""
        return self.samples_in_table or type(self).sample is not ProductionRoute.sample

    @property
    def parameters(self) -> tuple[str, ...]:
        """Names of the route's user parameters (fields of :attr:`parameter_type`)."""
        return tuple(self.parameter_type.specs())

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

    def report(self, result: object) -> RouteReport:
        """The headline values of a result of :meth:`run`."""
        raise NotImplementedError(f"route {self.name!r} has no report")

    def sample(
        self, samples: int, rng: np.random.Generator, **kwargs: object
    ) -> dict[str, FloatArray]:
        """Samples of the headline values under input uncertainties, shape (samples,) each.

        Raises
        ------
        InputError
            The route does not propagate uncertainties.
        """
        raise InputError(f"route {self.name!r} does not propagate uncertainties (omit --samples)")

    # -- from typed parameters ----------------------------------------------------------------

    def history_span(self, parameters: RouteParameters) -> float:
        """Length of the history the route's activity series cover [s] (0: no series
        density to choose)."""
        return 0.0

    def sample_events(self, parameters: RouteParameters) -> int:
        """Events (steps and separations) one uncertainty sample goes through: the work of a
        sample, used to bound and to chunk :meth:`draw`."""
        return 1

    def sample_limit(self, parameters: RouteParameters) -> int:
        """Most uncertainty samples for these parameters: samples times
        :meth:`sample_events` at most :data:`~uncertainty.MAX_SAMPLE_WORK`."""
        from radiochain.physics.production.uncertainty import MAX_SAMPLE_WORK

        return max(1, MAX_SAMPLE_WORK // max(1, self.sample_events(parameters)))

    def evaluate(
        self, parameters: RouteParameters, *, dataset: NuclearDataset, detail: bool = False
    ) -> RouteReport:
        """Run the route with typed ``parameters`` and report.

        Parameters
        ----------
        parameters : RouteParameters
            Of :attr:`parameter_type`.
        dataset : NuclearDataset
        detail : bool
            Activity series dense enough to plot (about 500 points over the history).
        """
        arguments = parameters.arguments()
        span = self.history_span(parameters)
        if span > 0:
            arguments["samples_per_day"] = series_per_day(span, detail)
        return self.report(self.run(**arguments, dataset=dataset))

    def draw(
        self,
        parameters: RouteParameters,
        samples: int,
        rng: np.random.Generator,
        *,
        dataset: NuclearDataset,
    ) -> dict[str, FloatArray]:
        """:meth:`sample` with typed ``parameters``: shape (samples,) per headline value."""
        return self.sample(samples, rng, **parameters.arguments(), dataset=dataset)

    def evaluate_sampled(
        self,
        parameters: RouteParameters,
        samples: int,
        seed: int,
        *,
        dataset: NuclearDataset,
    ) -> RouteReport:
        """The report with ``samples`` in its table (routes with :attr:`samples_in_table`)."""
        raise InputError(f"route {self.name!r} does not put samples in its table")
