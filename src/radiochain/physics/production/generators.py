"""Radionuclide generators: a long-lived parent on a column, its daughter eluted on a schedule.

=====================  ======================================================================
route                  parent -> daughter (eluted element)
=====================  ======================================================================
``ga68-generator``     Ge-68 (271 d) -> Ga-68 (67.8 min), Ga eluted
``tc99m-generator``    Mo-99 (65.9 h) -> Tc-99m (6.0 h), Tc eluted (with Tc-99 carrier)
``re188-generator``    W-188 (69.8 d) -> Re-188 (17.0 h), Re eluted
``bi213-generator``    Ac-225 (9.92 d) -> Fr-221 -> At-217 -> Bi-213 (45.6 min), Bi eluted
=====================  ======================================================================

One physics: the column is an inventory evolved by :func:`solver.solve_history` (decay only);
an elution is a :class:`solver.Separation` that moves ``efficiency`` of the daughter's element
and ``breakthrough`` of the parent's element into the eluate. Between elutions the daughter
grows back. The daughter activity available at any time is the column's daughter activity,
decayed with the decay engine from the last elution, times the elution efficiency.

The defaults (efficiency 1, breakthrough 0) are an ideal generator: give the values of a real
one (its certificate, or the pharmacopoeia limit for breakthrough).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from radiochain.errors import InputError
from radiochain.physics.datasets import NuclearDataset, get_dataset
from radiochain.physics.inventory import decay_batch
from radiochain.physics.names import canonical_name, parse_nuclide_name
from radiochain.physics.production.base import (
    FloatArray,
    ProductionRoute,
    Quantity,
    RouteReport,
    check_fraction,
    element_values,
    times_after,
)
from radiochain.physics.production.parameters import (
    BREAKTHROUGH,
    COOLING,
    EFFICIENCY,
    ELUTIONS,
    INTERVAL,
    PARENT_ACTIVITY,
    PRODUCT,
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
    check_samples,
    solve_history_samples,
    truncated_fractions,
)
from radiochain.units import parse_amount, to_seconds

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "GENERATOR_ROUTES",
    "GeneratorParameters",
    "GeneratorResult",
    "GeneratorRoute",
    "elute",
]

HOUR = 3600.0


@dataclass(frozen=True, kw_only=True)
class GeneratorParameters(RouteParameters):
    """Parameters of a generator route, in base units (Bq, s, 1).

    Attributes
    ----------
    parent_activity : float [Bq]
        Parent on the column at t = 0.
    interval : float [s]
        Between elutions (default 24 h).
    elutions : int
        Default 5.
    efficiency, breakthrough : float [1]
        Daughter eluted (default 1), parent leaving with each eluate (default 0).
    cooling : float [s]
        From each elution to the reported point.
    product : str, optional
        The daughter (the default).
    """

    route_hint: ClassVar[str] = "a generator route"
    parent_activity: float = parameter(PARENT_ACTIVITY)
    interval: float = parameter(INTERVAL, 24 * HOUR)
    elutions: int = parameter(ELUTIONS, 5)
    efficiency: float = parameter(EFFICIENCY, 1.0)
    breakthrough: float = parameter(BREAKTHROUGH, 0.0)
    cooling: float = parameter(COOLING, 0.0)
    product: str | None = parameter(PRODUCT, None)


@dataclass(frozen=True)
class GeneratorResult:
    """Result of a generator's elution schedule.

    Attributes
    ----------
    parent, daughter : str
    history : ProductionResult
        The column's inventory; its withdrawals are the eluates.
    table : DataFrame
        One row per elution: at the elution ``time_s``, ``activity_elution_bq`` (daughter in
        the eluate), ``column_parent_bq`` (parent left on the column); ``cooling`` after it
        ``activity_bq`` (daughter in the eluate), ``parent_breakthrough_bq`` and
        ``breakthrough_ratio`` (parent over daughter in the eluate).
    efficiency : float [1]
    dataset : str
    nuclear_data : NuclearDataset
    cooling : float [s]
        From each elution to the reported point.
    """

    parent: str
    daughter: str
    history: ProductionResult
    table: pd.DataFrame
    efficiency: float
    dataset: str
    nuclear_data: NuclearDataset
    cooling: float = 0.0

    def available(self, times: Quantity | Sequence[float] | FloatArray) -> FloatArray:
        """Daughter activity an elution at ``times`` [s since t = 0] would give [Bq].

        Exact: the column's inventory after the last event before each time, decayed with the
        decay engine, times the elution efficiency.
        """
        t = times_after(times, "time since the generator's reference")
        history = self.history
        rows = np.searchsorted(history.times, t, side="right") - 1
        atoms = history.atoms[rows]
        elapsed = (t - history.times[rows])[:, None]
        present = [j for j in range(len(history.nuclides)) if np.any(atoms[:, j] > 0)]
        names = [history.nuclides[j] for j in present]
        batch = decay_batch(
            names,
            atoms[:, present],
            elapsed,
            unit="atoms",
            quantity="activity",
            dataset=self.nuclear_data,
        )
        result: FloatArray = batch.column(self.daughter)[:, 0] * self.efficiency
        return result


def _schedule(interval: Quantity, elutions: int, times: Sequence[Quantity] | None) -> list[float]:
    if times is not None:
        out = [to_seconds(t, what="elution time") for t in times]
        if any(b <= a for a, b in itertools.pairwise(out)):
            raise InputError("elution times must increase strictly (e.g. ['24 h', '48 h'])")
        return out
    step = to_seconds(interval, what="elution interval")
    if not step > 0:
        raise InputError("elution interval must be > 0 (e.g. '24 h')")
    if isinstance(elutions, bool) or not isinstance(elutions, int) or elutions < 1:
        raise InputError(f"elutions: {elutions!r} is not valid (give an integer >= 1)")
    return [step * (k + 1) for k in range(elutions)]


def _history(
    schedule: Sequence[float],
    daughter: str,
    parent: str,
    efficiency: float | FloatArray,
    breakthrough: float,
) -> list[Step | Separation]:
    fractions = {
        parse_nuclide_name(daughter).symbol: efficiency,
        parse_nuclide_name(parent).symbol: breakthrough,
    }
    history: list[Step | Separation] = []
    clock = 0.0
    for t in schedule:
        history.append(Step(t - clock, label="ingrowth"))
        history.append(Separation(fractions, label="eluate"))  # type: ignore[arg-type]
        clock = t
    return history


def elute(
    parent: str,
    daughter: str,
    parent_activity: Quantity,
    *,
    interval: Quantity = "24 h",
    elutions: int = 5,
    elution_times: Sequence[Quantity] | None = None,
    efficiency: float = 1.0,
    breakthrough: float = 0.0,
    cooling: Quantity = 0.0,
    dataset: str | NuclearDataset = "radiochain",
) -> GeneratorResult:
    """Elute a generator on a schedule.

    Parameters
    ----------
    parent, daughter : str
        Nuclides (the daughter must be in the parent's chain).
    parent_activity : str or float [Bq]
        Parent on the column at t = 0 (``"1.85 GBq"``); the daughter starts at zero (a freshly
        eluted column).
    interval : str or float [s]
        Time between elutions (first one ``interval`` after t = 0).
    elutions : int
    elution_times : sequence of str or float [s], optional
        Explicit times instead of ``interval`` and ``elutions``.
    efficiency : float [1]
        Fraction of the daughter's element eluted.
    breakthrough : float [1]
        Fraction of the parent's element that leaves with the eluate.
    cooling : str or float [s]
        From each elution to the reported point (the table's ``activity_bq``).
    dataset : str or NuclearDataset

    Returns
    -------
    GeneratorResult
    """
    data = get_dataset(dataset)
    parent, daughter = canonical_name(parent), canonical_name(daughter)
    if data.lookup(daughter) not in data.descendants(data.lookup(parent)):
        raise InputError(f"{daughter} is not in the decay chain of {parent}")
    amount, dimension = parse_amount(parent_activity, default_unit="Bq", what="parent activity")
    if dimension != "activity" or not amount > 0:
        raise InputError(f"parent activity: give an activity > 0 (e.g. '1.85 GBq'), not {amount}")
    check_fraction(efficiency, "elution efficiency")
    check_fraction(breakthrough, "parent breakthrough")
    cool = to_seconds(cooling, what="cooling time")
    schedule = _schedule(interval, elutions, elution_times)
    atoms = {parent: amount / float(data.decay_constant[data.lookup(parent)])}
    history = solve_history(
        _history(schedule, daughter, parent, efficiency, breakthrough), atoms, dataset=data
    )
    table = _elution_table(history, parent, daughter, cool, data)
    return GeneratorResult(parent, daughter, history, table, efficiency, data.label, data, cool)


def _elution_table(
    history: ProductionResult, parent: str, daughter: str, cooling: float, data: NuclearDataset
) -> pd.DataFrame:
    """One row per elution (see :class:`GeneratorResult`)."""
    import pandas as pd

    jd, jp = history.column(daughter), history.column(parent)
    eluates = np.stack([w.atoms for w in history.withdrawals])
    later = element_values(history.nuclides, eluates, daughter, cooling, data)
    parent_later = later.impurity_activity.get(parent, np.zeros(len(eluates)))
    rows = []
    for k, w in enumerate(history.withdrawals):
        row = int(np.flatnonzero(np.isclose(history.times, w.time, rtol=0, atol=1e-6))[-1])
        a_d = float(later.activity[k])
        a_p = float(parent_later[k])
        rows.append(
            {
                "time_s": w.time,
                "activity_elution_bq": float(w.atoms[jd] * history.decay_constant[jd]),
                "column_parent_bq": float(history.activities[row, jp]),
                "activity_bq": a_d,
                "parent_breakthrough_bq": a_p,
                "breakthrough_ratio": a_p / a_d if a_d > 0 else float("nan"),
            }
        )
    return pd.DataFrame(rows, index=pd.RangeIndex(1, len(rows) + 1, name="elution"))


class GeneratorRoute(ProductionRoute):
    """A generator as a production route (see :func:`elute`)."""

    parameter_type = GeneratorParameters

    def __init__(self, name: str, parent: str, daughter: str, note: str) -> None:
        self.name = name
        self.parent = parent
        self.daughter = daughter
        self.products = (daughter,)
        self.summary = f"{parent}/{daughter} generator: elution schedule, efficiency, breakthrough"
        self.note = note

    def run(  # type: ignore[override]
        self,
        *,
        parent_activity: Quantity,
        interval: Quantity = "24 h",
        elutions: int = 5,
        elution_times: Sequence[Quantity] | None = None,
        efficiency: float = 1.0,
        breakthrough: float = 0.0,
        cooling: Quantity = 0.0,
        product: str | None = None,
        dataset: str | NuclearDataset = "radiochain",
    ) -> GeneratorResult:
        """Elute on a schedule (see :func:`elute`)."""
        self.check_product(product or self.daughter)
        return elute(
            self.parent,
            self.daughter,
            parent_activity,
            interval=interval,
            elutions=elutions,
            elution_times=elution_times,
            efficiency=efficiency,
            breakthrough=breakthrough,
            cooling=cooling,
            dataset=dataset,
        )

    def sample_events(self, parameters: RouteParameters) -> int:
        """Two events per elution (ingrowth, elution)."""
        assert isinstance(parameters, GeneratorParameters)
        return 2 * parameters.elutions

    def report(self, result: object) -> RouteReport:
        """Eluate activities, breakthrough and the column's daughter over time."""
        if not isinstance(result, GeneratorResult):
            raise InputError(f"{self.name}: report() needs a GeneratorResult")
        table = result.table
        history = result.history
        end = float(history.times[-1])
        grid = np.unique(np.concatenate([np.linspace(0.0, end, 400), history.times]))
        ratios = table["breakthrough_ratio"].to_numpy(dtype=float)
        finite = ratios[np.isfinite(ratios)]
        values: dict[str, float | None] = {
            "elutions": len(table),
            "cooling_s": result.cooling,
            "activity_first_bq": float(table["activity_bq"].iloc[0]),
            "activity_mean_bq": float(table["activity_bq"].mean()),
            "activity_total_bq": float(table["activity_bq"].sum()),
            "breakthrough_max_ratio": float(finite.max()) if finite.size else None,
        }
        series = {
            f"{self.daughter} available": result.available(grid),
            self.parent: np.interp(grid, history.times, history.activity_of(self.parent)),
        }
        return RouteReport(
            self.name,
            values,
            {self.parent: float(ratios[-1])} if np.isfinite(ratios[-1]) else {},
            grid,
            series,
            {"generator": self.note},
            result.dataset,
            table=table,
            notes=(
                "efficiency 1 and breakthrough 0 unless given: an ideal generator",
                "eluate activities --cooling after each elution",
            ),
        )

    def sample(  # type: ignore[override]
        self,
        samples: int,
        rng: np.random.Generator,
        *,
        parent_activity: Quantity,
        interval: Quantity = "24 h",
        elutions: int = 5,
        efficiency: float = 1.0,
        efficiency_uncertainty: float = 0.0,
        breakthrough: float = 0.0,
        cooling: Quantity = 0.0,
        product: str | None = None,
        dataset: str | NuclearDataset = "radiochain",
    ) -> dict[str, FloatArray]:
        """Samples of the eluate activities under the efficiency's uncertainty (vectorized),
        ``cooling`` after each elution."""
        check_samples(samples)
        self.check_product(product or self.daughter)
        data = get_dataset(dataset)
        cool = to_seconds(cooling, what="cooling time")
        check_fraction(efficiency, "elution efficiency")
        amount, _ = parse_amount(parent_activity, default_unit="Bq", what="parent activity")
        eff = truncated_fractions(efficiency, efficiency_uncertainty, samples, rng)
        schedule = _schedule(interval, elutions, None)
        atoms = {self.parent: amount / float(data.decay_constant[data.lookup(self.parent)])}
        runs = solve_history_samples(
            _history(schedule, self.daughter, self.parent, eff, breakthrough),
            atoms,
            samples,
            dataset=data,
        )
        eluates = np.stack([w[2] for w in runs.withdrawals])  # (elutions, samples, nuclides)
        count, _, n = eluates.shape
        later = element_values(
            runs.nuclides, eluates.reshape(count * samples, n), self.daughter, cool, data
        )
        per = later.activity.reshape(count, samples).T
        return {
            "activity_first_bq": per[:, 0],
            "activity_mean_bq": per.mean(axis=1),
            "activity_total_bq": per.sum(axis=1),
        }


GENERATOR_ROUTES: tuple[GeneratorRoute, ...] = (
    GeneratorRoute("ga68-generator", "Ge-68", "Ga-68", "Ge-68/Ga-68: decay data only"),
    GeneratorRoute("tc99m-generator", "Mo-99", "Tc-99m", "Mo-99/Tc-99m: decay data only"),
    GeneratorRoute("re188-generator", "W-188", "Re-188", "W-188/Re-188: decay data only"),
    GeneratorRoute("bi213-generator", "Ac-225", "Bi-213", "Ac-225/Bi-213: decay data only"),
)
"""The four generators as routes."""
