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

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from radiochain.errors import InputError
from radiochain.physics.datasets import NuclearDataset, get_dataset
from radiochain.physics.production.activation import (
    Irradiation,
    NeutronField,
    schedule_history,
    target_atoms,
)
from radiochain.physics.production.base import (
    ProductionRoute,
    Quantity,
    RouteReport,
    check_flux,
    check_fraction,
    element_values,
    sources_for,
)
from radiochain.physics.production.solver import nuclide_set
from radiochain.physics.production.uncertainty import (
    BatchSystem,
    capture_scales,
    check_samples,
    solve_history_samples,
    summarize,
)
from radiochain.units import SECONDS_PER_DAY, to_grams, to_seconds

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Lu177Online", "OnlineResult", "online_irradiation", "parse_outages"]

WEEK_S = 7 * SECONDS_PER_DAY


def parse_outages(
    outages: Sequence[tuple[Quantity, Quantity] | str], start: str | None = None
) -> list[tuple[float, float]]:
    """Outages as (begin, end) [s] since the start of the stream, sorted, not overlapping.

    Parameters
    ----------
    outages : sequence of (begin, end) or "begin/end" strings
        Each bound a duration since the start (``"30 d"``, seconds) or, when ``start`` is
        given, an ISO date (``"2026-03-01"``).
    start : str, optional
        ISO date of the first insertion.

    Raises
    ------
    InputError
        A bound that does not parse, an outage that ends before it begins, or two outages that
        overlap.
    """
    import pandas as pd

    origin = pd.Timestamp(start) if start is not None else None
    spans: list[tuple[float, float]] = []
    for k, item in enumerate(outages):
        if isinstance(item, str):
            parts = item.split("/")
            if len(parts) != 2:
                raise InputError(
                    f"outage {k}: {item!r} is not 'begin/end' (e.g. '30 d/45 d' or "
                    "'2026-03-01/2026-03-20')"
                )
            pair: tuple[Quantity, Quantity] = (parts[0].strip(), parts[1].strip())
        else:
            pair = item
        bounds = []
        for value in pair:
            if (
                origin is not None
                and isinstance(value, str)
                and value[:4].isdigit()
                and "-" in value
            ):
                try:
                    bounds.append((pd.Timestamp(value) - origin).total_seconds())
                except ValueError as err:
                    raise InputError(f"outage {k}: {value!r} is not an ISO date ({err})") from None
            else:
                bounds.append(to_seconds(value, what=f"outage {k} bound", allow_negative=True))
        begin, end = bounds
        if not end > begin:
            raise InputError(f"outage {k} ends ({end:g} s) before it begins ({begin:g} s)")
        spans.append((begin, end))
    spans.sort()
    for (_b0, e0), (b1, _) in itertools.pairwise(spans):
        if b1 < e0:
            raise InputError(
                f"outages overlap: one ends at {e0 / SECONDS_PER_DAY:g} d, the next begins at "
                f"{b1 / SECONDS_PER_DAY:g} d (give each outage once, in a non-overlapping calendar)"
            )
    return spans


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
        ``full_power_s`` in core, ``activity_eob_bq``, ``specific_activity_eob_bq_per_g``,
        ``lu177m_ratio_eob``; with samples also ``<column>_median``, ``_p05``, ``_p95``.
    target_atoms : dict of str to float
        Atoms per isotope of a fresh target.
    dataset : str
    sources : dict of str to str
    expm_calls : int
        Distinct step propagators computed (a measure of the reuse across the stream).
    """

    table: pd.DataFrame
    target_atoms: dict[str, float]
    dataset: str
    sources: dict[str, str]
    expm_calls: int = field(default=0)


def online_irradiation(
    *,
    target_mass: Quantity,
    enrichment: float,
    thermal_flux: float,
    epithermal_flux: float = 0.0,
    weeks_in_core: int = 2,
    targets: int = 52,
    outages: Sequence[tuple[Quantity, Quantity] | str] = (),
    start: str | None = None,
    period: Quantity = "7 d",
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
    start : str, optional
        ISO date of the first insertion (adds timestamp columns).
    period : str or float [s]
        Time between insertions (``"7 d"``).
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
    import pandas as pd

    data = get_dataset(dataset)
    mass = to_grams(target_mass, what="target mass")
    check_fraction(enrichment, "enrichment of Lu-176")
    flux = NeutronField(
        check_flux(thermal_flux, "thermal flux"), check_flux(epithermal_flux, "epithermal flux")
    )
    for name, value in (("weeks_in_core", weeks_in_core), ("targets", targets)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"{name}: {value!r} is not valid (give an integer >= 1)")
    step = to_seconds(period, what="insertion period")
    if not step > 0:
        raise InputError("insertion period must be > 0 (e.g. '7 d')")
    spans = parse_outages(outages, start)
    atoms = target_atoms(mass, "Lu", isotope="Lu-176", enrichment=enrichment, dataset=data)
    sample_count = check_samples(samples) if samples else 1
    if samples and rng is None:
        raise InputError("online_irradiation: give rng (numpy.random.Generator) with samples")

    histories = []
    for k in range(targets):
        insert = k * step
        withdraw = insert + weeks_in_core * step
        periods = _periods(insert, withdraw, spans, flux)
        steps = schedule_history(periods, atoms, dataset=data, end=withdraw - insert)
        full_power = sum(p.end - p.start for p in periods)
        histories.append((insert, withdraw, full_power, steps))

    channels = [c for h in histories for s in h[3] for c in s.channels]
    names = nuclide_set(data, [*atoms, "Lu-177m"], channels)
    scales = (
        capture_scales(channels, flux, sample_count, rng) if samples and rng is not None else None
    )
    system = BatchSystem(names, sample_count, scales=scales, dataset=data, always_keep=atoms)
    final = np.zeros((targets, sample_count, len(names)))
    for k, (_, _, _, steps) in enumerate(histories):
        runs = solve_history_samples(steps, atoms, sample_count, system=system)
        final[k] = runs.atoms[:, -1]
    flat = final.reshape(targets * sample_count, len(names))
    values = element_values(names, flat, "Lu-177", 0.0, data)
    activity = values.activity.reshape(targets, sample_count)
    specific = values.specific_activity.reshape(targets, sample_count)
    ratio = values.ratio("Lu-177m").reshape(targets, sample_count)

    table = pd.DataFrame(
        {
            "insertion_s": [h[0] for h in histories],
            "withdrawal_s": [h[1] for h in histories],
            "full_power_s": [h[2] for h in histories],
        },
        index=pd.RangeIndex(1, targets + 1, name="target"),
    )
    if start is not None:
        origin = pd.Timestamp(start)
        table.insert(0, "insertion", origin + pd.to_timedelta(table["insertion_s"], unit="s"))
        table.insert(1, "withdrawal", origin + pd.to_timedelta(table["withdrawal_s"], unit="s"))
    for column, array in (
        ("activity_eob_bq", activity),
        ("specific_activity_eob_bq_per_g", specific),
        ("lu177m_ratio_eob", ratio),
    ):
        if samples:
            stats = [summarize(row) for row in array]
            table[f"{column}_median"] = [s.median for s in stats]
            table[f"{column}_p05"] = [s.low for s in stats]
            table[f"{column}_p95"] = [s.high for s in stats]
        else:
            table[column] = array[:, 0]
    table.attrs["dataset"] = data.label
    return OnlineResult(
        table=table,
        target_atoms=atoms,
        dataset=data.label,
        sources=sources_for(names),
        expm_calls=system.expm_calls,
    )


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
    parameters = (
        "target_mass",
        "enrichment",
        "thermal_flux",
        "epithermal_flux",
        "weeks_in_core",
        "targets",
        "outages",
        "start",
        "product",
        "samples",
        "seed",
        "dataset",
    )

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
        start: str | None = None,
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
            samples=samples,
            rng=rng,
            dataset=dataset,
        )

    def report(self, result: object) -> RouteReport:
        """Totals of the stream and its weekly table."""
        if not isinstance(result, OnlineResult):
            raise InputError(f"{self.name}: report() needs an OnlineResult")
        table = result.table
        suffix = "_median" if "activity_eob_bq_median" in table else ""
        activity = table[f"activity_eob_bq{suffix}"].to_numpy(dtype=float)
        specific = table[f"specific_activity_eob_bq_per_g{suffix}"].to_numpy(dtype=float)
        ratio = table[f"lu177m_ratio_eob{suffix}"].to_numpy(dtype=float)
        lam_ratio = ratio * activity
        values: dict[str, float | None] = {
            "targets": float(len(table)),
            "activity_total_bq": float(activity.sum()),
            "activity_mean_bq": float(activity.mean()),
            "activity_min_bq": float(activity.min()),
            "specific_activity_mean_bq_per_g": float(np.nanmean(specific)),
            "lu177m_ratio_max": float(np.nanmax(ratio))
            if math.isfinite(np.nanmax(ratio))
            else None,
        }
        times = table["withdrawal_s"].to_numpy(dtype=float)
        return RouteReport(
            self.name,
            values,
            {"Lu-177m": float(lam_ratio.sum() / activity.sum()) if activity.sum() > 0 else 0.0},
            times,
            {"Lu-177": activity, "Lu-177m": lam_ratio},
            result.sources,
            result.dataset,
            table=table,
            notes=(
                "activity at each target's withdrawal (end of its stay in core)",
                "series: activity of each weekly target at its withdrawal time",
            ),
        )
