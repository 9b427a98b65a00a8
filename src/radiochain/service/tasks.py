"""The work of a run, as pure functions that a Dask worker executes.

:func:`execute` takes only what a run stores — the network version's JSON export (bytes), the
orders snapshot (demand rows), the normalized options — and returns the result as plain JSON:
``{"status", "message", "summary", "tables"}``. It calls the library's public workflows
(:func:`radiochain.planning.run_plan`, :func:`radiochain.simulation.stress_test`) and nothing
else; this module imports neither the web nor the database stack, so a worker of a remote
cluster needs only the radiochain library, and a stored run is reproduced by calling
:func:`execute` again with its stored inputs.

Options arrive as the user wrote them (``"2 min"``, ``"0.5 %"``) and are stored normalized in
base units (``time_limit_s``, ``mip_gap``, ``reserve_fraction``, ``outage_duration_d``);
:func:`plan_options` and :func:`stress_test_options` normalize them and check them with the
library's own option classes (:class:`~radiochain.planning.PlanOptions`,
:class:`~radiochain.planning.PlanWeights`,
:class:`~radiochain.simulation.StressTestOptions`), so the service refuses exactly what the
library refuses, with its words.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import math
import time
from collections.abc import Callable, Mapping
from typing import Any

from radiochain.errors import InputError, RadiochainError, elide, one_line
from radiochain.files import to_jsonable

KINDS = ("plan", "stress_test")
"""Kinds of run the service executes."""

DEFAULT_TIME_LIMIT_S = 600.0
"""Solver time limit of a plan when none is given [s] (as ``radiochain plan``), at most the
service's job time limit."""

PLAN_TABLES = ("doses", "batches", "shipments", "inputs")
"""Tables of a plan's result."""
STRESS_TEST_TABLES = ("answers", "runs")
"""Tables of a stress test's result."""

Progress = Callable[[int, int], None]


# options ------------------------------------------------------------------------------------
def _duration_s(value: object, what: str) -> float:
    """A duration with its unit [s]; a bare number is refused with an example."""
    from radiochain.units import to_seconds

    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(f"{what} {elide(value)!r}: give a duration with its unit, e.g. '10 min'")
    if isinstance(value, int | float) or _is_number(value):
        raise InputError(
            f"{what}: {elide(value)!r} has no unit (write e.g. '{elide(str(value).strip(), 20)} s'"
            " or '10 min')"
        )
    return to_seconds(value, default_unit=None, what=what)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _time_limit_s(given: object, max_time_limit_s: float) -> float:
    if given is None:
        return min(DEFAULT_TIME_LIMIT_S, max_time_limit_s)
    seconds = _duration_s(given, "time_limit")
    if not 0 < seconds <= max_time_limit_s:
        raise InputError(
            f"time_limit {elide(given)!r}: give a duration above 0 and at most the service's "
            f"job time limit ({max_time_limit_s:g} s)"
        )
    return seconds


def _mip_gap(given: object) -> float:
    from radiochain.units import parse_fraction

    gap = parse_fraction(0.005 if given is None else given, what="gap")  # type: ignore[arg-type]
    if gap >= 1:
        raise InputError(f"gap {elide(given)!r}: give a fraction below 1, e.g. '0.5 %'")
    return gap


def _weights(given: object) -> dict[str, float]:
    from radiochain.planning import PlanWeights

    weights = dict(given) if isinstance(given, Mapping) else {}
    names = tuple(f.name for f in dataclasses.fields(PlanWeights))
    unknown = [k for k in weights if k not in names]
    if unknown:
        raise InputError(
            f"weights: unknown weight {elide(unknown[0], 40)!r} (use {', '.join(names)})"
        )
    return dataclasses.asdict(PlanWeights(**weights))


def plan_options(raw: Mapping[str, Any], *, max_time_limit_s: float) -> dict[str, Any]:
    """A plan's options in base units, checked by the library's option classes.

    Parameters
    ----------
    raw : mapping
        ``method`` (``milp`` or ``greedy``), ``days``, ``start`` (``YYYY-MM-DD`` or None:
        the network's), and for the MILP only: ``time_limit`` (a duration text, default
        10 min), ``gap`` (a fraction, ``0.005`` or ``"0.5 %"``, default 0.5 %), ``weights``
        (a mapping of objective weights, default :class:`~radiochain.planning.PlanWeights`).
    max_time_limit_s : float [s]
        The longest solver time limit allowed (the service's job time limit).

    Returns
    -------
    dict
        ``method, days, start, time_limit_s, mip_gap, weights`` (all four weights; the last
        three None for the greedy method).

    Raises
    ------
    InputError
        A value the library refuses, a time limit beyond ``max_time_limit_s``, or a MILP
        option given with the greedy method (refused, as the library does, never ignored).
    """
    from radiochain.planning import METHODS
    from radiochain.units import parse_date

    method = raw.get("method", "milp")
    if method not in METHODS:
        raise InputError(f"method {elide(method)!r}: use 'milp' or 'greedy'")
    start = raw.get("start")
    options: dict[str, Any] = {
        "method": method,
        "days": raw.get("days", 7),
        "start": None if start is None else parse_date(start, what="start").isoformat(),
        "time_limit_s": None,
        "mip_gap": None,
        "weights": None,
    }
    milp_only = [k for k in ("time_limit", "gap", "weights") if raw.get(k) is not None]
    if method == "greedy" and milp_only:
        raise InputError(
            f"{', '.join(milp_only)}: only the 'milp' method uses "
            f"{'it' if len(milp_only) == 1 else 'them'} (the greedy rule has no objective or "
            "solver)"
        )
    if method == "milp":
        options["time_limit_s"] = _time_limit_s(raw.get("time_limit"), max_time_limit_s)
        options["mip_gap"] = _mip_gap(raw.get("gap"))
        options["weights"] = _weights(raw.get("weights"))
    plan_arguments(options)
    return options


def plan_arguments(options: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of :func:`radiochain.planning.run_plan` for stored options
    (the MILP's time limit, gap and weights only when given).

    Raises
    ------
    InputError
        A value :class:`~radiochain.planning.PlanOptions` or
        :class:`~radiochain.planning.PlanWeights` refuses.
    """
    from radiochain.planning import PlanOptions, PlanWeights
    from radiochain.units import parse_date

    start = options.get("start")
    arguments: dict[str, Any] = {
        "method": options["method"],
        "options": PlanOptions(
            start=None if start is None else parse_date(start, what="start"),
            days=options["days"],
        ),
    }
    if options.get("weights") is not None:
        arguments["weights"] = PlanWeights(**options["weights"])
    for key in ("time_limit_s", "mip_gap"):
        if options.get(key) is not None:
            arguments[key] = float(options[key])
    return arguments


def stress_test_options(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A stress test's options in base units, checked by
    :class:`~radiochain.simulation.StressTestOptions`.

    Parameters
    ----------
    raw : mapping
        ``weeks, runs, seed, policy`` (``dispatch`` or ``rolling``), ``reserve`` (a fraction of
        the weekly nuclide need, or None: the network's), ``n_minus_1`` (a producer or lane
        name, ``largest-producer`` or ``largest-lane``) with ``outage_duration`` (default
        ``"21 d"``) and ``outage_start`` (default ``"0 d"``), ``target`` (a risk target such as
        ``"P(missed > 1 %) < 5 %"``: size the smallest reserve that meets it).

    Returns
    -------
    dict
        ``weeks, runs, seed, policy, reserve_fraction, n_minus_1, outage_duration_d,
        outage_start_d, target``.

    Raises
    ------
    InputError
        A value the library refuses, or an outage duration or start without ``n_minus_1``.
    """
    from radiochain.simulation import parse_target
    from radiochain.simulation.scenario import MAX_RESERVE
    from radiochain.units import parse_fraction

    n_minus_1 = raw.get("n_minus_1")
    for key in ("outage_duration", "outage_start"):
        if raw.get(key) is not None and n_minus_1 is None:
            raise InputError(f"{key} needs n_minus_1 (the producer or lane that is lost)")
    reserve = raw.get("reserve")
    target = raw.get("target")
    day = 86_400.0
    options = {
        "weeks": raw.get("weeks", 52),
        "runs": raw.get("runs", 100),
        "seed": raw.get("seed", 0),
        "policy": raw.get("policy", "dispatch"),
        "reserve_fraction": None
        if reserve is None
        else parse_fraction(reserve, what="reserve", upper=MAX_RESERVE),
        "n_minus_1": n_minus_1,
        "outage_duration_d": None
        if n_minus_1 is None
        else _duration_s(raw.get("outage_duration") or "21 d", "outage_duration") / day,
        "outage_start_d": None
        if n_minus_1 is None
        else _duration_s(raw.get("outage_start") or "0 d", "outage_start") / day,
        "target": None if target is None else parse_target(target).text,
    }
    stress_test_arguments(options)
    return options


def stress_test_arguments(options: Mapping[str, Any]) -> Any:
    """The :class:`~radiochain.simulation.StressTestOptions` of stored options (the ensemble
    runs inside the job's task: one worker).

    Raises
    ------
    InputError
        A value the library refuses.
    """
    from radiochain.simulation import NMinus1, StressTestOptions, parse_target

    n_minus_1 = options.get("n_minus_1")
    target = options.get("target")
    return StressTestOptions(
        weeks=options["weeks"],
        runs=options["runs"],
        seed=options["seed"],
        policy=options["policy"],
        reserve_fraction=options.get("reserve_fraction"),
        n_minus_1=None
        if n_minus_1 is None
        else NMinus1(n_minus_1, options["outage_duration_d"], options["outage_start_d"]),
        target=None if target is None else parse_target(target),
    )


def normalize_options(
    kind: str, raw: Mapping[str, Any], *, max_time_limit_s: float
) -> dict[str, Any]:
    """:func:`plan_options` or :func:`stress_test_options` by ``kind``."""
    if kind == "plan":
        return plan_options(raw, max_time_limit_s=max_time_limit_s)
    if kind == "stress_test":
        return stress_test_options(raw)
    raise InputError(f"kind {elide(kind)!r}: use one of {', '.join(KINDS)}")


# the network of a run --------------------------------------------------------------------------
def network_document(payload: bytes, orders: list[dict[str, Any]]) -> bytes:
    """The network's JSON export with the orders appended to its demand table (the payload
    itself, byte for byte, when there are no orders)."""
    if not orders:
        return payload
    document = json.loads(payload)
    tables = document.setdefault("tables", {})
    tables["demand"] = [*tables.get("demand", []), *orders]
    return json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8")


def load_network(payload: bytes, orders: list[dict[str, Any]], *, name: str) -> Any:
    """The network of a run: its stored version with the orders merged into the demand,
    refused (one line, every problem counted) when it has errors.

    Raises
    ------
    InputError
        The network (with the orders) has errors.
    """
    from radiochain.network.jsonio import parse_json_network

    return parse_json_network(network_document(payload, orders), where=f"{name}.json", strict=True)


# the work ---------------------------------------------------------------------------------------
def _records(frame: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = to_jsonable(frame.to_dict(orient="records"))
    return rows


def _without_files(summary: dict[str, Any]) -> dict[str, Any]:
    """A library summary without what only a written folder has (``out``, ``files``)."""
    result: dict[str, Any] = to_jsonable(
        {k: v for k, v in summary.items() if k not in ("out", "files")}
    )
    return result


def _plan(network: Any, options: Mapping[str, Any]) -> dict[str, Any]:
    from radiochain.planning import run_plan

    result = run_plan(network, **plan_arguments(options))
    message = "" if result.ok else (result.notes[-1] if result.notes else "plan check failed")
    return {
        "status": "succeeded" if result.ok else "failed",
        "message": one_line(message),
        "summary": _without_files(result.summary()),
        "tables": {name: _records(getattr(result, name)) for name in PLAN_TABLES},
    }


def _stress_test(
    network: Any, options: Mapping[str, Any], progress: Progress | None
) -> dict[str, Any]:
    from radiochain.simulation import stress_test

    result = stress_test(network, None, stress_test_arguments(options), progress=progress)
    return {
        "status": "succeeded",
        "message": "",
        "summary": _without_files(result.summary()),
        "tables": {
            "answers": _records(result.answers),
            "runs": _records(result.ensemble.runs),
        },
    }


def execute(
    kind: str,
    payload: bytes,
    orders: list[dict[str, Any]],
    options: Mapping[str, Any],
    *,
    name: str,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run a plan or a stress test from a run's stored inputs.

    Parameters
    ----------
    kind : {"plan", "stress_test"}
    payload : bytes
        The network version's JSON export.
    orders : list of dict
        Demand rows (the orders snapshot), appended to the network's demand.
    options : mapping
        Normalized options (:func:`normalize_options`).
    name : str
        The network's name (messages name ``NAME.json``).
    progress : callable, optional
        ``progress(done_runs, total_runs)`` of a stress test.

    Returns
    -------
    dict
        ``status`` (``succeeded``, or ``failed`` for a plan that fails its own check),
        ``message``, ``summary`` (the library's summary, without files) and ``tables``
        (:data:`PLAN_TABLES` or :data:`STRESS_TEST_TABLES`, as lists of rows).

    Raises
    ------
    InputError, InfeasibleError
        What the library raises: a network with errors, options it refuses, a network that
        cannot be planned.
    """
    if kind not in KINDS:
        raise InputError(f"kind {elide(kind)!r}: use one of {', '.join(KINDS)}")
    network = load_network(payload, orders, name=name)
    if kind == "plan":
        return _plan(network, options)
    return _stress_test(network, options, progress)


# on a Dask worker ---------------------------------------------------------------------------------
class CancelledError(Exception):
    """The run was cancelled (or ran out of time) while its task ran."""


class _Reporter:
    """Progress events to the service (a Dask event topic) and the cooperative stop: a stress
    test checks, at most every ``every_s`` seconds, whether its run was cancelled."""

    def __init__(self, run_id: int, topic: str, every_s: float = 0.5) -> None:
        distributed: Any = importlib.import_module("distributed")

        self.run_id, self.topic, self.every_s = run_id, topic, every_s
        self.worker = distributed.get_worker()
        self.cancelled = distributed.Event(cancel_event_name(topic, run_id))
        self.last = -math.inf

    def send(self, stage: str, **fields: Any) -> None:
        self.worker.log_event(self.topic, {"run": self.run_id, "stage": stage, **fields})

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.every_s and done < total:
            return
        self.last = now
        if self.cancelled.is_set():
            raise CancelledError
        self.send("progress", done=int(done), total=int(total))


def cancel_event_name(topic: str, run_id: int) -> str:
    """Name of the Dask event that tells a running task its run was cancelled."""
    return f"{topic}-cancel-{run_id}"


def run_on_worker(
    run_id: int,
    kind: str,
    payload: bytes,
    orders: list[dict[str, Any]],
    options: dict[str, Any],
    name: str,
    topic: str,
) -> dict[str, Any]:
    """The Dask task of a run: :func:`execute` with progress events; every error becomes a
    ``failed`` result with its one-line reason (so nothing but plain data comes back), and
    ``elapsed_s`` [s] says how long the work took on the worker (for the time limit)."""
    started = time.perf_counter()
    reporter = _Reporter(run_id, topic)
    reporter.send("running")
    outcome: dict[str, Any]
    try:
        outcome = execute(kind, payload, orders, options, name=name, progress=reporter)
    except CancelledError:
        outcome = {"status": "cancelled", "message": "cancelled while running"}
    except RadiochainError as err:
        outcome = {"status": "failed", "message": one_line(str(err))}
    except Exception as err:  # a bug in the library: said, never hidden
        outcome = {
            "status": "failed",
            "message": one_line(f"internal error ({type(err).__name__}): {elide(str(err), 200)}"),
        }
    return outcome | {"elapsed_s": time.perf_counter() - started}
