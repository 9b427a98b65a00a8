"""The decay-aware MILP, built as sparse arrays and solved by HiGHS (highspy).

Stages, each public (the PyPSA habit): :func:`build_model` -> optional user hook
``extra_constraints(model, instance)`` -> :func:`solve_model` -> :func:`read_solution`.
Constraint builders are named ``define_<what>_constraints``; variable and constraint blocks are
named ``"Component-attribute"`` (``Dose-served``, ``Batch-activity``...). Activities are in GBq
inside the model (numbers of order 1), Bq outside.

Objective, in this order (weights in :class:`PlanWeights`): treat the most patients on their
day, then move the fewest, then waste the least activity (nuclide drawn from producers), then
cost. Decay factors are computed by :mod:`radiochain.physics` when the instance is built; the
model itself is linear.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.sparse import coo_matrix

from radiochain.errors import InfeasibleError, InputError, elide
from radiochain.planning.bulk import TYPE_A
from radiochain.planning.instance import HOURS_PER_DAY, Instance, unserved_reasons
from radiochain.planning.result import Choice, PlanResult, PlanStatus, SolverReport, assemble

GBQ = 1e9
MAX_WEIGHT = 1e12
"""Largest objective weight: HiGHS treats a cost of 1e20 or more as infinite, and weights
beyond 1e12 times a network's costs would come near it."""
MAX_MILP_WAYS = 2_000_000
"""Most ways to serve (one binary ``Dose-served`` variable each) in a MILP: about 4 GB while
HiGHS works on 1.5 million (30,000 synthetic hospitals), which it cannot solve to its first
bound in minutes (docs/planning.md, "How large a network")."""
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class PlanWeights:
    """Objective weights; the defaults make the order strict for national-size weeks.

    Attributes
    ----------
    unserved : float
        Per appointment not served.
    moved : float
        Per appointment served on another day than planned.
    waste_per_gbq : float
        Per GBq of nuclide drawn from producers (administered activity is fixed, so this is
        what decay, yields and batch sizing lose).
    cost : float
        Per unit of money (the network's currency).
    """

    unserved: float = 1e8
    moved: float = 1e6
    waste_per_gbq: float = 1e2
    cost: float = 1e-3

    def __post_init__(self) -> None:
        for name in ("unserved", "moved", "waste_per_gbq", "cost"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float | np.number):
                raise InputError(f"weight {name} = {elide(value)}: give a number >= 0, e.g. 1e6")
            if not math.isfinite(float(value)) or not 0 <= float(value) <= MAX_WEIGHT:
                raise InputError(
                    f"weight {name} = {float(value):g}: give a number from 0 to {MAX_WEIGHT:g} "
                    f"(e.g. {name}=1e6)"
                )
        if float(self.unserved) == 0:
            raise InputError(
                "weight unserved = 0: an untreated patient would cost nothing, so the best plan "
                "would treat nobody; give a number above 0 (default 1e8)"
            )


@dataclass
class Block:
    """A named block of variables: columns ``start .. start + size``."""

    name: str
    start: int
    size: int

    def __call__(self, index: npt.ArrayLike) -> IntArray:
        result: IntArray = self.start + np.asarray(index, dtype=np.int64)
        return result


@dataclass
class Model:
    """A MILP as arrays: min c x, row_lower <= A x <= row_upper, bounds, integrality."""

    cost: list[FloatArray] = field(default_factory=list)
    lower: list[FloatArray] = field(default_factory=list)
    upper: list[FloatArray] = field(default_factory=list)
    integer: list[npt.NDArray[np.bool_]] = field(default_factory=list)
    blocks: dict[str, Block] = field(default_factory=dict)
    rows: list[tuple[IntArray, IntArray, FloatArray]] = field(default_factory=list)
    row_lower: list[FloatArray] = field(default_factory=list)
    row_upper: list[FloatArray] = field(default_factory=list)
    row_blocks: dict[str, tuple[int, int]] = field(default_factory=dict)
    n_cols: int = 0
    n_rows: int = 0

    def add_variables(
        self,
        name: str,
        size: int,
        *,
        lower: float | FloatArray = 0.0,
        upper: float | FloatArray = np.inf,
        cost: float | FloatArray = 0.0,
        integer: bool = False,
    ) -> Block:
        block = Block(name, self.n_cols, size)
        self.blocks[name] = block
        self.cost.append(np.broadcast_to(np.asarray(cost, dtype=float), size).copy())
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=float), size).copy())
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=float), size).copy())
        self.integer.append(np.full(size, integer))
        self.n_cols += size
        return block

    def add_constraints(
        self,
        name: str,
        rows: IntArray,
        cols: IntArray,
        values: FloatArray,
        n: int,
        *,
        lower: float | FloatArray = -np.inf,
        upper: float | FloatArray = np.inf,
    ) -> None:
        """Rows ``0..n-1`` of a new block given as COO triplets (local row numbers)."""
        self.rows.append(
            (
                np.asarray(rows, dtype=np.int64) + self.n_rows,
                np.asarray(cols, dtype=np.int64),
                np.asarray(values, dtype=float),
            )
        )
        self.row_lower.append(np.broadcast_to(np.asarray(lower, dtype=float), n).copy())
        self.row_upper.append(np.broadcast_to(np.asarray(upper, dtype=float), n).copy())
        self.row_blocks[name] = (self.n_rows, n)
        self.n_rows += n

    def matrix(self) -> coo_matrix:
        r = np.concatenate([t[0] for t in self.rows]) if self.rows else np.zeros(0, int)
        c = np.concatenate([t[1] for t in self.rows]) if self.rows else np.zeros(0, int)
        v = np.concatenate([t[2] for t in self.rows]) if self.rows else np.zeros(0)
        return coo_matrix((v, (r, c)), shape=(self.n_rows, self.n_cols))


def _group_rows(keys: pd.Series | npt.ArrayLike) -> tuple[IntArray, int, pd.Index]:
    codes, uniques = pd.factorize(pd.Series(keys) if not isinstance(keys, pd.Series) else keys)
    return codes.astype(np.int64), len(uniques), pd.Index(uniques)


def define_variables(m: Model, inst: Instance, w: PlanWeights) -> None:
    """Dose-served (binary per option), Dose-unserved, Batch-made, Batch-activity [GBq],
    Input-drawn [GBq], Departure-used, Departure-packages."""
    opts, b = inst.options_table, inst.batches
    moved_cost = np.where(opts["moved"].to_numpy(), w.moved, 0.0)
    m.add_variables("Dose-served", len(opts), upper=1.0, cost=moved_cost, integer=True)
    m.add_variables("Dose-unserved", len(inst.appointments), upper=1.0, cost=w.unserved)
    m.add_variables(
        "Batch-made",
        len(b),
        upper=np.where(b["fed"], 1.0, 0.0),
        cost=w.cost * b["cost_per_batch"].to_numpy(),
        integer=True,
    )
    m.add_variables(
        "Batch-activity", len(b), upper=np.where(b["fed"], b["batch_max_bq"] / GBQ, 0.0)
    )
    deliveries = inst.deliveries
    cost_in = deliveries["cost_per_gbq"].to_numpy()[inst.inputs["delivery"].to_numpy(dtype=int)]
    cost_in = cost_in + bulk_package_cost_per_gbq(inst)
    m.add_variables("Input-drawn", len(inst.inputs), cost=w.waste_per_gbq + w.cost * cost_in)
    d = inst.departures
    m.add_variables(
        "Departure-used",
        len(d),
        upper=1.0,
        cost=w.cost * d["cost_per_shipment"].to_numpy(),
        integer=True,
    )
    max_pk = np.asarray(d["max_packages"].astype(float).fillna(np.inf), dtype=np.float64)
    m.add_variables(
        "Departure-packages",
        len(d),
        upper=max_pk,
        cost=w.cost * d["cost_per_package"].to_numpy(),
        integer=True,
    )


def define_demand_constraints(m: Model, inst: Instance) -> None:
    """Each appointment is served by one option or counted unserved."""
    opts = inst.options_table
    served, unserved = m.blocks["Dose-served"], m.blocks["Dose-unserved"]
    n = len(inst.appointments)
    rows = np.concatenate([opts["appt"].to_numpy(dtype=np.int64), np.arange(n)])
    cols = np.concatenate([served(np.arange(len(opts))), unserved(np.arange(n))])
    m.add_constraints("Dose-assignment", rows, cols, np.ones(len(rows)), n, lower=1.0, upper=1.0)


def define_batch_constraints(m: Model, inst: Instance) -> None:
    """Doses drawn <= batch activity; batch size limits; daily synthesis slots."""
    opts, b = inst.options_table, inst.batches
    served, act, made = m.blocks["Dose-served"], m.blocks["Batch-activity"], m.blocks["Batch-made"]
    nb = len(b)
    rows = np.concatenate([opts["batch"].to_numpy(dtype=np.int64), np.arange(nb)])
    cols = np.concatenate([served(np.arange(len(opts))), act(np.arange(nb))])
    vals = np.concatenate([opts["draw_cal_bq"].to_numpy() / GBQ, -np.ones(nb)])
    m.add_constraints("Batch-doses", rows, cols, vals, nb, upper=0.0)
    k = np.arange(nb)
    m.add_constraints(
        "Batch-max",
        np.concatenate([k, k]),
        np.concatenate([act(k), made(k)]),
        np.concatenate([np.ones(nb), -b["batch_max_bq"].to_numpy() / GBQ]),
        nb,
        upper=0.0,
    )
    m.add_constraints(
        "Batch-min",
        np.concatenate([k, k]),
        np.concatenate([made(k), act(k)]),
        np.concatenate([b["batch_min_bq"].to_numpy() / GBQ, -np.ones(nb)]),
        nb,
        upper=0.0,
    )
    codes, n, _ = _group_rows(b["process"] + "|" + b["day"].astype(str))
    slots = b.groupby(codes)["daily_slots"].first().to_numpy(dtype=float)
    m.add_constraints("Batch-slots", codes, made(k), np.ones(nb), n, upper=slots)


def define_supply_constraints(m: Model, inst: Instance) -> None:
    """Nuclide needed at synthesis start is covered by deliveries (decayed to that time);
    deliveries and weekly caps are not exceeded."""
    b, inputs, deliveries = inst.batches, inst.inputs, inst.deliveries
    act, drawn = m.blocks["Batch-activity"], m.blocks["Input-drawn"]
    nb, ni = len(b), len(inputs)
    pair_batch = inputs["batch"].to_numpy(dtype=np.int64)
    rows = np.concatenate([np.arange(nb), pair_batch])
    cols = np.concatenate([act(np.arange(nb)), drawn(np.arange(ni))])
    vals = np.concatenate([b["input_per_cal"].to_numpy(), -inputs["decay"].to_numpy(dtype=float)])
    m.add_constraints("Batch-input", rows, cols, vals, nb, upper=0.0)
    delivery = inputs["delivery"].to_numpy(dtype=np.int64)
    m.add_constraints(
        "Delivery-capacity",
        delivery,
        drawn(np.arange(ni)),
        np.ones(ni),
        len(deliveries),
        upper=deliveries["capacity_bq"].to_numpy() / GBQ,
    )
    capped = deliveries["week_cap_bq"].notna().to_numpy()
    if capped.any():
        keys = deliveries["producer"] + "|" + deliveries["week"].astype(str)
        codes, n, _ = _group_rows(keys)
        limit = deliveries.groupby(codes)["week_cap_bq"].first().fillna(np.inf).to_numpy() / GBQ
        m.add_constraints(
            "Producer-week", codes[delivery], drawn(np.arange(ni)), np.ones(ni), n, upper=limit
        )


def _input_routes(inst: Instance) -> tuple[IntArray, pd.DataFrame]:
    """Route (row of ``inst.routes``) of each input, -1 for a producer on site."""
    if "route" not in inst.inputs or inst.routes.empty:
        return np.full(len(inst.inputs), -1, dtype=np.int64), inst.routes
    return inst.inputs["route"].to_numpy(dtype=np.int64), inst.routes


def bulk_package_cost_per_gbq(inst: Instance) -> FloatArray:
    """Per input, the cost of Type A packages for its bulk shipment, per GBq drawn (the
    packages' cost spread over the A2 each holds: a linear estimate of a rounded-up count)."""
    route, routes = _input_routes(inst)
    cost = np.zeros(len(route))
    shipped = route >= 0
    if not shipped.any():
        return cost
    r = routes.iloc[route[shipped]]
    type_a = (r["package_type"] == TYPE_A).to_numpy() & np.isfinite(r["a2_bq"].to_numpy())
    cost[np.nonzero(shipped)[0][type_a]] = r["cost_per_package"].to_numpy()[type_a] / (
        r["a2_bq"].to_numpy()[type_a] / GBQ
    )
    return cost


def define_bulk_constraints(m: Model, inst: Instance) -> None:
    """Nuclide shipped in bulk from one delivery to one site over a Type A route fits in the
    route's package limit: activity <= max_packages x A2 (packages are counted after solving,
    ceil(activity / A2), and checked)."""
    route, routes = _input_routes(inst)
    if not (route >= 0).any():
        return
    r = routes.iloc[np.maximum(route, 0)]
    limit = (r["max_packages"].to_numpy(dtype=float) * r["a2_bq"].to_numpy(dtype=float)) / GBQ
    limited = (route >= 0) & (r["package_type"].to_numpy() == TYPE_A) & np.isfinite(limit)
    if not limited.any():
        return
    rows = np.nonzero(limited)[0]
    keys = inst.inputs["delivery"].astype(str).to_numpy()[rows] + "|" + route[rows].astype(str)
    codes, n, _ = _group_rows(keys)
    upper = pd.Series(limit[rows]).groupby(codes).first().to_numpy(dtype=float)
    drawn = m.blocks["Input-drawn"]
    m.add_constraints(
        "Delivery-bulk-packages", codes, drawn(rows), np.ones(len(rows)), n, upper=upper
    )


def define_transport_constraints(m: Model, inst: Instance) -> None:
    """A dose needs its departure; Type A packages hold at most A2 (sum of fractions <= 1 per
    package; the relaxation of packing, tightened by one package per dose above A2/2 — after
    solving, packages are counted by first-fit-decreasing packing and checked)."""
    opts, d = inst.options_table, inst.departures
    served, used, packages = (
        m.blocks["Dose-served"],
        m.blocks["Departure-used"],
        m.blocks["Departure-packages"],
    )
    no = len(opts)
    dep = opts["departure"].to_numpy(dtype=np.int64)
    k = np.arange(no)
    m.add_constraints(
        "Departure-link",
        np.concatenate([k, k]),
        np.concatenate([served(k), used(dep)]),
        np.concatenate([np.ones(no), -np.ones(no)]),
        no,
        upper=0.0,
    )
    a2 = inst.appointments["a2_bq"].to_numpy()[opts["appt"].to_numpy(dtype=np.int64)]
    fraction = opts["draw_cal_bq"].to_numpy() * opts["dep_factor"].to_numpy() / a2
    nd = len(d)
    m.add_constraints(
        "Departure-packages",
        np.concatenate([dep, np.arange(nd)]),
        np.concatenate([served(k), packages(np.arange(nd))]),
        np.concatenate([fraction, -np.ones(nd)]),
        nd,
        upper=0.0,
    )
    # doses are never split: each dose above half an A2 needs a package of its own
    big = np.nonzero(fraction > 0.5)[0]
    if len(big):
        m.add_constraints(
            "Departure-large-doses",
            np.concatenate([dep[big], np.arange(nd)]),
            np.concatenate([served(big), packages(np.arange(nd))]),
            np.concatenate([np.ones(len(big)), -np.ones(nd)]),
            nd,
            upper=0.0,
        )
    cap = d["max_packages"].astype(float).fillna(float(max(no, 1))).to_numpy()
    j = np.arange(nd)
    m.add_constraints(
        "Departure-package-use",
        np.concatenate([j, j]),
        np.concatenate([packages(j), used(j)]),
        np.concatenate([np.ones(nd), -cap]),
        nd,
        upper=0.0,
    )


def define_hospital_constraints(m: Model, inst: Instance) -> None:
    """Weekly treatment slots; licence possession limits on each day."""
    opts, appts = inst.options_table, inst.appointments
    served = m.blocks["Dose-served"]
    appt = opts["appt"].to_numpy(dtype=np.int64)
    hospital = appts["hospital"].to_numpy()[appt]
    sites = inst.network.sites
    slots = pd.Series(hospital).map(sites["weekly_treatment_slots"]).astype(float).to_numpy()
    limited = np.isfinite(slots)
    if limited.any():
        week = opts["serve_week"].astype(str).to_numpy()  # calendar (ISO) weeks
        keys = pd.Series(hospital[limited]).astype(str) + "|" + pd.Series(week[limited])
        codes, n, _ = _group_rows(keys)
        upper = np.asarray(pd.Series(slots[limited]).groupby(codes).first(), dtype=np.float64)
        m.add_constraints(
            "Hospital-slots",
            codes,
            served(np.nonzero(limited)[0]),
            np.ones(len(codes)),
            n,
            upper=upper,
        )
    limits = inst.licence_limits
    if limits.empty:
        return
    d = inst.departures
    nuclide = appts["nuclide"].to_numpy()[appt]
    t_arr = d["t_arr"].to_numpy()[opts["departure"].to_numpy(dtype=np.int64)]
    t_admin = opts["t_admin"].to_numpy()
    half = appts["half_life_h"].to_numpy()[appt]
    at_arrival = (
        opts["draw_cal_bq"].to_numpy()
        * 2.0
        ** (
            -(t_arr - inst.batches["t_cal"].to_numpy()[opts["batch"].to_numpy(dtype=np.int64)])
            / half
        )
        / GBQ
    )
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    limit_upper: list[float] = []
    n = 0
    for site, nuc, limit in limits.itertuples(index=False):  # few licences
        mine = np.nonzero((hospital == site) & (nuclide == nuc))[0]
        if not len(mine):
            continue
        first = int(np.floor(t_arr[mine].min() / HOURS_PER_DAY))
        last = int(np.floor(t_admin[mine].max() / HOURS_PER_DAY))
        for day in range(first, last + 1):
            held = mine[
                (t_arr[mine] < (day + 1) * HOURS_PER_DAY) & (t_admin[mine] >= day * HOURS_PER_DAY)
            ]
            if len(held):
                rows.append(np.full(len(held), n))
                cols.append(served(held))
                vals.append(at_arrival[held])
                limit_upper.append(float(limit) / GBQ)
                n += 1
    if n:
        m.add_constraints(
            "Licence-possession",
            np.concatenate(rows),
            np.concatenate(cols),
            np.concatenate(vals),
            n,
            upper=np.array(limit_upper),
        )


ExtraConstraints = Callable[[Model, Instance], None]


def check_model_size(inst: Instance) -> None:
    """Refuse a MILP too large to solve here, before it is built.

    Raises
    ------
    InputError
        More than :data:`MAX_MILP_WAYS` ways to serve (the message says what to do instead).
    """
    ways = len(inst.options_table)
    if ways > MAX_MILP_WAYS:
        raise InputError(
            f"too large for the MILP: {len(inst.appointments):,} appointments have {ways:,} "
            f"ways to be served (one variable each), at most {MAX_MILP_WAYS:,} "
            "(use the greedy method, fewer days or part of the network)"
        )


def build_model(
    inst: Instance,
    weights: PlanWeights | None = None,
    extra_constraints: ExtraConstraints | None = None,
) -> Model:
    """Stage 1 (+ the user hook): the MILP of an instance."""
    w = weights or PlanWeights()
    m = Model()
    define_variables(m, inst, w)
    define_demand_constraints(m, inst)
    define_batch_constraints(m, inst)
    define_supply_constraints(m, inst)
    define_bulk_constraints(m, inst)
    define_transport_constraints(m, inst)
    define_hospital_constraints(m, inst)
    if extra_constraints is not None:
        extra_constraints(m, inst)
    return m


def model_file(save_model: str | Path) -> Path:
    """Check where the MILP is to be written, before anything is built or solved.

    Parameters
    ----------
    save_model : str or Path
        A ``.mps`` or ``.lp`` file name; its folder is created if missing.

    Raises
    ------
    InputError
        Another suffix, a folder, or a place where no file can be written (the message names
        the path).
    """
    path = Path(save_model)
    shown = elide(str(path))
    if str(save_model).strip() == "" or path.suffix.lower() not in (".mps", ".lp"):
        raise InputError(f"model file {shown!r}: use a .mps or .lp file name")
    if path.is_dir():
        raise InputError(f"model file {shown}: is a folder (give a .mps or .lp file name)")
    existed = path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8"):
            pass
        if not existed:
            path.unlink()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InputError(f"model file {shown}: cannot write there ({reason})") from None
    return path


def _highs_lp(m: Model, *, names: bool) -> tuple[Any, int]:
    """The model as a :class:`highspy.HighsLp` (column-wise matrix) and its nonzeros."""
    import highspy

    a = m.matrix().tocsc()
    lp = highspy.HighsLp()
    lp.num_col_ = m.n_cols
    lp.num_row_ = m.n_rows
    lp.col_cost_ = np.concatenate(m.cost)
    lp.col_lower_ = np.concatenate(m.lower)
    lp.col_upper_ = np.concatenate(m.upper)
    lp.row_lower_ = np.concatenate(m.row_lower) if m.row_lower else np.zeros(0)
    lp.row_upper_ = np.concatenate(m.row_upper) if m.row_upper else np.zeros(0)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
        for flag in np.concatenate(m.integer)
    ]
    if names:
        # block names make the written model readable: Dose_served_12, Batch_doses_3, ... (the
        # LP format admits neither '-' nor brackets in names)
        lp.col_names_ = [
            f"{name.replace('-', '_')}_{i}" for name, b in m.blocks.items() for i in range(b.size)
        ]
        lp.row_names_ = [
            f"{name.replace('-', '_')}_{i}"
            for name, (_, n) in m.row_blocks.items()
            for i in range(n)
        ]
    return lp, int(a.nnz)


def solution_from_choice(m: Model, inst: Instance, choice: Choice) -> FloatArray:
    """The MILP's column values of a plan made by another planner (a warm start).

    Packages per departure are the least the model's package rows allow: the load in A2
    rounded up, and at least one per dose above half an A2.
    """
    x = np.zeros(m.n_cols)

    def put(name: str, values: npt.ArrayLike) -> None:
        block = m.blocks[name]
        x[block.start : block.start + block.size] = np.asarray(values, dtype=float)

    opts = inst.options_table
    option = np.asarray(choice.option, dtype=np.int64)
    chosen = option[option >= 0]
    served = np.zeros(len(opts))
    served[chosen] = 1.0
    put("Dose-served", served)
    put("Dose-unserved", (option < 0).astype(float))
    made = np.asarray(choice.batch_activity_bq, dtype=float) > 0
    put("Batch-made", made.astype(float))
    put("Batch-activity", np.asarray(choice.batch_activity_bq, dtype=float) / GBQ)
    put("Input-drawn", np.asarray(choice.input_bq, dtype=float) / GBQ)
    deps = opts["departure"].to_numpy(dtype=np.int64)[chosen]
    a2 = inst.appointments["a2_bq"].to_numpy()[opts["appt"].to_numpy(dtype=np.int64)[chosen]]
    fraction = (opts["draw_cal_bq"].to_numpy() * opts["dep_factor"].to_numpy())[chosen] / a2
    nd = len(inst.departures)
    load = np.bincount(deps, weights=fraction, minlength=nd)
    big = np.bincount(deps[fraction > 0.5], minlength=nd)
    used = np.bincount(deps, minlength=nd) > 0
    put("Departure-used", used.astype(float))
    put("Departure-packages", np.maximum(np.ceil(load - 1e-9), big))
    return x


def _feasible(m: Model, x: FloatArray, tolerance: float = 1e-6) -> bool:
    """Whether ``x`` satisfies the model's bounds, integrality and rows (within tolerance)."""
    lower, upper = np.concatenate(m.lower), np.concatenate(m.upper)
    if np.any(x < lower - tolerance) or np.any(x > upper + tolerance):
        return False
    integer = np.concatenate(m.integer)
    if np.any(np.abs(x[integer] - np.round(x[integer])) > tolerance):
        return False
    if not m.n_rows:
        return True
    activity = m.matrix().tocsr() @ x
    row_lower = np.concatenate(m.row_lower)
    row_upper = np.concatenate(m.row_upper)
    return bool(
        np.all(activity >= row_lower - tolerance) and np.all(activity <= row_upper + tolerance)
    )


def solve_model(
    m: Model,
    *,
    time_limit_s: float = 600.0,
    mip_gap: float = 0.005,
    save_model: str | Path | None = None,
    start: FloatArray | None = None,
) -> tuple[object, SolverReport]:
    """Stage 2: pass the arrays to HiGHS and solve. Returns the solver and its report.

    Parameters
    ----------
    m : Model
    time_limit_s : float [s]
    mip_gap : float
        Relative gap at which HiGHS stops.
    save_model : str or Path, optional
        Write the model to this .mps or .lp file first (see :func:`model_file`).
    start : array, optional
        Column values of a feasible plan (:func:`solution_from_choice`): HiGHS starts from it,
        so a time limit returns at worst this plan. Its objective is reported as
        ``start_objective`` when it satisfies the model.

    HiGHS comes from :func:`radiochain.planning.solver.new_highs`: silent, logging to
    ``radiochain.solver``, one thread count per process.
    """
    import highspy

    from radiochain.planning.solver import LOGGER, new_highs

    began = time.perf_counter()
    path = model_file(save_model) if save_model is not None else None
    lp, nonzeros = _highs_lp(m, names=path is not None)
    h = new_highs()
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    h.passModel(lp)
    if path is not None and h.writeModel(str(path)) != highspy.HighsStatus.kOk:
        raise InputError(f"model file {elide(str(path))}: HiGHS could not write it")
    start_objective = None
    if start is not None and _feasible(m, start):
        start_objective = float(np.dot(np.concatenate(m.cost), start))
        solution = highspy.HighsSolution()
        solution.col_value = np.asarray(start, dtype=float)
        solution.value_valid = True
        h.setSolution(solution)
        LOGGER.info("warm start from a plan of objective %.6g", start_objective)
    elif start is not None:
        LOGGER.info("the warm start does not satisfy the model; HiGHS starts from nothing")
    build_s = time.perf_counter() - began
    run_start = time.perf_counter()
    h.run()
    runtime = time.perf_counter() - run_start
    info = h.getInfo()
    status = h.getModelStatus()
    report = SolverReport(
        solver=f"HiGHS {h.version()}",
        runtime_s=runtime,
        build_s=build_s,
        mip_gap=float(info.mip_gap) if np.isfinite(info.mip_gap) else None,
        dual_bound=float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None,
        nodes=int(info.mip_node_count),
        variables=m.n_cols,
        constraints=m.n_rows,
        nonzeros=nonzeros,
        message=h.modelStatusToString(status),
        start_objective=start_objective,
    )
    return h, report


def needed_inputs(
    inst: Instance, batch_activity_bq: FloatArray, input_bq: FloatArray
) -> FloatArray:
    """The nuclide each input draws [Bq], kept to the batches made and to what each needs.

    The model bounds a batch's inputs from below only (``Batch-input``: enough nuclide for its
    activity). Where drawing costs nothing (weights ``waste_per_gbq`` and ``cost`` of 0) the
    solver may leave any amount drawn, even for a batch it does not make; such an order would
    travel in a bulk shipment to no batch. Draws for batches not made are dropped and the
    others scaled down to what the batch needs at synthesis start: never more nuclide, so
    every capacity and package limit still holds and the objective can only fall.

    Parameters
    ----------
    inst : Instance
    batch_activity_bq : array [Bq]
        Calibration activity per candidate batch, 0 where not made.
    input_bq : array [Bq]
        Activity drawn per row of ``inst.inputs``, at the delivery time.
    """
    if not len(inst.inputs):
        return input_bq
    batch = inst.inputs["batch"].to_numpy(dtype=np.int64)
    decay = inst.inputs["decay"].to_numpy(dtype=float)
    drawn = np.where(batch_activity_bq[batch] > 0, np.maximum(input_bq, 0.0), 0.0)
    need = inst.batches["input_per_cal"].to_numpy(dtype=float) * batch_activity_bq
    have = np.bincount(batch, weights=drawn * decay, minlength=len(need))
    scale = np.ones(len(need))
    over = have > need
    scale[over] = need[over] / have[over]
    result: FloatArray = drawn * scale[batch]
    return result


def read_solution(h: object, m: Model, inst: Instance) -> tuple[Choice, float | None, PlanStatus]:
    """Stage 3: the values of the decision variables as a :class:`Choice`.

    Raises
    ------
    InfeasibleError
        HiGHS ended without a feasible solution.
    """
    import highspy

    solver: highspy.Highs = h  # type: ignore[assignment]
    status = solver.getModelStatus()
    info = solver.getInfo()
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        raise InfeasibleError(
            f"the solver found no plan ({solver.modelStatusToString(status)}); "
            "raise the time limit or use the greedy method"
        )
    x = np.asarray(solver.getSolution().col_value)

    def values(name: str) -> FloatArray:
        block = m.blocks[name]
        result: FloatArray = x[block.start : block.start + block.size]
        return result

    served = values("Dose-served") > 0.5
    opts = inst.options_table
    option = np.full(len(inst.appointments), -1, dtype=np.int64)
    chosen = np.nonzero(served)[0]
    option[opts["appt"].to_numpy(dtype=np.int64)[chosen]] = chosen
    # a batch is made if the solver opened it and it holds more than rounding noise
    made = (values("Batch-made") > 0.5) & (values("Batch-activity") * GBQ > 1e3)
    activity = np.where(made, values("Batch-activity") * GBQ, 0.0)
    # the fewest Type A packages that hold each departure's doses (the model only bounds them)
    load = np.zeros(len(inst.departures))
    a2 = inst.appointments["a2_bq"].to_numpy()[opts["appt"].to_numpy(dtype=np.int64)[chosen]]
    np.add.at(
        load,
        opts["departure"].to_numpy(dtype=np.int64)[chosen],
        opts["draw_cal_bq"].to_numpy()[chosen] * opts["dep_factor"].to_numpy()[chosen] / a2,
    )
    choice = Choice(
        option=option,
        batch_activity_bq=activity,
        input_bq=needed_inputs(inst, activity, values("Input-drawn") * GBQ),
        packages=np.ceil(load - 1e-9),
    )
    optimal = status == highspy.HighsModelStatus.kOptimal
    return (
        choice,
        float(info.objective_function_value),
        PlanStatus.OPTIMAL if optimal else PlanStatus.FEASIBLE,
    )


def plan_milp(
    inst: Instance,
    *,
    weights: PlanWeights | None = None,
    time_limit_s: float = 600.0,
    mip_gap: float = 0.005,
    save_model: str | Path | None = None,
    extra_constraints: ExtraConstraints | None = None,
    start: Choice | None = None,
) -> PlanResult:
    """Build, solve and read back the MILP of an instance.

    Parameters
    ----------
    start : Choice, optional
        A plan to start from (the greedy plan: :func:`radiochain.planning.greedy.greedy_choice`).
        If HiGHS ends without a plan of its own (it cannot do worse than a start it accepted),
        this plan is returned, with a note, as method ``greedy``.
    """
    check_model_size(inst)
    began = time.perf_counter()
    m = build_model(inst, weights, extra_constraints)
    build_s = time.perf_counter() - began
    x0 = solution_from_choice(m, inst, start) if start is not None else None
    h, report = solve_model(
        m, time_limit_s=time_limit_s, mip_gap=mip_gap, save_model=save_model, start=x0
    )
    report = replace(report, build_s=build_s + report.build_s)
    reasons = unserved_reasons(inst)
    try:
        choice, objective, status = read_solution(h, m, inst)
    except InfeasibleError:
        if start is None:
            raise
        result = assemble(
            inst,
            start,
            method="greedy",
            status=PlanStatus.FEASIBLE,
            objective=None,
            report=report,
            reasons=reasons,
        )
        result.notes.append(
            f"the MILP ended without a plan ({report.message}); this is the greedy plan "
            "(raise the time limit for a better one)"
        )
        return result
    return assemble(
        inst,
        choice,
        method="milp",
        status=status,
        objective=objective,
        report=report,
        reasons=reasons,
    )
