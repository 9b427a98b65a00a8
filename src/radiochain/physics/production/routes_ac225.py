"""Ac-225 routes: the Th-229 cow, Th-232 spallation and Ra-226(p,2n) (parametric).

=====================  ======================================================================
route                  what it models
=====================  ======================================================================
``ac225-th229-cow``    Th-229 (7916 y) -> Ra-225 (14.8 d) -> Ac-225 ingrowth, milked every N
                       days with a yield; at most the Th-229 activity per milking
``ac225-spallation``   Th-232 + high-energy protons: Ac-225 and Ra-225 (which decays to more
                       Ac-225) at a published saturation yield per µA, with co-produced Ac-227
``ac225-ra226-p2n``    Ra-226(p,2n)Ac-225 on a cyclotron at a published yield per µA and Ra-226
                       activity, with co-produced Ac-226 (29.4 h)
=====================  ======================================================================

The accelerator routes are parametric: a constant production rate per µA (from the figures in
``data/production/accelerator_yields.csv``) feeds the solver, which handles decay during and
after irradiation with the nuclear dataset's constants. They do not model excitation functions,
energy loss in the target or beam geometry: give your own yields for other conditions.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from radiochain.errors import DataError, InputError
from radiochain.physics.datasets import NuclearDataset, bundled_data_path, get_dataset
from radiochain.physics.production.base import (
    FloatArray,
    ProductionRoute,
    Quantity,
    RouteReport,
    amount_of,
    check_fraction,
    check_positive,
    element_values,
)
from radiochain.physics.production.parameters import (
    AC_YIELD,
    BEAM_CURRENT,
    COOLING,
    INTERVAL,
    IRRADIATION,
    MILKINGS,
    PRODUCT,
    RA226,
    RA_REMOVED,
    TH229,
    Amount,
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
    lognormal_factors,
    solve_history_samples,
    truncated_fractions,
)
from radiochain.units import AVOGADRO, SECONDS_PER_DAY, to_seconds

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Ac225RaP2n",
    "Ac225Spallation",
    "AcceleratorResult",
    "CowParameters",
    "CowResult",
    "RaP2nParameters",
    "SpallationParameters",
    "Th229Cow",
    "accelerator_yields",
    "cow_ingrowth_fraction",
]

HOUR = 3600.0
DAY = 86400.0


@dataclass(frozen=True, kw_only=True)
class CowParameters(RouteParameters):
    """Parameters of ``ac225-th229-cow``, in base units (Bq or g, s, 1).

    Attributes
    ----------
    th229 : Amount
        Th-229 in the cow (an activity or a mass).
    interval : float [s]
        Between milkings (default 14 d).
    milkings : int
        Default 6.
    ac_yield, ra_removed : float [1]
        Actinium recovered per milking (default 1), radium removed per milking (default 0).
    cooling : float [s]
        From each milking to the reported point.
    product : str
    """

    route_hint: ClassVar[str] = "route 'ac225-th229-cow'"
    th229: Amount = parameter(TH229)  # noqa: RUF009 (a field, see parameter())
    interval: float = parameter(INTERVAL, 14 * DAY)
    milkings: int = parameter(MILKINGS, 6)
    ac_yield: float = parameter(AC_YIELD, 1.0)
    ra_removed: float = parameter(RA_REMOVED, 0.0)
    cooling: float = parameter(COOLING, 0.0)
    product: str = parameter(PRODUCT, "Ac-225")


@dataclass(frozen=True, kw_only=True)
class SpallationParameters(RouteParameters):
    """Parameters of ``ac225-spallation``: ``beam_current`` [µA], ``irradiation`` [s]
    (default 10 d), ``cooling`` [s] after end of bombardment, ``product``."""

    route_hint: ClassVar[str] = "route 'ac225-spallation'"
    beam_current: float = parameter(BEAM_CURRENT)
    irradiation: float = parameter(IRRADIATION, 10 * DAY)
    cooling: float = parameter(COOLING, 0.0)
    product: str = parameter(PRODUCT, "Ac-225")


@dataclass(frozen=True, kw_only=True)
class RaP2nParameters(RouteParameters):
    """Parameters of ``ac225-ra226-p2n``: ``ra226`` (an :class:`Amount`), ``beam_current``
    [µA], ``irradiation`` [s] (default 5 h), ``cooling`` [s] after end of bombardment,
    ``product``."""

    route_hint: ClassVar[str] = "route 'ac225-ra226-p2n'"
    ra226: Amount = parameter(RA226)  # noqa: RUF009 (a field, see parameter())
    beam_current: float = parameter(BEAM_CURRENT)
    irradiation: float = parameter(IRRADIATION, 5 * HOUR)
    cooling: float = parameter(COOLING, 0.0)
    product: str = parameter(PRODUCT, "Ac-225")


@dataclass(frozen=True)
class YieldFigure:
    """One published figure of ``data/production/accelerator_yields.csv``."""

    key: str
    route: str
    quantity: str
    value: float
    uncertainty: float
    unit: str
    source: str
    citation: str
    note: str


@cache
def accelerator_yields() -> dict[str, YieldFigure]:
    """The published accelerator figures, by key (read once)."""
    folder = ("production",)
    try:
        with bundled_data_path(*folder, "sources.csv").open(encoding="utf-8") as handle:
            citations = {r["key"]: r["citation"] for r in csv.DictReader(handle)}
        with bundled_data_path(*folder, "accelerator_yields.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError as err:
        raise DataError(f"production yield table missing: {err.filename}") from err
    out = {}
    for row in rows:
        unc = row["uncertainty"].strip()
        out[row["key"]] = YieldFigure(
            key=row["key"],
            route=row["route"],
            quantity=row["quantity"],
            value=float(row["value"]),
            uncertainty=float(unc) if unc else math.nan,
            unit=row["unit"],
            source=row["source"],
            citation=citations.get(row["source"], row["source"]),
            note=row["note"],
        )
    return out


def _lam(data: NuclearDataset, nuclide: str) -> float:
    return float(data.decay_constant[data.lookup(nuclide)])


def _milking_table(result: ProductionResult, cooling: float, data: NuclearDataset) -> pd.DataFrame:
    """One row per milking of a cow's history (see :class:`CowResult`)."""
    import pandas as pd

    j_ac, j_th, j_ra = (result.column(n) for n in ("Ac-225", "Th-229", "Ra-225"))
    products = [w for w in result.withdrawals if w.label == "Ac-225 product"]
    ra_moves = [w for w in result.withdrawals if w.label == "Ra-225 removed"]
    later = element_values(
        result.nuclides, np.stack([w.atoms for w in products]), "Ac-225", cooling, data
    ).activity
    rows = []
    for k, w in enumerate(products):
        row = int(np.flatnonzero(np.isclose(result.times, w.time, rtol=0, atol=1e-6))[0])
        th_now = float(result.activities[row, j_th])
        ac = float(w.atoms[j_ac] * result.decay_constant[j_ac])
        ra = float(ra_moves[k].atoms[j_ra] * result.decay_constant[j_ra]) if ra_moves else 0.0
        rows.append(
            {
                "time_s": w.time,
                "activity_milking_bq": ac,
                "th229_activity_bq": th_now,
                "equilibrium_fraction": ac / th_now,
                "ra225_removed_bq": ra,
                "activity_bq": float(later[k]),
            }
        )
    return pd.DataFrame(rows, index=pd.RangeIndex(1, len(rows) + 1, name="milking"))


def cow_ingrowth_fraction(elapsed: float, dataset: str | NuclearDataset = "radiochain") -> float:
    """Ac-225 activity over Th-229 activity ``elapsed`` [s] after stripping Ra and Ac [1].

    Closed-form Bateman solution for a constant parent (Th-229 decays by 1e-6 per week):
    ``b (1 + (λ_Ac e^{-λ_Ra t} - λ_Ra e^{-λ_Ac t}) / (λ_Ra - λ_Ac))`` with ``b`` the
    Ra-225 β⁻ branch (0.99974; the rest is α to Rn-221). Approaches ``b`` (secular
    equilibrium) from below.
    """
    data = get_dataset(dataset)
    lra, lac = _lam(data, "Ra-225"), _lam(data, "Ac-225")
    ac = data.lookup("Ac-225")
    branch = sum(f for k, f in data.children[data.lookup("Ra-225")] if k == ac)
    t = float(elapsed)
    return branch * (1.0 + (lac * math.exp(-lra * t) - lra * math.exp(-lac * t)) / (lra - lac))


@dataclass(frozen=True)
class CowResult:
    """Result of ``ac225-th229-cow``.

    Attributes
    ----------
    history : ProductionResult
        The cow's inventory; its withdrawals are the milkings.
    table : DataFrame
        One row per milking: at the milking ``time_s``, ``activity_milking_bq`` (Ac-225 in the
        product), ``th229_activity_bq`` (the cow then), ``equilibrium_fraction`` (the first over
        the second: at most 1, the secular-equilibrium bound), ``ra225_removed_bq``; and
        ``activity_bq``, the product's Ac-225 ``cooling`` after the milking.
    th229_activity : float [Bq]
        At t = 0.
    dataset : str
    cooling : float [s]
        From each milking to the reported point.
    """

    history: ProductionResult
    table: pd.DataFrame
    th229_activity: float
    dataset: str
    cooling: float = 0.0


class Th229Cow(ProductionRoute):
    """``ac225-th229-cow``: milk Ac-225 from a Th-229 stock every ``interval``.

    At t = 0 the cow is freshly stripped (only Th-229; ``initial="equilibrium"`` starts with
    Ra-225 and Ac-225 in secular equilibrium). Every ``interval`` a separation moves ``ac_yield``
    of the actinium into the product and, optionally, ``ra_removed`` of the radium out of the
    cow (ORNL-style processing separates both from thorium). Th-229 stays in the cow.

    Physics bound (tested): a milking yields at most the Th-229 activity times ``ac_yield``.
    """

    name = "ac225-th229-cow"
    summary = "Th-229 cow milked every N days: Ra-225 -> Ac-225 ingrowth, yield per milking"
    products = ("Ac-225",)
    parameter_type = CowParameters

    def sample_events(self, parameters: RouteParameters) -> int:
        """Two events per milking (ingrowth, separation), three when radium is removed."""
        assert isinstance(parameters, CowParameters)
        return parameters.milkings * (3 if parameters.ra_removed > 0 else 2)

    def _build(
        self,
        th229: Amount | Quantity,
        interval: Quantity,
        milkings: int,
        ac_yield: float | FloatArray,
        ra_removed: float,
        initial: str,
        data: NuclearDataset,
    ) -> tuple[dict[str, float], list[Step | Separation], float]:
        amount, dimension = amount_of(th229, "Th-229 amount")
        th = data.lookup("Th-229")
        lam_th = float(data.decay_constant[th])
        if dimension == "activity":
            atoms_th = amount / lam_th
        elif dimension == "mass":
            atoms_th = amount * AVOGADRO / float(data.atomic_mass_u[th])
        else:
            atoms_th = amount
        if not atoms_th > 0:
            raise InputError("Th-229 amount must be > 0 (e.g. '100 mCi' or '0.5 g')")
        step = to_seconds(interval, what="milking interval")
        if not step > 0:
            raise InputError("milking interval must be > 0 (e.g. '14 d')")
        if isinstance(milkings, bool) or not isinstance(milkings, int) or milkings < 1:
            raise InputError(f"milkings: {milkings!r} is not valid (give an integer >= 1)")
        if isinstance(ac_yield, int | float):
            check_fraction(ac_yield, "ac_yield")
        check_fraction(ra_removed, "ra_removed")
        atoms = {"Th-229": atoms_th}
        if initial == "equilibrium":
            activity = atoms_th * lam_th
            atoms["Ra-225"] = activity / _lam(data, "Ra-225")
            atoms["Ac-225"] = activity / _lam(data, "Ac-225")
        elif initial != "stripped":
            raise InputError(f"initial: {initial!r} (give 'stripped' or 'equilibrium')")
        history: list[Step | Separation] = []
        fractions: dict[str, float] = {"Ac": ac_yield}  # type: ignore[dict-item]
        radium = {"Ra": ra_removed}
        for _ in range(milkings):
            history.append(Step(step, label="ingrowth"))
            history.append(Separation(fractions, label="Ac-225 product"))
            if ra_removed > 0:
                history.append(Separation(radium, label="Ra-225 removed"))
        return atoms, history, atoms_th * lam_th

    def run(  # type: ignore[override]
        self,
        *,
        th229: Amount | Quantity,
        interval: Quantity = "14 d",
        milkings: int = 6,
        ac_yield: float = 1.0,
        ra_removed: float = 0.0,
        initial: str = "stripped",
        cooling: Quantity = 0.0,
        product: str = "Ac-225",
        dataset: str | NuclearDataset = "radiochain",
    ) -> CowResult:
        """Milk the cow ``milkings`` times.

        Parameters
        ----------
        th229 : Amount, str or float
            Th-229 in the cow: an activity (``"100 mCi"``; a bare number is Bq), a mass
            (``"0.5 g"``) or atoms.
        interval : str or float [s]
            Time between milkings (the first is ``interval`` after t = 0).
        milkings : int
        ac_yield : float [1]
            Fraction of the cow's actinium recovered per milking.
        ra_removed : float [1]
            Fraction of the cow's radium removed at each milking (lost to this cow).
        initial : {"stripped", "equilibrium"}
        cooling : str or float [s]
            From each milking to the reported point (the table's ``activity_bq``).
        """
        self.check_product(product)
        data = get_dataset(dataset)
        cool = to_seconds(cooling, what="cooling time")
        atoms, history, th_activity = self._build(
            th229, interval, milkings, ac_yield, ra_removed, initial, data
        )
        result = solve_history(history, atoms, dataset=data)
        table = _milking_table(result, cool, data)
        return CowResult(result, table, th_activity, data.label, cool)

    def report(self, result: object) -> RouteReport:
        """Per-milking yields, their total and the equilibrium bound."""
        if not isinstance(result, CowResult):
            raise InputError(f"{self.name}: report() needs a CowResult")
        table = result.table
        values: dict[str, float | None] = {
            "th229_activity_bq": result.th229_activity,
            "milkings": len(table),
            "cooling_s": result.cooling,
            "activity_first_bq": float(table["activity_bq"].iloc[0]),
            "activity_mean_bq": float(table["activity_bq"].mean()),
            "activity_total_bq": float(table["activity_bq"].sum()),
            "equilibrium_max_fraction": float(table["equilibrium_fraction"].max()),
        }
        history = result.history
        series: dict[str, FloatArray] = {
            n: history.activity_of(n)
            for n in ("Th-229", "Ra-225", "Ac-225")
            if n in history.nuclides
        }
        return RouteReport(
            self.name,
            values,
            {},
            history.times,
            series,
            {"Th-229 cow": "decay data only (no cross sections); bound: secular equilibrium"},
            result.dataset,
            table=table,
            notes=(
                "each milking yields at most ac_yield x the Th-229 activity",
                "activities of the product --cooling after each milking",
            ),
        )

    def sample(  # type: ignore[override]
        self,
        samples: int,
        rng: np.random.Generator,
        *,
        th229: Amount | Quantity,
        interval: Quantity = "14 d",
        milkings: int = 6,
        ac_yield: float = 1.0,
        ac_yield_uncertainty: float = 0.0,
        ra_removed: float = 0.0,
        initial: str = "stripped",
        cooling: Quantity = 0.0,
        product: str = "Ac-225",
        dataset: str | NuclearDataset = "radiochain",
    ) -> dict[str, FloatArray]:
        """Samples of the per-milking yield under the yield's uncertainty (vectorized), at
        ``cooling`` after each milking."""
        check_samples(samples)
        self.check_product(product)
        data = get_dataset(dataset)
        cool = to_seconds(cooling, what="cooling time")
        check_fraction(ac_yield, "ac_yield")
        yields = truncated_fractions(ac_yield, ac_yield_uncertainty, samples, rng)
        atoms, history, _ = self._build(
            th229, interval, milkings, yields, ra_removed, initial, data
        )
        runs = solve_history_samples(history, atoms, samples, dataset=data)
        product_rows = np.stack([w[2] for w in runs.withdrawals if w[1] == "Ac-225 product"])
        count, _, n = product_rows.shape  # (milkings, samples, nuclides)
        later = element_values(
            runs.nuclides, product_rows.reshape(count * samples, n), "Ac-225", cool, data
        )
        per = later.activity.reshape(count, samples).T
        return {
            "activity_first_bq": per[:, 0],
            "activity_mean_bq": per.mean(axis=1),
            "activity_total_bq": per.sum(axis=1),
        }


@dataclass(frozen=True)
class AcceleratorResult:
    """Result of a parametric accelerator route.

    Attributes
    ----------
    history : ProductionResult
        Target inventory (produced nuclides only) from beam on to the end of cooling.
    end_of_bombardment : float [s]
    cooling : float [s]
    activity_eob : float [Bq]
        Ac-225 at end of bombardment.
    activity : float [Bq]
        Ac-225 after cooling (Ra-225 left in the target keeps feeding it).
    impurity_ratio_eob, impurity_ratio : dict of str to float [1]
        Activity of the co-produced actinium isotopes over Ac-225's.
    sources : dict of str to str
    dataset : str
    notes : tuple of str
    """

    history: ProductionResult
    end_of_bombardment: float
    cooling: float
    activity_eob: float
    activity: float
    impurity_ratio_eob: dict[str, float]
    impurity_ratio: dict[str, float]
    sources: dict[str, str]
    dataset: str
    notes: tuple[str, ...] = field(default=())


def _accelerator_run(
    route: str,
    feeds: dict[str, float],
    duration: float,
    cooling: float,
    data: NuclearDataset,
    sources: dict[str, str],
    notes: tuple[str, ...],
    samples_per_day: float = 0.0,
) -> AcceleratorResult:
    per = max(1, math.ceil(duration / SECONDS_PER_DAY * samples_per_day)) if samples_per_day else 1
    per_c = max(1, math.ceil(cooling / SECONDS_PER_DAY * samples_per_day)) if samples_per_day else 1
    steps = [Step(duration, feed=feeds, samples=per, label="irradiation")]
    if cooling > 0:
        steps.append(Step(cooling, samples=per_c, label="cooling"))
    history = solve_history(steps, {}, dataset=data, extra_nuclides=tuple(feeds))
    eob_row = history.step_end_index[0]
    ac = [n for n in history.nuclides if n.startswith("Ac-") and n != "Ac-225"]

    def ratios(row: int) -> dict[str, float]:
        base = float(history.activities[row, history.column("Ac-225")])
        if not base > 0:
            return {}
        return {n: float(history.activities[row, history.column(n)]) / base for n in ac}

    return AcceleratorResult(
        history=history,
        end_of_bombardment=duration,
        cooling=cooling,
        activity_eob=float(history.activity_of("Ac-225")[eob_row]),
        activity=float(history.activity_of("Ac-225")[-1]),
        impurity_ratio_eob=ratios(eob_row),
        impurity_ratio=ratios(len(history.times) - 1),
        sources=sources,
        dataset=data.label,
        notes=notes,
    )


def _accelerator_report(route: ProductionRoute, result: object) -> RouteReport:
    if not isinstance(result, AcceleratorResult):
        raise InputError(f"{route.name}: report() needs an AcceleratorResult")
    history = result.history
    values: dict[str, float | None] = {
        "end_of_bombardment_s": result.end_of_bombardment,
        "activity_eob_bq": result.activity_eob,
        "cooling_s": result.cooling,
        "activity_bq": result.activity,
    }
    for name, ratio in result.impurity_ratio_eob.items():
        values[f"{name.lower().replace('-', '')}_eob_ratio"] = ratio
    for name, ratio in result.impurity_ratio.items():
        values[f"{name.lower().replace('-', '')}_ratio"] = ratio
    if "Ra-225" in history.nuclides:
        values["ra225_activity_eob_bq"] = float(
            history.activity_of("Ra-225")[history.step_end_index[0]]
        )
    shown = [n for n in history.nuclides if n[:3] in ("Ac-", "Ra-") and n != "Ra-226"]
    return RouteReport(
        route.name,
        values,
        result.impurity_ratio,
        history.times,
        {n: history.activity_of(n) for n in shown},
        result.sources,
        result.dataset,
        notes=result.notes,
    )


def _current(value: float) -> float:
    return check_positive(value, "beam current", "µA")


class Ac225Spallation(ProductionRoute):
    """``ac225-spallation``: Th-232 spallation with high-energy protons (parametric).

    Production rates per µA (a saturation yield [Bq/µA] is a rate [atoms/s] per µA) from the
    TRIUMF saturation yields (480 MeV, thick Th metal target;
    Robertson et al. 2019): 72.5 MBq/µA Ac-225 and 17.6 MBq/µA Ra-225 (which decays to
    Ac-225 after the beam). Ac-227 is co-produced at a rate that reproduces the reported 0.2 %
    Ac-227 in the product of a 2600 µA·h irradiation; it cannot be separated chemically.
    """

    name = "ac225-spallation"
    summary = (
        "Th-232 + high-energy protons (parametric, TRIUMF 480 MeV yields): Ac-225, Ra-225 "
        "and co-produced Ac-227"
    )
    products = ("Ac-225",)
    parameter_type = SpallationParameters

    def history_span(self, parameters: RouteParameters) -> float:
        """Irradiation and cooling [s]."""
        assert isinstance(parameters, SpallationParameters)
        return parameters.irradiation + parameters.cooling

    def _feeds(
        self,
        current: float,
        data: NuclearDataset,
        ac225_saturation_yield: float | None,
        ra225_saturation_yield: float | None,
        ac227_ratio: float | None,
    ) -> dict[str, float]:
        figures = accelerator_yields()
        y_ac = figures["triumf_ac225_saturation"].value
        y_ra = figures["triumf_ra225_saturation"].value
        ratio = figures["triumf_ac227_ratio"].value if ac227_ratio is None else ac227_ratio
        y_ac = y_ac if ac225_saturation_yield is None else ac225_saturation_yield
        y_ra = y_ra if ra225_saturation_yield is None else ra225_saturation_yield
        check_fraction(ratio, "ac227_ratio")
        ref_t = (
            figures["triumf_reference_charge"].value
            / figures["triumf_reference_current"].value
            * HOUR
        )
        l225, l227 = _lam(data, "Ac-225"), _lam(data, "Ac-227")
        # Ac-227 per µA: ratio * A225(ref) / (1 - exp(-λ227 t_ref)) = its saturation yield
        y_227 = ratio * y_ac * -math.expm1(-l225 * ref_t) / -math.expm1(-l227 * ref_t)
        # a saturation yield [Bq/µA] is the production rate [atoms/s] per µA
        return {"Ac-225": y_ac * current, "Ra-225": y_ra * current, "Ac-227": y_227 * current}

    def run(  # type: ignore[override]
        self,
        *,
        beam_current: float,
        irradiation: Quantity = "10 d",
        cooling: Quantity = 0.0,
        ac225_saturation_yield: float | None = None,
        ra225_saturation_yield: float | None = None,
        ac227_ratio: float | None = None,
        product: str = "Ac-225",
        samples_per_day: float = 0.0,
        dataset: str | NuclearDataset = "radiochain",
    ) -> AcceleratorResult:
        """Irradiate at ``beam_current`` [µA] for ``irradiation``, then cool.

        Parameters
        ----------
        beam_current : float [µA]
        irradiation, cooling : str or float [s]
        ac225_saturation_yield, ra225_saturation_yield : float [Bq/µA], optional
            Defaults: the TRIUMF figures (``data/production``).
        ac227_ratio : float [1], optional
            Ac-227/Ac-225 activity at the end of the reference irradiation (default 0.002).
        """
        self.check_product(product)
        data = get_dataset(dataset)
        current = _current(beam_current)
        duration = to_seconds(irradiation, what="irradiation time")
        cool = to_seconds(cooling, what="cooling time")
        feeds = self._feeds(current, data, ac225_saturation_yield, ra225_saturation_yield,
                            ac227_ratio)  # fmt: skip
        figures = accelerator_yields()
        sources = {
            "Ac-225, Ra-225 yields": figures["triumf_ac225_saturation"].citation,
            "Ac-227 ratio": figures["triumf_ac227_ratio"].citation,
        }
        notes = (
            "parametric: yields of 480 MeV protons on a thick Th target (TRIUMF)",
            "Ac-227 ratio: reference time of the published 0.2 % not stated (taken as EOB)",
        )
        return _accelerator_run(
            self.name, feeds, duration, cool, data, sources, notes, samples_per_day
        )

    def report(self, result: object) -> RouteReport:
        """Ac-225 at EOB and after cooling, Ra-225 at EOB, Ac-227/Ac-225."""
        return _accelerator_report(self, result)

    def sample(  # type: ignore[override]
        self,
        samples: int,
        rng: np.random.Generator,
        *,
        beam_current: float,
        irradiation: Quantity = "10 d",
        cooling: Quantity = 0.0,
        product: str = "Ac-225",
        samples_per_day: float = 0.0,
        dataset: str | NuclearDataset = "radiochain",
    ) -> dict[str, FloatArray]:
        """Samples under the published yields' uncertainties (Ac-225 4 %, Ra-225 15 %)."""
        check_samples(samples)
        self.check_product(product)
        data = get_dataset(dataset)
        feeds = self._feeds(_current(beam_current), data, None, None, None)
        figures = accelerator_yields()
        ac, ra = figures["triumf_ac225_saturation"], figures["triumf_ra225_saturation"]
        f_ac = lognormal_factors(ac.uncertainty / ac.value, samples, rng)
        scales = {
            "feed:Ac-225": f_ac,
            "feed:Ra-225": lognormal_factors(ra.uncertainty / ra.value, samples, rng),
            "feed:Ac-227": f_ac,  # the Ac-227 rate is defined relative to Ac-225's
        }
        duration = to_seconds(irradiation, what="irradiation time")
        cool = to_seconds(cooling, what="cooling time")
        steps = [Step(duration, feed=feeds), Step(cool)]
        runs = solve_history_samples(
            steps, {}, samples, scales=scales, dataset=data, extra_nuclides=tuple(feeds)
        )
        eob = element_values(runs.nuclides, runs.atoms[:, 1], "Ac-225", 0.0, data)
        end = element_values(runs.nuclides, runs.atoms[:, 2], "Ac-225", 0.0, data)
        return {
            "activity_eob_bq": eob.activity,
            "activity_bq": end.activity,
            "ac227_eob_ratio": eob.ratio("Ac-227"),
        }


class Ac225RaP2n(ProductionRoute):
    """``ac225-ra226-p2n``: Ra-226(p,2n)Ac-225 on a medical cyclotron (parametric).

    The production rate per µA per Bq of Ra-226 on target is derived from Nagatsu et al.
    (2021): 2.4 MBq Ac-225 at EOB from about 37 MBq Ra-226 after 5 h at 20 µA, 15.6 MeV.
    Ac-226 (29.4 h) is co-produced; its ratio at EOB defaults to the published bound
    (Ac-226/Ac-225 < 3 % at 4 d) decay-corrected to EOB, so it is an upper bound. Ac-226 must
    be in the nuclear dataset (``icrp107``) to be followed; the bundled dataset lacks it, and
    then only Ac-225 is computed (a note says so).
    """

    name = "ac225-ra226-p2n"
    summary = (
        "Ra-226(p,2n)Ac-225 on a cyclotron (parametric, Nagatsu 2021 yield) with co-produced Ac-226"
    )
    products = ("Ac-225",)
    parameter_type = RaP2nParameters

    def history_span(self, parameters: RouteParameters) -> float:
        """Irradiation and cooling [s]."""
        assert isinstance(parameters, RaP2nParameters)
        return parameters.irradiation + parameters.cooling

    def run(  # type: ignore[override]
        self,
        *,
        ra226: Amount | Quantity,
        beam_current: float,
        irradiation: Quantity = "5 h",
        cooling: Quantity = 0.0,
        ac226_ratio_eob: float | None = None,
        product: str = "Ac-225",
        samples_per_day: float = 0.0,
        dataset: str | NuclearDataset = "radiochain",
    ) -> AcceleratorResult:
        """Irradiate ``ra226`` (activity, mass) at ``beam_current`` [µA].

        Parameters
        ----------
        ra226 : str or float
            Ra-226 on target: ``"37 MBq"``, ``"1 mg"`` (a bare number is Bq).
        beam_current : float [µA]
        irradiation, cooling : str or float [s]
        ac226_ratio_eob : float [1], optional
            Ac-226/Ac-225 activity ratio at EOB for the reference irradiation (default: the
            published upper bound corrected to EOB).
        """
        self.check_product(product)
        data = get_dataset(dataset)
        amount, dimension = amount_of(ra226, "Ra-226 on target")
        i = data.lookup("Ra-226")
        lam_ra = float(data.decay_constant[i])
        if dimension == "mass":
            amount = amount * AVOGADRO / float(data.atomic_mass_u[i]) * lam_ra
        elif dimension == "atoms":
            amount = amount * lam_ra
        if not amount > 0:
            raise InputError("Ra-226 on target must be > 0 (e.g. '37 MBq' or '1 mg')")
        current = _current(beam_current)
        duration = to_seconds(irradiation, what="irradiation time")
        cool = to_seconds(cooling, what="cooling time")
        fig = accelerator_yields()
        l225 = _lam(data, "Ac-225")
        ref_t = fig["nagatsu_duration"].value * HOUR
        ref_rate = fig["nagatsu_ac225_eob"].value / -math.expm1(-l225 * ref_t)  # atoms/s
        per = ref_rate / (fig["nagatsu_current"].value * fig["nagatsu_ra226_activity"].value)
        feeds = {"Ac-225": per * current * amount}
        notes = ["parametric: 15.6 MeV protons on an electroplated Ra-226 target (Nagatsu 2021)"]
        if "Ac-226" in data:
            l226 = _lam(data, "Ac-226")
            if ac226_ratio_eob is None:
                t4 = 4 * SECONDS_PER_DAY
                ac226_ratio_eob = fig["nagatsu_ac226_ratio_4d"].value * math.exp((l226 - l225) * t4)
                notes.append("Ac-226/Ac-225 at EOB: upper bound from '< 3 % at 4 d'")
            check_positive(ac226_ratio_eob + 1.0, "ac226_ratio_eob", "1")
            # rate ratio from the EOB activity ratio of the reference irradiation
            ratio_rate = ac226_ratio_eob * -math.expm1(-l225 * ref_t) / -math.expm1(-l226 * ref_t)
            feeds["Ac-226"] = feeds["Ac-225"] * ratio_rate
        else:
            notes.append(
                f"Ac-226 is not in nuclear dataset {data.name!r}: not followed "
                "(use --dataset icrp107)"
            )
        sources = {"Ac-225 yield, Ac-226 ratio": fig["nagatsu_ac225_eob"].citation}
        return _accelerator_run(
            self.name, feeds, duration, cool, data, sources, tuple(notes), samples_per_day
        )

    def report(self, result: object) -> RouteReport:
        """Ac-225 at EOB and after cooling, Ac-226/Ac-225 when the dataset has Ac-226."""
        return _accelerator_report(self, result)
