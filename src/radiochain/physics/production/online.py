"""On-line irradiation: a weekly stream of targets through a reactor that keeps running.

Heavy-water power reactors with on-power refuelling (CANDU, e.g. Qinshan Phase III, China's
first commercial on-line isotope irradiation device, in service since 26 Dec 2024) can insert
and withdraw isotope targets without shutting down. Output is then a stream: every week a fresh
target goes in, stays ``weeks_in_core`` weeks and comes out. Reactor outages stop the flux;
a target in core during an outage just decays.

Each target's history is its slice of the reactor calendar: full-power intervals become
irradiation steps, outages become shutdown steps, all in the same constant field. Because
the slices repeat, the distinct steps are few (a full week, and the pieces around outages):
their propagators are computed once (:class:`uncertainty.BatchSystem` caches them) and reused
by every target and, with ``samples``, by every uncertainty sample at once.

"Activity at EOB" of a target is at its withdrawal (end of its stay in core); if the reactor was
down at the end of the stay, the target has cooled since the outage began.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from radiochain.errors import InputError, elide
from radiochain.physics.datasets import NuclearDataset, get_dataset
from radiochain.physics.production.activation import (
    Irradiation,
    NeutronField,
    schedule_history,
    target_atoms,
)
from radiochain.physics.production.base import (
    FloatArray,
    ProductionRoute,
    Quantity,
    RouteReport,
    check_flux,
    check_fraction,
    element_values,
    sources_for,
)
from radiochain.physics.production.parameters import (
    COOLING,
    ENRICHMENT,
    EPITHERMAL_FLUX,
    PRODUCT,
    START,
    TARGET_MASS,
    TARGETS,
    THERMAL_FLUX,
    WEEKS_IN_CORE,
    ParameterSpec,
    RouteParameters,
    parameter,
    parse_date,
)
from radiochain.physics.production.presentation import with_statistic
from radiochain.physics.production.routes_lu177 import check_neutrons
from radiochain.physics.production.solver import Step, nuclide_set
from radiochain.physics.production.uncertainty import (
    BatchSystem,
    capture_scales,
    check_samples,
    solve_history_samples,
    summarize,
)
from radiochain.units import SECONDS_PER_DAY, format_quantity, to_grams, to_seconds

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Lu177Online",
    "Lu177OnlineParameters",
    "OnlineResult",
    "online_irradiation",
    "parse_outages",
]

WEEK_S = 7 * SECONDS_PER_DAY


MAX_OUTAGES = 1000
"""Most reactor outages one stream takes."""
MAX_SAMPLED_TARGETS = 1_000_000
"""Most samples times targets of one sampled stream (all are kept for the weekly table)."""

_ISO_DATE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")


def _outage_bound(
    value: Quantity | datetime.date, origin: datetime.date | None, what: str
) -> float:
    """One bound of an outage [s since the start, >= 0]: a duration, or an ISO date on or after
    ``origin`` (an outage under way at the first insertion begins at 0 or at ``--start``)."""
    if isinstance(value, datetime.date) or (isinstance(value, str) and _ISO_DATE.match(value)):
        day = parse_date(value, what)
        if origin is None:
            raise InputError(
                f"{what}: {day.isoformat()} is a date; give --start (the date of the first "
                "insertion) or write the outage as durations ('30 d/45 d')"
            )
        if day < origin:
            raise InputError(
                f"{what}: {day.isoformat()} is before --start {origin.isoformat()} (an outage "
                "under way at the first insertion begins on --start)"
            )
        return (day - origin).days * SECONDS_PER_DAY
    seconds = (
        to_seconds(value, default_unit=None, what=what, allow_negative=True)
        if isinstance(value, str)
        else to_seconds(value, what=what, allow_negative=True)
    )
    if seconds < 0:
        raise InputError(
            f"{what}: {elide(value)!r} is before the first insertion (bounds are times since "
            "it, >= 0; an outage under way at the start is written '0 d/10 d')"
        )
    return seconds


def parse_outages(
    outages: Sequence[tuple[Quantity, Quantity] | str],
    start: str | datetime.date | None = None,
) -> list[tuple[float, float]]:
    """Outages as (begin, end) [s] since the start of the stream, sorted, not overlapping.

    Parameters
    ----------
    outages : sequence of (begin, end) or "begin/end" strings
        Each bound a duration since the start, >= 0 (``"30 d"``; numbers are seconds, text
        needs its unit) or, when ``start`` is given, an ISO date on or after it
        (``"2026-03-01"``).
    start : str or datetime.date, optional
        ISO date of the first insertion (2000-01-01 to 2100-12-31).

    Raises
    ------
    InputError
        A bound that does not parse or lies before the start, an outage that ends before it
        begins, two outages that overlap, or more than :data:`MAX_OUTAGES`.
    """
    origin = parse_date(start, "--start") if start is not None else None
    if isinstance(outages, str):
        outages = [outages]
    if len(outages) > MAX_OUTAGES:
        raise InputError(f"--outage: {len(outages):,} outages are too many (give at most "
                         f"{MAX_OUTAGES:,})")  # fmt: skip
    spans: list[tuple[float, float]] = []
    for k, item in enumerate(outages):
        what = f"--outage {k + 1}"
        if isinstance(item, str):
            parts = item.split("/")
            if len(parts) != 2:
                raise InputError(
                    f"{what}: {elide(item)!r} is not 'begin/end' (e.g. '30 d/45 d' or "
                    "'2026-03-01/2026-03-20')"
                )
            pair: tuple[Quantity, Quantity] = (parts[0].strip(), parts[1].strip())
        elif isinstance(item, Sequence) and len(item) == 2:
            pair = (item[0], item[1])
        else:
            raise InputError(f"{what}: {elide(item)!r} is not a (begin, end) pair")
        begin, end = (_outage_bound(value, origin, what) for value in pair)
        if not end > begin:
            raise InputError(
                f"{what} ends ({format_quantity(end, 'time')}) before it begins "
                f"({format_quantity(begin, 'time')})"
            )
        spans.append((begin, end))
    spans.sort()
    for (_b0, e0), (b1, _) in itertools.pairwise(spans):
        if b1 < e0:
            raise InputError(
                f"outages overlap: one ends at {e0 / SECONDS_PER_DAY:g} d, the next begins at "
                f"{b1 / SECONDS_PER_DAY:g} d (give each outage once, in a non-overlapping calendar)"
            )
    return spans


def _outages_parameter(
    value: object, context: Mapping[str, object]
) -> tuple[tuple[float, float], ...]:
    """The ``--outage`` parameter: text or pairs, dates relative to ``start``."""
    start = context.get("start")
    if value is None or value == ():
        return ()
    items = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    return tuple(parse_outages(items, start if isinstance(start, datetime.date) else None))


OUTAGES = ParameterSpec(
    "outages",
    "custom",
    "a reactor outage 'begin/end', as times since the first insertion ('30 d/45 d') or dates "
    "with --start ('2026-03-01/2026-03-20'); repeatable",
    option="--outage",
    parser=_outages_parameter,
    json_unit="_s",
)


def _periods(
    insert: float, withdraw: float, outages: Sequence[tuple[float, float]], flux: NeutronField
) -> list[Irradiation]:
    """Full-power periods of one target, relative to its insertion."""
    periods: list[Irradiation] = []
    clock = insert
    for begin, end in outages:
        if end <= clock or begin >= withdraw:
            continue
        if begin > clock:
            periods.append(Irradiation(clock - insert, begin - insert, flux))
        clock = max(clock, end)
    if clock < withdraw:
        periods.append(Irradiation(clock - insert, withdraw - insert, flux))
    return periods


@dataclass(frozen=True)
class OnlineResult:
    """Result of an on-line irradiation stream.

    Attributes
    ----------
    table : DataFrame
        One row per target (index ``target``): ``insertion_s``, ``withdrawal_s`` since the
        start (and ``insertion``/``withdrawal`` timestamps when a start date was given),
        ``full_power_s`` in core; at withdrawal ``activity_eob_bq``,
        ``specific_activity_eob_bq_per_g``, ``lu177m_eob_ratio``; ``cooling`` after withdrawal
        ``activity_bq``, ``specific_activity_bq_per_g``, ``lu177m_ratio``; with samples each
        value as ``activity_eob_median_bq``, ``activity_eob_p05_bq``, ``activity_eob_p95_bq``
        (the statistic before the unit) instead.
    target_atoms : dict of str to float
        Atoms per isotope of a fresh target.
    dataset : str
    sources : dict of str to str
    expm_calls : int
        Distinct step propagators computed (a measure of the reuse across the stream).
    cooling : float [s]
        From each target's withdrawal to its reported point.
    """

    table: pd.DataFrame
    target_atoms: dict[str, float]
    dataset: str
    sources: dict[str, str]
    expm_calls: int = field(default=0)
    cooling: float = field(default=0.0)


@dataclass(frozen=True)
class _Target:
    insertion: float
    withdrawal: float
    full_power: float
    steps: list[Step]


def _stream(
    targets: int,
    weeks_in_core: int,
    period: float,
    spans: Sequence[tuple[float, float]],
    flux: NeutronField,
    atoms: Mapping[str, float],
    data: NuclearDataset,
) -> list[_Target]:
    """Every target's slice of the reactor calendar, as solver steps."""
    out = []
    for k in range(targets):
        insert = k * period
        withdraw = insert + weeks_in_core * period
        periods = _periods(insert, withdraw, spans, flux)
        steps = schedule_history(periods, atoms, dataset=data, end=withdraw - insert)
        out.append(_Target(insert, withdraw, sum(p.end - p.start for p in periods), steps))
    return out


def _solve_stream(
    stream: Sequence[_Target],
    atoms: Mapping[str, float],
    flux: NeutronField,
    sample_count: int,
    rng: np.random.Generator | None,
    data: NuclearDataset,
) -> tuple[tuple[str, ...], FloatArray, int]:
    """Atoms of every target at withdrawal, shape (targets, samples, n), with its nuclides and
    the number of distinct propagators computed."""
    channels = [c for target in stream for step in target.steps for c in step.channels]
    names = nuclide_set(data, [*atoms, "Lu-177m"], channels)
    scales = capture_scales(channels, flux, sample_count, rng) if rng is not None else None
    system = BatchSystem(names, sample_count, scales=scales, dataset=data, always_keep=atoms)
    final = np.zeros((len(stream), sample_count, len(names)))
    for k, target in enumerate(stream):
        runs = solve_history_samples(target.steps, atoms, sample_count, system=system)
        final[k] = runs.atoms[:, -1]
    return names, final, system.expm_calls


def _lu_columns(
    names: tuple[str, ...], final: FloatArray, elapsed: float, data: NuclearDataset, suffix: str
) -> dict[str, FloatArray]:
    """Lu-177 activity, specific activity and Lu-177m ratio of every target and sample,
    ``elapsed`` after withdrawal, shape (targets, samples) each."""
    targets, samples, n = final.shape
    values = element_values(names, final.reshape(targets * samples, n), "Lu-177", elapsed, data)
    return {
        f"activity{suffix}_bq": values.activity.reshape(targets, samples),
        f"specific_activity{suffix}_bq_per_g": values.specific_activity.reshape(targets, samples),
        f"lu177m{suffix}_ratio": values.ratio("Lu-177m").reshape(targets, samples),
    }


def _stream_table(
    stream: Sequence[_Target],
    columns: Mapping[str, FloatArray],
    start: datetime.date | None,
    sampled: bool,
) -> pd.DataFrame:
    import pandas as pd

    table = pd.DataFrame(
        {
            "insertion_s": [t.insertion for t in stream],
            "withdrawal_s": [t.withdrawal for t in stream],
            "full_power_s": [t.full_power for t in stream],
        },
        index=pd.RangeIndex(1, len(stream) + 1, name="target"),
    )
    if start is not None:
        origin = pd.Timestamp(start)
        table.insert(0, "insertion", origin + pd.to_timedelta(table["insertion_s"], unit="s"))
        table.insert(1, "withdrawal", origin + pd.to_timedelta(table["withdrawal_s"], unit="s"))
    for column, array in columns.items():
        if sampled:
            stats = [summarize(row) for row in array]
            table[with_statistic(column, "median")] = [s.median for s in stats]
            table[with_statistic(column, "p05")] = [s.low for s in stats]
            table[with_statistic(column, "p95")] = [s.high for s in stats]
        else:
            table[column] = array[:, 0]
    return table


def _check_counts(weeks_in_core: int, targets: int) -> None:
    for name, value in (("weeks_in_core", weeks_in_core), ("targets", targets)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"{name}: {value!r} is not valid (give an integer >= 1)")


def online_irradiation(
    *,
    target_mass: Quantity,
    enrichment: float,
    thermal_flux: float,
    epithermal_flux: float = 0.0,
    weeks_in_core: int = 2,
    targets: int = 52,
    outages: Sequence[tuple[Quantity, Quantity] | str] = (),
    start: str | datetime.date | None = None,
    period: Quantity = "7 d",
    cooling: Quantity = 0.0,
    samples: int = 0,
    rng: np.random.Generator | None = None,
    dataset: str | NuclearDataset = "radiochain",
) -> OnlineResult:
    """A stream of Lu-176 targets: one inserted every ``period``, each in core ``weeks_in_core``.

    Parameters
    ----------
    target_mass : str or float [g]
        Lutetium per target.
    enrichment : float [1]
        Lu-176 atom fraction.
    thermal_flux, epithermal_flux : float [n cm⁻² s⁻¹]
        Flux at the on-line irradiation position while the reactor runs.
    weeks_in_core : int
        Number of periods each target stays in core (>= 1).
    targets : int
        Number of targets in the stream (52: a year of weekly insertions).
    outages : sequence of (begin, end) or "begin/end"
        Reactor outages (see :func:`parse_outages`).
    start : str or datetime.date, optional
        ISO date of the first insertion (adds timestamp columns).
    period : str or float [s]
        Time between insertions (``"7 d"``).
    cooling : str or float [s]
        From each target's withdrawal to its reported point (the ``activity_bq`` columns).
    samples : int
        0 for nominal values only; N > 0 adds median and 90 % interval columns from N samples of
        the cross sections (vectorized).
    rng : numpy.random.Generator, optional
        Required with ``samples``.
    dataset : str or NuclearDataset

    Returns
    -------
    OnlineResult

    Raises
    ------
    InputError
        Bad mass, enrichment, flux, counts or outages.
    """
    data = get_dataset(dataset)
    mass = to_grams(target_mass, what="target mass")
    check_fraction(enrichment, "enrichment of Lu-176")
    flux = NeutronField(
        check_flux(thermal_flux, "thermal flux"), check_flux(epithermal_flux, "epithermal flux")
    )
    _check_counts(weeks_in_core, targets)
    step = to_seconds(period, what="insertion period")
    if not step > 0:
        raise InputError("insertion period must be > 0 (e.g. '7 d')")
    cool = to_seconds(cooling, what="cooling time")
    origin = parse_date(start, "--start") if start is not None else None
    spans = parse_outages(outages, origin)
    atoms = target_atoms(mass, "Lu", isotope="Lu-176", enrichment=enrichment, dataset=data)
    sample_count = check_samples(samples) if samples else 1
    if samples and rng is None:
        raise InputError("online_irradiation: give rng (numpy.random.Generator) with samples")
    stream = _stream(targets, weeks_in_core, step, spans, flux, atoms, data)
    names, final, expm_calls = _solve_stream(
        stream, atoms, flux, sample_count, rng if samples else None, data
    )
    columns = {
        **_lu_columns(names, final, 0.0, data, "_eob"),
        **_lu_columns(names, final, cool, data, ""),
    }
    table = _stream_table(stream, columns, origin, bool(samples))
    table.attrs["dataset"] = data.label
    return OnlineResult(
        table=table,
        target_atoms=atoms,
        dataset=data.label,
        sources=sources_for(names),
        expm_calls=expm_calls,
        cooling=cool,
    )


@dataclass(frozen=True, kw_only=True)
class Lu177OnlineParameters(RouteParameters):
    """Parameters of ``lu177-online``, in base units (g, 1, n cm⁻² s⁻¹, s).

    Attributes
    ----------
    target_mass : float [g]
        Lutetium per target.
    enrichment : float [1]
        Lu-176 atom fraction.
    thermal_flux, epithermal_flux : float [n cm⁻² s⁻¹]
    weeks_in_core : int
        Weeks each target stays in core (default 2).
    targets : int
        Weekly targets (default 52).
    start : datetime.date, optional
        Date of the first insertion.
    outages : tuple of (float, float) [s]
        Reactor outages (begin, end) since the first insertion, sorted, not overlapping.
    cooling : float [s]
        From each target's withdrawal to its reported point.
    product : str
    """

    route_hint: ClassVar[str] = "route 'lu177-online'"
    target_mass: float = parameter(TARGET_MASS)
    enrichment: float = parameter(ENRICHMENT)
    thermal_flux: float = parameter(THERMAL_FLUX)
    epithermal_flux: float = parameter(EPITHERMAL_FLUX, 0.0)
    weeks_in_core: int = parameter(WEEKS_IN_CORE, 2)
    targets: int = parameter(TARGETS, 52)
    start: datetime.date | None = parameter(START, None)  # noqa: RUF009 (a field, see parameter())
    outages: tuple[tuple[float, float], ...] = parameter(OUTAGES, ())
    cooling: float = parameter(COOLING, 0.0)
    product: str = parameter(PRODUCT, "Lu-177")

    def check(self) -> None:
        """Some neutrons must reach the targets."""
        check_neutrons(self.thermal_flux, self.epithermal_flux)


class Lu177Online(ProductionRoute):
    """``lu177-online``: Qinshan-like on-line irradiation, a weekly stream of Lu-176 targets.

    See :func:`online_irradiation`. Physics as ``lu177-direct`` (burn-up, Lu-177m), applied
    to every target's slice of the reactor calendar.
    """

    name = "lu177-online"
    summary = (
        "on-line (on-power) irradiation: a Lu-176 target in and out every week, outages "
        "intersected; weekly table of Lu-177 at withdrawal, SA, Lu-177m ratio"
    )
    products = ("Lu-177",)
    parameter_type = Lu177OnlineParameters
    samples_in_table = True

    def run(  # type: ignore[override]
        self,
        *,
        target_mass: Quantity,
        enrichment: float,
        thermal_flux: float,
        epithermal_flux: float = 0.0,
        weeks_in_core: int = 2,
        targets: int = 52,
        outages: Sequence[tuple[Quantity, Quantity] | str] = (),
        start: str | datetime.date | None = None,
        cooling: Quantity = 0.0,
        product: str = "Lu-177",
        samples: int = 0,
        seed: int | None = None,
        dataset: str | NuclearDataset = "radiochain",
    ) -> OnlineResult:
        """Run the stream (see :func:`online_irradiation`); ``seed`` seeds the samples."""
        self.check_product(product)
        rng = np.random.default_rng(seed) if samples else None
        return online_irradiation(
            target_mass=target_mass,
            enrichment=enrichment,
            thermal_flux=thermal_flux,
            epithermal_flux=epithermal_flux,
            weeks_in_core=weeks_in_core,
            targets=targets,
            outages=outages,
            start=start,
            cooling=cooling,
            samples=samples,
            rng=rng,
            dataset=dataset,
        )

    def report(self, result: object) -> RouteReport:
        """Totals of the stream (at each target's reported point) and its weekly table."""
        if not isinstance(result, OnlineResult):
            raise InputError(f"{self.name}: report() needs an OnlineResult")
        table = result.table
        stat = "median" if "activity_median_bq" in table else ""
        activity = table[with_statistic("activity_bq", stat)].to_numpy(dtype=float)
        specific = table[with_statistic("specific_activity_bq_per_g", stat)].to_numpy(dtype=float)
        ratio = table[with_statistic("lu177m_ratio", stat)].to_numpy(dtype=float)
        finite = np.isfinite(ratio)
        lam_ratio = np.where(finite, ratio, 0.0) * activity
        total = float(activity.sum())
        values: dict[str, float | None] = {
            "targets": len(table),
            "cooling_s": result.cooling,
            "activity_total_bq": total,
            "activity_mean_bq": float(activity.mean()),
            "activity_min_bq": float(activity.min()),
            "specific_activity_mean_bq_per_g": _nan_mean(specific),
            "lu177m_max_ratio": float(np.max(ratio[finite])) if finite.any() else None,
        }
        times = table["withdrawal_s"].to_numpy(dtype=float)
        return RouteReport(
            self.name,
            values,
            {"Lu-177m": float(lam_ratio.sum() / total)} if total > 0 else {},
            times,
            {"Lu-177": activity, "Lu-177m": lam_ratio},
            result.sources,
            result.dataset,
            table=table,
            notes=(
                "values at each target's withdrawal (end of its stay in core) plus --cooling",
                "series: activity of each weekly target at its withdrawal time plus --cooling",
            ),
        )

    def sample_events(self, parameters: RouteParameters) -> int:
        """Targets times the weeks each spends in core."""
        assert isinstance(parameters, Lu177OnlineParameters)
        return parameters.targets * parameters.weeks_in_core

    def sample_limit(self, parameters: RouteParameters) -> int:
        """As the base route, and samples times targets at most
        :data:`MAX_SAMPLED_TARGETS` (every sample of every target is kept for the table)."""
        assert isinstance(parameters, Lu177OnlineParameters)
        return min(super().sample_limit(parameters), MAX_SAMPLED_TARGETS // parameters.targets)

    def evaluate_sampled(
        self,
        parameters: RouteParameters,
        samples: int,
        seed: int,
        *,
        dataset: NuclearDataset,
    ) -> RouteReport:
        """The stream with ``samples`` of the cross sections: medians and 90 % intervals per
        target in the table, totals of the medians in the values."""
        return self.report(
            self.run(**parameters.arguments(), samples=samples, seed=seed, dataset=dataset)
        )


def _nan_mean(values: FloatArray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else None
