"""Column names of the clinical input tables: misspelt headers are caught, not ignored."""

from __future__ import annotations

import difflib
import math
import re
import warnings
from collections.abc import Iterable
from typing import Any

from radiochain.clinical.kinetics import ClinicalWarning
from radiochain.errors import InputError, elide, elide_path


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def similar(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``name`` most likely stands for: the same letters and digits ignoring case,
    spaces and underscores (``SUVmax_PSMA``), one a prefix of the other (``ki67`` for
    ``ki67_percent``), or a close spelling (``mass`` for ``mass_g``); None if none is."""
    pool = [str(c) for c in candidates if str(c) != str(name)]
    key = _norm(name)
    for c in pool:
        if _norm(c) == key:
            return c
    for c in pool:
        other = _norm(c)
        if min(len(key), len(other)) >= 3 and (other.startswith(key) or key.startswith(other)):
            return c
    close = difflib.get_close_matches(str(name), pool, n=1, cutoff=0.75)
    return close[0] if close else None


def check_columns(columns: Iterable[str], known: Iterable[str], source: str) -> None:
    """Reject a column that looks like a misspelt known one; warn about other unknown columns
    (they are ignored).

    Raises
    ------
    InputError
        A column is not known but resembles a known column.

    Warns
    -----
    ClinicalWarning
        Columns that are neither known nor like one (ignored).
    """
    names = list(known)
    ignored = []
    for column in columns:
        if column in names:
            continue
        match = similar(str(column), names)
        if match is not None:
            raise InputError(
                f"{elide_path(source)}: unknown column {elide(column, 40)!r} "
                f"(did you mean {match!r}?)"
            )
        ignored.append(str(column))
    if ignored:
        warnings.warn(
            f"{source}: column(s) {', '.join(ignored)} not used (columns read: {', '.join(names)})",
            ClinicalWarning,
            stacklevel=2,
        )


def positive_number(value: object, where: str, expected: str) -> float:
    """``value`` as a finite number > 0.

    Raises
    ------
    InputError
        Not a number, not finite or not > 0: ``where: 'value' (give expected)``.
    """
    try:
        number = float(str(value))
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and number > 0):
        raise InputError(f"{where}: '{value}' (give {expected})")
    return number


def json_ready(value: Any) -> Any:
    """``value`` with table cells made plain for JSON: NumPy scalars unwrapped, NaN as None,
    in nested lists and mappings too."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
