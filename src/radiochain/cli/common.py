"""What every command shares: the --json option, JSON printing, the console."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def print_json(payload: object, *, text_fallback: bool = False) -> None:
    """Write ``payload`` as indented JSON to stdout (NaN and infinity are refused); with
    ``text_fallback`` values JSON cannot hold (dates...) are written as text."""
    sys.stdout.write(
        json.dumps(
            payload,
            indent=2,
            ensure_ascii=False,
            allow_nan=False,
            default=str if text_fallback else None,
        )
        + "\n"
    )


def console() -> Console:
    """A console that prints plain text (no syntax highlighting of numbers)."""
    return Console(highlight=False, soft_wrap=True)
