"""Run ``radiochain`` commands as real processes, fast: a fork server.

Starting Python and importing pandas, NumPy and Matplotlib costs ~1 s per process; the bad-input
corpus has hundreds of cases. So one server process imports everything once and forks a child
per command. Each child is a real process with its own file descriptors (what C code writes to
fd 1 or 2 is captured), its own working folder, a memory limit and a time limit, and it calls
``radiochain.cli.main.main(args)`` exactly as the console script does. The server itself is
single-threaded, so forking it is safe.

Protocol: one JSON request per line on the server's stdin
``{"args": [...], "cwd": "...", "timeout": s, "memory_mb": n}``, one JSON reply per line on its
stdout ``{"exit": n, "stdout": "...", "stderr": "...", "timed_out": bool, "seconds": s}``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SERVER = r"""
import json, os, resource, signal, sys, time
os.environ["MPLBACKEND"] = "Agg"
import numpy, pandas, scipy.sparse, yaml, matplotlib.pyplot  # imported once, shared by forks
from radiochain.cli.main import main

requests, replies = sys.stdin, os.fdopen(os.dup(1), "w")
for line in requests:
    req = json.loads(line)
    out_path, err_path = req["cwd"] + "/.stdout", req["cwd"] + "/.stderr"
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(req["cwd"])
            limit = req["memory_mb"] * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            err = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(out, 1); os.dup2(err, 2)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # never the server's request pipe
            sys.stdout = os.fdopen(1, "w", closefd=False)
            sys.stderr = os.fdopen(2, "w", closefd=False)
            code = main(req["args"])
            sys.stdout.flush(); sys.stderr.flush()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        except BaseException:
            import traceback; traceback.print_exc(); sys.stderr.flush(); code = 99
        os._exit(code)
    deadline = start + req["timeout"]
    timed_out = False
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.perf_counter() > deadline:
            os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0); timed_out = True; status = 0
            break
        time.sleep(0.005)
    code = os.waitstatus_to_exitcode(status) if not timed_out else None
    read = lambda p: open(p, encoding="utf-8", errors="replace").read() if os.path.exists(p) else ""
    reply = {"exit": code, "stdout": read(out_path), "stderr": read(err_path),
             "timed_out": timed_out, "seconds": time.perf_counter() - start}
    for p in (out_path, err_path):
        if os.path.exists(p): os.remove(p)
    replies.write(json.dumps(reply) + "\n"); replies.flush()
"""


@dataclass
class Outcome:
    """What a command did, as its user sees it."""

    exit: int | None
    stdout: str
    stderr: str
    timed_out: bool
    seconds: float


class ForkServer:
    """A process that runs ``radiochain`` commands in forked children (see the module doc)."""

    def __init__(self) -> None:
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", COLUMNS="100")
        self._process = subprocess.Popen(
            [sys.executable, "-c", SERVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )

    def run(
        self, args: list[str], cwd: Path, *, timeout_s: float = 60.0, memory_mb: int = 4096
    ) -> Outcome:
        """Run ``radiochain ARGS`` in ``cwd`` and wait for it (killed after ``timeout_s``)."""
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        request: dict[str, Any] = {
            "args": args,
            "cwd": str(cwd),
            "timeout": timeout_s,
            "memory_mb": memory_mb,
        }
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the fork server stopped")
        reply = json.loads(line)
        return Outcome(
            reply["exit"], reply["stdout"], reply["stderr"], reply["timed_out"], reply["seconds"]
        )

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=30)
