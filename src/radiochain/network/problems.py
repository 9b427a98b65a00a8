"""Problems found in a network: every one at once, each saying where, what and what would be
right, in the form ``file:row: field: what is wrong (what would be right)``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["error", "warning"]

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
"""Control characters no cell or key holds on purpose (a NUL byte, an escape sequence...);
tabs and line breaks are text."""


def visible(text: str) -> str:
    """``text`` with its control characters written as escapes (``\\x00``), so that a message
    never sends a NUL byte or an escape sequence to the terminal."""
    return CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


def split_hint(message: str) -> tuple[str, str]:
    """A message ending in a parenthesised hint, as (what is wrong, what would be right):
    ``"cannot read 'x' as time (write e.g. '120 h')"`` gives ``("cannot read 'x' as time",
    "write e.g. '120 h'")``; a message without one gives ``(message, "")``."""
    text = message.rstrip()
    if not text.endswith(")"):
        return message, ""
    depth = 0
    for k in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[k], 0)
        if depth == 0:
            if k > 1 and text[k - 1] == " ":
                return text[: k - 1], text[k + 1 : -1]
            return message, ""
    return message, ""


@dataclass(frozen=True)
class Problem:
    """One problem of a network.

    Attributes
    ----------
    level : {"error", "warning"}
    file : str
        The file the user wrote: a table file (``lanes.csv``), ``network.yaml``, or the
        ``.json`` file of a network read from JSON.
    row : int or str or None
        Line of the CSV file (the header is line 1) when read from a folder; the place in the
        document for a JSON file (``tables.lanes[2]``, ``tables.lanes`` for the whole table,
        ``network`` for its metadata); else the row's name in brackets; None for a problem of
        the whole file or table.
    field : str
        Column (or key) concerned; '' for the whole row.
    message : str
        What is wrong.
    hint : str
        What would be right.
    """

    level: Level
    file: str
    row: int | str | None
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        if self.file.lower().endswith(".json"):  # a place in a document: tables.lanes[2].mode
            place = ".".join(str(p) for p in (self.row, self.field) if p not in (None, ""))
            where = f"{self.file}: {place}" if place else self.file
            what = self.message
        else:
            where = self.file if self.row is None else f"{self.file}:{self.row}"
            what = f"{self.field}: {self.message}" if self.field else self.message
        text = visible(f"{where}: {what}" + (f" ({self.hint})" if self.hint else ""))
        lines = text.splitlines()  # a cell or key may hold a line break: one line, always
        return " ".join(lines) if len(lines) > 1 else text

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            "text": str(self),
        }


@dataclass(frozen=True)
class Place:
    """Where the rows of one table are in the user's files, for messages.

    Attributes
    ----------
    file : str
        File name shown: ``lanes.csv``, or ``net.json`` for a network read from JSON.
    table_row : int or str or None
        ``row`` of a problem of the whole table: None for a CSV file, ``tables.lanes`` in JSON.
    rows : dict
        Row name -> CSV line (the header is line 1) or JSON place (``tables.lanes[2]``).
    """

    file: str
    table_row: int | str | None = None
    rows: dict[str, int | str] = field(default_factory=dict)

    def row(self, name: object) -> int | str:
        """The place of a row; its name in brackets when unknown."""
        return self.rows.get(str(name), f"[{name}]")


@dataclass
class Report:
    """All problems of a network, errors first."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def __iter__(self) -> Iterator[Problem]:
        return iter(sorted(self.problems, key=lambda p: p.level != "error"))

    def __len__(self) -> int:
        return len(self.problems)
