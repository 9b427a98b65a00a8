"""One workflow for every production route: :func:`produce`.

``produce(route, parameters)`` is what ``radiochain produce`` and the service call: it reads and
checks the route's typed parameters (from text or a typed object), runs the route with the
nuclear dataset asked for, propagates uncertainties when ``samples`` is given, and returns a
:class:`RouteResult` that can write itself as JSON (:meth:`RouteResult.to_dict`) and as tables
of text with units (:meth:`RouteResult.value_rows`, :meth:`RouteResult.event_rows`).

Examples
--------
>>> from radiochain.physics.production import produce
>>> result = produce("lu177-direct", {"target_mass": "10 mg", "enrichment": "82 %",
...                                   "thermal_flux": "1e14", "irradiation": "7 d"})
>>> result.values["activity_eob_bq"] > 1e11
True
>>> result.to_dict()["parameters"]["target_mass_g"]
0.01
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from radiochain.errors import InputError, elide
from radiochain.physics.datasets import DEFAULT_DATASET, NuclearDataset, get_dataset
from radiochain.physics.production import presentation
from radiochain.physics.production.base import FloatArray, ProductionRoute, RouteReport
from radiochain.physics.production.parameters import RouteParameters
from radiochain.physics.production.routes import get_route
from radiochain.physics.production.uncertainty import (
    MAX_SAMPLE_WORK,
    Interval,
    check_samples,
    summarize,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEFAULT_SEED", "RouteResult", "produce", "read_parameters"]

DEFAULT_SEED = 20261122
"""Seed of the uncertainty samples when none is given."""

CHUNK_WORK = 1_000_000
"""Sample-events drawn at once (bounds memory; the chunks follow one random stream)."""
CHUNK_SAMPLES = 20_000
"""Most samples drawn at once."""


@dataclass(frozen=True)
class RouteResult:
    """What :func:`produce` returns: the route's report, its parameters and uncertainties.

    Attributes
    ----------
    route : str
        Route name.
    summary : str
        What the route models.
    product : str
        The product nuclide reported.
    parameters : RouteParameters
        The typed parameters the route ran with (base units).
    report : RouteReport
        Headline values (keys carry their unit), impurity ratios, activity series, per-event
        table, sources and notes.
    intervals : dict of str to Interval
        Median and 90 % interval of headline values, with ``samples``.
    samples : int or None
        Uncertainty samples drawn (None: nominal values only).
    seed : int or None
        Seed of the samples (None without samples).
    dataset, dataset_version : str
        Nuclear dataset name and version.
    dataset_label : str
        Name and version as one label.
    """

    route: str
    summary: str
    product: str
    parameters: RouteParameters
    report: RouteReport
    intervals: Mapping[str, Interval] = field(default_factory=dict)
    samples: int | None = None
    seed: int | None = None
    dataset: str = DEFAULT_DATASET
    dataset_version: str = ""
    dataset_label: str = ""

    @property
    def values(self) -> Mapping[str, float | None]:
        """Headline values; every key carries its unit (``activity_eob_bq``)."""
        return self.report.values

    @property
    def table(self) -> pd.DataFrame | None:
        """Per-event table (milkings, elutions, weekly targets), or None."""
        return self.report.table

    def to_dict(self) -> dict[str, Any]:
        """The JSON payload: plain numbers, ``None`` for values that do not exist.

        Keys: ``route``, ``summary``, ``product``, ``parameters`` (with unit suffixes), every
        headline value at the top level, ``impurity_ratios``, ``intervals`` (``median``,
        ``p05``, ``p95`` per value), ``samples``, ``seed``, ``table`` (records), ``sources``,
        ``notes``, ``dataset`` and ``dataset_version``.
        """
        report = self.report
        payload: dict[str, Any] = {
            "route": self.route,
            "summary": self.summary,
            "product": self.product,
            "parameters": self.parameters.to_dict(),
            **{key: _plain(value) for key, value in report.values.items()},
            "impurity_ratios": {k: _plain(v) for k, v in report.impurity_ratios.items()},
            "intervals": {
                key: {"median": _plain(i.median), "p05": _plain(i.low), "p95": _plain(i.high)}
                for key, i in self.intervals.items()
            }
            or None,
            "samples": self.samples,
            "seed": self.seed,
            "table": _records(report.table) if report.table is not None else None,
            "sources": dict(report.sources),
            "notes": list(report.notes),
            "dataset": self.dataset,
            "dataset_version": self.dataset_version,
        }
        return payload

    def value_rows(self) -> list[tuple[str, str, str]]:
        """Headline values as text rows: (quantity, value with unit, median [5 %, 95 %])."""
        bands = {k: (i.median, i.low, i.high) for k, i in self.intervals.items()}
        rows = presentation.value_rows(self.report.values, bands)
        product = self.product
        for name, ratio in self.report.impurity_ratios.items():
            if f"{name.lower().replace('-', '')}_ratio" not in self.report.values:
                shown = presentation.format_value("ratio", ratio)
                rows.append((f"{name} / {product} activity after cooling", shown, ""))
        return rows

    def event_rows(self, max_rows: int | None = None) -> tuple[list[str], list[list[str]]] | None:
        """The per-event table as (headers, rows) of text with units, or None."""
        if self.report.table is None:
            return None
        return presentation.event_rows(self.report.table, max_rows)

    def source_lines(self) -> list[str]:
        """Each datum with numbered references, then the references: ``"data X: item [1]"``,
        ``"[1] citation"``. A source is ``"item: citation; item: citation"`` (items are
        one-word keys such as ``sigma0`` or ``Mo-99/Tc-99m``) or one citation, which may hold
        colons and semicolons of its own (it is never cut there)."""
        references: dict[str, int] = {}
        lines = []
        for what, text in self.report.sources.items():
            numbers = []
            for item, citation in _source_parts(text):
                references.setdefault(citation, len(references) + 1)
                number = references[citation]
                numbers.append(f"{item} [{number}]" if item else f"[{number}]")
            lines.append(f"data {what}: {', '.join(numbers)}")
        lines.extend(f"  [{number}] {citation}" for citation, number in references.items())
        return lines

    def series_frame(self) -> pd.DataFrame:
        """Activities of the product and its impurities over the history [Bq], index
        ``time_s`` (for plots)."""
        import pandas as pd

        report = self.report
        frame = pd.DataFrame(
            {name: np.asarray(v, dtype=float) for name, v in report.series.items()},
            index=pd.Index(np.asarray(report.series_times, dtype=float), name="time_s"),
        )
        frame.attrs["unit"] = "Bq"
        frame.attrs["dataset"] = report.dataset
        return frame


_SOURCE_ITEM = re.compile(r"([^\s:;]+): (.*)", re.DOTALL)


def _source_parts(text: str) -> list[tuple[str, str]]:
    """``"sigma0: A; branch: B"`` -> ``[("sigma0", "A"), ("branch", "B")]``; text that is not
    of that form is one citation: ``[("", text)]``."""
    parts = re.split(r"; (?=[^\s:;]+: )", text)
    matches = [_SOURCE_ITEM.fullmatch(part) for part in parts]
    if all(matches):
        return [(m.group(1), m.group(2)) for m in matches if m is not None]
    return [("", text)]


def _plain(value: object) -> Any:
    """A JSON-safe scalar: NumPy to Python, non-finite to None, dates to ISO text."""
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON records (the index as a column)."""
    return [
        {str(k): _plain(v) for k, v in row.items()}
        for row in table.reset_index().to_dict(orient="records")
    ]


def read_parameters(
    route: ProductionRoute, parameters: RouteParameters | Mapping[str, object]
) -> RouteParameters:
    """The route's typed parameters from a typed object or from user values by name.

    Raises
    ------
    InputError
        Parameters of another route, an option the route does not take (naming the ones it
        takes), a missing required one, or a value that does not parse or is out of range.
    """
    kind = route.parameter_type
    if isinstance(parameters, RouteParameters):
        if not isinstance(parameters, kind):
            raise InputError(
                f"route {route.name!r} takes {kind.__name__}, not {type(parameters).__name__}"
            )
        return parameters
    specs = kind.specs()
    unknown = [str(name) for name in parameters if name not in specs]
    if unknown:
        from radiochain.physics.production.routes import parameter_specs

        known = parameter_specs()
        shown = ", ".join(known[n][0].flag if n in known else elide(n, 30) for n in unknown[:3])
        raise InputError(
            f"route {route.name!r} does not take {shown} (it takes: "
            f"{', '.join(s.flag for s in specs.values())})"
        )
    return kind.parse(parameters)


def check_seed(seed: int) -> int:
    """``seed`` as a whole number >= 0; :class:`InputError` otherwise."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**128:
        raise InputError(f"--seed: {elide(seed)!r} is not valid (give a whole number >= 0)")
    return seed


def _check_sample_work(route: ProductionRoute, parameters: RouteParameters, samples: int) -> None:
    limit = route.sample_limit(parameters)
    if samples > limit:
        raise InputError(
            f"--samples: {samples:,} is more than {route.name} can draw with these parameters "
            f"(at most {limit:,}: samples x events each <= {MAX_SAMPLE_WORK:,}; give fewer "
            "--samples, or fewer milkings, elutions or targets)"
        )


def _draw_intervals(
    route: ProductionRoute,
    parameters: RouteParameters,
    samples: int,
    rng: np.random.Generator,
    data: NuclearDataset,
) -> dict[str, Interval]:
    """Median and 90 % interval of each sampled value, drawn in chunks of bounded memory."""
    events = route.sample_events(parameters)
    chunk = max(1, min(CHUNK_SAMPLES, CHUNK_WORK // events))
    parts: dict[str, list[FloatArray]] = {}
    done = 0
    while done < samples:
        size = min(chunk, samples - done)
        for key, values in route.draw(parameters, size, rng, dataset=data).items():
            parts.setdefault(key, []).append(np.asarray(values, dtype=float))
        done += size
    return {key: summarize(np.concatenate(arrays)) for key, arrays in parts.items()}


def produce(
    route: str | ProductionRoute,
    parameters: RouteParameters | Mapping[str, object],
    *,
    samples: int | None = None,
    seed: int | None = None,
    dataset: str | NuclearDataset = DEFAULT_DATASET,
    detail: bool = False,
) -> RouteResult:
    """Run a production route: yield, specific activity, impurities, with uncertainties.

    Parameters
    ----------
    route : str or ProductionRoute
        A route name (``"lu177-direct"``; see :data:`routes.ROUTES`) or a route.
    parameters : RouteParameters or mapping of str to object
        The route's typed parameters, or user values by parameter name: text with units
        (``{"target_mass": "10 mg", "irradiation": "7 d", "enrichment": "82 %"}``); a time,
        mass or activity without its unit is refused.
    samples : int, optional
        Draw this many samples of the uncertain inputs (cross sections, yields) and report the
        median and 90 % interval of each value (1 to 1,000,000; samples times the events of
        one sample at most :data:`~uncertainty.MAX_SAMPLE_WORK`). ``lu177-online`` puts them
        in its weekly table.
    seed : int, optional
        Seed of the samples (>= 0; default :data:`DEFAULT_SEED`): the same seed gives the same
        result. Only with ``samples`` (without samples nothing is drawn).
    dataset : str or NuclearDataset
        Nuclear dataset (``"radiochain"``, ``"icrp107"``).
    detail : bool
        Activity series dense enough to plot (about 500 points over the history).

    Returns
    -------
    RouteResult

    Raises
    ------
    InputError
        An unknown route (with a did-you-mean), an option the route does not take, a missing,
        unparsable or out-of-range value, a product the route does not make, samples beyond
        the limits, a route that does not propagate uncertainties given ``samples``, or a
        ``seed`` without ``samples``.
    """
    chosen = route if isinstance(route, ProductionRoute) else get_route(route)
    typed = read_parameters(chosen, parameters)
    product = chosen.check_product(getattr(typed, "product", None) or chosen.products[0])
    if getattr(typed, "product", product) is None:  # say which product, never "—"
        typed = dataclasses.replace(typed, **{"product": product})
    if seed is not None and samples is None:
        raise InputError(
            "--seed needs --samples (the seed draws the uncertainty samples; without them "
            "nothing is random)"
        )
    seed = DEFAULT_SEED if seed is None else seed
    check_seed(seed)
    if samples is not None:
        check_samples(samples)
        if not chosen.propagates_uncertainty:
            raise InputError(
                f"route {chosen.name!r} does not propagate uncertainties (omit --samples)"
            )
        _check_sample_work(chosen, typed, samples)
    data = get_dataset(dataset)
    intervals: dict[str, Interval] = {}
    if samples is not None and chosen.samples_in_table:
        report = chosen.evaluate_sampled(typed, samples, seed, dataset=data)
    else:
        report = chosen.evaluate(typed, dataset=data, detail=detail)
        if samples is not None:
            rng = np.random.default_rng(seed)
            intervals = _draw_intervals(chosen, typed, samples, rng, data)
    return RouteResult(
        route=chosen.name,
        summary=chosen.summary,
        product=product,
        parameters=typed,
        report=report,
        intervals=intervals,
        samples=samples,
        seed=seed if samples is not None else None,
        dataset=data.name,
        dataset_version=data.version,
        dataset_label=data.label,
    )
