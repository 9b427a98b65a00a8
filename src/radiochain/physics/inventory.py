"""Inventories of nuclides and their decay: one inventory (``Inventory``) or many at once
(``decay_batch``), both on the kernel in :mod:`radiochain.physics.decay`."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, overload

import numpy as np
import numpy.typing as npt

from radiochain.errors import InputError
from radiochain.physics.datasets import DEFAULT_DATASET, NuclearDataset, get_dataset
from radiochain.physics.decay import FloatArray, chain_plan, transfer
from radiochain.physics.nuclide import Nuclide
from radiochain.units import AVOGADRO, parse_amount, to_seconds, unit_dimension, unit_factor

if TYPE_CHECKING:
    import pandas as pd

Quantity = Literal["activity", "atoms", "mass", "cumulative_decays"]
TimeLike = float | int | str
TimesLike = TimeLike | Sequence[float] | npt.NDArray[np.float64]


def _times(times: TimesLike, what: str = "time") -> FloatArray:
    """Times [s] as a float array, from seconds or text with units; finite and >= 0."""
    if isinstance(times, str):
        return np.array([to_seconds(times, what=what)])
    if isinstance(times, Sequence) and any(isinstance(x, str) for x in times):
        return np.array([to_seconds(x, what=what) for x in times])
    arr = np.asarray(times, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise InputError(
            f"{what}: times must be finite numbers of seconds, got {arr[~np.isfinite(arr)][:3]}"
        )
    if np.any(arr < 0):
        raise InputError(
            f"{what}: times must be >= 0 s (got {arr[arr < 0][:3]}); to correct a measurement "
            "back in time use Nuclide.decay_correct"
        )
    return arr


class Inventory:
    """An immutable amount of one or more nuclides.

    Parameters
    ----------
    contents : mapping of nuclide name to amount
        Amounts as text with a unit (``"7.4 GBq"``, ``"2 mCi"``, ``"1 mg"``, ``"1e15 atoms"``)
        or numbers in ``unit``.
    unit : str
        Unit of bare numbers: an activity (``"Bq"``, ``"GBq"``, ``"mCi"``...), a mass
        (``"g"``, ``"mg"``...) or ``"atoms"``/``"mol"``. Default ``"Bq"``.
    dataset : str or NuclearDataset
        Nuclear dataset (default ``"radiochain"``).

    Examples
    --------
    >>> inv = Inventory({"Lu-177": "7.4 GBq"})
    >>> round(inv.decay("6.647 d").activity("Lu-177") / 1e9, 2)
    3.7
    """

    __slots__ = ("_atoms", "_dataset")

    def __init__(
        self,
        contents: Mapping[str | Nuclide, float | int | str],
        unit: str = "Bq",
        *,
        dataset: str | NuclearDataset = DEFAULT_DATASET,
    ) -> None:
        data = get_dataset(dataset)
        atoms: dict[int, float] = {}
        for key, value in contents.items():
            nuclide = Nuclide(key, data)
            amount, dimension = parse_amount(
                value, default_unit=unit, what=f"amount of {nuclide.name}"
            )
            if dimension == "activity":
                if nuclide.stable:
                    raise InputError(
                        f"amount of {nuclide.name}: a stable nuclide has no activity "
                        "(give its mass, e.g. '1 mg', or atoms)"
                    )
                n = amount / nuclide.decay_constant
            elif dimension == "mass":
                n = amount * AVOGADRO / nuclide.atomic_mass
            else:
                n = amount
            atoms[nuclide.index] = atoms.get(nuclide.index, 0.0) + n
        self._dataset = data
        self._atoms = atoms

    @classmethod
    def _from_atoms(cls, atoms: dict[int, float], dataset: NuclearDataset) -> Inventory:
        new = cls.__new__(cls)
        new._dataset = dataset
        new._atoms = atoms
        return new

    # views -----------------------------------------------------------------------------------
    @property
    def dataset(self) -> NuclearDataset:
        """Nuclear dataset used for every number this inventory gives."""
        return self._dataset

    @property
    def nuclides(self) -> tuple[str, ...]:
        """Nuclides present (including those with zero amount after a decay)."""
        return tuple(self._dataset.nuclides[i] for i in self._atoms)

    def __iter__(self) -> Iterator[str]:
        return iter(self.nuclides)

    def __len__(self) -> int:
        return len(self._atoms)

    def __repr__(self) -> str:
        shown = ", ".join(f"{n!r}: {a:.6g}" for n, a in self.activities().items())
        return f"Inventory({{{shown}}}, unit='Bq', dataset={self._dataset.name!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Inventory):
            return NotImplemented
        return self._dataset is other._dataset and self._atoms == other._atoms

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other: Inventory) -> Inventory:
        if not isinstance(other, Inventory):
            return NotImplemented
        if other._dataset is not self._dataset:
            raise InputError(
                f"cannot add inventories of different datasets ({self._dataset.name}, "
                f"{other._dataset.name})"
            )
        atoms = dict(self._atoms)
        for i, n in other._atoms.items():
            atoms[i] = atoms.get(i, 0.0) + n
        return Inventory._from_atoms(atoms, self._dataset)

    def __mul__(self, factor: float) -> Inventory:
        if not isinstance(factor, int | float) or not math.isfinite(factor) or factor < 0:
            raise InputError(f"an inventory can be scaled by a finite factor >= 0, not {factor!r}")
        return Inventory._from_atoms({i: n * factor for i, n in self._atoms.items()}, self._dataset)

    __rmul__ = __mul__

    def _values(self, per_atom: FloatArray | float, unit_scale: float) -> dict[str, float]:
        names = self._dataset.nuclides
        idx = list(self._atoms)
        n = np.fromiter(self._atoms.values(), dtype=float, count=len(idx))
        values = n * (per_atom[idx] if isinstance(per_atom, np.ndarray) else per_atom) / unit_scale
        return {names[i]: float(v) for i, v in zip(idx, values, strict=True)}

    def atoms(self) -> dict[str, float]:
        """Number of atoms of each nuclide."""
        return self._values(1.0, 1.0)

    def masses(self, unit: str = "g") -> dict[str, float]:
        """Mass of each nuclide in ``unit`` (default g)."""
        return self._values(self._dataset.atomic_mass_u / AVOGADRO, unit_factor(unit, "mass"))

    @overload
    def activities(self, times: None = None, unit: str = "Bq") -> dict[str, float]: ...

    @overload
    def activities(self, times: TimesLike, unit: str = "Bq") -> pd.DataFrame: ...

    def activities(
        self, times: TimesLike | None = None, unit: str = "Bq"
    ) -> dict[str, float] | pd.DataFrame:
        """Activities now, or of every chain member at each of ``times``.

        Parameters
        ----------
        times : float, str or array, optional [s]
            Without it, the activity of each nuclide now (a dict). With it, the activity of
            every chain member at every time, in one vectorized evaluation: a DataFrame indexed
            by time [s] (``time_s``) with one column per nuclide.
        unit : str
            Activity unit of the values (``"Bq"``, ``"GBq"``, ``"mCi"``...).
        """
        scale = unit_factor(unit, "activity")
        if times is None:
            return self._values(self._dataset.decay_constant, scale)
        import pandas as pd

        t = _times(times)
        names, values = self._evolve(t, "activity")
        frame = pd.DataFrame(
            values.T / scale, index=pd.Index(t, name="time_s"), columns=list(names)
        )
        frame.attrs["dataset"] = self._dataset.label
        frame.attrs["unit"] = unit
        return frame

    def activity(self, nuclide: str | Nuclide, unit: str = "Bq") -> float:
        """Activity of one nuclide now (0 if absent)."""
        i = Nuclide(nuclide, self._dataset).index
        return float(self._atoms.get(i, 0.0) * self._dataset.decay_constant[i]) / unit_factor(
            unit, "activity"
        )

    def total_activity(self, unit: str = "Bq") -> float:
        """Sum of all activities now."""
        return sum(self.activities(unit=unit).values())

    # evolution ---------------------------------------------------------------------------------
    def _evolve(self, t: FloatArray, quantity: Quantity) -> tuple[tuple[str, ...], FloatArray]:
        sources = list(self._atoms)
        result = decay_batch(
            [self._dataset.nuclides[i] for i in sources],
            np.fromiter(self._atoms.values(), dtype=float, count=len(sources))[None, :],
            t,
            unit="atoms",
            quantity=quantity,
            dataset=self._dataset,
        )
        return result.nuclides, result.values[0]

    def decay(self, elapsed: TimeLike) -> Inventory:
        """A new inventory ``elapsed`` later (seconds, or text like ``"10 d"``); every chain
        member that can be present is included."""
        t = _times(elapsed, "decay time")
        if t.size != 1:
            raise InputError("decay time: give one duration (use activities(times) for many)")
        names, atoms = self._evolve(t, "atoms")
        return Inventory._from_atoms(
            {self._dataset.index[n]: float(a) for n, a in zip(names, atoms[:, 0], strict=True)},
            self._dataset,
        )

    def cumulative_decays(self, elapsed: TimeLike) -> dict[str, float]:
        """Number of decays of each chain member between now and ``elapsed`` later, i.e. the
        time-integrated activity [Bq s]."""
        t = _times(elapsed, "integration time")
        names, decays = self._evolve(t, "cumulative_decays")
        return {n: float(v) for n, v in zip(names, decays[:, 0], strict=True)}

    def ingrowth_maximum(self, nuclide: str | Nuclide) -> tuple[float, float]:
        """Time [s] and activity [Bq] of the maximum of a chain member's activity.

        Found on a logarithmic time grid and refined by Brent's method on the exact
        derivative :math:`dN_i/dt = \\sum_p b_{pi} \\lambda_p N_p - \\lambda_i N_i`.
        For a member already present and decaying from the start the maximum is at 0.
        """
        from scipy.optimize import brentq

        target = Nuclide(nuclide, self._dataset)
        lam = self._dataset.decay_constant
        finite = [self._dataset.half_life_s[i] for i in self._atoms if lam[i] > 0]
        if target.stable or not finite:
            raise InputError(f"{target.name} is stable: its activity has no maximum")
        shortest = min(*finite, target.half_life)
        longest = max(*finite, target.half_life)
        grid = np.concatenate([[0.0], np.geomspace(shortest * 1e-4, longest * 60, 2000)])
        frame = self.activities(grid)
        if target.name not in frame.columns:
            raise InputError(f"{target.name} is not in the chain of {', '.join(self.nuclides)}")
        series = frame[target.name].to_numpy()
        k = int(np.argmax(series))
        if k == 0:
            return 0.0, float(series[0])
        parents = [
            (p, frac)
            for p in range(len(lam))
            for (c, frac) in self._dataset.children[p]
            if c == target.index
        ]

        def slope(time: float) -> float:
            state = self.decay(time)._atoms
            production = sum(frac * lam[p] * state.get(p, 0.0) for p, frac in parents)
            return float(production - lam[target.index] * state.get(target.index, 0.0))

        lo, hi = grid[k - 1], grid[min(k + 1, len(grid) - 1)]
        if slope(lo) > 0 > slope(hi):
            t_max = float(brentq(slope, lo, hi, xtol=1e-12 * hi, rtol=1e-14, maxiter=200))
        else:
            t_max = float(grid[k])
        return t_max, self.decay(t_max).activity(target)

    def to_frame(self) -> pd.DataFrame:
        """The inventory as a table: atoms, activity [Bq] and mass [g] per nuclide."""
        import pandas as pd

        frame = pd.DataFrame(
            {
                "atoms": self.atoms(),
                "activity_bq": self.activities(),
                "mass_g": self.masses(),
            }
        )
        frame.index.name = "nuclide"
        frame.attrs["dataset"] = self._dataset.label
        return frame


@dataclass(frozen=True)
class BatchDecay:
    """Result of :func:`decay_batch`.

    Attributes
    ----------
    nuclides : tuple of str
        Every chain member of every input nuclide (second axis of ``values``).
    times_s : ndarray, shape (T,) or (K, T) [s]
    values : ndarray, shape (K, M, T)
        The requested quantity: activity [Bq], atoms, mass [g] or cumulative decays
        (time-integrated activity) [Bq s] of member ``m`` of inventory ``k`` at time ``t``.
    quantity : str
    dataset : str
        Label of the nuclear dataset used.
    """

    nuclides: tuple[str, ...]
    times_s: FloatArray
    values: FloatArray
    quantity: Quantity
    dataset: str

    def column(self, nuclide: str) -> FloatArray:
        """Values of one nuclide, shape (K, T)."""
        from radiochain.physics.names import canonical_name

        result: FloatArray = self.values[:, self.nuclides.index(canonical_name(nuclide)), :]
        return result


def decay_batch(
    nuclides: Sequence[str],
    amounts: npt.ArrayLike,
    times: npt.ArrayLike,
    *,
    unit: str = "Bq",
    quantity: Quantity = "activity",
    dataset: str | NuclearDataset = DEFAULT_DATASET,
) -> BatchDecay:
    """Decay K inventories to T times in one call, NumPy in and out.

    Parameters
    ----------
    nuclides : sequence of str, length n
        The nuclides the amounts refer to (columns of ``amounts``).
    amounts : array_like, shape (K, n) or (n,)
        Amount of each nuclide in each inventory, in ``unit``.
    times : array_like, shape (T,), (K, T) or scalar [s]
        Elapsed times, shared by all inventories or one row per inventory.
    unit : str
        Unit of ``amounts``: an activity unit (``"Bq"``, ``"GBq"``...), a mass unit
        (``"g"``...) or ``"atoms"``.
    quantity : {"activity", "atoms", "mass", "cumulative_decays"}
        What to return: activity [Bq], atoms, mass [g], or decays between 0 and t [Bq s].
    dataset : str or NuclearDataset

    Returns
    -------
    BatchDecay
        ``values`` of shape (K, M, T) over the M chain members of all input nuclides.

    Notes
    -----
    The cost is that of one closed-form evaluation per (source nuclide, time) plus one BLAS
    product of shape (K, n) x (n, M*T); no Python loop runs over K or T.
    """
    data = get_dataset(dataset)
    sources = [data.lookup(n) for n in nuclides]
    if len(set(sources)) != len(sources):
        raise InputError("decay_batch: each nuclide may appear once in 'nuclides'")
    amount = np.asarray(amounts, dtype=float)
    if amount.ndim == 1:
        amount = amount[None, :]
    if amount.ndim != 2 or amount.shape[1] != len(sources):
        raise InputError(
            f"decay_batch: amounts must have shape (K, {len(sources)}) for {len(sources)} "
            f"nuclides, got {np.shape(amounts)}"
        )
    bad = ~np.isfinite(amount) | (amount < 0)
    if bad.any():
        k, j = map(int, np.argwhere(bad)[0])
        raise InputError(
            f"decay_batch: amounts[{k}, {j}] ({data.nuclides[sources[j]]}) is {amount[k, j]}; "
            "amounts must be finite and >= 0"
        )
    t = _times(np.asarray(times, dtype=float), "decay_batch times")
    per_row = t.ndim == 2
    if t.ndim == 0:
        t = t[None]
    if per_row and t.shape[0] != amount.shape[0]:
        raise InputError(
            f"decay_batch: times of shape {t.shape} need one row per inventory ({amount.shape[0]})"
        )
    if t.ndim > 2:
        raise InputError(f"decay_batch: times must be 1-D or 2-D, got shape {t.shape}")
    lam = data.decay_constant[sources]
    dimension, factor = unit_dimension(unit, ("activity", "mass", "atoms"))
    if dimension == "activity":
        given = amount.any(axis=0)
        if np.any((lam == 0) & given):
            stable = data.nuclides[sources[int(np.argmax((lam == 0) & given))]]
            raise InputError(
                f"decay_batch: {stable} is stable and has no activity (give unit='g' or 'atoms')"
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            atoms = np.where(amount > 0, amount * factor / lam, 0.0)
    elif dimension == "mass":
        atoms = amount * factor * AVOGADRO / data.atomic_mass_u[sources]
    else:
        atoms = amount * factor

    integrate = quantity == "cumulative_decays"
    plans = [chain_plan(data, s, integrate=integrate) for s in sources]
    members: dict[int, int] = {}
    for plan in plans:
        for index in plan.members:
            members.setdefault(index, len(members))
    member_index = np.fromiter(members, dtype=int, count=len(members))
    n_members = len(members)
    flat_t = t.ravel()
    if not per_row:
        # (n, M, T) transfer tensor, then one matrix product over all inventories
        tensor = np.zeros((len(sources), n_members, flat_t.size))
        for s, plan in enumerate(plans):
            tensor[s, [members[i] for i in plan.members]] = transfer(plan, flat_t)
        values = (atoms @ tensor.reshape(len(sources), -1)).reshape(atoms.shape[0], n_members, -1)
    else:
        values = np.zeros((atoms.shape[0], n_members, t.shape[1]))
        for s, plan in enumerate(plans):
            rows = np.nonzero(atoms[:, s])[0]
            if rows.size == 0:
                continue
            block = transfer(plan, t[rows].ravel()).reshape(plan.size, rows.size, -1)
            positions = [members[i] for i in plan.members]
            values[rows[:, None], positions] += atoms[rows, s, None, None] * block.transpose(
                1, 0, 2
            )
    if quantity in ("activity", "cumulative_decays"):
        values *= data.decay_constant[member_index][None, :, None]
    elif quantity == "mass":
        values *= (data.atomic_mass_u[member_index] / AVOGADRO)[None, :, None]
    return BatchDecay(
        nuclides=tuple(data.nuclides[i] for i in member_index),
        times_s=t,
        values=values,
        quantity=quantity,
        dataset=data.label,
    )
