"""Problems found in a network: every one at once, each saying where, what and what would be
right, in the form ``file:row: field: what is wrong (what would be right)``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One problem of a network.

    Attributes
    ----------
    level : {"error", "warning"}
    file : str
        Table file, e.g. ``lanes.csv``, or ``network.yaml``.
    row : int or str or None
        Line of the CSV file (the header is line 1) when read from a folder, else the row's
        name in brackets; None for a problem of the whole table.
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
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {what}" + (f" ({self.hint})" if self.hint else "")

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
