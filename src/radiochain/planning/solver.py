"""HiGHS, set up once per process: quiet, logging through :mod:`logging`, one thread count.

Three facts about HiGHS (highspy 1.16) shape this module:

- the first :class:`highspy.Highs` of a process prints a two-line banner ("Running HiGHS ...")
  from C code to file descriptor 1 while it is constructed, before any option can silence it;
  :func:`new_highs` constructs it with descriptor 1 pointed at ``/dev/null`` for that moment,
  so the library never writes to stdout (``radiochain plan --json | jq`` works);
- HiGHS's task scheduler is global to the process and keeps the thread count of the first solve
  that started it: a later solve asking for another count ends with model status "Not Set". So
  one place, :func:`solver_threads`, decides the count for every solve in the process, and
  :func:`set_solver_threads` changes it (restarting the scheduler);
- HiGHS logs through a callback; :func:`new_highs` forwards its log lines to the logger
  ``radiochain.solver`` (level INFO) only when that logger is enabled for INFO — the command
  line's ``--verbose`` — and keeps HiGHS silent otherwise.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from typing import TYPE_CHECKING, Any

from radiochain.errors import InputError

if TYPE_CHECKING:
    import highspy

__all__ = ["DEFAULT_THREADS", "new_highs", "set_solver_threads", "solver_threads"]

LOGGER = logging.getLogger("radiochain.solver")

DEFAULT_THREADS = 1
"""HiGHS threads per solve unless :func:`set_solver_threads` says otherwise. HiGHS's MILP is
mostly sequential: on the china-2025 week one thread solves as fast as two (2.8 s against
2.9 s on a 2-core machine), and stress-test workers each run their own process."""

_LOCK = threading.Lock()
_threads = DEFAULT_THREADS
_scheduler_threads: int | None = None  # the count HiGHS's scheduler was started with, if any
_constructed = False


def solver_threads() -> int:
    """The number of threads every HiGHS solve in this process uses."""
    return _threads


def set_solver_threads(threads: int) -> None:
    """Use ``threads`` threads in every later HiGHS solve of this process.

    HiGHS keeps one task scheduler per process; if a solve already started it with another
    count, it is restarted before the next solve. Call this when no solve is running in
    another thread of the process.

    Parameters
    ----------
    threads : int
        1 to 256.

    Raises
    ------
    InputError
        ``threads`` is not a whole number in 1..256.
    """
    global _threads
    if isinstance(threads, bool) or not isinstance(threads, int) or not 1 <= threads <= 256:
        raise InputError(f"solver threads {threads!r}: give a whole number from 1 to 256")
    with _LOCK:
        _threads = threads


def _flush_c_stdio() -> None:
    """Flush what C code buffered for stdout, so it goes where descriptor 1 points now."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # no C library: nothing buffered either
        ctypes.CDLL(None).fflush(None)


def _construct_quietly() -> highspy.Highs:
    """A :class:`highspy.Highs` whose banner (printed by C code to descriptor 1 the first time
    one is constructed in a process) goes to ``/dev/null``.

    Descriptor 1 is process-wide: for the instant of the first construction, output of other
    threads to stdout is lost too. Later constructions print nothing and are not redirected.
    """
    import highspy

    global _constructed
    if _constructed:
        return highspy.Highs()  # type: ignore[no-untyped-call]
    with contextlib.suppress(AttributeError, ValueError, OSError):  # a closed stdout
        sys.stdout.flush()
    _flush_c_stdio()
    try:
        saved = os.dup(1)
    except OSError:  # no descriptor 1 at all: nothing can be printed there
        _constructed = True
        return highspy.Highs()  # type: ignore[no-untyped-call]
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        solver = highspy.Highs()  # type: ignore[no-untyped-call]
        _flush_c_stdio()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)
    _constructed = True
    return solver


def _forward_log(event: Any) -> None:
    message = str(getattr(event, "message", "")).rstrip()
    if message:
        LOGGER.info("%s", message)


def new_highs() -> highspy.Highs:
    """A HiGHS solver that prints nothing, logs to ``radiochain.solver`` when that logger is
    enabled for INFO, uses :func:`solver_threads` threads and a fixed random seed.

    Thread safety: safe to call from several threads (a lock guards the first construction and
    the scheduler's restart); the first call of a process briefly points descriptor 1 at
    ``/dev/null`` (see :func:`_construct_quietly`).
    """
    import highspy

    global _scheduler_threads
    with _LOCK:
        solver = _construct_quietly()
        if _scheduler_threads is not None and _scheduler_threads != _threads:
            highspy.Highs.resetGlobalScheduler(True)
        _scheduler_threads = _threads
        threads = _threads
    solver.setOptionValue("threads", threads)
    solver.setOptionValue("random_seed", 0)
    if LOGGER.isEnabledFor(logging.INFO):
        solver.setOptionValue("output_flag", True)
        solver.setOptionValue("log_to_console", False)
        solver.cbLogging.subscribe(_forward_log)
    else:
        solver.setOptionValue("output_flag", False)
    return solver
