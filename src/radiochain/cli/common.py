"""What every command shares: the --json option, JSON printing, the console.

Machine output is clean by construction: while a command runs with ``--json``,
:func:`radiochain.cli.main.main` points file descriptor 1 at stderr, so that nothing a library
or a solver's C code prints can reach stdout; :func:`print_json` writes the one JSON document
to the real stdout, kept aside in :data:`JSON_STREAM`.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Annotated

import typer
from rich.console import Console

from radiochain.files import to_jsonable as jsonable

JsonOption = Annotated[
    bool,
    typer.Option("--json", help="Print one JSON document on stdout (logs and progress: stderr)."),
]

JSON_STREAM: IO[str] | None = None
"""Where :func:`print_json` writes while a ``--json`` command runs (the real stdout)."""

json_documents_written = 0
"""JSON documents printed by the running command (the command line checks it is one)."""


def print_json(payload: object, *, text_fallback: bool = True) -> None:
    """Write ``payload`` as one indented JSON document to stdout.

    NaN and infinity become ``null``, NumPy values plain numbers, dates ISO 8601 text (with
    ``text_fallback=False`` a value JSON cannot hold is an error instead: a bug to fix).
    """
    global json_documents_written
    data = jsonable(payload) if text_fallback else payload
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    stream = JSON_STREAM if JSON_STREAM is not None else sys.stdout
    stream.write(text)
    stream.flush()
    json_documents_written += 1


def console() -> Console:
    """A console that prints plain text (no syntax highlighting of numbers)."""
    return Console(highlight=False, soft_wrap=True)


def stderr_console() -> Console:
    """The console for progress bars and notes: stderr, so stdout stays the result."""
    return Console(stderr=True, highlight=False, soft_wrap=True)
