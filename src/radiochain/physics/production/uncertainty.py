"""Uncertainty propagation, vectorized over samples.

The production solver's matrices are small (tens of nuclides); an ensemble of S samples is
a stack of S matrices. :class:`BatchSystem` builds the stack ``A_s = A_0 + sum_c (f_cs - 1)
M_c`` (one matrix ``M_c`` per uncertain channel, scaled by the sample's factor ``f_cs``),
eliminates the short-lived nuclides by a batched Schur complement and exponentiates the
augmented matrices with one call of :func:`scipy.linalg.expm` on a (S, m, m) array (scaling and
squaring on the whole stack). A propagator is cached per kind of step, so a year of weekly
steps costs one ``expm`` per distinct step, not per week or per sample; no Python loop runs over
samples.

Input distributions: cross sections, resonance integrals and isomeric branches are lognormal
with median the tabulated value and the relative standard uncertainty of the table (positive by
construction); yields are normal, truncated to [0, 1]. Results are summarised by the median and
the 5th-95th percentiles (a 90 % interval).

References
----------
N. J. Higham, "The scaling and squaring method for the matrix exponential revisited", SIAM J.
Matrix Anal. Appl. 26 (2005) 1179, doi:10.1137/04061101X.
JCGM 101:2008, "Evaluation of measurement data - Supplement 1 to the GUM - Propagation of
distributions using a Monte Carlo method".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from radiochain.errors import InputError, elide
from radiochain.physics.datasets import NuclearDataset, get_dataset
from radiochain.physics.names import canonical_name, parse_nuclide_name
from radiochain.physics.production.activation import (
    CaptureReaction,
    NeutronField,
    capture_reactions,
)
from radiochain.physics.production.base import FloatArray
from radiochain.physics.production.solver import (
    DEFAULT_COLLAPSE_BELOW_S,
    Channel,
    Separation,
    Step,
    _System,
    nuclide_set,
)

__all__ = [
    "MAX_SAMPLES",
    "MAX_SAMPLE_WORK",
    "BatchSystem",
    "Interval",
    "SampleHistory",
    "capture_scales",
    "check_samples",
    "expm_stack",
    "lognormal_factors",
    "solve_history_samples",
    "summarize",
    "truncated_fractions",
]

MAX_SAMPLES = 1_000_000
"""Most uncertainty samples of one calculation (``--samples``)."""
MAX_SAMPLE_WORK = 10_000_000
"""Most sample-events of one calculation: samples times the events (steps, separations) each
sample goes through, e.g. 1,000,000 samples of one irradiation or 5,000 of 1,000 milkings."""


@dataclass(frozen=True)
class Interval:
    """Median and 90 % interval of a sampled quantity (same unit as the quantity).

    Attributes
    ----------
    median, low, high : float
        50th, 5th and 95th percentiles.
    """

    median: float
    low: float
    high: float

    def as_dict(self, key: str) -> dict[str, float]:
        """``{key_median: …, key_p05: …, key_p95: …}``."""
        return {f"{key}_median": self.median, f"{key}_p05": self.low, f"{key}_p95": self.high}


def summarize(values: FloatArray) -> Interval:
    """Median and 5th/95th percentiles of samples along axis 0 (NaNs ignored)."""
    array = np.asarray(values, dtype=float)
    if not np.any(np.isfinite(array)):
        return Interval(math.nan, math.nan, math.nan)
    low, median, high = np.nanpercentile(array[np.isfinite(array)], [5.0, 50.0, 95.0])
    return Interval(float(median), float(low), float(high))


def check_samples(samples: int) -> int:
    """``samples`` as an int in [1, 1,000,000]; :class:`InputError` otherwise."""
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise InputError(
            f"--samples: {elide(samples)!r} is not valid (give a whole number from 1 to "
            f"{MAX_SAMPLES:,}, e.g. 1000)"
        )
    if samples > MAX_SAMPLES:
        raise InputError(
            f"--samples: {samples:,} is too many (give a whole number from 1 to {MAX_SAMPLES:,})"
        )
    return samples


def lognormal_factors(
    relative_uncertainty: float, samples: int, rng: np.random.Generator
) -> FloatArray:
    """Multiplicative factors with median 1 and relative standard deviation ``r`` [1].

    ``exp(s z)`` with ``s = sqrt(ln(1 + r^2))`` and ``z`` standard normal, so that the factor
    is positive and its relative standard deviation is ``r``. ``r = 0`` or NaN gives ones.
    """
    r = float(relative_uncertainty)
    if not math.isfinite(r) or r <= 0:
        return np.ones(samples)
    s = math.sqrt(math.log1p(r * r))
    return np.exp(s * rng.standard_normal(samples))


def truncated_fractions(
    value: float, uncertainty: float, samples: int, rng: np.random.Generator
) -> FloatArray:
    """Samples of a fraction (a yield) [1]: normal(value, uncertainty) clipped to [0, 1]."""
    if not math.isfinite(uncertainty) or uncertainty <= 0:
        return np.full(samples, float(value))
    return np.clip(value + uncertainty * rng.standard_normal(samples), 0.0, 1.0)


def capture_scales(
    channels: Iterable[Channel],
    field: NeutronField,
    samples: int,
    rng: np.random.Generator,
    *,
    reactions: Sequence[CaptureReaction] | None = None,
) -> dict[str, FloatArray]:
    """Per-channel rate factors (median 1) from the cross-section uncertainties, by label.

    For every target, one factor for ``sigma0`` and one for the resonance integral are drawn
    (shared by its channels, so an isomeric pair stays correlated); an uncertain isomeric
    branch is drawn per channel and the target's largest branch takes the complement, so the
    branches still sum to 1.

    Parameters
    ----------
    channels : iterable of Channel
        Capture channels of a step (labels ``"T(n,g)P"`` as made by ``capture_channels``).
    field : NeutronField
        The flux the rates were computed with (the thermal/epithermal mix weighs the factors).
    samples : int
    rng : numpy.random.Generator
    reactions : sequence of CaptureReaction, optional
        Default: the bundled table.

    Returns
    -------
    dict of str to ndarray, shape (samples,)
        Factor to apply to each channel's nominal rate.
    """
    table = {r.label: r for r in (capture_reactions() if reactions is None else reactions)}
    by_target: dict[str, list[CaptureReaction]] = {}
    for channel in channels:
        reaction = table.get(channel.label)
        if reaction is not None and reaction not in by_target.get(reaction.target, []):
            by_target.setdefault(reaction.target, []).append(reaction)
    scales: dict[str, FloatArray] = {}
    for group in by_target.values():
        first = group[0]
        f_sigma = lognormal_factors(first.sigma0_uncertainty / first.sigma0, samples, rng)
        ri = first.resonance_integral
        f_ri = (
            lognormal_factors(first.resonance_integral_uncertainty / ri, samples, rng)
            if ri > 0
            else np.ones(samples)
        )
        thermal = field.thermal_flux * first.westcott_g * first.sigma0
        epi = field.epithermal_flux * ri
        total = thermal + epi
        cross = (thermal * f_sigma + epi * f_ri) / total if total > 0 else np.ones(samples)
        main = max(group, key=lambda r: r.branch)
        branches: dict[str, FloatArray] = {}
        for reaction in group:
            if reaction is main:
                continue
            rel = reaction.branch_uncertainty / reaction.branch if reaction.branch > 0 else 0.0
            branches[reaction.label] = reaction.branch * lognormal_factors(rel, samples, rng)
        others = sum(branches.values(), np.zeros(samples))
        branches[main.label] = np.clip(group_total(group) - others, 0.0, None)
        for reaction in group:
            nominal = reaction.branch
            scales[reaction.label] = (
                cross * branches[reaction.label] / nominal if nominal > 0 else np.ones(samples)
            )
    return scales


def group_total(group: Sequence[CaptureReaction]) -> float:
    """Sum of the tabulated branches of one target's channels (1 when the table is complete)."""
    return float(sum(r.branch for r in group))


@dataclass(frozen=True)
class SampleHistory:
    """Atoms of every nuclide at the events of a history, for S samples.

    Attributes
    ----------
    nuclides : tuple of str
    times : ndarray [s], shape (E,)
        Time 0, then the end of every step and (twice, before/after) every separation.
    atoms : ndarray [1], shape (S, E, n)
    withdrawals : tuple of (float, str, ndarray)
        Time [s], label and atoms moved out, shape (S, n), of every separation.
    decay_constant : ndarray [1/s], shape (n,)
    dataset : str
    """

    nuclides: tuple[str, ...]
    times: FloatArray
    atoms: FloatArray
    withdrawals: tuple[tuple[float, str, FloatArray], ...]
    decay_constant: FloatArray
    dataset: str

    def column(self, nuclide: str) -> int:
        """Column of ``nuclide`` (any spelling)."""
        return self.nuclides.index(canonical_name(nuclide))

    def activity_of(self, nuclide: str) -> FloatArray:
        """Activity [Bq], shape (S, E)."""
        j = self.column(nuclide)
        result: FloatArray = self.atoms[:, :, j] * self.decay_constant[j]
        return result


_PADE13 = (
    64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
    129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
    40840800.0, 960960.0, 16380.0, 182.0, 1.0,
)  # fmt: skip
_THETA13 = 5.371920351148152


def expm_stack(a: FloatArray) -> FloatArray:
    """Matrix exponential of a stack of matrices, shape (S, m, m), in NumPy batch operations.

    Degree-13 Padé approximant with scaling and squaring (Higham 2005, the algorithm behind
    :func:`scipy.linalg.expm`), one scaling for the whole stack (that of the largest 1-norm),
    so every operation is a batched ``matmul`` or ``solve`` over the samples. Agrees with
    ``scipy.linalg.expm`` to ~1e-13 relative on the production matrices (tested).
    """
    a = np.asarray(a, dtype=float)
    m = a.shape[-1]
    norm = float(np.max(np.abs(a).sum(axis=-2))) if a.size else 0.0
    squarings = max(0, math.ceil(math.log2(norm / _THETA13))) if norm > _THETA13 else 0
    a = a / (2.0**squarings)
    b = _PADE13
    eye = np.broadcast_to(np.eye(m), a.shape)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2)
             + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)  # fmt: skip
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2
    v = v + b[0] * eye
    result: FloatArray = np.asarray(np.linalg.solve(v - u, v + u), dtype=float)
    for _ in range(squarings):
        result = result @ result
    return result


class BatchSystem:
    """The solver's linear system over a fixed nuclide set, for S samples at once.

    Parameters
    ----------
    nuclides : sequence of str
        The nuclide set (closed under decay; see :func:`solver.nuclide_set`).
    samples : int
        Number of samples S.
    scales : mapping of str to ndarray, shape (S,), optional
        Factor per channel label (rates) or ``"feed:<nuclide>"`` (feeds); missing keys are 1.
    dataset : str or NuclearDataset
    collapse_below : float [s]
        As in :func:`solver.solve_history`.
    always_keep : iterable of str
        Nuclides integrated even if short-lived (those present at t = 0).
    """

    def __init__(
        self,
        nuclides: Sequence[str],
        samples: int,
        *,
        scales: Mapping[str, FloatArray] | None = None,
        dataset: str | NuclearDataset = "radiochain",
        collapse_below: float = DEFAULT_COLLAPSE_BELOW_S,
        always_keep: Iterable[str] = (),
    ) -> None:
        data = get_dataset(dataset)
        self.data = data
        self.samples = check_samples(samples)
        self.names = tuple(canonical_name(n) for n in nuclides)
        idx = np.array([data.index[n] for n in self.names])
        lam = np.asarray(data.decay_constant[idx], dtype=float)
        half_life = np.asarray(data.half_life_s[idx], dtype=float)
        local = {int(g): i for i, g in enumerate(idx)}
        children = [[(local[k], f) for k, f in data.children[int(g)]] for g in idx]
        keep = ~(half_life < collapse_below)
        for name in always_keep:
            keep[self.names.index(canonical_name(name))] = True
        self.keep = keep
        self.lam = lam
        self.system = _System(self.names, lam, children, keep)
        self.scales = {} if scales is None else dict(scales)
        for key, value in self.scales.items():
            if np.shape(value) != (samples,):
                raise InputError(f"scale {key!r} has shape {np.shape(value)}, need ({samples},)")
        self._cache: dict[object, tuple[FloatArray, FloatArray, FloatArray]] = {}
        self.expm_calls = 0

    def _key(self, step: Step) -> object:
        channels = tuple((c.source, c.product, c.rate, c.consumes, c.label) for c in step.channels)
        return step.duration, channels, tuple(sorted(step.feed.items()))

    def operator(self, step: Step) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Propagator of a step for every sample, and the map that rebuilds collapsed nuclides.

        A step whose capture rates are not sampled has one matrix for every sample: its
        propagator is computed once, and a sampled feed enters through the feed column, which
        is linear in the feed (one response per sampled feed, combined per sample).

        Returns
        -------
        (P, R, r) : ndarray
            ``P`` (S, k+1, k+1): augmented propagator over the kept nuclides; ``R`` (S, c, k)
            and ``r`` (S, c): collapsed atoms ``N_c = R N_k + r`` at the end of the step.
            Arrays may be read-only broadcast views shared by the samples.
        """
        key = self._key(step)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        a0, s0 = self.system.matrix(step)
        if any(channel.label in self.scales for channel in step.channels):
            result = self._sampled(step, a0, s0)
        else:
            result = self._shared(step, a0, s0)
        self.expm_calls += 1
        self._cache[key] = result
        return result

    def _shared(
        self, step: Step, a0: FloatArray, s0: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """One matrix for all samples; sampled feeds combined linearly."""
        index = self.system.index
        propagator, rebuild, rebuild_s = _augmented(a0[None], s0[None], self.keep, step.duration)
        count = self.samples
        m = propagator.shape[1] - 1
        shared = np.broadcast_to(propagator, (count, m + 1, m + 1))
        collapsed = np.broadcast_to(rebuild_s, (count, rebuild_s.shape[1]))
        sampled = [
            (self.scales[f"feed:{canonical_name(name)}"], index[canonical_name(name)], rate)
            for name, rate in step.feed.items()
            if f"feed:{canonical_name(name)}" in self.scales
        ]
        if sampled:
            shared, collapsed = shared.copy(), collapsed.copy()
        for factor, j, rate in sampled:  # the feed column is linear in the feed
            unit = np.zeros_like(s0)
            unit[j] = rate
            response, _, response_s = _augmented(a0[None], unit[None], self.keep, step.duration)
            shared[:, :m, m] += (factor - 1.0)[:, None] * response[:, :m, m]
            collapsed += (factor - 1.0)[:, None] * response_s
        return shared, np.broadcast_to(rebuild, (count, *rebuild.shape[1:])), collapsed

    def _sampled(
        self, step: Step, a0: FloatArray, s0: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """A matrix per sample (sampled capture rates)."""
        s_count = self.samples
        n = len(self.names)
        a = np.broadcast_to(a0, (s_count, n, n)).copy()
        s = np.broadcast_to(s0, (s_count, n)).copy()
        index = self.system.index
        for channel in step.channels:
            factor = self.scales.get(channel.label)
            if factor is None:
                continue
            delta = (factor - 1.0) * channel.rate
            j = index[canonical_name(channel.source)]
            if channel.consumes:
                a[:, j, j] -= delta
            if channel.product is not None:
                a[:, index[canonical_name(channel.product)], j] += delta
        for name, rate in step.feed.items():
            factor = self.scales.get(f"feed:{canonical_name(name)}")
            if factor is not None:
                s[:, index[canonical_name(name)]] += (factor - 1.0) * rate
        return _augmented(a, s, self.keep, step.duration)

    def advance(self, state: FloatArray, step: Step) -> FloatArray:
        """Atoms after ``step`` from atoms ``state`` (S, n) at its start; returns (S, n)."""
        propagator, rebuild, rebuild_s = self.operator(step)
        m = propagator.shape[1] - 1
        kept = np.einsum("sij,sj->si", propagator[:, :m, :m], state[:, self.keep])
        kept = np.maximum(kept + propagator[:, :m, m], 0.0)
        out = np.zeros_like(state)
        out[:, self.keep] = kept
        if rebuild.shape[1]:
            collapsed = np.einsum("sij,sj->si", rebuild, kept) + rebuild_s
            out[:, ~self.keep] = np.maximum(collapsed, 0.0)
        return out


def _augmented(
    a: FloatArray, s: FloatArray, keep: npt.NDArray[np.bool_], duration: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Propagators of ``dN/dt = A N + s`` over ``duration`` for a stack of systems.

    Short-lived nuclides (``~keep``) are eliminated by the quasi-steady-state Schur complement
    (see :mod:`solver`); the kept part is exponentiated as the augmented matrix
    ``[[A, s], [0, 0]]`` (the feed normalised out of the norm, as in :mod:`solver`).

    Returns
    -------
    (P, R, r) : ndarray
        As :meth:`BatchSystem.operator`, for the stack's length.
    """
    s_count, n = s.shape
    k, c = keep, ~keep
    if c.any():
        a_cc = a[:, c][:, :, c]
        a_ck = a[:, c][:, :, k]
        a_kc = a[:, k][:, :, c]
        rebuild = -np.linalg.solve(a_cc, a_ck)
        rebuild_s = -np.linalg.solve(a_cc, s[:, c][:, :, None])[:, :, 0]
        a_kk = a[:, k][:, :, k] + a_kc @ rebuild
        s_k = s[:, k] + (a_kc @ rebuild_s[:, :, None])[:, :, 0]
    else:
        a_kk, s_k = a, s
        rebuild = np.zeros((s_count, 0, n))
        rebuild_s = np.zeros((s_count, 0))
    m = a_kk.shape[1]
    aug = np.zeros((s_count, m + 1, m + 1))
    aug[:, :m, :m] = a_kk * duration
    feed = s_k * duration
    size = np.max(np.abs(feed), axis=1) if m else np.zeros(s_count)
    size = np.where(size > 0, size, 1.0)  # feed normalised out of expm's norm (solver.py)
    aug[:, :m, m] = feed / size[:, None]
    propagator = expm_stack(aug)
    propagator[:, :m, m] *= size[:, None]
    return propagator, np.asarray(rebuild, dtype=float), np.asarray(rebuild_s, dtype=float)


def _fractions_of(
    event: Separation, names: Sequence[str], samples: int, position: int
) -> FloatArray:
    out = np.zeros((samples, len(names)))
    for i, name in enumerate(names):
        symbol = parse_nuclide_name(name).symbol
        value = event.fractions.get(name, event.fractions.get(symbol, 0.0))
        array = np.broadcast_to(np.asarray(value, dtype=float), (samples,))
        if np.any((array < 0) | (array > 1)):
            raise InputError(
                f"history item {position} ({event.label}): fraction of {name} moved is outside "
                "[0, 1] (give a fraction in [0, 1])"
            )
        out[:, i] = array
    return out


def solve_history_samples(
    history: Sequence[Step | Separation],
    initial_atoms: Mapping[str, float | FloatArray],
    samples: int,
    *,
    scales: Mapping[str, FloatArray] | None = None,
    dataset: str | NuclearDataset = "radiochain",
    extra_nuclides: Iterable[str] = (),
    collapse_below: float = DEFAULT_COLLAPSE_BELOW_S,
    system: BatchSystem | None = None,
) -> SampleHistory:
    """:func:`solver.solve_history` for S samples at once, at step ends and separations.

    Parameters
    ----------
    history : sequence of Step or Separation
        Separation fractions may be floats or arrays of shape (S,) (uncertain yields).
    initial_atoms : mapping of str to float or ndarray (S,) [1]
    samples : int
        Number of samples S.
    scales : mapping of str to ndarray (S,), optional
        Rate factors by channel label, feed factors by ``"feed:<nuclide>"``.
    dataset, extra_nuclides, collapse_below
        As in :func:`solver.solve_history`.
    system : BatchSystem, optional
        Reuse a system (and its cache of propagators) across histories on the same nuclides.

    Returns
    -------
    SampleHistory
    """
    check_samples(samples)
    if system is None:
        data = get_dataset(dataset)
        seeds = [*initial_atoms, *extra_nuclides]
        steps = [item for item in history if isinstance(item, Step)]
        for step in steps:
            seeds.extend(step.feed)
        names = nuclide_set(data, seeds, (c for st in steps for c in st.channels))
        system = BatchSystem(
            names,
            samples,
            scales=scales,
            dataset=data,
            collapse_below=collapse_below,
            always_keep=initial_atoms,
        )
    elif system.samples != samples:
        raise InputError(f"system has {system.samples} samples, history asks for {samples}")
    names = system.names
    state = np.zeros((samples, len(names)))
    for name, amount in initial_atoms.items():
        values = np.broadcast_to(np.asarray(amount, dtype=float), (samples,))
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise InputError(f"initial atoms of {name}: give finite values >= 0")
        state[:, names.index(canonical_name(name))] += values
    times = [0.0]
    rows = [state]
    withdrawals: list[tuple[float, str, FloatArray]] = []
    clock = 0.0
    fractions: dict[tuple[int, str], FloatArray] = {}
    for position, item in enumerate(history):
        if isinstance(item, Separation):
            key = (id(item.fractions), item.label)
            if key not in fractions:  # one table per separation recipe (every milking the same)
                fractions[key] = _fractions_of(item, names, samples, position)
            moved = state * fractions[key]
            state = state - moved
            withdrawals.append((clock, item.label, moved))
        elif isinstance(item, Step):
            if not (math.isfinite(item.duration) and item.duration >= 0):
                raise InputError(f"history item {position}: duration must be finite and >= 0")
            state = system.advance(state, item)
            clock += item.duration
        else:
            raise InputError(
                f"history item {position} is {type(item).__name__} (use Step or Separation)"
            )
        times.append(clock)
        rows.append(state)
    return SampleHistory(
        nuclides=names,
        times=np.asarray(times),
        atoms=np.stack(rows, axis=1),
        withdrawals=tuple(withdrawals),
        decay_constant=system.lam,
        dataset=system.data.label,
    )
