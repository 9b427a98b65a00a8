"""Checks of a network: every problem at once, as ``file:row: field: what (what would be right)``.

Errors make ``radiochain network validate`` exit with code 2; warnings are listed but pass.
The checks are vectorized per column, so a network of thousands of sites validates in well
under a second.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from radiochain.errors import InputError, elide
from radiochain.network.core import Network
from radiochain.network.doses import check_doses
from radiochain.network.parse import parse_days
from radiochain.network.plausible import check_plausibility
from radiochain.network.problems import CONTROL, Level, Problem, Report, split_hint
from radiochain.network.schema import Attribute, schemas
from radiochain.units import format_quantity, parse_date


def _problem(
    network: Network,
    level: Level,
    table: str,
    name: object,
    field: str,
    message: str,
    hint: str = "",
) -> Problem:
    """A problem of one row, at its place in the user's file (CSV line or JSON place)."""
    place = network.place(table)
    return Problem(level, place.file, place.row(name), field, message, hint)


def _table_problem(
    network: Network, level: Level, table: str, field: str, message: str, hint: str = ""
) -> Problem:
    """A problem of a whole table."""
    place = network.place(table)
    return Problem(level, place.file, place.table_row, field, message, hint)


def _meta_problem(network: Network, field: str, message: str, hint: str = "") -> Problem:
    file, row = network.meta_place
    return Problem("error", file, row, field, message, hint)


def _hours(value: float) -> str:
    return format_quantity(float(value) * 3600.0, "time")


def _closest(value: str, options: Iterable[str]) -> str:
    options = list(options)
    close = difflib.get_close_matches(value, options, n=3, cutoff=0.5) if len(value) < 100 else []
    if close:
        return f"did you mean {', '.join(repr(elide(c, 40)) for c in close)}?"
    shown = ", ".join(elide(o, 40) for o in options[:5]) + (", ..." if len(options) > 5 else "")
    return f"known: {shown}" if options else "the table is empty"


_BARE = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", re.ASCII)


def _said(network: Network, table: str, name: object, attr: Attribute, value: float) -> str:
    """A value out of range as the user wrote it: ``'1000 y'``, ``1e308 h`` (a bare number in
    the column's unit), ``-2 per year``; with its unit when made in code."""
    text = network.written(table, name, attr.name)
    if text is None:
        return attr.format_value(value)
    if _BARE.fullmatch(text):
        return f"{elide(text)}{attr.unit_words}"
    return repr(elide(text))


def check_bounds(network: Network) -> list[Problem]:
    """Numbers outside the range their schema allows (negative transit time, yield > 1, a
    shelf life of 1000 y, a dose of 1e30 GBq...)."""
    problems = []
    for table, schema in schemas().items():
        frame = network.tables[table]
        if frame.empty:
            continue
        for attr in schema.attributes:
            bounds = attr.bounds()
            if bounds is None or attr.name not in frame.columns:
                continue
            low, high, low_in, high_in = bounds
            values = pd.to_numeric(frame[attr.name], errors="coerce").astype(float)
            too_low = values < low if low_in else values <= low
            too_high = values > high if high_in else values >= high
            for name, value in values[(too_low | too_high).fillna(False)].items():
                problems.append(
                    _problem(
                        network,
                        "error",
                        table,
                        name,
                        attr.name,
                        f"{_said(network, table, name, attr, value)} is out of range",
                        f"give {attr.describe_bounds()}",
                    )
                )
    return problems


def _unreadable(network: Network, table: str) -> bool:
    """The table's file could not be read at all (a folder, a FIFO, empty...): said already."""
    file = network.place(table).file
    return any(p.file == file and p.row is None for p in network.read_problems)


def check_tables(network: Network) -> list[Problem]:
    """A table other tables refer to that has no rows (missing, empty or header-only): one
    problem naming that table's file, instead of every reference to it."""
    problems = []
    for target in schemas():
        if not network.tables[target].empty or _unreadable(network, target):
            continue
        for table, schema in schemas().items():
            frame = network.tables[table]
            refs = [a.name for a in schema.attributes if a.target == target]
            named = [(c, frame[c][frame[c].astype(object).fillna("") != ""]) for c in refs]
            named = [(c, v) for c, v in named if len(v)]
            if not named:
                continue
            values = named[0][1]
            name, value = values.index[0], values.iloc[0]
            place = network.place(table)
            missing = network.origin is not None and target not in network.places
            file = network.schema(target).file
            problems.append(
                _table_problem(
                    network,
                    "error",
                    target,
                    "",
                    f"{'is missing' if missing else 'has no rows'}, but {place.file}:"
                    f"{place.row(name)} names {target.rstrip('s')} {elide(value)!r}",
                    f"add {file} with a row for each {target.rstrip('s')}"
                    if missing
                    else f"add a row for each {target.rstrip('s')}",
                )
            )
            break
    return problems


def check_text(network: Network) -> list[Problem]:
    """Control characters (a NUL byte, an escape sequence) in names and text cells."""
    problems = []
    for table, schema in schemas().items():
        frame = network.tables[table]
        if frame.empty:
            continue
        columns = {schema.index: pd.Series(frame.index, index=frame.index, dtype=object)}
        for attr in schema.attributes:
            if attr.base_type in ("string", "ref") and attr.name in frame.columns:
                columns[attr.name] = frame[attr.name]
        for column, values in columns.items():
            cells = [v if isinstance(v, str) else "" for v in values.to_numpy(dtype=object)]
            if not CONTROL.search("\n".join(cells)):  # the usual case, at once
                continue
            text = pd.Series(cells, index=values.index, dtype=object)
            for name, cell in text[text.str.contains(CONTROL, regex=True)].items():
                problems.append(
                    _problem(
                        network,
                        "error",
                        table,
                        name,
                        column,
                        f"holds the control character {_control(cell)}",
                        "remove it: it is no text, but a copy-paste or encoding accident",
                    )
                )
    return problems


def _control(text: str) -> str:
    found = CONTROL.search(text)
    return f"U+{ord(found[0]):04X}" if found else ""


def check_references(network: Network) -> list[Problem]:
    """Every ``ref:`` column names an existing row of its table."""
    problems = []
    for table, schema in schemas().items():
        frame = network.tables[table]
        for attr in schema.attributes:
            if attr.base_type != "ref" or frame.empty:
                continue
            targets = network.tables[attr.target].index
            if targets.empty:
                continue  # one problem for the whole table: check_tables
            values = frame[attr.name].astype(object).fillna("")
            missing = values[(values != "") & ~values.isin(targets)]
            for name, value in missing.items():
                singular = attr.target.rstrip("s")
                problems.append(
                    _problem(
                        network,
                        "error",
                        table,
                        name,
                        attr.name,
                        f"unknown {singular} {elide(value)!r}",
                        _closest(value, targets),
                    )
                )
    return problems + check_sources(network)


def check_sources(network: Network) -> list[Problem]:
    """Every key a ``source`` cell cites (``key;key``) is a row of the sources table — also
    when there is no sources table at all: a number must not cite a source nobody can find."""
    problems = []
    keys = network.sources.index
    sources = network.place("sources").file
    for table, frame in network.tables.items():
        if "source" not in frame.columns or frame.empty:
            continue
        cited = frame["source"].astype(object).fillna("").str.split(";").explode().str.strip()
        unknown = cited[(cited != "") & cited.notna() & ~cited.isin(keys)]
        for name, key in unknown.items():
            hint = (
                _closest(key, keys)
                if len(keys)
                else f"there is no sources table: add {sources} with a row for each key cited"
            )
            problems.append(
                _problem(
                    network,
                    "error",
                    table,
                    name,
                    "source",
                    f"unknown source key {elide(key)!r}",
                    hint,
                )
            )
    return problems


def check_consistency(network: Network) -> list[Problem]:
    """Dates and times in order, lanes between two different sites, kinds that fit."""
    problems = []
    demand, lanes, sites = network.demand, network.lanes, network.sites
    if not lanes.empty:
        for name in lanes.index[lanes["from_site"] == lanes["to_site"]]:
            problems.append(
                _problem(
                    network,
                    "error",
                    "lanes",
                    name,
                    "to_site",
                    "is the same site as from_site",
                    "a lane joins two sites",
                )
            )
    if not demand.empty:
        date = demand["date"]
        for column, wrong in (
            ("earliest_date", demand["earliest_date"] > date),
            ("latest_date", (demand["latest_date"] < date) & (demand["latest_date"] != "")),
        ):
            for name in demand.index[wrong & (demand[column] != "")]:
                problems.append(
                    _problem(
                        network,
                        "error",
                        "demand",
                        name,
                        column,
                        f"{demand.at[name, column]!s} is on the wrong side of date {date[name]!s}",
                        "earliest_date <= date <= latest_date",
                    )
                )
        for name in demand.index[demand["window_end"] <= demand["window_start"]]:
            problems.append(
                _problem(
                    network,
                    "error",
                    "demand",
                    name,
                    "window_end",
                    "is not after window_start",
                    "e.g. window_start 09:00, window_end 16:00",
                )
            )
        kinds = demand["hospital"].map(sites["kind"])
        for name in demand.index[kinds.notna() & (kinds != "hospital")]:
            problems.append(
                _problem(
                    network,
                    "warning",
                    "demand",
                    name,
                    "hospital",
                    f"site {demand.at[name, 'hospital']!r} is a {kinds[name]}, not a hospital",
                )
            )
    shutdowns = network.shutdowns
    if not shutdowns.empty:
        for name in shutdowns.index[shutdowns["end"] < shutdowns["start"]]:
            problems.append(
                _problem(
                    network,
                    "error",
                    "shutdowns",
                    name,
                    "end",
                    "is before start",
                    "end is the last day without output",
                )
            )
    if not sites.empty:
        for name in sites.index[sites["closing_time"] <= sites["opening_time"]]:
            problems.append(
                _problem(
                    network,
                    "error",
                    "sites",
                    name,
                    "closing_time",
                    "is not after opening_time",
                    "e.g. 08:00 to 18:00",
                )
            )
        for name, text in sites["working_days"].items():
            if text and not parse_days(text):
                problems.append(
                    _problem(
                        network,
                        "warning",
                        "sites",
                        name,
                        "working_days",
                        "names no day",
                        "e.g. Mon-Fri",
                    )
                )
    return problems


def check_products(network: Network) -> list[Problem]:
    """Processes and producers for every product in demand, batch limits in order, licences
    at sites the planner does not hold to them (doses: :mod:`radiochain.network.doses`)."""
    problems = []
    products, processes, producers = network.products, network.processes, network.producers
    demanded = set(network.demand["product"]) if not network.demand.empty else set()
    made = set(processes["product"]) if not processes.empty else set()
    for product in sorted(demanded - made):
        if product in products.index:
            problems.append(
                _table_problem(
                    network,
                    "error",
                    "processes",
                    "product",
                    f"no process makes product {product!r}, which the demand asks for",
                    "add a process row for it",
                )
            )
    producer_nuclides = set(producers["nuclide"]) if not producers.empty else set()
    for name, row in processes.iterrows():
        nuclide = products["nuclide"].get(row["product"])
        if not nuclide:
            continue  # unknown product or unreadable nuclide: reported already
        if row["producer"]:
            supplier = producers["nuclide"].get(row["producer"])
            if supplier is not None and supplier != nuclide:
                problems.append(
                    _problem(
                        network,
                        "error",
                        "processes",
                        name,
                        "producer",
                        f"{row['producer']!r} delivers {supplier}, product "
                        f"{row['product']!r} needs {nuclide}",
                        f"use a producer of {nuclide}",
                    )
                )
        elif nuclide not in producer_nuclides:
            problems.append(
                _problem(
                    network,
                    "error",
                    "processes",
                    name,
                    "product",
                    f"no producer delivers {nuclide}",
                    "add a producers row for it",
                )
            )
        if row["batch_min_bq"] > row["batch_max_bq"]:
            problems.append(
                _problem(
                    network,
                    "error",
                    "processes",
                    name,
                    "batch_min_bq",
                    "is larger than batch_max_bq",
                    "batch_min_bq <= batch_max_bq",
                )
            )
    licences = network.licences
    if not licences.empty:
        kinds = licences["site"].map(network.sites["kind"])
        for name in licences.index[kinds.notna() & (kinds != "hospital")]:
            problems.append(
                _problem(
                    network,
                    "warning",
                    "licences",
                    name,
                    "site",
                    f"the planner enforces possession limits at hospitals only; the limit at "
                    f"{licences.at[name, 'site']!r} ({kinds[name]}) is not enforced",
                    "check batch sizes against it by hand",
                )
            )
    return problems


def fastest_routes(network: Network, origins: Iterable[str]) -> pd.Series:
    """Shortest door-to-door transit [h] from any of ``origins`` to every site, over lanes that
    accept radioactive goods (departure times ignored: a lower bound). ``inf`` if unreachable."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    sites = network.sites.index
    position = pd.Series(np.arange(len(sites)), index=sites)
    lanes = network.lanes
    usable = lanes[
        lanes["accepts_radioactive"].fillna(True).astype(bool)
        & lanes["from_site"].isin(sites)
        & lanes["to_site"].isin(sites)
    ]
    graph = pd.DataFrame(
        {
            "a": position[usable["from_site"]].to_numpy(),
            "b": position[usable["to_site"]].to_numpy(),
            "t": usable["transit_time_h"].to_numpy(dtype=float),
        }
    ).dropna()
    graph = graph[graph["t"] > 0]  # non-positive times are reported by check_bounds
    shortest = graph.groupby(["a", "b"])["t"].min().reset_index()
    matrix = csr_matrix(
        (shortest["t"] + 1e-12, (shortest["a"], shortest["b"])), shape=(len(sites), len(sites))
    )
    start = [int(position[o]) for o in origins if o in position.index]
    if not start:
        return pd.Series(np.inf, index=sites)
    distances = dijkstra(matrix, directed=True, indices=start, min_only=True)
    return pd.Series(np.where(np.isin(np.arange(len(sites)), start), 0.0, distances), index=sites)


def route_transit(network: Network, origins: Iterable[str], legs: int = 2) -> pd.Series:
    """Shortest transit [h] from any of ``origins`` to every site over at most ``legs`` lanes
    that accept radioactive goods (departure times ignored: a lower bound); ``inf`` where no
    such route exists. The planner ships a dose on a direct lane or on two lanes with one
    transfer, so reachability is checked the same way."""
    lanes = network.lanes
    usable = lanes[
        lanes["accepts_radioactive"].fillna(True).astype(bool) & (lanes["transit_time_h"] > 0)
    ]
    start = set(origins)
    best = pd.Series(np.inf, index=network.sites.index)
    best.loc[best.index.isin(list(start))] = 0.0
    for _ in range(legs):
        reach = usable["from_site"].map(best) + usable["transit_time_h"]
        step = reach.groupby(usable["to_site"]).min()
        step = step[step.index.isin(best.index)]
        best.loc[step.index] = np.minimum(best.loc[step.index], step)
    return best


def check_reachability(network: Network) -> list[Problem]:
    """Every hospital with demand for a product is reached from a site that makes it within
    the product's shelf life; sites no lane reaches are listed as warnings."""
    problems = []
    demand, processes, products = network.demand, network.processes, network.products
    if not demand.empty and not processes.empty:
        # the first appointment of each (hospital, product) stands for the pair in messages
        first = demand.reset_index().groupby(["product", "hospital"], sort=False).first()
        for product, group in first.groupby(level="product"):
            if product not in products.index:
                continue
            origins = processes.loc[processes["product"] == product, "site"]
            if origins.empty:
                continue
            transit = route_transit(network, origins)
            shelf = float(products["shelf_life_h"].to_dict()[product])
            hospitals = group.index.get_level_values("hospital")
            hours = transit.reindex(hospitals).to_numpy()
            names = group[demand.index.name].to_numpy()
            for hospital, name, h in zip(hospitals, names, hours, strict=True):
                if np.isnan(h):
                    continue  # unknown site: reported by check_references
                if np.isinf(h):
                    problems.append(
                        _problem(
                            network,
                            "error",
                            "demand",
                            name,
                            "hospital",
                            f"{hospital!r} has demand for {product!r} and no route of one or two "
                            "lanes that accept radioactive goods reaches it from "
                            f"{', '.join(sorted(set(origins)))}",
                            "add a lane",
                        )
                    )
                elif h > shelf:
                    problems.append(
                        _problem(
                            network,
                            "error",
                            "demand",
                            name,
                            "hospital",
                            f"the fastest route to {hospital!r} takes {_hours(h)}, "
                            f"longer than the shelf life of {product!r} ({_hours(shelf)})",
                            "add a faster lane or a closer radiopharmacy",
                        )
                    )
    lanes = network.lanes
    touched = set(lanes["from_site"]) | set(lanes["to_site"]) if not lanes.empty else set()
    for name in network.sites.index:
        if name not in touched and len(network.sites) > 1:
            problems.append(
                _problem(network, "warning", "sites", name, "site", "no lane reaches or leaves it")
            )
    return problems


def check_meta(network: Network) -> list[Problem]:
    """network.yaml: a known time zone and a real start date."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    problems = []
    try:
        ZoneInfo(network.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        problems.append(
            _meta_problem(
                network,
                "timezone",
                f"{elide(network.timezone)!r} is not a time zone",
                "use an IANA name such as Asia/Shanghai or Europe/Berlin",
            )
        )
    start = network.extra_meta.get("start_date")
    if start is not None:
        try:
            parse_date(start, what="start_date")
        except InputError as err:
            message, hint = split_hint(str(err).removeprefix("start_date: "))
            problems.append(_meta_problem(network, "start_date", message, hint))
    for key in ("name", "description"):
        found = CONTROL.search(getattr(network, key))
        if found:
            problems.append(
                _meta_problem(
                    network,
                    key,
                    f"holds the control character U+{ord(found[0]):04X}",
                    "remove it: it is no text, but a copy-paste or encoding accident",
                )
            )
    return problems


def validate_network(network: Network) -> Report:
    """All checks; see the module docstring."""
    report = Report()
    report.extend(network.read_problems)
    for check in (
        check_meta,
        check_tables,
        check_text,
        check_bounds,
        check_plausibility,
        check_references,
        check_consistency,
        check_products,
        check_doses,
        check_reachability,
    ):
        report.extend(check(network))
    return report
