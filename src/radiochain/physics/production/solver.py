"""Inventory under piecewise-constant production and loss, solved exactly step by step.

One mechanism serves every production route: a vector ``N`` of atoms over a small set of
nuclides evolves as

.. math::

    \\frac{dN}{dt} = A N + s,

where ``A`` holds radioactive decay (decay constants and branching fractions from the nuclear
dataset — the decay engine stays the one source of decay data), first-order transfers between
nuclides (neutron capture at a rate ``sigma_eff * phi`` per target atom, moving the target to
a product, or out of the set) and first-order removal, and ``s`` is a constant external feed
[atoms/s]. ``A`` and ``s`` are constant within a :class:`Step`; a history is a sequence of steps
(irradiation, shutdown, cooling) and :class:`Separation` events between them (chemistry that
moves fractions of elements into a product stream).

Each step is solved exactly with the matrix exponential of the augmented matrix
``[[A, s], [0, 0]]`` (Van Loan's construction), computed by :func:`scipy.linalg.expm` on a matrix
of a few tens of rows. Nuclides with half-lives below ``collapse_below`` (1 s by default) are
not integrated: they are eliminated by the quasi-steady-state Schur complement, which routes
their inflow straight to their daughters, and their atoms are reconstructed from that
equilibrium at every output time. This keeps the matrix norm (and the number of squarings in
``expm``) bounded by the longer-lived nuclides; the error is of order
``half_life_short / time_scale_long``.

References
----------
C. Moler and C. Van Loan, "Nineteen dubious ways to compute the exponential of a matrix,
twenty-five years later", SIAM Review 45 (2003) 3, doi:10.1137/S00361445024180.
C. F. Van Loan, "Computing integrals involving the matrix exponential", IEEE Trans. Autom.
Control 23 (1978) 395, doi:10.1109/TAC.1978.1101743.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from radiochain.errors import InputError
from radiochain.physics.datasets import NuclearDataset, get_dataset
from radiochain.physics.names import canonical_name, parse_nuclide_name

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "Channel",
    "ProductionResult",
    "Separation",
    "Step",
    "Withdrawal",
    "nuclide_set",
    "solve_history",
]

DEFAULT_COLLAPSE_BELOW_S = 1.0
"""Half-life [s] under which a nuclide is treated in quasi-steady state (see module doc)."""


@dataclass(frozen=True)
class Channel:
    """A first-order transfer: ``rate`` [1/s] per atom of ``source``.

    Attributes
    ----------
    source : str
        Nuclide consumed (canonical name).
    product : str or None
        Nuclide produced; None when the atom leaves the modelled set (removal, or a product
        that is not followed).
    rate : float [1/s]
        Probability per second per source atom, e.g. ``sigma_eff * phi``.
    consumes : bool
        False to produce without depleting the source (the textbook "no burn-up" limit).
    label : str
        Free text shown in results, e.g. ``"Lu-176(n,g)Lu-177"``.
    """

    source: str
    product: str | None
    rate: float
    consumes: bool = True
    label: str = ""


@dataclass(frozen=True)
class Step:
    """An interval of constant conditions.

    Attributes
    ----------
    duration : float [s]
        Length of the interval (>= 0).
    channels : tuple of Channel
        Transfers active during the step (empty for cooling or shutdown).
    feed : mapping of str to float [atoms/s]
        Constant external source of each nuclide.
    samples : int
        Number of equal sub-intervals reported inside the step (>= 1).
    label : str
        Name in results (``"irradiation"``, ``"cooling"`` ...).
    """

    duration: float
    channels: tuple[Channel, ...] = ()
    feed: Mapping[str, float] = field(default_factory=dict)
    samples: int = 1
    label: str = ""


@dataclass(frozen=True)
class Separation:
    """Chemistry between steps: move fractions of elements (or nuclides) into a product stream.

    Attributes
    ----------
    fractions : mapping of str to float [1]
        Key is an element symbol (``"Lu"``, every isotope and isomer) or a nuclide
        (``"Lu-177"``, overrides its element); value is the fraction of those atoms moved into
        the product stream, in [0, 1].
    label : str
        Name of the product stream (``"Lu fraction"``).
    """

    fractions: Mapping[str, float]
    label: str = "separation"


@dataclass(frozen=True)
class Withdrawal:
    """What a :class:`Separation` took out of the inventory.

    Attributes
    ----------
    time : float [s]
        Time of the event since the start of the history.
    label : str
        Name of the product stream.
    atoms : ndarray [1]
        Atoms moved out, per nuclide of :attr:`ProductionResult.nuclides`.
    """

    time: float
    label: str
    atoms: FloatArray


@dataclass(frozen=True)
class ProductionResult:
    """Atoms and activities of every nuclide over an irradiation history.

    At a :class:`Separation` the time grid holds two rows with the same time: the inventory
    just before and just after the event.

    Attributes
    ----------
    nuclides : tuple of str
        Canonical names, the column order of ``atoms`` and ``activities``.
    times : ndarray [s]
        Output times since the start of the history, non-decreasing, shape (T,).
    atoms : ndarray [1]
        Shape (T, n).
    activities : ndarray [Bq]
        ``decay_constant * atoms``, shape (T, n).
    step_end_index : tuple of int
        Row of the end of every step, in history order.
    withdrawals : tuple of Withdrawal
        Product streams taken out by separation events.
    dataset : str
        Label of the nuclear dataset (``"radiochain 2026.1"``).
    decay_constant : ndarray [1/s]
        Decay constant of each nuclide.
    atomic_mass_u : ndarray [u]
        Atomic mass of each nuclide.
    """

    nuclides: tuple[str, ...]
    times: FloatArray
    atoms: FloatArray
    activities: FloatArray
    step_end_index: tuple[int, ...]
    withdrawals: tuple[Withdrawal, ...]
    dataset: str
    decay_constant: FloatArray
    atomic_mass_u: FloatArray

    def column(self, nuclide: str) -> int:
        """Column of ``nuclide`` (any spelling)."""
        name = canonical_name(nuclide)
        try:
            return self.nuclides.index(name)
        except ValueError:
            raise InputError(
                f"{nuclide!r} is not in this result (it has: {', '.join(self.nuclides)})"
            ) from None

    def atoms_of(self, nuclide: str) -> FloatArray:
        """Atoms of one nuclide at every output time [1]."""
        return self.atoms[:, self.column(nuclide)]

    def activity_of(self, nuclide: str) -> FloatArray:
        """Activity of one nuclide at every output time [Bq]."""
        return self.activities[:, self.column(nuclide)]

    @property
    def final_atoms(self) -> dict[str, float]:
        """Atoms of each nuclide at the end of the history [1]."""
        return dict(zip(self.nuclides, self.atoms[-1].tolist(), strict=True))


def _element(name: str) -> str:
    return parse_nuclide_name(name).symbol


def nuclide_set(
    dataset: NuclearDataset, seeds: Iterable[str], channels: Iterable[Channel] = ()
) -> tuple[str, ...]:
    """The seeds, channel targets and products, closed under decay, parents first.

    Parameters
    ----------
    dataset : NuclearDataset
        Source of decay data.
    seeds : iterable of str
        Nuclides present at the start or fed.
    channels : iterable of Channel
        Transfers whose sources and products join the set.

    Returns
    -------
    tuple of str
        Canonical names, sorted by (Z, A, state) so results read naturally.
    """
    found: set[int] = set()
    names = [*seeds]
    for channel in channels:
        names.append(channel.source)
        if channel.product is not None:
            names.append(channel.product)
    for name in names:
        found.update(dataset.descendants(dataset.lookup(name)))

    def key(i: int) -> tuple[int, int, str]:
        parsed = parse_nuclide_name(dataset.nuclides[i])
        return parsed.z, parsed.a, parsed.state

    return tuple(dataset.nuclides[i] for i in sorted(found, key=key))


def _check_step(step: Step, position: int) -> None:
    where = f"history item {position} ({step.label or 'step'})"
    if not (math.isfinite(step.duration) and step.duration >= 0):
        raise InputError(f"{where}: duration {step.duration!r} s must be finite and >= 0")
    if step.samples < 1:
        raise InputError(f"{where}: samples {step.samples!r} must be an integer >= 1")
    for channel in step.channels:
        if not (math.isfinite(channel.rate) and channel.rate >= 0):
            raise InputError(
                f"{where}: rate of {channel.label or channel.source} is {channel.rate!r} 1/s "
                "(a reaction or removal rate must be finite and >= 0)"
            )
    for name, rate in step.feed.items():
        if not (math.isfinite(rate) and rate >= 0):
            raise InputError(f"{where}: feed of {name} is {rate!r} atoms/s (give a value >= 0)")


def _check_separation(event: Separation, position: int) -> None:
    for key, fraction in event.fractions.items():
        if not (0.0 <= fraction <= 1.0):
            raise InputError(
                f"history item {position} ({event.label}): fraction of {key} moved is "
                f"{fraction!r} (give a fraction in [0, 1])"
            )


class _System:
    """The matrix of one step over the nuclide set, with short-lived nuclides eliminated."""

    def __init__(
        self,
        names: tuple[str, ...],
        lam: FloatArray,
        children: list[list[tuple[int, float]]],
        keep: npt.NDArray[np.bool_],
    ) -> None:
        self.names = names
        self.lam = lam
        self.children = children
        self.keep = keep
        self.index = {name: i for i, name in enumerate(names)}
        n = len(names)
        decay = np.zeros((n, n))
        decay[np.arange(n), np.arange(n)] = -lam
        for j, links in enumerate(children):
            for k, fraction in links:
                decay[k, j] += lam[j] * fraction
        self.decay = decay

    def matrix(self, step: Step) -> tuple[FloatArray, FloatArray]:
        """Full ``A`` and ``s`` of a step over all nuclides."""
        a = self.decay.copy()
        s = np.zeros(len(self.names))
        for channel in step.channels:
            j = self.index[canonical_name(channel.source)]
            if channel.consumes:
                a[j, j] -= channel.rate
            if channel.product is not None:
                a[self.index[canonical_name(channel.product)], j] += channel.rate
        for name, rate in step.feed.items():
            s[self.index[canonical_name(name)]] += rate
        return a, s

    def reduced(self, step: Step) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Schur complement onto kept nuclides, and the map that rebuilds the others.

        Returns ``(a_kk, s_k, rebuild, rebuild_s)`` with ``N_c = rebuild @ N_k + rebuild_s``.
        """
        a, s = self.matrix(step)
        k, c = self.keep, ~self.keep
        if not c.any():
            return a, s, np.zeros((0, int(k.sum()))), np.zeros(0)
        a_cc_inv = np.linalg.inv(a[np.ix_(c, c)])
        rebuild = -a_cc_inv @ a[np.ix_(c, k)]
        rebuild_s = -a_cc_inv @ s[c]
        a_kk = a[np.ix_(k, k)] + a[np.ix_(k, c)] @ rebuild
        s_k = s[k] + a[np.ix_(k, c)] @ rebuild_s
        return a_kk, s_k, rebuild, rebuild_s


def _propagators(a: FloatArray, s: FloatArray, dt: float) -> FloatArray:
    """``expm`` of the augmented matrix over ``dt``: ``[[e^{A dt}, integral], [0, 1]]``."""
    from scipy.linalg import expm  # scipy imports stay out of module import time

    n = a.shape[0]
    m = np.zeros((n + 1, n + 1))
    m[:n, :n] = a * dt
    # The feed column enters expm's norm (and so its number of squarings) although the result
    # is linear in it: normalise it to <= 1 and scale the integral column back afterwards.
    feed = s * dt
    size = float(np.max(np.abs(feed))) if n else 0.0
    scale = size if size > 0 else 1.0
    m[:n, n] = feed / scale
    result: FloatArray = expm(m)
    result[:n, n] *= scale
    return result


def _advance(
    system: _System,
    step: Step,
    state: FloatArray,
    operators: dict[object, tuple[FloatArray, FloatArray, FloatArray]],
) -> list[tuple[float, FloatArray]]:
    """The inventory at the step's output times (since its start) from ``state`` at its start.

    A repeated step (elutions, weekly cycles) is solved once: its propagator is kept in
    ``operators``.
    """
    key = _step_key(step)
    if key not in operators:
        a_kk, s_k, rebuild, rebuild_s = system.reduced(step)
        propagator = _propagators(a_kk, s_k, step.duration / step.samples)
        operators[key] = (propagator, rebuild, rebuild_s)
    propagator, rebuild, rebuild_s = operators[key]
    keep = system.keep
    kept = state[keep]
    out = []
    for sample in range(step.samples):
        kept = propagator[:-1, :-1] @ kept + propagator[:-1, -1]
        kept = np.maximum(kept, 0.0)  # round-off only: the exact solution is >= 0
        full = np.zeros(len(state))
        full[keep] = kept
        if rebuild.shape[0]:
            full[~keep] = np.maximum(rebuild @ kept + rebuild_s, 0.0)
        out.append((step.duration * (sample + 1) / step.samples, full))
    return out


def _step_key(step: Step) -> object:
    """What makes two steps' propagators equal: sub-interval, transfers and feeds."""
    return step.duration / step.samples, step.channels, tuple(sorted(step.feed.items()))


def solve_history(
    history: Sequence[Step | Separation],
    initial_atoms: Mapping[str, float],
    *,
    dataset: str | NuclearDataset = "radiochain",
    extra_nuclides: Iterable[str] = (),
    collapse_below: float = DEFAULT_COLLAPSE_BELOW_S,
) -> ProductionResult:
    """Evolve an inventory through a history of constant-condition steps and separations.

    Parameters
    ----------
    history : sequence of Step or Separation
        In time order; steps are consecutive (each starts where the previous ended).
    initial_atoms : mapping of str to float [1]
        Atoms of each nuclide at time 0 (any spelling).
    dataset : str or NuclearDataset
        Nuclear dataset for decay constants, branchings and masses.
    extra_nuclides : iterable of str
        Nuclides to report even if nothing makes them.
    collapse_below : float [s]
        Nuclides with a half-life below this are handled in quasi-steady state (0 disables).

    Returns
    -------
    ProductionResult
        Atoms and activities at time 0, inside and at the end of every step, and around every
        separation.

    Raises
    ------
    InputError
        Negative or non-finite amounts, durations or rates; fractions outside [0, 1].
    UnknownNuclideError
        A nuclide not in the dataset.

    Examples
    --------
    >>> from radiochain.physics.production.solver import Channel, Step, solve_history
    >>> capture = Channel("Lu-176", "Lu-177", rate=1e-7, label="Lu-176(n,g)")
    >>> result = solve_history([Step(7 * 86400.0, (capture,))], {"Lu-176": 1e18})
    >>> float(result.activity_of("Lu-177")[-1]) > 0
    True
    """
    data = get_dataset(dataset)
    for name, amount in initial_atoms.items():
        if not (math.isfinite(amount) and amount >= 0):
            raise InputError(f"initial atoms of {name}: {amount!r} (give a finite value >= 0)")
    if not (math.isfinite(collapse_below) and collapse_below >= 0):
        raise InputError(f"collapse_below {collapse_below!r} s must be finite and >= 0")
    steps: list[Step] = []
    for position, item in enumerate(history):
        if isinstance(item, Step):
            _check_step(item, position)
            steps.append(item)
        elif isinstance(item, Separation):
            _check_separation(item, position)
        else:
            raise InputError(
                f"history item {position} is {type(item).__name__} (use Step or Separation)"
            )
    seeds = [*initial_atoms, *extra_nuclides]
    for step in steps:
        seeds.extend(step.feed)
    names = nuclide_set(data, seeds, (c for s in steps for c in s.channels))
    idx = np.array([data.index[n] for n in names])
    lam = np.asarray(data.decay_constant[idx], dtype=float)
    half_life = np.asarray(data.half_life_s[idx], dtype=float)
    local = {int(g): i for i, g in enumerate(idx)}
    children = [[(local[k], f) for k, f in data.children[int(g)]] for g in idx]
    keep = ~(half_life < collapse_below)
    for name in initial_atoms:  # a nuclide given at t=0 is always integrated
        keep[names.index(canonical_name(name))] = True
    system = _System(names, lam, children, keep)
    n = len(names)
    state = np.zeros(n)
    for name, amount in initial_atoms.items():
        state[names.index(canonical_name(name))] += amount
    elements = [_element(name) for name in names]

    times: list[float] = [0.0]
    rows: list[FloatArray] = [state.copy()]
    ends: list[int] = []
    withdrawals: list[Withdrawal] = []
    operators: dict[object, tuple[FloatArray, FloatArray, FloatArray]] = {}
    clock = 0.0
    for item in history:
        if isinstance(item, Separation):
            moved = state * np.array(
                [item.fractions.get(name, item.fractions.get(elements[i], 0.0))
                 for i, name in enumerate(names)]
            )  # fmt: skip
            state = state - moved
            withdrawals.append(Withdrawal(clock, item.label, moved))
            times.append(clock)
            rows.append(state.copy())
            continue
        for t, full in _advance(system, item, state, operators):
            times.append(clock + t)
            rows.append(full)
        state = rows[-1].copy()
        clock += item.duration
        times[-1] = clock
        ends.append(len(rows) - 1)

    atoms = np.vstack(rows)
    return ProductionResult(
        nuclides=names,
        times=np.asarray(times),
        atoms=atoms,
        activities=atoms * lam,
        step_end_index=tuple(ends),
        withdrawals=tuple(withdrawals),
        dataset=data.label,
        decay_constant=lam,
        atomic_mass_u=np.asarray(data.atomic_mass_u[idx], dtype=float),
    )
