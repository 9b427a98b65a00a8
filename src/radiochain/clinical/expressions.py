"""A small, safe expression language for stratification rules, evaluated column-wise.

Rule files write conditions such as ``suvmax_psma > suv_liver and size_mm >= 10`` or
``site in ['lymph_node', 'liver']``. The text is parsed with :mod:`ast` and only a whitelist of
node types is accepted (comparisons, ``and``/``or``/``not``, ``+ - * /``, numbers, strings,
lists, column names and a few named functions); nothing is ever passed to ``eval``. Evaluation is
vectorized over a :class:`pandas.DataFrame`: every name is a column, and a comparison involving a
missing value (NaN) is *unknown*, reported separately so a rule can say "not evaluable" instead
of silently failing.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from radiochain.errors import InputError

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_ARITH: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": np.abs,
    "max": np.maximum,
    "min": np.minimum,
    "lower": lambda s: pd.Series(s).astype("string").str.lower(),
}


@dataclass(frozen=True)
class Evaluated:
    """Result of an expression on a table: ``value`` where known, ``known`` False where a
    value it needs is missing."""

    value: np.ndarray
    known: np.ndarray


@dataclass(frozen=True)
class Expression:
    """A parsed, validated expression.

    Parameters
    ----------
    text : str
        The expression, e.g. ``"suvmax_psma > 1.5 * suv_liver"``.
    where : str
        Where the text comes from (file and field), for error messages.
    """

    text: str
    where: str = "expression"

    def __post_init__(self) -> None:
        try:
            tree = ast.parse(self.text, mode="eval")
        except SyntaxError as err:
            raise InputError(
                f"{self.where}: {self.text!r} is not a valid expression ({err.msg}); "
                "write e.g. 'suvmax_psma > suv_liver and size_mm >= 10'"
            ) from None
        _check(tree.body, self)
        object.__setattr__(self, "_tree", tree.body)

    @cached_property
    def names(self) -> frozenset[str]:
        """Column names the expression reads."""
        tree: ast.expr = self.__dict__["_tree"]
        return frozenset(
            node.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Name) and node.id not in _FUNCTIONS
        )

    def evaluate(self, table: pd.DataFrame) -> Evaluated:
        """Evaluate on every row of ``table`` (one column per name).

        Raises
        ------
        InputError
            A name is not a column of ``table``.
        """
        missing = sorted(self.names - set(table.columns))
        if missing:
            raise InputError(
                f"{self.where}: column(s) {', '.join(missing)} not in the table "
                f"(columns: {', '.join(map(str, table.columns))})"
            )
        known = np.ones(len(table), dtype=bool)
        for name in self.names:
            known &= table[name].notna().to_numpy()
        value = _eval(self.__dict__["_tree"], table)
        array = np.broadcast_to(np.asarray(value), (len(table),)).astype(bool)
        return Evaluated(value=array & known, known=known)


def _check(node: ast.AST, expr: Expression) -> None:
    allowed = (
        ast.BoolOp,
        ast.And,
        ast.Or,
        ast.UnaryOp,
        ast.Not,
        ast.USub,
        ast.Compare,
        ast.BinOp,
        ast.Constant,
        ast.Name,
        ast.Load,
        ast.List,
        ast.Tuple,
        ast.In,
        ast.NotIn,
        ast.Call,
        *_COMPARE,
        *_ARITH,
    )
    for sub in ast.walk(node):
        if not isinstance(sub, allowed):
            raise InputError(
                f"{expr.where}: {expr.text!r} uses {type(sub).__name__}, which rules may not "
                "use (allowed: comparisons, and/or/not, + - * /, numbers, 'text', [lists], "
                "column names, abs/min/max/lower)"
            )
        if isinstance(sub, ast.Call) and not (
            isinstance(sub.func, ast.Name) and sub.func.id in _FUNCTIONS and not sub.keywords
        ):
            raise InputError(
                f"{expr.where}: {expr.text!r} calls an unknown function "
                f"(allowed: {', '.join(_FUNCTIONS)})"
            )
        if isinstance(sub, ast.Constant) and not isinstance(sub.value, int | float | str | bool):
            raise InputError(f"{expr.where}: {expr.text!r}: constant {sub.value!r} not allowed")


def _column(table: pd.DataFrame, name: str) -> Any:
    series = table[name]
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=float, na_value=np.nan)
    text = series.astype("string").str.strip()
    return np.array([None if pd.isna(v) else str(v) for v in text], dtype=object)


def _eval(node: ast.expr, table: pd.DataFrame) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return _column(table, node.id)
    if isinstance(node, ast.List | ast.Tuple):
        return [_eval(e, table) for e in node.elts]
    if isinstance(node, ast.BoolOp):
        values = [np.asarray(_eval(v, table), dtype=bool) for v in node.values]
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        result = values[0]
        for v in values[1:]:
            result = combine(result, v)
        return result
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, table)
        if isinstance(node.op, ast.Not):
            return np.logical_not(np.asarray(operand, dtype=bool))
        return -np.asarray(operand, dtype=float)
    if isinstance(node, ast.BinOp):
        return _ARITH[type(node.op)](
            _numeric(_eval(node.left, table)), _numeric(_eval(node.right, table))
        )
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        return _FUNCTIONS[node.func.id](*[_eval(a, table) for a in node.args])
    if isinstance(node, ast.Compare):
        left = _eval(node.left, table)
        combined: Any = np.ones(len(table), dtype=bool)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _eval(right_node, table)
            if isinstance(op, ast.In | ast.NotIn):
                options = right if isinstance(right, list) else [right]
                inside = pd.Series(np.broadcast_to(left, (len(table),))).isin(options)
                part = inside.to_numpy() if isinstance(op, ast.In) else ~inside.to_numpy()
            else:
                with np.errstate(invalid="ignore"):
                    part = np.asarray(_COMPARE[type(op)](left, right), dtype=bool)
            combined = combined & part
            left = right
        return combined
    raise AssertionError(f"unchecked node {type(node).__name__}")  # pragma: no cover


def _numeric(value: Any) -> Any:
    return value if isinstance(value, int | float) else np.asarray(value, dtype=float)
