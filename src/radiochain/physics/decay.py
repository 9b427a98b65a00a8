"""The decay kernel: exact Bateman solutions, vectorized over times, accurate for stiff chains.

For a source nuclide ``s`` with one atom at ``t = 0``, the number of atoms of a chain member
``i`` at time ``t`` is a sum over the decay paths ``s -> ... -> i``,

.. math::

    N_i(t) = \\sum_{\\text{paths}} \\Big(\\prod_{m<n} b_m \\lambda_m\\Big)\\,
             \\varphi(\\lambda_1, \\dots, \\lambda_n; t), \\qquad
    \\varphi = \\sum_{q} \\frac{e^{-\\lambda_q t}}{\\prod_{r \\ne q} (\\lambda_r - \\lambda_q)}

(Bateman 1910), where :math:`\\varphi = t^{n-1} G(\\lambda_1 t, \\dots, \\lambda_n t)` and
:math:`G` is :math:`(-1)^{n-1}` times the divided difference of :math:`e^{-z}` over the nodes
:math:`z_q = \\lambda_q t`.

Two evaluations of the same formula:

* **fast**: the closed-form sum with precomputed coefficients, one matrix product per chain
  (the form radioactivedecay uses, Amaku et al. 2010). Its rounding error is bounded by the
  sum of the absolute values of its terms; where that bound is more than ``FLAG_RATIO`` times
  the result (cancellation: short times, or nodes close together), the entry is recomputed by
* **accurate**: the divided difference of the exponential by a Schur–Parlett-style table:
  Taylor series of :math:`G` around the smallest node for clusters of nodes closer than
  ``CLUSTER_SPREAD``, the divided-difference recurrence between clusters (McCurdy, Ng &
  Parlett, Math. Comp. 43 (1984) 501, doi:10.1090/S0025-5718-1984-0758198-0).

The result is exact to floating-point precision for chains whose half-lives differ by more than
ten orders of magnitude (Ac-225 -> Po-213; Th-229 -> Ac-225), verified against
radioactivedecay's SymPy high-precision mode in the tests.

Time-integrated amounts (cumulative decays) use the same machinery with one more node at
:math:`\\lambda = 0`: :math:`\\int_0^t \\varphi(\\lambda_1..\\lambda_n; u)\\,du =
\\varphi(\\lambda_1..\\lambda_n, 0; t)`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from radiochain.physics.datasets import NuclearDataset

FloatArray = npt.NDArray[np.float64]

FLAG_RATIO = 1e2
"""Recompute accurately where the fast sum's error bound exceeds this multiple of the result
(relative rounding error of the fast sum is then below ~1e2 x 2.2e-16 = 2e-14)."""

CLOSE_NODES = 1e-3
"""Two decay constants on a path closer than this relative difference make the closed-form
coefficients lose precision; such paths always use the accurate evaluation."""

CLUSTER_SPREAD = 1.0
"""Largest node spread (dimensionless, in units of lambda x t) summed by Taylor series."""

TAYLOR_TERMS = 24
"""Most terms of the Taylor series; fewer are used when the clusters are narrower (the
truncation error spread^m / m! stays below 1e-18)."""


@dataclass(frozen=True)
class _Path:
    """One decay path from the source to ``target`` (positions into the plan's members)."""

    target: int
    members: tuple[int, ...]  # positions, source first, target last
    branching: float  # product of branching fractions along the path


@dataclass(frozen=True)
class _PathGroup:
    """Paths with the same number of nodes, as arrays for the accurate evaluation."""

    target: npt.NDArray[np.intp]  # (P,) member position of each path's end
    sorted_nodes: FloatArray  # (P, L) decay constants of the path's nodes, ascending
    edge_decay_constant: FloatArray  # (P, E) decay constants of the nuclides that decay on it
    branching: FloatArray  # (P,)


def _group_paths(paths: list[_Path], lam: FloatArray, integrate: bool) -> tuple[_PathGroup, ...]:
    by_length: dict[int, list[_Path]] = {}
    for path in paths:
        if integrate and lam[path.target] == 0.0:
            continue
        by_length.setdefault(len(path.members), []).append(path)
    groups = []
    for length in sorted(by_length):
        members = np.array([p.members for p in by_length[length]], dtype=np.intp)  # (P, L)
        nodes = lam[members]
        if integrate:
            nodes = np.concatenate([nodes, np.zeros((len(members), 1))], axis=1)
        groups.append(
            _PathGroup(
                target=members[:, -1],
                sorted_nodes=np.sort(nodes, axis=1),
                edge_decay_constant=lam[members[:, :-1]],
                branching=np.array([p.branching for p in by_length[length]]),
            )
        )
    return tuple(groups)


@dataclass(frozen=True)
class ChainPlan:
    """Everything about one source nuclide's chain that does not depend on time.

    Attributes
    ----------
    source : int
        Dataset index of the source nuclide.
    members : tuple of int
        Dataset indices of the source and every descendant, parents before daughters.
    decay_constant : ndarray [1/s]
        Decay constants of ``members``.
    integrate : bool
        If true the plan gives time-integrated atoms (atom-seconds) instead of atoms.
    """

    source: int
    members: tuple[int, ...]
    decay_constant: FloatArray
    integrate: bool
    paths: tuple[_Path, ...]
    path_groups: tuple[_PathGroup, ...]  # the paths again, as arrays grouped by node count
    node_decay_constant: FloatArray  # members' lambdas (+ a 0 node when integrating)
    coefficients: FloatArray  # (n_members, n_nodes): closed-form coefficients
    abs_coefficients: FloatArray
    accurate_only: npt.NDArray[np.bool_]  # targets whose closed form is ill-conditioned

    @property
    def size(self) -> int:
        return len(self.members)


def _enumerate_paths(dataset: NuclearDataset, source: int, position: dict[int, int]) -> list[_Path]:
    paths: list[_Path] = []
    stack: list[tuple[int, tuple[int, ...], float]] = [(source, (position[source],), 1.0)]
    while stack:
        node, members, branching = stack.pop()
        paths.append(_Path(position[node], members, branching))
        for child, fraction in dataset.children[node]:
            stack.append((child, (*members, position[child]), branching * fraction))
    return paths


def chain_plan(dataset: NuclearDataset, source: int, *, integrate: bool = False) -> ChainPlan:
    """Build (or fetch from the dataset's cache) the time-independent plan of a chain.

    Parameters
    ----------
    dataset : NuclearDataset
    source : int
        Dataset index of the source nuclide.
    integrate : bool
        Plan for time-integrated atoms instead of atoms.
    """
    key = ("plan", source, integrate)
    cached = dataset._cache.get(key)
    if cached is not None:
        plan: ChainPlan = cached
        return plan
    members = dataset.descendants(source)
    position = {index: pos for pos, index in enumerate(members)}
    lam = dataset.decay_constant[list(members)].astype(float)
    paths = _enumerate_paths(dataset, source, position)
    n = len(members)
    nodes = np.append(lam, 0.0) if integrate else lam.copy()
    n_nodes = len(nodes)
    coefficients = np.zeros((n, n_nodes))
    abs_coefficients = np.zeros((n, n_nodes))
    accurate_only = np.zeros(n, dtype=bool)
    for path in paths:
        if integrate and lam[path.target] == 0.0:
            continue  # a stable nuclide has no decays to integrate
        edge_product = path.branching * float(np.prod(lam[list(path.members[:-1])]))
        node_ids = list(path.members) + ([n] if integrate else [])
        path_nodes = nodes[node_ids]
        diffs = path_nodes[None, :] - path_nodes[:, None]  # [q, r] = lam_r - lam_q
        scale = np.maximum(np.abs(path_nodes[None, :]), np.abs(path_nodes[:, None]))
        off_diagonal = ~np.eye(len(node_ids), dtype=bool)
        if np.any(np.abs(diffs[off_diagonal]) <= CLOSE_NODES * scale[off_diagonal]):
            accurate_only[path.target] = True
            continue
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            beta = edge_product / np.prod(np.where(off_diagonal, diffs, 1.0), axis=1)
        if not np.all(np.isfinite(beta)):
            accurate_only[path.target] = True
            continue
        np.add.at(coefficients[path.target], node_ids, beta)
        np.add.at(abs_coefficients[path.target], node_ids, np.abs(beta))
    for target in np.nonzero(accurate_only)[0]:
        coefficients[target] = 0.0
        abs_coefficients[target] = 0.0
    plan = ChainPlan(
        source=source,
        members=members,
        decay_constant=lam,
        integrate=integrate,
        paths=tuple(paths),
        path_groups=_group_paths(paths, lam, integrate),
        node_decay_constant=nodes,
        coefficients=coefficients,
        abs_coefficients=abs_coefficients,
        accurate_only=accurate_only,
    )
    dataset._cache[key] = plan
    return plan


def transfer(plan: ChainPlan, times: FloatArray) -> FloatArray:
    """Atoms of every chain member per atom of the source at ``t = 0``.

    Parameters
    ----------
    plan : ChainPlan
    times : ndarray, shape (T,) [s]
        Non-negative, finite elapsed times.

    Returns
    -------
    ndarray, shape (n_members, T)
        Atoms (or atom-seconds if ``plan.integrate``) of each member.
    """
    t = np.asarray(times, dtype=float).ravel()
    exponentials = np.exp(-np.multiply.outer(plan.node_decay_constant, t))
    result: FloatArray = plan.coefficients @ exponentials
    bound = plan.abs_coefficients @ exponentials
    bad = (bound > FLAG_RATIO * np.abs(result)) | plan.accurate_only[:, None]
    at_zero = t == 0.0
    if at_zero.any():  # exact: the source alone (nothing decayed or integrated yet)
        bad[:, at_zero] = False
        result[:, at_zero] = 0.0
        if not plan.integrate:
            result[0, at_zero] = 1.0
    if plan.integrate:
        stable = plan.decay_constant == 0.0
        bad[stable] = False
        result[stable] = 0.0
    if bad.any():
        result[bad] = 0.0
        for group in plan.path_groups:
            path, column = np.nonzero(bad[group.target])
            if path.size == 0:
                continue
            t_entry = t[column]
            # prefactor = branching * prod(lambda_m t) over the path's edges
            prefactor = group.branching[path] * np.prod(
                group.edge_decay_constant[path] * t_entry[:, None], axis=1
            )
            value = prefactor * divided_difference_exp(group.sorted_nodes[path].T, t_entry)
            if plan.integrate:
                value *= t_entry
            np.add.at(result, (group.target[path], column), value)
    return result


def divided_difference_exp(nodes: FloatArray, t: FloatArray) -> FloatArray:
    """:math:`G(z_1..z_n) = (-1)^{n-1}` times the divided difference of :math:`e^{-z}` at
    :math:`z_q = \\lambda_q t`, accurate to rounding for any node spacing.

    Parameters
    ----------
    nodes : ndarray, shape (n,) or (n, S) [1/s]
        Decay constants, sorted ascending along the first axis (repeats allowed); one set for
        all times, or one column per time.
    t : ndarray, shape (S,) [s]
        Times.

    Returns
    -------
    ndarray, shape (S,)
        :math:`G`, a positive number: the mean of :math:`e^{-z}` over the simplex spanned by
        the nodes divided by :math:`(n-1)!` (Hermite–Genocchi).

    Notes
    -----
    Schur–Parlett-style: clusters of nodes spread by at most ``CLUSTER_SPREAD`` are summed by
    the Taylor series :math:`G(z) = e^{-z_a} \\sum_m (-1)^m h_m(z - z_a) / (m+n-1)!` with
    :math:`h_m` the complete homogeneous symmetric polynomials (all terms built from
    non-negative numbers); wider segments use the recurrence
    :math:`G[a..b] = (G[a..b-1] - G[a+1..b]) / (z_b - z_a)`, which subtracts two positive
    numbers that differ by at least a factor related to the spread, so no catastrophic
    cancellation occurs (McCurdy, Ng & Parlett 1984).
    """
    lam = np.asarray(nodes, dtype=float)
    times = np.asarray(t, dtype=float)
    z: FloatArray = lam[:, None] * times[None, :] if lam.ndim == 1 else lam * times[None, :]
    n = z.shape[0]  # z has shape (n, S)
    level: FloatArray = np.exp(-z)
    if n == 1:
        single: FloatArray = level[0]
        return single
    # Taylor values for every segment [a, a+l) with l >= 2, all at once (zero padding leaves
    # the complete homogeneous polynomials unchanged)
    starts, lengths = [], []
    for length in range(2, n + 1):
        for a in range(n - length + 1):
            starts.append(a)
            lengths.append(length)
    start = np.array(starts)
    seg_len = np.array(lengths)
    base = z[start]  # (n_seg, S)
    spread = z[start + seg_len - 1] - base
    small = spread <= CLUSTER_SPREAD
    taylor = np.zeros_like(base)
    if small.any():
        # terms needed for the widest clustered segment: spread^m / m! < 1e-18
        widest = float(spread[small].max())
        terms = 1
        while terms < TAYLOR_TERMS and widest**terms / math.factorial(terms) > 1e-18:
            terms += 1
        h = np.zeros((terms + 1, *base.shape))
        h[0] = 1.0
        for p in range(n):
            inside = p < seg_len
            rows = np.minimum(start + p, n - 1)
            w = np.where(inside[:, None] & small, z[rows] - base, 0.0)
            for m in range(1, terms + 1):
                h[m] += w * h[m - 1]
        signs = (-1.0) ** np.arange(terms + 1)
        weights = signs[:, None] / np.array(
            [[math.factorial(m + length - 1) for length in lengths] for m in range(terms + 1)],
            dtype=float,
        )  # (M+1, n_seg)
        series = np.einsum("mjs,mj->js", h, weights)
        taylor = np.exp(-base) * series
    offset = 0
    for length in range(2, n + 1):
        count = n - length + 1
        seg = slice(offset, offset + count)
        offset += count
        with np.errstate(divide="ignore", invalid="ignore"):
            recurrence = (level[:-1] - level[1:]) / spread[seg]
        level = np.where(small[seg], taylor[seg], recurrence)
    result: FloatArray = level[0]
    return result


# --- single-nuclide closed forms ---------------------------------------------------------


def decay_factor(half_life: float | FloatArray, elapsed: float | FloatArray) -> FloatArray:
    """Fraction remaining, :math:`2^{-t/T_{1/2}}`.

    Parameters
    ----------
    half_life : float or ndarray [s]
        ``inf`` for a stable nuclide (factor 1).
    elapsed : float or ndarray [s]
        Negative values correct backwards in time (factor > 1).
    """
    result: FloatArray = np.exp2(
        -np.asarray(elapsed, dtype=float) / np.asarray(half_life, dtype=float)
    )
    return result


def time_to_fraction(half_life: float, fraction: float) -> float:
    """Time [s] until the activity of a single nuclide has fallen to ``fraction`` of now."""
    return -half_life * math.log2(fraction)


def ingrowth_maximum_two_member(parent_half_life: float, daughter_half_life: float) -> float:
    """Time [s] of the daughter's activity maximum for a pure parent at ``t = 0``:
    :math:`t_{max} = \\ln(\\lambda_d/\\lambda_p)/(\\lambda_d - \\lambda_p)` (e.g. L'Annunziata,
    Handbook of Radioactivity Analysis, 4th ed. (2020), ch. 1)."""
    lam_p = math.log(2) / parent_half_life
    lam_d = math.log(2) / daughter_half_life
    if math.isclose(lam_p, lam_d, rel_tol=1e-12):
        return 1.0 / lam_p
    return math.log(lam_d / lam_p) / (lam_d - lam_p)
