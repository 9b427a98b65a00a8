"""Processing to a product batch: separation, radiolabeling, QC hold, calibration.

From the inventory at end of bombardment (or at a separation or elution), a product batch is
made by a sequence of :class:`ProcessStep` (each takes a time and keeps a fraction of every
element: the yield for the product's element, a decontamination factor's inverse for the
others), then held for quality control, then stated at a calibration time. Decay between and
during steps is the decay engine's (:func:`radiochain.physics.inventory.decay_batch`); the
yield of a step applies at its end.

Result: :class:`ProductBatch` with the activity at calibration, its impurity fractions (share
of the batch's total activity) and ratios, the specific activity and the timeline — the typed
object the network and the planner consume. With ``samples`` and ``rng``, uncertain yields are
propagated (one vectorized decay call per step for all samples).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from radiochain.errors import InputError
from radiochain.physics.datasets import NuclearDataset, get_dataset
from radiochain.physics.inventory import decay_batch
from radiochain.physics.names import canonical_name, parse_nuclide_name
from radiochain.physics.production.base import FloatArray, Quantity, check_fraction
from radiochain.physics.production.uncertainty import (
    Interval,
    check_samples,
    summarize,
    truncated_fractions,
)
from radiochain.units import AVOGADRO, to_seconds

__all__ = ["ProcessStep", "ProductBatch", "process_batch"]


@dataclass(frozen=True)
class ProcessStep:
    """One processing step.

    Attributes
    ----------
    name : str
        ``"Lu/Yb separation"``, ``"radiolabeling"`` ...
    duration : str or float [s]
    yield_ : float [1]
        Fraction of the product's element carried into the next step.
    yield_uncertainty : float [1]
        Standard uncertainty of ``yield_`` (0: exact).
    carryover : mapping of str to float [1]
        Fraction of another element (or nuclide) carried along; elements not named are carried
        entirely (1) — name them with 0 to remove them (e.g. ``{"Yb": 1e-4}``).
    """

    name: str
    duration: Quantity
    yield_: float = 1.0
    yield_uncertainty: float = 0.0
    carryover: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ProductBatch:
    """A product batch at its calibration time.

    Attributes
    ----------
    product : str
    calibration_time : float [s]
        Since the reference (end of bombardment): processing + QC hold + calibration delay.
    calibration_activity : float [Bq]
        Product activity at calibration.
    specific_activity : float [Bq/g]
        Per gram of the product's element at calibration.
    impurity_fraction : dict of str to float [1]
        Share of the batch's total activity at calibration, per impurity.
    impurity_ratio : dict of str to float [1]
        Impurity activity over the product's, at calibration.
    overall_yield : float [1]
        Product of the steps' yields.
    timeline : tuple of (str, float, float)
        (event, time since reference [s], product activity [Bq] after it).
    atoms : dict of str to float
        Atoms of every nuclide in the batch at calibration.
    interval : Interval, optional
        Median and 90 % interval of ``calibration_activity`` [Bq] with ``samples``.
    dataset : str
    """

    product: str
    calibration_time: float
    calibration_activity: float
    specific_activity: float
    impurity_fraction: dict[str, float]
    impurity_ratio: dict[str, float]
    overall_yield: float
    timeline: tuple[tuple[str, float, float], ...]
    atoms: dict[str, float]
    interval: Interval | None
    dataset: str


def _decay(
    names: tuple[str, ...], atoms: FloatArray, elapsed: float, data: NuclearDataset
) -> tuple[tuple[str, ...], FloatArray]:
    if elapsed <= 0:
        return names, atoms
    present = [j for j in range(len(names)) if np.any(atoms[:, j] > 0)]
    if not present:
        return names, atoms
    batch = decay_batch(
        [names[j] for j in present],
        atoms[:, present],
        [elapsed],
        unit="atoms",
        quantity="atoms",
        dataset=data,
    )
    return batch.nuclides, batch.values[:, :, 0]


@dataclass
class _Batch:
    """The batch while it is processed: ``state`` holds atoms per sample (row 0 nominal)."""

    names: tuple[str, ...]
    state: FloatArray
    product: str
    element: str
    data: NuclearDataset
    clock: float = 0.0
    overall: FloatArray = field(default_factory=lambda: np.ones(1))
    timeline: list[tuple[str, float, float]] = field(default_factory=list)

    def product_activity(self) -> FloatArray:
        """Product activity [Bq] of every sample, shape (samples,)."""
        if self.product not in self.names:
            return np.zeros(self.state.shape[0])
        j = self.names.index(self.product)
        result: FloatArray = self.state[:, j] * float(
            self.data.decay_constant[self.data.index[self.product]]
        )
        return result

    def decay(self, seconds: float, label: str | None = None) -> None:
        """Decay every sample by ``seconds``; with ``label``, note it on the timeline."""
        self.names, self.state = _decay(self.names, self.state, seconds, self.data)
        self.clock += seconds
        if label is not None:
            self.timeline.append((label, self.clock, float(self.product_activity()[0])))


def _start_batch(
    atoms: Mapping[str, float], product: str, count: int, data: NuclearDataset
) -> _Batch:
    """The inventory as a batch of ``count`` identical samples (checked: finite, >= 0)."""
    for name, value in atoms.items():
        if not (math.isfinite(value) and value >= 0):
            raise InputError(f"batch atoms of {name}: {value!r} (give a finite value >= 0)")
    names = tuple(canonical_name(n) for n in atoms)
    state = np.tile(np.array([atoms[n] for n in atoms], dtype=float), (count, 1))
    element = parse_nuclide_name(product).symbol
    return _Batch(names, state, product, element, data, overall=np.ones(count))


def _step_yields(
    step: ProcessStep, k: int, count: int, samples: int, rng: np.random.Generator | None
) -> FloatArray:
    """The step's yield per sample (row 0 nominal, the others drawn), after checking it."""
    check_fraction(step.yield_, f"yield of step {k} ({step.name})")
    for key, value in step.carryover.items():
        check_fraction(value, f"carryover of {key} in step {k} ({step.name})")
    yields = np.full(count, step.yield_)
    if samples and rng is not None:
        yields[1:] = truncated_fractions(step.yield_, step.yield_uncertainty, samples, rng)
    return yields


def _apply_step(
    batch: _Batch,
    step: ProcessStep,
    k: int,
    samples: int,
    rng: np.random.Generator | None,
) -> None:
    """Decay over the step, then keep its yield of the product's element and its carry-over of
    the others (elements not named are carried entirely)."""
    duration = to_seconds(step.duration, what=f"duration of step {k} ({step.name})")
    yields = _step_yields(step, k, batch.state.shape[0], samples, rng)
    batch.decay(duration)
    batch.overall = batch.overall * yields
    keep = np.ones((batch.state.shape[0], len(batch.names)))
    for j, name in enumerate(batch.names):
        symbol = parse_nuclide_name(name).symbol
        if name in step.carryover or symbol in step.carryover:
            keep[:, j] = step.carryover.get(name, step.carryover.get(symbol, 1.0))
        elif symbol == batch.element:
            keep[:, j] = yields
    batch.state = batch.state * keep
    batch.timeline.append((step.name, batch.clock, float(batch.product_activity()[0])))


def _finished(batch: _Batch, samples: int) -> ProductBatch:
    """The batch at calibration: activity, specific activity, impurities, interval."""
    data, product = batch.data, batch.product
    activity = batch.product_activity()
    if activity[0] <= 0:
        raise InputError(f"the batch holds no {product} (is it the product of this inventory?)")
    names = batch.names
    lam = np.array([float(data.decay_constant[data.index[n]]) for n in names])
    nominal = batch.state[0]
    acts = nominal * lam
    total = float(acts.sum())
    mass = sum(
        nominal[j] * float(data.atomic_mass_u[data.index[n]]) / AVOGADRO
        for j, n in enumerate(names)
        if parse_nuclide_name(n).symbol == batch.element
    )
    impurities = {n: float(acts[j]) for j, n in enumerate(names) if n != product and acts[j] > 0}
    return ProductBatch(
        product=product,
        calibration_time=batch.clock,
        calibration_activity=float(activity[0]),
        specific_activity=float(activity[0] / mass) if mass > 0 else math.nan,
        impurity_fraction={n: a / total for n, a in impurities.items()},
        impurity_ratio={n: a / float(activity[0]) for n, a in impurities.items()},
        overall_yield=float(batch.overall[0]),
        timeline=tuple(batch.timeline),
        atoms={n: float(nominal[j]) for j, n in enumerate(names) if nominal[j] > 0},
        interval=summarize(activity[1:]) if samples else None,
        dataset=data.label,
    )


def process_batch(
    atoms: Mapping[str, float],
    product: str,
    steps: Sequence[ProcessStep],
    *,
    qc_hold: Quantity = 0.0,
    calibration_delay: Quantity = 0.0,
    samples: int = 0,
    rng: np.random.Generator | None = None,
    dataset: str | NuclearDataset = "radiochain",
) -> ProductBatch:
    """Make a product batch from an inventory.

    Parameters
    ----------
    atoms : mapping of str to float [1]
        Inventory at the reference time (e.g. a route's EOB atoms or a separated fraction).
    product : str
        Product nuclide (``"Lu-177"``).
    steps : sequence of ProcessStep
        In order; each decays the batch over its duration, then applies its yields.
    qc_hold : str or float [s]
        Quality-control hold after the last step (release time = end of QC).
    calibration_delay : str or float [s]
        From release to the calibration time at which the activity is stated (may be 0).
    samples : int
        0: nominal; N > 0: also the median and 90 % interval of the calibration activity from
        N samples of the yields (``rng`` required).
    rng : numpy.random.Generator, optional
    dataset : str or NuclearDataset

    Returns
    -------
    ProductBatch

    Raises
    ------
    InputError
        Negative atoms or durations, yields outside [0, 1], a product absent from the batch.
    """
    data = get_dataset(dataset)
    if samples and rng is None:
        raise InputError("process_batch: give rng (numpy.random.Generator) with samples")
    count = check_samples(samples) + 1 if samples else 1
    batch = _start_batch(atoms, canonical_name(product), count, data)
    for k, step in enumerate(steps):
        _apply_step(batch, step, k, samples, rng)
    batch.decay(to_seconds(qc_hold, what="QC hold"), "QC hold")
    batch.decay(to_seconds(calibration_delay, what="calibration"), "calibration")
    return _finished(batch, samples)
